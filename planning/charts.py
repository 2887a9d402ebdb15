"""The value-grid chart, and every table of the SWOT, value-grid and strategy
pages as (headers, rows) for Excel. Names from users are escaped with `esc`
before they enter a figure: plotly renders HTML in hover text."""

import math
from decimal import ROUND_FLOOR, Decimal

import plotly.graph_objects as go
from django.utils import timezone

from customers.rules import (
    CONTRIBUTION_CLASS_LABELS, VALUE_CLASS_ACTIONS, VALUE_CLASS_BY_AXES, VALUE_CLASS_LABELS, VALUE_CLASS_REASONS,
    VALUE_FIT_COURSE, fmt_num, fmt_score,
)
from planning.models import ActionFamily, OpportunitySource, Pairing, Position, Stance
from planning.rules import SWOT_KIND_LABELS
from planning.services import POSITIONING_FIELDS, TARGET_CLASSES
from tsm.lib.charts import esc, figure_json

CLASS_COLOURS = {
    "fat_sheep": "#2f855a", "reindeer": "#3182ce", "hound": "#d69e2e", "hare": "#a0aec0", "rat": "#c53030",
    "unclassified": "#718096",
}
SIZE_MIN, SIZE_MAX = 8, 40  # marker diameter in px


# --- §4.1 value grid ------------------------------------------------------------------------------
#
# Drawn as the course draws it: attractiveness (客户群本身的吸引力) across,
# our relative advantage (我们的相对优势) up, so 巩固类 is top right, 收获类
# top left, 投入类 bottom right and 兼顾类 bottom left.

AXIS_ATTRACTIVENESS = "客户群本身的吸引力"
AXIS_ADVANTAGE = "我们的相对优势"
# value class -> (attractiveness high, advantage high): where its quadrant lies.
QUADRANT_OF = {cls: axes for axes, cls in VALUE_CLASS_BY_AXES.items()}


def _sizes(revenues) -> list[float]:
    """Marker area grows with revenue; zero revenue (or none at all) is the smallest dot."""
    top = max(revenues, default=0)
    if top <= 0:
        return [SIZE_MIN for _ in revenues]
    return [SIZE_MIN + (SIZE_MAX - SIZE_MIN) * math.sqrt(max(float(r), 0) / float(top)) for r in revenues]


def _axis(mean: Decimal) -> float:
    """A mean as the reasons write it (2 places, rounded down, fmt_score): the
    dot and its hover never cross the line that its class did not."""
    return float(mean.quantize(Decimal("0.01"), ROUND_FLOOR))


def value_grid_figure(points, *, high) -> dict:
    """One dot per assessed customer (selectors.GridPoint): x = attractiveness,
    y = relative advantage, sized by base-period revenue, coloured by
    contribution class; the quadrant lines at the region's threshold `high`,
    each quadrant's class in its outer corner.

    The traces are written as plain data: plotly's validation of 5,000 points
    took longer than the rest of the page."""
    sizes = _sizes([p.revenue for p in points])
    values = dict(VALUE_CLASS_LABELS.items())  # translated once, not once per dot
    traces = []
    for klass, label in CONTRIBUTION_CLASS_LABELS.items():
        group = [(p, size) for p, size in zip(points, sizes) if p.contribution_class == klass]
        if not group:
            continue
        traces.append({
            "type": "scatter", "name": label, "mode": "markers",
            "x": [_axis(p.attractiveness) for p, _ in group], "y": [_axis(p.advantage) for p, _ in group],
            "marker": {"size": [round(size, 1) for _, size in group], "color": CLASS_COLOURS[klass],
                       "opacity": 0.75, "line": {"width": 1, "color": "white"}},
            # name, code, value class, revenue; the contribution class is the trace's
            "customdata": [[esc(p.name), esc(p.code), values[p.value_class], float(p.revenue)] for p, _ in group],
            "hovertemplate": ("<b>%{customdata[0]}</b> (%{customdata[1]})<br>吸引力 %{x:.2f} · 相对优势 %{y:.2f}"
                              f"<br>%{{customdata[2]}} · {esc(label)}<br>基期收入 %{{customdata[3]:,.2f}} 元"
                              "<extra></extra>"),
        })
    h = float(high)
    line = {"color": "#b3261e", "width": 1.5, "dash": "dash"}
    fig = go.Figure()
    fig.add_shape(type="line", x0=h, x1=h, y0=0, y1=5, line=line)
    fig.add_shape(type="line", x0=0, x1=5, y0=h, y1=h, line=line)
    for klass, (attractive, advantaged) in QUADRANT_OF.items():
        fig.add_annotation(x=5 if attractive else 0, y=5 if advantaged else 0, text=VALUE_CLASS_LABELS[klass],
                           showarrow=False, opacity=0.6, xanchor="right" if attractive else "left",
                           yanchor="top" if advantaged else "bottom")
    fig.update_layout(
        height=480, title=f"客户价值评估（分界线 {fmt_num(high)}）", legend_title_text="贡献类别",
        showlegend=True,
        xaxis={"title": AXIS_ATTRACTIVENESS, "range": [-0.2, 5.2], "zeroline": False, "gridcolor": "#edf2f7"},
        yaxis={"title": AXIS_ADVANTAGE, "range": [-0.2, 5.2], "zeroline": False, "gridcolor": "#edf2f7"},
    )
    return figure_json(fig) | {"data": traces}


def quadrants(counts: dict[str, int], action_texts: dict[int, str]) -> list[dict]:
    """The four value classes, 一级 first: how many customers, where the
    quadrant lies, the recommended market actions and why."""
    return [
        {"class": k, "label": label, "count": counts.get(k, 0),
         "attractive": QUADRANT_OF[k][0], "advantaged": QUADRANT_OF[k][1],
         "actions": [(n, action_texts.get(n, "")) for n in VALUE_CLASS_ACTIONS[k]],
         "reasons": VALUE_CLASS_REASONS[k], "course": VALUE_FIT_COURSE[k]}
        for k, label in VALUE_CLASS_LABELS.items()
    ]


def quadrant_table(rows):
    headers = ["价值类别", "客户数", "建议市场动作", "理由"]
    return headers, [[q["label"], q["count"], "；".join(f"{n}. {text}" for n, text in q["actions"]),
                      "；".join(q["reasons"])] for q in rows]


def customer_table(customers):
    headers = ["客户编码", "客户名称", "客户经理", "贡献类别", "基期收入（元）", "吸引力", "相对优势", "价值类别",
               "理由"]
    return headers, [[c.code, c.name, c.owner, c.contribution_class.label, c.revenue,
                      float(fmt_score(c.attractiveness)), float(fmt_score(c.advantage)),
                      c.value_class.label, c.value_class.reason] for c in customers]


def pending_table(rows):
    """rows: (customer, the factors it misses)."""
    headers = ["客户编码", "客户名称", "客户经理", "缺少评分的因素", "数据建议"]
    return headers, [[c.code, c.name, c.owner, "、".join(missing), "；".join(v.reason for v in c.suggestions.values())]
                     for c, missing in rows]


def fit_table(table):
    """客户群价值类别与贡献类别: a count and a revenue column per contribution class, expected pairs marked."""
    headers = ["价值类别"]
    for cell in table.totals:
        headers += [f"{cell.label}（客户数）", f"{cell.label}（收入，元）"]
    rows = []
    for line in table.lines:
        row = [line.label]
        for cell in line.cells:
            row += [f"{cell.count}（期望）" if cell.expected else cell.count, cell.revenue]
        rows.append(row)
    total = ["合计"]
    for cell in table.totals:
        total += [cell.count, cell.revenue]
    return headers + ["说明"], [r + [""] for r in rows] + [total + ["标“期望”的是课程期望的组合"]]


def misfit_table(rows):
    """Every misfit, accepted or not (selectors.FitRow)."""
    headers = ["客户编码", "客户名称", "客户经理", "基期收入（元）", "价值类别", "价值类别理由", "贡献类别",
               "贡献类别理由", "为什么不符", "已接受", "接受人", "接受时间"]
    out = []
    for r in rows:
        c, a = r.customer, r.acceptance if r.accepted else None
        out.append([c.code, c.name, c.owner, c.revenue, c.value_class.label, c.value_class.reason,
                    c.contribution_class.label, c.contribution_class.reason, r.fit.reason, a is not None,
                    str(a.accepted_by or "") if a else "",
                    timezone.localtime(a.accepted_at).strftime("%Y-%m-%d %H:%M") if a else ""])
    return headers, out


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


# --- §6.2 the plan document's figures ------------------------------------------------------------------------
#
# Each takes a section's content data (planning.document.plan_content, money as
# strings) and returns the figure as a dict: the page draws it with the served
# plotly.js, the PDF exports the same dict to SVG (plotly.io.to_image(fig, format="svg")).

LAYER_COLOURS = {"surface": "#90cdf4", "middle": "#4299e1", "bottom": "#2b6cb0"}


def document_funnel_figure(funnel: list[dict]) -> dict:
    """区域大漏斗 by layer (top first): a funnel of project counts, the amount in the hover."""
    fig = go.Figure(go.Funnel(
        y=[str(layer["label"]) for layer in funnel], x=[layer["count"] for layer in funnel],
        customdata=[float(Decimal(layer["amount"])) for layer in funnel],
        marker={"color": [LAYER_COLOURS.get(layer["layer"], "#4299e1") for layer in funnel]},
        textinfo="value", hovertemplate="%{y}：%{x} 个项目<br>金额 %{customdata:,.2f} 元<extra></extra>"))
    fig.update_layout(height=300, title="区域大漏斗（项目数）")
    return figure_json(fig)


def document_classes_figure(classes: list[dict]) -> dict:
    """The five contribution classes: customers (bars) and base-period revenue (hover), 未分类 left out when empty."""
    shown = [c for c in classes if c["class"] != "unclassified" or c["count"]]
    fig = go.Figure(go.Bar(
        x=[str(c["label"]) for c in shown], y=[c["count"] for c in shown],
        customdata=[float(Decimal(c["revenue"])) for c in shown],
        marker={"color": [CLASS_COLOURS.get(c["class"], "#718096") for c in shown]},
        hovertemplate="%{x}：%{y} 个客户<br>收入 %{customdata:,.2f} 元<extra></extra>"))
    fig.update_layout(height=300, title="五类客户（客户数）", yaxis={"title": "客户数", "rangemode": "tozero"})
    return figure_json(fig)


def document_value_classes_figure(value_classes: list[dict]) -> dict:
    """Customers per value class (一级 … 四级, 待评估 last)."""
    fig = go.Figure(go.Bar(
        x=[str(v["label"]) for v in value_classes], y=[v["customers"] for v in value_classes],
        marker={"color": "#3182ce"}, hovertemplate="%{x}：%{y} 个客户<extra></extra>"))
    fig.update_layout(height=300, title="客户价值类别（客户数）", yaxis={"title": "客户数", "rangemode": "tozero"})
    return figure_json(fig)


DOCUMENT_FIGURES = {
    # chart slot -> (section key, data key, figure function, accessible name)
    "funnel": ("strategy", "funnel", document_funnel_figure, "区域大漏斗：各层项目数，数据见下表"),
    "classes": ("contribution", "classes", document_classes_figure, "五类客户的客户数，数据见下表"),
    "value_classes": ("strategy", "value_classes", document_value_classes_figure, "客户价值类别的客户数，数据见下表"),
}


def document_figures(content: dict) -> dict[str, dict]:
    """slot -> figure dict, for every chart slot of templates/planning/document/ (page and PDF alike)."""
    data = {s["key"]: s["data"] for s in content["sections"]}
    return {slot: fn(data[section][key]) for slot, (section, key, fn, _label) in DOCUMENT_FIGURES.items()}
