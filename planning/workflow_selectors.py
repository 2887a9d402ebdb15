"""Reads of the plan's workflow: a plan's versions, the executives'
all-regions page and what waits for whom (待办)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from planning import revenue
from planning.models import Plan, PlanStatus, PlanVersion
from planning.versions_compare import headline
from teams import permissions
from teams.models import Region

DRAFTS = (PlanStatus.DRAFT, PlanStatus.RETURNED)


def plan_versions(plan: Plan, user) -> list[PlanVersion]:
    """The plan's frozen versions the user reads, newest first (one query)."""
    versions = (PlanVersion.objects.filter(plan=plan).select_related("submitted_by", "decided_by")
                .defer("content", "pdf").order_by("-number"))
    return [v for v in versions if permissions.can_read_plan_version(user, plan.region, v.status)]


def previous_version(version: PlanVersion) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan_id=version.plan_id, number__lt=version.number).order_by("-number").first()


# --- the executives' all-regions page -----------------------------------------------------------------


@dataclass
class OverviewRow:
    region: Region
    plan: Plan | None
    state: str  # 'submitted' | 'approved' | 'drafting' | 'none'
    version: PlanVersion | None = None  # the version shown: the submitted one, else the approved one
    headline: dict | None = None


ORDER = {"submitted": 0, "approved": 1, "drafting": 2, "none": 3}


def periods() -> list[str]:
    return sorted(set(Plan.objects.values_list("period", flat=True)), reverse=True)


def overview(user, period: str) -> list[OverviewRow]:
    """Each region's plan for the period: waiting for approval first, then
    approved, then still drafting (shown as only that: executives never see
    a draft), then none — four queries whatever the number of regions."""
    regions = list(Region.objects.visible_to(user).order_by("code"))
    plans = {p.region_id: p for p in Plan.objects.filter(period=period, region__in=regions)
             .select_related("approved_version").defer("approved_version__pdf")}
    submitted = {v.plan_id: v for v in PlanVersion.objects.filter(
        plan__in=[p for p in plans.values() if p.status == PlanStatus.SUBMITTED], status=PlanStatus.SUBMITTED)
        .defer("pdf").order_by("number")}
    rows = []
    for region in regions:
        plan = plans.get(region.pk)
        if plan is None:
            rows.append(OverviewRow(region, None, "none"))
            continue
        plan.region = region
        version = submitted.get(plan.pk) or plan.approved_version
        if version is None:
            rows.append(OverviewRow(region, plan, "drafting"))
        else:
            rows.append(OverviewRow(region, plan, "submitted" if version.status == PlanStatus.SUBMITTED
                                    else "approved", version, headline(version.content)))
    rows.sort(key=lambda r: ORDER[r.state])
    return rows


# --- 待办: what waits for whom --------------------------------------------------------------------------


@dataclass
class Todo:
    kind: str  # 'approve' | 'returned' | 'sign' | 'resign'
    text: str
    url: str
    note: str = ""


def _plan_url(plan: Plan) -> str:
    return reverse("plan", kwargs={"region": plan.region.code, "period": plan.period})


def todos(user) -> list[Todo]:
    """An executive: the plans to approve; a director: their returned plans;
    a manager: the targets to sign, and signatures voided by a change."""
    if permissions.can_decide_plan(user):
        return [Todo("approve", _("%(region)s %(period)s 营销计划待批准") % {"region": p.region.name,
                                                                        "period": p.period}, _plan_url(p))
                for p in Plan.objects.filter(status=PlanStatus.SUBMITTED).select_related("region")
                .order_by("updated_at")]
    regions = Region.objects.filter(members=user)
    if permissions.is_director(user):
        plans = list(Plan.objects.filter(region__in=regions, status=PlanStatus.RETURNED).select_related("region")
                     .order_by("period"))
        comments = {}
        for v in PlanVersion.objects.filter(plan__in=plans, status=PlanStatus.RETURNED).order_by("number"):
            comments[v.plan_id] = v.comment
        return [Todo("returned", _("%(region)s %(period)s 营销计划被退回，请修改后重新提交")
                     % {"region": p.region.name, "period": p.period}, _plan_url(p), comments.get(p.pk, ""))
                for p in plans]
    if permissions.is_manager(user):
        items = []
        for plan in Plan.objects.filter(region__in=regions, status__in=DRAFTS).select_related("region"):
            target = revenue.revenue_target(plan)
            state = revenue.signatures(plan, target, manager_id=user.pk).get(user, ("valid", None))[0]
            url = reverse("revenue_split", kwargs={"region": plan.region.code, "period": plan.period})
            if state == "missing":
                items.append(Todo("sign", _("%(region)s %(period)s 营销目标待签字") % {
                    "region": plan.region.name, "period": plan.period}, url))
            elif state == "void":
                items.append(Todo("resign", _("%(region)s %(period)s 营销目标已变更，原签字失效，请重新签字") % {
                    "region": plan.region.name, "period": plan.period}, url))
        return items
    return []
