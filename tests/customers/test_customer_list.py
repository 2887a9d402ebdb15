"""The director's customer list (/r/<region>/customers/) and 新建客户: a
customer made without a workbook, its code unique in the region, every bad
value named and nothing written."""

import io

import pytest
from openpyxl import load_workbook

from customers.models import Customer, CustomerStanding
from customers.services import customer_create
from django.core.exceptions import ValidationError
from teams.models import Region
from tests.html_forms import forms_in

URL = "/r/A/customers/"


@pytest.fixture
def listed(region_a, manager_a1, manager_a2):
    for i in range(3):
        Customer.objects.create(region=region_a, code=f"C{i}", name=f"客户{i}", owner=manager_a1)
    Customer.objects.create(region=region_a, code="D1", name="东方银行", industry="金融", owner=manager_a2)
    return region_a


def _new_form(client):
    (form,) = [f for f in forms_in(client.get(URL).content.decode()) if f.attrs.get("method") == "post"
               and f.action == URL]
    return form


# --- the service ---------------------------------------------------------------------------------------------


def test_a_new_customer_belongs_to_a_manager_of_the_region_and_the_region_is_judged_again(
        region_a, manager_a1):
    before = Region.objects.get(pk=region_a.pk)
    customer = customer_create(region=region_a, code=" N1 ", name=" 新客户 ", industry="制造", owner=manager_a1)
    stored = Customer.objects.get(pk=customer.pk)
    assert (stored.code, stored.name, stored.industry, stored.owner, stored.version) == (
        "N1", "新客户", "制造", manager_a1, 0)
    after = Region.objects.get(pk=region_a.pk)
    assert after.data_version == before.data_version + 1
    assert after.results_wanted == before.results_wanted + 1  # its class is relative to the others'


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"code": ""}, "code", "请填写客户编码"),
    ({"code": "C" * 33}, "code", "客户编码最多 32 个字符（现为 33 个）"),
    ({"code": "A/B"}, "code", "客户编码不能包含“/”（它是客户页面地址的一部分）"),
    ({"code": "C0"}, "code", "本区域已有编码为“C0”的客户：客户0"),
    ({"name": "  "}, "name", "请填写客户名称"),
    ({"industry": "业" * 101}, "industry", "行业最多 100 个字"),
    ({"owner": None}, "owner", "请选择客户经理"),
])
def test_a_bad_customer_is_refused_naming_the_field_and_nothing_is_written(
        listed, manager_a1, fields, field, message):
    count, version = Customer.objects.count(), Region.objects.get(pk=listed.pk).data_version
    values = {"code": "N1", "name": "新客户", "industry": "", "owner": manager_a1} | fields
    with pytest.raises(ValidationError) as refused:
        customer_create(region=listed, **values)
    assert refused.value.message_dict == {field: [message]}
    assert Customer.objects.count() == count and Region.objects.get(pk=listed.pk).data_version == version


def test_a_customer_owned_by_someone_who_is_not_a_manager_of_the_region_is_refused(
        region_a, director, manager_b):
    for owner, name in ((manager_b, "manager_b"), (director, "director_a")):
        with pytest.raises(ValidationError) as refused:
            customer_create(region=region_a, code="N1", name="新客户", owner=owner)
        assert refused.value.message_dict == {"owner": [f"“{name}”不是本区域的客户经理"]}
    assert not Customer.objects.exists()


def test_the_same_code_may_be_used_in_another_region(listed, region_b, manager_b):
    assert customer_create(region=region_b, code="C0", name="另一区域的客户", owner=manager_b).region == region_b


# --- the page ------------------------------------------------------------------------------------------------


def test_the_director_creates_a_customer_from_the_list_and_lands_on_its_page(client_for, director, listed,
                                                                             manager_a2):
    client = client_for(director)
    form = _new_form(client)
    response = client.post(URL, form.post(code="N9", name="新华制造", industry="制造", owner=str(manager_a2.pk)))
    assert response.status_code == 302 and response["Location"] == "/r/A/customers/N9/"
    page = client.get(response["Location"]).content.decode()
    assert "已新建客户“新华制造”（N9）" in page and "客户经理 manager_a2" in page
    customer = Customer.objects.get(code="N9")
    assert (customer.name, customer.owner) == ("新华制造", manager_a2)
    # the page judged the region again: the new customer has its stored results
    assert CustomerStanding.objects.filter(customer=customer, owner=manager_a2).exists()


def test_a_taken_code_shows_the_form_again_with_the_message_and_writes_nothing(client_for, director, listed,
                                                                                manager_a1):
    client = client_for(director)
    response = client.post(URL, _new_form(client).post(code="D1", name="重复", owner=str(manager_a1.pk)))
    body = response.content.decode()
    assert response.status_code == 400 and "本区域已有编码为“D1”的客户：东方银行" in body
    assert '<details class="add" open>' in body and 'value="重复"' in body  # what was typed stays
    assert Customer.objects.filter(region=listed).count() == 4


def test_a_manager_of_another_region_cannot_be_chosen(client_for, director, listed, manager_b):
    client = client_for(director)
    response = client.post(URL, _new_form(client).post(code="N1", name="新客户", owner=str(manager_b.pk)))
    assert response.status_code == 400 and "所选客户经理不是本区域的客户经理" in response.content.decode()
    assert not Customer.objects.filter(code="N1").exists()


@pytest.mark.parametrize("who", ["manager_a1", "executive", "director_b"])
def test_only_the_regions_director_creates_customers(client_for, personas, listed, who):
    response = client_for(personas[who]).post(URL, {"code": "N1", "name": "新客户",
                                                     "owner": str(personas["manager_a1"].pk)})
    assert response.status_code == 404 and not Customer.objects.filter(code="N1").exists()


def test_the_list_filters_by_manager_and_text_and_says_how_many(client_for, director, listed, manager_a2):
    client = client_for(director)
    body = client.get(URL, {"manager": manager_a2.pk}).content.decode()
    assert "东方银行" in body and "客户0" not in body and "共 1 个客户" in body
    body = client.get(URL, {"q": "客户1"}).content.decode()
    assert "客户1" in body and "东方银行" not in body
    bad = client.get(URL, {"manager": "nobody"})
    assert bad.status_code == 400 and "未知的客户经理“nobody”" in bad.content.decode()


def test_the_list_exports_in_the_import_templates_customer_columns(client_for, director, listed):
    response = client_for(director).get(URL, {"format": "xlsx", "table": "customers"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == ("客户编码", "客户名称", "行业", "客户经理", "客户经理姓名")
    assert rows[-1] == ("D1", "东方银行", "金融", "manager_a2", "manager_a2") and len(rows) == 5


@pytest.mark.parametrize("n_customers", [4, 80])
def test_the_list_takes_a_constant_number_of_queries(client_for, director, region_a, manager_a1, n_customers,
                                                     django_assert_num_queries):
    Customer.objects.bulk_create(Customer(region=region_a, code=f"C{i:03d}", name=f"客户{i}", owner=manager_a1)
                                 for i in range(n_customers))
    client = client_for(director)
    # session, user, region + settings, managers; the page's customers with their owners, their count;
    # owners for the manager select (new customer form); nav regions
    with django_assert_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200 and response.content.decode().count('<tr id="customer-') == min(n_customers, 50)
