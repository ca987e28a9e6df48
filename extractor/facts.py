"""All facts of one report's text: dates, then money and counts around them.

>>> [f.text for f in extract_facts("2018年1月慰问困难职工53名，发放12.5万元")]
['2018年1月', '53名', '12.5万元']
"""

from __future__ import annotations

from .counts import counts_from_figures
from .dates import find_dates, resolve_years
from .figures import scan_figures
from .model import Fact
from .money import money_from_figure

__all__ = ["extract_facts"]


def extract_facts(text: str) -> tuple[Fact, ...]:
    """Every money amount, count and date of ``text``, in order of appearance. Never raises."""
    dates = resolve_years(find_dates(text), text)
    taken = [d.span for d in dates]
    figures = [f for f in scan_figures(text) if not any(s < f.end and f.start < e for s, e in taken)]
    money = [money_from_figure(f) for f in figures if f.kind == "money"]
    counts = counts_from_figures(text, [f for f in figures if f.kind == "count"])
    facts: list[Fact] = [*dates, *money, *counts]
    facts.sort(key=lambda f: (f.span[0], f.span[1]))
    return tuple(facts)
