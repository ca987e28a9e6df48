"""What a count counts: the noun phrase next to the figure, read off the spaCy ``Doc``.

``53名困难职工`` → 困难职工 (the phrase after the measure word); ``共慰问困难家庭700余户`` →
困难家庭 (the phrase before the figure when nothing nominal follows it).
"""

from __future__ import annotations

from typing import Any

from .model import Span
from .numbers import CHINESE_NUMERAL_CHARS

__all__ = ["find_subject"]

# jieba part-of-speech tags that may stand in a noun phrase
_NOMINAL = ("n", "l", "j", "vn", "an", "a", "b", "un", "nz", "ng", "nt", "ns", "nr", "nrt", "nrfg")
# words that link two nouns of one phrase (困难劳模及职工)
_LINKS = {"及", "和", "与", "以及", "、"}
# words allowed between a phrase before a figure and the figure (共慰问困难家庭共计700户)
_BRIDGE = {"共", "共计", "合计", "计", "总计", "约", "近", "达", "逾", "超过", "不低于", "不少于", "等"}
_MAX_LEN = 16


_NUMERALS = set(CHINESE_NUMERAL_CHARS) | set("0123456789")


def _nominal(token: Any) -> bool:
    tag: str = token.tag_
    if token.is_punct or token.text.isspace():
        return False
    if tag == "m":  # jieba tags some nouns as numerals (大米); a numeral has a numeral in it
        return not any(c in _NUMERALS for c in token.text) and len(token.text) > 1
    return tag.startswith(_NOMINAL)


def _scope(token: Any) -> bool:
    """全县, 全镇, 全省: the scope of a figure, not what it counts."""
    text: str = token.text
    return len(text) in (2, 3) and text.startswith("全")


def find_subject(doc: Any, start: int, end: int, offset: int = 0) -> tuple[str, Span] | None:
    """The subject of the figure at ``[start, end)`` (offsets into the text, ``doc`` covering
    ``text[offset:]``), or None when the sentence does not state one."""
    s, e = start - offset, end - offset
    after = [t for t in doc if t.idx >= e]
    before = [t for t in doc if t.idx + len(t.text) <= s]
    phrase = _forward(after) or _backward(before)
    if not phrase:
        return None
    a, b = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
    if b - a > _MAX_LEN:
        return None
    return doc.text[a:b], (a + offset, b + offset)


def _forward(tokens: list[Any]) -> list[Any]:
    out: list[Any] = []
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if _nominal(t):
            out.append(t)
        elif t.tag_.startswith("v") and out == [] and nxt is not None and _nominal(nxt) \
                and len(nxt.text) == 1:
            out.append(t)  # 派遣 + 工
        elif t.text in _LINKS and out and nxt is not None and _nominal(nxt):
            out.append(t)
        else:
            break
    return out


def _backward(tokens: list[Any]) -> list[Any]:
    out: list[Any] = []
    i = len(tokens) - 1
    while i >= 0 and tokens[i].text in _BRIDGE:
        i -= 1
    while i >= 0:
        t = tokens[i]
        if _nominal(t):
            out.append(t)
        elif t.text in _LINKS and out and i > 0 and _nominal(tokens[i - 1]) and t.text != "、":
            out.append(t)
        else:
            break
        i -= 1
    out.reverse()
    while len(out) > 1 and _scope(out[0]):
        out.pop(0)
    return out
