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


class LazyVerdict(Verdict):
    """A verdict whose value is known and whose reason (and label) the rule
    that defines it writes when first read: `write(*args)` is the pure rule
    (or a shim calling it with the same inputs), and must give this value.

    A region judged column-wise knows every customer's and project's values
    at once; the sentences are read for the rows a page shows. Everywhere
    else it is a Verdict: compared, hashed, unpacked, pickled and shown as
    (value, reason), its reason and label the rule's own. (The tuple holds
    (value, None, write, args): code reading a tuple's slots directly, as the
    C JSON encoder does, must take `.reason`.)"""

    def __new__(cls, value, write, args=()):
        return tuple.__new__(cls, (value, None, write, args))

    def _written(self) -> Verdict:
        try:
            return self.__dict__["_verdict"]
        except KeyError:
            pass
        value, _, write, args = tuple.__iter__(self)
        written = write(*args)
        if repr(written.value) != repr(value):  # the same value, type and spelling
            raise AssertionError(f"{write.__qualname__}{args!r} gives {written.value!r}, judged {value!r}")
        self.__dict__["_verdict"] = written
        return written

    @property
    def reason(self) -> str:
        return self._written().reason

    @property
    def label(self):
        return self._written().label

    def _pair(self) -> tuple:
        return tuple.__getitem__(self, 0), self._written().reason

    def __len__(self):
        return 2

    def __iter__(self):
        return iter(self._pair())

    def __getitem__(self, index):
        return self._pair()[index]

    def __contains__(self, item):
        return item in self._pair()

    def __eq__(self, other):
        return self._pair() == other

    def __ne__(self, other):
        return self._pair() != other

    def __lt__(self, other):
        return self._pair() < other

    def __le__(self, other):
        return self._pair() <= other

    def __gt__(self, other):
        return self._pair() > other

    def __ge__(self, other):
        return self._pair() >= other

    def __hash__(self):
        return hash(self._pair())

    def __add__(self, other):
        return self._pair() + other

    def __radd__(self, other):
        return other + self._pair()

    def __mul__(self, n):
        return self._pair() * n

    __rmul__ = __mul__

    def __repr__(self):
        value, reason = self._pair()
        return f"Verdict(value={value!r}, reason={reason!r})"

    def count(self, item):
        return self._pair().count(item)

    def index(self, *args):
        return self._pair().index(*args)

    def _asdict(self):
        return dict(zip(self._fields, self._pair()))

    def _replace(self, **changes):
        return self._written()._replace(**changes)

    def __reduce__(self):
        # Pickled as it is: unwritten if it was (a cached analysis stays lazy).
        return _lazy_verdict, (*tuple.__iter__(self), self.__dict__.get("_verdict"))


def _lazy_verdict(value, _none, write, args, written):
    verdict = LazyVerdict(value, write, args)
    if written is not None:
        verdict.__dict__["_verdict"] = written
    return verdict


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
