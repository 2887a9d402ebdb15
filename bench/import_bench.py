"""Import benchmark: a large region as .xlsx and as .zip of .csv, imported into
a fresh database (SQLite and/or PostgreSQL), first import and re-import.

    .venv/bin/python bench/import_bench.py                 # full size, both databases
    .venv/bin/python bench/import_bench.py --quick --db sqlite --format zip

Full size: 5,000 customers × 6 products × 24 months = 720,000 contribution
rows, 20,000 projects, 20,000 contacts.  Files are written to bench/out/
(gitignored) and reused when present.  Each import runs `manage.py
import_workbook` in its own process, after `manage.py migrate`, with
DATABASE_URL pointing at a throw-away database; the figures are wall time and
the child's peak RSS (wait4's ru_maxrss).  DEBUG is off unless set in the
environment, as in production.
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "tsm_bench"
REGION = "BENCH"

sys.path.insert(0, str(ROOT))


def build_rows(customers: int, products: int, months: int, projects: int, contacts: int) -> dict:
    """rows_by_sheet for write_xlsx / write_csv_zip, deterministic."""
    rnd = random.Random(20261127)
    managers = [f"mgr{i:02d}" for i in range(1, 51)]
    product_rows = [{"code": f"P{i:02d}", "name": f"产品{i}", "series": f"系列{(i - 1) // 2 + 1}"}
                    for i in range(1, products + 1)]
    customer_rows = []
    for i in range(1, customers + 1):
        row = {"code": f"C{i:05d}", "name": f"客户{i}有限公司", "industry": rnd.choice(["金融", "制造", "政府", "教育"]),
               "manager": managers[i % len(managers)]}
        if i % 3 == 0:
            row.update({"profit_contribution": 3, "continuous_purchase": 4.5, "attention": 2})
        customer_rows.append(row)
    start = dt.date(2024, 11, 1)
    month_labels = []
    for n in range(months):
        index = start.year * 12 + start.month - 1 + n
        month_labels.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    contribution_rows = []
    for c in customer_rows:
        for p in product_rows:
            for m in month_labels:
                revenue = Decimal(rnd.randint(0, 5_000_000)) / 100
                contribution_rows.append({
                    "customer": c["code"], "product": p["code"], "month": m, "revenue": revenue,
                    "cost": (revenue * Decimal("0.7")).quantize(Decimal("0.01")),
                    "arrears": Decimal(rnd.randint(0, 100_000)) / 100 if rnd.random() < 0.1 else Decimal(0),
                })
    statuses, evidence = ["进行中", "赢单", "丢单", "放弃"], [f"E{i}" for i in range(1, 13)]
    project_rows = []
    for i in range(1, projects + 1):
        c = customer_rows[rnd.randrange(customers)]
        project_rows.append({
            "code": f"J{i:06d}", "name": f"项目{i}", "customer": c["code"],
            "product": rnd.choice(product_rows)["code"], "manager": c["manager"],
            "amount": Decimal(rnd.randint(10_000, 500_000_000)) / 100,
            "expected_close": dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randrange(720)),
            "status": rnd.choice(statuses), "tariff_effect": rnd.choice(["增加", "减少"]),
            "kill_degree": rnd.choice(["高", "低"]), "evidence": evidence[: rnd.randrange(13)],
        })
    by_customer: dict[str, list[str]] = {}
    for p in project_rows:
        by_customer.setdefault(p["customer"], []).append(p["code"])
    roles = ["提出需求", "寻找", "决策", "使用", "评价"]
    contact_rows = []
    for i in range(contacts):
        c = customer_rows[i % customers]
        contact_rows.append({
            "customer": c["code"], "name": f"联系人{i // customers + 1}", "title": "处长",
            "roles": rnd.sample(roles, rnd.randint(1, 2)), "attitude": rnd.choice(["支持", "中立", "反对"]),
            "last_met": dt.date(2026, 1, 1) + dt.timedelta(days=rnd.randrange(300)),
            "projects": by_customer.get(c["code"], [])[:2],
        })
    return {"products": product_rows, "customers": customer_rows, "contributions": contribution_rows,
            "projects": project_rows, "contacts": contact_rows}


def make_files(quick: bool, formats: list[str]) -> dict[str, Path]:
    sizes = (500, 6, 24, 2000, 2000) if quick else (5000, 6, 24, 20000, 20000)
    tag = "quick" if quick else "full"
    paths = {"zip": OUT / f"region-{tag}.zip", "xlsx": OUT / f"region-{tag}.xlsx"}
    missing = [f for f in formats if not paths[f].exists()]
    if missing:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsm.settings")
        django.setup()
        from pipeline.workbook import write_csv_zip, write_xlsx

        OUT.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        rows = build_rows(*sizes)
        print(f"generated {sum(len(v) for v in rows.values()):,} rows in {time.perf_counter() - t:.1f} s")
        for fmt in missing:
            t = time.perf_counter()
            tmp = paths[fmt].with_suffix(".part")
            (write_csv_zip if fmt == "zip" else write_xlsx)(tmp, rows)
            tmp.rename(paths[fmt])
            print(f"wrote {paths[fmt].name} ({paths[fmt].stat().st_size / 1e6:.1f} MB) "
                  f"in {time.perf_counter() - t:.1f} s")
    return {f: paths[f] for f in formats}


SQLITE = OUT / "bench.sqlite3"


def fresh_database(db: str) -> str:
    if db == "sqlite":
        drop_database(db)
        return f"sqlite:///{SQLITE}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB


def drop_database(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE) + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def run(args: list[str], url: str) -> tuple[float, float, int, str]:
    """Run manage.py in a child; (wall seconds, its CPU seconds, peak RSS in MB, output).

    CPU time says what wall time means on a busy machine (the PostgreSQL
    server's own CPU is not in it)."""
    env = dict(os.environ, DATABASE_URL=url)
    # As in production unless the caller says otherwise (DEBUG keeps every SQL text).
    env.setdefault("DEBUG", "false")
    env.setdefault("SECRET_KEY", "bench-not-secret")
    env.setdefault("ALLOWED_HOSTS", "localhost")
    t = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    if child.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 customers (72,000 contribution rows)")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--format", choices=["zip", "xlsx", "both"], default="both")
    args = parser.parse_args()
    formats = ["zip", "xlsx"] if args.format == "both" else [args.format]
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    files = make_files(args.quick, formats)
    print(f"{'database':10} {'file':6} {'run':10} {'seconds':>8} {'cpu s':>8} {'peak MB':>8}")
    for db in dbs:
        for fmt in formats:
            url = fresh_database(db)
            try:
                run(["migrate", "-v", "0"], url)
                for label in ("first", "re-import"):
                    wall, cpu, rss, output = run(["import_workbook", str(files[fmt]), "--region", REGION], url)
                    counts = [line for line in output.splitlines() if line.startswith("资费")]
                    print(f"{db:10} {fmt:6} {label:10} {wall:8.1f} {cpu:8.1f} {rss:8,}   "
                          f"{counts[0] if counts else output.strip()[-200:]}".expandtabs(2), flush=True)
            finally:
                drop_database(db)


if __name__ == "__main__":
    main()
