"""The analysis of a region as of a date: customers (A) and projects (S).

Computed from a few set-based queries and cached per region, as-of date,
data version and thresholds; any service that changes the region's data
calls `Region.touch()`, which moves the version on."""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import astuple, dataclass
from decimal import Decimal

from django.core.cache import cache
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


def compute(region, as_of: dt.date) -> RegionAnalysis:
    t = region.thresholds()
    period = base_period(as_of)
    customers = csel.customer_rows(region)
    cells = csel.cell_rows(region, period)
    contacts = csel.contact_rows(region)
    results = analyse_customers(
        customers=customers, cells=cells, buckets=csel.bucket_rows(region, period), contacts=contacts,
        as_of=as_of, t=t,
    )
    customer_contacts: dict[int, list[int]] = defaultdict(list)
    for c in contacts:
        customer_contacts[c["customer_id"]].append(c["id"])
    projects = analyse_projects(
        projects=psel.open_project_rows(region),
        value_classes={cid: r.value_class.value for cid, r in results.items()},
        owner_targets=manager_revenue_targets(region, as_of),
        contact_roles={c["id"]: c["roles"] or [] for c in contacts},
        customer_contacts=customer_contacts,
        links=psel.project_contact_links(region),
        as_of=as_of, t=t,
    )
    return RegionAnalysis(region_code=region.code, as_of=as_of, period=period, thresholds=t, customers=results,
                          projects=projects, products=csel.product_rows(), cells=cells)


def region_analysis(region, as_of: dt.date) -> RegionAnalysis:
    """The cached analysis; recomputed when the region's data or settings change."""
    t = region.thresholds()
    digest = hashlib.sha1(repr(astuple(t)).encode()).hexdigest()[:12]
    key = f"analysis:{region.pk}:{region.data_version}:{as_of.isoformat()}:{digest}"
    analysis = cache.get(key)
    if analysis is None:
        analysis = compute(region, as_of)
        cache.set(key, analysis, CACHE_SECONDS)
    return analysis
