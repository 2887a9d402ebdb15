"""A plan ready to submit (every blocker of rules.submission_blockers
cleared), for the workflow's tests."""

import datetime as dt

from customers.models import Product
from planning import revenue
from planning.choices import IndicatorFamily
from planning.models import Indicator, Plan, PlanIndicator, Target


def ready_plan(region, manager, *, period: str = "2027", product=None) -> Plan:
    """Region's plan for the period: an indicator confirmed in each category,
    a target in each family, the revenue total 1000.00 decomposed to the
    manager in one cell, and the manager's signature."""
    product = product or Product.objects.get_or_create(code="P-WF", defaults={"name": "专线", "series": "数据"})[0]
    plan = Plan.objects.create(region=region, period=period, as_of=dt.date(2026, 11, 27))
    for family in IndicatorFamily:
        indicator = (Indicator.objects.filter(family=family).first()  # the catalogue, unless a flush emptied it
                     or Indicator.objects.create(family=family, name=f"{family.label}指标"))
        PlanIndicator.objects.create(plan=plan, indicator=indicator)
    revenue.total_set(plan=plan, value="1000")
    for family in ("growth", "satisfaction", "management"):
        Target.objects.create(plan=plan, family=family, name=f"{family} 目标", value=1, unit="个")
    revenue.row_save(plan=plan, mode="product", manager=manager, item_id=product.pk,
                     values={f"{period[:4]}-{'07' if period.endswith('H2') else '01'}": "1000"})
    revenue.sign(plan=plan, manager=manager)
    return Plan.objects.select_related("region").get(pk=plan.pk)
