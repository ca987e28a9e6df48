"""The table-driven cases of tests/cases/*.jsonl: numbers, money, counts, dates, breakdowns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from extractor import extract_text
from extractor.lang.numbers import parse_number
from extractor.output.jsonl import breakdown_to_dict, fact_to_dict

from .conftest import load_cases


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def _params(rows: list[dict[str, Any]]) -> list[Any]:
    """Rows as pytest params; a row with ``xfail`` (its reason) is a known gap, strictly: the
    test fails loudly once the gap is closed, so the mark cannot outlive it."""
    return [pytest.param(r, id=r["id"], marks=pytest.mark.xfail(reason=r["xfail"], strict=True))
            if "xfail" in r else pytest.param(r, id=r["id"]) for r in rows]


NUMBERS = load_cases("numbers.jsonl")


@pytest.mark.parametrize("case", _params(NUMBERS))
def test_number(case: dict[str, Any]) -> None:
    want = None if case["value"] is None else Decimal(case["value"])
    assert parse_number(case["text"]) == want


def _facts(text: str, kind: str) -> list[dict[str, Any]]:
    records = extract_text(text)
    return [fact_to_dict(f) for r in records for f in r.facts if f.kind == kind]


def _subset(got: dict[str, Any], want: dict[str, Any]) -> dict[str, Any]:
    return {k: got.get(k) for k in want}


def _check(case: dict[str, Any], kind: str) -> None:
    got = _facts(case["text"], kind)
    assert [_subset(g, w) for g, w in zip(got, case["expect"], strict=False)] == case["expect"][: len(got)]
    assert len(got) == len(case["expect"]), [g["text"] for g in got]
    for g in got:  # spans are sacred
        s, e = g["span"]
        assert case["text"][s:e] == g["text"]


@pytest.mark.parametrize("kind,file", [("money", "money.jsonl"), ("count", "counts.jsonl"),
                                       ("date", "dates.jsonl")], ids=["money", "counts", "dates"])
def test_cases_file_loads(kind: str, file: str) -> None:
    assert load_cases(file)


MONEY = load_cases("money.jsonl")
COUNTS = load_cases("counts.jsonl")
DATES = load_cases("dates.jsonl")
BREAKDOWNS = load_cases("breakdowns.jsonl")


@pytest.mark.parametrize("case", _params(MONEY))
def test_money(case: dict[str, Any]) -> None:
    _check(case, "money")


@pytest.mark.parametrize("case", _params(COUNTS))
def test_count(case: dict[str, Any]) -> None:
    _check(case, "count")


@pytest.mark.parametrize("case", _params(DATES))
def test_date(case: dict[str, Any]) -> None:
    _check(case, "date")


@pytest.mark.parametrize("case", _params(BREAKDOWNS))
def test_breakdown(case: dict[str, Any]) -> None:
    records = extract_text(case["text"])
    got = [breakdown_to_dict(b) for r in records for b in r.breakdowns]
    named = any("shape" in w for w in case["expect"])  # a row that names no shape checks none

    def row(d: dict[str, Any]) -> str:
        return str((d["kind"], d["total"], d["parts"], d["unit"], d.get("shape") if named else None))

    assert sorted(map(row, got)) == sorted(map(row, case["expect"]))
