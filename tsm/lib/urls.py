"""One URL pattern reversed for many objects.

A list page links each row to a few pages of its object (编辑, 关闭, …):
`{% url %}` per link and row reverses the pattern every time, a tenth of a
funnel page. `reverser` reverses it once, with a marker where the object's
value goes, and puts each value in quoted as `reverse` quotes it."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

MARKER = "~~each~~"  # "~" is left as it is by reverse's quoting
SAFE = "!$&'()*+,;=~:@"  # reverse's safe characters (RFC 3986 sub-delimiters, ~ : @), without "/"


def reverser(name: str, *, each: str, **fixed) -> Callable[[str], str]:
    """`reverser("project_edit", each="code", region="A")("P1") == reverse("project_edit", kwargs={"region": "A", "code": "P1"})`."""
    head, tail = reverse(name, kwargs={**fixed, each: MARKER}).split(MARKER)
    return lambda value: head + quote(str(value), safe=SAFE) + tail


def links(names, objects_codes, *, each: str = "code", **fixed) -> dict[str, dict[str, str]]:
    """{code: {url name: url}} for the codes shown."""
    makers = {name: reverser(name, each=each, **fixed) for name in names}
    return {code: {name: make(code) for name, make in makers.items()} for code in objects_codes}
