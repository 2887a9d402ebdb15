"""SWOT suggestions and competitive position (DOMAIN.md §3.4, §4.5)."""

import json
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from planning.rules import (
    PAIRING_LABELS,
    STRATEGY_OPTIONS,
    SwotSuggestion,
    advanced_swot_valid,
    competitive_position,
    strategy_choice,
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
    assert STRATEGY_OPTIONS["follower"] == {"跟随领导者的市场动作": ("展会", "活动", "宣传", "促销")}
    assert STRATEGY_OPTIONS["nicher"] == {"专攻方向": ("客户", "渠道", "新品")}


def test_the_shipped_catalogue_holds_the_options_of_the_rules_and_no_other():
    catalogue = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "catalogues.json").read_text())
    shipped = {(r["fields"]["position"], r["fields"]["group"], r["fields"]["name"])
               for r in catalogue if r["model"] == "planning.strategyoption"}
    assert shipped == {(position, group, name) for position, groups in STRATEGY_OPTIONS.items()
                       for group, names in groups.items() for name in names}


# --- strategies chosen for a position: a nicher picks one way and names its segment -------------------

L, C, F, N = "leader", "challenger", "follower", "nicher"


@pytest.mark.parametrize(("position", "chosen", "segment", "ok", "reason"), [
    # any options of the position, none yet included
    (L, [], "", True, "领导者：尚未选择策略"),
    (L, [(L, "新用户"), (L, "阵地防御")], "", True, "领导者：新用户、阵地防御"),
    (F, [(F, "展会"), (F, "活动"), (F, "宣传"), (F, "促销")], "", True, "追随者：展会、活动、宣传、促销"),
    (None, [], "", True, "竞争地位未定：尚未选择策略"),
    # options of another position, or no position at all
    (C, [(F, "展会")], "", False, "所选策略与竞争地位“挑战者”不符：展会（追随者）"),
    (None, [(L, "新用户")], "", False, "还没有竞争地位（请填写我方份额或选择竞争地位），不能选择策略"),
    # a nicher: exactly one way, with its segment
    (N, [(N, "客户")], "金融行业", True, "专攻者：按客户专攻“金融行业”"),
    (N, [(N, "新品")], "  云专线 ", True, "专攻者：按新品专攻“云专线”"),
    (N, [], "", True, "专攻者：尚未选择专攻方向"),
    (N, [(N, "客户")], "", False, "专攻者按客户专攻，请写明专攻的细分市场（哪一类客户）"),
    (N, [(N, "渠道")], "   ", False, "专攻者按渠道专攻，请写明专攻的细分市场（哪一类渠道）"),
    (N, [(N, "客户"), (N, "渠道")], "金融行业", False, "专攻者只选一个专攻方向（客户、渠道、新品之一）：现选了 客户、渠道"),
    (N, [], "金融行业", False, "请先选择专攻方向（客户、渠道、新品之一），再写专攻的细分市场"),
    # only a nicher names a segment
    (F, [(F, "展会")], "金融行业", False, "专攻的细分市场只用于专攻者（当前竞争地位：追随者），请清空后再保存"),
    (None, [], "金融行业", False, "专攻的细分市场只用于专攻者（当前竞争地位：未定），请清空后再保存"),
])
def test_strategy_choice(position, chosen, segment, ok, reason):
    verdict = strategy_choice(position, chosen, segment)
    assert (verdict.value, verdict.reason) == (ok, reason)
