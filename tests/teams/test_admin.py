"""The admin site: the administrator keeps users, regions, products and
catalogues; a region's data is shown read-only (every change goes through
the services)."""

import pytest

from customers.models import Customer, Product
from pipeline.models import EvidenceCriterion


@pytest.fixture
def admin_client_for(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def customer(region_a, manager_a1):
    return Customer.objects.create(region=region_a, code="C1", name="客户一", owner=manager_a1)


def test_the_administrator_edits_products_and_regions(admin_client_for, region_a):
    assert admin_client_for.get("/admin/customers/product/add/").status_code == 200
    response = admin_client_for.post("/admin/customers/product/add/", {"code": "P9", "name": "新产品", "series": "数据"})
    assert response.status_code == 302 and Product.objects.filter(code="P9", name="新产品").exists()
    assert admin_client_for.get(f"/admin/teams/region/{region_a.pk}/change/").status_code == 200


def test_a_regions_customers_are_shown_but_not_changed_in_the_admin(admin_client_for, customer):
    assert admin_client_for.get("/admin/customers/customer/").status_code == 200
    page = admin_client_for.get(f"/admin/customers/customer/{customer.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # a view, not a form
    response = admin_client_for.post(f"/admin/customers/customer/{customer.pk}/change/",
                                     {"code": "C1", "name": "改名", "region": customer.region_id})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "客户一"
    assert admin_client_for.get("/admin/customers/customer/add/").status_code == 403
    assert admin_client_for.post(f"/admin/customers/customer/{customer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


@pytest.mark.parametrize("model", ["pipeline/project", "planning/plan", "planning/swotitem", "planning/targetpart",
                                   "customers/contribution", "customers/contact", "pipeline/revenuetarget"])
def test_no_region_data_can_be_added_in_the_admin(admin_client_for, model):
    assert admin_client_for.get(f"/admin/{model}/").status_code == 200
    assert admin_client_for.get(f"/admin/{model}/add/").status_code == 403


def test_the_evidence_wording_is_editable_but_not_its_code_or_level(admin_client_for):
    criterion = EvidenceCriterion.objects.get(code="E5")
    page = admin_client_for.get(f"/admin/pipeline/evidencecriterion/{criterion.pk}/change/").content.decode()
    assert 'name="text"' in page and 'name="code"' not in page and 'name="level"' not in page
    assert admin_client_for.get("/admin/pipeline/evidencecriterion/add/").status_code == 403


def test_the_evidence_wording_edited_in_the_admin_is_what_the_funnel_shows(client_for, director, region_a, manager_a1):
    from tests import factories

    factories.seed(region_a, manager_a1, 1, factories.products(1))
    EvidenceCriterion.objects.filter(code="E2").update(text="已弄清决策权重（管理员改写）")
    from pipeline.models import Project

    project = Project.objects.filter(region=region_a).first()
    body = client_for(director).get(f"/r/A/projects/{project.code}/evidence/").content.decode()
    assert "E2 已弄清决策权重（管理员改写）" in body


def test_a_director_has_no_admin(client, director):
    client.force_login(director)
    response = client.get("/admin/customers/customer/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
