"""Money: exact decimals, rounded to the fen half-up, shown as 12,345,678.90 or in 万元."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
WAN = Decimal("10000")


def to_fen(value) -> Decimal:
    """Round to 2 places, half-up (as the import contract says)."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def from_fen(fen: int) -> Decimal:
    """Whole fen (an exact integer, as a region's sums are read) as yuan to 2 places: 12345 -> 123.45."""
    return Decimal(fen) * FEN  # exact: the same digits, two places


def fen_text(fen: int) -> str:
    """Whole fen as yuan text to 2 places, what f"{from_fen(fen):.2f}" writes
    (12345 -> "123.45", -5 -> "-0.05"), without making the Decimal."""
    whole, cents = divmod(-fen if fen < 0 else fen, 100)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


def parse_money(raw) -> Decimal:
    """Parse a cell into a Decimal of fen. Raises ValueError with a reason."""
    if raw is None:
        raise ValueError("empty")
    if isinstance(raw, bool):
        raise ValueError("not a number")
    if isinstance(raw, float):
        # Excel stores numbers as doubles; repr gives the shortest exact text.
        raw = repr(raw)
    text = str(raw).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if text == "":
        raise ValueError("empty")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a number")
    return to_fen(value)


def group(value: Decimal, places: int = 2) -> str:
    """12345678.9 -> '12,345,678.90' (exact, no float)."""
    if not isinstance(value, Decimal):
        value = Decimal(value)
    q = FEN if places == 2 else (Decimal(1).scaleb(-places) if places else Decimal(1))
    return f"{value.quantize(q, rounding=ROUND_HALF_UP):,.{places}f}"


def format_money(value, unit: str = "yuan") -> str:
    """Format for display in 元 (2 places) or 万元 (2 places of 万)."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if unit == "wan":
        return group(value / WAN, 2)
    return group(value, 2)
