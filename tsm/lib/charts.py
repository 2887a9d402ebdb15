"""Plotly figures as JSON for the page: served with the page, drawn by the
plotly.js bundled in the installed plotly package (no CDN).

Every text that comes from users (customer names…) is HTML-escaped before it
enters a figure: plotly renders a subset of HTML in labels and hover text."""

import html
import json

import plotly.io as pio

FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


BASE_LAYOUT = {"font": {"family": FONT, "size": 12}, "margin": {"l": 40, "r": 20, "t": 40, "b": 40},
               "paper_bgcolor": "white", "plot_bgcolor": "white"}


def figure_json(fig) -> dict:
    """The figure as a dict for `{{ fig|json_script:"id" }}` (which escapes </script>)."""
    fig.update_layout(**BASE_LAYOUT)
    return json.loads(pio.to_json(fig, validate=False, pretty=False))
