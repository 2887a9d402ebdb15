"""The value-grid chart, and every table of the SWOT, value-grid and strategy
pages as (headers, rows) for Excel. Names from users are escaped with `esc`
before they enter a figure: plotly renders HTML in hover text."""

import math

import plotly.graph_objects as go

from customers.models import FACTORS
from customers.rules import (
    CONTRIBUTION_CLASS_LABELS, VALUE_CLASS_ACTIONS, VALUE_CLASS_LABELS, VALUE_CLASS_REASONS, fmt_num, fmt_score,
)
from planning.models import ActionFamily, OpportunitySource, Pairing, Position, Stance
from planning.rules import SWOT_KIND_LABELS
from planning.services import POSITIONING_FIELDS, TARGET_CLASSES
from tsm.lib.charts import esc, figure_json
from tsm.lib.money import format_money

CLASS_COLOURS = {
    "fat_sheep": "#2f855a", "reindeer": "#3182ce", "hound": "#d69e2e", "hare": "#a0aec0", "rat": "#c53030",
    "unclassified": "#718096",
}
SIZE_MIN, SIZE_MAX = 8, 40  # marker diameter in px


# --- §4.1 value grid ------------------------------------------------------------------------------


def assessed(customers) -> list:
    return [c for c in customers if c.value_class.value is not None]


def pending(customers) -> list:
    return [c for c in customers if c.value_class.value is None]


def missing_factors(c) -> list[str]:
    return [label for field, label in FACTORS if c.scores.get(field) is None]


def _sizes(revenues) -> list[float]:
    """Marker area grows with revenue; zero revenue (or none at all) is the smallest dot."""
    top = max(revenues, default=0)
    if top <= 0:
        return [SIZE_MIN for _ in revenues]
    return [SIZE_MIN + (SIZE_MAX - SIZE_MIN) * math.sqrt(max(float(r), 0) / float(top)) for r in revenues]


def value_grid_figure(customers, *, high) -> dict:
    """One dot per assessed customer: x = relative advantage, y = attractiveness,
    sized by base-period revenue, coloured by contribution class; the quadrant
    lines sit at the region's threshold."""
    points = assessed(customers)
    sizes = dict(zip((c.id for c in points), _sizes([c.revenue for c in points])))
    fig = go.Figure()
    for klass, label in CONTRIBUTION_CLASS_LABELS.items():
        group = [c for c in points if c.contribution_class.value == klass]
        if not group:
            continue
        fig.add_trace(go.Scatter(
            name=label, mode="markers",
            x=[float(c.advantage) for c in group], y=[float(c.attractiveness) for c in group],
            marker={"size": [sizes[c.id] for c in group], "color": CLASS_COLOURS[klass], "opacity": 0.75,
                    "line": {"width": 1, "color": "white"}},
            customdata=[[esc(c.name), esc(c.code), VALUE_CLASS_LABELS[c.value_class.value], esc(c.value_class.reason),
                         label, format_money(c.revenue)] for c in group],
            hovertemplate=("<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]} · %{customdata[4]}"
                           "<br>%{customdata[3]}<br>基期收入 %{customdata[5]} 元<extra></extra>"),
        ))
    h = float(high)
    line = {"color": "#b3261e", "width": 1.5, "dash": "dash"}
    fig.add_shape(type="line", x0=h, x1=h, y0=0, y1=5, line=line)
    fig.add_shape(type="line", x0=0, x1=5, y0=h, y1=h, line=line)
    for klass, x, y in (("consolidate", 5, 5), ("invest", 0, 5), ("harvest", 5, 0), ("maintain", 0, 0)):
        fig.add_annotation(x=x, y=y, text=VALUE_CLASS_LABELS[klass], showarrow=False, opacity=0.6,
                           xanchor="right" if x else "left", yanchor="top" if y else "bottom")
    fig.update_layout(
        height=480, title=f"客户价值评估（分界线 {fmt_num(high)}）", legend_title_text="贡献类别",
        xaxis={"title": "我们的相对优势", "range": [-0.2, 5.2], "zeroline": False, "gridcolor": "#edf2f7"},
        yaxis={"title": "客户群本身的吸引力", "range": [-0.2, 5.2], "zeroline": False, "gridcolor": "#edf2f7"},
    )
    return figure_json(fig)


def quadrants(customers, action_texts: dict[int, str]) -> list[dict]:
    """The four value classes: how many customers, the recommended market actions and why."""
    counts = {k: 0 for k in VALUE_CLASS_LABELS}
    for c in assessed(customers):
        counts[c.value_class.value] += 1
    return [
        {"class": k, "label": label, "count": counts[k],
         "actions": [(n, action_texts.get(n, "")) for n in VALUE_CLASS_ACTIONS[k]],
         "reasons": VALUE_CLASS_REASONS[k]}
        for k, label in VALUE_CLASS_LABELS.items()
    ]


def quadrant_table(rows):
    headers = ["价值类别", "客户数", "建议市场动作", "理由"]
    return headers, [[q["label"], q["count"], "；".join(f"{n}. {text}" for n, text in q["actions"]),
                      "；".join(q["reasons"])] for q in rows]


def customer_table(customers):
    headers = ["客户编码", "客户名称", "客户经理", "贡献类别", "基期收入（元）", "吸引力", "相对优势", "价值类别",
               "理由"]
    return headers, [[c.code, c.name, c.owner, CONTRIBUTION_CLASS_LABELS[c.contribution_class.value], c.revenue,
                      float(fmt_score(c.attractiveness)), float(fmt_score(c.advantage)),
                      VALUE_CLASS_LABELS[c.value_class.value], c.value_class.reason]
                     for c in assessed(customers)]


def pending_table(customers):
    headers = ["客户编码", "客户名称", "客户经理", "缺少评分的因素", "数据建议"]
    return headers, [[c.code, c.name, c.owner, "、".join(missing_factors(c)),
                      "；".join(v.reason for v in c.suggestions.values())] for c in pending(customers)]


# --- §3.4 SWOT ----------------------------------------------------------------------------------


def swot_item_table(items):
    sources = dict(OpportunitySource.choices)
    headers = ["类型", "内容", "来源", "入选高阶"]
    return headers, [[SWOT_KIND_LABELS[i.kind], i.text, sources.get(i.source, ""), i.advanced] for i in items]


def swot_suggestion_table(suggestions):
    headers = ["产品系列", "类型", "建议条目", "理由", "已采纳"]
    return headers, [[s.series, SWOT_KIND_LABELS[s.kind], s.text, s.reason, s.adopted] for s in suggestions]


def swot_action_table(items, actions: dict[str, str]):
    picked = {k: [i.text for i in items if i.advanced and i.kind == k] for k in SWOT_KIND_LABELS}
    headers = ["组合", "条目", "组合行动"]
    return headers, [[label, "；".join(picked[p[0]] + picked[p[1]]), actions.get(p, "")]
                     for p, label in Pairing.choices]


# --- §4.5 and §4.6 strategy -------------------------------------------------------------------------


def position_table(rows):
    positions = dict(Position.choices)
    headers = ["产品系列", "我方份额", "我方能力", "份额最大的对手", "对手能力", "建议地位", "理由", "确定地位", "策略",
               "重点", *[label for _, label in POSITIONING_FIELDS], "专攻的细分市场"]
    out = []
    for r in rows:
        record = r.record
        positioning = record.positioning if record else {}
        out.append([
            r.series, None if r.our_share is None else float(r.our_share), _score(r.our_capability), r.leader or "",
            _score(r.leader_capability), positions[r.suggestion.value] if r.suggestion else "",
            r.suggestion.reason if r.suggestion else "请填写我方份额", positions.get(r.effective, ""),
            "、".join(o.name for o in record.strategies.all()) if record else "", record.focus if record else "",
            *[positioning.get(key, "") for key, _ in POSITIONING_FIELDS], record.niche_segment if record else "",
        ])
    return headers, out


def _score(value):
    return None if value is None else float(fmt_score(value))


def _named(customers) -> str:
    return "、".join(f"{c.code} {c.name}" for c in customers)


def stance_table(competitors):
    stances = dict(Stance.choices)
    headers = ["产品系列", "排名", "竞争对手", "市场份额", "策略", "攻击或防守谁（说明）", "期望结果", "目标客户"]
    rows = []
    for c in competitors:
        stance = getattr(c, "stance", None)
        rows.append([c.product_series, c.rank, c.name, None if c.market_share is None else float(c.market_share),
                     stances.get(stance.stance, "") if stance else "", stance.target_note if stance else "",
                     stance.expected_result if stance else "",
                     _named(stance.target_customers.all()) if stance else ""])
    return headers, rows


def special_action_table(actions):
    families = dict(ActionFamily.choices)
    headers = ["类型", "动作", "内容", "月份", "周", "负责人", "预算（元）", "目标客户类", "目标客户"]
    return headers, [[families[a.family], a.kind, a.title, a.month.strftime("%Y-%m"), a.week,
                      str(a.owner) if a.owner else "", a.budget, TARGET_CLASSES.get(a.target_class, ""),
                      _named(a.target_customers.all())]
                     for a in actions]


def value_class_table(rows, by_series, totals):
    """明确定位目标: customers and base-period revenue per value class, of
    all the customers first (全部), then of those buying each product series."""
    headers = ["产品系列", "客户群价值类别", "客户数", "收入（元）"]
    out = [["全部", str(count.label), count.customers, count.revenue] for count in totals]
    for r in rows:
        for count in by_series.get(r.series) or ():
            out.append([r.series, str(count.label), count.customers, count.revenue])
    return headers, out
