"""segment: the clauses the stages read are segmented once a report."""

from __future__ import annotations

import pytest

from extractor.lang import segment
from extractor.lang.segment import Words, clauses, segment_windows


@pytest.mark.pure_only("counts calls through a method of the segmenter, a compiled class that takes no replacement")
def test_windows_are_segmented_once_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    seg = segment.get_segmenter()
    calls: list[str] = []
    real = seg.tagged

    def counting(text: str) -> list[tuple[str, str]]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(seg, "tagged", counting)
    view = "慰问困难职工53名，发放慰问金12.5万元。"
    windows = [(0, 9), (10, 21)]
    words = Words(view)  # one report's
    first = words.of(windows)
    again = segment_windows(view, windows[::-1], words)
    assert again == first[::-1]
    assert len(calls) == 1  # the second call found both windows remembered
    segment_windows(view, windows)
    assert len(calls) == 2  # without the report's words nothing is remembered
    assert [t.text for t in first[1]][:2] == ["发放", "慰问金"]
    assert all(view[t.start:t.end] == t.text for w in first for t in w)  # offsets are the view's


@pytest.mark.parametrize(("text", "want"), [
    pytest.param("低保户3户，特困户2户", ["低保户3户", "特困户2户"], id="clause-marks"),
    pytest.param("高等院校(含本科、专科)27名", ["高等院校(含本科、专科)27名"], id="aside-in-brackets"),
    pytest.param("省级资金（焦财预〔2017〕450号、490号）6435万元", ["省级资金（焦财预〔2017〕450号、490号）6435万元"],
                 id="aside-full-width"),
    pytest.param("未闭（合、5名", ["未闭（合", "5名"], id="bracket-left-open"),
    pytest.param("（" + "甲" * 41 + "、乙）", ["（" + "甲" * 41, "乙）"], id="aside-too-long"),
    pytest.param("甲（乙\n丙、丁）", ["甲（乙", "丙", "丁）"], id="aside-across-a-line"),
])
def test_clauses_keep_a_bracketed_aside(text: str, want: list[str]) -> None:
    assert [t for t, _ in clauses(text)] == want


def test_clauses_of_many_brackets_left_open() -> None:
    """A bracket that does not close within 40 characters is an ordinary character: a text of them
    is cut at every clause mark (each bracket reads at most 40 characters ahead; the time is the
    fuzzer's to watch, not a test's)."""
    text = "（、" * 20000 + "(含本科、专科" * 5000
    got = clauses(text)
    assert len(got) == 20000 + 5001
