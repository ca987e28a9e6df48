"""Breakdowns: a stated total and the parts itemized for it, read by a registry of shapes.

Each shape is a named recognizer (:data:`SHAPES`) over one report's figures; a breakdown records
the shape it came from. The shapes of running text:

* ``parts_marker``: ``共慰问困难家庭700余户，其中A 2户、B 150余户``: the figures before 其中 (包括,
  分别为, ``现有低保户中：``) are the totals, the items after it the parts;
* ``parenthesized``: ``补贴资金119万元（省资金40.16万元、市资金78.84万元）``;
* ``outline``: a line that states a total (``一、中央财政衔接资金（5273万元）``, ``…共需发放1271万元。分别是：``)
  over lines that each give one part (``（一）支持产业发展2993.7万元；``), one line a region or an item;
* ``enumerated_clauses``: ``共投入50万元：一是…20万元；二是…30万元``;
* ``clause_total``: ``A 20台、B 35副，共计发放辅助器具117件``: a 合计 clause totals the figures before it;
* ``above_total``: ``…以上5家企业合计捐款60万元``: totals the list before it.

Tables give ``table_column`` (a 合计/小计 row) and ``table_row`` (a 合计 column): :mod:`extractor.structure.tables`.

Every list is read as items (the clauses between 、，； at the list's own bracket level); each item
gives at most one part of each measure (money; households; persons; other things), so totals
stated side by side (``共走访320人，发放慰问金16万元，其中环卫工人120人，发放6万元；…``) and 户/人
pairs (``其中农村4497户5919人，城镇469户616人``) give one breakdown a measure, slot by slot; a total in
人 takes parts in 户 when the list counts no persons. An item's own sub-list (``27名，包括…4名…23名``)
and a figure in brackets after it (``地直55户（劳模2户）``) are not parts of the list; a rate
(``每户1000元``) or a bound never is; a total marker (共, 合计), a date or a comparison ends the
list, and so does an item named like the list's own total (``b类人员家庭42户，其中…，c类人员家庭…``).
The arithmetic settles what the words leave open, and only ever towards a sum that adds up: a list
cut by a sentence end goes on into the next sentences of its paragraph when they make the sum add
up exactly (``对267户…其中252户通过评议。15户未通过评议。``), and parts that run over the total end
where a first run of them adds up (a group counted again under another name is left out).

A breakdown has at least two parts (``共有农户386户，其中贫困户58户`` states a subset). One whose
list ends in 等 or whose structure is a guess is marked ``certain=False``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from ..calc import Interval, interval_of, total_interval
from ..lang.chars import fold_word
from ..lang.lexicon import LEXICON
from ..lang.segment import SENTENCE_ENDS, after_last, last_of
from ..model import Breakdown, Count, Fact, Money, Span

if TYPE_CHECKING:
    from ..reportdoc import ReportDoc

__all__ = ["SHAPES", "Shape", "find_breakdowns", "per_unit", "planned", "raised"]

Figure = Money | Count

_PEOPLE: Final = ("household", "person")
_RATE: Final = re.compile(r"每|人均|户均|平均|标准为|标准是")
# a slash and a unit right after a figure: per household, per person, per month (500元/户)
_PER_AFTER: Final = re.compile(r" ?/ ?(?:人次|户次|学期|人|户|名|位|家|月|年|次|天|日|个|生|季度)")
# how far back in its clause a figure's 每/人均 is looked for
_RATE_REACH: Final = 40
_CLAUSE_PUNCT: Final = last_of(",;:!?。，；：！？\n")
# a total marker (计 but not 计划, 计生) and the words after it up to a figure
_TOTAL_WORD: Final = "|".join("计(?![划生])" if w == "计" else re.escape(w) for w in LEXICON.total_markers)
_TOTAL_BEFORE: Final = re.compile(f"(?:{_TOTAL_WORD})[^,;:，；：。]{{0,14}}$")
# a clause of a list that opens with a total (共发放…24万元) ends the list; one that opens with 计
# (…23名，计12.7万元) gives the amount of the item before it
_OPENS_TOTAL: Final = re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in LEXICON.total_markers if w != "计") + ")")
_SUBTOTAL: Final = re.compile(r"^\s*计(?![划生])")
_CLAUSE_TOTAL: Final = re.compile(r"(?:^|[,;:，；：])\s*(?:" + "|".join(map(re.escape, LEXICON.row_totals))
                                  + r")[^,;:，；：。]{0,8}$")
_ABOVE_TOTAL: Final = re.compile(r"\s*(?:以上|上述)[^,;:，；：。]{0,14}?(?:"
                                 + "|".join(re.escape(w) for w in LEXICON.total_markers if w != "计")
                                 + r")[^,;:，；：。]{0,8}$")
# the separators of a list's items (folded view), and of a sentence
_ITEM_SEP: Final = re.compile(r"[,;、]")
#: the words that join a list's last items (和, 及…), longest first: one right after a figure ends its item
_LINKS_AFTER: Final = tuple(w for w in LEXICON.list_links if w != "、")
_MARKER: Final = re.compile("|".join(map(re.escape, LEXICON.parts_markers)))
# 现有低保户中：the list of a group restated before 中
_AMONG: Final = re.compile(r"([\u4e00-\u9fff]{2,10})(?<!其)中\s*:")
# a part that is a target or a plan, not an actual count (省任务数28人) measures something else
_TARGET: Final = re.compile(r"任务数|任务|目标数|目标|计划数|指标")
_CHILD_LINE_MAX: Final = 80
#: a line that only opens a list (其中：, 具体如下：, 分别是：)
_OPENER_LINE: Final = 8
#: how far a list, its total or its lines are read (characters, figures, lines): lists are short,
#: and bounding each keeps every shape linear on a text of ten thousand markers
_LIST_REACH: Final = 1200
_REACH: Final = 64


# --- the report's figures --------------------------------------------------------------------------

@dataclass(slots=True, init=False)
class Fig:
    """A figure as the shapes see it: its fact's index, what it measures, its bracket group, and
    whether it is a rate (never a part) or announced as a total (共, 合计, 计)."""

    index: int
    fact: Figure
    measure: str
    group: int
    rate: bool
    marked: bool
    #: the fact's span, kept apart (the shapes ask for it a great many times)
    start: int
    end: int

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, index: int, fact: Figure, measure: str, group: int, rate: bool, marked: bool,
                 start: int, end: int) -> None:
        self.index = index
        self.fact = fact
        self.measure = measure
        self.group = group
        self.rate = rate
        self.marked = marked
        self.start = start
        self.end = end


def measure_of(f: Figure) -> str:
    """``money``, or the class of a count's measure word: ``household`` (户 家), ``person`` (人 名
    人次), ``event`` (场 次 期), ``organization`` (所), ``place`` (处), else ``things`` (台 件 份…):
    parts and their total are figures of one measure (or households and persons). 举办招聘会12场，
    其中…5场、…7场，参会企业340余家: the 家 are no part of the 场."""
    if isinstance(f, Money):
        return "money"
    return LEXICON.unit_class(fold_word(f.unit)) or "things"


_BRACKET: Final = re.compile(r"[(【\[)】\]]")


class _Groups:
    """The bracket group at each position: 0 outside any bracket, else the id of the innermost
    bracket pair that holds it (two parentheticals of one sentence are two groups)."""

    def __init__(self, view: str) -> None:
        self.places: list[int] = []
        self.after: list[int] = []
        self.parent: dict[int, int] = {0: 0}
        self.opened: dict[int, int] = {}
        stack = [0]
        n = 0
        for m in _BRACKET.finditer(view):
            if m.group() in "(【[":
                n += 1
                self.parent[n] = stack[-1]
                self.opened[n] = m.start()
                stack.append(n)
            elif len(stack) > 1:
                stack.pop()
            self.places.append(m.start())
            self.after.append(stack[-1])

    def at(self, p: int) -> int:
        k = bisect.bisect_left(self.places, p)
        return self.after[k - 1] if k else 0


def per_unit(view: str, f: Figure) -> bool:
    """每户1000元, 人均500元, 为每户送去慰问金300元和价值150元的米面油, 500元/户: a rate (每, 人均,
    户均, 平均, 标准为 earlier in the figure's clause, at most 40 characters back, or a slash and a
    unit right after it), which never adds up to a total. ``view`` is the report's folded text.

    >>> text = "共发放2万元，每户500元，300元/人"
    >>> [per_unit(text, Money(t, (text.index(t), text.index(t) + len(t)), None)) for t in ("2万元", "500元", "300元")]
    [False, True, True]
    """
    if _PER_AFTER.match(view, f.span[1]) is not None:
        return True  # 500元/户, 800元/人/月
    s = f.span[0]
    lo = max(0, s - _RATE_REACH)
    start = after_last(_CLAUSE_PUNCT, view, lo, s)
    # 慰问标准：500元 (the colon opens the figure's clause)
    return _RATE.search(view, start, s) is not None or (start >= 3 and view.startswith("标准:", start - 3))


#: words saying that money comes in: raised, collected, donated, received, won from above
_RAISE: Final = re.compile("筹集|筹措|募集|募捐|筹资|捐资|捐款|捐赠|捐助|捐献|争取|接收|吸纳|自筹|到位")
#: words saying that money goes out (发放, 用于): before the raising word, they make the figure paid
#: (发放筹集的资金50万元)
_PAY: Final = re.compile("发放|支出|用于|慰问|救助|资助|补助|送去|送出|送上|送达|投入|拨付|下拨|兑现|落实|使用|花费")
#: how far back in its clause a figure's verb (筹集, 计划投入) is looked for
_VERB_REACH: Final = 30


def _verb_clause(view: str, s: int) -> int:
    """Where the clause of the figure at ``s`` starts, at most :data:`_VERB_REACH` back: where
    :func:`raised` and :func:`planned` look for its verb."""
    return after_last(_CLAUSE_PUNCT, view, max(0, s - _VERB_REACH), s)


def raised(view: str, f: Money) -> bool:
    """Money raised or received (共筹集资金182万元, 争取上级资金100万元, 郑三英捐资3万元): a word of
    :data:`_RAISE` before the figure in its clause and none of :data:`_PAY` before that word. Such
    money is summed apart from the money paid out, which it would otherwise count twice
    (筹集资金50万元…发放慰问金40万元 is not 90万元: :mod:`extractor.totals`), and the check of a
    per-household standard does not take it for what was paid (:mod:`extractor.checks.bounds`).
    ``view`` is the report's folded text.

    >>> text = "共筹集慰问资金50万元，发放慰问金40万元，发放筹集的资金10万元，单位自筹资金6万元"
    >>> [raised(text, Money(t, (text.index(t), text.index(t) + len(t)), None)) for t in ("50万元", "40万元", "10万元",
    ...                                                                                   "6万元")]
    [True, False, False, True]
    """
    s = f.span[0]
    start = _verb_clause(view, s)
    word = _RAISE.search(view, start, s)
    # a paying word before it governs it (发放筹集的资金); after it, it names the fund (筹集慰问资金)
    return word is not None and _PAY.search(view, start, word.start()) is None


#: words saying that a figure is a plan, a budget or a target, not what was done (计划投入, 拟安排,
#: 预计, 预算, 目标任务, 任务数, 力争); never 计划生育 (a group: 计划生育特殊家庭), 按计划 or 根据计划
#: (done as planned), 计划内/外, nor a programme's name (“雨露计划”, “春蕾计划”)
_PLAN: Final = re.compile(r"(?<![按照据成])计划(?!生育|内|外|的?完成|[”」』\x22\x27])"
                          r"|拟(?=[安投发慰救筹拨下用资补帮新建于对向为给])|预计|预算|目标任务|任务数|力争")
#: what ends a plan word's reach before the figure: a word saying it was done after all (计划慰问
#: 500户，实际慰问520户 in one clause), or a bracket closing round it (82人(省任务数28人)、上级下拨68人)
_DONE: Final = re.compile("实际|实发|实到|已经|已|完成|累计|[)）]")


def planned(view: str, f: Figure) -> bool:
    """A plan, a budget or a target (计划投入资金100万元, 拟慰问困难职工500户, 预算30万元, 目标任务数28人):
    a word of :data:`_PLAN` before the figure in its clause with no word of :data:`_DONE` between.
    Such a figure is not what was paid or done: the totals list it apart, never added.

    >>> text = "计划投入资金100万元，实际投入98万元，慰问计划生育特殊家庭20户"
    >>> [planned(text, Money(t, (text.index(t), text.index(t) + len(t)), None)) for t in ("100万元", "98万元", "20户")]
    [True, False, False]
    """
    s = f.span[0]
    word = _PLAN.search(view, _verb_clause(view, s), s)
    return word is not None and _DONE.search(view, word.end(), s) is None


class Reader:
    """One report's figures and text as the shapes read them (tables' figures left to tables)."""

    def __init__(self, doc: ReportDoc, facts: Sequence[Fact], tables: Sequence[Span] = ()) -> None:
        self.text = doc.text
        self.view = view = doc.view
        self.groups = _Groups(view)
        figs: list[Fig] = []
        for i, f in enumerate(facts):
            if not isinstance(f, (Money, Count)) or f.value is None \
                    or (tables and any(s <= f.span[0] < e for s, e in tables)):
                continue
            figs.append(Fig(i, f, measure_of(f), self.groups.at(f.span[0]), self._is_rate(f), self._marked(f),
                            f.span[0], f.span[1]))
        figs.sort(key=lambda x: x.start)
        self.figs = figs
        self._starts = [f.start for f in figs]
        self.sents = [span for _, span in doc.sentences]
        self.sentence_at = doc.sentence_at
        # the sentences that hold a figure (most hold none): the shapes read only these
        self.figured = sorted({self.sentence_at(f.start) for f in figs})

    def _is_rate(self, f: Figure) -> bool:
        """A per-unit figure (:func:`per_unit`) or a bound (不低于800元) is not an amount that adds
        up to a total."""
        return f.qualifier is not None or per_unit(self.view, f)

    def _marked(self, f: Figure) -> bool:
        return _TOTAL_BEFORE.search(self.view[max(0, f.span[0] - 16): f.span[0]]) is not None

    def figs_in(self, start: int, end: int) -> list[Fig]:
        """The figures that start in ``[start, end)``, in order (by bisection)."""
        return self.figs[bisect.bisect_left(self._starts, start): bisect.bisect_left(self._starts, end)]

    def paragraph_end(self, p: int) -> int:
        k = self.view.find("\n", p)
        return len(self.view) if k < 0 else k


def _counted(f: Fig) -> str:
    u = _unit(f)
    return LEXICON.counted(u)


def _make(total: Fig, parts: Sequence[Fig], shape: str, certain: bool = True) -> Breakdown:
    """The breakdown; certain only when every part counts what the total counts (households
    against persons, 人次 against 人 need not add up)."""
    f = total.fact
    certain = certain and all(_counted(p) == _counted(total) for p in parts)
    return Breakdown(kind=f.kind, total=f.value, parts=tuple(p.fact.value for p in parts),
                     unit="元" if isinstance(f, Money) else f.unit, span=f.span, total_index=total.index,
                     part_indexes=tuple(p.index for p in parts), part_spans=tuple(p.fact.span for p in parts),
                     shape=shape, certain=certain)


def _partial(total: Fig, parts: Sequence[Fig]) -> bool:
    """Parts that come to less than half their total name some of its groups (其中劳模20名、农民工
    30名 of 120名), not all: a list of subsets, not a breakdown."""
    t, s = interval_of(total.fact), _sum(parts)
    return t is not None and s is not None and s.hi * 2 < t.lo


# --- lists of items ----------------------------------------------------------------------------

@dataclass(slots=True, init=False)
class Item:
    """One item of a list: its figures at the list's own level, and the words before the first."""

    start: int
    end: int
    label: str
    figs: list[Fig]

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, start: int, end: int, label: str, figs: list[Fig]) -> None:
        self.start = start
        self.end = end
        self.label = label
        self.figs = figs


@dataclass(slots=True, init=False)
class Items:
    """The items of a list, and why it stopped: ``end`` (its sentence or span ended), ``word``
    (a total marker, a date, a comparison), ``sibling`` (an item named like the list's total)."""

    items: list[Item]
    stop: str
    at: int

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, items: list[Item], stop: str, at: int) -> None:
        self.items = items
        self.stop = stop
        self.at = at


_LEAD: Final = re.compile(r"^[\s,;:、]*(?:其中|包括|分别为|分别是|分别|有|为|含)?[\s,;:、]*")


def _label(view: str, start: int, end: int) -> str:
    """The words of an item before its first figure, list words and marks stripped."""
    s = view[start:end]
    s = _LEAD.sub("", s)
    m = LEXICON.enumerator.match(s)
    if m is not None:
        s = s[m.end():]
    return s.strip(" ,;:、()")


_RANK: Final = re.compile(r"[A-Za-z0-9一二三四五六七八九十甲乙丙丁]")


def _sibling(label: str, parent: str) -> bool:
    """An item named like the list's own total restates it or is its sibling, not its part:
    b类人员家庭 against c类人员家庭 (the same words but a rank letter or number)."""
    if len(label) < 2 or len(parent) < 2:
        return False
    if label == parent:
        return True
    a, b = _RANK.sub("", label), _RANK.sub("", parent)
    return a == b and len(a) >= 2


def read_items(r: Reader, start: int, end: int, group: int, parent: str = "", continuing: bool = False) -> Items:
    """The items of a list that runs from ``start`` up to ``end`` (within one sentence) at bracket
    group ``group``. A sub-list an item opens (其中, 包括) runs until a figure announced as a total
    closes it (that figure is the item's own: ``…包括A 4名…B 23名，计12.7万元``), an item named
    like the enclosing item, or the end; its figures are not the list's. ``continuing``: the list
    goes on from an earlier sentence, so a first clause that opens with a total ends it at once."""
    items: list[Item] = []
    view = r.view
    end = min(end, start + _LIST_REACH)  # no list runs on for pages: a text of markers stays linear
    cuts = [start] + [m.end() for m in _ITEM_SEP.finditer(view, start, end) if r.groups.at(m.start()) == group]
    # a link word right after a figure ends its item too (困难党员1.5万元和老党员2万元)
    linked = []
    for f in r.figs_in(start, end):
        if f.group != group:
            continue
        w = next((x for x in _LINKS_AFTER if view.startswith(x, f.end)), None)
        if w is not None and f.end + len(w) < end:
            linked.append(f.end + len(w))
    if linked:
        cuts = sorted({*cuts, *linked})
    bounds = list(zip(cuts, [*cuts[1:], end], strict=True))
    nested = False  # inside an item's own sub-list
    owner: Item | None = None
    seps: list[str] = []  # the mark before each item (, 、 or ;; "" for the first)
    for cs, ce in bounds:
        sep = view[cs - 1] if cs > start and view[cs - 1] in ",;、" else ""
        here = [f for f in r.figs_in(cs, ce) if f.group == group and not f.rate]
        first = here[0].start if here else ce
        label = _label(view, cs, first)
        words = view[cs:first]
        if nested:
            assert owner is not None
            if here and (_SUBTOTAL.match(words) or _OPENS_TOTAL.match(words)):
                owner.figs.extend(here)
                owner.end = ce
                nested = False
                continue
            if here and _sibling(label, owner.label):
                nested = False
            else:
                continue
        if here and items and _SUBTOTAL.match(words):
            items[-1].figs.extend(here)  # …23名，计12.7万元: the item's own amount
            continue
        if here and (items or continuing) and (any(w in words for w in LEXICON.list_end) or _OPENS_TOTAL.match(words)):
            return Items(items, "word", cs)
        if here and parent and _sibling(label, parent):
            return Items(items, "sibling", cs)
        m = _MARKER.search(view, cs, ce)
        if m is not None and r.groups.at(m.start()) == group and not view[cs:m.start()].strip(" :") and items:
            if _new_total(seps, len(items) - 1):
                return Items(items[:-1], "word", items[-1].start)
            owner, nested = items[-1], True  # …65户，其中：…: the last item opens a sub-list
            continue
        if m is not None and m.start() > cs + 1 and r.groups.at(m.start()) == group:
            # 27名，包括…: the item opens a sub-list; what comes before the marker is the item
            mine = [f for f in here if f.start < m.start()]
            if mine and _new_total([*seps, sep], len(items)):
                return Items(items, "word", cs)
            if mine:
                item = Item(cs, m.start(), label, mine)
                items.append(item)
                seps.append(sep)
            elif items:
                item = items[-1]
            else:
                continue
            owner, nested = item, True
            continue
        if not here:
            if m is not None and items:  # ，包括：a marker alone opens the last item's sub-list
                owner, nested = items[-1], True
            continue
        if _OWN_LIST.match(view, here[-1].end, ce) and _new_total([*seps, sep], len(items)):
            return Items(items, "word", cs)  # …；特困供养人员450人（其中…）: a total of its own
        items.append(Item(cs, ce, label, here))
        seps.append(sep)
    return Items(items, "end", end)


#: a list of an item's own in brackets right after its figure: 450人（其中集中供养150人…）
_OWN_LIST: Final = re.compile(r"\s*[(（]\s*(?:" + "|".join(map(re.escape, LEXICON.parts_markers)) + ")")


def _new_total(seps: list[str], k: int) -> bool:
    """Whether the ``k``-th item, which opens a list of its own (特困供养人员450人，其中…), is a new
    total rather than a part: a semicolon stands before it in a list whose items a comma or 、
    parts (其中城市低保1200人，农村低保2000人；特困供养人员450人，其中集中供养150人…)."""
    return k >= 2 and len(seps) > k and seps[k] == ";" and seps[1] in (",", "、")


def _part(item: Item, measure: str, totals: set[str]) -> Fig | None:
    """An item's part of a total of ``measure``: its first figure of that measure; a total in 人
    takes a count in 户 (and the reverse) when the list's totals have no figure of that measure."""
    for f in item.figs:
        if f.measure == measure:
            return f
    if measure in _PEOPLE:
        other = _PEOPLE[1 - _PEOPLE.index(measure)]
        if other not in totals:
            for f in item.figs:
                if f.measure == other:
                    return f
    return None


def _parts(items: Sequence[Item], total: Fig, totals: set[str]) -> list[Fig]:
    return [p for item in items if (p := _part(item, total.measure, totals)) is not None]


def _sum(parts: Sequence[Fig]) -> Interval | None:
    ivs = [interval_of(p.fact) for p in parts]
    if any(iv is None for iv in ivs):
        return None
    return total_interval([iv for iv in ivs if iv is not None])


def _meets(total: Fig, parts: Sequence[Fig]) -> bool | None:
    t, s = interval_of(total.fact), _sum(parts)
    return None if t is None or s is None else s.meets(t)


def _short(total: Fig, parts: Sequence[Fig]) -> bool:
    t, s = interval_of(total.fact), _sum(parts)
    return t is not None and s is not None and not s.meets(t) and s.hi < t.lo


def _settle(r: Reader, total: Fig, parts: list[Fig]) -> list[Fig]:
    """Parts that run over their total end where a first run of at least two of them adds up to it,
    when what is left out names another kind of group than what is kept (60岁以上老人83户 after
    因病残家庭43户、一般家庭68户 of 111户 counts a group again; a fourth village or fund of the same
    kind as the first three does not, and the parts simply run over)."""
    t, s = interval_of(total.fact), _sum(parts)
    if t is None or s is None or s.meets(t) or s.hi < t.lo or s.lo < t.hi * _OVERRUN or not _exact(total, parts):
        return parts  # a slip in a split runs over by little; a group counted again, by much
    sums = _running(parts)  # sums[k]: the sum of parts[:k] (each prefix summed once, not k times)
    for k in range(len(parts) - 1, 1, -1):
        if sums[k].meets(t):
            kept = {_head(r, p) for p in parts[:k]}
            if all(_head(r, p) not in kept for p in parts[k:]):
                return parts[:k]
            break
    return parts


#: parts that come to this many times their total or more count some group twice
_OVERRUN: Final = Decimal("1.5")


def _exact(total: Fig, parts: Sequence[Fig]) -> bool:
    """Figures written exactly (no 余, 约, 近): only these can tie a list to a total by arithmetic
    alone (1,000余户 meets a great many sums)."""
    return all(f.fact.approx_word is None for f in (total, *parts))


def _head(r: Reader, f: Fig) -> str:
    """The last character of the words that name a part (家庭 → 庭, 老人 → 人, 资金 → 金)."""
    label = _total_label(r, [f])
    return label[-1:] if label else ""


def _settle_before(total: Fig, parts: list[Fig]) -> list[Fig]:
    """Parts before their total that do not add up to it end where a last run of at least two of
    them does (筹集资金50万元，发放慰问金30万元、物资折款15万元，合计45万元: the 50万 is another
    statement's)."""
    if _meets(total, parts) is not False or not _exact(total, parts):
        return parts
    t = interval_of(total.fact)
    assert t is not None  # _meets said False: the total and every part have an interval
    tails = _running(parts[::-1])  # tails[j]: the sum of the last j parts
    n = len(parts)
    for k in range(1, n - 1):
        if tails[n - k].meets(t):
            return parts[k:]
    return parts


def _running(parts: Sequence[Fig]) -> list[Interval]:
    """The running sums of the parts' intervals: ``[0, p0, p0+p1, …]`` (every part has one); a
    list of n parts tried at each of its lengths costs n additions, not n²/2 (a sentence of
    hundreds of totals, 合计5户，合计5户，…, took seconds a thousand characters)."""
    out = [Interval(Decimal(0), Decimal(0))]
    for p in parts:
        iv = interval_of(p.fact)
        assert iv is not None
        out.append(out[-1] + iv)
    return out


def _continued(r: Reader, end: int, group: int, parent: str) -> Iterator[list[Item]]:
    """The items of the sentences after ``end`` in its paragraph (at most three), sentence by
    sentence, cumulatively: a list a full stop cut may go on there."""
    k = r.sentence_at(end)
    if k < len(r.sents) and r.sents[k][1] <= end:
        k += 1
    para_end = r.paragraph_end(end)
    more: list[Item] = []
    for s, e in r.sents[k:k + 3]:
        if s >= para_end:
            return
        got = read_items(r, s, min(e, para_end), group, parent, continuing=True)
        more = [*more, *got.items]
        yield more
        if got.stop != "end":
            return


def _list_breakdowns(r: Reader, totals: Sequence[Fig], got: Items, shape: str, group: int, parent: str,
                     certain: bool = True, extend: bool = True) -> Iterator[Breakdown]:
    """One breakdown a total over a list's items, settled by the arithmetic (see the module)."""
    measures = {t.measure for t in totals}
    for total in totals:
        parts = _parts(got.items, total, measures)
        if extend and got.stop == "end" and _short(total, parts) and _exact(total, parts):
            counted = {_counted(p) for p in parts} or {_counted(total)}
            for more in _continued(r, got.at, group, parent):
                longer = parts + [p for p in _parts(more, total, measures) if _counted(p) in counted]
                if _meets(total, longer) and _exact(total, longer):
                    parts = longer
                    break
        parts = _settle(r, total, parts)
        if len(parts) >= 2 and not _partial(total, parts):
            yield _make(total, parts, shape, certain and not _open_ended(r, parts) and not _crossing(r, total, parts))


_REMAINDER: Final = re.compile("|".join(map(re.escape, LEXICON.words("breakdown", "remainder"))))
#: each word that names a group of one of the ways a list may divide people (lexicon.toml's
#: breakdown.dimensions), to its dimension
_DIMENSION_OF: Final = {w: dim for dim, words in LEXICON.raw["breakdown"]["dimensions"].items() for w in words}
_DIMENSION: Final = re.compile("|".join(map(re.escape, sorted(_DIMENSION_OF, key=len, reverse=True))))
#: how far before a part its label is read (back to the part before it)
_LABEL_REACH: Final = 16


def _crossing(r: Reader, total: Fig, parts: Sequence[Fig]) -> bool:
    """Parts whose labels name groups of two different dimensions (其中党员800人、女职工600人: party
    and gender; 城市1200人、农村2000人，老年人1500人: area and age): groups that may overlap, so the
    list is no division of its total. A part's label is read back from it to the part before (the
    first part's, to its total when that comes first), its word the one nearest the part (全市城市
    低保对象3200人，其中男性1700人: 男性, not the total's 城市)."""
    seen: set[str] = set()
    before = total.end if total.end <= parts[0].start else 0
    for p in parts:
        words = _DIMENSION.findall(r.view, max(before, p.start - _LABEL_REACH), p.start)
        if words:
            seen.add(_DIMENSION_OF[words[-1]])
        before = p.end
    return len(seen) > 1


def _open_ended(r: Reader, parts: Sequence[Fig]) -> bool:
    """A list that ends in 等 (…残疾人家庭25户等), or whose sentence goes on about what it leaves
    out (…9.6万元，余款由本会年度工作经费支付), need not name every part."""
    end = parts[-1].end
    if r.view.startswith("等", end):
        return True
    stop = r.sents[r.sentence_at(end)][1]
    m = _REMAINDER.search(r.view, end, min(stop, end + 60))
    return m is not None and not r.figs_in(m.start(), min(stop, m.end() + 12))


def _unit(f: Fig) -> str:
    return "元" if isinstance(f.fact, Money) else fold_word(f.fact.unit)


def _choose(candidates: Sequence[Fig], measure: str, unit: str | None) -> Fig | None:
    """The total of a measure among the figures before a list: the nearest, one in the parts'
    own measure word first (转移就业2,034人 before 培训860人次 for parts in 人), then one announced
    as a total (共登记2465名，较上年减少138名。其中…)."""
    same = [c for c in candidates if c.measure == measure and not c.rate]
    for better in ([c for c in same if _unit(c) == unit], [c for c in same if c.marked], same):
        if better:
            marked = [c for c in better if c.marked]
            return (marked or better)[-1]
    return None


def _totals(candidates: Sequence[Fig], items: Sequence[Item]) -> list[Fig]:
    """The totals a list itemizes: one a measure its items count (a total in 人 for items in 户)."""
    firsts: dict[str, str] = {}
    for item in items:
        for f in item.figs:
            firsts.setdefault(f.measure, _unit(f))
    out: list[Fig] = []
    for measure in dict.fromkeys(c.measure for c in candidates):
        other = _PEOPLE[1 - _PEOPLE.index(measure)] if measure in _PEOPLE else None
        if measure in firsts or other in firsts:
            total = _choose(candidates, measure, firsts.get(measure) or firsts.get(other or ""))
            if total is not None:
                out.append(total)
    return out


# --- the registry -------------------------------------------------------------------------------

@dataclass(slots=True)
class Shape:
    """A named recognizer of one way reports write a breakdown."""

    name: str
    description: str
    example: str
    find: Callable[[Reader], Iterator[Breakdown]]


SHAPES: Final[dict[str, Shape]] = {}


def shape(name: str, description: str, example: str) -> Callable[[Callable[[Reader], Iterator[Breakdown]]],
                                                                   Callable[[Reader], Iterator[Breakdown]]]:
    """Register a recognizer under a stable name."""

    def register(fn: Callable[[Reader], Iterator[Breakdown]]) -> Callable[[Reader], Iterator[Breakdown]]:
        if name in SHAPES:
            raise ValueError(f"shape {name!r} registered twice")
        SHAPES[name] = Shape(name, description, example, fn)
        return fn

    return register


@shape("parenthesized", "总数后括号内列出分项", "补贴资金119万元（省资金40.16万元、市资金78.84万元）")
def parenthesized(r: Reader) -> Iterator[Breakdown]:
    view = r.view
    for gid, opened in r.groups.opened.items():
        before = r.figs_in(max(0, opened - 40), opened)
        if not before or view[before[-1].end:opened].strip() or before[-1].group != r.groups.parent[gid]:
            continue
        total = before[-1]
        close = _closing(view, opened)
        inner = view[opened + 1: close]
        if _TARGET.search(inner) and not _TARGET.search(_total_label(r, [total])):
            continue  # (其中，省任务数28人…): targets, not parts
        got = read_items(r, opened + 1, close, gid)
        yield from _list_breakdowns(r, [total], got, "parenthesized", gid, "",
                                    certain=not inner.lstrip(" ,:").startswith("含"), extend=False)


def _closing(view: str, opened: int) -> int:
    depth = 0
    for k in range(opened, min(len(view), opened + 400)):
        c = view[k]
        if c in "(【[":
            depth += 1
        elif c in ")】]":
            depth -= 1
            if depth == 0:
                return k
    return min(len(view), opened + 400)


@shape("parts_marker", "总数之后用“其中／包括／分别为”列出分项",
       "共慰问困难家庭700余户，其中计划生育伤残家庭2户、单亲家庭150余户")
def parts_marker(r: Reader) -> Iterator[Breakdown]:
    view = r.view
    for n in r.figured:
        ss, se = r.sents[n]
        for m in _MARKER.finditer(view, ss, se):
            ms, me = m.span()
            group = r.groups.at(ms)
            if group and view[r.groups.opened[group] + 1: ms].strip(" ,:") == "":
                continue  # (其中…): the parenthesized shape's
            candidates = [f for f in r.figs_in(max(ss, ms - _LIST_REACH), ms) if f.group == group][-_REACH:]
            semi = view.rfind(";", ss, ms)  # …2000人；特困供养人员450人，其中…: the total is in the marker's
            if semi >= 0 and any(f.start > semi for f in candidates):  # own statement
                candidates = [f for f in candidates if f.start > semi]
            if not candidates and m.group() == "其中" and n > 0 and not view[ss:ms].strip(" ,:"):
                ps, pe = r.sents[n - 1]  # 共慰问700余户。其中，低保户…: the total stands just before
                candidates = [f for f in r.figs_in(ps, pe) if f.group == 0]
            if m.group() != "其中":
                # 分别为 and 包括 split a stated total (全镇共有贫困户235户，三个村分别为86户、72户), or
                # the figure they follow (资金138.5万元，分别为：…; 27名，包括…)
                candidates = [f for f in candidates if f.marked or not view[f.end:ms].strip(" ,:")]
            got = read_items(r, me, se, group, _total_label(r, candidates))
            yield from _list_breakdowns(r, _totals(candidates, got.items), got, "parts_marker", group,
                                        _total_label(r, candidates))
        yield from _among(r, n)


def _total_label(r: Reader, candidates: Sequence[Fig]) -> str:
    """The words that name the list's total: its clause up to the figure (现有低保户218户)."""
    if not candidates:
        return ""
    f = candidates[-1]
    start = after_last(_CLAUSE_PUNCT, r.view, max(0, f.start - 30), f.start)
    return _label(r.view, start, f.start)


def _among(r: Reader, n: int) -> Iterator[Breakdown]:
    """``现有低保户218户，…。现有低保户中：a类…65户…``: a group restated before 中 opens the list of the
    figure that counted it."""
    ss, se = r.sents[n]
    view = r.view
    if view.find("中", ss, min(se, ss + 18)) < 0:
        return
    m = _AMONG.match(view, ss) or _AMONG.search(view, ss, min(se, ss + 16))
    if m is None or r.figs_in(ss, m.start()):
        return
    group_words = m.group(1)
    candidates = [f for k in range(max(0, n - 3), n) for f in r.figs_in(*r.sents[k])
                  if f.group == 0 and _total_label(r, [f]).endswith(group_words)]
    if not candidates:
        return
    got = read_items(r, m.end(), se, 0, group_words)
    yield from _list_breakdowns(r, _totals(candidates, got.items), got, "parts_marker", 0, group_words)


@shape("outline", "一行列总数，其下逐行列分项（编号行或“地区＋数字”行）",
       "一、中央财政衔接资金（5273万元）\n（一）支持产业发展2993.7万元；\n（二）易地扶贫搬迁后续扶持项目1050万元；")
def outline(r: Reader) -> Iterator[Breakdown]:
    lines = _lines(r.view)
    for k, (s, e) in enumerate(lines[:-1]):
        line = r.view[s:e].rstrip()
        heading = LEXICON.heading.match(r.view, s) is not None
        if not (line.endswith(":") or heading):
            continue  # only a heading, or a line that opens a list with a colon, has lines under it
        head = r.figs_in(s, e)
        if not head and k > 0 and len(line.strip()) <= _OPENER_LINE and line.endswith(":"):
            head = r.figs_in(*lines[k - 1])  # 共发放120万元。\n其中：\n…: the line before states the total
        if not head:
            continue
        children, nested = _children(r, lines, k)
        if len(children) < 2:
            continue
        yield from _outline_breakdowns(r, head, children, heading)
        for parent, block in nested:
            if len(block) >= 2:
                yield from _outline_breakdowns(r, r.figs_in(*parent), block, False)


def _lines(view: str) -> list[Span]:
    out, start = [], 0
    while start <= len(view):
        end = view.find("\n", start)
        end = len(view) if end < 0 else end
        out.append((start, end))
        start = end + 1
    return out


def _form(line: str) -> str | None:
    m = LEXICON.enumerator.match(line)
    return m.lastgroup if m is not None else None


def _children(r: Reader, lines: Sequence[Span], k: int) -> tuple[list[Span], list[tuple[Span, list[Span]]]]:
    """The lines under line ``k``: lines of one enumerator form (（一）…（七）), or short lines of a
    label and a figure when line ``k`` ends in a colon; a 其中 line and the unnumbered lines after
    it are the sub-lines of the line before them. Returns the children and each child's sub-lines."""
    view = r.view
    own = _form(view[lines[k][0]:lines[k][1]])
    first = view[lines[k + 1][0]:lines[k + 1][1]]
    form = _form(first)
    if form is not None and form == own:
        return [], []
    children: list[Span] = []
    nested: list[tuple[Span, list[Span]]] = []
    block: list[Span] | None = None
    for s, e in lines[k + 1:k + 1 + _REACH]:
        line = view[s:e]
        if not line.strip():
            break
        this = _form(line)
        if form is not None and this == form:
            children.append((s, e))
            block = None
            continue
        if children and line.lstrip().startswith("其中") and r.figs_in(s, e):
            block = []
            nested.append((children[-1], block))
            block.append((s, e))
            continue
        if block is not None and this is None and r.figs_in(s, e):
            block.append((s, e))
            continue
        if form is None and this is None and e - s <= _CHILD_LINE_MAX and r.figs_in(s, e):
            children.append((s, e))
            continue
        break
    return children, nested


def _outline_breakdowns(r: Reader, head: Sequence[Fig], children: Sequence[Span], heading: bool
                        ) -> Iterator[Breakdown]:
    items = [Item(s, e, "", [f for f in r.figs_in(s, e) if f.group == r.groups.at(s) and not f.rate])
             for s, e in children]
    candidates = [f for f in head if not f.rate]
    measures = {f.measure for f in candidates}
    for total in _totals(candidates, items):
        parts = [_part(item, total.measure, measures) for item in items]
        found = [p for p in parts if p is not None]
        if len(found) >= 2 and not _partial(total, found):
            yield _make(total, found, "outline", certain=len(found) == len(parts))


_OPENER: Final = re.compile(r":|按[^,;:。]{1,8}分\s*,")
_SCOPE: Final = re.compile(r"全(?:[镇县区市村乡]|街道)|" + _TOTAL_WORD)


@shape("restated_list", "列表（冒号或“按…分”之后）之和恰为前文已述的总数",
       "累计投入资金1380万元。项目资金主要用于四个方面：周转金560万元；改造410万元；建设230万元；培训180万元")
def restated_list(r: Reader) -> Iterator[Breakdown]:
    """A list opened by a colon or 按…分 whose parts add up to a figure stated just before it (in
    its sentence or the three before, in its paragraph): the arithmetic, not a word, ties them, so
    only a breakdown that adds up is read this way."""
    view = r.view
    for n in r.figured:
        ss, se = r.sents[n]
        m = _OPENER.search(view, ss, se)
        if m is None or r.groups.at(m.start()) != 0 or len(r.figs_in(m.end(), se)) < 2:
            continue
        got = read_items(r, m.end(), se, 0)
        back = [k for k in range(max(0, n - 3), n + 1)]
        while len(back) > 1 and LEXICON.heading.match(view, r.sents[back[-1]][0]) is None \
                and any(LEXICON.heading.match(view, r.sents[k][0]) for k in back[:-1]):
            back = back[1:]  # not across a heading
        candidates = [f for k in back for f in r.figs_in(*r.sents[k])
                      if f.start < m.start() and f.group == 0 and not f.rate][-_REACH:]
        measures = {f.measure for f in candidates}
        for measure in dict.fromkeys(f.measure for item in got.items for f in item.figs):
            for total in reversed([c for c in candidates if c.measure == measure]):
                parts = _parts(got.items, total, measures)
                if len(parts) >= 2 and _adds_up(total, parts):
                    yield _make(total, parts, "restated_list")
                    break


def _near(total: Fig, parts: Sequence[Fig]) -> bool:
    """A quick test before the interval arithmetic: the values' sum lies within the figures'
    places of the total's value (never false where the intervals meet)."""
    values = [p.fact.value for p in parts]
    tv = total.fact.value
    if tv is None or any(v is None for v in values):
        return False
    slack = total.fact.quantum + sum(p.fact.quantum for p in parts)
    return abs(sum(v for v in values if v is not None) - tv) <= slack


def _adds_up(total: Fig, parts: Sequence[Fig]) -> bool:
    """Parts that add up to their total, none of them the total itself, the total a figure of
    some size (1 + 1 = 2 ties anything to anything)."""
    value = total.fact.value
    return bool(_meets(total, parts)) and value is not None and abs(value) >= 10 and _exact(total, parts) \
        and all(p.fact.value != value for p in parts)


# how far after a whole's figure a figure of another measure is stated for the whole too
_BESIDE: Final = 12
_SENTENCE_END: Final = re.compile(f"[{re.escape(SENTENCE_ENDS)}]")


@shape("parts_before", "分项在前，其后以“全镇／共”等述及其和",
       "城市低保对象67户……；农村低保对象707户……。对全镇774户城乡低保对象进行复核")
def parts_before(r: Reader) -> Iterator[Breakdown]:
    """A figure stated for the whole (全镇, 共, or right beside such a figure of another measure:
    两镇合计慰问150户，发放7.5万元) after the figures of its parts in its paragraph, in the same
    measure word: the parts are all of them, and only when they add up to it."""
    view = r.view
    prev: Fig | None = None  # the figure before, when it is stated for the whole
    for f in r.figs:
        scoped = _SCOPE.search(view, max(0, f.start - 8), f.start) is not None
        # totals stated side by side: 两镇合计慰问150户，发放7.5万元 (the amount is the whole's too)
        beside = prev is not None and not scoped and prev.measure != f.measure and f.start - prev.end <= _BESIDE \
            and not _SENTENCE_END.search(view, prev.end, f.start)
        prev = f if scoped and not f.group and not f.rate else None
        if f.group or f.rate or not (scoped or beside):
            continue
        para = view.rfind("\n", 0, f.start) + 1
        before = r.figs_in(para, f.start)
        if len(before) > _REACH:
            continue  # a paragraph of a hundred figures states no whole of all of them
        parts = [p for p in before if p.group == 0 and not p.rate and _unit(p) == _unit(f) and not p.marked]
        if len(parts) >= 2 and _near(f, parts) and _adds_up(f, parts):
            yield _make(f, parts, "parts_before")


@shape("enumerated_clauses", "总数之后用“一是…二是…”逐条列出分项",
       "全年共筹集送温暖资金126万元：一是争取上级工会资金60万元；二是本级财政拨付40万元")
def enumerated_clauses(r: Reader) -> Iterator[Breakdown]:
    view = r.view
    for total in r.figs:
        if not total.marked:
            continue
        m = re.match(r"[^一。\n]{0,4}[,:;。]?\s*", view[total.end: total.end + 6])
        start = total.end + (m.end() if m else 0)
        if not view.startswith(LEXICON.list_markers[0], start):
            continue
        parts: list[Fig] = []
        pos = start
        for marker in LEXICON.list_markers:
            mk = view.find(marker, pos, pos + 400)
            if mk < 0:
                break
            nxt = min((x for x in (view.find("。", mk), view.find("\n", mk)) if x >= 0), default=len(view))
            item = next((f for f in r.figs_in(max(mk, total.end), nxt) if _compatible(total, f) and not f.rate), None)
            if item is None:
                break
            parts.append(item)
            pos = item.end
        if len(parts) >= 2:
            yield _make(total, parts, "enumerated_clauses")


def _compatible(a: Fig, b: Fig) -> bool:
    return a.measure == b.measure or (a.measure in _PEOPLE and b.measure in _PEOPLE)


@shape("clause_total", "分项在前，“合计／共计／总计”分句在后", "A 20台、B 35副，共计发放辅助器具117件")
def clause_total(r: Reader) -> Iterator[Breakdown]:
    for n in r.figured:
        here = r.figs_in(*r.sents[n])
        for k, f in enumerate(here):
            if _CLAUSE_TOTAL.search(r.view[max(0, f.start - 16): f.start]) is None:
                continue
            earlier = [p for p in here[max(0, k - _REACH):k] if p.group == f.group and not p.rate and _compatible(f, p)]
            earlier = _settle_before(f, earlier)
            if len(earlier) >= 2 and "其中" not in r.view[earlier[0].start: f.start] and not _partial(f, earlier):
                yield _make(f, earlier, "clause_total")


@shape("above_total", "列表之后“以上…合计”", "其中，A捐赠5万元，B捐赠3万元。以上捐款共计8万元")
def above_total(r: Reader) -> Iterator[Breakdown]:
    view = r.view
    for n in r.figured:
        ss, se = r.sents[n]
        for f in r.figs_in(ss, se):
            if _ABOVE_TOTAL.match(view, ss, f.start) is None:
                continue
            parts: list[Fig] = []
            for m in range(n - 1, max(-1, n - 1 - _REACH), -1):
                ps, pe = r.sents[m]
                line = view[ps:pe]
                if LEXICON.section.match(line) or line.rstrip().endswith((":", "：")):
                    break
                cut = max(line.rfind("其中"), line.rfind(":"), line.rfind("："))
                start = ps + cut + 1 if cut >= 0 else ps
                found = [p for p in r.figs_in(start, pe) if _compatible(f, p) and not p.rate and p.group == 0]
                if not found:
                    break
                parts[:0] = found
                if cut >= 0 or "\n" not in view[pe - 1: pe + 1]:
                    break  # a sentence within a paragraph, or the list's opening: the list ends here
            parts = _settle_before(f, parts)
            if len(parts) >= 2:
                yield _make(f, parts, "above_total")


# --- all together ------------------------------------------------------------------------------

def find_breakdowns(doc: ReportDoc) -> list[Breakdown]:
    """Breakdowns of a report over its facts (``doc.facts``: indexes into them are kept): the
    tables' (``doc.grid``, see :mod:`extractor.structure.tables`), then each shape's in the order
    of :data:`SHAPES`."""
    facts, tables = doc.facts, doc.grid
    if sum(1 for f in facts if isinstance(f, (Count, Money))) < 3:
        return []  # a total and two parts are three figures: a report with fewer has no breakdown
    reader = Reader(doc, facts, tables.spans if tables is not None else ())
    out: list[Breakdown] = []
    seen: set[tuple[int, ...]] = set()
    claimed: dict[int, set[int]] = {}
    found = [*(tables.breakdowns(facts) if tables is not None else ())]
    for s in SHAPES.values():
        found.extend(s.find(reader))
    for b in found:
        # one total may be itemized twice (by source, and by cash and goods); never the same way
        key = (b.total_index, *b.part_indexes)
        if key in seen or len(b.parts) < 2 or claimed.get(b.total_index, set()) & set(b.part_indexes):
            continue
        seen.add(key)
        claimed.setdefault(b.total_index, set()).update(b.part_indexes)
        out.append(b)
    out.sort(key=lambda b: b.span)
    return out

