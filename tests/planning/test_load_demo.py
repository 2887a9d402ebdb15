"""load_demo builds the demo region and its logins, and never changes an
account it did not create."""

import io

import pytest
from django.core.management import CommandError, call_command

from customers.models import Competitor, Customer
from teams.models import Region, Role, User

from tests.conftest import make_region


def load_demo(plans: bool = False) -> tuple[str, str]:
    """The demo (its plans only when asked: approving renders a PDF)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("load_demo", customers=12, projects=10, plans=plans, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_on_an_empty_database_every_demo_login_works_with_the_demo_password(db):
    out, err = load_demo()
    demo = Region.objects.get(code="DEMO")
    expected = {"director": (Role.DIRECTOR, "张伟", ["DEMO"]), "manager1": (Role.MANAGER, "李娜", ["DEMO"]),
                "manager4": (Role.MANAGER, "陈静", ["DEMO"]), "executive": (Role.EXECUTIVE, "赵总", [])}
    for username, (role, name, regions) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.display_name, [r.code for r in user.regions.all()]) == (role, name, regions)
        assert user.check_password("demo1234"), username
    assert Customer.objects.filter(region=demo, owner__username="manager1").exists()
    assert "director   张伟  大客户部主任 director" in out and "已存在" not in out
    assert err == ""


def test_an_existing_account_named_like_a_demo_user_keeps_its_password_and_role(db):
    mine = User.objects.create_user(username="director", password="Mine-X-2027", role=Role.EXECUTIVE,
                                    display_name="真正的领导")
    out, err = load_demo()
    mine.refresh_from_db()
    assert mine.check_password("Mine-X-2027")
    assert (mine.role, mine.display_name, list(mine.regions.all())) == (Role.EXECUTIVE, "真正的领导", [])
    assert "警告：账号 director 已存在（角色：公司领导），不是演示区域的大客户部主任；load_demo 未改动它" in err
    assert "director   张伟  大客户部主任 director  （账号已存在，未改动" in out
    # the other demo accounts were created as usual
    assert User.objects.get(username="manager2").check_password("demo1234")


def test_running_it_again_resets_no_password_nor_name(db):
    load_demo()
    manager = User.objects.get(username="manager1")
    manager.set_password("Chosen-by-Li-Na")
    manager.display_name = "李娜（华东）"
    manager.save()
    director = User.objects.get(username="director")
    director.set_password("Chosen-by-Zhang-Wei")
    director.save()
    out, err = load_demo()
    manager.refresh_from_db()
    director.refresh_from_db()
    assert manager.check_password("Chosen-by-Li-Na") and manager.display_name == "李娜（华东）"
    assert director.check_password("Chosen-by-Zhang-Wei") and director.role == Role.DIRECTOR
    assert err == ""  # a previous run's accounts are demo accounts: no warning
    assert out.count("（账号已存在，未改动") == 6


def test_a_manager_name_taken_by_another_regions_user_stops_it_before_anything_is_written(db):
    other = make_region("B", "华北二区")
    theirs = User.objects.create_user(username="manager3", password="Theirs-2027", role=Role.MANAGER)
    theirs.regions.add(other)
    with pytest.raises(CommandError, match="账号 manager3 已存在，但不是演示区域 DEMO 的客户经理"):
        load_demo()
    assert not Region.objects.filter(code="DEMO").exists()
    assert list(User.objects.values_list("username", flat=True)) == ["manager3"]
    theirs.refresh_from_db()
    assert theirs.check_password("Theirs-2027") and [r.code for r in theirs.regions.all()] == ["B"]


def test_a_manager_without_a_region_is_not_pulled_into_the_demo(db):
    User.objects.create_user(username="manager2", password="Theirs-2027", role=Role.MANAGER)
    with pytest.raises(CommandError, match="manager2"):
        load_demo()
    assert not User.objects.get(username="manager2").regions.exists()


def test_demo_customers_have_needs_texts_and_some_lack_one_for_the_directors_check(db):
    load_demo()
    customers = list(Customer.objects.filter(region__code="DEMO"))
    complete = [c for c in customers if c.decider_needs and c.company_needs and c.industry_needs]
    assert len(customers) == 12 and 0 < len(complete) < 12
    bank = next(c for c in complete if c.industry == "金融")
    assert "同城双活" in bank.decider_needs and "灾备" in bank.company_needs and "监管" in bank.industry_needs
    assert all(c.procurement_procedure for c in complete)
    assert all(c.needs_version == 0 for c in customers)


def test_running_it_again_keeps_needs_someone_wrote(db):
    load_demo()
    Customer.objects.filter(region__code="DEMO", code="C0001").update(
        decider_needs="我写的", company_needs="", industry_needs="", procurement_procedure="")
    load_demo()
    c1 = Customer.objects.get(region__code="DEMO", code="C0001")
    assert (c1.decider_needs, c1.company_needs, c1.procurement_procedure) == ("我写的", "", "")


def test_demo_competitors_have_a_goal_a_reaction_profile_and_trends(db):
    load_demo()
    first = Competitor.objects.get(region__code="DEMO", product_series="数据业务", rank=1)
    assert (first.get_goal_display(), first.get_reaction_display()) == ("长期市场", "凶猛")
    assert first.goal_note and first.reaction_note
    assert first.trend_product and first.trend_operation and first.trend_organisation
    third = Competitor.objects.get(region__code="DEMO", product_series="数据业务", rank=3)
    assert (third.goal, third.reaction) == ("short_term_profit", "laid_back")


def test_this_years_plan_is_approved_with_its_pdf_and_next_years_draft_is_ready_to_submit(db):
    from django.utils import timezone
    from pypdf import PdfReader

    from planning import plan_selectors, revenue, rules
    from planning.document import SECTIONS
    from planning.models import Plan, PlanStatus

    out, _ = load_demo(plans=True)
    today = timezone.localdate()
    current = Plan.objects.get(region__code="DEMO", period=str(today.year))
    version = current.approved_version
    assert (current.status, version.number, version.status, current.as_of.isoformat()) == (
        PlanStatus.APPROVED, 1, PlanStatus.APPROVED, f"{today.year - 1}-12-01")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(version.pdf))).pages)
    assert "演示区域" in text and all(str(title) in text for _, title in SECTIONS)
    assert f"{today.year} 年营销计划已批准（第 1 版" in out

    plan = Plan.objects.get(region__code="DEMO", period=str(today.year + 1))
    assert plan.status == PlanStatus.DRAFT and plan.as_of == today
    assert rules.submission_blockers(plan_selectors.plan_facts(plan)) == []
    grid = revenue.decomposition(plan, with_suggestion=False)
    assert grid.total > 0 and grid.parts_sum == grid.total
    assert {u.username: state for u, (state, _) in grid.signatures.items()} == {
        "manager1": "valid", "manager2": "valid", "manager3": "valid", "manager4": "valid"}
    assert all(plan.sections.get(key) for key, _ in SECTIONS)
    # a re-run leaves both plans, and the approved PDF, as they are
    pdf = bytes(version.pdf)
    load_demo(plans=True)
    assert Plan.objects.filter(region__code="DEMO").count() == 2
    assert Plan.objects.get(pk=plan.pk).updated_at == plan.updated_at
    version.refresh_from_db()
    assert bytes(version.pdf) == pdf
