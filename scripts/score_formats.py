"""Facts F1 of every rendered format against the .txt of the same reports (issue 4's acceptance:
within 0.02), with the customer's scorer, and each format's throughput.

    python scripts/score_formats.py           # a table: format, reports, F1 facts/findings/breakdowns, MB/s, pages/s
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from score import score  # noqa: E402

from extractor.model import ErrorRecord  # noqa: E402
from extractor.output.jsonl import to_json_line  # noqa: E402
from extractor.pipeline import extract_path  # noqa: E402

RENDERED = ROOT / "corpus" / "rendered"


def _sources(stems: list[str]) -> list[Path]:
    out = []
    for stem in stems:
        found = list((ROOT / "corpus").glob(f"seed/{stem}.txt")) + list((ROOT / "corpus").glob(f"dev/{stem}.txt"))
        out.extend(found[:1])
    return out


def _gold_dir(stems: list[str], tmp: Path) -> Path:
    gold = tmp / "gold"
    gold.mkdir()
    for stem in stems:
        for g in (ROOT / "corpus").glob(f"*/gold/{stem}.json"):
            shutil.copy(g, gold / g.name)
    return gold


def _extract(files: list[Path], out: Path) -> dict[str, float]:
    t = time.perf_counter()
    pages = 0
    with open(out, "w", encoding="utf-8") as fh:
        for f in files:
            result = extract_path(f)
            if isinstance(result, ErrorRecord):
                fh.write(to_json_line(result) + "\n")
                continue
            for rec in result:
                fh.write(to_json_line(rec) + "\n")
            pages += int(result[0].meta.get("pages", 0) or 0) if result else 0
    elapsed = time.perf_counter() - t
    size = sum(f.stat().st_size for f in files)
    return {"seconds": elapsed, "mb_per_s": size / 1e6 / elapsed, "pages_per_s": pages / elapsed if pages else 0.0}


def compare(fmt: str) -> dict[str, Any]:
    files = sorted((RENDERED / fmt).glob(f"*.{fmt}"))
    stems = [f.stem for f in files]
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        gold = _gold_dir(stems, tmp)
        got = _extract(files, tmp / "fmt.jsonl")
        _extract(_sources(stems), tmp / "txt.jsonl")
        f_scores, _ = score(tmp / "fmt.jsonl", gold)
        t_scores, _ = score(tmp / "txt.jsonl", gold)
    return {"format": fmt, "files": len(files), "fmt": f_scores, "txt": t_scores, **got}


def main() -> int:
    rows = [compare(fmt) for fmt in sorted(p.name for p in RENDERED.iterdir() if p.is_dir())]
    print(f"{'format':8}{'files':>6}  {'facts F1 (txt)':>16}  {'findings (txt)':>16}  {'breakdowns (txt)':>18}"
          f"  {'MB/s':>6}  {'pages/s':>7}")
    for r in rows:
        f, t = r["fmt"], r["txt"]
        print(f"{r['format']:8}{r['files']:>6}  {f['facts']:7.3f} ({t['facts']:.3f})  {f['findings']:7.3f} "
              f"({t['findings']:.3f})  {f['breakdown']:9.3f} ({t['breakdown']:.3f})  {r['mb_per_s']:6.2f}"
              f"  {r['pages_per_s']:7.1f}" if r["pages_per_s"] else f"  {'-':>7}")
    print(json.dumps([{k: v for k, v in r.items()} for r in rows], ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
