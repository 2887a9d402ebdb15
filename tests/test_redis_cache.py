"""The shared cache works as the README documents it: with REDIS_URL set,
Django's RedisCache (through the pinned `redis` client) keeps the analyses
and every page still renders.

Needs a Redis server at 127.0.0.1:6379 (database 15 is used, and flushed).
scripts/test.sh starts one when it is down and sets TSM_REQUIRE_REDIS, as CI
does (CI=true): there a missing server fails these tests; a developer's plain
`pytest` without Redis skips them."""

import datetime as dt
import os
import socket

import pytest
import redis
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.utils import timezone

from tests import factories

LOCATION = "redis://127.0.0.1:6379/15"
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": LOCATION}}


def _reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def shared_cache():
    if not _reachable():
        reason = "Redis 未在 127.0.0.1:6379 运行 / no Redis server at 127.0.0.1:6379 (scripts/test.sh starts one)"
        if os.environ.get("TSM_REQUIRE_REDIS") or os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with override_settings(CACHES=REDIS_CACHE):
        cache.clear()  # FLUSHDB of database 15 only
        yield redis.Redis.from_url(LOCATION)
        cache.clear()


def test_a_value_is_written_to_redis_and_read_back(shared_cache):
    assert isinstance(caches["default"], RedisCache)
    cache.set("tsm-test", {"客户": "C0001", "收入": "1000.00"}, 60)
    assert shared_cache.exists(cache.make_key("tsm-test")) == 1  # in Redis, not in this process
    assert cache.get("tsm-test") == {"客户": "C0001", "收入": "1000.00"}
    assert cache.get_many(["tsm-test", "missing"]) == {"tsm-test": {"客户": "C0001", "收入": "1000.00"}}


def test_pages_render_with_the_analyses_kept_in_redis(shared_cache, client_for, director, region_a, manager_a1):
    factories.seed(region_a, manager_a1, 3, factories.products(2))
    client = client_for(director)
    funnel = client.get("/r/A/funnel/")
    assert funnel.status_code == 200 and "共 6 个进行中项目" in funnel.content.decode()
    # another day than today: computed on demand and kept in the cache (today's is read from the stored results)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    api = client.get(f"/api/regions/A/analysis?as_of={yesterday.isoformat()}")
    assert api.status_code == 200 and len(api.json()["projects"]) == 6
    # The analyses were kept in Redis, and read back (unpickled) as another worker would read them.
    keys = [k.decode() for k in shared_cache.scan_iter()]
    assert keys
    assert all(cache.get(k.split(":", 2)[2]) is not None for k in keys)  # Django's keys: ":<version>:<key>"
