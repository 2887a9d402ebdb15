"""Editing without a workbook: a customer's record and the handover of a
departing manager's customers; projects created, edited and closed.

On the pipeline floor because a customer's open projects follow its account
manager, and projects are this floor's. Thin views: access helper → form →
service → redirect, or the form again with its errors (400) or, read before
someone else's save, as it is now naming what changed (409). With htmx the
customer's form is a fragment of its page; the project forms are pages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from customers.access import customer_for
from customers.models import Customer
from customers.rules import customer_code_editable
from pipeline import rules
from pipeline import selectors as psel
from pipeline import services
from pipeline.access import project_for_update
from pipeline.forms import (
    CustomerEditForm, DepartingForm, HandoverForm, ProjectCloseForm, ProjectCreateForm, ProjectEditForm,
)
from pipeline.models import Status
from teams import permissions
from teams.access import region_for, region_for_director
from tsm.lib.versions import StaleEdit


def _next(request, default: str) -> str:
    """Where to go after a save: the page the form was opened from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- a customer's record ------------------------------------------------------------------------------


def _customer_form(customer, data=None) -> CustomerEditForm:
    counts = psel.customer_data_counts(customer)
    return CustomerEditForm.for_customer(customer, data, code_rule=customer_code_editable(**counts))


@require_http_methods(["GET", "POST"])
def customer_edit(request, region, code):
    """GET: the customer's record form (a fragment of its page for htmx);
    POST: save it — a new account manager takes its open projects along
    unless unticked. Refused with 409 if someone saved it since."""
    region = region_for_director(request, region)
    customer = customer_for(request, region, code)
    form = _customer_form(customer, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        try:
            if form.is_valid():
                before = customer.owner
                moved = services.customer_edit(customer=customer, **form.service_kwargs())
                _customer_saved_message(request, customer, before, moved)
                page = reverse("customer_detail", kwargs={"region": region.code, "code": customer.code})
                return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
        except StaleEdit as stale:
            customer.refresh_from_db()  # as it is now (its code too may have changed)
            form, status = _customer_form(customer), 409
            form.conflict = stale.message
        except ValidationError as error:
            form.add_error(None, error)  # per field where the service names one
    context = {"region": region, "customer": customer, "form": form}
    template = "pipeline/customer_edit.html" + ("#record_form" if request.htmx else "")
    return render(request, template, context, status=status)


def _customer_saved_message(request, customer, before, moved: list[int]) -> None:
    if customer.owner_id == getattr(before, "pk", None):
        messages.success(request, _("客户“%(name)s”的资料已保存") % {"name": customer.name})
    else:
        messages.success(request, _("客户“%(name)s”已由 %(before)s 移交给 %(after)s，%(n)d 个进行中的项目随之移交") % {
            "name": customer.name, "before": before or _("（未分配）"), "after": customer.owner, "n": len(moved)})


# --- 移交客户: a departing manager's customers, all at once ------------------------------------------------


@require_http_methods(["GET", "POST"])
def customer_transfer(request, region):
    """移交客户: choose whose customers (GET ?manager=), then one manager for
    all of them or one per customer; POST hands them all over in one
    transaction (their open projects follow unless unticked). If the
    customers listed are no longer the departing manager's, nothing is
    written: 409 with the list as it is now, naming what changed."""
    region = region_for_director(request, region)
    owners = psel.customer_owners(region)
    pick = DepartingForm(request.POST if request.method == "POST" else request.GET, owners=owners)
    departing = None
    if pick.is_valid() and pick.cleaned_data["manager"]:
        departing = next(u for u in owners if u.pk == pick.cleaned_data["manager"])
    context = {"region": region, "pick": pick, "departing": departing, "form": None, "status": 200}
    if departing is not None:
        context.update(_handover(request, region, departing))
        if context.get("done"):
            return redirect(reverse("customer_list", kwargs={"region": region.code}))
    elif pick.errors:
        context["status"] = 400
    return render(request, "pipeline/customer_transfer.html", context, status=context["status"])


def _handover(request, region, departing) -> dict:
    if request.method != "POST":
        customers = _customers_of(region, departing)
        return {"form": HandoverForm(region=region, departing=departing, customers=customers),
                "open_projects": psel.open_projects_per_customer(c.pk for c in customers)}
    listed = _listed(request.POST.getlist("listed"))
    customers = list(Customer.objects.filter(region=region, pk__in=listed).select_related("owner").order_by("code"))
    form = HandoverForm(request.POST, region=region, departing=departing, customers=customers)
    status = 400
    try:
        if form.is_valid():
            done = services.customers_hand_over(region=region, departing=departing, targets=form.targets(),
                                                move_projects=form.cleaned_data["move_projects"])
            _handover_message(request, departing, done)
            return {"done": True}
    except StaleEdit as stale:
        customers = _customers_of(region, departing)  # the list as it is now
        form, status = HandoverForm(region=region, departing=departing, customers=customers), 409
        form.conflict = stale.message
    except ValidationError as error:
        form.add_error(None, error)
    return {"form": form, "status": status, "open_projects": psel.open_projects_per_customer(c.pk for c in customers)}


def _customers_of(region, departing) -> list[Customer]:
    return list(Customer.objects.filter(region=region, owner=departing).select_related("owner").order_by("code"))


def _listed(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except ValueError:
            continue  # not a customer's id: no customer the form listed
    return out


def _handover_message(request, departing, done) -> None:
    messages.success(request, _("已将 %(name)s 的 %(customers)d 个客户移交，%(projects)d 个进行中的项目随之移交") % {
        "name": departing, "customers": done.customers, "projects": done.projects})
    if done.left_open:
        messages.warning(request, _("%(name)s 仍负责 %(n)d 个进行中的项目，请在项目中调整负责人") % {
            "name": departing, "n": done.left_open})


# --- projects -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def project_add(request, region):
    """新建项目 (from the funnel, a customer's page or its projects panel:
    GET ?customer=<code> chooses the customer). A 自杀类 project is saved
    only once confirmed after the warning. With htmx, a GET with the form's
    values answers the contacts of the customer chosen (they follow it)."""
    region = region_for(request, region)
    if not permissions.can_add_projects_in(request.user, region):
        raise Http404("region")
    if request.htmx and request.method == "GET":
        form = ProjectCreateForm(request.GET, region=region, user=request.user)
        return render(request, "pipeline/project_form.html#contacts", {"form": form})
    customer = None
    if request.method == "GET" and request.GET.get("customer"):
        customer = customer_for(request, region, request.GET["customer"])
        if not permissions.can_add_project(request.user, customer):
            raise Http404("customer")
    initial = {"customer": getattr(customer, "pk", None),
               "owner": customer.owner_id if customer is not None and customer.owner_id else None}
    form = ProjectCreateForm(request.POST if request.method == "POST" else None, region=region, user=request.user,
                             customer=customer, initial={k: v for k, v in initial.items() if v})
    status = 200
    if form.is_bound:
        status = 400
        try:
            if form.is_valid():
                project = services.project_create(region=region, by=request.user, **form.service_kwargs())
                messages.success(request, _("已新建项目“%(name)s”（%(code)s），%(category)s") % {
                    "name": project.name, "code": project.code, "category": form.category.reason})
                return redirect(_next(request, reverse("project_evidence", kwargs={"region": region.code,
                                                                                   "code": project.code})))
        except ValidationError as error:
            form.add_error(None, error)  # per field where the service names one
    return render(request, "pipeline/project_form.html", {
        "region": region, "form": form, "project": None, "next": _next(request, ""),
        "cancel": _next(request, reverse("funnel", kwargs={"region": region.code}))}, status=status)


def _project_form(project, user, data=None) -> ProjectEditForm:
    rule = rules.project_code_editable(evidence=len(project.evidence or []), snapshots=project.snapshots.count())
    return ProjectEditForm.for_project(project, user, data, code_rule=rule)


@require_http_methods(["GET", "POST"])
def project_edit(request, region, code):
    """An open project's fields (its owner's or the director's), at its
    version: refused with 409 if someone saved, closed or handed it over
    since (an evidence tick does not count)."""
    region = region_for(request, region)
    project = project_for_update(request, region, code)
    if request.method == "GET" and project.status != Status.OPEN:
        raise Http404("project")  # closed: it has left the funnel
    if request.htmx and request.method == "GET" and "customer" in request.GET:
        form = ProjectEditForm(request.GET, region=region, user=request.user, project=project)
        return render(request, "pipeline/project_form.html#contacts", {"form": form})
    form = _project_form(project, request.user, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        try:
            if form.is_valid():
                project = services.project_save(project=project, by=request.user, **form.service_kwargs())
                messages.success(request, _("项目“%(name)s”已保存") % {"name": project.name})
                return redirect(_next(request, reverse("project_evidence", kwargs={"region": region.code,
                                                                                   "code": project.code})))
        except StaleEdit as stale:
            project.refresh_from_db()  # as it is now
            form, status = _project_form(project, request.user), 409
            form.conflict = stale.message
        except ValidationError as error:
            form.add_error(None, error)  # per field where the service names one
    return render(request, "pipeline/project_form.html", {
        "region": region, "form": form, "project": project, "next": _next(request, ""),
        "cancel": _next(request, reverse("project_evidence", kwargs={"region": region.code, "code": project.code}))},
        status=status)


@require_http_methods(["GET", "POST"])
def project_close(request, region, code):
    """Close an open project as 赢单, 丢单 or 放弃, with why and, for 丢单, to
    whom; it leaves the funnel. Refused with 409 if someone closed it meanwhile."""
    region = region_for(request, region)
    project = project_for_update(request, region, code, open_only=request.method == "GET")
    form = ProjectCloseForm(request.POST if request.method == "POST" else None, region=region)
    status = 200
    if form.is_bound:
        status = 400
        try:
            if form.is_valid():
                d = form.cleaned_data
                services.project_close(project=project, status=d["status"], reason=d["reason"],
                                       lost_to=d["lost_to"])
                messages.success(request, _("项目“%(name)s”已关闭：%(status)s") % {
                    "name": project.name, "status": project.get_status_display()})
                return redirect(_next(request, reverse("customer_detail", kwargs={
                    "region": region.code, "code": project.customer.code})))
        except StaleEdit as stale:
            project.refresh_from_db()
            form, status = ProjectCloseForm(region=region), 409
            form.conflict = stale.message
        except ValidationError as error:
            form.add_error(None, error)  # per field where the service names one
    back = (reverse("project_evidence", kwargs={"region": region.code, "code": project.code})
            if project.status == Status.OPEN else
            reverse("customer_detail", kwargs={"region": region.code, "code": project.customer.code}))
    return render(request, "pipeline/project_close.html", {
        "region": region, "project": project, "form": form, "next": _next(request, ""),
        "cancel": _next(request, back)}, status=status)
