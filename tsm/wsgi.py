"""The WSGI application, warmed before it answers.

A worker's first request used to pay for importing every view's modules
(plotly, pandas, WeasyPrint's …) and compiling the templates: two seconds on
a small server, in front of a real user. They are done here instead, when
the process starts — and once for all workers when gunicorn preloads the
application (gunicorn.conf.py), the workers sharing the imported code. Nothing
here opens a database connection, so none is shared across the fork."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsm.settings")
application = get_wsgi_application()


def warm() -> int:
    """Import every view (through the URLconf) and compile every project
    template into the cached loader; returns how many templates."""
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse
    from django.utils import translation

    get_resolver().url_patterns
    reverse("login")  # the resolver's reverse table, built on first use (0.1 s)
    for language, _ in settings.LANGUAGES:  # each language's catalogues, read on first use
        with translation.override(language):
            translation.gettext("区域")
    count = 0
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            get_template(path.relative_to(folder).as_posix())
            count += 1
    return count


warm()
