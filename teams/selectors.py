"""Reads for the region home page: a constant number of queries whatever the size."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from customers.models import Contribution, Customer
from pipeline.models import Project
from tsm.lib.periods import BasePeriod, base_period
from tsm.lib.thresholds import Thresholds

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass(frozen=True)
class LayerFigures:
    layer: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Headline:
    as_of: dt.date
    period: BasePeriod
    customers: int
    revenue: Decimal
    profit: Decimal
    layers: list[LayerFigures]
    overdue: int

    @property
    def open_projects(self) -> int:
        return sum(layer.count for layer in self.layers)


def region_headline(*, region, user, as_of: dt.date, t: Thresholds) -> Headline:
    """Three queries: customers, base-period sums, open projects by layer.

    The layers are counted in SQL so the home page never waits for a region's
    analysis; the boundaries are those of pipeline.rules.layer (a test keeps
    the two in step at d = -1, 0, 14, 15, 70, 71)."""
    period = base_period(as_of)
    customers = Customer.objects.visible_to(user).filter(region=region)
    money = Contribution.objects.filter(
        region=region, month__gte=period.start, month__lte=period.end, customer__in=customers
    ).aggregate(revenue=Coalesce(Sum("revenue"), ZERO), cost=Coalesce(Sum("cost"), ZERO))

    bottom_until = as_of + dt.timedelta(days=t.layer_bottom_days)
    middle_until = as_of + dt.timedelta(days=t.layer_middle_days)
    projects = Project.objects.visible_to(user).filter(region=region).open()
    bottom = Q(expected_close__lte=bottom_until)
    middle = Q(expected_close__gt=bottom_until, expected_close__lte=middle_until)
    surface = Q(expected_close__gt=middle_until)
    agg = projects.aggregate(
        bottom_n=Count("id", filter=bottom), bottom_a=Coalesce(Sum("amount", filter=bottom), ZERO),
        middle_n=Count("id", filter=middle), middle_a=Coalesce(Sum("amount", filter=middle), ZERO),
        surface_n=Count("id", filter=surface), surface_a=Coalesce(Sum("amount", filter=surface), ZERO),
        overdue=Count("id", filter=Q(expected_close__lt=as_of)),
    )
    layers = [
        LayerFigures("surface", "表层", agg["surface_n"], agg["surface_a"]),
        LayerFigures("middle", "中层", agg["middle_n"], agg["middle_a"]),
        LayerFigures("bottom", "底层", agg["bottom_n"], agg["bottom_a"]),
    ]
    return Headline(
        as_of=as_of,
        period=period,
        customers=customers.count(),
        revenue=money["revenue"],
        profit=money["revenue"] - money["cost"],
        layers=layers,
        overdue=agg["overdue"],
    )


def region_managers(region) -> list:
    """The region's account managers, by name (one query)."""
    from teams.models import Role, User

    return list(User.objects.filter(regions=region, role=Role.MANAGER).order_by("username"))
