"""The method's tunable numbers (DOMAIN.md: "every threshold is a default").

`Thresholds` is what the pure rules take; `teams.RegionSettings` stores one per
region with the same field names and hands it over with `.thresholds()`.
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, NamedTuple


class _ValueReason(NamedTuple):
    value: Any
    reason: str


class Verdict(_ValueReason):
    """A derived value, the reason it was given, and its label.

    Compared and unpacked as (value, reason): the label is a function of the
    value (its enumeration's label), so it adds nothing to equality. Templates
    show `label` and `reason`; they never cut a label out of the reason."""

    def __new__(cls, value, reason, label=""):
        verdict = super().__new__(cls, value, reason)
        verdict.label = label
        return verdict

    def __getnewargs__(self):
        return (self.value, self.reason, self.label)

    @classmethod
    def of(cls, choice, reason: str) -> "Verdict":
        """A verdict whose value is a member of a TextChoices enumeration."""
        return cls(choice.value, reason, choice.label)


@dataclass(frozen=True)
class Thresholds:
    # §3.1 customer contribution
    scale_share: Decimal = Decimal("0.80")  # cumulative revenue share of the "scale +" customers
    growth_factor: Decimal = Decimal("1.10")  # R >= 1.1 x Y (or P)
    rat_arrears_months: Decimal = Decimal("3")  # arrears >= 3 x average monthly revenue
    focus_hare_rat_share: Decimal = Decimal("0.40")  # director's check: > 40 % on hares and rats
    perf_complete: Decimal = Decimal("1.00")  # 完成 from 100 %
    perf_exceed: Decimal = Decimal("1.10")  # 超越 from 110 %
    # §3.2 publicity & contact state
    publicity_window_days: int = 180
    publicity_broad_roles: int = 4
    # §3.4 SWOT suggestions: our score minus theirs >= +1 / <= -1
    swot_gap: Decimal = Decimal("1")
    # §4.1 value grid: "high" means >= 2.5 on that axis
    value_high: Decimal = Decimal("2.5")
    # §4.2 projects
    amount_a_share: Decimal = Decimal("0.20")
    amount_b_share: Decimal = Decimal("0.05")
    amount_a_yuan: Decimal = Decimal("1000000")
    amount_b_yuan: Decimal = Decimal("200000")
    layer_bottom_days: int = 14
    layer_middle_days: int = 70
    high_win_rate: int = 60
    inquire_win_rate: int = 40
    # §4.3 funnel health
    stagnant_weeks: int = 4
    funnel_min_projects: int = 3
    funnel_neutral_share: Decimal = Decimal("0.50")
    # §4.5 competitive position: a nicher has < 10 % share
    nicher_share: Decimal = Decimal("0.10")
    # §8 coaching signals
    intuition_coverage: int = 3
    herd_share: Decimal = Decimal("0.50")
    waiting_weeks: int = 4

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULTS = Thresholds()
