"""Units whose number is missing (extractor/facts/missing.py), table-driven (tests/cases/missing.jsonl):
each row lists ALL the missing-figure facts its text holds; and the alarm rules' helpers stay
linear on adversarial text."""

from __future__ import annotations

from typing import Any

import pytest

from extractor import extract_text
from extractor.facts.missing import find_missing, is_missing, stripped_years
from extractor.lang.chars import fold
from extractor.output.jsonl import fact_to_dict

from .conftest import load_cases

CASES = load_cases("missing.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_missing_facts(case: dict[str, Any]) -> None:
    records = extract_text(case["text"])
    got = [fact_to_dict(f) for r in records for f in r.facts if is_missing(f)]
    assert [{k: g.get(k) for k in w} for g, w in zip(got, case["expect"], strict=False)] == case["expect"][: len(got)]
    assert len(got) == len(case["expect"]), [g["text"] for g in got]
    for g in got:  # spans are sacred
        s, e = g["span"]
        assert case["text"][s:e] == g["text"]


def test_find_missing_keeps_out_of_known_facts() -> None:
    """A unit the scanners read with its number (近万元, 53名) is never a missing one."""
    text = "共筹集资金近万元，慰问困难职工53名。"
    facts = [f for r in extract_text(text) for f in r.facts]
    assert find_missing(text, fold(text), facts) == []


def test_is_missing_is_not_a_template_blank() -> None:
    facts = [f for r in extract_text("发放慰问款x万元，资金万元。") for f in r.facts if f.placeholder]
    assert [(f.text, is_missing(f)) for f in facts] == [("x万元", False), ("万元", True)]


@pytest.mark.parametrize("text,years", [
    pytest.param("莒县总工会年元旦春节“送温暖”活动", ["会年"], id="a06-org-year"),
    pytest.param("据介绍,年“两节”送温暖活动", [",年"], id="a06-clause-start"),
    pytest.param("社区年工作总结", ["区年"], id="work-summary"),
    pytest.param("今年春节、新年元旦、青年工作总结、龙年春节、2022年春节、二〇二二年元旦", [], id="year-words"),
])
def test_stripped_years(text: str, years: list[str]) -> None:
    """A 年 whose digits were stripped (the character before it shown)."""
    assert [text[s - 1 : e] for s, e in stripped_years(fold(text))] == years
