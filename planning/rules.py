"""The SWOT and competition-strategy rules of the TSM method (DOMAIN.md §3.4, §4.5).

Pure functions returning `Verdict(value, reason)`. The director may always
override a suggestion; the reason tells them what it was based on.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from customers.rules import DIMENSIONS
from tsm.lib.numbers import fmt_num, fmt_pct, fmt_rate, fmt_score
from tsm.lib.thresholds import DEFAULTS, Thresholds, Verdict

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

# Strategy options per position: {group: options}. Followers and nichers pick
# one focus and balance the rest (扬长避短、均衡推进).
STRATEGY_OPTIONS = {
    "leader": {
        "扩大需求": ("新用户", "增加用量", "增加新用途"),
        "保护份额": ("阵地防御", "机动防御", "防守反击", "以攻为守"),
    },
    "challenger": {"进攻": ("全面进攻", "重点进攻", "缠绕进攻", "机会进攻")},
    "follower": {"扬长避短、均衡推进": ()},
    "nicher": {"扬长避短、均衡推进": ()},
}

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
