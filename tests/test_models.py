"""Built artefacts stay in sync with their sources, and the spaCy layer keeps offsets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from extractor.lang.nlp import get_nlp, make_doc
from extractor.lang.segment import USERDICT_PATH, build_userdict, get_segmenter

from .conftest import ROOT


def test_jieba_userdict_in_sync_with_word_lists() -> None:
    assert USERDICT_PATH.read_text(encoding="utf-8") == build_userdict(), "run python scripts/build_dict.py"


def test_t2s_table_in_sync_with_opencc() -> None:
    pytest.importorskip("opencc")
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_t2s.py"), "--check"], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()


@pytest.mark.parametrize("word", ["困难职工", "低保边缘户", "慰问金", "千家万户", "一户一策", "八项规定"],
                         ids=lambda w: str(w))
def test_domain_words_stay_whole(word: str) -> None:
    assert word in [t.text for t in get_segmenter().tokens(f"这是{word}。")]


def test_segmenter_is_not_the_global_jieba() -> None:
    import jieba

    from extractor.lang.segment import _Python

    reference = _Python(get_segmenter()._words())
    assert reference._tok is not jieba.dt


@pytest.mark.parametrize("text", ["共慰问困难家庭700余户，其中单亲家庭150余户。", "  两名\n困难党员 ", ""],
                         ids=["sentence", "whitespace", "empty"])
def test_spacy_doc_keeps_text_and_offsets(text: str) -> None:
    doc = make_doc(text)
    assert doc.text == text
    for tok in doc:
        assert text[tok.idx : tok.idx + len(tok.text)] == tok.text


def test_spacy_tokenizer_is_a_registered_factory() -> None:
    nlp = get_nlp()
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "extractor.JiebaTokenizer.v1"
    assert nlp.lang == "zh"


def test_charfreq_table_in_sync_with_jieba() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_charfreq.py"), "--check"], capture_output=True)
    assert r.returncode == 0, r.stderr.decode()


def test_no_name_pattern_holds_a_latin_letter_or_digit() -> None:
    """The ruler shows spaCy every token with a Latin letter or a digit as one word (its vocabulary
    keeps every word it is shown): that is only sound while no name pattern holds one."""
    import json

    from extractor.resources import model_path

    lines = (model_path("spacy_zh") / "span_ruler" / "patterns").read_text(encoding="utf-8").splitlines()
    phrases = [p for p in (json.loads(x)["pattern"] for x in lines) if isinstance(p, str)]
    assert phrases and not [p for p in phrases if any(c.isascii() and c.isalnum() for c in p)]
