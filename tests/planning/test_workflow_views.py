"""The workflow's pages (planning.workflow_views): moves posted from the
plan page, the versions, a frozen version, the comparison, the executives'
all-regions page and 待办."""

import pytest

from planning import workflow
from planning.models import Plan, PlanVersion
from teams.models import Region
from tests.conftest import make_region, make_user
from tests.planning.workflow_world import ready_plan


# Approving queues the version's PDF for the worker; these tests are about the workflow.
pytestmark = pytest.mark.usefixtures("queued_tasks")

@pytest.fixture
def plan(region_a, manager_a1):
    return ready_plan(region_a, manager_a1)


def test_director_submits_from_the_plan_page(client, plan, director):
    client.force_login(director)
    page = client.get("/r/A/plans/2027/").content.decode()
    assert "提交审批" in page and 'action="/r/A/plans/2027/submit/"' in page
    response = client.post("/r/A/plans/2027/submit/")
    assert response.status_code == 302 and Plan.objects.get().status == "submitted"


def test_a_refused_submission_shows_its_reasons(client, region_a, director):
    Plan.objects.create(region=region_a, period="2028", as_of="2026-11-27")
    client.force_login(director)
    response = client.post("/r/A/plans/2028/submit/")
    assert response.status_code == 400
    assert "计划 2028 还不能提交" in response.content.decode() and not PlanVersion.objects.exists()


def test_executive_returns_with_comments_and_the_director_reads_them(client, plan, director, executive):
    workflow.plan_submit(plan=plan, user=director)
    client.force_login(executive)
    page = client.get("/r/A/plans/2027/").content.decode()
    assert 'formaction="/r/A/plans/2027/return/"' in page and 'name="section_swot"' in page
    response = client.post("/r/A/plans/2027/return/", {"comment": "", "section_swot": "x"})
    assert response.status_code == 400 and "退回计划时请填写总体批示" in response.content.decode()
    response = client.post("/r/A/plans/2027/return/", {"comment": "目标偏低", "section_swot": "再想想"})
    assert Plan.objects.get().status == "returned"
    # the returned plan is a draft again, which executives never see: they land on the version they returned
    assert response.status_code == 302 and response.url == "/r/A/plans/2027/versions/1/"
    assert client.get("/r/A/plans/2027/").status_code == 404
    assert "再想想" in client.get(response.url).content.decode()
    client.force_login(director)
    page = client.get("/r/A/plans/2027/").content.decode()
    assert "目标偏低" in page
    version = client.get("/r/A/plans/2027/versions/1/").content.decode()
    assert 'id="comment-swot"' in version and "再想想" in version and 'id="section-summary"' in version


def test_executive_approves_and_the_director_revises(client, plan, director, executive):
    workflow.plan_submit(plan=plan, user=director)
    client.force_login(executive)
    response = client.post("/r/A/plans/2027/approve/", {"comment": "同意"})
    # the version approved, with its PDF's link
    assert response.status_code == 302 and response.url == "/r/A/plans/2027/versions/1/"
    assert 'href="/r/A/plans/2027/versions/1/pdf/"' in client.get(response.url).content.decode()
    client.force_login(director)
    assert "修订计划" in client.get("/r/A/plans/2027/").content.decode()
    assert client.post("/r/A/plans/2027/revise/").status_code == 302
    assert Plan.objects.get().status == "draft"
    # the executive never sees the revision's draft: the approved version instead
    client.force_login(executive)
    response = client.get("/r/A/plans/2027/")
    assert response.status_code == 302 and response["Location"] == "/r/A/plans/2027/versions/1/"


def test_compare_shows_what_changed_since_the_previous_submission(client, plan, director, executive):
    workflow.plan_submit(plan=plan, user=director)
    workflow.plan_return(plan=plan, user=executive, comment="改")
    Plan.objects.filter(pk=plan.pk).update(sections={"summary": "新写的摘要"})
    plan.refresh_from_db()
    workflow.plan_submit(plan=plan, user=director)
    client.force_login(executive)
    page = client.get("/r/A/plans/2027/versions/2/compare/").content.decode()
    assert "新写的摘要" in page and 'id="change-summary"' in page
    assert client.get("/r/A/plans/2027/versions/").status_code == 200


def test_overview_puts_waiting_plans_first_and_never_shows_drafts(client, django_assert_num_queries, plan,
                                                                  region_a, region_b, director, executive):
    region_c = make_region("C", "丙区")
    workflow.plan_submit(plan=plan, user=director)
    Plan.objects.create(region=region_b, period="2027", as_of="2026-11-27", sections={"summary": "草稿秘密"})
    client.force_login(executive)
    client.get("/plans/overview/")  # warm the session
    # session, user, periods, regions, plans (with approved versions), submitted versions, the menu's regions
    with django_assert_num_queries(7):
        response = client.get("/plans/overview/")
    page = response.content.decode()
    order = [page.index(f'id="overview-{code}"') for code in ("A", "B", "C")]
    assert order == sorted(order)
    assert "待批准" in page and "编写中" in page and "尚无计划" in page and "草稿秘密" not in page
    assert "/r/A/plans/2027/summary/" in page and "/r/A/plans/2027/versions/1/pdf/" in page
    assert region_c.code == "C"


def test_overview_query_count_does_not_grow_with_regions(client, django_assert_num_queries, executive, director):
    for i in range(5):
        region = make_region(f"R{i}", f"区{i}")
        manager = make_user(f"m{i}", "manager", region)
        p = ready_plan(region, manager)
        workflow.plan_submit(plan=p, user=make_user(f"d{i}", "director", region))
    client.force_login(executive)
    client.get("/plans/overview/")
    with django_assert_num_queries(7):  # the same seven with five regions
        assert client.get("/plans/overview/").status_code == 200
    assert Region.objects.count() == 6  # region A of the director, and five


def test_todo_is_a_fragment_and_a_page(client, plan, director, executive):
    workflow.plan_submit(plan=plan, user=director)
    client.force_login(executive)
    fragment = client.get("/todo/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="todo"') and "营销计划待批准" in fragment
    assert "<html" in client.get("/todo/").content.decode()
    assert 'hx-get="/todo/"' in client.get("/", follow=True).content.decode()


def test_a_submitted_plans_decomposition_shows_no_forms(client, plan, director, executive):
    client.force_login(director)
    assert "/revenue/adopt/" in client.get("/r/A/plans/2027/revenue/").content.decode()
    workflow.plan_submit(plan=plan, user=director)
    for user in (director, executive):
        client.force_login(user)
        page = client.get("/r/A/plans/2027/revenue/").content.decode()
        assert "/revenue/adopt/" not in page and "/revenue/total/" not in page and "/revenue/row/" not in page
