"""Projects without a workbook: 新建项目 (/r/<region>/projects/new/), edited
(…/projects/<code>/edit/) at their version, closed (…/close/) as 赢单, 丢单
or 放弃 with a reason — each keeping the region scope and the funnel's
stored results right."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Competitor, Contact, Customer, Product
from pipeline import services
from pipeline.models import Project, ProjectStanding, Status, WeeklySnapshot
from pipeline.rules import project_code_editable
from pipeline.standings import results_ensure
from teams.models import Region
from tests.html_forms import form_posting_to
from tsm.lib.versions import StaleEdit

HX = {"HX-Request": "true"}
NEW = "/r/A/projects/new/"
EDIT = "/r/A/projects/X1/edit/"
CLOSE = "/r/A/projects/X1/close/"
TODAY = timezone.localdate()


@pytest.fixture
def book(region_a, region_b, manager_a1, manager_a2):
    """C1 (manager_a1) with two contacts and open project X1 (E1 ticked); C2
    (manager_a2) with a contact and Y1; a competitor in each region."""
    p1 = Product.objects.create(code="P1", name="专线", series="数据")
    p2 = Product.objects.create(code="P2", name="云主机", series="云")
    c1 = Customer.objects.create(region=region_a, code="C1", name="华信物流", owner=manager_a1)
    c2 = Customer.objects.create(region=region_a, code="C2", name="东方银行", owner=manager_a2)
    wang = Contact.objects.create(customer=c1, name="王总", title="总经理", roles=["decider"])
    li = Contact.objects.create(customer=c1, name="李工", roles=["user"])
    zhang = Contact.objects.create(customer=c2, name="张三", roles=["decider"])
    rival = Competitor.objects.create(region=region_a, name="对手甲", product_series="数据", rank=1)
    far = Competitor.objects.create(region=region_b, name="对手乙", product_series="数据", rank=1)
    x1 = Project.objects.create(region=region_a, code="X1", name="专线扩容", customer=c1, product=p1, owner=manager_a1,
                                amount=Decimal("250000"), expected_close=TODAY + dt.timedelta(days=30),
                                evidence=["E1"])
    x1.contacts.add(wang)
    Project.objects.create(region=region_a, code="Y1", name="银行上云", customer=c2, product=p2, owner=manager_a2,
                           amount=Decimal("80000"), expected_close=TODAY + dt.timedelta(days=100))
    results_ensure(region_a, TODAY)
    return {"p1": p1, "p2": p2, "c1": c1, "c2": c2, "wang": wang, "li": li, "zhang": zhang, "rival": rival,
            "far": far, "x1": x1}


def _values(book, **changes):
    values = {"code": "X9", "name": "语音改造", "customer": book["c1"], "product": book["p1"],
              "owner": book["c1"].owner, "amount": Decimal("120000"), "expected_close": TODAY + dt.timedelta(days=90),
              "tariff_effect": "increase", "kill_degree": "high", "competitors": [book["rival"]],
              "contacts": [book["li"]]}
    return values | changes


def _project(code="X1"):
    return Project.objects.select_related("region", "customer").get(code=code)


def _edit_values(project, **changes):
    values = {"code": project.code, "name": project.name, "customer": project.customer, "product": project.product,
              "owner": project.owner, "amount": project.amount, "expected_close": project.expected_close,
              "tariff_effect": project.tariff_effect, "kill_degree": project.kill_degree,
              "competitors": list(project.competitors.all()), "contacts": list(project.contacts.all())}
    return values | changes


# --- the code rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("evidence", "snapshots", "editable", "reason"), [
    (0, 0, True, "该项目还没有赢率证据和周更新，项目编码可以修改"),
    (1, 0, False, "该项目已有 1 项赢率证据：项目编码是导入文件匹配项目的依据，有数据后不能再修改"),
    (0, 2, False, "该项目已有 2 次周更新：项目编码是导入文件匹配项目的依据，有数据后不能再修改"),
    (3, 1, False, "该项目已有 3 项赢率证据、1 次周更新：项目编码是导入文件匹配项目的依据，有数据后不能再修改"),
])
def test_a_projects_code_is_editable_only_while_it_has_no_history(evidence, snapshots, editable, reason):
    verdict = project_code_editable(evidence=evidence, snapshots=snapshots)
    assert (verdict.value, verdict.reason) == (editable, reason)


# --- create ------------------------------------------------------------------------------------------------------


def test_a_new_project_is_stored_with_its_links_and_judged_into_the_funnel(book, region_a, manager_a1):
    project = services.project_create(region=region_a, by=manager_a1, **_values(book))
    stored = Project.objects.get(pk=project.pk)
    assert (stored.code, stored.name, stored.status, stored.owner, stored.amount, stored.version) == (
        "X9", "语音改造", Status.OPEN, manager_a1, Decimal("120000.00"), 0)
    assert list(stored.competitors.all()) == [book["rival"]] and list(stored.contacts.all()) == [book["li"]]
    standing = ProjectStanding.objects.get(project=stored)
    assert (standing.category, standing.owner, standing.amount, standing.win_rate) == (
        "strategic", manager_a1, Decimal("120000.00"), 0)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "X1"}, "code", "本区域已有编码为“X1”的项目：专线扩容"),
    ({"code": "X/9"}, "code", "项目编码不能包含“/”（它是项目页面地址的一部分）"),
    ({"code": " "}, "code", "请填写项目编码"),
    ({"name": ""}, "name", "请填写项目名称"),
    ({"amount": Decimal("-1")}, "amount", "项目金额不能为负数（现为 -1）"),
    ({"expected_close": None}, "expected_close", "请填写预计签约日期"),
    ({"tariff_effect": "more"}, "tariff_effect", "未知的资费影响“more”"),
    ({"contacts": "zhang"}, "contacts", "联系人不属于客户“华信物流”：张三"),
    ({"competitors": "far"}, "competitors", "竞争对手不属于本区域：对手乙"),
    ({"owner": "manager_b"}, "owner", "“manager_b”不是本区域的客户经理"),
])
def test_a_bad_project_is_refused_naming_the_field_and_nothing_is_written(
        book, region_a, director, manager_b, changes, field, message):
    if changes.get("contacts") == "zhang":
        changes = {"contacts": [book["zhang"]]}
    elif changes.get("competitors") == "far":
        changes = {"competitors": [book["far"]]}
    elif changes.get("owner") == "manager_b":
        changes = {"owner": manager_b}
    count, version = Project.objects.count(), Region.objects.get(pk=region_a.pk).data_version
    with pytest.raises(ValidationError) as refused:
        services.project_create(region=region_a, by=director, **_values(book, **changes))
    assert refused.value.message_dict == {field: [message]}
    assert Project.objects.count() == count and Region.objects.get(pk=region_a.pk).data_version == version


def test_a_manager_adds_projects_only_to_their_own_customers_and_keeps_them(book, region_a, manager_a1, manager_a2):
    with pytest.raises(ValidationError) as refused:
        services.project_create(region=region_a, by=manager_a1, **_values(book, customer=book["c2"], contacts=[]))
    assert refused.value.message_dict == {"customer": ["只能为自己负责的客户建项目：“东方银行”由 manager_a2 负责"]}
    with pytest.raises(ValidationError) as refused:
        services.project_create(region=region_a, by=manager_a1, **_values(book, owner=manager_a2))
    assert refused.value.message_dict == {"owner": ["客户经理不能把项目交给他人负责，请大客户部主任调整"]}
    assert not Project.objects.filter(code="X9").exists()


# --- edit --------------------------------------------------------------------------------------------------------


def test_an_edit_is_stored_moves_the_version_and_the_funnel_follows(book, manager_a1):
    project = _project()
    services.project_save(project=project, version=0, by=manager_a1, **_edit_values(
        project, amount=Decimal("900000"), expected_close=TODAY + dt.timedelta(days=5),
        contacts=[book["wang"], book["li"]]))
    stored = Project.objects.get(code="X1")
    assert (stored.amount, stored.version, stored.evidence) == (Decimal("900000.00"), 1, ["E1"])
    assert set(stored.contacts.all()) == {book["wang"], book["li"]}
    standing = ProjectStanding.objects.get(project=stored)
    assert (standing.amount, standing.layer, standing.win_rate) == (Decimal("900000.00"), "bottom", 0)


def test_an_evidence_tick_never_moves_the_version_so_a_form_read_before_it_still_saves(book, manager_a1):
    project = _project()
    services.project_evidence_toggle(project=project, code="E2", ticked=True, user=manager_a1)
    assert Project.objects.get(code="X1").version == 0
    services.project_save(project=_project(), version=0, by=manager_a1, **_edit_values(project, name="专线扩容二期"))
    stored = Project.objects.get(code="X1")
    assert (stored.name, stored.evidence, stored.version) == ("专线扩容二期", ["E1", "E2"], 1)


def test_an_edit_read_before_anothers_is_refused_naming_what_changed(book, director, manager_a1, region_a):
    mine = _project()
    seen = {"amount": mine.amount, "contacts": [book["wang"]], "name": mine.name}
    services.project_save(project=_project(), version=0, by=director, **_edit_values(
        _project(), amount=Decimal("300000"), contacts=[book["wang"], book["li"]]))
    version = Region.objects.get(pk=region_a.pk).data_version
    with pytest.raises(StaleEdit) as refused:
        services.project_save(project=mine, version=0, seen=seen, by=manager_a1,
                              **_edit_values(mine, name="改名", contacts=[book["wang"]]))
    assert refused.value.message == "此记录已被他人修改：项目金额 现为 300,000.00，相关联系人 现为 王总、李工。请核对后再保存。"
    stored = Project.objects.get(code="X1")
    assert (stored.name, stored.amount, stored.version) == ("专线扩容", Decimal("300000.00"), 1)
    assert Region.objects.get(pk=region_a.pk).data_version == version


def test_an_edit_of_a_project_closed_meanwhile_is_refused_naming_its_status(book, manager_a1):
    mine = _project()
    services.project_close(project=_project(), status=Status.WON, reason="签约")
    with pytest.raises(StaleEdit) as refused:
        services.project_save(project=mine, version=0, seen=_edit_values(mine), by=manager_a1,
                              **_edit_values(mine, name="改名"))
    assert refused.value.message == "此记录已被他人修改：状态 现为 赢单。请核对后再保存。"
    assert Project.objects.get(code="X1").name == "专线扩容"


def test_once_it_has_evidence_a_projects_code_is_fixed(book, manager_a1):
    project = _project()
    with pytest.raises(ValidationError) as refused:
        services.project_save(project=project, version=0, by=manager_a1, **_edit_values(project, code="X1B"))
    assert refused.value.message_dict == {
        "code": ["该项目已有 1 项赢率证据：项目编码是导入文件匹配项目的依据，有数据后不能再修改"]}
    Project.objects.filter(code="X1").update(evidence=[])
    WeeklySnapshot.objects.create(project=project, iso_year=2026, iso_week=1, win_rate=0, layer="surface",
                                  amount=project.amount, expected_close=project.expected_close)
    with pytest.raises(ValidationError):
        services.project_save(project=_project(), version=0, by=manager_a1, **_edit_values(project, code="X1B"))
    WeeklySnapshot.objects.all().delete()
    services.project_save(project=_project(), version=0, by=manager_a1, **_edit_values(project, code="X1B"))
    assert Project.objects.filter(code="X1B").exists()


def test_moving_a_project_to_another_customer_needs_that_customers_contacts(book, director):
    project = _project()
    with pytest.raises(ValidationError) as refused:
        services.project_save(project=project, version=0, by=director, **_edit_values(project, customer=book["c2"]))
    assert refused.value.message_dict == {"contacts": ["联系人不属于客户“东方银行”：王总"]}
    services.project_save(project=_project(), version=0, by=director,
                          **_edit_values(project, customer=book["c2"], contacts=[book["zhang"]]))
    assert ProjectStanding.objects.get(project__code="X1").customer == book["c2"]


# --- close ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.WON, Status.LOST, Status.ABANDONED])
def test_a_closed_project_keeps_its_reason_and_owner_and_leaves_the_funnel(book, manager_a1, status):
    lost_to = book["rival"] if status == Status.LOST else None
    services.project_close(project=_project(), status=status, reason="  客户选择了更便宜的方案 ", lost_to=lost_to)
    stored = Project.objects.get(code="X1")
    assert (stored.status, stored.close_reason, stored.lost_to, stored.owner, stored.version) == (
        status, "客户选择了更便宜的方案", lost_to, manager_a1, 1)
    assert stored.closed_at is not None
    assert not ProjectStanding.objects.filter(project=stored).exists()


@pytest.mark.parametrize(("status", "reason", "lost_to", "field", "message"), [
    ("open", "原因", None, "status", "请选择关闭方式：赢单、丢单或放弃"),
    ("won", "  ", None, "reason", "请填写关闭原因"),
    ("won", "签约", "rival", "lost_to", "只有丢单才填写输给的竞争对手"),
    ("lost", "价格", "far", "lost_to", "竞争对手“对手乙”不属于本区域"),
])
def test_a_bad_close_is_refused_naming_the_field_and_nothing_is_written(book, status, reason, lost_to, field,
                                                                        message):
    with pytest.raises(ValidationError) as refused:
        services.project_close(project=_project(), status=status, reason=reason,
                               lost_to=book[lost_to] if lost_to else None)
    assert refused.value.message_dict == {field: [message]}
    stored = Project.objects.get(code="X1")
    assert (stored.status, stored.version) == (Status.OPEN, 0) and ProjectStanding.objects.filter(project=stored).exists()


def test_closing_a_project_someone_closed_meanwhile_is_refused_naming_its_status(book):
    mine = _project()
    services.project_close(project=_project(), status=Status.ABANDONED, reason="客户取消")
    with pytest.raises(StaleEdit) as refused:
        services.project_close(project=mine, status=Status.WON, reason="签约")
    assert refused.value.message == "此记录已被他人修改：状态 现为 放弃。请核对后再保存。"
    assert Project.objects.get(code="X1").close_reason == "客户取消"


# --- the pages ------------------------------------------------------------------------------------------------------


def test_the_funnel_offers_a_new_project_to_those_who_may_add_one(client_for, director, manager_a1, executive, book):
    for user, offered in ((director, True), (manager_a1, True), (executive, False)):
        body = client_for(user).get("/r/A/funnel/").content.decode()
        assert (f'href="{NEW}?next=' in body) is offered, user
        assert (f'href="{EDIT}?next=' in body) is offered, user


def test_a_new_project_from_the_customers_page_starts_with_that_customer_and_its_contacts(
        client_for, manager_a1, book):
    client = client_for(manager_a1)
    page = client.get("/r/A/customers/C1/").content.decode()
    assert f'href="{NEW}?customer=C1&amp;next=' in page
    form = form_posting_to(client.get(NEW, {"customer": "C1"}).content.decode(), NEW)
    assert form.data["customer"] == [str(book["c1"].pk)]
    body = client.get(NEW, {"customer": "C1"}).content.decode()
    assert "王总（总经理）" in body and "李工" in body and "张三" not in body
    # another manager's customer: 404
    assert client.get(NEW, {"customer": "C2"}).status_code == 404


def test_choosing_another_customer_with_htmx_offers_its_contacts(client_for, director, book):
    response = client_for(director).get(NEW, {"customer": book["c2"].pk}, headers=HX)
    body = response.content.decode()
    assert body.lstrip().startswith('<fieldset id="project-contacts">') and "张三" in body and "王总" not in body


def test_the_form_creates_the_project_and_goes_where_it_was_opened_from(client_for, director, book, manager_a1):
    client = client_for(director)
    form = form_posting_to(client.get(NEW, {"customer": "C1", "next": "/r/A/customers/C1/"}).content.decode(), NEW)
    assert form.data["owner"] == [str(manager_a1.pk)]  # the customer's manager by default
    response = client.post(NEW, form.post(code="X9", name="语音改造", product=str(book["p1"].pk), amount="120000",
                                          expected_close=(TODAY + dt.timedelta(days=90)).isoformat(),
                                          kill_degree="high", contacts=[str(book["li"].pk)]))
    assert response.status_code == 302 and response["Location"] == "/r/A/customers/C1/"
    project = Project.objects.get(code="X9")
    assert (project.owner, list(project.contacts.all())) == (manager_a1, [book["li"]])
    assert "已新建项目“语音改造”（X9），战略类：资费增加、杀伤度高" in client.get(response["Location"]).content.decode()


def test_a_suicide_project_is_created_only_once_confirmed_after_the_warning(client_for, manager_a1, book):
    client = client_for(manager_a1)
    form = form_posting_to(client.get(NEW, {"customer": "C1"}).content.decode(), NEW)
    data = form.post(code="X9", name="降价保客", product=str(book["p1"].pk), amount="50000",
                     expected_close=(TODAY + dt.timedelta(days=20)).isoformat(), tariff_effect="decrease",
                     kill_degree="low")
    response = client.post(NEW, data)
    body = response.content.decode()
    assert response.status_code == 400 and not Project.objects.filter(code="X9").exists()
    assert "自杀类：资费减少、杀伤度低。注意：资费减少而对对手杀伤不大，请慎重立项。如确需立项，请勾选“仍按自杀类立项”后再保存。" in body
    confirmed = form_posting_to(body, NEW).post(confirm_category="on")
    assert client.post(NEW, confirmed).status_code == 302
    assert Project.objects.get(code="X9").owner == manager_a1


def test_a_manager_cannot_post_a_project_on_anothers_customer(client_for, manager_a1, book):
    client = client_for(manager_a1)
    form = form_posting_to(client.get(NEW).content.decode(), NEW)
    response = client.post(NEW, form.post(code="X9", name="偷建", customer=str(book["c2"].pk),
                                          product=str(book["p1"].pk), amount="1",
                                          expected_close=TODAY.isoformat()))
    assert response.status_code == 400 and "所选客户不在你可以建项目的客户之中" in response.content.decode()
    assert not Project.objects.filter(code="X9").exists()


@pytest.mark.parametrize("url", [EDIT, CLOSE])
def test_a_manager_cannot_edit_or_close_anothers_project(client_for, manager_a2, book, url):
    client = client_for(manager_a2)
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改名", "status": "won", "reason": "x", "version": "0"}).status_code == 404
    stored = Project.objects.get(code="X1")
    assert (stored.name, stored.status) == ("专线扩容", Status.OPEN)


def test_the_edit_page_saves_and_a_stale_one_answers_409_with_the_project_as_it_is_now(
        client_for, director, manager_a1, book):
    page = client_for(director).get(EDIT).content.decode()
    mine = form_posting_to(page, EDIT)
    assert mine.data["version"] == ["0"] and "code" not in mine.data  # read-only: E1 is ticked
    assert "该项目已有 1 项赢率证据：项目编码是导入文件匹配项目的依据，有数据后不能再修改" in page
    theirs = client_for(manager_a1)
    form = form_posting_to(theirs.get(EDIT).content.decode(), EDIT)
    assert "owner" not in form.data  # a manager cannot hand the project to someone else
    assert theirs.post(EDIT, form.post(amount="300000")).status_code == 302
    response = client_for(director).post(EDIT, mine.post(name="专线扩容二期"))
    body = response.content.decode()
    assert response.status_code == 409 and "此记录已被他人修改：项目金额 现为 300,000.00。请核对后再保存。" in body
    fresh = form_posting_to(body, EDIT)
    assert fresh.data["version"] == ["1"] and fresh.data["amount"] == ["300000.00"]
    assert Project.objects.get(code="X1").name == "专线扩容"


def test_bad_input_on_the_edit_page_shows_the_message_and_writes_nothing(client_for, director, book):
    client = client_for(director)
    form = form_posting_to(client.get(EDIT).content.decode(), EDIT)
    response = client.post(EDIT, form.post(amount="-5", expected_close="明天"))
    body = response.content.decode()
    assert response.status_code == 400 and "项目金额不能为负数" in body and "预计签约日期应为 YYYY-MM-DD" in body
    assert Project.objects.get(code="X1").version == 0


def test_the_close_page_closes_it_as_lost_to_a_competitor_and_the_customer_page_lists_it(
        client_for, director, book):
    client = client_for(director)
    form = form_posting_to(client.get(CLOSE).content.decode(), CLOSE)
    response = client.post(CLOSE, form.post(status="lost", reason="对手降价三成", lost_to=str(book["rival"].pk)))
    assert response.status_code == 302 and response["Location"] == "/r/A/customers/C1/"
    assert "项目“专线扩容”已关闭：丢单" in client.get(response["Location"]).content.decode()
    panel = client.get("/r/A/customers/C1/projects/", headers=HX).content.decode()
    closed = panel.split("已关闭的项目")[1]
    assert "X1" in closed and "丢单" in closed and "对手降价三成" in closed and "对手甲" in closed
    assert client.get(CLOSE).status_code == 404  # closed: it has left the funnel
    assert client.get(EDIT).status_code == 404


def test_a_close_without_a_reason_is_refused_on_the_page(client_for, manager_a1, book):
    client = client_for(manager_a1)
    response = client.post(CLOSE, {"status": "won", "reason": ""})
    assert response.status_code == 400 and "请填写关闭原因" in response.content.decode()
    assert Project.objects.get(code="X1").status == Status.OPEN


def test_the_project_page_links_to_editing_and_closing(client_for, manager_a1, book):
    body = client_for(manager_a1).get("/r/A/projects/X1/evidence/").content.decode()
    assert f'href="{EDIT}?next=' in body and f'href="{CLOSE}"' in body
    facts = body.split('id="project-facts"')[1].split("</section>")[0]
    assert "华信物流" in facts and "专线" in facts and "manager_a1" in facts and "收益类" in facts
