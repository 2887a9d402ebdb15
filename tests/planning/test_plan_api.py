"""The plan as data (INTERFACES.md §4): GET /api/regions/<code>/plans/<period>
and manage.py export_plan — which version, who sees what, the JSON field by field."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers.models import Product
from planning.models import Plan, PlanStatus, Target, TargetPart
from planning.plan_data import plan_data
from tests.factories import plan_version, plan_with_targets

URL = "/api/regions/A/plans/2027"

INDICATORS = [{"category": "finance", "name": "区域整体资费贡献", "responsible": "director_a"},
              {"category": "market", "name": "老项目市场占有率", "responsible": "manager_a1"}]
TARGETS = [{"family": "finance", "name": "区域整体资费贡献", "value": "3000.00", "unit": "元"},
           {"family": "growth", "name": "新增客户", "value": "5.00", "unit": "个"},
           {"family": "satisfaction", "name": "满意度", "value": "90.00", "unit": "分"}]
ROWS_A1 = [{"manager": "manager_a1", "month": "2027-02", "product": "P0", "project": None, "amount": "499.50"},
           {"manager": "manager_a1", "month": "2027-02", "product": "P1", "project": None, "amount": "500.50"}]
ROWS_A2 = [{"manager": "manager_a2", "month": "2027-01", "product": "P0", "project": None, "amount": "1500.00"},
           {"manager": "manager_a2", "month": "2027-01", "product": "P1", "project": None, "amount": "500.00"}]
SIGNED_A1 = {"manager": "manager_a1", "signed_at": "2026-11-29T10:00:00+08:00", "valid": True}
VOIDED_A2 = {"manager": "manager_a2", "signed_at": "2026-11-29T10:00:00+08:00", "valid": False}

DRAFT = {
    "region": "A", "period": "2027", "status": "draft", "version": None, "as_of": "2026-11-29",
    "base_period": {"start": "2025-11", "end": "2026-10"},
    "indicators": INDICATORS, "targets": TARGETS, "revenue_target": "3000.00",
    "decomposition": ROWS_A1 + ROWS_A2, "signoffs": [SIGNED_A1, VOIDED_A2],
}
NO_PLAN = {"error": "没有这个计划或版本，或您无权查看"}


@pytest.fixture
def plan(region_a, director, manager_a1, manager_a2):
    return plan_with_targets(region_a, director, manager_a1, manager_a2)


# --- the document, field by field --------------------------------------------------------------------

def test_the_director_reads_the_live_draft_field_by_field(client_for, director, plan):
    response = client_for(director).get(URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    doc = response.json()
    assert list(doc) == list(DRAFT)  # the order of §4
    assert doc["region"] == "A" and doc["period"] == "2027"
    assert doc["status"] == "draft" and doc["version"] is None
    assert doc["as_of"] == "2026-11-29"
    assert doc["base_period"] == {"start": "2025-11", "end": "2026-10"}
    assert doc["indicators"] == INDICATORS
    assert doc["targets"] == TARGETS  # by family, then name
    assert doc["revenue_target"] == "3000.00"
    assert doc["decomposition"] == ROWS_A1 + ROWS_A2  # by manager, month, product
    assert doc["signoffs"] == [SIGNED_A1, VOIDED_A2]  # manager_a2's values changed after signing
    assert doc == DRAFT


def test_the_draft_costs_the_same_queries_whatever_its_size(client_for, director, plan, manager_a1,
                                                            django_assert_num_queries):
    client = client_for(director)
    client.get(URL)
    # session, user, region, plan, the version chosen (none), indicators, targets, the revenue
    # target, its parts, the managers with parts, their sign-offs, the users, a digest per manager (2):
    # only the number of managers counts, not the number of rows
    with django_assert_num_queries(14):
        assert client.get(URL).status_code == 200
    total = Target.objects.get(plan=plan, family="finance")
    product = Product.objects.get(code="P0")
    TargetPart.objects.bulk_create(TargetPart(target=total, manager=manager_a1, product=product,
                                              month=dt.date(2027, 3 + m % 10, 1), amount=Decimal("1.00"))
                                   for m in range(20))
    with django_assert_num_queries(14):
        assert client.get(URL).status_code == 200


def test_a_manager_sees_only_their_own_rows_and_signoff_in_a_draft(client_for, manager_a1, manager_a2, plan):
    doc = client_for(manager_a1).get(URL).json()
    assert doc["decomposition"] == ROWS_A1 and doc["signoffs"] == [SIGNED_A1]
    assert doc["indicators"] == INDICATORS and doc["targets"] == TARGETS and doc["revenue_target"] == "3000.00"
    doc = client_for(manager_a2).get(URL).json()
    assert doc["decomposition"] == ROWS_A2 and doc["signoffs"] == [VOIDED_A2]


def test_a_manager_without_parts_sees_no_rows(client_for, region_a, director, manager_a1, manager_a2, plan):
    from tests.conftest import make_user

    other = make_user("manager_a3", "manager", region_a)
    doc = client_for(other).get(URL).json()
    assert doc["decomposition"] == [] and doc["signoffs"] == []


def test_a_returned_live_plan_says_so(client_for, director, plan):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.RETURNED)
    plan_version(plan, 1, PlanStatus.RETURNED)
    doc = client_for(director).get(URL).json()
    assert doc["status"] == "returned" and doc["version"] is None


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_an_executive_never_reads_a_draft(client_for, executive, plan, status):
    Plan.objects.filter(pk=plan.pk).update(status=status)
    response = client_for(executive).get(URL)
    assert response.status_code == 404 and response.json() == NO_PLAN


def test_signed_at_is_in_the_projects_time_zone_whatever_zone_is_active(plan):
    with timezone.override("UTC"):
        assert [s["signed_at"] for s in plan_data(plan)["signoffs"]] == ["2026-11-29T10:00:00+08:00"] * 2


def test_a_plan_without_a_revenue_target_has_none(client_for, director, region_a):
    Plan.objects.create(region=region_a, period="2028", as_of=dt.date(2027, 6, 30))
    doc = client_for(director).get("/api/regions/A/plans/2028").json()
    assert doc == {"region": "A", "period": "2028", "status": "draft", "version": None, "as_of": "2027-06-30",
                   "base_period": {"start": "2026-06", "end": "2027-05"}, "indicators": [], "targets": [],
                   "revenue_target": None, "decomposition": [], "signoffs": []}


# --- which version --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("statuses", "chosen"), [
    ([], None),  # nothing frozen: the live draft
    (["returned"], None),  # a returned submission is not read; the live plan is
    (["submitted"], 1),
    (["returned", "submitted"], 2),
    (["submitted", "submitted"], 2),  # the latest submitted
    (["approved"], 1),
    (["approved", "submitted"], 1),  # approved first, even when a later one waits
    (["approved", "returned", "approved", "submitted"], 3),  # the latest approved
])
def test_without_a_version_the_latest_approved_then_submitted_then_the_draft(client_for, director, plan,
                                                                             statuses, chosen):
    for number, status in enumerate(statuses, start=1):
        plan_version(plan, number, status)
    doc = client_for(director).get(URL).json()
    assert doc["version"] == chosen
    assert doc["status"] == (statuses[chosen - 1] if chosen else "draft")


def test_a_version_is_read_from_its_frozen_data_not_the_live_tables(client_for, director, plan):
    plan_version(plan, 1, PlanStatus.APPROVED)
    # The live plan moves on: another date, another target value, no decomposition.
    Plan.objects.filter(pk=plan.pk).update(as_of=dt.date(2027, 1, 15))
    Target.objects.filter(plan=plan, family="growth").update(value=Decimal("7"))
    TargetPart.objects.filter(target__plan=plan).delete()
    doc = client_for(director).get(URL).json()
    assert doc == {**DRAFT, "status": "approved", "version": 1}


@pytest.mark.parametrize("persona", ["director", "executive", "manager_a1", "manager_a2", "administrator"])
def test_a_frozen_version_is_read_whole_by_every_reader_even_while_a_revision_is_drafted(
        client_for, personas, plan, persona):
    plan_version(plan, 1, PlanStatus.APPROVED)
    plan_version(plan, 2, PlanStatus.RETURNED)
    # The approved plan is being revised: the live plan is a draft again.
    for query, number, status in (("", 1, "approved"), ("?version=1", 1, "approved"),
                                  ("?version=2", 2, "returned")):
        doc = client_for(personas[persona]).get(URL + query).json()
        assert (doc["version"], doc["status"]) == (number, status)
        assert doc["decomposition"] == ROWS_A1 + ROWS_A2 and doc["signoffs"] == [SIGNED_A1, VOIDED_A2]


def test_a_version_that_does_not_exist_is_404(client_for, director, plan):
    plan_version(plan, 1, PlanStatus.SUBMITTED)
    response = client_for(director).get(URL + "?version=2")
    assert response.status_code == 404 and response.json() == NO_PLAN


@pytest.mark.parametrize(("query", "error"), [
    ("?version=0", "version 应为正整数（1、2、……），收到“0”"),
    ("?version=-1", "version 应为正整数（1、2、……），收到“-1”"),
    ("?version=abc", "version 应为正整数（1、2、……），收到“abc”"),
    ("?version=", "version 应为正整数（1、2、……），收到“”"),
    ("?version=1.0", "version 应为正整数（1、2、……），收到“1.0”"),
    ("?version=01", "version 应为正整数（1、2、……），收到“01”"),
    ("?version=1234567890", "version 应为正整数（1、2、……），收到“1234567890”"),  # beyond the schema's maximum
    ("?version=1&version=2", "version 只能给一个值（正整数，如 1）"),
])
def test_a_bad_version_is_400_saying_why(client_for, director, plan, query, error):
    response = client_for(director).get(URL + query)
    assert response.status_code == 400 and response.json() == {"error": error}


# --- scope, methods, the anonymous ----------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "path", "error"), [
    ("manager_b", URL, {"error": "没有这个区域，或您无权查看"}),  # another region's
    ("director_b", URL, {"error": "没有这个区域，或您无权查看"}),
    ("director", "/api/regions/ZZ/plans/2027", {"error": "没有这个区域，或您无权查看"}),
    ("director", "/api/regions/ZZ/plans/2027?version=abc", {"error": "没有这个区域，或您无权查看"}),
    ("director", "/api/regions/A/plans/2031", NO_PLAN),
])
def test_out_of_scope_or_unknown_is_404(client_for, personas, plan, persona, path, error):
    response = client_for(personas[persona]).get(path)
    assert response.status_code == 404 and response.json() == error


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head", "options"])
def test_get_only(client_for, director, plan, method):
    response = getattr(client_for(director), method)(URL)
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_the_anonymous_get_401_json(client, plan):
    response = client.get(URL)
    assert response.status_code == 401 and response.json() == {"error": "需要登录：请先登录再调用接口"}
    assert response["WWW-Authenticate"] == 'Session realm="api", Bearer realm="api"'


# --- the OpenAPI description ------------------------------------------------------------------------------

def test_the_schema_describes_the_plan_document(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/regions/{code}/plans/{period}"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "404", "405"}
    assert operation["security"] == [{"session": []}, {"bearer": []}]
    version = next(p for p in operation["parameters"] if p["name"] == "version")
    assert version["in"] == "query" and version["required"] is False
    assert version["schema"] == {"type": "integer", "minimum": 1, "maximum": 999999999}
    components = schema["components"]["schemas"]
    assert components["Plan"]["required"] == list(DRAFT)
    assert set(components["Plan"]["properties"]) == set(DRAFT)
    assert components["Plan"]["properties"]["version"]["type"] == ["integer", "null"]
    for name, example in (("PlanIndicator", INDICATORS[0]), ("PlanTarget", TARGETS[0]),
                          ("PlanPart", ROWS_A1[0]), ("PlanSignoff", SIGNED_A1)):
        assert set(components[name]["required"]) == set(example) == set(components[name]["properties"])
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer",
        "description": "个人只读令牌（在“接口令牌”页面创建和吊销）：Authorization: Bearer 令牌"}


def test_the_answers_validate_against_the_schema(client_for, director, manager_a1, plan):
    import jsonschema_rs  # schemathesis' own validator

    schema = client_for(director).get("/api/openapi.json").json()
    validator = jsonschema_rs.validator_for({"components": schema["components"], "$ref": "#/components/schemas/Plan"},
                                            validate_formats=True)
    plan_version(plan, 1, PlanStatus.SUBMITTED)
    for user, query in ((director, "?version=1"), (manager_a1, "")):
        validator.validate(client_for(user).get(URL + query).json())
    assert not validator.is_valid({**DRAFT, "revenue_target": "3000"})  # money has two places
    assert not validator.is_valid({**DRAFT, "version": 0})


# --- export_plan ---------------------------------------------------------------------------------------

def _export(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("export_plan", *args, stdout=out)
    return json.loads(out.getvalue())


def test_export_plan_prints_what_the_api_gives_the_director(client_for, director, plan):
    assert _export("--region", "A", "--period", "2027") == client_for(director).get(URL).json() == DRAFT
    plan_version(plan, 1, PlanStatus.SUBMITTED)
    plan_version(plan, 2, PlanStatus.APPROVED, data={**plan_data(plan), "revenue_target": "3000.00",
                                                     "decomposition": ROWS_A1})
    api = client_for(director)
    assert _export("--region", "A", "--period", "2027") == api.get(URL).json()
    assert _export("--region", "A", "--period", "2027")["decomposition"] == ROWS_A1
    assert _export("--region", "A", "--period", "2027", "--version", "1") == api.get(URL + "?version=1").json()


def test_export_plan_writes_a_file(tmp_path, plan):
    target = tmp_path / "plan.json"
    call_command("export_plan", "--region", "A", "--period", "2027", "--out", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == DRAFT


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "ZZ", "--period", "2027"], "区域 ZZ 没有 2027 的计划"),
    (["--region", "A", "--period", "2031"], "区域 A 没有 2031 的计划"),
    (["--region", "A", "--period", "2027", "--version", "3"], "A 2027 的计划没有第 3 版"),
    (["--region", "A", "--period", "2027", "--version", "0"], "--version 应为正整数，收到 0"),
])
def test_export_plan_refuses_what_is_not_there(plan, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_plan", *args)
