"""The per-word half of the named-span stage (:mod:`~extractor.about.ruler` holds spaCy's half).

A report's figure clauses are read as one run of words, a gap after each clause, in one pass: each
word's kind to the ruler (a word of a phrase pattern, an organization's whole name, a word with a
Latin letter or a digit) is remembered as it is met, so that a word costs a dict lookup however
often it comes back. The phrase words are what spaCy's PhraseMatcher is shown; the token spans it
and the rules give are then made character spans of each clause here. Compiled (``setup.py``):
it runs over every word of every figure clause.

>>> from extractor.lang.segment import Token
>>> kinds = WordKinds(lambda w: PHRASE if w == "困难职工" else OPAQUE if w.isdigit() else 0)
>>> flat = flatten([[Token("慰问", 0, 2, "v"), Token("困难职工", 2, 6, "n"), Token("53", 6, 8, "m")]], kinds)
>>> flat.words, flat.hits
(['慰问', '困难职工', '0', '\\n'], [1])
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from ..lang.segment import Token
from .regions import place_spans

__all__ = ["GAP", "OPAQUE", "OPAQUE_WORD", "ORG", "PHRASE", "Flat", "NamedSpan", "WordKinds", "flatten",
           "named_span", "phrase_runs", "rule_spans", "spans_of"]

#: what stands between two clauses in the one run of words: a word no pattern holds and no phrase
#: runs across
GAP: Final = "\n"
#: what a word with a Latin letter or a digit is shown as (no pattern has one): spaCy's vocabulary
#: keeps every word it is shown, and must not grow with every figure of every report
OPAQUE_WORD: Final = "0"

# a word's kind to the ruler, bits of what :meth:`WordKinds.of` gives
#: a word with a Latin letter or a digit (shown as :data:`OPAQUE_WORD`)
OPAQUE: Final = 1
#: a word of a phrase pattern (spaCy is shown it)
PHRASE: Final = 2
#: an organization's whole name by its suffix (总工会, 民政局: the rules' ``ORG``)
ORG: Final = 4


class NamedSpan(NamedTuple):
    label: str  # GROUP, FUND, ORG, PLACE
    start: int  # character offsets, as the tokens'
    end: int
    text: str
    id: str  # the category id for GROUP and FUND, "" otherwise


# a NamedSpan made from its five fields without the Python-level ``__new__`` of a NamedTuple
_new_span: Final[Callable[[type[NamedSpan], tuple[str, int, int, str, str]], NamedSpan]] = tuple.__new__


def named_span(label: str, start: int, end: int, text: str, id: str) -> NamedSpan:
    """``NamedSpan(label, start, end, text, id)``, made the faster way (spans are made by the thousand)."""
    return _new_span(NamedSpan, (label, start, end, text, id))


class WordKinds:
    """Each word's kind (``kind(word)``, bits of :data:`OPAQUE`, :data:`PHRASE` and :data:`ORG`),
    remembered as words are met: a plain dict, begun anew when it holds ``kept`` words (bounded)."""

    def __init__(self, kind: Callable[[str], int], kept: int = 50_000) -> None:
        self._kind = kind
        self._kept = kept
        self._known: dict[str, int] = {}

    def of(self, word: str) -> int:
        found = self._known.get(word)
        if found is None:
            found = self._kind(word)
            known = self._known
            if len(known) >= self._kept:
                # a new dict, not this one emptied: a thread reading this one meanwhile still finds
                # what it holds
                self._known = known = {}
            known[word] = found
        return found

    def __len__(self) -> int:
        return len(self._known)


@dataclass(slots=True)
class Flat:
    """Clauses' tokens as one run of words, a :data:`GAP` after each clause."""

    words: list[str]  # opaque words as OPAQUE_WORD
    tags: list[str]  # "x" at each gap
    tokens: list[Token | None]  # None at each gap
    gaps: list[int]  # where each clause's gap is
    hits: list[int]  # where the words of phrase patterns are
    orgs: list[int]  # where the organizations' names are


def flatten(clauses: Sequence[Sequence[Token]], kinds: WordKinds) -> Flat:
    """The clauses' tokens as one run of words, in one pass."""
    words: list[str] = []
    tags: list[str] = []
    flat: list[Token | None] = []
    gaps: list[int] = []
    hits: list[int] = []
    orgs: list[int] = []
    for tokens in clauses:
        for t in tokens:
            word = t[0]
            kind = kinds.of(word)
            if kind:
                if kind & PHRASE:
                    hits.append(len(words))
                if kind & ORG:
                    orgs.append(len(words))
                if kind & OPAQUE:
                    word = OPAQUE_WORD
            words.append(word)
            tags.append(t[3])
            flat.append(t)
        gaps.append(len(flat))
        flat.append(None)
        words.append(GAP)
        tags.append("x")
    return Flat(words, tags, flat, gaps, hits, orgs)


def phrase_runs(words: list[str], hits: list[int]) -> tuple[list[str], list[int]]:
    """The words at ``hits`` (in order), a :data:`GAP` between two that are not next to each other,
    and where each one is in ``words`` (-1 for a gap): what the PhraseMatcher reads (a match is
    made of pattern words next to each other)."""
    shown = [words[hits[0]]]
    where = [hits[0]]
    last = hits[0]
    for i in hits[1:]:
        if i != last + 1:
            shown.append(GAP)
            where.append(-1)
        shown.append(words[i])
        where.append(i)
        last = i
    return shown, where


def rule_spans(words: list[str], tags: list[str], orgs: list[int]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` token spans of the rules: ``ORG`` at each organization's name (and
    with a place name tagged ``ns`` before it: 哈密市 + 总工会), then ``PLACE``
    (:func:`~extractor.about.regions.place_spans`)."""
    out: list[tuple[str, int, int]] = []
    for i in orgs:
        if i > 0 and tags[i - 1] == "ns":
            out.append(("ORG", i - 1, i + 1))
        out.append(("ORG", i, i + 1))
    for a, b in place_spans(words, tags):
        out.append(("PLACE", a, b))
    return out


# an organization's name runs back over the nouns before its head (市 + 红十字会, 集团本部工会)
_NAME_TAGS: Final = frozenset({"n", "nz", "nt", "ns", "j", "nr"})
_NAME_MAX: Final = 12


def _grow(flat: list[Token | None], tags: list[str], a: int, b: int, names: set[tuple[int, int]]) -> int:
    """The first token of an ORG span at ``[a, b)`` grown back over the nouns of its name (not
    over a group or fund, a numeral or a clause's gap)."""
    last = flat[b - 1]
    while a > 0 and tags[a - 1] in _NAME_TAGS:
        prev = flat[a - 1]
        if prev is None or last is None or last[2] - prev[1] > _NAME_MAX:
            break
        if any(x <= a - 1 < y for x, y in names):
            break
        a -= 1
    return a


def _order(n: NamedSpan) -> tuple[int, int, str]:
    return n[1], n[1] - n[2], n[0]


def spans_of(flat: Flat, named: list[tuple[str, int, int, str]], clauses: int,
             text: str | None) -> list[list[NamedSpan]]:
    """The token spans ``named`` (the ruler's phrase spans, then the rules') as each clause's
    named spans, longest first at each start, then in order; a span's text is its words' (folded),
    or what ``text`` holds at its offsets when given."""
    words, tags, tokens, gaps = flat.words, flat.tags, flat.tokens, flat.gaps
    out: list[list[NamedSpan]] = [[] for _ in range(clauses)]
    names = {(a, b) for label, a, b, _ in named if label == "GROUP" or label == "FUND"}
    seen: set[tuple[str, int, int]] = set()
    for label, a, b, sid in named:
        if label == "ORG":
            a = _grow(tokens, tags, a, b, names)
        first, last = tokens[a], tokens[b - 1]
        if first is None or last is None or (label, a, b) in seen:
            continue  # a span over the gap (none of the patterns makes one), or one grown into another
        k = bisect.bisect_left(gaps, a)
        if gaps[k] < b - 1:
            continue  # a span over the gap
        seen.add((label, a, b))
        s, e = first[1], last[2]
        out[k].append(_new_span(NamedSpan, (label, s, e, "".join(words[a:b]) if text is None else text[s:e], sid)))
    for spans in out:
        if len(spans) > 1:
            spans.sort(key=_order)
    return out
