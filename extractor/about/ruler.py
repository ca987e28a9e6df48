"""Named spans of a clause: groups, funds, organizations and places, from a spaCy SpanRuler.

The pipeline is saved under ``models/spacy_zh`` by ``scripts/build_spacy.py``: ``spacy.blank("zh")``
with our jieba tokenizer (``extractor.JiebaTokenizer.v1``) and a ``span_ruler`` whose patterns are
built here from data files: the taxonomy's group and fund terms (label ``GROUP`` / ``FUND``, the
category id as the pattern id) and ``data/lexicon/orgs.txt`` (``ORG``). Places (``PLACE``) are no
spaCy pattern: the gazetteer of :mod:`~extractor.about.regions` (China's divisions, the parts of a
place of ``data/lexicon/places.txt``) and jieba's place-name tag ``ns`` find them.

At run time a clause is not tokenized again: one ``Doc`` a report is built from the segmenter's
tokens of its figure clauses, only the words of a phrase pattern (the runs of them, apart by a
gap), and only the ruler's PhraseMatcher runs on it; the rules on tags, suffixes and place names
read the tokens themselves (:data:`RULES`).

>>> from extractor.lang.segment import get_segmenter
>>> [spans] = named_spans_of([get_segmenter().tokens("哈密市总工会慰问困难职工53名")])
>>> [(s.label, s.text) for s in spans]
[('ORG', '哈密市总工会'), ('PLACE', '哈密市'), ('FUND', '慰问'), ('GROUP', '困难职工')]
>>> spans[-1].id
'needy_workers'
"""

from __future__ import annotations

import bisect
import itertools
import re
import string
import warnings
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from ..lang.segment import Token
from ..resources import loaded, model_path
from .regions import place_spans
from .taxonomy import TAXONOMY, Kind

__all__ = ["RULES", "SPACY_MODEL", "NamedSpan", "build_patterns", "get_pipeline", "named_spans_of"]

#: the saved pipeline's folder in the models folder (:func:`~extractor.resources.models_dir`)
SPACY_MODEL = "spacy_zh"
SPANS_KEY = "ruler"


class NamedSpan(NamedTuple):
    label: str  # GROUP, FUND, ORG, PLACE
    start: int  # character offsets, as the tokens'
    end: int
    text: str
    id: str  # the category id for GROUP and FUND, "" otherwise


def _entries(name: str) -> tuple[list[str], list[str]]:
    """(suffixes, names) of a data/lexicon list with ``suffix: X`` lines."""
    raw = resources.files("extractor").joinpath("data/lexicon", name).read_text("utf-8")
    suffixes, names = [], []
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("suffix:"):
            suffixes.append(line.removeprefix("suffix:").strip())
        else:
            names.append(line)
    return suffixes, names


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def build_patterns() -> list[dict[str, Any]]:
    """Every phrase pattern of the ruler (names: spaCy's PhraseMatcher, a trie, as fast with a
    thousand names as with ten), in a stable order. The rules on tags and suffixes are not spaCy
    patterns: its Matcher would try them at every token (the most of the stage's time); they are
    :data:`RULES`, read once over the tokens."""
    out: list[dict[str, Any]] = []
    kinds: tuple[tuple[Kind, str], ...] = (("group", "GROUP"), ("fund", "FUND"))
    for kind, label in kinds:
        for term, ids in sorted(TAXONOMY.terms(kind).items()):
            if len(ids) == 1:  # a term two categories share names neither
                out.append({"label": label, "pattern": term, "id": ids[0]})
    out.extend({"label": "ORG", "pattern": n} for n in _entries("orgs.txt")[1])
    return out


class _Rules:
    """The rules on one token's text and tag (and the tags and words around it), tried only on the
    tokens whose ending can match:

    * ``ORG``: a word of Chinese characters ending in an organization's suffix (``data/lexicon/orgs.txt``:
      总工会, 民政局, 社区…), alone or after a place name (``ns``): 哈密市 + 总工会;
    * ``PLACE``: a division's name as a run of whole words (保/华/镇: the gazetteer of
      :mod:`~extractor.about.regions`), or a word jieba tags as a place name (``ns``) that is a
      division's short name or ends in a place suffix (桃源村): not 农村, 城镇, 上门, 溧."""

    def __init__(self) -> None:
        org_suffixes = _entries("orgs.txt")[0]
        self.org_ends = tuple(org_suffixes)
        self.org = re.compile(f"^[\u4e00-\u9fff]{{0,10}}(?:{_alternation(org_suffixes)})$")

    def spans(self, words: Sequence[str], tags: Sequence[str]) -> list[tuple[str, int, int]]:
        """``(label, start, end)`` token spans of the rules over a ``Doc``'s words and tags."""
        out: list[tuple[str, int, int]] = []
        ends = self.org_ends
        may = {w for w in set(words) if w.endswith(ends)}  # the words whose ending can match
        for i in [i for i, w in enumerate(words) if w in may]:
            word = words[i]
            if self.org.match(word):
                if i > 0 and tags[i - 1] == "ns":
                    out.append(("ORG", i - 1, i + 1))
                out.append(("ORG", i, i + 1))
        out += [("PLACE", a, b) for a, b in place_spans(words, tags)]
        return out


RULES = _Rules()


def new_pipeline() -> Any:
    """A fresh pipeline with the ruler and its patterns (what build_spacy.py saves)."""
    from ..lang.nlp import get_nlp, import_spacy

    nlp = import_spacy().blank("zh", config=get_nlp().config)
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "validate": True})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W012\]")
        ruler.add_patterns(build_patterns())
    return nlp


@loaded(maxsize=2)
def get_pipeline(path: Path | None = None) -> Any:
    """The saved pipeline (by default the models folder's ``spacy_zh``), loaded once."""
    from ..lang.nlp import import_spacy, register_tokenizer

    register_tokenizer()
    with warnings.catch_warnings():
        # W012: phrase patterns are made by our tokenizer, which tags; matching is on ORTH all the same
        warnings.filterwarnings("ignore", message=r"\[W012\]")
        return import_spacy().load(path or model_path(SPACY_MODEL))


# what stands between two clauses in the one Doc the ruler reads: a token no pattern matches and
# no phrase runs across
_GAP = "\n"
_LATIN = frozenset(string.digits + string.ascii_letters)
_OPAQUE = "0"


class _Ruler(NamedTuple):
    nlp: Any
    ruler: Any
    #: every word of a phrase pattern (None when the ruler also has token patterns, which any
    #: word may match)
    words: frozenset[str] | None


@loaded(maxsize=2)
def _ruler(path: Path | None = None) -> _Ruler:
    """The saved pipeline's ruler and the words its phrase patterns are made of (as its
    PhraseMatcher holds them: the hashes of their tokens)."""
    nlp = get_pipeline(path)
    ruler = nlp.get_pipe("span_ruler")
    if len(ruler.matcher):
        return _Ruler(nlp, ruler, None)
    patterns = ruler.phrase_matcher.__reduce__()[1][1]  # key -> {tuple of token hashes}
    strings = nlp.vocab.strings
    words = frozenset(strings[h] for keys in patterns.values() for key in keys for h in key)
    return _Ruler(nlp, ruler, None if _GAP in words else words)


# an organization's name runs back over the nouns before its head (市 + 红十字会, 集团本部工会)
_NAME_TAGS = frozenset({"n", "nz", "nt", "ns", "j", "nr"})
_NAME_MAX = 12


def _grow(flat: list[Token | None], tags: list[str], a: int, b: int, names: set[tuple[int, int]]) -> int:
    """The first token of an ORG span at ``[a, b)`` grown back over the nouns of its name (not
    over a group or fund, a numeral or a clause's gap)."""
    last = flat[b - 1]
    while a > 0 and tags[a - 1] in _NAME_TAGS:
        prev = flat[a - 1]
        if prev is None or last is None or last.end - prev.start > _NAME_MAX:
            break
        if any(x <= a - 1 < y for x, y in names):
            break
        a -= 1
    return a


def _phrase_spans(r: _Ruler, words: list[str]) -> list[tuple[str, int, int, str]]:
    """``(label, start, end, id)`` token spans of the ruler's phrase patterns over ``words``.
    spaCy reads only the runs of words that are words of a pattern (a match is made of such
    words, next to each other), the runs apart by a gap: most of a clause's words are in no
    name, and a ``Doc`` costs by the word; no run, no ``Doc``."""
    from spacy.tokens import Doc

    if r.words is None:
        shown, where = words, list(range(len(words)))
    else:
        vocabulary = r.words
        hits = [i for i, w in enumerate(words) if w in vocabulary]
        if not hits:
            return []
        shown, where = [words[hits[0]]], [hits[0]]
        for last, i in itertools.pairwise(hits):
            if i != last + 1:
                shown.append(_GAP)
                where.append(-1)
            shown.append(words[i])
            where.append(i)
    doc = Doc(r.nlp.vocab, words=shown, spaces=[False] * len(shown))
    # the ruler's phrase matches, as its ``match`` reads them (the same match once), without
    # making a Span of each
    labels = r.ruler._match_label_id_map
    out = []
    for m_id, a, b in dict.fromkeys(r.ruler.phrase_matcher(doc)):
        if a != b:
            label = labels[m_id]
            out.append((label["label"], where[a], where[b - 1] + 1, label["id"]))
    return out


def named_spans_of(clauses: Sequence[Sequence[Token]], text: str | None = None) -> list[list[NamedSpan]]:
    """The ruler's spans over each clause's tokens (offsets as the tokens'), longest first at each
    start, then in order; the ruler runs once over all the clauses (one ``Doc``, the clauses apart
    by a line break: building a ``Doc`` and calling the ruler cost more than the matching). A
    span's text is its words' (folded), or what ``text`` holds at its offsets when given."""
    words: list[str] = []
    tags: list[str] = []
    flat: list[Token | None] = []  # the tokens, None for the gap after each clause
    gaps: list[int] = []  # where each clause's gap is in ``flat``
    for tokens in clauses:
        if tokens:
            texts, _, _, marks = zip(*tokens, strict=True)
            words += texts
            tags += marks
            flat += tokens
        gaps.append(len(flat))
        flat.append(None)
        words.append(_GAP)
        tags.append("x")
    out: list[list[NamedSpan]] = [[] for _ in clauses]
    if not words:
        return out
    # a token with a Latin letter or a digit is in no name and matches no pattern (none has one):
    # it is given to spaCy as one word, so that its vocabulary, which keeps every word it is
    # shown, does not grow with every figure of every report
    opaque = {w for w in set(words) if not _LATIN.isdisjoint(w)}
    if opaque:
        words = [_OPAQUE if w in opaque else w for w in words]
    named = _phrase_spans(_ruler(), words)
    named += [(label, a, b, "") for label, a, b in RULES.spans(words, tags)]
    names = {(a, b) for label, a, b, _ in named if label in ("GROUP", "FUND")}
    seen: set[tuple[str, int, int]] = set()
    for label, a, b, sid in named:
        if label == "ORG":
            a = _grow(flat, tags, a, b, names)
        first, last = flat[a], flat[b - 1]
        if first is None or last is None or (label, a, b) in seen:
            continue  # a span over the gap (none of the patterns makes one), or one grown into another
        k = bisect.bisect_left(gaps, a)
        if gaps[k] < b - 1:
            continue  # a span over the gap
        seen.add((label, a, b))
        s, e = first.start, last.end
        out[k].append(NamedSpan(label, s, e, "".join(words[a:b]) if text is None else text[s:e], sid))
    for spans in out:
        spans.sort(key=lambda n: (n.start, -(n.end - n.start), n.label))
    return out
