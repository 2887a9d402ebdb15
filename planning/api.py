"""The JSON API of INTERFACES.md §3 (analysis) and §4 (plan) and its OpenAPI description.

Every answer is JSON, refusals included, in this order: a method other than
GET is 405 (before CSRF and before authentication: the endpoints only read,
so they are exempt from both the CSRF check and the login redirect); an
anonymous caller, or one sending an unknown or revoked token, is 401 with a
WWW-Authenticate challenge, never the login page; a region (plan, version)
that is unknown or outside the caller's scope is 404; a bad as_of or version
is 400. HEAD is refused like any other method: the contract says GET.

A caller is the session's user, or the user of a personal read-only token
sent as `Authorization: Bearer <token>` (teams.tokens; `_api` is the one
place that reads it). Tokens read: every method but GET is 405 before any
caller is looked at.
"""
import re

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pipeline.standings import results_ensure
from planning.analysis import region_analysis, stored_json, to_json
from planning.access import plan_as_data_for
from planning.forms import AS_OF_EARLIEST, AsOfForm, as_of_latest
from planning.plan_data import plan_json
from teams.access import region_for
from teams.tokens import bearer_user

# Either credential: the session cookie, or a personal token (INTERFACES §4).
CHALLENGE = 'Session realm="api", Bearer realm="api"'
BAD_TOKEN_CHALLENGE = 'Bearer realm="api", error="invalid_token"'


def _error(message: str, status: int, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": str(message)}, status=status, headers=headers,
                        json_dumps_params={"ensure_ascii": False})


def _get_only(view):
    """405 with `Allow: GET` for every other method, before the CSRF check runs."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            return _error(_("此接口只接受 GET 请求，收到 %(method)s") % {"method": request.method}, 405,
                          {"Allow": "GET"})
        return view(request, *args, **kwargs)

    # Safe because nothing here writes: the only method that reaches a view is GET.
    return csrf_exempt(login_not_required(wrapper))


def _api(view):
    """GET only, a caller (401, not the login redirect), 404 as JSON.

    An Authorization header decides who calls, whatever the session says: a
    valid Bearer token is its user for this one request (nobody is signed
    in), anything else in it is 401."""

    @_get_only
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization")
        if header is not None:
            user = bearer_user(header)
            if user is None:
                return _error(_("令牌无效或已吊销：请在“接口令牌”页面新建令牌，以 Authorization: Bearer 令牌 发送"),
                              401, {"WWW-Authenticate": BAD_TOKEN_CHALLENGE})
            request.user = user
        elif not request.user.is_authenticated:
            return _error(_("需要登录：请先登录再调用接口"), 401, {"WWW-Authenticate": CHALLENGE})
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _error(_("没有这个区域，或您无权查看"), 404)

    return wrapper


@_api
def analysis_api(request, region):
    """GET /api/regions/<code>/analysis?as_of=YYYY-MM-DD — INTERFACES.md §3.

    Managers get the part of the document about their own customers and projects."""
    region = region_for(request, region)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _error(form.errors["as_of"][0], 400)
    as_of = form.cleaned_data["as_of"]
    if as_of == timezone.localdate() and not results_ensure(region, as_of).updating:
        doc = stored_json(region, as_of, request.user)  # today's results are stored: read, not judged
    else:
        doc = to_json(region_analysis(region, as_of), request.user)
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})


VERSION = re.compile(r"[1-9][0-9]{0,8}")


def _version(request) -> int | None:
    """`version`: absent, or one positive integer (ValueError saying why)."""
    values = request.GET.getlist("version")
    if not values:
        return None
    if len(values) > 1:
        raise ValueError(_("version 只能给一个值（正整数，如 1）"))
    if not VERSION.fullmatch(values[0]):
        raise ValueError(_("version 应为正整数（1、2、……），收到“%(value)s”") % {"value": values[0]})
    return int(values[0])


@_api
def plan_api(request, region, period):
    """GET /api/regions/<code>/plans/<period>[?version=N] — INTERFACES.md §4.

    Without a version: the latest approved version, else the latest
    submitted one, else the live draft (`version` null). Executives never
    read a draft (404); an account manager reads only their own rows and
    sign-off of one."""
    region = region_for(request, region)
    try:
        number = _version(request)
    except ValueError as bad:
        return _error(str(bad), 400)
    try:
        plan, version, owner = plan_as_data_for(request.user, region, period, number)
    except Http404:
        # One answer for a plan or version that does not exist and one the
        # caller may not read (an executive and a draft): nothing is given away.
        return _error(_("没有这个计划或版本，或您无权查看"), 404)
    return JsonResponse(plan_json(plan, version, owner=owner), json_dumps_params={"ensure_ascii": False})


@_api
def not_found(request, rest):
    """Any other path under /api/: a JSON 404 (401 first for the anonymous),
    not Django's HTML page — a region code with a slash in it lands here."""
    return _error(_("没有这个接口：/api/%(rest)s") % {"rest": rest}, 404)


# --- /api/openapi.json ---------------------------------------------------------------------------

CLASS_VALUES = ["fat_sheep", "reindeer", "hound", "hare", "rat", "unclassified"]


def dates_up_to(latest: str) -> str:
    """An ECMA-262 regex for the YYYY-MM-DD strings from 2000-01-01 to `latest`.

    JSON Schema cannot bound a `format: date`, but equal-length digit strings
    sort like the dates they spell: a string is at most `latest` when it
    agrees with it up to some digit and is lower there. Years are 2xxx, which
    gives the lower bound (`format: date` still rules out month 13)."""
    assert latest.startswith("2") and len(latest) == 10, latest
    shape = lambda tail: "".join("[0-9]" if ch.isdigit() else ch for ch in tail)  # noqa: E731
    tail = latest[1:]
    alternatives = []
    for i, ch in enumerate(tail):
        if ch.isdigit() and ch != "0":
            lower = "0" if ch == "1" else f"[0-{int(ch) - 1}]"
            alternatives.append(tail[:i] + lower + shape(tail[i + 1:]))
    alternatives.append(tail)
    return "^2(?:" + "|".join(alternatives) + ")$"


def _json(schema_name: str, description: str, headers: dict | None = None) -> dict:
    response = {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}
    if headers:
        response["headers"] = {name: {"description": text, "required": True, "schema": {"type": "string"}}
                               for name, text in headers.items()}
    return response


def _nullable(values: list[str]) -> dict:
    return {"type": ["string", "null"], "enum": values + [None]}


CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}, "description": "区域编码"}
SECURITY = [{"session": []}, {"bearer": []}]
UNAUTHORIZED = _json("Error", "未登录，或令牌无效、已吊销",
                     {"WWW-Authenticate": "认证方式，如 Session realm=\"api\", Bearer realm=\"api\""})
NOT_GET = _json("Error", "只接受 GET", {"Allow": "GET"})


def _document(latest: str) -> dict:
    money = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "description": "人民币元，两位小数"}
    month = {"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$"}
    customer = {
        "type": "object",
        "required": ["code", "combination", "scale", "growth", "contribution_class", "value_class", "publicity",
                     "value_fit", "revenue", "profit"],
        "properties": {
            "code": {"type": "string"},
            "combination": _nullable(["high_profit", "profitable", "loss"]),
            "scale": {"type": "boolean"}, "growth": {"type": "boolean"},
            "contribution_class": {"type": "string", "enum": CLASS_VALUES},
            "value_class": _nullable(["consolidate", "invest", "harvest", "maintain"]),
            "publicity": {"type": "string", "enum": ["broad", "partial", "blank"]},
            "value_fit": {"type": ["boolean", "null"],
                          "description": "贡献类别是否为价值类别所期望的（DOMAIN §4.1）；缺少任一类别时为 null"},
            "revenue": money, "profit": money}}
    project = {
        "type": "object",
        "required": ["code", "win_rate", "layer", "overdue", "amount_class", "category", "tactic", "conclusion",
                     "role_coverage"],
        "properties": {
            "code": {"type": "string"},
            "win_rate": {"type": "integer", "enum": [0, 20, 40, 60, 80]},
            "layer": {"type": "string", "enum": ["surface", "middle", "bottom"]},
            "overdue": {"type": "boolean"},
            "amount_class": {"type": "string", "enum": ["A", "B", "C"]},
            "category": {"type": "string", "enum": ["strategic", "killer", "revenue", "suicide"]},
            "tactic": {"type": "string", "enum": ["defense", "guerrilla", "storming", "blitz", "positional"]},
            "conclusion": {"type": "string", "enum": ["intensive_attack", "active_investment", "inquire", "wait"]},
            "role_coverage": {"type": "integer", "minimum": 0, "maximum": 5,
                              "description": "项目联系人覆盖的五个关键角色数（DOMAIN §3.2）"}}}
    analysis = {
        "type": "object",
        "required": ["region", "as_of", "base_period", "customers", "projects"],
        "properties": {
            "region": {"type": "string"},
            "as_of": {"type": "string", "format": "date"},
            "base_period": {"type": "object", "required": ["start", "end"],
                            "properties": {"start": month, "end": month}},
            "customers": {"type": "array", "items": {"$ref": "#/components/schemas/Customer"},
                          "description": "区域全部客户，按编码排序"},
            "projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"},
                         "description": "进行中的项目（漏斗），按编码排序"}}}
    nullable_money = {**money, "type": ["string", "null"]}
    username = {"type": "string", "description": "用户名"}
    indicator = {
        "type": "object", "required": ["category", "name", "responsible"],
        "properties": {
            "category": {"type": "string", "enum": ["finance", "image", "management", "market"]},
            "name": {"type": "string"},
            "responsible": {"type": ["string", "null"], "description": "负责人的用户名；未指定为 null"}}}
    target = {
        "type": "object", "required": ["family", "name", "value", "unit"],
        "properties": {
            "family": {"type": "string", "enum": ["finance", "growth", "satisfaction", "management"]},
            "name": {"type": "string"}, "value": money, "unit": {"type": "string"}}}
    part = {
        "type": "object", "required": ["manager", "month", "product", "project", "amount"],
        "description": "按产品的行 project 为 null，按项目的行 product 为 null",
        "properties": {
            "manager": {"type": ["string", "null"], "description": "客户经理的用户名"},
            "month": {**month, "type": ["string", "null"]},
            "product": {"type": ["string", "null"], "description": "产品编码"},
            "project": {"type": ["string", "null"], "description": "项目编码"},
            "amount": money}}
    signoff = {
        "type": "object", "required": ["manager", "signed_at", "valid"],
        "properties": {
            "manager": username,
            "signed_at": {"type": ["string", "null"], "format": "date-time",
                          "description": "签认时间（带时区，如 +08:00）；尚未签认为 null"},
            "valid": {"type": "boolean", "description": "签认后所签的数值未变"}}}
    plan = {
        "type": "object",
        "required": ["region", "period", "status", "version", "as_of", "base_period", "indicators", "targets",
                     "revenue_target", "decomposition", "signoffs"],
        "properties": {
            "region": {"type": "string"},
            "period": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "submitted", "approved", "returned"]},
            "version": {"type": ["integer", "null"], "minimum": 1,
                        "description": "冻结的版本号；在编的草稿为 null"},
            "as_of": {"type": "string", "format": "date"},
            "base_period": {"type": "object", "required": ["start", "end"],
                            "properties": {"start": month, "end": month}},
            "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/PlanIndicator"}},
            "targets": {"type": "array", "items": {"$ref": "#/components/schemas/PlanTarget"},
                        "description": "按类别、名称排序"},
            "revenue_target": {**nullable_money, "description": "区域整体资费贡献目标；尚未设定为 null"},
            "decomposition": {"type": "array", "items": {"$ref": "#/components/schemas/PlanPart"},
                              "description": "收入目标的分解，按客户经理、月份、产品或项目排序"},
            "signoffs": {"type": "array", "items": {"$ref": "#/components/schemas/PlanSignoff"},
                         "description": "分解中有目标的每位客户经理，按客户经理排序"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "区域营销企划 API", "version": "1",
                 "description": "本说明公开可读；接口本身需要登录（会话）或个人只读令牌（Bearer）。"},
        "paths": {"/api/regions/{code}/analysis": {"get": {
            "operationId": "region_analysis",
            "summary": "区域在某日的分析（客户与进行中的项目）",
            "description": "按区域限定：区域不存在或不在您的范围内为 404；客户经理只得到自己负责的客户和项目。"
                           "只接受 GET（HEAD 及其他方法一律 405）。",
            "security": SECURITY,
            "parameters": [
                CODE,
                {"name": "as_of", "in": "query", "required": False,
                 "schema": {"type": "string", "format": "date", "pattern": dates_up_to(latest)},
                 "description": f"分析日期 YYYY-MM-DD，{AS_OF_EARLIEST.isoformat()} 至今天起一年（今天是 {latest}），"
                                "缺省为今天；模式随日期变化"}],
            "responses": {
                "200": _json("Analysis", "分析文档（INTERFACES.md §3）"),
                "400": _json("Error", "as_of 不是日期，或超出允许范围"),
                "401": UNAUTHORIZED,
                "404": _json("Error", "区域不存在，或不在您的范围内"),
                "405": NOT_GET}}},
            "/api/regions/{code}/plans/{period}": {"get": {
                "operationId": "region_plan",
                "summary": "区域某计划期的营销计划（数据）",
                "description": "INTERFACES.md §4。不给 version 时：最新的已批准版本，否则最新的已提交版本，"
                               "否则在编的草稿（此时 version 为 null，status 为 draft 或 returned）。"
                               "公司领导看不到草稿（404）；客户经理在草稿中只看到自己的分解行和自己的签认。"
                               "按区域限定：区域、计划或版本不存在或不在您的范围内为 404。只接受 GET。",
                "security": SECURITY,
                "parameters": [
                    CODE,
                    {"name": "period", "in": "path", "required": True, "schema": {"type": "string"},
                     "description": "计划期，如 2027 或 2027H1"},
                    {"name": "version", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 999999999},
                     "description": "版本号（提交时冻结的第 N 版）；缺省见上"}],
                "responses": {
                    "200": _json("Plan", "计划数据（INTERFACES.md §4）"),
                    "400": _json("Error", "version 不是正整数"),
                    "401": UNAUTHORIZED,
                    "404": _json("Error", "区域、计划或版本不存在，或不在您的范围内（公司领导读草稿亦然）"),
                    "405": NOT_GET}}},
        },
        "components": {
            "schemas": {
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "string", "description": "原因（中文）"}}},
                "Analysis": analysis, "Customer": customer, "Project": project,
                "Plan": plan, "PlanIndicator": indicator, "PlanTarget": target, "PlanPart": part,
                "PlanSignoff": signoff},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                            "description": "登录后的会话 cookie"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "个人只读令牌（在“接口令牌”页面创建和吊销）：Authorization: Bearer 令牌"}}},
    }


@_get_only
def openapi_schema(request):
    """OpenAPI 3.1 description of the analysis API, readable without signing in:
    describing the API gives nothing away that the contract does not."""
    return JsonResponse(_document(as_of_latest().isoformat()), json_dumps_params={"ensure_ascii": False})
