"""Plotly figures as JSON for the page: served with the page, drawn by the
plotly.js bundled in the installed plotly package (no CDN).

Every text that comes from users (customer names…) is HTML-escaped before it
enters a figure: plotly renders a subset of HTML in labels and hover text."""

import html
import json
import math
from decimal import Decimal

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.functional import Promise
from plotly.utils import PlotlyJSONEncoder

FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


BASE_LAYOUT = {"font": {"family": FONT, "size": 12}, "margin": {"l": 40, "r": 20, "t": 40, "b": 40},
               "paper_bgcolor": "white", "plot_bgcolor": "white"}


def figure_json(fig) -> dict:
    """The figure as a dict for `{{ fig|json_script:"id" }}` (which escapes </script>):
    plain JSON values, as plotly's own encoder would give them."""
    fig.update_layout(**BASE_LAYOUT)
    return _plain(fig.to_plotly_json())


def unchecked_figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from plain dicts, not validated attribute by attribute: plotly's
    validation of a page's heat-map (50 customers × 6 products, each cell with
    its hover text) costs ten times what the figure is worth on a busy server.
    Only for figures whose shape a test holds equal to the validated
    figure's; `template="none"` is expanded as plotly expands it."""
    if layout.get("template") == "none":
        layout = {**layout, "template": pio.templates["none"]}
    return go.Figure(data=traces, layout=layout, _validate=False)


def _plain(value):
    """The figure's values as JSON values in one walk. Labels are lazy
    translations (one source: the enumerations): the figure gets them as text
    in the language of the request. Decimal becomes a number and NaN or
    infinity null, as PlotlyJSONEncoder gives them; anything else that is not
    plain JSON (numpy arrays, dates) goes through that encoder itself."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return _plain(float(value))
    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))
