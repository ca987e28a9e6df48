"""Date rules: ``date_range_reversed`` (a range that ends before it starts) and
``date_implausible`` (a day no calendar has, a range of many years, an event after the report's
own date line, a dated activity outside the period the report states for it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Final

from ..facts.dates import impossible_dates, rolls_over
from ..model import DateFact, Finding, Severity
from .registry import Context, rule

__all__ = ["check_implausible", "check_reversed", "reversed_range"]


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


#: a range longer than this many days is implausible for a campaign report
MAX_RANGE_DAYS: Final = 5 * 366
# a date followed by these is a deadline or a cut-off, not an event
_DEADLINE_AFTER: Final = re.compile(r"\s*(?:之前|以前|前|止|为止|截止|结束|起|开始|以后|后)")
# a sentence about plans names dates to come
_FUTURE: Final = re.compile(r"将|计划|拟|预计|力争|争取|确保|下步|下一步|今后|明年|来年|届时")
# a plan is all about dates to come (活动方案, 工作计划, 工作安排, 工作要点)
_PLAN_TITLE: Final = re.compile(r"(?:方案|计划|安排|要点)\s*$")
_PERIOD_LABEL: Final = re.compile(r"(?:活动时间|时间|期间|活动期)[为是]?\s*[:：]?\s*(?:从|自)?\s*$")


def _day(iso: str) -> date | None:
    """The date of a full ISO string; None for ``--MM-DD`` or anything else."""
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


@rule("date_implausible", Severity.WARNING, "日期不合常理：不存在的日期、过长的期间、晚于落款日期、超出所述活动期间")
def check_implausible(ctx: Context) -> Iterator[Finding]:
    for span, reason in impossible_dates(ctx.text, ctx.view):
        yield Finding("date_implausible", Severity.ERROR,
                      f"不存在的日期：“{ctx.text[span[0]:span[1]]}”（{reason}）", span)
    dates = [f for f in ctx.facts if isinstance(f, DateFact) and f.start and f.end and not f.placeholder]
    for f in dates:
        a, b = _day(f.start or ""), _day(f.end or "")
        if f.period == "range" and a and b and (b - a).days > MAX_RANGE_DAYS:
            yield Finding("date_implausible", Severity.WARNING,
                          f"期间过长：“{f.text}”从 {f.start} 到 {f.end}，超过 {MAX_RANGE_DAYS // 366} 年", f.span)
    yield from _after_date_line(ctx, dates)
    yield from _outside_period(ctx, dates)


def _after_date_line(ctx: Context, dates: list[DateFact]) -> Iterator[Finding]:
    """An event dated after the report's own date line, stated as done (not a deadline 前/止,
    not a start 起, not in a sentence of plans 将/计划/下一步)."""
    line = ctx.meta.get("signature", {}).get("date_line")
    if not line or not line.get("end") or str(line["end"]).startswith("--") or _PLAN_TITLE.search(ctx.title or ""):
        return
    signed = _day(str(line["end"]))
    for f in dates:
        if f.span[0] >= line["span"][0] or f.period not in ("day", "xun") or f.start is None \
                or f.start.startswith("--") or _in_future_sentence(ctx, f.span[0]):
            continue
        start = _day(f.start)
        if signed and start and start > signed and not _DEADLINE_AFTER.match(ctx.view, f.span[1]):
            yield Finding("date_implausible", Severity.WARNING,
                          f"日期晚于落款日期：“{f.text}”（{f.start}）晚于文末日期 {line['text']}（{signed}）",
                          f.span, evidence=(tuple(line["span"]),))


def _in_future_sentence(ctx: Context, pos: int) -> bool:
    start = max(ctx.view.rfind(c, 0, pos) for c in "。！？!?\n") + 1
    heading = ctx.view.rfind("\n", 0, start - 1) + 1 if start > 0 else 0
    return _FUTURE.search(ctx.view, start, pos) is not None or "下步" in ctx.view[heading:start]


def _outside_period(ctx: Context, dates: list[DateFact]) -> Iterator[Finding]:
    """活动时间：1月13日至21日 … 1月25日召开座谈会: a dated activity outside the stated period."""
    periods = [f for f in dates
               if f.period == "range" and _PERIOD_LABEL.search(ctx.view, max(0, f.span[0] - 10), f.span[0])]
    if len(periods) != 1:
        return
    p = periods[0]
    assert p.start is not None and p.end is not None
    if reversed_range(p.start, p.end) or p.start.startswith("--") != p.end.startswith("--"):
        return
    line = ctx.meta.get("signature", {}).get("date_line")
    signed_at = line["span"][0] if line else len(ctx.text)
    for f in dates:
        if f is p or f.period != "day" or f.start is None or f.start.startswith("--") != p.start.startswith("--"):
            continue
        if f.span[0] >= signed_at or _in_future_sentence(ctx, f.span[0]):
            continue
        if _DEADLINE_AFTER.match(ctx.view, f.span[1]):
            continue
        if p.start.startswith("--") and rolls_over(int(p.start[2:4]), int(p.end[2:4])):
            continue  # a year-less period across a year end: no order to compare in
        if f.start < p.start or f.start > p.end:
            yield Finding("date_implausible", Severity.WARNING,
                          f"日期超出所述活动期间：“{f.text}”不在“{p.text}”（{p.start} 至 {p.end}）之内",
                          f.span, evidence=(p.span,))
