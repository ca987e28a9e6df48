"""segment: the clauses the stages read are segmented once a report."""

from __future__ import annotations

import pytest

from extractor.lang import segment
from extractor.lang.segment import Words, segment_windows


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
