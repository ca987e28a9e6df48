"""Figures whose number is missing: a unit standing where its number belongs.

A report written from a template sometimes loses a number and keeps its unit: ``投入资金万元``,
``月發放資金元``, ``發放資金約元`` (an approximation word with nothing to approximate),
``代表余人参加``, ``服务职工人次``, ``抢修受损道路条``, ``深入个社区``. Each such unit is a fact of its
own — a placeholder money amount or count whose value is None, its span the unit with its
approximation word — and the ``missing_figure`` rule reports one finding per such fact.

A measure word that ends a noun is no missing number: 户 and 家 make nouns of anything
(帮扶户, 申请户, 五保户, 职工家), and 人 makes them of verbs (撰写人, 申请人, 联系人), as do
处 and 所 of verbs (休息处, 收容所); these are left alone unless an approximation word shows a
number was meant (``代表余人``).

>>> [(f.kind, f.text, f.approx) for f in find_missing("共投入资金万元，代表余人参加。")]
[('money', '万元', False), ('count', '余人', True)]
>>> find_missing("看望慰问帮扶户，撰写人：张三。")
[]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from typing import Final

from ..lang.chars import fold, fold_word
from ..lang.lexicon import LEXICON
from ..lang.segment import FIGURE_CLAUSE_START, Segmenter, Token, Words, after_last, get_segmenter
from ..model import Count, Fact, Money, Span

__all__ = ["find_missing", "is_missing", "stripped_years"]

# Numerals and the words that make a bare 万/亿 a number (近万元, 上万元, 数万元, 超万元, 过亿元,
# 达万元): after these a unit has its number.
_NUMERAL: Final = "0-9零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_NOT_BEFORE: Final = _NUMERAL + "余多几数近上约逾每超过破达"
# 余 ends words (其余, 剩余, 多余, 业余, 结余, 盈余, 节余, 富余, 残余, 宽余): no number missing there
_YU_WORDS: Final = "其剩多业结盈节富残宽有"

# Money units with no number before them. A CJK character must stand before: ___元 is a blank
# of the placeholder scanner, 5万元 a figure.
_MONEY_GAP: Final = re.compile(
    rf"""
      [万亿余约逾元]                                            # the character looked for, first (the
                                                                # engine's fast scan); all else is
                                                                # read back from after it
      (?<=[\u4e00-\u9fff].)(?<![{_NOT_BEFORE}].)
      (?: (?<!单位.)(?<!单位为.)(?<!单位是.)(?<![以按].)
          (?<=[万亿])元(?![户计])                               # 投入资金万元 (never 万元户, 单位为万元,
                                                                # 以万元计; 千元 is 1000)
        | (?<![{_YU_WORDS}].)(?<=(?P<yu>余))[万亿]?元            # 筹集资金余万元
        | (?<=(?P<approx>[约逾]))(?P<small>元)                  # 发放资金約元 (约万元 is 10,000)
        | (?<=[金款费]元)(?=[,.;:!?。；：、)）\s]|$)              # 发放慰问金元。
      )
    """,
    re.VERBOSE,
)
# A doubled 户 closing a clause: 慰问困难户户。 (never 家家户户). The patterns below start with the
# character they look for, and look behind it from after it: a pattern that starts with a
# character (not a look-around) is searched for by the engine's fast scan.
_DOUBLED_HU: Final = re.compile(r"户(?<!家户户)(?<=户户)(?=[,.;:!?。；：、)）\n]|$)")

# 余 then a measure word, after a word that is no numeral: 职工代表余人参加
_YU_COUNT: Final = re.compile(
    rf"余(?<=[\u4e00-\u9fff]余)(?<![{_NOT_BEFORE}{_YU_WORDS}]余)(?="
    + "|".join(map(re.escape, LEXICON.count_units)) + ")"
)

# A measure word or 元 closing a clause (服务居民人次，抢修受损道路条，发放敬老补贴元。): its number
# may be missing
_UNIT_AT_END: Final = re.compile(
    # the first character of a unit (or 元), then which unit it starts, read back from after it
    # (the engine scans for a first character fast; a pattern that starts with alternatives is
    # tried at every character), a CJK character before it (元 not after 万/亿/千/百: 12.5万元 has
    # its number, and 投入资金万元 is _MONEY_GAP's). The one-character units are one class (a
    # hundred alternatives that each look behind take 50 ms to compile, at start-up); at most one
    # unit can close a clause at a place, so the order of the alternatives changes nothing
    "[" + "".join(sorted({re.escape(u[0]) for u in LEXICON.count_units} | {"元"})) + "](?:"
    + "(?<=[" + "".join(sorted(re.escape(u) for u in LEXICON.count_units if len(u) == 1)) + "])(?<=[\u4e00-\u9fff].)|"
    + "".join("(?<=" + re.escape(u[0]) + ")(?<=[\u4e00-\u9fff].)" + re.escape(u[1:]) + "|"
              for u in LEXICON.count_units if len(u) > 1)
    + r"(?<=元)(?<=[\u4e00-\u9fff].)(?<![万亿千百].))(?=[,.;:!?，。；：、）)\n]|$)")
# The same inside a clause, between a verb and its object (深入个社区 for 深入12个社区) or a noun
# and a verb (派出工作组个深入): only measure words that seldom end or start a word (人, 家, 名,
# 户 do, and would make every clause a candidate).
_INSIDE_UNITS: Final = ("个", "所", "份", "辆", "台", "套", "件", "项", "处", "条", "座", "场", "批", "支", "箱", "袋",
                        "桶")
_UNIT_INSIDE: Final = re.compile("[" + "".join(_INSIDE_UNITS) + "](?<=[\u4e00-\u9fff].)(?=[\u4e00-\u9fff])")
# What may stand before a bare measure word without a number missing: 每人, 各户, 这个, 全家
_NO_NUMBER_NEEDED: Final = {"每", "各", "这", "那", "哪", "几", "多", "整", "全", "该", "本", "此", "其", "某", "每个",
                            "一"}
# Measure words that make nouns: 户 and 家 of anything (帮扶户, 烈属户, 职工家); 人, 处 and 所 of
# a verb (撰写人, 申请人, 休息处, 接待处, 收容所). There they are never read as a missing number.
_NOUN_ANY: Final = {"户", "家"}
_NOUN_AFTER_VERB: Final = {"人", "处", "所"}

# What a missing figure's own text is: the unit, with an approximation word before it
_GAP_TEXT: Final = re.compile(
    "(?:约|逾|余)?(?:[万亿]?元|" + "|".join(map(re.escape, LEXICON.count_units)) + ")"
)


def find_missing(text: str, view: str | None = None, facts: Sequence[Fact] = (),
                 words: Words | None = None) -> list[Money | Count]:
    """Placeholder facts (value None) for every unit whose number is missing, in order; none
    that overlaps one of ``facts`` (a unit the scanners read with its number).

    >>> [(f.text, f.span) for f in find_missing("月發放資金元,全年發放資金約元。")]
    [('元', (5, 6)), ('約元', (13, 15))]
    """
    view = fold(text) if view is None else view
    words = Words(view) if words is None else words
    bare = list(_bare_count_units(view, words))  # 元 and measure words alike, segmented in one call
    candidates: list[Money | Count] = [*_money_gaps(text, view, [b for b in bare if view[b[0]:b[1]] == "元"]),
                                       *_count_gaps(text, view, [b for b in bare if view[b[0]:b[1]] != "元"], words)]
    if not candidates:
        return []
    taken = sorted(f.span for f in facts)  # what the facts cover, and then what is found
    found: list[Money | Count] = []
    for fact in candidates:
        if not _covered(taken, fact.span):  # the first reading of a unit wins (余人 over 人)
            found.append(fact)
            bisect.insort(taken, fact.span)
    return sorted(found, key=lambda f: f.span)


def _covered(spans: list[Span], span: Span) -> bool:
    """Whether ``span`` overlaps one of ``spans`` (sorted; a fact's span is short, so the ones
    that may overlap it start at most a few dozen characters before it)."""
    k = bisect.bisect_left(spans, (span[1], span[1]))
    while k > 0:
        k -= 1
        s, e = spans[k]
        if e > span[0] and s < span[1]:
            return True
        if s < span[0] - 64:
            return False
    return False


def is_missing(fact: Fact) -> bool:
    """Whether a fact is a unit whose number is missing (what :func:`find_missing` makes), not a
    blank of a template (``x万元``, ``___人``) nor a figure."""
    return (isinstance(fact, (Money, Count)) and fact.placeholder and fact.value is None
            and _GAP_TEXT.fullmatch(fold_word(fact.text)) is not None)


def _money_gaps(text: str, view: str, bare: list[tuple[int, int]]) -> Iterator[Money]:
    """The patterns first (their approximation word with them: 約元), then a bare 元 closing a
    clause after a noun (发放敬老补贴元)."""
    for m in _MONEY_GAP.finditer(view):
        word = m.group("yu") or m.group("approx")
        if m.group("small") and view.startswith(tuple(LEXICON.money_not_after), m.end()):
            continue  # 约元旦: 元 of a word
        s, e = m.span()
        yield Money(text[s:e], (s, e), None, approx=word is not None, placeholder=True,
                    approx_word=text[s : s + 1] if word else None)
    for s, e in bare:
        yield Money(text[s:e], (s, e), None, placeholder=True)


def _count_gaps(text: str, view: str, bare: list[tuple[int, int]], words: Words) -> Iterator[Count]:
    spans = [(s, e, True) for s, e in _yu_units(view, words)]
    spans += [(m.start(), m.end(), False) for m in _DOUBLED_HU.finditer(view)]
    spans += [(s, e, False) for s, e in bare]
    yield from _counts(text, spans)


def _counts(text: str, spans: list[tuple[int, int, bool]]) -> Iterator[Count]:
    for s, e, approx in spans:
        unit = text[s + 1 : e] if approx else text[s:e]
        yield Count(text[s:e], (s, e), None, unit, approx=approx, placeholder=True,
                    approx_word=text[s] if approx else None)


def _unit_length(view: str, at: int) -> int:
    return next((len(u) for u in LEXICON.count_units if view.startswith(u, at)), 0)


def _yu_units(view: str, words: Words) -> Iterator[tuple[int, int]]:
    """余 and the measure word after it, where 余 is a word of its own (代表/余/人/参加) after no
    numeral: not the end of a word the dictionary knows (其余, 剩余), nor before a measure word
    that starts a word (余人员). The candidates are segmented together, in one call."""
    found = [(m.start(), m.end() + _unit_length(view, m.end())) for m in _YU_COUNT.finditer(view)
             if not view.startswith(LEXICON.count_not_after, m.end())]
    if not found:
        return
    windows = [(_clause_start(view, s, 20), min(len(view), e + 2)) for s, e in found]
    for (s, e), tokens in zip(found, words.of(windows), strict=True):
        k = next((k for k, t in enumerate(tokens) if t.start == s), None)
        if k is not None and k > 0 and tokens[k].end == s + 1 and not tokens[k - 1].tag.startswith("m"):
            yield s, e


def _bare_count_units(view: str, windows_of: Words) -> Iterator[tuple[int, int]]:
    """A measure word that jieba reads as a word of its own at the end of a clause, after a noun
    or a verb of two characters or more (道路/条, 居民/人次, 深入/个), where a number belongs:
    抢修受损道路条 for 抢修受损道路12条. Not when jieba reads it as a verb (礼物/包), nor after a
    one-character verb (村干部包组, 不死人), nor when it makes a noun (帮扶户, 撰写人).
    Candidates a dictionary word explains are dropped first; the rest are segmented together,
    in one call. 元 closing a clause is read the same way (发放敬老补贴元)."""
    words = get_segmenter()
    at_end: list[tuple[int, int, int, int]] = []  # (unit start, unit end, window start, window end)
    for m in _UNIT_AT_END.finditer(view):
        s, e = m.span()
        if view[s:e] not in _NOUN_ANY and not _word_ends_here(words, view, s, e):
            at_end.append((s, e, _clause_start(view, s, 30), e))
    inside: list[tuple[int, int, int, int]] = []
    for m in _UNIT_INSIDE.finditer(view):
        s, e = m.span()
        if not (_word_ends_here(words, view, s, e) or _word_starts_here(words, view, s, e)):
            inside.append((s, e, _clause_start(view, s, 20), min(len(view), e + 8)))
    if not at_end and not inside:
        return
    windows = [(ws, we) for _, _, ws, we in (*at_end, *inside)]
    tokens_of = windows_of.of(windows)
    for (s, e, _, _), tokens in zip(at_end, tokens_of, strict=False):
        if _ends_bare(tokens, s, e):
            yield s, e
    for (s, e, _, _), tokens in zip(inside, tokens_of[len(at_end):], strict=True):
        if _inside_bare(tokens, s, e):
            yield s, e


def _clause_start(view: str, s: int, reach: int) -> int:
    lo = max(0, s - reach)
    return after_last(FIGURE_CLAUSE_START, view, lo, s)


def _ends_bare(tokens: list[Token], s: int, e: int) -> bool:
    first = next((k for k, t in enumerate(tokens) if t.start == s), None)
    if first is None or first == 0 or tokens[-1].end != e:
        return False  # 贫困户, 单位, 大家: the measure word is part of a word
    prev = tokens[first - 1]
    if prev.text in _NO_NUMBER_NEEDED or prev.tag.startswith(("m", "q", "r", "u", "p", "c", "d", "w", "x")):
        return False
    if tokens[first].text in _NOUN_AFTER_VERB and prev.tag.startswith("v"):
        return False  # 撰写人, 申请人: a noun of a verb
    return not (tokens[first].tag.startswith("v") or (prev.tag.startswith("v") and len(prev.text) == 1))


def _inside_bare(tokens: list[Token], s: int, e: int) -> bool:
    k = next((k for k, t in enumerate(tokens) if t.start == s and t.end == e), None)
    if k is None or k == 0 or k + 1 >= len(tokens):
        return False
    prev, unit, nxt = tokens[k - 1], tokens[k], tokens[k + 1]
    if prev.text in _NO_NUMBER_NEEDED or len(prev.text) < 2 or not unit.tag.startswith(("q", "m", "c")):
        return False
    # 深入个社区 (verb, unit, noun) or 派出工作组个深入 / 长寿面份等 (noun, unit, verb or 等)
    verb_first = prev.tag.startswith("v") and nxt.tag.startswith("n") and len(nxt.text) >= 2
    noun_first = prev.tag.startswith("n") and ((nxt.tag.startswith("v") and len(nxt.text) >= 2) or nxt.text == "等")
    return verb_first or noun_first


def _word_ends_here(words: Segmenter, view: str, s: int, e: int) -> bool:
    """困难户, 企业家, 单位: a dictionary word ends with the measure word (a cheap test that
    spares segmenting most candidates)."""
    is_word = words.is_word
    return (s >= 1 and is_word(view[s - 1 : e])) or (s >= 2 and is_word(view[s - 2 : e])) \
        or (s >= 3 and is_word(view[s - 3 : e]))


def _word_starts_here(words: Segmenter, view: str, s: int, e: int) -> bool:
    """家庭, 人民, 个人: a dictionary word starts with the measure word."""
    is_word = words.is_word
    return (e + 1 <= len(view) and is_word(view[s : e + 1])) or (e + 2 <= len(view) and is_word(view[s : e + 2]))


# A year whose digits were stripped, before what a year heads: 莒县总工会年元旦春节, 据介绍,年“两节”,
# 社区年工作总结. Not after a numeral or a word that ends in 年 (今年, 青年, 龙年: the dictionary
# and the characters below), and only before a holiday or a work plan, where 年 starts no word.
_YEAR_WORDS: Final = (_NUMERAL + "今明去前后来下上本该同此是次翌隔全近半学每当历往新少青老中晚成童幼壮周多数几整"
                      "跨经头这那哪天延卒有先比元过拜鼠牛虎兔龙蛇马羊猴鸡狗猪子丑寅卯辰巳午未申酉戌亥")
_STRIPPED_YEAR: Final = re.compile(
    rf"""
      年                                                 # (first: the engine's fast scan finds it)
      (?: (?<=[\u4e00-\u9fff]年)(?<![{_YEAR_WORDS}]年)(?=元旦|春节|["“]?两节|工作(?:总结|计划))  # 总工会年元旦
        | (?<=[,;:，；：。\n]年)(?=元旦|春节|["“]?两节)                                          # ,年“两节”
      )
    """,
    re.VERBOSE,
)


def stripped_years(view: str) -> list[Span]:
    """Spans of a 年 whose year was stripped (``莒县总工会年元旦春节``).

    >>> stripped_years("莒县总工会年元旦春节活动。今年春节，青年工作总结")
    [(5, 6)]
    """
    words = get_segmenter()
    return [m.span() for m in _STRIPPED_YEAR.finditer(view)
            if not _word_ends_here(words, view, m.start(), m.end())]
