"""Coverage-guided fuzzing (atheris, libFuzzer's engine) of the readers, the parsers and the
per-document function, checking the invariants every input must keep.

    python scripts/fuzz.py txt -atheris_runs=1000000        # one target, libFuzzer's own flags after it
    python scripts/fuzz.py --all --runs 2000                # every target, a short run (CI)
    python scripts/fuzz.py --all --runs 1000000 --jobs 2 --resume --chunk 900
                                                            # the long run, resumable; counts in fuzz-data/summary.json

Targets: ``txt``, ``html``, ``docx``, ``pdf`` (bytes → ``read_bytes`` → ``extract_document``),
``numbers`` (text → ``parse_number``, ``find_dates``, ``scan_figures``) and ``pipeline`` (text →
``extract_text``). Each starts from the bundled corpus in that format (copied into
``fuzz-data/<target>/``, where libFuzzer keeps what it finds) and a dictionary of the words the
patterns look for. An input fails when it

- raises anything but an :class:`~extractor.errors.ExtractorError` (a bad file says why, never
  crashes),
- breaks a span (a fact's, a breakdown's or a finding's span that is not the text it names),
- takes over 2 s of CPU (a hang: timed by the target itself with the process's CPU clock, so a
  machine loaded by other work does not make a fast input look slow; libFuzzer's own wall-clock
  ``-timeout`` is 60 s, for an input that never returns, and such an input, or one libFuzzer
  reports as slow, is run again warm in a process of its own and is a hang when it takes 2 s of
  CPU there too),
- or passes 2 GB of memory (``-rss_limit_mb=2048``).

libFuzzer writes such an input to ``fuzz-data/crashes/<target>/`` and the run fails; the long
run's counts (inputs, crashes, hangs, time) are written to ``fuzz-data/summary.json``. Once the
input's cause is fixed (and the input kept as a regression test), ``--fixed TARGET:INPUT:COMMIT``
records it as fixed (the README's table says so beside the crashes) and moves it to
``fuzz-data/fixed/<target>/``; ``--resume`` then lets the target go on.

``fuzz-data/`` belongs to the machine. The counts are kept in the repository too
(``corpus/fuzz/summary.json``, written by ``--keep`` and committed), so that a long run goes on
from them on a new machine: ``--resume`` reads ``fuzz-data/summary.json`` when it is there and the
kept counts when it is not (the targets' corpora then start again from the bundled seeds).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "fuzz-data"
#: the long run's counts as committed at the last stop (``--keep``)
KEPT = ROOT / "corpus" / "fuzz" / "summary.json"
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
    """An input broke an invariant (a span that is not its text, or too much time)."""


#: the CPU seconds an input may take before it is a hang
HANG_CPU = 2.0


def timed(fn: Callable[[bytes], None], limit: float = HANG_CPU) -> Callable[[bytes], None]:
    """``fn`` that fails (:class:`InvariantError`) when an input takes over ``limit`` seconds of
    the process's CPU time: the hang test, whatever else the machine is doing."""
    def run(data: bytes) -> None:
        t = time.process_time()
        fn(data)
        spent = time.process_time() - t
        if spent > limit:
            raise InvariantError(f"an input took {spent:.2f} s of CPU (over {limit} s): a hang")

    return run


def check_records(records: list[Any]) -> None:
    """Every fact's span is its text; every breakdown's and finding's span lies in the text; each
    record is written as its JSON line (what ``extract`` writes and the store gives back), and that
    line read and written again is the same line."""
    from extractor.output.jsonl import dict_to_json_line, to_json_line

    for r in records:
        line = to_json_line(r)
        if dict_to_json_line(json.loads(line)) != line:
            raise InvariantError("the record's JSON line read and written again differs")
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
    """The function libFuzzer calls with each input of target ``name`` (timed: :func:`timed`)."""
    return timed(_target(name))


def _target(name: str) -> Callable[[bytes], None]:
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


def warm_up() -> None:
    """Load what extraction loads on first use (the segmenter, the spaCy ruler, the classifiers,
    the readers' libraries) before the clock starts: else the first input that needs one of them
    pays a second of loading and may pass the 2 s timeout."""
    from extractor.pipeline import extract_text
    from extractor.readers import read_path

    extract_text(read_path(ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt").text)
    for f in (*sorted((ROOT / "corpus" / "rendered" / "docx").glob("*.docx"))[:1],
              *sorted((ROOT / "corpus" / "rendered" / "pdf").glob("*.pdf"))[:1]):
        read_path(f)


def recheck(name: str, artifact: Path, tries: int = 3) -> float:
    """The CPU seconds a timeout input takes run again, warm, in a process of its own: libFuzzer's
    timeout reads the wall clock, which a loaded machine stretches; a hang takes as long again.

    The process is bounded by CPU time (``RLIMIT_CPU``, 60 s beyond its start-up), not by the wall
    clock: on a machine loaded by other work (a second target, a build) its loading may take
    minutes of waiting, which says nothing of the input. A process that ends without a time
    (killed, out of memory) is run again, up to ``tries`` times; ``inf`` when it never gives one
    or when the CPU limit ends it (a hang)."""
    code = (f"import importlib.util, sys, time\n"
            f"spec = importlib.util.spec_from_file_location('fuzz', {str(Path(__file__))!r})\n"
            "fuzz = importlib.util.module_from_spec(spec); spec.loader.exec_module(fuzz)\n"
            f"fn = fuzz._target({name!r}); fuzz.warm_up()\n"
            f"data = open({str(artifact)!r}, 'rb').read()\n"
            "t = time.process_time(); fn(data); print(time.process_time() - t)\n")
    for _ in range(tries):
        try:
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=3600,
                                 check=False, preexec_fn=_cpu_limit)
        except subprocess.SubprocessError:
            continue
        if out.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return float("inf")  # the CPU limit ended it (its soft, then its hard bound): a hang
        try:
            return float(out.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            continue
    return float("inf")


def _cpu_limit() -> None:
    """In the rechecking process: at most 60 s of CPU beyond what loading takes (~10 s)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (70, 75))


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
    # each target its own copy, written whole and then moved into place: two targets starting at
    # once (--jobs 2) rewrote one shared file while the other's libFuzzer read it, which then
    # found it empty and stopped at once ("ParseDictionaryFile: file does not exist or is empty")
    _write_whole(dictionary(name), "".join(f'"{_escape(w)}"\n' for w in WORDS))
    return folder


def _write_whole(path: Path, text: str) -> None:
    """``text`` into ``path``, written beside it and then moved into place: a reader (or a run
    killed mid-write) never meets it half written."""
    part = path.with_suffix(f".{os.getpid()}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def dictionary(name: str) -> Path:
    """Target ``name``'s dictionary file (libFuzzer's ``-dict``)."""
    return DATA / f"{name}.dict"


def _escape(word: str) -> str:
    return "".join(f"\\x{b:02x}" for b in word.encode("utf-8"))


def fuzz_one(name: str, argv: list[str]) -> None:
    """Run libFuzzer on target ``name`` in this process (does not return)."""
    import atheris  # type: ignore[import-untyped]

    with atheris.instrument_imports(include=["extractor"]):
        fn = target(name)
    warm_up()
    folder = prepare(name)
    crashes = DATA / "crashes" / name
    crashes.mkdir(parents=True, exist_ok=True)
    flags = [f"-artifact_prefix={crashes}/", "-timeout=60", "-report_slow_units=1000000", "-rss_limit_mb=2048",
             f"-max_len={MAX_LEN['file' if name in SUFFIX else 'text']}",
             f"-dict={dictionary(name)}", "-print_final_stats=1"]
    atheris.Setup([sys.argv[0], *flags, *argv, str(folder)], fn)
    atheris.Fuzz()


_DONE = re.compile(r"^Done (\d+) (?:runs )?in", re.MULTILINE)  # "runs" when -runs ended it
# the memory a lane reached: libFuzzer's pulse lines (``rss: 254Mb``) and its final ``stat::peak_rss_mb``,
# which counts an input that grew the process between two pulses (as the CIDFont widths hang did)
_RSS = re.compile(r"(?:rss: |stat::peak_rss_mb:\s+)(\d+)")
_UNITS = re.compile(r"stat::number_of_executed_units: (\d+)")
_WRITTEN = re.compile(r"Test unit written to (\S+)")  # the failing input libFuzzer stopped on


def run_all(runs: int, jobs: int, names: tuple[str, ...], resume: bool = False, chunk: int = 0) -> int:
    """Every target for ``runs`` inputs each (``jobs`` processes at a time; a target left alone
    with a core free runs in several, see :func:`_lane_for`); the
    counts to fuzz-data/summary.json; 1 when any target found a failing input.

    A timeout (or a unit libFuzzer calls slow) that does not come again when its input is run warm
    in a process of its own (under 2 s
    of CPU: the wall clock of a loaded machine passed the limit, not the input) is not a hang:
    it is kept apart in ``fuzz-data/slow/<target>/`` with its time, and the target goes on from
    where it stopped (libFuzzer stops at the first failing input) until ``runs`` inputs ran.

    ``resume`` goes on from the counts in summary.json (a run stopped part-way, or an earlier
    session's): each target adds to its own count and a finished one is not run again.
    ``chunk`` (seconds) runs each target in pieces of that length (libFuzzer's
    ``-max_total_time``), the counts written after each, so a run that is killed loses at most
    one piece; each piece's commit is kept in ``commits`` so the counts say what code they ran."""
    DATA.mkdir(exist_ok=True)
    summary = load_summary() if resume else {}
    commit = _commit()
    pending = [n for n in names if summary.get(n, {}).get("inputs", 0) < runs]
    for name in names:
        if name not in pending:
            print(f"{name:9} {summary[name]['inputs']:>9} inputs before: done", flush=True)
    seconds_before = {n: float(summary.get(n, {}).get("seconds", 0.0)) for n in names}
    running: list[tuple[str, subprocess.Popen[str], float, Path]] = []
    started_at: dict[str, float] = {}
    while pending or running:
        while len(running) < jobs:
            if pending:
                name = pending.pop(0)
            else:  # a free core and no target waiting: another process of a running one, when the
                # run goes in pieces (a lane started beside a process bound only by its count of
                # inputs would run that count again)
                name = _lane_for(running, summary) if chunk else ""
                if not name:
                    break
            log = _log(name, {lg for n, _, _, lg in running if n == name})
            done_before = summary.get(name, {}).get("inputs", 0)
            started_at.setdefault(name, time.monotonic())
            flags = [f"-atheris_runs={runs - done_before + 1}", *([f"-max_total_time={chunk}"] if chunk else [])]
            proc = subprocess.Popen([sys.executable, __file__, name, *flags],
                                    stdout=log.open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT)
            running.append((name, proc, time.monotonic(), log))
        time.sleep(0.5)
        for item in list(running):
            name, proc, _, log = item
            if proc.poll() is None:
                continue
            running.remove(item)
            out = log.read_text(encoding="utf-8", errors="replace")
            done = _DONE.search(out)  # libFuzzer's last line when every input ran
            units = _UNITS.search(out)
            ran = int(done.group(1)) if done else int(units.group(1)) if units else 0
            entry = summary.setdefault(name, {"inputs": 0, "finished": False, "seconds": 0.0, "crashes": [],
                                              "hangs": [], "memory": [], "slow": {}, "peak_rss_mb": 0})
            entry["inputs"] += ran
            entry["seconds"] = round(seconds_before[name] + time.monotonic() - started_at[name], 1)
            commits = entry.setdefault("commits", {})
            commits[commit] = commits.get(commit, 0) + ran
            entry["peak_rss_mb"] = peak_rss(out, entry["peak_rss_mb"])
            folder = DATA / "crashes" / name
            restart = False
            for art in sorted(folder.glob("*")):
                if art.name.startswith(("timeout-", "slow-unit-")):
                    cpu = recheck(name, art)
                    if cpu < 2.0:  # not a hang: kept apart, the run goes on
                        slow = DATA / "slow" / name
                        slow.mkdir(parents=True, exist_ok=True)
                        art.rename(slow / art.name)
                        entry["slow"][art.name] = round(cpu, 3)
                        restart = True
                        continue
                    kind = "hangs"
                else:
                    kind = "memory" if art.name.startswith("oom-") else "crashes"
                if art.name not in entry[kind]:  # an input another lane's end already counted
                    entry[kind].append(art.name)
            # a lane that stopped on a timeout another lane's end already ran again (both lanes of
            # a machine paused at once stop so) goes on as well: its input is in slow/, no hang
            restart = restart or any(Path(w).name in entry["slow"] for w in _WRITTEN.findall(out))
            entry["finished"] = entry["inputs"] >= runs or (done is not None and not chunk)
            # written after each target, piece and restart: a long run stopped part-way keeps its counts
            save_summary(summary)
            failed = _failed(entry)
            if (restart or (chunk and done is not None)) and not entry["finished"] and not failed:
                pending.insert(0, name)
                continue
            ok = entry["finished"] and not failed
            note = f" ({len(entry['slow'])} timeouts not hangs: under 2 s run again)" if entry["slow"] else ""
            print(f"{name:9} {entry['inputs']:>9} inputs {entry['seconds']:>8} s  "
                  f"{'ok' if ok else 'FAILED: see ' + str(log)}{note}", flush=True)
    bad = [n for n, e in summary.items() if not e["finished"] or _failed(e)]
    return 1 if bad else 0


def _lane_for(running: list[tuple[str, subprocess.Popen[str], float, Path]],
              summary: dict[str, dict[str, Any]]) -> str:
    """The running target to give a free core to (the one with the fewest processes), or ``""``.

    When fewer targets are left than ``--jobs`` (a last slow target, such as ``pdf``) in a run of
    pieces (``--chunk``), a target runs in several processes at once, sharing its corpus folder as
    libFuzzer's own ``-jobs`` does: each reads the inputs the others saved when it starts, each has
    its own log, and their counts add up. A target that has finished or failed gets no new process."""
    counts: dict[str, int] = {}
    for name, *_ in running:
        e = summary.get(name, {})
        if not (e.get("finished") or _failed(e)):
            counts[name] = counts.get(name, 0) + 1
    return min(counts, key=lambda n: counts[n]) if counts else ""


def _failed(entry: dict[str, Any]) -> bool:
    """Whether a target's counts hold a failing input: a crash, a hang or one out of memory."""
    return bool(entry.get("crashes") or entry.get("hangs") or entry.get("memory"))


def _log(name: str, taken: set[Path]) -> Path:
    """The log of a new process of target ``name``: ``<name>.log``, else ``<name>.2.log``, … (one
    free of the target's running processes)."""
    k = 1
    while (log := DATA / (f"{name}.log" if k == 1 else f"{name}.{k}.log")) in taken:
        k += 1
    return log


def mark_fixed(summary: dict[str, dict[str, Any]], name: str, artifact: str, commit: str) -> None:
    """Record that the failing input ``artifact`` of target ``name`` is fixed in ``commit``: it
    leaves the target's crashes, hangs or out-of-memory inputs (so the target may go on) for its
    ``fixed`` ones, and its file leaves ``crashes/`` for ``fixed/`` (kept, not counted again).
    The README's table shows it beside the target's crashes."""
    entry = summary[name]
    kinds = [k for k in ("crashes", "hangs", "memory") if artifact in entry[k]]
    if not kinds:
        raise SystemExit(f"{name}: no failing input {artifact}")
    for kind in kinds:
        entry[kind] = [a for a in entry[kind] if a != artifact]
    entry.setdefault("fixed", {})[artifact] = f"{kinds[0]}, fixed in {commit}"
    found = DATA / "crashes" / name / artifact
    if found.exists():
        (DATA / "fixed" / name).mkdir(parents=True, exist_ok=True)
        found.rename(DATA / "fixed" / name / artifact)


def save_summary(summary: dict[str, dict[str, Any]]) -> None:
    """Write the counts to ``fuzz-data/summary.json`` (whole or not at all)."""
    DATA.mkdir(exist_ok=True)
    _write_whole(DATA / "summary.json", json.dumps(summary, indent=1, ensure_ascii=False))


def peak_rss(log: str, before: int = 0) -> int:
    """The most memory (MB) a lane's ``log`` shows, or ``before`` when it showed less."""
    return max(before, *map(int, _RSS.findall(log)), 0)


def load_summary() -> dict[str, dict[str, Any]]:
    """The long run's counts: this machine's (``fuzz-data/summary.json``), else the kept ones
    (``corpus/fuzz/summary.json``, a run begun on another machine), else none."""
    for path in (DATA / "summary.json", KEPT):
        if path.exists():
            loaded: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
    return {}


def _commit() -> str:
    """The commit the fuzzed code is at (``+`` when the tree has changes), or ``unknown``."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return rev + ("+" if dirty else "")


def report(summary: dict[str, dict[str, Any]]) -> str:
    """The README's table of a run: each target's inputs, the commits they ran and what failed."""
    lines = ["| target | inputs run | by commit | crashes | hangs (2 s of CPU again) | timeouts run again "
             "under 2 s | peak RSS |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in TARGETS:
        e = summary.get(name)
        if e is None:
            continue
        inputs = f"**{e['inputs']:,}**" if e["inputs"] >= 1_000_000 else f"{e['inputs']:,}"
        commits = ", ".join(f"{c} {n:,}" for c, n in e.get("commits", {}).items()) or "—"
        slow = f"{len(e['slow'])} ({', '.join(f'{t:.3f} s' for t in e['slow'].values())})" if e["slow"] else "0"
        fixed = "".join(f" ({a[:14]}…: {how})" for a, how in e.get("fixed", {}).items())
        lines.append(f"| `{name}` | {inputs} | {commits} | {len(e['crashes'])}{fixed} | {len(e['hangs'])} | {slow} "
                     f"| {e['peak_rss_mb']} MB |")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] in TARGETS:
        fuzz_one(sys.argv[1], sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="every target")
    ap.add_argument("--targets", default=",".join(TARGETS), help="the targets of --all (comma-separated)")
    ap.add_argument("--runs", type=int, default=2000, help="inputs per target (default 2000)")
    ap.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)),
                    help="processes at a time (a target left alone runs in several)")
    ap.add_argument("--resume", action="store_true", help="add to the counts in fuzz-data/summary.json")
    ap.add_argument("--report", action="store_true", help="print the counts (fuzz-data/summary.json, else the kept "
                    "ones) as the README's table")
    ap.add_argument("--keep", action="store_true", help="copy fuzz-data/summary.json to corpus/fuzz/summary.json "
                    "(committed: a run on a new machine goes on from it)")
    ap.add_argument("--fixed", metavar="TARGET:INPUT:COMMIT",
                    help="record a failing input of fuzz-data/summary.json as fixed in COMMIT (the target goes on)")
    ap.add_argument("--chunk", type=int, default=0, metavar="SECONDS",
                    help="run each target in pieces of this many seconds, the counts saved after each")
    args = ap.parse_args()
    if args.report:
        print(report(load_summary()))
        return 0
    if args.fixed:
        name, artifact, commit = args.fixed.split(":")
        summary = load_summary()
        mark_fixed(summary, name, artifact, commit)
        save_summary(summary)
        return 0
    if args.keep:
        KEPT.parent.mkdir(parents=True, exist_ok=True)
        _write_whole(KEPT, (DATA / "summary.json").read_text(encoding="utf-8"))
        return 0
    if not args.all:
        ap.error(f"name a target ({', '.join(TARGETS)}) or --all")
    return run_all(args.runs, args.jobs, tuple(t for t in args.targets.split(",") if t), args.resume, args.chunk)


if __name__ == "__main__":
    sys.exit(main())
