"""Instructions extraction costs beyond start-up, counted by callgrind: the steady measure of speed.

    python scripts/bench_instructions.py                              # 250 files of the 2.5 MB bench corpus
    python scripts/bench_instructions.py --baseline /tmp/old          # beside another checkout's code
    python scripts/bench_instructions.py --files 100 --mb 1
    python scripts/bench_instructions.py --jieba                      # and jieba.lcut of the same files

The corpus is ``scripts/bench.py``'s (the bundled reports repeated with their figures redrawn by a
seeded generator: the same files on every machine), written to ``--data``. Each tree runs, under
``valgrind --tool=callgrind``, ``extract_path`` and the JSON line of every record over the first
file alone, then over the first ``--files`` files; the difference is the marginal count (start-up,
imports and models, taken off). Wall time on a shared machine drifts by ±15% between runs of the
same code; these counts, the hash seed fixed (``PYTHONHASHSEED``, 0 unless set), move by well under
1%. ``--jieba`` counts ``jieba.lcut`` of the same files the same way (the issue's reference:
extraction at least as fast). valgrind must be installed (``apt install
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

_PROGRAM = """import sys
sys.path.insert(0, {tree!r})
from extractor.output.jsonl import to_json_line
from extractor.pipeline import extract_path
for f in {files!r}:
    out = extract_path(f)
    for r in out if isinstance(out, list) else [out]:
        to_json_line(r)
"""
# the reference of issue 12: jieba's own segmentation (HMM on) of the same files, read the same way
_JIEBA = """import jieba
tok = jieba.Tokenizer()
tok.initialize()
for f in {files!r}:
    with open(f, encoding="utf-8") as fh:
        tok.lcut(fh.read())
"""
_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def count(tree: Path, files: list[str], work: Path, program: str = _PROGRAM) -> int:
    """The instructions of one process extracting ``files`` with the code of ``tree`` (or running
    another ``program`` on them). The hash seed is fixed: a string's hash moves the counts of one
    tree by about ±1% from run to run otherwise (sets and dicts of words probe differently)."""
    out = work / f"callgrind.{os.getpid()}.{len(files)}.out"
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}
    env.setdefault("EXTRACTOR_MODELS", str(tree / "models"))
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c",
                    program.format(tree=str(tree), files=files)],
                   env=env, cwd=tree, check=True, capture_output=True)
    m = _TOTAL.search(out.read_text(encoding="utf-8", errors="replace"))
    if m is None:
        raise SystemExit(f"no total in {out}")
    return int(m.group(1))


def marginal(tree: Path, files: list[str], program: str = _PROGRAM) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        return count(tree, files, Path(tmp), program) - count(tree, files[:1], Path(tmp), program)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=250, help="files extracted (default 250)")
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
    files = [str(f) for f in have[:args.files]]
    size = sum(Path(f).stat().st_size for f in files[1:]) / 1e6
    trees = [("this tree", ROOT), *([("baseline", args.baseline.resolve())] if args.baseline else [])]
    counts = {}
    for name, tree in trees:
        counts[name] = n = marginal(tree, files)
        print(f"{name:10} {n / 1e6:9,.0f} M instructions for {len(files) - 1} files beyond the first "
              f"({size:.2f} MB: {n / 1e9 / size:.2f} G a MB)  {tree}")
    if args.baseline:
        print(f"this tree / baseline: {counts['this tree'] / counts['baseline']:.3f}")
    if args.jieba:
        n = marginal(ROOT, files, _JIEBA)
        print(f"{'jieba.lcut':10} {n / 1e6:9,.0f} M instructions for the same files ({n / 1e9 / size:.2f} G a MB)")
        for name in counts:
            print(f"{name} / jieba.lcut: {counts[name] / n:.3f} (extract is {n / counts[name]:.2f}x jieba's speed "
                  "in instructions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
