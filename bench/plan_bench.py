#!/usr/bin/env python
"""Benchmark the plan's PDF on the demo region (issue 10, "Speed").

Builds the demo region (manage.py load_demo) in its own SQLite database
unless DATABASE_URL names another, and a draft plan for next year with its
revenue target split and every section's text when the demo has none, then
prints for the full plan PDF and the executive summary:

- cold: the first rendering in the process (the kaleido server and its
  chromium start on the first chart);
- warm: the median of three more, the kaleido server running;
- the summary rendered after the plan, its charts' SVG cached (summary*);
- the time outside WeasyPrint's layout (plan content, charts, templates)
  and WeasyPrint's own time for the same final HTML, and their ratio.

Targets: full ≤ 10 s and summary ≤ 3 s warm; outside ≤ 50 % of WeasyPrint.

    .venv/bin/python bench/plan_bench.py [--runs 3]

With --region CODE it times one full plan of an existing region instead
(e.g. the 5,000-customer region analysis_bench.py builds:
`DATABASE_URL=sqlite:///bench/out/analysis.sqlite3 bench/plan_bench.py
--region BENCH`): its results stored, a draft for next year split by
product, the PDF rendered; wall time and peak memory (target ≤ 60 s,
≤ 1.5 GB).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def large(code: str) -> None:
    """One full plan PDF of an existing (large) region: time and peak memory."""
    import resource

    from django.utils import timezone

    from pipeline.standings import region_results_refresh
    from planning import plan_services, revenue
    from planning.chart_export import stop_server
    from planning.document import plan_content
    from planning.models import Plan
    from planning.pdf import render_pdf
    from teams.models import Region

    region = Region.objects.get(code=code)
    today = timezone.localdate()
    _, stored = timed(lambda: region_results_refresh(region, today))
    period = str(today.year + 1)
    Plan.objects.filter(region=region, period=period).delete()
    plan = plan_services.plan_create(region=region, period=period, today=today)
    revenue.total_set(plan=plan, value="900000000")
    parts, split = timed(lambda: revenue.suggestion_adopt(plan=plan, mode="product"))
    plan.refresh_from_db()
    content, built = timed(lambda: plan_content(plan))
    pdf, rendered = timed(lambda: render_pdf(content, kind="plan", draft=True))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"region {code}: {region.customers.count():,} customers; results stored {stored:.1f} s; "
          f"split {parts:,} parts {split:.1f} s")
    print(f"full plan: content {built:.1f} s + PDF {rendered:.1f} s = {built + rendered:.1f} s (target ≤ 60 s), "
          f"{len(pdf):,} bytes, peak RSS {peak:,.0f} MB (target ≤ 1,536 MB)")
    stop_server()


def setup(demo: bool = True):
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'plan.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsm.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from teams.models import Region

    if demo and not Region.objects.filter(code="DEMO").exists():
        t = time.perf_counter()
        call_command("load_demo", verbosity=0)
        print(f"load_demo: {time.perf_counter() - t:.1f} s")


def demo_plan():
    from django.utils import timezone

    from planning import plan_services, revenue
    from planning.document import SECTIONS
    from planning.models import Plan
    from teams.models import Region

    region = Region.objects.get(code="DEMO")
    plan = Plan.objects.filter(region=region).order_by("-period").first()
    if plan is None:
        today = timezone.localdate()
        plan = plan_services.plan_create(region=region, period=str(today.year + 1), today=today)
        revenue.total_set(plan=plan, value="12000000")
        revenue.suggestion_adopt(plan=plan, mode="product")
        plan.sections = {key: f"{title}：本期的判断与安排（基准测试文字）。\n" * 8 for key, title in SECTIONS}
        plan.save()
        print(f"created a draft plan {plan}")
    return plan


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def one(plan, kind, cached=False):
    """(outside WeasyPrint, WeasyPrint, total, bytes, pages) of one rendering
    of the live plan; every chart exported by kaleido unless `cached`."""
    import io

    from django.core.cache import cache

    if not cached:
        cache.clear()
    from pypdf import PdfReader

    from planning.chart_export import document_charts
    from planning.document import plan_content
    from planning.pdf import CHART_SLOTS, html_to_pdf, render_html

    def build():
        content = plan_content(plan)
        charts = document_charts(content, CHART_SLOTS[kind])
        return render_html(content, kind=kind, draft=True, charts=charts)

    html, outside = timed(build)
    data, layout = timed(lambda: html_to_pdf(html))
    return outside, layout, outside + layout, len(data), len(PdfReader(io.BytesIO(data)).pages)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--region", help="time one full plan of this existing region instead of the demo's")
    args = parser.parse_args()
    setup(demo=not args.region)
    if args.region:
        return large(args.region)
    plan = demo_plan()
    print(f"plan {plan} ({plan.get_status_display()}), {plan.region.customers.count()} customers")
    rows = []
    for kind, label, target in (("plan", "full plan", 10.0), ("summary", "summary", 3.0)):
        cold = one(plan, kind)
        warm = [one(plan, kind) for _ in range(args.runs)]
        med = [statistics.median(r[i] for r in warm) for i in range(3)]
        rows.append((label, cold, med, warm[0][3], warm[0][4], target))
    one(plan, "plan")  # the plan first, then its summary: their charts' SVG is shared
    cached = [one(plan, "summary", cached=True) for _ in range(args.runs)]
    med = [statistics.median(r[i] for r in cached) for i in range(3)]
    rows.append(("summary*", cached[0], med, cached[0][3], cached[0][4], 3.0))
    print()
    print(f"{'':10} {'cold s':>7} {'warm s':>7} {'target':>7}  {'outside':>8} {'WeasyPrint':>10} {'ratio':>6}  pages  bytes")
    for label, cold, med, size, pages, target in rows:
        outside, layout, total = med
        print(f"{label:10} {cold[2]:7.2f} {total:7.2f} {'≤' + str(target):>7}  {outside:8.2f} {layout:10.2f} "
              f"{outside / layout:6.0%}  {pages:5d}  {size:,}")
        if label != "summary*":
            print(f"{'':10} cold: outside {cold[0]:.2f} s, WeasyPrint {cold[1]:.2f} s")
    print("summary*: after the plan, its charts' SVG from the cache (a version's plan and summary share them)")
    from planning.chart_export import stop_server

    stop_server()


if __name__ == "__main__":
    main()
