"""The one helper that keeps computed analyses, below every floor.

A result is kept under everything it was computed from: the region, its data
version (every write moves it on), the as-of date and the thresholds. A key
never names a stale result, so nothing has to be deleted when data change.

Two levels: the last few results of this process, unpickled (reading a large
region's analysis back from the shared cache costs more than rendering a
page), and Django's cache, shared by the workers when it is Redis."""

import datetime as dt
import hashlib
from collections import OrderedDict
from dataclasses import astuple

from django.core.cache import cache

SECONDS = 6 * 3600
_RECENT_MAX = 8
_recent: "OrderedDict[str, object]" = OrderedDict()


def key(kind: str, *, region_pk: int, version: int, as_of: dt.date, thresholds) -> str:
    digest = hashlib.sha1(repr(astuple(thresholds)).encode()).hexdigest()[:12]
    return f"{kind}:{region_pk}:{version}:{as_of.isoformat()}:{digest}"


def get(k: str):
    if k in _recent:
        _recent.move_to_end(k)
        return _recent[k]
    value = cache.get(k)
    if value is not None:
        _remember(k, value)
    return value


def put(k: str, value):
    cache.set(k, value, SECONDS)
    return _remember(k, value)


def get_or_compute(k: str, compute):
    value = get(k)
    return value if value is not None else put(k, compute())


def _remember(k: str, value):
    _recent[k] = value
    _recent.move_to_end(k)
    while len(_recent) > _RECENT_MAX:
        _recent.popitem(last=False)
    return value


def forget_recent() -> None:
    """Drop this process's results (tests clear the shared cache too)."""
    _recent.clear()
