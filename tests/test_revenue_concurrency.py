"""Two directors saving different rows of one revenue decomposition at the
same moment both land, and the managers' targets handed down to pipeline
count both rows (planning.revenue.row_save: one transaction under the plan's
row lock, tests/test_concurrency.py style). PostgreSQL only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from customers.models import Product
from pipeline.models import RevenueTarget
from planning import revenue
from planning.models import Plan, TargetPart
from teams.models import User
from tests.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="SQLite locks the whole database: no row locks to race on, the threads only take turns"),
]


def test_two_directors_saving_different_rows_at_once_both_land(region_a, manager_a1, manager_a2):
    products = [Product.objects.create(code=f"P{i}", name=f"产品{i}", series="数据") for i in (1, 2)]
    plan = Plan.objects.create(region=region_a, period="2027", as_of=dt.date(2026, 11, 27))
    revenue.total_set(plan=plan, value="300")

    def saver(manager, product, amount):
        def person(ready):
            mine = Plan.objects.select_related("region").get(pk=plan.pk)
            who = User.objects.get(pk=manager.pk)
            ready()
            return revenue.row_save(plan=mine, mode="product", manager=who, item_id=product.pk,
                                    values={"2027-01": amount, "2027-02": amount})
        return person

    outcomes = at_once(saver(manager_a1, products[0], "100"), saver(manager_a2, products[1], "50"))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(TargetPart.objects.values_list("manager_id", "month", "amount")) == sorted([
        (manager_a1.pk, dt.date(2027, 1, 1), Decimal("100.00")), (manager_a1.pk, dt.date(2027, 2, 1), Decimal("100.00")),
        (manager_a2.pk, dt.date(2027, 1, 1), Decimal("50.00")), (manager_a2.pk, dt.date(2027, 2, 1), Decimal("50.00"))])
    assert dict(RevenueTarget.objects.values_list("manager_id", "amount")) == {
        manager_a1.pk: Decimal("200.00"), manager_a2.pk: Decimal("100.00")}
