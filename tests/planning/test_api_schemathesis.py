"""The analysis and plan APIs against their own /api/openapi.json, with schemathesis.

The schema is read from the live server, as a client would read it. Every
answer goes through all of schemathesis's default checks (status code,
content type, headers and body conform to the schema; no 5xx; valid input
accepted, invalid input refused; authentication enforced). Cases come from
both modes — valid data, and data that breaks the schema — and the region
code is the real one or anything schemathesis makes up (404).

schemathesis.pytest.from_fixture, the usual way to use a schema that only
exists once a fixture has run, fails on pytest 9.2 (it writes
`Item._nodeid`, which pytest 9.2 no longer has), so the cases are drawn with
the operation's Hypothesis strategies inside an ordinary test.
"""

import datetime

import pytest
import schemathesis
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from planning.models import PlanStatus
from teams import services
from tests.factories import plan_version, plan_with_targets, products, seed

pytestmark = pytest.mark.browser

PATH = "/api/regions/{code}/analysis"
PLAN_PATH = "/api/regions/{code}/plans/{period}"
EXAMPLES = 25  # per mode and kind of region code: seconds against the live server


@pytest.fixture
def site(transactional_db, live_server, region_a, director, manager_a1):
    """The live server with a region holding data, and a signed-in director's session."""
    seed(region_a, manager_a1, 5, products(2))
    client = Client()
    client.force_login(director)
    return {"url": live_server.url, "region": region_a.code,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def plans(site, region_a, director, manager_a1, manager_a2):
    """Plan 2027 a live draft (no version); plan 2026 with a returned
    version 1 and an approved version 2; a personal token of the director."""
    plan_with_targets(region_a, director, manager_a1, manager_a2, period="2027")
    frozen = plan_with_targets(region_a, director, manager_a1, manager_a2, period="2026",
                               as_of=datetime.date(2025, 11, 29))
    plan_version(frozen, 1, PlanStatus.RETURNED)
    plan_version(frozen, 2, PlanStatus.APPROVED)
    _, token = services.api_token_create(user=director, name="schemathesis")
    return {**site, "token": token}


def _operation(site, session: str | None, path: str = PATH, *, token: str | None = None):
    # Negative cases break as_of, not the cookie: leaving the credential out is
    # what the ignored_auth check does after every 2xx, and the anonymous run.
    config = {"generation": {"database": "none", "with-security-parameters": False}}
    if session:
        # the schema's own security scheme, so schemathesis knows the cookie is the credential
        config["auth"] = {"openapi": {"session": {"api_key": session}}}
    elif token:
        config["auth"] = {"openapi": {"bearer": {"bearer": token}}}
    schema = schemathesis.openapi.from_url(f"{site['url']}/api/openapi.json",
                                           config=schemathesis.Config.from_dict(config))
    return schema[path]["GET"]


def _answers(strategy, examples: int) -> set[int]:
    """Calls and validates up to `examples` cases drawn from `strategy`; the statuses answered."""
    statuses = set()

    @hypothesis_settings(max_examples=examples, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(case=strategy)
    def check(case):
        statuses.add(case.call_and_validate().status_code)

    check()
    return statuses


def _run(operation, region: str) -> dict[tuple, set[int]]:
    """Statuses per (generation mode, region code): the real code, or any."""
    positive, negative = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
    return {
        (mode.value, which): _answers(operation.as_strategy(mode, path_parameters=fixed), EXAMPLES)
        for mode in (positive, negative)
        for which, fixed in (("region", {"code": region}), ("any", None))
    }


OTHER_METHODS = ("POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _other_methods(operation, region: str, **path) -> set[tuple]:
    """The answer to each method the schema does not declare, validated like the rest."""
    answers = set()
    path = {"code": region, **path}
    for method in OTHER_METHODS:
        response = operation.Case(method=method, path_parameters=path).call_and_validate()
        answers.add((method, response.status_code, response.headers["allow"][0]))
    # A HEAD answer has no body to validate as JSON: only its status and Allow.
    head = operation.Case(method="HEAD", path_parameters=path).call()
    answers.add(("HEAD", head.status_code, head.headers["allow"][0]))
    return answers


def test_the_api_keeps_its_schema_for_a_director(site):
    operation = _operation(site, site["session"])
    answered = _run(operation, site["region"])
    # Valid requests for the region: the document. Broken ones: a bad as_of is
    # refused, extra parameters are ignored.
    assert answered[("positive", "region")] == {200}, answered
    assert 400 in answered[("negative", "region")], answered
    assert answered[("negative", "region")] <= {200, 400}, answered
    # A made-up code is 404 before as_of is looked at (unless it is the real one).
    assert 404 in answered[("positive", "any")], answered
    assert answered[("positive", "any")] <= {200, 404}, answered
    assert 404 in answered[("negative", "any")], answered
    assert answered[("negative", "any")] <= {200, 400, 404}, answered
    assert _other_methods(operation, site["region"]) == {
        (method, 405, "GET") for method in OTHER_METHODS + ("HEAD",)}


def test_the_api_refuses_the_anonymous_and_keeps_its_schema(site):
    operation = _operation(site, None)
    answered = _run(operation, site["region"])
    assert len(answered) == 4 and all(statuses == {401} for statuses in answered.values()), answered


# --- the plan (INTERFACES §4) ---------------------------------------------------------------------------

def _run_plan(operation, region: str) -> dict[tuple, set[int]]:
    """Statuses per (generation mode, which plan): the draft, the versioned plan, any path."""
    positive, negative = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
    fixed = {"draft": {"code": region, "period": "2027"}, "versions": {"code": region, "period": "2026"},
             "any": None}
    return {(mode.value, which): _answers(operation.as_strategy(mode, path_parameters=path), EXAMPLES)
            for mode in (positive, negative) for which, path in fixed.items()}


def _plan_cases(operation, region: str, credential: dict) -> dict[tuple, int]:
    """The cases that must answer with data, called and validated one by one
    (a hand-made case carries its credential itself: `credential`)."""
    cases = {("2027", None): 200, ("2026", None): 200, ("2026", 1): 200, ("2026", 2): 200, ("2026", 3): 404,
             ("2027", 1): 404, ("1999", None): 404}
    answered = {}
    for (period, version), _ in cases.items():
        query = {"version": version} if version else {}
        case = operation.Case(path_parameters={"code": region, "period": period}, query=query, **credential)
        response = case.call_and_validate()
        answered[(period, version)] = response.status_code
        if response.status_code == 200:
            doc = response.json()
            assert doc["version"] == (version or (None if period == "2027" else 2))
            assert len(doc["decomposition"]) == 4 and len(doc["signoffs"]) == 2, doc
    assert answered == cases
    return answered


@pytest.mark.parametrize("credential", ["session", "token"])
def test_the_plan_api_keeps_its_schema_for_a_director(plans, credential):
    if credential == "session":
        operation = _operation(plans, plans["session"], PLAN_PATH)
        sent = {"cookies": {settings.SESSION_COOKIE_NAME: plans["session"]}}
    else:
        operation = _operation(plans, None, PLAN_PATH, token=plans["token"])
        sent = {"headers": {"Authorization": f"Bearer {plans['token']}"}}
    _plan_cases(operation, plans["region"], sent)
    answered = _run_plan(operation, plans["region"])
    # Valid requests: the plan, or 404 for a version it does not have.
    for which in ("draft", "versions"):
        assert 200 in answered[("positive", which)], answered
        assert answered[("positive", which)] <= {200, 404}, answered
        assert answered[("negative", which)] <= {200, 400, 404}, answered
    assert 400 in answered[("negative", "draft")] | answered[("negative", "versions")], answered
    assert answered[("positive", "any")] <= {200, 404} and 404 in answered[("positive", "any")], answered
    assert answered[("negative", "any")] <= {200, 400, 404}, answered
    assert _other_methods(operation, plans["region"], period="2027") == {
        (method, 405, "GET") for method in OTHER_METHODS + ("HEAD",)}


def test_the_plan_api_refuses_the_anonymous_and_keeps_its_schema(plans):
    answered = _run_plan(_operation(plans, None, PLAN_PATH), plans["region"])
    assert len(answered) == 6 and all(statuses == {401} for statuses in answered.values()), answered
