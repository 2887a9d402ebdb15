"""Small builders for test data (plain functions: readable, no magic)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from customers.models import Contribution, Customer, Product
from pipeline.models import Project
from tsm.lib.periods import add_months, base_period


def products(n=3):
    return [Product.objects.get_or_create(code=f"P{i}", defaults={"name": f"产品{i}", "series": "数据业务"})[0]
            for i in range(n)]


def seed(region, owner, n_customers, products, today=None, projects_per_customer=2):
    """n customers, each with every product over the 12 base-period months
    (revenue 1,000.00, cost 400.00 a month) and open projects at 7 and 67 days."""
    today = today or timezone.localdate()
    period = base_period(today)
    prefix = f"{region.code}-{owner.username}-"
    customers = Customer.objects.bulk_create(
        Customer(region=region, code=f"{prefix}C{i:04d}", name=f"客户{i}", owner=owner) for i in range(n_customers)
    )
    Contribution.objects.bulk_create(
        Contribution(region=region, customer=c, product=p, month=add_months(period.start, m),
                     revenue=Decimal("1000.00"), cost=Decimal("400.00"))
        for c in customers for p in products for m in range(12)
    )
    Project.objects.bulk_create(
        Project(region=region, code=f"{c.code}-X{k}", name=f"项目{c.code}-{k}", customer=c, product=products[0],
                owner=owner, amount=Decimal("50000.00"), expected_close=today + dt.timedelta(days=7 + 60 * k),
                evidence=["E1", "E2", "E3"])
        for c in customers for k in range(projects_per_customer)
    )
    return customers
