"""Login throttling (django-axes): per username AND address, so one office
behind one NAT address is not locked out by one person's typos."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

OFFICE, HOME = "10.1.1.1", "10.2.2.2"


def attempt(username, password, ip=OFFICE):
    """One login from a fresh browser at that address; the response."""
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def test_five_wrong_passwords_lock_that_username_at_that_address(manager_a1):
    for _ in range(4):
        assert attempt("manager_a1", "wrong").status_code == 200
    fifth = attempt("manager_a1", "wrong")
    assert fifth.status_code == 429
    # the right password is refused too, with the time to try again, in Chinese
    sixth = attempt("manager_a1", "pw-manager_a1")
    assert sixth.status_code == 429
    body = sixth.content.decode()
    last = AccessAttempt.objects.filter(username="manager_a1", ip_address=OFFICE).latest("attempt_time")
    until = timezone.localtime(last.attempt_time + dt.timedelta(minutes=15)).strftime("%H:%M")
    assert f"登录失败次数过多，已暂时锁定。请于 {until} 后重试" in body
    assert 'value="manager_a1"' in body  # the login form again, username kept
    assert "_auth_user_id" not in sixth.wsgi_request.session


def test_the_same_user_elsewhere_and_colleagues_in_the_office_still_sign_in(manager_a1, manager_a2):
    for _ in range(5):
        attempt("manager_a1", "wrong")
    assert attempt("manager_a1", "pw-manager_a1").status_code == 429
    assert signed_in(attempt("manager_a1", "pw-manager_a1", ip=HOME))
    assert signed_in(attempt("manager_a2", "pw-manager_a2", ip=OFFICE))


def test_a_successful_sign_in_resets_the_count(manager_a1):
    for _ in range(4):
        attempt("manager_a1", "wrong")
    assert signed_in(attempt("manager_a1", "pw-manager_a1"))
    assert not AccessAttempt.objects.filter(username="manager_a1").exists()
    for _ in range(4):
        attempt("manager_a1", "wrong")
    assert signed_in(attempt("manager_a1", "pw-manager_a1"))


def test_the_lock_ends_after_fifteen_minutes(manager_a1):
    for _ in range(5):
        attempt("manager_a1", "wrong")
    assert attempt("manager_a1", "pw-manager_a1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert attempt("manager_a1", "pw-manager_a1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=15, seconds=1))
    assert signed_in(attempt("manager_a1", "pw-manager_a1"))


ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_IP = (
    "from django.test import RequestFactory; from axes.helpers import get_client_ip_address; "
    "r = RequestFactory().post('/login/', REMOTE_ADDR='127.0.0.1', "
    "HTTP_X_FORWARDED_FOR='6.6.6.6, 203.0.113.7, 10.9.9.9'); print(get_client_ip_address(r))"
)


def client_ip(**env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("PROXY_COUNT", "DATABASE_URL")}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", CLIENT_IP], cwd=ROOT,
                            env={**base, "DEBUG": "true", **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_client_address_is_read_behind_as_many_front_servers_as_configured():
    # no front server: X-Forwarded-For is the client's own say, ignored
    assert client_ip() == "127.0.0.1"
    # one front server appended 10.9.9.9; what stands left of it came from the client
    assert client_ip(PROXY_COUNT="1") == "10.9.9.9"
    assert client_ip(PROXY_COUNT="2") == "203.0.113.7"


def test_the_lock_reads_in_english_when_chosen(manager_a1):
    client = Client(REMOTE_ADDR=OFFICE)
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = client.post("/login/", {"username": "manager_a1", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-ins: locked for now. Please try again after" in response.content.decode()
