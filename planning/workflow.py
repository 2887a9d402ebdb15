"""The plan's approval workflow (DOMAIN §0, §6.2 "Workflow").

草稿 draft → 已提交 submitted (the region's director) → 已批准 approved or
退回 returned (an executive, a return with a comment); a returned plan is
edited and submitted again; an approved plan gets a new draft revision
(`plan_revise`) while its approved version stands.

Each submission freezes a PlanVersion (number n+1, the plan's as-of date,
content = planning.document.plan_content(plan)); its content never changes.
Plan.approved_version is the version readers, the API and the amount class
use: it moves only when a version is approved.

Every transition is a conditional UPDATE on the plan's current status
(Plan.objects.filter(pk=…, status=…).update(…)): of two simultaneous moves
one updates a row and the other finds none and is refused, so the plan ends
in exactly one state and nothing of the refused move is written. Who may
move the plan is checked first (teams.permissions), with a Chinese message.

Each event mails whom it concerns after the commit (planning.notify)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planning import notify, rules
from planning.document import SECTION_TITLES, appendix_xlsx, plan_content
from planning.models import Plan, PlanStatus, PlanVersion, RenderKind
from planning.pdf_services import version_pdf_request
from planning.plan_selectors import plan_facts
from planning.services import revenue_targets_hand_down
from teams import permissions

COMMENT_MAX = 4000
DRAFTS = (PlanStatus.DRAFT, PlanStatus.RETURNED)


def _label(status: str) -> str:
    return str(PlanStatus(status).label)


def _moved(plan: Plan, expected: str) -> ValidationError:
    """The refusal when the plan is no longer in the status the move starts from."""
    now = Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
    return ValidationError(_("计划 %(period)s 现在%(now)s，不是%(expected)s，不能这样操作（可能已有人先处理了它，请刷新页面）") % {
        "period": plan.period, "now": _label(now) if now else _("已不存在"), "expected": _label(expected)})


def _comments(comment: str, section_comments: dict | None) -> tuple[str, dict]:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(_("总体批示过长：%(length)s 字，最多 %(max)s 字") % {"length": len(comment), "max": COMMENT_MAX})
    kept = {}
    for key, text in (section_comments or {}).items():
        if key not in SECTION_TITLES:
            raise ValidationError(_("未知的计划章节“%(key)s”") % {"key": key})
        text = (text or "").strip()
        if len(text) > COMMENT_MAX:
            raise ValidationError(_("“%(section)s”的批示过长：%(length)s 字，最多 %(max)s 字") % {
                "section": SECTION_TITLES[key], "length": len(text), "max": COMMENT_MAX})
        if text:
            kept[key] = text
    return comment, kept


def plan_submit(*, plan: Plan, user) -> PlanVersion:
    """The director submits the plan: refused with every reason of
    rules.submission_blockers while it is not ready (nothing written);
    otherwise the plan becomes submitted and its content is frozen in a new
    version (number n+1)."""
    if not permissions.can_submit_plan(user, plan.region):
        raise ValidationError(_("只有本区域的大客户部主任可以提交营销计划"))
    if plan.status not in DRAFTS:
        raise _moved(plan, PlanStatus.DRAFT)
    blockers = rules.submission_blockers(plan_facts(plan))
    if blockers:
        raise ValidationError([_("计划 %(period)s 还不能提交：%(reason)s") % {"period": plan.period, "reason": b.reason}
                               for b in blockers])
    with transaction.atomic():
        if not Plan.objects.filter(pk=plan.pk, status__in=DRAFTS).update(status=PlanStatus.SUBMITTED,
                                                                          updated_at=timezone.now()):
            raise _moved(plan, PlanStatus.DRAFT)
        plan.status = PlanStatus.SUBMITTED
        last = PlanVersion.objects.filter(plan=plan).order_by("-number").values_list("number", flat=True).first()
        version = PlanVersion.objects.create(plan=plan, number=(last or 0) + 1, as_of=plan.as_of,
                                             content=plan_content(plan), appendix=appendix_xlsx(plan),
                                             status=PlanStatus.SUBMITTED,
                                             submitted_by=user)
        notify.plan_submitted(version)
    return version


def _submitted_version(plan: Plan) -> PlanVersion:
    version = PlanVersion.objects.filter(plan=plan, status=PlanStatus.SUBMITTED).order_by("-number").first()
    if version is None:
        raise _moved(plan, PlanStatus.SUBMITTED)
    return version


def _decider(plan: Plan, user, what: str) -> None:
    if permissions.can_edit_plan(user, plan.region):
        raise ValidationError(_("大客户部主任不能%(what)s自己区域的营销计划，请由公司领导%(what)s") % {"what": what})
    if not permissions.can_decide_plan(user):
        raise ValidationError(_("只有公司领导可以%(what)s营销计划") % {"what": what})


def plan_approve(*, plan: Plan, user, comment: str = "", section_comments: dict | None = None) -> PlanVersion:
    """An executive approves the submitted plan: its version becomes the
    approved one readers use, the managers' revenue targets handed down to
    pipeline stop being drafts, and `_version_approved` runs."""
    _decider(plan, user, _("批准"))
    comment, section_comments = _comments(comment, section_comments)
    with transaction.atomic():
        version = _submitted_version(plan)
        if not Plan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
                status=PlanStatus.APPROVED, approved_version=version, updated_at=timezone.now()):
            raise _moved(plan, PlanStatus.SUBMITTED)
        _decide(version, user, PlanStatus.APPROVED, comment, section_comments)
        plan.status, plan.approved_version = PlanStatus.APPROVED, version
        revenue_targets_hand_down(plan=plan)  # rewritten from the approved decomposition, draft=False
        _version_approved(version)
        notify.plan_decided(version)
    return version


def plan_return(*, plan: Plan, user, comment: str, section_comments: dict | None = None) -> PlanVersion:
    """An executive returns the submitted plan to its director, saying why
    (an overall comment, and comments per section); the director edits it
    and submits again. An approved version, if any, still stands."""
    _decider(plan, user, _("退回"))
    comment, section_comments = _comments(comment, section_comments)
    if not comment:
        raise ValidationError(_("退回计划时请填写总体批示，说明需要修改什么"))
    with transaction.atomic():
        version = _submitted_version(plan)
        if not Plan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
                status=PlanStatus.RETURNED, updated_at=timezone.now()):
            raise _moved(plan, PlanStatus.SUBMITTED)
        _decide(version, user, PlanStatus.RETURNED, comment, section_comments)
        plan.status = PlanStatus.RETURNED
        notify.plan_decided(version)
    return version


def _decide(version: PlanVersion, user, status: str, comment: str, section_comments: dict) -> None:
    now = timezone.now()
    PlanVersion.objects.filter(pk=version.pk).update(status=status, decided_by=user, decided_at=now,
                                                     comment=comment, section_comments=section_comments)
    version.status, version.decided_by, version.decided_at = status, user, now
    version.comment, version.section_comments = comment, section_comments


def plan_revise(*, plan: Plan, user) -> Plan:
    """The director starts a revision of an approved plan: the plan is a
    draft again (editable, submitted as the next version), while its approved
    version stays the one readers, the API and the amount class use."""
    if not permissions.can_submit_plan(user, plan.region):
        raise ValidationError(_("只有本区域的大客户部主任可以修订营销计划"))
    with transaction.atomic():
        if not Plan.objects.filter(pk=plan.pk, status=PlanStatus.APPROVED).update(status=PlanStatus.DRAFT,
                                                                                  updated_at=timezone.now()):
            raise _moved(plan, PlanStatus.APPROVED)
        plan.status = PlanStatus.DRAFT
    return plan


def _version_approved(version: PlanVersion) -> None:
    """Runs inside plan_approve's transaction, once a version is approved:
    its PDF is asked for — rendered by the worker from the frozen content,
    stored once in version.pdf and served unchanged from then on (DOMAIN
    §6.2). The task is queued in the same transaction (django-tasks-db), so
    an approval that rolls back leaves no rendering behind. The executive
    summary is queued right after it: the worker renders it with the plan's
    charts still in its cache, and it is ready for those who read only that."""
    version_pdf_request(version=version)
    version_pdf_request(version=version, kind=RenderKind.SUMMARY)
