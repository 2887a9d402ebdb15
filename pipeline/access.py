"""The one place that decides who may see or change a project (else 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from pipeline.models import Project


def project_for(request, region, code: str) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("region"),
                             region=region, code=code)


def project_for_update(request, region, code: str) -> Project:
    """The owner and the region's director may change a project; nobody else sees it here."""
    project = project_for(request, region, code)
    user = request.user
    if not (user.pk == project.owner_id or user.is_director or user.is_superuser):
        raise Http404("project")
    return project
