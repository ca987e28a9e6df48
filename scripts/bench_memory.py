"""Peak memory of ``extractor extract`` over corpora of growing size: flat when nothing the process
keeps grows with the corpus (every cache bounded).

    python scripts/bench_memory.py                          # 1, 8 and 32 MB of bench.py's reports
    python scripts/bench_memory.py --sizes 1 8 32 64
    python scripts/bench_memory.py --tree /tmp/old          # the code of another checkout (before/after)

Each size is a corpus of ``scripts/bench.py`` (the bundled reports repeated with their digits
redrawn, one file a report) in ``bench-data/memory-<MB>mb/``, extracted by one whole process
(``python -m extractor extract DIR -o /dev/null``, the checks on); its peak resident memory is
the kernel's own figure for that child (``wait4``'s ``ru_maxrss``). The last line gives the
growth in MiB per MB extracted between the smallest and the largest corpus.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import build_corpus  # noqa: E402


class Run(NamedTuple):
    mb: float
    files: int
    seconds: float
    peak_mib: float


def measure(folder: Path, tree: Path) -> Run:
    """One whole-process ``extract`` of ``folder`` with the code of ``tree``."""
    files = sorted(folder.glob("*.txt"))
    size = sum(f.stat().st_size for f in files) / 1e6
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, "-m", "extractor", "extract", str(folder), "-o", os.devnull]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: some file gave an error row, which is still a run
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return Run(size, len(files), seconds, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1.0, 8.0, 32.0], help="corpus sizes in MB")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the source tree whose extractor runs (default: this one)")
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data")
    args = ap.parse_args(argv)
    runs: list[Run] = []
    print(f"{'MB':>6}{'files':>8}{'seconds':>9}{'MB/s':>7}{'peak RSS MiB':>14}   ({args.tree})")
    for mb in sorted(args.sizes):
        folder = args.data / f"memory-{mb:g}mb"
        if not folder.is_dir() or not any(folder.glob("*.txt")):
            build_corpus(folder, mb)
        run = measure(folder, args.tree.resolve())
        runs.append(run)
        speed = run.mb / run.seconds
        print(f"{run.mb:6.1f}{run.files:8d}{run.seconds:9.1f}{speed:7.2f}{run.peak_mib:14.0f}", flush=True)
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        slope = (last.peak_mib - first.peak_mib) / (last.mb - first.mb)
        print(f"growth: {slope:+.2f} MiB per MB extracted ({first.peak_mib:.0f} → {last.peak_mib:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
