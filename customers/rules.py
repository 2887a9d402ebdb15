"""The customer rules of the TSM method (DOMAIN.md §3.1, §3.2, §3.3, §4.1).

Pure functions: plain values in, a `Verdict(value, reason)` out, so that every
label the user sees comes with the sentence that explains it. No ORM here;
the selectors hand over sums and the views render the verdicts.

Money and scores are `Decimal` all the way to the comparison, and a mean or a
share is compared by cross-multiplying (``sum >= high × n``) rather than by
dividing first, so that a boundary written in the spec is hit exactly.
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from customers.choices import (
    FOCUS_LABEL, VALUE_CLASS_RANK, VALUE_FIT, VALUE_FIT_NONE, VALUE_MISFIT, VALUE_PENDING, BuyingRole, Combination,
    ContributionClass, Dimension, Performance, Publicity,
    ValueClass,
)
from tsm.lib.labels import Labels
from tsm.lib.numbers import fmt_money, fmt_num, fmt_pct, fmt_rate, fmt_score  # noqa: F401 (re-used below)
from tsm.lib.thresholds import DEFAULTS, Thresholds, Verdict

K = TypeVar("K", bound=Hashable)

ZERO = Decimal("0")
CENT = Decimal("0.01")


# --- labels ---------------------------------------------------------------------

COMBINATION_LABELS = Labels(Combination)

# In the order the course lists them; `unclassified` is for customers without data.
CONTRIBUTION_CLASS_LABELS = Labels(ContributionClass)
CONTRIBUTION_CLASS_ADVICE = {
    "fat_sheep": "看好肥羊：保护好",
    "reindeer": "盯紧驯鹿：密切关注",
    "hound": "养好猎狗：如果把握住机会，猎狗会变成驯鹿",
    "hare": "数量多、规模小、易受诱导：低成本覆盖",
    "rat": "吃掉利润：收紧信用、停止补贴",
    "unclassified": "基期内没有资费数据",
}

ROLES = Labels(BuyingRole)

PUBLICITY_LABELS = Labels(Publicity)

PERFORMANCE_LABELS = Labels(Performance)

# The 13 factors of §4.1, (code, 中文), codes as the customer model's fields.
ATTRACTIVENESS_FACTORS = (
    ("profit_contribution", "利润贡献"),
    ("continuous_purchase", "持续采购"),
    ("high_ground", "制高点"),
    ("referral", "转介绍"),
    ("payment_terms", "帐期"),
    ("learning_opportunity", "学习的机会"),
    ("future_product_acceptance", "未来品接受"),
    ("credit", "企业信用"),
    ("procurement_ease", "采购流程便利"),
)
ADVANTAGE_FACTORS = (
    ("competitive_situation", "竞争态势"),
    ("comparative_ability", "对比能力"),
    ("strategic_intent", "战略意图"),
    ("attention", "关注程度"),
)
SCORE_MAX = Decimal("5")

VALUE_CLASS_SHORT = Labels(ValueClass)
VALUE_CLASS_LABELS = Labels((value, format_lazy("{} {}", VALUE_CLASS_RANK[value], label))
                            for value, label in ValueClass.choices)
VALUE_PENDING_LABEL = VALUE_PENDING

# (attractiveness high, advantage high) -> value class: the grid's four quadrants.
VALUE_CLASS_BY_AXES = {(True, True): "consolidate", (True, False): "invest", (False, True): "harvest",
                       (False, False): "maintain"}

# Recommended market actions (numbers into MARKET_ACTIONS) and why, per class.
VALUE_CLASS_ACTIONS = {
    "consolidate": (4, 7, 9, 16),
    "invest": (3, 6, 8, 15),
    "harvest": (1, 2, 12),
    "maintain": (5, 10, 11, 13, 14),
}
VALUE_CLASS_REASONS = {
    "consolidate": ("发展潜力大", "我们有优势", "等比增长"),
    "invest": ("未来增值", "必须投入", "未来效益"),
    "harvest": ("提高份额难、收益差", "一锤子买卖，重现实利润", "我们有优势地位"),
    "maintain": ("数量多但利润小", "强力覆盖得不偿失", "采购易受诱导", "持续采购可能性小", "甚至考虑撤出"),
}

# §4.1 客户群价值类别与贡献类别: the contribution classes the course expects of
# each value class, and the course's words for why. Any other pair does not fit.
VALUE_FIT_EXPECTED = {
    "consolidate": ("fat_sheep", "reindeer"),
    "invest": ("hound", "reindeer"),
    "harvest": ("fat_sheep", "rat"),
    "maintain": ("hare", "rat"),
}
VALUE_FIT_COURSE = {
    "consolidate": "未来或可能带来更多的肥羊",
    "invest": "从猎狗到驯鹿的培养",
    "harvest": "现实的肥羊或未来的小老鼠",
    "maintain": "永远的野兔和老鼠",
}
VALUE_FIT_LABELS = {True: VALUE_FIT, False: VALUE_MISFIT, None: VALUE_FIT_NONE}

# The nine comparison dimensions of §3.3, in the slides' order, and their groups.
DIMENSIONS = Labels(Dimension)
DIMENSION_GROUPS = {
    "产品": ("core_metrics", "performance", "service_model"),
    "运作": ("pricing", "pull_concept", "push_means", "coordination"),
    "人员": ("account_director", "manager_team"),
}


# --- §3.1 the customer × product matrix -------------------------------------------


def cell_sign(revenue: Decimal, cost: Decimal) -> Verdict:
    """One matrix cell over the base period: '+' when profit ≥ 0, '-' otherwise,
    None for an empty cell (no revenue and no cost)."""
    if revenue == 0 and cost == 0:
        return Verdict(None, "空：基期内收入与成本均为 0")
    profit = revenue - cost
    if profit >= 0:
        return Verdict("+", f"+：利润 {fmt_money(profit)} = 收入 {fmt_money(revenue)} − 成本 {fmt_money(cost)} ≥ 0")
    return Verdict("-", f"—：利润 {fmt_money(profit)} = 收入 {fmt_money(revenue)} − 成本 {fmt_money(cost)} < 0")


def combination(cells: Iterable[tuple[Decimal, Decimal]]) -> Verdict:
    """The customer's combination (组合) from its (revenue, cost) per product.

    Empty cells are ignored; a customer with no non-empty cell has none (None).
    Total profit is tested before the signs: one product losing more than the
    others earn makes the customer 亏损, however many cells are +.
    """
    filled = [(r, c) for r, c in cells if not (r == 0 and c == 0)]
    if not filled:
        return Verdict(None, "基期内无资费数据")
    profit = sum((r - c for r, c in filled), ZERO)
    minus = sum(1 for r, c in filled if r - c < 0)
    counted = f"{len(filled)} 个产品中 {minus} 个为 —"
    if profit < 0:
        return Verdict.of(Combination.LOSS, f"亏损：{counted}，总利润 {fmt_money(profit)} < 0")
    if minus:
        return Verdict.of(Combination.PROFITABLE, f"可盈利：{counted}，总利润 {fmt_money(profit)} ≥ 0")
    return Verdict.of(Combination.HIGH_PROFIT, f"高盈利：{len(filled)} 个产品全部为 +，总利润 {fmt_money(profit)}")


def scale_flags(revenues: Mapping[K, Decimal], *, t: Thresholds = DEFAULTS) -> dict[K, Verdict]:
    """Scale (规模) for every customer of a region at once (it is a ranking).

    A customer is + when the customers with *strictly* larger revenue together
    hold less than `scale_share` of the region total: tied customers share
    one fate, and a customer with zero revenue is never +.
    """
    total = sum(revenues.values(), ZERO)
    larger_than: dict[Decimal, Decimal] = {}  # revenue -> sum of strictly larger revenues
    running = ZERO
    for value, count in sorted(Counter(revenues.values()).items(), reverse=True):
        larger_than[value] = running
        running += value * count
    return {key: scale_flag(revenue, larger_than[revenue], total, t=t) for key, revenue in revenues.items()}


def scale_flag(revenue: Decimal, above: Decimal, total: Decimal, *, t: Thresholds = DEFAULTS) -> Verdict:
    """One customer's place in `scale_flags`: its revenue, the revenue of the
    customers with strictly larger revenue (`above`) and the region's total."""
    if total <= 0:
        return Verdict(False, "规模 —：区域基期总收入为 0")
    if revenue <= 0:
        return Verdict(False, "规模 —：基期收入为 0")
    held = f"收入更高的客户合计 {fmt_money(above)}，占区域总收入 {fmt_money(total)} 的 {fmt_pct(above / total)}"
    if above < t.scale_share * total:
        return Verdict(True, f"规模 +：{held} < {fmt_rate(t.scale_share)}")
    return Verdict(False, f"规模 —：{held} ≥ {fmt_rate(t.scale_share)}")


def growth(recent6: Decimal, year_ago6: Decimal, prior6: Decimal, *, t: Thresholds = DEFAULTS) -> Verdict:
    """Growth (成长): R against the same half-year a year earlier (Y), or, when
    there is no Y, against the half-year just before (P); no history is —."""
    factor = fmt_num(t.growth_factor)
    if year_ago6 > 0:
        base, name = year_ago6, "去年同期"
    elif prior6 > 0:
        base, name = prior6, "前 6 个月"
    else:
        return Verdict(False, "成长 —：去年同期和前 6 个月均无收入，历史不足")
    needed = t.growth_factor * base
    if recent6 >= needed:
        return Verdict(True, f"成长 +：近 6 个月收入 {fmt_money(recent6)} ≥ {factor} × {name} {fmt_money(base)}")
    return Verdict(False, f"成长 —：近 6 个月收入 {fmt_money(recent6)} < {factor} × {name} {fmt_money(base)}")


def contribution_class(
    has_data: bool,
    combination: str | None,
    scale: bool,
    growth: bool,
    arrears_end: Decimal,
    base_revenue: Decimal,
    *,
    t: Thresholds = DEFAULTS,
) -> Verdict:
    """The contribution class (客户贡献类别), first match in the spec's order.

    The arrears test is ``arrears × 12 ≥ months × revenue`` so that nothing
    is divided. It needs arrears > 0: a customer with no revenue and no
    arrears owes nothing and is not a rat by arrears (0 ≥ 0 would say so),
    while arrears against zero revenue is a rat.
    """
    if not has_data:
        return Verdict.of(ContributionClass.UNCLASSIFIED, "未分类：基期内无资费数据")
    if combination == "loss":
        return Verdict.of(ContributionClass.RAT, "硕鼠：组合为亏损")
    months = t.rat_arrears_months
    if arrears_end > 0 and arrears_end * 12 >= months * base_revenue:
        return Verdict.of(ContributionClass.RAT,
            f"硕鼠：期末欠费 {fmt_money(arrears_end)} ≥ {fmt_num(months)} × 月均收入 {fmt_money(base_revenue / 12)}",
        )
    if scale:
        if combination == "high_profit":
            return Verdict.of(ContributionClass.FAT_SHEEP, "肥羊：规模 +，组合高盈利")
        if combination == "profitable":
            return Verdict.of(ContributionClass.REINDEER, "驯鹿：规模 +，组合可盈利")
        # Scale + needs revenue, and revenue makes a non-empty cell.
        raise ValueError("a customer with scale + must have a combination")
    if growth:
        return Verdict.of(ContributionClass.HOUND, "猎狗：规模 —，成长 +")
    return Verdict.of(ContributionClass.HARE, "野兔：规模 —，成长 —")


def performance(actual: Decimal, target: Decimal | None, *, t: Thresholds = DEFAULTS) -> Verdict:
    """Performance (绩效): 欠缺 below 100 %, 完成 from 100 %, 超越 from 110 %.

    Without a positive target there is nothing to measure against: None.
    """
    if target is None or target <= 0:
        return Verdict(None, f"未设定目标：实际 {fmt_money(actual)}，无法评价")
    done = f"实际 {fmt_money(actual)} / 目标 {fmt_money(target)} = {fmt_pct(actual / target)}"
    if actual >= t.perf_exceed * target:
        return Verdict.of(Performance.EXCEEDED, f"超越：{done} ≥ {fmt_rate(t.perf_exceed)}")
    if actual >= t.perf_complete * target:
        return Verdict.of(Performance.MET, f"完成：{done} ≥ {fmt_rate(t.perf_complete)}")
    return Verdict.of(Performance.SHORT, f"欠缺：{done} < {fmt_rate(t.perf_complete)}")


def focus_check(open_projects_on_hare_rat: int, open_projects: int, *, t: Thresholds = DEFAULTS) -> Verdict:
    """是否过度关注“野兔、硕鼠”: True (a warning) when more than
    `focus_hare_rat_share` of a manager's open projects are on hares and rats."""
    if open_projects <= 0:
        return Verdict(False, "没有进行中的项目")
    share = Decimal(open_projects_on_hare_rat) / open_projects
    counted = f"{open_projects} 个进行中项目中 {open_projects_on_hare_rat} 个在野兔、硕鼠上，占 {fmt_pct(share)}"
    if open_projects_on_hare_rat > t.focus_hare_rat_share * open_projects:
        return Verdict(True, f"过度关注“野兔、硕鼠”：{counted} > {fmt_rate(t.focus_hare_rat_share)}")
    return Verdict(False, f"{counted} ≤ {fmt_rate(t.focus_hare_rat_share)}")


# --- §3.2 decision roles and publicity ---------------------------------------------------


def _role_names(roles: Iterable[str]) -> str:
    return "、".join(str(ROLES[r]) for r in ROLES if r in set(roles))


def role_coverage(role_sets: Iterable[Iterable[str]]) -> Verdict:
    """How many of the five buying roles the contacts hold (0–5); the check is 5.
    Strings that are not one of the five roles are ignored."""
    held = set().union(*map(set, role_sets)) & ROLES.keys()
    missing = [r for r in ROLES if r not in held]
    if not missing:
        return Verdict(5, "角色覆盖 5/5：五个关键角色齐全")
    return Verdict(len(held), f"角色覆盖 {len(held)}/5，缺少：{_role_names(missing)}")


def publicity(
    contacts: Iterable[tuple[Iterable[str], date | None]], as_of: date, *, t: Thresholds = DEFAULTS
) -> Verdict:
    """Publicity & contact state (宣传接触状态): the distinct roles held by
    contacts met face to face in [as_of − window, as_of], both ends included."""
    since = as_of - timedelta(days=t.publicity_window_days)
    held: set[str] = set()
    for roles, last_met in contacts:
        if last_met is not None and since <= last_met <= as_of:
            held |= set(roles) & ROLES.keys()
    window = f"{since.isoformat()} 至 {as_of.isoformat()} 面谈覆盖 {len(held)} 个角色"
    if len(held) >= t.publicity_broad_roles:
        return Verdict.of(Publicity.BROAD, f"广泛宣传：{window}（{_role_names(held)}）≥ {t.publicity_broad_roles}")
    if held:
        return Verdict.of(Publicity.PARTIAL, f"局部宣传：{window}（{_role_names(held)}）")
    return Verdict.of(Publicity.BLANK, f"大片空白：{window}")


# The three needs of §3.2 the director's check asks about, (field, 中文), fields as the customer model's.
NEEDS = (("decider_needs", "决策人的需求"), ("company_needs", "公司的需求"), ("industry_needs", "产业的需求"))


def needs_check(*, decider_needs: bool, company_needs: bool, industry_needs: bool, open_projects: int) -> Verdict:
    """是否清晰了解决策人、公司和产业的需求: True (a warning: the check names
    the customer) when it has an open project and one of its three needs is
    not written (each argument says whether that need is written)."""
    written = (decider_needs, company_needs, industry_needs)
    missing = [label for (_field, label), done in zip(NEEDS, written) if not done]
    if open_projects <= 0:
        return Verdict(False, "没有进行中的项目")
    if missing:
        return Verdict(True, f"{open_projects} 个进行中项目，未写明{'、'.join(missing)}")
    return Verdict(False, f"{open_projects} 个进行中项目，决策人、公司和产业的需求均已写明")


PUBLICITY_ELEMENTS = (
    ("new_business", _("结合新业务宣传")), ("formal_introduction", _("面对面的正式介绍")),
    ("procedure", _("了解对方的采购程序")), ("key_needs", _("了解对方的关键需求")),
)


def written(text: str | None) -> bool:
    """A text counts as written when it holds more than spaces and line breaks."""
    return bool((text or "").strip())


def publicity_elements(
    *, actions_aimed: int, last_met: Iterable[date | None], procedure: str, needs: Sequence[str], as_of: date,
    t: Thresholds = DEFAULTS,
) -> list[tuple[str, str, Verdict]]:
    """接触宣传's four elements of the course (DOMAIN §3.2), each done or not
    yet with its reason: (key, label, Verdict(done, reason)).

    - 结合新业务宣传: a special action (push/pull) aims at the customer;
    - 面对面的正式介绍: a contact met face to face within the publicity window;
    - 了解对方的采购程序: the procedure is written;
    - 了解对方的关键需求: the three needs (决策人、公司、产业) are written."""
    since = as_of - timedelta(days=t.publicity_window_days)
    met = [d for d in last_met if d is not None and since <= d <= as_of]
    missing = [label for (_field, label), text in zip(NEEDS, needs) if not written(text)]
    window = f"{since.isoformat()} 至 {as_of.isoformat()}"
    verdicts = [
        Verdict(actions_aimed > 0, f"{actions_aimed} 项市场推拉动作针对该客户" if actions_aimed
                else "还没有针对该客户（点名或按其类别）的市场推拉动作"),
        Verdict(bool(met), f"{window} 面谈 {len(met)} 人次，最近 {max(met).isoformat()}" if met
                else f"{window} 没有面对面的接触"),
        Verdict(written(procedure), "采购程序已写明" if written(procedure) else "采购程序未写"),
        Verdict(not missing, "决策人、公司和产业的需求均已写明" if not missing else f"未写明{'、'.join(missing)}"),
    ]
    return [(key, label, verdict) for (key, label), verdict in zip(PUBLICITY_ELEMENTS, verdicts)]


# --- §4.1 customer value grid -----------------------------------------------------------------


def _axis_sum(scores: Sequence[Decimal | None], factors: tuple, what: str) -> Decimal | None:
    if len(scores) != len(factors):
        raise ValueError(f"{what}: expected {len(factors)} scores, got {len(scores)}")
    for score in scores:
        if score is not None and not ZERO <= score <= SCORE_MAX:
            raise ValueError(f"{what}: score {score} outside 0–5")
    if any(score is None for score in scores):
        return None
    return sum(scores, ZERO)


def value_axes(
    attractiveness: Sequence[Decimal | None], advantage: Sequence[Decimal | None]
) -> tuple[Decimal | None, Decimal | None]:
    """The two means of the grid (for the scatter chart): None for an axis with
    a factor not yet scored. Compare with `value_class`, not with these: a
    mean of nine scores is not always a finite decimal."""
    a = _axis_sum(attractiveness, ATTRACTIVENESS_FACTORS, "attractiveness")
    b = _axis_sum(advantage, ADVANTAGE_FACTORS, "advantage")
    return (
        None if a is None else a / len(ATTRACTIVENESS_FACTORS),
        None if b is None else b / len(ADVANTAGE_FACTORS),
    )


def value_class(
    attractiveness: Sequence[Decimal | None],
    advantage: Sequence[Decimal | None],
    *,
    t: Thresholds = DEFAULTS,
) -> Verdict:
    """The value class (客户群潜力价值类别) from 9 attractiveness and 4
    advantage factors, in the order of ATTRACTIVENESS_FACTORS / ADVANTAGE_FACTORS.

    None (待评估) until all 13 are scored; "high" is mean ≥ value_high,
    tested as sum ≥ value_high × n.
    """
    a_sum = _axis_sum(attractiveness, ATTRACTIVENESS_FACTORS, "attractiveness")
    b_sum = _axis_sum(advantage, ADVANTAGE_FACTORS, "advantage")
    if a_sum is None or b_sum is None:
        missing = [
            label
            for scores, factors in ((attractiveness, ATTRACTIVENESS_FACTORS), (advantage, ADVANTAGE_FACTORS))
            for score, (_, label) in zip(scores, factors)
            if score is None
        ]
        return Verdict(None, f"{VALUE_PENDING_LABEL}：缺少 {'、'.join(map(str, missing))} 的评分", VALUE_PENDING_LABEL)
    high = t.value_high
    a_high = a_sum >= high * len(ATTRACTIVENESS_FACTORS)
    b_high = b_sum >= high * len(ADVANTAGE_FACTORS)
    cls = VALUE_CLASS_BY_AXES[a_high, b_high]
    a_mean = a_sum / len(ATTRACTIVENESS_FACTORS)
    b_mean = b_sum / len(ADVANTAGE_FACTORS)
    return Verdict.of(
        ValueClass(cls),
        f"{VALUE_CLASS_LABELS[cls]}：吸引力 {fmt_score(a_mean)} {'≥' if a_high else '<'} {fmt_num(high)}，"
        f"相对优势 {fmt_score(b_mean)} {'≥' if b_high else '<'} {fmt_num(high)}",
    )


def profit_percentiles(profits: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Each customer's place among the region's customers by base-period
    profit: the share of the *other* customers with strictly lower profit,
    0 (lowest) to 1 (highest); ties share a place; a lone customer is 1."""
    others = len(profits) - 1
    values = sorted(profits.values())
    # strictly lower, in O(log n): regions have thousands
    return {key: percentile_of(bisect_left(values, profit), others) for key, profit in profits.items()}


def percentile_of(lower: int, others: int) -> Decimal:
    """One place of `profit_percentiles`: `lower` of the `others` other customers have strictly lower profit."""
    return Decimal(1) if others == 0 else Decimal(lower) / others


def suggest_profit_contribution(percentile: Decimal) -> Verdict:
    """Suggested 利润贡献 score: 5 × percentile, half-up to a whole point, so the
    top tenth of the region suggests 5 and the bottom tenth 0."""
    if not ZERO <= percentile <= 1:
        raise ValueError(f"percentile {percentile} outside 0–1")
    score = (5 * percentile).quantize(Decimal("1"), ROUND_HALF_UP)
    return Verdict(score, f"建议 {score} 分：利润排在区域客户的 {fmt_pct(percentile)} 分位（5 × 分位，四舍五入）")


def suggest_continuous_purchase(months_with_revenue: int) -> Verdict:
    """Suggested 持续采购 score: months with revenue out of the base period's
    12, times 5, to one decimal (half-up)."""
    if not 0 <= months_with_revenue <= 12:
        raise ValueError(f"months_with_revenue {months_with_revenue} outside 0–12")
    score = (Decimal(months_with_revenue) * 5 / 12).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Verdict(score, f"建议 {score} 分：基期 12 个月中 {months_with_revenue} 个月有收入（{months_with_revenue}/12 × 5）")


def value_fit(value_class: str | None, contribution_class: str | None) -> Verdict:
    """Whether the contribution class is one the course expects of the value
    class (巩固类 — 肥羊、驯鹿; 投入类 — 猎狗、驯鹿; 收获类 — 肥羊、硕鼠; 兼顾类 —
    野兔、硕鼠): True, False, or None — no verdict — for a customer without a
    value class (待评估) or without a contribution class (未分类)."""
    if value_class is not None and value_class not in VALUE_FIT_EXPECTED:
        raise ValueError(f"unknown value class {value_class!r}")
    if contribution_class is not None and contribution_class not in CONTRIBUTION_CLASS_LABELS:
        raise ValueError(f"unknown contribution class {contribution_class!r}")
    if value_class is None:
        return Verdict(None, f"{VALUE_FIT_NONE}：{VALUE_PENDING_LABEL}，还没有价值类别", VALUE_FIT_NONE)
    if contribution_class in (None, ContributionClass.UNCLASSIFIED):
        return Verdict(None, f"{VALUE_FIT_NONE}：{ContributionClass.UNCLASSIFIED.label}，基期内无资费数据",
                       VALUE_FIT_NONE)
    expected = VALUE_FIT_EXPECTED[value_class]
    fits = contribution_class in expected
    why = (f"{VALUE_CLASS_SHORT[value_class]}应是{'或'.join(str(CONTRIBUTION_CLASS_LABELS[c]) for c in expected)}"
           f"（{VALUE_FIT_COURSE[value_class]}），此客户是{CONTRIBUTION_CLASS_LABELS[contribution_class]}")
    return Verdict(fits, f"{VALUE_FIT_LABELS[fits]}：{why}", VALUE_FIT_LABELS[fits])


# --- §4.2 customer strategy summary (客户策略总结) ------------------------------------------------------

# 重视"巩固和投入": the classes the rule watches and the publicity states it
# flags. The strategy summary sorts by the same tuples in SQL.
FOCUS_VALUE_CLASSES = ("consolidate", "invest")
FOCUS_PUBLICITY = ("blank", "partial")


def strategy_focus(value_class: str | None, publicity: str) -> Verdict:
    """The strategy summary's rule, 重视"巩固和投入": a 巩固类 or 投入类
    customer whose publicity is 大片空白 or 局部宣传 is flagged (True) and
    listed first. A customer without a value class (待评估) is not flagged."""
    if publicity not in PUBLICITY_LABELS:
        raise ValueError(f"unknown publicity state {publicity!r}")
    if value_class is not None and value_class not in VALUE_CLASS_SHORT:
        raise ValueError(f"unknown value class {value_class!r}")
    if value_class is None:
        return Verdict(False, f"不标记：客户{VALUE_PENDING_LABEL}，尚无价值类别")
    said = f"{VALUE_CLASS_SHORT[value_class]}客户，宣传接触状态为{PUBLICITY_LABELS[publicity]}"
    if value_class not in FOCUS_VALUE_CLASSES:
        return Verdict(False, f"不标记：{said}；只有巩固类、投入类客户在“巩固和投入”之列")
    if publicity not in FOCUS_PUBLICITY:
        return Verdict(False, f"不标记：{said}，宣传接触已经到位")
    return Verdict(True, f"重点：{said}，重视“巩固和投入”，应加强宣传接触", FOCUS_LABEL)


# --- editing a customer (INTERFACES §1: the code is the import's key) ------------------


def customer_code_editable(*, contributions: int, contacts: int, projects: int) -> Verdict:
    """Whether a customer's code may still change: only while nothing refers
    to it. An import matches customers on their codes (and its contribution,
    project and contact rows name the customer by code), so once a customer
    has data, a new code would make the next import add a second customer."""
    held = [f"{n} {what}" for n, what in ((contributions, "条资费记录"), (contacts, "个联系人"), (projects, "个项目"))
            if n]
    if not held:
        return Verdict(True, "该客户还没有资费、联系人和项目，客户编码可以修改")
    return Verdict(False, f"该客户已有 {'、'.join(held)}：客户编码是导入文件匹配客户的依据，有数据后不能再修改")
