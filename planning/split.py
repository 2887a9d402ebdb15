"""The suggested split of the region's revenue target (DOMAIN §6.1), pure.

A part's share is its weight over the sum of the weights; each part is
total × share rounded down to the fen, and the fen left over go one each to
the parts with the largest remainders (ties: the larger part, then the lower
code), so the parts add up to the total exactly.

- by product: a part is (manager, product, month); its weight is the revenue
  of that manager's customers on that product in the base-period month of
  the same calendar month;
- by project: a part is an open project closing in the plan's months, in its
  owner's row and its close month; its weight is amount × win rate.
"""

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from tsm.lib.periods import add_months

FEN = Decimal("0.01")


class NoBasis(ValueError):
    """Nothing to split by: the message says what is missing."""


def plan_months(period: str) -> list[dt.date]:
    """'2027' -> its 12 months; '2027H1' / '2027H2' -> its 6."""
    text = period.strip().upper()
    if len(text) == 4 and text.isdigit():
        return [dt.date(int(text), m, 1) for m in range(1, 13)]
    if len(text) == 6 and text[:4].isdigit() and text[4:] in ("H1", "H2"):
        first = 1 if text[5] == "1" else 7
        return [dt.date(int(text[:4]), m, 1) for m in range(first, first + 6)]
    raise ValueError(f"计划期“{period}”应为年度（如 2027）或半年（如 2027H1）")


def split(total: Decimal, weights: dict[Hashable, Decimal], codes: dict[Hashable, tuple] | None = None
          ) -> dict[Hashable, Decimal]:
    """total split over the keys by weight, to the fen, adding up exactly.

    `codes` gives each key's sort code for the last tie rule (default: the key)."""
    total = Decimal(total)
    if total < 0:
        raise ValueError("总目标不能为负数")
    if total != total.quantize(FEN):
        raise ValueError("总目标最多两位小数")
    if any(Decimal(w) < 0 for w in weights.values()):
        raise ValueError("权重不能为负数")
    live = {k: Decimal(w) for k, w in weights.items() if Decimal(w) > 0}
    whole = sum(live.values(), Decimal(0))
    if not live or whole == 0:
        raise NoBasis("没有可用于分解的基础数据")
    codes = codes or {}
    parts: dict[Hashable, Decimal] = {}
    remainders: dict[Hashable, Decimal] = {}
    for key, weight in live.items():
        exact = total * weight / whole
        down = exact.quantize(FEN, rounding=ROUND_DOWN)
        parts[key] = down
        remainders[key] = exact - down
    left = int((total - sum(parts.values(), Decimal(0))) / FEN)
    order = sorted(live, key=lambda k: (-remainders[k], -parts[k], codes.get(k, k)))
    for key in order[:left]:
        parts[key] += FEN
    return {k: parts.get(k, Decimal("0.00")) for k in weights if k in parts}


@dataclass(frozen=True)
class ProductPart:
    manager: str  # username: the row code
    product: str  # product code
    month: dt.date


@dataclass(frozen=True)
class ProjectPart:
    manager: str
    project: str  # project code
    month: dt.date


def by_product(total: Decimal, months: list[dt.date], base: Iterable[tuple[str, str, dt.date, Decimal]]
               ) -> dict[ProductPart, Decimal]:
    """`base`: (manager, product, base month, revenue) of the base period.
    A plan month takes the base month of the same calendar month."""
    wanted = {m.month: m for m in months}
    weights: dict[ProductPart, Decimal] = {}
    for manager, product, month, revenue in base:
        plan_month = wanted.get(month.month)
        if plan_month is None:
            continue
        key = ProductPart(manager, product, plan_month)
        weights[key] = weights.get(key, Decimal(0)) + Decimal(revenue)
    try:
        return split(total, weights, {k: (k.manager, k.product, k.month) for k in weights})
    except NoBasis:
        raise NoBasis("基期内本计划各月份没有任何资费收入，无法按产品给出建议分解") from None


def by_project(total: Decimal, months: list[dt.date], projects: Iterable[tuple[str, str, dt.date, Decimal, int]]
               ) -> dict[ProjectPart, Decimal]:
    """`projects`: (owner, code, expected close, amount, win rate %) of the open projects."""
    first, after = months[0], add_months(months[-1], 1)
    weights: dict[ProjectPart, Decimal] = {}
    for owner, code, close, amount, win_rate in projects:
        if not first <= close < after:
            continue
        key = ProjectPart(owner, code, close.replace(day=1))
        weights[key] = Decimal(amount) * Decimal(win_rate) / 100
    try:
        return split(total, weights, {k: (k.project, k.manager, k.month) for k in weights})
    except NoBasis:
        raise NoBasis("没有在本计划期内预计签约、金额和赢率都大于零的在途项目，无法按项目给出建议分解") from None
