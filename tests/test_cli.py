"""The ``extractor`` command: JSON lines in the shape of the record contract, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from extractor.ui.cli import main

from .conftest import ROOT

SEED = ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt"

RECORD_KEYS = {"source", "index", "title", "text", "facts", "breakdowns", "findings"}
FACT_KEYS = {"kind", "text", "span", "placeholder"}
KIND_KEYS = {
    "money": {"value", "approx", "qualifier"},
    "count": {"value", "unit", "approx", "subject"},
    "date": {"start", "end"},
}
UNDECODABLE = b"\x01\xff\x02\xfa\x03\xfe" * 25  # see test_readers.UNDECODABLE


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_record(row: dict[str, Any]) -> None:
    assert row.keys() >= RECORD_KEYS
    text = row["text"]
    assert isinstance(text, str)
    for fact in row["facts"]:
        assert fact.keys() >= FACT_KEYS, fact
        assert fact.keys() >= KIND_KEYS[fact["kind"]], fact
        s, e = fact["span"]
        assert text[s:e] == fact["text"]
        assert isinstance(fact["placeholder"], bool)
        if fact["kind"] in ("money", "count"):
            assert (fact["value"] is None) == fact["placeholder"], fact
    for b in row["breakdowns"]:
        assert b.keys() >= {"kind", "total", "parts", "unit", "span"}
        s, e = b["span"]
        assert 0 <= s < e <= len(text)
    for f in row["findings"]:
        assert f.keys() >= {"rule", "severity", "message", "span"}
        assert f["severity"] in ("error", "warning", "info")
        s, e = f["span"]
        assert 0 <= s <= e <= len(text)


def test_extract_seed_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(SEED), "-o", str(out)]) == 0
    rows = _rows(out)
    assert len(rows) == 5
    assert [r["index"] for r in rows] == list(range(5))
    assert [r["title"] for r in rows] == [f"春节工会送温暖活动总结篇{k}" for k in range(1, 6)]
    assert all(r["source"] == str(SEED) for r in rows)
    for row in rows:
        _check_record(row)
    kinds = {f["kind"] for r in rows for f in r["facts"]}
    assert kinds == {"money", "count", "date"}  # the seed has all three, so every shape was checked
    assert "报告 5，错误 0" in capsys.readouterr().err


def test_folder_with_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = folder / "a_good.txt"
    good.write_text("春节慰问活动总结\n共慰问困难家庭700余户，发放慰问金12.5万元。\n", encoding="utf-8")
    bad = folder / "b_bad.txt"
    bad.write_bytes(UNDECODABLE)
    broken_pdf = folder / "c_broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.4\n")  # a format the readers know, but no PDF: an error row too
    (folder / "d_ignored.json").write_text("{}", encoding="utf-8")  # no reader's suffix: not picked up
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    rows = _rows(out)
    errors = [r for r in rows if "error" in r]
    records = [r for r in rows if "error" not in r]
    assert [e["source"] for e in errors] == [str(bad), str(broken_pdf)]
    assert errors[1]["error"]["code"]
    errors = errors[:1]
    assert errors[0]["error"]["code"] == "decode_failed"
    assert errors[0]["error"]["message"]
    assert errors[0].keys() >= RECORD_KEYS  # an error row still has the contract's fields
    assert [r["source"] for r in records] == [str(good)]
    for row in records:
        _check_record(row)
    assert [f["text"] for f in records[0]["facts"]] == ["700余户", "12.5万元"]
    assert "decode_failed" in capsys.readouterr().err


def test_a_record_that_cannot_be_written_is_an_error_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A record the JSON writer fails on (orjson once raised on an integer beyond 64 bits and the
    whole run stopped) is that file's error row; the files after it are still written."""
    import extractor.output.jsonl as jsonl
    from extractor.model import ErrorRecord

    real = jsonl.to_json_line

    def failing(r: Any) -> str:
        if r.source.endswith("a.txt") and not isinstance(r, ErrorRecord):  # (its error row is written)
            raise TypeError("Integer exceeds 64-bit range")
        return real(r)

    # the writer the command looks up (jsonl is compiled in the wheel: a function it calls within
    # itself takes no replacement)
    monkeypatch.setattr(jsonl, "to_json_line", failing)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("共慰问困难家庭700余户。", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out)]) == 1
    rows = _rows(out)
    assert [(Path(r["source"]).name, r.get("error", {}).get("code")) for r in rows] == [
        ("a.txt", "internal_error"), ("b.txt", None)]
    assert "写出记录" in rows[0]["error"]["message"] and "写出记录" in capsys.readouterr().err


def test_module_entry_point_prints_to_stdout() -> None:
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", str(SEED)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 5
    for line in lines:
        _check_record(json.loads(line))


def test_a_bad_models_folder_is_said_not_a_traceback(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "EXTRACTOR_MODELS": str(tmp_path / "no-such-folder")}
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", str(SEED)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)
    assert proc.returncode == 2
    assert "bad_config" in proc.stderr and "EXTRACTOR_MODELS" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("argv", [["bogus"], [], ["extract"], ["extract", "--no-such-option", str(SEED)]],
                         ids=["unknown-command", "no-command", "no-paths", "unknown-option"])
def test_usage_error_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage" in capsys.readouterr().err
