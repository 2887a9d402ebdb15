"""The plan document's analysis figures are as of the plan's date
(DOMAIN §1: a plan fixes its as-of date when it is drafted): today's from
the stored results, another date's from that date's analysis, computed on
demand and cached under its date and data version. The two sources answer
alike on the same data."""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.rules import value_fit
from pipeline.models import Project
from pipeline.standings import region_results_refresh
from planning.analysis import compute
from planning.document import appendix_xlsx, plan_content
from planning.figures import DatedFigures, StoredFigures, figures_for
from planning.models import Plan, ValueFitAcceptance
from teams.models import Region
from tests import factories


@pytest.fixture
def demo(db):
    call_command("load_demo", customers=60, projects=80, plans=False, stdout=open(os.devnull, "w"))
    region = Region.objects.get(code="DEMO")
    today = timezone.localdate()
    Project.objects.filter(region=region, status="open").order_by("code").filter(
        pk__in=Project.objects.filter(region=region, status="open").order_by("code").values("pk")[:3]).update(
        expected_close=today - dt.timedelta(days=5))  # three overdue
    region_results_refresh(region, today)
    region.refresh_from_db()
    return region


def _sorted(rows):
    return sorted(rows, key=repr)


def test_the_stored_results_and_the_analysis_of_the_same_day_give_the_same_figures(demo):
    today = timezone.localdate()
    stored, dated = StoredFigures(demo), DatedFigures(demo, compute(demo, today))
    misfits, n_misfits = stored.misfits()
    assert n_misfits >= 2  # the comparison below has something to compare
    first = misfits[0]
    ValueFitAcceptance.objects.create(customer=demo.customers.get(code=first["code"]), value_class=first["value_class"],
                                      contribution_class=first["contribution_class"], accepted_at=timezone.now())

    assert _sorted(stored.class_sums()) == _sorted(dated.class_sums())
    assert _sorted(stored.class_sums_by_product()) == _sorted(dated.class_sums_by_product())
    s_table, s_owners, s_weighted = stored.funnel_figures()
    d_table, d_owners, d_weighted = dated.funnel_figures()
    assert s_table == d_table and s_weighted == d_weighted
    assert {k: sorted(v) for k, v in s_owners.items()} == {k: sorted(v) for k, v in d_owners.items()}
    assert stored.hare_rat_counts() == dated.hare_rat_counts()
    assert any(on for _total, on in stored.hare_rat_counts().values())
    assert stored.coverage_counts() == dated.coverage_counts()
    assert stored.missing_scores_by_class() == dated.missing_scores_by_class()
    assert stored.value_classes() == dated.value_classes()
    assert stored.misfits() == dated.misfits() and stored.misfits(1) == dated.misfits(1)
    assert stored.misfits()[1] == n_misfits - 1  # the accepted pair is listed no more
    assert all(value_fit(m["value_class"], m["contribution_class"]).value is False for m in stored.misfits()[0])
    assert stored.overdue() == dated.overdue() and stored.overdue()[1] >= 3
    assert stored.sales() == dated.sales() and stored.sales(5) == dated.sales(5)
    assert stored.sales()[1] == Project.objects.filter(region=demo, status="open").count()


def test_a_plan_drafted_earlier_reads_the_analysis_as_of_its_own_date(region_a, director, manager_a1, manager_a2):
    today = timezone.localdate()
    factories.seed(region_a, manager_a1, 4, factories.products(2))  # projects close in 7 and 67 days
    region_results_refresh(region_a, today)
    region_a.refresh_from_db()
    drafted = today - dt.timedelta(days=40)  # then: 47 and 107 days away
    plan = factories.plan_with_targets(region_a, director, manager_a1, manager_a2, as_of=drafted)

    def layers(content):
        funnel = next(s for s in content["sections"] if s["key"] == "strategy")["data"]["funnel"]
        return {row["layer"]: row["count"] for row in funnel}

    with CaptureQueriesContext(connection) as first:
        content = plan_content(plan)
    assert content["as_of"] == content["results_as_of"] == drafted.isoformat()
    assert layers(content) == {"surface": 4, "middle": 4, "bottom": 0}
    # today's stored results say otherwise: the document did not read them
    today_plan = Plan.objects.create(region=region_a, period="2028", as_of=today)
    assert layers(plan_content(today_plan)) == {"surface": 0, "middle": 4, "bottom": 4}
    assert plan_content(today_plan)["results_as_of"] == today.isoformat()
    # the earlier date's analysis is kept in the cache under its date and data version
    with CaptureQueriesContext(connection) as again:
        assert layers(plan_content(plan)) == {"surface": 4, "middle": 4, "bottom": 0}
    assert len(again) < len(first) - 5
    assert isinstance(figures_for(region_a, drafted), DatedFigures)
    assert isinstance(figures_for(region_a, today), StoredFigures)
    assert appendix_xlsx(plan)[:2] == b"PK"  # the appendix reads the same figures


def test_the_document_says_updating_only_when_it_shows_the_stored_results(client_for, region_a, director, manager_a1,
                                                                          manager_a2):
    today = timezone.localdate()
    factories.seed(region_a, manager_a1, 2, factories.products(2))
    region_results_refresh(region_a, today)
    drafted = factories.plan_with_targets(region_a, director, manager_a1, manager_a2, period="2027",
                                          as_of=today - dt.timedelta(days=40))
    Plan.objects.create(region=region_a, period="2028", as_of=today)
    # the region is being judged again by another worker: the stored results are the previous ones
    region_a.results_stale()
    Region.objects.filter(pk=region_a.pk).update(results_claimed_at=timezone.now())
    notice = "正在按最新数据重新计算本区域的分析"
    client = client_for(director)
    assert notice in client.get("/r/A/plans/2028/document/").content.decode()
    page = client.get("/r/A/plans/2027/document/").content.decode()
    assert notice not in page and f"分析基准日 {drafted.as_of.isoformat()}" in page
