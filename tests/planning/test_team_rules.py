"""Coaching signals and headcount (DOMAIN.md §8)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from planning.rules import gatekeeping, herd, intuition, lone_ranger, suggested_headcount, waiting
from tsm.lib.thresholds import DEFAULTS

AS_OF = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("new_customers", "new_products", "flagged"), [(0, 0, True), (1, 0, False), (0, 2, False)]
)
def test_gatekeeping_shows_when_nothing_new_was_started(new_customers, new_products, flagged):
    assert gatekeeping(new_customers, new_products).value is flagged


def test_the_gatekeeping_evidence_gives_the_counts():
    assert gatekeeping(1, 2).reason == "本期新客户项目 1 个，新产品项目 2 个"


def test_intuition_flags_high_win_rates_with_fewer_than_three_roles():
    verdict = intuition([("P1", 60, 2), ("P2", 59, 0), ("P3", 80, 3), ("P4", 100, 1)])
    assert verdict == (True, "凭直觉：2 个项目赢率 ≥ 60% 但角色覆盖 < 3：P1（赢率 60%，角色 2/5）；P4（赢率 100%，角色 1/5）")


def test_intuition_is_quiet_when_high_rates_are_backed_by_roles():
    assert intuition([("P1", 60, 3), ("P2", 40, 0)]).value is False


def test_a_higher_coverage_bar_flags_more_projects():
    assert intuition([("P1", 60, 3)], t=replace(DEFAULTS, intuition_coverage=4)).value is True


@pytest.mark.parametrize(
    ("by_product", "flagged", "in_reason"),
    [
        ({"宽带": 6, "专线": 4}, True, "10 个新项目中 6 个在 宽带，占 60.00% > 50%"),
        ({"宽带": 5, "专线": 5}, False, "占 50.00% ≤ 50%"),  # exactly half is not a herd
        ({}, False, "没有新项目"),
    ],
)
def test_herd_flags_more_than_half_of_new_projects_on_one_product(by_product, flagged, in_reason):
    verdict = herd(by_product)
    assert verdict.value is flagged
    assert in_reason in verdict.reason


def test_a_lower_herd_share_flags_sooner():
    assert herd({"宽带": 5, "专线": 5}, t=replace(DEFAULTS, herd_share=D("0.40"))).value is True


def test_lone_ranger_lists_a_class_projects_nobody_else_works_on():
    verdict = lone_ranger([("P1", "A", 0), ("P2", "A", 1), ("P3", "B", 0), ("P4", "A", 0)])
    assert verdict == (True, "独行侠：2 个A类项目没有第二人参与：P1、P4")
    assert lone_ranger([("P2", "A", 2), ("P3", "C", 0)]).value is False


@pytest.mark.parametrize(
    ("last_project", "last_submission", "flagged"),
    [
        (None, None, True),
        (AS_OF - timedelta(days=29), AS_OF - timedelta(days=29), True),
        (AS_OF - timedelta(days=28), None, False),  # exactly four weeks ago still counts
        (None, AS_OF - timedelta(days=28), False),
        (AS_OF - timedelta(days=100), AS_OF, False),
    ],
)
def test_waiting_shows_after_four_weeks_without_a_new_project_or_a_submission(last_project, last_submission,
                                                                                 flagged):
    assert waiting(last_project, last_submission, AS_OF).value is flagged


def test_the_waiting_evidence_gives_the_last_dates():
    verdict = waiting(date(2026, 9, 1), None, AS_OF)
    assert verdict.reason == "等靠要：2026-10-30 以来没有新项目（最近 2026-09-01），也没有提交周更新（最近 从未）"


def test_a_longer_waiting_window_forgives_a_quiet_month():
    assert waiting(None, AS_OF - timedelta(days=29), AS_OF, t=replace(DEFAULTS, waiting_weeks=5)).value is False


def test_headcount_covers_both_customers_and_projects_rounding_up():
    verdict = suggested_headcount(121, 40, 30, 15)
    assert verdict == (5, "建议 5 人：客户 121 ÷ 每人 30 → 5 人，进行中项目 40 ÷ 每人 15 → 3 人")
    assert suggested_headcount(0, 0, 30, 15).value == 0
