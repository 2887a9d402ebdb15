"""Writes of the teams floor: the region's thresholds.

Keyword-only, saved in a transaction that marks the region's data as
changed (`Region.touch`) and its stored results to be judged again: every
analysis depends on the thresholds."""

from collections.abc import Mapping

from django.db import transaction

from teams.models import Region, RegionSettings
from tsm.lib.versions import save_at_version


def region_settings_save(*, region: Region, version: int, values: Mapping, seen: Mapping | None = None) -> RegionSettings:
    """Save every threshold of the settings form at once, if nobody saved
    them since the form was read at `version`; otherwise nothing is written
    and StaleEdit names each threshold changed since (`seen`: the values the
    form showed; without them, those that differ from `values`)."""
    settings = RegionSettings.objects.get(region=region)
    RegionSettings(region=region, **values).clean_fields(exclude=["region"])  # each within its bounds, whoever calls
    with transaction.atomic():
        save_at_version(settings, version=version, values=values, seen=seen,
                        labels={name: RegionSettings._meta.get_field(name).help_text for name in values})
        region.touch()
        region.results_stale()  # every label may follow a threshold
    return settings
