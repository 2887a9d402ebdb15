"""The plan as a document (§6.2): the live document page with the director's
text per section and answers to 问题分析, and the executive summary.

Who reads: whoever may read the plan in its state (teams.permissions.can_read_plan
— executives never see a draft: 404, as does everyone outside the region).
Who writes: the region's director, while the plan is a draft (or returned).
A section's text is saved at its own version: a stale save answers 409
with the section's form as it is now (htmx) or the page with the message."""

from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from pipeline.standings import results_ensure
from planning import charts, document_services
from planning import plan_selectors as sel
from planning.access import plan_for, plan_for_director
from planning.document import CAPITAL, SECTION_PROMPTS, TEXT_KEYS, appendix_xlsx, plan_content
from planning.document_forms import AnswerForm, CapitalForm, SectionTextForm
from planning.figures import reads_stored
from teams import permissions
from tsm.lib.versions import StaleEdit

FRAGMENT_SECTION = "planning/document/section_form.html"
FRAGMENT_ANSWER = "planning/document/answer_form.html"


def _shown(request, region, period) -> tuple:
    """(plan, the content this reader reads): the live plan while it is a
    draft they may read (its director's), else a frozen version — the
    submitted or approved one once the plan has left the draft, the approved
    one while a revision of it is drafted — so what executives read is what
    was submitted, never a draft nor data that moved since."""
    plan = plan_for(request, region, period)
    if permissions.can_read_plan(request.user, plan.region, plan.status):
        if sel.is_draft(plan):
            return plan, None
        return plan, plan.versions.order_by("-number").first()
    if plan.approved_version_id:
        return plan, plan.approved_version
    raise Http404("plan")


def _can_edit(user, plan) -> bool:
    return permissions.can_edit_plan(user, plan.region) and sel.is_draft(plan)


def chart_markup(content: dict) -> dict:
    """slot -> the markup the page puts in the document's chart slots: a
    container drawn by static/js/charts.js from the figure's JSON script."""
    out = {}
    for slot, fig in charts.document_figures(content).items():
        label = charts.DOCUMENT_FIGURES[slot][3]
        out[slot] = format_html('<div class="chart" data-chart="doc-{}-data" role="figure" aria-label="{}"></div>{}',
                                slot, label, json_script(fig, f"doc-{slot}-data"))
    return out


def _section_form(plan, key, *, form=None, error=None):
    versions = plan.section_versions or {}
    if form is None:
        form_class = CapitalForm if key == CAPITAL else SectionTextForm
        kwargs = {} if key == CAPITAL else {"label": SECTION_PROMPTS[key]}
        form = form_class(version=versions.get(key, 0), initial={"text": (plan.sections or {}).get(key, "")},
                          auto_id=f"section-{key}-%s", **kwargs)
    return {"form": form, "key": key, "errors": error.messages if error else []}


def _render_section_form(request, plan, key, **kwargs) -> str:
    return render_to_string(FRAGMENT_SECTION, {"plan": plan, "region": plan.region,
                                               **_section_form(plan, key, **kwargs)}, request=request)


def _render_answer_form(request, plan, problem, *, error=None, text=None) -> str:
    form = AnswerForm(initial={"key": problem["key"], "text": problem["answer"] if text is None else text},
                      auto_id=f"answer-{problem['key']}-%s")
    return render_to_string(FRAGMENT_ANSWER, {"plan": plan, "region": plan.region, "form": form,
                                              "problem": problem, "errors": error.messages if error else []},
                            request=request)


def _problems(content) -> list[dict]:
    return next(s for s in content["sections"] if s["key"] == "swot")["data"]["problems"]


def _document_context(request, plan, *, failed: tuple[str, dict] | None = None, version=None) -> dict:
    """The page's context; `failed` is (section key, its form context) of a
    refused save, shown with its message; `version`: a frozen version's
    content instead of the live plan's."""
    content = version.content if version is not None else plan_content(plan)
    context = {"region": plan.region, "plan": plan, "version": version, "doc": content,
               "charts": chart_markup(content), "can_edit": version is None and _can_edit(request.user, plan)}
    if context["can_edit"]:
        edit = {}
        for key in TEXT_KEYS:
            if failed and failed[0] == key:
                markup = render_to_string(FRAGMENT_SECTION, {"plan": plan, "region": plan.region, **failed[1]},
                                          request=request)
            else:
                markup = _render_section_form(request, plan, key)
            target = "pnl" if key == CAPITAL else key
            edit[target] = edit.get(target, SafeString()) + markup  # both SafeStrings: the sum stays safe
        context["edit"] = edit
        context["answer_forms"] = {p["key"]: _render_answer_form(request, plan, p) for p in _problems(content)}
    return context


def document(request, region, period):
    """The plan document as of its date: the nine sections of §6.2 from the
    data, and (for the director, in a draft) each section's text and the
    answers of 问题分析 to write."""
    plan, version = _shown(request, region, period)
    freshness = results_ensure(plan.region, timezone.localdate())
    context = _document_context(request, plan, version=version)
    # the previous results, marked as updating, when the draft reads the stored ones (a draft of another
    # date reads that date's analysis, computed for it)
    context["updating"] = freshness.updating and version is None and reads_stored(plan.region, plan.as_of)
    return render(request, "planning/document/page.html", context)


def summary(request, region, period):
    """The executive summary: 计划摘要's figures, the five classes, the funnel, the SWOT actions, the top risks."""
    plan, version = _shown(request, region, period)
    if version is None:
        results_ensure(plan.region, timezone.localdate())
    content = version.content if version is not None else plan_content(plan)
    return render(request, "planning/document/summary_page.html", {
        "region": plan.region, "plan": plan, "version": version, "doc": content, "charts": chart_markup(content)})


def appendix(request, region, period):
    """附录 as a workbook: a frozen version's as it was submitted, else the live draft's."""
    plan, version = _shown(request, region, period)
    if version is not None and version.appendix is not None:
        data = bytes(version.appendix)
    else:
        if version is None:
            results_ensure(plan.region, timezone.localdate())
        data = appendix_xlsx(plan)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    number = f"-v{version.number}" if version is not None else ""
    response["Content-Disposition"] = (f"attachment; filename*=UTF-8''"
                                       f"{quote(f'{plan.region.code}-{plan.period}{number}-附录.xlsx')}")
    return response


def _editable_plan(request, region, period):
    plan = plan_for_director(request, region, period)
    if not sel.is_draft(plan):
        raise Http404("plan")  # a submitted or approved plan's text is frozen in its version
    return plan


@require_POST
def section_save(request, region, period, key):
    plan = _editable_plan(request, region, period)
    if key not in TEXT_KEYS:
        raise Http404("section")
    form_class = CapitalForm if key == CAPITAL else SectionTextForm
    form = form_class(request.POST, auto_id=f"section-{key}-%s")
    error = None
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        document_services.section_text_save(plan=plan, key=key, text=form.cleaned_data["text"],
                                            version=form.cleaned_data["version"], seen=form.seen().get("text"))
    except ValidationError as e:
        error = e
    target = "pnl" if key == CAPITAL else key
    if error is None:
        if request.htmx:
            return render(request, FRAGMENT_SECTION, {"plan": plan, "region": plan.region, "saved": True,
                                                      **_section_form(plan, key)})
        return redirect(reverse("plan_document", args=[plan.region.code, plan.period]) + f"#section-{target}")
    status = 409 if isinstance(error, StaleEdit) else 400
    if isinstance(error, StaleEdit):
        plan.refresh_from_db(fields=["sections", "section_versions"])
        failed = _section_form(plan, key, error=error)  # the section as it is now, naming what changed
        failed["posted"] = form.data.get("text", "")
    else:
        failed = _section_form(plan, key, form=form, error=error)
    if request.htmx:
        return render(request, FRAGMENT_SECTION, {"plan": plan, "region": plan.region, **failed}, status=status)
    return render(request, "planning/document/page.html", _document_context(request, plan, failed=(key, failed)),
                  status=status)


@require_POST
def answer_save(request, region, period):
    """The director's answer to one item of 问题分析: one value, saved as posted (never refused for a version)."""
    plan = _editable_plan(request, region, period)
    form = AnswerForm(request.POST)
    error = None
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        document_services.answer_save(plan=plan, key=form.cleaned_data["key"], text=form.cleaned_data["text"],
                                      user=request.user)
    except ValidationError as e:
        error = e
    if request.htmx and form.is_valid():
        key, text = form.cleaned_data["key"], form.cleaned_data["text"]
        problem = {"key": key, "title": "", "answer": text}
        return render(request, FRAGMENT_ANSWER, {
            "plan": plan, "region": plan.region, "problem": problem, "saved": error is None,
            "errors": error.messages if error else [],
            "form": AnswerForm(initial={"key": key, "text": text if error else problem["answer"]},
                               auto_id=f"answer-{key}-%s")}, status=400 if error else 200)
    if error is None:
        return redirect(reverse("plan_document", args=[plan.region.code, plan.period]) + "#section-swot")
    context = _document_context(request, plan)
    context["answer_errors"] = error.messages
    return render(request, "planning/document/page.html", context, status=400)
