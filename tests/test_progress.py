"""The progress line of a long run: its totals counted by a thread of their own while the run goes
on, so that the first file is read at once (an archive of a million files is not listed and sized
first)."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.progress import Progress, Tally


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _held(paths: list[Path], go: threading.Event) -> Iterator[Path]:
    """``paths``, given only once ``go`` is set: a walk that has not finished yet."""
    go.wait(10)
    yield from paths


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    out = []
    for k, size in enumerate((100, 300)):
        (p := tmp_path / f"r{k}.txt").write_bytes(b"x" * size)
        out.append(p)
    return out


def test_a_terminal_shows_the_files_done_before_the_total_is_known(files: list[Path]) -> None:
    go, shown = threading.Event(), _Terminal()
    bar = Progress.counting(_held(files, go), shown)
    time.sleep(0.25)  # a terminal's line is redrawn at most every 0.2 s
    bar.update(Tally(files=1, bytes=100, documents=1))
    assert bar.totals is None
    assert "文件 1/? |" in shown.getvalue() and "剩余 --:--" in shown.getvalue()
    go.set()
    bar.update(Tally(files=2, bytes=400, documents=2), final=True)  # the last line waits for the totals
    assert bar.totals == (2, 400)
    assert shown.getvalue().endswith("\n") and "文件 2/2 |" in shown.getvalue()


def test_a_log_says_nothing_until_the_total_is_known_then_says_it(files: list[Path]) -> None:
    go, log = threading.Event(), io.StringIO()
    bar = Progress.counting(_held(files, go), log, every=0.0)
    bar.update(Tally(files=1, bytes=100, documents=1))
    assert log.getvalue() == ""  # each log line says the total: none without it
    go.set()
    bar.update(Tally(files=2, bytes=400, documents=2), final=True)
    [line] = log.getvalue().splitlines()
    assert json.loads(line)["files"] == 2 and json.loads(line)["of"] == 2


def test_totals_given_are_shown_at_once() -> None:
    shown = _Terminal()
    Progress(3, 900, shown).update(Tally(files=1, bytes=300, documents=1), final=True)
    assert "文件 1/3 |" in shown.getvalue()


def test_a_walk_that_fails_leaves_the_total_unknown_and_the_run_going() -> None:
    def broken() -> Iterator[Path]:
        raise OSError("gone")
        yield Path("x")  # pragma: no cover

    shown = _Terminal()
    bar = Progress.counting(broken(), shown)
    bar.update(Tally(files=1, bytes=10, documents=1), final=True)
    assert bar.totals is None and "文件 1/? |" in shown.getvalue()


def test_ingest_reads_its_first_file_before_the_totals_are_counted(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The totals' walk waits here for the first file to be extracted: a run that counted them
    first (as before) would wait for nothing and fail."""
    from extractor import progress
    from extractor.output import ingest as ingesting
    from extractor.output.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    seed = next((Path(__file__).parent.parent / "corpus" / "seed").glob("*.txt")).read_bytes()
    for k in range(3):
        (folder / f"r{k}.txt").write_bytes(seed + b"\n" * k)
    first = threading.Event()
    real_totals = progress.totals
    from extractor.pipeline import extract_path as real_extract

    def counted_late(paths: Iterator[Path]) -> tuple[int, int]:
        assert first.wait(5), "the totals were counted before any file was read"
        return real_totals(paths)

    def extract(path: str | Path) -> object:
        first.set()
        return real_extract(path)

    monkeypatch.setattr(progress, "totals", counted_late)
    monkeypatch.setattr(ingesting, "totals", counted_late, raising=False)  # where a run may have it by name
    monkeypatch.setattr(ingesting, "extract_path", extract)
    log = io.StringIO()
    summary = ingesting.ingest([folder], str(tmp_path / "x.db"), progress=log)
    assert summary.documents == len(list(open_store(str(tmp_path / "x.db")).records())) > 0
    assert json.loads(log.getvalue().splitlines()[-1])["of"] == 3


def test_the_last_line_does_not_wait_for_a_walk_that_never_ends(files: list[Path],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Progress, "FINAL_WAIT", 0.1)
    go, shown = threading.Event(), _Terminal()
    try:
        bar = Progress.counting(_held(files, go), shown)
        bar.update(Tally(files=2, bytes=400, documents=2), final=True)
        assert bar.totals is None and "文件 2/? |" in shown.getvalue()
    finally:
        go.set()  # the walk's thread ends
