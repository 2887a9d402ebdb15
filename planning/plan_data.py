"""The plan as data (INTERFACES.md §4): indicators, targets, the revenue
target's decomposition and the sign-offs of a live plan, as JSON-able
values. A submission freezes this inside PlanVersion.content["data"], so
export_plan and the plan API read a frozen version from there and only a
live draft from the tables."""

from decimal import Decimal

from django.utils import timezone

from planning import revenue
from planning.models import Plan, PlanIndicator, Target, TargetPart


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def plan_data(plan: Plan) -> dict:
    """Every field of INTERFACES §4 that belongs to the plan's content
    (status and version are the caller's), lists sorted as §4 says."""
    indicators = [
        {"category": pi.indicator.family, "name": pi.indicator.name,
         "responsible": pi.responsible.username if pi.responsible else None}
        for pi in PlanIndicator.objects.filter(plan=plan).select_related("indicator", "responsible")
        .order_by("indicator__family", "indicator__order", "indicator__name")]
    targets = sorted(
        ({"family": t.family, "name": t.name, "value": _money(t.value), "unit": t.unit}
         for t in Target.objects.filter(plan=plan)),
        key=lambda t: (t["family"], t["name"]))
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
            key=lambda r: (r["manager"] or "", r["month"] or "", r["product"] or r["project"] or ""))
    signoffs = [
        {"manager": user.username,
         "signed_at": timezone.localtime(s.signed_at).isoformat() if s else None,
         "valid": state == "valid"}
        for user, (state, s) in revenue.signatures(plan, target).items()]
    return {
        "indicators": indicators,
        "targets": targets,
        "revenue_target": _money(target.value) if target is not None else None,
        "decomposition": decomposition,
        "signoffs": signoffs,
    }
