"""The fuzzing harness (scripts/fuzz.py) checks what it claims: its invariant checker fails on a
broken span, and each target runs an input through the code it names."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from extractor import extract_text

ROOT = Path(__file__).resolve().parent.parent


def _fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_script", ROOT / "scripts" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_script"] = module
    spec.loader.exec_module(module)
    return module


def test_invariant_checker_fails_on_a_broken_span() -> None:
    fuzz = _fuzz()
    record = extract_text("共慰问困难职工400名，发放慰问金12.5万元。")[0]
    fuzz.check_records([record])  # a sound record passes
    fact = record.facts[0]
    broken = replace(record, facts=(replace(fact, span=(fact.span[0] + 1, fact.span[1] + 1)), *record.facts[1:]))
    with pytest.raises(fuzz.InvariantError):
        fuzz.check_records([broken])


def test_invariant_checker_writes_each_record() -> None:
    """A record is checked as ``extract`` writes it: a number beyond 64 bits is written (it once
    stopped the whole run), a value no JSON writer knows fails the input."""
    fuzz = _fuzz()
    record = extract_text("共发放慰问金3333333333333333333万元。")[0]
    assert [getattr(f, "value", None) for f in record.facts] == [33333333333333333330000]
    fuzz.check_records([record])
    with pytest.raises(TypeError):
        fuzz.check_records([replace(record, meta={"odd": object()})])


@pytest.mark.parametrize("name", ["txt", "html", "docx", "pdf", "numbers", "pipeline"])
def test_each_target_takes_good_and_bad_input(name: str) -> None:
    fn = _fuzz().target(name)
    fn("共慰问困难职工400名，其中低保户120名。".encode())
    fn(b"\xff\xfe\x00garbage PK\x03\x04 %PDF-1.4")
    fn(b"")


def test_a_timeout_is_run_again_and_timed(tmp_path: Path) -> None:
    """recheck runs a timeout's input again, warm, in a process of its own, and gives its CPU
    time: a fast input is far under the 2 s that would make it a hang."""
    art = tmp_path / "timeout-x"
    art.write_bytes("共慰问困难职工400名，其中低保户120名、困难户280名。".encode())
    seconds = _fuzz().recheck("txt", art)
    assert 0 <= seconds < 2.0


def _burn(data: bytes) -> None:
    t = time.process_time()
    while time.process_time() - t < 0.2:
        pass


@pytest.mark.parametrize(("fn", "fails"), [
    pytest.param(_burn, True, id="over-the-cpu-limit-is-a-hang"),
    pytest.param(lambda data: None, False, id="a-quick-input-passes"),
])
def test_targets_time_their_inputs_by_cpu(fn: Any, fails: bool) -> None:
    """The hang test reads the process's CPU clock (a loaded machine's wall clock says nothing of
    the input): an input over the limit fails as an invariant, a quick one passes."""
    fuzz = _fuzz()
    run = fuzz.timed(fn, limit=0.1)
    if fails:
        with pytest.raises(fuzz.InvariantError, match="s of CPU"):
            run(b"x")
    else:
        run(b"x")


def test_report_is_the_readme_table_of_a_run() -> None:
    fuzz = _fuzz()
    entry = {"inputs": 1_000_001, "finished": True, "seconds": 10.0, "crashes": [], "hangs": [], "memory": [],
             "slow": {"timeout-x": 0.0371}, "peak_rss_mb": 263, "commits": {"abc1234": 600_000, "def5678": 400_001}}
    summary = {"html": entry, "txt": {**entry, "inputs": 5, "slow": {}, "crashes": ["crash-1"], "commits": {}}}
    lines = fuzz.report(summary).splitlines()
    assert lines[2] == ("| `txt` | 5 | — | 1 | 0 | 0 | 263 MB |")  # the targets in their own order
    assert lines[3] == ("| `html` | **1,000,001** | abc1234 600,000, def5678 400,001 | 0 | 0 | 1 (0.037 s) | 263 MB |")


def test_each_target_reads_a_dictionary_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two targets starting at once never share the file one of them is rewriting (a shared
    words.dict was read empty, and the target stopped before its first input)."""
    fuzz = _fuzz()
    monkeypatch.setattr(fuzz, "DATA", tmp_path)
    monkeypatch.setitem(fuzz.SEEDS, "numbers", ())
    monkeypatch.setitem(fuzz.SEEDS, "pipeline", ())
    for name in ("numbers", "pipeline"):
        fuzz.prepare(name)
    first, second = fuzz.dictionary("numbers"), fuzz.dictionary("pipeline")
    assert first != second
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") != ""
    assert sorted(p.name for p in tmp_path.glob("*.part")) == []  # written whole, then moved into place


def test_resume_goes_on_from_the_kept_counts_on_a_new_machine(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without fuzz-data/ resumes from the counts committed at the last stop; one with
    its own counts uses those; neither gives none."""
    fuzz = _fuzz()
    monkeypatch.setattr(fuzz, "DATA", tmp_path / "fuzz-data")
    monkeypatch.setattr(fuzz, "KEPT", tmp_path / "kept" / "summary.json")
    assert fuzz.load_summary() == {}
    fuzz.KEPT.parent.mkdir()
    fuzz.KEPT.write_text('{"txt": {"inputs": 7}}', encoding="utf-8")
    assert fuzz.load_summary() == {"txt": {"inputs": 7}}
    fuzz.DATA.mkdir()
    (fuzz.DATA / "summary.json").write_text('{"txt": {"inputs": 9}}', encoding="utf-8")
    assert fuzz.load_summary() == {"txt": {"inputs": 9}}
    monkeypatch.setattr(sys, "argv", ["fuzz.py", "--keep"])
    assert fuzz.main() == 0
    assert fuzz.KEPT.read_text(encoding="utf-8") == '{"txt": {"inputs": 9}}'


def test_readme_fuzz_table_is_the_kept_counts() -> None:
    """The README's table of the long run is the report of the counts committed with it."""
    fuzz = _fuzz()
    kept = json.loads(fuzz.KEPT.read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = fuzz.report(kept).splitlines()
    assert len(table) > 2
    start = readme.index("<!-- fuzz table -->")
    rows = [line for line in readme[start:].splitlines() if line.startswith("| ")]
    assert rows[: len(table)] == table


@pytest.mark.parametrize(("chunk", "processes"), [
    pytest.param(900, 2, id="a-run-in-pieces-gives-it-both-cores"),
    pytest.param(0, 1, id="a-run-by-count-does-not"),  # a second process would run the count again
])
def test_a_target_left_alone_runs_on_every_core(chunk: int, processes: int, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With two jobs and one target, two processes of it run at once, each with its own log, and
    the counts of both add up (the long run's last target, pdf, used one core of two); a run
    bound by its count of inputs alone (CI's) keeps one."""
    fuzz = _fuzz()
    monkeypatch.setattr(fuzz, "DATA", tmp_path)
    monkeypatch.setattr(fuzz, "_commit", lambda: "abc1234")
    live: set[str] = set()
    most = [0]
    logs: list[str] = []

    class Piece:  # a libFuzzer piece of 300 inputs: running until polled twice
        def __init__(self, argv: list[str], stdout: Any, **_: Any) -> None:
            self.name, self.log, self.polls = argv[2], Path(stdout.name), 0
            stdout.write("stat::number_of_executed_units: 300\nDone 300 runs in 1 second(s)\n")
            stdout.close()
            live.add(self.log.name)
            logs.append(self.log.name)
            most[0] = max(most[0], len(live))

        def poll(self) -> int | None:
            self.polls += 1
            if self.polls < 2:
                return None
            live.discard(self.log.name)
            return 0

    monkeypatch.setattr(fuzz.subprocess, "Popen", Piece)
    monkeypatch.setattr(fuzz.time, "sleep", lambda _: None)
    fuzz.run_all(1000, 2, ("pdf",), chunk=chunk)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert most[0] == processes
    assert set(logs) == ({"pdf.log", "pdf.2.log"} if processes == 2 else {"pdf.log"})
    if not chunk:
        return
    assert summary["pdf"]["inputs"] >= 1000 and summary["pdf"]["inputs"] % 300 == 0
    assert summary["pdf"]["commits"] == {"abc1234": summary["pdf"]["inputs"]}
    assert summary["pdf"]["finished"] is True


def test_lanes_stopped_by_one_pause_both_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Both lanes of a target stop on a timeout at once (a paused machine: the wall clock ran on).
    The first lane's end runs both inputs again and keeps them apart as slow; the second lane's end
    finds its input already there. Both go on (no lane is reported as failed) and the run reaches
    its count."""
    fuzz = _fuzz()
    monkeypatch.setattr(fuzz, "DATA", tmp_path)
    monkeypatch.setattr(fuzz, "_commit", lambda: "abc1234")
    monkeypatch.setattr(fuzz, "recheck", lambda name, art: 0.05)
    started = [0]

    class Piece:  # the first two lanes stop on a timeout after 100 inputs; the others run 300
        def __init__(self, argv: list[str], stdout: Any, **_: Any) -> None:
            started[0] += 1
            self.timeout = started[0] <= 2
            if self.timeout:
                art = tmp_path / "crashes" / argv[2] / f"timeout-{started[0]}"
                art.parent.mkdir(parents=True, exist_ok=True)
                art.write_bytes(b"x")
                stdout.write(f"==1== ERROR: libFuzzer: timeout after 10 seconds\n"
                             f"artifact_prefix='{art.parent}/'; Test unit written to {art}\n"
                             "stat::number_of_executed_units: 100\n")
            else:
                stdout.write("stat::number_of_executed_units: 300\nDone 300 runs in 1 second(s)\n")
            stdout.close()

        def poll(self) -> int | None:  # both lanes start before either is polled
            return 0

    monkeypatch.setattr(fuzz.subprocess, "Popen", Piece)
    monkeypatch.setattr(fuzz.time, "sleep", lambda _: None)
    assert fuzz.run_all(1000, 2, ("pdf",), chunk=900) == 0
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["pdf"]
    assert set(summary["slow"]) == {"timeout-1", "timeout-2"}
    assert summary["finished"] is True and summary["inputs"] >= 1000
    assert "FAILED" not in capsys.readouterr().out


def test_a_fixed_input_leaves_the_failures_and_the_target_goes_on(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash counted by both lanes' ends is counted once; marked fixed, it leaves the crashes
    (the target is no longer failed), its file moves to fixed/, and the table says it beside the
    target's crashes."""
    fuzz = _fuzz()
    monkeypatch.setattr(fuzz, "DATA", tmp_path)
    monkeypatch.setattr(fuzz, "_commit", lambda: "abc1234")
    crash = tmp_path / "crashes" / "pdf" / "crash-dad2a59ede536030a6"
    crash.parent.mkdir(parents=True)
    crash.write_bytes(b"%PDF")

    class Piece:  # two lanes that both end on the one crash libFuzzer wrote
        def __init__(self, argv: list[str], stdout: Any, **_: Any) -> None:
            stdout.write(f"==1== ERROR: libFuzzer: fuzz target exited\nTest unit written to {crash}\n"
                         "stat::number_of_executed_units: 100\n")
            stdout.close()

        def poll(self) -> int | None:
            return 0

    monkeypatch.setattr(fuzz.subprocess, "Popen", Piece)
    monkeypatch.setattr(fuzz.time, "sleep", lambda _: None)
    assert fuzz.run_all(1000, 2, ("pdf",), chunk=900) == 1
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["pdf"]["crashes"] == [crash.name]
    fuzz.mark_fixed(summary, "pdf", crash.name, "5e1c0de")
    assert fuzz._failed(summary["pdf"]) is False
    assert summary["pdf"]["fixed"] == {crash.name: "crashes, fixed in 5e1c0de"}
    assert not crash.exists() and (tmp_path / "fixed" / "pdf" / crash.name).exists()
    assert "| 0 (crash-dad2a59e…: crashes, fixed in 5e1c0de) |" in fuzz.report(summary)


@pytest.mark.parametrize(("log", "before", "peak"), [
    ("#7481\tNEW    cov: 3175 ft: 12312 corp: 281/2062Kb exec/s: 76 rss: 254Mb L: 5013/18053\n", 0, 254),
    # an input that grew the process between two pulses shows only in the final stats
    ("#100\tpulse  cov: 3 ft: 4 corp: 2/1Kb exec/s: 50 rss: 254Mb\nstat::number_of_executed_units: 120\n"
     "stat::peak_rss_mb:              887\n", 0, 887),
    ("stat::peak_rss_mb:              212\n", 397, 397),
    ("", 5, 5),
], ids=["pulse", "final-stats", "kept-higher", "empty"])
def test_peak_rss_reads_pulses_and_final_stats(log: str, before: int, peak: int) -> None:
    assert _fuzz().peak_rss(log, before) == peak
