"""Fresh planner statistics after a bulk write.

PostgreSQL plans every query from per-table statistics that autovacuum
refreshes only some time after a large change; its manual asks for an
explicit ANALYZE after bulk loading ("Populating a Database", "Run ANALYZE
Afterwards"). Until then the analysis queries of a freshly imported region
are planned as if its tables were still small.

When the write has committed (the usual case: the hook runs in autocommit)
the tables are VACUUMed as well (`VACUUM (ANALYZE)`): a refresh of the stored
results rewrites every row, leaving as many dead versions, and an import
leaves pages whose visibility is not yet recorded (no index-only scan until
a vacuum). Autovacuum does both in time where it runs; where it is off (as
on the development machine) nothing else would, and a week of daily
refreshes made the results' tables twenty times their size and the pages
reading them twice as slow. VACUUM cannot run inside a transaction, so a
hook run inside one (a test's) only ANALYZEs.

SQLite gets nothing: it keeps no statistics unless ANALYZE is run, and the
application's queries (and the README's figures) are tuned to its planner's
defaults; a first ANALYZE there could change those plans, not refresh them.
"""

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction


def analyze(models_or_tables: Iterable, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """ANALYZE (and, outside a transaction, VACUUM) these tables (models, or
    table names) once the current transaction commits: after a rollback
    there is nothing new to count, and ANALYZE inside the writing
    transaction would hold its locks longer."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    tables = sorted({getattr(getattr(m, "_meta", None), "db_table", m) for m in models_or_tables})
    if not tables:
        return

    def run():
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        with connections[using].cursor() as cursor:
            if connections[using].in_atomic_block:
                cursor.execute("ANALYZE " + names)
            else:
                cursor.execute("VACUUM (ANALYZE) " + names)

    transaction.on_commit(run, using=using)
