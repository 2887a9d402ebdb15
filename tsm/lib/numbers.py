"""How the rules' reasons write numbers: shared by every floor's rules and
the templates, so a table never disagrees with the reason beside it."""

from decimal import ROUND_FLOOR, Decimal

from tsm.lib.money import group

CENT = Decimal("0.01")


def fmt_money(amount: Decimal) -> str:
    """36000 -> '36,000.00' (元, half-up to the fen, as the import rounds)."""
    return group(amount, 2)


def fmt_pct(fraction: Decimal) -> str:
    """A measured share as a percentage with 2 places: 0.79996 -> '79.99%'.

    Rounded *down*, so that the shown figure never crosses the threshold it is
    compared with (79.996 % must not read as "80.00 % < 80 %").
    """
    return f"{(Decimal(fraction) * 100).quantize(CENT, ROUND_FLOOR):,}%"


def fmt_score(value: Decimal) -> str:
    """A measured mean or ratio with 2 places, rounded down for the same reason."""
    return f"{Decimal(value).quantize(CENT, ROUND_FLOOR):,}"


def fmt_num(value: Decimal | int) -> str:
    """A threshold or a factor as written: 3 -> '3', 2.50 -> '2.5', 1.10 -> '1.1'."""
    return format(Decimal(value).normalize(), "f")


def fmt_rate(fraction: Decimal) -> str:
    """A threshold share as written: 0.80 -> '80%', 0.125 -> '12.5%'."""
    return fmt_num(Decimal(fraction) * 100) + "%"
