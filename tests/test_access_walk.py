"""Walk every URL of the project with every persona.

Each named URL must be listed in CASES with who may reach it; everybody else
(signed in) must get 404 — never 403 with the object's name — and the
anonymous visitor is sent to the login page (the API answers 401 with a JSON
error instead). Adding a URL without a case here fails
`test_every_url_is_covered`.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from customers.models import Customer, Product
from pipeline.models import Project
from tests.access import DIRECTOR_ONLY, EVERYONE, REGION_A_READERS, Case

CORE_CASES: dict[str, Case] = {
    "home": Case(ok=EVERYONE, kwargs=lambda w: {}, ok_status=(200, 302)),
    "password_change": Case(ok=EVERYONE, kwargs=lambda w: {}),
    "password_change_done": Case(ok=EVERYONE, kwargs=lambda w: {}),
    "set_money_unit": Case(ok=EVERYONE, kwargs=lambda w: {}, method="post", ok_status=(302,),
                           data={"unit": "wan"}),
    "region_home": Case(ok=REGION_A_READERS),
    "region_settings": Case(ok=DIRECTOR_ONLY),
    "import_upload": Case(ok=DIRECTOR_ONLY),
    "import_template": Case(ok=DIRECTOR_ONLY),
    "import_confirm": Case(ok=DIRECTOR_ONLY, method="post", ok_status=(302, 400)),
    "api_analysis": Case(ok=REGION_A_READERS, anonymous=401),
}


APP_CASE_MODULES = [
    importlib.import_module(f"tests.{path.parent.name}.access_cases")
    for path in sorted(Path(__file__).parent.glob("*/access_cases.py"))
]


def _all_cases() -> dict[str, Case]:
    """CORE_CASES plus each app's tests/<app>/access_cases.py (a CASES dict and
    optionally extend_world(world) -> dict of more objects the URLs need)."""
    cases = dict(CORE_CASES)
    for module in APP_CASE_MODULES:
        overlap = set(cases) & set(module.CASES)
        assert not overlap, f"URL cases defined twice: {overlap}"
        cases.update(module.CASES)
    return cases


CASES = _all_cases()

# Django's own views: authentication, language switch, the admin back office.
NOT_REGION_SCOPED = {"login", "logout", "set_language", "api_schema"}


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
    world = {**personas, "region_a": region_a, "region_b": region_b, "customer": customer, "project": project,
             "product": product}
    for module in APP_CASE_MODULES:
        if hasattr(module, "extend_world"):
            world.update(module.extend_world(world))
    return world


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
    if persona == "anonymous" and case.anonymous:
        assert response.status_code == case.anonymous and "error" in response.json(), url
    elif persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    elif persona in case.ok:
        assert response.status_code in case.ok_status, (url, persona, response.status_code)
    else:
        assert response.status_code == 404, (url, persona, response.status_code)


def test_admin_is_closed_to_non_staff(client, world):
    client.force_login(world["director"])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
