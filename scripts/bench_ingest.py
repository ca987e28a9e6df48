"""Bulk-import throughput and memory: 1 and 2 local workers, a 2-worker Dask LocalCluster, and
peak memory as the corpus grows.

    python scripts/bench_ingest.py                      # 1,000 and 10,000 reports (+50 broken files each)
    python scripts/bench_ingest.py --sizes 1000         # a quicker look

Each run is ``extractor ingest`` in its own process into a fresh SQLite store; the corpus comes
from ``scripts/make_corpus.py`` (seed 11) with 50 broken files added (empty, undecodable, fake
PDFs, images). After each run the store is checked: every report once, one error row per broken
file. Peak memory is the largest resident set of the ingesting process and of its workers.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from make_corpus import generate  # noqa: E402

_WRAPPER = """
import json, resource, subprocess, sys
r = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True, stdin=subprocess.DEVNULL)
if r.returncode not in (0, 1): sys.exit(r.stderr)  # 1: the broken files added on purpose failed
print(r.stdout.strip().splitlines()[-1])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
BROKEN = [b"", b"\x01\xff\x02\xfa\x03\xfe" * 25, b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
          b"PK\x03\x04broken zip"]


def build(folder: Path, n: int, seed: int = 11) -> tuple[int, int]:
    """Write ``n`` synthetic reports and 50 broken files (each different: the store knows a file by
    its content); the number of reports and bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / ".complete").exists():
        meta = json.loads((folder / ".complete").read_text())
        return int(meta["reports"]), int(meta["bytes"])
    reports = size = 0
    for i in range(n):
        text, gold = generate(seed, i, True)
        data = text.encode(gold.get("encoding", "utf-8"))
        (folder / gold["file"]).write_bytes(data)
        reports += len(gold["documents"])
        size += len(data)
    for k in range(50):
        name = f"broken_{k:02d}" + (".pdf" if k % 5 == 2 else ".docx" if k % 5 == 4 else ".txt")
        # every broken file different: the store knows a file by its content
        tail = b"\n" * (k + 1) if k % 5 == 0 else str(k).encode()
        (folder / name).write_bytes(BROKEN[k % 5] + tail)
    (folder / ".complete").write_text(json.dumps({"reports": reports, "bytes": size}))
    return reports, size


def run(folder: Path, db: Path, args: list[str]) -> dict[str, float]:
    db.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "extractor", "ingest", str(folder), "--db", str(db), *args]
    # a wrapper process per run, so that the peak is this run's (ingest and the workers it waits for)
    wrapper = [sys.executable, "-c", _WRAPPER, json.dumps(cmd)]
    t = time.perf_counter()
    out = subprocess.run(wrapper, capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t
    lines = out.stdout.strip().splitlines()
    summary = json.loads(lines[-2])
    peak = float(lines[-1]) / 1024
    with sqlite3.connect(db) as c:
        docs = c.execute("select count(*), count(distinct sha256 || ':' || idx) from documents").fetchone()
        errors = c.execute("select count(*) from files where status = 'error'").fetchone()[0]
    return {"seconds": elapsed, "documents": summary["documents"], "stored": docs[0], "distinct": docs[1],
            "errors": errors, "mb": summary["mb"], "peak_rss_mb": peak}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data")
    ap.add_argument("--dask", action=argparse.BooleanOptionalAction, default=True)
    a = ap.parse_args()
    rows = []
    for n in a.sizes:
        folder = a.data / f"ingest-{n}"
        reports, _ = build(folder, n)
        configs = [("1 worker", ["--workers", "1"]), ("2 workers", ["--workers", "2"])]
        if a.dask:
            configs.append(("dask 2-worker LocalCluster", ["--engine", "dask", "--batch-size", "64"]))
        for label, extra in configs:
            r = run(folder, a.data / f"ingest-{n}.db", extra)
            assert r["stored"] == r["distinct"] == reports, r
            assert r["errors"] == 50, r
            rows.append((n, label, r))
            print(f"{n:>6} reports  {label:28} {r['seconds']:8.1f} s  {r['documents'] / r['seconds']:7.1f} docs/s"
                  f"  {r['mb'] / r['seconds']:6.3f} MB/s  peak RSS {r['peak_rss_mb']:6.0f} MB", flush=True)
    by = {(n, label): r for n, label, r in rows}
    for n in a.sizes:
        one, two = by[(n, "1 worker")], by[(n, "2 workers")]
        eff = one["seconds"] / two["seconds"] / 2
        print(f"{n} reports: scaling efficiency with 2 workers {eff:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
