"""Two directors saving the plan document's texts at the same moment: different
sections both land, the same section read at one version lands once and the
other is refused (planning.document_services.section_text_save: one transaction
under the plan's row lock, each section at its own version; tests/test_concurrency.py
style). Answers to 问题分析 are one value each: both saves land, the last wins. PostgreSQL only."""

import datetime as dt

import pytest
from django.conf import settings

from planning import document_services
from planning.models import Plan, PlanAnswer
from tests.test_concurrency import at_once
from tsm.lib.versions import StaleEdit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="SQLite locks the whole database: no row locks to race on, the threads only take turns"),
]


def _saver(plan, key, text):
    def person(ready):
        mine = Plan.objects.get(pk=plan.pk)
        ready()
        return document_services.section_text_save(plan=mine, key=key, text=text, version=0, seen="")
    return person


def test_two_directors_saving_different_sections_at_once_both_land(region_a):
    plan = Plan.objects.create(region=region_a, period="2027", as_of=dt.date(2026, 11, 27))
    outcomes = at_once(_saver(plan, "summary", "摘要"), _saver(plan, "pnl", "损益"))
    assert outcomes == [1, 1], outcomes
    plan.refresh_from_db()
    assert plan.sections == {"summary": "摘要", "pnl": "损益"}
    assert plan.section_versions == {"summary": 1, "pnl": 1}


def test_the_same_section_saved_at_once_lands_once_and_the_other_is_refused(region_a):
    plan = Plan.objects.create(region=region_a, period="2027", as_of=dt.date(2026, 11, 27))
    outcomes = at_once(_saver(plan, "summary", "甲"), _saver(plan, "summary", "乙"))
    assert sorted(type(o).__name__ for o in outcomes) == ["StaleEdit", "int"], outcomes
    refused = next(o for o in outcomes if isinstance(o, StaleEdit))
    plan.refresh_from_db()
    assert plan.section_versions == {"summary": 1}
    assert f"现为“{plan.sections['summary']}”" in refused.messages[0]


def test_two_answers_to_one_item_at_once_both_save_and_one_stays(region_a, director):
    plan = Plan.objects.create(region=region_a, period="2027", as_of=dt.date(2026, 11, 27))

    def answer(text):
        def person(ready):
            mine = Plan.objects.get(pk=plan.pk)
            ready()
            return document_services.answer_save(plan=mine, key="check:needs", text=text, user=director).text
        return person

    outcomes = at_once(answer("甲"), answer("乙"))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert list(PlanAnswer.objects.values_list("text", flat=True)) in (["甲"], ["乙"])
