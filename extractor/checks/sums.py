"""``sum_mismatch``: itemized parts that cannot add up to their stated total.

Each figure becomes an interval from how it is written (:mod:`extractor.calc`); a breakdown
is flagged only when the parts' summed interval cannot meet the total's. Parts above the total
are an error; parts short of it a warning (a 其中 list need not be exhaustive).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..calc import Interval, interval_of, total_interval
from ..model import Breakdown, Count, Finding, Money, Severity
from .duplicates import DuplicateClass, duplicate_groups
from .registry import Context, rule

__all__ = ["arithmetic", "breakdown_intervals", "check_sums", "is_consistent"]


def breakdown_intervals(b: Breakdown, ctx: Context) -> tuple[Interval, list[Interval]] | None:
    total = ctx.facts[b.total_index]
    parts = [ctx.facts[i] for i in b.part_indexes]
    if not isinstance(total, Money | Count):
        return None
    t = interval_of(total)
    ps = [interval_of(p) for p in parts if isinstance(p, Money | Count)]
    if t is None or any(p is None for p in ps) or len(ps) != len(parts):
        return None
    return t, [p for p in ps if p is not None]


def _yuan(v: Decimal) -> str:
    return f"{v:,.0f}" if v == v.to_integral_value() else f"{v:,}"


@rule("sum_mismatch", Severity.ERROR, "分项之和与总数不符（按各数字的书写精度作区间运算）")
def check_sums(ctx: Context) -> Iterator[Finding]:
    shaky = {i for cls, members in duplicate_groups(ctx) if cls is DuplicateClass.INCONSISTENT for i in members}
    for b in ctx.breakdowns:
        if b.total_index in shaky or shaky.intersection(b.part_indexes):
            continue  # a sum resting on a figure stated two ways cannot be checked
        got = breakdown_intervals(b, ctx)
        if got is None:
            continue
        t, parts = got
        s = total_interval(parts)
        if s.meets(t):
            continue
        total = ctx.facts[b.total_index]
        terms = "+".join(ctx.facts[i].text for i in b.part_indexes)
        if s.lo > t.hi or (s.lo == t.hi and (s.lo_open or t.hi_open)):
            gap = s.lo - t.hi
            severity, relation, word = Severity.ERROR, ">", "超出"
        else:
            gap = t.lo - s.hi
            severity, relation, word = Severity.WARNING, "<", "少于"
        if not b.certain:
            severity = Severity.INFO  # a list that may not name every part (…等), or a guessed structure
        unit = "元" if b.kind == "money" else b.unit
        message = (f"分项之和与总数不符：{terms} = {s}{unit} {relation} 总数 {total.text}（{t}{unit}），"
                   f"分项{word}总数至少 {_yuan(gap)}{unit}")
        if not b.certain:
            message += "（分项未必列全或计量不一，仅供参考）"
        yield Finding("sum_mismatch", severity, message, b.span, evidence=b.part_spans)


def is_consistent(b: Breakdown, ctx: Context) -> bool | None:
    """Whether the parts can add up to the total, by interval arithmetic; None if unknown."""
    got = breakdown_intervals(b, ctx)
    if got is None:
        return None
    t, parts = got
    return total_interval(parts).meets(t)


def arithmetic(b: Breakdown, ctx: Context) -> str:
    """The sum as an auditor reads it: ``55+125+176+44 = 400 ✓`` or
    ``2+150余+320余+50余 = 522～549 < 700余 ✗``."""
    terms = "+".join(_bare(ctx.facts[i]) for i in b.part_indexes)
    total = ctx.facts[b.total_index]
    got = breakdown_intervals(b, ctx)
    if got is None:
        return f"{terms} = ? （{_bare(total)}）"
    t, parts = got
    s = total_interval(parts)
    if s.meets(t):
        same = s.exact and t.exact and s.lo == t.lo
        return f"{terms} = {s} ✓" if same else f"{terms} = {s} ≈ {_bare(total)} ✓"
    relation = ">" if s.lo > t.hi or (s.lo == t.hi and (s.lo_open or t.hi_open)) else "<"
    return f"{terms} = {s} {relation} {_bare(total)} ✗"


def _bare(f: object) -> str:
    """A figure without its unit when the unit is plain (户, 名, 元): 150余, 12.5万."""
    text = str(getattr(f, "text", ""))
    unit = str(getattr(f, "unit", "元"))
    return text[: -len(unit)] if unit and text.endswith(unit) else text
