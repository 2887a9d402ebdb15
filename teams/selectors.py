"""Reads of the teams floor: a region's people."""

from teams.models import Role, User


def region_managers(region) -> list:
    """The region's account managers, by name (one query)."""
    return list(User.objects.filter(regions=region, role=Role.MANAGER).order_by("username"))
