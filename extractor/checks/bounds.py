"""``below_minimum`` / ``above_maximum``: a stated per-unit bound or rate against what the report's
own figures imply.

``每户不低于1000元`` with ``共慰问困难户120户，发放慰问金10万元`` implies at most 833元 a household:
below the minimum. ``每人2000元`` with ``资助学生50名…共发放12万元`` implies 2400元 a person. The
count and the total are paired with the rate only when the report states each once (in the
rate's sentence, else its paragraph, else the report); otherwise nothing is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..chars import fold_word
from ..intervals import Interval, interval_of
from ..lexicon import LEXICON
from ..model import Count, Finding, Money, Qualifier, Severity
from . import Context, rule

__all__ = ["bound_findings", "check_above", "check_below"]

# 每户, 每人, 每名学生, 人均, 户均: the unit a rate is per
_PER = re.compile(r"(?:每(?P<u>户|家|人|名|位|生|个人|名学生|户家庭)|(?P<avg>人均|户均))[^,;:，；：。\n]{0,12}$")
_TOTAL = re.compile("(?:" + "|".join(map(re.escape, LEXICON.total_markers)) + r"|发放|筹集|投入)[^,;:，；：。]{0,10}$")
_HOUSEHOLD = {"户", "家", "户家庭", "户均"}
# 户均增收2800元 is an income, not a payment
_INCOME = re.compile(r"增收|收入|增加|提高|节约|减少|损失")


def _per_class(m: re.Match[str]) -> str:
    unit = m.group("u") or m.group("avg")
    return "household" if unit in _HOUSEHOLD else "person"


def _count_class(c: Count) -> str | None:
    """Households or persons; 户次 and 人次 count visits, which a per-household rate is not per."""
    u = fold_word(c.unit)
    if u in ("户", "家"):
        return "household"
    if u in ("人", "名", "位"):
        return "person"
    return None


@rule("below_minimum", Severity.ERROR, "按报告自身数字推算的人（户）均金额低于所述标准")
def check_below(ctx: Context) -> Iterator[Finding]:
    return (f for f in bound_findings(ctx) if f.rule == "below_minimum")


@rule("above_maximum", Severity.ERROR, "按报告自身数字推算的人（户）均金额高于所述上限")
def check_above(ctx: Context) -> Iterator[Finding]:
    return (f for f in bound_findings(ctx) if f.rule == "above_maximum")


def bound_findings(ctx: Context) -> list[Finding]:
    """Both rules' findings: they share the pairing of a rate with a count and a total."""
    found: list[Finding] | None = ctx.cache.get("bounds")
    if found is None:
        found = ctx.cache["bounds"] = list(_bound_findings(ctx))
    return found


def _bound_findings(ctx: Context) -> Iterator[Finding]:
    rates = []
    for i, f in enumerate(ctx.facts):
        if not isinstance(f, Money) or f.value is None:
            continue
        m = _PER.search(ctx.view, max(0, f.span[0] - 16), f.span[0])
        if m is not None and _INCOME.search(ctx.view, m.start(), f.span[0]) is None:
            rates.append((i, f, _per_class(m)))
    rate_indexes = {i for i, _, _ in rates}
    for _, rate, cls in rates:
        sentence = _sentence(ctx, rate.span[0])
        if sum(1 for _, r, c in rates if c == cls and _sentence(ctx, r.span[0]) == sentence) > 1:
            continue  # 每人200元…百岁老人每人另发1000元, 每人2000元至5000元不等: no single rate
        pair = _pair(ctx, rate, cls, rate_indexes)
        if pair is not None:
            yield from _judge(rate, *pair, cls)


def _sentence(ctx: Context, pos: int) -> tuple[int, int]:
    v = ctx.view
    start = max(v.rfind(c, 0, pos) for c in "。！？!?\n") + 1
    end = min((k for k in (v.find(c, pos) for c in "。！？!?\n") if k >= 0), default=len(v))
    return start, end


def _paragraph(ctx: Context, pos: int) -> tuple[int, int]:
    start = ctx.view.rfind("\n", 0, pos) + 1
    end = ctx.view.find("\n", pos)
    return start, end if end >= 0 else len(ctx.view)


def _only(items: list[int], marked: list[int]) -> int | None:
    if len(marked) == 1:
        return marked[0]
    return items[0] if len(items) == 1 else None


def _pair(ctx: Context, rate: Money, cls: str, rate_indexes: set[int]) -> tuple[Count, Money] | None:
    """The count and the total a rate applies to: stated once each in the rate's sentence, or —
    for a stated bound (不低于, 不超过) — once each in one sentence of the rate's paragraph."""
    scopes = [_sentence(ctx, rate.span[0])]
    if rate.qualifier is not None:
        scopes.append(_paragraph(ctx, rate.span[0]))
    for s, e in scopes:
        counts = [j for j, f in enumerate(ctx.facts) if isinstance(f, Count) and s <= f.span[0] < e
                  and f.value is not None and _count_class(f) == cls and not _in_brackets(ctx, f.span[0])]
        totals = [j for j, f in enumerate(ctx.facts) if isinstance(f, Money) and s <= f.span[0] < e
                  and j not in rate_indexes and f.value is not None and f.qualifier is None
                  and not _in_brackets(ctx, f.span[0])]
        if not counts or not totals:
            continue
        marked = [j for j in counts if _marked(ctx, j)]
        if len(marked) > 1:
            # a standard stated, then applied: the first stated total after it, else the last before
            after = [j for j in marked if ctx.facts[j].span[0] > rate.span[0]]
            marked = after[:1] or marked[-1:]
        c = _only(counts, marked)
        if c is None:
            return None
        # the total is the one stated with the count (本次共资助学生386人，发放奖学金55.9万元)
        beside = [j for j in totals if _sentence(ctx, ctx.facts[j].span[0]) == _sentence(ctx, ctx.facts[c].span[0])]
        t = _only(beside, [j for j in beside if _marked(ctx, j)])
        if t is None:
            return None
        count, total = ctx.facts[c], ctx.facts[t]
        assert isinstance(count, Count) and isinstance(total, Money)
        return count, total
    return None


def _marked(ctx: Context, j: int) -> bool:
    s = ctx.facts[j].span[0]
    return _TOTAL.search(ctx.view, max(0, s - 14), s) is not None


def _in_brackets(ctx: Context, pos: int) -> bool:
    return ctx.view.rfind("(", 0, pos) > ctx.view.rfind(")", 0, pos)


def _yuan(v: Decimal) -> str:
    return f"{v:,.0f}"


def _judge(rate: Money, count: Count, total: Money, cls: str) -> Iterator[Finding]:
    r, n, t = interval_of(rate), interval_of(count), interval_of(total)
    if r is None or n is None or t is None or n.lo <= 0:
        return
    per = "户" if cls == "household" else "人"
    evidence = (rate.span, count.span, total.span)
    most, least = t.hi / n.lo, t.lo / n.hi if n.hi > 0 else t.lo
    share = f"{total.text} ÷ {count.text}"
    if rate.qualifier is Qualifier.MIN:
        if most < r.lo:
            message = f"低于所述标准：{share} ≈ 每{per}{_yuan(most)}元 < 每{per}不低于{rate.text}"
            yield Finding("below_minimum", Severity.ERROR, message, total.span, evidence=evidence)
    elif rate.qualifier is Qualifier.MAX:
        if least > r.hi:
            message = f"高于所述上限：{share} ≈ 每{per}{_yuan(least)}元 > 每{per}最多{rate.text}"
            yield Finding("above_maximum", Severity.ERROR, message, total.span, evidence=evidence)
    else:
        expected = Interval(n.lo * r.lo, n.hi * r.hi)
        product = f"{count.text} × 每{per}{rate.text}"
        if t.hi < expected.lo:
            message = f"实发少于标准：{product} = {_yuan(expected.lo)}元 > 实发 {total.text}"
            yield Finding("below_minimum", Severity.ERROR, message, total.span, evidence=evidence)
        elif t.lo > expected.hi:
            message = f"实发多于标准：{product} = {_yuan(expected.hi)}元 < 实发 {total.text}"
            yield Finding("above_maximum", Severity.ERROR, message, total.span, evidence=evidence)

