"""The SWOT, competition-strategy and team rules of the TSM method (DOMAIN.md §3.4, §4.5, §8).

Pure functions returning `Verdict(value, reason)`. The director may always
override a suggestion; the reason tells them what it was based on.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from customers import rules as crules
from customers.rules import DIMENSIONS
from planning.choices import IndicatorFamily, TargetFamily
from tsm.lib.numbers import fmt_money, fmt_num, fmt_pct, fmt_rate, fmt_score
from tsm.lib.thresholds import DEFAULTS, Thresholds, Verdict

# --- §3.1 绩效 ----------------------------------------------------------------------------------------


def performance(actual: Decimal, target: Decimal | None, *, t: Thresholds = DEFAULTS) -> Verdict:
    """绩效 of a product or a manager against the plan's target: 欠缺 below
    100 %, 完成 from 100 %, 超越 from 110 % (the region's perf_complete and
    perf_exceed); no verdict (None) without a positive target. The one rule
    is the customer floor's, which judges the same ratio."""
    return crules.performance(actual, target, t=t)


# --- §3.4 SWOT --------------------------------------------------------------------------------

SWOT_KIND_LABELS = {"S": "优势", "W": "劣势", "O": "机会", "T": "威胁"}
PAIRING_LABELS = {"SO": "保持发展", "ST": "居安思危", "WO": "否定自我", "WT": "挑战自我"}
ADVANCED_SWOT_PER_KIND = 2  # the course's form: 2 strengths, 2 weaknesses, 2 opportunities, 2 threats


class SwotSuggestion(NamedTuple):
    kind: str  # 'S' or 'W'
    dimension: str  # a DIMENSIONS code
    competitor: str


def swot_suggestions(
    ours: Mapping[str, int | Decimal],
    theirs: Mapping[str, Mapping[str, int | Decimal]],
    *,
    t: Thresholds = DEFAULTS,
) -> list[Verdict]:
    """S/W suggestions from the nine-dimension comparison (初阶 SWOT).

    A dimension where our score minus a competitor's is ≥ +swot_gap suggests
    a strength, ≤ −swot_gap a weakness. Dimensions not scored on both sides
    are skipped. Ordered by competitor as given, then dimension order; each
    value is a `SwotSuggestion(kind, dimension, competitor)`.
    """
    gap = t.swot_gap
    suggestions = []
    for competitor, scores in theirs.items():
        for code, label in DIMENSIONS.items():
            if ours.get(code) is None or scores.get(code) is None:
                continue
            diff = Decimal(ours[code]) - Decimal(scores[code])
            said = f"{label} 我方 {fmt_num(ours[code])} − {competitor} {fmt_num(scores[code])} = {diff:+}"
            if diff >= gap:
                suggestions.append(Verdict(SwotSuggestion("S", code, competitor), f"优势：{said} ≥ +{fmt_num(gap)}"))
            elif diff <= -gap:
                suggestions.append(Verdict(SwotSuggestion("W", code, competitor), f"劣势：{said} ≤ −{fmt_num(gap)}"))
    return suggestions


def advanced_swot_valid(counts: Mapping[str, int]) -> Verdict:
    """The advanced SWOT needs exactly 2 items of each of S, W, O, T."""
    wrong = [
        f"{SWOT_KIND_LABELS[kind]} {counts.get(kind, 0)} 条"
        for kind in SWOT_KIND_LABELS
        if counts.get(kind, 0) != ADVANCED_SWOT_PER_KIND
    ]
    if wrong:
        return Verdict(False, f"高阶 SWOT 需要优势、劣势、机会、威胁各 {ADVANCED_SWOT_PER_KIND} 条：目前{'、'.join(wrong)}")
    return Verdict(True, f"优势、劣势、机会、威胁各 {ADVANCED_SWOT_PER_KIND} 条")


# --- §4.5 competitive position and strategy -----------------------------------------------------

POSITION_LABELS = {"leader": "领导者", "challenger": "挑战者", "nicher": "专攻者", "follower": "追随者"}

# Strategy options per position: {group: options} (the catalogue
# StrategyOption holds them, editable in the admin). A follower follows the
# leader's market moves, any of them; a nicher specialises in one way and
# names the segment.
STRATEGY_OPTIONS = {
    "leader": {
        "扩大需求": ("新用户", "增加用量", "增加新用途"),
        "保护份额": ("阵地防御", "机动防御", "防守反击", "以攻为守"),
    },
    "challenger": {"进攻": ("全面进攻", "重点进攻", "缠绕进攻", "机会进攻")},
    "follower": {"跟随领导者的市场动作": ("展会", "活动", "宣传", "促销")},
    "nicher": {"专攻方向": ("客户", "渠道", "新品")},
}
NICHE_WAYS = STRATEGY_OPTIONS["nicher"]["专攻方向"]


def strategy_choice(position: str | None, chosen: Sequence[tuple[str, str]], segment: str = "") -> Verdict:
    """Whether the strategies chosen for a product series fit its position in
    effect (§4.5); `chosen` holds each option's (position, name). Any options
    of the position may be chosen, none yet included — but a nicher
    specialises in exactly one way (客户, 渠道 or 新品) and names the segment,
    and only a nicher names one."""
    segment = (segment or "").strip()
    names = [name for _, name in chosen]
    if chosen and not position:
        return Verdict(False, "还没有竞争地位（请填写我方份额或选择竞争地位），不能选择策略")
    wrong = [f"{name}（{POSITION_LABELS.get(p, p)}）" for p, name in chosen if p != position]
    if wrong:
        return Verdict(False, f"所选策略与竞争地位“{POSITION_LABELS[position]}”不符：{'、'.join(wrong)}")
    ways = "、".join(NICHE_WAYS)
    if position != "nicher":
        if segment:
            label = POSITION_LABELS[position] if position else "未定"
            return Verdict(False, f"专攻的细分市场只用于专攻者（当前竞争地位：{label}），请清空后再保存")
        label = POSITION_LABELS[position] if position else "竞争地位未定"
        return Verdict(True, f"{label}：{'、'.join(names) if names else '尚未选择策略'}")
    if len(chosen) > 1:
        return Verdict(False, f"专攻者只选一个专攻方向（{ways}之一）：现选了 {'、'.join(names)}")
    if not chosen:
        if segment:
            return Verdict(False, f"请先选择专攻方向（{ways}之一），再写专攻的细分市场")
        return Verdict(True, "专攻者：尚未选择专攻方向")
    if not segment:
        return Verdict(False, f"专攻者按{names[0]}专攻，请写明专攻的细分市场（哪一类{names[0]}）")
    return Verdict(True, f"专攻者：按{names[0]}专攻“{segment}”")


# Stance toward one regional competitor (汇总：针对某区域竞争对手的竞争策略).
COMPETITOR_STANCES = {
    "full_attack": "全面进攻",
    "focused_attack": "重点进攻",
    "opportunistic_attack": "机会进攻",
    "hold": "坚守防御",  # keys as planning.models.Stance
    "conditional_defence": "有条件防御",
}


def competitive_position(
    our_share: Decimal,
    competitor_shares: Mapping[str, Decimal],
    our_capability: Decimal | None,
    leader_capability: Decimal | None,
    *,
    t: Thresholds = DEFAULTS,
) -> Verdict:
    """Suggested competitive position for one product series (§4.5), first match:
    leader when no competitor has a larger share (a tie for first counts as
    leading); challenger when our capability (mean own score) ≥ the leading
    competitor's; nicher when our share < nicher_share; follower otherwise.
    Shares are fractions (0.10 = 10 %). Without both capabilities the
    challenger test cannot be made and is skipped.
    """
    ours = f"我方份额 {fmt_pct(our_share)}"
    if not competitor_shares or our_share >= max(competitor_shares.values()):
        return Verdict("leader", f"领导者：{ours}，没有对手份额更大")
    leader = max(competitor_shares, key=competitor_shares.__getitem__)
    behind = f"{ours} < {leader} {fmt_pct(competitor_shares[leader])}"
    if our_capability is not None and leader_capability is not None:
        compared = f"我方能力 {fmt_score(our_capability)}"
        if our_capability >= leader_capability:
            return Verdict("challenger", f"挑战者：{behind}，但{compared} ≥ {leader} {fmt_score(leader_capability)}")
        behind += f"，{compared} < {leader} {fmt_score(leader_capability)}"
    if our_share < t.nicher_share:
        return Verdict("nicher", f"专攻者：{behind}，份额 < {fmt_rate(t.nicher_share)}")
    return Verdict("follower", f"追随者：{behind}，份额 ≥ {fmt_rate(t.nicher_share)}")


# --- §8 the team: coaching signals for the five common problems, headcount ----------------------------
#
# Each signal is `Verdict(bool, reason)`: True means the problem shows, and the
# reason carries the evidence (counts, project codes) the director talks about.
# They read every floor (projects, customers, weekly updates), so they live on
# the top floor; the selectors decide the period and hand over plain inputs.

COACHING_SIGNAL_LABELS = {
    "gatekeeping": "守大门",
    "intuition": "凭直觉",
    "herd": "一窝蜂",
    "lone_ranger": "独行侠",
    "waiting": "等靠要",
}

# 团队管理的误区: a self-check list on the team page.
TEAM_PITFALLS = ("一成不变", "目标错位", "过多感性", "缺乏程序和方法", "沟通不利", "倚赖自我", "判断失误")


def gatekeeping(projects_on_new_customers: int, projects_on_new_products: int) -> Verdict:
    """守大门: no project in the period on a new customer (one without
    base-period revenue) or on a product new to its customer."""
    if projects_on_new_customers == 0 and projects_on_new_products == 0:
        return Verdict(True, "守大门：本期没有新客户或新产品的项目")
    return Verdict(
        False, f"本期新客户项目 {projects_on_new_customers} 个，新产品项目 {projects_on_new_products} 个"
    )


def intuition(projects: Iterable[tuple[str, int, int]], *, t: Thresholds = DEFAULTS) -> Verdict:
    """凭直觉: open projects, given as (code, win rate, role coverage), rated at
    ≥ high_win_rate while fewer than intuition_coverage buying roles are known
    — a high rate nobody in the customer's decision chain backs up."""
    flagged = [
        f"{code}（赢率 {rate}%，角色 {coverage}/5）"
        for code, rate, coverage in projects
        if rate >= t.high_win_rate and coverage < t.intuition_coverage
    ]
    rule = f"赢率 ≥ {t.high_win_rate}% 但角色覆盖 < {t.intuition_coverage}"
    if flagged:
        return Verdict(True, f"凭直觉：{len(flagged)} 个项目{rule}：{'；'.join(flagged)}")
    return Verdict(False, f"没有{rule}的项目")


def herd(new_projects_by_product: Mapping[str, int], *, t: Thresholds = DEFAULTS) -> Verdict:
    """一窝蜂: more than herd_share of the team's new projects in a month are
    on one product (given as product name -> count for that month)."""
    total = sum(new_projects_by_product.values())
    if total == 0:
        return Verdict(False, "本月团队没有新项目")
    product, most = max(new_projects_by_product.items(), key=lambda item: item[1])
    said = f"本月团队 {total} 个新项目中 {most} 个在 {product}，占 {fmt_pct(Decimal(most) / total)}"
    if most > t.herd_share * total:
        return Verdict(True, f"一窝蜂：{said} > {fmt_rate(t.herd_share)}")
    return Verdict(False, f"{said} ≤ {fmt_rate(t.herd_share)}")


def lone_ranger(projects: Iterable[tuple[str, str, int]]) -> Verdict:
    """独行侠: A-class projects, given as (code, amount class, people involved
    besides the owner), that nobody but the owner works on."""
    alone = [code for code, amount_class, others in projects if amount_class == "A" and others == 0]
    if alone:
        return Verdict(True, f"独行侠：{len(alone)} 个A类项目没有第二人参与：{'、'.join(alone)}")
    return Verdict(False, "每个A类项目都有第二人参与")


def waiting(
    last_new_project: date | None, last_submission: date | None, as_of: date, *, t: Thresholds = DEFAULTS
) -> Verdict:
    """等靠要: neither a new project nor a weekly submission in the last
    waiting_weeks weeks (on or after as_of − weeks × 7 days)."""
    since = as_of - timedelta(weeks=t.waiting_weeks)
    recent_project = last_new_project is not None and last_new_project >= since
    recent_submission = last_submission is not None and last_submission >= since
    if recent_project or recent_submission:
        latest = [
            f"{what} {day.isoformat()}"
            for what, day, recent in (("最近新项目", last_new_project, recent_project),
                                      ("最近周提交", last_submission, recent_submission))
            if recent
        ]
        return Verdict(False, f"近 {t.waiting_weeks} 周有动作：{'，'.join(latest)}")
    return Verdict(
        True,
        f"等靠要：{since.isoformat()} 以来没有新项目（最近 {_day(last_new_project)}），"
        f"也没有提交周更新（最近 {_day(last_submission)}）",
    )


def _day(day: date | None) -> str:
    return "从未" if day is None else day.isoformat()


def suggested_headcount(
    customers: int, open_projects: int, customers_per_manager: int, projects_per_manager: int
) -> Verdict:
    """人员规模 from workload: enough managers for both the customers and the
    open projects at the loads the director sets (rounded up; at least 1
    when there is any work)."""
    if customers_per_manager <= 0 or projects_per_manager <= 0:
        raise ValueError("loads per manager must be positive")
    by_customers = math.ceil(customers / customers_per_manager)
    by_projects = math.ceil(open_projects / projects_per_manager)
    needed = max(by_customers, by_projects)
    return Verdict(
        needed,
        f"建议 {needed} 人：客户 {customers} ÷ 每人 {customers_per_manager} → {by_customers} 人，"
        f"进行中项目 {open_projects} ÷ 每人 {projects_per_manager} → {by_projects} 人",
    )


# --- §7 control cadence: the five reviews' dates ---------------------------------------------------

REVIEW_KINDS = (
    ("weekly", _("每周检查话费收入进程")),
    ("biweekly", _("双周检查项目推进进程")),
    ("monthly", _("月度核查财务指标")),
    ("quarterly", _("每季全面四项审核")),
    ("half_year", _("半年扫描“竞争对手、客户趋势、自己平台”")),
)
REVIEW_LABELS = dict(REVIEW_KINDS)


class Review(NamedTuple):
    day: date
    kind: str
    reason: str


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def review_dates(start: date, end: date) -> list[Review]:
    """The dates of §7's five reviews in [start, end], by the one rule the
    plan's section 9 and the director's calendar share: the weekly check every
    Monday; the biweekly review every second Monday from the period's first
    Monday; the monthly check on the first Monday of each month; the quarterly
    audit on the first Monday of each quarter; the half-year scan on the first
    Monday of January and July. Sorted by date, then in the order above."""
    if end < start:
        raise ValueError("the period ends before it starts")
    order = {kind: i for i, (kind, _label) in enumerate(REVIEW_KINDS)}
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    out: list[Review] = []
    monday, n = first, 0
    while monday <= end:
        out.append(Review(monday, "weekly", "每周一"))
        if n % 2 == 0:
            out.append(Review(monday, "biweekly", f"自计划期第一个周一（{first.isoformat()}）起每隔一周"))
        monday, n = monday + timedelta(weeks=1), n + 1
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        day = _first_monday(year, month)
        if start <= day <= end:
            out.append(Review(day, "monthly", f"{year} 年 {month} 月的第一个周一"))
            if month in (1, 4, 7, 10):
                out.append(Review(day, "quarterly", f"{year} 年第 {(month - 1) // 3 + 1} 季度的第一个周一"))
            if month in (1, 7):
                out.append(Review(day, "half_year", f"{year} 年{'上' if month == 1 else '下'}半年的第一个周一"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(out, key=lambda r: (r.day, order[r.kind]))


# --- §6.1 the revenue target's decomposition ------------------------------------------------------


def split_blockers(*, total: Decimal | None, parts_sum: Decimal, signatures: Mapping[str, str]) -> list[tuple[str, str]]:
    """What keeps the revenue decomposition from a submission, as (code, reason):
    the total is not set; the parts do not add up to it to the fen (by how
    much); a manager with parts has no valid signature. `signatures`: each
    manager with parts (a display name) -> 'valid', 'void' (changed since
    signing) or 'missing'."""
    blockers: list[tuple[str, str]] = []
    if total is None:
        return [("total_missing", "公司领导尚未设定区域整体资费贡献总目标")]
    off = parts_sum - total
    if off:
        more = "多" if off > 0 else "少"
        blockers.append(("parts_off", f"分解合计 {fmt_money(parts_sum)} 元，比总目标 {fmt_money(total)} 元{more} {fmt_money(abs(off))} 元"))
    for name, state in sorted(signatures.items()):
        if state == "void":
            blockers.append(("signature_void", f"{name}的签字已失效（签字后目标有改动），需重新签字"))
        elif state != "valid":
            blockers.append(("signature_missing", f"{name}尚未签字确认自己的目标"))
    return blockers


# --- §5, §6.1 what a plan still needs before it is submitted -----------------------------------


@dataclass(frozen=True)
class PlanFacts:
    """What the submission checks read of a plan, as plain values. A check
    added later adds its own field here, with a default."""

    confirmed_categories: frozenset[str] = frozenset()  # IndicatorFamily values with a confirmed indicator
    target_families: frozenset[str] = frozenset()  # TargetFamily values with at least one target
    revenue_split: tuple[tuple[str, str], ...] = ()  # split_blockers of the revenue target's decomposition


def _every_category_confirmed(facts: PlanFacts) -> list[Verdict]:
    """弹钢琴 (§5): at least one confirmed indicator in each of the four categories."""
    return [Verdict(f"no_indicator:{family.value}",
                    f"{family.label}还没有确认的指标：职责确认要照顾到四类指标，每类至少确认一项",
                    family.label)
            for family in IndicatorFamily if family.value not in facts.confirmed_categories]


def _every_family_targeted(facts: PlanFacts) -> list[Verdict]:
    """The targets' basic content (§6.1): at least one target in each of the four families."""
    return [Verdict(f"no_target:{family.value}",
                    f"{family.label}还没有目标：目标的基础内容包括财务贡献、客户增长、客户满意和管理动作",
                    family.label)
            for family in TargetFamily if family.value not in facts.target_families]


def _revenue_split_ready(facts: PlanFacts) -> list[Verdict]:
    """§6.1: the total set, the parts adding up to it to the fen, every manager with parts signed."""
    return [Verdict(f"revenue:{code}", reason) for code, reason in facts.revenue_split]


# In the order the page lists them; each check returns its blockers (none when satisfied).
SUBMISSION_CHECKS: list[Callable[[PlanFacts], list[Verdict]]] = [
    _every_category_confirmed, _every_family_targeted, _revenue_split_ready]


def submission_blockers(facts: PlanFacts, checks: Iterable[Callable[[PlanFacts], list[Verdict]]] = ()) -> list[Verdict]:
    """提交前还需完成: every reason the plan cannot be submitted yet, each a
    Verdict(code, reason, label); an empty list when it can. `checks` run
    after the standard ones."""
    return [blocker for check in [*SUBMISSION_CHECKS, *checks] for blocker in check(facts)]


# --- §6.2 the plan document: 计划摘要's growth and 预计损益 (section 7) ---------------------------------

FEN = Decimal("0.01")


def _fen(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(FEN, ROUND_HALF_UP)


def plan_months(period: str) -> int:
    """How many months a plan covers: 6 for a half-year, 12 for a year."""
    return 6 if period[4:] in ("H1", "H2") else 12


def plan_growth(target: Decimal | None, base_revenue: Decimal, months: int) -> Verdict:
    """增长幅度 (§6.2 item 7) = target ÷ base-period revenue − 1, the 12-month
    base scaled to the plan's length (half for a half-year plan). None, with
    the reason, when there is no target or no base revenue."""
    if target is None:
        return Verdict(None, "未设定收入总目标，无法计算增长幅度")
    base = Decimal(base_revenue) * months / 12
    if base <= 0:
        return Verdict(None, "基期收入为 0，无法计算增长幅度")
    growth = Decimal(target) / base - 1
    return Verdict(growth, f"{fmt_money(target)} ÷ {fmt_money(_fen(base))}（基期收入 {fmt_money(base_revenue)}"
                           f" × {months}/12）− 1 = {fmt_pct(growth) if growth >= 0 else '−' + fmt_pct(-growth)}")


def projected_cost(revenue: Decimal, base_revenue: Decimal, base_cost: Decimal) -> Verdict:
    """预计成本 of a product: its projected revenue × its base-period cost ÷ revenue
    (a product without base revenue has no ratio: its cost is taken as 0, and said so)."""
    if base_revenue <= 0:
        return Verdict(Decimal("0.00"), "基期无收入，无成本率可用，成本按 0 计")
    cost = _fen(Decimal(revenue) * Decimal(base_cost) / Decimal(base_revenue))
    return Verdict(cost, f"{fmt_money(revenue)} × 基期成本 {fmt_money(base_cost)} ÷ 基期收入 {fmt_money(base_revenue)}"
                         f" = {fmt_money(cost)}")


def projected_arrears(revenue: Decimal, months: int, *, base_revenue: Decimal, base_end_arrears: Decimal) -> Verdict:
    """应收 at the plan period's end: the projected average monthly revenue ×
    the base period's ratio of its end arrears to its average monthly revenue
    (base revenue ÷ 12). No base revenue: no ratio, 0."""
    if base_revenue <= 0:
        return Verdict(Decimal("0.00"), "基期无收入，无欠费比可用，应收按 0 计")
    ratio = Decimal(base_end_arrears) / (Decimal(base_revenue) / 12)
    arrears = _fen(Decimal(revenue) / months * ratio)
    return Verdict(arrears, f"预计月均收入 {fmt_money(_fen(Decimal(revenue) / months))} × 基期期末欠费与月均收入之比"
                            f" {fmt_score(ratio)} = {fmt_money(arrears)}")


def collections(revenue: Decimal, end_arrears: Decimal, base_end_arrears: Decimal) -> Decimal:
    """回款 = projected revenue − (projected end arrears − arrears at the base period's end)."""
    return _fen(Decimal(revenue) - (Decimal(end_arrears) - Decimal(base_end_arrears)))


class PnlLine(NamedTuple):
    """One product's projection: its revenue target part and its base period's figures."""

    key: str
    revenue: Decimal
    base_revenue: Decimal
    base_cost: Decimal
    base_end_arrears: Decimal


def projected_pnl(lines: Iterable[PnlLine], *, budgets: Decimal, months: int) -> dict:
    """预计损益 (§6.2 item 7): per product revenue, cost (at its base ratio),
    gross profit, end arrears and collections; the totals; minus the action
    budgets. Every amount exact to the fen (half-up per line, totals summed)."""
    rows = []
    for line in lines:
        cost = projected_cost(line.revenue, line.base_revenue, line.base_cost)
        arrears = projected_arrears(line.revenue, months, base_revenue=line.base_revenue,
                                    base_end_arrears=line.base_end_arrears)
        rows.append({"key": line.key, "revenue": _fen(line.revenue), "cost": cost.value,
                     "cost_reason": cost.reason, "gross": _fen(line.revenue) - cost.value,
                     "arrears": arrears.value, "arrears_reason": arrears.reason,
                     "base_end_arrears": _fen(line.base_end_arrears),
                     "collections": collections(line.revenue, arrears.value, line.base_end_arrears)})
    zero = Decimal("0.00")
    revenue = sum((r["revenue"] for r in rows), zero)
    cost = sum((r["cost"] for r in rows), zero)
    return {
        "rows": rows, "revenue": revenue, "cost": cost, "gross": revenue - cost, "budgets": _fen(budgets),
        "profit": revenue - cost - _fen(budgets),
        "arrears": sum((r["arrears"] for r in rows), zero),
        "base_end_arrears": sum((r["base_end_arrears"] for r in rows), zero),
        "collections": sum((r["collections"] for r in rows), zero),
    }
