"""Build the segmenter's domain dictionary, models/jieba_userdict.txt, from the word lists in
extractor/data/lexicon/*.txt (jieba's user-dictionary format: ``word freq tag``).

    python scripts/build_dict.py           # rewrite the dictionary
    python scripts/build_dict.py --check   # exit 1 if it is out of date with its sources
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.segment import USERDICT_PATH, build_userdict  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = build_userdict()
    if args.check:
        current = USERDICT_PATH.read_text(encoding="utf-8") if USERDICT_PATH.exists() else ""
        if current != text:
            print(f"{USERDICT_PATH} is stale: run python scripts/build_dict.py", file=sys.stderr)
            return 1
        return 0
    USERDICT_PATH.parent.mkdir(parents=True, exist_ok=True)
    USERDICT_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {USERDICT_PATH} ({text.count(chr(10))} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
