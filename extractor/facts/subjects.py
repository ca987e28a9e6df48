"""What a count counts: the noun phrase next to the figure, read off the segmented clause.

``53名困难职工`` → 困难职工 (the phrase after the measure word); ``共慰问困难家庭700余户`` →
困难家庭 (the phrase before the figure when nothing nominal follows it).

>>> from extractor.lang.segment import get_segmenter
>>> find_subject(get_segmenter().tokens("共慰问困难家庭700余户"), 7, 12, "共慰问困难家庭700余户")
('困难家庭', (3, 7))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from ..lang.lexicon import LEXICON
from ..lang.numbers import CHINESE_NUMERAL_CHARS
from ..lang.segment import Token
from ..model import Span

__all__ = ["HAVE_WORDS", "PEOPLE_END", "find_subject"]

# jieba part-of-speech tags that may stand in a noun phrase
_NOMINAL: Final = ("n", "l", "j", "vn", "an", "a", "b", "un", "nz", "ng", "nt", "ns", "nr", "nrt", "nrfg")
# words that link two nouns of one phrase (困难劳模及职工)
_LINKS: Final = set(LEXICON.list_links) - {"、"}
# words allowed between a phrase before a figure and the figure (共慰问困难家庭共计700户)
_BRIDGE: Final = {*LEXICON.total_markers, "约", "近", "达", "达到", "逾", "超过", "不低于", "不少于", "等", "有",
                  "共有"}
_MAX_LEN: Final = 16
# words that stand where a subject does but name nothing counted (剩余144户全部脱贫)
_NOT_SUBJECT: Final = frozenset({"全部", "全体", "所有", "总数", "总计", "合计", "共计", "其中", "左右", "以上", "以下",
                                 "全面", "分别", "先后", "累计"})
_NUMERALS: Final = set(CHINESE_NUMERAL_CHARS) | set("0123456789")
# a measure word that may end a noun before a figure (最低生活保障户90户)
_HOUSEHOLD: Final = frozenset({"户", "家"})


# the last character of a word naming people or households (孤寡老人, 倒房户)
PEOPLE_END: Final = frozenset("人户家者员工属童生士民女")


def _nominal(token: Token) -> bool:
    if token.tag in ("w", "x") or token.text.isspace():
        return False
    if token.tag == "m":  # jieba tags some nouns as numerals (大米); a numeral has a numeral in it
        return len(token.text) > 1 and not any(c in _NUMERALS for c in token.text)
    if token.tag == "i":  # 孤寡老人 is tagged an idiom; 千家万户 is one too, but names no group
        return len(token.text) >= 3 and token.text[-1] in PEOPLE_END
    return token.tag.startswith(_NOMINAL)


def _scope(token: Token) -> bool:
    """全县, 全镇, 全省: the scope of a figure, not what it counts."""
    return len(token.text) in (2, 3) and token.text.startswith("全")


def find_subject(tokens: Sequence[Token], start: int, end: int, text: str) -> tuple[str, Span] | None:
    """The subject of the figure at ``[start, end)`` of ``text``, from the tokens of its clause
    (token offsets are offsets into ``text``), or None when the clause does not state one."""
    after = [t for t in tokens if t.start >= end]
    before = [t for t in tokens if t.end <= start]
    phrase = _partitive(before) or _forward(after) or _relative(after) or _backward(before)
    if not phrase or "".join([t.text for t in phrase]) in _NOT_SUBJECT:
        return None
    a, b = phrase[0].start, phrase[-1].end
    if b - a > _MAX_LEN:
        return None
    return text[a:b], (a, b)


def _forward(tokens: list[Token]) -> list[Token]:
    out = _forward_run(tokens)
    while out and out[-1].tag in _MODIFIER_TAGS:  # 2376人全面走访: 全面 is how, not who
        out.pop()
    return out


# tags of words that qualify a noun but are not one (全面, 主要)
_MODIFIER_TAGS: Final = ("a", "ad", "b")


def _forward_run(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if _nominal(t):
            out.append(t)
        elif t.tag.startswith("v") and not out and nxt is not None and _nominal(nxt) and len(nxt.text) == 1:
            out.append(t)  # 派遣 + 工
        elif t.tag.startswith("v") and not out and len(t.text) <= 2 and _names_people_after(tokens, i + 1):
            out.append(t)  # 下岗 + 失业人员, 退休 + 职工: the verb qualifies the people named after it
        elif t.text in _LINKS and out and nxt is not None and _nominal(nxt):
            out.append(t)
        elif t.text in _OPEN:  # 贫困（低保户）精神残疾人, 10户（39人）贫困户: a bracketed note
            j = next((k for k in range(i + 1, min(len(tokens), i + 8)) if tokens[k].text == _OPEN[t.text]), -1)
            if j < 0 or j + 1 >= len(tokens) or not _nominal(tokens[j + 1]):
                break
            if out:  # inside the phrase the note is part of its text; before it, it is skipped
                out.extend(tokens[i:j + 1])
            i = j
        else:
            break
        i += 1
    return out


_OPEN: Final = {"(": ")", "（": "）"}


def _names_people_after(tokens: list[Token], i: int) -> bool:
    """Whether the nouns from ``tokens[i]`` on end in a word naming people (失业人员, 职工)."""
    j = i
    while j < len(tokens) and _nominal(tokens[j]):
        j += 1
    return j > i and tokens[j - 1].text[-1] in PEOPLE_END


def _partitive(tokens: list[Token]) -> list[Token]:
    """The group a figure is a part of, named right before it with ``中`` (该村贫困户中76人次患病
    住院 → 贫困户)."""
    if len(tokens) < 2 or tokens[-1].text != "中" or not _nominal(tokens[-2]):
        return []
    return _backward(tokens[:-1])


def _relative(tokens: list[Token]) -> list[Token]:
    """The people a figure counts named after a clause that qualifies them (为10多名春节期间仍坚持
    工作岗位上的一线人员 → 一线人员): the noun phrase after the first ``的`` within reach, when it
    names people."""
    for i, t in enumerate(tokens):
        age = _numeral(t) and i + 1 < len(tokens) and tokens[i + 1].text in _AGE  # 60岁以上的空巢老人
        if t.tag in ("w", "x") or (_numeral(t) and not age) or t.end - tokens[0].start > _RELATIVE_REACH:
            return []
        if t.text == "的" and i > 0:
            out = _forward(tokens[i + 1:])
            return out if out and out[-1].text[-1] in PEOPLE_END else []
    return []


_RELATIVE_REACH: Final = 20
# an age in a clause that qualifies people (60岁以上的): no figure of its own
_AGE: Final = frozenset({"岁", "周岁"})
# the closing brackets a phrase may stand before (中央资金（焦财预〔2017〕440号）55万元)
_CLOSE: Final = {close: open_ for open_, close in _OPEN.items()}


def _backward(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = len(tokens) - 1
    while i >= 0 and tokens[i].text in _BRIDGE:
        i -= 1
    if i > 0 and tokens[i].text in _CLOSE:  # a bracketed note between the phrase and the figure
        opening = _CLOSE[tokens[i].text]
        j = next((k for k in range(i - 1, max(-1, i - 24), -1) if tokens[k].text == opening), -1)
        i = j - 1 if j > 0 else i
    if i > 0 and tokens[i].text in _HOUSEHOLD and (_nominal(tokens[i - 1]) or tokens[i - 1].tag.startswith("v")) \
            and not _numeral(tokens[i - 1]):
        out.append(tokens[i])  # 农村最低生活保障户90户: 户 ends the noun
        i -= 1
        if tokens[i].tag.startswith("v"):
            out.append(tokens[i])
            i -= 1
    while i >= 0:
        t = tokens[i]
        if t.text in HAVE_WORDS:
            break  # 人民社区现有低保户218户: who is counted, not that there are so many
        linked = t.text in _LINKS and bool(out) and i > 0 and _nominal(tokens[i - 1])
        # a word jieba cut in two, a verb and a noun of one character each (抗 + 疫医护人员)
        split = len(t.text) == 1 and t.tag.startswith("v") and bool(out) and len(out[-1].text) == 1
        if not (_nominal(t) or linked or split):
            break
        out.append(t)
        i -= 1
    if out and i >= 0 and tokens[i].end == out[-1].start and _numeral(tokens[i]):
        return []  # 15期共860人次: 期 is the measure word of the figure before, not a phrase
    out.reverse()
    while len(out) > 1 and _scope(out[0]):
        out.pop(0)
    return out


# words of having that jieba tags as qualifiers (现有 b): they end a subject read back
HAVE_WORDS: Final = frozenset({"现有", "原有", "共有", "尚有", "仍有", "还有", "拥有"})


def _numeral(token: Token) -> bool:
    return token.tag == "m" and any(c in _NUMERALS for c in token.text)
