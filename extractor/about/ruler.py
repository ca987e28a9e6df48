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

import re
import string
import warnings
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from ..lang.segment import Token
from ..resources import loaded, model_path
from .spans import (
    GAP,
    OPAQUE,
    OPAQUE_WORD,
    ORG,
    PHRASE,
    NamedSpan,
    WordKinds,
    flatten,
    phrase_runs,
    rule_spans,
    spans_of,
)
from .taxonomy import TAXONOMY, Kind

__all__ = ["RULES", "SPACY_MODEL", "NamedSpan", "build_patterns", "get_pipeline", "named_spans_of"]

#: the saved pipeline's folder in the models folder (:func:`~extractor.resources.models_dir`)
SPACY_MODEL = "spacy_zh"
SPANS_KEY = "ruler"


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

    def is_org(self, word: str) -> bool:
        """Whether a word is an organization's whole name by its suffix (总工会, 市民政局)."""
        return word.endswith(self.org_ends) and self.org.match(word) is not None

    def spans(self, words: Sequence[str], tags: Sequence[str]) -> list[tuple[str, int, int]]:
        """``(label, start, end)`` token spans of the rules over a ``Doc``'s words and tags."""
        words, tags = list(words), list(tags)
        return rule_spans(words, tags, [i for i, w in enumerate(words) if self.is_org(w)])


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


# what stands between two clauses in the one Doc the ruler reads, and what a word with a Latin
# letter or a digit is shown as (:mod:`~extractor.about.spans`)
_GAP = GAP
_LATIN = frozenset(string.digits + string.ascii_letters)
_OPAQUE = OPAQUE_WORD


class _Ruler(NamedTuple):
    nlp: Any
    ruler: Any
    #: every word of a phrase pattern (None when the ruler also has token patterns, which any
    #: word may match)
    words: frozenset[str] | None
    #: each word's kind to the ruler, remembered as met
    kinds: WordKinds
    #: spaCy's ``Doc`` (imported with the pipeline, not at each call: an import statement in a
    #: function runs at each call)
    doc: Any


def _kind(vocabulary: frozenset[str] | None) -> Callable[[str], int]:
    """What a word is to the ruler (:mod:`~extractor.about.spans`' bits), its phrase patterns'
    words being ``vocabulary`` (None: any word may be one)."""
    def kind(word: str) -> int:
        if not _LATIN.isdisjoint(word):  # in no name, matches no pattern: shown as _OPAQUE
            return OPAQUE | (PHRASE if vocabulary is None or _OPAQUE in vocabulary else 0)
        return (PHRASE if vocabulary is None or word in vocabulary else 0) | (ORG if RULES.is_org(word) else 0)

    return kind


@loaded(maxsize=2)
def _ruler(path: Path | None = None) -> _Ruler:
    """The saved pipeline's ruler and the words its phrase patterns are made of (as its
    PhraseMatcher holds them: the hashes of their tokens)."""
    nlp = get_pipeline(path)
    ruler = nlp.get_pipe("span_ruler")
    words: frozenset[str] | None = None
    if not len(ruler.matcher):
        patterns = ruler.phrase_matcher.__reduce__()[1][1]  # key -> {tuple of token hashes}
        strings = nlp.vocab.strings
        words = frozenset(strings[h] for keys in patterns.values() for key in keys for h in key)
        if _GAP in words:
            words = None
    from spacy.tokens import Doc

    return _Ruler(nlp, ruler, words, WordKinds(_kind(words)), Doc)


def _phrase_spans(r: _Ruler, words: list[str], hits: list[int] | None = None) -> list[tuple[str, int, int, str]]:
    """``(label, start, end, id)`` token spans of the ruler's phrase patterns over ``words``.
    spaCy reads only the runs of words that are words of a pattern (at ``hits`` when given: a
    match is made of such words, next to each other), the runs apart by a gap: most of a clause's
    words are in no name, and a ``Doc`` costs by the word; no run, no ``Doc``."""
    if r.words is None:
        shown, where = words, list(range(len(words)))
    else:
        if hits is None:
            vocabulary = r.words
            hits = [i for i, w in enumerate(words) if w in vocabulary]
        if not hits:
            return []
        shown, where = phrase_runs(words, hits)
    doc = r.doc(r.nlp.vocab, words=shown, spaces=[False] * len(shown))
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
    if not clauses:
        return []
    r = _ruler()
    flat = flatten(clauses, r.kinds)
    named = _phrase_spans(r, flat.words, flat.hits)
    named += [(label, a, b, "") for label, a, b in rule_spans(flat.words, flat.tags, flat.orgs)]
    return spans_of(flat, named, len(clauses), text)
