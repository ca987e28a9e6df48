"""Precision and recall of every check on synthetic reports with injected inconsistencies.

    python scripts/eval_rules.py --seed 1 --count 1000          # the table quoted in the README
    python scripts/eval_rules.py --seed 1 --count 200 --details # every miss and false alarm

Reports come from ``scripts/make_corpus.py`` (in memory, deterministic for a seed); each
injected inconsistency carries the finding it must raise. A finding matches when its rule is
the same and its span overlaps the gold snippet (as ``shared/eval/score.py`` matches the three
scored rules); ``heading_count`` points at the compilation heading, outside every report's text,
so it matches by rule within the file. A finer finding inside a matched one is no false alarm.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from score import load_scorer  # noqa: E402

from extractor import ErrorRecord, Record, extract_text  # noqa: E402
from extractor.checks import REGISTRY  # noqa: E402
from extractor.readers.text import decode_text  # noqa: E402

_locate = load_scorer().locate  # the customer's scorer finds snippets the same way


def _hits(rec: Record, span: tuple[int, int], rule: str, snippet: str) -> bool:
    if rule == "heading_count":
        return True
    s, e = span
    return any(s < ge and gs < max(e, s + 1) for gs, ge in _locate(rec.text, snippet))


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_document(records: list[Record], gold: dict[str, Any], tallies: dict[str, Tally],
                   details: list[str], name: str) -> None:
    golds = [f for d in gold["documents"] for f in d.get("findings", [])]
    preds = [(r, f) for r in records for f in r.findings]
    used = [False] * len(preds)
    for g in golds:
        hit = next((k for k, (r, f) in enumerate(preds) if not used[k] and f.rule == g["rule"]
                    and _hits(r, f.span, g["rule"], g["text"])), None)
        if hit is None:
            if not g.get("optional"):
                tallies[g["rule"]].fn += 1
                details.append(f"{name}: missed {g['rule']} at {g['text']!r}")
            continue
        used[hit] = True
        if not g.get("optional"):
            tallies[g["rule"]].tp += 1
    for k, (r, f) in enumerate(preds):
        if used[k] or any(g["rule"] == f.rule and _hits(r, f.span, g["rule"], g["text"]) for g in golds):
            continue
        tallies[f.rule].fp += 1
        details.append(f"{name}: false {f.rule} at {r.text[f.span[0]:f.span[1]]!r}: {f.message}")


def main() -> int:
    from make_corpus import generate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--min", type=float, default=0.0, help="exit 1 if a rule's precision or recall is lower")
    args = ap.parse_args()
    tallies: dict[str, Tally] = defaultdict(Tally)
    details: list[str] = []
    for i in range(args.count):
        raw, gold = generate(args.seed, i, True)
        text = decode_text(raw, gold["file"])[0] if isinstance(raw, bytes) else raw
        records = [r for r in extract_text(text, gold["file"]) if not isinstance(r, ErrorRecord)]
        score_document(records, gold, tallies, details, gold["file"])
    if args.details:
        print("\n".join(details))
    print(f"{args.count} synthetic reports, seed {args.seed}")
    print(f"{'rule':22}{'P':>7}{'R':>7}{'F1':>7}   tp/fp/fn")
    worst = 1.0
    for rule in sorted(REGISTRY):
        t = tallies[rule]
        p, r, f = t.prf()
        worst = min(worst, p, r) if t.tp + t.fp + t.fn else worst
        print(f"{rule:22}{p:7.3f}{r:7.3f}{f:7.3f}   {t.tp}/{t.fp}/{t.fn}")
    return 0 if worst >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
