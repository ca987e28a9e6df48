"""All facts of one report's text: dates, then money and counts around them.

>>> [f.text for f in extract_facts("2018年1月慰问困难职工53名，发放12.5万元")]
['2018年1月', '53名', '12.5万元']
"""

from __future__ import annotations

import bisect

from .chars import fold
from .counts import counts_from_figures
from .dates import find_dates, resolve_years
from .figures import scan_figures
from .model import DateFact, Fact
from .money import money_from_figure

__all__ = ["extract_facts"]


def extract_facts(text: str, view: str | None = None) -> tuple[Fact, ...]:
    """Every money amount, count and date of ``text``, in order of appearance. Never raises.

    ``view`` is ``fold(text)`` when the caller already has it."""
    view = fold(text) if view is None else view
    dates = resolve_years(find_dates(text, view), text)
    ends = [d.span[1] for d in dates]
    figures = [f for f in scan_figures(text, view) if not _overlaps(dates, ends, f.start, f.end)]
    money = [money_from_figure(f) for f in figures if f.kind == "money"]
    counts = counts_from_figures(text, [f for f in figures if f.kind == "count"], view)
    facts: list[Fact] = [*dates, *money, *counts]
    facts.sort(key=lambda f: (f.span[0], f.span[1]))
    return tuple(facts)


def _overlaps(dates: list[DateFact], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps a date (dates sorted, not overlapping each other)."""
    k = bisect.bisect_right(ends, start)
    return k < len(dates) and dates[k].span[0] < end
