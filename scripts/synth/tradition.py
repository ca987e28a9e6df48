"""Simplified → traditional characters, one for one, for the reports written in Big5.

``data/s2t.json`` is generated from OpenCC's character table for every character the generator
can write (its data files and its code), with a few hand overrides where OpenCC's default
reading is wrong for these reports (台 as a measure word stays 台, 干部 is 幹部). Regenerate it after
editing the data files (``tests/test_make_corpus.py`` fails when it drifts):

    .venv/bin/python -m synth.tradition        # from scripts/

>>> "慰问困难职工700余户".translate(table())
'慰問困難職工700餘戶'
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

__all__ = ["build", "sources", "table"]

HERE = Path(__file__).parent
TABLE = HERE / "data" / "s2t.json"
# Where OpenCC's one-character default is not what these reports mean.
OVERRIDES = {"台": "台", "干": "幹", "里": "裡", "余": "餘", "只": "隻", "面": "面", "周": "周", "系": "系",
             "卷": "卷", "征": "徵", "后": "後", "准": "準", "制": "制", "范": "範", "划": "劃"}
_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.cache
def table() -> dict[int, str]:
    """The ``str.translate`` table."""
    pairs: dict[str, str] = json.loads(TABLE.read_text(encoding="utf-8"))
    return {ord(k): v for k, v in pairs.items()}


def sources() -> list[Path]:
    """Every file whose characters the generator may write."""
    return sorted([*HERE.glob("*.py"), *(HERE / "data").glob("*.toml"), HERE.parent / "make_corpus.py"])


def build() -> dict[str, str]:
    """The table from OpenCC (a development dependency) for the characters in ``sources()``."""
    import opencc  # type: ignore[import-not-found,unused-ignore]

    conv = opencc.OpenCC("s2tw")
    chars = sorted({c for p in sources() for c in _HAN.findall(p.read_text(encoding="utf-8"))})
    out: dict[str, str] = {}
    for c in chars:
        t = OVERRIDES.get(c) or conv.convert(c)
        if len(t) == 1 and t != c:
            out[c] = t
    return out


if __name__ == "__main__":
    TABLE.write_text(json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TABLE}")
