"""SWOT suggestions and competitive position (DOMAIN.md §3.4, §4.5)."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from planning.rules import (
    PAIRING_LABELS,
    STRATEGY_OPTIONS,
    SwotSuggestion,
    advanced_swot_valid,
    competitive_position,
    swot_suggestions,
)
from tsm.lib.thresholds import DEFAULTS


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [(4, 3, "S"), (5, 3, "S"), (3, 3, None), (3, 4, "W"), (1, 5, "W")],
    ids=["plus-1", "plus-2", "equal", "minus-1", "minus-4"],
)
def test_a_gap_of_at_least_one_point_suggests_a_strength_or_weakness(ours, theirs, expected):
    suggestions = swot_suggestions({"pricing": ours}, {"对手甲": {"pricing": theirs}})
    assert [v.value.kind for v in suggestions] == ([expected] if expected else [])


def test_swot_suggestions_name_dimension_competitor_and_scores_in_order():
    ours = {"core_metrics": 4, "pricing": 2, "manager_team": 3}
    theirs = {"对手甲": {"pricing": 4, "core_metrics": 3}, "对手乙": {"manager_team": 2, "pricing": None}}
    suggestions = swot_suggestions(ours, theirs)
    assert [v.value for v in suggestions] == [
        SwotSuggestion("S", "core_metrics", "对手甲"),
        SwotSuggestion("W", "pricing", "对手甲"),
        SwotSuggestion("S", "manager_team", "对手乙"),
    ]
    assert suggestions[1].reason == "劣势：价格体系 我方 2 − 对手甲 4 = -2 ≤ −1"
    assert suggestions[0].reason == "优势：核心指标 我方 4 − 对手甲 3 = +1 ≥ +1"


def test_a_wider_swot_gap_drops_the_one_point_suggestions():
    t = replace(DEFAULTS, swot_gap=D("2"))
    assert swot_suggestions({"pricing": 4}, {"对手甲": {"pricing": 3}}, t=t) == []


@pytest.mark.parametrize(
    ("counts", "valid", "in_reason"),
    [
        ({"S": 2, "W": 2, "O": 2, "T": 2}, True, "各 2 条"),
        ({"S": 3, "W": 2, "O": 1, "T": 2}, False, "目前优势 3 条、机会 1 条"),
        ({"S": 2, "W": 2, "O": 2}, False, "目前威胁 0 条"),
    ],
)
def test_the_advanced_swot_needs_exactly_two_of_each(counts, valid, in_reason):
    verdict = advanced_swot_valid(counts)
    assert verdict.value is valid
    assert in_reason in verdict.reason


def test_the_four_pairings_have_their_course_names():
    assert PAIRING_LABELS == {"SO": "保持发展", "ST": "居安思危", "WO": "否定自我", "WT": "挑战自我"}


@pytest.mark.parametrize(
    ("ours", "competitors", "our_cap", "leader_cap", "expected", "in_reason"),
    [
        (D("0.40"), {"甲": D("0.30")}, D("2"), D("4"), "leader", "我方份额 40.00%，没有对手份额更大"),
        (D("0.30"), {"甲": D("0.30")}, D("2"), D("4"), "leader", "没有对手份额更大"),  # tie for first
        (D("0.20"), {"甲": D("0.35"), "乙": D("0.25")}, D("3.5"), D("3.5"), "challenger",
         "挑战者：我方份额 20.00% < 甲 35.00%，但我方能力 3.50 ≥ 甲 3.50"),
        (D("0.05"), {"甲": D("0.60")}, D("4"), D("3"), "challenger", "挑战者"),  # before nicher
        (D("0.0999"), {"甲": D("0.60")}, D("2"), D("3"), "nicher", "份额 < 10%"),
        (D("0.10"), {"甲": D("0.60")}, D("2"), D("3"), "follower", "我方能力 2.00 < 甲 3.00，份额 ≥ 10%"),
        (D("0.30"), {"甲": D("0.60")}, D("2"), None, "follower", "追随者"),  # no capability to compare
        (D("0.01"), {}, None, None, "leader", "领导者"),  # nobody else in the market
    ],
    ids=["largest", "tie", "capable", "capable-small", "nicher", "exactly-10pct", "no-capability", "alone"],
)
def test_the_suggested_position_follows_share_then_capability(ours, competitors, our_cap, leader_cap, expected,
                                                               in_reason):
    verdict = competitive_position(ours, competitors, our_cap, leader_cap)
    assert verdict.value == expected
    assert in_reason in verdict.reason


def test_a_higher_nicher_share_turns_a_follower_into_a_nicher():
    t = replace(DEFAULTS, nicher_share=D("0.15"))
    assert competitive_position(D("0.10"), {"甲": D("0.6")}, D("2"), D("3"), t=t).value == "nicher"


def test_every_position_has_strategy_options():
    assert set(STRATEGY_OPTIONS) == {"leader", "challenger", "nicher", "follower"}
    assert STRATEGY_OPTIONS["leader"]["保护份额"] == ("阵地防御", "机动防御", "防守反击", "以攻为守")
