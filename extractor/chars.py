"""The scanning view: a same-length, folded copy of a text that the patterns run on.

Patterns match on :func:`fold` of a text; because folding maps every character to exactly one
character, a span found in the view is the span of the same surface in the original text, which
is what facts report. Never NFKC here: it changes lengths and breaks spans.

>>> fold("１２．５萬元，戶")
'12.5万元,户'
>>> len(fold("ＡＢ\u3000")) == 3
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["fold", "fold_word"]

# Full-width ASCII (！..～) to ASCII, the ideographic space to a space, and dash-like characters
# that reports use between the two ends of a range to one hyphen-minus.
_WIDTH: dict[int, int] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_SPACES = dict.fromkeys(map(ord, "\u3000\u00a0\u2002\u2003\u2009\t"), ord(" "))
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\u2500"), ord("-"))
# Chinese punctuation that patterns treat like its ASCII twin.
_PUNCT = {ord("，"): ord(","), ord("："): ord(":"), ord("；"): ord(";"), ord("（"): ord("("),
          ord("）"): ord(")"), ord("～"): ord("~"), ord("．"): ord("."), ord("％"): ord("%"),
          ord("〇"): ord("〇")}


@cache
def _table() -> dict[int, int]:
    table: dict[int, int] = {}
    data = resources.files("extractor").joinpath("data/t2s.tsv").read_text(encoding="utf-8")
    for line in data.splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t")
            table[ord(trad)] = ord(simp)
    table.update(_WIDTH)
    table.update(_SPACES)
    table.update(_DASHES)
    table.update(_PUNCT)
    return table


def fold(text: str) -> str:
    """Fold full-width forms, dashes and traditional characters, keeping the length."""
    return text.translate(_table())


@cache
def fold_word(word: str) -> str:
    """:func:`fold` of a short string compared again and again (a unit, a subject), cached."""
    return fold(word)
