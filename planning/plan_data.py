"""The plan as data (INTERFACES.md §4): indicators, targets, the revenue
target's decomposition and the sign-offs of a live plan, as JSON-able
values. A submission freezes this inside PlanVersion.content["data"], so
export_plan and the plan API read a frozen version from there and only a
live draft from the tables.

`plan_json` is the whole §4 document, the one answer of both the API and
`manage.py export_plan`; `plan_version_chosen` picks which version it is of."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Value, When
from django.utils import timezone

from planning import revenue
from planning.models import Plan, PlanIndicator, PlanStatus, PlanVersion, Target, TargetPart
from tsm.lib.periods import base_period


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _signed_at(value) -> str:
    """ISO 8601 to the second with the offset of the project's TIME_ZONE
    (+08:00 in China), whatever zone the request activated."""
    return timezone.localtime(value, timezone.get_default_timezone()).replace(microsecond=0).isoformat()


def plan_data(plan: Plan) -> dict:
    """Every field of INTERFACES §4 that belongs to the plan's content
    (status and version are the caller's), lists sorted as §4 says."""
    indicators = [
        {"category": pi.indicator.family, "name": pi.indicator.name,
         "responsible": pi.responsible.username if pi.responsible else None}
        for pi in PlanIndicator.objects.filter(plan=plan).select_related("indicator", "responsible")
        .order_by("indicator__family", "indicator__order", "indicator__name", "pk")]
    targets = sorted(
        ({"family": t.family, "name": t.name, "value": _money(t.value), "unit": t.unit}
         for t in Target.objects.filter(plan=plan)),
        key=lambda t: (t["family"], t["name"], Decimal(t["value"]), t["unit"]))
    target = revenue.revenue_target(plan)
    decomposition = []
    if target is not None:
        parts = (TargetPart.objects.filter(target=target)
                 .select_related("manager", "product", "project__product"))
        decomposition = sorted(
            ({"manager": p.manager.username if p.manager else None,
              "month": p.month.strftime("%Y-%m") if p.month else None,
              "product": p.product.code if p.product else None,
              "project": p.project.code if p.project else None,
              "amount": _money(p.amount)} for p in parts),
            key=lambda r: (r["manager"] or "", r["month"] or "", r["product"] or "", r["project"] or "",
                           Decimal(r["amount"])))
    signoffs = [
        {"manager": user.username,
         "signed_at": _signed_at(s.signed_at) if s else None,
         "valid": state == "valid"}
        for user, (state, s) in revenue.signatures(plan, target).items()]
    return {
        "indicators": indicators,
        "targets": targets,
        "revenue_target": _money(target.value) if target is not None else None,
        "decomposition": decomposition,
        "signoffs": signoffs,
    }


# --- which version, and the whole document ------------------------------------------------------------


def plan_version_chosen(plan: Plan, number: int | None = None) -> PlanVersion | None:
    """The version `number` (PlanVersion.DoesNotExist when the plan has none
    such); without a number the latest approved version, else the latest
    submitted one, else None: the live draft."""
    versions = PlanVersion.objects.filter(plan=plan)
    if number is not None:
        return versions.get(number=number)
    approved_first = Case(When(status=PlanStatus.APPROVED, then=Value(0)), default=Value(1))
    return (versions.filter(status__in=(PlanStatus.APPROVED, PlanStatus.SUBMITTED))
            .order_by(approved_first, "-number").first())


def plan_json(plan: Plan, version: PlanVersion | None, *, owner: str | None = None) -> dict:
    """INTERFACES §4 of a frozen version (its stored data, date and base
    period as plan_content froze them, and its status), or
    with `version` None of the live plan (`version` null in the document).
    `owner`: a manager's username, whose own decomposition rows and sign-off
    are all they see of a draft's (a frozen version is read whole)."""
    if version is not None:
        content = version.content
        data = content["data"]
        as_of = dt.date.fromisoformat(content["as_of"]) if content.get("as_of") else version.as_of
        period = content.get("base_period") or base_period(as_of).as_dict()
        status, number = version.status, version.number
    else:
        data = plan_data(plan)
        as_of, period = plan.as_of, base_period(plan.as_of).as_dict()
        status, number = plan.status, None
        if owner is not None:
            data = {**data,
                    "decomposition": [r for r in data["decomposition"] if r["manager"] == owner],
                    "signoffs": [s for s in data["signoffs"] if s["manager"] == owner]}
    return {
        "region": plan.region.code,
        "period": plan.period,
        "status": status,
        "version": number,
        "as_of": as_of.isoformat(),
        "base_period": period,
        "indicators": data["indicators"],
        "targets": data["targets"],
        "revenue_target": data["revenue_target"],
        "decomposition": data["decomposition"],
        "signoffs": data["signoffs"],
    }
