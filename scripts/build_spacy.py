"""Build the spaCy pipeline of models/spacy_zh: spacy.blank("zh") with our jieba tokenizer and a
SpanRuler whose patterns come from the taxonomy and data/lexicon/{orgs,places}.txt.

    python scripts/build_spacy.py           # rewrite models/spacy_zh
    python scripts/build_spacy.py --check   # exit 1 if models/spacy_zh is stale
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.about.ruler import SPACY_MODEL, new_pipeline  # noqa: E402
from extractor.resources import model_path  # noqa: E402

#: where the pipeline is written and checked: the folder the package loads it from (models/)
SPACY_DIR = model_path(SPACY_MODEL)


def snapshot(folder: Path) -> dict[str, str]:
    """The files that define the pipeline (config and patterns), by relative path."""
    out = {}
    for f in sorted(folder.rglob("*")):
        if f.is_file() and (f.suffix in (".cfg", ".json") or f.name == "patterns"):
            out[str(f.relative_to(folder))] = f.read_text("utf-8")
    out.pop("meta.json", None)  # carries the spaCy version it was saved with
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed pipeline is stale")
    args = ap.parse_args()
    nlp = new_pipeline()
    nlp.meta["name"] = "extractor_ruler"
    nlp.meta["description"] = "blank zh + jieba tokenizer + span_ruler (groups, funds, orgs, places)"
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            nlp.to_disk(tmp)
            if not SPACY_DIR.exists() or snapshot(Path(tmp)) != snapshot(SPACY_DIR):
                print("models/spacy_zh is stale: run python scripts/build_spacy.py", file=sys.stderr)
                return 1
        return 0
    if SPACY_DIR.exists():
        shutil.rmtree(SPACY_DIR)
    nlp.to_disk(SPACY_DIR)
    n = (SPACY_DIR / "span_ruler" / "patterns").read_text("utf-8").count("\n")
    print(f"wrote {SPACY_DIR} ({n} patterns)", json.dumps(nlp.pipe_names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
