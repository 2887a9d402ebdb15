"""Who judges a region's stored results again, once: a claim on the region row.

Several workers may find a region's results stale at the same moment; the
one whose UPDATE … WHERE claimed_at IS NULL (or stale) matches does the work,
the others show what is stored, marked as updating."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

# A claim older than this is taken to have died with its worker.
CLAIM_TIMEOUT = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Freshness:
    """What a page says about the stored results it shows."""

    as_of: dt.date | None
    updating: bool


def claim(model, pk, field: str) -> bool:
    now = timezone.now()
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - CLAIM_TIMEOUT})
    return bool(model.objects.filter(pk=pk).filter(stale).update(**{field: now}))
