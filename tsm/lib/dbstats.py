"""Fresh planner statistics after a bulk write.

PostgreSQL plans every query from per-table statistics that autovacuum
refreshes only some time after a large change; its manual asks for an
explicit ANALYZE after bulk loading ("Populating a Database", "Run ANALYZE
Afterwards"). Until then the analysis queries of a freshly imported region
are planned as if its tables were still small.

SQLite gets nothing: it keeps no statistics unless ANALYZE is run, and the
application's queries (and the README's figures) are tuned to its planner's
defaults; a first ANALYZE there could change those plans, not refresh them.
"""

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction


def analyze(models_or_tables: Iterable, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """ANALYZE these tables (models, or table names) once the current
    transaction commits: after a rollback there is nothing new to count, and
    ANALYZE inside the writing transaction would hold its locks longer."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    tables = sorted({getattr(getattr(m, "_meta", None), "db_table", m) for m in models_or_tables})
    if not tables:
        return

    def run():
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))

    transaction.on_commit(run, using=using)
