"""Score what the extractor says figures are about against the hand labels of corpus/labels.

    extractor extract corpus -o out/records.jsonl
    python scripts/score_categories.py out/records.jsonl [--errors]

For each labeled set (seed, dev, holdout, holdout2): category accuracy over every count and money fact (a
null gold category must be answered null), the same by fact kind, subject exact-match rate,
region/org agreement, how categories were decided, and document-type accuracy (doctypes.tsv).
A labeled fact the output does not hold counts as wrong.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "corpus" / "labels"
SETS = ("seed", "dev", "holdout", "holdout2")


def load_records(path: Path) -> dict[tuple[str, str, int], dict[str, Any]]:
    out = {}
    for line in path.read_text("utf-8").splitlines():
        r = json.loads(line)
        if "facts" not in r:
            continue
        parts = Path(r["source"]).parts
        set_name = parts[-2] if len(parts) >= 2 else ""
        out[(set_name, Path(r["source"]).name, int(r["index"]))] = r
    return out


def find_fact(rec: dict[str, Any] | None, gold: dict[str, Any]) -> dict[str, Any] | None:
    if rec is None:
        return None
    same = [f for f in rec["facts"] if f["kind"] == gold["kind"] and f["text"] == gold["text"]]
    exact = [f for f in same if f["span"] == gold["span"]]
    if exact:
        return dict(exact[0])
    best = min(same, key=lambda f: abs(f["span"][0] - gold["span"][0]), default=None)
    return dict(best) if best is not None else None


def score_set(records: dict[tuple[str, str, int], dict[str, Any]], set_name: str, errors: bool) -> dict[str, Any]:
    path = LABELS / f"facts_{set_name}.jsonl"
    gold = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    ok = Counter[str]()
    n = Counter[str]()
    subj_ok = 0
    place_ok = place_n = 0
    by = Counter[str]()
    wrong: list[str] = []
    for g in gold:
        f = find_fact(records.get((set_name, g["file"], g["index"])), g)
        said = f.get("category") if f else None
        n[g["kind"]] += 1
        if f is not None and said == g["category"]:
            ok[g["kind"]] += 1
        elif errors:
            wrong.append(f"{g['file'][:28]}#{g['index']} {g['text']}: said {said} ({f.get('subject') if f else '-'}"
                         f"/{f.get('category_by') if f else '-'}), gold {g['category']} ({g['subject']})")
        if f is not None:
            subj_ok += f.get("subject") == g["subject"]
            by[f.get("category_by") or f"null:{f.get('category_reason')}"] += 1
            if g.get("region"):
                place_n += 1
                place_ok += g["region"] in (f.get("region"), f.get("org"))
    total = sum(n.values())
    return {"set": set_name, "n": total, "accuracy": sum(ok.values()) / total,
            "count": ok["count"] / max(1, n["count"]), "money": ok["money"] / max(1, n["money"]),
            "subject": subj_ok / total, "region": place_ok / max(1, place_n), "region_n": place_n,
            "by": dict(by.most_common()), "wrong": wrong}


def score_doctypes(records: dict[tuple[str, str, int], dict[str, Any]]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    with open(LABELS / "doctypes.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for set_name in SETS:
        good = total = 0
        for r in rows:
            rec = records.get((set_name, r["file"], int(r["index"])))
            if rec is None:
                continue
            total += 1
            said = (rec.get("meta") or {}).get("doctype") or {}
            good += said.get("id") == r["doctype"]
        out[set_name] = (good, total)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("records", type=Path)
    ap.add_argument("--errors", action="store_true", help="list every fact whose category is wrong")
    args = ap.parse_args()
    records = load_records(args.records)
    head = ("set", "facts", "category", "counts", "money", "subject", "region")
    print("{:<8} {:>5} {:>8} {:>7} {:>6} {:>7} {:>7}  decided by".format(*head))
    for s in SETS:
        r = score_set(records, s, args.errors)
        by = ", ".join(f"{k} {v}" for k, v in r["by"].items())
        print(f"{s:<8} {r['n']:>5} {r['accuracy']:>8.3f} {r['count']:>7.3f} {r['money']:>6.3f} "
              f"{r['subject']:>7.3f} {r['region']:>7.3f}  {by}")
        for w in r["wrong"]:
            print("   ", w)
    dt = score_doctypes(records)
    print("document type: " + ", ".join(f"{s} {g}/{t}" for s, (g, t) in dt.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
