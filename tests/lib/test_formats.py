"""Numbers a template prints as keys stay plain; numbers shown to people are grouped by the filters."""

from decimal import Decimal

from django.template import engines


def _render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


def test_a_records_key_is_printed_without_a_thousands_separator():
    # an id, a form value or a URL: "1,282" would name another record or none
    assert _render('<tr id="row-{{ pk }}"><input value="{{ pk }}">', pk=1282) == '<tr id="row-1282"><input value="1282">'


def test_money_and_counts_shown_to_people_are_grouped():
    assert _render("{{ v|yuan }} · {{ n|count }}", v=Decimal("1234567.8"), n=12345) == "1,234,567.80 · 12,345"
