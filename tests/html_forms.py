"""Read a page's forms as a browser would post them, so that a test can
"open the form", change a field and save — with the version and the shown
values the page put in it."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    attrs: dict
    data: dict[str, list[str]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.attrs.get("action", "")

    def post(self, **changes) -> dict:
        """The data to post: what the form holds, with `changes` typed in (a list for a multiple choice)."""
        data = {name: values if len(values) != 1 else values[0] for name, values in self.data.items()}
        return data | {name: value for name, value in changes.items()}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def _add(self, name, value):
        self._form.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "image", "reset", "file"):
                self._add(a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "form":
            self._form = None


def forms_in(body: str) -> list[Form]:
    parser = _Parser()
    parser.feed(body)
    return parser.forms


def form_posting_to(body: str, action: str, *, having: dict | None = None) -> Form:
    """The one form of the page that posts to `action` (and holds each of `having`'s values)."""
    found = [f for f in forms_in(body) if f.action.split("#")[0] == action
             and all(f.data.get(k) == [v] for k, v in (having or {}).items())]
    assert len(found) == 1, f"{len(found)} forms post to {action} with {having}"
    return found[0]


def htmx_swaps(body: str, status: int) -> bool:
    """Whether htmx, configured by the page's `htmx-config` meta, swaps in an
    answer with this status: the first responseHandling rule whose code (a
    regular expression, as htmx reads it) matches the status decides."""
    import json
    import re

    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)
    assert meta, "the page sets no htmx-config"
    rules = json.loads(meta.group(1))["responseHandling"]
    rule = next(r for r in rules if re.search(r["code"], str(status)))
    return rule["swap"] and not rule.get("error", False)
