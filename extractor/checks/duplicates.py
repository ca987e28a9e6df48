"""``duplicate_conflict``: the same quantity stated twice with different values.

As XBRL classifies duplicate facts before any sum is checked, counts that plainly state the
same quantity are grouped, and each group is *complete* (the same value written the same way),
*consistent* (values whose intervals meet: 50余名 and 53名) or *inconsistent*. The sum checks
skip breakdowns that rest on an inconsistent group.

Two counts state the same quantity only when each is a headline figure and they agree on all
that makes a quantity:

- the same full subject, standing at the figure (困难职工53名, 53名困难职工) with its qualifiers
  (农村低保 and 城镇低保, a类人员家庭 and b类人员家庭 differ), the same region and measure word:
  a subject borrowed from an earlier clause (实施生活救助91人 … 助学救助31人) groups nothing;
- the same period and batch (2024年1月 and 2024年7月, 第1批 and 第2批, 春节期间 and “五一”期间 differ);
- not two bodies' figures (市总工会慰问…53名, 县总工会慰问…30名);
- both how many there are (全市共有困难职工1200户, 困难职工现有…) or both how many an action
  reached (慰问困难职工800户): a stock and a flow of one group are two quantities;
- neither a part (after 其中/包括/分别, or of a breakdown), nor an item of a list of other
  groups in its sentence (农村低保…户…人,城镇低保…户…人; 共调出97户,新增11户), nor a rate, a
  change or a comparison (每, 增加, 较上年), nor in brackets, nor narrowed by a clause
  (帮助38名退役军人实现就业).

An inconsistent pair is a finding when both are written group first (困难职工53名 … 困难职工
58名), or one of the two states the quantity as a total or a summary (共…, 此次活动覆盖…): two
narrative mentions (30名劳模相聚 … 为76名劳模发放) may count two groups.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ..calc import interval_of
from ..facts.subjects import HAVE_WORDS
from ..lang.chars import fold_word
from ..lang.lexicon import LEXICON
from ..lang.segment import FIGURE_CLAUSE_START, after_last, sentence_around
from ..model import Count, DateFact, Finding, Money, Severity
from .registry import Context, rule

__all__ = ["DuplicateClass", "check_duplicates", "duplicate_groups", "restatements"]


class DuplicateClass(StrEnum):
    COMPLETE = "complete"
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"


# a sentence that compares or dates its figure, or says it changed, states another quantity than a
# plain one (经过动态调整，全县现有低保户1150户: the count after a change, not the count restated)
_CONTEXT_WORDS: Final = re.compile(r"较|比上|同比|增加|减少|增长|下降|累计|截至|截止|去年|上年|今年以来|每"
                                   r"|调整|变动|变化|新增|清退|退出|核减|核增|[降减增]至|[降减增]为")
# how far from a figure its sentence is read (a sentence is rarely longer)
_REACH: Final = 300
# people and households are counted twice as one quantity (7个乡镇48个村 are not)
_COUNTED: Final = ("person", "household")


def duplicate_groups(ctx: Context) -> list[tuple[DuplicateClass, list[int]]]:
    """Groups of two or more headline counts of one quantity, each with its class (computed
    once per report: the sum check asks too)."""
    groups: list[tuple[DuplicateClass, list[int]]] | None = ctx.cache.get("duplicates")
    if groups is None:
        groups = ctx.cache["duplicates"] = [
            (_classify([c for c in (ctx.facts[i] for i in m) if isinstance(c, Count)]), m)
            for family in _families(ctx) for m in _by_scope(family).values() if len(m) > 1]
    return groups


#: where and when a figure stands: its region, the date and the period or batch its sentence
#: gives it before the figure
Scope = tuple[str | None, tuple[str | None, str | None] | None, str | None]


def _families(ctx: Context) -> list[list[tuple[int, Scope]]]:
    """Headline counts of the same full subject and measure word, two or more, each with its
    scope (once per report)."""
    found: list[list[tuple[int, Scope]]] | None = ctx.cache.get("duplicate_families")
    if found is not None:
        return found
    part_of = {i for b in ctx.breakdowns for i in b.part_indexes}
    # a rough key first (subject, measure word): the full key costs a segmentation
    rough: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(ctx.facts):
        if isinstance(f, Count) and i not in part_of and _candidate(ctx, f, i):
            assert f.subject is not None
            rough[(fold_word(f.subject), fold_word(f.unit))].append(i)
    dates = _Dates(ctx)
    families: dict[tuple[str, str, bool], list[tuple[int, Scope]]] = defaultdict(list)
    for members in rough.values():
        if len(members) < 2:
            continue
        for i in members:
            f = ctx.facts[i]
            assert isinstance(f, Count)
            if _headline(ctx, f, i):
                first = _qualified_start(ctx, f)
                key = (_full_subject(ctx, f, first), fold_word(f.unit), _stock(ctx, f, first))
                families[key].append((i, _scope(ctx, f, dates)))
    found = ctx.cache["duplicate_families"] = [m for m in families.values() if len(m) > 1]
    return found


def _by_scope(family: list[tuple[int, Scope]]) -> dict[Scope, list[int]]:
    out: dict[Scope, list[int]] = defaultdict(list)
    for i, scope in family:
        out[scope].append(i)
    return out


def _compatible(a: Scope, b: Scope) -> bool:
    """No part of the two scopes differs where both say it (a region on one side only is
    compatible: it may be the one acting, 社区为困难老人…)."""
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def _classify(counts: list[Count]) -> DuplicateClass:
    if len({(f.value, f.approx_word) for f in counts}) == 1:
        return DuplicateClass.COMPLETE
    ivs = [interval_of(f) for f in counts]
    if any(iv is None for iv in ivs):
        return DuplicateClass.INCONSISTENT
    known = [iv for iv in ivs if iv is not None]
    # intervals on a line meet pairwise when the one that starts last meets the one that ends
    # first (one test, not one per pair)
    last_start = max(known, key=lambda iv: (iv.lo, iv.lo_open))
    first_end = min(known, key=lambda iv: (iv.hi, not iv.hi_open))
    return DuplicateClass.CONSISTENT if last_start.meets(first_end) else DuplicateClass.INCONSISTENT


# ------------------------------------------------------------------ a headline figure

def _candidate(ctx: Context, f: Count, index: int) -> bool:
    """The cheap tests: a value, a subject standing at the figure, people or households."""
    if f.subject is None or len(f.subject) < 2 or f.value is None or f.placeholder:
        return False
    if LEXICON.unit_class(fold_word(f.unit)) not in _COUNTED:
        return False
    return _at_figure(ctx, f, index)


# what may stand between a subject and its figure: 困难职工共53名, 困难职工有53名
_LINK: Final = re.compile(
    r"\s*(?:" + "|".join(map(re.escape, (*LEXICON.total_markers, "共有", "有", "达到", "达", "为"))) + r")?\s*")


def _at_figure(ctx: Context, f: Count | Money, index: int) -> bool:
    """The subject stands at the figure: 困难职工53名, 低保对象4966户6535人 (the pair's first
    figure between), 53名困难职工 — not a subject borrowed from an earlier clause."""
    ss = f.subject_span
    if ss is None:
        return False
    if ss[0] >= f.span[1]:
        return ctx.view[f.span[1] : ss[0]].strip() == ""
    start = f.span[0]
    prev = ctx.facts[index - 1] if index > 0 else None
    if isinstance(prev, Count) and prev.span[1] == start and prev.subject_span == ss:
        start = prev.span[0]  # 4966户6535人: a household and person pair
    return 0 <= start - ss[1] <= 4 and _LINK.fullmatch(ctx.view, ss[1], start) is not None


def _headline(ctx: Context, f: Count, index: int) -> bool:
    """A figure that states its quantity whole: not in brackets, not in a sentence that rates,
    compares or dates it as a change, not narrowed by a clause, not a part of a 其中 list, not
    one item of a list of groups."""
    s = f.span[0]
    lo = max(0, s - _REACH)
    if ctx.view.rfind("(", lo, s) > ctx.view.rfind(")", lo, s):
        return False
    start, end = _sentence(ctx, s)
    if _CONTEXT_WORDS.search(ctx.view, start, end) is not None or _qualified(ctx, f):
        return False
    if _after_parts_marker(ctx, s):
        return False
    return not _list_item(ctx, f, index, start, end)


# after "N名 + group", a verb makes the figure count a subset: 帮助38名退役军人实现就业
_VERB_AFTER: Final = re.compile(r"[\u4e00-\u9fff]{0,2}(?:实现|参加|获得|享受|出席|报名|入选|受到|得到|开展|完成)")


def _qualified(ctx: Context, f: Count) -> bool:
    """A figure before its group that a clause narrows: 患重大疾病的两名职工 (a relative clause
    before it), 帮助38名退役军人实现就业 (a predicate after the group)."""
    if f.subject_span is None or f.subject_span[0] < f.span[1]:
        return False  # the group stands before the figure: 慰问困难职工53名
    before = ctx.view[max(0, f.span[0] - 1) : f.span[0]]
    return before == "的" or _VERB_AFTER.match(ctx.view, f.subject_span[1]) is not None


def _sentence(ctx: Context, pos: int) -> tuple[int, int]:
    """The sentence around ``pos`` (at most ``_REACH`` characters each way: linear on any text)."""
    return sentence_around(ctx.view, pos, pos, _REACH)


_PARTS: Final = re.compile("|".join(map(re.escape, (*LEXICON.parts_markers, "分别"))))
# a line that ends so opens a list the next lines go on with (其中:…;\n困境儿童生活补助:411人)
_GOES_ON: Final = ";；,，:：、"


def _after_parts_marker(ctx: Context, pos: int) -> bool:
    """A 其中/包括/分别 before the figure in its sentence, the sentence read across line ends
    that a list goes on over: the figure is a part of what went before."""
    v = ctx.view
    lo = max(0, pos - _REACH)
    k = pos - 1
    while k >= lo and not (v[k] in "。！？!?" or (v[k] == "\n" and (k == 0 or v[k - 1] not in _GOES_ON))):
        k -= 1  # one pass back (bounded): linear on any text
    return _PARTS.search(v, k + 1, pos) is not None


def _list_item(ctx: Context, f: Count, index: int, start: int, end: int) -> bool:
    """Another group counted in the same sentence and class (农村低保4497户…城镇低保469户, 共调出97户,
    新增11户): the figure is one item of a list, or of a series. The parts after a 其中 that
    follows the figure are its own, not other groups."""
    marker = _PARTS.search(ctx.view, f.span[1], end)
    end = marker.start() if marker else end
    cls = LEXICON.unit_class(fold_word(f.unit))
    order: list[tuple[int, int]] | None = ctx.cache.get("duplicate_counts")
    if order is None:
        order = ctx.cache["duplicate_counts"] = sorted(
            (c.span[0], i) for i, c in enumerate(ctx.facts) if isinstance(c, Count))
    lo, hi = bisect.bisect_left(order, (start, -1)), bisect.bisect_left(order, (end, -1))
    return any(k != index and _other_group(ctx.facts[k], f, cls) for _, k in order[lo:hi])


def _other_group(other: object, f: Count, cls: str | None) -> bool:
    return (isinstance(other, Count) and other.value is not None
            and LEXICON.unit_class(fold_word(other.unit)) == cls
            and (other.subject_span != f.subject_span or other.region != f.region))


# ------------------------------------------------------------------ what quantity it states

# a batch or a period inside a sentence: 第2批, 第一期, 上半年, 三季度, 1-11月, 春节期间
_PERIOD: Final = re.compile(
    r"第[0-9一二三四五六七八九十]{1,3}(?:批次|批|期|轮|季度|阶段)|[上下]半年|全年|当月|本月|上月"
    r"|[一二三四1-4]季度|\d{1,2}-\d{1,2}月"
    r"|(?:元旦|春节|两节|元宵|清明|五一|端午|七一|八一|中秋|国庆|重阳|暑期|暑假|寒假|[春夏秋冬]季|汛期|高温)++"
    r"[”\"]?节?(?:期间|前夕|之际|前后)"  # 春节期间, “五一”期间, 中秋前夕 (not 活动期间: the campaign's)
)
# tokens that end a subject's qualifiers on its left (a verb, a preposition, a numeral...)
_NOT_QUALIFIER: Final = ("v", "p", "r", "c", "u", "d", "m", "w", "f", "x")


class _Dates:
    """The report's dates by position, to find the one a figure's sentence gives it."""

    def __init__(self, ctx: Context) -> None:
        self.facts = sorted((f for f in ctx.facts if isinstance(f, DateFact)), key=lambda f: f.span)
        self.starts = [f.span[0] for f in self.facts]

    def last_before(self, start: int, pos: int) -> tuple[str | None, str | None] | None:
        k = bisect.bisect_left(self.starts, pos) - 1
        if k >= 0 and self.starts[k] >= start:
            return self.facts[k].start, self.facts[k].end
        return None


def _scope(ctx: Context, f: Count | Money, dates: _Dates) -> Scope:
    """Where and when a headline figure stands: its region, and the date and the period or
    batch its sentence gives before it (2024年1月, 第2批, 上半年)."""
    start, _ = _sentence(ctx, f.span[0])
    periods = [m.group() for m in _PERIOD.finditer(ctx.view, start, f.span[0])]
    return f.region, dates.last_before(start, f.span[0]), periods[-1] if periods else None




def _full_subject(ctx: Context, f: Count | Money, qualified_start: int | None = None) -> str:
    """The subject with the qualifiers written before it in its clause: 农村低保, a类人员家庭
    (jieba's words back to a verb, a preposition or a numeral; from ``qualified_start`` when the
    caller has it)."""
    assert f.subject is not None and f.subject_span is not None
    first = _qualified_start(ctx, f) if qualified_start is None else qualified_start
    return ctx.view[first:f.subject_span[0]] + fold_word(f.subject)


def _qualified_start(ctx: Context, f: Count | Money) -> int:
    """Where the subject's qualifiers start (:func:`_full_subject`); the subject's start when it
    has none."""
    assert f.subject_span is not None
    s, e = f.subject_span
    lo = max(0, s - 16)
    lo = after_last(FIGURE_CLAUSE_START, ctx.view, lo, s)
    if lo >= s or e <= s:
        return s
    (tokens,) = ctx.tokens([(lo, e)])
    first = s
    for t in reversed([t for t in tokens if t.start < s]):
        if t.end > s or t.tag.startswith(_NOT_QUALIFIER) or _LINK.fullmatch(t.text) is not None \
                or t.text in HAVE_WORDS:
            break  # a word across the subject's start, or no qualifier (现有 says there are, b)
        first = t.start
    return first


# how many there are, not how many an action reached: 全市共有困难职工1200户, 现有低保户, 困难职工
#共有1200户 (a stock) beside 慰问困难职工800户 (a flow) are two quantities
_STOCK_BEFORE: Final = re.compile(r"(?<![没所具])(?:共|现|尚|仍|还|另|总共|共计)?有$")
_STOCK_BETWEEN: Final = re.compile(r"\s*(?:共|现|尚|仍|还|总共|共计)?有")


def _stock(ctx: Context, f: Count, qualified_start: int) -> bool:
    """Whether the figure says how many there are: 有 right before its subject (and its
    qualifiers), or between the subject and the figure."""
    assert f.subject_span is not None
    e = f.subject_span[1]
    if e <= f.span[0] and _STOCK_BETWEEN.match(ctx.view, e, f.span[0]) is not None:
        return True
    return _STOCK_BEFORE.search(ctx.view, max(0, qualified_start - 3), qualified_start) is not None


# ------------------------------------------------------------------ a figure stated again

def restatements(ctx: Context, indexes: Iterable[int]) -> list[list[int]]:
    """Groups (in text order) of the figures among ``indexes`` that state one figure again: of
    the same kind, value as written (a complete duplicate: 53名 and 53名, not 53名 and 50余名),
    measure word and category, in one scope (region, date, period or batch, as
    :func:`duplicate_groups` reads them: 东关街道50户 and 西关街道50户 are two), whose subjects
    name one group: each standing at its figure (a subject borrowed from an earlier clause groups
    nothing), the same once qualified (市级劳模 and 省级劳模 differ) or one the other with its
    qualifiers dropped (30名自治区级以上劳模 … 劳模30名). A breakdown's total restates a figure
    whatever their subjects (a table's 合计 row has none of its own; 助862名贫困生 … 共确定对862名寒门
    学子给予救助，其中…), in a scope that does not differ where both say it (the text's date is
    not written in the table). Unlike a conflict, a restatement may stand in a list or after 其中:
    equal values of one group are one figure however the sentence around them runs.

    >>> from extractor.pipeline import extract_text
    >>> from extractor.reportdoc import ReportDoc
    >>> ctx = ReportDoc.of_record(extract_text("慰问困难职工53名、劳模30名。此次活动覆盖困难职工53名。")[0])
    >>> [[ctx.facts[i].span for i in g] for g in restatements(ctx, range(len(ctx.facts)))]
    [[(6, 9), (26, 29)]]
    """
    totals = {b.total_index for b in ctx.breakdowns}
    rough: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i in sorted(set(indexes)):
        f = ctx.facts[i]
        if not isinstance(f, (Count, Money)) or f.value is None or f.placeholder:
            continue
        unit = fold_word(f.unit) if isinstance(f, Count) else "元"
        rough[(f.kind, f.value, f.approx_word, f.qualifier, unit, f.category)].append(i)
    dates: _Dates | None = None
    groups: list[list[int]] = []
    for members in rough.values():
        if len(members) < 2:
            continue
        dates = dates or _Dates(ctx)
        stated: list[_Stated] = []
        for i in members:
            f = ctx.facts[i]
            assert isinstance(f, (Count, Money))
            named = f.subject is not None and len(f.subject) >= 2 and _at_figure(ctx, f, i)
            stated.append(_Stated(i, _scope(ctx, f, dates), _full_subject(ctx, f) if named else None, i in totals))
        found: list[list[_Stated]] = []
        for m in stated:  # each joins the first group every member of which it restates
            into = next((g for g in found if all(m.restates(x) for x in g)), None)
            if into is None:
                found.append([m])
            else:
                into.append(m)
        groups.extend([m.index for m in g] for g in found if len(g) > 1)
    return sorted(groups)


@dataclass(slots=True)
class _Stated:
    """A figure as :func:`restatements` compares it: its scope, its full subject when it stands
    at the figure, and whether it is a breakdown's total."""

    index: int
    scope: Scope
    subject: str | None
    total: bool

    def restates(self, other: _Stated) -> bool:
        """Of two figures of equal value, one states the other again."""
        if self.total or other.total:
            return _compatible(self.scope, other.scope)
        x, y = self.subject, other.subject
        return (self.scope == other.scope and x is not None and y is not None
                and (x.endswith(y) or y.endswith(x)))


# ------------------------------------------------------------------ the rule

# a total or a summary states the quantity itself (共慰问困难职工2530名, 此次活动覆盖…)
_STATED: Final = re.compile(r"共|合计|总计|此次|本次|这次|全年|惠及|覆盖|据统计")


def _group_first(f: Count) -> bool:
    """困难职工53名: the register of a stated figure (53名困难职工 is the narrative one)."""
    return f.subject_span is not None and f.subject_span[1] <= f.span[0]


def _stated(ctx: Context, f: Count) -> bool:
    lo = max(0, f.span[0] - _REACH)
    start = max(lo - 1, *(ctx.view.rfind(c, lo, f.span[0]) for c in ",;:!?。，；：！？\n")) + 1
    return _STATED.search(ctx.view, start, f.span[0]) is not None


@rule("duplicate_conflict", Severity.ERROR, "同一数量前后两处表述的数值不一致")
def check_duplicates(ctx: Context) -> Iterator[Finding]:
    """An error for two figures of one quantity that cannot agree; at severity info, two that
    may state one quantity (one is dated or placed, the other not)."""
    for cls, members in duplicate_groups(ctx):
        if cls is DuplicateClass.INCONSISTENT:
            yield from _conflicts(ctx, members, Severity.ERROR)
    for family in _families(ctx):
        groups = list(_by_scope(family).items())
        if len(groups) > _SERIES:
            continue  # one group under many periods or places: a series, not a restatement
        for k, (scope, members) in enumerate(groups):
            earlier = [i for other, ms in groups[:k] if _compatible(scope, other) for i in ms]
            if earlier:
                yield from _conflicts(ctx, [min(earlier), *members], Severity.INFO, only_first=True)


# more scopes than this for one subject make a series (a table by month, a list by town)
_SERIES: Final = 8
_MAYBE: Final = "可能是同一数量，前后不一致（时间或地区只有一处写明）"


def _conflicts(ctx: Context, members: list[int], severity: Severity, only_first: bool = False) -> Iterator[Finding]:
    """Each figure after the first whose value cannot meet the first's (with ``only_first``,
    only the second member against the first)."""
    first = ctx.facts[members[0]]
    assert isinstance(first, Count)
    first_iv = interval_of(first)
    for i in members[1:2] if only_first else members[1:]:
        f = ctx.facts[i]
        assert isinstance(f, Count)
        iv = interval_of(f)
        if iv is None or first_iv is None or iv.meets(first_iv):
            continue
        if first.org and f.org and fold_word(first.org) != fold_word(f.org):
            continue  # 市总工会慰问…53名, 县总工会慰问…30名: two bodies' figures
        if not (_group_first(first) and _group_first(f)) and not (_stated(ctx, first) or _stated(ctx, f)):
            continue  # narrative mentions (30名劳模相聚…为76名劳模发放) may count two groups
        what = "同一数量前后不一致" if severity is Severity.ERROR else _MAYBE
        yield Finding("duplicate_conflict", severity,
                      f"{what}：{f.subject}先写作“{first.text}”，后写作“{f.text}”", f.span, evidence=(first.span,))
