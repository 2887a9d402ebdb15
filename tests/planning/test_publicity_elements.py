"""接触宣传's four elements (DOMAIN §3.2): the rule's boundaries and the panel."""

import datetime as dt
from decimal import Decimal

import pytest

from customers.models import Contact, Customer
from customers.rules import publicity_elements
from planning.models import ActionFamily, SpecialAction

AS_OF = dt.date(2026, 11, 29)
ALL_NEEDS = ["决策快", "降本", "数字化"]


def _done(**kwargs) -> dict:
    args = {"actions_aimed": 1, "last_met": [AS_OF], "procedure": "公开招标", "needs": ALL_NEEDS, "as_of": AS_OF,
            **kwargs}
    return {key: verdict.value for key, _label, verdict in publicity_elements(**args)}


def test_all_four_done():
    assert _done() == {"new_business": True, "formal_introduction": True, "procedure": True, "key_needs": True}


def test_no_action_aimed_means_no_new_business_publicity():
    assert _done(actions_aimed=0)["new_business"] is False


@pytest.mark.parametrize(("met", "done"), [
    (AS_OF - dt.timedelta(days=180), True),  # the window's first day counts
    (AS_OF - dt.timedelta(days=181), False),
    (AS_OF + dt.timedelta(days=1), False),  # a date after the as-of date is not a meeting yet
    (None, False),
])
def test_a_formal_introduction_is_a_meeting_within_the_window(met, done):
    assert _done(last_met=[met])["formal_introduction"] is done


def test_blank_texts_are_not_written():
    result = _done(procedure="  \n", needs=["决策快", " ", "数字化"])
    assert (result["procedure"], result["key_needs"]) == (False, False)
    (_key, _label, verdict), = [e for e in publicity_elements(
        actions_aimed=0, last_met=[], procedure="", needs=["决策快", " ", "数字化"], as_of=AS_OF) if e[0] == "key_needs"]
    assert verdict.reason == "未写明公司的需求"


def test_the_panel_shows_each_element_done_or_not(client_for, director, manager_a1, region_a):
    customer = Customer.objects.create(region=region_a, code="C1", name="甲", owner=manager_a1,
                                       procurement_procedure="公开招标", decider_needs="a", company_needs="b",
                                       industry_needs="")
    Contact.objects.create(customer=customer, name="张", last_met=dt.date.today() - dt.timedelta(days=3))
    action = SpecialAction.objects.create(region=region_a, family=ActionFamily.PUSH, kind="有效接触", title="上门",
                                          month=dt.date(2027, 1, 1), budget=Decimal("0"))
    url = "/r/A/customers/C1/publicity/"
    body = client_for(director).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="element-new_business" class="minus"' in body
    assert 'id="element-formal_introduction" class="plus"' in body
    assert 'id="element-procedure" class="plus"' in body
    assert 'id="element-key_needs" class="minus"' in body and "未写明产业的需求" in body
    action.target_customers.add(customer)
    body = client_for(manager_a1).get(url).content.decode()  # without htmx: a page of its own
    assert 'id="element-new_business" class="plus"' in body and "<h1>" in body


def test_the_customer_page_loads_the_panel(client_for, director, manager_a1, region_a):
    Customer.objects.create(region=region_a, code="C1", name="甲", owner=manager_a1)
    body = client_for(director).get("/r/A/customers/C1/").content.decode()
    assert 'hx-get="/r/A/customers/C1/publicity/"' in body
