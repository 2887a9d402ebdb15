"""Plotly figures as JSON for the page: served with the page, drawn by the
plotly.js bundled in the installed plotly package (no CDN).

Every text that comes from users (customer names…) is HTML-escaped before it
enters a figure: plotly renders a subset of HTML in labels and hover text."""

import html
import json

from django.utils.functional import Promise
from plotly.utils import PlotlyJSONEncoder

FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


BASE_LAYOUT = {"font": {"family": FONT, "size": 12}, "margin": {"l": 40, "r": 20, "t": 40, "b": 40},
               "paper_bgcolor": "white", "plot_bgcolor": "white"}


def figure_json(fig) -> dict:
    """The figure as a dict for `{{ fig|json_script:"id" }}` (which escapes </script>)."""
    fig.update_layout(**BASE_LAYOUT)
    return json.loads(json.dumps(_plain(fig.to_plotly_json()), cls=PlotlyJSONEncoder))


def _plain(value):
    """Labels are lazy translations (one source: the enumerations); the
    figure gets them as text in the language of the request."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
