"""The heat-map is built from plain dicts, unchecked (tsm.lib.charts.unchecked_figure):
it must be exactly the figure plotly's validated objects give."""

import json

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from customers.charts import heatmap_layout, heatmap_trace
from tsm.lib.charts import figure_json, unchecked_figure


def _validated(x, y, z, text, hover, n_rows):
    fig = go.Figure(go.Heatmap(**{k: v for k, v in heatmap_trace(x, y, z, text, hover).items() if k != "type"}))
    fig.update_layout(**heatmap_layout(n_rows))
    return figure_json(fig)


def test_the_unchecked_heatmap_equals_the_validated_one():
    x, y = ["产品&lt;A&gt;", "产品B"], ["客户一（C1）", "客户二（C2）", "客户三（C3）"]
    z = [[1, -1], [None, 1], [-1, None]]
    text = [["+", "—"], ["", "+"], ["—", ""]]
    hover = [["客户一<br>产品A<br>收入 1,234.50 元", "客户一<br>产品B"], ["", "x"], ["y", ""]]
    fast = figure_json(unchecked_figure([heatmap_trace(x, y, z, text, hover)], heatmap_layout(3)))
    assert fast == _validated(x, y, z, text, hover, 3)
    assert fast["layout"]["template"] == {"data": {"scatter": [{"type": "scatter"}]}}  # "none", as plotly expands it
    assert fast["layout"]["height"] == 260 and fast["data"][0]["z"] == z
    assert json.dumps(fast, cls=PlotlyJSONEncoder)  # serialisable for json_script


def test_unchecked_figures_keep_a_given_template_and_the_base_layout():
    fig = figure_json(unchecked_figure([{"type": "bar", "x": [1], "y": [2]}], {"height": 300}))
    assert fig["layout"]["font"]["family"].startswith("Noto Sans CJK SC")
    assert fig["layout"]["height"] == 300 and fig["data"] == [{"type": "bar", "x": [1], "y": [2]}]
