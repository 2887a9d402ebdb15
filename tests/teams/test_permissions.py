"""teams.permissions: every "may this user …" of DOMAIN §0, per persona."""

import pytest

from customers.models import Customer, Product
from pipeline.models import Project
from teams import permissions
from teams.models import Region


@pytest.fixture
def objects(region_a, manager_a1):
    product = Product.objects.create(code="P1", name="专线", series="数据")
    customer = Customer.objects.create(region=region_a, code="C1", name="客户一", owner=manager_a1)
    project = Project.objects.create(region=region_a, code="X1", name="项目一", customer=customer, product=product,
                                     owner=manager_a1, expected_close="2027-01-15")
    return customer, project


EDIT_REGION = {"director": True, "manager_a1": False, "manager_a2": False, "manager_b": False, "director_b": False,
               "executive": False, "administrator": False}
READ_CUSTOMER = {"director": True, "manager_a1": True, "manager_a2": False, "manager_b": False, "director_b": False,
                 "executive": True, "administrator": True}
EDIT_CUSTOMER = {"director": True, "manager_a1": True, "manager_a2": False, "manager_b": False, "director_b": False,
                 "executive": False, "administrator": False}


@pytest.mark.parametrize("who", sorted(EDIT_REGION))
def test_each_persona_reads_and_edits_what_domain_section_0_says(personas, objects, region_a, who):
    user = personas[who]
    customer, project = objects
    assert permissions.can_edit_region(user, region_a) is EDIT_REGION[who]
    assert permissions.can_read_customer(user, customer) is READ_CUSTOMER[who]
    assert permissions.can_edit_customer(user, customer) is EDIT_CUSTOMER[who]
    assert permissions.can_read_project(user, project) is READ_CUSTOMER[who]
    assert permissions.can_edit_project(user, project) is EDIT_CUSTOMER[who]


ADD_PROJECTS_IN_REGION = {"director": True, "manager_a1": True, "manager_a2": True, "manager_b": False,
                          "director_b": False, "executive": False, "administrator": False}


@pytest.mark.parametrize("who", sorted(EDIT_REGION))
def test_the_director_keeps_customers_records_and_managers_add_projects_to_their_own(personas, objects, region_a,
                                                                                     who):
    user = personas[who]
    customer, _project = objects
    assert permissions.can_manage_customer(user, customer) is EDIT_REGION[who]
    assert permissions.can_add_project(user, customer) is EDIT_CUSTOMER[who]
    assert permissions.can_add_projects_in(user, region_a) is ADD_PROJECTS_IN_REGION[who]


def test_a_region_fetched_for_a_user_answers_membership_without_a_query(
        personas, region_a, django_assert_num_queries):
    director = personas["director"]
    region = Region.objects.visible_to(director).get(code="A")
    with django_assert_num_queries(0):
        assert permissions.can_edit_region(director, region)
    # fetched for someone else, the mark is not trusted: one query answers
    other = Region.objects.visible_to(personas["executive"]).get(code="A")
    with django_assert_num_queries(1):
        assert permissions.can_edit_region(director, other)


@pytest.mark.parametrize(("who", "draft", "submitted"), [
    ("director", True, True), ("manager_a1", False, True), ("manager_b", False, False),
    ("executive", False, True), ("administrator", True, True), ("director_b", False, False),
])
def test_drafts_are_the_directors_and_published_plans_the_regions_and_executives(
        personas, region_a, who, draft, submitted):
    user = personas[who]
    assert permissions.can_read_plan(user, region_a, "draft") is draft
    assert permissions.can_read_plan(user, region_a, "submitted") is submitted
    assert permissions.can_read_plan(user, region_a, "approved") is submitted


def test_only_executives_decide_plans_and_only_the_director_edits_them(personas, region_a):
    assert [w for w, u in personas.items() if permissions.can_decide_plan(u)] == ["executive"]
    assert [w for w, u in personas.items() if permissions.can_edit_plan(u, region_a)] == ["director"]
    assert sorted(w for w, u in personas.items() if permissions.can_read_own_targets(u, region_a)) == [
        "manager_a1", "manager_a2"]


def test_a_manager_sees_only_their_own_part_of_an_analysis(personas):
    class R:
        def __init__(self, owner_id):
            self.owner_id = owner_id

    rows = [R(personas["manager_a1"].pk), R(personas["manager_a2"].pk), R(None)]
    assert permissions.own_part(personas["manager_a1"], rows) == [rows[0]]
    assert permissions.own_part(personas["director"], rows) == rows
    assert permissions.own_part(personas["executive"], rows) == rows


def test_a_superuser_is_an_administrator_not_a_director(db, region_a):
    from tests.conftest import make_user
    from teams.models import Role

    root = make_user("root", Role.DIRECTOR, region_a)
    root.is_superuser = True
    assert permissions.is_administrator(root) and not permissions.can_edit_region(root, region_a)
