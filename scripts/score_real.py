"""Score records of the real published reports (``../shared/eval/real-dev``) with the customer's scorer,
the development half and the check half apart.

    python scripts/score_real.py                       # extract real-dev, score both halves
    python scripts/score_real.py --pred out/real-dev.jsonl --details   # every miss of the dev half

The development half (a01–a14, b01–b14) is the one to read, miss by miss; the check half
(a15–a20, b15–b20) is kept as our own held-out check: only its totals are printed, never its
details. The scorer is the vendored copy of ``../shared/eval/score.py`` (scripts/eval/score.py).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from score import load_scorer  # noqa: E402  (the vendored scorer, loaded once for both scripts)

REAL_DEV = Path(os.environ.get("EXTRACTOR_REAL_DEV", ROOT.parent / "shared" / "eval" / "real-dev"))
SCORER = ROOT / "scripts" / "eval" / "score.py"
TITLES = {"dev": "a01–a14, b01–b14 (develop on these)", "check": "a15–a20, b15–b20 (held out: totals only)",
          "all": "all forty (totals only)"}
_NAME = re.compile(r"([ab])(\d+)\.json$")


def half(name: str) -> str:
    """``dev`` for a01–a14 and b01–b14, ``check`` for the rest (a15–a20, b15–b20).

    >>> half("a14.json"), half("b15.json")
    ('dev', 'check')
    """
    m = _NAME.search(name)
    return "dev" if m is not None and int(m.group(2)) <= 14 else "check"


def scores(pred: Path, which: str) -> dict[str, float]:
    """The figures the issue's targets name, for one half (``dev``, ``check``) or ``all``: facts
    F1 and its kinds', breakdowns F1, placeholder F1, and the checks beyond placeholders'
    precision and recall (every alarm of severity error or warning but placeholders')."""
    sc = load_scorer()
    preds = sc.load_pred(pred)
    tallies: dict[str, Any] = defaultdict(sc.Tally)
    for g in sorted((REAL_DEV / "gold").glob("*.json")):
        if which in (half(g.name), "all"):
            gold = json.loads(g.read_text(encoding="utf-8"))
            sc.score_file(gold, preds.get(gold["file"], []), tallies, [])

    def total(names: list[str]) -> Any:
        agg = sc.Tally()
        for k in names:
            agg.tp, agg.fp, agg.fn = agg.tp + tallies[k].tp, agg.fp + tallies[k].fp, agg.fn + tallies[k].fn
        return agg

    checks = total([k for k in list(tallies) if k.startswith("alarm:") and k != "alarm:placeholder"])
    out = {kind: tallies[kind].prf()[2] for kind in (*sc.KINDS, "breakdown", "placeholder")}
    out["facts"] = total(list(sc.KINDS)).prf()[2]
    out["checks_precision"], out["checks_recall"] = checks.prf()[:2]
    for attr in ("subject", "region"):  # what a figure is about: the share of matched facts that agree
        t = tallies[attr]
        out[attr] = t.tp / (t.tp + t.fn) if t.tp + t.fn else 0.0
    return out


def score_half(pred: Path, which: str, details: bool) -> str:
    """The scorer's report on one half of the gold files (details only for the dev half)."""
    with tempfile.TemporaryDirectory() as tmp:
        for g in sorted((REAL_DEV / "gold").glob("*.json")):
            if which in (half(g.name), "all"):
                (Path(tmp) / g.name).symlink_to(g.resolve())
        args = [sys.executable, str(SCORER), "--gold", tmp, "--pred", str(pred)]
        if details and which == "dev":
            args.append("--details")
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pred", type=Path, help="records to score (default: extract real-dev into out/real-dev.jsonl)")
    ap.add_argument("--details", action="store_true", help="every miss and spurious item of the dev half")
    ap.add_argument("--half", choices=["dev", "check", "all", "every"], default="every",
                    help="which gold files to score (every: the dev half, the check half and all forty apart)")
    args = ap.parse_args(argv)
    if not REAL_DEV.is_dir():
        print(f"{REAL_DEV} is not here (set EXTRACTOR_REAL_DEV)", file=sys.stderr)
        return 2
    pred = args.pred
    if pred is None:
        from extractor.ui.cli import main as cli

        pred = ROOT / "out" / "real-dev.jsonl"
        pred.parent.mkdir(exist_ok=True)
        with contextlib.redirect_stderr(io.StringIO()):
            cli(["extract", str(REAL_DEV / "docs"), "-o", str(pred)])
    for which in ("dev", "check", "all"):
        if args.half in (which, "every"):
            title = TITLES[which]
            print(f"=== {which}: {title}")
            print(score_half(pred, which, args.details), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
