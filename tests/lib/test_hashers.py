"""The password hasher the settings name (the test settings swap in MD5 for
speed, so these ask the production list directly)."""

from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.test import override_settings

from tsm import settings as production

HASHERS = production.PASSWORD_HASHERS


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_new_passwords_are_argon2id_at_owasp_parameters():
    encoded = make_password("春风十里2026")
    # $argon2id$v=19$m=19456,t=2,p=1$…: OWASP's Argon2id minimum
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("春风十里2026", encoded)
    assert not check_password("春风十里2025", encoded)
    assert not get_hasher("default").must_update(encoded)


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_hashes_from_django_defaults_and_pbkdf2_still_verify_and_are_upgraded():
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

    for old in (Argon2PasswordHasher().encode("demo1234", Argon2PasswordHasher().salt()),
                PBKDF2PasswordHasher().encode("demo1234", "saltsaltsalt", iterations=1000)):
        upgraded = []
        assert check_password("demo1234", old, setter=upgraded.append)
        assert upgraded == ["demo1234"], old[:30]  # rehashed at OWASP's parameters on this login
