"""Rules on how a report is put together: ``unit_mismatch`` (a total in 名 with parts in 户),
``heading_count`` (a compilation that says 5篇 and holds 4) and ``missing_figure`` (a unit with
no number: 投入资金万元)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Count, Finding, Severity
from . import Context, rule

__all__ = ["check_heading_count", "check_missing_figure", "check_unit_mismatch"]

_PERSON = {"人", "名", "位", "人次"}
_HOUSEHOLD = {"户", "家", "户次", "戶"}


@rule("unit_mismatch", Severity.WARNING, "总数与分项的计量单位不同（如总数按“名”，分项按“户”）")
def check_unit_mismatch(ctx: Context) -> Iterator[Finding]:
    for b in ctx.breakdowns:
        total = ctx.facts[b.total_index]
        parts = [ctx.facts[i] for i in b.part_indexes]
        if not isinstance(total, Count) or not all(isinstance(p, Count) for p in parts):
            continue
        units = {p.unit for p in parts if isinstance(p, Count)}
        for mine, other in ((_PERSON, _HOUSEHOLD), (_HOUSEHOLD, _PERSON)):
            if total.unit in mine and units and units <= other:
                yield Finding("unit_mismatch", Severity.WARNING,
                              f"单位不一致：总数“{total.text}”以“{total.unit}”计，分项以“{'、'.join(sorted(units))}”计",
                              total.span, evidence=b.part_spans)


@rule("heading_count", Severity.WARNING, "合集标题所称篇数与实际篇数不符")
def check_heading_count(ctx: Context) -> Iterator[Finding]:
    coll = ctx.meta.get("collection")
    if ctx.index != 0 or not coll or coll.get("declared") is None or coll["declared"] == coll.get("found"):
        return
    title = ctx.title or ""
    span = (0, len(title)) if title and ctx.text.startswith(title) else (0, 0)
    yield Finding("heading_count", Severity.WARNING,
                  f"篇数不符：合集标题“{coll['title']}”称 {coll['declared']} 篇，实际 {coll['found']} 篇", span)


# 投入资金万元, 发放慰问金元, 慰问困难户户: a unit right after a word where its number belongs
MISSING = re.compile(
    r"""
      (?<=[\u4e00-\u9fff])(?<![\d零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟余多几数近上约逾每])
      (?:万元|亿元|千元)
    | (?<=[金款费])元(?=[,.;:!?，。；：、）)]|$)
    | (?<!家)(?<=户)户(?=[,.;:!?，。；：、）)]|$)
    """,
    re.VERBOSE,
)


@rule("missing_figure", Severity.ERROR, "有单位而无数字：数字漏填")
def check_missing_figure(ctx: Context) -> Iterator[Finding]:
    for m in MISSING.finditer(ctx.view):
        s, e = m.span()
        context = ctx.text[max(0, s - 6) : e + 2].replace("\n", " ")
        yield Finding("missing_figure", Severity.ERROR, f"数字漏填：“…{context}…”中“{m.group()}”前没有数字",
                      (max(0, s - 4), e))
