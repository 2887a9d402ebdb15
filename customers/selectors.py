"""Set-based reads feeding the analysis: a handful of GROUP BY queries per
region, never a query per customer."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from customers.models import FACTORS, Contact, Contribution, Customer, Product
from tsm.lib.periods import BasePeriod, add_months

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


def _sum(field, **when):
    return Coalesce(Sum(field, filter=Q(**when) if when else None), ZERO)


def customer_rows(region, customers=None) -> list[dict]:
    """id, code, name, owner and the 13 factor scores of the region's customers."""
    qs = customers if customers is not None else Customer.objects.filter(region=region)
    return list(
        qs.order_by("code").values("id", "code", "name", "owner_id", "owner__username", "owner__display_name",
                                   "industry", *[f for f, _ in FACTORS])
    )


def cell_rows(region, period: BasePeriod) -> list[dict]:
    """Base-period revenue and cost per customer × product (the matrix)."""
    return list(
        Contribution.objects.filter(region=region, month__gte=period.start, month__lte=period.end)
        .values("customer_id", "product_id")
        .annotate(revenue=Sum("revenue"), cost=Sum("cost"))
        .order_by()
    )


def bucket_rows(region, period: BasePeriod) -> list[dict]:
    """Per customer: the growth buckets R, Y, P, arrears at the end of the base
    period and how many base-period months had revenue.

    R = last 6 months of the base period, P = the 6 before, Y = R a year earlier.
    """
    r_start = add_months(period.end, -5)
    p_start = add_months(period.end, -11)
    y_start, y_end = add_months(r_start, -12), add_months(period.end, -12)
    month_sums = {
        f"m{i}": _sum("revenue", month=add_months(period.start, i)) for i in range(12)
    }
    rows = (
        Contribution.objects.filter(region=region, month__gte=y_start, month__lte=period.end)
        .values("customer_id")
        .annotate(
            recent=_sum("revenue", month__gte=r_start, month__lte=period.end),
            prior=_sum("revenue", month__gte=p_start, month__lt=r_start),
            year_ago=_sum("revenue", month__gte=y_start, month__lte=y_end),
            arrears_end=_sum("arrears", month=period.end),
            **month_sums,
        )
        .order_by()
    )
    out = []
    for row in rows:
        months = sum(1 for i in range(12) if row.pop(f"m{i}") > 0)
        row["months_with_revenue"] = months
        out.append(row)
    return out


def contact_rows(region, customer_ids=None) -> list[dict]:
    qs = Contact.objects.filter(customer__region=region)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    return list(qs.values("id", "customer_id", "roles", "last_met").order_by())


def product_rows() -> list[dict]:
    return list(Product.objects.order_by("code").values("id", "code", "name", "series"))


def customer_count_with_missing_scores(region) -> int:
    missing = Q()
    for f, _ in FACTORS:
        missing |= Q(**{f"{f}__isnull": True})
    return Customer.objects.filter(region=region).filter(missing).aggregate(n=Count("id"))["n"]
