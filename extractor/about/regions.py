"""Where a figure belongs: its *region*, a place or named unit narrower than the report's own place
that the text ties to the figure.

Places are read from the text itself:

- the names of China's divisions (``data/gazetteer.tsv``: provinces, prefectures, counties and
  towns, built by ``scripts/build_gazetteer.py`` from jionlp's table) and the parts of a place of
  ``data/lexicon/places.txt`` (市区, 城区), as runs of whole words (保/华/镇 is 保华镇);
- a word jieba tags as a place name (``ns``) that is a division's short name (衡阳) or ends in a
  place suffix with two characters or more before it (桃源村);
- not the generic words a suffix ends (农村, 城镇, 城乡, 社区, 开发区), nor jieba's other ``ns``
  words (上门, 二本), nor one character (溧).

A figure's region is, in order: its table row's label (:mod:`extractor.structure.tables`); the
place named nearest before it in its clause, unless that place is part of an organization's name
(莒县总工会 is a giver, not where the money went); the head of its list item (``其中保华镇2户10人,
救助资金25380元;大河镇…``: both figures of the item are 保华镇's) or of its line (``城关镇：…``).
The report's own place (named in its title, or the place of its issuer in its opening:
衡阳市总工会), and the places above it, are no region of its figures.

>>> [(p.name, p.level) for p in map(gazetteer().known, ["衡阳市", "衡阳", "保华镇", "农村"]) if p]
[('衡阳市', 1), ('衡阳市', 1), ('保华镇', 3)]
>>> text = "其中保华镇2户10人,救助资金25380元;大河镇8户17人。"
>>> heads = item_heads(text, [(5, 7), (7, 10), (15, 21), (25, 27)])
>>> [h and h[0] for h in heads]
['保华镇', '保华镇', '保华镇', '大河镇']
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

from ..lang.chars import fold
from ..lang.segment import CLAUSE_MARKS, SENTENCE_ENDS, get_segmenter
from ..model import Span
from .taxonomy import TAXONOMY

__all__ = ["Gazetteer", "Place", "Scope", "gazetteer", "item_heads", "place_spans", "place_suffixes"]

# a word opening with one of these names the whole or an unnamed part (全县, 本市, 各乡镇, 辖区)
SCOPE_CHARS: Final = "全本各该辖我此"
# how many words a division's name may be cut into (巴/里/坤/县)
_RUN: Final = 8


@dataclass(slots=True)
class Place:
    """A division of the gazetteer: its name, level (0 province, 1 prefecture, 2 county, 3 town,
    4 a part of a place: 市区), its other names (衡阳 for 衡阳市) and the division it is in."""

    name: str
    level: int
    others: tuple[str, ...] = ()
    parent: Place | None = None

    def lineage(self) -> Iterable[Place]:
        """The place and the divisions above it (莒县, 日照市, 山东省)."""
        p: Place | None = self
        while p is not None:
            yield p
            p = p.parent


@lru_cache(maxsize=1)
def _places_txt() -> dict[str, tuple[str, ...]]:
    """data/lexicon/places.txt by kind of line: ``suffix``, ``unit`` and ``not`` (longest first),
    and the plain names (``""``)."""
    raw = resources.files("extractor").joinpath("data/lexicon/places.txt").read_text("utf-8")
    out: dict[str, list[str]] = {"suffix": [], "unit": [], "not": [], "": []}
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, sep, word = line.partition(":")
        if sep and kind in out:
            out[kind].append(word.strip())
        else:
            out[""].append(line)
    return {k: tuple(sorted(v, key=len, reverse=True)) if k else tuple(v) for k, v in out.items()}


def place_suffixes() -> tuple[str, ...]:
    """The last words of places' names (data/lexicon/places.txt: 市, 县, 镇, 街道…), longest first."""
    return _places_txt()["suffix"]


class Gazetteer:
    """The divisions by full name (衡阳市, 保华镇, 巴里坤县) and by short name (衡阳), read from the
    table of ``scripts/build_gazetteer.py``; a name two divisions share is the higher one's. Towns
    are names only (a set: 35,000 of them), the tree above them :class:`Place` objects."""

    def __init__(self, table: str, parts: Iterable[str] = (), words: Iterable[str] = ()) -> None:
        self.full: dict[str, Place] = {}
        #: names that are common words first (小城镇): no place
        self.words = frozenset(words)
        self.short: dict[str, Place] = {}
        #: the towns' names before their suffix, by suffix (镇 → {保华, 大河…})
        self.towns: dict[str, set[str]] = {}
        stack: list[Place] = []
        suffixes = place_suffixes()
        for line in table.splitlines():
            if not line or line.startswith("#"):
                continue
            if line.startswith("="):
                suffix, _, stems = line[1:].partition("\t")
                self.towns.setdefault(suffix, set()).update(stems.split())
                continue
            depth = len(line) - len(line.lstrip("\t"))
            name, *others = line.strip("\t").split("\t")
            del stack[depth:]
            place = Place(name, depth, tuple(others), stack[-1] if stack else None)
            stack.append(place)
            self._add(name, place)
            for other in others:
                self._add(other, place, short=not other.endswith(suffixes))
        for part in parts:
            self._add(part, Place(part, 4))
        self.longest = max([*map(len, self.full), *(len(max(v, key=len)) + len(k) for k, v in self.towns.items())],
                           default=0)
        self._towns_by_end: dict[str, list[tuple[str, set[str]]]] = {}
        for suffix, names in self.towns.items():
            self._towns_by_end.setdefault(suffix[-1], []).append((suffix, names))
        #: the last characters of the full names: a word ending in none of them ends no name
        self.ends = frozenset({name[-1] for name in self.full} | {suffix[-1] for suffix in self.towns})

    def _add(self, name: str, place: Place, short: bool = False) -> None:
        if name in self.words:
            return
        table = self.short if short else self.full
        old = table.get(name)
        if old is None or place.level < old.level:
            table[name] = place

    def is_name(self, name: str) -> bool:
        """Whether ``name`` is a division's full name (衡阳市, 保华镇) or a part of a place (市区)."""
        if name in self.full:
            return True
        if name in self.words:
            return False
        for suffix, stems in self._towns_by_end.get(name[-1:], ()):
            if name.endswith(suffix) and name[:-len(suffix)] in stems:
                return True
        return False

    def known(self, word: str) -> Place | None:
        """The division named ``word`` in full or by its short name, or None."""
        place = self.full.get(word)
        if place is None and self.is_name(word):
            return Place(word, 3)
        return place or self.short.get(word)

    def names(self, place: Place) -> set[str]:
        """Every name of a place and of the divisions above it (莒县 → 莒县, 日照市, 日照, 山东省, 山东)."""
        out: set[str] = set()
        for p in place.lineage():
            out.add(p.name)
            out.update(p.others)
        return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The package's gazetteer (data/gazetteer.tsv with places.txt's parts of a place), loaded once."""
    table = resources.files("extractor").joinpath("data/gazetteer.tsv").read_text("utf-8")
    return Gazetteer(table, _places_txt()[""], _places_txt()["not"])


def named_place(word: str, g: Gazetteer) -> bool:
    """Whether a word jieba tags as a place name is one: a division's short name (衡阳), or a word
    ending in a place suffix with two characters or more before it (桃源村), not a scope word."""
    if len(word) < 2 or word[0] in SCOPE_CHARS or word in g.words:
        return False
    if g.known(word) is not None:
        return True
    suffix = next((s for s in place_suffixes() if word.endswith(s)), None)
    return suffix is not None and len(word) - len(suffix) >= 2


def place_spans(words: Sequence[str], tags: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` word spans of the places among ``words``: the longest run of whole words
    ending at a word that is a division's full name (保/华/镇), else a word jieba tags ``ns`` that
    :func:`named_place` accepts.

    >>> place_spans(["其中", "保", "华", "镇", "2"], ["r", "v", "ns", "n", "m"])
    [(1, 4)]
    >>> place_spans(["上门", "城市", "衡阳", "溧"], ["ns", "ns", "ns", "ns"])
    [(2, 3)]
    """
    g = gazetteer()
    ends, longest = g.ends, g.longest
    # the words a division's name can end with: a suffix cut off (镇, 街道), a short word (口镇), a
    # name whole (城关镇); not a longer word of another kind (开发区, 贫困县)
    may = {w for w in set(words) if w[-1:] in ends and (len(w) <= 2 or g.is_name(w))}
    out: list[tuple[int, int]] = []
    for i in [i for i, w in enumerate(words) if w in may or tags[i] == "ns"]:
        word = words[i]
        best = None
        if word in may:
            name = ""
            for a in range(i, max(-1, i - _RUN), -1):
                name = words[a] + name
                if len(name) > longest:
                    break
                if name[0] not in SCOPE_CHARS and g.is_name(name):
                    best = a
        if best is not None:
            out.append((best, i + 1))
        elif tags[i] == "ns" and named_place(word, g):
            out.append((i, i + 1))
    return out


# --- the report's own place ------------------------------------------------------------------------

# an issuer's name after its place, in a report's opening (衡阳市 总工会, 定远县 退役军人事务局)
_ISSUER: Final = re.compile("总工会|工会|妇联|残联|红十字会|慈善总会|民政局|事务局|人民政府|政府|委员会")
# the place a team is stationed in, in a report's opening (市委宣传部驻陶庙村工作队): the report's own
_STATIONED: Final = re.compile(r"驻(?P<name>[\u4e00-\u9fff]{2,10}?(?:村|社区))")
_OPENING: Final = 300
_TITLE: Final = 80  # the title's first characters read for places


class Scope:
    """The report's own place: the place its title names first (with the places right after it:
    山东莒县), the place of the first issuer its opening names (``近日，泗县总工会…``) and the village a
    team of its opening is stationed in (``驻陶庙村工作队``), with the divisions above them, by every
    name."""

    def __init__(self, title: str | None, view: str) -> None:
        self.names: set[str] = set()
        if title:
            tokens = get_segmenter().tokens(fold(title[:_TITLE]))
            words, tags = [t.text for t in tokens], [t.tag for t in tokens]
            chain: list[tuple[int, int]] = []
            for a, b in place_spans(words, tags):
                if chain and a != chain[-1][1]:
                    break
                chain.append((a, b))
            for a, b in chain:
                self._add("".join(words[a:b]))
        opening = min(len(view), _OPENING)
        issuer = next((p for m in _ISSUER.finditer(view, 0, opening)
                       if (p := _name_before(view, m.start(), gazetteer())) is not None), None)
        if issuer is not None:
            self._add(issuer.name)
        for m in _STATIONED.finditer(view, 0, opening):
            if gazetteer().is_name(m.group("name")) or _suffix_place(m.group("name")):
                self._add(m.group("name"))

    def _add(self, name: str) -> None:
        """A place of the report's own, with every name of it and of the divisions above it."""
        g = gazetteer()
        p = g.known(name)
        self.names |= g.names(p) if p is not None else {name}

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        p = gazetteer().known(name)
        return name in self.names or (p is not None and p.name in self.names)


def _name_before(view: str, end: int, g: Gazetteer) -> Place | None:
    """The division whose full name ends at ``end`` (the longest), or None."""
    for n in range(min(g.longest, end), 1, -1):
        p = g.known(view[end - n:end]) if g.is_name(view[end - n:end]) else None
        if p is not None:
            return p
    return None


# --- the heads of list items and lines ------------------------------------------------------------

# where a list item starts (the figure's item runs from it), and what may open an item before its head
_ITEM_END: Final = re.compile(f"[；;{SENTENCE_ENDS}]")
_OPEN: Final = ("其中", "另外", "此外", "以及", "及")
# what a head may stand after: an item's or a clause's start
_BEFORE_HEAD: Final = CLAUSE_MARKS + SENTENCE_ENDS + " \t\u3000"
# a line that opens with its head and a colon (城关镇：救助130户…)
_LINE_HEAD: Final = re.compile(r"^[ \t\u3000]*(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?"
                               r"(?P<name>[\u4e00-\u9fff]{2,12})[:：]", re.M)
# words after a head that say the figure is no longer the head's (全县共计, 合计, 总计)
_WHOLE: Final = re.compile("全[省市县区镇乡州旗]|合计|共计|总计|累计")
_CJK_RUN: Final = re.compile(r"[\u4e00-\u9fff]+$")
_HEAD_MAX: Final = 12


@lru_cache(maxsize=1)
def _head_ends() -> frozenset[str]:
    """The characters a head can end with: the last of a place suffix or of a division's name."""
    return frozenset({s[-1] for s in place_suffixes()}) | gazetteer().ends


def item_heads(view: str, figures: Sequence[Span]) -> list[tuple[str, Span] | None]:
    """For each figure (spans in text order), the head of the list item it stands in: a place that
    opens an item or a clause right before a figure (``；大河镇8户17人``), and whose item the figure
    is in (up to the item's ``；`` or ``。``: ``救助资金33866.39元`` too), or that opens the figure's
    line before a colon (``城关镇：``); None when no place heads it, or when a word between says the
    figure is the whole's (合计, 全县). A head not in the gazetteer is a place by its suffix only
    in a list of two or more such heads (桃源村…；石桥村…)."""
    candidates: list[tuple[int, int]] = []
    ends = _head_ends()
    for s, _ in figures:
        if s == 0 or view[s - 1] not in ends:
            continue  # no place's last character right before the figure
        run = _CJK_RUN.search(view, max(0, s - _HEAD_MAX), s)
        k = run.start() if run else s
        if k < s and (k == 0 or view[k - 1] in _BEFORE_HEAD):
            a = k
            for w in _OPEN:
                if view.startswith(w, a) and s - a > len(w) + 1:
                    a += len(w)
                    break
            candidates.append((a, s))
    by_suffix: dict[str, set[str]] = {}  # the names of each suffix heading an item
    for a, b in candidates:
        sfx = _suffix_place(view[a:b])
        if sfx:
            by_suffix.setdefault(sfx, set()).add(view[a:b])
    heads = [(a, b) for a, b in candidates if _is_head(view[a:b], lambda sfx: len(by_suffix[sfx]) >= 2)]
    lines = [(m.start("name"), m.end("name")) for m in _LINE_HEAD.finditer(view)
             if m.group("name")[-1] in ends and _is_head(m.group("name"), lambda _: True)]
    if not heads and not lines:
        return [None] * len(figures)
    stops = [m.start() for m in _ITEM_END.finditer(view)]
    wholes = [m.start() for m in _WHOLE.finditer(view)]
    out: list[tuple[str, Span] | None] = []
    for s, _ in figures:
        k = bisect.bisect_left(stops, s)
        item = stops[k - 1] + 1 if k else 0
        k = bisect.bisect_right(heads, (s, s)) - 1
        head = heads[k] if k >= 0 and heads[k][0] >= item else None
        if head is None:
            k = bisect.bisect_right(lines, (s, s)) - 1
            line = view.rfind("\n", 0, s) + 1
            head = lines[k] if k >= 0 and lines[k][0] >= line else None
        if head is not None and _between(wholes, head[1], s):
            head = None
        out.append((view[head[0]:head[1]], head) if head is not None else None)
    return out


def _between(positions: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted ``positions`` is in ``[start, end)``."""
    k = bisect.bisect_left(positions, start)
    return k < len(positions) and positions[k] < end


def _suffix_place(name: str) -> str | None:
    """The place suffix a head ends with, when what stands before it may be a name (two
    characters or more, not a scope word, no group or fund of the taxonomy: 贫困村 is a kind of
    village), else None."""
    suffix = next((s for s in place_suffixes() if name.endswith(s)), None)
    if suffix is None or len(name) - len(suffix) < 2 or name[0] in SCOPE_CHARS or name in gazetteer().words:
        return None
    stem = len(name) - len(suffix)
    if any(m is not None and m.start < stem for m in (TAXONOMY.match(name, "group"), TAXONOMY.match(name, "fund"))):
        return None
    return suffix if _name_like(name, stem) else None


_NAME_TAGS: Final = ("ns", "nr", "nz", "nt", "x")
_NOT_NAME: Final = ("p", "v", "c", "d", "r", "u")


@lru_cache(maxsize=4096)
def _name_like(name: str, stem: int) -> bool:
    """Whether a head reads as a place's name: one word jieba tags as a place name (桃源村), or a
    part before its suffix (``name[:stem]``) that is not one dictionary word of another kind than
    a name (重点, 自然: 重点村 and 自然村 are kinds of villages)."""
    segmenter = get_segmenter()
    whole = segmenter.tokens(name)
    if len(whole) == 1:
        return whole[0].tag == "ns"
    if whole[0].tag.startswith(_NOT_NAME):
        return False  # 向陶庙村: a preposition or a verb before the name
    tokens = segmenter.tokens(name[:stem])
    return len(tokens) > 1 or tokens[0].tag.startswith(_NAME_TAGS)


def _is_head(name: str, enough: Callable[[str], bool]) -> bool:
    """Whether a head candidate is a place: a division's full name (保华镇), else a name with a
    place suffix when ``enough`` says so of its suffix (a list of two such items or more)."""
    if name[0] in SCOPE_CHARS:
        return False
    if gazetteer().is_name(name):
        return True
    sfx = _suffix_place(name)
    return sfx is not None and enough(sfx)


# --- the units a report visits -----------------------------------------------------------------------

# a visit and what it visits, up to the clause's end (走访慰问了怡康院，; 前往雅戈尔老年乐园及怡康院，)
# (two patterns read as one alternation by _visits: each starts with a word the engine skips
# ahead to, which the alternation of the two does not: it took 2.4 times as long)
_VISIT: Final = re.compile(r"(?:走访慰问了?|走访了|慰问了|看望了|前往|来到|深入到|走进)"
                           r"(?P<units>[^，,。；;！？!?\n]{3,30})(?=[，,。；;])")
_VISIT_AT: Final = re.compile(r"(?:到|赴|深入)(?P<at>[\u4e00-\u9fff]{3,20}?)(?=走访|慰问|看望|开展)")
_UNIT_LINK: Final = re.compile("及|和|与|、")
_SENTENCE_END: Final = re.compile(f"[{SENTENCE_ENDS}]")
# a sentence that goes on at the place the last one visited (现场，20余名外卖骑手代表…)
_ON_SITE: Final = ("现场", "在现场")
_BLANKS: Final = re.compile(r"[ \t\u3000\n]*")
# what stands between the figures that 分别 gives one to each unit (价值10万元和5万元)
_EACH_LINK: Final = re.compile(r"[和及与、，,\s]*")


def _visits(view: str) -> Iterator[re.Match[str]]:
    """The visits of ``view`` as ``_VISIT|_VISIT_AT`` reads them: the match that starts first,
    ``_VISIT``'s where both start at one place, each read on from the end of the one before; the
    visited unit is each match's group 1."""
    first, second = _VISIT.search(view), _VISIT_AT.search(view)
    while first is not None or second is not None:
        m = first if second is None or (first is not None and first.start() <= second.start()) else second
        assert m is not None
        yield m
        if first is not None and first.start() < m.end():
            first = _VISIT.search(view, m.end())
        if second is not None and second.start() < m.end():
            second = _VISIT_AT.search(view, m.end())


# places listed right before 分别 (在伊州区、巴里坤县和伊吾县分别慰问困难职工30名、20名、10名)
_EACH_LIST: Final = re.compile(r"、|和|及|与|以及")
# between two figures of one run: a list's separator
_RUN_SEP: Final = re.compile(r"\s*(?:[、,;]|和|及|与|以及)\s*")
# what ends the clause the list of places stands in, read back from 分别
_LIST_START: Final = ",;:。!?\n()"
_LIST_REACH: Final = 60
# how far after 分别 its figures are read
_EACH_REACH: Final = 300


def respective(view: str, figures: Sequence[Span]) -> dict[Span, Span]:
    """The places a list names right before ``分别``, each the region of the figure in its place
    in every run of as many figures after it in the sentence (在伊州区、巴里坤县、伊吾县分别慰问困难
    职工30名、20名、10名，发放慰问金3万元、2万元、1万元: 30名 and 3万元 are 伊州区's). Every item of
    the list must name a place (the first may open with a word before it: 在, 其中) and the run must
    have as many figures as the list has places; else nothing is said."""
    out: dict[Span, Span] = {}
    p = view.find("分别")
    if p < 0 or len(figures) < 2:
        return out
    starts = [a for a, _ in figures]
    while p >= 0:
        places = _places_before(view, p)
        if len(places) >= 2:
            hi = min(len(view), p + _EACH_REACH)  # a bound: a text of lists stays linear
            end = min((k for k in (view.find(c, p, hi) for c in "。!?\n") if k >= 0), default=hi)
            k = bisect.bisect_left(starts, p + 2)
            while k < len(figures) and figures[k][0] < end:
                run = [figures[k]]
                while k + len(run) < len(figures) and figures[k + len(run)][0] < end and \
                        _RUN_SEP.fullmatch(view, run[-1][1], figures[k + len(run)][0]) is not None:
                    run.append(figures[k + len(run)])
                if len(run) == len(places):
                    out.update(zip(run, places, strict=True))
                k += len(run)
        p = view.find("分别", p + 2)
    return out


def _places_before(view: str, p: int) -> list[Span]:
    """The places listed right before ``p`` in its clause (each item a place name), else []."""
    lo = max(0, p - _LIST_REACH)
    lo = max(lo, *(view.rfind(c, lo, p) + 1 for c in _LIST_START))
    cuts = [lo, *(x for m in _EACH_LIST.finditer(view, lo, p) for x in m.span()), p]
    items = [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts), 2)]
    g = gazetteer()
    out: list[Span] = []
    for k, (a, b) in enumerate(items):
        if k == 0:  # the first item may open with a word before its place (在伊州区, 其中城关镇)
            a += next((len(w) for w in _BEFORE_LIST if view.startswith(w, a)), 0)
        if not _a_place(view[a:b], g):
            return []
        out.append((a, b))
    return out


# what may open a list of places before 分别, before its first place
_BEFORE_LIST: Final = ("其中", "在", "对", "向", "为", "给", "于", "从", "到")


def _a_place(name: str, g: Gazetteer) -> bool:
    return g.is_name(name) or named_place(name, g)


def visited(view: str, figures: Sequence[Span]) -> dict[Span, Span]:
    """The named units the report visits (走访慰问了X，; 前往X，; 到X走访), by the figures they are
    the region of: one unit visited is the region of the figures after it in its sentence (up to a
    word of the whole: 全县, 合计), and in the next when it opens with
    ``现场``; units listed (A及B) are, each in turn, the region of the figures that ``分别`` gives
    them (``前往雅戈尔老年乐园及怡康院，…分别送上价值10万元和5万元``); a unit is a name of two
    characters or more before a unit's last word (data/lexicon/places.txt ``unit:``: 院, 站点)."""
    out: dict[Span, Span] = {}
    visits = [(m, units) for m in _visits(view) if (units := _units(view, *m.span(1)))]
    if not visits:
        return out
    starts = [a for a, _ in figures]
    stops = [m.start() for m in _SENTENCE_END.finditer(view)]
    wholes = [m.start() for m in _WHOLE.finditer(view)]
    eaches = [m.start() for m in re.finditer("分别", view)]
    for k, (m, units) in enumerate(visits):
        later = visits[k + 1][0].start() if k + 1 < len(visits) else len(view)  # a later visit takes over
        end = _next(stops, m.end(), len(view))
        cut = min(end, later, _next(wholes, m.end(), end))  # 全县共慰问… is no longer the unit's
        here = list(figures[bisect.bisect_left(starts, m.end()):bisect.bisect_left(starts, cut)])
        if len(units) == 1:
            after = end + 1
            blanks = _BLANKS.match(view, after)
            after = blanks.end() if blanks else after
            if later > end and view.startswith(_ON_SITE, after):
                more = min(_next(stops, after, len(view)), later)
                here += figures[bisect.bisect_left(starts, after):bisect.bisect_left(starts, more)]
            out.update((f, units[0]) for f in here)
            continue
        each = _next(eaches, m.end(), cut)
        here = [f for f in here if f[0] > each]
        here = here[:len(units)]
        if len(here) == len(units) and all(_EACH_LINK.fullmatch(view, a[1], b[0])
                                           for a, b in itertools.pairwise(here)):
            out.update(zip(here, units, strict=True))
    return out


def _next(positions: list[int], start: int, default: int) -> int:
    """The first of the sorted ``positions`` at or after ``start``, else ``default``."""
    k = bisect.bisect_left(positions, start)
    return positions[k] if k < len(positions) else default


def _units(view: str, start: int, end: int) -> list[Span]:
    """The named units listed in ``view[start:end]`` (A及B、C), or none when one of them is not."""
    out: list[Span] = []
    a = start
    for m in [*_UNIT_LINK.finditer(view, start, end), None]:
        b = m.start() if m else end
        if not _named_unit(view[a:b]):
            return []
        out.append((a, b))
        a = m.end() if m else end
    return out


def _named_unit(name: str) -> bool:
    """Whether a visited object is a named unit: a unit's last word with two characters or more
    before it (怡康院, 雅戈尔老年乐园; not 敬老院 alone), and no numeral (困难职工10多名)."""
    unit = next((u for u in _places_txt()["unit"] if name.endswith(u)), None)
    return (unit is not None and len(name) - len(unit) >= 2 and name[0] not in SCOPE_CHARS
            and not any(c.isdigit() for c in name))


# --- a figure's region ----------------------------------------------------------------------------

# a named span as the ruler gives it: label, start, end, text, id (ruler.NamedSpan)
Named = tuple[str, int, int, str, str]


def _order(n: Named) -> tuple[int, int]:
    return n[2], n[2] - n[1]


class Regions:
    """What ties one report's figures to places: its own place (:class:`Scope`) and the heads of
    the list items its figures stand in (:func:`item_heads`), read once a report."""

    def __init__(self, title: str | None, text: str, view: str, figures: Sequence[Span]) -> None:
        self.text, self.view, self.title = text, view, title
        self._scope: Scope | None = None  # read on first use: most figures have no place to weigh
        order = sorted(set(figures))
        self._heads = dict(zip(order, item_heads(view, order), strict=True))
        self._visited = visited(view, order)
        self._respective = respective(view, order)

    def of(self, span: Span, names: Sequence[Named]) -> str | None:
        """The region of the figure at ``span``: the place named nearest before it among its
        clause's ``names``, not inside an organization's name (莒县总工会) nor the report's own,
        unless a list of places before 分别 gives it its own (:func:`respective`); else the named
        unit visited (:func:`visited`); else the head of its list item or line;
        else None."""
        start = span[0]
        listed = self._respective.get(span)
        if listed is not None and not self.own(listed):  # 在A、B、C分别…30名、20名、10名
            return self.text[listed[0]:listed[1]]
        places = [n for n in names if n[0] == "PLACE" and n[2] <= start]
        if places:
            orgs = [(n[1], n[2]) for n in names if n[0] == "ORG"]
            best: Named | None = None
            for n in places:  # the last by end, the longest of those (the first of equals)
                if best is not None and _order(n) <= _order(best):
                    continue
                in_org = any(a <= n[1] and n[2] <= b and (a, b) != (n[1], n[2]) for a, b in orgs)
                if not in_org and not self.own((n[1], n[2])):
                    best = n
            if best is not None:
                return best[3]
        unit = self._visited.get(span)
        if unit is not None:
            return self.text[unit[0]:unit[1]]
        head = self._heads.get(span)
        if head is None or self.own(head[1]):
            return None
        return self.text[head[1][0]:head[1][1]]

    def own(self, span: Span) -> bool:
        """Whether the place at ``span`` is the report's own or one above it (衡阳 in a report of
        衡阳市), read in the folded view (衡陽 is 衡阳)."""
        if self._scope is None:
            self._scope = Scope(self.title, self.view)
        return self.view[span[0]:span[1]] in self._scope
