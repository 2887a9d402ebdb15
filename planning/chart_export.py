"""The document's charts as vector SVG for the PDF, from the same plotly
figure definitions the browser draws (planning.charts), exported by kaleido
driving the system's chromium (BROWSER_PATH, else chromium on PATH).

Starting the browser costs seconds, a figure a fraction of one: each worker
process keeps one kaleido server (kaleido.start_sync_server), started lazily
on the first figure and again after a fork. The export page loads the
plotly.js bundled in the plotly package and no MathJax: nothing is fetched
from the network. Without a browser (or when it fails) the PDF goes without
its charts and a warning is logged."""

import hashlib
import json
import logging
import os
import shutil
import threading

import kaleido
from django.core.cache import cache
from plotly.utils import PlotlyJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from planning import charts
from tsm.lib.charts import BASE_LAYOUT, figure_json

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 760, 440  # px: the A4 text width at 96 dpi, scaled by the SVG's viewBox
TIMEOUT = 60  # s for one figure, the browser's start included

_lock = threading.Lock()
_server = {"pid": None, "broken": False}


def browser_path() -> str | None:
    path = os.environ.get("BROWSER_PATH") or next(
        filter(None, (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))), None)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def _ensure_server() -> bool:
    """The process's kaleido server, started on first use (and again in a
    forked child, which does not inherit the parent's thread)."""
    if _server["pid"] == os.getpid():
        return True
    if _server["broken"]:
        return False
    path = browser_path()
    if path is None:
        logger.warning("No chromium found (BROWSER_PATH or PATH): the PDF is rendered without charts")
        _server["broken"] = True
        return False
    if kaleido._global_server.is_running() and _server["pid"] not in (None, os.getpid()):  # noqa: SLF001
        kaleido._global_server._initialized = False  # noqa: SLF001 (the parent's thread is not ours after a fork)
    kaleido.start_sync_server(mathjax=False, path=path, timeout=TIMEOUT, silence_warnings=True)
    _server["pid"] = os.getpid()
    return True


def stop_server() -> None:
    with _lock:
        if _server["pid"] == os.getpid():
            kaleido.stop_sync_server(silence_warnings=True)
        _server.update(pid=None, broken=False)


class ExportTimeout(Exception):
    pass


def _export(fig: dict) -> str:
    layout = fig.get("layout") or {}
    opts = {"format": "svg", "width": layout.get("width") or WIDTH, "height": layout.get("height") or HEIGHT}
    result = {}

    def call():
        try:
            result["svg"] = kaleido.calc_fig_sync(fig, opts=opts)
        except BaseException as error:  # noqa: BLE001 (handed to the caller)
            result["error"] = error

    # The server's thread dies silently when the browser does and its caller
    # then waits forever: wait in a daemon thread, for a while only.
    waiter = threading.Thread(target=call, daemon=True)
    waiter.start()
    waiter.join(TIMEOUT)
    if waiter.is_alive():
        raise ExportTimeout(f"no figure from kaleido in {TIMEOUT} s")
    if "error" in result:
        raise result["error"]
    svg = result["svg"]
    return svg.decode("utf-8") if isinstance(svg, bytes) else svg


def _as_dict(fig) -> dict:
    if isinstance(fig, dict):
        return {**fig, "layout": {**BASE_LAYOUT, **(fig.get("layout") or {})}}
    return figure_json(fig)


CACHE_SECONDS = 24 * 3600


def figure_svg(fig) -> str:
    """One figure (a plotly Figure or its dict, as figure_json gives the
    page) as SVG markup; '' when it cannot be drawn (logged). The same figure
    is exported once a day: a version's plan and its summary share their
    charts, and a frozen version's figures never change."""
    fig = _as_dict(fig)
    key = "figure-svg:" + hashlib.sha256(json.dumps(fig, sort_keys=True, cls=PlotlyJSONEncoder).encode()).hexdigest()
    if svg := cache.get(key):
        return svg
    svg = _figure_svg(fig)
    if svg:
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def _figure_svg(fig: dict) -> str:
    with _lock:
        if not _ensure_server():
            return ""
        try:
            svg = _export(fig)
        except ExportTimeout:
            # the server is stuck or gone: stopping it would wait for it too; this process draws no more charts
            logger.warning("Kaleido does not answer: this process renders PDFs without charts", exc_info=True)
            _server.update(pid=None, broken=True)
            return ""
        except Exception:
            logger.warning("A chart could not be exported: the PDF goes without it", exc_info=True)
            return ""
    # the XML prolog (if any) is not allowed inside HTML
    return svg[svg.find("<svg"):] if "<svg" in svg else ""


def document_charts(content: dict, slots=None) -> dict[str, str]:
    """Every chart slot of the document (planning.charts.document_figures,
    the figures the page draws) as SVG markup ready for the templates; a
    figure that cannot be drawn leaves its slot empty."""
    out = {}
    for slot, fig in charts.document_figures(content).items():
        if slots is not None and slot not in slots:
            continue
        if svg := figure_svg(fig):
            label = charts.DOCUMENT_FIGURES[slot][3]
            out[slot] = format_html('<figure class="chart" role="img" aria-label="{}">{}</figure>', label,
                                    mark_safe(svg))  # noqa: S308 (kaleido's SVG of our figure: users' names escaped in it)
    return out
