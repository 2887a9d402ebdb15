"""The funnel chart and the project table as rows (for the page and for Excel)."""

from pipeline.rules import CATEGORY_LABELS, CONCLUSION_LABELS, LAYER_LABELS, TACTIC_LABELS
from tsm.lib.charts import BASE_LAYOUT
from tsm.lib.money import format_money


def funnel_figure(rows) -> dict:
    """The funnel of `funnel_table` rows (top layer first), as plotly.js JSON.

    Written as a plain dict: building plotly objects costs more than the
    rest of an evidence tick, and this figure has nothing to validate."""
    return {
        "data": [{
            "type": "funnel",
            "y": [r["label"] for r in rows],
            "x": [r["count"] for r in rows],
            "customdata": [[format_money(r["amount"]), format_money(r["weighted"])] for r in rows],
            "texttemplate": "%{x} 个",
            "hovertemplate": "%{y}：%{x} 个项目<br>金额 %{customdata[0]} 元<br>加权金额 %{customdata[1]} 元<extra></extra>",
            "marker": {"color": ["#9fb3c8", "#627d98", "#b3261e"]},
        }],
        "layout": {**BASE_LAYOUT, "height": 260, "title": {"text": "区域大漏斗（项目数）"}},
    }


def project_table(projects, managers, names_of):
    names = {m.pk: str(m) for m in managers}
    customers, products = names_of["customer_names"], names_of["product_names"]
    headers = ["项目编码", "项目名称", "客户", "产品", "客户经理", "金额（元）", "预计签约日期", "赢率 %",
               "证据", "漏斗位置", "逾期", "金额分类", "项目分类", "战法", "结论动作", "加权金额（元）"]
    rows = [
        [p.code, p.name, customers.get(p.customer_id, ""), products.get(p.product_id, ""),
         names.get(p.owner_id, ""), p.amount, p.expected_close.isoformat(), p.win_rate.value,
         ",".join(p.evidence), LAYER_LABELS[p.layer.value], p.overdue, p.amount_class.value,
         CATEGORY_LABELS[p.category.value], TACTIC_LABELS[p.tactic.value], CONCLUSION_LABELS[p.conclusion.value],
         p.weighted]
        for p in projects
    ]
    return headers, rows
