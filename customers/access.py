"""The one place that decides who may see or change a customer, a contact or
a competitor of the analysis pages. Out of scope answers 404, never 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from customers.models import Competitor, Contact, Customer


def _writes_region(user) -> bool:
    return user.is_director or user.is_superuser


def customer_for(request, region, code: str) -> Customer:
    """Directors and executives: the region's customers; managers: their own."""
    customer = get_object_or_404(Customer.objects.visible_to(request.user).select_related("owner"),
                                 region=region, code=code)
    customer.region = region  # the scoped instance: a write's touch() moves its data_version
    return customer


def customer_for_update(request, region, code: str) -> Customer:
    """The region's director or the customer's own manager; executives only read."""
    customer = customer_for(request, region, code)
    if not (_writes_region(request.user) or request.user.pk == customer.owner_id):
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

