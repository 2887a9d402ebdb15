"""The plan pages: a region's plans, a plan's 职责确认, targets and 提交前还需完成, as each persona sees them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Product
from planning import plan_services as services
from planning import revenue
from planning.models import Indicator, Plan, PlanIndicator, Target, TargetPart
from tests.html_forms import form_posting_to, htmx_swaps

HTMX = {"HX-Request": "true"}


@pytest.fixture
def plan(region_a):
    return services.plan_create(region=region_a, period="2027", today=dt.date(2026, 11, 29))


def _url(name, plan=None, **kwargs):
    if plan is None:
        return reverse(name, kwargs={"region": "A", **kwargs})
    return reverse(name, kwargs={"region": plan.region.code, "period": plan.period, **kwargs})


def _complete(plan, manager):
    for family in ("finance", "image", "management", "market"):
        services.plan_indicator_confirm(plan=plan, indicator=Indicator.objects.filter(family=family).first(),
                                        confirmed=True)
    for family in ("growth", "satisfaction", "management"):
        services.target_add(plan=plan, family=family, name=f"{family} 目标", value="1", unit="个")
    # 财务贡献: the region's revenue target, decomposed to the fen and signed by its one manager
    target = revenue.total_set(plan=plan, value="1000.00")
    TargetPart.objects.create(target=target, manager=manager, product=Product.objects.create(
        code="PLAN-P", name="专线", series="数据"), month=dt.date(int(plan.period[:4]), 1, 1), amount=Decimal("1000.00"))
    revenue.sign(plan=plan, manager=manager)


# --- the list and creating a plan --------------------------------------------------------------------


def test_the_director_creates_a_plan_on_the_list_and_lands_on_it(client_for, director, region_a):
    client = client_for(director)
    page = client.get(_url("plans")).content.decode()
    form = form_posting_to(page, _url("plans"))
    response = client.post(_url("plans"), form.post(period="2027H1"))
    assert response.status_code == 302 and response["Location"] == _url("plan", Plan(region=region_a, period="2027H1"))
    plan = Plan.objects.get(region=region_a)
    assert (plan.period, plan.as_of, plan.status) == ("2027H1", timezone.localdate(), "draft")
    listed = client.get(_url("plans")).content.decode()
    assert "2027H1" in listed and "草稿" in listed


def test_a_bad_or_duplicate_period_shows_the_message_on_the_list_and_writes_nothing(client_for, director, plan):
    client = client_for(director)
    response = client.post(_url("plans"), {"period": "2027Q1", "copy_from": ""})
    assert response.status_code == 400
    assert "计划期“2027Q1”无效：应为年度（如 2027）或半年（如 2027H1、2027H2）" in response.content.decode()
    response = client.post(_url("plans"), {"period": "2027", "copy_from": ""})
    assert response.status_code == 400 and "计划期 2027 的营销计划已经存在" in response.content.decode()
    assert Plan.objects.count() == 1


def test_a_new_plan_starts_as_a_copy_of_the_latest_on_the_form(client_for, director, plan):
    services.target_add(plan=plan, family="growth", name="新增客户", value="12", unit="个")
    client = client_for(director)
    form = form_posting_to(client.get(_url("plans")).content.decode(), _url("plans"))
    assert form.data["copy_from"] == ["2027"]
    client.post(_url("plans"), form.post(period="2028"))
    assert list(Target.objects.filter(plan__period="2028").values_list("name", flat=True)) == ["新增客户"]
    client.post(_url("plans"), form.post(period="2029", copy_from=""))
    assert not Target.objects.filter(plan__period="2029").exists()


def test_the_executive_lists_only_submitted_and_approved_plans(client_for, executive, region_a, plan):
    for period, status in (("2026", "approved"), ("2026H2", "submitted"), ("2026H1", "returned")):
        Plan.objects.create(region=region_a, period=period, as_of=dt.date(2025, 11, 1), status=status)
    page = client_for(executive).get(_url("plans")).content.decode()
    assert "/plans/2026H2/" in page and "/plans/2026/" in page
    assert "/plans/2027/" not in page and "/plans/2026H1/" not in page
    assert "新建计划" not in page


def test_only_the_director_creates_plans(client_for, manager_a1, executive, region_a):
    for user in (manager_a1, executive):
        assert client_for(user).post(_url("plans"), {"period": "2027"}).status_code == 404
    assert not Plan.objects.exists()


# --- the plan page ------------------------------------------------------------------------------------


def test_the_plan_page_shows_the_four_categories_and_what_blocks_submission(client_for, director, plan):
    page = client_for(director).get(_url("plan", plan)).content.decode()
    assert "基期 2025-11 至 2026-10" in page
    for label in ("财务类", "形象类", "管理类", "市场类", "区域整体资费贡献", "客户满意度比率"):
        assert label in page
    assert "提交前还需完成" in page and "市场类还没有确认的指标" in page and "客户增长还没有目标" in page


def test_a_complete_plan_shows_no_blockers(client_for, director, manager_a1, plan):
    _complete(plan, manager_a1)
    assert "提交前还需完成" not in client_for(director).get(_url("plan", plan)).content.decode()


def test_the_director_confirms_an_indicator_with_one_click_and_names_its_responsible(client_for, director,
                                                                                    manager_a1, plan):
    client = client_for(director)
    indicator = Indicator.objects.get(family="market", name="新项目增量")
    confirm = _url("plan_indicator_confirm", plan, pk=indicator.pk)
    form = form_posting_to(client.get(_url("plan", plan)).content.decode(), confirm)
    response = client.post(confirm, form.post(), headers=HTMX)
    assert response.status_code == 200 and 'id="plan-indicators"' in response.content.decode()
    assert "<html" not in response.content.decode()
    # the answer carries 提交前还需完成 as it now is
    assert "市场类还没有确认的指标" not in response.content.decode()
    assert "财务类还没有确认的指标" in response.content.decode()
    responsible = _url("plan_indicator_responsible", plan, pk=indicator.pk)
    form = form_posting_to(response.content.decode(), responsible)
    assert client.post(responsible, form.post(responsible=str(manager_a1.pk))).status_code == 302
    assert PlanIndicator.objects.get(plan=plan).responsible == manager_a1
    form = form_posting_to(client.get(_url("plan", plan)).content.decode(), confirm)
    assert form.data["confirmed"] == ["0"]  # the same button now unconfirms
    client.post(confirm, form.post())
    assert not PlanIndicator.objects.exists()


def test_a_responsible_person_from_another_region_is_refused(client_for, director, manager_b, plan):
    indicator = Indicator.objects.filter(family="image").first()
    services.plan_indicator_confirm(plan=plan, indicator=indicator, confirmed=True)
    response = client_for(director).post(_url("plan_indicator_responsible", plan, pk=indicator.pk),
                                         {"responsible": str(manager_b.pk)})
    assert response.status_code == 400 and f"{indicator.name}：负责人 {manager_b.pk} 不是本区域的人员" in \
        response.content.decode()
    assert PlanIndicator.objects.get().responsible is None


def test_the_director_adds_edits_and_deletes_a_target(client_for, director, plan):
    client = client_for(director)
    add = _url("plan_target_add", plan)
    form = form_posting_to(client.get(_url("plan", plan)).content.decode(), add)
    indicator = Indicator.objects.get(name="区域整体资费贡献")
    assert client.post(add, form.post(family="finance", name="区域整体资费贡献", value="180000000",
                                      indicator=str(indicator.pk))).status_code == 302
    target = Target.objects.get()
    assert (target.family, target.value, target.unit, target.indicator) == ("finance", Decimal("180000000.00"), "元",
                                                                             indicator)
    edit = _url("plan_target_edit", plan, pk=target.pk)
    form = form_posting_to(client.get(_url("plan", plan)).content.decode(), edit)
    assert client.post(edit, form.post(value="190000000")).status_code == 302
    target.refresh_from_db()
    assert (target.value, target.version, target.indicator) == (Decimal("190000000.00"), 1, indicator)
    assert client.post(_url("plan_target_delete", plan, pk=target.pk)).status_code == 302
    assert not Target.objects.exists()


def test_a_negative_target_is_refused_with_a_clear_message_and_the_form_kept(client_for, director, plan):
    response = client_for(director).post(_url("plan_target_add", plan),
                                         {"family": "growth", "name": "新增客户", "value": "-5", "unit": "个"})
    page = response.content.decode()
    assert response.status_code == 400 and "客户增长“新增客户”：目标值 -5 不能为负数" in page
    assert 'value="-5"' in page
    assert not Target.objects.exists()


def test_a_stale_target_form_answers_409_with_the_fresh_targets_naming_the_change(client_for, director, plan):
    target = services.target_add(plan=plan, family="growth", name="新增客户", value="10", unit="个")
    client = client_for(director)
    page = client.get(_url("plan", plan)).content.decode()
    edit = _url("plan_target_edit", plan, pk=target.pk)
    form = form_posting_to(page, edit)
    services.target_save(target=target, name="新增客户", value="20", unit="个", indicator=None, version=0)
    response = client.post(edit, form.post(name="新增大客户"), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 409 and htmx_swaps(page, 409)
    assert "客户增长“新增客户”：此记录已被他人修改：目标值 现为 20。" in body and 'id="plan-targets"' in body
    target.refresh_from_db()
    assert (target.name, target.value) == ("新增客户", Decimal("20.00"))


def test_the_executive_never_sees_a_draft_but_reads_a_submitted_plan(client_for, executive, plan):
    client = client_for(executive)
    assert client.get(_url("plan", plan)).status_code == 404
    Plan.objects.filter(pk=plan.pk).update(status="submitted")
    services_target = Target.objects.create(plan=plan, family="growth", name="新增客户", value=Decimal("3"), unit="个")
    page = client.get(_url("plan", plan)).content.decode()
    assert services_target.name in page and 'id="plan-indicators"' in page and "添加目标" not in page
    assert client.post(_url("plan_target_edit", plan, pk=services_target.pk),
                       {"name": "x", "value": "1", "unit": "个", "version": "0"}).status_code == 404


def test_a_manager_sees_only_their_own_targets_in_a_draft(client_for, manager_a1, manager_a2, plan):
    own = Target.objects.create(plan=plan, family="finance", name="区域整体资费贡献", value=Decimal("100"), unit="元")
    TargetPart.objects.create(target=own, manager=manager_a1, amount=Decimal("60"))
    Target.objects.create(plan=plan, family="growth", name="新增客户", value=Decimal("3"), unit="个")
    page = client_for(manager_a1).get(_url("plan", plan)).content.decode()
    assert "区域整体资费贡献" in page and "新增客户" not in page
    assert 'id="plan-indicators"' not in page and "提交前还需完成" not in page and "添加目标" not in page
    page = client_for(manager_a2).get(_url("plan", plan)).content.decode()
    assert "区域整体资费贡献" not in page
    response = client_for(manager_a1).post(_url("plan_target_delete", plan, pk=own.pk))
    assert response.status_code == 404 and Target.objects.filter(pk=own.pk).exists()


def test_the_plan_page_reads_in_a_constant_number_of_queries(client_for, director, manager_a1, plan,
                                                             django_assert_num_queries):
    _complete(plan, manager_a1)
    for n in range(30):
        services.target_add(plan=plan, family="growth", name=f"目标{n}", value="1", unit="个")
    client = client_for(director)
    client.get(_url("plan", plan))
    # session, user, region, plan; the catalogue, targets with their indicators, confirmed indicators with
    # their responsible, the facts (categories, families, and the revenue decomposition's 10: its
    # target, parts, managers, signatures, handed-down targets …), the region's people, the navigation's regions
    with django_assert_num_queries(21):
        assert client.get(_url("plan", plan)).status_code == 200


def test_the_navigation_leads_to_the_plans(client_for, executive, region_a):
    page = client_for(executive).get(reverse("region_home", kwargs={"region": "A"})).content.decode()
    assert f'href="{_url("plans")}"' in page and "营销计划" in page


def test_an_indicator_renamed_in_the_admin_shows_on_the_plan_page(client, administrator, client_for, director,
                                                                  plan):
    indicator = Indicator.objects.get(name="品牌知名度比率")
    client.force_login(administrator)
    response = client.post(f"/admin/planning/indicator/{indicator.pk}/change/",
                           {"family": "image", "name": "品牌知名度", "order": indicator.order})
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).name == "品牌知名度"
    page = client_for(director).get(_url("plan", plan)).content.decode()
    assert "品牌知名度</button>" in page and "品牌知名度比率" not in page
