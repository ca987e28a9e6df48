"""Build the segmenter's domain dictionary, models/jieba_userdict.txt, from the word lists in
extractor/data/lexicon/*.txt (jieba's user-dictionary format: ``word freq tag``).

    python scripts/build_dict.py           # rewrite the dictionary
    python scripts/build_dict.py --check   # exit 1 if it is out of date with its sources
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import artifact  # noqa: E402

from extractor.lang.segment import USERDICT_PATH, build_userdict  # noqa: E402


def main() -> int:
    return artifact.main(__doc__ or "", USERDICT_PATH, build_userdict, "build_dict.py")


if __name__ == "__main__":
    sys.exit(main())
