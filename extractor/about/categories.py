"""What each figure is about: its subject, its category in the taxonomy, its place and unit.

The stage after breakdowns. Each clause that holds a count or an amount (segmented once a
report: the counts stage read the same clauses) is read by the spaCy SpanRuler
(``ruler.named_spans_of``: groups, funds, organizations, places, one ``Doc`` a report); the
groups and funds its sentence named before it come from the report's :class:`topics.Topics`
(so that ``慰问困难职工53名，发放12.5万元`` tells the amount's purpose).

- A count's subject is the noun phrase the count names (``counts.find_subject``; a list cut at
  ``、`` is read whole), else the group named nearest before it in its sentence, else after it
  in its clause; an amount's subject is the fund phrase next to it, else the fund (or list of
  funds: 慰问金及慰问物资) named nearest before it in its sentence, then after it in its clause.
- The category is the taxonomy's (longest term in the subject); when no term fits or two tie, the
  classifier of ``models/subject_<kind>`` decides, or abstains. With nothing in its sentence:
  an event's measure word (2场 → activities); the group or fund its section named last; the same
  figure stated with words elsewhere (a table's 合计); a breakdown part takes its total's; the
  report's campaign's fund or group. An amount after a loss or income word (直接经济损失) has
  none. Null categories carry a reason; ``category_by`` says which rule decided.
- ``region`` is the place or named unit the text ties to the figure (:mod:`.regions`: a table
  row's header, the place named before it in its clause, the unit visited, the head of its list
  item or line; never the report's own place), ``org`` an organization named before it in its
  clause; a subject that is a place (not the report's own) or an organization (``地直``) is moved
  there.

>>> from extractor.facts import extract_facts
>>> from extractor.reportdoc import ReportDoc
>>> text = "慰问困难职工53名，发放慰问金12.5万元。"
>>> doc = ReportDoc("<t>", 0, None, text, text, facts=extract_facts(text))
>>> [(f.text, f.subject, f.category, f.category_by) for f in categorize(doc)]
[('53名', '困难职工', 'needy_workers', 'taxonomy'), ('12.5万元', '慰问金', 'condolence_money', 'taxonomy')]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ..changed import changed
from ..facts.subjects import PEOPLE_END, find_subject
from ..lang.chars import fold, fold_word
from ..lang.lexicon import LEXICON
from ..lang.segment import Nearby, Token
from ..model import Breakdown, Count, Fact, Money, Span, categorized
from ..structure.topics import Topics, within
from .classify import load_model
from .phrases import aid_after, line_head, trimmed, weakness
from .regions import Regions
from .ruler import named_spans_of
from .spans import NamedSpan, named_span
from .taxonomy import TAXONOMY, Kind

if TYPE_CHECKING:
    from ..reportdoc import ReportDoc

__all__ = ["campaign", "categorize", "classify_phrase", "compatible", "doctype", "doctype_features"]

# how far back into its sentence a figure's group or fund is looked for (慰问困难职工53名，发放
# 12.5万元), and how far past a figure its clause's names may stand and still be its own
_BACK: Final = 40
_AFTER: Final = 12
# how far around a figure its clause's words and names are read
_READ: Final = 80
_NAMED: Final[tuple[tuple[Kind, str], ...]] = (("group", "GROUP"), ("fund", "FUND"))

Categorized = tuple[str | None, str | None, float | None, str | None]  # category, by, confidence, reason


@lru_cache(maxsize=65536)
def classify_phrase(phrase: str | None, kind: Kind) -> Categorized:
    """The category of a subject phrase: the taxonomy's term, else the classifier's answer, else
    None with the reason (remembered: a pure function of the phrase, and phrases recur)."""
    if not phrase:
        return None, None, None, "no_subject"
    if kind == "fund":
        joint = _coordinated_funds(phrase)
        if joint is not None:
            return joint, "taxonomy", None, None
    if kind == "group":
        joint = _coordinated_groups(phrase)
        if joint is not None:
            return joint, "taxonomy", None, None
    m = TAXONOMY.match(phrase, kind)
    if m is not None:
        return m.category, "taxonomy", None, None
    if TAXONOMY.has_generic(phrase, kind):
        return None, None, None, "generic"
    p = load_model(f"subject_{kind}").predict(phrase)
    if p.label is None:
        return None, None, round(p.confidence, 3), "abstained"
    if p.label not in TAXONOMY:
        return None, None, round(p.confidence, 3), "no_category"
    return p.label, "classifier", round(p.confidence, 3), None


# the words that join the items of a list (困难劳模及职工, 慰问金、慰问品)
_LINK_WORDS: Final = LEXICON.list_links
_AND: Final = re.compile("|".join(map(re.escape, _LINK_WORDS)))

# what a count's measure word allows it to count (folded units): people and households are
# groups of people helped or staff; events are activities; the rest are things
_UNIT_UNITS: Final = LEXICON.units["organization"]  # asked first: 家 counts bodies as well as households
_PEOPLE_UNITS: Final = (LEXICON.units["person"] | LEXICON.units["household"]) - _UNIT_UNITS
_EVENT_UNITS: Final = LEXICON.units["event"]
_PLACE_UNITS: Final = LEXICON.units["place"]


@lru_cache(maxsize=4096)
def compatible(category: str | None, unit: str) -> bool:
    """Whether a count with measure word ``unit`` can count ``category`` (40名 cannot count goods,
    2次 cannot count 困难职工)."""
    if category is None or category not in TAXONOMY:
        return True
    c = TAXONOMY[category]
    u = fold(unit)
    if u in _PEOPLE_UNITS:
        return c.beneficiary or category == "staff_volunteers"
    if u in _EVENT_UNITS:
        return category == "activities"
    if u in _UNIT_UNITS:
        return category in ("units", "staff_volunteers") or (u == "家" and c.beneficiary)
    if u in _PLACE_UNITS:
        return category in ("facilities", "units")
    if u == "个":
        return not c.beneficiary
    return category in ("goods", "staff_volunteers")  # 床, 袋, 份, 支...
_GOODS_FUNDS: Final = frozenset({"goods_value"})


def _conjunct_categories(phrase: str, kind: Kind) -> list[str] | None:
    """The categories of the conjuncts of ``A及B``, ``A、B和C`` in order, when at least two of
    them name one; else None."""
    parts = [p for p in _AND.split(phrase) if p]
    cats = [m.category for m in (TAXONOMY.match(p, kind) for p in parts) if m is not None]
    return cats if len(parts) >= 2 and len(cats) >= 2 else None


def _coordinated_funds(phrase: str) -> str | None:
    """``慰问金及慰问物资`` (cash and goods) is a 款物 total; ``慰问金及特殊困难帮扶金`` is what
    its first fund says; None when the phrase is not a coordination of funds."""
    cats = _conjunct_categories(phrase, "fund")
    if cats is None:
        return None
    if any(c in _GOODS_FUNDS for c in cats) and any(c not in _GOODS_FUNDS for c in cats):
        return "donations_total"
    return cats[0]


_GENERAL_GROUPS: Final = ("needy_workers", "needy_residents")


def _coordinated_groups(phrase: str) -> str | None:
    """``困难劳模及职工``, ``困难职工、困难农民工和劳动模范``: a list of groups with a general group in
    it (困难职工, 困难群众) is mostly that group; otherwise the first group listed."""
    cats = _conjunct_categories(phrase, "group")
    if cats is None:
        return None
    return next((g for g in _GENERAL_GROUPS if g in cats), cats[0])


def categorize(doc: ReportDoc) -> tuple[Fact, ...]:
    """The report's facts with subject, category, region and org filled in for counts and money,
    its breakdowns' parts reading their totals. The report's campaign (``doc.campaign``) gives
    amounts that do not say their fund one."""
    text, facts = doc.text, doc.facts
    campaign_id = doc.campaign["id"] if doc.campaign else None
    targets = [i for i, f in enumerate(facts) if isinstance(f, (Count, Money))]
    if not targets:
        return facts
    out = list(facts)
    # a table's notes (备注: 含低保户10户) speak of their own figures only, not of the row's others
    notes = doc.grid.notes() if doc.grid is not None else []
    topics = Topics(text, doc.view, doc.sections, asides=notes) if notes else doc.topics
    regions = Regions(doc.title, text, doc.view, [facts[i].span for i in targets])
    windows, members, reach = _windows(doc, targets)
    segmented = doc.tokens(windows)
    for (cs, _), lo, here, tokens, own in zip(windows, reach, members, segmented, named_spans_of(segmented, text),
                                             strict=True):
        # the groups and funds its sentence named before the clause, then the clause's own names
        # (each kind's terms are in order, none overlapping: sorted when both kinds are there)
        said = [[named_span(label, m.start, m.end, text[m.start:m.end], m.category)
                 for m in topics.between(kind, lo, cs)] for kind, label in _NAMED] if lo < cs else []
        spans = [n for named in said for n in named]
        if sum(map(bool, said)) > 1:
            spans.sort(key=lambda n: (n.start, -(n.end - n.start), n.label))
        spans += own  # as written, not folded
        names = _Around(spans, min((n.end for n in spans), default=0))
        words = _Around(tokens, tokens[0].end if tokens else 0)  # in order, none overlapping
        for i in here:
            f = facts[i]
            assert isinstance(f, (Count, Money))
            # what stands around the figure (a clause of a thousand figures stays linear)
            fs, fe = f.span
            near = names.around(fs, fe)
            if notes and not within(notes, fs):
                near = [n for n in near if not within(notes, n.start)]
            clause = _new_clause(_Clause, (text, words.around(fs, fe), near, cs, topics, campaign_id, regions))
            out[i] = _about(f, clause)
        _follow(out, here, text)
    _same_figures(out)
    for b in doc.breakdowns:
        _inherit(out, b)
    _pairs(out)
    return tuple(out)


class _Around:
    """A clause's tokens or names (ordered by start) read around each of its figures, ``_READ``
    characters each way: all of them when they all reach into a figure's window (most clauses are
    shorter than that: read as they are, the same list), else the few :class:`Nearby` finds."""

    def __init__(self, items: list[Any], ends: int) -> None:
        self.items = items
        self._ends = ends  # every item ends after this
        self._starts = items[-1].start if items else 0  # and starts at or before this
        self._nearby: Nearby[Any] | None = None

    def around(self, start: int, end: int) -> list[Any]:
        """What ``Nearby(items).around(start, end, _READ, _READ)`` reads (the items that reach into
        ``[start - _READ, end + _READ)``), not to be changed."""
        if self._ends > start - _READ and self._starts < end + _READ:
            return self.items
        if self._nearby is None:
            self._nearby = Nearby(self.items)
        return self._nearby.around(start, end, _READ, _READ)


def _windows(doc: ReportDoc, targets: list[int]) -> tuple[list[Span], list[list[int]], list[int]]:
    """The clauses holding targets (what the ruler reads: the clauses the counts stage segmented),
    the targets of each, and how far back into its sentence each one's names are looked for (at
    most _BACK characters)."""
    groups = doc.by_clause([doc.facts[i].span[0] for i in targets])
    sent_starts = [s for _, (s, _) in doc.sentences]
    reach: list[int] = []
    si = 0
    for (cs, _), _ in groups:
        while si + 1 < len(sent_starts) and sent_starts[si + 1] <= cs:
            si += 1
        start = sent_starts[si] if sent_starts and sent_starts[si] <= cs else cs
        reach.append(max(start, cs - _BACK))
    return [span for span, _ in groups], [[targets[k] for k in ks] for _, ks in groups], reach


# what stands between an amount and the one it is raised or lowered to (560元提高到600元)
_RAISED: Final = re.compile("(?:的)?[，,]?(?:提高|增加|上调|调整|提升|降低|下调)?(?:到|至|为)")


def _follow(out: list[Fact], here: list[int], text: str) -> None:
    """A count right after another (建档立卡贫困户1142户4105人) counts the same group; an amount
    raised to another (从原来的560元提高到600元) pays the same."""
    for a, b in itertools.pairwise(here):
        prev, cur = out[a], out[b]
        if type(prev) is not type(cur):
            continue
        assert isinstance(prev, (Count, Money)) and isinstance(cur, (Count, Money))
        if isinstance(prev, Count) and isinstance(cur, Count) and 0 <= cur.span[0] - prev.span[1] <= 1:
            if cur.category is None and prev.category is not None and compatible(prev.category, cur.unit):
                out[b] = _adopt(cur, prev, "context", keep_subject=False)
            elif cur.subject is None and prev.subject is not None:
                out[b] = changed(cur, subject=prev.subject, subject_span=prev.subject_span)
        elif isinstance(cur, Money) and cur.subject is None and _RAISED.fullmatch(text, prev.span[1], cur.span[0]):
            out[b] = changed(cur, subject=prev.subject, subject_span=prev.subject_span)


def _adopt(f: Count | Money, src: Count | Money, by: str, keep_subject: bool = True) -> Count | Money:
    """``f`` with the category of ``src`` (decided ``by`` context, the same figure or its
    breakdown), and ``src``'s subject unless ``f`` has one of its own and keeps it."""
    own = keep_subject and f.subject is not None
    return changed(f, category=src.category, category_by=by, category_reason=None, category_confidence=None,
                   subject=f.subject if own else src.subject, subject_span=f.subject_span if own else src.subject_span)


# how a category was decided when the figure's own words decide it
_OWN: Final = frozenset({"taxonomy", "classifier", "context", "unit"})


def _same_figures(out: list[Fact]) -> None:
    """A figure whose category comes from no words of its own (a table's 合计 412户) takes the
    category of the same figure stated with words elsewhere in the report (慰问困难职工…412户)."""
    said: dict[tuple[str, object, str], int] = {}
    for i, f in enumerate(out):
        if isinstance(f, (Count, Money)) and f.category_by in _OWN and f.value:
            said.setdefault(_figure_key(f), i)
    for i, f in enumerate(out):
        if not isinstance(f, (Count, Money)) or f.category_by in _OWN or not f.value:
            continue
        j = said.get(_figure_key(f))
        if j is None or j == i:
            continue
        src = out[j]
        assert isinstance(src, (Count, Money))
        out[i] = _adopt(f, src, "same_figure")


def _figure_key(f: Count | Money) -> tuple[str, object, str]:
    return (f.kind, f.value, fold_word(f.unit) if isinstance(f, Count) else "元")


Subject = tuple[str, Span] | None


class _Clause(NamedTuple):
    """What a figure's category is read from: its clause's tokens, the names of its sentence up to
    the clause's end (``spans``), where the clause starts, the report's topics and campaign, and
    what ties its figures to places (``regions``)."""

    text: str
    tokens: list[Token]
    spans: list[NamedSpan]
    start: int
    topics: Topics
    campaign: str | None
    regions: Regions


# a _Clause made without the Python-level ``__new__`` of a NamedTuple (one a figure)
_new_clause: Final[Callable[[type[_Clause], tuple[str, list[Token], list[NamedSpan], int, Topics, str | None, Regions]],
                            _Clause]] = tuple.__new__


def _about(f: Count | Money, c: _Clause) -> Count | Money:
    start, end = f.span
    local = [s for s in c.spans if s.start >= c.start and s.end <= end + _AFTER]
    region = f.region or c.regions.of(f.span, local)
    org = _text(_named(local, "ORG", start, end, after=False))
    if isinstance(f, Count):
        subject: Subject = (f.subject, f.subject_span) if f.subject and f.subject_span else None
        named = _place_or_org(subject[1], c.spans) if subject else None
        if subject and named is not None and TAXONOMY.match(subject[0], "group") is None \
                and fold_word(f.unit) in _PEOPLE_UNITS:  # 24个基层红十字会: the bodies counted stay its subject
            place = None if c.regions.own(subject[1]) else subject[0]  # not the report's own place
            region, org = (place, org) if named.label == "PLACE" else (region, subject[0])
            subject = None
        elif subject and _PLACE_END.search(subject[0]) and fold_word(f.unit) in _PEOPLE_UNITS:
            subject = None  # 保华镇2户10人: where, not who (its breakdown's total says who)
        if subject is None:  # 582户享受了最低生活保障; 一、学前教育资助：386人
            subject = aid_after(c.text, end) or _head_right_before(c.text, start)
        subject, (category, by, conf, reason) = _count_category(f, subject, c, local)
    else:
        subject, (category, by, conf, reason) = _money_category(f, c, local)
    return categorized(f, subject[0] if subject else None, subject[1] if subject else None, category, by, conf, reason,
                       region, org)


def _after(subject: Subject, end: int) -> bool:
    """Whether a subject follows its count's measure word (两个最低生活保障线): what it counts, even
    when the unit cannot count the category its words name."""
    return subject is not None and subject[1][0] >= end


# the end of a place's name (镇, 乡, 街道...): a count's noun phrase ending so names where it is.
# Fewer than the suffixes of data/lexicon/places.txt (regions.place_suffixes): 州, 旗, 盟 and 苏木
# also end common nouns (联盟, 红旗), which a phrase read this way, with no gazetteer behind it,
# would take for places
_PLACE_END: Final = re.compile("(?:镇|乡|街道|村|社区|县|区|市|省)$")


def _head_right_before(text: str, start: int) -> Subject:
    """The head of the ``X：`` line that a figure follows right after its colon."""
    head = line_head(text, start)
    if head is None or text[head[1][1]:start].strip(" \t\u3000：:"):
        return None
    return head


def _count_category(f: Count, subject: Subject, c: _Clause, local: list[NamedSpan]) -> tuple[Subject, Categorized]:
    start, end = f.span
    subject = _with_conjuncts(c.text, subject, c.start)
    decided = classify_phrase(subject[0] if subject else None, "group")
    if decided[0] is not None and not compatible(decided[0], f.unit):
        decided = (None, None, None, "unit_mismatch")
    # a phrase the classifier reads wrong for the unit is still the count's own when it names people
    own = subject if decided[3] != "unit_mismatch" or _names_people(subject) or _after(subject, end) else None
    if decided[0] is None:  # the group named last before it in its sentence that it can count,
        # else the first after it in its clause (将符合条件的312户纳入农村低保)
        fits = [s for s in c.spans if s.label == "GROUP" and compatible(s.id, f.unit)]
        near = (_named([s for s in fits if s.end <= start], "GROUP", start, end, after=False)
                or _named([s for s in fits if s.start >= end and s in local], "GROUP", start, end, after=True))
        if near is not None:  # the count's own subject, when it has one, stays its subject
            decided = _by_context(classify_phrase(near[0], "group"))
            subject = own or near
    if decided[0] is None and fold_word(f.unit) in _EVENT_UNITS:
        decided = ("activities", "unit", None, None)
    if decided[0] is None and not _names_people(own) and fold_word(f.unit) in _PEOPLE_UNITS:
        # people or households of no stated group: the group its section named last (一、基本情况
        # … 慰问困难群众xx户 … a table of 户数 per street), else its campaign's
        unit = f.unit
        carried = _carried(c, "group", lambda g: compatible(g, unit))
        if carried is not None:
            return own or carried[0], carried[1]
    return subject, decided


def _money_category(f: Money, c: _Clause, local: list[NamedSpan]) -> tuple[Subject, Categorized]:
    start, end = f.span
    own: Subject = (f.subject, f.subject_span) if f.subject and f.subject_span else None  # a column's header
    own = own or find_subject([t for t in c.tokens if t.start >= c.start], start, end, c.text)
    if own is not None:
        own = trimmed(*own)
    if own is not None and (_place_or_org(own[1], c.spans) is not None or _PLACE_END.search(own[0])):
        own = None  # 地直6.1万元, 伊吾县3.6万元: where it went, not what it pays
    # the category is read from a phrase that names a fund (为困难职工 53户 12万元: not 困难职工)
    subject = own if own and (TAXONOMY.match(own[0], "fund") is not None
                              or TAXONOMY.has_generic(own[0], "fund")) else None
    decided = classify_phrase(subject[0] if subject else None, "fund")
    near: Subject = None
    if decided[0] is None:
        before = [s for s in c.spans if s.end <= start]
        near = (_listed(c.text, _named(before, "FUND", start, end, after=False), before)
                or _named(local, "FUND", start, end, after=True))
        if near is not None:
            decided = _by_context(classify_phrase(near[0], "fund"))
            subject = subject or near
    shown = _money_subject(f, c, own, near)
    if decided[0] is None and _not_a_fund(c.topics.view, c.start, start, c.spans):
        return shown or subject, (None, None, None, "not_a_fund")
    if decided[0] is None:  # the fund its section named last, else its campaign's
        carried = _carried(c, "fund", lambda _: True)
        if carried is not None:
            return shown or subject or carried[0], carried[1]
    return shown or subject, decided


def _money_subject(f: Money, c: _Clause, own: Subject, near: Subject) -> Subject:
    """What an amount pays, as an auditor names it: the noun next to it (低保金, 项目管理费), unless
    it names only how it is paid; then the goods a ``价值`` amount is the worth of, the head of its
    line (学前教育资助：…金额17.38万元), a specific fund named before it for a generic one (实施生活救助
    91人，发放资金24.70万元), and the recipients named before it for a rate or a verb (重点优抚对象的
    慰问标准平均1500元)."""
    start, end = f.span
    goods = _goods_after(c.text, end) if own is None or own[0] == "价值" else None
    if goods is not None:
        return goods
    weak = weakness(own[0]) if own else None
    if own is not None and _per_head(own, c):
        weak = "rate"  # 人均月补助506.4元
    if own is not None and (weak is None or (weak == "generic" and own[1][0] >= end)):
        return own  # 上百万元资金: a generic noun after the amount is the thing itself
    head = line_head(c.text, start)
    if head is not None and weakness(head[0]) is None:
        return head
    rated = near is not None and _per_head(near, c)
    if near is not None and weakness(near[0]) is None and near[1][1] <= start and not rated:
        return near
    if own is None or weak == "rate":  # the people it is paid to (not a 活动, 单位 or 物资 named)
        before = [s for s in c.spans if s.end <= start and (s.label != "GROUP" or s.id not in TAXONOMY
                                                            or TAXONOMY.helped(s.id))]
        group = _named(before, "GROUP", start, end, after=False)
        if group is not None:
            return group
    if own is None and near is None:  # a table's cells under 各街道低保数据一览表: what its section names
        # (a group that is people helped: money pays no 活动, 单位 or 物资)
        found = (c.topics.last("group", c.start, TAXONOMY.helped), c.topics.last("fund", c.start))
        said = max((m for m in found if m is not None), key=lambda m: m.end, default=None)
        if said is not None:
            return c.text[said.start:said.end], (said.start, said.end)
    return own or near


# the nouns of an act that name no fund of their own after a rate's words (人均月补助506.4元: the
# recipients; 每名助学金3000元 names its fund)
_ACT_NOUN: Final = re.compile("(?:每?[月年])?(?:补助|补贴|救助|资助|慰问)")
_RATE_ACT: Final = re.compile("(?:人均|户均|每人|每户|每名)?(?:每?[月年])?(?:补助|补贴|救助|资助|慰问)")


def _per_head(phrase: tuple[str, Span], c: _Clause) -> bool:
    """Whether a phrase is an act's noun paid per head (人均月补助, 每户慰问): a rate, whose
    subject is its recipients."""
    kind = _rate_act(phrase[0])
    if kind is None:
        return False
    a = phrase[1][0]
    return kind == "rated" or _RATE_BEFORE.search(c.topics.view, max(c.start, a - 4), a) is not None


@lru_cache(maxsize=4096)
def _rate_act(phrase: str) -> str | None:
    """``rated`` for an act's noun with its rate's words (人均月补助), ``act`` for the noun alone
    (补助: a rate when such words stand before it), else None."""
    word = fold(phrase)
    if not _RATE_ACT.fullmatch(word):
        return None
    return "act" if _ACT_NOUN.fullmatch(word) else "rated"


# a rate's words before the noun of an amount (人均月补助)
_RATE_BEFORE: Final = re.compile("(?:人均|户均|每人|每户|每名)(?:每?[月年])?$")


def _goods_after(text: str, end: int) -> Subject:
    """The goods named after ``…元的`` (价值10万元和5万元的夏日慰问物资 → 夏日慰问物资)."""
    m = _GOODS_AFTER.match(text, end, min(len(text), end + 40))
    if m is None or weakness(m.group(1)) is not None or m.group(1).startswith(("标准", "比例")):
        return None
    return m.group(1), m.span(1)


_GOODS_AFTER: Final = re.compile(r"(?:以下|以上|左右|[）)]|[（(][^（()）]{0,12}[）)]|"
                                 r"[和及、][0-9０-９.．余多万千百亿元]{1,12}){0,3}"
                                 r"的([^，,。；;：:、\s（(的]{1,12}?)(?=[，,。；;：:、\s（(]|$)")


def _by_context(decided: Categorized) -> Categorized:
    category, by, conf, reason = decided
    return category, "context" if category else by, conf, reason


def _carried(c: _Clause, kind: Kind, ok: Callable[[str], bool]) -> tuple[Subject, Categorized] | None:
    """The group or fund the figure's section named last (``section``; the subject is that name,
    where it stands), else its campaign's default (``campaign``, no subject); None when neither."""
    said = c.topics.last(kind, c.start, ok)
    if said is not None:
        return (c.text[said.start:said.end], (said.start, said.end)), (said.category, "section", None, None)
    default = None
    if c.campaign and c.campaign in TAXONOMY:
        default = TAXONOMY[c.campaign].group if kind == "group" else TAXONOMY[c.campaign].fund
    return (None, (default, "campaign", None, None)) if default else None


def _names_people(subject: tuple[str, Span] | None) -> bool:
    """Whether a subject is a noun of people (返回人员, 参赛者) — a group the taxonomy does not know,
    which a count of its own keeps rather than take its section's group; 就业 or 全部 is not."""
    return subject is not None and subject[0][-1] in PEOPLE_END


# what an amount is when it is not money paid out: a loss, an income, an output (直接经济损失1860万元,
# 人均纯收入1.12万元, 村集体经济收入15万元以上); such amounts have no fund
_NOT_FUND: Final = re.compile("损失|收入|增收|产值|营业额|利润|GDP|生产总值|存款|余额|价格|单价|房价|工资标准")


def _not_a_fund(view: str, clause_start: int, start: int, spans: list[NamedSpan]) -> bool:
    """Whether the words before an amount in its clause say it is a loss or an income rather than
    a fund, and no fund word stands between them and the amount."""
    said = max((m.end() for m in _NOT_FUND.finditer(view, max(clause_start, start - _READ), start)), default=None)
    if said is None:
        return False
    return not any(s.label == "FUND" and s.start >= said and s.end <= start for s in spans)


def _with_conjuncts(text: str, subject: tuple[str, Span] | None, clause_start: int) -> tuple[str, Span] | None:
    """A subject that is the last conjunct of a list cut at ``、`` (慰问困难职工、困难农民工和劳动模范
    412户: the clause is ``困难农民工和劳动模范412户``) grows to the whole list, as long as each item
    before it ends in a group term."""
    if subject is None:
        return None
    a, b = subject[1]
    lo = max(0, clause_start - _BACK)
    while a > lo + 1 and text[a - 1] == "、":
        item = text[lo:a - 1]
        cut = max(item.rfind(c) for c in "，,。；;：:、\n")
        item = item[cut + 1:]
        ends = [m for m in TAXONOMY.find(item, "group") if m.end == len(item)]
        if not ends:
            break
        a = lo + cut + 1 + min(m.start for m in ends)
    return (text[a:b], (a, b)) if a != subject[1][0] else subject


def _listed(text: str, found: tuple[str, Span] | None, spans: list[NamedSpan]) -> tuple[str, Span] | None:
    """A named fund grown to the list it ends (发放慰问金及慰问物资…21.6万元: ``慰问金及慰问物资``, a
    款物 total, not ``慰问物资``)."""
    if found is None:
        return None
    a, b = found[1]
    while True:
        prev = next((s for s in spans if s.label == "FUND" and s.end < a and text[s.end:a] in _LINK_WORDS), None)
        if prev is None:
            break
        a = prev.start
    return (text[a:b], (a, b)) if a != found[1][0] else found


def _text(found: tuple[str, Span] | None) -> str | None:
    return found[0] if found else None


def _named(spans: list[NamedSpan], label: str, start: int, end: int, after: bool) -> tuple[str, Span] | None:
    """The nearest ``label`` span before the figure (or after it, with ``after``)."""
    best: NamedSpan | None = None
    if after:  # the first by start, the longest of those (the first of equals)
        for s in spans:
            if s.label == label and s.start >= end and (
                    best is None or s.start < best.start
                    or (s.start == best.start and s.end - s.start > best.end - best.start)):
                best = s
    else:  # the last by end, the longest of those (the first of equals)
        for s in spans:
            if s.label == label and s.end <= start and (
                    best is None or s.end > best.end
                    or (s.end == best.end and s.end - s.start > best.end - best.start)):
                best = s
    return (best.text, (best.start, best.end)) if best else None


def _place_or_org(span: Span, spans: list[NamedSpan]) -> NamedSpan | None:
    """The place or organization named exactly at ``span``, if one is."""
    return next((s for s in spans if (s.start, s.end) == span and s.label in ("PLACE", "ORG")), None)


def _inherit(out: list[Fact], b: Breakdown) -> None:
    """Parts of a breakdown whose own words give no category take their total's (地直120户), and
    parts that name no subject take their total's (其中保华镇2户10人: 临时救助)."""
    total = out[b.total_index]
    if not isinstance(total, (Count, Money)):
        return
    for i in b.part_indexes:
        part = out[i]
        if not isinstance(part, (Count, Money)):
            continue
        if total.category is not None and part.category != total.category and not _paired(out, i) and (
                # a part whose own words name a category keeps it (助学资金 under 帮扶资金); one named
                # by its source (社会捐赠, 自筹) or by context only is a share of the total
                part.category is None or part.category_by in ("context", "campaign", "section")
                or (isinstance(part, Money) and part.category == "donations_total")):
            out[i] = part = _adopt(part, total, "breakdown")
        if part.subject is None and total.subject is not None:
            out[i] = _take_subject(part, total)


def _paired(out: list[Fact], i: int) -> bool:
    """Whether the count at ``i`` took its category from the count right before it, whose own
    words name it (农民工25户92人: the 92人 are the 农民工's, not their total's 困难职工)."""
    f, prev = out[i], out[i - 1] if i > 0 else None
    return (isinstance(f, Count) and isinstance(prev, Count) and 0 <= f.span[0] - prev.span[1] <= 1
            and prev.category == f.category and prev.category_by in ("taxonomy", "classifier"))


def _pairs(out: list[Fact]) -> None:
    """Two counts of one group side by side (2户10人): when one of them names its subject right
    beside the pair (农村最低生活保障户90户162人; 407户⏎1110人享受了最低生活保障) and the other has
    none there (none at all, or one carried from its section), the other takes it."""
    for a in range(len(out) - 1):
        prev, cur = out[a], out[a + 1]
        if not (isinstance(prev, Count) and isinstance(cur, Count)) or not 0 <= cur.span[0] - prev.span[1] <= 1 \
                or fold_word(prev.unit) not in _PEOPLE_UNITS or fold_word(cur.unit) not in _PEOPLE_UNITS:
            continue  # 培训15期共860人次: sessions and people are not one group
        lo, hi = prev.span[0], cur.span[1]
        if _beside(cur, lo, hi) and not _beside(prev, lo, hi) and prev.subject != cur.subject:
            out[a] = _take_subject(prev, cur)
        elif _beside(prev, lo, hi) and prev.subject != cur.subject and (
                not _beside(cur, lo, hi) or _within(cur.subject_span, prev.subject_span)):
            out[a + 1] = _take_subject(cur, prev)  # 农村最低生活保障户90户162人: the whole phrase


def _take_subject(f: Count | Money, src: Count | Money) -> Count | Money:
    """``f`` with the subject of ``src``; its category follows when no words of its own decided it
    (the taxonomy's, else the classifier's, when the count's unit can count it)."""
    if f.category_by in _OWN or not isinstance(f, Count):
        return changed(f, subject=src.subject, subject_span=src.subject_span)
    category, by, conf, reason = classify_phrase(src.subject, "group")
    if category is None or not compatible(category, f.unit):
        if src.category is not None and compatible(src.category, f.unit):
            return _adopt(f, src, "context", keep_subject=False)
        return changed(f, subject=src.subject, subject_span=src.subject_span)
    return changed(f, subject=src.subject, subject_span=src.subject_span, category=category, category_by=by,
                    category_confidence=conf, category_reason=reason)


def _within(inner: Span | None, outer: Span | None) -> bool:
    return inner is not None and outer is not None and outer[0] <= inner[0] and inner[1] <= outer[1]


def _beside(f: Count, lo: int, hi: int) -> bool:
    """Whether a count's subject stands right before the pair ``[lo, hi)`` or right after it."""
    span = f.subject_span
    return span is not None and (lo - 2 <= span[1] <= lo or hi <= span[0] <= hi + _BESIDE_AFTER)


# how far after a pair of counts the words naming them may start (41户、62人有劳动能力的贫困户)
_BESIDE_AFTER: Final = 12


# the sentence that announces the body: up to 40 characters of one sentence, then 如下
_LEAD_WORD: Final = "如下"
_LEAD_REACH: Final = 40
_LEAD_STOPS: Final = "。！？\n"


def lead_sentence(text: str, end: int = 1500) -> tuple[int, int] | None:
    """Where ``re.search(r"[^。！？\\n]{0,40}如下", text[:end])`` matches, without trying the pattern
    at every character (it read up to 40 characters at each of 1,500 starts: 90 µs a real report):
    the leftmost start is the first 如下's, moved back over at most 40 characters of its sentence,
    and the match runs to the last 如下 those 40 characters reach, the sentence unbroken.

    >>> t = "各单位：\\n现将有关情况通报如下。一、如下"
    >>> s, e = lead_sentence(t)
    >>> t[s:e]
    '现将有关情况通报如下'
    """
    view = text[:end]
    first = view.find(_LEAD_WORD)
    if first < 0:
        return None
    start = max(first - _LEAD_REACH, max(view.rfind(c, 0, first) for c in _LEAD_STOPS) + 1)
    stops = [k for k in (view.find(c, start) for c in _LEAD_STOPS) if k >= 0]
    reach = min(start + _LEAD_REACH, min(stops, default=len(view)))
    last = view.rfind(_LEAD_WORD, start, reach + len(_LEAD_WORD))
    return start, last + len(_LEAD_WORD)


def doctype_features(title: str | None, text: str) -> str:
    """What the document-type classifier reads: the title, the addressee line (``县委、县政府：``)
    and the sentence that announces the body (``现将有关情况汇报如下``), space-separated."""
    lines = [ln.strip() for ln in text[:400].splitlines() if ln.strip()]
    addressee = next((ln for ln in lines[1:3] if ln.endswith(("：", ":")) and len(ln) <= 40), "")
    lead = lead_sentence(text)
    return " ".join(x for x in (title or (lines[0] if lines else ""), addressee,
                                text[lead[0]:lead[1]] if lead else "") if x)


def doctype(title: str | None, text: str) -> dict[str, Any] | None:
    """The report's document type: the type word that ends its title (``…实施方案的通知`` is a
    notice), else the classifier's answer on :func:`doctype_features`, else None."""
    if title:
        found = [m for m in TAXONOMY.find(title, "doctype")]
        if found:
            last = max(found, key=lambda m: (m.end, m.end - m.start))
            return {"id": last.category, "name": TAXONOMY.name(last.category), "by": "title", "term": last.term}
    p = load_model("doctype").predict(doctype_features(title, text))
    if p.label is None or p.label not in TAXONOMY:
        return None
    return {"id": p.label, "name": TAXONOMY.name(p.label), "by": "classifier", "confidence": round(p.confidence, 3)}


def campaign(title: str | None, text: str, view: str | None = None) -> dict[str, Any] | None:
    """The campaign a report belongs to: the taxonomy campaign whose terms occur most in its title
    and its first 3,000 characters (a title's occurrence counts three times); None when no term
    occurs twice. ``view`` is ``fold(text)`` when the caller has it (no term holds a character
    whose folding depends on the next one, so its first 3,000 are the fold of the text's)."""
    score = {c: 3 * n for c, n in TAXONOMY.tally(title or "", "campaign").items()}
    body = text[:3000] if view is None else view[:3000]
    for c, n in TAXONOMY.tally(body, "campaign", folded=view is not None).items():
        score[c] = score.get(c, 0) + n
    if not score:
        return None
    best = max(sorted(score), key=lambda c: score[c])
    if score[best] < 2:
        return None
    return {"id": best, "name": TAXONOMY.name(best), "score": score[best]}
