"""Template filters for numbers as key-account directors read them."""

from decimal import Decimal

from django import template

from teams import permissions
from tsm.lib.money import format_money, group
from tsm.lib.numbers import fmt_score

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context, value):
    """Money in the unit the user picked (元 or 万元), with thousands separators."""
    unit = context.get("money_unit", "yuan")
    return format_money(value, unit)


@register.filter
def yuan(value):
    return format_money(value, "yuan")


@register.filter
def wan(value):
    return format_money(value, "wan")


@register.filter
def count(value):
    """12345 -> '12,345'."""
    if value is None:
        return "—"
    return group(Decimal(value), 0)


@register.filter
def percent(value, places=0):
    """0.4567 -> '45.67 %' (places=2); None -> '—'."""
    if value is None:
        return "—"
    return f"{group(Decimal(value) * 100, int(places))} %"


@register.filter
def lookup(mapping, key):
    """{{ names|lookup:p.owner_id }}"""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return ""


@register.filter
def score(value):
    """A mean score as the rules' reasons write it (2 places, rounded down),
    so a table never shows 3.56 beside a reason saying 3.55."""
    return "—" if value is None or value == "" else fmt_score(value)


# --- who may do what: templates ask teams.permissions, like the views -----------------------------


@register.filter
def sees_own_part(user) -> bool:
    """{% if user|sees_own_part %}: an account manager, who sees only their own customers and projects."""
    return permissions.owner_scope(user) is not None
