"""The about stage's shortcuts read what the plain ways read: the words around a figure, the
taxonomy's tallies and terms between two offsets, and the ruler's spans from a Doc of the pattern
words only."""

from __future__ import annotations

import random
import warnings

from extractor.about import ruler
from extractor.about.categories import _READ, _Around
from extractor.about.ruler import NamedSpan
from extractor.about.taxonomy import TAXONOMY
from extractor.lang.segment import Nearby, get_segmenter
from extractor.structure.topics import Topics

TEXTS = [
    "哈密市总工会慰问困难职工53名，发放慰问金12.5万元。",
    "全市共走访慰问建档立卡贫困户1142户、困难群众和劳动模范412户，发放慰问金及慰问物资21.6万元；"
    "区直机关工会为环卫工人送去棉被200床。本县各乡镇发放ABC救助金3万元。",
    "一、基本情况\n伊州区民政局为低保户、特困人员发放临时救助金8.2万元，为困难职工子女发放助学金。",
]


def test_the_words_around_a_figure_are_nearbys() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        items, pos = [], rng.randint(0, 50)
        for _ in range(rng.randint(0, 12)):
            start = pos + rng.randint(0, 30)
            items.append(NamedSpan("GROUP", start, start + rng.randint(1, 20), "", ""))
            pos = start
        around = _Around(items, min((n.end for n in items), default=0))
        for _ in range(5):
            start = rng.randint(0, 300)
            end = start + rng.randint(1, 6)
            assert around.around(start, end) == Nearby(items).around(start, end, _READ, _READ)


def test_tally_counts_what_find_finds() -> None:
    for text in TEXTS:
        for kind in ("group", "fund", "campaign"):
            counted: dict[str, int] = {}
            for m in TAXONOMY.find(text, kind):
                counted[m.category] = counted.get(m.category, 0) + 1
            assert TAXONOMY.tally(text, kind) == counted


def test_terms_between_two_offsets() -> None:
    for text in TEXTS:
        topics = Topics(text)
        for kind in ("group", "fund"):
            every = topics.between(kind, 0, len(text))
            for lo in range(len(text) + 1):
                for hi in range(lo, len(text) + 1, 3):
                    assert topics.between(kind, lo, hi) == [m for m in every if m.start >= lo and m.end <= hi]


def test_the_ruler_reads_the_pattern_words_only() -> None:
    from spacy.tokens import Doc

    words: list[str] = []
    for text in TEXTS:
        tokens = get_segmenter().tokens(text)
        words += [ruler._OPAQUE if not ruler._LATIN.isdisjoint(t.text) else t.text for t in tokens]
        words.append(ruler._GAP)
    nlp = ruler.get_pipeline()
    with warnings.catch_warnings():  # the ruler over a Doc of every word, as the stage read it before
        doc = nlp.get_pipe("span_ruler")(Doc(nlp.vocab, words=words, spaces=[False] * len(words)))
    every = {(s.label_, s.start, s.end, s.id_) for s in doc.spans[ruler.SPANS_KEY]}
    found = ruler._phrase_spans(ruler._ruler(), words)
    assert len(found) == len(set(found)) and set(found) == every
    assert {"GROUP", "FUND", "ORG"} <= {label for label, *_ in every}
