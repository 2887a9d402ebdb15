"""Access helpers for customers, contacts and competitors: the object within
the user's scope (teams.permissions decides), or 404 — never 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from customers.models import Competitor, Contact, Customer
from teams import permissions


def customer_for(request, region, code: str) -> Customer:
    """A customer of `region` (from teams.access.region_for) the user may read."""
    customer = get_object_or_404(Customer.objects.select_related("owner"), region=region, code=code)
    customer.region = region  # the scoped instance: a write's touch() moves its data_version
    if not permissions.can_read_customer(request.user, customer):
        raise Http404("customer")
    return customer


def customer_for_update(request, region, code: str) -> Customer:
    """A customer the user may change (the region's director or its own manager)."""
    customer = customer_for(request, region, code)
    if not permissions.can_edit_customer(request.user, customer):
        raise Http404("customer")
    return customer


def contact_for_update(request, region, code: str, pk: int) -> Contact:
    customer = customer_for_update(request, region, code)
    contact = get_object_or_404(Contact, customer=customer, pk=pk)
    contact.customer = customer
    return contact


def competitor_for(request, region, pk: int) -> Competitor:
    """A competitor of the region (`region` comes from region_for to read,
    region_for_director to write: directors edit, the region's readers read)."""
    competitor = get_object_or_404(Competitor, region=region, pk=pk)
    competitor.region = region
    return competitor
