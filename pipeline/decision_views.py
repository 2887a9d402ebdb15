"""决策与需求 (DOMAIN §3.2): per customer, its contacts by buying role, its
publicity and its projects' role coverage; contacts and needs edited in place.

On the pipeline floor because it reads the projects' role coverage; the
contacts and needs are the customer floor's, written by its services."""

from collections import defaultdict
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from customers import charts as ccharts
from customers import selectors as csel
from customers import services as cservices
from customers.access import contact_for_update, customer_for, customer_for_update
from customers.forms import ContactEditForm, ContactForm, DecisionFilterForm, NeedsForm
from customers.rules import PUBLICITY_LABELS, ROLES
from customers.views import bad_filter, owner_names, with_roles
from customers.models import CustomerStanding
from pipeline import selectors as psel
from pipeline.standings import results_ensure
from pipeline.standings import customer_changed
from teams import permissions
from teams.access import region_for
from teams.selectors import region_managers
from tsm.lib.thresholds import Verdict
from tsm.lib.versions import StaleEdit
from tsm.lib.xlsx import xlsx_response


def _by_role(contacts) -> list[list]:
    """The contacts holding each of the five roles (a contact may appear under several)."""
    return [[k for k in contacts if role in (k.roles or [])] for role in ROLES]


def _projects_by_customer(projects) -> dict:
    out = defaultdict(list)
    for p in projects:
        out[p.customer_id].append(p)
    return out


def decision(request, region):
    """决策与需求: per customer, its contacts by buying role, publicity and
    project role coverage — the stored results, filtered, sorted and paged
    in SQL; only the rows shown are judged in full (their reasons)."""
    region = region_for(request, region)
    managers = region_managers(region)
    form = DecisionFilterForm(request.GET, managers=managers)
    if not form.is_valid():
        return bad_filter(request, form)
    today = timezone.localdate()
    freshness = results_ensure(region, today)
    standings = form.filter_standings(csel.standings(region, request.user)).select_related("owner")
    if form.wants_xlsx:
        customers = csel.results_of(standings, [])
        names = owner_names(managers, customers)
        contacts = defaultdict(list)
        for k in csel.region_contacts(region):
            contacts[k.customer_id].append(k)
        return xlsx_response(f"客户决策角色-{region.code}.xlsx", "客户决策角色",
                             *ccharts.decision_table(customers, contacts, _coverage_by_customer(request, region),
                                                     names))
    page = Paginator(standings, form.cleaned_data["per_page"]).get_page(form.cleaned_data["page"])
    customers = csel.results_of(page.object_list, [])
    names = owner_names(managers, customers)
    contacts = defaultdict(list)
    for k in csel.contacts_of(c.id for c in customers):
        contacts[k.customer_id].append(k)
    ids = psel.standings(region, request.user).filter(customer_id__in=[c.id for c in customers])
    projects = _projects_by_customer(sorted(
        psel.projects_judged(region, today, ids.values_list("pk", flat=True)).values(), key=lambda p: p.code))
    rows = [(c, _by_role(contacts[c.id]), projects.get(c.id, [])) for c in customers]
    context = {"region": region, "as_of": freshness.as_of or today, "freshness": freshness,
               "thresholds": region.thresholds(), "form": form, "page": page, "rows": rows, "names": names,
               "roles": ROLES, "publicity_labels": PUBLICITY_LABELS}
    template = "customers/decision.html" + ("#list" if request.htmx else "")
    return render(request, template, context)


def _coverage_by_customer(request, region) -> dict:
    """Every open project the user sees, by customer: its code and stored role coverage (the export)."""
    out = defaultdict(list)
    for code, customer_id, coverage in (psel.standings(region, request.user).order_by("code")
                                        .values_list("code", "customer_id", "coverage")):
        out[customer_id].append(SimpleNamespace(code=code, coverage=Verdict(coverage, "")))
    return out


def _decision_context(request, region, customer, **forms) -> dict:
    today = timezone.localdate()
    freshness = results_ensure(region, today)
    standing = CustomerStanding.objects.filter(pk=customer.pk).select_related("owner").first()
    contacts = with_roles(csel.contacts_of([customer.pk]))
    ids = psel.standings(region, request.user).filter(customer_id=customer.pk).values_list("pk", flat=True)
    projects = sorted(psel.projects_judged(region, today, ids).values(), key=lambda p: p.code)
    return {
        "region": region, "customer": customer, "as_of": freshness.as_of or today, "freshness": freshness,
        "r": csel.result_of(standing, {}) if standing else None,
        "contacts": contacts, "by_role": list(zip(ROLES.values(), _by_role(contacts))), "roles": ROLES,
        "projects": projects, **psel.names_of(projects),
        "can_edit": permissions.can_edit_customer(request.user, customer),
        "needs_form": NeedsForm.for_customer(customer),
        "contact_form": ContactForm(auto_id="add_%s"), **forms,
    }


def decision_customer(request, region, code):
    """One customer's decision roles, contacts, publicity, coverage and needs."""
    region = region_for(request, region)
    customer = customer_for(request, region, code)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"联系人-{customer.code}.xlsx", "联系人",
                             *ccharts.contacts_table(csel.contacts_of([customer.pk])))
    return render(request, "customers/decision_customer.html", _decision_context(request, region, customer))


def _customer_page(region, customer) -> str:
    return reverse("decision_customer", kwargs={"region": region.code, "code": customer.code})


@require_POST
def customer_needs(request, region, code):
    """需求分析 (decider's, company's and industry's needs, procurement
    procedure), saved in place; refused with 409 if someone saved them since
    the form was read (the form as it is now, naming what changed)."""
    region = region_for(request, region)
    customer = customer_for_update(request, region, code)
    form = NeedsForm.for_customer(customer, request.POST)
    try:
        if form.is_valid():
            cservices.customer_needs_save(customer=customer, **form.service_kwargs())
    except StaleEdit as stale:
        customer = customer_for_update(request, region, code)  # as it is now
        fresh = NeedsForm.for_customer(customer)
        fresh.conflict = stale.message
        return _refused_form(request, "customers/decision_customer.html", "needs",
                             _decision_context(request, region, customer, needs_form=fresh), status=409)
    except ValidationError as error:
        form.add_error(None, error)
    if form.errors:
        return _refused_form(request, "customers/decision_customer.html", "needs",
                             _decision_context(request, region, customer, needs_form=form))
    if not request.htmx:
        return redirect(_customer_page(region, customer))
    return render(request, "customers/decision_customer.html#needs", {
        "region": region, "customer": customer, "can_edit": True, "saved": True,
        "needs_form": NeedsForm.for_customer(customer)})


def _refused_form(request, template, fragment, context, *, target=None, status=400):
    """A refused write: the form with its errors (400), or at the record's
    current version with what changed (409). With htmx only the form's
    fragment, swapped where the form is (`target`), not where a success goes."""
    if not request.htmx:
        return render(request, template, context, status=status)
    response = render(request, f"{template}#{fragment}", context, status=status)
    return reswap(retarget(response, target), "outerHTML") if target else response


def _contact_kwargs(form) -> dict:
    return {k: form.cleaned_data[k] for k in ("name", "title", "roles", "attitude", "last_met")}


def _contacts_changed(request, region, customer):
    """After a contact is saved: the contacts with the publicity and coverage they change (htmx)."""
    if not request.htmx:
        return redirect(_customer_page(region, customer))
    return render(request, "customers/decision_customer.html#contacts_response",
                  _decision_context(request, region, customer))


@require_POST
def contact_add(request, region, code):
    region = region_for(request, region)
    customer = customer_for_update(request, region, code)
    form = ContactForm(request.POST, auto_id="add_%s")
    try:
        if form.is_valid():
            cservices.contact_save(customer=customer, **_contact_kwargs(form))
            customer_changed(region=region, customer_ids=[customer.pk])
    except ValidationError as error:
        form.add_error(None, error)
    if form.errors:
        return _refused_form(request, "customers/decision_customer.html", "contact_add_form",
                             _decision_context(request, region, customer, contact_form=form),
                             target="#contact-add-form")
    return _contacts_changed(request, region, customer)


@require_http_methods(["GET", "POST"])
def contact_edit(request, region, code, pk):
    """GET: the contact's form (a table row for htmx, a page without); POST:
    save it, or 409 with the contact as it is now if someone saved it since."""
    region = region_for(request, region)
    contact = contact_for_update(request, region, code, pk)
    customer = contact.customer
    form = ContactEditForm.for_contact(contact, request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        try:
            if form.is_valid():
                cservices.contact_save(customer=customer, contact=contact, version=form.cleaned_data["version"],
                                       seen=form.seen(), **_contact_kwargs(form))
                customer_changed(region=region, customer_ids=[customer.pk])
                return _contacts_changed(request, region, customer)
        except StaleEdit as stale:
            contact = contact_for_update(request, region, code, pk)  # as it is now
            form, status = ContactEditForm.for_contact(contact), 409
            form.conflict = stale.message
        except ValidationError as error:
            form.add_error(None, error)
    context = {"region": region, "customer": customer, "contact": contact, "form": form}
    if not request.htmx:
        return render(request, "customers/decision_contact.html", context, status=status)
    response = render(request, "customers/decision_customer.html#contact_form_row", context, status=status)
    return reswap(retarget(response, f"#contact-{contact.pk}"), "outerHTML")
