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
from functools import cached_property
from importlib import resources
from typing import Any, Literal, NamedTuple

import ahocorasick

from ..lang.chars import fold_word

__all__ = ["KINDS", "TAXONOMY", "Category", "Kind", "Taxonomy", "TermMatch"]

_MEMO_SIZE = 65536

Kind = Literal["group", "fund", "campaign", "doctype"]
KINDS: tuple[Kind, ...] = ("group", "fund", "campaign", "doctype")


@dataclass(frozen=True, slots=True)
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
        self._automata: dict[Kind, Any] = {}
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

    def name(self, category_id: str | None) -> str | None:
        """The Chinese name of a category id (None for None or an unknown id)."""
        c = self._by_id.get(category_id) if category_id else None
        return c.name if c else None

    def terms(self, kind: Kind) -> dict[str, tuple[str, ...]]:
        """Every term of a kind with the categories that list it."""
        return self._terms[kind]

    @cached_property
    def all_terms(self) -> tuple[str, ...]:
        """Every term of every kind, once, for the segmenter's dictionary."""
        return tuple(dict.fromkeys(t for c in self.categories for t in c.terms))

    def find(self, phrase: str, kind: Kind) -> Iterator[TermMatch]:
        """Every occurrence of a term of ``kind`` in ``phrase`` (folded first), by start, longest
        first at each start."""
        for start, _, term, ids in self._occurrences(fold_word(phrase), kind):
            for cid in ids:
                yield TermMatch(cid, term, start, start + len(term))

    def tally(self, phrase: str, kind: Kind) -> dict[str, int]:
        """How often the terms of each category of ``kind`` occur in ``phrase`` (folded first):
        the categories :meth:`find` yields, counted.

        >>> TAXONOMY.tally("困难职工、困难职工子女", "group")  # 职工 too, and 困难职工 in 困难职工子女
        {'needy_workers': 4, 'students': 2}
        """
        automaton = self._automaton(kind)
        out: dict[str, int] = {}
        if automaton is None:
            return out
        for _, (_, ids) in automaton.iter(fold_word(phrase)):
            for cid in ids:
                out[cid] = out.get(cid, 0) + 1
        return out

    def leftmost_longest(self, view: str, kind: Kind) -> list[TermMatch]:
        """The terms of ``kind`` in ``view`` (already folded) read left to right, the longest at
        each start, none overlapping; a term two categories share is passed over (it names
        neither)."""
        new = _new_match  # the NamedTuple's fields, without its Python-level __new__ (a match a term)
        # every occurrence, then the longest at each start, left to right: pyahocorasick's own
        # iter_long passes over a term that starts inside a longer partial match it gave up
        # (岗位 in 坚守岗位服务, read as the start of a longer term)
        out: list[TermMatch] = []
        taken = 0
        for start, minus, term, ids in self._occurrences(view, kind):
            if start >= taken:
                taken = start - minus
                if len(ids) == 1:
                    out.append(new(TermMatch, (ids[0], term, start, taken)))
        return out

    def _occurrences(self, view: str, kind: Kind) -> list[tuple[int, int, str, tuple[str, ...]]]:
        """Every occurrence of a term of ``kind`` in ``view`` (already folded) as ``(start,
        -length, term, category ids)``, by start, the longest first at each."""
        automaton = self._automaton(kind)
        if automaton is None:
            return []
        return sorted((end + 1 - len(term), -len(term), term, ids) for end, (term, ids) in automaton.iter(view))

    def _automaton(self, kind: Kind) -> Any:
        """An Aho-Corasick automaton of the terms of ``kind`` (built on first use), or None."""
        if kind not in self._automata:
            terms = self._terms[kind]
            automaton = None
            if terms:
                automaton = ahocorasick.Automaton()
                for term, ids in terms.items():
                    automaton.add_word(term, (term, ids))
                automaton.make_automaton()
            self._automata[kind] = automaton
        return self._automata[kind]

    def match(self, phrase: str, kind: Kind) -> TermMatch | None:
        """The category of the longest term in ``phrase``; None when there is none or when two
        categories tie at the longest length (the phrase is ambiguous). Remembered: reports say
        the same phrases again and again."""
        key = (phrase, kind)
        if key not in self._matched:
            if len(self._matched) >= _MEMO_SIZE:
                self._matched.clear()
            self._matched[key] = self._match(phrase, kind)
        return self._matched[key]

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


TAXONOMY = Taxonomy.load()
