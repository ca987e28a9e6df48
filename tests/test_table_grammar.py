"""The table grammar (extractor/structure/tables.py) on the layouts reports flatten their tables to: the rows of
tests/cases/tables.jsonl, each a text with the facts its cells give (text, kind, value, unit, region),
its breakdowns (kind, total, parts, shape) and its findings above severity info (rule, text at the span).

Facts are checked for those listed (a row lists the cells it is about); breakdowns and findings whole.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from extractor import extract_text
from extractor.model import Count, Money, Severity

from .conftest import load_cases

CASES = load_cases("tables.jsonl")


def _record(text: str) -> Any:
    [record] = extract_text(text)
    return record


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_table_layout(case: dict[str, Any]) -> None:
    rec = _record(case["text"])
    figures = [f for f in rec.facts if isinstance(f, Money | Count)]
    for f in figures:  # spans are sacred
        assert rec.text[f.span[0]:f.span[1]] == f.text
    if "facts" in case:
        if not case["facts"]:
            assert [f.text for f in figures] == []
        for text, kind, value, unit, region in case["facts"]:
            found = [f for f in figures if f.text == text and f.kind == kind and f.value == Decimal(value)
                     and (unit is None or getattr(f, "unit", None) == unit)]
            assert found, (text, [(f.text, f.kind, str(f.value)) for f in figures])
            assert found[0].region == region
    if "breakdowns" in case:
        got = sorted((b.kind, float(b.total or 0), [float(p or 0) for p in b.parts], b.shape) for b in rec.breakdowns)
        want = sorted((k, float(t), [float(p) for p in ps], s) for k, t, ps, s in case["breakdowns"])
        assert got == want
    if "findings" in case:
        got_f = sorted((f.rule, rec.text[f.span[0]:f.span[1]]) for f in rec.findings if f.severity != Severity.INFO)
        assert got_f == sorted((rule, text) for rule, text in case["findings"])
