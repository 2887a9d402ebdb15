"""gunicorn's settings for this application (read from the working directory):
`.venv/bin/gunicorn tsm.wsgi --workers 4 --bind 127.0.0.1:8000`.

The application is loaded once in the master (preload) and warmed there
(tsm/wsgi.py: every view imported, every template compiled), so each forked
worker answers its first request as fast as its hundredth and the workers
share that memory. Django opens database connections per request, never at
import, so no connection crosses the fork."""

preload_app = True
