"""The regional marketing plan as a document (DOMAIN §6.2): the nine
sections, in order, assembled from the data as of the plan's date, each
with the director's text where words are needed.

`plan_content(plan)` returns plain JSON-able data (strings, numbers as
decimal strings, lists, dicts): the live draft renders it, a submission
freezes it in PlanVersion.content, and the page, the executive summary and
the PDF all render the same dict through templates/planning/document/.

The analysis figures (classes, funnel, checks, flagged items) are the
region's analysis as of the plan's date (planning.figures): the stored
results when they are of that date (customers.CustomerStanding,
pipeline.ProjectStanding: a few GROUP BYs, never the whole region judged
again), else that date's analysis, computed on demand and cached under its
date and data version; `results_as_of` says the date they are of. The base-period
money of 计划摘要 and 预计损益 is summed from the contributions of the base
period of the plan's own as-of date (one GROUP BY per product).

Shape (every money a 2-place decimal string, every share/ratio a decimal
string, dates ISO, months 'YYYY-MM'):

    region {code, name}, period, as_of, base_period {start, end}, results_as_of,
    sections [ {key, title, text, data} × 9 ], data (plan_data), summary {…}

The sections' `data` are documented where each is built (`_summary` …
`_milestones`)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from customers import selectors as csel
from customers.analysis import CLASS_ORDER, class_summary_of, class_summary_per_product_of
from customers.models import Product
from customers.rules import CONTRIBUTION_CLASS_LABELS, value_fit
from customers import rules as crules
from pipeline import rules as prules
from pipeline import selectors as psel
from pipeline.analysis import coverage_check_of, focus_check_of, needs_check_of
from customers.analysis import missing_scores_check_of
from planning import rules, selectors
from planning.figures import figures_for
from planning.models import (
    ActionFamily, Pairing, Plan, PlanAnswer, PlanIndicator, SpecialAction, SwotItem, Target, TargetClass, TargetFamily,
)
from planning.performance import current_plan, performance
from planning.choices import SECTION_TITLES, SECTIONS  # noqa: F401 (re-exported)
from planning.plan_data import plan_data
from planning import revenue
from teams.models import Role, User
from tsm.lib.periods import base_period
from tsm.lib.xlsx import sheets_xlsx

# What the director's text of a section is for (the form's label).
SECTION_PROMPTS = {
    "summary": _("主要策略变化（寥寥数语）"),
    "contribution": _("对客户贡献与绩效的说明"),
    "swot": _("对 SWOT 的说明"),
    "targets": _("对目标及分解的说明"),
    "strategy": _("对三项策略的说明"),
    "actions": _("对市场行动计划的说明"),
    "pnl": _("对预计损益的说明"),
    "organisation": _("部门价值 → 职能设计 → 管理流程 → 操作规范 → 岗位设置 → 管理表单 → 人员数量"),
    "milestones": _("本期里程碑（每行一个）"),
}
# 资金占用 (§6.2 item 7) is entered by the director: kept in Plan.sections
# under this key, a money string, versioned like a section's text.
CAPITAL = "capital"
TEXT_KEYS = (*SECTION_TITLES, CAPITAL)

ORGANISATION_CHAIN = ("部门价值", "职能设计", "管理流程", "操作规范", "岗位设置", "管理表单", "人员数量")
LISTED_MAX = 20  # flagged customers / overdue projects named in 问题分析 (the count says how many in all)
SALES_MAX = 100  # 销售活动: projects named (the funnel page lists them all)
COMING_DAYS = 28  # 市场行动计划: the coming weeks, shown by day
ZERO = Decimal("0")


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def _ratio(value) -> str | None:
    return None if value is None else f"{Decimal(value):.4f}"


def _person(user) -> str:
    return (user.display_name or user.username) if user is not None else ""


def plan_content(plan: Plan) -> dict:
    """The whole document as data, as of the plan's date."""
    region = plan.region
    texts = plan.sections or {}
    period = base_period(plan.as_of)
    months = rules.plan_months(plan.period)
    start, end = prules.plan_period_bounds(plan.period)
    data = plan_data(plan)
    target = Decimal(data["revenue_target"]) if data["revenue_target"] is not None else None
    base = _base_by_product(region, period)
    base_revenue = sum((b["revenue"] for b in base.values()), ZERO)
    parts = _parts(plan)
    names = {u.pk: _person(u) for u in User.objects.filter(regions=region, role__in=[Role.DIRECTOR, Role.MANAGER])}
    figures = figures_for(region, plan.as_of)
    t = region.thresholds()

    classes = _classes(class_summary_of(figures.class_sums()))
    funnel_table, by_owner, _weighted = figures.funnel_figures()
    funnel = [{"layer": r["layer"], "label": str(r["label"]), "count": r["count"], "amount": _money(r["amount"]),
               "weighted": _money(r["weighted"])} for r in funnel_table]
    answers = dict(PlanAnswer.objects.filter(plan=plan).values_list("key", "text"))
    problems = _problems(region, figures, by_owner, names, t, answers)
    actions = _swot_actions(region)
    special = [_special_action(a) for a in selectors.special_actions(region)]

    summary_data = _summary(target, base_revenue, months, texts.get("summary", ""))
    # The region's funnel health (§4.3), which the executives' overview shows.
    health = prules.funnel_health([row for rows in by_owner.values() for row in rows], t=t)
    summary_data.update(funnel_health=str(health.label), funnel_health_reason=health.reason)
    sections = {
        "summary": summary_data,
        "contribution": {
            "classes": classes,
            "by_product": _by_product(class_summary_per_product_of(figures.class_sums_by_product())),
            "performance": _performance(region, plan.as_of),
        },
        "swot": {"items": _swot_items(region), "actions": actions, "problems": problems},
        "targets": _targets(plan, data, parts),
        "strategy": {
            "funnel": funnel,
            "value_classes": [{"value_class": v.value_class, "label": str(v.label), "customers": v.customers,
                               "revenue": _money(v.revenue)} for v in figures.value_classes()],
            "competitors": _competitors(region),
            "special_actions": special,
        },
        "actions": _actions(plan, figures, special, start, end),
        "pnl": _pnl(plan, parts, base, months, special, start, end, texts.get(CAPITAL, "")),
        "organisation": {
            "chain": list(ORGANISATION_CHAIN),
            "indicators": [{"family": pi.indicator.family, "family_label": str(pi.indicator.get_family_display()),
                            "name": pi.indicator.name, "responsible": _person(pi.responsible)}
                           for pi in PlanIndicator.objects.filter(plan=plan).select_related("indicator", "responsible")
                           .order_by("indicator__family", "indicator__order", "indicator__name")],
        },
        "milestones": _milestones(start, end, texts.get("milestones", "")),
    }
    return {
        "region": {"code": region.code, "name": region.name},
        "period": plan.period,
        "as_of": plan.as_of.isoformat(),
        "base_period": period.as_dict(),
        "results_as_of": figures.as_of.isoformat() if figures.as_of else None,
        "sections": [{"key": key, "title": str(title), "text": texts.get(key, ""), "data": sections[key]}
                     for key, title in SECTIONS],
        "data": data,
        "summary": {
            **summary_data,
            "classes": classes,
            "funnel": funnel,
            "swot_actions": actions,
            "risks": [p for p in problems if p["warning"]][:5],
        },
    }


# --- reads -------------------------------------------------------------------------------------------


def _base_by_product(region, period) -> dict[int, dict]:
    """product id -> base-period revenue, cost and arrears in its last month (one GROUP BY)."""
    return csel.sums_by_product(region, period)


def _parts(plan) -> list[dict]:
    """The revenue target's decomposition cells, each with its product (a
    project's part counts for the project's product) — one query."""
    target = revenue.revenue_target(plan)
    if target is None:
        return []
    rows = target.parts.values("manager_id", "manager__username", "manager__display_name", "month", "product_id",
                               "product__code", "product__name", "project__product_id", "project__product__code",
                               "project__product__name", "amount").order_by()
    return [{"manager_id": r["manager_id"], "manager": r["manager__display_name"] or r["manager__username"] or "",
             "month": r["month"].strftime("%Y-%m") if r["month"] else None,
             "product_id": r["product_id"] or r["project__product_id"],
             "product": r["product__code"] or r["project__product__code"] or "",
             "product_name": r["product__name"] or r["project__product__name"] or "",
             "amount": Decimal(r["amount"])} for r in rows]


def _performance(region, as_of) -> dict:
    """绩效 of the plan in force at the plan's date (the current period's,
    when the next one is being drafted): as 'performance' gives it, plus the
    plan's period and the two tables with their captions."""
    running = current_plan(region, as_of)
    if running is None:
        return {"by_product": [], "by_manager": [], "from": None, "to": None, "draft": False, "plan": None,
                "tables": []}
    result = performance(running, as_of)
    result["plan"] = running.period
    result["tables"] = [[str(_("按产品")), result["by_product"]], [str(_("按客户经理")), result["by_manager"]]]
    return result


# --- 1 计划摘要 ----------------------------------------------------------------------------------------


def _summary(target, base_revenue, months, strategy_changes) -> dict:
    """{target, base_revenue, base_scaled, months, growth (ratio or None), growth_reason, strategy_changes}"""
    growth = rules.plan_growth(target, base_revenue, months)
    return {"target": _money(target) if target is not None else None, "base_revenue": _money(base_revenue),
            "base_scaled": _money(base_revenue * months / 12), "months": months, "growth": _ratio(growth.value),
            "growth_reason": growth.reason, "strategy_changes": strategy_changes}


# --- 2 客户贡献 -------------------------------------------------------------------------------------------


def _class_row(r) -> dict:
    return {"class": r["class"], "label": str(r["label"]), "count": r["count"], "revenue": _money(r["revenue"]),
            "profit": _money(r["profit"]), "share": _ratio(r["share"])}


def _classes(rows) -> list[dict]:
    """The five classes (and 未分类) of the whole region: count, revenue, profit, revenue share."""
    if not rows:
        return [{"class": c, "label": str(CONTRIBUTION_CLASS_LABELS[c]), "count": 0, "revenue": "0.00",
                 "profit": "0.00", "share": None} for c in CLASS_ORDER]
    return [_class_row(r) for r in rows]


def _by_product(rows) -> list[dict]:
    """Per product: {product, name, classes [as _classes]} in product order."""
    products = {p.pk: p for p in Product.objects.filter(pk__in={r["group"] for r in rows})}
    out: dict = {}
    for r in rows:
        p = products.get(r["group"])
        entry = out.setdefault(r["group"], {"product": p.code if p else "", "name": p.name if p else "",
                                            "classes": []})
        entry["classes"].append(_class_row(r))
    return sorted(out.values(), key=lambda e: e["product"])


# --- 3 SWOT 及问题分析 ------------------------------------------------------------------------------------


def _swot_items(region) -> dict:
    """The advanced SWOT: {S: [text, text], W: …, O: …, T: …}."""
    out = {k: [] for k in "SWOT"}
    for kind, text in (SwotItem.objects.filter(region=region, advanced=True).order_by("order", "id")
                       .values_list("kind", "text")):
        out[kind].append(text)
    return out


def _swot_actions(region) -> list[dict]:
    """The four combined actions: [{pairing, label, action}] in S+O, S+T, W+O, W+T order."""
    written = {a.pairing: a.action for a in selectors.swot_actions(region).values()}
    return [{"pairing": p, "label": str(label), "action": written.get(p, "")} for p, label in Pairing.choices]


def _problems(region, figures, by_owner, names, t, answers) -> list[dict]:
    """问题分析: every item the analysis flags, each {key, kind, title, reason, warning, answer}:
    the four director's checks (always listed, warning or not), the unexpected
    value/contribution pairs nobody accepted, the 危险 funnels (the region's and
    each manager's), the overdue projects — at most LISTED_MAX named of each
    list, a `more` item saying how many were left out."""
    out = []
    checks = [
        ("focus", focus_check_of({owner: crules.focus_check(on, total, t=t) for owner, (total, on) in
                                  figures.hare_rat_counts().items()}, t, names)),
        ("coverage", coverage_check_of(figures.coverage_counts())),
        ("needs", needs_check_of(*psel.needs_unknown(region), names)),
        ("scores", missing_scores_check_of(figures.missing_scores_by_class())),
    ]
    for key, check in checks:
        out.append(("check:" + key, "check", check.question, check.reason, bool(check.warning)))

    misfits, total = figures.misfits(LISTED_MAX)
    for s in misfits:
        fit = value_fit(s["value_class"], s["contribution_class"])
        out.append((f"fit:{s['code']}", "fit", f"{s['name']}（{s['code']}）", fit.reason, True))
    if total > LISTED_MAX:
        out.append(("fit:more", "fit", str(_("其余价值与贡献类别不符的客户")),
                    str(_("另有 %(n)s 个客户未列出") % {"n": total - LISTED_MAX}), True))

    region_health = prules.funnel_health([row for rows in by_owner.values() for row in rows], t=t)
    if region_health.value == "danger":
        out.append(("funnel:region", "funnel", str(_("区域大漏斗")), region_health.reason, True))
    managers = {u.pk: u for u in User.objects.filter(regions=region, role=Role.MANAGER)}
    for pk, user in sorted(managers.items(), key=lambda kv: kv[1].username):
        health = prules.funnel_health(by_owner.get(pk, []), t=t)
        if health.value == "danger":
            out.append((f"funnel:{user.username}", "funnel", _person(user), health.reason, True))

    overdue, n_overdue = figures.overdue(LISTED_MAX)
    for code, close, owner_id, amount in overdue:
        out.append((f"overdue:{code}", "overdue", code,
                    str(_("预计成交日 %(day)s 已过，负责人 %(owner)s，金额 %(amount)s 元")
                        % {"day": close.isoformat(), "owner": names.get(owner_id, "—"), "amount": _money(amount)}),
                    True))
    if n_overdue > LISTED_MAX:
        out.append(("overdue:more", "overdue", str(_("其余逾期项目")),
                    str(_("另有 %(n)s 个逾期项目未列出") % {"n": n_overdue - LISTED_MAX}), True))
    return [{"key": key, "kind": kind, "title": str(title), "reason": str(reason), "warning": warning,
             "answer": answers.get(key, "")} for key, kind, title, reason, warning in out]


# --- 4 营销目标及分解 -------------------------------------------------------------------------------------


def _targets(plan, data, parts) -> dict:
    """{by_family [{family, label, targets [{name, value, unit}]}], revenue_target,
    by_manager {months, rows [{manager, amounts, total}], totals, total},
    by_product [{product, name, amount}]}"""
    by_family = []
    targets = list(Target.objects.filter(plan=plan).order_by("name", "pk").values_list("family", "name", "value",
                                                                                         "unit"))
    for family, label in TargetFamily.choices:
        by_family.append({"family": family, "label": str(label), "targets": [
            {"name": n, "value": _money(v), "unit": u} for f, n, v, u in targets if f == family]})
    months = sorted({p["month"] for p in parts if p["month"]})
    grid: dict = defaultdict(lambda: defaultdict(Decimal))
    for p in parts:
        grid[p["manager"]][p["month"]] += p["amount"]
    rows = [{"manager": m, "amounts": [_money(grid[m].get(month, ZERO)) for month in months],
             "total": _money(sum(grid[m].values(), ZERO))} for m in sorted(grid)]
    totals = [_money(sum((grid[m].get(month, ZERO) for m in grid), ZERO)) for month in months]
    return {"by_family": by_family, "revenue_target": data["revenue_target"],
            "by_manager": {"months": months, "rows": rows, "totals": totals,
                           "total": _money(sum((p["amount"] for p in parts), ZERO))},
            "by_product": [{"product": code, "name": name, "amount": _money(amount)}
                           for (code, name), amount in sorted(_sum_by_product(parts).items())]}


def _sum_by_product(parts) -> dict:
    out: dict = defaultdict(Decimal)
    for p in parts:
        out[(p["product"], p["product_name"])] += p["amount"]
    return out


# --- 5 三项策略 ----------------------------------------------------------------------------------------------


def _competitors(region) -> list[dict]:
    """The three main competitors of each product series (rank 1–3) and our stance toward each."""
    rows = []
    for c in selectors.competitors(region):
        if c.rank is not None and c.rank > 3:
            continue
        stance = getattr(c, "stance", None)  # none yet: RelatedObjectDoesNotExist is an AttributeError
        rows.append({"product_series": c.product_series, "name": c.name, "rank": c.rank,
                     "stance": stance.stance if stance else None,
                     "stance_label": str(stance.get_stance_display()) if stance else "",
                     "targets": [f"{x.name}（{x.code}）" for x in stance.target_customers.all()] if stance else [],
                     "target_note": stance.target_note if stance else "",
                     "expected_result": stance.expected_result if stance else ""})
    return rows


def _special_action(a: SpecialAction) -> dict:
    return {"family": a.family, "family_label": str(ActionFamily(a.family).label), "kind": a.kind, "title": a.title,
            "month": a.month.strftime("%Y-%m"), "week": a.week, "owner": _person(a.owner),
            "budget": _money(a.budget),
            "target_class": str(TargetClass(a.target_class).label) if a.target_class else "",
            "target_customers": [f"{c.name}（{c.code}）" for c in a.target_customers.all()]}




# --- 6 市场行动计划 ------------------------------------------------------------------------------------------


def _actions(plan, figures, special, start, end) -> dict:
    """{sales [{project, name, customer, owner, layer, expected_close, amount, conclusion, tactic}] — the
    open projects, most pressing conclusion first (密集进攻 … 等待观察), then by close date, at most
    SALES_MAX named; sales_total: how many in all;
    market [special actions in the period], calendar [{month, entries [{kind, week, day, title, owner,
    budget}]}] with a day for what falls in the coming weeks, coming_until}"""
    rows, total = figures.sales(SALES_MAX)
    sales = [{"project": r["code"], "name": r["name"], "customer": f"{r['customer_name']}（{r['customer_code']}）",
              "owner": r["owner"], "layer": str(prules.LAYER_LABELS[r["layer"]]),
              "expected_close": r["expected_close"].isoformat(), "amount": _money(r["amount"]),
              "conclusion": str(prules.CONCLUSION_LABELS[r["conclusion"]]),
              "tactic": str(prules.TACTIC_LABELS[r["tactic"]])} for r in rows]
    first, last = start.strftime("%Y-%m"), end.strftime("%Y-%m")
    market = [a for a in special if first <= a["month"] <= last]
    coming_until = plan.as_of + dt.timedelta(days=COMING_DAYS)
    calendar: dict = defaultdict(list)
    for s in sales:
        day = dt.date.fromisoformat(s["expected_close"])
        week = (day.day - 1) // 7 + 1
        calendar[day.strftime("%Y-%m")].append({
            "kind": "sales", "week": week, "day": s["expected_close"] if day <= coming_until else None,
            "title": f"{s['project']} {s['name']}：{s['conclusion']}·{s['tactic']}", "owner": s["owner"],
            "budget": None})
    for a in market:
        calendar[a["month"]].append({"kind": a["family"], "week": a["week"], "day": None,
                                     "title": f"{a['family_label']}·{a['kind']}：{a['title']}", "owner": a["owner"],
                                     "budget": a["budget"]})
    return {"sales": sales, "sales_total": total, "market": market, "coming_until": coming_until.isoformat(),
            "calendar": [{"month": m, "entries": sorted(calendar[m], key=lambda e: (e["week"] or 9, e["day"] or "",
                                                                                   e["title"]))}
                         for m in sorted(calendar)]}


# --- 7 预计损益 ---------------------------------------------------------------------------------------------------


def _pnl(plan, parts, base, months, special, start, end, capital) -> dict:
    """{months, rows [{product, name, revenue, cost, gross, arrears, base_end_arrears, collections, cost_reason,
    arrears_reason}], revenue, cost, gross, budgets, profit, arrears, base_end_arrears, collections,
    capital (the director's 资金占用, or None)} — planning.rules.projected_pnl."""
    by_product: dict = defaultdict(Decimal)
    info = {}
    for p in parts:
        by_product[p["product_id"]] += p["amount"]
        info[p["product_id"]] = (p["product"], p["product_name"])
    empty = {"revenue": ZERO, "cost": ZERO, "arrears": ZERO}
    lines = [rules.PnlLine(str(pid), amount, base.get(pid, empty)["revenue"], base.get(pid, empty)["cost"],
                           base.get(pid, empty)["arrears"]) for pid, amount in by_product.items()]
    first, last = start.strftime("%Y-%m"), end.strftime("%Y-%m")
    budgets = sum((Decimal(a["budget"]) for a in special if first <= a["month"] <= last), ZERO)
    pnl = rules.projected_pnl(lines, budgets=budgets, months=months)
    rows = []
    for r in pnl["rows"]:
        code, name = info[int(r["key"]) if r["key"] != "None" else None]
        rows.append({"product": code, "name": name, **{k: (_money(v) if isinstance(v, Decimal) else v)
                                                       for k, v in r.items() if k != "key"}})
    rows.sort(key=lambda r: r["product"])
    return {"months": months, "rows": rows,
            **{k: _money(v) for k, v in pnl.items() if k != "rows"},
            "capital": capital or None}


# --- 9 里程碑与控制手段 ------------------------------------------------------------------------------------------


def _milestones(start, end, text) -> dict:
    """{start, end, milestones [lines of the director's text], reviews [{day, kind, label}], counts {kind: n}}"""
    reviews = rules.review_dates(start, end)
    counts: dict = defaultdict(int)
    for r in reviews:
        counts[r.kind] += 1
    return {"start": start.isoformat(), "end": end.isoformat(),
            "milestones": [line.strip() for line in (text or "").splitlines() if line.strip()],
            "reviews": [{"day": r.day.isoformat(), "kind": r.kind, "label": str(rules.REVIEW_LABELS[r.kind])}
                        for r in reviews],
            "counts": dict(counts)}


# --- the appendix: the long lists in full ----------------------------------------------------------------------


def appendix_xlsx(plan: Plan) -> bytes:
    """附录: what the document lists only in part — every open project's
    sales activity, every overdue project, every customer whose value and
    contribution classes do not fit — and the revenue target's whole
    decomposition, as a workbook. A submission freezes it with the version."""
    figures = figures_for(plan.region, plan.as_of)
    sales_rows = [[r["code"], r["name"], r["customer_code"], r["customer_name"], r["owner"],
                   str(prules.LAYER_LABELS[r["layer"]]), r["expected_close"].isoformat(), Decimal(r["amount"]),
                   str(prules.CONCLUSION_LABELS[r["conclusion"]]), str(prules.TACTIC_LABELS[r["tactic"]]),
                   r["overdue"]]
                  for r in figures.sales()[0]]
    misfits = [[s["code"], s["name"], str(crules.VALUE_CLASS_LABELS[s["value_class"]]),
                str(CONTRIBUTION_CLASS_LABELS[s["contribution_class"]]),
                value_fit(s["value_class"], s["contribution_class"]).reason]
               for s in figures.misfits()[0]]
    parts = [[p["manager"], p["month"], p["product"] or "", p["project"] or "", Decimal(p["amount"])]
             for p in plan_data(plan)["decomposition"]]
    return sheets_xlsx([
        (str(_("销售活动")), [str(h) for h in (
            _("项目编码"), _("项目"), _("客户编码"), _("客户"), _("负责人"), _("漏斗位置"), _("预计成交日"),
            _("金额（元）"), _("结论动作"), _("战法"), _("逾期"))], sales_rows),
        (str(_("价值与贡献不符")), [str(h) for h in (
            _("客户编码"), _("客户"), _("价值类别"), _("贡献类别"), _("理由"))], misfits),
        (str(_("目标分解")), [str(h) for h in (
            _("客户经理"), _("月份"), _("产品"), _("项目"), _("金额（元）"))], parts),
    ])
