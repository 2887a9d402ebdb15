"""Access helpers: fetch an object within the user's scope, or answer 404
(never 403 with its name). teams.permissions decides; these apply it."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from teams import permissions
from teams.models import Region


def region_for(request, code: str) -> Region:
    """A region the user may read."""
    return get_object_or_404(Region.objects.visible_to(request.user).select_related("settings"), code=code)


def region_for_director(request, code: str) -> Region:
    """A region the user may edit (its analysis, strategy, plan, settings, import)."""
    region = region_for(request, code)
    if not permissions.can_edit_region(request.user, region):
        raise Http404("region")
    return region
