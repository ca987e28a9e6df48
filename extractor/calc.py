"""Interval arithmetic on figures, in Decimal, from how each figure is written.

As XBRL Calculations 1.1 checks sums, a figure stands for the interval of values its writing
allows: an exact integer is ``[v, v]``; a rounded figure (``12.5万``) is ``v ± u/2`` with ``u`` the
unit of its last significant digit; ``700余`` is ``[700, 800)``, ``约300`` ``[200, 400]``,
``近千`` ``[0, 1000]``. Parts are consistent with a total when their summed interval can meet
the total's.

>>> from decimal import Decimal as D
>>> a = Interval(D(700), D(800), hi_open=True)
>>> b = Interval(D(522), D(549), hi_open=True)
>>> a.meets(b)
False
>>> str(b)
'522～549'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .lang.lexicon import LEXICON
from .model import Count, Money

__all__ = ["Interval", "interval_of", "total_interval"]

_HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class Interval:
    lo: Decimal
    hi: Decimal
    lo_open: bool = False
    hi_open: bool = False

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi, self.lo_open or other.lo_open,
                        self.hi_open or other.hi_open)

    def meets(self, other: Interval) -> bool:
        """Whether some value lies in both intervals."""
        def below(a: Decimal, a_open: bool, b: Decimal, b_open: bool) -> bool:
            return a < b or (a == b and not (a_open or b_open))

        return below(self.lo, self.lo_open, other.hi, other.hi_open) and below(
            other.lo, other.lo_open, self.hi, self.hi_open)

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def __str__(self) -> str:
        if self.exact:
            return _fmt(self.lo)
        return f"{_fmt(self.lo)}～{_fmt(self.hi)}"


def _fmt(v: Decimal) -> str:
    if v == v.to_integral_value():
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    return f"{v.normalize():f}"


def interval_of(fact: Money | Count) -> Interval | None:
    """The values a figure may stand for, from its value, precision and approximation word.
    A count is a whole number: its open bounds close on the nearest integer (150余户 → 150～159)."""
    iv = _interval(fact)
    if iv is None or not isinstance(fact, Count):
        return iv
    lo = iv.lo + 1 if iv.lo_open and iv.lo == iv.lo.to_integral_value() else iv.lo
    hi = iv.hi - 1 if iv.hi_open and iv.hi == iv.hi.to_integral_value() else iv.hi
    return Interval(lo, hi, iv.lo_open and lo == iv.lo, iv.hi_open and hi == iv.hi)


def _interval(fact: Money | Count) -> Interval | None:
    if fact.value is None:
        return None
    v, u = fact.value, fact.quantum
    lo = hi = v
    if fact.rounded:
        lo, hi = v - u * _HALF, v + u * _HALF
    direction = LEXICON.approx_direction.get(fact.approx_word or "", "")
    if direction == "up":
        return Interval(lo, hi + u, lo_open=False, hi_open=True)
    if direction == "both":
        return Interval(lo - u, hi + u)
    if direction == "down":
        return Interval(max(Decimal(0), lo - u), hi)
    return Interval(lo, hi)


def total_interval(parts: Iterable[Interval]) -> Interval:
    out = Interval(Decimal(0), Decimal(0))
    for p in parts:
        out = out + p
    return out
