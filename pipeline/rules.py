"""The project and funnel rules of the TSM method (DOMAIN.md §4.2, §4.3).

Pure functions returning `Verdict(value, reason)`: the funnel page shows each
project's win rate, layer, class, tactic and the director's conclusion with
the sentence that produced it.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from customers.rules import VALUE_CLASS_SHORT
from pipeline.choices import AmountClass, Category, Conclusion, FunnelHealth, Layer, Status, Tactic, TariffEffect
from tsm.lib.labels import Labels
from tsm.lib.numbers import CENT, fmt_money, fmt_pct, fmt_rate
from tsm.lib.thresholds import DEFAULTS, Thresholds, Verdict

# --- §4.2 win rate from evidence --------------------------------------------------


# The codes E1–E12 and the level each helps to reach are fixed by the method
# and the import contract; their wording is the EvidenceCriterion table's
# (editable in the admin, read by the pages).
EVIDENCE = {f"E{n}": (n - 1) // 3 + 1 for n in range(1, 13)}

# (win rate %, level name, its criteria), from the top of the funnel down.
LEVELS = [
    (rate, name, tuple(code for code, level in EVIDENCE.items() if level == number))
    for number, (rate, name) in enumerate(((20, "了解背景"), (40, "展示引导"), (60, "建立信任"), (80, "超越对手")), 1)
]

STATUS_LABELS = Labels(Status)


def win_rate(evidence: Iterable[str], status: str = "open") -> Verdict:
    """Win rate (赢率) in whole percent, derived from the ticked evidence.

    A level counts only when it and every level below it are complete, so a
    tick above a gap does not raise the rate (E1–E3 + E5 is still 20 %).
    Won is 100; lost and abandoned are out of the funnel (None).
    """
    if status == "won":
        return Verdict(100, "赢单：100%")
    if status in ("lost", "abandoned"):
        return Verdict(None, f"{STATUS_LABELS[status]}：已出漏斗，不计赢率")
    if status != "open":
        raise ValueError(f"unknown project status {status!r}")
    ticked = set(evidence)
    unknown = ticked - EVIDENCE.keys()
    if unknown:
        raise ValueError(f"unknown evidence codes {sorted(unknown)}")
    rate, reached = 0, "尚无完整级别"
    for level_rate, name, codes in LEVELS:
        missing = [code for code in codes if code not in ticked]
        if missing:
            return Verdict(rate, f"{rate}%（{reached}）：下一级 {name}（{level_rate}%）还缺 {'、'.join(missing)}")
        rate, reached = level_rate, name
    return Verdict(rate, f"{rate}%（{reached}）：已达最高级别，E1–E12 全部满足")


def weighted_amount(amount: Decimal, rate: int) -> Decimal:
    """Weighted amount = amount × win rate, to the fen (the funnel's sums)."""
    return (amount * rate / 100).quantize(CENT, ROUND_HALF_UP)


# --- §4.2 amount class, layer, category ---------------------------------------------------

AMOUNT_CLASS_LABELS = Labels(AmountClass)


def amount_class(amount: Decimal, owner_target: Decimal | None, *, t: Thresholds = DEFAULTS,
                 source: str = "") -> Verdict:
    """Amount class (项目金额分类): share of the owner's revenue target for the
    plan period, or fixed amounts when the owner has no (positive) target.
    `source` names where the target comes from (its plan, 草稿, a half-year
    doubled: TargetChoice.source) and is said after it."""
    if owner_target is None or owner_target <= 0:
        said = f"负责人无目标，按金额 {fmt_money(amount)}"
        if amount >= t.amount_a_yuan:
            return Verdict.of(AmountClass.A, f"A类：{said} ≥ {fmt_money(t.amount_a_yuan)}")
        if amount >= t.amount_b_yuan:
            return Verdict.of(AmountClass.B, f"B类：{said} ≥ {fmt_money(t.amount_b_yuan)}")
        return Verdict.of(AmountClass.C, f"C类：{said} < {fmt_money(t.amount_b_yuan)}")
    target = f"{fmt_money(owner_target)}（{source}）" if source else fmt_money(owner_target)
    said = f"金额 {fmt_money(amount)} 占负责人目标 {target} 的 {fmt_pct(amount / owner_target)}"
    if amount >= t.amount_a_share * owner_target:
        return Verdict.of(AmountClass.A, f"A类：{said} ≥ {fmt_rate(t.amount_a_share)}")
    if amount >= t.amount_b_share * owner_target:
        return Verdict.of(AmountClass.B, f"B类：{said} ≥ {fmt_rate(t.amount_b_share)}")
    return Verdict.of(AmountClass.C, f"C类：{said} < {fmt_rate(t.amount_b_share)}")


LAYERS = tuple(Layer.values)  # top of the funnel first
LAYER_LABELS = Labels(Layer)
OVERDUE_LABEL = "逾期"


def layer(as_of: date, expected_close: date, *, t: Thresholds = DEFAULTS) -> Verdict:
    """Funnel layer (漏斗位置) from the days to the expected close; the value is
    (layer, overdue). A project past its close date sits in the bottom layer,
    flagged overdue, until someone moves the date or closes it."""
    days = (expected_close - as_of).days
    if days < 0:
        return Verdict(("bottom", True), f"底层（{OVERDUE_LABEL}）：预计签约日 {expected_close.isoformat()} 已过 {-days} 天", Layer.BOTTOM.label)
    if days <= t.layer_bottom_days:
        return Verdict(("bottom", False), f"底层：距预计签约 {days} 天 ≤ {t.layer_bottom_days} 天", Layer.BOTTOM.label)
    if days <= t.layer_middle_days:
        return Verdict(("middle", False), f"中层：距预计签约 {days} 天 ≤ {t.layer_middle_days} 天", Layer.MIDDLE.label)
    return Verdict(("surface", False), f"表层：距预计签约 {days} 天 > {t.layer_middle_days} 天", Layer.SURFACE.label)


CATEGORY_LABELS = Labels(Category)
TARIFF_EFFECT_LABELS = Labels(TariffEffect)
KILL_DEGREE_LABELS = {"high": "杀伤度高", "low": "杀伤度低"}
_CATEGORIES = {
    ("increase", "high"): "strategic",
    ("decrease", "high"): "killer",
    ("increase", "low"): "revenue",
    ("decrease", "low"): "suicide",
}


def category(tariff_effect: str, kill_degree: str) -> Verdict:
    """New-project category (新项目的分类): tariff effect × kill degree. A
    suicide project (our tariff falls and the competitor is barely hurt) is
    the one the course warns about, so its reason says so."""
    cls = _CATEGORIES[(tariff_effect, kill_degree)]
    said = f"{CATEGORY_LABELS[cls]}：{TARIFF_EFFECT_LABELS[tariff_effect]}、{KILL_DEGREE_LABELS[kill_degree]}"
    if cls == "suicide":
        return Verdict.of(Category(cls), f"{said}。注意：资费减少而对对手杀伤不大，请慎重立项")
    return Verdict.of(Category(cls), said)


# --- §4.2 tactic and conclusion --------------------------------------------------------------

TACTIC_LABELS = Labels(Tactic)
TACTIC_SLOGANS = {
    "defense": "密切关注、顺水推舟",
    "guerrilla": "举火烧天、多点出击",
    "storming": "扬长避短、均衡推进",
    "blitz": "积极跟进、机会难得",
    "positional": "居高临下、打乱局面",
}
_TACTICS = {
    ("surface", True): "defense",
    ("surface", False): "guerrilla",
    ("middle", True): "storming",
    ("middle", False): "storming",
    ("bottom", True): "blitz",
    ("bottom", False): "positional",
}


def tactic(layer: str, win_rate: int, *, t: Thresholds = DEFAULTS) -> Verdict:
    """Competitive tactic (项目竞争战法): layer × (win rate ≥ high_win_rate)."""
    high = win_rate >= t.high_win_rate
    name = _TACTICS[(layer, high)]
    return Verdict.of(
        Tactic(name),
        f"{TACTIC_LABELS[name]}（{TACTIC_SLOGANS[name]}）：{LAYER_LABELS[layer]}，"
        f"赢率 {win_rate}% {'≥' if high else '<'} {t.high_win_rate}%",
    )


CONCLUSION_LABELS = Labels(Conclusion)
CONCLUSION_NOTES = {"wait": "鼓励运作"}
FUNNEL_SLOGAN = "抓两头、看中间"

_ATTACK_CLASSES = ("consolidate", "invest")
_INQUIRE_CLASSES = ("harvest", "invest")


def _class_names(classes: tuple[str, ...]) -> str:
    return "或".join(str(VALUE_CLASS_SHORT[c]) for c in classes)


def conclusion(
    layer: str, value_class: str | None, amount_class: str, win_rate: int, *, t: Thresholds = DEFAULTS
) -> Verdict:
    """The director's conclusion action (客户主任的结论动作), first match.

    Each of the first three rules belongs to one layer, so the reason for
    等待观察 names what the project lacks for its layer's rule. A customer
    without a value class (待评估) matches none of the three.
    """
    said = f"{LAYER_LABELS[layer]}，客户{VALUE_CLASS_SHORT.get(value_class, '待评估')}，{amount_class}类，赢率 {win_rate}%"
    attack_class = value_class in _ATTACK_CLASSES
    if layer == "bottom" and attack_class and amount_class == "A":
        return Verdict.of(Conclusion.INTENSIVE_ATTACK, f"密集进攻：{said}")
    if layer == "surface" and attack_class and amount_class == "A":
        return Verdict.of(Conclusion.ACTIVE_INVESTMENT, f"主动投入：{said}")
    if layer == "middle" and value_class in _INQUIRE_CLASSES and win_rate >= t.inquire_win_rate:
        return Verdict.of(Conclusion.INQUIRE, f"询问关注：{said} ≥ {t.inquire_win_rate}%")

    lacking = []
    if value_class is None:
        lacking.append("客户待评估")
    elif layer == "middle" and value_class not in _INQUIRE_CLASSES:
        lacking.append(f"中层需{_class_names(_INQUIRE_CLASSES)}客户")
    elif layer != "middle" and not attack_class:
        lacking.append(f"{LAYER_LABELS[layer]}需{_class_names(_ATTACK_CLASSES)}客户")
    if layer == "middle" and win_rate < t.inquire_win_rate:
        lacking.append(f"赢率 {win_rate}% < {t.inquire_win_rate}%")
    if layer != "middle" and amount_class != "A":
        lacking.append("金额不是A类")
    return Verdict.of(Conclusion.WAIT, f"等待观察（鼓励运作）：{said}；{'，'.join(map(str, lacking))}")


# --- §4.3 funnel health ----------------------------------------------------------------------------


def is_stagnant(snapshots: Sequence[tuple[str, int]], *, t: Thresholds = DEFAULTS) -> Verdict:
    """Stagnant (停滞): over the last `stagnant_weeks` weekly snapshots
    (oldest first, each (layer, win rate)), the newest is neither in a deeper
    layer nor at a higher win rate than the oldest.

    The comparison is net (newest against oldest of the window): a rate that
    went up and came back down did not move the project. A project with fewer
    snapshots than a full window has not been watched long enough to be
    called stagnant, so it is not (the reason says so).
    """
    weeks = max(t.stagnant_weeks, 2)  # one snapshot cannot show a movement
    if len(snapshots) < weeks:
        return Verdict(False, f"只有 {len(snapshots)} 次周更新，不足 {weeks} 次，暂不判断停滞")
    (first_layer, first_rate), (last_layer, last_rate) = snapshots[-weeks], snapshots[-1]
    moved = []
    if LAYERS.index(last_layer) > LAYERS.index(first_layer):
        moved.append(f"漏斗位置 {LAYER_LABELS[first_layer]} → {LAYER_LABELS[last_layer]}")
    if last_rate > first_rate:
        moved.append(f"赢率 {first_rate}% → {last_rate}%")
    if moved:
        return Verdict(False, f"近 {weeks} 次周更新有进展：{'，'.join(moved)}")
    return Verdict(
        True,
        f"停滞：近 {weeks} 次周更新漏斗位置未向底层移动（{LAYER_LABELS[first_layer]} → {LAYER_LABELS[last_layer]}），"
        f"赢率未上升（{first_rate}% → {last_rate}%）",
    )


FUNNEL_HEALTH_LABELS = Labels(FunnelHealth)


def funnel_health(projects: Sequence[tuple[str, bool]], *, t: Thresholds = DEFAULTS) -> Verdict:
    """Funnel health (漏斗状态) of a manager's or a region's open projects,
    each given as (layer, stagnant)."""
    total = len(projects)
    upper = [stagnant for lay, stagnant in projects if lay in ("surface", "middle")]
    if total < t.funnel_min_projects:
        return Verdict.of(FunnelHealth.DANGER, f"危险：只有 {total} 个进行中项目 < {t.funnel_min_projects}（稀稀落落，危机立显）")
    if not upper:
        return Verdict.of(FunnelHealth.DANGER, "危险：表层和中层没有项目（严重缺乏后劲）")
    stuck = sum(upper)
    said = f"表层和中层 {len(upper)} 个项目中 {stuck} 个停滞，占 {fmt_pct(Decimal(stuck) / len(upper))}"
    if stuck >= t.funnel_neutral_share * len(upper):
        return Verdict.of(FunnelHealth.NEUTRAL, f"中性：{said} ≥ {fmt_rate(t.funnel_neutral_share)}（很多在上面，不往下走）")
    return Verdict.of(FunnelHealth.HEALTHY, f"良性：{said} < {fmt_rate(t.funnel_neutral_share)}")


def pipeline_coverage(weighted_open: Decimal, target_remaining: Decimal) -> Verdict:
    """Pipeline coverage = weighted open amount ÷ target not yet met, rounded
    to 2 places (nothing compares it with a threshold); None when the target
    is already met."""
    if target_remaining <= 0:
        return Verdict(None, f"目标已完成，加权金额 {fmt_money(weighted_open)} 无需覆盖")
    ratio = (weighted_open / target_remaining).quantize(CENT, ROUND_HALF_UP)
    return Verdict(
        ratio,
        f"漏斗覆盖 {ratio} 倍：加权金额 {fmt_money(weighted_open)} ÷ 未完成目标 {fmt_money(target_remaining)}",
    )


# --- §4.2 which plan's revenue target (the amount class and coverage read it) ----------------------


def plan_period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a plan period: '2027' the year, '2027H1'
    January–June, '2027H2' July–December."""
    year = int(period[:4])
    if period.endswith("H1"):
        return date(year, 1, 1), date(year, 6, 30)
    if period.endswith("H2"):
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


class TargetChoice(NamedTuple):
    period: str
    draft: bool  # from a plan not (yet) approved: the pages mark it 草稿
    factor: int  # 2 for a half-year: project amounts are annual
    start: date  # the first day of the period: coverage's "met" counts from it

    @property
    def source(self) -> str:
        """Where a manager's target comes from, as the amount class's reason says it."""
        said = f"{self.period} 计划"
        if self.factor != 1:
            said += f"半年目标 ×{self.factor}"
        return said + ("，草稿" if self.draft else "")


def revenue_target_choice(candidates: Iterable[tuple[str, bool]], as_of: date) -> Verdict:
    """The plan whose managers' revenue targets the amount class and pipeline
    coverage read (DOMAIN §4.2), from the periods that hand targets down,
    given as (period, draft): the one containing `as_of`, the shortest when a
    year and a half-year both contain it; when none does, the next period's
    (the earliest starting after `as_of`, the shortest on ties). A half-year
    counts double. None when no plan is current or to come."""
    periods = {}
    for period, draft in candidates:
        periods[period] = periods.get(period, False) or bool(draft)

    def length(period):
        start, end = plan_period_bounds(period)
        return (end - start).days

    covering = [p for p in periods if plan_period_bounds(p)[0] <= as_of <= plan_period_bounds(p)[1]]
    later = [p for p in periods if plan_period_bounds(p)[0] > as_of]
    if covering:
        period = min(covering, key=lambda p: (length(p), p))
        said = f"计划期 {period} 包含基准日 {as_of.isoformat()}"
        if len(covering) > 1:
            said += f"（{'、'.join(sorted(covering))} 都包含时取较短的 {period}）"
    elif later:
        period = min(later, key=lambda p: (plan_period_bounds(p)[0], length(p), p))
        said = f"没有计划期包含基准日 {as_of.isoformat()}，取下一期 {period}"
    else:
        return Verdict(None, f"没有包含基准日 {as_of.isoformat()} 或其后的计划收入目标，金额分类按固定金额")
    half = period.endswith(("H1", "H2"))
    draft = periods[period]
    said += "，草稿计划的目标（尚未批准）" if draft else "，已批准计划的目标"
    if half:
        said += "；半年目标在金额分类中按两倍计（项目金额按年计）"
    return Verdict(TargetChoice(period, draft, 2 if half else 1, plan_period_bounds(period)[0]), said,
                   f"{period}（草稿）" if draft else period)


# --- editing a project (INTERFACES §1: the code is the import's key) ---------------------


def project_code_editable(*, evidence: int, snapshots: int) -> Verdict:
    """Whether a project's code may still change: only while it has no
    evidence ticked and no weekly update. The code is what an import matches
    projects on, so once the project has a history it keeps its code."""
    held = [f"{n} {what}" for n, what in ((evidence, "项赢率证据"), (snapshots, "次周更新")) if n]
    if not held:
        return Verdict(True, "该项目还没有赢率证据和周更新，项目编码可以修改")
    return Verdict(False, f"该项目已有 {'、'.join(held)}：项目编码是导入文件匹配项目的依据，有数据后不能再修改")
