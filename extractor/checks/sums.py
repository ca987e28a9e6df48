"""``sum_mismatch``: itemized parts that cannot add up to their stated total.

Each figure becomes an interval from how it is written (:mod:`extractor.calc`); a breakdown
is flagged only when the parts' summed interval cannot meet the total's. Parts above the total
are an error; parts short of it a warning (a 其中 list need not be exhaustive).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..calc import breakdown_sum
from ..model import Finding, Severity
from .duplicates import DuplicateClass, duplicate_groups
from .registry import Context, rule

__all__ = ["check_sums"]


def _yuan(v: Decimal) -> str:
    return f"{v:,.0f}" if v == v.to_integral_value() else f"{v:,}"


@rule("sum_mismatch", Severity.ERROR, "分项之和与总数不符（按各数字的书写精度作区间运算）")
def check_sums(ctx: Context) -> Iterator[Finding]:
    shaky = {i for cls, members in duplicate_groups(ctx) if cls is DuplicateClass.INCONSISTENT for i in members}
    for b in ctx.breakdowns:
        if b.consistent:
            continue  # the pipeline summed it already: it adds up
        if b.total_index in shaky or shaky.intersection(b.part_indexes):
            continue  # a sum resting on a figure stated two ways cannot be checked
        got = breakdown_sum(b, ctx.facts)
        if got is None or got.relation == "=":
            continue
        s, t = got.parts, got.total
        total = ctx.facts[b.total_index]
        terms = "+".join(ctx.facts[i].text for i in b.part_indexes)
        if got.relation == ">":
            severity, word = Severity.ERROR, "超出"
        else:
            severity, word = Severity.WARNING, "少于"
        if not b.certain:
            severity = Severity.INFO  # a list that may not name every part (…等), or a guessed structure
        unit = "元" if b.kind == "money" else b.unit
        message = (f"分项之和与总数不符：{terms} = {s}{unit} {got.relation} 总数 {total.text}（{t}{unit}），"
                   f"分项{word}总数至少 {_yuan(got.gap)}{unit}")
        if not b.certain:
            message += "（分项未必列全、可能相互交叉或计量不一，仅供参考）"
        yield Finding("sum_mismatch", severity, message, b.span, evidence=b.part_spans)
