"""Score extracted records against the bundled gold sets with the customer's scorer.

    python scripts/score.py out/records.jsonl            # seed and dev, side by side
    python scripts/score.py out/records.jsonl --details  # every miss and spurious item

Each gold set (corpus/{seed,dev,holdout,sealed}/gold, those present) is scored on its own, with the same code as
``../shared/eval/score.py`` (a verbatim copy lives in scripts/eval/score.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
GOLD_SETS = {name: ROOT / "corpus" / name / "gold" for name in ("seed", "dev", "holdout", "sealed")
             if (ROOT / "corpus" / name / "gold").is_dir()}


def load_scorer() -> ModuleType:
    """The customer's scorer as a module (the copy in scripts/eval)."""
    spec = importlib.util.spec_from_file_location("eval_score", ROOT / "scripts" / "eval" / "score.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(pred: Path, gold: Path) -> tuple[dict[str, float], list[str]]:
    """F1 of facts, findings and breakdowns (and per kind) of ``pred`` against ``gold``."""
    sc = load_scorer()
    preds = sc.load_pred(pred)
    tallies: dict[str, object] = defaultdict(sc.Tally)
    details: list[str] = []
    for g in sc.load_gold(gold):
        recs = preds.get(g["file"]) or preds.get(Path(g["file"]).stem, [])
        if not recs:
            details.append(f"{g['file']}: no records in the predictions")
        sc.score_file(g, recs, tallies, details)
    out: dict[str, float] = {}
    for name in (*sc.KINDS, "breakdown", *sc.SCORED_RULES):
        out[name] = tallies[name].prf()[2]  # type: ignore[attr-defined]
    for group, names in (("facts", sc.KINDS), ("findings", sc.SCORED_RULES)):
        agg = sc.Tally()
        for k in names:
            t = tallies[k]
            agg.tp += t.tp  # type: ignore[attr-defined]
            agg.fp += t.fp  # type: ignore[attr-defined]
            agg.fn += t.fn  # type: ignore[attr-defined]
        out[group] = agg.prf()[2]
    return out, details


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pred", type=Path)
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()
    rows = {}
    for name, gold in GOLD_SETS.items():
        rows[name], details = score(args.pred, gold)
        if args.details:
            print(f"--- {name}")
            print("\n".join(details))
    keys = ["facts", "money", "count", "date", "breakdown", "findings", *load_scorer().SCORED_RULES]
    print(f"{'F1':<22}" + "".join(f"{n:>8}" for n in rows))
    for k in keys:
        print(f"{k:<22}" + "".join(f"{rows[n][k]:8.3f}" for n in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
