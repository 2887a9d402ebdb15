"""tsm.lib.charts.figure_json gives what plotly's own JSON encoder gives, in one walk."""

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import plotly.graph_objects as go
from django.utils.translation import gettext_lazy
from plotly.utils import PlotlyJSONEncoder

from tsm.lib.charts import BASE_LAYOUT, _plain, figure_json


def _by_plotly(fig) -> dict:
    """The encoder's round trip (how figure_json worked before), lazy labels made text first."""
    def text(v):
        if isinstance(v, dict):
            return {k: text(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [text(x) for x in v]
        return str(v) if type(v).__name__ == "__proxy__" else v
    return json.loads(json.dumps(text(fig.to_plotly_json()), cls=PlotlyJSONEncoder))


def test_figure_json_equals_plotlys_encoding_for_every_kind_of_value():
    fig = go.Figure(go.Bar(
        x=[gettext_lazy("底层"), "中层", "表层"], y=[Decimal("12345.60"), 2.5, float("nan")],
        customdata=np.array([1, 2, 3]), text=[dt.date(2026, 11, 30), None, True], name="金额",
    ))
    fig.update_layout(title={"text": "区域大漏斗"}, height=300, yaxis={"range": (0, float("inf"))})
    fast = figure_json(fig)
    assert fast == _by_plotly(fig)  # figure_json added BASE_LAYOUT to fig itself, so both carry it
    trace = fast["data"][0]
    assert trace["x"] == ["底层", "中层", "表层"] and trace["y"] == [12345.6, 2.5, None]
    assert trace["customdata"]["bdata"] == "AQID" and trace["text"] == ["2026-11-30", None, "True"]
    assert fast["layout"]["yaxis"]["range"] == [0, None] and fast["layout"]["font"] == BASE_LAYOUT["font"]
    json.dumps(fast, allow_nan=False)  # strict JSON: NaN and infinity became null


def test_plain_keeps_plain_values_and_makes_tuples_lists():
    assert _plain({"a": (1, "x", False, None, 0.5)}) == {"a": [1, "x", False, None, 0.5]}
    assert _plain(Decimal("-0.10")) == -0.1
