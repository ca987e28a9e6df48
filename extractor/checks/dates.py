"""``date_range_reversed``: a date range that ends before it starts."""

from __future__ import annotations

from collections.abc import Iterator

from ..dates import rolls_over
from ..model import DateFact, Finding, Severity
from . import Context, rule

__all__ = ["check_reversed"]


def reversed_range(start: str, end: str) -> bool:
    """Whether a range ends before it starts; a year-less one that plausibly crosses a year end
    (--12-29 .. --02-13) is not reversed."""
    if start.startswith("--") != end.startswith("--"):
        return False
    if start.startswith("--") and rolls_over(int(start[2:4]), int(end[2:4])):
        return False
    return end < start


@rule("date_range_reversed", Severity.ERROR, "日期范围的结束早于开始")
def check_reversed(ctx: Context) -> Iterator[Finding]:
    for f in ctx.facts:
        if not isinstance(f, DateFact) or f.period != "range" or not f.start or not f.end:
            continue
        if reversed_range(f.start, f.end):
            yield Finding("date_range_reversed", Severity.ERROR,
                          f"日期范围倒置：“{f.text}”起于 {f.start}，止于更早的 {f.end}", f.span)
