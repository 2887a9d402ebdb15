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


SIGNED_AT = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def plan_with_targets(region, director, manager_1, manager_2, *, period="2027", as_of=dt.date(2026, 11, 29)):
    """A draft plan with two confirmed indicators, a target in three families,
    the revenue target (3000.00) split by product over two managers, and two
    sign-offs at SIGNED_AT: manager_1's valid, manager_2's voided by a change
    of one of their parts after signing."""
    from planning import revenue
    from planning.models import Indicator, Plan, PlanIndicator, Target, TargetPart, TargetSignoff

    p0, p1 = products(2)
    plan = Plan.objects.create(region=region, period=period, as_of=as_of, revenue_target=Decimal("3000.00"))
    # The catalogue's (a migration seeds it; a transactional test's flush empties it)
    finance, _ = Indicator.objects.get_or_create(family="finance", name="区域整体资费贡献", defaults={"order": 1})
    market, _ = Indicator.objects.get_or_create(family="market", name="老项目市场占有率", defaults={"order": 19})
    PlanIndicator.objects.create(plan=plan, indicator=market, responsible=manager_1)
    PlanIndicator.objects.create(plan=plan, indicator=finance, responsible=director)
    total = Target.objects.create(plan=plan, family="finance", indicator=finance, name="区域整体资费贡献",
                                  value=Decimal("3000.00"))
    Target.objects.create(plan=plan, family="satisfaction", name="满意度", value=Decimal("90"), unit="分")
    Target.objects.create(plan=plan, family="growth", name="新增客户", value=Decimal("5"), unit="个")
    year = int(period[:4])
    TargetPart.objects.create(target=total, manager=manager_2, product=p0, month=dt.date(year, 1, 1),
                              amount=Decimal("1500.00"))
    TargetPart.objects.create(target=total, manager=manager_1, product=p1, month=dt.date(year, 2, 1),
                              amount=Decimal("500.50"))
    TargetPart.objects.create(target=total, manager=manager_1, product=p0, month=dt.date(year, 2, 1),
                              amount=Decimal("499.50"))
    changed = TargetPart.objects.create(target=total, manager=manager_2, product=p1, month=dt.date(year, 1, 1),
                                        amount=Decimal("400.00"))
    revenue.sign(plan=plan, manager=manager_1)
    revenue.sign(plan=plan, manager=manager_2)
    TargetPart.objects.filter(pk=changed.pk).update(amount=Decimal("500.00"))  # voids manager_2's signature
    TargetSignoff.objects.filter(plan=plan).update(signed_at=SIGNED_AT)
    return plan


def plan_version(plan, number, status, *, data=None, as_of=None):
    """A frozen version as the submission workflow stores it (its content's
    "data" is plan_data of the plan as it was)."""
    from planning.models import PlanVersion
    from planning.plan_data import plan_data

    as_of = as_of or plan.as_of
    return PlanVersion.objects.create(
        plan=plan, number=number, status=status, as_of=as_of,
        content={"region": {"code": plan.region.code, "name": plan.region.name}, "period": plan.period,
                 "as_of": as_of.isoformat(), "base_period": base_period(as_of).as_dict(), "sections": [],
                 "data": data if data is not None else plan_data(plan)})
