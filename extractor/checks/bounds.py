"""``below_minimum`` / ``above_maximum``: a stated per-unit bound or rate against what the report's
own figures imply.

``每户不低于1000元`` with ``共慰问困难户120户，发放慰问金10万元`` implies at most 833元 a household:
below the minimum. ``每人2000元`` with ``资助学生50名…共发放12万元`` implies 2400元 a person. The
count and the total are paired with the rate only when the report states each once (in the
rate's sentence, else its paragraph, else the report); otherwise nothing is said.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Final

from ..calc import Interval, interval_of
from ..lang.chars import fold_word
from ..lang.lexicon import LEXICON
from ..model import Count, Finding, Money, Qualifier, Severity
from ..structure.breakdowns import raised
from .registry import Context, rule

__all__ = ["bound_findings", "check_above", "check_below"]

# 每户, 每人, 每名学生, 人均, 户均: the unit a rate is per
_PER: Final = re.compile(r"(?:每(?P<u>户|家|人|名|位|生|个人|名学生|户家庭)|(?P<avg>人均|户均))[^,;:，；：。\n]{0,12}$")
# a figure a total marker stands before (共发放8万元, 合计12万元, 发放资金共10万元)
_TOTAL: Final = re.compile("(?:" + "|".join(map(re.escape, LEXICON.total_markers)) + r")[^,;:，；：。]{0,10}$")
# 户均增收2800元 is an income, not a payment
_INCOME: Final = re.compile(r"增收|收入|增加|提高|节约|减少|损失")
# the rate is one of several things each gets (每人领到2000元、一个拉杆箱、一件背心): a total may
# pay for the others too
_MORE_ITEMS: Final = re.compile(r"\s*(?:" + "|".join(map(re.escape, LEXICON.list_links)) + ")")


def _per_class(m: re.Match[str]) -> str:
    """The class of what a rate is per: 每户, 户均, 每户家庭 are households, the rest persons."""
    unit = m.group("u") or m.group("avg")
    return "household" if LEXICON.unit_class(unit[:1]) == "household" else "person"


def _count_class(c: Count) -> str | None:
    """Households or persons; 户次 and 人次 count visits, which a per-household rate is not per."""
    u = fold_word(c.unit)
    cls = LEXICON.unit_class(u)
    return cls if cls in ("household", "person") and not u.endswith("次") else None


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
            rates.append((i, f, m))
    rate_indexes = {i for i, _, _ in rates}
    keys = [(_per_class(m), _sentence(ctx, rate.span[0])) for _, rate, m in rates]
    per_sentence = Counter(keys)
    for (_, rate, m), key in zip(rates, keys, strict=True):
        cls = key[0]
        if per_sentence[key] > 1:
            continue  # 每人200元…百岁老人每人另发1000元, 每人2000元至5000元不等: no single rate
        pair = _pair(ctx, rate, m, rate_indexes)
        if pair is not None:
            more = _MORE_ITEMS.match(ctx.view, rate.span[1]) is not None
            yield from _judge(rate, *pair, cls, more_items=more)


def _sentence(ctx: Context, pos: int) -> tuple[int, int]:
    """The sentence around ``pos`` (read at most 300 characters each way: linear on any text)."""
    v = ctx.view
    lo, hi = max(0, pos - 300), min(len(v), pos + 300)
    start = max(lo - 1, *(v.rfind(c, lo, pos) for c in "。！？!?\n")) + 1
    return start, min((k for k in (v.find(c, pos, hi) for c in "。！？!?\n") if k >= 0), default=hi)


def _paragraph(ctx: Context, pos: int) -> tuple[int, int]:
    """The paragraph around ``pos``, read at most 1000 characters each way."""
    lo, hi = max(0, pos - 1000), min(len(ctx.view), pos + 1000)
    start = max(lo, ctx.view.rfind("\n", lo, pos) + 1)
    end = ctx.view.find("\n", pos, hi)
    return start, end if end >= 0 else hi


def _within(ctx: Context, s: int, e: int) -> list[int]:
    """Indexes of the facts that start in ``[s, e)``, in order (found by bisection: a report of
    many rates stays linear)."""
    order: list[tuple[int, int]] | None = ctx.cache.get("fact_order")
    if order is None:
        order = ctx.cache["fact_order"] = sorted((f.span[0], i) for i, f in enumerate(ctx.facts))
    lo, hi = bisect.bisect_left(order, (s, -1)), bisect.bisect_left(order, (e, -1))
    return [i for _, i in order[lo:hi]]


def _only(items: list[int], marked: list[int]) -> int | None:
    if len(marked) == 1:
        return marked[0]
    return items[0] if len(items) == 1 else None


def _pair(ctx: Context, rate: Money, per: re.Match[str], rate_indexes: set[int]) -> tuple[Count, Money] | None:
    """The count and the total a rate applies to: stated once each in the rate's sentence, or —
    for a stated bound (不低于, 不超过) — once each in one sentence of the rate's paragraph. The
    count is of the rate's own recipients (每名贫困母亲 ↔ 200名贫困母亲, never another group the
    rate names) and no part of a breakdown (the sentence's total pays the whole: 共100名…共计5万元，
    其中困难党员每人600元); the total is the only amount paid beside the count, or the one a total
    marker (共, 合计) states, never an amount raised (筹集), nor a part of a breakdown."""
    cls = _per_class(per)
    parts: set[int] | None = ctx.cache.get("bounds_parts")
    if parts is None:
        parts = ctx.cache["bounds_parts"] = {i for b in ctx.breakdowns for i in b.part_indexes}
    scopes = [_sentence(ctx, rate.span[0])]
    if rate.qualifier is not None:
        scopes.append(_paragraph(ctx, rate.span[0]))
    named = _named(ctx, per, rate)
    for s, e in scopes:
        near = [(j, ctx.facts[j]) for j in _within(ctx, s, e)]
        counts = [j for j, f in near if isinstance(f, Count) and j not in parts
                  and f.value is not None and _count_class(f) == cls and not _in_brackets(ctx, f.span[0])
                  and _recipients(ctx, named, f)]
        totals = [j for j, f in near if isinstance(f, Money)
                  and j not in rate_indexes and j not in parts and f.value is not None and f.qualifier is None
                  and not _in_brackets(ctx, f.span[0]) and not raised(ctx.view, f)]
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


# how far back from its 每 a rate's clause is read for the group it names (其中困难党员每人600元)
_NAMED_BEFORE: Final = 12


def _named(ctx: Context, per: re.Match[str], rate: Money) -> str:
    """The words of a rate's clause that may name its recipients: before its 每 (困难党员每人600元)
    and between the 每 and the amount (每名贫困母亲500元), apart by a space."""
    v = ctx.view
    lo = max(0, per.start() - _NAMED_BEFORE)
    lo = max(lo, *(v.rfind(c, lo, per.start()) + 1 for c in ",;:，；：。\n"))
    return v[lo : per.start()] + " " + v[per.end("u") if per.group("u") else per.end() : rate.span[0]]


def _recipients(ctx: Context, named: str, count: Count) -> bool:
    """Whether a count may be of the rate's recipients: the rate's ``named`` words (:func:`_named`)
    name the count's own group (每名贫困母亲 ↔ 200名贫困母亲, 困难党员每人600元 ↔ 困难党员50名),
    or no group the report counts (每人500元)."""
    if count.subject and fold_word(count.subject) in named:
        return True
    return not any(group in named for group in _groups(ctx))


def _groups(ctx: Context) -> set[str]:
    """The subjects the report counts (贫困母亲, 困难职工), once per report."""
    groups: set[str] | None = ctx.cache.get("bounds_groups")
    if groups is None:
        groups = ctx.cache["bounds_groups"] = {
            fold_word(f.subject) for f in ctx.facts if isinstance(f, Count) and f.subject and len(f.subject) >= 2}
    return groups



def _marked(ctx: Context, j: int) -> bool:
    s = ctx.facts[j].span[0]
    return _TOTAL.search(ctx.view, max(0, s - 14), s) is not None


def _in_brackets(ctx: Context, pos: int) -> bool:
    lo = max(0, pos - 300)
    return ctx.view.rfind("(", lo, pos) > ctx.view.rfind(")", lo, pos)


def _yuan(v: Decimal) -> str:
    return f"{v:,.0f}"


def _judge(rate: Money, count: Count, total: Money, cls: str, more_items: bool = False) -> Iterator[Finding]:
    """Rate against count and total, each an interval from how it is written; a total above
    the rate's product is not judged when the rate is one of several things each gets."""
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
        elif t.lo > expected.hi and not more_items:
            message = f"实发多于标准：{product} = {_yuan(expected.hi)}元 < 实发 {total.text}"
            yield Finding("above_maximum", Severity.ERROR, message, total.span, evidence=evidence)

