"""The customers' stored analysis results (CustomerStanding): written here,
read by every process.

A full write stores what `customers.selectors.compute_customer_analysis`
judged for the whole region (an import, a threshold, a new day). A score or
a contact changes only what is the customer's own — its value class, its
axes, its publicity — so `customer_standings_rejudge` judges those few
customers again and leaves the region-relative figures (scale, class) alone.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from customers import rules
from customers import selectors as sel
from customers.analysis import CustomerAnalysis
from customers.models import ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, Customer, CustomerCell, CustomerStanding
from teams.models import Region
from tsm.lib.dbstats import analyze
from tsm.lib.freshness import Freshness, claim
from tsm.lib.periods import month_start
from tsm.lib.upsert import insert_rows, upsert_unless_newer

# More customers than this are judged in the background (≈ 0.3 s a thousand).
LARGE = 2000

# The stored columns, in the order of the rows customer_standings_write builds.
COLUMNS = ["customer", "version", "region", "as_of", "code", "name", "owner", "reasons", "suggestions", "revenue",
           "cost", "profit", "arrears_end", "combination", "scale", "growth", "contribution_class", "value_class",
           "publicity", "attractiveness", "advantage", "scores_missing"]
_AXIS = Decimal("0.0001")


def _axis(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_AXIS)


def customer_standings_write(*, region, analysis: CustomerAnalysis, version: int) -> int:
    """Store every analysed customer's values, judged at data `version` (an
    upsert in batches that never replaces a row judged at a newer version)."""
    as_of, region_id = analysis.as_of, region.pk
    rows = [  # in the order of COLUMNS
        (r.id, version, region_id, as_of, r.code, r.name, r.owner_id, _reasons(r),
         {f: [str(v.value), v.reason] for f, v in r.suggestions.items()}, r.revenue, r.cost, r.profit, r.arrears_end,
         r.combination.value, bool(r.scale.value), bool(r.growth.value), r.contribution_class.value,
         r.value_class.value, r.publicity.value, _axis(r.attractiveness), _axis(r.advantage),
         r.value_class.value is None)
        for r in analysis.customers.values()
    ]
    upsert_unless_newer(CustomerStanding, rows, columns=COLUMNS, unique="customer")
    CustomerStanding.objects.filter(region=region, version__lte=version).exclude(
        customer_id__in=list(analysis.customers)).delete()
    CustomerCell.objects.filter(region=region).delete()
    insert_rows(CustomerCell, ((x["customer_id"], region_id, x["product_id"], x["revenue"], x["cost"])
                               for x in analysis.cells if x["revenue"] or x["cost"]),
                columns=["customer", "region", "product", "revenue", "cost"])
    return len(rows)


def _reasons(r) -> dict:
    return {"combination": r.combination.reason, "scale": r.scale.reason, "growth": r.growth.reason,
            "contribution_class": r.contribution_class.reason, "value_class": r.value_class.reason,
            "publicity": r.publicity.reason}


def customer_standings_rejudge(*, region, customer_ids, as_of: dt.date) -> list[int]:
    """Judge again what is each customer's own (value class, axes, publicity,
    and its code, name and owner as stored) after a score, a contact or its
    record changed; returns the customers whose value
    class changed (their projects' conclusions follow it)."""
    customer_ids = set(customer_ids)
    t = region.thresholds()
    rows = sel.customer_rows(region, Customer.objects.filter(pk__in=customer_ids))
    contacts = defaultdict(list)
    for c in sel.contact_rows(region, customer_ids=customer_ids):
        contacts[c["customer_id"]].append((c["roles"] or [], c["last_met"]))
    before = {pk: (value_class, reasons) for pk, value_class, reasons in CustomerStanding.objects.filter(
        customer_id__in=customer_ids).values_list("customer_id", "value_class", "reasons")}
    changed = []
    for row in rows:
        if row["id"] not in before:
            continue  # not yet analysed: the next full judgement stores it
        a_scores = [row[f] for f, _ in ATTRACTIVENESS_FACTORS]
        b_scores = [row[f] for f, _ in ADVANTAGE_FACTORS]
        verdict = rules.value_class(a_scores, b_scores, t=t)
        value_class = verdict.value
        publicity = rules.publicity(contacts[row["id"]], as_of, t=t)
        attractiveness, advantage = rules.value_axes(a_scores, b_scores)
        reasons = {**before[row["id"]][1], "value_class": verdict.reason, "publicity": publicity.reason}
        CustomerStanding.objects.filter(customer_id=row["id"], version__lte=region.data_version).update(
            version=region.data_version, reasons=reasons, code=row["code"], name=row["name"], value_class=value_class, attractiveness=_axis(attractiveness), advantage=_axis(advantage),
            scores_missing=value_class is None, owner_id=row["owner_id"], publicity=publicity.value)
        if before[row["id"]][0] != value_class:
            changed.append(row["id"])
    return changed


# --- the whole region's customers judged again -------------------------------------------------------


def customer_publicity_refresh(*, region, as_of: dt.date, version: int, contacts: list[dict] | None = None) -> int:
    """A new day of the same month: the base-period sums, the classes and
    the matrix stand; the publicity (who was met within the window before
    `as_of`) is the one customer verdict that reads the day. Each stored row
    is written back with its publicity judged again as of `as_of`, never over
    a row judged at a newer version. `contacts`: contact_rows, when read."""
    t = region.thresholds()
    met = defaultdict(list)
    for c in contacts if contacts is not None else sel.contact_rows(region):
        met[c["customer_id"]].append((c["roles"] or [], c["last_met"]))
    at = {name: i for i, name in enumerate(COLUMNS)}
    rows = []
    for row in CustomerStanding.objects.filter(region=region).values_list(*COLUMNS):
        row = list(row)
        publicity = rules.publicity(met[row[0]], as_of, t=t)
        row[at["version"]], row[at["as_of"]], row[at["publicity"]] = version, as_of, publicity.value
        row[at["reasons"]] = {**row[at["reasons"]], "publicity": publicity.reason}
        rows.append(row)
    upsert_unless_newer(CustomerStanding, rows, columns=COLUMNS, unique="customer")
    return len(rows)


def customers_count(region) -> int:
    return Customer.objects.filter(region=region).count()


def only_the_day_moved(as_of: dt.date | None, built: int, wanted: int, today: dt.date) -> bool:
    """Stored results built for the region's current data and thresholds,
    as of another day of today's month (so of today's base period): only
    what reads the day itself needs judging again."""
    return as_of is not None and built == wanted and month_start(as_of) == month_start(today)


def customer_results_refresh(region, today: dt.date | None = None) -> None:
    """Judge every customer of the region from its raw rows and store them —
    or, when only the day moved, only each customer's publicity."""
    today = today or timezone.localdate()
    region.refresh_from_db(fields=["results_wanted", "data_version", "customers_as_of", "customers_built"])
    wanted, version = region.results_wanted, region.data_version
    day_only = only_the_day_moved(region.customers_as_of, region.customers_built, wanted, today)
    analysis = None if day_only else sel.compute_customer_analysis(region, today)
    with transaction.atomic():
        if day_only:
            customer_publicity_refresh(region=region, as_of=today, version=version)
        else:
            customer_standings_write(region=region, analysis=analysis, version=version)
        Region.objects.filter(pk=region.pk).update(customers_as_of=today, customers_built=wanted,
                                                   customers_claimed_at=None)
        analyze([CustomerStanding, CustomerCell])  # a bulk write: fresh planner statistics
    region.refresh_from_db(fields=["customers_as_of", "customers_built", "customers_claimed_at"])


@task()
def customer_results_refresh_task(region_id: int, today: str) -> None:
    customer_results_refresh(Region.objects.get(pk=region_id), dt.date.fromisoformat(today))


def customers_ensure(region, today: dt.date | None = None) -> Freshness:
    """The customers' stored results as of today and built for the region's
    current thresholds and data: judged at once for a small region (or when
    nothing is stored yet), in the background for a large one."""
    today = today or timezone.localdate()
    if region.customers_fresh(today):
        return Freshness(region.customers_as_of, False)
    if not claim(Region, region.pk, "customers_claimed_at"):
        return Freshness(region.customers_as_of, True)  # another worker is judging them
    if region.customers_as_of is None or customers_count(region) <= LARGE:
        customer_results_refresh(region, today)
        return Freshness(region.customers_as_of, False)
    transaction.on_commit(lambda: customer_results_refresh_task.enqueue(region.pk, today.isoformat()))
    return Freshness(region.customers_as_of, True)
