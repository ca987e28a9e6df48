"""The taxonomy of ``data/taxonomy.toml``: categories with stable ids, Chinese names and terms.

A phrase takes the category of the longest term it contains; two categories tied at that length
make it ambiguous (the classifier decides). Matching reads the folded phrase, so traditional
wordings match simplified terms.

>>> TAXONOMY.match("困难职工子女", "group")
TermMatch(category='students', term='困难职工子女', start=0, end=6)
>>> TAXONOMY.match("自治区级以上劳模", "group").category
'model_workers'
>>> TAXONOMY.match("帐篷", "fund") is None
True
>>> TAXONOMY.name("needy_workers")
'困难职工'
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Final, Literal, NamedTuple

import ahocorasick_rs

from ..lang.chars import fold_word

__all__ = ["KINDS", "TAXONOMY", "Category", "Kind", "Taxonomy", "TermMatch"]

_MEMO_SIZE: Final = 65536

Kind = Literal["group", "fund", "campaign", "doctype"]
KINDS: Final[tuple[Kind, ...]] = ("group", "fund", "campaign", "doctype")


@dataclass(slots=True)
class Category:
    id: str
    kind: Kind
    name: str
    terms: tuple[str, ...]
    #: False for counted things that are not people helped (goods, events, units, staff)
    beneficiary: bool = True
    #: for a campaign: the fund its amounts are when their own words do not say
    fund: str | None = None
    #: for a campaign: the group its people are when neither their sentence nor section says
    group: str | None = None


class _Automata(NamedTuple):
    """The terms of a kind as Aho-Corasick automata (``ahocorasick_rs``, compiled): ``every``
    occurrence (overlapping), the ``longest`` at each start read left to right (leftmost-longest,
    none overlapping), and the ``terms`` their pattern indexes name."""

    every: ahocorasick_rs.AhoCorasick
    longest: ahocorasick_rs.AhoCorasick
    terms: list[str]


class TermMatch(NamedTuple):
    """A term of ``category`` found at ``[start, end)`` of the phrase."""

    category: str
    term: str
    start: int
    end: int


_new_match: Callable[[type[TermMatch], tuple[str, str, int, int]], TermMatch] = tuple.__new__


class Taxonomy:
    def __init__(self, categories: list[Category], version: int,
                 generic: dict[str, frozenset[str]] | None = None) -> None:
        self.version = version
        #: words of a kind that name no category by themselves (资金, 经费)
        self.generic = generic or {}
        self.categories = tuple(categories)
        self._by_id = {c.id: c for c in categories}
        if len(self._by_id) != len(categories):
            raise ValueError("taxonomy: duplicate category id")
        # term → category ids, per kind; a term listed under two categories of one kind is ambiguous
        self._terms: dict[Kind, dict[str, tuple[str, ...]]] = {k: {} for k in KINDS}
        for c in categories:
            for t in c.terms:
                have = self._terms[c.kind].get(t, ())
                if c.id not in have:
                    self._terms[c.kind][t] = (*have, c.id)
        self._automata: dict[Kind, _Automata | None] = {}
        self._matched: dict[tuple[str, Kind], TermMatch | None] = {}

    @classmethod
    def load(cls, text: str | None = None) -> Taxonomy:
        raw = tomllib.loads(text if text is not None else
                            resources.files("extractor").joinpath("data/taxonomy.toml").read_text("utf-8"))
        out: list[Category] = []
        for kind in KINDS:
            for entry in raw.get(kind, []):
                terms = tuple(dict.fromkeys(fold_word(t) for t in entry["terms"]))
                out.append(Category(entry["id"], kind, entry["name"], terms, bool(entry.get("beneficiary", True)),
                                    entry.get("fund"), entry.get("group")))
        generic = {k: frozenset(fold_word(w) for w in v) for k, v in raw.get("generic", {}).items()}
        return cls(out, int(raw.get("version", 1)), generic)

    def has_generic(self, phrase: str, kind: Kind) -> bool:
        """Whether ``phrase`` holds a generic word of ``kind`` (资金); what it means when it also
        holds a term is the caller's to decide."""
        view = fold_word(phrase)
        return any(w in view for w in self.generic.get(kind, ()))

    def __contains__(self, category_id: object) -> bool:
        return category_id in self._by_id

    def __getitem__(self, category_id: str) -> Category:
        return self._by_id[category_id]

    def of_kind(self, kind: Kind) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.kind == kind)

    def ids(self, kind: Kind) -> tuple[str, ...]:
        return tuple(c.id for c in self.of_kind(kind))

    def helped(self, category_id: str) -> bool:
        """Whether a category counts or pays people helped (困难职工, 低保户, 慰问金), not 活动, 单位,
        物资, 设施 or 工作人员 (the groups the taxonomy marks ``beneficiary = false``)."""
        return self._by_id[category_id].beneficiary

    def name(self, category_id: str | None) -> str | None:
        """The Chinese name of a category id (None for None or an unknown id)."""
        c = self._by_id.get(category_id) if category_id else None
        return c.name if c else None

    def terms(self, kind: Kind) -> dict[str, tuple[str, ...]]:
        """Every term of a kind with the categories that list it."""
        return self._terms[kind]

    def find(self, phrase: str, kind: Kind) -> Iterator[TermMatch]:
        """Every occurrence of a term of ``kind`` in ``phrase`` (folded first), by start, longest
        first at each start."""
        for start, _, term, ids in self._occurrences(fold_word(phrase), kind):
            for cid in ids:
                yield _new_match(TermMatch, (cid, term, start, start + len(term)))

    def tally(self, phrase: str, kind: Kind, folded: bool = False) -> dict[str, int]:
        """How often the terms of each category of ``kind`` occur in ``phrase`` (folded first,
        unless ``folded`` says it is): the categories :meth:`find` yields, counted.

        >>> TAXONOMY.tally("困难职工、困难职工子女", "group")  # 职工 too, and 困难职工 in 困难职工子女
        {'needy_workers': 4, 'students': 2}
        """
        out: dict[str, int] = {}
        automata = self._automata_of(kind)
        if automata is None:
            return out
        every, _, terms = automata
        ids_of = self._terms[kind]
        view = phrase if folded else fold_word(phrase)
        for i, _, _ in every.find_matches_as_indexes(view, overlapping=True):
            for cid in ids_of[terms[i]]:
                out[cid] = out.get(cid, 0) + 1
        return out

    def leftmost_longest(self, view: str, kind: Kind) -> list[TermMatch]:
        """The terms of ``kind`` in ``view`` (already folded) read left to right, the longest at
        each start, none overlapping; a term two categories share is passed over (it names
        neither)."""
        automata = self._automata_of(kind)
        if automata is None:
            return []
        _, longest, terms = automata
        ids_of = self._terms[kind]
        new = _new_match  # the NamedTuple's fields, without its Python-level __new__ (a match a term)
        out: list[TermMatch] = []
        for i, start, end in longest.find_matches_as_indexes(view):
            term = terms[i]
            ids = ids_of[term]
            if len(ids) == 1:
                out.append(new(TermMatch, (ids[0], term, start, end)))
        return out

    def _occurrences(self, view: str, kind: Kind) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Every occurrence of a term of ``kind`` in ``view`` (already folded) as ``(start,
        -length, term, category ids)``, by start, the longest first at each."""
        automata = self._automata_of(kind)
        if automata is None:
            return []
        every, _, terms = automata
        ids_of = self._terms[kind]
        return sorted((start, start - end, terms[i], ids_of[terms[i]])
                      for i, start, end in every.find_matches_as_indexes(view, overlapping=True))

    def _automata_of(self, kind: Kind) -> _Automata | None:
        """The Aho-Corasick automata of the terms of ``kind`` (built on first use), or None when
        the kind has no term."""
        if kind not in self._automata:
            terms = list(self._terms[kind])
            self._automata[kind] = _Automata(
                ahocorasick_rs.AhoCorasick(terms),
                ahocorasick_rs.AhoCorasick(terms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest),
                terms) if terms else None
        return self._automata[kind]

    def match(self, phrase: str, kind: Kind) -> TermMatch | None:
        """The category of the longest term in ``phrase``; None when there is none or when two
        categories tie at the longest length (the phrase is ambiguous). Remembered: reports say
        the same phrases again and again."""
        key = (phrase, kind)
        memo = self._matched
        if key in memo:
            return memo[key]
        found = self._match(phrase, kind)
        if len(memo) >= _MEMO_SIZE:  # a new dict, not this one emptied: a thread reading this one
            self._matched = memo = {}  # between its ``in`` and its lookup keeps what it found there
        memo[key] = found
        return found

    def _match(self, phrase: str, kind: Kind) -> TermMatch | None:
        best: list[TermMatch] = []
        for m in self.find(phrase, kind):
            size = m.end - m.start
            if not best or size > best[0].end - best[0].start:
                best = [m]
            elif size == best[0].end - best[0].start and m.category != best[0].category:
                # the same length: the one nearer the end names the head (困难党员 in 困难劳模及党员)
                best.append(m)
        if not best:
            return None
        cats = {m.category for m in best}
        if len(cats) == 1:
            return best[0]
        # tie between categories: the head of a Chinese noun phrase is its last word
        last = max(best, key=lambda m: m.end)
        if sum(1 for m in best if m.end == last.end) == 1:
            return last
        return None


TAXONOMY: Final = Taxonomy.load()
