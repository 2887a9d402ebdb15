"""收入目标分解 (DOMAIN §6.1): the region's total revenue target, its
decomposition grid saved row by row, the managers' sign-off, the xlsx export.

Under /r/<region>/plans/<period>/revenue/. Who reaches what:
- the director: the whole grid, proposes a total while none is set, saves rows, adopts the suggestion;
- the executive: sets (or adopts the proposed) total; reads the grid once the plan is submitted;
- an account manager of the region: their own rows, and signs them;
- everyone else: 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from planning import revenue
from planning.models import Plan, PlanStatus
from teams import permissions
from teams.access import region_for
from teams.models import User
from tsm.lib.numbers import fmt_money
from tsm.lib.periods import month_label
from tsm.lib.xlsx import xlsx_response

PAGE = "planning/revenue_split.html"


def _plan_for(request, region: str, period: str):
    """The plan, for whoever may use this page; else 404."""
    region = region_for(request, region)
    plan = get_object_or_404(Plan.objects.select_related("region"), region=region, period=period)
    user = request.user
    if not (permissions.can_read_plan(user, region, plan.status) or permissions.can_decide_plan(user)
            or permissions.can_read_own_targets(user, region)):
        raise Http404("plan")
    return region, plan


def _sees_rows(user, region, plan) -> str:
    """'all', 'own' or '' (the executive before submission sees the totals only)."""
    if permissions.can_read_own_targets(user, region):
        return "own"
    return "all" if permissions.can_read_plan(user, region, plan.status) else ""


def _url(plan, name="revenue_split", **kwargs):
    return reverse(name, kwargs={"region": plan.region.code, "period": plan.period, **kwargs})


def _context(request, region, plan, *, mode=None, errors=(), status=200):
    user = request.user
    sees = _sees_rows(user, region, plan)
    d = revenue.decomposition(plan, mode=mode or request.GET.get("by"),
                              manager_id=user.pk if sees == "own" else None, with_suggestion=sees == "all")
    if not sees:
        d.rows = []
    mine = d.signatures.get(user) if sees == "own" else None
    open_ = plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)
    return {
        "region": region, "plan": plan, "d": d, "sees": sees, "errors": list(errors),
        # a submitted or approved plan is not changed (planning.workflow): no forms
        "can_edit": permissions.can_edit_plan(user, region) and open_,
        "can_set_total": permissions.can_decide_plan(user) and open_,
        "modes": revenue.MODES, "month_labels": [month_label(m) for m in d.months],
        "my_signature": mine, "blockers": d.blockers() if sees == "all" else [],
        "off_abs": abs(d.off) if d.off else None,
    }


@require_GET
def revenue_split(request, region, period):
    region, plan = _plan_for(request, region, period)
    if request.GET.get("part") == "summary":  # refreshed after a row is saved (htmx)
        return render(request, f"{PAGE}#summary", _context(request, region, plan))
    return render(request, PAGE, _context(request, region, plan))


def _back(request, plan, error: ValidationError | None, *, done: str = "", mode=None):
    if error is None:
        if done:
            messages.success(request, done)
        return redirect(_url(plan) + (f"?by={mode}" if mode else ""))
    return render(request, PAGE, _context(request, plan.region, plan, mode=mode, errors=error.messages), status=400)


@require_POST
def revenue_total(request, region, period):
    """The executive sets the total (the proposal, adopted or changed)."""
    region, plan = _plan_for(request, region, period)
    if not permissions.can_decide_plan(request.user):
        raise Http404("plan")
    try:
        target = revenue.total_set(plan=plan, value=request.POST.get("value"))
    except ValidationError as error:
        return _back(request, plan, error)
    return _back(request, plan, None, done=f"总目标已设定为 {fmt_money(target.value)} 元")


@require_POST
def revenue_propose(request, region, period):
    """The director's 建议 while no total is set."""
    region, plan = _plan_for(request, region, period)
    if not permissions.can_edit_plan(request.user, region):
        raise Http404("plan")
    try:
        amount = revenue.total_propose(plan=plan, value=request.POST.get("value"))
    except ValidationError as error:
        return _back(request, plan, error)
    return _back(request, plan, None, done=f"已提出建议总目标 {fmt_money(amount)} 元，待公司领导设定")


@require_POST
def revenue_adopt(request, region, period):
    """采用建议分解."""
    region, plan = _plan_for(request, region, period)
    if not permissions.can_edit_plan(request.user, region):
        raise Http404("plan")
    mode = request.POST.get("by", "product")
    try:
        n = revenue.suggestion_adopt(plan=plan, mode=mode)
    except ValidationError as error:
        return _back(request, plan, error, mode=mode)
    return _back(request, plan, None, done=f"已采用建议分解：{n} 个格", mode=mode)


@require_POST
def revenue_row(request, region, period):
    """One row of the grid: its months' cells, checked and saved together."""
    region, plan = _plan_for(request, region, period)
    if not permissions.can_edit_plan(request.user, region):
        raise Http404("plan")
    mode = request.POST.get("by", "")
    try:
        manager = User.objects.filter(pk=int(request.POST.get("manager", ""))).first()
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        manager = None
    error = None
    try:
        if manager is None:
            raise ValidationError(_("请刷新页面：这一行的客户经理或产品/项目不对"))
        revenue.row_save(plan=plan, mode=mode, manager=manager, item_id=item_id,
                         values={k[2:]: v for k, v in request.POST.items() if k.startswith("m-")})
    except ValidationError as e:
        error = e
    if not request.htmx:
        return _back(request, plan, error, done="已保存一行", mode=mode)
    ctx = _context(request, region, plan, mode=mode)
    row = next((r for r in ctx["d"].rows if manager and r.manager.pk == manager.pk and r.item_id == item_id), None)
    if row is None:
        return render(request, PAGE, {**ctx, "errors": error.messages if error else []}, status=400)
    if error is not None:  # the row as typed, with the message; nothing was written
        typed = {k[2:]: v for k, v in request.POST.items() if k.startswith("m-")}
        row.cells = [(m, typed.get(month_label(m), "")) for m, _amount in row.cells]
    response = render(request, "planning/revenue_row.html",
                      {**ctx, "row": row, "row_errors": error.messages if error else [], "saved": error is None},
                      status=400 if error else 200)
    if error is None:
        response["HX-Trigger"] = "revenue-changed"  # the sums and signatures below follow
    return response


@require_POST
def revenue_sign(request, region, period, manager):
    """签字画押: a manager signs their own parts; anyone else's is 404."""
    region, plan = _plan_for(request, region, period)
    if manager != request.user.pk or not permissions.can_read_own_targets(request.user, region):
        raise Http404("manager")
    try:
        revenue.sign(plan=plan, manager=request.user)
    except ValidationError as error:
        return _back(request, plan, error)
    return _back(request, plan, None, done="已签字确认您的目标")


@require_GET
def revenue_xlsx(request, region, period):
    """The grid as a workbook: the rows the user sees, one column per month."""
    region, plan = _plan_for(request, region, period)
    ctx = _context(request, region, plan)
    d = ctx["d"]
    item = "项目" if d.mode == "project" else "产品"
    headers = ["客户经理", f"{item}编码", item, *ctx["month_labels"], "合计"]
    rows = [[r.manager.display_name or r.manager.username, r.item_code, r.item_name,
             *[a for _, a in r.cells], r.total] for r in d.rows]
    return xlsx_response(f"{region.code}-{plan.period}-收入目标分解.xlsx", "收入目标分解", headers, rows)
