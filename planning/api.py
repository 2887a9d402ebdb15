"""The JSON API of INTERFACES.md §3 and its OpenAPI description.

Every answer is JSON, refusals included, in this order: a method other than
GET is 405 (before CSRF and before authentication: the endpoint only reads,
so it is exempt from both the CSRF check and the login redirect); an
anonymous caller is 401 with a WWW-Authenticate challenge, never the login
page; a region that is unknown or outside the caller's scope is 404; a bad
as_of is 400. HEAD is refused like any other method: the contract says GET.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from pipeline.standings import results_ensure
from planning.analysis import region_analysis, stored_json, to_json
from planning.forms import AS_OF_EARLIEST, AsOfForm, as_of_latest
from teams.access import region_for

# Session cookies today; personal tokens (INTERFACES §4) will add a Bearer challenge.
CHALLENGE = 'Session realm="api"'


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
    """GET only, signed in (401, not the login redirect), 404 as JSON."""

    @_get_only
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
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
    return {
        "openapi": "3.1.0",
        "info": {"title": "区域营销企划 API", "version": "1",
                 "description": "本说明公开可读；接口本身需要登录。"},
        "paths": {"/api/regions/{code}/analysis": {"get": {
            "operationId": "region_analysis",
            "summary": "区域在某日的分析（客户与进行中的项目）",
            "description": "按区域限定：区域不存在或不在您的范围内为 404；客户经理只得到自己负责的客户和项目。"
                           "只接受 GET（HEAD 及其他方法一律 405）。",
            "security": [{"session": []}],
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
                 "description": "区域编码"},
                {"name": "as_of", "in": "query", "required": False,
                 "schema": {"type": "string", "format": "date", "pattern": dates_up_to(latest)},
                 "description": f"分析日期 YYYY-MM-DD，{AS_OF_EARLIEST.isoformat()} 至今天起一年（今天是 {latest}），"
                                "缺省为今天；模式随日期变化"}],
            "responses": {
                "200": _json("Analysis", "分析文档（INTERFACES.md §3）"),
                "400": _json("Error", "as_of 不是日期，或超出允许范围"),
                "401": _json("Error", "未登录", {"WWW-Authenticate": "认证方式，如 Session realm=\"api\""}),
                "404": _json("Error", "区域不存在，或不在您的范围内"),
                "405": _json("Error", "只接受 GET", {"Allow": "GET"})}}}},
        "components": {
            "schemas": {
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "string", "description": "原因（中文）"}}},
                "Analysis": analysis, "Customer": customer, "Project": project},
            "securitySchemes": {"session": {
                "type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                "description": "登录后的会话 cookie；个人令牌（Authorization: Bearer）将在之后加入"}}},
    }


@_get_only
def openapi_schema(request):
    """OpenAPI 3.1 description of the analysis API, readable without signing in:
    describing the API gives nothing away that the contract does not."""
    return JsonResponse(_document(as_of_latest().isoformat()), json_dumps_params={"ensure_ascii": False})
