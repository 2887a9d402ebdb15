"""The plan as a PDF (DOMAIN §6.2): WeasyPrint lays out the same document
templates as the page (templates/planning/document/), wrapped for print
(templates/planning/pdf/, static/css/print.css).

The renderer fetches nothing but the project's own static files: the
document is laid out against a base URL that names no real host, and the
URL fetcher answers only `<that host>/<STATIC_URL><a static file>` found by
the staticfiles finders; every other URL (http, file, data …) is refused
and logged, so an address in a user's text or CSS reaches nothing. Users'
texts are escaped by the templates like everywhere else."""

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from planning.chart_export import document_charts

logger = logging.getLogger(__name__)
# plotly's SVG styles its shapes with SVG properties that WeasyPrint's HTML
# cascade does not know (its SVG renderer does): one warning per shape, noise.
logging.getLogger("weasyprint").addFilter(lambda record: "unknown property" not in record.getMessage())

BASE_URL = "https://tsm-static.invalid/"  # .invalid never resolves; nothing is fetched from it either
TEMPLATES = {"plan": "planning/pdf/plan.html", "summary": "planning/pdf/summary.html"}
# The chart slots each document shows (templates/planning/document/): None is every one.
CHART_SLOTS = {"plan": None, "summary": ("classes", "funnel")}


class StaticOnlyFetcher(URLFetcher):
    """Serves the project's static files and nothing else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
            logger.warning("PDF: refused to fetch %s (only the project's static files)", url[:200])
            raise ValueError(f"refused: {url[:200]}")
        name = posixpath.normpath(unquote(parts.path[len(prefix):]))
        path = None if name.startswith((".", "/")) else finders.find(name)
        if not path:
            logger.warning("PDF: no static file %s", name[:200])
            raise ValueError(f"no static file: {name[:200]}")
        with open(path, "rb") as f:
            body = f.read()
        return URLFetcherResponse(url, body, {"Content-Type": mimetypes.guess_type(path)[0] or "application/octet-stream"})


def render_html(content: dict, *, kind: str = "plan", draft: bool, charts: dict | None = None,
                version_number: int | None = None) -> str:
    """The final HTML WeasyPrint lays out (in Chinese, whoever asked)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(TEMPLATES[kind], {
            "doc": content, "charts": charts or {}, "draft": draft, "version_number": version_number})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_pdf(content: dict, *, kind: str = "plan", draft: bool, version_number: int | None = None) -> bytes:
    """The plan (kind 'plan') or its executive summary ('summary') of a
    content dict (planning.document.plan_content or a version's frozen
    content) as PDF bytes; a draft carries the 草稿 watermark."""
    if kind not in TEMPLATES:
        raise ValueError(f"kind: {kind!r}")
    charts = document_charts(content, CHART_SLOTS[kind])
    return html_to_pdf(render_html(content, kind=kind, draft=draft, charts=charts, version_number=version_number))
