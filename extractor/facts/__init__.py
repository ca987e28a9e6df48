"""All facts of one report's text: dates, then money and counts around them.

>>> [f.text for f in extract_facts("2018年1月慰问困难职工53名，发放12.5万元")]
['2018年1月', '53名', '12.5万元']

Pinyin printed inside words is read past, and spans stay the text's own:

>>> [(f.text, str(f.value)) for f in extract_facts("累計(jì)發放助學金246.3萬(wàn)元")]
[('246.3萬(wàn)元', '2463000.0')]
"""

from __future__ import annotations

import bisect
from operator import attrgetter
from typing import Final

from ..changed import changed
from ..lang.chars import Squeezed, fold, squeeze_pinyin
from ..lang.segment import Words
from ..model import DateFact, Fact
from .counts import counts_from_figures
from .dates import find_dates, resolve_years
from .figures import scan_figures
from .missing import find_missing
from .money import money_from_figure

__all__ = ["extract_facts"]

_SPAN: Final = attrgetter("span")


def extract_facts(text: str, view: str | None = None, words: Words | None = None) -> tuple[Fact, ...]:
    """Every money amount, count and date of ``text``, in order of appearance. Never raises.

    ``view`` is ``fold(text)`` and ``words`` its words (a report's, shared with the stages after
    this one) when the caller already has them."""
    squeezed = squeeze_pinyin(text)
    if squeezed is None:
        view = fold(text) if view is None else view
        return _facts(text, view, Words(view) if words is None else words)
    view = fold(squeezed.text)
    return tuple(_moved(f, squeezed, text) for f in _facts(squeezed.text, view, Words(view)))


def _facts(text: str, view: str, words: Words) -> tuple[Fact, ...]:
    dates = resolve_years(find_dates(text, view), text, view)
    ends = [d.span[1] for d in dates]
    figures = [f for f in scan_figures(text, view) if not _overlaps(dates, ends, f.start, f.end)]
    money = [money_from_figure(f) for f in figures if f.kind == "money"]
    counts = counts_from_figures(text, [f for f in figures if f.kind == "count"], view, words)
    facts: list[Fact] = [*dates, *money, *counts]
    facts += find_missing(text, view, facts, words)  # units whose number is missing: 投入资金万元, 代表余人
    facts.sort(key=_SPAN)  # (start, end)
    return tuple(facts)


def _moved(f: Fact, squeezed: Squeezed, text: str) -> Fact:
    """A fact found in the text without its pinyin, with its spans (and the surfaces they cut)
    put back on the original ``text``."""
    s, e = squeezed.span(*f.span)
    if isinstance(f, DateFact) or f.subject_span is None:
        return changed(f, span=(s, e), text=text[s:e])
    ss, se = squeezed.span(*f.subject_span)
    return changed(f, span=(s, e), text=text[s:e], subject_span=(ss, se), subject=text[ss:se])


def _overlaps(dates: list[DateFact], ends: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps a date (dates sorted, not overlapping each other)."""
    k = bisect.bisect_right(ends, start)
    return k < len(dates) and dates[k].span[0] < end
