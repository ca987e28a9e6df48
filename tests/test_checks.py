"""Every rule, table-driven (tests/cases/findings.jsonl): each case lists ALL the findings its
text must raise, as (rule, snippet); a finding matches when its span overlaps the snippet, and
has the row's ``severity`` when the row gives one (an alarm, or ``info`` an auditor need not act
on)."""

from __future__ import annotations

from typing import Any

import pytest

from extractor import extract_text
from extractor.checks import REGISTRY

from .conftest import load_cases

CASES = load_cases("findings.jsonl")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_findings(case: dict[str, Any]) -> None:
    got = [(r.text, f) for r in extract_text(case["text"]) for f in r.findings]
    unmatched = list(got)
    for want in case["expect"]:
        hit = next((g for g in unmatched if g[1].rule == want["rule"] and _overlaps(g[0], g[1].span, want["text"])
                    and want.get("severity", g[1].severity) == g[1].severity), None)
        assert hit is not None, (want, [(f.rule, t[f.span[0]:f.span[1]]) for t, f in got])
        unmatched.remove(hit)
    assert not unmatched, [(f.rule, f.severity, t[f.span[0]:f.span[1]], f.message) for t, f in unmatched]


def _overlaps(text: str, span: tuple[int, int], snippet: str) -> bool:
    k = text.find(snippet)
    while k >= 0:
        if span[0] < k + len(snippet) and k < max(span[1], span[0] + 1):
            return True
        k = text.find(snippet, k + 1)
    return False


def test_every_rule_has_cases() -> None:
    covered = {e["rule"] for c in CASES for e in c["expect"]}
    assert covered == set(REGISTRY), set(REGISTRY) - covered


@pytest.mark.parametrize("rule_id", sorted(REGISTRY))
def test_rules_describe_themselves_in_chinese(rule_id: str) -> None:
    rule = REGISTRY[rule_id]
    assert rule.id == rule_id and rule_id.islower()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.description)
