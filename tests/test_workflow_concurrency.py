"""Two simultaneous moves of one plan end in exactly one state
(planning.workflow: each move is a conditional UPDATE on the plan's current
status): an approval and a return at once, two submissions at once. Real
threads on separate connections (tests/test_concurrency.py). PostgreSQL only."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from planning import workflow
from planning.models import Plan, PlanVersion
from teams.models import User
from tests.planning.workflow_world import ready_plan
from tests.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("queued_tasks"),  # an approval's PDF waits for the worker
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="SQLite locks the whole database: no row locks to race on, the threads only take turns"),
]


def _mover(plan, user, move, **kwargs):
    def person(ready):
        mine = Plan.objects.select_related("region").get(pk=plan.pk)
        who = User.objects.get(pk=user.pk)
        ready()
        return move(plan=mine, user=who, **kwargs)
    return person


def _one_landed(outcomes):
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    landed = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(refused) == 1 and len(landed) == 1, outcomes
    return landed[0], refused[0]


def test_an_approval_and_a_return_at_once_end_in_one_state(region_a, director, manager_a1, executive):
    other = User.objects.create_user(username="executive2", password="x", role="executive")
    plan = ready_plan(region_a, manager_a1)
    workflow.plan_submit(plan=plan, user=director)
    outcomes = at_once(_mover(plan, executive, workflow.plan_approve, comment="同意"),
                       _mover(plan, other, workflow.plan_return, comment="目标偏低"))
    landed, refused = _one_landed(outcomes)
    plan.refresh_from_db()
    version = PlanVersion.objects.get()
    assert plan.status == version.status == landed.status
    assert version.decided_by_id == landed.decided_by.pk
    assert version.comment == ("同意" if landed.status == "approved" else "目标偏低")
    assert (plan.approved_version_id == version.pk) == (landed.status == "approved")
    assert "不是已提交" in refused.messages[0]


def test_two_submissions_at_once_create_one_version(region_a, director, manager_a1):
    plan = ready_plan(region_a, manager_a1)
    outcomes = at_once(_mover(plan, director, workflow.plan_submit), _mover(plan, director, workflow.plan_submit))
    landed, refused = _one_landed(outcomes)
    assert list(PlanVersion.objects.values_list("number", "status")) == [(1, "submitted")]
    assert landed.number == 1 and Plan.objects.get().status == "submitted"
    assert "不是草稿" in refused.messages[0]
