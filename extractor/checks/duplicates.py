"""``duplicate_conflict``: the same quantity stated twice with different values.

As XBRL classifies duplicate facts before any sum is checked, counts that state the same
quantity — the same subject in the same measure word, each a headline figure (not a part, a
sub-part in brackets, a rate, a subset a clause narrows) in a sentence that compares nothing —
are grouped, and each
group is *complete* (the same value written the same way), *consistent* (values whose intervals
meet: 12.5万 and 125,000) or *inconsistent*. An inconsistent pair is a finding when both are
written group first (困难职工53名 … 困难职工58名), or one of the two states the quantity as a
total or a summary (共…, 此次活动覆盖…): two narrative mentions (30名劳模相聚 … 为76名劳模发放)
may count two groups. The sum checks skip breakdowns that rest on an inconsistent group.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from enum import StrEnum

from ..chars import fold_word
from ..intervals import interval_of
from ..lexicon import LEXICON
from ..model import Count, Finding, Severity
from . import Context, rule

__all__ = ["DuplicateClass", "check_duplicates", "duplicate_groups"]


class DuplicateClass(StrEnum):
    COMPLETE = "complete"
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"


# a sentence that compares or dates its figure states another quantity than a plain one
_CONTEXT_WORDS = re.compile(r"较|比上|同比|增加|减少|增长|下降|累计|截至|截止|去年|上年|今年以来|每")
_SENTENCE = re.compile(r"[^。！？!?\n]*")
# how far from a figure its sentence is read (a sentence is rarely longer)
_REACH = 300


def _headline(ctx: Context, f: Count, part_of: set[int], index: int) -> bool:
    if index in part_of or f.subject is None or len(f.subject) < 2 or f.value is None:
        return False
    if fold_word(f.unit) not in LEXICON.people_units:
        return False  # 7个乡镇48个村: only people and households are counted twice as one quantity
    s = f.span[0]
    lo, hi = max(0, s - _REACH), min(len(ctx.view), s + _REACH)  # bounded: a 100 KB sentence stays linear
    opened = ctx.view.rfind("(", lo, s) > ctx.view.rfind(")", lo, s)
    start = max(lo - 1, *(ctx.view.rfind(c, lo, s) for c in "。！？!?\n")) + 1
    end_m = _SENTENCE.match(ctx.view, s, hi)
    end = end_m.end() if end_m else hi
    return not opened and _CONTEXT_WORDS.search(ctx.view, start, end) is None and not _qualified(ctx, f)


# after "N名 + group", a verb makes the figure count a subset: 帮助38名退役军人实现就业
_VERB_AFTER = re.compile(r"[\u4e00-\u9fff]{0,2}(?:实现|参加|获得|享受|出席|报名|入选|受到|得到|开展|完成)")


def _qualified(ctx: Context, f: Count) -> bool:
    """A figure before its group that a clause narrows: 患重大疾病的两名职工 (a relative clause
    before it), 帮助38名退役军人实现就业 (a predicate after the group)."""
    if f.subject_span is None or f.subject_span[0] < f.span[1]:
        return False  # the group stands before the figure: 慰问困难职工53名
    before = ctx.view[max(0, f.span[0] - 1) : f.span[0]]
    return before == "的" or _VERB_AFTER.match(ctx.view, f.subject_span[1]) is not None


# a total or a summary states the quantity itself (共慰问困难职工2530名, 此次活动覆盖…)
_STATED = re.compile(r"共|合计|总计|此次|本次|这次|全年|惠及|覆盖|据统计")


def _group_first(f: Count) -> bool:
    """困难职工53名: the register of a stated figure (53名困难职工 is the narrative one)."""
    return f.subject_span is not None and f.subject_span[1] <= f.span[0]


def _stated(ctx: Context, f: Count) -> bool:
    start = max(ctx.view.rfind(c, 0, f.span[0]) for c in ",;:!?。，；：！？\n") + 1
    return _STATED.search(ctx.view, start, f.span[0]) is not None


def duplicate_groups(ctx: Context) -> list[tuple[DuplicateClass, list[int]]]:
    """Groups of two or more headline counts of one quantity, each with its class (computed
    once per report: the sum check asks too)."""
    groups: list[tuple[DuplicateClass, list[int]]] | None = ctx.cache.get("duplicates")
    if groups is None:
        groups = ctx.cache["duplicates"] = _groups(ctx)
    return groups


def _groups(ctx: Context) -> list[tuple[DuplicateClass, list[int]]]:
    part_of = {i for b in ctx.breakdowns for i in b.part_indexes}
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(ctx.facts):
        if isinstance(f, Count) and _headline(ctx, f, part_of, i):
            assert f.subject is not None
            groups[(fold_word(f.subject), fold_word(f.unit))].append(i)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        facts = [ctx.facts[i] for i in members]
        counts = [f for f in facts if isinstance(f, Count)]
        if len({(f.value, f.approx_word) for f in counts}) == 1:
            cls = DuplicateClass.COMPLETE
        else:
            ivs = [interval_of(f) for f in counts]
            meets = all(a is not None and b is not None and a.meets(b) for a in ivs for b in ivs)
            cls = DuplicateClass.CONSISTENT if meets else DuplicateClass.INCONSISTENT
        out.append((cls, members))
    return out


@rule("duplicate_conflict", Severity.ERROR, "同一数量前后两处表述的数值不一致")
def check_duplicates(ctx: Context) -> Iterator[Finding]:
    for cls, members in duplicate_groups(ctx):
        if cls is not DuplicateClass.INCONSISTENT:
            continue
        first = ctx.facts[members[0]]
        assert isinstance(first, Count)
        first_iv = interval_of(first)
        for i in members[1:]:
            f = ctx.facts[i]
            assert isinstance(f, Count)
            iv = interval_of(f)
            if iv is not None and first_iv is not None and iv.meets(first_iv):
                continue
            if not (_group_first(first) and _group_first(f)) and not (_stated(ctx, first) or _stated(ctx, f)):
                continue  # narrative mentions (30名劳模相聚…为76名劳模发放) may count two groups
            yield Finding("duplicate_conflict", Severity.ERROR,
                          f"同一数量前后不一致：{f.subject}先写作“{first.text}”，后写作“{f.text}”",
                          f.span, evidence=(first.span,))
