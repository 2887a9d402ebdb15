"""A customer's record edited without a workbook (/r/<region>/customers/<code>/edit/)
and 移交客户 (/r/<region>/transfer/): the code fixed once the customer has
data, a save read before another refused naming what changed, a new account
manager taking the customer's open projects along (closed ones keep their
owner), a departing manager's customers handed over in one transaction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Contact, Contribution, Customer, CustomerStanding, Product
from customers.rules import customer_code_editable
from pipeline import services
from pipeline.models import Project, ProjectStanding, Status
from pipeline.standings import results_ensure
from teams.models import Region
from tests.html_forms import form_posting_to, forms_in
from tsm.lib.versions import StaleEdit

HX = {"HX-Request": "true"}
EDIT = "/r/A/customers/C1/edit/"


@pytest.fixture
def book(region_a, manager_a1, manager_a2):
    """C1 (manager_a1): two open projects and a won one; C2 (manager_a2); NEW (manager_a1) without data."""
    product = Product.objects.create(code="P1", name="专线", series="数据")
    today = timezone.localdate()
    c1 = Customer.objects.create(region=region_a, code="C1", name="华信物流", industry="物流", owner=manager_a1)
    c2 = Customer.objects.create(region=region_a, code="C2", name="东方银行", owner=manager_a2)
    new = Customer.objects.create(region=region_a, code="NEW", name="新客户", owner=manager_a1)
    Contribution.objects.create(region=region_a, customer=c1, product=product, month=dt.date(today.year, 1, 1),
                                revenue=Decimal("1000"), cost=Decimal("400"))
    for code, status in (("X1", Status.OPEN), ("X2", Status.OPEN), ("X3", Status.WON)):
        Project.objects.create(region=region_a, code=code, name=f"项目{code}", customer=c1, product=product,
                               owner=manager_a1, status=status, expected_close=today + dt.timedelta(days=30))
    Project.objects.create(region=region_a, code="Y1", name="项目Y1", customer=c2, product=product,
                           owner=manager_a2, expected_close=today + dt.timedelta(days=30))
    results_ensure(region_a, today)  # the stored results the edits must keep right
    return {"c1": c1, "c2": c2, "new": new, "product": product}


def _owners(*codes):
    return {p.code: p.owner.username for p in Project.objects.filter(code__in=codes).select_related("owner")}


def _edit(customer, **changes):
    """customer_edit as the form would call it, read at the customer's current version."""
    customer = Customer.objects.select_related("region").get(pk=customer.pk)
    values = {"code": customer.code, "name": customer.name, "industry": customer.industry, "owner": customer.owner}
    return services.customer_edit(customer=customer, version=customer.version, **(values | changes))


# --- the code rule ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("counts", "editable", "reason"), [
    ((0, 0, 0), True, "该客户还没有资费、联系人和项目，客户编码可以修改"),
    ((12, 0, 0), False, "该客户已有 12 条资费记录：客户编码是导入文件匹配客户的依据，有数据后不能再修改"),
    ((0, 1, 0), False, "该客户已有 1 个联系人：客户编码是导入文件匹配客户的依据，有数据后不能再修改"),
    ((0, 0, 2), False, "该客户已有 2 个项目：客户编码是导入文件匹配客户的依据，有数据后不能再修改"),
    ((3, 1, 2), False, "该客户已有 3 条资费记录、1 个联系人、2 个项目：客户编码是导入文件匹配客户的依据，有数据后不能再修改"),
])
def test_a_customers_code_is_editable_only_while_nothing_refers_to_it(counts, editable, reason):
    verdict = customer_code_editable(contributions=counts[0], contacts=counts[1], projects=counts[2])
    assert (verdict.value, verdict.reason) == (editable, reason)


# --- the service ------------------------------------------------------------------------------------------------


def test_a_new_account_manager_takes_the_open_projects_and_the_closed_one_keeps_its_owner(
        book, manager_a2, region_a):
    moved = _edit(book["c1"], owner=manager_a2)
    assert sorted(Project.objects.filter(pk__in=moved).values_list("code", flat=True)) == ["X1", "X2"]
    assert _owners("X1", "X2", "X3") == {"X1": "manager_a2", "X2": "manager_a2", "X3": "manager_a1"}
    c1 = Customer.objects.get(pk=book["c1"].pk)
    assert (c1.owner, c1.version) == (manager_a2, 1)
    # a project form read before the handover is refused: the moved projects' versions moved on
    assert dict(Project.objects.filter(code__in=["X1", "X2", "X3"]).values_list("code", "version")) == {
        "X1": 1, "X2": 1, "X3": 0}
    # the stored results follow: the customer's owner and its open projects' owners
    assert CustomerStanding.objects.get(customer=c1).owner == manager_a2
    assert set(ProjectStanding.objects.filter(customer=c1).values_list("owner__username", flat=True)) == {
        "manager_a2"}


def test_unticking_move_projects_leaves_the_projects_with_their_owner(book, manager_a2):
    assert _edit(book["c1"], owner=manager_a2, move_projects=False) == []
    assert _owners("X1", "X2", "X3") == {"X1": "manager_a1", "X2": "manager_a1", "X3": "manager_a1"}
    assert Customer.objects.get(pk=book["c1"].pk).owner == manager_a2
    assert set(ProjectStanding.objects.filter(customer=book["c1"]).values_list("owner__username", flat=True)) == {
        "manager_a1"}


def test_a_rename_is_stored_and_judged_again_without_moving_anything(book, region_a):
    assert _edit(book["c1"], name="华信物流集团", industry="交通物流") == []
    c1 = Customer.objects.get(pk=book["c1"].pk)
    assert (c1.name, c1.industry, c1.version) == ("华信物流集团", "交通物流", 1)
    assert CustomerStanding.objects.get(customer=c1).name == "华信物流集团"
    assert _owners("X1") == {"X1": "manager_a1"}


def test_a_customer_without_data_may_change_its_code_and_its_stored_results_follow(book):
    _edit(book["new"], code="NEW2")
    assert Customer.objects.get(pk=book["new"].pk).code == "NEW2"
    assert CustomerStanding.objects.get(customer=book["new"]).code == "NEW2"


@pytest.mark.parametrize("data", ["contribution", "contact", "project"])
def test_once_a_customer_has_data_its_code_is_fixed(book, manager_a1, region_a, data):
    customer = book["new"]
    if data == "contribution":
        Contribution.objects.create(region=region_a, customer=customer, product=book["product"],
                                    month=dt.date(2026, 1, 1), revenue=Decimal("1"))
        held = "1 条资费记录"
    elif data == "contact":
        Contact.objects.create(customer=customer, name="王总")
        held = "1 个联系人"
    else:
        Project.objects.create(region=region_a, code="Z1", name="新项目", customer=customer, product=book["product"],
                               owner=manager_a1, expected_close=dt.date(2027, 1, 1))
        held = "1 个项目"
    with pytest.raises(ValidationError) as refused:
        _edit(customer, code="NEW2", name="改名")
    assert refused.value.message_dict == {
        "code": [f"该客户已有 {held}：客户编码是导入文件匹配客户的依据，有数据后不能再修改"]}
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.code, stored.name, stored.version) == ("NEW", "新客户", 0)  # nothing written


def test_a_save_read_before_anothers_is_refused_naming_what_changed_and_writes_nothing(book, manager_a2, region_a):
    customer = Customer.objects.select_related("region").get(pk=book["c1"].pk)
    seen = {"code": "C1", "name": "华信物流", "industry": "物流", "owner": customer.owner}
    _edit(book["c1"], owner=manager_a2)  # someone else hands it over meanwhile
    version = Region.objects.get(pk=region_a.pk).data_version
    with pytest.raises(StaleEdit) as refused:
        services.customer_edit(customer=customer, version=0, seen=seen, code="C1", name="华信物流（改）",
                               industry="物流", owner=customer.owner)
    assert refused.value.message == "此记录已被他人修改：客户经理 现为 manager_a2。请核对后再保存。"
    stored = Customer.objects.get(pk=book["c1"].pk)
    assert (stored.name, stored.owner, stored.version) == ("华信物流", manager_a2, 1)
    assert Region.objects.get(pk=region_a.pk).data_version == version


def test_the_code_is_unique_in_the_region(book):
    with pytest.raises(ValidationError) as refused:
        _edit(book["new"], code="C2")
    assert refused.value.message_dict == {"code": ["本区域已有编码为“C2”的客户：东方银行"]}


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_directors_edit_form_hands_the_customer_over_and_goes_back_to_its_page(
        client_for, director, book, manager_a2):
    client = client_for(director)
    form = form_posting_to(client.get(EDIT).content.decode(), EDIT)
    assert form.data["version"] == ["0"] and form.data["move_projects"] == ["on"]
    assert "code" not in form.data  # read-only: C1 has data
    response = client.post(EDIT, form.post(owner=str(manager_a2.pk)))
    assert response.status_code == 302 and response["Location"] == "/r/A/customers/C1/"
    page = client.get(response["Location"]).content.decode()
    assert "客户“华信物流”已由 manager_a1 移交给 manager_a2，2 个进行中的项目随之移交" in page
    assert _owners("X1", "X3") == {"X1": "manager_a2", "X3": "manager_a1"}


def test_the_code_is_shown_read_only_with_the_reason(client_for, director, book):
    body = client_for(director).get(EDIT).content.decode()
    assert 'name="code"' in body and "disabled" in body.split('name="code"')[1].split(">")[0]
    assert "该客户已有 1 条资费记录、3 个项目：客户编码是导入文件匹配客户的依据，有数据后不能再修改" in body
    body = client_for(director).get("/r/A/customers/NEW/edit/").content.decode()
    assert "disabled" not in body.split('name="code"')[1].split(">")[0]


def test_an_untick_posted_without_the_box_keeps_the_projects(client_for, director, book, manager_a2):
    client = client_for(director)
    form = form_posting_to(client.get(EDIT).content.decode(), EDIT)
    data = form.post(owner=str(manager_a2.pk))
    data.pop("move_projects")  # a checkbox left unticked is not posted
    assert client.post(EDIT, data).status_code == 302
    assert _owners("X1") == {"X1": "manager_a1"} and Customer.objects.get(code="C1").owner == manager_a2


def test_a_stale_edit_with_htmx_answers_409_with_the_form_as_it_is_now(client_for, director, book, manager_a2):
    client = client_for(director)
    mine = form_posting_to(client.get(EDIT, headers=HX).content.decode(), EDIT)
    theirs = form_posting_to(client.get(EDIT).content.decode(), EDIT)
    assert client.post(EDIT, theirs.post(name="华信物流集团")).status_code == 302
    response = client.post(EDIT, mine.post(owner=str(manager_a2.pk)), headers=HX)
    body = response.content.decode()
    assert response.status_code == 409 and body.lstrip().startswith('<section class="card" id="customer-record"')
    assert "此记录已被他人修改：客户名称 现为“华信物流集团”。请核对后再保存。" in body
    fresh = form_posting_to(body, EDIT)
    assert fresh.data["version"] == ["1"] and fresh.data["name"] == ["华信物流集团"]
    assert Customer.objects.get(code="C1").owner.username == "manager_a1" and _owners("X1") == {"X1": "manager_a1"}


def test_a_saved_edit_with_htmx_sends_the_browser_to_the_customers_page(client_for, director, book):
    client = client_for(director)
    form = form_posting_to(client.get("/r/A/customers/NEW/edit/").content.decode(), "/r/A/customers/NEW/edit/")
    response = client.post("/r/A/customers/NEW/edit/", form.post(code="NEW9"), headers=HX)
    assert response.status_code == 200 and response["HX-Redirect"] == "/r/A/customers/NEW9/"


def test_bad_input_shows_the_form_with_the_message_and_writes_nothing(client_for, director, book):
    client = client_for(director)
    form = form_posting_to(client.get("/r/A/customers/NEW/edit/").content.decode(), "/r/A/customers/NEW/edit/")
    response = client.post("/r/A/customers/NEW/edit/", form.post(code="C1", name=""))
    body = response.content.decode()
    assert response.status_code == 400 and "请填写客户名称" in body
    response = client.post("/r/A/customers/NEW/edit/", form.post(code="C1"))
    assert response.status_code == 400 and "本区域已有编码为“C1”的客户：华信物流" in response.content.decode()
    stored = Customer.objects.get(pk=book["new"].pk)
    assert (stored.code, stored.version) == ("NEW", 0)


def test_the_customer_page_offers_the_director_the_edit_form(client_for, director, manager_a1, book):
    body = client_for(director).get("/r/A/customers/C1/").content.decode()
    assert f'hx-get="{EDIT}"' in body and f'href="{EDIT}"' in body and 'id="customer-record"' in body
    assert EDIT not in client_for(manager_a1).get("/r/A/customers/C1/").content.decode()


@pytest.mark.parametrize("who", ["manager_a1", "executive", "director_b"])
def test_only_the_director_edits_a_customers_record(client_for, personas, book, who):
    response = client_for(personas[who]).post(EDIT, {"code": "C1", "name": "改名", "version": "0",
                                                      "owner": str(personas["manager_a1"].pk)})
    assert response.status_code == 404 and Customer.objects.get(code="C1").name == "华信物流"


# --- 移交客户 ------------------------------------------------------------------------------------------------------

TRANSFER = "/r/A/transfer/"


def _posting(body):
    """The handover form (the page's other form, which chooses whose customers, is a GET)."""
    (form,) = [f for f in forms_in(body) if f.action == TRANSFER and f.attrs.get("method") == "post"]
    return form


def _handover_form(client, departing):
    return _posting(client.get(TRANSFER, {"manager": departing.pk}).content.decode())


def test_all_of_a_departing_managers_customers_go_to_one_manager_in_one_step(
        client_for, director, book, manager_a1, manager_a2, region_a):
    client = client_for(director)
    form = _handover_form(client, manager_a1)
    assert sorted(map(int, form.data["listed"])) == sorted([book["c1"].pk, book["new"].pk])
    response = client.post(TRANSFER, form.post(target=str(manager_a2.pk)))
    assert response.status_code == 302 and response["Location"] == "/r/A/customers/"
    assert set(Customer.objects.filter(owner=manager_a2).values_list("code", flat=True)) == {"C1", "C2", "NEW"}
    assert _owners("X1", "X2", "X3") == {"X1": "manager_a2", "X2": "manager_a2", "X3": "manager_a1"}
    page = client.get(response["Location"]).content.decode()
    assert "已将 manager_a1 的 2 个客户移交，2 个进行中的项目随之移交" in page
    assert set(ProjectStanding.objects.filter(customer=book["c1"]).values_list("owner__username", flat=True)) == {
        "manager_a2"}


def test_each_customer_may_go_to_its_own_manager(client_for, director, book, manager_a1, manager_a2, region_a):
    from tests.conftest import make_user
    from teams.models import Role

    manager_a3 = make_user("manager_a3", Role.MANAGER, region_a)
    client = client_for(director)
    form = _handover_form(client, manager_a1)
    response = client.post(TRANSFER, form.post(target=str(manager_a2.pk), **{f"to_{book['new'].pk}": str(
        manager_a3.pk)}))
    assert response.status_code == 302
    assert dict(Customer.objects.filter(code__in=["C1", "NEW"]).values_list("code", "owner__username")) == {
        "C1": "manager_a2", "NEW": "manager_a3"}


def test_a_handover_without_projects_moves_only_the_customers(book, manager_a1, manager_a2, region_a):
    targets = {book["c1"].pk: manager_a2, book["new"].pk: manager_a2}
    done = services.customers_hand_over(region=region_a, departing=manager_a1, targets=targets,
                                        move_projects=False)
    assert (done.customers, done.projects, done.left_open) == (2, 0, 2)
    assert _owners("X1", "X2") == {"X1": "manager_a1", "X2": "manager_a1"}
    assert Customer.objects.get(pk=book["c1"].pk).version == 1  # an edit form read before is refused


def test_a_customer_moved_meanwhile_stops_the_whole_handover(book, manager_a1, manager_a2, region_a):
    targets = {book["c1"].pk: manager_a2, book["new"].pk: manager_a2}
    _edit(book["new"], owner=manager_a2)  # someone hands NEW over first
    with pytest.raises(StaleEdit) as refused:
        services.customers_hand_over(region=region_a, departing=manager_a1, targets=targets)
    assert refused.value.message == "此记录已被他人修改：客户“新客户”的客户经理 现为 manager_a2。请核对后再保存。"
    assert Customer.objects.get(pk=book["c1"].pk).owner == manager_a1 and _owners("X1") == {"X1": "manager_a1"}


def test_a_customer_added_meanwhile_stops_the_handover_with_the_fresh_list(
        client_for, director, book, manager_a1, manager_a2, region_a):
    client = client_for(director)
    form = _handover_form(client, manager_a1)
    Customer.objects.create(region=region_a, code="LATE", name="后来的客户", owner=manager_a1)
    response = client.post(TRANSFER, form.post(target=str(manager_a2.pk)))
    body = response.content.decode()
    assert response.status_code == 409
    assert "客户“后来的客户”的客户经理 现为 manager_a1（列出名单之后才分配给他）" in body
    assert len(_posting(body).data["listed"]) == 3
    assert not Customer.objects.filter(owner=manager_a2).exclude(code="C2").exists()


def test_a_handover_needs_a_manager_for_every_customer(client_for, director, book, manager_a1):
    client = client_for(director)
    response = client.post(TRANSFER, _handover_form(client, manager_a1).post(**{f"to_{book['c1'].pk}": ""}))
    body = response.content.decode()
    assert response.status_code == 400
    assert "请为这些客户选择新的客户经理，或选择“全部移交给”：华信物流、新客户" in body
    assert Customer.objects.filter(owner=manager_a1).count() == 2


def test_a_handover_to_the_departing_manager_or_an_outsider_is_refused(book, manager_a1, manager_b, region_a):
    for target, message in ((manager_a1, "不能移交给 manager_a1 本人"), (manager_b, "“manager_b”不是本区域的客户经理")):
        with pytest.raises(ValidationError) as refused:
            services.customers_hand_over(region=region_a, departing=manager_a1,
                                         targets={book["c1"].pk: target, book["new"].pk: target})
        assert refused.value.messages == [message]
    assert Customer.objects.filter(owner=manager_a1).count() == 2


def test_the_transfer_page_lists_whose_customers_with_their_counts(client_for, director, book):
    body = client_for(director).get(TRANSFER).content.decode()
    assert "manager_a1（2 个客户）" in body and "manager_a2（1 个客户）" in body
    bad = client_for(director).get(TRANSFER, {"manager": "999999"})
    assert bad.status_code == 400 and "本区域没有这位客户经理的客户" in bad.content.decode()
