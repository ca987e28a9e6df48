"""A document's size and time budget: a report too long to read as one is cut into pieces of a
bounded size (one record each, spans the piece's own), and a file whose extraction runs past its
time budget ends as a ``limit_exceeded`` error row, never left to run."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from extractor.model import ErrorRecord, Record
from extractor.pipeline import extract_document, extract_path
from extractor.readers import Limits, read_path

SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed" / "000_b2e30e7327201b52.txt"
PARAGRAPH = "一、基本情况\n今年共慰问困难职工400名，其中低保户120名、困难户280名，发放慰问金12.5万元。\n"


def _doc(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _check_spans(records: list[Record]) -> None:
    for r in records:
        for f in r.facts:
            assert r.text[f.span[0]:f.span[1]] == f.text
        for finding in r.findings:
            assert 0 <= finding.span[0] <= finding.span[1] <= len(r.text)


@pytest.mark.parametrize(("text", "max_chars", "pieces"), [
    pytest.param(PARAGRAPH * 10, 10_000, 1, id="short-report-whole"),
    pytest.param(PARAGRAPH * 200, 2_000, 6, id="paragraphs"),
    pytest.param(PARAGRAPH.replace("\n", "") * 200, 2_000, 5, id="one-line-sentences"),
    pytest.param("共慰问困难职工400名其中" * 1000, 2_000, 7, id="no-sentence-end"),
])
def test_long_report_is_cut_into_pieces(tmp_path: Path, text: str, max_chars: int, pieces: int) -> None:
    result = extract_path(_doc(tmp_path, text), Limits(max_report_chars=max_chars))
    assert isinstance(result, list)
    assert len(result) == pieces
    assert [r.index for r in result] == list(range(pieces))
    assert all(len(r.text) <= max_chars for r in result)
    if pieces > 1:
        assert [r.meta["cut"]["part"] for r in result] == list(range(1, pieces + 1))
        assert {r.meta["cut"]["of"] for r in result} == {pieces}
        # nothing lost: the pieces laid end to end are the report (its trailing blank aside)
        assert "".join(r.text for r in result) == text.rstrip()
        assert all(r.text.endswith(("\n", "。", "，", "、")) for r in result[:-1]) or "其中" in text
    else:
        assert "cut" not in result[0].meta
    _check_spans(result)


def test_pieces_read_the_figures_a_whole_report_reads(tmp_path: Path) -> None:
    whole = extract_path(_doc(tmp_path, PARAGRAPH * 50))
    cut = extract_path(_doc(tmp_path, PARAGRAPH * 50), Limits(max_report_chars=1_000))
    assert isinstance(whole, list) and isinstance(cut, list) and len(cut) > 1
    assert [f.text for f in whole[0].facts] == [f.text for r in cut for f in r.facts]
    assert len(whole[0].breakdowns) == sum(len(r.breakdowns) for r in cut)


def test_later_reports_keep_their_compilation_after_a_cut(tmp_path: Path) -> None:
    text = "合集2篇\n总结篇1\n" + PARAGRAPH * 40 + "总结篇2\n" + PARAGRAPH + "乙2篇\n总结篇1\n正文\n总结篇2\n正文\n"
    result = extract_path(_doc(tmp_path, text), Limits(max_report_chars=1_000))
    assert isinstance(result, list)
    firsts = {r.meta["collection"]["title"]: r.meta["collection"]["first"] for r in result}
    second = [r.index for r in result if r.meta["collection"]["title"] == "乙2篇"]
    assert firsts == {"合集2篇": 0, "乙2篇": second[0]}
    assert [r.title for r in result if r.index == second[0]] == ["总结篇1"]


def test_a_file_past_its_time_budget_is_an_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = itertools.count(0.0, 100.0)  # each look at the clock: 100 s later
    monkeypatch.setattr("extractor.pipeline.time.monotonic", lambda: next(clock))
    result = extract_path(_doc(tmp_path, PARAGRAPH * 200), Limits(max_report_chars=2_000, max_extract_seconds=250))
    assert isinstance(result, ErrorRecord)
    assert result.code == "limit_exceeded"
    assert "秒" in result.message


def test_the_seed_is_not_cut_by_default() -> None:
    doc = read_path(SEED)
    assert [r.text for r in extract_document(doc)] == [r.text for r in extract_document(doc, limits=Limits())]
    assert all("cut" not in r.meta for r in extract_document(doc))
