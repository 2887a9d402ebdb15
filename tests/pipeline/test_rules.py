"""The project and funnel rules at every boundary DOMAIN.md §4.2 and §4.3 name."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.rules import (
    CONCLUSION_LABELS,
    EVIDENCE,
    LAYERS,
    LEVELS,
    TACTIC_LABELS,
    amount_class,
    category,
    conclusion,
    funnel_health,
    is_stagnant,
    layer,
    pipeline_coverage,
    plan_period_bounds,
    revenue_target_choice,
    tactic,
    weighted_amount,
    win_rate,
)
from tsm.lib.thresholds import DEFAULTS

AS_OF = date(2026, 11, 27)


def codes(first, last):
    return [f"E{n}" for n in range(first, last + 1)]


# --- win rate -----------------------------------------------------------------------------


def test_the_evidence_catalogue_has_twelve_criteria_in_four_levels():
    assert list(EVIDENCE) == codes(1, 12)
    assert [(rate, name, list(criteria)) for rate, name, criteria in LEVELS] == [
        (20, "了解背景", codes(1, 3)),
        (40, "展示引导", codes(4, 6)),
        (60, "建立信任", codes(7, 9)),
        (80, "超越对手", codes(10, 12)),
    ]


@pytest.mark.parametrize(
    ("evidence", "rate", "in_reason"),
    [
        ([], 0, "下一级 了解背景（20%）还缺 E1、E2、E3"),
        (["E1", "E2"], 0, "还缺 E3"),
        (codes(1, 3), 20, "20%（了解背景）：下一级 展示引导（40%）还缺 E4、E5、E6"),
        (["E1", "E2", "E3", "E5"], 20, "还缺 E4、E6"),  # a gap: E5 alone does not count
        (codes(1, 6), 40, "下一级 建立信任（60%）还缺 E7、E8、E9"),
        (codes(1, 9), 60, "下一级 超越对手（80%）还缺 E10、E11、E12"),
        (codes(1, 12), 80, "已达最高级别"),
        (codes(4, 12), 0, "还缺 E1、E2、E3"),  # everything but the first level
    ],
    ids=["none", "partial-first", "20", "gap", "40", "60", "80", "no-foundation"],
)
def test_win_rate_is_the_highest_level_with_it_and_all_lower_levels_complete(evidence, rate, in_reason):
    verdict = win_rate(evidence, "open")
    assert verdict.value == rate
    assert in_reason in verdict.reason


@pytest.mark.parametrize(
    ("status", "rate"), [("won", 100), ("lost", None), ("abandoned", None)]
)
def test_a_closed_project_is_won_at_100_or_out_of_the_funnel(status, rate):
    assert win_rate(codes(1, 3), status).value == rate


def test_win_rate_refuses_unknown_codes_and_statuses():
    with pytest.raises(ValueError):
        win_rate(["E13"], "open")
    with pytest.raises(ValueError):
        win_rate([], "paused")


def test_the_weighted_amount_is_amount_times_win_rate_to_the_fen():
    assert weighted_amount(D("333333.33"), 40) == D("133333.33")


# --- amount class --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "target", "expected", "in_reason"),
    [
        (D("1000000.00"), None, "A", "≥ 1,000,000.00"),
        (D("999999.99"), None, "B", "≥ 200,000.00"),
        (D("200000.00"), None, "B", "按金额 200,000.00 ≥ 200,000.00"),
        (D("199999.99"), None, "C", "< 200,000.00"),
        (D("1000000.00"), D("0"), "A", "负责人无目标"),  # a zero target is no target
        (D("200000.00"), D("1000000.00"), "A", "的 20.00% ≥ 20%"),
        (D("199999.99"), D("1000000.00"), "B", "的 19.99% ≥ 5%"),
        (D("50000.00"), D("1000000.00"), "B", "的 5.00% ≥ 5%"),
        (D("49999.99"), D("1000000.00"), "C", "的 4.99% < 5%"),
    ],
    ids=["abs-A", "abs-just-below-A", "abs-B", "abs-C", "zero-target", "20pct", "just-below-20", "5pct", "below-5"],
)
def test_amount_class_uses_the_share_of_the_owner_target_or_fixed_amounts(amount, target, expected, in_reason):
    verdict = amount_class(amount, target)
    assert verdict.value == expected
    assert in_reason in verdict.reason


def test_a_lower_a_share_makes_more_a_projects():
    t = replace(DEFAULTS, amount_a_share=D("0.10"))
    assert amount_class(D("100000"), D("1000000"), t=t).value == "A"


# --- layer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected", "reason"),
    [
        (-1, ("bottom", True), "底层（逾期）：预计签约日 2026-11-26 已过 1 天"),
        (0, ("bottom", False), "底层：距预计签约 0 天 ≤ 14 天"),
        (14, ("bottom", False), "底层：距预计签约 14 天 ≤ 14 天"),
        (15, ("middle", False), "中层：距预计签约 15 天 ≤ 70 天"),
        (70, ("middle", False), "中层：距预计签约 70 天 ≤ 70 天"),
        (71, ("surface", False), "表层：距预计签约 71 天 > 70 天"),
    ],
)
def test_the_layer_follows_the_days_to_the_expected_close(days, expected, reason):
    assert layer(AS_OF, AS_OF + timedelta(days=days)) == (expected, reason)


def test_a_wider_bottom_layer_takes_in_more_projects():
    assert layer(AS_OF, AS_OF + timedelta(days=20), t=replace(DEFAULTS, layer_bottom_days=21)).value[0] == "bottom"


# --- category --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effect", "kill", "expected"),
    [("increase", "high", "strategic"), ("decrease", "high", "killer"), ("increase", "low", "revenue"),
     ("decrease", "low", "suicide")],
)
def test_the_category_is_tariff_effect_by_kill_degree(effect, kill, expected):
    assert category(effect, kill).value == expected


def test_a_suicide_project_carries_a_warning():
    assert category("decrease", "low").reason == "自杀类：资费减少、杀伤度低。注意：资费减少而对对手杀伤不大，请慎重立项"
    assert "注意" not in category("increase", "high").reason


# --- tactic ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lay", "rate", "expected"),
    [
        ("surface", 60, "defense"),
        ("surface", 59, "guerrilla"),
        ("middle", 80, "storming"),
        ("middle", 0, "storming"),
        ("bottom", 60, "blitz"),
        ("bottom", 40, "positional"),
    ],
)
def test_the_tactic_is_layer_by_win_rate_high_from_60_percent(lay, rate, expected):
    assert tactic(lay, rate).value == expected


def test_the_tactic_reason_carries_the_slogan_and_the_win_rate():
    assert tactic("bottom", 60).reason == "闪电战（积极跟进、机会难得）：底层，赢率 60% ≥ 60%"


def test_a_higher_high_win_rate_turns_a_blitz_into_positional_war():
    assert tactic("bottom", 60, t=replace(DEFAULTS, high_win_rate=80)).value == "positional"


# --- conclusion ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lay", "value", "amount", "rate", "expected", "in_reason"),
    [
        ("bottom", "consolidate", "A", 0, "intensive_attack", "密集进攻：底层，客户巩固类，A类"),
        ("bottom", "invest", "A", 60, "intensive_attack", "密集进攻"),  # not inquire: rule 1 first
        ("bottom", "harvest", "A", 80, "wait", "底层需巩固类或投入类客户"),
        ("bottom", "consolidate", "B", 80, "wait", "金额不是A类"),
        ("surface", "invest", "A", 20, "active_investment", "主动投入"),
        ("surface", "maintain", "A", 20, "wait", "表层需巩固类或投入类客户"),
        ("middle", "harvest", "C", 40, "inquire", "赢率 40% ≥ 40%"),
        ("middle", "invest", "A", 40, "inquire", "询问关注"),
        ("middle", "invest", "A", 39, "wait", "赢率 39% < 40%"),
        ("middle", "consolidate", "A", 80, "wait", "中层需收获类或投入类客户"),
        ("bottom", None, "A", 80, "wait", "客户待评估"),
        ("surface", None, "A", 80, "wait", "客户待评估"),
        ("middle", None, "A", 80, "wait", "客户待评估"),
    ],
)
def test_the_conclusion_is_the_first_matching_rule(lay, value, amount, rate, expected, in_reason):
    verdict = conclusion(lay, value, amount, rate)
    assert verdict.value == expected
    assert in_reason in verdict.reason


def test_a_lower_inquire_rate_lets_more_middle_projects_be_watched():
    assert conclusion("middle", "harvest", "C", 20, t=replace(DEFAULTS, inquire_win_rate=20)).value == "inquire"


evidence = st.sets(st.sampled_from(list(EVIDENCE)))
money = st.decimals(min_value=0, max_value=100_000_000, places=2, allow_nan=False, allow_infinity=False)


@given(
    close=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    ticked=evidence,
    amount=money,
    target=st.one_of(st.none(), money),
    value=st.sampled_from(["consolidate", "invest", "harvest", "maintain", None]),
)
def test_every_open_project_gets_exactly_one_layer_tactic_and_conclusion(close, ticked, amount, target, value):
    (lay, overdue), _ = layer(AS_OF, close)
    rate = win_rate(ticked, "open").value
    assert lay in LAYERS
    assert overdue is (close < AS_OF)
    assert rate in (0, 20, 40, 60, 80)
    assert tactic(lay, rate).value in TACTIC_LABELS
    assert conclusion(lay, value, amount_class(amount, target).value, rate).value in CONCLUSION_LABELS


# --- stagnation and funnel health ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snapshots", "stagnant", "in_reason"),
    [
        ([("surface", 20)] * 4, True, "赢率未上升（20% → 20%）"),
        ([("surface", 20)] * 3 + [("surface", 40)], False, "赢率 20% → 40%"),
        ([("surface", 20)] * 3 + [("middle", 20)], False, "漏斗位置 表层 → 中层"),
        ([("middle", 40)] * 3 + [("surface", 40)], True, "中层 → 表层"),  # moved away from the bottom
        ([("middle", 20), ("middle", 40), ("middle", 60), ("middle", 20)], True, "20% → 20%"),  # net no move
        ([("surface", 0), ("surface", 20)] + [("surface", 20)] * 3, True, "20% → 20%"),  # older rise ignored
        ([("surface", 20)] * 3, False, "只有 3 次周更新，不足 4 次"),
        ([("surface", 20)], False, "只有 1 次周更新"),
        ([], False, "只有 0 次周更新"),
    ],
    ids=["flat", "rate-up", "layer-down", "layer-up", "up-and-back", "old-rise", "3-snapshots", "1", "none"],
)
def test_a_project_is_stagnant_when_its_last_four_snapshots_show_no_progress(snapshots, stagnant, in_reason):
    verdict = is_stagnant(snapshots)
    assert verdict.value is stagnant
    assert in_reason in verdict.reason


def test_a_shorter_stagnation_window_judges_sooner():
    assert is_stagnant([("surface", 20)] * 2, t=replace(DEFAULTS, stagnant_weeks=2)).value is True


@pytest.mark.parametrize(
    ("projects", "expected", "in_reason"),
    [
        ([("surface", False), ("middle", False)], "danger", "只有 2 个进行中项目 < 3"),
        ([("bottom", False)] * 3, "danger", "表层和中层没有项目"),
        ([("surface", True), ("middle", True), ("surface", False), ("middle", False)], "neutral",
         "4 个项目中 2 个停滞，占 50.00% ≥ 50%"),
        ([("surface", True), ("middle", False), ("surface", False), ("bottom", True)], "healthy",
         "3 个项目中 1 个停滞，占 33.33% < 50%"),
        ([("surface", False), ("middle", False), ("bottom", False)], "healthy", "0 个停滞"),
    ],
    ids=["too-few", "nothing-on-top", "half-stuck", "third-stuck", "exactly-3"],
)
def test_funnel_health_is_danger_neutral_or_healthy(projects, expected, in_reason):
    verdict = funnel_health(projects)
    assert verdict.value == expected
    assert in_reason in verdict.reason


def test_a_higher_minimum_makes_a_thin_funnel_dangerous():
    projects = [("surface", False), ("middle", False), ("bottom", False)]
    assert funnel_health(projects, t=replace(DEFAULTS, funnel_min_projects=4)).value == "danger"


def test_pipeline_coverage_is_weighted_open_over_remaining_target():
    assert pipeline_coverage(D("150000.00"), D("100000.00")) == (
        D("1.50"), "漏斗覆盖 1.50 倍：加权金额 150,000.00 ÷ 未完成目标 100,000.00"
    )


def test_pipeline_coverage_is_none_once_the_target_is_met():
    assert pipeline_coverage(D("5"), D("0")).value is None


# --- which plan's revenue target (§4.2): containing the as-of date, shortest, else the next ---------


@pytest.mark.parametrize("candidates, as_of, period, draft, factor, start", [
    # a year and its first half both contain the date: the half-year, doubled
    ([("2027", False), ("2027H1", False)], date(2027, 3, 1), "2027H1", False, 2, date(2027, 1, 1)),
    # the last day of the first half still is the first half's; the next day the year's alone
    ([("2027", False), ("2027H1", False)], date(2027, 6, 30), "2027H1", False, 2, date(2027, 1, 1)),
    ([("2027", False), ("2027H1", False)], date(2027, 7, 1), "2027", False, 1, date(2027, 1, 1)),
    # only the year
    ([("2027", True)], date(2027, 12, 31), "2027", True, 1, date(2027, 1, 1)),
    # the second half from July
    ([("2027", False), ("2027H2", True)], date(2027, 7, 1), "2027H2", True, 2, date(2027, 7, 1)),
    # none contains the date: the earliest starting after it — the next half-year before the next year's H2
    ([("2026", False), ("2028", True), ("2027H2", True)], date(2027, 3, 1), "2027H2", True, 2, date(2027, 7, 1)),
    # next year and its first half start the same day: the shorter, the half-year
    ([("2028", True), ("2028H1", True)], date(2027, 12, 31), "2028H1", True, 2, date(2028, 1, 1)),
    ([("2028", False)], date(2027, 12, 31), "2028", False, 1, date(2028, 1, 1)),
])
def test_the_revenue_target_is_the_shortest_plan_containing_the_date_else_the_next(
        candidates, as_of, period, draft, factor, start):
    verdict = revenue_target_choice(candidates, as_of)
    assert tuple(verdict.value) == (period, draft, factor, start)
    assert period in verdict.reason
    assert ("草稿" in verdict.reason) is draft and ("草稿" in verdict.label) is draft
    assert ("两倍" in verdict.reason) is (factor == 2)


def test_a_past_plan_alone_gives_no_target():
    verdict = revenue_target_choice([("2026", False), ("2027H1", False)], date(2027, 7, 1))
    assert verdict.value is None
    assert "固定金额" in verdict.reason
    assert revenue_target_choice([], date(2027, 7, 1)).value is None


def test_the_next_period_is_named_as_such():
    assert "取下一期 2028" in revenue_target_choice([("2028", True)], date(2027, 5, 1)).reason


def test_a_period_is_draft_when_any_of_its_rows_is():
    assert revenue_target_choice([("2027", False), ("2027", True)], date(2027, 5, 1)).value.draft is True


def test_plan_period_bounds():
    assert plan_period_bounds("2027") == (date(2027, 1, 1), date(2027, 12, 31))
    assert plan_period_bounds("2027H1") == (date(2027, 1, 1), date(2027, 6, 30))
    assert plan_period_bounds("2027H2") == (date(2027, 7, 1), date(2027, 12, 31))


def test_the_amount_class_names_where_the_target_comes_from():
    choice = revenue_target_choice([("2027", False), ("2027H2", True)], date(2027, 8, 1)).value
    assert choice.source == "2027H2 计划半年目标 ×2，草稿"
    verdict = amount_class(D("200000"), D("1000000"), source=choice.source)
    assert verdict.reason == "A类：金额 200,000.00 占负责人目标 1,000,000.00（2027H2 计划半年目标 ×2，草稿） 的 20.00% ≥ 20%"
    assert revenue_target_choice([("2027", False)], date(2027, 8, 1)).value.source == "2027 计划"
