"""Personal read-only API tokens (INTERFACES §4): made and revoked on the
user's own page, shown once, stored hashed; `Authorization: Bearer` reads
both APIs as the token's user, and nothing else."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from teams import services
from teams.models import ApiToken
from teams.tokens import PREFIX, bearer_token
from tests.factories import plan_with_targets

PAGE = "/tokens/"
ANALYSIS = "/api/regions/A/analysis"
PLAN = "/api/regions/A/plans/2027"
BAD_TOKEN = {"error": "令牌无效或已吊销：请在“接口令牌”页面新建令牌，以 Authorization: Bearer 令牌 发送"}


def _bearer(raw: str) -> Client:
    """A client with no session at all: only the token."""
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _shown_token(html: str) -> str:
    return re.search(r'id="new-token"[^>]* value="([^"]+)"', html).group(1)


# --- the page: create (shown once, stored hashed), list, revoke ------------------------------------------

def test_a_new_token_is_shown_once_and_stored_only_as_its_hash(client_for, manager_a1):
    client = client_for(manager_a1)
    response = client.post(PAGE, {"name": "月度报表"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    raw = _shown_token(html)
    assert raw.startswith(PREFIX) and len(raw) >= len(PREFIX) + 40
    assert "只显示这一次" in html
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (manager_a1, "月度报表", raw[:10])
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields}
    assert token.revoked_at is None and token.last_used_at is None
    again = client.get(PAGE).content.decode()  # the list shows the prefix, never the token
    assert raw not in again and f"{token.prefix}…" in again and "月度报表" in again


def test_two_tokens_differ(manager_a1):
    (_, one), (_, two) = (services.api_token_create(user=manager_a1, name=n) for n in ("一", "二"))
    assert one != two


@pytest.mark.parametrize(("name", "error"), [
    ("", "这个字段是必填项。"),
    ("   ", "这个字段是必填项。"),
    ("长" * 101, "确保该变量包含不超过 100 字符 (目前字符数 101)。"),
])
def test_a_bad_name_is_refused_and_nothing_is_made(client_for, manager_a1, name, error):
    response = client_for(manager_a1).post(PAGE, {"name": name})
    assert response.status_code == 400
    html = response.content.decode()
    assert "令牌未创建" in html and error in html and 'id="new-token"' not in html
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(("name", "error"), [
    ("  ", "请填写令牌的用途（如“报表系统”），以便日后辨认和吊销"),
    ("长" * 101, "令牌用途最多 100 个字，现在 101 个"),
])
def test_the_service_refuses_a_bad_name_itself(manager_a1, name, error):
    with pytest.raises(ValidationError) as refused:
        services.api_token_create(user=manager_a1, name=name)
    assert refused.value.messages == [error] and not ApiToken.objects.exists()


def test_at_most_twenty_live_tokens(client_for, manager_a1):
    for n in range(services.TOKENS_MAX):
        services.api_token_create(user=manager_a1, name=f"t{n}")
    response = client_for(manager_a1).post(PAGE, {"name": "第二十一个"})
    assert response.status_code == 400 and "有效令牌已达 20 个，请先吊销不用的令牌" in response.content.decode()
    ApiToken.objects.filter(name="t0").update(revoked_at=timezone.now())
    assert client_for(manager_a1).post(PAGE, {"name": "第二十一个"}).status_code == 200


def test_the_page_lists_only_ones_own_tokens(client_for, manager_a1, manager_a2):
    services.api_token_create(user=manager_a2, name="别人的令牌")
    services.api_token_create(user=manager_a1, name="我的令牌一")
    html = client_for(manager_a1).get(PAGE).content.decode()
    assert "我的令牌一" in html and "别人的令牌" not in html


def test_revoking_keeps_the_row_and_the_first_time(client_for, manager_a1):
    token, _ = services.api_token_create(user=manager_a1, name="报表")
    client = client_for(manager_a1)
    response = client.post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == PAGE
    token.refresh_from_db()
    first = token.revoked_at
    assert first is not None
    client.post(f"/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at == first
    html = client.get(PAGE).content.decode()
    assert "令牌“报表”已吊销" in html and "已吊销（" in html


def test_nobody_revokes_anothers_token(client_for, manager_a1, director):
    token, _ = services.api_token_create(user=manager_a1, name="报表")
    response = client_for(director).post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_is_post_only(client_for, manager_a1):
    token, _ = services.api_token_create(user=manager_a1, name="报表")
    assert client_for(manager_a1).get(f"/tokens/{token.pk}/revoke/").status_code == 405


def test_the_password_page_leads_to_the_tokens(client_for, manager_a1):
    assert 'href="/tokens/"' in client_for(manager_a1).get("/password/").content.decode()


# --- Bearer: both APIs, as the token's user --------------------------------------------------------------

@pytest.fixture
def plan(region_a, director, manager_a1, manager_a2):
    return plan_with_targets(region_a, director, manager_a1, manager_a2)


def test_a_token_reads_both_apis_as_its_user(client_for, director, manager_a1, plan):
    _, raw = services.api_token_create(user=manager_a1, name="报表")
    api = _bearer(raw)
    analysis = api.get(ANALYSIS)
    assert analysis.status_code == 200
    assert analysis.json() == client_for(manager_a1).get(ANALYSIS).json()
    doc = api.get(PLAN)
    assert doc.status_code == 200
    assert [r["manager"] for r in doc.json()["decomposition"]] == ["manager_a1", "manager_a1"]  # a manager's part
    _, director_raw = services.api_token_create(user=director, name="报表")
    assert len(_bearer(director_raw).get(PLAN).json()["decomposition"]) == 4


def test_a_token_keeps_its_users_scope(manager_b, plan, executive):
    _, raw = services.api_token_create(user=manager_b, name="报表")
    assert _bearer(raw).get(PLAN).status_code == 404
    _, raw = services.api_token_create(user=executive, name="报表")
    assert _bearer(raw).get(PLAN).status_code == 404  # a draft


def test_using_a_token_marks_when_at_most_once_a_minute(manager_a1, region_a, monkeypatch):
    token, raw = services.api_token_create(user=manager_a1, name="报表")
    api = _bearer(raw)
    start = timezone.now()
    api.get(ANALYSIS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and first >= start
    api.get(ANALYSIS)
    token.refresh_from_db()
    assert token.last_used_at == first
    later = first + dt.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    api.get(ANALYSIS)
    token.refresh_from_db()
    assert token.last_used_at == later


@pytest.mark.parametrize("url", [ANALYSIS, PLAN])
def test_a_revoked_token_is_401(client_for, manager_a1, plan, url):
    token, raw = services.api_token_create(user=manager_a1, name="报表")
    assert _bearer(raw).get(url).status_code == 200
    client_for(manager_a1).post(f"/tokens/{token.pk}/revoke/")
    response = _bearer(raw).get(url)
    assert response.status_code == 401 and response.json() == BAD_TOKEN
    assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'


@pytest.mark.parametrize("header", [
    "Bearer tsm_not-a-token",  # unknown
    "Bearer ",  # empty
    "Bearer two words",
    "Basic ZGlyZWN0b3JfYTpwdy1kaXJlY3Rvcl9h",  # another scheme: the password never works here
    "tsm_no-scheme",
])
def test_an_unknown_or_malformed_token_is_401(region_a, header):
    response = Client(headers={"Authorization": header}).get(ANALYSIS)
    assert response.status_code == 401 and response.json() == BAD_TOKEN


def test_a_deactivated_users_token_is_401(manager_a1, region_a):
    _, raw = services.api_token_create(user=manager_a1, name="报表")
    manager_a1.is_active = False
    manager_a1.save(update_fields=["is_active"])
    assert _bearer(raw).get(ANALYSIS).status_code == 401


def test_a_bad_token_is_refused_even_beside_a_session(client_for, director, region_a):
    client = client_for(director)
    response = client.get(ANALYSIS, headers={"Authorization": "Bearer tsm_revoked-or-unknown"})
    assert response.status_code == 401 and response.json() == BAD_TOKEN


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", [ANALYSIS, PLAN])
def test_a_token_authorizes_nothing_but_get(director, plan, method, url):
    _, raw = services.api_token_create(user=director, name="报表")
    response = getattr(_bearer(raw), method)(url)
    assert response.status_code == 405 and response["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/", "/r/A/", "/r/A/plans/2027/", PAGE, "/password/"])
def test_a_token_never_signs_into_the_pages(director, plan, path):
    _, raw = services.api_token_create(user=director, name="报表")
    response = _bearer(raw).get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_token_cannot_revoke_or_make_tokens(director):
    token, raw = services.api_token_create(user=director, name="报表")
    api = _bearer(raw)
    assert api.post(f"/tokens/{token.pk}/revoke/").status_code in (302, 403)
    assert api.post(PAGE, {"name": "再来一个"}).status_code in (302, 403)
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer abc", "abc"), ("bearer abc", "abc"), ("  Bearer   abc  ", "abc"),
    ("Bearer", None), ("Bearer a b", None), ("Token abc", None), ("", None),
])
def test_the_bearer_header_is_read_strictly(header, token):
    assert bearer_token(header) == token


def test_the_page_and_the_refusals_speak_english_to_an_english_user(client_for, manager_a1, region_a):
    client = client_for(manager_a1)
    client.cookies["django_language"] = "en"
    html = client.get(PAGE).content.decode()
    assert "API tokens" in html and "Create token" in html and "No tokens yet." in html
    api = _bearer("tsm_unknown")
    api.cookies["django_language"] = "en"
    response = api.get(ANALYSIS)
    assert response.json() == {"error": "Invalid or revoked token: create one on the “API tokens” page and send it "
                                        "as Authorization: Bearer <token>"}
