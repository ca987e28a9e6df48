"""The sum arithmetic, in one place: interval arithmetic on figures (in Decimal, from how each
figure is written), a breakdown's parts against its total, and the sum as an auditor reads it.
The breakdowns stage, the pipeline (``Breakdown.consistent``), the ``sum_mismatch`` rule and the
audit views all use it.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from .lang.lexicon import LEXICON
from .model import Breakdown, Count, Fact, Money

__all__ = ["Interval", "Sum", "arithmetic", "breakdown_sum", "format_number", "interval_of", "is_consistent",
           "total_interval"]

_HALF: Final = Decimal("0.5")


@dataclass(slots=True, init=False)
class Interval:
    lo: Decimal
    hi: Decimal
    lo_open: bool = False
    hi_open: bool = False

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, lo: Decimal, hi: Decimal, lo_open: bool = False, hi_open: bool = False) -> None:
        self.lo = lo
        self.hi = hi
        self.lo_open = lo_open
        self.hi_open = hi_open

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
            return format_number(self.lo)
        return f"{format_number(self.lo)}～{format_number(self.hi)}"


def format_number(v: Decimal) -> str:
    """A figure as the audit writes it: a whole number of five digits or more with thousands
    separators, a fraction as it is.

    >>> from decimal import Decimal as D
    >>> format_number(D("402000")), format_number(D("9060")), format_number(D("1.25E+5")), format_number(D("0.50"))
    ('402,000', '9060', '125,000', '0.5')
    """
    if v == v.to_integral_value():
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    return f"{v.normalize():f}"


def interval_of(fact: Money | Count) -> Interval | None:
    """The values a figure may stand for, from its value, precision and approximation word.
    A count is a whole number: its open bounds close on the nearest integer (150余户 → 150～159)."""
    iv = _interval(fact)
    if iv is None or not isinstance(fact, Count) or not (iv.lo_open or iv.hi_open):
        return iv  # (closed bounds: nothing to close; most counts are exact)
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


@dataclass(slots=True, init=False)
class Sum:
    """A breakdown's parts summed against its total, each an interval."""

    total: Interval
    parts: Interval

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, total: Interval, parts: Interval) -> None:
        self.total = total
        self.parts = parts

    @property
    def relation(self) -> Literal["=", ">", "<"]:
        """``=`` when the parts can add up to the total, ``>`` when they exceed it, else ``<``."""
        s, t = self.parts, self.total
        if s.meets(t):
            return "="
        return ">" if s.lo > t.hi or (s.lo == t.hi and (s.lo_open or t.hi_open)) else "<"

    @property
    def gap(self) -> Decimal:
        """How far apart they are at least (0 when they meet)."""
        rel = self.relation
        if rel == "=":
            return Decimal(0)
        return self.parts.lo - self.total.hi if rel == ">" else self.total.lo - self.parts.hi


def breakdown_sum(b: Breakdown, facts: Sequence[Fact]) -> Sum | None:
    """The parts' summed interval against the total's; None when a figure has no value."""
    total = facts[b.total_index]
    parts = [facts[i] for i in b.part_indexes]
    if not isinstance(total, (Money, Count)):
        return None
    t = interval_of(total)
    ps = [interval_of(p) if isinstance(p, (Money, Count)) else None for p in parts]
    known = [p for p in ps if p is not None]
    if t is None or len(known) != len(parts):
        return None
    return Sum(t, total_interval(known))


def is_consistent(b: Breakdown, facts: Sequence[Fact]) -> bool | None:
    """Whether the parts can add up to the total, by interval arithmetic; None if unknown."""
    got = breakdown_sum(b, facts)
    return None if got is None else got.relation == "="


def arithmetic(b: Breakdown, facts: Sequence[Fact]) -> str:
    """The sum as an auditor reads it: ``55+125+176+44 = 400 ✓`` or
    ``2+150余+320余+50余 = 522～549 < 700余 ✗``."""
    terms = "+".join(_bare(facts[i]) for i in b.part_indexes)
    total = facts[b.total_index]
    got = breakdown_sum(b, facts)
    if got is None:
        return f"{terms} = ? （{_bare(total)}）"
    s, t = got.parts, got.total
    if got.relation == "=":
        same = s.exact and t.exact and s.lo == t.lo
        return f"{terms} = {s} ✓" if same else f"{terms} = {s} ≈ {_bare(total)} ✓"
    return f"{terms} = {s} {got.relation} {_bare(total)} ✗"


def _bare(f: Fact) -> str:
    """A figure without its unit when the unit is plain (户, 名, 元): 150余, 12.5万."""
    unit = f.unit if isinstance(f, Count) else "元"
    return f.text[: -len(unit)] if unit and f.text.endswith(unit) else f.text
