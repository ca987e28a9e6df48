"""The bench table of the README, from one run of each tree: start-up, MB/s beside ``jieba.lcut``,
instructions per MB, ingest reports/s per core (and at 2 workers), peak RSS at 1k/10k/100k reports.

    python scripts/bench_table.py --out /tmp/after.json                       # this tree
    python scripts/bench_table.py --tree /tmp/pre12 --out /tmp/before.json    # another checkout
    python scripts/bench_table.py --tree /tmp/pre12 --quick --parts startup speed   # a quick look
    python scripts/bench_table.py --compare /tmp/before.json /tmp/after.json  # the before/after table

Every measurement is a whole process of the tree's own ``.venv/bin/python`` (``python -m extractor
...`` with the tree first on the path, or a few inline lines for ``jieba.lcut``), so that any
checkout runs, whatever its module layout:

- start-up: ``extract`` of a one-line report, the median of ``--runs`` runs (wall, CPU, peak RSS);
- speed: ``extract DIR -o /dev/null`` (the checks on) of bench.py's corpus (the bundled reports
  repeated with their digits redrawn, ~6 MB) and of the real-dev reports (``--real-dev``, every
  file, ``--real-dev-copies`` copies (16: ~1 MB), the first verbatim, the others with their digits redrawn),
  minus the start-up median: the cost beyond start-up; ``jieba.lcut`` (a ``jieba.Tokenizer()``,
  HMM on, as bench.py) over the same files after its load; the two alternate ``--repeat`` times,
  the best run of each kept;
- instructions: ``valgrind --tool=callgrind`` of ``extract`` over the first ~``--callgrind-mb`` MB
  of the bench corpus minus that of its first 2 files, divided by the MB between them;
- ingest: ``extractor ingest`` of bench_ingest.py's corpus (``scripts/make_corpus.py`` seed 11,
  ``N`` files of one or a few reports each, plus 50 broken files) into a fresh SQLite store, with
  ``--workers 1`` and ``--workers 2`` on 10,000 files; documents/s over the whole process; the
  store checked (every report once, 50 error rows);
- memory: the peak RSS (``wait4``'s ``ru_maxrss``: the process or its largest worker) of
  ``ingest --workers 1`` at 1,000, 10,000 and 100,000 files (``--quick``: no 100,000).

The corpora are made once in ``--data`` (bench-data/, git-ignored) and reused by every tree. The
machine's load average is written beside each part: on a shared machine the wall-clock figures
are as good as the load lets them be; the CPU-second figures and the instruction counts less so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

from bench_ingest import build as build_ingest  # noqa: E402  (make_corpus, no extractor import)

REPORT = "春节送温暖活动总结\n共慰问困难职工53名，发放慰问金12.5万元。\n"
PARTS = ("startup", "speed", "callgrind", "ingest", "memory")

# bench.py's corpus, made with the tree's own reader: its extractor is imported first, so that
# bench.build_corpus (which puts this repository first on the path) uses the modules already loaded
_BUILD_BENCH = """
import sys
import extractor.pipeline, extractor.readers  # the tree's (cwd and PYTHONPATH)
sys.path.insert(1, sys.argv[1])
from bench import build_corpus
from pathlib import Path
files = build_corpus(Path(sys.argv[2]), float(sys.argv[3]))
print(len(files), sum(f.stat().st_size for f in files))
"""

_JIEBA = """
import json, sys, time
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
import jieba
tok = jieba.Tokenizer()
tok.initialize()
t1, c1 = time.perf_counter(), time.process_time()
n = 0
for f in sorted(Path(sys.argv[1]).glob("*.txt")):
    n += len(tok.lcut(f.read_text(encoding="utf-8")))
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"load_s": t1 - t0, "seconds": t2 - t1, "cpu_s": c2 - c1, "tokens": n}))
"""


# ---------------------------------------------------------------------------------------------
# processes


class Tree:
    """A checkout with its own ``.venv``: the python that runs its code."""

    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        self.python = self.path / ".venv" / "bin" / "python"
        if not self.python.exists():
            raise SystemExit(f"{self.python} does not exist: the tree needs its own .venv")
        self.env = {**os.environ, "PYTHONPATH": str(self.path)}

    def cmd(self, *args: str) -> list[str]:
        return [str(self.python), "-m", "extractor", *args]


class Proc:
    """One whole process, timed from before its start to after it is reaped."""

    def __init__(self, seconds: float, cpu_s: float, peak_mib: float, code: int, out: str, err: str) -> None:
        self.seconds, self.cpu_s, self.peak_mib = seconds, cpu_s, peak_mib
        self.code, self.out, self.err = code, out, err


def run(cmd: list[str], tree: Tree, ok: tuple[int, ...] = (0,)) -> Proc:
    """Run ``cmd`` in ``tree`` with its environment; its wall time, CPU time (user + system, its
    reaped workers included) and peak RSS (``ru_maxrss``: itself or its largest reaped child)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tree.path, env=tree.env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        got = Proc(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{got.err[-3000:]}")
    return got


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return " ".join(map(str, load()))


def folder_mb(folder: Path) -> tuple[int, float]:
    files = sorted(folder.glob("*.txt"))
    return len(files), sum(f.stat().st_size for f in files) / 1e6


# ---------------------------------------------------------------------------------------------
# corpora (made once, in --data)


def bench_corpus(data: Path, mb: float, tree: Tree) -> Path:
    """bench.py's corpus of ``mb`` MB in ``data/table-bench-<mb>mb``."""
    folder = data / f"table-bench-{mb:g}mb"
    if not (folder / ".complete").exists():
        p = run([str(tree.python), "-c", _BUILD_BENCH, str(SCRIPTS), str(folder), str(mb)], tree)
        (folder / ".complete").write_text(json.dumps({"built_with": str(tree.path), "files_bytes": p.out.split()}))
    return folder


def realdev_corpus(data: Path, docs: Path, copies: int, seed: int = 7) -> Path:
    """Every real-dev report ``copies`` times: the first copy verbatim, the others with their digits
    redrawn (as bench.py does: no cache meets the same figure twice)."""
    folder = data / f"table-realdev-x{copies}"
    if (folder / ".complete").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = sorted(docs.glob("*.txt"))
    if not sources:
        raise SystemExit(f"no .txt in {docs}")
    for k in range(copies):
        for src in sources:
            text = src.read_text(encoding="utf-8")
            if k:
                text = re.sub(r"\d", lambda _: str(rng.randrange(10)), text)
            (folder / f"c{k}_{src.name}").write_text(text, encoding="utf-8")
    (folder / ".complete").write_text(json.dumps({"source": str(docs), "copies": copies}))
    return folder


def callgrind_corpora(data: Path, bench: Path, mb: float) -> tuple[Path, Path]:
    """The first files of the bench corpus up to ``mb`` MB, and its first 2 files."""
    files = sorted(bench.glob("*.txt"))
    big, tiny = data / f"table-cg-{mb:g}mb", data / "table-cg-tiny"
    for folder, pick in ((tiny, files[:2]), (big, None)):
        if (folder / ".complete").exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for f in pick if pick is not None else files:
            if pick is None and total >= mb * 1e6:
                break
            shutil.copyfile(f, folder / f.name)
            total += f.stat().st_size
        (folder / ".complete").write_text("{}")
    return big, tiny


def find_real_dev() -> Path | None:
    for cand in (ROOT.parent / "shared" / "eval" / "real-dev" / "docs", Path("/work/shared/eval/real-dev/docs")):
        if cand.is_dir():
            return cand
    return None


# ---------------------------------------------------------------------------------------------
# measurements


def m_startup(tree: Tree, data: Path, runs: int) -> dict[str, Any]:
    report = data / "table-startup" / "one.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(REPORT, encoding="utf-8")
    cmd = tree.cmd("extract", str(report), "-o", os.devnull)
    run(cmd, tree)  # warm-up: the first run pays for cold caches
    got = [run(cmd, tree) for _ in range(runs)]
    return {"runs": runs, "median_s": statistics.median(p.seconds for p in got),
            "min_s": min(p.seconds for p in got), "median_cpu_s": statistics.median(p.cpu_s for p in got),
            "peak_rss_mib": statistics.median(p.peak_mib for p in got)}


def m_speed(tree: Tree, folder: Path, startup: dict[str, Any], repeat: int) -> dict[str, Any]:
    """``extract`` (whole process, minus the start-up median) and ``jieba.lcut`` over ``folder``,
    alternating ``repeat`` times; the best run of each."""
    files, mb = folder_mb(folder)
    ext: list[Proc] = []
    jie: list[dict[str, float]] = []
    for _ in range(repeat):
        ext.append(run(tree.cmd("extract", str(folder), "-o", os.devnull), tree, ok=(0, 1)))
        p = run([str(tree.python), "-c", _JIEBA, str(folder)], tree)
        jie.append(json.loads(p.out.strip().splitlines()[-1]))
    best = min(ext, key=lambda p: p.seconds)
    jbest = min(jie, key=lambda r: r["seconds"])
    beyond = best.seconds - startup["median_s"]
    beyond_cpu = min(p.cpu_s for p in ext) - startup["median_cpu_s"]
    res: dict[str, Any] = {
        "folder": str(folder), "files": files, "mb": mb, "repeat": repeat,
        "extract": {"whole_s": [round(p.seconds, 3) for p in ext], "best_whole_s": best.seconds,
                    "beyond_startup_s": beyond, "mb_per_s": mb / beyond,
                    "cpu_beyond_startup_s": beyond_cpu, "mb_per_cpu_s": mb / beyond_cpu,
                    "peak_rss_mib": best.peak_mib},
        "jieba": {"seconds": [round(r["seconds"], 3) for r in jie], "best_s": jbest["seconds"],
                  "mb_per_s": mb / jbest["seconds"], "mb_per_cpu_s": mb / min(r["cpu_s"] for r in jie),
                  "load_s": jbest["load_s"], "tokens": jbest["tokens"]},
    }
    res["ratio"] = res["extract"]["mb_per_s"] / res["jieba"]["mb_per_s"]
    res["ratio_cpu"] = res["extract"]["mb_per_cpu_s"] / res["jieba"]["mb_per_cpu_s"]
    return res


def instructions(tree: Tree, folder: Path, work: Path) -> int:
    out = work / f"callgrind.{folder.name}.out"
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
           *tree.cmd("extract", str(folder), "-o", os.devnull)]
    run(cmd, tree, ok=(0, 1))
    text = out.read_text(errors="replace")
    m = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.M)
    if not m:
        raise SystemExit(f"no totals in {out}")
    return int(m.group(1))


def m_callgrind(tree: Tree, big: Path, tiny: Path) -> dict[str, Any]:
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is missing (apt-get install -y valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        ir_big, ir_tiny = instructions(tree, big, Path(tmp)), instructions(tree, tiny, Path(tmp))
    (nb, mb_big), (nt, mb_tiny) = folder_mb(big), folder_mb(tiny)
    return {"big": {"files": nb, "mb": mb_big, "ir": ir_big}, "tiny": {"files": nt, "mb": mb_tiny, "ir": ir_tiny},
            "ir_per_mb": (ir_big - ir_tiny) / (mb_big - mb_tiny)}


def m_ingest(tree: Tree, folder: Path, n: int, reports: int, db: Path, workers: int) -> dict[str, Any]:
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
        stale.unlink(missing_ok=True)
    p = run(tree.cmd("ingest", str(folder), "--db", str(db), "--workers", str(workers)), tree, ok=(0, 1))
    summary: dict[str, Any] = {}
    for line in reversed(p.out.strip().splitlines()):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    with sqlite3.connect(db) as c:
        stored, distinct = c.execute("select count(*), count(distinct sha256 || ':' || idx) from documents").fetchone()
        errors = c.execute("select count(*) from files where status = 'error'").fetchone()[0]
    c.close()
    db.unlink(missing_ok=True)
    documents = int(summary.get("documents", stored))
    checked = stored == distinct == reports == documents and errors == 50
    if not checked:
        print(f"warning: the store holds {stored} documents ({distinct} distinct) and {errors} error rows; "
              f"expected {reports} and 50", file=sys.stderr)
    return {"workers": workers, "corpus_files": n, "broken_files": 50, "reports": reports, "documents": documents,
            "seconds": p.seconds, "cpu_s": p.cpu_s, "docs_per_s": documents / p.seconds,
            "docs_per_cpu_s": documents / p.cpu_s, "own_seconds": summary.get("seconds"), "mb": summary.get("mb"),
            "peak_rss_mib": p.peak_mib, "store_checked": checked}


# ---------------------------------------------------------------------------------------------
# tables


def _f(v: Any, fmt: str) -> str:
    return "–" if v is None else format(v, fmt)


def _get(d: dict[str, Any], *keys: str) -> Any:
    cur: Any = d
    for k in keys:
        if not isinstance(cur, dict) or k not in cur:
            return None
        cur = cur[k]
    return cur


def memory_sizes(*results: dict[str, Any]) -> list[str]:
    return sorted({k for r in results for k in (r.get("memory") or {})}, key=int) or ["1000", "10000", "100000"]


def rows(r: dict[str, Any], sizes: list[str]) -> list[tuple[str, Any, str, bool]]:
    """(label, value, format, higher is better) for each line of the table."""
    out: list[tuple[str, Any, str, bool]] = []
    s = r.get("startup") or {}
    out.append((f"start-up: `extract` of a one-line report, median of {s.get('runs', '?')} (s)",
                s.get("median_s"), ".3f", False))
    out.append(("start-up: CPU s, median", s.get("median_cpu_s"), ".3f", False))
    out.append(("start-up: peak RSS (MiB)", s.get("peak_rss_mib"), ".0f", False))
    for key, name in (("bench", "bench corpus"), ("realdev", "real-dev")):
        sp = _get(r, "speed", key) or {}
        what = f"{name} ({_f(sp.get('mb'), '.2f')} MB, {sp.get('files', '?')} files)"
        out.append((f"`extract` MB/s beyond start-up, {what}", _get(sp, "extract", "mb_per_s"), ".3f", True))
        out.append((f"`jieba.lcut` MB/s, {what}", _get(sp, "jieba", "mb_per_s"), ".3f", True))
        out.append((f"`extract` / `jieba.lcut`, {name}", sp.get("ratio"), ".2f", True))
        out.append((f"`extract` / `jieba.lcut` in CPU seconds, {name}", sp.get("ratio_cpu"), ".2f", True))
    cg = r.get("callgrind") or {}
    ir = cg.get("ir_per_mb")
    out.append((f"instructions per MB (callgrind, marginal: {_f(_get(cg, 'big', 'mb'), '.2f')} MB minus 2 files), G",
                None if ir is None else ir / 1e9, ".2f", False))
    ing = r.get("ingest") or {}
    one, two = ing.get("1"), ing.get("2")
    n = (one or two or {}).get("corpus_files")
    n = "?" if n is None else f"{n:,}"
    out.append((f"ingest {n} files (+50 broken): reports/s, 1 worker", _get(ing, "1", "docs_per_s"), ".1f", True))
    out.append((f"ingest {n} files (+50 broken): reports/s, 2 workers", _get(ing, "2", "docs_per_s"), ".1f", True))
    out.append(("ingest: reports/s per core at 2 workers", None if two is None else two["docs_per_s"] / 2, ".1f", True))
    out.append(("ingest: scaling at 2 workers (rate / 2 × 1-worker rate)", ing.get("scaling"), ".2f", True))
    out.append(("ingest: reports per CPU second, 1 worker", _get(ing, "1", "docs_per_cpu_s"), ".1f", True))
    for size in sizes:
        m = _get(r, "memory", size)
        out.append((f"ingest peak RSS, {int(size):,} files (+50 broken), 1 worker (MiB)",
                    None if m is None else m["peak_rss_mib"], ".0f", False))
    return out


def table(r: dict[str, Any]) -> str:
    meta: dict[str, Any] = r.get("meta", {})
    lines = [f"{meta.get('tree')} @ {str(meta.get('commit', '?'))[:7]}{' (dirty)' if meta.get('dirty') else ''}; "
             f"load average {meta.get('load_start')} → {meta.get('load_end')}", "",
             "| measure | value |", "| --- | --- |"]
    lines += [f"| {label} | {_f(v, fmt)} |" for label, v, fmt, _ in rows(r, memory_sizes(r))]
    return "\n".join(lines)


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    sizes = memory_sizes(before, after)
    lines = ["| measure | before | after | after / before |", "| --- | --- | --- | --- |"]
    for (label, b, fmt, _), (_, a, _, _) in zip(rows(before, sizes), rows(after, sizes), strict=True):
        ratio = f"{a / b:.2f}×" if a is not None and b else "–"
        lines.append(f"| {label} | {_f(b, fmt)} | {_f(a, fmt)} | {ratio} |")
    for name, r in (("before", before), ("after", after)):
        m = r.get("meta", {})
        lines.append("")
        lines.append(f"{name}: {m.get('tree')} @ {m.get('commit', '?')[:7]}, {m.get('date')}; "
                     f"load average {m.get('load_start')} → {m.get('load_end')}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def meta(tree: Tree, args: argparse.Namespace) -> dict[str, Any]:
    def git(*a: str) -> str:
        p = subprocess.run(["git", "-C", str(tree.path), *a], capture_output=True, text=True)
        return p.stdout.strip()

    versions = subprocess.run(
        [str(tree.python), "-c", "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
         "('jieba', 'spacy', 'numpy', 'scikit-learn', 'sqlalchemy') }))"],
        capture_output=True, text=True, check=True).stdout
    return {"tree": str(tree.path), "commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain")),
            "python": subprocess.run([str(tree.python), "-V"], capture_output=True, text=True).stdout.strip(),
            "versions": json.loads(versions), "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "host": platform.node(), "cpus": os.cpu_count(), "argv": sys.argv[1:], "quick": args.quick,
            "load_start": load(), "uptime_start": uptime()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--tree", type=Path, default=ROOT, help="a checkout with its own .venv (default: this one)")
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data", help="where the corpora are made and kept")
    ap.add_argument("--out", type=Path, help="write the results here (JSON)")
    ap.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    ap.add_argument("--quick", action="store_true", help="no 100,000-file memory run")
    ap.add_argument("--runs", type=int, default=15, help="start-up runs (default 15; at least 10)")
    ap.add_argument("--repeat", type=int, default=3, help="alternating extract/jieba runs, best kept (default 3)")
    ap.add_argument("--mb", type=float, default=6.0, help="bench corpus size in MB (default 6)")
    ap.add_argument("--real-dev", type=Path, default=find_real_dev(), help="the real-dev docs folder")
    ap.add_argument("--real-dev-copies", type=int, default=16, help="copies of real-dev (default 16, ~1 MB)")
    ap.add_argument("--callgrind-mb", type=float, default=0.3)
    ap.add_argument("--ingest-files", type=int, default=10000)
    ap.add_argument("--memory-files", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--update", action="store_true",
                    help="start from the results already in --out and replace only the parts measured now")
    ap.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = ap.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        print(compare(before, after))
        return 0
    if args.runs < 10:
        ap.error("--runs must be at least 10")
    tree = Tree(args.tree)
    data: Path = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"meta": meta(tree, args)}
    if args.update and args.out and args.out.exists():
        res = json.loads(args.out.read_text(encoding="utf-8"))
        if Path(res["meta"]["tree"]) != tree.path:
            raise SystemExit(f"{args.out} holds the results of {res['meta']['tree']}, not {tree.path}")
        res["meta"].setdefault("updates", []).append({k: v for k, v in meta(tree, args).items() if k != "versions"})

    def save() -> None:
        res["meta"]["load_end"] = load()
        res["meta"]["uptime_end"] = uptime()
        if args.out:
            args.out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def say(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')} load {load()}] {msg}", file=sys.stderr, flush=True)

    def stamped(measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """A measurement with when it ran and the load average before and after it."""
        at, before = time.strftime("%Y-%m-%d %H:%M:%S"), load()
        return {**measure(), "at": at, "load_before": before, "load_after": load()}

    parts = set(args.parts)
    if "startup" in parts or "speed" in parts:
        say("start-up")
        res["startup"] = stamped(lambda: m_startup(tree, data, args.runs))
        save()
    if "speed" in parts:
        bench = bench_corpus(data, args.mb, tree)
        folders = {"bench": bench}
        if args.real_dev:
            folders["realdev"] = realdev_corpus(data, args.real_dev, args.real_dev_copies)
        else:
            say("no real-dev folder found: --real-dev")
        res["speed"] = {}
        for key, folder in folders.items():
            say(f"speed: {folder}")
            res["speed"][key] = stamped(partial(m_speed, tree, folder, res["startup"], args.repeat))
            save()
    if "callgrind" in parts:
        big, tiny = callgrind_corpora(data, bench_corpus(data, args.mb, tree), args.callgrind_mb)
        say(f"callgrind: {big} and {tiny}")
        res["callgrind"] = stamped(lambda: m_callgrind(tree, big, tiny))
        save()
    db = data / "table-ingest.db"
    if "ingest" in parts:
        folder = data / f"ingest-{args.ingest_files}"
        reports, _ = build_ingest(folder, args.ingest_files)
        res["ingest"] = {}
        for workers in (1, 2):
            say(f"ingest {folder} --workers {workers}")
            res["ingest"][str(workers)] = stamped(
                partial(m_ingest, tree, folder, args.ingest_files, reports, db, workers))
            save()
        one, two = res["ingest"]["1"], res["ingest"]["2"]
        res["ingest"]["scaling"] = two["docs_per_s"] / (2 * one["docs_per_s"])
        save()
    if "memory" in parts:
        res["memory"] = {}
        for n in sorted(args.memory_files):
            if args.quick and n > 10000:
                continue
            if n == args.ingest_files and "1" in res.get("ingest", {}):
                res["memory"][str(n)] = res["ingest"]["1"]  # the same run
                continue
            folder = data / f"ingest-{n}"
            say(f"memory: building {folder}")
            reports, _ = build_ingest(folder, n)
            say(f"memory: ingest {folder} --workers 1")
            res["memory"][str(n)] = stamped(partial(m_ingest, tree, folder, n, reports, db, 1))
            save()
    save()
    print(table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
