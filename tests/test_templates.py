"""Template hygiene that Django does not check for us."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_no_comment_tag_spans_lines():
    """`{# … #}` is a one-line comment: one that spans lines is printed as
    text on the page (and in the PDF) — use {% comment %} instead."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in re.finditer(r"\{#(.*?)#\}", path.read_text(), flags=re.S):
            if "\n" in match.group(1):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)[:60]!r}")
    assert offenders == []
