"""Inputs that the fuzzing harness (scripts/fuzz.py) found breaking an invariant, made minimal:
each once crashed or broke a span, and must now give records whose spans are their text."""

from __future__ import annotations

import pytest

from extractor import extract_text

FOUND = [
    # tables._stream_table: a run of cell-per-line lines that are all empty before the first
    # figure left no header word, and the first label was looked up in an empty list (IndexError)
    pytest.param("|\n|\n|\n|\n|\n|\n12 |\n", id="cell-lines-empty-before-figure"),
    pytest.param("||||||  x  #  ooo  v  兖  '  救助金  x万元  \x03  ||+~|  #  个'  救助金  x万元  \x03(",
                 id="cell-lines-as-found"),
]


@pytest.mark.parametrize("text", FOUND)
def test_found_input_gives_sound_records(text: str) -> None:
    for record in extract_text(text):
        for f in record.facts:
            assert record.text[f.span[0]:f.span[1]] == f.text
