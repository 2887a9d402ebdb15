"""Walk every URL of the project with every persona.

Each named URL must be listed in CASES with who may reach it; everybody else
(signed in) must get 404 — never 403 with the object's name — and the
anonymous visitor is sent to the login page. Adding a URL without a case
here fails `test_every_url_is_covered`.
"""

from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from customers.models import Customer, Product
from pipeline.models import Project

REGION_A_READERS = {"director", "manager_a1", "manager_a2", "executive"}
DIRECTOR_ONLY = {"director"}
EVERYONE = {"director", "manager_a1", "manager_a2", "manager_b", "director_b", "executive"}


@dataclass
class Case:
    ok: set[str]
    kwargs: Callable[[dict], dict] = lambda w: {"region": "A"}
    method: str = "get"
    ok_status: tuple[int, ...] = (200,)
    data: dict = field(default_factory=dict)
    query: str = ""


CASES: dict[str, Case] = {
    "home": Case(ok=EVERYONE, kwargs=lambda w: {}, ok_status=(200, 302)),
    "set_money_unit": Case(ok=EVERYONE, kwargs=lambda w: {}, method="post", ok_status=(302,),
                           data={"unit": "wan"}),
    "region_home": Case(ok=REGION_A_READERS),
    "import_upload": Case(ok=DIRECTOR_ONLY),
    "import_template": Case(ok=DIRECTOR_ONLY),
    "import_confirm": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302, 400)),
    "api_analysis": Case(ok=REGION_A_READERS),
    "funnel": Case(ok=REGION_A_READERS),
    "project_evidence": Case(ok={"director", "manager_a1"}, method="post", ok_status=(302,),
                             kwargs=lambda w: {"region": "A", "code": "X1"}, data={"evidence": ["E1"]}),
}

# Django's own views: authentication, language switch, the admin back office.
NOT_REGION_SCOPED = {"login", "logout", "set_language"}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns == "admin":
                continue
            yield from named_patterns(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name


def test_every_url_is_covered():
    missing = sorted(set(named_patterns()) - set(CASES) - NOT_REGION_SCOPED)
    assert missing == [], f"add these URLs to CASES in {__file__}: {missing}"


@pytest.fixture
def world(personas, region_a, region_b):
    product = Product.objects.create(code="P1", name="专线", series="数据")
    customer = Customer.objects.create(region=region_a, code="C1", name="客户一", owner=personas["manager_a1"])
    project = Project.objects.create(region=region_a, code="X1", name="项目一", customer=customer, product=product,
                                     owner=personas["manager_a1"], expected_close="2027-01-15")
    return {**personas, "customer": customer, "project": project, "product": product}


def reverse_for(name, case, world):
    from django.urls import reverse

    return reverse(name, kwargs=case.kwargs(world)) + case.query


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("persona", sorted(EVERYONE | {"anonymous"}))
def test_url_answers_each_persona_as_its_scope_says(client, world, name, persona):
    case = CASES[name]
    url = reverse_for(name, case, world)
    if persona != "anonymous":
        client.force_login(world[persona])
    response = getattr(client, case.method)(url, case.data)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    elif persona in case.ok:
        assert response.status_code in case.ok_status, (url, persona, response.status_code)
    else:
        assert response.status_code == 404, (url, persona, response.status_code)


def test_admin_is_closed_to_non_staff(client, world):
    client.force_login(world["director"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
