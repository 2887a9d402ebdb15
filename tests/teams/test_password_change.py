"""Changing one's own password at /password/ (Django's views, our pages)."""

import re

import pytest
from django.test import Client


def sign_in(username, password):
    return Client(REMOTE_ADDR="10.3.3.3").post("/login/", {"username": username, "password": password})


def change(client, old, new, again=None):
    return client.post("/password/", {"old_password": old, "new_password1": new,
                                      "new_password2": new if again is None else again})


def error_of(body: str, field: str) -> str:
    """The error list Django puts next to the field (and names in its aria-describedby)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', body, re.S)
    assert match, f"no error next to {field}"
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', body)
    return match.group(1)


def test_the_page_labels_every_input_in_chinese(client_for, manager_a1):
    body = client_for(manager_a1).get("/password/").content.decode()
    assert "<h1>修改密码</h1>" in body
    for field, label in (("old_password", "旧密码"), ("new_password1", "新密码"), ("new_password2", "新密码确认")):
        assert f'<label for="id_{field}">{label}' in body and f'id="id_{field}"' in body
    assert "你的密码必须包含至少 8 个字符。" in body  # the validators' rules, before typing


def test_the_top_bar_links_to_it(client_for, manager_a1, region_a):
    body = client_for(manager_a1).get("/r/A/").content.decode()
    assert '<a class="chip" href="/password/">修改密码</a>' in body


def test_a_wrong_old_password_is_refused_next_to_the_field(client_for, manager_a1):
    response = change(client_for(manager_a1), "not-my-password", "Ruo-Fen-2027")
    assert response.status_code == 200
    assert "你的旧密码不正确" in error_of(response.content.decode(), "old_password")
    manager_a1.refresh_from_db()
    assert manager_a1.check_password("pw-manager_a1")


@pytest.mark.parametrize("new,message", [
    ("Qz7!", "此密码太短，至少要包含 8 个字符。"),
    ("password", "这个密码太常见了。"),
    ("48213957106", "密码只包含数字。"),
    ("manager_a1x", "太相似"),  # like the username
])
def test_a_weak_new_password_is_refused_with_the_validators_reason(client_for, manager_a1, new, message):
    response = change(client_for(manager_a1), "pw-manager_a1", new)
    assert response.status_code == 200
    assert message in error_of(response.content.decode(), "new_password2")
    manager_a1.refresh_from_db()
    assert manager_a1.check_password("pw-manager_a1")


def test_two_different_new_passwords_are_refused(client_for, manager_a1):
    response = change(client_for(manager_a1), "pw-manager_a1", "Ruo-Fen-2027", again="Ruo-Fen-2028")
    assert "输入的两个密码不一致" in error_of(response.content.decode(), "new_password2")


def test_a_good_new_password_replaces_the_old_one_and_keeps_the_user_signed_in(client_for, manager_a1):
    client = client_for(manager_a1)
    response = change(client, "pw-manager_a1", "Ruo-Fen-2027")
    assert response.status_code == 302 and response["Location"] == "/password/done/"
    done = client.get("/password/done/")
    assert done.status_code == 200 and "密码已修改" in done.content.decode()
    assert sign_in("manager_a1", "pw-manager_a1").status_code == 200  # the old one no longer works
    signed_in = sign_in("manager_a1", "Ruo-Fen-2027")
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


@pytest.mark.parametrize("url", ["/password/", "/password/done/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/login/?next={url}"


def test_the_pages_read_in_english_when_chosen(client_for, manager_a1):
    client = client_for(manager_a1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = change(client, "wrong", "Ruo-Fen-2027").content.decode()
    assert "<h1>Change password</h1>" in body
    assert "Your password was not changed: please correct the fields as shown." in body
    assert "Your old password was entered incorrectly" in body
    change(client, "pw-manager_a1", "Ruo-Fen-2027")
    assert "Password changed" in client.get("/password/done/").content.decode()
