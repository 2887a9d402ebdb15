"""The one place that decides whether a user may see a region (out of scope: 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from teams.models import Region


def region_for(request, code: str) -> Region:
    return get_object_or_404(Region.objects.visible_to(request.user).select_related("settings"), code=code)


def region_for_director(request, code: str) -> Region:
    """Directors (and admins) write the region's analysis and plan; others get 404."""
    region = region_for(request, code)
    if not request.user.edits_region:
        raise Http404("region")
    return region
