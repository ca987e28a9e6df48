"""Figures in running text: a numeral, its approximation and qualifier words, and its unit.

The scanner is the shared first step of money and counts. A numeral run is matched with
possessive patterns (no backtracking, so time stays linear on any input); everything around it
is read by bounded look-ups, never by a pattern that could rescan the run.

>>> [(f.surface, f.unit, str(f.value)) for f in scan_figures("共慰问困难家庭700余户,发放12.5万元")]
[('700余户', '户', '700'), ('12.5万元', '元', '125000.0')]
>>> [(f.surface, str(f.value)) for f in scan_figures("活动投入近百万元，将惠及万名群众")]
[('百万元', '1000000'), ('万名', '10000')]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Final, Literal, NamedTuple

from ..lang.chars import fold
from ..lang.lexicon import LEXICON
from ..lang.numbers import CHINESE_NUMERAL_CHARS, DIGITS, Number, read_folded
from ..lang.segment import CLAUSE_MARKS, SENTENCE_MARKS
from ..model import Qualifier

__all__ = ["Figure", "scan_figures", "unit_at"]


_MULT: Final = {"万": 10**4, "亿": 10**8, "千": 1000, "百": 100}
_UNIT_START: Final = frozenset(
    {u[0] for u in LEXICON.count_units} | {u[0] for u in LEXICON.money_units}
    | set(LEXICON.approx_inside) | set(_MULT) | {"块"}
)
_NEXT: Final = "".join(sorted(_UNIT_START))
_CN: Final = re.escape(CHINESE_NUMERAL_CHARS)
_CN_DIGITS: Final = "零〇○一二三四五六七八九"
_ZEROS: Final = frozenset("零〇○")
_BLANK_ZEROS: Final = frozenset("〇○")
# What may stand between a numeral and its unit: one space, or a line break (2 658\n人), which
# _after then accepts only where it wraps running prose.
_FOLLOW: Final = rf"(?:\ ?[{_NEXT}]|\ {{0,3}}\n\ {{0,3}}[{_NEXT}])"
# what closes a clause or a sentence in a folded view (segment's marks, a full stop, a bracket)
_CLOSES: Final = re.escape(SENTENCE_MARKS + CLAUSE_MARKS + ".)）")
# A run of spaces left where a template's number goes (发放慰问金    万元，慰问    户。): after a
# Chinese character (not 单位, 以, 按, 为: 单位    万元 names the unit of a table), before a unit
# that a punctuation mark closes, as in a sentence (a unit at the end of a line may be the header
# of a flattened table's column, 项目    万元; 困难职工    人数 is a table's too)
_SPACES_BLANK: Final = (r"(?=\ )(?<=[\u4e00-\u9fff])(?<!单位)(?<![以按为])\ {2,8}+"
                        r"(?=(?:[万亿]?元|" + "|".join(map(re.escape, LEXICON.count_units)) + rf")[{_CLOSES}])")
NUMERAL: Final = re.compile(
    rf"""
      (?=[0-9{_CN}xX×某_*（(\ □【\[])    # a first character (any other fails at once)
      (?:
      (?P<arabic>
        (?=\d)                          # (a digit, checked first: elsewhere it fails at once)
        (?:(?<=RMB)|(?<=CNY)|(?<![A-Za-z0-9.]))(?<!\d\ )  # not the tail of a model number, a
                                       # decimal or a spaced run (RMB5000元 is an amount)
        \d(?:\ ?\d)*+                  # 1800, and digits broken by single spaces: 2 0 0, 2 658
        (?:,\d{{3}}(?!\d))*+           # thousands separators: 1,800
        (?:\ ?\.\d++)?                 # decimals: 12.5, and 3 .5 (a stray space before the point)
        (?:\ ?[十百千万亿]++(?:\d++(?:\.\d++)?[十百千万亿]++)*+   # mixed: 1.2万, 1万5千, 7 万
           (?:零?(?:\d,\d{{3}}|\d{{1,4}})(?![\d,]))?+)?           # and a tail: 558万8,500, 12万零500
        (?={_FOLLOW})                  # a unit (or 余, 万) follows: years, phones, 95% never match
      )
    | (?P<chinese>
        (?=[{_CN}])(?<![{_CN}])[{_CN}]++          # 一百二十, 两千, 壹拾贰万伍仟 (from the start of the run)
        (?:点[{_CN_DIGITS}]++[万亿]?)?  # 十二点五万
        (?={_FOLLOW})                  # a unit follows: 一是, 统一, 进一步 never match
      )
    | (?P<blank>
        (?=[xX×])(?<![A-Za-z0-9])[xX×]{{1,4}}+(?![A-Za-z0-9])  # x万元, xx人 (never 4x4, X5)
      | 某某                                          # 某某名
      | (?=_)(?<![A-Za-z])_{{2,}}+(?![A-Za-z])        # ___元, ___人: a line left to write on
      | (?=\*)(?<![*A-Za-z0-9])\*{{2,6}}+(?!\*)(?={_FOLLOW})  # **元, **户: stars for a number left out, a
                                                       # unit after them (**重要** is emphasis)
      | [（(【\[]\ {{0,6}}[）)】\]](?={_FOLLOW})          # （ ）户, ()万元, 【】元: brackets left empty
      | □{{1,6}}+(?={_FOLLOW})                        # □□元: boxes to write in
      | {_SPACES_BLANK}                                # 慰问金    万元: spaces left for a number
      )
      )
    """,
    re.VERBOSE,
)

#: No numeral a report writes is longer than this (一亿二千三百四十五万六千七百八十九 is 17);
#: a longer run of numeral characters is no figure, and bounding it keeps every step linear.
MAX_RUN: Final = 24
# Numeral runs of units alone: a number only after an approximation word (近千人, 近百万元), or,
# for 百/千/万, right before a bare-number measure word (万名群众).
_BARE: Final = {"百": Decimal(100), "千": Decimal(1000), "万": Decimal(10**4), "亿": Decimal(10**8),
                "百万": Decimal(10**6), "千万": Decimal(10**7), "百亿": Decimal(10**10), "千亿": Decimal(10**11)}
_BARE_ALONE: Final = ("百", "千", "万")
_BARE_UNITS: Final = LEXICON.words("count", "bare_units")
_VAGUE: Final = LEXICON.words("approx", "vague_before")
_LOOKBACK: Final = 6
# A line wrapped inside running prose is at least this long (a chronicle wrapped at ~45
# characters); a table flattened one cell per line has short lines, and keeps them apart.
_WRAP_MIN: Final = 16
_WRAP: Final = re.compile(r" {0,3}\n {0,3}")
_CJK: Final = re.compile(r"[\u4e00-\u9fff]")


class Figure(NamedTuple):
    """One figure: the numeral with its unit, found in the folded view of a text (a tuple: made
    for every numeral of every report, without a dataclass's field-by-field set-up)."""

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


_ONE: Final = Decimal(1)

# a Figure made from its fields without the Python-level ``__new__`` of a NamedTuple (the same tuple)
_new_figure: Final[Callable[[type[Figure], tuple[Literal["money", "count"], int, int, str, Decimal | None, str, bool,
                                                  str | None, Qualifier | None, Decimal, bool, bool]], Figure]] \
    = tuple.__new__


def scan_figures(text: str, view: str | None = None) -> list[Figure]:
    """Every money amount and count candidate of ``text``, in order. Never raises.

    ``view`` is ``fold(text)`` when the caller already has it."""
    view = fold(text) if view is None else view
    out: list[Figure] = []
    for m in NUMERAL.finditer(view):
        fig = _figure(text, view, m)
        if fig is not None and not (out and fig.chinese and _distributive(out[-1], fig)):
            out.append(fig)
    return out


def unit_at(view: str, p: int) -> bool:
    """Whether what stands at ``p`` (after one space) may begin a figure's unit: 元, 万, 人, 户, 余…

    >>> unit_at("20200115元", 8), unit_at("20200115。", 8)
    (True, False)
    """
    p += view.startswith(" ", p)
    return p < len(view) and view[p] in _UNIT_START


def _distributive(prev: Figure, fig: Figure) -> bool:
    """分为4人一组, 两人一组: a lone 一 right after another count shares it out; it counts nothing."""
    return fig.chinese and fig.value == 1 and fig.surface[:1] == "一" and prev.kind == "count" \
        and prev.end == fig.start


def _alternation(words: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def _first_of(words: tuple[str, ...]) -> str:
    """An alternation that matches the first of ``words`` (in their order) that stands there
    (none: it never matches)."""
    return "|".join(map(re.escape, words)) if words else "(?!)"


_COUNT_UNIT: Final = _alternation(LEXICON.count_units)
_MONEY_UNIT: Final = re.compile(_first_of(LEXICON.money_units))
# after a unit: the first minimum word, else the first maximum word, else the first approximation
# word that stands there (10人以上, 500元以内, 300人左右)
_AFTER: Final = re.compile(f"(?P<min>{_first_of(LEXICON.min_after)})|(?P<max>{_first_of(LEXICON.max_after)})"
                           f"|(?P<approx>{_first_of(LEXICON.approx_after)})")
_ORDINAL_BEFORE: Final = (*LEXICON.ordinal_before, "百分之")
_COUNT_NOT_AFTER: Final = _alternation(LEXICON.count_not_after)


def _after(text: str, view: str, s: int, e: int) -> int:
    """Where a unit may start after the numeral ``[s, e)``: past one space, or past a line break
    that wraps running prose (已有989户2 658⏎人领取了…); else ``e``.

    A wrap is a line break in a long line of Chinese text with no table cells (``|``, tabs) on
    either side, the next line going on after the unit: a table flattened one cell per line
    (``961 |``, ``961⏎人数``) never glues a number to the next line."""
    w = _WRAP.match(view, e)
    if w is None:
        return e + 1 if view.startswith(" ", e) else e
    line_start = view.rfind("\n", 0, s) + 1
    next_end = view.find("\n", w.end())
    next_end = len(view) if next_end < 0 else next_end
    line, following = text[line_start:e], text[w.end() : next_end]
    prose = (len(line) >= _WRAP_MIN and len(following) >= 3 and len(_CJK.findall(line)) >= _WRAP_MIN // 2
             and not any(c in part for part in (line, following) for c in "|\t"))
    return w.end() if prose else e


def _figure(text: str, view: str, m: re.Match[str]) -> Figure | None:
    s, e = m.span()
    run = m.group()
    if len(run) > MAX_RUN:
        return None
    nxt = _after(text, view, s, e)
    if (nxt >= len(view) or view[nxt] not in _UNIT_START) and (m.lastgroup != "chinese" or len(run) == 1):
        return None  # a lone 一 of 一是, a year, a percentage: no unit follows
    before = view[max(0, s - _LOOKBACK) : s].rstrip(" ")
    approx_word: str | None = None
    chinese = m.lastgroup == "chinese"
    # 〇〇户, ○○元: zeros alone stand for a number left out (二〇〇八 is a number: not zeros alone)
    placeholder = m.lastgroup == "blank" or (chinese and len(run) >= 2 and all(c in _BLANK_ZEROS for c in run))
    chinese = chinese and not placeholder
    number: Number | None = None
    if not placeholder:
        if chinese and run in _BARE:
            word = _bare_word(view, before, run, nxt)
            if word is None:
                return None
            number = Number(_BARE[run], _BARE[run], False)
            approx_word = word or None
        else:
            if chinese and run[0] in _TENS and _vague(before):
                return None  # 数十户, 几十万元: some tens, no number
            number = read_folded(run)
            if number is None:
                run, number = _trim(run)
                if number is None:
                    return None
                e = s + len(run)
                nxt = _after(text, view, s, e)
        if chinese and len(run) > 1 and all(c in DIGITS for c in run) \
                and (run[0] in _ZEROS or not any(c in _ZEROS for c in run)):
            return None  # 三四个, 〇八: a range or a code, not a count (一〇八户 is 108 written digit by digit)
    if before.endswith(_ORDINAL_BEFORE):
        return None
    p = nxt
    if p < len(view) and view[p] in LEXICON.approx_inside:
        approx_word = view[p]
        p += 1
    mult = 1
    if p + 1 < len(view) and view[p] in _MULT and (view[p + 1] == "元" or _COUNT_UNIT.match(view, p + 1)):
        mult = _MULT[view[p]]  # 2000余万元, x万元, x万户
        p += 1
    kind: Literal["money", "count"]
    # 3万慰问金, 善款5万, 捐款2.5万余: 万 alone for money, after the number or the end of its run
    wan = p < len(view) and view[p] in "万亿" and mult == 1
    if not chinese and number is not None and (wan or run[-1] in "万亿"):
        q = p + 1 if wan else p
        if q < len(view) and view[q] in LEXICON.approx_inside and wan:
            approx_word = approx_word or view[q]
            q += 1
        if _bare_wan_money(view, s, q):
            mult = _MULT[view[p]] if wan else 1
            qualifier, word = _prefix(view, s)
            # kind, start, end, surface, value, unit, placeholder, approx_word, qualifier, quantum,
            # rounded, chinese
            return _new_figure(Figure, ("money", s, q, text[s:q], number.value * mult, "", False,
                                        approx_word or word, qualifier, number.quantum * mult, number.rounded, False))
    um = _MONEY_UNIT.match(view, p)
    unit = um.group() if um is not None else None
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
        if _not_a_count(view, s, run if chinese else "", unit, p + len(unit)):
            return None
        kind = "count"
    if run == "某某" and not (kind == "money" or unit in LEXICON.people_units):
        return None  # 某某名 is a blank count; 某某支部 is a blank name
    unit_start = p
    p += len(unit)
    qualifier, word = _prefix(view, s)
    if word is not None and approx_word is None:
        approx_word = word
    am = _AFTER.match(view, p)  # a minimum, else a maximum, else an approximation word
    if am is not None and am.lastgroup != "approx":
        qualifier = Qualifier.MIN if am.lastgroup == "min" else Qualifier.MAX
        p = am.end()
    elif am is not None:
        w = am.group()
        if chinese and run == "一" and _CJK.match(view, p + len(w)):
            return None  # 一户多残家庭, 一人多岗: one X, many Y, a phrase and no count
        approx_word = approx_word or w
        p += len(w)
    value: Decimal | None = None
    quantum = _ONE
    rounded = False
    if number is not None:
        value = number.value * mult
        quantum = number.quantum * mult
        rounded = number.rounded
    return _new_figure(Figure, (kind, s, p, text[s:p], value, text[unit_start : unit_start + len(unit)], placeholder,
                                approx_word, qualifier, quantum, rounded, chinese))


# a noun of money right after 万 (3万慰问金), or before the figure with a total word between (善款5万,
# 捐款共计5万): 万 alone then stands for 万元
_MONEY_NOUNS: Final = ("慰问金", "资金", "善款", "捐款", "救助金", "补助金", "帮扶金", "助学金", "慰问款", "救助款",
                       "经费", "现金", "款物")
_MONEY_NOUN_BEFORE: Final = re.compile("(?:" + "|".join(_MONEY_NOUNS) + r")(?:共计|合计|总计|共|计|达|约|为|:)?\ ?$")
# what may follow 万 when the money noun stands before: a clause's end (an approximation word first)
_CLAUSE_AFTER: Final = re.compile(rf"(?:[{_CLOSES}\n]|$)")


def _bare_wan_money(view: str, s: int, q: int) -> bool:
    """Whether a number at ``s`` whose 万 (or 亿, with its approximation word) ends at ``q`` is an
    amount with no 元 written: a noun of money right after it (3万慰问金) or before the number
    (善款5万，) and the clause ending after it. A measure word after it makes a count (5万人), read
    before this is asked."""
    if view.startswith(_MONEY_NOUNS, q):
        return True
    return _CLAUSE_AFTER.match(view, q) is not None and _MONEY_NOUN_BEFORE.search(view, max(0, s - 8), s) is not None


def _bare_word(view: str, before: str, run: str, p: int) -> str | None:
    """Whether a run of units alone (百, 千, 万, 百万) is a number here: the approximation word
    before it (近千人, 上百万元, 逾万户), ``""`` when an approximation word follows it (百余户,
    万余元: 余 reads only a number) or it stands right before 名 or 位 (惠及万名群众, 百名“特困户”),
    None when it is no number (千家万户, 数百名: vague)."""
    word = next((w for w in LEXICON.approx_bare_before if before.endswith(w)), None)
    if word is not None:
        return word
    if run not in _BARE_ALONE or _vague(before):
        return None
    if p < len(view) and view[p] in LEXICON.approx_inside:
        return ""  # 百余户, 千余元, 万余人次
    return "" if view.startswith(_BARE_UNITS, p) else None


# the first characters of a Chinese numeral that has no digit before its first unit (十二, 百余)
_TENS: Final = frozenset("十拾百佰千仟万萬")
# the 数 of a noun (人数, 户数, 总数) is no vague word: 总数十二户
_NOUN_SHU: Final = frozenset("人户总次件个名笔项")


def _vague(before: str) -> bool:
    """Whether the numeral after ``before`` is made vague by it (数百名, 几十人, 成千名, 若干)."""
    word = next((w for w in _VAGUE if before.endswith(w)), None)
    if word is None:
        return False
    return not (word == "数" and len(before) > 1 and before[-2] in _NOUN_SHU)


def _not_a_count(view: str, s: int, run: str, unit: str, q: int) -> bool:
    """A numeral and measure word that count nothing: a frequency (每月召开一次, 每月走访2次),
    a day of the month followed by 起 (腊月二十三起), a web page's counter (浏览次数：1234次), and,
    for a Chinese numeral ``run`` ("" for an Arabic one), an article (一个安乐祥和的春节; but 每户一袋米
    is one) or a tier (二本新生, 二批以上院校). ``q`` is where the measure word ends."""
    if len(run) == 1 and run in DIGITS and _tier(view, run, unit, q, 3):
        return True
    if unit == "起" and s > 0 and view[s - 1] == "月":
        return True  # 腊月二十三起, 1月15起: from a day of the month on, no events
    if _PAGE_STATS.search(view, max(0, s - 10), s) is not None:
        return True  # 浏览次数：1234次, 阅读 2345 次: a web page's counter, not the report's
    if LEXICON.unit_class(unit) == "event" and _FREQUENCY.search(view, max(0, s - 16), s) is not None:
        return True
    return len(run) == 1 and run in ("一", "壹", "幺") and unit in LEXICON.article_units and not _per_unit(view, s)


# a web page's counters before a figure (浏览次数：, 点击数：, 阅读): what the page around a report says
_PAGE_STATS: Final = re.compile(r"(?:浏览|点击|阅读|访问|下载)(?:次数|人次|数|量)?\ ?[:：]?\ ?$")
_TIER_UNITS: Final = LEXICON.words("count", "tier_units")
_TIER_AFTER: Final = LEXICON.words("count", "tier_after")
# 以上 or 以下 and a noun: a bound of ranks (二批以上院校), not of a number (200人以上,)
_RANK_BOUND: Final = re.compile(r"及?以[上下](?:的)?[\u4e00-\u9fff]")
_PERIODS: Final = "|".join(map(re.escape, LEXICON.words("count", "frequency_periods")))
# 每月 (每周, 每个季度) a few characters before, in the same clause: 每月召开一次
_FREQUENCY: Final = re.compile(rf"每个?(?:{_PERIODS})[^,;。!?\n]{{0,12}}$")


def _tier(view: str, digit: str, unit: str, q: int, depth: int) -> bool:
    """一本、二本新生, 二批以上院校, 二期以上矽肺病人员: a single Chinese digit and a rank measure
    word (``[count] tier_units``) name a tier when a tier noun, a bound of ranks, or another such
    tier follows (a list of at most ``depth`` tiers is read)."""
    if unit not in _TIER_UNITS or digit not in DIGITS:
        return False
    if view.startswith(_TIER_AFTER, q) or _RANK_BOUND.match(view, q) is not None:
        return True
    nxt = q + 1
    return (depth > 0 and view[q : q + 1] in ("、", "和", "及") and view[nxt : nxt + 1] in DIGITS
            and view.startswith(unit, nxt + 1) and _tier(view, view[nxt], unit, nxt + 1 + len(unit), depth - 1))


_PREFIX_KIND: Final[dict[str, Qualifier | None]] = (
    {w: None for w in LEXICON.approx_before}
    | {w: Qualifier.MIN for w in LEXICON.min_before} | {w: Qualifier.MAX for w in LEXICON.max_before})
_BY_LENGTH: Final = sorted(_PREFIX_KIND, key=len, reverse=True)
# a qualifier or approximation word touching the numeral (the longest wins: 不超过, not 超过)
_TOUCHING: Final = re.compile("(?:" + "|".join(map(re.escape, _BY_LENGTH)) + r")\ ?$")
# a qualifier a few characters before it in the same clause: 每户至多补助2万元, 最多可申请3000元
_QUALIFIERS: Final = [w for w in _BY_LENGTH if _PREFIX_KIND[w] is not None]
_NEAR: Final = re.compile("(?:" + "|".join(map(re.escape, _QUALIFIERS)) + r")[^\d,.;:!?。，；：！？、()（）\s]{0,6}$")


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
_KUAI_MONEY: Final = ("钱", "的", "过节费", "红包", "补助", "补贴", "慰问金", "奖金", "工资", "生活费", "购物卡")


def _colloquial_yuan(view: str, p: int) -> bool:
    return any(view.startswith(w, p) for w in _KUAI_MONEY)


# 每 and a recipient (每户, 每名困难职工), not 每一 ("every") nor a period (每月…与所在村一起)
_PER: Final = re.compile(rf"每(?!一|个?(?:{_PERIODS}))[^。;!?\n]{{0,24}}$")


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
