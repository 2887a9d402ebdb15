"""Writes of the teams floor: the region's thresholds, a user's API tokens.

Keyword-only, saved in a transaction that marks the region's data as
changed (`Region.touch`) and its stored results to be judged again: every
analysis depends on the thresholds."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.models import ApiToken, Region, RegionSettings, User
from teams.tokens import SHOWN, new_token, token_digest
from tsm.lib.versions import save_at_version


def region_settings_save(*, region: Region, version: int, values: Mapping, seen: Mapping | None = None) -> RegionSettings:
    """Save every threshold of the settings form at once, if nobody saved
    them since the form was read at `version`; otherwise nothing is written
    and StaleEdit names each threshold changed since (`seen`: the values the
    form showed; without them, those that differ from `values`)."""
    settings = RegionSettings.objects.get(region=region)
    RegionSettings(region=region, **values).clean_fields(exclude=["region"])  # each within its bounds, whoever calls
    with transaction.atomic():
        save_at_version(settings, version=version, values=values, seen=seen,
                        labels={name: RegionSettings._meta.get_field(name).help_text for name in values})
        region.touch()
        region.results_stale()  # every label may follow a threshold
    return settings


# --- personal API tokens ---------------------------------------------------------------------------------

TOKEN_NAME_MAX = 100
TOKENS_MAX = 20


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: (the stored row, the token itself). Only the
    token's SHA-256 is kept, so the caller shows it once and never again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写令牌的用途（如“报表系统”），以便日后辨认和吊销"))
    if len(name) > TOKEN_NAME_MAX:
        raise ValidationError(_("令牌用途最多 %(max)d 个字，现在 %(n)d 个") % {"max": TOKEN_NAME_MAX, "n": len(name)})
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # one count at a time per user
        if ApiToken.objects.active().filter(user=user).count() >= TOKENS_MAX:
            raise ValidationError(_("有效令牌已达 %(max)d 个，请先吊销不用的令牌") % {"max": TOKENS_MAX})
        raw = new_token()
        token = ApiToken.objects.create(user=user, name=name, digest=token_digest(raw), prefix=raw[:SHOWN])
    return token, raw


def api_token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (ApiToken.DoesNotExist for anyone
    else's). A one-value change, atomic: revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ApiToken.objects.get(pk=token_id, user=user)
