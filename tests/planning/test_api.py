"""The analysis API (INTERFACES.md §3): GET only, JSON refusals, its OpenAPI description."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from customers.models import Customer, Product
from pipeline.models import Project
from planning.api import dates_up_to
from planning.forms import a_year_after
from tests.planning.test_analysis import EXPECTED, region_data  # noqa: F401 (a fixture)

URL = "/api/regions/A/analysis"
DOC = f"{URL}?as_of=2026-11-27"
LATEST = "今天起一年"


def _range(latest: dt.date) -> str:
    return f"允许 2000-01-01 至 {latest.isoformat()}"


def test_it_serves_the_analysis_document(client_for, director, region_data):  # noqa: F811
    response = client_for(director).get(DOC)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == EXPECTED


# --- 405: GET only, answered before CSRF and before authentication ---------------------------

@pytest.mark.parametrize("method", ["post", "put", "delete", "patch", "trace", "options"])
def test_other_methods_get_405_with_allow_get(client_for, director, method):
    response = getattr(client_for(director), method)(URL)
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json() == {"error": f"此接口只接受 GET 请求，收到 {method.upper()}"}


def test_head_is_refused_like_the_other_methods(client_for, director):
    response = client_for(director).head(URL)
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_a_post_without_csrf_token_is_405_not_403(director, region_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    response = client.post(URL, {"as_of": "2026-11-27"})
    assert response.status_code == 405
    assert response.json() == {"error": "此接口只接受 GET 请求，收到 POST"}


def test_the_method_is_checked_before_the_caller(client, db):
    response = client.delete(URL)
    assert response.status_code == 405 and response["Allow"] == "GET"


# --- 400: as_of -------------------------------------------------------------------------------

@pytest.fixture
def today(monkeypatch):
    """A fixed today, a leap day: a year later is 28 February 2029."""
    day = dt.date(2028, 2, 29)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


LEAP_LATEST = dt.date(2029, 2, 28)
FORMAT = f"as_of 应为 YYYY-MM-DD 格式的日期，在 2000-01-01 至 {LEAP_LATEST} 之间"
EARLY = f"as_of 不能早于 2000-01-01（{_range(LEAP_LATEST)}）"
LATE = f"as_of 不能晚于{LATEST}，即 {LEAP_LATEST}（{_range(LEAP_LATEST)}）"


@pytest.mark.parametrize(("as_of", "error"), [
    ("0001-01-01", EARLY),
    ("1999-12-31", EARLY),
    ("2029-03-01", LATE),  # the day after a year after today
    ("9999-12-31", LATE),
    ("abc", FORMAT),
    ("", FORMAT),
    ("2026-02-30", FORMAT),
    ("2026-1-5", FORMAT),  # strptime would take it; format: date does not
    ("20261127", FORMAT),  # date.fromisoformat would take it
    (" 2026-11-27", FORMAT),
    ("٢٠٢٦-١١-٢٧", FORMAT),  # Arabic-Indic digits match \d, not [0-9]
])
def test_a_bad_as_of_is_400_saying_why(client_for, director, today, as_of, error):
    response = client_for(director).get(URL, {"as_of": as_of})
    assert response.status_code == 400 and response.json() == {"error": error}


def test_a_repeated_as_of_is_400(client_for, director, today):
    response = client_for(director).get(f"{URL}?as_of=2026-11-27&as_of=2026-11-28")
    assert response.status_code == 400
    assert response.json() == {"error": f"as_of 只能给一个值（YYYY-MM-DD，2000-01-01 至 {LEAP_LATEST}）"}


@pytest.mark.parametrize("as_of", ["2000-01-01", "2028-02-29", "2029-02-28"])
def test_the_bounds_of_as_of_are_accepted(client_for, director, region_a, today, as_of):
    response = client_for(director).get(URL, {"as_of": as_of})
    assert response.status_code == 200 and response.json()["as_of"] == as_of


def test_a_missing_as_of_means_today(client_for, director, region_a, today):
    response = client_for(director).get(URL)
    assert response.status_code == 200 and response.json()["as_of"] == "2028-02-29"


@pytest.mark.parametrize(("day", "later"), [
    (dt.date(2026, 11, 27), dt.date(2027, 11, 27)),  # 365 days
    (dt.date(2027, 3, 1), dt.date(2028, 3, 1)),  # 366 days: over 29 February 2028
    (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
    (dt.date(2027, 12, 31), dt.date(2028, 12, 31)),
])
def test_a_year_after_is_the_same_calendar_day(day, later):
    assert a_year_after(day) == later


def test_the_real_today_bounds_as_of_a_calendar_year_ahead(client_for, director, region_a):
    latest = a_year_after(timezone.localdate())
    client = client_for(director)
    assert client.get(URL, {"as_of": latest.isoformat()}).status_code == 200
    refused = client.get(URL, {"as_of": (latest + dt.timedelta(days=1)).isoformat()})
    assert refused.status_code == 400
    assert refused.json() == {"error": f"as_of 不能晚于{LATEST}，即 {latest}（{_range(latest)}）"}


def test_the_refusal_is_in_english_for_an_english_user(client_for, director, today):
    client = client_for(director)
    client.cookies["django_language"] = "en"
    response = client.get(URL, {"as_of": "1999-12-31"})
    assert response.status_code == 400
    assert response.json() == {"error": f"as_of must not be before 2000-01-01 (allowed: 2000-01-01 to {LEAP_LATEST})"}


# --- 401: anonymous ---------------------------------------------------------------------------

ANONYMOUS = {"error": "需要登录：请先登录再调用接口"}


@pytest.mark.parametrize("path", [URL, f"{URL}?as_of=abc", "/api/regions/ZZ/analysis", "/api/nothing/here"])
def test_an_anonymous_call_is_401_with_a_challenge_not_a_redirect(client, region_a, path):
    response = client.get(path)
    assert response.status_code == 401 and response.json() == ANONYMOUS
    assert response["WWW-Authenticate"] == 'Session realm="api", Bearer realm="api"' and "Location" not in response


def test_an_unknown_session_cookie_is_anonymous(client, region_a):
    client.cookies["sessionid"] = "not-a-session"
    response = client.get(URL)
    assert response.status_code == 401 and response.json() == ANONYMOUS


# --- 404: outside the caller's scope ----------------------------------------------------------

NO_REGION = {"error": "没有这个区域，或您无权查看"}


def test_another_regions_analysis_is_404(client_for, manager_b, region_data):  # noqa: F811
    response = client_for(manager_b).get(DOC)
    assert response.status_code == 404 and response.json() == NO_REGION


def test_an_unknown_region_is_404_before_as_of_is_judged(client_for, director, region_a):
    response = client_for(director).get("/api/regions/ZZ/analysis?as_of=abc")
    assert response.status_code == 404 and response.json() == NO_REGION


def test_an_unknown_api_path_is_a_json_404(client_for, director, region_a):
    response = client_for(director).get("/api/regions/A/B/analysis")
    assert response.status_code == 404
    assert response.json() == {"error": "没有这个接口：/api/regions/A/B/analysis"}


# --- a manager's part -------------------------------------------------------------------------

@pytest.fixture
def second_owner(region_data, manager_a2):  # noqa: F811
    customer = Customer.objects.create(region=region_data, code="C0009", name="二号的客户", owner=manager_a2)
    Project.objects.create(region=region_data, code="P0009", name="二号的项目", customer=customer,
                           product=Product.objects.get(code="DL01"), owner=manager_a2,
                           amount=Decimal("1000.00"), expected_close=dt.date(2027, 3, 1))


@pytest.mark.parametrize(("persona", "customers", "projects"), [
    ("director", ["C0001", "C0002", "C0003", "C0009"], ["P0001", "P0009"]),
    ("executive", ["C0001", "C0002", "C0003", "C0009"], ["P0001", "P0009"]),
    ("manager_a1", ["C0001", "C0002", "C0003"], ["P0001"]),
    ("manager_a2", ["C0009"], ["P0009"]),
])
def test_a_manager_gets_only_their_own_customers_and_projects(client_for, personas, second_owner, persona,
                                                               customers, projects):
    doc = client_for(personas[persona]).get(DOC).json()
    assert [c["code"] for c in doc["customers"]] == customers
    assert [p["code"] for p in doc["projects"]] == projects


# --- /api/openapi.json ------------------------------------------------------------------------

@pytest.fixture
def schema(client, today):
    response = client.get("/api/openapi.json")  # anonymous: the description is public
    assert response.status_code == 200
    return response.json()


def _operation(schema):
    return schema["paths"]["/api/regions/{code}/analysis"]["get"]


def test_the_schema_describes_every_answer_with_json(schema):
    responses = _operation(schema)["responses"]
    assert set(responses) == {"200", "400", "401", "404", "405"}
    refs = {status: r["content"]["application/json"]["schema"]["$ref"] for status, r in responses.items()}
    assert refs == {"200": "#/components/schemas/Analysis", "400": "#/components/schemas/Error",
                    "401": "#/components/schemas/Error", "404": "#/components/schemas/Error",
                    "405": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"] == {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string", "description": "原因（中文）"}}}
    assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True
    assert responses["405"]["headers"]["Allow"]["required"] is True


def test_the_schema_describes_as_of_as_a_date_in_range(schema):
    as_of = next(p for p in _operation(schema)["parameters"] if p["name"] == "as_of")
    assert as_of["in"] == "query" and as_of["required"] is False
    assert as_of["schema"]["format"] == "date"
    assert as_of["schema"]["pattern"] == dates_up_to("2029-02-28")


def test_the_schema_describes_the_document_of_interfaces(schema):
    components = schema["components"]["schemas"]
    assert set(components["Customer"]["properties"]) == set(EXPECTED["customers"][0])
    assert set(components["Customer"]["required"]) == set(EXPECTED["customers"][0])
    assert set(components["Project"]["properties"]) == set(EXPECTED["projects"][0])
    assert set(components["Project"]["required"]) == set(EXPECTED["projects"][0])
    assert set(components["Analysis"]["required"]) == set(EXPECTED)
    assert components["Customer"]["properties"]["combination"]["enum"] == ["high_profit", "profitable", "loss", None]
    assert components["Customer"]["properties"]["value_class"]["type"] == ["string", "null"]


def test_the_schema_names_the_session_cookie_and_the_token(schema):
    assert _operation(schema)["security"] == [{"session": []}, {"bearer": []}]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert schema["components"]["securitySchemes"]["session"]["in"] == "cookie"
    assert schema["components"]["securitySchemes"]["session"]["name"] == "sessionid"


def test_the_schema_itself_is_get_only(client, db):
    response = client.post("/api/openapi.json")
    assert response.status_code == 405 and response["Allow"] == "GET"


@pytest.mark.parametrize("latest", ["2027-11-27", "2029-02-28", "2030-01-01", "2028-10-09", "2031-12-31"])
def test_the_as_of_pattern_admits_exactly_the_allowed_dates(latest):
    pattern = re.compile(dates_up_to(latest))
    last = dt.date.fromisoformat(latest)
    day = dt.date(1999, 1, 1)
    wrong = []
    while day <= last + dt.timedelta(days=400):
        if bool(pattern.match(day.isoformat())) != (dt.date(2000, 1, 1) <= day <= last):
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []
    assert pattern.match("1999-12-31") is None and pattern.match("12026-01-01") is None


# --- today: read from the stored results, the same document -------------------------------------

def test_today_is_read_from_the_stored_results_and_says_the_same_as_a_fresh_analysis(
        client_for, personas, second_owner, django_assert_num_queries):
    from planning.analysis import compute, to_json
    from teams.models import Region

    region = Region.objects.get(code="A")
    today = timezone.localdate()
    for persona in ("director", "manager_a1", "manager_a2"):
        client = client_for(personas[persona])
        client.get(URL)  # the first call stores today's results
        # session, user, region + settings, customers, projects — whatever the region's size
        with django_assert_num_queries(5):
            doc = client.get(URL).json()
        assert doc == to_json(compute(region, today), personas[persona])
        assert doc["projects"] and all("role_coverage" in p for p in doc["projects"])
