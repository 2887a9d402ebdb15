"""gunicorn's settings for this application (read from the working directory):
`.venv/bin/gunicorn tsm.wsgi --workers 4 --bind 127.0.0.1:8000`.

The application is loaded once in the master (preload) and warmed there
(tsm/wsgi.py: every view imported, every template compiled), so each forked
worker answers its first request as fast as its hundredth and the workers
share that memory. Django opens database connections per request, never at
import, so no connection crosses the fork."""

import gc

preload_app = True


def when_ready(server):
    """After the preload, before the workers fork: the 200,000 objects of the
    loaded application (modules, compiled templates, URL patterns) move to
    the collector's permanent generation, as Python's documentation advises
    for a pre-fork server — no worker's collections walk them again, and
    their memory pages stay shared instead of being written by the collector."""
    gc.freeze()
