"""An import writes exactly what its preview showed, against real concurrent
writers: other threads, each on its own PostgreSQL connection, commit edits
before, during and after the confirmation. Never is an edit silently lost.

PostgreSQL only: SQLite lets one writer at a time into the database (the
import's BEGIN IMMEDIATE waits for, or holds off, every other writer), so
there is no interleaving to test there; the same rules are tested on both
databases, without threads, in test_import.py."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from customers.models import Customer
from pipeline.import_services import workbook_import
from pipeline.importing import EVIDENCE_CODES
from pipeline.models import Project
from tests.pipeline.test_import import book, with_row

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs concurrent writers: SQLite admits one writer at a time"),
    # the threads see only what the test really commits
    pytest.mark.django_db(transaction=True),
]

TICKED = "项目 J1：证据 已被修改（预览时 E1,E2,E10，现在 E1,E2,E3,E10）"


class Elsewhere(threading.Thread):
    """`work()` in another thread, on its own database connection."""

    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.result, self.error = work, None, None

    def run(self):
        try:
            self.result = self.work()
        except BaseException as exc:  # re-raised in the test's thread by outcome()
            self.error = exc
        finally:
            connection.close()

    def outcome(self):
        self.join(timeout=60)
        assert not self.is_alive(), "a thread is still waiting (a lock never released?)"
        if self.error is not None:
            raise self.error
        return self.result


def elsewhere(work):
    thread = Elsewhere(work)
    thread.start()
    return thread.outcome()


def tick(code="J1", evidence="E3"):
    """What ticking a box does: lock the project, add one code, commit.
    Returns the amount it saw under its lock."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(code=code)
        project.evidence = [c for c in EVIDENCE_CODES if c in {*project.evidence, evidence}]
        project.save(update_fields=["evidence"])
        project.region.touch()
    return project.amount


def set_amount(code="J1", amount=Decimal("90000.00")):
    with transaction.atomic():
        Project.objects.filter(code=code).update(amount=amount)


@pytest.fixture
def region(tmp_path, region_a, manager_a1, manager_a2):
    assert workbook_import(region_code="A", path=book(tmp_path)).applied
    return region_a


@pytest.fixture
def previewed(tmp_path, region):
    """A preview (dry run) of a file that raises J1's amount and renames C2; (path, what it read)."""
    data = with_row("projects", 0, amount=Decimal("300000"))
    data["customers"][1]["name"] = "无锡华信银行（总行）"
    path = book(tmp_path, data, name="next")
    report = workbook_import(region_code="A", path=path, dry_run=True)
    assert report.counts["projects"]["update"] == 1 and report.counts["customers"]["update"] == 1
    return path, report.preview


def confirm(previewed):
    path, preview = previewed
    return workbook_import(region_code="A", path=path, preview=preview)


def j1():
    project = Project.objects.get(code="J1")
    return project.amount, project.evidence


@pytest.mark.parametrize("edit, j1_after", [
    (tick, (Decimal("250000.00"), ["E1", "E2", "E3", "E10"])),
    (set_amount, (Decimal("90000.00"), ["E1", "E2", "E10"])),
])
def test_a_row_edited_and_committed_after_the_preview_stops_the_confirmation(previewed, edit, j1_after):
    elsewhere(edit)
    report = confirm(previewed)
    assert not report.applied
    assert [str(c) for c in report.changed] == [
        TICKED if edit is tick else "项目 J1：金额 已被修改（预览时 250000.00，现在 90000.00）"]
    assert j1() == j1_after  # the other person's edit, and nothing of the import
    assert Customer.objects.get(code="C2").name == "无锡华信银行"


def test_an_edit_to_rows_the_import_does_not_touch_survives_it(previewed):
    def edit():
        tick("J2", "E4")  # a project the file leaves as it is
        set_amount("J2", Decimal("85000.00"))
        with transaction.atomic():  # a field the file does not carry, of a customer it renames
            Customer.objects.filter(code="C2").update(company_needs="同城双活")

    elsewhere(edit)
    report = confirm(previewed)
    assert report.applied and report.changed == []
    assert j1() == (Decimal("300000.00"), ["E1", "E2", "E10"])
    j2 = Project.objects.get(code="J2")
    assert (j2.amount, j2.evidence) == (Decimal("85000.00"), ["E4"])
    c2 = Customer.objects.get(code="C2")
    assert (c2.name, c2.company_needs) == ("无锡华信银行（总行）", "同城双活")


def test_an_edit_committed_while_the_confirmation_parses_the_file_stops_it(previewed, monkeypatch):
    """The edit lands after the confirmation has read the region and found it
    as previewed, before its writing transaction: the rows locked and read
    again show it."""
    import pipeline.import_services as services

    real = services.build_plan

    def build_plan(book, existing):
        plan = real(book, existing)
        elsewhere(tick)
        return plan

    monkeypatch.setattr(services, "build_plan", build_plan)
    report = confirm(previewed)
    assert [str(c) for c in report.changed] == [TICKED]
    assert j1() == (Decimal("250000.00"), ["E1", "E2", "E3", "E10"])
    assert Customer.objects.get(code="C2").name == "无锡华信银行"


def test_an_edit_made_while_the_import_holds_its_locks_waits_and_then_lands(previewed, monkeypatch):
    """The tick starts while the import writes; it waits for the import's
    commit, then lands on top of it: both changes are there."""
    import pipeline.import_services as services

    writing = threading.Event()
    real = services._apply

    def apply(plan, region):
        writing.set()
        time.sleep(0.5)  # the tick is now waiting for J1's lock
        real(plan, region)

    monkeypatch.setattr(services, "_apply", apply)

    def tick_while_writing():
        assert writing.wait(timeout=30)
        return tick()

    ticker = Elsewhere(tick_while_writing)
    ticker.start()
    report = confirm(previewed)
    assert report.applied
    # Its lock was granted only once the import had committed: it saw the new amount.
    assert ticker.outcome() == Decimal("300000.00")
    assert j1() == (Decimal("300000.00"), ["E1", "E2", "E3", "E10"])


@pytest.mark.parametrize("delay", [0, 0.002, 0.01, 0.03, 0.1, 0.3])
@pytest.mark.parametrize("edit", [tick, set_amount])
def test_an_edit_racing_the_confirmation_is_never_silently_lost(previewed, edit, delay):
    """Both start together; the edit comes `delay` seconds later, at some point
    of the confirmation's parse, check or write. Either the import stopped
    and listed J1, or the edit came after the import and is intact."""
    start = threading.Barrier(2, timeout=30)

    def confirm_now():
        start.wait()
        return confirm(previewed)

    def edit_soon():
        start.wait()
        time.sleep(delay)
        edit()

    importer, editor = Elsewhere(confirm_now), Elsewhere(edit_soon)
    importer.start(), editor.start()
    report, _ = importer.outcome(), editor.outcome()
    amount, evidence = j1()
    if report.applied:
        assert report.changed == []
        # the edit came after the import's commit, on top of it
        assert (amount, evidence) == ((Decimal("300000.00"), ["E1", "E2", "E3", "E10"]) if edit is tick
                                      else (Decimal("90000.00"), ["E1", "E2", "E10"]))
        assert Customer.objects.get(code="C2").name == "无锡华信银行（总行）"
    else:
        assert [str(c) for c in report.changed] == [
            TICKED if edit is tick else "项目 J1：金额 已被修改（预览时 250000.00，现在 90000.00）"]
        assert (amount, evidence) == ((Decimal("250000.00"), ["E1", "E2", "E3", "E10"]) if edit is tick
                                      else (Decimal("90000.00"), ["E1", "E2", "E10"]))
        assert Customer.objects.get(code="C2").name == "无锡华信银行"
