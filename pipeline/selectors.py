"""Set-based reads of a region's projects for the funnel and the analysis."""

from pipeline.models import Project, Status


def open_project_rows(region, projects=None) -> list[dict]:
    qs = projects if projects is not None else Project.objects.filter(region=region)
    return list(
        qs.filter(status=Status.OPEN)
        .order_by("code")
        .values("id", "code", "name", "customer_id", "product_id", "owner_id", "amount", "expected_close",
                "status", "tariff_effect", "kill_degree", "evidence")
    )


def project_contact_links(region) -> list[tuple[int, int]]:
    """(project_id, contact_id) for the region's open projects: one query on the M2M table."""
    through = Project.contacts.through
    return list(
        through.objects.filter(project__region=region, project__status=Status.OPEN)
        .values_list("project_id", "contact_id")
        .order_by()
    )
