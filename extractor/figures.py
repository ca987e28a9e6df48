"""Figures in running text: a numeral, its approximation and qualifier words, and its unit.

The scanner is the shared first step of money and counts. A numeral run is matched with
possessive patterns (no backtracking, so time stays linear on any input); everything around it
is read by bounded look-ups, never by a pattern that could rescan the run.

>>> [(f.surface, f.unit, str(f.value)) for f in scan_figures("共慰问困难家庭700余户,发放12.5万元")]
[('700余户', '户', '700'), ('12.5万元', '元', '125000.0')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .chars import fold
from .lexicon import LEXICON
from .model import Qualifier
from .numbers import CHINESE_NUMERAL_CHARS, DIGITS, Number, read_folded

__all__ = ["Figure", "scan_figures"]

_MULT = {"万": 10**4, "亿": 10**8, "千": 1000, "百": 100}
_UNIT_START = frozenset(
    {u[0] for u in LEXICON.count_units} | {u[0] for u in LEXICON.money_units}
    | set(LEXICON.approx_inside) | set(_MULT) | {"块"}
)
_NEXT = "".join(sorted(_UNIT_START))
_CN = re.escape(CHINESE_NUMERAL_CHARS)
_CN_DIGITS = "零〇○一二三四五六七八九"
NUMERAL = re.compile(
    rf"""
      (?P<arabic>
        (?<![A-Za-z0-9.])              # not the tail of a model number or of a decimal
        \d(?:\ ?\d)*+                  # 1800, and digits broken by single spaces: 2 0 0
        (?:,\d{{3}}(?!\d))*+           # thousands separators: 1,800
        (?:\.\d++)?                    # decimals: 12.5
        (?:[十百千万亿]++(?:\d++(?:\.\d++)?[十百千万亿]++)*+   # mixed: 1.2万, 1万5千
           (?:零?(?:\d,\d{{3}}|\d{{1,4}})(?![\d,]))?+)?           # and a tail: 558万8,500, 12万零500
        (?=\ ?[{_NEXT}])               # a unit (or 余, 万) follows: years, phones, 95% never match
      )
    | (?P<chinese>
        (?<![{_CN}])[{_CN}]++          # 一百二十, 两千, 壹拾贰万伍仟 (from the start of the run)
        (?:点[{_CN_DIGITS}]++[万亿]?)?  # 十二点五万
        (?=\ ?[{_NEXT}])               # a unit follows: 一是, 统一, 进一步 never match
      )
    | (?P<blank>
        (?<![A-Za-z0-9])[xX×]{{1,4}}+(?![A-Za-z0-9])   # x万元, xx人 (never 4x4, X5)
      | 某某                                          # 某某名
      )
    """,
    re.VERBOSE,
)

#: No numeral a report writes is longer than this (一亿二千三百四十五万六千七百八十九 is 17);
#: a longer run of numeral characters is no figure, and bounding it keeps every step linear.
MAX_RUN = 24
_BARE = {"百": Decimal(100), "千": Decimal(1000), "万": Decimal(10**4), "亿": Decimal(10**8)}
_LOOKBACK = 6


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure: the numeral with its unit, found in the folded view of a text."""

    kind: Literal["money", "count"]
    start: int
    end: int
    surface: str
    value: Decimal | None
    unit: str
    placeholder: bool
    approx_word: str | None
    qualifier: Qualifier | None
    quantum: Decimal
    rounded: bool
    chinese: bool


def scan_figures(text: str, view: str | None = None) -> list[Figure]:
    """Every money amount and count candidate of ``text``, in order. Never raises.

    ``view`` is ``fold(text)`` when the caller already has it."""
    view = fold(text) if view is None else view
    out: list[Figure] = []
    for m in NUMERAL.finditer(view):
        fig = _figure(text, view, m)
        if fig is not None:
            out.append(fig)
    return out


def _alternation(words: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


_COUNT_UNIT = _alternation(LEXICON.count_units)
_COUNT_NOT_AFTER = _alternation(LEXICON.count_not_after)
# A figure's unit (or what stands before it) starts with one of these characters; a numeral
# followed by anything else (a year, a percentage, a phone number) is dropped at once.


def _figure(text: str, view: str, m: re.Match[str]) -> Figure | None:
    s, e = m.span()
    run = m.group()
    if len(run) > MAX_RUN:
        return None
    nxt = e + 1 if e < len(view) and view[e] == " " else e
    if (nxt >= len(view) or view[nxt] not in _UNIT_START) and (m.lastgroup != "chinese" or len(run) == 1):
        return None  # a lone 一 of 一是, a year, a percentage: no unit follows
    before = view[max(0, s - _LOOKBACK) : s].rstrip(" ")
    approx_word: str | None = None
    placeholder = m.lastgroup == "blank"
    chinese = m.lastgroup == "chinese"
    number: Number | None = None
    if not placeholder:
        if chinese and run in _BARE:
            # 近千人, 上万人: a bare unit is a number only after an approximation word
            word = next((w for w in LEXICON.approx_bare_before if before.endswith(w)), None)
            if word is None:
                return None
            number = Number(_BARE[run], _BARE[run], False)
            approx_word = word
        else:
            number = read_folded(run)
            if number is None:
                run, number = _trim(run)
                if number is None:
                    return None
                e = s + len(run)
        if chinese and len(run) > 1 and all(c in DIGITS for c in run):
            return None  # 三四个, 二〇一九: a range or a code, not a count
    if any(before.endswith(w) for w in LEXICON.ordinal_before) or before.endswith("百分之"):
        return None
    p = e
    if p < len(view) and view[p] == " ":
        p += 1
    if p < len(view) and view[p] in LEXICON.approx_inside:
        approx_word = view[p]
        p += 1
    mult = 1
    if p + 1 < len(view) and view[p] in _MULT and (view[p + 1] == "元" or _COUNT_UNIT.match(view, p + 1)):
        mult = _MULT[view[p]]  # 2000余万元, x万元, x万户
        p += 1
    kind: Literal["money", "count"]
    unit = next((u for u in LEXICON.money_units if view.startswith(u, p)), None)
    if unit is None and view.startswith("块", p) and _colloquial_yuan(view, p + 1):
        unit = "块"
    if unit is not None:
        if view[p + len(unit) : p + len(unit) + 1] in LEXICON.money_not_after:
            return None
        kind = "money"
    else:
        um = _COUNT_UNIT.match(view, p)
        if um is None or _COUNT_NOT_AFTER.match(view, p) is not None:
            return None
        unit = um.group()
        if chinese and number is not None and number.value == 1 and len(run) == 1 \
                and unit in LEXICON.article_units and not _per_unit(view, s):
            return None  # 一个安乐祥和的春节: an article, not a count (每户一袋米 is one)
        kind = "count"
    if run == "某某" and not (kind == "money" or unit in LEXICON.people_units):
        return None  # 某某名 is a blank count; 某某支部 is a blank name
    unit_start = p
    p += len(unit)
    qualifier, word = _prefix(view, s)
    if word is not None and approx_word is None:
        approx_word = word
    for words, q in ((LEXICON.min_after, Qualifier.MIN), (LEXICON.max_after, Qualifier.MAX)):
        w = next((w for w in words if view.startswith(w, p)), None)
        if w is not None:
            qualifier = q
            p += len(w)
            break
    else:
        w = next((w for w in LEXICON.approx_after if view.startswith(w, p)), None)
        if w is not None:
            approx_word = approx_word or w
            p += len(w)
    value: Decimal | None = None
    quantum = Decimal(1)
    rounded = False
    if number is not None:
        value = number.value * mult
        quantum = number.quantum * mult
        rounded = number.rounded
    return Figure(
        kind=kind,
        start=s,
        end=p,
        surface=text[s:p],
        value=value,
        unit=text[unit_start : unit_start + len(unit)],
        placeholder=placeholder,
        approx_word=approx_word,
        qualifier=qualifier,
        quantum=quantum,
        rounded=rounded,
        chinese=chinese,
    )


_PREFIX_KIND: dict[str, Qualifier | None] = (
    {w: None for w in LEXICON.approx_before}
    | {w: Qualifier.MIN for w in LEXICON.min_before} | {w: Qualifier.MAX for w in LEXICON.max_before})
_BY_LENGTH = sorted(_PREFIX_KIND, key=len, reverse=True)
# a qualifier or approximation word touching the numeral (the longest wins: 不超过, not 超过)
_TOUCHING = re.compile("(?:" + "|".join(map(re.escape, _BY_LENGTH)) + r")\ ?$")
# a qualifier a few characters before it in the same clause: 每户至多补助2万元, 最多可申请3000元
_QUALIFIERS = [w for w in _BY_LENGTH if _PREFIX_KIND[w] is not None]
_NEAR = re.compile("(?:" + "|".join(map(re.escape, _QUALIFIERS)) + r")[^\d,.;:!?。，；：！？、()（）\s]{0,6}$")


def _prefix(view: str, s: int) -> tuple[Qualifier | None, str | None]:
    """The qualifier and the approximation word before a numeral at ``s``.

    The longest word wins (不超过 is a maximum, not 超过); an approximation word must touch the
    numeral, a qualifier may stand a few characters before it in the same clause."""
    lo = max(0, s - 12)
    m = _TOUCHING.search(view, lo, s)
    if m is not None:
        word = m.group().rstrip(" ")
        kind = _PREFIX_KIND[word]
        return (None, word) if kind is None else (kind, None)
    m = _NEAR.search(view, lo, s)
    if m is None:
        return None, None
    word = next(w for w in _QUALIFIERS if m.group().startswith(w))
    return _PREFIX_KIND[word], None


# after 块, these make it yuan (200块钱, 200块的红包, 200块过节费); 12块牌匾 is a count
_KUAI_MONEY = ("钱", "的", "过节费", "红包", "补助", "补贴", "慰问金", "奖金", "工资", "生活费", "购物卡")


def _colloquial_yuan(view: str, p: int) -> bool:
    return any(view.startswith(w, p) for w in _KUAI_MONEY)


_PER = re.compile(r"每(?!一)[^。;!?\n]{0,24}$")


def _per_unit(view: str, s: int) -> bool:
    """每户发放大米一袋、食用油一桶: after 每 in the same sentence, 一 + measure word is a
    quantity (每一位老人 is "every", not a quantity)."""
    return _PER.search(view, max(0, s - 25), s) is not None


def _trim(run: str) -> tuple[str, Number | None]:
    """A run that does not parse as a whole may hold a number followed by stray characters
    (a Chinese run glued to a following 一: 五十户一); keep the longest prefix that parses.
    Runs are at most ``MAX_RUN`` long, so this stays bounded."""
    for k in range(len(run) - 1, 0, -1):
        number = read_folded(run[:k])
        if number is not None:
            return run[:k], number
    return run, None
