"""Instructions extraction costs beyond start-up, counted by callgrind: the steady measure of speed.

    python scripts/bench_instructions.py                              # 250 files of the 2.5 MB bench corpus
    python scripts/bench_instructions.py --baseline /tmp/old          # beside another checkout's code
    python scripts/bench_instructions.py --files 100 --mb 1
    python scripts/bench_instructions.py --jieba                      # and jieba.lcut of the same files

The corpus is ``scripts/bench.py``'s (the bundled reports repeated with their figures redrawn by a
seeded generator: the same files on every machine), written to ``--data``. Each tree runs, in one
process under ``valgrind --tool=callgrind``, ``extract_path`` and the JSON line of every record:
first over ``--warmup`` files (10), uncounted, so that imports, models and what loads on first use
stay out; then over the rest of the first ``--files`` files inside ``functools.reduce``, the only
stretch callgrind counts (``--collect-atstart=no --toggle-collect=functools_reduce``: no library
calls it on the way). The count is the same to the instruction from run to run, the hash seed fixed
(``PYTHONHASHSEED``, 0 unless set); wall time on a shared machine drifts by ±15% between runs of the
same code. (The count was once a run of all the files minus a run of the first alone: each run's
start-up moved it by ±1.5%.) ``--jieba`` counts ``jieba.lcut`` of the same files the same way (the
issue's reference: extraction at least as fast). valgrind must be installed (``apt install
valgrind``); a tree's models are its own ``models/`` unless ``EXTRACTOR_MODELS`` is set.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

_PROGRAM = """import functools, os, sys
sys.path.insert(0, {tree!r})
from extractor.output.jsonl import to_json_line
from extractor.pipeline import extract_path
def work(_, f):
    out = extract_path(f)
    for r in out if isinstance(out, list) else [out]:
        to_json_line(r)
for f in {warmup!r}:
    work(None, f)
functools.reduce(work, {files!r}, None)
os._exit(0)
"""
# the reference of issue 12: jieba's own segmentation (HMM on) of the same files, read the same way
_JIEBA = """import functools, os, jieba
tok = jieba.Tokenizer()
tok.initialize()
def work(_, f):
    with open(f, encoding="utf-8") as fh:
        tok.lcut(fh.read())
for f in {warmup!r}:
    work(None, f)
functools.reduce(work, {files!r}, None)
os._exit(0)
"""
_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def count(tree: Path, warmup: list[str], files: list[str], program: str = _PROGRAM) -> int:
    """The instructions of one process extracting ``files`` with the code of ``tree`` (or running
    another ``program`` on them), after ``warmup`` uncounted. The hash seed is fixed: a string's
    hash moves the counts of one tree by about ±1% from run to run otherwise (sets and dicts of
    words probe differently)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}
    env.setdefault("EXTRACTOR_MODELS", str(tree / "models"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
                        f"--callgrind-out-file={out}", sys.executable, "-c",
                        program.format(tree=str(tree), warmup=warmup, files=files)],
                       env=env, cwd=tree, check=True, capture_output=True)
        m = _TOTAL.search(out.read_text(encoding="utf-8", errors="replace"))
    if m is None or int(m.group(1)) == 0:
        raise SystemExit(f"no count of the loop from callgrind ({tree})")
    return int(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=250, help="files extracted, the warm-up's among them (default 250)")
    ap.add_argument("--warmup", type=int, default=10, help="files extracted first, not counted (default 10)")
    ap.add_argument("--mb", type=float, default=2.5, help="size of the bench corpus written (default 2.5 MB)")
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data" / "instructions")
    ap.add_argument("--baseline", type=Path, help="another source tree, counted the same way")
    ap.add_argument("--jieba", action="store_true",
                    help="count jieba.lcut (HMM) of the same files too: the issue's reference")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt install valgrind)")
    from bench import build_corpus

    have = sorted(args.data.glob("*.txt"))
    if not have:
        have = sorted(build_corpus(args.data, args.mb))
    warmup = [str(f) for f in have[:args.warmup]]
    files = [str(f) for f in have[args.warmup:args.files]]
    if not files:
        raise SystemExit(f"no files beyond the {len(warmup)} of the warm-up in {args.data}")
    size = sum(Path(f).stat().st_size for f in files) / 1e6
    trees = [("this tree", ROOT), *([("baseline", args.baseline.resolve())] if args.baseline else [])]
    counts = {}
    for name, tree in trees:
        counts[name] = n = count(tree, warmup, files)
        print(f"{name:10} {n / 1e6:9,.1f} M instructions for {len(files)} files after {len(warmup)} of warm-up "
              f"({size:.2f} MB: {n / 1e9 / size:.2f} G a MB)  {tree}")
    if args.baseline:
        print(f"this tree / baseline: {counts['this tree'] / counts['baseline']:.3f}")
    if args.jieba:
        n = count(ROOT, warmup, files, _JIEBA)
        print(f"{'jieba.lcut':10} {n / 1e6:9,.1f} M instructions for the same files ({n / 1e9 / size:.2f} G a MB)")
        for name in counts:
            print(f"{name} / jieba.lcut: {counts[name] / n:.3f} (extract is {n / counts[name]:.2f}x jieba's speed "
                  "in instructions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
