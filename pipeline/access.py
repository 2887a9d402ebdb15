"""The one place that decides who may see or change a project (else 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from pipeline.models import Project, Status


def project_for(request, region, code: str) -> Project:
    project = get_object_or_404(Project.objects.visible_to(request.user), region=region, code=code)
    project.region = region  # one object: a service's region.touch() is seen by the view
    return project


def project_for_update(request, region, code: str, *, open_only: bool = False) -> Project:
    """The owner and the region's director may change a project; nobody else sees it here.
    `open_only`: a closed project (won, lost, abandoned) has left the funnel: 404."""
    project = project_for(request, region, code)
    user = request.user
    if not (user.pk == project.owner_id or user.is_director or user.is_superuser):
        raise Http404("project")
    if open_only and project.status != Status.OPEN:
        raise Http404("project")
    return project
