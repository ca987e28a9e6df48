"""Rules on how a report is put together: ``unit_mismatch`` (a total in 名 with parts in 户),
``heading_count`` (a compilation that says 5篇 and holds 4) and ``missing_figure`` (a unit with
no number: 投入资金万元)."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts.missing import is_missing, stripped_years
from ..lang.chars import fold_word
from ..lang.lexicon import LEXICON
from ..model import Count, Finding, Severity, Span
from .registry import Context, rule

__all__ = ["check_heading_count", "check_missing_figure", "check_unit_mismatch"]


@rule("unit_mismatch", Severity.WARNING, "总数与分项的计量单位不同（如总数按“名”，分项按“户”）")
def check_unit_mismatch(ctx: Context) -> Iterator[Finding]:
    for b in ctx.breakdowns:
        total = ctx.facts[b.total_index]
        parts = [ctx.facts[i] for i in b.part_indexes]
        if not isinstance(total, Count) or not all(isinstance(p, Count) for p in parts):
            continue
        units = {p.unit for p in parts if isinstance(p, Count)}
        classes = {_unit_class(u) for u in units}
        for mine, other in (("person", "household"), ("household", "person")):
            if _unit_class(total.unit) == mine and classes == {other}:
                yield Finding("unit_mismatch", Severity.WARNING,
                              f"单位不一致：总数“{total.text}”以“{total.unit}”计，分项以“{'、'.join(sorted(units))}”计",
                              total.span, evidence=b.part_spans)


def _unit_class(unit: str) -> str | None:
    """person (人 名 位 人次) or household (户 戶 家 户次), as the lexicon's [units] say."""
    return LEXICON.unit_class(fold_word(unit))


@rule("heading_count", Severity.WARNING, "合集标题所称篇数与实际篇数不符")
def check_heading_count(ctx: Context) -> Iterator[Finding]:
    coll = ctx.meta.get("collection")
    # said once a compilation, on its first report (a file may hold several compilations)
    if not coll or ctx.index != coll.get("first", 0) or coll.get("declared") is None \
            or coll["declared"] == coll.get("found"):
        return
    title = ctx.title or ""
    span = (0, len(title)) if title and ctx.text.startswith(title) else (0, 0)
    yield Finding("heading_count", Severity.WARNING,
                  f"篇数不符：合集标题“{coll['title']}”称 {coll['declared']} 篇，实际 {coll['found']} 篇", span)


@rule("missing_figure", Severity.ERROR, "有单位而无数字：数字漏填")
def check_missing_figure(ctx: Context) -> Iterator[Finding]:
    """One finding per unit whose number is missing (the placeholder facts of
    :mod:`extractor.facts.missing`: 投入资金万元, 代表余人参加), and per year stripped of its digits
    (莒县总工会年元旦春节)."""
    for f in ctx.facts:
        if is_missing(f):
            yield Finding("missing_figure", Severity.ERROR,
                          f"数字漏填：“…{_around(ctx, f.span)}…”中“{f.text}”前没有数字", f.span)
    for span in stripped_years(ctx.view):
        yield Finding("missing_figure", Severity.ERROR,
                      f"年份漏填：“…{_around(ctx, span)}…”中“年”前没有数字", span)


def _around(ctx: Context, span: Span) -> str:
    """The figure with a few characters of its clause on each side, on one line."""
    return ctx.text[max(0, span[0] - 6) : span[1] + 2].replace("\n", " ")
