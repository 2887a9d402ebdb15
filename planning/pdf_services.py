"""The plan's PDF renderings (DOMAIN §6.2): asked for here, run by a
background task (Django's tasks API; the db_worker of django-tasks-db in
production), read by their random token.

A version's full plan is rendered once and stored in PlanVersion.pdf: every
later request is served those bytes unchanged, however the live data moves.
A draft's preview (and any summary) keeps its bytes on its PlanRender."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from planning.document import plan_content
from planning.models import Plan, PlanDownload, PlanRender, PlanVersion, RenderKind, RenderStatus
from planning.pdf import render_pdf

logger = logging.getLogger(__name__)

LIVE = (RenderStatus.QUEUED, RenderStatus.RUNNING, RenderStatus.DONE)


def _kind(kind: str) -> str:
    if kind not in RenderKind.values:
        raise ValidationError(_("PDF 的内容只能是营销计划或计划摘要，收到的是“%(kind)s”。") % {"kind": kind[:50]})
    return kind


def _enqueue(render: PlanRender) -> PlanRender:
    plan_render_task.enqueue(render.pk)
    render.refresh_from_db()
    return render


@transaction.atomic
def plan_render_request(*, plan: Plan, user, kind: str = RenderKind.PLAN) -> PlanRender:
    """A preview of the live plan (the director's, before submitting): a new
    rendering every time, since the draft moves."""
    render = PlanRender.objects.create(plan=plan, kind=_kind(kind), requested_by=user)
    return _enqueue(render)


@transaction.atomic
def version_pdf_request(*, version: PlanVersion, kind: str = RenderKind.PLAN, user=None) -> PlanRender:
    """The PDF of a frozen version: the rendering already asked for (queued,
    running or done) if any, else a new one — done at once when the version's
    PDF is stored already. The approval hook calls this."""
    existing = list(PlanRender.objects.filter(version=version, kind=_kind(kind), status__in=LIVE)
                    .order_by("-created_at"))
    if existing:
        return next((r for r in existing if r.status == RenderStatus.DONE), existing[0])
    if kind == RenderKind.PLAN and version.pdf is not None:
        return PlanRender.objects.create(plan_id=version.plan_id, version=version, kind=kind, requested_by=user,
                                         status=RenderStatus.DONE, finished_at=timezone.now())
    render = PlanRender.objects.create(plan_id=version.plan_id, version=version, kind=kind, requested_by=user)
    return _enqueue(render)


@transaction.atomic
def plan_render_retry(*, render: PlanRender, user) -> PlanRender:
    """A failed rendering asked for again (a new one: the failure stays on record)."""
    if render.status != RenderStatus.FAILED:
        raise ValidationError(_("这份 PDF 没有失败，不必重试。"))
    if render.version_id:
        return version_pdf_request(version=render.version, kind=render.kind, user=user)
    return plan_render_request(plan=render.plan, user=user, kind=render.kind)


def plan_render_run(*, render: PlanRender) -> PlanRender:
    """Render now (the task, and render_plan): a version from its frozen
    content, a preview from the live plan. A failure is stored with its
    reason, never raised, so the page can offer a retry."""
    claimed = PlanRender.objects.filter(pk=render.pk, status=RenderStatus.QUEUED).update(status=RenderStatus.RUNNING)
    if not claimed:
        render.refresh_from_db()
        return render  # another worker has it, or it is finished
    version = render.version
    try:
        if version is not None and render.kind == RenderKind.PLAN and version.pdf is not None:
            pdf = None  # stored already: served as it is
        elif version is not None:
            pdf = render_pdf(version.content, kind=render.kind, draft=False, version_number=version.number)
        else:
            pdf = render_pdf(plan_content(render.plan), kind=render.kind, draft=True)
    except Exception as error:  # noqa: BLE001 (any failure of the renderer is the render's, and retryable)
        logger.exception("PDF rendering %s failed", render.pk)
        PlanRender.objects.filter(pk=render.pk).update(status=RenderStatus.FAILED, error=str(error)[:2000],
                                                       finished_at=timezone.now())
    else:
        with transaction.atomic():
            if version is not None and render.kind == RenderKind.PLAN:
                if pdf is not None:  # the first rendering stored wins; a version's PDF never changes
                    PlanVersion.objects.filter(pk=version.pk, pdf__isnull=True).update(pdf=pdf)
                pdf = None
            PlanRender.objects.filter(pk=render.pk).update(status=RenderStatus.DONE, pdf=pdf,
                                                           finished_at=timezone.now())
    render.refresh_from_db()
    return render


@task()
def plan_render_task(render_id: int) -> None:
    render = PlanRender.objects.select_related("plan__region", "version").filter(pk=render_id).first()
    if render is not None:
        plan_render_run(render=render)


def render_file(render: PlanRender) -> bytes | None:
    """The bytes to serve: a version's stored PDF, else the render's own."""
    if render.status != RenderStatus.DONE:
        return None
    if render.version_id and render.kind == RenderKind.PLAN:
        return bytes(PlanVersion.objects.values_list("pdf", flat=True).get(pk=render.version_id))
    return bytes(render.pdf) if render.pdf is not None else None


def plan_download_log(*, render: PlanRender, user) -> PlanDownload:
    return PlanDownload.objects.create(render=render, version_id=render.version_id, user=user)


def plan_pdf_now(*, plan: Plan, version: PlanVersion | None = None) -> bytes:
    """The PDF at once (render_plan, scripts): a version's stored PDF
    (rendered and stored first if it has none), else the live draft's."""
    if version is None:
        return render_pdf(plan_content(plan), kind=RenderKind.PLAN, draft=True)
    if version.pdf is None:
        render = plan_render_run(render=PlanRender.objects.create(plan=plan, version=version))
        if render.status == RenderStatus.FAILED:
            raise RuntimeError(render.error)
        version.refresh_from_db(fields=["pdf"])
    return bytes(version.pdf)
