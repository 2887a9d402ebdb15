"""The plan's PDF pages: the director's preview of the live draft, a frozen
version's PDF and summary, a rendering's progress (htmx polls it) and its
file, reached only through the rendering's random token."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from planning import pdf_services as services
from planning.access import pdf_render_for, plan_for_director, version_for
from planning.models import RenderKind, RenderStatus


def _status_url(r) -> str:
    return reverse("plan_pdf_status", args=[r.plan.region.code, r.plan.period, r.token])


def _answer(request, r, *, errors=()):
    """htmx: the status fragment; a plain request: the status page."""
    if request.htmx:
        return render(request, "planning/pdf/status.html#status", {"render": r, "region": r.plan.region,
                                                                   "plan": r.plan, "errors": errors})
    return redirect(_status_url(r))


@require_POST
def plan_pdf_preview(request, region, period):
    """The director asks for a PDF of the live draft (the plan, or its summary)."""
    plan = plan_for_director(request, region, period)
    kind = request.POST.get("kind", RenderKind.PLAN)
    try:
        r = services.plan_render_request(plan=plan, user=request.user, kind=kind)
    except ValidationError as error:
        return HttpResponse("；".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    r.plan = plan
    return _answer(request, r)


def plan_pdf_status(request, region, period, token):
    """A rendering's progress; when done, the link to its file; when failed, why and a retry."""
    r = pdf_render_for(request, region, period, token)
    context = {"render": r, "region": r.plan.region, "plan": r.plan, "errors": ()}
    return render(request, "planning/pdf/status.html#status" if request.htmx else "planning/pdf/status.html",
                  context)


@require_POST
def plan_pdf_retry(request, region, period, token):
    r = pdf_render_for(request, region, period, token)
    if r.version_id is None:  # a new preview of the draft is the director's to ask for
        plan_for_director(request, region, period)
    try:
        again = services.plan_render_retry(render=r, user=request.user)
    except ValidationError as error:
        return _answer(request, r, errors=error.messages)
    again.plan = r.plan
    return _answer(request, again)


def plan_pdf_file(request, region, period, token):
    """The PDF itself (logged: who, when); not ready yet: its progress page."""
    r = pdf_render_for(request, region, period, token)
    if r.status != RenderStatus.DONE:
        return redirect(_status_url(r))
    data = services.render_file(r)
    if data is None:
        raise Http404("pdf")
    services.plan_download_log(render=r, user=request.user)
    name = f"{r.plan.region.code}-{r.plan.period}-{'summary' if r.kind == RenderKind.SUMMARY else 'plan'}"
    name += f"-v{r.version.number}" if r.version_id else "-draft"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _version_pdf(request, region, period, number, kind):
    version = version_for(request, region, period, number, defer=("pdf", "content", "appendix"))
    r = services.version_pdf_request(version=version, kind=kind, user=request.user)
    r.plan = version.plan
    if r.status == RenderStatus.DONE:
        return redirect(reverse("plan_pdf_file", args=[region, period, r.token]))
    return redirect(_status_url(r))


def version_pdf(request, region, period, number):
    """A frozen version's PDF: the stored file, else rendered now in the background."""
    return _version_pdf(request, region, period, number, RenderKind.PLAN)


def version_summary_pdf(request, region, period, number):
    return _version_pdf(request, region, period, number, RenderKind.SUMMARY)
