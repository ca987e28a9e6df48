"""The benchmark scripts write their corpus into a folder of their own, never over a user's files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import bench


def test_the_corpus_is_written_and_written_again(tmp_path: Path) -> None:
    files = bench.build_corpus(tmp_path, 0.01)
    assert files and all(f.name.startswith("r") for f in files)
    again = bench.build_corpus(tmp_path, 0.01)  # its own files are replaced
    assert [f.read_bytes() for f in again] == [f.read_bytes() for f in files]


def test_a_folder_of_other_reports_is_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "c0_a01.txt"
    mine.write_text("泗县总工会召开困难职工帮扶工作新闻发布会", "utf-8")
    with pytest.raises(SystemExit, match="did not write"):
        bench.build_corpus(tmp_path, 0.01)
    assert mine.read_text("utf-8") == "泗县总工会召开困难职工帮扶工作新闻发布会"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c0_a01.txt"]
