"""Coverage-guided fuzzing (atheris, libFuzzer's engine) of the readers, the parsers and the
per-document function, checking the invariants every input must keep.

    python scripts/fuzz.py txt -atheris_runs=1000000        # one target, libFuzzer's own flags after it
    python scripts/fuzz.py --all --runs 2000                # every target, a short run (CI)
    python scripts/fuzz.py --all --runs 1000000 --jobs 2    # the long run; the counts go to fuzz-data/summary.json

Targets: ``txt``, ``html``, ``docx``, ``pdf`` (bytes → ``read_bytes`` → ``extract_document``),
``numbers`` (text → ``parse_number``, ``find_dates``, ``scan_figures``) and ``pipeline`` (text →
``extract_text``). Each starts from the bundled corpus in that format (copied into
``fuzz-data/<target>/``, where libFuzzer keeps what it finds) and a dictionary of the words the
patterns look for. An input fails when it

- raises anything but an :class:`~extractor.errors.ExtractorError` (a bad file says why, never
  crashes),
- breaks a span (a fact's, a breakdown's or a finding's span that is not the text it names),
- takes over 2 s (``-timeout=2``: a hang) or passes 2 GB of memory (``-rss_limit_mb=2048``).

libFuzzer writes such an input to ``fuzz-data/crashes/<target>/`` and the run fails; the long
run's counts (inputs, crashes, hangs, time) are written to ``fuzz-data/summary.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "fuzz-data"
TARGETS = ("txt", "html", "docx", "pdf", "numbers", "pipeline")
#: what the text targets' dictionary holds: the words the patterns and the grammar look for
_WORDS = """
    共 其中 合计 总计 分别 万元 元 亿 万 千 百 十 户 名 人 人次 家 个 余 多 约 近 左右 以上 不低于 不超过
    每户 每人 人均 年 月 日 旬 上旬 下旬 至 到 — ~ 、 ， 。 ； ： （ ） x万元 某某 XX 〇 零 两 壹 贰 拾 佰
    仟 萬 戶 １２ ． 篇1 篇2 困难职工 低保户 慰问金 救助金 街道 社区 县 市 一是 二是 (wàn) 2020-01-01
    <table> <tr> <td> </td> </tr> </table> <p> <br> &nbsp;
"""
WORDS = (*_WORDS.split(), "\n", "\t", " | ", "<meta charset=gbk>")

#: the longest input of each kind of target: a text target's inputs are paragraphs (a longer
#: text only repeats what they exercise, many times slower), a file's need room for its structure
MAX_LEN = {"text": 4096, "file": 65536}
SUFFIX = {"txt": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}
SEEDS = {"txt": ("corpus/seed", "corpus/dev"), "html": (), "docx": ("corpus/rendered/docx",),
         "pdf": ("corpus/rendered/pdf",), "numbers": ("corpus/dev",), "pipeline": ("corpus/seed", "corpus/dev")}


class InvariantError(AssertionError):
    """An input broke an invariant (a span that is not its text)."""


def check_records(records: list[Any]) -> None:
    """Every fact's span is its text; every breakdown's and finding's span lies in the text."""
    for r in records:
        text = r.text
        for f in r.facts:
            s, e = f.span
            if not (0 <= s < e <= len(text)) or text[s:e] != f.text:
                raise InvariantError(f"fact span {f.span} is not {f.text!r}")
        for b in r.breakdowns:
            for s, e in (b.span, *b.part_spans):
                if not 0 <= s < e <= len(text):
                    raise InvariantError(f"breakdown span {(s, e)} outside the text")
        for x in r.findings:
            if not 0 <= x.span[0] <= x.span[1] <= len(text):
                raise InvariantError(f"finding span {x.span} outside the text")


def target(name: str) -> Callable[[bytes], None]:
    """The function libFuzzer calls with each input of target ``name``."""
    from extractor.errors import ExtractorError
    from extractor.facts.dates import find_dates
    from extractor.facts.figures import scan_figures
    from extractor.lang.numbers import parse_number
    from extractor.pipeline import extract_document, extract_text
    from extractor.readers import read_bytes

    if name in SUFFIX:
        source = "fuzz" + SUFFIX[name]

        def read(data: bytes) -> None:
            try:
                doc = read_bytes(data, source)
            except ExtractorError:
                return  # a bad file says why: that is the contract
            check_records(extract_document(doc))

        return read

    def text_of(data: bytes) -> str:
        return data.decode("utf-8", errors="replace")

    if name == "numbers":
        def numbers(data: bytes) -> None:
            text = text_of(data)
            parse_number(text)
            for d in find_dates(text):
                if text[d.span[0]:d.span[1]] != d.text:
                    raise InvariantError(f"date span {d.span} is not {d.text!r}")
            for f in scan_figures(text):
                if text[f.start:f.end] != f.surface:
                    raise InvariantError(f"figure span {(f.start, f.end)} is not {f.surface!r}")

        return numbers

    def pipeline(data: bytes) -> None:
        check_records(extract_text(text_of(data)))

    return pipeline


def prepare(name: str) -> Path:
    """The target's corpus folder (seeded once from the bundled corpus) and its dictionary."""
    from extractor.readers import read_path

    folder = DATA / name
    folder.mkdir(parents=True, exist_ok=True)
    if not any(folder.iterdir()):
        for src in SEEDS[name]:
            for f in sorted((ROOT / src).glob("*")):
                if not f.is_file() or f.suffix == ".json":
                    continue
                if name in SUFFIX:
                    shutil.copy(f, folder / f.name)
                    continue
                # the text targets start from paragraphs: short inputs run many times faster
                chunk: list[str] = []
                for k, line in enumerate(read_path(f).text.splitlines(keepends=True)):
                    chunk.append(line)
                    if sum(len(x.encode("utf-8")) for x in chunk) > MAX_LEN["text"] // 4:
                        (folder / f"{f.stem}-{k}.txt").write_text("".join(chunk), encoding="utf-8")
                        chunk = []
                if chunk:
                    (folder / f"{f.stem}-end.txt").write_text("".join(chunk), encoding="utf-8")
        if name == "html":  # a few pages of the corpus's text as HTML, tables and all
            for k, f in enumerate(sorted((ROOT / "corpus" / "dev").glob("*.txt"))[:5]):
                body = "".join(f"<p>{line}</p>" for line in read_path(f).text.splitlines())
                (folder / f"seed{k}.html").write_text(
                    f"<html><head><meta charset='utf-8'></head><body>{body}"
                    "<table><tr><td>街道</td><td>户数</td></tr><tr><td>东关</td><td>180</td></tr></table>"
                    "</body></html>", encoding="utf-8")
    words = DATA / "words.dict"
    words.write_text("".join(f'"{_escape(w)}"\n' for w in WORDS), encoding="utf-8")
    return folder


def _escape(word: str) -> str:
    return "".join(f"\\x{b:02x}" for b in word.encode("utf-8"))


def fuzz_one(name: str, argv: list[str]) -> None:
    """Run libFuzzer on target ``name`` in this process (does not return)."""
    import atheris  # type: ignore[import-untyped]

    with atheris.instrument_imports(include=["extractor"]):
        fn = target(name)
    fn(b"\xe5\x85\xb1 12.5\xe4\xb8\x87\xe5\x85\x83")  # load the dictionaries before the clock starts
    folder = prepare(name)
    crashes = DATA / "crashes" / name
    crashes.mkdir(parents=True, exist_ok=True)
    flags = [f"-artifact_prefix={crashes}/", "-timeout=2", "-rss_limit_mb=2048",
             f"-max_len={MAX_LEN['file' if name in SUFFIX else 'text']}",
             f"-dict={DATA / 'words.dict'}", "-print_final_stats=1"]
    atheris.Setup([sys.argv[0], *flags, *argv, str(folder)], fn)
    atheris.Fuzz()


_DONE = re.compile(r"^Done (\d+) in", re.MULTILINE)
_RSS = re.compile(r"rss: (\d+)Mb")


def run_all(runs: int, jobs: int, names: tuple[str, ...]) -> int:
    """Every target for ``runs`` inputs each (``jobs`` at a time, each its own process); the
    counts to fuzz-data/summary.json; 1 when any target found a failing input."""
    DATA.mkdir(exist_ok=True)
    summary: dict[str, dict[str, Any]] = {}
    pending = list(names)
    running: list[tuple[str, subprocess.Popen[str], float, Path]] = []
    while pending or running:
        while pending and len(running) < jobs:
            name = pending.pop(0)
            log = DATA / f"{name}.log"
            proc = subprocess.Popen([sys.executable, __file__, name, f"-atheris_runs={runs + 1}"],
                                    stdout=log.open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT)
            running.append((name, proc, time.monotonic(), log))
        time.sleep(0.5)
        for item in list(running):
            name, proc, started, log = item
            if proc.poll() is None:
                continue
            running.remove(item)
            out = log.read_text(encoding="utf-8", errors="replace")
            done = _DONE.search(out)  # libFuzzer's last line when every input ran
            crashes = sorted(p.name for p in (DATA / "crashes" / name).glob("*"))
            summary[name] = {"inputs": int(done.group(1)) if done else 0, "finished": done is not None,
                             "seconds": round(time.monotonic() - started, 1),
                             "crashes": [c for c in crashes if c.startswith("crash-")],
                             "hangs": [c for c in crashes if c.startswith("timeout-")],
                             "memory": [c for c in crashes if c.startswith("oom-")],
                             "peak_rss_mb": max(map(int, _RSS.findall(out)), default=0)}
            ok = done is not None and not crashes
            # written after each target: a long run stopped part-way keeps the counts it has
            (DATA / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
            print(f"{name:9} {summary[name]['inputs']:>9} inputs {summary[name]['seconds']:>8} s  "
                  f"{'ok' if ok else 'FAILED: see ' + str(log)}", flush=True)
    bad = [n for n, s in summary.items() if not s["finished"] or s["crashes"] or s["hangs"] or s["memory"]]
    return 1 if bad else 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in TARGETS:
        fuzz_one(sys.argv[1], sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="every target")
    ap.add_argument("--targets", default=",".join(TARGETS), help="the targets of --all (comma-separated)")
    ap.add_argument("--runs", type=int, default=2000, help="inputs per target (default 2000)")
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)), help="targets at a time")
    args = ap.parse_args()
    if not args.all:
        ap.error(f"name a target ({', '.join(TARGETS)}) or --all")
    return run_all(args.runs, args.jobs, tuple(t for t in args.targets.split(",") if t))


if __name__ == "__main__":
    sys.exit(main())
