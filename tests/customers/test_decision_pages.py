"""决策与需求 (/r/<region>/decision/): buying roles, publicity, role coverage, needs and contacts."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from customers.services import contact_save, customer_needs_save
from customers.models import Contact, Customer
from pipeline.models import Project
from tests import factories
from tests.customers.test_contribution_pages import EVIL, _monthly
from tests.html_forms import form_posting_to, htmx_swaps
from teams.models import Region

HX = {"HX-Request": "true"}


@pytest.fixture
def book(region_a, manager_a1, manager_a2):
    """C1 (manager_a1) with three contacts and two open projects, one of them linked
    to a single contact; C2 (manager_a2) without contacts; EVIL with a hostile name."""
    (p0,) = factories.products(1)
    today = timezone.localdate()
    c1 = Customer.objects.create(region=region_a, code="C1", name="华信物流", owner=manager_a1)
    c2 = Customer.objects.create(region=region_a, code="C2", name="东方银行", owner=manager_a2)
    evil = Customer.objects.create(region=region_a, code="EVIL", name=EVIL, owner=manager_a1)
    _monthly(region_a, c1, p0, "1000.00", "100.00")
    _monthly(region_a, c2, p0, "2000.00", "100.00")
    _monthly(region_a, evil, p0, "10.00", "1.00")
    wang = Contact.objects.create(customer=c1, name="王总", title="总经理", roles=["decider", "initiator"],
                                  attitude="support", last_met=today - dt.timedelta(days=10))
    Contact.objects.create(customer=c1, name="李工", roles=["user"], attitude="oppose",
                           last_met=today - dt.timedelta(days=181))  # outside the 180-day window
    Contact.objects.create(customer=c1, name="赵主任", roles=["searcher"], last_met=None)
    Contact.objects.create(customer=evil, name=EVIL, roles=["evaluator"])
    linked = Project.objects.create(region=region_a, code="X1", name="专线扩容", customer=c1, product=p0,
                                    owner=manager_a1, expected_close=today + dt.timedelta(days=30))
    linked.contacts.add(wang)
    Project.objects.create(region=region_a, code="X2", name="语音改造", customer=c1, product=p0, owner=manager_a1,
                           expected_close=today + dt.timedelta(days=30))
    return {"c1": c1, "c2": c2, "wang": wang}


def _row(body, code):
    return re.search(rf'<tr id="customer-{code}">.*?</tr>', body, re.S).group(0)


# --- the list -------------------------------------------------------------------------------------------------


def test_the_list_shows_contacts_under_each_role_with_attitude_and_last_meeting(client_for, director, book):
    body = client_for(director).get("/r/A/decision/").content.decode()
    row = _row(body, "C1")
    cells = re.findall(r'<td class="role[^"]*">(.*?)</td>', row, re.S)
    assert len(cells) == 5  # 提出需求, 寻找, 决策, 使用, 评价
    assert "王总" in cells[0] and "支持" in cells[0] and "赵主任" in cells[1] and "未面谈" in cells[1]
    assert "王总" in cells[2] and "李工" in cells[3] and "反对" in cells[3] and "空缺" in cells[4]
    # only 王总 was met within 180 days: 2 roles
    assert "局部宣传" in row and "面谈覆盖 2 个角色（提出需求、决策）" in row
    # X1 sees its linked contact only; X2 all three contacts of C1
    assert "X1：2/5" in row and "X2：4/5" in row
    assert "大片空白" in _row(body, "C2") and "无进行中项目" in _row(body, "C2")


def test_the_list_is_filtered_by_publicity_and_name(client_for, director, book):
    client = client_for(director)
    body = client.get("/r/A/decision/?publicity=blank").content.decode()
    assert "共 2 个客户" in body and 'id="customer-C1"' not in body
    body = client.get("/r/A/decision/?q=华信").content.decode()
    assert "共 1 个客户" in body and 'id="customer-C1"' in body
    bad = client.get("/r/A/decision/?publicity=loud")
    assert bad.status_code == 400 and "<li>宣传接触状态：" in bad.content.decode()


def test_a_manager_sees_only_their_own_customers_in_the_list(client_for, manager_a2, book):
    body = client_for(manager_a2).get("/r/A/decision/").content.decode()
    assert "共 1 个客户" in body and "东方银行" in body and "华信物流" not in body


def test_the_list_exports_with_names_as_plain_text(client_for, director, book):
    response = client_for(director).get("/r/A/decision/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:8] == ("客户编码", "客户名称", "客户经理", "提出需求", "寻找", "决策", "使用", "评价")
    c1 = next(r for r in rows if r[0] == "C1")
    assert c1[3:8] == ("王总", "赵主任", "王总", "李工", None) and c1[8] == "局部宣传" and c1[10:] == (2, 2)
    evil = next(r for r in rows if r[0] == "EVIL")
    assert evil[1] == EVIL and evil[7] == EVIL


def test_hostile_names_are_shown_as_text(client_for, director, book):
    client = client_for(director)
    for url in ("/r/A/decision/", "/r/A/decision/EVIL/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body and "&lt;script&gt;" in body


# --- one customer ---------------------------------------------------------------------------------------------------


def test_the_customer_page_shows_publicity_coverage_per_project_and_needs(client_for, director, book):
    Customer.objects.filter(code="C1").update(procurement_procedure="三家比价", decider_needs="稳定、低时延",
                                              company_needs="分支机构组网", industry_needs="物流数字化")
    body = client_for(director).get("/r/A/decision/C1/").content.decode()
    assert "局部宣传：" in body
    x1 = re.search(r'<tr id="coverage-X1">.*?</tr>', body, re.S).group(0)
    assert "2/5" in x1 and "缺少：寻找、使用、评价" in x1
    needs = re.search(r'<section class="card" id="needs">.*?</section>', body, re.S).group(0)
    labels = re.findall(r"<label[^>]*>(.*?)<textarea", needs, re.S)
    assert [label.strip() for label in labels] == ["决策人的需求", "公司的需求", "产业的需求", "采购程序"]
    for text in ("三家比价", "稳定、低时延", "分支机构组网", "物流数字化"):
        assert text in needs
    assert "关键需求" not in body
    assert 'action="/r/A/decision/C1/contacts/"' in body  # the director may add contacts


def test_an_executive_reads_the_customer_page_without_forms(client_for, executive, book):
    Customer.objects.filter(code="C1").update(decider_needs="稳定", industry_needs="行业整合")
    body = client_for(executive).get("/r/A/decision/C1/").content.decode()
    assert "<form method=\"post\" action=\"/r/A/decision/C1" not in body and "编辑" not in body
    shown = {name: re.search(rf'<div id="needs-{name}"><h3>(.*?)</h3>(.*?)</div>', body, re.S).groups()
             for name in ("decider_needs", "company_needs", "industry_needs", "procurement_procedure")}
    assert shown["decider_needs"] == ("决策人的需求", "<p>稳定</p>")
    assert shown["industry_needs"] == ("产业的需求", "<p>行业整合</p>")
    assert shown["company_needs"][1] == shown["procurement_procedure"][1] == '<p class="muted">未填写</p>'


def test_saving_needs_without_javascript_redirects_back(client_for, manager_a1, book):
    response = client_for(manager_a1).post("/r/A/decision/C1/needs/",
                                           {"procurement_procedure": " 招标 ", "decider_needs": "带宽",
                                            "company_needs": "异地灾备 ", "industry_needs": "\n监管趋严",
                                            "version": "0"})
    assert response.status_code == 302 and response["Location"] == "/r/A/decision/C1/"
    c1 = Customer.objects.get(code="C1")
    assert (c1.procurement_procedure, c1.decider_needs, c1.company_needs, c1.industry_needs) == (
        "招标", "带宽", "异地灾备", "监管趋严")


def test_saving_needs_with_htmx_returns_the_needs_fragment(client_for, director, book):
    response = client_for(director).post("/r/A/decision/C1/needs/", {"procurement_procedure": "招标", "version": "0",
                                                                      "company_needs": "x" * 5001}, headers=HX)
    assert response.status_code == 400 and "公司的需求最多 5000 个字" in response.content.decode()
    assert Customer.objects.get(code="C1").procurement_procedure == ""  # nothing written
    response = client_for(director).post("/r/A/decision/C1/needs/", {"procurement_procedure": "招标", "version": "0",
                                                                      "decider_needs": "带宽"}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section class="card" id="needs">')
    assert "已保存" in body and "带宽" in body


def _needs_form(client):
    return form_posting_to(client.get("/r/A/decision/C1/").content.decode(), "/r/A/decision/C1/needs/")


def test_a_fresh_needs_save_lands_and_moves_the_needs_version_on(client_for, manager_a1, book):
    client = client_for(manager_a1)
    form = _needs_form(client)
    assert form.data["version"] == ["0"] and form.data["initial-decider_needs"] == [""]
    assert form.data["initial-industry_needs"] == [""]
    response = client.post("/r/A/decision/C1/needs/", form.post(decider_needs="带宽", industry_needs="上云"),
                           headers=HX)
    assert form_posting_to(response.content.decode(), "/r/A/decision/C1/needs/").data["version"] == ["1"]
    c1 = Customer.objects.get(code="C1")
    assert (c1.decider_needs, c1.industry_needs, c1.needs_version) == ("带宽", "上云", 1)


def test_needs_read_before_anothers_save_are_refused_with_the_needs_as_they_are_now(
        client_for, manager_a1, director, book, region_a):
    mine = _needs_form(client_for(director))
    theirs = client_for(manager_a1)
    assert theirs.post("/r/A/decision/C1/needs/", _needs_form(theirs).post(company_needs="千兆带宽，双路由")
                       ).status_code == 302
    response = client_for(director).post("/r/A/decision/C1/needs/", mine.post(procurement_procedure="公开招标"),
                                         headers=HX)
    body = response.content.decode()
    assert response.status_code == 409 and body.lstrip().startswith('<section class="card" id="needs">')
    assert "此记录已被他人修改：公司的需求 现为“千兆带宽，双路由”。请核对后再保存。" in body
    fresh = form_posting_to(body, "/r/A/decision/C1/needs/")
    assert fresh.data["version"] == ["1"] and fresh.data["company_needs"] == ["千兆带宽，双路由"]
    c1 = Customer.objects.get(code="C1")
    assert (c1.procurement_procedure, c1.company_needs, c1.needs_version) == ("", "千兆带宽，双路由", 1)
    assert Region.objects.get(pk=region_a.pk).data_version == 1
    # without JavaScript: the page, 409
    plain = client_for(director).post("/r/A/decision/C1/needs/", mine.post(procurement_procedure="公开招标"))
    assert plain.status_code == 409 and "<html" in plain.content.decode()
    assert "公司的需求 现为“千兆带宽，双路由”" in plain.content.decode()


def test_the_decision_page_lets_htmx_swap_in_a_409_answer(client_for, director, book):
    body = client_for(director).get("/r/A/decision/C1/").content.decode()
    assert htmx_swaps(body, 409) and htmx_swaps(body, 400) and not htmx_swaps(body, 500)


def test_only_the_director_and_the_owner_change_a_customer(client_for, executive, manager_a2, book):
    for user in (executive, manager_a2):
        assert client_for(user).post("/r/A/decision/C1/needs/", {"decider_needs": "x"}).status_code == 404
        assert client_for(user).post("/r/A/decision/C1/contacts/", {"name": "x", "attitude": "neutral"}
                                     ).status_code == 404
    assert Customer.objects.get(code="C1").decider_needs == ""


def test_adding_a_contact_with_htmx_updates_contacts_publicity_and_coverage(client_for, manager_a1, book):
    today = timezone.localdate()
    response = client_for(manager_a1).post("/r/A/decision/C1/contacts/", {
        "name": "钱经理", "title": "采购", "roles": ["evaluator", "user", "searcher"], "attitude": "support",
        "last_met": today.isoformat()}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<section class="card" id="contacts">')
    assert "钱经理" in body
    # 王总 (提出需求, 决策) and 钱经理 (寻找, 使用, 评价) met within 180 days: 5 roles
    assert 'id="publicity" hx-swap-oob="true"' in body and "广泛宣传" in body
    x2 = re.search(r'<tr id="coverage-X2">.*?</tr>', body, re.S).group(0)
    assert "5/5" in x2
    assert Contact.objects.get(name="钱经理").roles == ["searcher", "user", "evaluator"]


def test_a_contact_met_in_the_future_is_refused_and_not_saved(client_for, director, book):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(director).post("/r/A/decision/C1/contacts/", {
        "name": "孙总", "roles": ["decider"], "attitude": "neutral", "last_met": tomorrow.isoformat()})
    body = response.content.decode()
    assert response.status_code == 400 and f"最近面谈日期 {tomorrow.isoformat()} 晚于今天" in body
    assert "<html" in body  # without htmx: the page with the form and its error
    assert not Contact.objects.filter(name="孙总").exists()


def test_an_unknown_role_or_a_duplicate_name_is_refused(client_for, director, book):
    client = client_for(director)
    response = client.post("/r/A/decision/C1/contacts/", {"name": "孙总", "roles": ["boss"], "attitude": "neutral"},
                           headers=HX)
    assert response.status_code == 400 and "未知的角色“boss”" in response.content.decode()
    assert response["HX-Retarget"] == "#contact-add-form"
    response = client.post("/r/A/decision/C1/contacts/", {"name": "王总", "attitude": "neutral"})
    assert response.status_code == 400 and "该客户已有名为“王总”的联系人" in response.content.decode()


def test_editing_a_contact_in_place(client_for, manager_a1, book):
    client = client_for(manager_a1)
    pk = book["wang"].pk
    form = client.get(f"/r/A/decision/C1/contacts/{pk}/", headers=HX).content.decode()
    assert form.lstrip().startswith(f'<tr id="contact-{pk}" class="editing">') and 'value="王总"' in form
    response = client.post(f"/r/A/decision/C1/contacts/{pk}/", {"name": "王总", "title": "董事长", "version": "0",
                                                                 "roles": ["decider"], "attitude": "neutral"},
                           headers=HX)
    assert response.status_code == 200 and "董事长" in response.content.decode()
    wang = Contact.objects.get(pk=pk)
    assert (wang.title, wang.roles, wang.attitude, wang.last_met) == ("董事长", ["decider"], "neutral", None)


def test_editing_a_contact_with_a_colleagues_name_keeps_the_row_form(client_for, director, book):
    pk = book["wang"].pk
    response = client_for(director).post(f"/r/A/decision/C1/contacts/{pk}/", {"name": "李工", "attitude": "neutral",
                                                                                     "version": "0"},
                                         headers=HX)
    assert response.status_code == 400 and response["HX-Retarget"] == f"#contact-{pk}"
    assert "该客户已有名为“李工”的联系人" in response.content.decode()
    assert Contact.objects.get(pk=pk).name == "王总"


def _contact_form(client, pk):
    body = client.get(f"/r/A/decision/C1/contacts/{pk}/", headers=HX).content.decode()
    return form_posting_to(body, f"/r/A/decision/C1/contacts/{pk}/")


def test_the_contact_form_carries_its_version_and_the_values_it_shows(client_for, manager_a1, book):
    form = _contact_form(client_for(manager_a1), book["wang"].pk)
    assert form.data["version"] == ["0"] and form.data["initial-name"] == ["王总"]
    assert form.data["initial-roles"] == ["decider", "initiator"] and form.data["initial-attitude"] == ["support"]


def test_a_contact_read_before_anothers_save_is_refused_with_the_contact_as_it_is_now(
        client_for, manager_a1, director, book):
    pk = book["wang"].pk
    mine = _contact_form(client_for(director), pk)
    theirs = client_for(manager_a1)
    assert theirs.post(f"/r/A/decision/C1/contacts/{pk}/", _contact_form(theirs, pk).post(
        title="董事长", roles=["decider"], attitude="neutral"), headers=HX).status_code == 200
    response = client_for(director).post(f"/r/A/decision/C1/contacts/{pk}/", mine.post(last_met="2026-01-05"),
                                         headers=HX)
    body = response.content.decode()
    assert response.status_code == 409 and response["HX-Retarget"] == f"#contact-{pk}"
    assert "此记录已被他人修改：职务 现为“董事长”，角色 现为 决策，态度 现为 中立。请核对后再保存。" in body
    assert body.lstrip().startswith(f'<tr id="contact-{pk}" class="editing">')
    fresh = form_posting_to(body, f"/r/A/decision/C1/contacts/{pk}/")
    assert fresh.data["version"] == ["1"] and fresh.data["title"] == ["董事长"]
    wang = Contact.objects.get(pk=pk)
    assert (wang.title, wang.last_met, wang.version) == ("董事长", book["wang"].last_met, 1)
    plain = client_for(director).post(f"/r/A/decision/C1/contacts/{pk}/", mine.post(last_met="2026-01-05"))
    assert plain.status_code == 409 and "<html" in plain.content.decode() and "职务 现为“董事长”" in plain.content.decode()
    assert client_for(director).post(f"/r/A/decision/C1/contacts/{pk}/", fresh.post(last_met="2026-01-05"),
                                     headers=HX).status_code == 200
    wang.refresh_from_db()
    assert (wang.title, wang.last_met.isoformat(), wang.version) == ("董事长", "2026-01-05", 2)


def test_a_contact_of_another_customer_is_not_found_through_this_one(client_for, director, book):
    other = Contact.objects.create(customer=book["c2"], name="周总")
    assert client_for(director).get(f"/r/A/decision/C1/contacts/{other.pk}/").status_code == 404


def test_the_customer_contacts_export_to_excel(client_for, director, book):
    response = client_for(director).get("/r/A/decision/C1/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "职务", "提出需求", "寻找", "决策", "使用", "评价", "态度", "最近面谈日期")
    wang = next(r for r in rows if r[0] == "王总")
    assert wang[:8] == ("王总", "总经理", "是", "否", "是", "否", "否", "支持") and len(rows) == 1 + 3


# --- the services -------------------------------------------------------------------------------------------------


def test_contact_save_marks_the_region_changed_and_orders_roles(book, region_a):
    before = Region.objects.get(pk=region_a.pk).data_version
    contact = contact_save(customer=book["c2"], name=" 周总 ", roles=["evaluator", "decider", "decider"],
                           attitude="support", last_met=None)
    assert (contact.name, contact.roles) == ("周总", ["decider", "evaluator"])
    assert Region.objects.get(pk=region_a.pk).data_version == before + 1


def test_contact_save_names_every_bad_field(book):
    with pytest.raises(ValidationError) as error:
        contact_save(customer=book["c1"], name="", roles=["boss"], attitude="happy",
                     last_met=dt.date(2026, 1, 2), today=dt.date(2026, 1, 1))
    assert error.value.message_dict == {
        "name": ["请填写姓名"], "roles": ["未知的角色：boss"], "attitude": ["未知的态度“happy”"],
        "last_met": ["最近面谈日期 2026-01-02 晚于今天 2026-01-01，不能是将来的日期"]}


def test_contact_save_refuses_a_contact_of_another_customer(book):
    with pytest.raises(ValidationError):
        contact_save(customer=book["c2"], contact=book["wang"], name="王总", roles=[], attitude="neutral",
                     last_met=None)


def test_customer_needs_save_strips_and_touches_the_region(book, region_a):
    before = Region.objects.get(pk=region_a.pk).data_version
    customer_needs_save(customer=book["c1"], version=0, procurement_procedure=" 比价 ", decider_needs="",
                        company_needs=" 降本\n", industry_needs="  ")
    c1 = Customer.objects.get(code="C1")
    assert (c1.procurement_procedure, c1.company_needs, c1.industry_needs) == ("比价", "降本", "")
    assert Region.objects.get(pk=region_a.pk).data_version == before + 1


def test_customer_needs_save_refuses_a_text_too_long_naming_it_and_writes_nothing(book, region_a):
    with pytest.raises(ValidationError) as error:
        customer_needs_save(customer=book["c1"], version=0, procurement_procedure="比价", decider_needs="带宽",
                            company_needs="", industry_needs="x" * 5001)
    assert error.value.message_dict == {"industry_needs": ["产业的需求最多 5000 个字，现有 5001 个"]}
    c1 = Customer.objects.get(code="C1")
    assert (c1.procurement_procedure, c1.decider_needs, c1.needs_version) == ("", "", 0)
    assert Region.objects.get(pk=region_a.pk).data_version == 0


# --- query counts ----------------------------------------------------------------------------------------------------


def _with_contacts(region, owner, n):
    customers = factories.seed(region, owner, n, factories.products(2))
    Contact.objects.bulk_create(Contact(customer=c, name=f"联系人{k}", roles=["decider", "user"][: k + 1],
                                        last_met=timezone.localdate()) for c in customers for k in range(2))
    return customers


@pytest.mark.parametrize("n_customers", [3, 80])
def test_the_decision_list_query_count_is_constant(
        client_for, director, manager_a1, region_a, django_assert_num_queries, n_customers):
    _with_contacts(region_a, manager_a1, n_customers)
    client = client_for(director)
    client.get("/r/A/decision/")  # the first visit stores the region's results
    # session, user, region + settings, managers; stored results: count, the page's rows,
    # their contacts; their open projects judged: ids, projects, value classes, targets,
    # contacts, snapshots, contact links; nav regions — whatever the region's size
    with django_assert_num_queries(15):
        assert client.get("/r/A/decision/?per_page=50").status_code == 200


@pytest.mark.parametrize("n_customers", [3, 80])
def test_the_decision_customer_page_query_count_is_constant(
        client_for, director, manager_a1, region_a, django_assert_num_queries, n_customers):
    customers = _with_contacts(region_a, manager_a1, n_customers)
    Contact.objects.bulk_create(Contact(customer=customers[0], name=f"更多{i}") for i in range(n_customers))
    client = client_for(director)
    url = f"/r/A/decision/{customers[0].code}/"
    client.get(url)
    # session, user, region + settings, customer + owner, its stored result, its contacts;
    # its open projects judged: ids, projects, value classes, targets, contacts, snapshots,
    # contact links; names of customers and products (one query); nav regions
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


def test_the_decision_list_query_count_when_computed_afresh(
        client_for, director, manager_a1, region_a, django_assert_num_queries):
    _with_contacts(region_a, manager_a1, 30)
    client = client_for(director)
    # the 15 of a visit (above), plus judging and storing the region's results: the claim; the
    # region read; customers, the contributions' one scan, contacts, products, targets, open
    # projects, snapshots, contact links, year-to-date revenue; the customers' upsert, gone
    # customers, cells replaced (2); the projects' upsert, closed projects' rows; the region
    # marked and read back — whatever the size
    with django_assert_num_queries(35):
        assert client.get("/r/A/decision/").status_code == 200


def test_the_list_puts_the_largest_customers_first(client_for, director, book):
    # base-period revenue: C2 24,000, C1 12,000, EVIL 120
    body = client_for(director).get("/r/A/decision/").content.decode()
    assert body.index('id="customer-C2"') < body.index('id="customer-C1"') < body.index('id="customer-EVIL"')


def test_a_region_without_customers_shows_an_empty_list(client_for, director, region_a):
    response = client_for(director).get("/r/A/decision/")
    assert response.status_code == 200 and "共 0 个客户" in response.content.decode()
    assert "没有符合条件的客户" in response.content.decode()
