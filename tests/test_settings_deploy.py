"""Safe by default: production settings pass `check --deploy`, and a missing
SECRET_KEY or ALLOWED_HOSTS stops the application at start-up.

Each case runs manage.py in a child process with the same Python, from an
environment stripped of what the test run itself sets (DEBUG=true above all)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it for Playwright's event
# loop in this process; a production environment never has it.
OURS = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "HTTPS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
        "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def production(**overrides: str) -> dict[str, str]:
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "tsm.example.com"}
    env.update(overrides)
    return env


def test_production_settings_pass_the_deployment_check_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues" in output


def test_debug_is_off_unless_asked_for():
    result = manage("shell", "-v", "0", "-c", "from django.conf import settings; print(settings.DEBUG, settings.HTTPS)",
                    **production())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_https_off_serves_plain_http_and_the_deployment_check_says_so():
    result = manage("check", "--deploy", **production(HTTPS="off"))
    output = result.stdout + result.stderr
    # the check passes (warnings only) and names what plain HTTP gives up
    assert result.returncode == 0, output
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in output, (code, output)
    assert "System check identified 4 issues" in output  # these four only (README says so)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_without_debug_the_application_refuses_to_start_without(missing):
    env = production()
    del env[missing]
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} 未设置" in result.stderr and f"{missing} must be set when DEBUG is off" in result.stderr
    assert "Traceback" not in result.stderr  # one clear line for the operator


def test_an_empty_allowed_hosts_counts_as_missing():
    result = manage("check", **production(ALLOWED_HOSTS=" , "))
    assert result.returncode != 0 and "ALLOWED_HOSTS 未设置" in result.stderr


def test_the_wsgi_application_refuses_to_start_without_a_secret_key():
    env = production()
    del env["SECRET_KEY"]
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    result = subprocess.run([sys.executable, "-c", "import tsm.wsgi"], cwd=ROOT, env={**base, **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY 未设置" in result.stderr


def test_with_debug_on_a_development_key_is_used():
    result = manage("shell", "-v", "0", "-c", "from django.conf import settings; print(settings.SECRET_KEY, settings.HTTPS)",
                    DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["dev-only-not-secret-tsm", "False"]


def test_the_wsgi_application_is_warm_before_its_first_request_and_holds_no_connection():
    """Importing tsm.wsgi (what gunicorn's master does, preload_app in
    gunicorn.conf.py) imports every view and compiles every template, and
    opens no database connection that the forked workers would share."""
    code = (
        "import sys, tsm.wsgi\n"
        "from django.db import connections\n"
        "from django.template import engines\n"
        "loader = engines['django'].engine.template_loaders[0]\n"
        "print(all(m in sys.modules for m in ('pipeline.views', 'planning.document_views', 'plotly.graph_objects')),"
        " type(loader).__name__, 'pipeline/funnel.html' in {k.split(':')[0] for k in loader.get_template_cache},"
        " any(c.connection is not None for c in connections.all()))\n"
    )
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **production()},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Loader", "True", "False"]
    config = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)
    assert config["preload_app"] is True
    import gc

    try:
        config["when_ready"](None)  # what the master does once preloaded: the loaded objects frozen
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
