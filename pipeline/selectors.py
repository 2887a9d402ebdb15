"""Set-based reads of a region's projects for the funnel and the analysis."""

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum, TextField
from django.db.models.functions import Cast

from customers import selectors as csel
from pipeline.analysis import ProjectAnalysis, analyse_projects
from pipeline.models import EvidenceCriterion, Project, RevenueTarget, Status, WeeklySnapshot
from pipeline.rules import EVIDENCE
from tsm.lib import cache
from tsm.lib.jsonlists import parse_list


def open_project_rows(region, projects=None) -> list[dict]:
    qs = projects if projects is not None else Project.objects.filter(region=region)
    rows = list(
        qs.filter(status=Status.OPEN)
        .order_by()  # callers sort; a text sort of 20,000 codes is not free
        .values("id", "code", "name", "customer_id", "product_id", "owner_id", "amount", "expected_close",
                "status", "tariff_effect", "kill_degree", evidence_text=Cast("evidence", TextField()))
    )
    for row in rows:
        # Only the catalogue's codes count: a code typed into the admin that
        # is not E1–E12 must not stop the region's analysis.
        row["evidence"] = _known(parse_list(row.pop("evidence_text")))
    return rows


@functools.cache
def _known(codes: tuple) -> tuple:
    return tuple(code for code in codes if code in EVIDENCE)


def evidence_wording() -> dict[str, str]:
    """E1–E12 as the EvidenceCriterion table words them (the admin edits it)."""
    wording = dict(EvidenceCriterion.objects.filter(code__in=EVIDENCE).values_list("code", "text"))
    return {code: wording.get(code, code) for code in EVIDENCE}


def project_contact_links(region, project_ids=None) -> list[tuple[int, int]]:
    """(project_id, contact_id) for the region's open projects: one query on the M2M table."""
    qs = Project.contacts.through.objects.filter(project__region=region, project__status=Status.OPEN)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    return list(qs.values_list("project_id", "contact_id").order_by())


def recent_snapshots(region, as_of: dt.date, weeks: int, project_ids=None) -> dict[int, list[tuple[str, int]]]:
    """(layer, win rate) of each open project's snapshots, oldest first, over
    the last `weeks` ISO weeks up to `as_of` (enough for the stagnation rule)."""
    since = as_of - dt.timedelta(weeks=weeks)
    y0, w0, _ = since.isocalendar()
    y1, w1, _ = as_of.isocalendar()
    rows = (
        WeeklySnapshot.objects.filter(project__region=region, project__status=Status.OPEN)
        .filter(iso_year__gte=y0)
        .filter(**({"project_id__in": project_ids} if project_ids is not None else {}))
        .values_list("project_id", "iso_year", "iso_week", "layer", "win_rate")
        .order_by("project_id", "iso_year", "iso_week")
    )
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for project_id, year, week, layer, rate in rows:
        if (y0, w0) <= (year, week) <= (y1, w1):
            out[project_id].append((layer, rate))
    return out


def manager_revenue_targets(region, as_of: dt.date) -> dict[int, Decimal]:
    """Each manager's revenue target for the plan period containing `as_of`
    (the amount-class denominator), as planning handed it down; a half-year
    plan is more specific than the year's. Empty when no plan decomposes one."""
    year = str(as_of.year)
    half = f"{year}H{1 if as_of.month <= 6 else 2}"
    rows = (RevenueTarget.objects.filter(region=region, period__in=[year, half])
            .values("manager_id", "period").annotate(total=Sum("amount")).order_by())
    targets: dict[int, Decimal] = {}
    for row in sorted(rows, key=lambda r: len(r["period"])):
        targets[row["manager_id"]] = row["total"]
    return targets


# --- the project analysis of a region ----------------------------------------------------------------


def _key(region, version: int, as_of: dt.date) -> str:
    return cache.key("projects", region_pk=region.pk, version=version, as_of=as_of, thresholds=region.thresholds())


def project_analysis(region, as_of: dt.date) -> ProjectAnalysis:
    """The region's project analysis as of a date, kept under the data version
    it was computed for; it reads the customer floor's analysis for the value
    classes and the names."""
    return cache.get_or_compute(_key(region, region.data_version, as_of),
                                lambda: compute_project_analysis(region, as_of))


def _analyse(region, as_of, customers, *, rows, targets, project_ids=None) -> dict:
    """The rules of pipeline.analysis over `rows`: every open project of the
    region, or (project_ids) a few changed ones, whose contacts are read afresh."""
    t = customers.thresholds
    if project_ids is None:
        contacts = customers.contacts
    else:
        contacts = csel.contact_rows(region, customer_ids={r["customer_id"] for r in rows})
    customer_contacts: dict[int, list[int]] = defaultdict(list)
    for c in contacts:
        customer_contacts[c["customer_id"]].append(c["id"])
    snapshots = recent_snapshots(region, as_of, max(t.stagnant_weeks, 2) + 1, project_ids=project_ids)
    return analyse_projects(
        projects=rows,
        value_classes={cid: r.value_class.value for cid, r in customers.customers.items()},
        owner_targets=targets,
        contact_roles={c["id"]: c["roles"] or [] for c in contacts},
        customer_contacts=customer_contacts,
        links=project_contact_links(region, project_ids=project_ids),
        snapshots=snapshots if project_ids is None else {pid: [] for pid in project_ids} | snapshots,
        as_of=as_of, t=t,
    )


def compute_project_analysis(region, as_of: dt.date) -> ProjectAnalysis:
    customers = csel.customer_analysis(region, as_of)
    targets = manager_revenue_targets(region, as_of)
    projects = _analyse(region, as_of, customers, rows=open_project_rows(region), targets=targets)
    done = csel.revenue_by_owner(region, dt.date(as_of.year, 1, 1), as_of) if targets else {}
    return ProjectAnalysis(customer_analysis=customers, projects=projects, targets=targets, year_to_date=done)


def project_analysis_after_change(region, *, previous_version: int, as_of: dt.date,
                                  project_ids: list[int]) -> ProjectAnalysis:
    """After a change to a few projects' own fields (an evidence tick), judge
    those projects again instead of the region: a handful of small queries.
    The previous analysis (and its customer analysis, which such a change does
    not touch) is kept under the new version only when it was computed for the
    version just before this change."""
    old = cache.get(_key(region, previous_version, as_of))
    if old is None or region.data_version != previous_version + 1:
        return project_analysis(region, as_of)
    rows = open_project_rows(region, Project.objects.filter(pk__in=project_ids))
    patched = _analyse(region, as_of, old.customer_analysis, rows=rows, targets=old.targets, project_ids=project_ids)
    projects = {pid: r for pid, r in old.projects.items() if pid not in project_ids} | patched
    new = ProjectAnalysis(customer_analysis=old.customer_analysis, projects=projects, targets=old.targets,
                          year_to_date=old.year_to_date)
    cache.put(csel.customer_analysis_key(region, region.data_version, as_of), old.customer_analysis)
    return cache.put(_key(region, region.data_version, as_of), new)
