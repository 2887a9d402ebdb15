"""The one helper that keeps computed analyses, below every floor.

What a page reads on the hot path is stored in the database (the customers'
and projects' standings). This keeps the rest — a whole region's analysis as
of another date (the API's `as_of`, a plan's fixed date, the export) or the
pages that draw the whole region — in Django's cache (Redis when REDIS_URL is
set, shared by the workers), under everything it was computed from: the
region, its data version (every write moves it on), the as-of date and the
thresholds. A key never names a stale result, so nothing is deleted when data
change."""

import datetime as dt
import hashlib
from dataclasses import astuple

from django.core.cache import cache

SECONDS = 6 * 3600


def key(kind: str, *, region_pk: int, version: int, as_of: dt.date, thresholds) -> str:
    digest = hashlib.sha1(repr(astuple(thresholds)).encode()).hexdigest()[:12]
    return f"{kind}:{region_pk}:{version}:{as_of.isoformat()}:{digest}"


def get(k: str):
    return cache.get(k)


def put(k: str, value):
    cache.set(k, value, SECONDS)
    return value


def get_or_compute(k: str, compute):
    value = cache.get(k)
    return value if value is not None else put(k, compute())
