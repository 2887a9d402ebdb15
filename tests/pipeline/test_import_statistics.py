"""After a bulk write PostgreSQL's planner statistics are refreshed (ANALYZE
once the transaction commits), so the first analysis of a freshly imported
region is not planned for empty tables. PostgreSQL only: SQLite keeps none."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from customers.models import Contact, Contribution, Customer, Product
from pipeline.import_services import workbook_import
from pipeline.models import Project
from tests.pipeline.test_import import book, with_row

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE runs on PostgreSQL only (SQLite keeps no "
                                                                 "statistics unless asked, see tsm/lib/dbstats.py)"),
    # on_commit callbacks run only when the test's writes really commit
    pytest.mark.django_db(transaction=True),
]

WRITTEN = [Product, Customer, Project, Contribution, Contact, Project.contacts.through]


def statistics(models) -> dict[str, tuple[int, float]]:
    """table -> (manual ANALYZE count, the row count the planner believes)."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # this session's view of the statistics, fresh
        cursor.execute("SELECT s.relname, s.analyze_count, c.reltuples FROM pg_stat_user_tables s "
                       "JOIN pg_class c ON c.oid = s.relid WHERE s.relname = ANY(%s)", [tables])
        return {name: (count, tuples) for name, count, tuples in cursor.fetchall()}


def test_an_import_analyzes_every_table_it_wrote_once_committed(tmp_path, region_a, manager_a1, manager_a2):
    before = statistics(WRITTEN)
    assert workbook_import(region_code="A", path=book(tmp_path)).applied
    after = statistics(WRITTEN)
    assert {t: after[t][0] - before[t][0] for t in after} == {m._meta.db_table: 1 for m in WRITTEN}
    assert after[Contribution._meta.db_table][1] == 3  # the planner knows the three rows
    assert after[Project._meta.db_table][1] == 2


def test_a_dry_run_and_a_stopped_import_analyze_nothing(tmp_path, region_a, manager_a1, manager_a2):
    path = book(tmp_path)
    before = statistics(WRITTEN)
    assert workbook_import(region_code="A", path=path, dry_run=True).ok
    assert statistics(WRITTEN) == before
    assert workbook_import(region_code="A", path=path).applied
    before = statistics(WRITTEN)
    assert workbook_import(region_code="A", path=path).counts["projects"]["unchanged"] == 2  # nothing to write
    preview = workbook_import(region_code="A", path=book(tmp_path, with_row("projects", 0, amount=1), name="b"),
                              dry_run=True).preview
    Project.objects.filter(code="J1").update(evidence=["E4"])
    assert workbook_import(region_code="A", path=tmp_path / "b.xlsx", preview=preview).changed
    assert {t: count for t, (count, _) in statistics(WRITTEN).items()} == {t: c for t, (c, _) in before.items()}


def test_load_demo_leaves_fresh_statistics():
    from customers.models import ComparisonScore, Competitor
    from planning.models import CompetitivePosition

    models = [Contribution, Project, Competitor, ComparisonScore, CompetitivePosition]
    before = statistics(models)
    call_command("load_demo", customers=4, projects=4, plans=False, stdout=StringIO())
    after = statistics(models)
    assert all(after[t][0] == before[t][0] + 1 for t in after), (before, after)
    assert after[Contribution._meta.db_table][1] == Contribution.objects.count() > 0


def test_a_refresh_of_the_stored_results_leaves_no_dead_rows(region_a, manager_a1):
    from customers.models import CustomerStanding
    from pipeline.models import ProjectStanding
    from pipeline.standings import region_results_rebuild
    from tests import factories

    factories.seed(region_a, manager_a1, 5, factories.products(2))
    tables = [CustomerStanding._meta.db_table, ProjectStanding._meta.db_table]

    def dead():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT relname, n_dead_tup, vacuum_count FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                           [tables])
            return {name: (n, count) for name, n, count in cursor.fetchall()}

    region_results_rebuild(region_a, timezone.localdate())
    before = dead()
    region_results_rebuild(region_a, timezone.localdate())  # every row written again: 5 + 10 old versions
    after = dead()
    assert {t: after[t][0] for t in tables} == {t: 0 for t in tables}
    assert all(after[t][1] == before[t][1] + 1 for t in tables)
