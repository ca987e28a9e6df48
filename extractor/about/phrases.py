"""Where a figure's subject stands when it is not the noun phrase next to it.

The categories stage asks these when the phrase next to a figure says only *how* it is measured
or paid (``金额``, ``资金``, ``标准``, ``每人``, a verb such as ``慰问``):

- :func:`weakness`: whether a phrase names nothing of its own, and of which kind: a generic fund
  noun (``资金``, ``金额``: a more specific fund or aid named before it is the subject) or a rate
  or a verb (``标准``, ``每人``, ``慰问``: the recipients are);
- :func:`line_head`: the head of a ``X：`` line that the figure follows (``一、学前教育资助：386人，
  金额17.38万元`` → ``学前教育资助``);
- :func:`aid_after`: the aid a group is named by (``582户享受了最低生活保障`` → ``最低生活保障``).

>>> weakness("金额"), weakness("慰问标准平均"), weakness("低保金")
('generic', 'rate', None)
>>> text = "一、学前教育资助：386人，金额17.38万元；"
>>> line_head(text, text.index("386"))
('学前教育资助', (2, 8))
>>> text = "第1批共有582户享受了最低生活保障，"
>>> aid_after(text, text.index("户") + 1)
('最低生活保障', (12, 18))
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from ..lang.chars import fold
from ..lang.segment import SENTENCE_MARKS
from ..model import Span

__all__ = ["aid_after", "line_head", "trimmed", "weakness"]

Weakness = Literal["generic", "rate"] | None

# a phrase made only of these says how much was paid, not what (发放资金24.70万元; 金额17.38万元)
_GENERIC: Final = ("资金", "金额", "款项", "经费", "费用", "总额", "数额", "钱款", "总值", "总价值", "人民币", "新台币",
            "港币", "美元")
# …or at what rate (慰问标准平均1500元; 每人200元; 人均月补助506.4元), or only by which act (慰问1000元):
# the recipients named before it are its subject; an act with a generic noun names a fund (救助资金),
# as 补助 and 补贴 do alone (发放补贴1765706.6元)
_RATES: Final = ("标准", "平均", "人均", "户均", "每人", "每户", "每名", "每生", "每位", "每个", "每天", "每月", "每年",
          "最高", "最低")
_ACTS: Final = ("慰问", "捐助", "帮扶", "发放", "送去", "送上", "领到", "月", "年", "的")
_GENERIC_RE: Final = re.compile(f"(?:{'|'.join(_GENERIC)})+")
_ANY: Final = "|".join(sorted(_RATES + _ACTS + _GENERIC, key=len, reverse=True))
_RATE_RE: Final = re.compile(f"(?:{_ANY})*(?:{'|'.join(_RATES)})(?:{_ANY})*")
_ACT_RE: Final = re.compile(f"(?:{'|'.join(sorted(_ACTS, key=len, reverse=True))})+")


@lru_cache(maxsize=4096)
def weakness(phrase: str | None) -> Weakness:
    """``generic`` when ``phrase`` is only a generic fund noun, ``rate`` when it holds a rate word
    among act and measure words, or only act words, else None (it names something)."""
    if not phrase:
        return None
    phrase = fold(phrase)
    if _GENERIC_RE.fullmatch(phrase):
        return "generic"
    if _RATE_RE.fullmatch(phrase) or _ACT_RE.fullmatch(phrase):
        return "rate"
    return None


# words that open a phrase before an amount but say how it is paid (按标准安排慰问资金, 发放慰问金)
_LEADING: Final = re.compile("(?:按照|按|标准|安排|发放|发|减免|拨付|下拨|筹集|共计|合计|累计|不足|单笔|超过|达到|达)+")


def trimmed(phrase: str, span: Span) -> tuple[str, Span] | None:
    """``phrase`` without the words of how it is paid that open it (``发放慰问金`` → ``慰问金``);
    None when nothing is left.

    >>> trimmed("按标准安排慰问资金", (10, 19))
    ('慰问资金', (15, 19))
    """
    cut = _leading(phrase)
    if cut == 0:
        return phrase, span
    if cut == len(phrase):
        return None
    return phrase[cut:], (span[0] + cut, span[1])


@lru_cache(maxsize=4096)
def _leading(phrase: str) -> int:
    """How many characters of ``phrase`` are words of how it is paid, from its start."""
    m = _LEADING.match(fold(phrase))
    return m.end() if m else 0


# a line's enumerator (一、 （二） (3) 4. 其中：) before its head
_ENUM: Final = re.compile(r"[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|"
                   r"\d{1,2}[、.．]|其中)?[ \t\u3000]*")
_HEAD_MAX: Final = 24
_LINE_REACH: Final = 160
_SENTENCE_END: Final = re.compile(f"[{SENTENCE_MARKS}]")
_DIGIT: Final = re.compile(r"[0-9０-９]")


def line_head(text: str, start: int) -> tuple[str, Span] | None:
    """The head of the line the figure at ``start`` stands in, when the line reads ``head：…``
    with the figure after the colon and the head short and without figures of its own."""
    lo = max(0, start - _LINE_REACH)  # bounded: a text of one long line stays linear
    line = text.rfind("\n", lo, start) + 1
    if line == 0 and lo > 0:
        return None  # a line this long before the figure is prose, not a heading's line
    colon = max(text.rfind("：", line, start), text.rfind(":", line, start))
    if colon < 0 or _SENTENCE_END.search(text, colon, start):
        return None
    before = max(text.rfind("：", line, colon), text.rfind(":", line, colon))  # 其中：X：
    m = _ENUM.match(text, before + 1 if before >= 0 else line, colon)
    a = m.end() if m else line
    b = colon
    while b > a and text[b - 1] in " \t\u3000":
        b -= 1
    if not 1 < b - a <= _HEAD_MAX or _DIGIT.search(text, a, b) or any(c in text[a:b] for c in "，,。；;"):
        return None
    return text[a:b], (a, b)


# a group named by the aid it gets: 582户享受了最低生活保障, 8151户获得了城市居民最低生活保障待遇
_AID_AFTER: Final = re.compile(r"(?:[、，,]?[0-9０-９]*[人户名]?(?:享受|获得|纳入|领取)|发放)了?(?!待遇|资格)"
                        r"([^，,。；;：:、\s（(0-9０-９]{2,16}?)(?:待遇|资格|保障金|补助|范围|行列|$|[，,。；;\s（(0-9０-９])")


def aid_after(text: str, end: int) -> tuple[str, Span] | None:
    """The aid named right after a count (``享受了X``, ``获得X待遇``, ``纳入X``)."""
    m = _AID_AFTER.match(text, end, min(len(text), end + 30))
    if m is None:
        return None
    return m.group(1), m.span(1)
