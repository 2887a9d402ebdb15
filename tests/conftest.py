"""Personas (STYLE.md): a director, two managers of region A, a manager of
region B, an executive — every access rule is tested against the outsider."""

import pytest
from hypothesis import settings as hypothesis_settings

from teams.models import Region, RegionSettings, Role, User

# Property tests judge pure rules; the 200 ms per-example deadline only measured
# how busy this shared 2-core machine was (CI and helpers running at once).
hypothesis_settings.register_profile("tsm", deadline=None)
hypothesis_settings.load_profile("tsm")


def make_region(code: str, name: str) -> Region:
    region = Region.objects.create(code=code, name=name)
    RegionSettings.objects.create(region=region)
    return region


def make_user(username: str, role: str, *regions: Region) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, role=role,
                                    display_name=username)
    user.regions.set(regions)
    return user


@pytest.fixture
def region_a(db):
    return make_region("A", "华东一区")


@pytest.fixture
def region_b(db):
    return make_region("B", "华北二区")


@pytest.fixture
def director(region_a):
    return make_user("director_a", Role.DIRECTOR, region_a)


@pytest.fixture
def manager_a1(region_a):
    return make_user("manager_a1", Role.MANAGER, region_a)


@pytest.fixture
def manager_a2(region_a):
    return make_user("manager_a2", Role.MANAGER, region_a)


@pytest.fixture
def manager_b(region_b):
    return make_user("manager_b", Role.MANAGER, region_b)


@pytest.fixture
def director_b(region_b):
    return make_user("director_b", Role.DIRECTOR, region_b)


@pytest.fixture
def executive(db):
    return make_user("executive", Role.EXECUTIVE)


@pytest.fixture
def administrator(db):
    """系统管理员: the admin site's user; reads every region, edits none."""
    user = make_user("administrator", Role.ADMIN)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def personas(director, manager_a1, manager_a2, manager_b, director_b, executive, administrator):
    return {
        "administrator": administrator,
        "director": director,
        "manager_a1": manager_a1,
        "manager_a2": manager_a2,
        "manager_b": manager_b,
        "director_b": director_b,
        "executive": executive,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Analyses are cached on (region id, data version, …); ids come back
    after a rolled-back test, so every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2 is slow on purpose; personas need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """A task enqueued in a test runs there and then (the database queue and
    its worker are tested on their own)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait on the database queue for a worker that is not running
    (an approval's PDF, say): for tests about what is queued, and tests that
    approve plans without rendering their PDFs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
