"""Personal read-only API tokens (INTERFACES §4): how a token is made, how
it is stored (its SHA-256 only) and the one place that turns an
`Authorization: Bearer <token>` header into a user.

Tokens authenticate the JSON API only, and only for reading: nothing else
calls `bearer_user` (no authentication backend, no middleware), so a token
never signs anyone into the HTML pages, and the API answers GET alone."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from teams.models import ApiToken, User

PREFIX = "tsm_"
# The visible start of a token, enough to tell one's tokens apart.
SHOWN = len(PREFIX) + 6
# last_used_at is written at most this often per token: reads stay reads.
USE_RESOLUTION = dt.timedelta(minutes=1)


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, None for any
    other scheme or a malformed header."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return None
    return token


def bearer_user(header: str) -> User | None:
    """The active user whose unrevoked token the header carries, else None.
    Marks when the token was last used (at most once a minute)."""
    raw = bearer_token(header)
    if raw is None:
        return None
    token = (ApiToken.objects.active().select_related("user")
             .filter(digest=token_digest(raw), user__is_active=True).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
