"""Access helpers for projects: the project within the user's scope
(teams.permissions decides), or 404 — never 403."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from pipeline.models import Project, Status
from teams import permissions


def project_for(request, region, code: str) -> Project:
    project = get_object_or_404(Project, region=region, code=code)
    project.region = region  # one object: a service's region.touch() is seen by the view
    if not permissions.can_read_project(request.user, project):
        raise Http404("project")
    return project


def project_for_update(request, region, code: str, *, open_only: bool = False) -> Project:
    """A project the user may change (its owner or the region's director).
    `open_only`: a closed project (won, lost, abandoned) has left the funnel: 404."""
    project = project_for(request, region, code)
    if not permissions.can_edit_project(request.user, project):
        raise Http404("project")
    if open_only and project.status != Status.OPEN:
        raise Http404("project")
    return project
