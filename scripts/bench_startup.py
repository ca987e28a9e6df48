"""Start-up of the ``extractor`` command, whole process: ``--help``, ``--version`` and ``extract`` of
a one-line report, medians of repeated runs; then where ``import extractor.pipeline`` spends its
time (``python -X importtime``, the ten largest cumulative imports).

    python scripts/bench_startup.py                      # 15 runs of each
    python scripts/bench_startup.py --runs 21 --baseline /tmp/old   # beside another checkout's code

Each run is one fresh process (``python -m extractor ...`` with the tree's code first on the path),
timed from before its start to after it is reaped; peak memory is the kernel's figure for that
child. With ``--baseline`` the two trees' runs alternate (A B A B ...), so that a machine whose
speed drifts slows both alike, and the median of the run-by-run ratios A/B is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
REPORT = "春节送温暖活动总结\n共慰问困难职工53名，发放慰问金12.5万元。\n"


class Sample(NamedTuple):
    seconds: float
    peak_mib: float


def run(tree: Path, args: list[str]) -> Sample | None:
    """One whole-process run of ``python -m extractor ARGS`` with the code of ``tree``; None when
    it fails (an older tree may not know ``--version``)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "extractor", *args], cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(seconds, usage.ru_maxrss / 1024) if proc.returncode == 0 else None


def _cells(got: list[Sample | None]) -> str:
    """Median seconds and peak MiB of one tree's runs (a dash when a run failed)."""
    if any(s is None for s in got):
        return f"{'-':>8}{'-':>8}"
    done = [s for s in got if s is not None]
    return f"{statistics.median(s.seconds for s in done):8.3f}{statistics.median(s.peak_mib for s in done):8.0f}"


def _ratio(samples: list[list[Sample | None]]) -> str:
    """The median of the run-by-run ratios A/B (A and B ran back to back), when there is a B."""
    if len(samples) < 2:
        return ""
    pairs = [(a, b) for a, b in zip(*samples, strict=True) if a is not None and b is not None]
    return f"{statistics.median(a.seconds / b.seconds for a, b in pairs):7.2f}" if pairs else f"{'-':>7}"


def importtime(tree: Path, top: int = 10) -> list[tuple[float, str]]:
    """The ``top`` largest cumulative import times (seconds, module) of ``import extractor.pipeline``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import extractor.pipeline"], cwd=tree,
                         env=env, capture_output=True, text=True, check=True).stderr
    rows = []
    for line in err.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)) / 1e6, f"{m.group(2)[1:]}{m.group(3)}"))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="runs of each command (default 15; at least 10)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the source tree to time (default: this one)")
    ap.add_argument("--baseline", type=Path, help="another source tree, timed alternately for A/B ratios")
    args = ap.parse_args(argv)
    if args.runs < 10:
        ap.error("--runs must be at least 10: a median of fewer says little on a shared machine")
    trees = [args.tree.resolve(), *([args.baseline.resolve()] if args.baseline else [])]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "one.txt"
        report.write_text(REPORT, encoding="utf-8")
        commands = {"--help": ["--help"], "--version": ["--version"],
                    "extract (one-line report)": ["extract", str(report), "-o", os.devnull]}
        for tree in trees:  # a warm-up of each: the first run pays for cold caches
            for cmd in commands.values():
                run(tree, cmd)
        if run(trees[0], commands["extract (one-line report)"]) is None:
            raise SystemExit(f"python -m extractor extract fails in {trees[0]}")
        print(f"{args.runs} runs each, medians; A = {trees[0]}" + (f", B = {trees[1]}" if len(trees) > 1 else ""))
        header = f"{'command':28}{'A s':>8}{'A MiB':>8}"
        print(header + (f"{'B s':>8}{'B MiB':>8}{'A/B':>7}" if len(trees) > 1 else ""))
        for name, cmd in commands.items():
            samples: list[list[Sample | None]] = [[] for _ in trees]
            for _ in range(args.runs):
                for k, tree in enumerate(trees):
                    samples[k].append(run(tree, cmd))
            print(f"{name:28}" + "".join(_cells(got) for got in samples) + _ratio(samples), flush=True)
    for tree in trees:
        print(f"\npython -X importtime -c 'import extractor.pipeline' ({tree}): largest cumulative imports")
        for seconds, module in importtime(tree):
            print(f"  {seconds:7.3f} s  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
