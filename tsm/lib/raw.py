"""A queryset's rows as the database driver gives them.

Django converts every value it reads (a decimal from SQLite's float, a date
from its text …): for the 20,000 rows of a large region's projects that is
most of the read. A selector that reads a whole region builds its query with
the ORM, reads it here, and converts the few values it needs itself —
money preferably summed or cast to whole fen in the SQL."""

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db import connections


def raw_rows(qs) -> list[tuple]:
    """The rows of a `values_list` queryset, unconverted."""
    try:
        sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:  # a filter that matches nothing (`pk__in=[]`): Django asks no query either
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def day(value) -> dt.date | None:
    """A date as a driver gives it: a date (PostgreSQL) or ISO text (SQLite)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
