"""The stored results: a write judges again only what it changes; the whole
region is judged again when its thresholds, data or day change — at once for
a small region, in the background (a real database queue and worker) for a
large one — and an older judgement never overwrites a newer row."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from django.test.utils import CaptureQueriesContext

from customers.models import (
    ADVANTAGE_FACTORS, ATTRACTIVENESS_FACTORS, Contact, Customer, CustomerCell, CustomerStanding,
)
from customers.standings import COLUMNS as COLUMNS_C
from pipeline.standings import COLUMNS as COLUMNS_P
from tsm.lib.periods import add_months, month_start
from pipeline import standings
from pipeline.models import Project, ProjectStanding
from pipeline.services import project_evidence_apply
from teams.models import Region, RegionSettings
from tests import factories

FACTORS = [f for f, _ in ATTRACTIVENESS_FACTORS + ADVANTAGE_FACTORS]


@pytest.fixture
def seeded(region_a, manager_a1):
    return factories.seed(region_a, manager_a1, 5, factories.products(2))


def _stored(region):
    return {s.project.code: (s.win_rate, s.tactic, s.as_of, s.version)
            for s in ProjectStanding.objects.filter(region=region).select_related("project")}


def test_the_first_reader_judges_a_small_region_and_stores_every_open_project(client_for, director, region_a,
                                                                              seeded):
    assert client_for(director).get("/r/A/funnel/").status_code == 200
    region_a.refresh_from_db()
    assert region_a.results_fresh(timezone.localdate())
    assert len(_stored(region_a)) == 10 and CustomerStanding.objects.filter(region=region_a).count() == 5
    assert {v[0] for v in _stored(region_a).values()} == {20}


def test_a_threshold_change_has_the_whole_region_judged_again(client_for, director, region_a, seeded):
    client = client_for(director)
    client.get("/r/A/funnel/")
    assert {v[1] for v in _stored(region_a).values()} == {"positional", "storming"}  # 20 % < 60 %
    RegionSettings.objects.filter(region=region_a).update(high_win_rate=20)
    region_a.results_stale()  # what the settings page does on save
    client.get("/r/A/funnel/")
    assert {v[1] for v in _stored(region_a).values()} == {"blitz", "storming"}  # 20 % ≥ 20 %


def test_a_new_day_has_the_region_judged_again_as_of_today(client_for, director, region_a, seeded):
    client = client_for(director)
    client.get("/r/A/funnel/")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Region.objects.filter(pk=region_a.pk).update(results_as_of=yesterday)
    ProjectStanding.objects.filter(region=region_a).update(as_of=yesterday, layer="surface")
    client.get("/r/A/funnel/")
    stored = ProjectStanding.objects.filter(region=region_a)
    assert {s.as_of for s in stored} == {timezone.localdate()} and "surface" not in {s.layer for s in stored}


def test_a_score_judges_its_customer_and_its_projects_only(client_for, director, region_a, seeded):
    client = client_for(director)
    client.get("/r/A/funnel/")
    target = seeded[0]
    before = {s.customer_id: (s.value_class, s.version) for s in CustomerStanding.objects.filter(region=region_a)}
    projects_before = _stored(region_a)
    # 12 of the 13 factors already scored: the 13th gives the customer its value class
    Customer.objects.filter(pk=target.pk).update(**{f: Decimal("4") for f in FACTORS[:-1]})
    response = client.post(f"/r/A/value-grid/{target.code}/", {FACTORS[-1]: "4", **{f: "4" for f in FACTORS[:-1]}})
    assert response.status_code == 302
    after = {s.customer_id: (s.value_class, s.version) for s in CustomerStanding.objects.filter(region=region_a)}
    assert after.pop(target.pk)[0] == "consolidate" and before.pop(target.pk)[0] is None
    assert after == before  # no other customer was judged again
    changed = {code for code, v in _stored(region_a).items() if v != projects_before[code]}
    assert changed == {f"{target.code}-X0", f"{target.code}-X1"}  # its projects, whose conclusion reads the class


@pytest.mark.django_db(transaction=True)  # the worker runs outside any test transaction, as in production
def test_a_large_region_is_judged_by_the_background_worker_meanwhile_the_page_says_so(
        client_for, director, region_a, seeded, settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(standings, "LARGE", 3)  # 5 customers and 10 projects: "large" here
    client = client_for(director)
    client.get("/r/A/funnel/")  # nothing stored yet: judged at once, whatever the size
    RegionSettings.objects.filter(region=region_a).update(high_win_rate=20)
    region_a.results_stale()
    body = client.get("/r/A/funnel/").content.decode()
    assert DBTaskResult.objects.count() == 1  # one task in the queue
    assert "正在按最新数据重新计算本区域的分析" in body
    assert "正在按最新数据重新计算本区域的分析" in client.get("/r/A/funnel/").content.decode()
    assert DBTaskResult.objects.count() == 1  # claimed already: nobody enqueues it twice
    assert {v[1] for v in _stored(region_a).values()} == {"positional", "storming"}  # the previous results
    call_command("db_worker", batch=True, verbosity=0)  # the real worker, the real queue
    region_a.refresh_from_db()
    assert region_a.results_fresh(timezone.localdate())
    assert {v[1] for v in _stored(region_a).values()} == {"blitz", "storming"}
    assert "正在按最新数据重新计算" not in client.get("/r/A/funnel/").content.decode()


def test_an_older_full_judgement_never_overwrites_a_newer_row(region_a, seeded, director):
    standings.region_results_refresh(region_a)
    project = Project.objects.filter(region=region_a).order_by("code").first()
    project.region = region_a
    project_evidence_apply(project=project, shown=project.evidence,
                           chosen=["E1", "E2", "E3", "E4", "E5", "E6"], user=director)
    standings.project_standings_rejudge(region=region_a, project_ids=[project.pk])
    newer = ProjectStanding.objects.get(pk=project.pk)
    assert newer.win_rate == 40
    # a full judgement that read the data before the tick writes afterwards
    stale = {project.pk: standings.sel.projects_judged(region_a, timezone.localdate(), [project.pk])[project.pk]}
    stale[project.pk].win_rate = stale[project.pk].win_rate._replace(value=20)
    standings.project_standings_write(region=region_a, as_of=timezone.localdate(), results=stale, full=False,
                                      version=newer.version - 1)
    assert ProjectStanding.objects.get(pk=project.pk).win_rate == 40


def _snapshot(region):
    """Every stored column, row by row in key order (the cells with their own ids)."""
    return (list(CustomerStanding.objects.filter(region=region).order_by("pk").values_list(*COLUMNS_C)),
            list(ProjectStanding.objects.filter(region=region).order_by("pk").values_list(*COLUMNS_P)),
            list(CustomerCell.objects.filter(region=region).order_by("customer_id", "product_id").values_list(
                "pk", "customer_id", "product_id", "revenue", "cost")))


def test_a_new_day_of_the_month_judges_again_only_what_reads_the_day(region_a, manager_a1):
    customers = factories.seed(region_a, manager_a1, 6, factories.products(2))
    d1 = month_start(timezone.localdate()) + dt.timedelta(days=9)
    d2 = d1 + dt.timedelta(days=1)
    # met on the window's first day as of d1, outside it as of d2; 15 days to close on d1 (middle), 14 on d2 (bottom)
    Contact.objects.create(customer=customers[0], name="张三", roles=["decider"], last_met=d1 - dt.timedelta(days=180))
    project = Project.objects.filter(customer=customers[1]).order_by("code").first()
    Project.objects.filter(pk=project.pk).update(expected_close=d1 + dt.timedelta(days=15))
    standings.region_results_refresh(region_a, d1)  # nothing stored yet: the whole region
    before = _snapshot(region_a)
    assert CustomerStanding.objects.get(customer=customers[0]).publicity == "partial"
    assert ProjectStanding.objects.get(project=project).layer == "middle"

    with CaptureQueriesContext(connection) as day:
        standings.region_results_refresh(region_a, d2)
    assert not any("customers_contribution" in q["sql"] for q in day.captured_queries)  # the sums stand
    after = _snapshot(region_a)
    assert after[2] == before[2]  # the matrix cells not rewritten (the same rows, the same ids)
    assert CustomerStanding.objects.get(customer=customers[0]).publicity == "blank"
    assert ProjectStanding.objects.get(project=project).layer == "bottom"
    assert {r[COLUMNS_C.index("as_of")] for r in after[0]} == {r[COLUMNS_P.index("as_of")] for r in after[1]} == {d2}
    assert len(after[0]) == 6 and len(after[1]) == 12
    region_a.refresh_from_db()
    assert (region_a.results_as_of, region_a.customers_as_of) == (d2, d2) and region_a.results_fresh(d2)

    # the same as judging the whole region again as of d2, column for column
    with CaptureQueriesContext(connection) as full:
        standings.region_results_rebuild(region_a, d2)
    assert any("customers_contribution" in q["sql"] for q in full.captured_queries)
    rebuilt = _snapshot(region_a)
    assert rebuilt[:2] == after[:2]
    assert [r[1:] for r in rebuilt[2]] == [r[1:] for r in after[2]]


def test_a_new_month_judges_the_whole_region_again(region_a, manager_a1):
    factories.seed(region_a, manager_a1, 3, factories.products(2))
    d1 = month_start(timezone.localdate()) + dt.timedelta(days=9)
    standings.region_results_refresh(region_a, d1)
    with CaptureQueriesContext(connection) as ctx:
        standings.region_results_refresh(region_a, add_months(month_start(d1), 1))  # the base period moves
    assert any("customers_contribution" in q["sql"] for q in ctx.captured_queries)
    region_a.refresh_from_db()
    assert region_a.results_as_of == add_months(month_start(d1), 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_tick_during_a_full_judgement_is_kept(region_a, manager_a1, director):
    factories.seed(region_a, manager_a1, 40, factories.products(2))
    standings.region_results_refresh(region_a)
    project = Project.objects.filter(region=region_a).order_by("code").first()
    Project.objects.filter(pk=project.pk).update(evidence=[])
    barrier, errors = threading.Barrier(2), []

    def judge_region():
        try:
            region = Region.objects.get(pk=region_a.pk)
            barrier.wait()
            standings.region_results_rebuild(region, timezone.localdate())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def tick():
        try:
            region = Region.objects.get(pk=region_a.pk)
            p = Project.objects.get(pk=project.pk)
            p.region = region
            barrier.wait()
            project_evidence_apply(project=p, shown=[], chosen=["E1", "E2", "E3"], user=director)
            standings.project_standings_rejudge(region=region, project_ids=[p.pk])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    for _ in range(3):
        Project.objects.filter(pk=project.pk).update(evidence=[])
        standings.project_standings_rejudge(region=Region.objects.get(pk=region_a.pk), project_ids=[project.pk])
        threads = [threading.Thread(target=judge_region), threading.Thread(target=tick)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert ProjectStanding.objects.get(pk=project.pk).win_rate == 20  # the tick, whatever the order


# --- coverage's "met": from the first month of the target's plan period (DOMAIN §4.3) --------------

def test_a_second_half_year_target_counts_what_was_met_from_july(region_a, manager_a1):
    import datetime as dt
    from decimal import Decimal

    from customers.models import Contribution, Customer, Product
    from pipeline.models import RevenueTarget
    from pipeline.selectors import period_start, revenue_done

    customer = Customer.objects.create(region=region_a, code="C1", name="甲", owner=manager_a1)
    product = Product.objects.create(code="P1", name="专线", series="数据")
    for month, revenue in ((dt.date(2027, 6, 1), "100.00"), (dt.date(2027, 7, 1), "10.00"),
                           (dt.date(2027, 8, 1), "1.00")):
        Contribution.objects.create(region=region_a, customer=customer, product=product, month=month,
                                    revenue=Decimal(revenue))
    as_of = dt.date(2027, 9, 15)  # August is the last complete month
    RevenueTarget.objects.create(region=region_a, manager=manager_a1, period="2027", amount=Decimal("1000"))
    assert revenue_done(region_a, as_of) == {manager_a1.pk: Decimal("111.00")}  # the year: from January
    RevenueTarget.objects.create(region=region_a, manager=manager_a1, period="2027H2", amount=Decimal("500"))
    assert revenue_done(region_a, as_of) == {manager_a1.pk: Decimal("11.00")}  # the half-year: from July
    assert (period_start("2027"), period_start("2027H1"), period_start("2027H2")) == (
        dt.date(2027, 1, 1), dt.date(2027, 1, 1), dt.date(2027, 7, 1))


def test_a_next_periods_target_has_nothing_met_before_it_starts(region_a, manager_a1):
    import datetime as dt

    from customers.models import Contribution, Customer, Product
    from pipeline.models import RevenueTarget
    from pipeline.selectors import revenue_done, revenue_targets

    customer = Customer.objects.create(region=region_a, code="C1", name="甲", owner=manager_a1)
    product = Product.objects.create(code="P1", name="专线", series="数据")
    Contribution.objects.create(region=region_a, customer=customer, product=product, month=dt.date(2027, 10, 1),
                                revenue=Decimal("100.00"))
    RevenueTarget.objects.create(region=region_a, manager=manager_a1, period="2028", amount=Decimal("1000"))
    as_of = dt.date(2027, 11, 15)  # no plan covers it: next year's is the one
    targets = revenue_targets(region_a, as_of)
    assert (targets.chosen.period, targets.chosen.draft) == ("2028", True)
    assert revenue_done(region_a, as_of) == {manager_a1.pk: Decimal("0")}
    # once the period has begun, what was met counts from its first month (not October's 100)
    Contribution.objects.create(region=region_a, customer=customer, product=product, month=dt.date(2028, 1, 1),
                                revenue=Decimal("7.00"))
    assert revenue_done(region_a, dt.date(2028, 2, 3)) == {manager_a1.pk: Decimal("7.00")}


def test_a_changed_revenue_target_changes_the_stored_amount_classes(region_a, manager_a1, seeded):
    from planning.models import Plan, Target, TargetPart
    from planning.services import REVENUE_TARGET_NAME, revenue_targets_hand_down

    today = timezone.localdate()
    plan = Plan.objects.create(region=region_a, period=str(today.year), as_of=today)
    target = Target.objects.create(plan=plan, family="finance", name=REVENUE_TARGET_NAME, value=Decimal("1"))
    part = TargetPart.objects.create(target=target, manager=manager_a1, amount=Decimal("200000.00"))

    def classes():
        standings.results_ensure(Region.objects.get(pk=region_a.pk), today)
        return set(ProjectStanding.objects.filter(region=region_a).values_list("amount_class", flat=True))

    revenue_targets_hand_down(plan=plan)
    assert classes() == {"A"}  # 50,000 of 200,000 = 25 % >= 20 %
    TargetPart.objects.filter(pk=part.pk).update(amount=Decimal("1000000.00"))
    revenue_targets_hand_down(plan=plan)
    assert classes() == {"B"}  # 5 % of 1,000,000
    # a half-year plan covering today is the shorter: its 20,000 counts double, 40,000 → 125 %
    half = Plan.objects.create(region=region_a, period=f"{today.year}H{1 if today.month <= 6 else 2}", as_of=today)
    half_target = Target.objects.create(plan=half, family="finance", name=REVENUE_TARGET_NAME, value=Decimal("1"))
    TargetPart.objects.create(target=half_target, manager=manager_a1, amount=Decimal("20000.00"))
    revenue_targets_hand_down(plan=half)
    assert classes() == {"A"}


def test_revenue_done_is_summed_once_per_import_and_follows_the_owners(region_a, manager_a1, manager_a2,
                                                                       django_assert_num_queries):
    """The customers' revenue is one GROUP BY kept until the region is wanted
    judged again (an import moves it on); their owners are read each time,
    so a handover moves the revenue with the customer at once."""
    from customers import selectors as csel
    from customers.models import Contribution

    D = Decimal
    products = factories.products(1)
    start, as_of = dt.date(2026, 1, 1), dt.date(2026, 6, 15)
    one = Customer.objects.create(region=region_a, code="R1", name="甲", owner=manager_a1)
    two = Customer.objects.create(region=region_a, code="R2", name="乙", owner=manager_a1)
    Contribution.objects.bulk_create([
        Contribution(region=region_a, customer=one, product=products[0], month=dt.date(2026, 5, 1), revenue=D("10.50")),
        Contribution(region=region_a, customer=two, product=products[0], month=dt.date(2026, 1, 1), revenue=D("4.00")),
        Contribution(region=region_a, customer=two, product=products[0], month=dt.date(2026, 6, 1), revenue=D("99")),
    ])
    assert csel.revenue_by_owner(region_a, start, as_of) == {manager_a1.pk: D("14.50")}  # June not yet full
    Customer.objects.filter(pk=two.pk).update(owner=manager_a2)  # handed over
    with django_assert_num_queries(1):  # the owners; the sums from the cache
        assert csel.revenue_by_owner(region_a, start, as_of) == {manager_a1.pk: D("10.50"), manager_a2.pk: D("4.00")}
    Contribution.objects.filter(customer=one).update(revenue=D("1"))  # as an import would, which also…
    region_a.results_stale()  # …wants the region judged again: the sums are read afresh
    assert csel.revenue_by_owner(region_a, start, as_of) == {manager_a1.pk: D("1.00"), manager_a2.pk: D("4.00")}


def test_the_customer_pages_on_a_new_day_have_only_the_publicity_judged_again(region_a, manager_a1):
    from customers.standings import customers_ensure

    customers = factories.seed(region_a, manager_a1, 4, factories.products(2))
    d1 = month_start(timezone.localdate()) + dt.timedelta(days=9)
    d2 = d1 + dt.timedelta(days=1)
    Contact.objects.create(customer=customers[0], name="李四", roles=["user"], last_met=d1 - dt.timedelta(days=180))
    assert customers_ensure(region_a, d1).updating is False  # nothing stored: every customer judged
    cells = _snapshot(region_a)[2]
    assert CustomerStanding.objects.get(customer=customers[0]).publicity == "partial"
    with CaptureQueriesContext(connection) as day:
        assert customers_ensure(region_a, d2).updating is False
    assert not any("customers_contribution" in q["sql"] for q in day.captured_queries)
    assert _snapshot(region_a)[2] == cells
    standing = CustomerStanding.objects.get(customer=customers[0])
    assert (standing.publicity, standing.as_of) == ("blank", d2)
    assert str(d2 - dt.timedelta(days=180)) in standing.reasons["publicity"]
    region_a.refresh_from_db()
    assert region_a.customers_fresh(d2)
    with CaptureQueriesContext(connection) as month:
        customers_ensure(region_a, add_months(month_start(d1), 1))
    assert any("customers_contribution" in q["sql"] for q in month.captured_queries)
