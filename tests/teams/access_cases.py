"""Access cases of the teams floor's own pages (tests/test_access_walk.py)."""

from teams import services
from tests.access import EVERYONE, Case

CASES = {
    # Everyone's own tokens page; a token is revoked by its owner only (the director's here).
    "api_tokens": Case(ok=EVERYONE, kwargs=lambda w: {}),
    "api_token_revoke": Case(ok={"director"}, method="post", ok_status=(302,),
                             kwargs=lambda w: {"pk": w["director_token"].pk}),
}


def extend_world(world) -> dict:
    token, _ = services.api_token_create(user=world["director"], name="报表")
    return {"director_token": token}
