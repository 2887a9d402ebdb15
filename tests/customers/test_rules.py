"""The customer rules at every boundary DOMAIN.md §3.1, §3.2, §4.1 names."""

import json
from pathlib import Path
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.rules import (
    ATTRACTIVENESS_FACTORS,
    VALUE_CLASS_ACTIONS,
    cell_sign,
    combination,
    contribution_class,
    fmt_money,
    fmt_pct,
    focus_check,
    growth,
    needs_check,
    performance,
    profit_percentiles,
    publicity,
    role_coverage,
    scale_flags,
    suggest_continuous_purchase,
    suggest_profit_contribution,
    value_axes,
    value_class,
    value_fit,
)
from tsm.lib.thresholds import DEFAULTS

AS_OF = date(2026, 11, 27)

# --- formatting ---------------------------------------------------------------------------


def test_money_in_reasons_has_thousands_separators_and_two_places():
    assert fmt_money(D("36000")) == "36,000.00"
    assert fmt_money(D("1234567.555")) == "1,234,567.56"


def test_a_share_just_below_a_threshold_never_reads_as_the_threshold():
    assert fmt_pct(D("0.79996")) == "79.99%"
    assert fmt_pct(D("0.8")) == "80.00%"


# --- matrix cells and combination -------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue", "cost", "sign"),
    [
        (D("100.00"), D("40.00"), "+"),
        (D("100.00"), D("100.00"), "+"),  # profit exactly 0 is +
        (D("100.00"), D("100.01"), "-"),
        (D("0"), D("5.00"), "-"),
        (D("0"), D("0"), None),  # empty cell
    ],
)
def test_a_cell_is_plus_when_profit_is_at_least_zero(revenue, cost, sign):
    assert cell_sign(revenue, cost).value == sign


def test_a_cell_reason_shows_the_profit_arithmetic():
    assert cell_sign(D("5000"), D("4000")).reason == "+：利润 1,000.00 = 收入 5,000.00 − 成本 4,000.00 ≥ 0"


@pytest.mark.parametrize(
    ("cells", "expected", "in_reason"),
    [
        ([(D(100), D(40)), (D(50), D(10))], "high_profit", "全部为 +"),
        ([(D(100), D(40)), (D(50), D(60))], "profitable", "总利润 50.00 ≥ 0"),
        ([(D(100), D(100)), (D(50), D(50.01))], "loss", "总利润 -0.01 < 0"),
        ([(D(100), D(40)), (D(0), D(0))], "high_profit", "1 个产品全部为 +"),  # empty cell ignored
        ([(D(0), D(0)), (D(0), D(0))], None, "无资费数据"),
        ([], None, "无资费数据"),
    ],
    ids=["all-plus", "some-minus-profit", "total-loss", "empty-ignored", "only-empty", "no-cells"],
)
def test_combination_follows_the_signs_and_total_profit(cells, expected, in_reason):
    verdict = combination(cells)
    assert verdict.value == expected
    assert in_reason in verdict.reason


# --- scale ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenues", "expected"),
    [
        # b and c: the larger customers hold exactly 80 % -> not +
        ({"a": D("80"), "b": D("10"), "c": D("10")}, {"a": True, "b": False, "c": False}),
        # just below 80 % above b -> b is +
        ({"a": D("79.99"), "b": D("10.01"), "c": D("10")}, {"a": True, "b": True, "c": False}),
        # just above 80 % above c -> c is not +
        ({"a": D("80.01"), "b": D("10"), "c": D("9.99")}, {"a": True, "b": False, "c": False}),
        # ties fall the same way
        ({"a": D("40"), "b": D("40"), "c": D("20")}, {"a": True, "b": True, "c": False}),
        ({"a": D("50"), "b": D("25"), "c": D("25"), "z": D("0")}, {"a": True, "b": True, "c": True, "z": False}),
    ],
    ids=["exactly-80", "just-below", "just-above", "ties", "zero-revenue"],
)
def test_a_customer_is_scale_plus_while_larger_customers_hold_under_80_percent(revenues, expected):
    assert {k: v.value for k, v in scale_flags(revenues).items()} == expected


def test_the_scale_reason_names_the_larger_customers_share():
    flags = scale_flags({"a": D("80"), "b": D("10"), "c": D("10")})
    assert flags["b"].reason == "规模 —：收入更高的客户合计 80.00，占区域总收入 100.00 的 80.00% ≥ 80%"
    assert flags["a"].reason.endswith("0.00% < 80%")


def test_a_region_without_revenue_has_no_scale_plus_customer():
    flags = scale_flags({"a": D("0"), "b": D("0")})
    assert [v.value for v in flags.values()] == [False, False]
    assert "总收入为 0" in flags["a"].reason


def test_a_zero_revenue_customer_is_never_scale_plus():
    flags = scale_flags({"a": D("100"), "z": D("0")}, t=replace(DEFAULTS, scale_share=D("2")))
    assert flags["z"] == (False, "规模 —：基期收入为 0")


def test_a_lower_scale_share_shrinks_the_scale_plus_group():
    revenues = {"a": D("60"), "b": D("30"), "c": D("10")}
    assert scale_flags(revenues)["b"].value is True
    assert scale_flags(revenues, t=replace(DEFAULTS, scale_share=D("0.60")))["b"].value is False


# --- growth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recent", "year_ago", "prior", "expected", "in_reason"),
    [
        (D("110.00"), D("100.00"), D("500"), True, "110.00 ≥ 1.1 × 去年同期 100.00"),
        (D("109.99"), D("100.00"), D("1"), False, "109.99 < 1.1 × 去年同期 100.00"),
        (D("110.00"), D("0"), D("100.00"), True, "≥ 1.1 × 前 6 个月 100.00"),  # Y = 0 falls back to P
        (D("109.99"), D("0"), D("100.00"), False, "< 1.1 × 前 6 个月 100.00"),
        (D("999.00"), D("0"), D("0"), False, "历史不足"),  # both 0
        (D("0"), D("0"), D("0"), False, "历史不足"),
    ],
    ids=["exactly-10pct", "just-below", "fallback-to-P", "fallback-just-below", "no-history", "nothing"],
)
def test_growth_is_plus_from_ten_percent_over_the_year_before_or_else_the_half_before(
    recent, year_ago, prior, expected, in_reason
):
    verdict = growth(recent, year_ago, prior)
    assert verdict.value is expected
    assert in_reason in verdict.reason


def test_a_year_earlier_takes_precedence_over_the_half_year_before():
    assert growth(D("150"), D("200"), D("100")).value is False


def test_a_higher_growth_factor_raises_the_bar():
    assert growth(D("110"), D("100"), D("0"), t=replace(DEFAULTS, growth_factor=D("1.2"))).value is False


# --- contribution class ---------------------------------------------------------------------

REVENUE = D("141600.00")  # average monthly revenue 11,800.00; 3 x = 35,400.00


@pytest.mark.parametrize(
    ("combo", "scale", "grows", "arrears", "revenue", "expected"),
    [
        ("loss", True, True, D("0"), REVENUE, "rat"),
        ("high_profit", True, True, D("35400.00"), REVENUE, "rat"),  # arrears exactly 3 x
        ("high_profit", True, True, D("35399.99"), REVENUE, "fat_sheep"),  # 0.01 below
        ("profitable", True, False, D("0"), REVENUE, "reindeer"),
        ("high_profit", False, True, D("0"), REVENUE, "hound"),
        ("profitable", False, False, D("0"), REVENUE, "hare"),
        ("high_profit", False, False, D("0.01"), D("0"), "rat"),  # arrears against no revenue
        (None, False, False, D("0"), D("0"), "hare"),  # no revenue, no arrears: not a rat by arrears
    ],
    ids=["loss", "arrears-3x", "arrears-just-below", "reindeer", "hound", "hare", "arrears-no-revenue", "zeroes"],
)
def test_contribution_class_is_the_first_match_in_the_spec_order(combo, scale, grows, arrears, revenue, expected):
    assert contribution_class(True, combo, scale, grows, arrears, revenue).value == expected


def test_the_rat_reason_compares_arrears_with_average_monthly_revenue():
    verdict = contribution_class(True, "high_profit", True, False, D("36000"), REVENUE)
    assert verdict == ("rat", "硕鼠：期末欠费 36,000.00 ≥ 3 × 月均收入 11,800.00")


def test_a_customer_without_data_is_unclassified():
    assert contribution_class(False, None, False, False, D("0"), D("0")) == ("unclassified", "未分类：基期内无资费数据")


def test_more_arrears_months_spare_a_customer_from_rat():
    t = replace(DEFAULTS, rat_arrears_months=D("4"))
    assert contribution_class(True, "high_profit", True, True, D("35400"), REVENUE, t=t).value == "fat_sheep"


def test_scale_plus_without_a_combination_is_a_caller_error():
    with pytest.raises(ValueError):
        contribution_class(True, None, True, False, D("0"), D("0"))


money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
customer_data = st.tuples(
    st.lists(st.tuples(money, money), max_size=4),  # (revenue, cost) per product
    money,  # arrears at the end of the base period
    money,
    money,
    money,  # R, Y, P
)


@given(st.lists(customer_data, max_size=12))
def test_every_customer_with_data_gets_exactly_one_of_the_five_classes(region):
    revenues = {i: sum((r for r, _ in cells), D(0)) for i, (cells, *_) in enumerate(region)}
    scale = scale_flags(revenues)
    for i, (cells, arrears, recent, year_ago, prior) in enumerate(region):
        combo = combination(cells).value
        has_data = combo is not None or arrears > 0
        verdict = contribution_class(
            has_data, combo, scale[i].value, growth(recent, year_ago, prior).value, arrears, revenues[i]
        )
        if has_data:
            assert verdict.value in {"fat_sheep", "reindeer", "hound", "hare", "rat"}
        else:
            assert verdict.value == "unclassified"
        assert verdict.reason


# --- performance and the director's checks -------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected", "in_reason"),
    [
        (D("99999.99"), "short", "99.99% < 100%"),
        (D("100000.00"), "met", "100.00% ≥ 100%"),
        (D("109999.99"), "met", "109.99% ≥ 100%"),
        (D("110000.00"), "exceeded", "110.00% ≥ 110%"),
    ],
)
def test_performance_is_met_from_100_percent_and_exceeded_from_110(actual, expected, in_reason):
    verdict = performance(actual, D("100000.00"))
    assert verdict.value == expected
    assert in_reason in verdict.reason


@pytest.mark.parametrize("target", [None, D("0")])
def test_performance_without_a_target_is_not_judged(target):
    assert performance(D("5"), target) == (None, "未设定目标：实际 5.00，无法评价")


@pytest.mark.parametrize(
    ("on_hare_rat", "total", "warn"),
    [(4, 10, False), (5, 10, True), (0, 0, False), (1, 1, True)],
    ids=["exactly-40pct", "above", "no-projects", "all"],
)
def test_the_focus_check_warns_above_40_percent_on_hares_and_rats(on_hare_rat, total, warn):
    assert focus_check(on_hare_rat, total).value is warn


def test_the_focus_warning_gives_the_numbers():
    assert focus_check(5, 10).reason == "过度关注“野兔、硕鼠”：10 个进行中项目中 5 个在野兔、硕鼠上，占 50.00% > 40%"


def test_a_lower_focus_share_warns_earlier():
    assert focus_check(4, 10, t=replace(DEFAULTS, focus_hare_rat_share=D("0.30"))).value is True


# --- 是否清晰了解决策人、公司和产业的需求 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("decider", "company", "industry", "open_projects", "named", "reason"),
    [(True, True, True, 1, False, "1 个进行中项目，决策人、公司和产业的需求均已写明"),
     (True, True, False, 1, True, "1 个进行中项目，未写明产业的需求"),
     (False, True, True, 3, True, "3 个进行中项目，未写明决策人的需求"),
     (True, False, True, 2, True, "2 个进行中项目，未写明公司的需求"),
     (False, False, False, 1, True, "1 个进行中项目，未写明决策人的需求、公司的需求、产业的需求"),
     (False, False, False, 0, False, "没有进行中的项目"),
     (True, True, False, 0, False, "没有进行中的项目")],
    ids=["all-three", "two-of-three", "no-decider", "no-company", "none", "none-no-project", "two-no-project"],
)
def test_the_needs_check_names_a_customer_with_an_open_project_missing_one_of_its_three_needs(
        decider, company, industry, open_projects, named, reason):
    verdict = needs_check(decider_needs=decider, company_needs=company, industry_needs=industry,
                          open_projects=open_projects)
    assert (verdict.value, verdict.reason) == (named, reason)


# --- roles and publicity -------------------------------------------------------------------------


def test_role_coverage_counts_distinct_roles_and_names_the_missing_ones():
    verdict = role_coverage([{"initiator", "user"}, {"user", "searcher"}, {"not-a-role"}])
    assert verdict == (3, "角色覆盖 3/5，缺少：决策、评价")


def test_full_role_coverage_says_all_five_are_there():
    assert role_coverage([{"initiator", "searcher", "decider"}, {"user", "evaluator"}]).value == 5


def test_no_contacts_cover_no_role():
    assert role_coverage([]).value == 0


def ago(days):
    return AS_OF - timedelta(days=days)


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ([({"initiator", "searcher"}, ago(180)), ({"decider", "user"}, ago(0))], "broad"),  # 4 roles
        ([({"initiator", "searcher", "decider"}, ago(10))], "partial"),  # 3 roles
        ([({"initiator", "searcher"}, ago(180)), ({"decider", "user"}, ago(181))], "partial"),  # 181 days is out
        ([({"initiator"}, ago(181)), ({"decider"}, None)], "blank"),
        ([({"initiator", "searcher", "decider", "user"}, AS_OF + timedelta(days=1))], "blank"),  # future date
        ([], "blank"),
    ],
    ids=["4-roles-180-days", "3-roles", "181-days-ago", "old-or-never", "after-as-of", "no-contacts"],
)
def test_publicity_counts_roles_met_within_180_days(contacts, expected):
    assert publicity(contacts, AS_OF).value == expected


def test_the_publicity_reason_names_the_window_and_roles():
    verdict = publicity([({"decider", "initiator"}, ago(3))], AS_OF)
    assert verdict.reason == "局部宣传：2026-05-31 至 2026-11-27 面谈覆盖 2 个角色（提出需求、决策）"


def test_a_shorter_publicity_window_drops_older_meetings():
    contacts = [({"initiator"}, ago(100))]
    assert publicity(contacts, AS_OF, t=replace(DEFAULTS, publicity_window_days=90)).value == "blank"


# --- value grid ---------------------------------------------------------------------------------

HIGH9 = [D("2.5")] * 9  # mean exactly 2.5
LOW9 = [D("2.5")] * 8 + [D("2.4")]  # mean 2.4888...
HIGH4 = [D("2.5")] * 4
LOW4 = [D("2.5")] * 3 + [D("2.4")]  # mean 2.475


@pytest.mark.parametrize(
    ("attractiveness", "advantage", "expected"),
    [(HIGH9, HIGH4, "consolidate"), (HIGH9, LOW4, "invest"), (LOW9, HIGH4, "harvest"), (LOW9, LOW4, "maintain")],
)
def test_value_class_is_high_on_an_axis_from_a_mean_of_exactly_2_5(attractiveness, advantage, expected):
    assert value_class(attractiveness, advantage).value == expected


def test_the_value_class_reason_shows_both_means_without_rounding_across_the_line():
    assert value_class(LOW9, HIGH4).reason == "三级 收获类：吸引力 2.48 < 2.5，相对优势 2.50 ≥ 2.5"


def test_a_customer_missing_any_factor_is_not_yet_assessed():
    verdict = value_class([None] + HIGH9[1:], HIGH4[:3] + [None])
    assert verdict == (None, "待评估：缺少 利润贡献、关注程度 的评分")


def test_value_axes_give_the_means_or_none_per_axis():
    assert value_axes(HIGH9, HIGH4) == (D("2.5"), D("2.5"))
    assert value_axes(HIGH9, [None] * 4) == (D("2.5"), None)


def test_value_class_refuses_the_wrong_number_of_factors_or_a_score_above_5():
    with pytest.raises(ValueError):
        value_class(HIGH9[:8], HIGH4)
    with pytest.raises(ValueError):
        value_class(HIGH9[:8] + [D("5.1")], HIGH4)


def test_a_higher_value_line_moves_a_customer_down_the_grid():
    assert value_class(HIGH9, HIGH4, t=replace(DEFAULTS, value_high=D("3"))).value == "maintain"


def test_every_value_class_recommends_actions_from_the_sixteen():
    assert len(ATTRACTIVENESS_FACTORS) == 9
    assert sorted(n for actions in VALUE_CLASS_ACTIONS.values() for n in actions) == list(range(1, 17))
    catalogue = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "catalogues.json").read_text())
    actions = {row["fields"]["number"]: row["fields"]["text"] for row in catalogue
               if row["model"] == "planning.marketaction"}
    assert sorted(actions) == list(range(1, 17))
    assert actions[8] == "（课件缺失，请编辑此动作）"  # lost in the slides: the catalogue lets a director write it


@pytest.mark.parametrize(
    ("percentile", "score"),
    [(D("0"), D("0")), (D("0.09"), D("0")), (D("0.1"), D("1")), (D("0.7"), D("4")), (D("1"), D("5"))],
)
def test_the_suggested_profit_score_is_five_times_the_percentile_rounded_half_up(percentile, score):
    assert suggest_profit_contribution(percentile).value == score


@pytest.mark.parametrize(
    ("months", "score"), [(0, D("0.0")), (1, D("0.4")), (6, D("2.5")), (8, D("3.3")), (12, D("5.0"))]
)
def test_the_suggested_continuous_purchase_score_is_months_out_of_twelve_times_five(months, score):
    verdict = suggest_continuous_purchase(months)
    assert verdict.value == score
    assert f"{months}/12 × 5" in verdict.reason


def test_suggestions_refuse_inputs_out_of_range():
    with pytest.raises(ValueError):
        suggest_profit_contribution(D("1.01"))
    with pytest.raises(ValueError):
        suggest_continuous_purchase(13)


def test_profit_percentiles_rank_customers_with_ties_sharing_a_place():
    ranks = profit_percentiles({"a": D("-5"), "b": D("10"), "c": D("10"), "d": D("30"), "e": D("0")})
    assert ranks == {"a": D("0"), "b": D("0.5"), "c": D("0.5"), "d": D("1"), "e": D("0.25")}
    assert profit_percentiles({"only": D("1")}) == {"only": D("1")}


# --- §4.1 value class and contribution class ----------------------------------------------------

# Every pair of the four value classes and the five contribution classes: the
# course expects 巩固类 — 肥羊、驯鹿; 投入类 — 猎狗、驯鹿; 收获类 — 肥羊、硕鼠; 兼顾类 — 野兔、硕鼠.
FITS = {
    ("consolidate", "fat_sheep"): True, ("consolidate", "reindeer"): True, ("consolidate", "hound"): False,
    ("consolidate", "hare"): False, ("consolidate", "rat"): False,
    ("invest", "fat_sheep"): False, ("invest", "reindeer"): True, ("invest", "hound"): True,
    ("invest", "hare"): False, ("invest", "rat"): False,
    ("harvest", "fat_sheep"): True, ("harvest", "reindeer"): False, ("harvest", "hound"): False,
    ("harvest", "hare"): False, ("harvest", "rat"): True,
    ("maintain", "fat_sheep"): False, ("maintain", "reindeer"): False, ("maintain", "hound"): False,
    ("maintain", "hare"): True, ("maintain", "rat"): True,
}


@pytest.mark.parametrize(("value", "contribution"), list(FITS))
def test_value_fit_of_every_pair_is_the_courses(value, contribution):
    verdict = value_fit(value, contribution)
    assert verdict.value is FITS[value, contribution]
    assert verdict.label == ("符合" if FITS[value, contribution] else "不符合")


def test_value_fit_names_what_the_value_class_expects_and_what_the_customer_is():
    assert value_fit("maintain", "fat_sheep").reason == "不符合：兼顾类应是野兔或硕鼠（永远的野兔和老鼠），此客户是肥羊"
    assert value_fit("consolidate", "rat").reason == "不符合：巩固类应是肥羊或驯鹿（未来或可能带来更多的肥羊），此客户是硕鼠"
    assert value_fit("invest", "hound").reason == "符合：投入类应是猎狗或驯鹿（从猎狗到驯鹿的培养），此客户是猎狗"
    assert value_fit("harvest", "rat").reason == "符合：收获类应是肥羊或硕鼠（现实的肥羊或未来的小老鼠），此客户是硕鼠"


@pytest.mark.parametrize(("value", "contribution", "reason"), [
    (None, "fat_sheep", "不判断：待评估，还没有价值类别"),
    (None, "unclassified", "不判断：待评估，还没有价值类别"),
    (None, None, "不判断：待评估，还没有价值类别"),
    ("consolidate", "unclassified", "不判断：未分类，基期内无资费数据"),
    ("maintain", None, "不判断：未分类，基期内无资费数据"),
])
def test_without_a_value_class_or_a_contribution_class_there_is_no_verdict(value, contribution, reason):
    verdict = value_fit(value, contribution)
    assert (verdict.value, verdict.reason, verdict.label) == (None, reason, "不判断")


@pytest.mark.parametrize(("value", "contribution"), [("gold", "fat_sheep"), ("consolidate", "sheep"), ("", "rat")])
def test_value_fit_refuses_a_class_that_does_not_exist(value, contribution):
    with pytest.raises(ValueError):
        value_fit(value, contribution)
