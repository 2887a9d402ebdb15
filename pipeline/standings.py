"""The stored analysis results of a region (customers' and projects'
standings): a write judges again only what it changes, and every process
reads the same rows.

- a tick or a project edit: that project (`project_standings_rejudge`);
- a score or a contact: that customer's own verdicts, then its projects;
- an import, a threshold, a target, a new month (the base period moves):
  the whole region (`region_results_rebuild`);
- a new day of the same month: what reads the day — each customer's
  publicity, every open project's layer and what follows from it
  (`region_day_refresh`; the sums, classes and matrix stand);

the last two through `region_results_refresh`, which tells them apart, in
the background for a large region — the pages show the previous results
marked as updating meanwhile.

A lower floor that needs the whole region judged again marks it
(`Region.results_stale`); the reader on this floor starts the work
(`results_ensure`)."""

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from customers import selectors as csel
from customers.standings import (
    customer_publicity_refresh, customer_standings_rejudge, customer_standings_write, customers_count,
    only_the_day_moved,
)
from pipeline import selectors as sel
from pipeline.models import Project, ProjectStanding, Status
from teams.models import Region
from customers.models import CustomerCell, CustomerStanding
from tsm.lib.bulk import gc_paused
from tsm.lib.dbstats import analyze
from tsm.lib.freshness import Freshness, claim
from tsm.lib.upsert import upsert_unless_newer

# The stored columns, in the order of the rows project_standings_write builds.
COLUMNS = ["project", "version", "region", "as_of", "code", "customer", "owner", "amount", "expected_close",
           "win_rate", "layer", "overdue", "amount_class", "category", "tactic", "conclusion", "coverage", "stagnant",
           "weighted"]
# A region with more customers and open projects than this is judged in the
# background (≈ 0.1 s per thousand rows on this hardware); a smaller one at once.
LARGE = 3000


def project_standings_write(*, region, as_of: dt.date, results: dict, full: bool, version: int) -> int:
    """Store judged projects, judged at data `version` (never replacing a row
    judged at a newer one); a full write also drops the rows of projects that
    left the funnel (won, lost, abandoned, deleted)."""
    region_id = region.pk
    rows = [  # in the order of COLUMNS
        (p.id, version, region_id, as_of, p.code, p.customer_id, p.owner_id, p.amount, p.expected_close,
         p.win_rate.value, p.layer.value, p.overdue, p.amount_class.value, p.category.value, p.tactic.value,
         p.conclusion.value, p.coverage.value, bool(p.stagnant.value), p.weighted)
        for p in results.values()
    ]
    upsert_unless_newer(ProjectStanding, rows, columns=COLUMNS, unique="project")
    if full:
        ProjectStanding.objects.filter(region=region, version__lte=version).exclude(
            project_id__in=list(results)).delete()
    return len(rows)


def project_standings_rejudge(*, region, project_ids=(), customer_ids=(), as_of: dt.date | None = None,
                              targets=None) -> dict:
    """Judge again the given projects, and every open project of the given
    customers; a project that left the funnel loses its row. Returns the
    judged projects (their full verdicts). `targets`: the region's revenue
    targets when the caller has read them already."""
    as_of = as_of or timezone.localdate()
    ids = set(project_ids)
    if customer_ids:
        ids |= set(Project.objects.filter(customer_id__in=customer_ids, status=Status.OPEN).values_list("pk", flat=True))
    if not ids:
        return {}
    results = sel.projects_judged(region, as_of, ids, targets=targets)
    ProjectStanding.objects.filter(project_id__in=ids - set(results)).delete()
    project_standings_write(region=region, as_of=as_of, results=results, full=False, version=region.data_version)
    return results


def customer_changed(*, region, customer_ids, as_of: dt.date | None = None) -> None:
    """After a score or a contact: the customers' own verdicts, then the
    projects whose conclusion or role coverage they feed."""
    as_of = as_of or timezone.localdate()
    customer_standings_rejudge(region=region, customer_ids=customer_ids, as_of=as_of)
    project_standings_rejudge(region=region, customer_ids=customer_ids, as_of=as_of)


def region_results_refresh(region, today: dt.date | None = None) -> None:
    """Judge the whole region from its raw rows and store every result — or,
    when only the day moved within the stored results' month, only what
    reads the day (region_day_refresh)."""
    today = today or timezone.localdate()
    region.refresh_from_db(fields=["results_wanted", "data_version", "results_as_of", "results_built",
                                   "customers_as_of", "customers_built"])
    wanted = region.results_wanted
    if (only_the_day_moved(region.results_as_of, region.results_built, wanted, today)
            and only_the_day_moved(region.customers_as_of, region.customers_built, wanted, today)):
        return _day_refresh(region, today)
    _rebuild(region, today)


def region_results_rebuild(region, today: dt.date) -> None:
    """Judge the whole region from its raw rows and store every result (a
    new month moves the base period; an import, a threshold or a target
    changes what every result reads)."""
    region.refresh_from_db(fields=["results_wanted", "data_version"])
    _rebuild(region, today)


def _rebuild(region, today: dt.date) -> None:
    wanted, version = region.results_wanted, region.data_version
    with gc_paused():  # tsm.lib.bulk
        customers = csel.compute_customer_analysis(region, today)
        projects = sel.compute_project_analysis(region, today, customers=customers)
    with transaction.atomic():
        customer_standings_write(region=region, analysis=customers, version=version)
        project_standings_write(region=region, as_of=today, results=projects.projects, full=True, version=version)
        Region.objects.filter(pk=region.pk).update(
            results_as_of=today, results_built=wanted, results_claimed_at=None,
            customers_as_of=today, customers_built=wanted)
        analyze([CustomerStanding, CustomerCell, ProjectStanding])  # a bulk write: fresh planner statistics
    region.refresh_from_db(fields=["results_as_of", "results_built", "results_claimed_at", "customers_as_of",
                                   "customers_built"])


def region_day_refresh(region, today: dt.date) -> None:
    """A new day of the stored results' month, nothing else changed: the
    base-period sums, the classes and the matrix stand (the contributions
    are not read); each customer's publicity and every open project — its
    layer, overdue, the weeks of its stagnation, and what follows from them
    — are judged again as of `today` on the customers' stored value classes."""
    region.refresh_from_db(fields=["results_wanted", "data_version"])
    _day_refresh(region, today)


def _day_refresh(region, today: dt.date) -> None:
    wanted, version = region.results_wanted, region.data_version
    with gc_paused():  # tsm.lib.bulk
        contacts = csel.contact_rows(region)
        projects = sel.open_projects_judged(region, today, contacts=contacts)
    with transaction.atomic():
        customer_publicity_refresh(region=region, as_of=today, version=version, contacts=contacts)
        project_standings_write(region=region, as_of=today, results=projects, full=True, version=version)
        Region.objects.filter(pk=region.pk).update(
            results_as_of=today, results_built=wanted, results_claimed_at=None,
            customers_as_of=today, customers_built=wanted)
        analyze([CustomerStanding, ProjectStanding])
    region.refresh_from_db(fields=["results_as_of", "results_built", "results_claimed_at", "customers_as_of",
                                   "customers_built"])


@task()
def region_results_refresh_task(region_id: int, today: str) -> None:
    region_results_refresh(Region.objects.get(pk=region_id), dt.date.fromisoformat(today))


def results_ensure(region, today: dt.date | None = None) -> Freshness:
    """Make sure the region's stored results are as of today and built for
    its current thresholds and data: a small region is judged at once; a
    large one in the background (one worker claims it), while the page shows
    the previous results, marked as updating."""
    today = today or timezone.localdate()
    if region.results_fresh(today):
        return Freshness(region.results_as_of, False)
    if not claim(Region, region.pk, "results_claimed_at"):
        return Freshness(region.results_as_of, True)  # another worker is judging it
    if region.results_as_of is None or not _is_large(region):
        region_results_refresh(region, today)  # nothing to show meanwhile, or quick
        return Freshness(region.results_as_of, False)
    transaction.on_commit(lambda: region_results_refresh_task.enqueue(region.pk, today.isoformat()))
    return Freshness(region.results_as_of, True)


def _is_large(region) -> bool:
    return customers_count(region) + Project.objects.filter(region=region, status=Status.OPEN).count() > LARGE

