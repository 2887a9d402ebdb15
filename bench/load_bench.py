"""Load benchmark: 30 people using the app at once, against gunicorn with
4 workers on PostgreSQL, production settings, driven by locust.

    .venv/bin/python bench/load_bench.py [--region demo|large|both] [--users 30] [--seconds 60]

For each region: a throw-away PostgreSQL database (`tsm_load`, dropped at the
end) is migrated and the region prepared — `demo`: `manage.py load_demo`
(DEMO, logins director and manager1..4); `large`: the 5,000-customer workbook
of bench/import_bench.py (720,000 contribution rows, 20,000 projects; built
in bench/out/ once and reused) imported with `manage.py import_workbook`,
then a known password for its 50 managers and a director. Then gunicorn
(4 sync workers, DEBUG off, HTTPS=off, CONN_MAX_AGE=60) and the background
task worker (`manage.py db_worker`) start, and locust (bench/locustfile.py)
runs headless right away: every user logs in, then funnel : contribution :
evidence tick = 3 : 1 : 2, 0.5–2 s apart. Prints requests/s, median, p95,
p99 per request and overall, the errors, the server's own timings (gunicorn's
access log), the CPU used by the workers, PostgreSQL and locust, and
PASS/FAIL against the targets: p95 ≤ 300 ms (demo), ≤ 500 ms (large), no
errors. Files of the run stay in bench/out/ (load-<region>_*.csv, the
access and server logs). `--analyze` runs ANALYZE after the import (the
planner's statistics) before the load; `--users 1` gives each request's
time without our own load.

Needs the bench extra: `.venv/bin/pip install -e ".[bench]"` (locust, gunicorn).
"""

import argparse
import csv
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "tsm_load"
TARGET_P95_MS = {"demo": 300, "large": 500}
# What a user does, in the order printed; the login requests run once per user at the start.
ACTIONS = ["funnel", "contribution", "evidence form", "evidence tick"]
LARGE_REGION = "BENCH"


def database_url() -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def pg_db(sql: str) -> None:
    import psycopg

    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(sql)


def fresh_database() -> str:
    pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    pg(f"CREATE DATABASE {PG_DB}")
    return database_url()


def drop_database() -> None:
    pg(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def server_env(url: str) -> dict:
    """Production settings (README: Running on PostgreSQL with several
    workers), plain HTTP on the loopback for a local load test."""
    env = dict(os.environ)
    for name in ("TASKS_BACKEND", "REDIS_URL", "PROXY_COUNT", "CSRF_TRUSTED_ORIGINS"):
        env.pop(name, None)  # as in the README's setup, without Redis: each worker caches for itself
    env.update({
        "DATABASE_URL": url, "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "off", "CONN_MAX_AGE": "60", "PYTHONUNBUFFERED": "1",
    })
    return env


def manage(args: list[str], env: dict, *, label: str = "") -> str:
    t = time.perf_counter()
    child = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{child.stdout}\n{child.stderr}")
    label = label or " ".join(Path(a).name if "/" in a else a for a in args)
    print(f"  manage.py {label}: {time.perf_counter() - t:.1f} s", flush=True)
    return child.stdout


# Run in `manage.py shell` of the large region: a known password for its
# managers, and a director (the workbook names managers only).
LARGE_USERS = """
from django.contrib.auth.hashers import make_password
from teams.models import Region, Role, User
region = Region.objects.get(code={region!r})
hashed = make_password({password!r})  # once: PBKDF2 takes a third of a second (one salt, a throw-away database)
managers = list(User.objects.filter(regions=region, role=Role.MANAGER).order_by("username"))
User.objects.filter(pk__in=[m.pk for m in managers]).update(password=hashed)
director, _ = User.objects.update_or_create(
    username="bench_director", defaults={{"role": Role.DIRECTOR, "display_name": "基准主任", "password": hashed}})
director.regions.add(region)
print("USERS", ",".join(u.username for u in managers))
"""


def prepare(region: str, env: dict, args) -> tuple[str, list[tuple[str, str]]]:
    """Migrate the fresh database and load the region; (region code, logins)."""
    manage(["migrate", "-v", "0"], env)
    if region == "demo":
        manage(["load_demo"], env)
        password = "demo1234"
        managers = ["manager1", "manager2", "manager3", "manager4"]
        director, code = "director", "DEMO"
    else:
        # Built (once, in bench/out/) by import_bench in a child: Django's
        # settings need this environment.
        out = subprocess.run(
            [sys.executable, "-c", "import sys; sys.path.insert(0, 'bench'); from import_bench import make_files; "
             f"print(make_files({args.quick!r}, [{args.format!r}])[{args.format!r}])"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        print("  " + out.strip().replace("\n", "\n  "), flush=True)
        path = out.strip().splitlines()[-1]
        manage(["import_workbook", str(path), "--region", LARGE_REGION], env)
        password = secrets.token_urlsafe(12)
        out = manage(["shell", "-c", LARGE_USERS.format(region=LARGE_REGION, password=password)], env,
                     label="shell (passwords of the managers, a director)")
        managers = next(line for line in out.splitlines() if line.startswith("USERS ")).split(" ", 1)[1].split(",")
        director, code = "bench_director", LARGE_REGION
    if args.analyze:
        t = time.perf_counter()
        pg_db("ANALYZE")
        print(f"  ANALYZE: {time.perf_counter() - t:.1f} s", flush=True)
    # Mostly account managers, and the director: one user in five is the
    # director; the managers share the rest in turn.
    n_directors = max(1, args.users // 5)
    manager_logins = [managers[i % len(managers)] for i in range(args.users - n_directors)]
    logins, d, m = [], 0, 0
    for i in range(args.users):
        if i % 5 == 0 and d < n_directors:
            logins.append(director)
            d += 1
        else:
            logins.append(manager_logins[m])
            m += 1
    return code, [(name, password) for name in logins]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int, access_log: Path, server_log: Path) -> list[subprocess.Popen]:
    log = open(server_log, "w")
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tsm.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         # the server's own view: method, path, status, microseconds
         "--access-logfile", str(access_log), "--access-logformat", '%(m)s %(U)s %(s)s %(D)s'],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "-v", "0"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if gunicorn.poll() is not None or time.monotonic() > deadline:
            stop([gunicorn, worker])
            raise SystemExit(f"gunicorn did not start; see {server_log}")
        time.sleep(0.3)
    return [gunicorn, worker]


def stop(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class CpuSampler(threading.Thread):
    """CPU seconds used during the load by gunicorn's workers, the task
    worker and the PostgreSQL backends serving the throw-away database
    (psutil comes with locust). Sampled twice a second, since a backend goes
    away when Django closes a connection older than CONN_MAX_AGE, and a
    worker when gunicorn kills it after its timeout; what a process used
    after its last sample is missed."""

    def __init__(self, gunicorn: subprocess.Popen, worker: subprocess.Popen):
        super().__init__(daemon=True)
        self.gunicorn, self.worker = gunicorn, worker
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.done = threading.Event()
        self.sample(initial=True)

    def sample(self, initial: bool = False) -> None:
        """A process seen first now counts from here; one born later, all its CPU."""
        import psutil

        def seen(kind, p):
            try:
                t = p.cpu_times()
            except psutil.Error:
                return
            self.first.setdefault(p.pid, t.user + t.system if initial else 0.0)
            self.last[p.pid] = (kind, t.user + t.system)

        try:
            for child in psutil.Process(self.gunicorn.pid).children():
                seen("gunicorn workers", child)
            seen("task worker", psutil.Process(self.worker.pid))
        except psutil.Error:
            pass
        for p in psutil.process_iter(["cmdline"]):
            cmdline = " ".join(p.info["cmdline"] or [])
            if cmdline.startswith("postgres:") and f" {PG_DB} " in cmdline:
                seen("PostgreSQL", p)

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.join()
        self.sample()
        totals = {"gunicorn workers": 0.0, "task worker": 0.0, "PostgreSQL": 0.0}
        for pid, (kind, cpu) in self.last.items():
            totals[kind] += cpu - self.first.get(pid, 0.0)
        return totals


def run_locust(code: str, logins, port: int, prefix: Path, args) -> float:
    """Run locust to the end; its CPU seconds."""
    env = dict(os.environ, LOAD_REGION=code, LOAD_USERS=",".join(f"{u}:{p}" for u, p in logins),
               LOAD_SAMPLES=f"{prefix}_samples.csv")
    with open(f"{prefix}_locust.log", "w") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "30", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # waited for above
    return usage.ru_utime + usage.ru_stime


def read_samples(prefix: Path) -> list[tuple[float, str, float, bool]]:
    """(seconds since locust started, request name, milliseconds, failed) per request."""
    rows = []
    with open(f"{prefix}_samples.csv", newline="") as f:
        for at, name, ms, failed in csv.reader(f):
            rows.append((float(at), name, float(ms), failed == "1"))
    return rows


def read_failures(prefix: Path) -> list[dict]:
    try:
        with open(f"{prefix}_failures.csv", newline="") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        return []


def server_view(access_log: Path) -> dict[str, list[float]]:
    """Milliseconds per request kind, from gunicorn's access log (and the
    statuses it logged other than 200 and 302, under "status NNN")."""
    kinds: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        try:
            method, path, status, micros = line.split(" ")
        except ValueError:
            continue
        if "/funnel/" in path:
            kind = "funnel"
        elif "/contribution/" in path:
            kind = "contribution"
        elif "/evidence/" in path:
            kind = "evidence form" if method == "GET" else "evidence tick"
        else:
            kind = "login and landing"
        kinds.setdefault(kind, []).append(int(micros) / 1000)
        if status not in ("200", "302"):
            kinds.setdefault(f"status {status}", []).append(int(micros) / 1000)
    return kinds


def pct(values: list[float], p: float) -> float:
    """The nearest-rank percentile."""
    values = sorted(values)
    return values[max(0, math.ceil(len(values) * p / 100) - 1)] if values else float("nan")


def report(region: str, samples, failures: list, server: dict, cpu: dict, wall: float, load: float,
           seconds: float) -> bool:
    target = TARGET_P95_MS[region]
    groups: dict[str, list] = {}
    for s in samples:
        groups.setdefault(s[1], []).append(s)
    names = [n for n in ACTIONS if n in groups] + sorted(n for n in groups if n not in ACTIONS)
    actions = [s for s in samples if s[1] in ACTIONS]
    # After the logins: the actions sent once every user had logged in
    logged_in = max((s[0] for s in samples if s[1] == "login"), default=0.0)
    after = [s for s in actions if s[0] - s[2] / 1000 >= logged_in]
    rows = [(n, groups[n]) for n in names] + [("all actions", actions), (f"after {logged_in:.0f} s", after),
                                               ("all requests", samples)]
    print(f"\n== {region}: client view (locust, {len(samples)} requests in {seconds:.0f} s) ==")
    print(f"{'request':16} {'count':>6} {'errors':>6} {'req/s':>6} {'median':>7} {'p95':>7} {'p99':>7} {'max':>7}  ms")
    for name, group in rows:
        if not group:
            continue
        ms = [s[2] for s in group]
        span = seconds - logged_in if name.startswith("after ") else seconds
        print(f"{name:16} {len(group):6} {sum(s[3] for s in group):6} {len(group) / span:6.1f} "
              f"{statistics.median(ms):7.0f} {pct(ms, 95):7.0f} {pct(ms, 99):7.0f} {max(ms):7.0f}")
    if after:
        print(f"(\"after {logged_in:.0f} s\": the actions sent once the last user had logged in)")
    if failures:
        print("errors:")
        for f in failures:
            print(f"  {f['Occurrences']:>5} × {f['Method']} {f['Name']}: {f['Error'][:160]}")
    print(f"== {region}: server view (gunicorn access log: time inside a worker, queueing excluded) ==")
    for kind in [*ACTIONS, "login and landing", *sorted(k for k in server if k.startswith("status "))]:
        values = server.get(kind)
        if values:
            print(f"{kind:18} {len(values):6}  median {statistics.median(values):7.0f}  p95 {pct(values, 95):7.0f}  "
                  f"p99 {pct(values, 99):7.0f}  max {max(values):7.0f}  total {sum(values) / 1000:6.1f} s")
    cores = os.cpu_count() or 1
    print(f"CPU seconds in the {wall:.0f} s of load ({cores} cores: {cores * wall:.0f} s available): "
          + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
          + f"; together {sum(cpu.values()) / wall / cores:.0%} of the machine; load average ≈ {load:.1f}"
          + " (other processes on the machine count too)")
    print(f"== {region}: targets (p95 ≤ {target} ms, no errors) ==")
    ok = True
    for name, group in rows[:-1]:
        if name not in (*ACTIONS, "all actions") and not name.startswith("after ") or not group:
            continue
        p95 = pct([s[2] for s in group], 95)
        passed = p95 <= target
        ok &= passed
        label = f"actions {name}" if name.startswith("after ") else name
        print(f"{'PASS' if passed else 'FAIL'} {region} p95 {label}: {p95:.0f} ms = {p95 / target:.1f} × target")
    errors = sum(s[3] for s in samples)
    print(f"{'PASS' if errors == 0 else 'FAIL'} {region} errors: {errors} of {len(samples)} requests")
    return ok and errors == 0


def bench(region: str, args) -> bool:
    print(f"== {region} region ==", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    url = fresh_database()
    processes = []
    try:
        env = server_env(url)
        code, logins = prepare(region, env, args)
        port = free_port()
        access_log = OUT / f"load-{region}-access.log"
        access_log.unlink(missing_ok=True)
        processes = start_server(env, port, args.workers, access_log, OUT / f"load-{region}-server.log")
        print(f"  gunicorn {args.workers} workers on 127.0.0.1:{port}; locust {args.users} users "
              f"({len(set(u for u, _ in logins))} logins) for {args.seconds} s", flush=True)
        prefix = OUT / f"load-{region}"
        sampler, t0, load0 = CpuSampler(*processes), time.perf_counter(), os.getloadavg()[0]
        sampler.start()
        locust_cpu = run_locust(code, logins, port, prefix, args)
        cpu, wall = sampler.stop() | {"locust": locust_cpu}, time.perf_counter() - t0
        stop(processes)  # flushes the access log
        samples = read_samples(prefix)
        seconds = max(s[0] for s in samples) if samples else wall
        timeouts = (OUT / f"load-{region}-server.log").read_text().count("WORKER TIMEOUT")
        if timeouts:
            print(f"  gunicorn killed {timeouts} worker(s) after its 30 s timeout (see bench/out/load-{region}-server.log)")
        return report(region, samples, read_failures(prefix), server_view(access_log), cpu, wall,
                      (load0 + os.getloadavg()[0]) / 2, seconds)
    finally:
        stop(processes)
        if not args.keep:
            drop_database()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", choices=["demo", "large", "both"], default="both")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--format", choices=["zip", "xlsx"], default="zip", help="large region: the file imported")
    parser.add_argument("--quick", action="store_true", help="large region with 500 customers (a trial run)")
    parser.add_argument("--analyze", action="store_true",
                        help="run ANALYZE after loading the region (the planner's statistics), before the load")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {PG_DB} afterwards")
    args = parser.parse_args()
    results = {}
    for region in (["demo", "large"] if args.region == "both" else [args.region]):
        results[region] = bench(region, args)
    print()
    for region, ok in results.items():
        print(f"{'PASS' if ok else 'FAIL'} {region} region overall")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
