"""§7: the five reviews' dates by one rule (section 9 of the plan and the calendar share it)."""

import datetime as dt
from collections import Counter

import pytest

from planning.rules import review_dates

D = dt.date


def _kinds(reviews, kind):
    return [r.day for r in reviews if r.kind == kind]


def test_a_year_2027():
    reviews = review_dates(D(2027, 1, 1), D(2027, 12, 31))  # 2027-01-01 is a Friday
    weekly = _kinds(reviews, "weekly")
    assert weekly[0] == D(2027, 1, 4) and weekly[-1] == D(2027, 12, 27) and len(weekly) == 52
    assert all(d.weekday() == 0 for d in weekly)
    biweekly = _kinds(reviews, "biweekly")
    assert biweekly[:3] == [D(2027, 1, 4), D(2027, 1, 18), D(2027, 2, 1)] and len(biweekly) == 26
    monthly = _kinds(reviews, "monthly")
    assert monthly[:3] == [D(2027, 1, 4), D(2027, 2, 1), D(2027, 3, 1)] and len(monthly) == 12
    assert _kinds(reviews, "quarterly") == [D(2027, 1, 4), D(2027, 4, 5), D(2027, 7, 5), D(2027, 10, 4)]
    assert _kinds(reviews, "half_year") == [D(2027, 1, 4), D(2027, 7, 5)]
    assert Counter(r.kind for r in reviews if r.day == D(2027, 1, 4)) == Counter(
        ["weekly", "biweekly", "monthly", "quarterly", "half_year"])


def test_a_period_starting_on_a_monday_counts_that_monday():
    reviews = review_dates(D(2024, 7, 1), D(2024, 12, 31))  # 2024-07-01 is a Monday
    assert _kinds(reviews, "weekly")[0] == D(2024, 7, 1)
    assert _kinds(reviews, "half_year") == [D(2024, 7, 1)]
    assert _kinds(reviews, "quarterly") == [D(2024, 7, 1), D(2024, 10, 7)]


def test_the_biweekly_rhythm_runs_from_the_periods_first_monday_not_the_calendar():
    reviews = review_dates(D(2027, 1, 5), D(2027, 2, 28))  # first Monday: 2027-01-11
    assert _kinds(reviews, "biweekly") == [D(2027, 1, 11), D(2027, 1, 25), D(2027, 2, 8), D(2027, 2, 22)]
    assert _kinds(reviews, "monthly") == [D(2027, 2, 1)]  # January's first Monday lies before the period


def test_the_same_day_lists_the_reviews_in_the_courses_order_with_reasons():
    first = [r for r in review_dates(D(2027, 1, 1), D(2027, 1, 10))]
    assert [r.kind for r in first] == ["weekly", "biweekly", "monthly", "quarterly", "half_year"]
    assert first[2].reason == "2027 年 1 月的第一个周一"


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        review_dates(D(2027, 2, 1), D(2027, 1, 1))
