"""Shared vocabulary of the access walk (tests/test_access_walk.py)."""

from dataclasses import dataclass, field
from typing import Callable

# The administrator reads every region for support and edits none (DOMAIN §0).
REGION_A_READERS = {"director", "manager_a1", "manager_a2", "executive", "administrator"}
DIRECTOR_ONLY = {"director"}
EVERYONE = {"director", "manager_a1", "manager_a2", "manager_b", "director_b", "executive", "administrator"}



@dataclass
class Case:
    """Who may reach a URL (persona names); every other signed-in persona gets 404.

    The anonymous visitor is sent to the login page, unless `anonymous` names
    the status it gets instead (the JSON API answers 401: a program cannot
    follow a redirect to a login form)."""

    ok: set[str]
    kwargs: Callable[[dict], dict] = lambda w: {"region": "A"}
    method: str = "get"
    ok_status: tuple[int, ...] = (200,)
    data: dict = field(default_factory=dict)
    query: str = ""
    anonymous: int | None = None


