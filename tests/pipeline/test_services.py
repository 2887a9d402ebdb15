"""Evidence writes: a tick is an atomic change of one code under the row
lock; the form posted without JavaScript applies only what it changed."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from pipeline.models import Project
from pipeline.services import project_evidence_apply, project_evidence_toggle
from tests import factories


@pytest.fixture
def project(region_a, manager_a1):
    factories.seed(region_a, manager_a1, 1, factories.products(1), projects_per_customer=1)
    return Project.objects.select_related("region").get(code="A-manager_a1-C0000-X0")  # ticked: E1, E2, E3


def _stored(project):
    return Project.objects.get(pk=project.pk).evidence


def _version(project):
    project.region.refresh_from_db(fields=["data_version"])
    return project.region.data_version


def test_a_tick_adds_its_code_in_the_catalogues_order_and_marks_the_region_changed(project, manager_a1):
    Project.objects.filter(pk=project.pk).update(evidence=["E1", "E3"])
    returned = project_evidence_toggle(project=project, code="E2", ticked=True, user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E3"] and returned.evidence == ["E1", "E2", "E3"]
    assert _version(project) == 1


def test_an_untick_removes_only_its_code(project, manager_a1):
    project_evidence_toggle(project=project, code="E2", ticked=False, user=manager_a1)
    assert _stored(project) == ["E1", "E3"]


def test_ticking_a_ticked_box_keeps_one_code_and_writes_nothing(project, manager_a1):
    project_evidence_toggle(project=project, code="E2", ticked=True, user=manager_a1)
    project_evidence_toggle(project=project, code="E9", ticked=False, user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E3"]
    assert _version(project) == 0  # nothing changed: the cached analyses stay valid


def test_a_tick_reads_the_stored_evidence_not_the_callers_copy(project, manager_a1):
    # someone ticked E7 after this page loaded the project
    Project.objects.filter(pk=project.pk).update(evidence=["E1", "E2", "E3", "E7"])
    project_evidence_toggle(project=project, code="E4", ticked=True, user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E3", "E4", "E7"]


def test_a_tick_writes_the_evidence_column_only(project, manager_a1):
    Project.objects.filter(pk=project.pk).update(name="改过的名称", amount=123)
    project_evidence_toggle(project=project, code="E4", ticked=True, user=manager_a1)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.amount, stored.evidence) == ("改过的名称", 123, ["E1", "E2", "E3", "E4"])


def test_an_unknown_code_is_refused_in_chinese_and_writes_nothing(project, manager_a1):
    with pytest.raises(ValidationError) as refused:
        project_evidence_toggle(project=project, code="E13", ticked=True, user=manager_a1)
    assert refused.value.messages == ["未知的证据代码：E13（应为 E1–E12）"]
    assert _stored(project) == ["E1", "E2", "E3"] and _version(project) == 0


def test_a_project_closed_meanwhile_is_refused_and_not_written(project, manager_a1):
    Project.objects.filter(pk=project.pk).update(status="won")  # the caller's copy still says open
    with pytest.raises(ValidationError) as refused:
        project_evidence_toggle(project=project, code="E4", ticked=True, user=manager_a1)
    assert refused.value.messages == ["项目已赢单，不能再修改证据"]
    with pytest.raises(ValidationError):
        project_evidence_apply(project=project, shown=[], chosen=["E4"], user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E3"] and _version(project) == 0


def test_a_stray_code_in_the_database_goes_with_the_next_tick(project, manager_a1):
    Project.objects.filter(pk=project.pk).update(evidence=["E2", "E13", "E1"])
    project_evidence_toggle(project=project, code="E3", ticked=True, user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E3"]


def test_the_form_without_javascript_applies_what_it_changed(project, manager_a1):
    project_evidence_apply(project=project, shown=["E1", "E2", "E3"], chosen=["E1", "E2", "E4"], user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E4"] and _version(project) == 1


def test_a_tick_made_meanwhile_survives_a_form_that_did_not_show_it(project, manager_a1):
    # The form showed E1–E3; meanwhile someone ticked E7 and unticked E2.
    Project.objects.filter(pk=project.pk).update(evidence=["E1", "E3", "E7"])
    project_evidence_apply(project=project, shown=["E1", "E2", "E3"], chosen=["E1", "E2", "E3", "E4"],
                           user=manager_a1)
    # E4 added; E2 not put back, E7 not taken away: this form changed neither
    assert _stored(project) == ["E1", "E3", "E4", "E7"]


def test_the_form_refuses_unknown_codes_in_either_set(project, manager_a1):
    for shown, chosen in ((["E1", "E0"], []), ([], ["E4", "X"])):
        with pytest.raises(ValidationError, match="应为 E1–E12"):
            project_evidence_apply(project=project, shown=shown, chosen=chosen, user=manager_a1)
    assert _stored(project) == ["E1", "E2", "E3"]


# --- two people at the same moment (PostgreSQL: SQLite has no row locks) ----------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) and concurrent writers need PostgreSQL; SQLite serialises "
           "whole-database writes. Run with DATABASE_URL=postgres://…",
)


def _at_once(project, changes):
    """Run each change in its own thread and database connection, released
    together by a barrier; every write is slowed down, so without the row lock
    both would read the same evidence before either writes."""
    barrier = threading.Barrier(len(changes))
    errors = []

    def run(change):
        try:
            mine = Project.objects.select_related("region").get(pk=project.pk)  # this person's page
            barrier.wait(timeout=10)
            change(mine)
        except Exception as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(change,)) for change in changes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and not any(t.is_alive() for t in threads)


@pytest.fixture
def slow_writes(monkeypatch):
    import time

    update = QuerySet.update

    def slow_update(self, **kwargs):
        time.sleep(0.2)
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", slow_update)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_ticking_different_boxes_at_once_both_land(project, director, manager_a1, slow_writes):
    _at_once(project, [
        lambda p: project_evidence_toggle(project=p, code="E4", ticked=True, user=director),
        lambda p: project_evidence_toggle(project=p, code="E7", ticked=True, user=manager_a1),
    ])
    assert _stored(project) == ["E1", "E2", "E3", "E4", "E7"]
    assert _version(project) == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_forms_without_javascript_posted_at_once_both_land(project, director, manager_a1, slow_writes):
    shown = ["E1", "E2", "E3"]
    _at_once(project, [
        lambda p: project_evidence_apply(project=p, shown=shown, chosen=shown + ["E4"], user=director),
        lambda p: project_evidence_apply(project=p, shown=shown, chosen=["E1", "E2"], user=manager_a1),
    ])
    assert _stored(project) == ["E1", "E2", "E4"]
