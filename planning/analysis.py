"""The analysis of a region as of a date: customers (A) and projects (S).

Computed from a few set-based queries and cached per region, as-of date,
data version and thresholds; any service that changes the region's data
calls `Region.touch()`, which moves the version on."""

import datetime as dt
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
import time
from collections import OrderedDict
from collections import defaultdict
from functools import cached_property
from dataclasses import astuple, dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Sum

from customers import selectors as csel
from customers.analysis import CustomerResult, analyse_customers
from pipeline import selectors as psel
from pipeline.analysis import ProjectResult, analyse_projects
from tsm.lib.periods import BasePeriod, base_period
from tsm.lib.thresholds import Thresholds

CACHE_SECONDS = 6 * 3600


@dataclass
class RegionAnalysis:
    region_code: str
    as_of: dt.date
    period: BasePeriod
    thresholds: Thresholds
    customers: dict[int, CustomerResult]
    projects: dict[int, ProjectResult]
    products: list[dict]
    cells: list[dict]
    # Revenue targets by manager for the period containing as_of, and what
    # each manager's customers have brought in this year (for the coverage).
    targets: dict[int, Decimal] = field(default_factory=dict)
    year_to_date: dict[int, Decimal] = field(default_factory=dict)

    def memo(self, key, compute_fn):
        """Derived tables (funnel summary, class summaries …) computed once per
        analysis and scope, since the analysis itself never changes."""
        store = self.__dict__.setdefault("_memo", {})
        if key not in store:
            store[key] = compute_fn()
        return store[key]

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_memo", None)  # cheap to rebuild, costly to pickle
        return state

    @cached_property
    def customer_names(self) -> dict[int, str]:
        return {c.id: c.name for c in self.customers.values()}

    @cached_property
    def product_names(self) -> dict[int, str]:
        return {p["id"]: p["name"] for p in self.products}

    def to_json(self) -> dict:
        """The document of INTERFACES.md §3 (lists sorted by code, money as 2-place strings)."""
        return {
            "region": self.region_code,
            "as_of": self.as_of.isoformat(),
            "base_period": self.period.as_dict(),
            "customers": [
                {
                    "code": c.code,
                    "combination": c.combination.value,
                    "scale": bool(c.scale.value),
                    "growth": bool(c.growth.value),
                    "contribution_class": c.contribution_class.value,
                    "value_class": c.value_class.value,
                    "publicity": c.publicity.value,
                    "revenue": f"{c.revenue:.2f}",
                    "profit": f"{c.profit:.2f}",
                }
                for c in sorted(self.customers.values(), key=lambda c: c.code)
            ],
            "projects": [
                {
                    "code": p.code,
                    "win_rate": p.win_rate.value,
                    "layer": p.layer.value,
                    "overdue": p.overdue,
                    "amount_class": p.amount_class.value,
                    "category": p.category.value,
                    "tactic": p.tactic.value,
                    "conclusion": p.conclusion.value,
                }
                for p in sorted(self.projects.values(), key=lambda p: p.code)
            ],
        }


def manager_revenue_targets(region, as_of: dt.date) -> dict[int, Decimal]:
    """Each manager's revenue target for the plan period containing `as_of`
    (the amount-class denominator); empty when no plan decomposes one."""
    from planning.models import TargetFamily, TargetPart

    year = str(as_of.year)
    half = f"{year}H{1 if as_of.month <= 6 else 2}"
    rows = (
        TargetPart.objects.filter(target__plan__region=region, target__plan__period__in=[year, half],
                                  target__family=TargetFamily.FINANCE, manager__isnull=False)
        .values("manager_id", "target__plan__period")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    # A half-year plan is more specific than the year's.
    targets: dict[int, Decimal] = {}
    for row in sorted(rows, key=lambda r: len(r["target__plan__period"])):
        targets[row["manager_id"]] = row["total"]
    return targets


def _fetch(jobs: dict) -> dict:
    """Run the selectors; outside a transaction, two at a time on their own
    connections: the database has two cores to sum 720,000 rows with, and the
    drivers release the GIL while they wait. (Running the rules meanwhile
    was measured slower: they and the drivers' row conversion share the GIL.)

    Inside a transaction (a test, a write) other connections would not see
    its rows, so the selectors run one after the other on this connection."""
    if connection.in_atomic_block or connection.vendor not in ("postgresql", "sqlite") or _in_memory():
        return {name: job() for name, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="analysis") as pool:
        futures = {name: pool.submit(_on_own_connection, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _in_memory() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)


def _on_own_connection(job):
    try:
        return job()
    finally:
        connections.close_all()  # this thread's connections only


def compute(region, as_of: dt.date) -> RegionAnalysis:
    t = region.thresholds()
    period = base_period(as_of)
    rows = _fetch({  # the two big GROUP BYs first
        "cells": lambda: csel.cell_rows(region, period),
        "buckets": lambda: csel.bucket_rows(region, period),
        "projects": lambda: psel.open_project_rows(region),
        "contacts": lambda: csel.contact_rows(region),
        "customers": lambda: csel.customer_rows(region),
        "links": lambda: psel.project_contact_links(region),
        "snapshots": lambda: psel.recent_snapshots(region, as_of, max(t.stagnant_weeks, 2) + 1),
        "targets": lambda: manager_revenue_targets(region, as_of),
        "products": csel.product_rows,
    })
    contacts = rows["contacts"]
    results = analyse_customers(
        customers=rows["customers"], cells=rows["cells"], buckets=rows["buckets"], contacts=contacts,
        as_of=as_of, t=t,
    )
    customer_contacts: dict[int, list[int]] = defaultdict(list)
    for c in contacts:
        customer_contacts[c["customer_id"]].append(c["id"])
    projects = analyse_projects(
        projects=rows["projects"],
        value_classes={cid: r.value_class.value for cid, r in results.items()},
        owner_targets=rows["targets"],
        contact_roles={c["id"]: c["roles"] or [] for c in contacts},
        customer_contacts=customer_contacts,
        links=rows["links"],
        snapshots=rows["snapshots"],
        as_of=as_of, t=t,
    )
    targets = rows["targets"]
    return RegionAnalysis(region_code=region.code, as_of=as_of, period=period, thresholds=t, customers=results,
                          projects=projects, products=rows["products"], cells=rows["cells"], targets=targets,
                          year_to_date=csel.revenue_by_owner(region, dt.date(as_of.year, 1, 1), as_of)
                          if targets else {})


def _key(region, version: int, as_of: dt.date) -> str:
    digest = hashlib.sha1(repr(astuple(region.thresholds())).encode()).hexdigest()[:12]
    return f"analysis:{region.pk}:{version}:{as_of.isoformat()}:{digest}"


# The last few analyses of this worker, unpickled: reading a large region's
# analysis back from the shared cache costs more than rendering a page.
# Keys carry the data version, so a stale entry is never returned.
_recent: "OrderedDict[str, RegionAnalysis]" = OrderedDict()
_RECENT_MAX = 4


def _remember(key: str, analysis: RegionAnalysis) -> RegionAnalysis:
    _recent[key] = analysis
    _recent.move_to_end(key)
    while len(_recent) > _RECENT_MAX:
        _recent.popitem(last=False)
    return analysis


def forget_recent() -> None:
    """Drop this worker's in-memory analyses (tests clear the shared cache too)."""
    _recent.clear()


def region_analysis(region, as_of: dt.date) -> RegionAnalysis:
    """The cached analysis; recomputed when the region's data or settings change."""
    key = _key(region, region.data_version, as_of)
    if key in _recent:
        return _recent[key]
    analysis = cache.get(key)
    if analysis is None:
        analysis = compute(region, as_of)
        cache.set(key, analysis, CACHE_SECONDS)
    return _remember(key, analysis)


def _share_later(key: str, analysis: RegionAnalysis) -> None:
    time.sleep(0.3)  # let the response go out first: pickling holds the GIL
    cache.set(key, analysis, CACHE_SECONDS)


def region_analysis_after_project_change(region, *, previous_version: int, as_of: dt.date,
                                         project_ids: list[int]) -> RegionAnalysis:
    """After a change to a few projects (an evidence tick), patch the cached
    analysis instead of recomputing the region: a handful of small queries."""
    old_key = _key(region, previous_version, as_of)
    old = _recent.get(old_key) or cache.get(old_key)
    if old is None:
        return region_analysis(region, as_of)
    from pipeline.models import Project

    t = old.thresholds
    rows = psel.open_project_rows(region, Project.objects.filter(pk__in=project_ids))
    customer_ids = {r["customer_id"] for r in rows}
    contacts = [c for c in csel.contact_rows(region, customer_ids=customer_ids)]
    customer_contacts: dict[int, list[int]] = defaultdict(list)
    for c in contacts:
        customer_contacts[c["customer_id"]].append(c["id"])
    patched = analyse_projects(
        projects=rows,
        value_classes={cid: old.customers[cid].value_class.value for cid in customer_ids if cid in old.customers},
        owner_targets=manager_revenue_targets(region, as_of),
        contact_roles={c["id"]: c["roles"] or [] for c in contacts},
        customer_contacts=customer_contacts,
        links=[link for link in psel.project_contact_links(region, project_ids=project_ids)],
        snapshots={pid: [] for pid in project_ids} | psel.recent_snapshots(
            region, as_of, max(t.stagnant_weeks, 2) + 1, project_ids=project_ids),
        as_of=as_of, t=t,
    )
    projects = {pid: r for pid, r in old.projects.items() if pid not in project_ids} | patched
    new = replace(old, projects=projects)
    key = _key(region, region.data_version, as_of)
    # Pickling a large region's analysis takes longer than the whole tick:
    # other workers get it a moment later; this one has it at once.
    threading.Thread(target=_share_later, args=(key, new), daemon=True).start()
    return _remember(key, new)
