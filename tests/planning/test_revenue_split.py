"""The suggested split of the revenue target (DOMAIN §6.1): exact to the fen, the tie rules, half-years."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from planning import split
from planning.rules import split_blockers


@given(total=st.decimals(min_value=0, max_value=10**12, places=2),
       weights=st.lists(st.decimals(min_value=0, max_value=10**9, places=2), min_size=1, max_size=40))
def test_parts_add_up_exactly(total, weights):
    weights = {i: w for i, w in enumerate(weights)}
    if not any(weights.values()):
        with pytest.raises(split.NoBasis):
            split.split(total, weights)
        return
    parts = split.split(total, weights)
    assert sum(parts.values()) == total
    assert all(p == p.quantize(split.FEN) and p >= 0 for p in parts.values())
    # each part is within a fen of its exact share
    whole = sum(weights.values())
    for k, p in parts.items():
        assert abs(p - total * weights[k] / whole) < split.FEN


def test_leftover_fen_to_largest_remainders():
    # 1.00 over weights 1,1,1: 0.33 each, one fen left; equal remainders and
    # equal parts -> the lowest code takes it.
    assert split.split(Decimal("1.00"), {"b": 1, "a": 1, "c": 1}) == {
        "b": Decimal("0.33"), "a": Decimal("0.34"), "c": Decimal("0.33")}


def test_tie_on_remainder_goes_to_the_larger_part():
    # 0.10 over 3 and 1 of weight 4: exact 0.075 and 0.025 -> remainders 0.005 both;
    # the larger part (0.07) takes the fen, though its code is higher.
    assert split.split(Decimal("0.10"), {"z": 3, "a": 1}) == {"z": Decimal("0.08"), "a": Decimal("0.02")}


def test_largest_remainder_before_size():
    # 0.05 over 2:1: exact 0.0333.. and 0.01666..: remainders 0.0033 and 0.0066 -> b takes the fen
    assert split.split(Decimal("0.05"), {"a": 2, "b": 1}) == {"a": Decimal("0.03"), "b": Decimal("0.02")}


def test_negative_total_refused():
    with pytest.raises(ValueError, match="负数"):
        split.split(Decimal("-1"), {"a": 1})


def test_plan_months():
    assert split.plan_months("2027") == [dt.date(2027, m, 1) for m in range(1, 13)]
    assert split.plan_months("2027H1") == [dt.date(2027, m, 1) for m in range(1, 7)]
    assert split.plan_months("2027H2") == [dt.date(2027, m, 1) for m in range(7, 13)]
    with pytest.raises(ValueError, match="计划期"):
        split.plan_months("2027Q1")


def test_by_product_half_year_uses_its_six_months():
    base = [("m1", "P1", dt.date(2026, m, 1), Decimal("100")) for m in range(1, 13)]
    parts = split.by_product(Decimal("600.00"), split.plan_months("2027H1"), base)
    assert sorted(p.month for p in parts) == [dt.date(2027, m, 1) for m in range(1, 7)]
    assert set(parts.values()) == {Decimal("100.00")}


def test_by_product_same_calendar_month():
    base = [("m1", "P1", dt.date(2025, 12, 1), Decimal("300")), ("m2", "P1", dt.date(2026, 1, 1), Decimal("100"))]
    parts = split.by_product(Decimal("1000.00"), split.plan_months("2027"), base)
    assert parts == {split.ProductPart("m1", "P1", dt.date(2027, 12, 1)): Decimal("750.00"),
                     split.ProductPart("m2", "P1", dt.date(2027, 1, 1)): Decimal("250.00")}


def test_by_product_without_base_data_says_so():
    with pytest.raises(split.NoBasis, match="基期内本计划各月份没有任何资费收入"):
        split.by_product(Decimal("100"), split.plan_months("2027"), [])


def test_by_project_amount_times_win_rate_in_close_month():
    projects = [("m1", "J1", dt.date(2027, 3, 15), Decimal("1000"), 50),
                ("m2", "J2", dt.date(2027, 5, 2), Decimal("500"), 100),
                ("m2", "J3", dt.date(2028, 1, 2), Decimal("500"), 100)]  # outside the period
    parts = split.by_project(Decimal("99.99"), split.plan_months("2027"), projects)
    assert parts == {split.ProjectPart("m1", "J1", dt.date(2027, 3, 1)): Decimal("50.00"),
                     split.ProjectPart("m2", "J2", dt.date(2027, 5, 1)): Decimal("49.99")}
    with pytest.raises(split.NoBasis, match="在途项目"):
        split.by_project(Decimal("1"), split.plan_months("2027H1"), projects[2:])


def test_split_blockers():
    assert split_blockers(total=None, parts_sum=Decimal(0), signatures={}) == [
        ("total_missing", "公司领导尚未设定区域整体资费贡献总目标")]
    assert split_blockers(total=Decimal("100"), parts_sum=Decimal("100"), signatures={"甲": "valid"}) == []
    got = split_blockers(total=Decimal("100"), parts_sum=Decimal("99.99"), signatures={"甲": "void", "乙": "missing"})
    assert [c for c, _ in got] == ["parts_off", "signature_missing", "signature_void"]  # by name: 乙 before 甲
    assert "少 0.01 元" in got[0][1]
