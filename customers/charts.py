"""Charts of the analysis pages and their tables as rows (for the page and for Excel).

Every user text that enters a figure goes through `esc`: plotly renders a
subset of HTML in tick labels, legends and hover text. The tables for Excel
keep the raw text (a spreadsheet cell is text, and `table_xlsx` defuses formulas).
"""

from collections import Counter

import plotly.graph_objects as go

from customers.rules import (
    CONTRIBUTION_CLASS_ADVICE, CONTRIBUTION_CLASS_LABELS, DIMENSIONS, PUBLICITY_LABELS, ROLES,
)
from tsm.lib.charts import esc, figure_json, unchecked_figure
from tsm.lib.money import format_money

UNIT_LABELS = {"yuan": "元", "wan": "万元"}


def product_labels(products) -> dict[int, str]:
    """Column labels: the product name, with its code when two products share a name."""
    names = Counter(p["name"] for p in products)
    return {p["id"]: p["name"] if names[p["name"]] == 1 else f"{p['name']}（{p['code']}）" for p in products}


def heatmap_figure(rows, products, *, unit="yuan") -> dict:
    """The customer × product matrix (§3.1): + green, — red, empty cells blank.

    `rows`: (customer, [MatrixCell or None per product]) from `matrix_rows`,
    largest customer first (drawn top down)."""
    labels = product_labels(products)
    x = [esc(labels[p["id"]]) for p in products]
    y = [f"{esc(c.name)}（{esc(c.code)}）" for c, _ in rows]
    z = [[None if cell is None else (1 if cell.sign.value == "+" else -1) for cell in cells] for _, cells in rows]
    text = [["" if cell is None else ("+" if cell.sign.value == "+" else "—") for cell in cells] for _, cells in rows]
    hover = [
        ["" if cell is None else
         f"{esc(c.name)}<br>{esc(labels[p['id']])}<br>收入 {format_money(cell.revenue, unit)} {UNIT_LABELS[unit]}"
         f"<br>利润 {format_money(cell.profit, unit)} {UNIT_LABELS[unit]}"
         for p, cell in zip(products, cells)]
        for c, cells in rows
    ]
    return figure_json(unchecked_figure([heatmap_trace(x, y, z, text, hover)], heatmap_layout(len(rows))))


def heatmap_trace(x, y, z, text, hover) -> dict:
    """The matrix's trace as plain data (unchecked: tests/customers hold it equal to go.Heatmap's)."""
    return {"type": "heatmap", "z": z, "x": x, "y": y, "text": text, "texttemplate": "%{text}", "hovertext": hover,
            "hoverinfo": "text", "hoverongaps": False, "zmin": -1, "zmax": 1, "showscale": False, "xgap": 2,
            "ygap": 2, "colorscale": [[0, "#f8d7d4"], [0.5, "#f8d7d4"], [0.5, "#cdebd8"], [1, "#cdebd8"]],
            "textfont": {"size": 14}}


def heatmap_layout(n_rows: int) -> dict:
    return {"template": "none", "height": max(260, 90 + 24 * n_rows), "xaxis": {"side": "top", "type": "category"},
            "yaxis": {"autorange": "reversed", "type": "category", "automargin": True}}


def radar_figure(subjects, grid) -> dict:
    """Us vs each competitor on the nine dimensions of one series (§3.3).

    `subjects`: the names, ours first; `grid`: ComparisonRows (scores in that order)."""
    theta = [row.label for row in grid] + [grid[0].label]
    colours = ["#b3261e", "#1d4ed8", "#b7791f", "#2f855a"]
    fig = go.Figure()
    for i, name in enumerate(subjects):
        r = [row.scores[i] for row in grid]
        fig.add_trace(go.Scatterpolar(
            r=r + r[:1], theta=theta, name=esc(name), mode="lines+markers", connectgaps=False,
            line={"color": colours[i % len(colours)], "width": 3 if i == 0 else 2},
            fill="toself" if i == 0 else "none", opacity=0.9,
            hovertemplate="%{fullData.name}<br>%{theta}：%{r}<extra></extra>",
        ))
    fig.update_layout(template="none", height=360, polar={"radialaxis": {"range": [0, 5], "dtick": 1}},
                      legend={"orientation": "h", "y": -0.1}, margin={"l": 60, "r": 60, "t": 30, "b": 30})
    return figure_json(fig)


# --- tables for Excel ---------------------------------------------------------------------------------


def matrix_table(rows, products, names):
    """One line per non-empty cell of the filtered customers (a pivot table rebuilds the matrix)."""
    labels = product_labels(products)
    headers = ["客户编码", "客户名称", "客户经理", "贡献类别", "产品", "收入（元）", "成本（元）", "利润（元）", "组合评价"]
    out = []
    for c, cells in rows:
        for p, cell in zip(products, cells):
            if cell is not None:
                out.append([c.code, c.name, names.get(c.owner_id, ""),
                            CONTRIBUTION_CLASS_LABELS[c.contribution_class.value], labels[p["id"]],
                            cell.revenue, cell.cost, cell.profit, "盈利 +" if cell.sign.value == "+" else "亏损 —"])
    return headers, out


def summary_table(rows, group_label=None, group_names=None):
    """class_summary rows; with a group column (manager or product) when given."""
    headers = ([group_label] if group_label else []) + ["贡献类别", "客户数", "收入（元）", "利润（元）", "收入占比",
                                                        "建议"]
    out = []
    for r in rows:
        share = None if r["share"] is None else float(round(r["share"], 4))
        out.append(([group_names.get(r["group"], "") if group_names is not None else r["group"]] if group_label else [])
                   + [r["label"], r["count"], r["revenue"], r["profit"], share, CONTRIBUTION_CLASS_ADVICE[r["class"]]])
    return headers, out


def checks_table(checks):
    headers = ["检查", "提醒", "依据"]
    return headers, [[check.question, check.warning, check.reason] for check in checks]


def decision_table(customers, contacts_by_customer, projects_by_customer, names):
    headers = ["客户编码", "客户名称", "客户经理", *ROLES.values(), "宣传接触状态", "依据", "进行中项目",
               "角色覆盖不足 5 个的项目"]
    rows = []
    for c in customers:
        contacts = contacts_by_customer.get(c.id, [])
        projects = projects_by_customer.get(c.id, [])
        rows.append([
            c.code, c.name, names.get(c.owner_id, ""),
            *["、".join(k.name for k in contacts if role in k.roles) for role in ROLES],
            PUBLICITY_LABELS[c.publicity.value], c.publicity.reason, len(projects),
            sum(1 for p in projects if p.coverage.value < 5),
        ])
    return headers, rows


def contacts_table(contacts):
    headers = ["姓名", "职务", *ROLES.values(), "态度", "最近面谈日期"]
    rows = [[k.name, k.title, *[role in k.roles for role in ROLES], k.get_attitude_display(),
             k.last_met.isoformat() if k.last_met else None] for k in contacts]
    return headers, rows


def competitors_table(competitors):
    headers = ["产品系列", "排名", "名称", "市场份额", "在本区域的主要目标", "目标说明", "对我方的反应模式", "反应说明",
               "服务特点", "运作手段", "当地组织与人员", "在产品方面可能的发展趋势", "在运作方面可能的发展趋势",
               "在组织人员方面可能的发展趋势"]
    rows = [[c.product_series, c.rank, c.name, None if c.market_share is None else float(c.market_share),
             c.get_goal_display(), c.goal_note, c.get_reaction_display(), c.reaction_note, c.service_features,
             c.operating_means, c.local_organisation, c.trend_product, c.trend_operation, c.trend_organisation]
            for c in competitors]
    return headers, rows


def scores_table(blocks):
    """One row per series × subject (us, then each competitor), one column per dimension."""
    headers = ["产品系列", "对象", *DIMENSIONS.values()]
    rows = []
    for block in blocks:
        for i, name in enumerate(block.subjects):
            rows.append([block.series, name, *[row.scores[i] for row in block.grid]])
    return headers, rows


def intelligence_table(entries):
    headers = ["日期", "产品系列", "竞争对手", "渠道", "内容", "记录人"]
    rows = [[e.date.isoformat(), e.competitor.product_series, e.competitor.name, e.channel.name, e.content,
             str(e.author) if e.author else ""] for e in entries]
    return headers, rows



def customers_table(customers):
    """The customer list in the import's customers sheet columns (INTERFACES §1),
    so that a corrected list can be imported again; the manager's name after."""
    headers = ["客户编码", "客户名称", "行业", "客户经理", "客户经理姓名"]
    rows = [[c.code, c.name, c.industry, c.owner.username if c.owner_id else "", str(c.owner or "")]
            for c in customers]
    return headers, rows
