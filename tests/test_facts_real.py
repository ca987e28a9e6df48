"""Facts the way real pages print them (issue 11): pinyin inside words, spaced and wrapped
figures, blanks written as ``___`` and ``**``. Table rows in ``cases/placeholders.jsonl``; spans
under pinyin and the time of the new patterns on adversarial input checked here."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import extract_text
from extractor.facts import extract_facts
from extractor.lang.chars import squeeze_pinyin
from extractor.model import DateFact

from .conftest import load_cases

PLACEHOLDERS = load_cases("placeholders.jsonl")


@pytest.mark.parametrize("case", [pytest.param(r, id=r["id"]) for r in PLACEHOLDERS])
def test_placeholder(case: dict[str, Any]) -> None:
    text = case["text"]
    got = [{"text": text[f.span[0] : f.span[1]], "severity": f.severity.value}
           for r in extract_text(text) for f in r.findings if f.rule == "placeholder"]
    assert [{k: g[k] for k in w} for g, w in zip(got, case["expect"], strict=False)] == case["expect"][: len(got)]
    assert len(got) == len(case["expect"]), [g["text"] for g in got]


# ---------------------------------------------------------------- pinyin

def test_no_pinyin_no_copy() -> None:
    """A text without pinyin is read as it is (the squeeze costs one scan, no copy)."""
    assert squeeze_pinyin("各縣(市)區慈善組織匹配資金58.65萬元，公司(ABC)") is None


def test_pinyin_subject_span_is_the_original() -> None:
    text = "共確定對862名寒門學(xué)子給予救助。"
    (count,) = [f for f in extract_facts(text) if f.kind == "count"]
    assert count.subject_span is not None
    assert text[count.subject_span[0] : count.subject_span[1]] == count.subject == "寒門學(xué)子"


_SYLLABLES = st.sampled_from(["(wàn)", "(yuán)", "(rì)", "（yuè）", "(xué)", "(ABC)", "(市)", "(de)"])
_PIECES = st.sampled_from(["發放", "萬", "元", "246.3", "5", "日", "月", "7", "名", "學", "，", "共", "2018年"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.one_of(st.just(""), _SYLLABLES)), max_size=30))
def test_pinyin_spans_are_sacred(parts: list[tuple[str, str]]) -> None:
    """Whatever pinyin stands where, every fact's text is the original text at its span."""
    text = "".join(a + b for a, b in parts)
    for f in extract_facts(text):
        assert text[f.span[0] : f.span[1]] == f.text
        if not isinstance(f, DateFact) and f.subject_span is not None:
            assert text[f.subject_span[0] : f.subject_span[1]] == f.subject
