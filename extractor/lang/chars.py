"""The scanning view: a same-length, folded copy of a text that the patterns run on.

Patterns match on :func:`fold` of a text; because folding maps every character to exactly one
character, a span found in the view is the span of the same surface in the original text, which
is what facts report. Never NFKC here: it changes lengths and breaks spans.

>>> fold("１２．５萬元，戶")
'12.5万元,户'
>>> len(fold("ＡＢ\u3000")) == 3
True

Some pages print pinyin inside words (``246.3萬(wàn)元``): :func:`squeeze_pinyin` gives the text
without it, and a map back to the original, so patterns read the words whole and spans stay
the original's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Final

__all__ = ["Squeezed", "fold", "fold_word", "squeeze_pinyin"]

# Full-width ASCII (！..～) to ASCII, the ideographic space to a space, and dash-like characters
# that reports use between the two ends of a range to one hyphen-minus.
_WIDTH: Final[dict[int, int]] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_SPACES: Final = dict.fromkeys(map(ord, "\u3000\u00a0\u2002\u2003\u2009\t"), ord(" "))
_DASHES: Final = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\u2500"), ord("-"))
# Chinese punctuation that patterns treat like its ASCII twin.
_PUNCT: Final = {ord("，"): ord(","), ord("："): ord(":"), ord("；"): ord(";"), ord("（"): ord("("),
                 ord("）"): ord(")"), ord("～"): ord("~"), ord("．"): ord("."), ord("％"): ord("%"),
                 ord("〇"): ord("〇")}


@lru_cache(maxsize=1)
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


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """A run of characters that folding changes (one character class of the table's keys)."""
    keys = "".join(re.escape(chr(c)) for c in sorted(_table()))
    return re.compile(f"[{keys}]+")


def fold(text: str) -> str:
    """Fold full-width forms, dashes and traditional characters, keeping the length; a letter O
    typed for a zero inside a numeral reads as one (二OO八年 as 二〇〇八年, 一O八户 as 一〇八户, 2O19年 as
    2019年).

    Only the runs of characters that fold are translated: ``str.translate`` looks every character
    up in the table, which costs more than one pass of a compiled class over simplified text.

    >>> fold("二OO八年，一Ｏ八户，2O19年，OK")
    '二〇〇八年,一〇八户,2019年,OK'
    """
    table = _table()
    folded = _foldable().sub(lambda m: m.group().translate(table), text)
    return _LETTER_O.sub(_zero, folded) if "O" in folded or "o" in folded or "Ο" in folded else folded


#: a letter O (Latin, Greek) where a zero may stand: between two numerals, Chinese or Arabic
_LETTER_O: Final = re.compile("[OoΟ]+")
_CHINESE_DIGITS: Final = frozenset("零〇○一二三四五六七八九十")
_ARABIC_DIGITS: Final = frozenset("0123456789")


def _zero(m: re.Match[str]) -> str:
    """A run of letter O as zeros when numerals of one kind stand on both sides of it, else as it is."""
    text, a, b = m.string, m.start(), m.end()
    if a == 0 or b == len(text):
        return m.group()
    before, after = text[a - 1], text[b]
    if before in _CHINESE_DIGITS and after in _CHINESE_DIGITS:
        return "〇" * (b - a)
    if before in _ARABIC_DIGITS and after in _ARABIC_DIGITS:
        return "0" * (b - a)
    return m.group()


# what fold_word remembers: strings this short (units, subjects, terms, titles), this many of them
_WORD_MAX: Final = 32
_WORDS_KEPT: Final = 4096


def fold_word(word: str) -> str:
    """:func:`fold` of a short string compared again and again (a unit, a subject), cached; a
    longer one (a report's opening, asked for its campaign) is folded each time, so that what is
    remembered does not grow with the corpus.

    >>> fold_word("戶數"), fold_word("發放慰問金" * 10) == fold("發放慰問金" * 10)
    ('户数', True)
    """
    return _fold_short(word) if len(word) <= _WORD_MAX else fold(word)


@lru_cache(maxsize=_WORDS_KEPT)
def _fold_short(word: str) -> str:
    return fold(word)


# A pinyin syllable in parentheses glued to the Chinese character it reads: 萬(wàn), 日（rì）.
# It must carry a tone mark, so that 公司(ABC), (一), 各县(市)区 are never taken for one.
_TONED: Final = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# (a bracket first: the engine skips ahead to it; after CJK)
_PINYIN: Final = re.compile(rf"[(（](?<=[\u3400-\u9fff\uf900-\ufaff].)"
                            rf"[a-zü]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}}[)）]")


@dataclass(slots=True)
class Squeezed:
    """A text with its pinyin taken out, and where each of its characters stands in the original.

    >>> sq = squeeze_pinyin("發(fā)放246.3萬(wàn)元")
    >>> sq.text
    '發放246.3萬元'
    >>> s, e = sq.span(2, 9)
    >>> "發(fā)放246.3萬(wàn)元"[s:e]
    '246.3萬(wàn)元'
    """

    text: str
    #: the original index of every character of ``text``
    where: tuple[int, ...]
    #: the original start of each pinyin taken out → its end
    gaps: dict[int, int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``: from its first to its last character, and
        the pinyin of the last one when it follows (``5日(rì)``)."""
        if end <= start:
            k = self.where[start] if start < len(self.where) else (self.where[-1] + 1 if self.where else 0)
            return k, k
        last = self.where[end - 1] + 1
        return self.where[start], self.gaps.get(last, last)


def squeeze_pinyin(text: str) -> Squeezed | None:
    """``text`` without the pinyin printed inside its words, or None when it holds none (then it
    costs one scan of the text)."""
    first = _PINYIN.search(text)
    if first is None:
        return None
    keep: list[str] = []
    where: list[int] = []
    gaps: dict[int, int] = {}
    pos = 0
    for m in _PINYIN.finditer(text, first.start()):
        keep.append(text[pos : m.start()])
        where.extend(range(pos, m.start()))
        gaps[m.start()] = m.end()
        pos = m.end()
    keep.append(text[pos:])
    where.extend(range(pos, len(text)))
    return Squeezed("".join(keep), tuple(where), gaps)
