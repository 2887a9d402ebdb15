"""Set-based reads feeding the analysis: a handful of GROUP BY queries per
region, never a query per customer."""

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum, TextField
from django.db.models.functions import Cast

from customers.models import (
    FACTORS, ComparisonScore, Competitor, Contact, Contribution, Customer, CustomerCell, CustomerStanding,
    IntelligenceChannel, IntelligenceEntry, Product,
)
from customers.analysis import BASE_ROWS, Cells, CustomerAnalysis, CustomerResult, analyse_customers
from customers.rules import (
    COMBINATION_LABELS, CONTRIBUTION_CLASS_LABELS, NEEDS, PUBLICITY_LABELS, VALUE_CLASS_LABELS, VALUE_PENDING_LABEL,
)
from teams import permissions
from tsm.lib import cache
from tsm.lib.bulk import gc_paused
from tsm.lib.jsonlists import parse_list
from tsm.lib.money import from_fen
from tsm.lib.periods import BasePeriod, add_months, base_period
from tsm.lib.raw import day, raw_rows
from tsm.lib.thresholds import Verdict


@functools.lru_cache(maxsize=256)
def _score(text: str | None) -> Decimal | None:
    """A factor score read as text: 65,000 decimal conversions were a tenth of
    a large region's analysis, and a score has at most 51 spellings."""
    return None if text is None else Decimal(text).quantize(Decimal("0.1"))


def customer_rows(region, customers=None) -> list[dict]:
    """id, code, name, owner and the 13 factor scores of the region's customers."""
    qs = customers if customers is not None else Customer.objects.filter(region=region)
    names = ["id", "code", "name", "owner_id", "owner__username", "owner__display_name", "industry"]
    factors = [f for f, _ in FACTORS]
    rows = raw_rows(qs.order_by("code").values_list(*names, *(Cast(f, TextField()) for f in factors)))
    keys = names + factors
    n = len(names)
    return [dict(zip(keys, (*row[:n], *map(_score, row[n:])))) for row in rows]


def _fen(expression: str, where: str | None = None) -> str:
    """A sum in whole fen: exact on PostgreSQL (numeric); on SQLite the float
    sum of 2-place amounts is within a hair of its fen, and rounds to it.
    `where` sums only the rows it holds for (an aggregate FILTER: the rows
    that fail it are skipped, not added as zeros — a fifth of the scan's time
    on PostgreSQL), 0 when none does."""
    if where is None:
        return f"CAST(ROUND(SUM({expression}) * 100) AS BIGINT)"
    return f"CAST(ROUND(COALESCE(SUM({expression}) FILTER (WHERE {where}), 0) * 100) AS BIGINT)"


def _month_of_year() -> str:
    if connection.vendor == "sqlite":
        return "CAST(substr(month, 6, 2) AS INTEGER)"  # dates are ISO text
    return "CAST(EXTRACT(MONTH FROM month) AS INTEGER)"


def period_fen(region, period: BasePeriod) -> list[tuple]:
    """ONE scan of the 18 months the analysis reads, grouped by customer ×
    product (in that order), every sum in whole fen (an int; see `_fen`):

        (customer_id, product_id, revenue over the 18 months, R revenue,
         P revenue, base-period cost, arrears at the end of the base period,
         base-period rows)

    R = the last 6 months of the base period, P = the 6 before (so the base
    period is P + R) and Y = R a year earlier, the 6 months before P (so Y is
    the 18 months' revenue less P and R). The base-period rows come as one
    integer (`BASE_ROWS` reads it): their count (at most 12) in the low 4
    bits, and above them the months with revenue as bits by month of the
    year (the base period's 12 months are 12 different ones; one row per cell
    and month, so the sum is an OR); a customer's are OR-ed over its
    products. One conditional sum for both instead of a MAX and a second
    conditional sum; each conditional sum a FILTER rather than a CASE: a
    large region's scan costs about what the benchmark's bare query costs."""
    r_start = add_months(period.end, -5)
    y_start = add_months(period.start, -6)
    table = connection.ops.quote_name(Contribution._meta.db_table)
    sql = (
        f"SELECT customer_id, product_id, {_fen('revenue')},"
        f" {_fen('revenue', 'month >= %s')}, {_fen('revenue', 'month >= %s AND month < %s')},"
        f" {_fen('cost', 'month >= %s')}, {_fen('arrears', 'month = %s')},"
        f" COALESCE(SUM(CASE WHEN revenue > 0 THEN 1 + ({1 << BASE_ROWS.shift} << {_month_of_year()}) ELSE 1 END)"
        " FILTER (WHERE month >= %s), 0)"
        f" FROM {table} WHERE region_id = %s AND month >= %s AND month <= %s"
        " GROUP BY customer_id, product_id ORDER BY customer_id, product_id"
    )
    d = connection.ops.adapt_datefield_value
    params = [d(r_start), d(period.start), d(r_start), d(period.start), d(period.end), d(period.start),
              region.pk, d(y_start), d(period.end)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def period_sums(region, period: BasePeriod) -> tuple[list[dict], list[dict]]:
    """`period_fen` as Decimal rows:

    - cells: base-period revenue and cost per customer × product that has a
      base-period row;
    - buckets, per customer: R, P, Y, arrears at the end of the base period,
      and how many base-period months had revenue on any product.
    """
    cells, buckets = [], {}
    for cid, product_id, total, recent, prior, cost, arrears_end, base in period_fen(region, period):
        if BASE_ROWS.count(base):
            cells.append({"customer_id": cid, "product_id": product_id, "revenue": from_fen(recent + prior),
                          "cost": from_fen(cost)})
        b = buckets.setdefault(cid, {"customer_id": cid, "recent": 0, "prior": 0, "year_ago": 0, "arrears_end": 0,
                                     "months": 0})
        b["recent"] += recent
        b["prior"] += prior
        b["year_ago"] += total - recent - prior
        b["arrears_end"] += arrears_end
        b["months"] |= base
    for b in buckets.values():
        for k in ("recent", "prior", "year_ago", "arrears_end"):
            b[k] = from_fen(b[k])
        b["months_with_revenue"] = BASE_ROWS.months(b.pop("months")).bit_count()
    return cells, list(buckets.values())


def contact_rows(region, customer_ids=None) -> list[dict]:
    qs = Contact.objects.filter(customer__region=region)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    rows = raw_rows(qs.values_list("id", "customer_id", "last_met", Cast("roles", TextField())).order_by())
    return [{"id": pk, "customer_id": cid, "last_met": day(last_met), "roles": parse_list(roles)}
            for pk, cid, last_met, roles in rows]


def product_rows() -> list[dict]:
    return list(Product.objects.order_by("code").values("id", "code", "name", "series"))




# --- the analysis pages: one query per kind of row, whatever the region's size ----------------------




def contacts_of(customer_ids) -> list[Contact]:
    """The contacts of the given customers (a page of them), by customer and name."""
    return list(Contact.objects.filter(customer_id__in=list(customer_ids)).order_by("customer_id", "name"))


def region_contacts(region) -> list[Contact]:
    """Every contact of a region (for an export of all its customers)."""
    return list(Contact.objects.filter(customer__region=region).order_by("customer_id", "name"))


def series_names(region) -> list[str]:
    """The product series of the catalogue and of the region's competitors, sorted."""
    products = Product.objects.order_by().values_list("series", flat=True)
    competitors = Competitor.objects.filter(region=region).order_by().values_list("product_series", flat=True)
    return [s for s in products.union(competitors).order_by("series") if s]


def region_competitors(region, product_series: str | None = None) -> list[Competitor]:
    qs = Competitor.objects.filter(region=region)
    if product_series is not None:
        qs = qs.filter(product_series=product_series)
    return list(qs.order_by("product_series", "rank", "name"))


def comparison_score_rows(region, product_series: str | None = None) -> list[dict]:
    qs = ComparisonScore.objects.filter(region=region)
    if product_series is not None:
        qs = qs.filter(product_series=product_series)
    return list(qs.values("product_series", "competitor_id", "dimension", "score").order_by())


def intelligence_channels() -> list[IntelligenceChannel]:
    return list(IntelligenceChannel.objects.order_by("order", "code"))


def intelligence_counts(region) -> dict[int, int]:
    """Entries per channel id (the log grouped by channel)."""
    rows = (IntelligenceEntry.objects.filter(region=region).values("channel_id").annotate(n=Count("id"))
            .order_by())
    return {r["channel_id"]: r["n"] for r in rows}


def intelligence_entries(region, channel=None):
    """The region's intelligence log, newest first (a queryset, to be paginated)."""
    qs = IntelligenceEntry.objects.filter(region=region).select_related("competitor", "channel", "author")
    if channel is not None:
        qs = qs.filter(channel=channel)
    return qs.order_by("-date", "-id")


def revenue_by_owner(region, start: dt.date, as_of: dt.date) -> dict[int, Decimal]:
    """Revenue of each manager's customers in the full months from `start` to
    before `as_of`: each customer's sum (`revenue_by_customer`) under its
    current owner — the funnel's coverage reads it on every view and tick."""
    done: dict[int, Decimal] = defaultdict(Decimal)
    by_customer = revenue_by_customer(region, start, as_of)
    for cid, owner_id in Customer.objects.filter(region=region, owner__isnull=False).values_list("pk", "owner_id"):
        if cid in by_customer:
            done[owner_id] += by_customer[cid]
    return dict(done)


def revenue_by_customer(region, start: dt.date, as_of: dt.date) -> dict[int, Decimal]:
    """Each customer's revenue in the full months from `start` to before
    `as_of`: one GROUP BY over the contributions, kept in the cache under the
    region's wanted judgement — the contributions change only by an import,
    which moves it on in the same transaction (the admin shows them read-only)."""
    key = cache.key(f"revenue-by-customer:{start.isoformat()}", region_pk=region.pk, version=region.results_wanted,
                    as_of=as_of.replace(day=1), thresholds=region.thresholds())

    def compute():
        rows = (Contribution.objects.filter(region=region, month__gte=start, month__lt=as_of.replace(day=1))
                .values_list("customer_id").annotate(total=Sum("revenue")).order_by())
        return dict(rows)

    return cache.get_or_compute(key, compute)


def revenue_by_product(region, start: dt.date, as_of: dt.date, *, owner: int | None = None) -> dict[int, Decimal]:
    """Revenue of each product in the full months from `start` to before
    `as_of` (one query): the region's customers', or one manager's."""
    qs = Contribution.objects.filter(region=region, month__gte=start, month__lt=as_of.replace(day=1))
    if owner is not None:
        qs = qs.filter(customer__owner_id=owner)
    rows = qs.values("product_id").annotate(total=Sum("revenue")).order_by()
    return {row["product_id"]: row["total"] for row in rows}


def sums_by_product(region, period: BasePeriod) -> dict[int, dict[str, Decimal]]:
    """product id -> {"revenue", "cost"} over the period and "arrears" in
    its last month, to the fen (one GROUP BY; the plan's 预计损益 reads it)."""
    rows = (Contribution.objects.filter(region=region, month__gte=period.start, month__lte=period.end)
            .values("product_id")
            .annotate(revenue=Sum("revenue"), cost=Sum("cost"), arrears=Sum("arrears", filter=Q(month=period.end)))
            .order_by())
    fen = Decimal("0.01")
    return {r["product_id"]: {key: Decimal(r[key] or 0).quantize(fen) for key in ("revenue", "cost", "arrears")}
            for r in rows}


# --- the customer analysis of a region -------------------------------------------------------------


def customer_analysis(region, as_of: dt.date) -> CustomerAnalysis:
    """The region's customer analysis as of a date, kept under the data
    version it was computed for (tsm.lib.cache)."""
    return cache.get_or_compute(customer_analysis_key(region, region.data_version, as_of),
                                lambda: compute_customer_analysis(region, as_of))


def customer_analysis_key(region, version: int, as_of: dt.date) -> str:
    return cache.key("customers", region_pk=region.pk, version=version, as_of=as_of, thresholds=region.thresholds())


def compute_customer_analysis(region, as_of: dt.date) -> CustomerAnalysis:
    """Four set-based queries (one scan of the contributions), then the rules
    of customers.analysis over the whole region at once."""
    t = region.thresholds()
    period = base_period(as_of)
    with gc_paused():
        contacts = contact_rows(region)
        results, cells = analyse_customers(customers=customer_rows(region), sums=period_fen(region, period),
                                           contacts=contacts, as_of=as_of, t=t)
    return CustomerAnalysis(region_code=region.code, as_of=as_of, period=period, thresholds=t, customers=results,
                            products=product_rows(), cells=cells, contacts=contacts)


# --- the stored results: summed and paged in SQL, rebuilt as results for the rows shown ----------------


def standings(region, user=None):
    """The region's stored customer results (a manager's: their own)."""
    qs = CustomerStanding.objects.filter(region=region)
    scope = permissions.owner_scope(user) if user is not None else None
    return qs if scope is None else qs.filter(owner_id=scope)


def region_sums(region) -> dict:
    """The whole region's customer totals, class sums, per-product class sums
    and the products with a matrix cell: what 客户贡献分析 summarises for a
    director or an executive. Contribution classes, revenue, profit and the
    cells are written by the whole region's judgement alone (a score, a
    contact or a new owner rewrites other columns), so these are kept in the
    cache under that judgement: the stored results' as-of date and build, and
    the thresholds — a tick or a score leaves them, an import or a new day
    moves them on. Four set-based queries over the region when computed."""
    key = cache.key("customer-sums", region_pk=region.pk, version=region.customers_built,
                    as_of=region.customers_as_of or dt.date.min, thresholds=region.thresholds())
    return cache.get_or_compute(key, lambda: sums_of(standings(region)) | {
        "products_used": products_used(standings(region))})


def sums_of(qs) -> dict:
    """Totals, class sums and per-product class sums of any set of stored
    customer results (a manager's own: read each time)."""
    totals = qs.aggregate(customers=Count("pk"), revenue=Sum("revenue"), profit=Sum("profit"))
    return {"totals": {k: v or 0 for k, v in totals.items()}, "class_sums": class_sums(qs),
            "by_product": class_sums_by_product(qs)}


def class_sums(qs, *, by_owner: bool = False) -> list[tuple]:
    """(group, class, count, revenue, profit) in one GROUP BY (group: the owner, or None)."""
    fields = ["owner_id", "contribution_class"] if by_owner else ["contribution_class"]
    rows = qs.values(*fields).annotate(n=Count("pk"), revenue=Sum("revenue"), profit=Sum("profit")).order_by()
    return [(r["owner_id"] if by_owner else None, r["contribution_class"], r["n"], r["revenue"], r["profit"])
            for r in rows]


def class_sums_by_product(qs) -> list[tuple]:
    """(product, class, count, revenue, profit) over the stored matrix cells of the customers in `qs`."""
    rows = (CustomerCell.objects.filter(customer_id__in=qs.values("pk"))
            .values("product_id", "customer__standing__contribution_class")
            .annotate(n=Count("pk"), revenue=Sum("revenue"), cost=Sum("cost")).order_by())
    return [(r["product_id"], r["customer__standing__contribution_class"], r["n"], r["revenue"],
             r["revenue"] - r["cost"]) for r in rows]


def products_used(qs) -> set[int]:
    """The products with a stored non-empty cell among the customers in `qs`."""
    return set(CustomerCell.objects.filter(customer_id__in=qs.values("pk")).values_list("product_id", flat=True)
               .distinct().order_by())


def cells_of(customer_ids) -> list[dict]:
    """The stored matrix cells of some customers, as the analysis's cell rows."""
    return list(CustomerCell.objects.filter(customer_id__in=list(customer_ids))
                .values("customer_id", "product_id", "revenue", "cost").order_by())


def results_of(standings_page, cells: list[dict]) -> list[CustomerResult]:
    """The stored results as the analysis's CustomerResult (values, labels and
    reasons) for the rows a page shows."""
    own = defaultdict(dict)
    for x in cells:
        own[x["customer_id"]][x["product_id"]] = (x["revenue"], x["cost"])
    return [result_of(s, own.get(s.pk, {})) for s in standings_page]


def result_of(s: CustomerStanding, cells: dict) -> CustomerResult:
    why = s.reasons
    owner = (s.owner.display_name or s.owner.username) if s.owner_id else ""
    return CustomerResult(
        id=s.pk, code=s.code, name=s.name, owner_id=s.owner_id, owner=owner, industry="",
        revenue=s.revenue, cost=s.cost, arrears_end=s.arrears_end,
        combination=_verdict(s.combination, why.get("combination", ""), COMBINATION_LABELS),
        scale=Verdict(s.scale, why.get("scale", "")), growth=Verdict(s.growth, why.get("growth", "")),
        contribution_class=_verdict(s.contribution_class, why.get("contribution_class", ""),
                                    CONTRIBUTION_CLASS_LABELS),
        value_class=_verdict(s.value_class, why.get("value_class", ""), VALUE_CLASS_LABELS, VALUE_PENDING_LABEL),
        attractiveness=s.attractiveness, advantage=s.advantage,
        publicity=_verdict(s.publicity, why.get("publicity", ""), PUBLICITY_LABELS),
        cells=Cells(cells),
        suggestions={f: Verdict(Decimal(v), reason) for f, (v, reason) in s.suggestions.items()},
    )


def _verdict(value, reason: str, labels, missing: str = "") -> Verdict:
    return Verdict(value, reason, labels[value] if value is not None else missing)


def missing_scores_by_class(qs) -> dict[str, tuple[int, int]]:
    """Per contribution class: (customers missing one of the 13 scores, customers)."""
    rows = qs.values("contribution_class").annotate(
        total=Count("pk"), missing=Count("pk", filter=Q(scores_missing=True))).order_by()
    return {r["contribution_class"]: (r["missing"], r["total"]) for r in rows}


# --- §3.2 needs: written or not, judged in SQL ----------------------------------------------------


def _written(field: str) -> Q:
    # A need is written when it holds more than blanks: empty or only spaces
    # and line breaks is not written (the same on SQLite and PostgreSQL).
    return ~Q(**{f"{field}__regex": r"^\s*$"})


def needs_unwritten() -> Q:
    """Customers one of whose three needs (NEEDS) is not written."""
    q = Q()
    for field, _label in NEEDS:
        q |= ~_written(field)
    return q


def needs_written() -> dict:
    """Annotations `<need>_written` (a boolean per need of NEEDS), for the rule `needs_check`."""
    return {f"{field}_written": ExpressionWrapper(_written(field), output_field=BooleanField())
            for field, _label in NEEDS}
