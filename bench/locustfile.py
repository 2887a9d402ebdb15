"""Locust users for the load benchmark (bench/load_bench.py starts them).

Each simulated user logs in once, then waits 0.5–2 s between actions:
funnel page : contribution page : evidence tick = 3 : 1 : 2.

The tick does what the browser does: it opens one of the user's open
projects listed on the funnel page (GET the evidence form fragment, as htmx
does when the row's <details> is opened), then ticks or unticks ONE box with
the request the fragment's htmx attributes describe.

Set by load_bench.py in the environment:
    LOAD_REGION  region code (DEMO, BENCH)
    LOAD_USERS   username:password,username:password,…  — the simulated users
                 take them in turn (load_bench.py lists one per user)
    LOAD_SAMPLES optional: a CSV file that gets one line per request —
                 seconds since the start, name, milliseconds, failed (0/1)
"""

import html
import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

REGION = os.environ.get("LOAD_REGION", "DEMO")
LOGINS = [tuple(item.split(":", 1)) for item in os.environ.get("LOAD_USERS", "director:demo1234").split(",")]
_next_login = itertools.cycle(LOGINS)

# <tr id="project-J000123" …attributes…>: the funnel rows (a manager sees only their own).
ROW = re.compile(r'<tr id="project-([^"]+)"([^>]*)>')


if os.environ.get("LOAD_SAMPLES"):
    import time

    _samples = open(os.environ["LOAD_SAMPLES"], "w", buffering=1)
    _t0 = time.monotonic()

    @events.request.add_listener
    def _record(name, response_time, exception, **kwargs):
        _samples.write(f"{time.monotonic() - _t0:.3f},{name},{response_time:.1f},{int(exception is not None)}\n")


class Fragment(HTMLParser):
    """The evidence form fragment: the form's attributes, its hidden inputs
    and its checkboxes (with their own attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.form: dict = {}
        self.hidden: list[tuple[str, str]] = []
        self.boxes: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and not self.form:
            self.form = a
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox":
            self.boxes.append(a)


def _attrs(text: str) -> dict:
    """A tag's attributes; one without a value (data-evidence-ticks) maps to ""."""
    return {name: html.unescape(value) for name, _, value in re.findall(r'([\w:-]+)(="([^"]*)")?', text)}


class Planner(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.username, password = next(_next_login)
        self.rows: dict[str, dict] = {}  # project code -> the row's attributes, from the last funnel page
        with self.client.get("/login/", name="login page", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
        with self.client.post("/login/", name="login", catch_response=True, data={
            "username": self.username, "password": password,
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), "next": "",
        }) as r:
            # A wrong password answers 200 with the form again; a right one
            # redirects to the region's page and sets the session cookie.
            if r.status_code != 200 or "sessionid" not in self.client.cookies or "/login/" in r.url:
                r.failure(f"login as {self.username} failed ({r.status_code}, {r.url})")

    def _csrf_headers(self) -> dict:
        # The page's body carries hx-headers X-CSRFToken; the cookie holds the same secret.
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "HX-Request": "true"}

    @task(3)
    def funnel(self):
        with self.client.get(f"/r/{REGION}/funnel/", name="funnel", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                return
            self.rows = {code: _attrs(attrs) for code, attrs in ROW.findall(r.text)}

    @task(1)
    def contribution(self):
        with self.client.get(f"/r/{REGION}/contribution/", name="contribution", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")

    @task(2)
    def evidence_tick(self):
        if not self.rows:
            self.funnel()  # a user ticks from the funnel list: they look at it first
            if not self.rows:
                return
        code = random.choice(list(self.rows))
        url = f"/r/{REGION}/projects/{code}/evidence/"
        with self.client.get(url, name="evidence form", headers={"HX-Request": "true"}, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                if r.status_code == 404:  # left the funnel meanwhile (it should not: nobody closes projects)
                    self.rows.pop(code, None)
                return
            form = Fragment()
            form.feed(r.text)
            if not form.boxes:
                r.failure("no evidence checkboxes in the form fragment")
                return
        box = random.choice(form.boxes)
        ticked = "checked" not in box
        headers = {**self._csrf_headers(), "HX-Target": f"project-{code}", "HX-Current-URL": f"/r/{REGION}/funnel/"}
        row = self.rows.get(code, {})
        if box.get("hx-post"):
            # One request per box: its own URL and values (hx-vals), plus the form's hidden fields.
            target = box["hx-post"]
            data = [*form.hidden, *json.loads(box.get("hx-vals") or "{}").items()]
            if ticked and box.get("name"):  # htmx sends the box's own value when it is ticked
                data.append((box["name"], box.get("value", "on")))
        elif form.form.get("hx-post"):
            # The whole form on each change (today): every box as it is, with this one flipped.
            target = form.form["hx-post"]
            data = [*form.hidden] + [(b["name"], b["value"]) for b in form.boxes
                                     if ("checked" in b) != (b is box)]
        elif row.get("hx-post") and "data-evidence-ticks" in row:
            # What holds the form (the funnel row) posts one box's change:
            # its code and new state (static/js/evidence.js), and the `next` it includes.
            target = row["hx-post"]
            data = [(n, v) for n, v in form.hidden if n == "next"]
            data += [("code", box["value"]), ("ticked", "true" if ticked else "false")]
        else:
            # No htmx on the form: the plain POST a browser without JavaScript sends.
            target = form.form.get("action") or url
            data = [*form.hidden] + [(b["name"], b["value"]) for b in form.boxes
                                     if ("checked" in b) != (b is box)]
            headers = {"X-CSRFToken": headers["X-CSRFToken"]}
        with self.client.post(target, name="evidence tick", data=data, headers=headers, catch_response=True) as r:
            if not 200 <= r.status_code < 300:
                r.failure(f"{r.status_code}: {r.text[:200]}")
