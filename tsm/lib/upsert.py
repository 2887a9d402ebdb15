"""Insert-or-update rows, never replacing a newer row with an older one.

Stored results carry the data version they were judged at. A full judgement
of a large region reads its data, works for a second or two and writes; a
tick that lands meanwhile writes its own project's row at a newer version.
The full write must not put the older verdict back: the update applies only
where the stored row is not newer (`ON CONFLICT … DO UPDATE … WHERE`, which
SQLite and PostgreSQL both understand)."""

from django.db import connection


def upsert_unless_newer(model, rows: list, *, unique: str, fields: list[str], version: str = "version",
                        batch_size: int = 500) -> None:
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in [unique, *fields, version]]
    names = [f.column for f in columns]
    table = connection.ops.quote_name(meta.db_table)
    quoted = [connection.ops.quote_name(n) for n in names]
    key = connection.ops.quote_name(meta.get_field(unique).column)
    ver = connection.ops.quote_name(meta.get_field(version).column)
    updates = ", ".join(f"{q} = EXCLUDED.{q}" for q in quoted if q != key)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(batch))
            params = [f.get_db_prep_save(getattr(row, f.attname), connection) for row in batch for f in columns]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quoted)}) VALUES {values} "
                f"ON CONFLICT ({key}) DO UPDATE SET {updates} WHERE {table}.{ver} <= EXCLUDED.{ver}",
                params,
            )
