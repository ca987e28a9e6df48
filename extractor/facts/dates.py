"""Calendar expressions: days, 旬, months, years, ISO-like forms and ranges, as ISO dates.

A range is one fact from its first to its last day; its right end inherits the year and month
it leaves out (``1月13日至21日``). A year the text leaves out stays unknown (``--MM-DD``) until
:func:`resolve_years` fills it from the report's own, unambiguous year.

>>> [(d.text, d.start, d.end) for d in find_dates("从2018年12月下旬开始至2018年2月")]
[('2018年12月下旬开始至2018年2月', '2018-12-21', '2018-02-28')]
>>> [(d.text, d.start, d.end) for d in find_dates("于1月13日至21日开展")]
[('1月13日至21日', '--01-13', '--01-21')]
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, Literal

from ..lang.chars import fold
from ..lang.lexicon import LEXICON
from ..lang.numbers import read_folded
from ..lang.segment import sentence_around
from ..model import DateFact, Span
from .figures import unit_at

__all__ = ["find_dates", "impossible_dates", "resolve_years", "rolls_over"]

_CN_DIGIT: Final = "〇零○一二三四五六七八九"
_MONTH: Final = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九元]|[xX×]{1,2})"
# A two-digit year, read as 20xx (19xx from 50): 05年 anywhere (no duration is written with a
# leading zero: 全县05年春节慰问), 98年 or 15年 only before a month (工作15年 is a duration).
_SHORT_YEAR: Final = r"""(?<![\dA-Za-z.近前后这每第多余])
    (?:0\d(?=\ ?年) | (?:[12]\d|[5-9]\d)(?=\ ?年\ ?(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九元])\ ?月))"""
_YEAR: Final = rf"(?:(?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}}|20[xX]{{2}}|(?<![A-Za-z])[xX×]{{1,4}}|{_SHORT_YEAR})"
_DAY: Final = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|[二]?十[一二三四五六七八九]?|二十|[一二三四五六七八九]|[xX×]{1,2})"
_PART: Final = r"(?:上中旬|中下旬|上旬|中旬|下旬|初|底|末)"  # 上中旬: the first two 旬 (1–20), 中下旬 the last two

# A point: a year with an optional month, day or 旬, or a month with an optional day or 旬.
POINT: Final = re.compile(
    rf"""
      (?=[0-9{_CN_DIGIT}十元xX×])         # a character a point can start with: any other fails at once
      (?:
      (?P<y>{_YEAR})\ ?年(?:度)?(?![级龄代轻纪])
      (?:\ ?(?P<m>{_MONTH})\ ?月(?:份)?
         (?:\ ?(?P<d>{_DAY})\ ?[日号])? (?P<p>{_PART})? )?
      (?P<yp>(?<=年)(?:初|底|末|上半年|下半年|前半年|后半年|第?[一二三四1-4]季度))?
    | (?<![\d])(?P<m2>{_MONTH})\ ?月(?:份)?
      (?:\ ?(?P<d2>{_DAY})\ ?[日号])? (?P<p2>{_PART})?
    | (?<![\d.])(?P<iy>(?:19|20)\d{{2}})(?P<sep>[-/.])(?P<im>1[0-2]|0?[1-9])(?P=sep)(?P<id>3[01]|[12]\d|0?[1-9])(?![\d])
    | (?<![\d.])(?P<ed>3[01]|[12]\d|0?[1-9])\.(?P<em>1[0-2]|0?[1-9])\.(?P<ey>(?:19|20)\d{{2}})(?![\d.])
    | (?<![\d.A-Za-z])(?P<cy>19(?:49|[5-9]\d)|20\d\d)(?P<cm>0[1-9]|1[0-2])(?P<cd>0[1-9]|[12]\d|3[01])  # 20200115
      (?![\dA-Za-z]|\.\d)
      )
    """,
    re.VERBOSE,
)
# Between the two ends of a range: 至, 到, a dash or a tilde, after an optional 开始/起/启动 (and a
# comma after it: 从1月20日开始，至2月10日结束).
CONNECTOR: Final = re.compile(r"\ ?(?:(?:开始|启动|起)\ ?,?)?\ ?(?:至|到|--?|~)\ ?(?:从)?\ ?(?P<rel>次年|翌年|第二年)?")
# A holiday after a bare year (2019年春节前, 2019年元旦): a day or a season of that year, not the
# whole year, so the year is no range's end (从2018年12月下旬开始至2019年春节前 ends near the holiday,
# not on 2019-12-31): the range's left end stands alone.
HOLIDAY: Final = re.compile("春节|元旦|国庆|中秋|端午|清明|除夕|元宵|五一|劳动节|春运|寒假|暑假|新年|新春")
# A right end that gives only the day: 1月13日至21日.
DAY_ONLY: Final = re.compile(rf"(?P<d>{_DAY})\ ?[日号]")
# Days of a month whose first borrows 日 from the second: 12月25-28日, 2018年12月25至28日.
DAY_RANGE: Final = re.compile(rf"\ ?(?P<d1>{_DAY})\ ?(?:至|到|--?|~)\ ?(?P<d2>{_DAY})\ ?(?:日|号(?![楼院室]))")
# Short ranges whose left end borrows its unit from the right: 2019-2020年, 3至5月, 2019年1-3月.
SHORT_RANGE: Final = re.compile(
    r"""
      (?=\d)(?:                             # a digit first (any other character fails at once)
      (?<![\d.])(?P<y1>(?:19|20)\d{2})\ ?(?:至|到|--?|~)\ ?(?P<y2>(?:19|20)\d{2})\ ?年(?![级龄代])
    | (?<![\d.])(?:(?P<my>(?:19|20)\d{2})\ ?年\ ?)?  # 2019年1至3月: the year of both
      (?P<m1>1[0-2]|0?[1-9])\ ?(?:至|到|--?|~)\ ?(?P<m2>1[0-2]|0?[1-9])\ ?月(?:份)?
      )
    """,
    re.VERBOSE,
)


# -- where a point or a short range can start -------------------------------------------------
# POINT and SHORT_RANGE start with a look-ahead (a digit or a numeral), which ``re`` tries at every
# character of a report, and at each digit and numeral tries every form: 330 k instructions a real
# report. Every match holds a character it can be found by, a few characters after its start: a
# point holds 年 (at most 5 characters after its start: 2019 年) or 月 (3: 12 月), or a dot 1 or
# 2 after it (31.12.2019), or starts at 19 or 20 (2019-1-2, 2019/1/2, 20200115); a short range
# holds 至, 到, a dash or a tilde (10 after its start at most: 2019 年 12 至). So the pattern is
# tried (``match``, as ``search`` tries it at each character) only at the digits and numerals a
# few characters before one of them: the same matches.

_POINT_ANCHORS: Final = (("年", 5), ("月", 3), (".", 2))
_POINT_FIRST: Final = frozenset("0123456789" + _CN_DIGIT + "十元xX×")  # (POINT's own look-ahead)
_RANGE_ANCHORS: Final = (("至", 10), ("到", 10), ("-", 10), ("~", 10))
_RANGE_FIRST: Final = frozenset("0123456789")


def _starts(view: str, anchors: tuple[tuple[str, int], ...], also: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """The runs ``(first, last)`` of the places a match can start: up to ``back`` characters before
    each anchor, and at each string of ``also``; in order, none touching another."""
    spans: list[tuple[int, int]] = []
    for ch, back in anchors:
        q = view.find(ch)
        while q >= 0:
            if q:
                spans.append((max(0, q - back), q - 1))
            q = view.find(ch, q + 1)
    for word in also:
        q = view.find(word)
        while q >= 0:
            spans.append((q, q))
            q = view.find(word, q + 1)
    spans.sort()
    runs: list[tuple[int, int]] = []
    for a, b in spans:
        if runs and a <= runs[-1][1] + 1:
            if b > runs[-1][1]:
                runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


class _Anchored:
    """``pattern.search(view, pos)`` and ``pattern.finditer(view)`` for a pattern whose matches
    start only in ``runs`` (:func:`_starts`), at a character of ``first``: the pattern is matched
    at those places alone, in order."""

    def __init__(self, pattern: re.Pattern[str], view: str, runs: list[tuple[int, int]],
                 first: frozenset[str]) -> None:
        self.pattern, self.view, self.runs, self.first = pattern, view, runs, first
        self._k = 0  # the first run not before the last position searched from (positions only grow)

    def search(self, pos: int) -> re.Match[str] | None:
        runs, k, view, first, match = self.runs, self._k, self.view, self.first, self.pattern.match
        while k < len(runs):
            a, b = runs[k]
            p = max(a, pos)
            while p <= b:
                if view[p] in first:
                    m = match(view, p)
                    if m is not None:
                        self._k = k
                        return m
                p += 1
            k += 1
        self._k = k
        return None

    def finditer(self) -> Iterator[re.Match[str]]:
        pos = 0
        while (m := self.search(pos)) is not None:
            yield m
            pos = m.end()


def point_finder(view: str) -> _Anchored:
    """POINT, tried only where a point can start."""
    return _Anchored(POINT, view, _starts(view, _POINT_ANCHORS, ("19", "20")), _POINT_FIRST)


def short_ranges(view: str) -> Iterator[re.Match[str]]:
    """``SHORT_RANGE.finditer(view)``, tried only where a short range can start."""
    return _Anchored(SHORT_RANGE, view, _starts(view, _RANGE_ANCHORS), _RANGE_FIRST).finditer()


@dataclass(slots=True, init=False)
class _Point:
    year: int | None
    month: int | None
    day_from: int | None
    day_to: int | None
    year_explicit: bool
    placeholder: bool
    period: Literal["day", "xun", "month", "year"]
    #: the last month of a point that spans several (上半年: 1 to 6)
    month_to: int | None = None

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, year: int | None, month: int | None, day_from: int | None, day_to: int | None,
                 year_explicit: bool, placeholder: bool, period: Literal["day", "xun", "month", "year"],
                 month_to: int | None = None) -> None:
        self.year = year
        self.month = month
        self.day_from = day_from
        self.day_to = day_to
        self.year_explicit = year_explicit
        self.placeholder = placeholder
        self.period = period
        self.month_to = month_to


def _num(s: str | None) -> int | None:
    """The value of a date component already folded (the patterns run on the view)."""
    if s is None or any(c in "xX×" for c in s):
        return None
    if s.isdigit():
        return int(s)
    v = read_folded(s)
    return None if v is None else int(v.value)


def _is_blank(s: str | None) -> bool:
    return s is not None and any(c in "xX×" for c in s)


_COMPACT_NOT_AFTER: Final = LEXICON.words("date", "compact_not_after")


def _compact(m: re.Match[str]) -> _Point | None:
    """20200115: an eight-digit date, unless a phone, account or document number is meant (电话:
    20200115, 20200115号) or a figure (20200115元)."""
    view = m.string
    before = view[max(0, m.start() - 8) : m.start()]
    if any(w in before for w in _COMPACT_NOT_AFTER) or view.startswith("号", m.end()) or unit_at(view, m.end()):
        return None
    y, mo, d = int(m.group("cy")), int(m.group("cm")), int(m.group("cd"))
    return _Point(y, mo, d, d, True, False, "day")


def _point(m: re.Match[str]) -> _Point | None:
    g = m.groupdict()
    if g["cy"]:
        return _compact(m)
    if g["iy"]:
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        return _Point(y, mo, d, d, True, False, "day")
    if g["ey"]:
        y, mo, d = int(g["ey"]), int(g["em"]), int(g["ed"])
        return _Point(y, mo, d, d, True, False, "day")
    ys, ms, ds, ps = g["y"], g["m"] or g["m2"], g["d"] or g["d2"], g["p"] or g["p2"]
    blank = _is_blank(ys) or _is_blank(ms) or _is_blank(ds)
    year = _num(ys)
    if year is not None and ys is not None and len(ys) == 2:
        year += 2000 if year < 50 else 1900  # 05年, 98年
    month = 1 if ms == "元" else _num(ms)
    day = _num(ds)
    if month is not None and not 1 <= month <= 12:
        return None
    if year is not None and not 1900 <= year <= 2099:
        return None
    if ms is None or month is None:
        if ys is not None and g["yp"] and month is None and ms is None:
            half = _PARTS_OF_YEAR.get(g["yp"])
            if half is not None:  # 2022年上半年: January to June; 2019年第一季度: January to March
                return _Point(year, half[0], None, None, year is not None, blank, "month", half[1])
            # 2018年初 / 2018年底: the first or the last month
            mo = 1 if g["yp"] == "初" else 12
            return _Point(year, mo, None, None, year is not None, blank, "month")
        return _Point(year, None, None, None, year is not None, blank, "year")
    if ds is not None and day is not None:
        if not 1 <= day <= 31:
            return None
        return _Point(year, month, day, day, year is not None, blank, "day")
    if ds is not None:  # 1月x日: the month is known, the day is a blank
        return _Point(year, month, None, None, year is not None, True, "month")
    if ps is not None:
        lo, hi = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20), "上中旬": (1, 20), "中下旬": (11, None)}.get(
            ps, (21, None))
        return _Point(year, month, lo, hi, year is not None, blank, "xun")
    return _Point(year, month, None, None, year is not None, blank, "month")


@lru_cache(maxsize=4096)  # (year, month): at most 201 years of 12 months, and None
def _last_day(year: int | None, month: int) -> int:
    """The month's last day; a year-less February may have 29 (resolve_years folds it)."""
    return calendar.monthrange(year if year is not None else 2000, month)[1]


def _iso(year: int | None, month: int | None, day: int | None, *, end: bool) -> str | None:
    if month is None:
        if year is None:
            return None
        return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
    if day is None:
        day = _last_day(year, month) if end else 1
    day = min(day, _last_day(year, month))
    return f"{year:04d}-{month:02d}-{day:02d}" if year is not None else f"--{month:02d}-{day:02d}"


_PARTS_OF_YEAR: Final = {
    "上半年": (1, 6), "前半年": (1, 6), "下半年": (7, 12), "后半年": (7, 12),
    # and the quarters: 2019年第一季度, 2019年四季度
    **{f"{lead}{q}季度": (3 * k + 1, 3 * k + 3) for k, qs in enumerate(("一1", "二2", "三3", "四4"))
       for q in qs for lead in ("", "第")}}


def _bounds(p: _Point) -> tuple[str | None, str | None]:
    return (_iso(p.year, p.month, p.day_from, end=False),
            _iso(p.year, p.month_to or p.month, p.day_to, end=True))


def _valid(p: _Point) -> bool:
    if p.month is None or p.day_from is None:
        return True
    return p.day_from <= _last_day(p.year if p.year is not None else 2000, p.month)


def find_dates(text: str, view: str | None = None) -> list[DateFact]:
    """Every calendar expression of ``text`` in order, ranges as one fact. Never raises.

    ``view`` is ``fold(text)`` when the caller already has it."""
    view = fold(text) if view is None else view
    out: list[DateFact] = []
    taken_until = 0
    for sm in short_ranges(view):
        fact = _short_range(text, sm)
        if fact is not None:
            out.append(fact)
    short_spans = [f.span for f in out]
    pos = 0
    points = point_finder(view)
    while (m := points.search(pos)) is not None:
        pos = m.end()
        if m.start() < taken_until or any(s <= m.start() < e for s, e in short_spans):
            continue
        left = _point(m)
        if left is None or not _valid(left):
            continue
        start, end = m.start(), m.end()
        right: _Point | None = None
        c = CONNECTOR.match(view, end)
        days = DAY_RANGE.match(view, end) if left.period == "month" and left.month_to is None else None
        if days is not None:  # 12月25-28日: the month's days, the first borrowing 日 from the second
            d1, d2 = _num(days.group("d1")), _num(days.group("d2"))
            first = replace(left, day_from=d1, day_to=d1, period="day")
            last = replace(first, day_from=d2, day_to=d2, year_explicit=False)
            # (a second day before the first, 12月30-2日, may run into the next month: left as it was)
            if d1 is not None and d2 is not None and d1 <= d2 and _valid(first) and _valid(last):
                left, right, end, c = first, last, days.end(), None
        if c is not None:
            rm = POINT.match(view, c.end())
            if rm is not None:
                right = _point(rm)
                if right is not None and right.period == "year" and HOLIDAY.match(view, rm.end()):
                    right = None  # 至2019年春节前: not the year's end
                elif right is not None:
                    right = _inherit(left, right, rm, c.group("rel") is not None)
                    end = rm.end() + (1 if view.startswith("止", rm.end()) else 0)
            else:
                dm = DAY_ONLY.match(view, c.end())
                day = _num(dm.group("d")) if dm else None
                if dm is not None and left.month is not None and day is not None and 1 <= day <= 31:
                    right = _Point(left.year, left.month, day, day, False, False, "day")
                    end = dm.end()
        if right is not None and not _valid(right):
            right = None
            end = m.end()
        pos = taken_until = end
        if right is None:
            s_iso, e_iso = _bounds(left)
            out.append(DateFact(text[start:end], (start, end), s_iso, e_iso, left.placeholder, left.period))
        else:
            s_iso = _bounds(left)[0]
            e_iso = _bounds(right)[1]
            out.append(DateFact(text[start:end], (start, end), s_iso, e_iso,
                                left.placeholder or right.placeholder, "range"))
    out.sort(key=lambda f: f.span)
    return out


_CALENDAR_DAY: Final = re.compile(
    r"""(?<![\d.])(?:(?P<y>(?:19|20)\d{2})\ ?年\ ?)?
        (?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\ ?月\ ?(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\ ?[日号]""",
    re.VERBOSE,
)


# what a day expression holds before its 月 (2019 年 12 ) and after it ( 31 日)
_BEFORE_MONTH, _AFTER_MONTH = 10, 7


def _calendar_days(view: str) -> Iterator[re.Match[str]]:
    """``_CALENDAR_DAY.finditer(view)``, read only around each 月: a day expression holds one 月,
    at most ``_BEFORE_MONTH`` characters after its start and ``_AFTER_MONTH`` before its end, so
    the match that holds a 月 is the first one found in that window (from the end of the one
    before), and one found there whose 月 is a later one is left to that 月's window. The same
    matches, without trying the pattern at every character of the report."""
    end = 0
    p = view.find("月")
    while p >= 0:
        m = _CALENDAR_DAY.search(view, max(end, p - _BEFORE_MONTH), p + _AFTER_MONTH)
        if m is not None and m.start() <= p < m.end():
            yield m
            end = m.end()
        p = view.find("月", p + 1)


def impossible_dates(text: str, view: str | None = None) -> list[tuple[Span, str]]:
    """Day expressions that name no calendar day (2月30日, 4月31日, 13月5日, 2019年2月29日),
    with the reason, in Chinese. They are not date facts; the checks report them.

    >>> impossible_dates("于2月30日召开")
    [((1, 6), '2月没有30日')]
    """
    view = fold(text) if view is None else view
    out: list[tuple[Span, str]] = []
    for m in _calendar_days(view):
        month, day = _num(m.group("m")), _num(m.group("d"))
        if month is None or day is None:
            continue
        year = int(m.group("y")) if m.group("y") else None
        if not 1 <= month <= 12:
            out.append((m.span(), f"没有{month}月"))
        elif not 1 <= day <= _last_day(year, month):
            where = f"{year}年{month}月" if year is not None and month == 2 and day == 29 else f"{month}月"
            out.append((m.span(), f"{where}没有{day}日"))
    return out


def rolls_over(start_month: int, end_month: int) -> bool:
    """Whether a range from ``start_month`` to an earlier ``end_month`` of no stated year is
    read across a year end: 12月29日至2月13日 is (two months); 6月30日至5月10日 is not (it
    would last eleven months: a reversed range, most likely a slip).

    >>> rolls_over(12, 2), rolls_over(6, 5), rolls_over(3, 3)
    (True, False, False)
    """
    return end_month < start_month and end_month + 12 - start_month <= 6


def _inherit(left: _Point, right: _Point, rm: re.Match[str], next_year: bool) -> _Point:
    """The right end takes what it leaves out from the left, and rolls over a year end."""
    year, explicit = right.year, right.year_explicit
    if rm.group("y") is None and rm.group("iy") is None and rm.group("ey") is None:
        year, explicit = left.year, False
        if year is not None and right.month is not None and left.month is not None and (
            next_year or rolls_over(left.month, right.month)
        ):
            year += 1
    return replace(right, year=year, year_explicit=explicit)


def _short_range(text: str, m: re.Match[str]) -> DateFact | None:
    s, e = m.span()
    if m.group("y1"):
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        return DateFact(text[s:e], (s, e), f"{y1:04d}-01-01", f"{y2:04d}-12-31", False, "range")
    m1, m2 = int(m.group("m1")), int(m.group("m2"))
    year = int(m.group("my")) if m.group("my") else None
    return DateFact(text[s:e], (s, e), _iso(year, m1, None, end=False), _iso(year, m2, None, end=True),
                    False, "range")


def resolve_years(facts: Iterable[DateFact], text: str, view: str | None = None) -> list[DateFact]:
    """Give year-less dates the year the report makes plain, else leave them ``--MM-DD``.

    The report's year is plain when every year it states is the same and it does not look back
    over several years (近年来, 多年来); a November or December date then falls in the year before
    when the page date (a date line at the top or in the signature) is in January or February
    (a report dated 2012-01-11 speaking of 12月26日 means 2011). Where the years differ, a date
    takes the one year its own sentence states (在2018年送温暖活动中，于1月13日至21日…).
    A year-less range that crosses a year end (12月29日至2月13日) ends in the next year.

    >>> text = "2012-01-11\\n12月26日，启动仪式举行。"
    >>> [d.start for d in resolve_years(find_dates(text), text)]
    ['2012-01-11', '2011-12-26']
    """
    facts = list(facts)
    if not any(_yearless(f) for f in facts):
        return facts
    view = fold(text) if view is None else view
    stated = sorted(((f.span, _years(f)) for f in facts if _years(f)), key=lambda t: t[0])
    years = {y for _, ys in stated for y in ys}
    plain = years.pop() if len(years) == 1 and not _spans_years(view) else None
    page = _page_date(facts, text) if plain is not None else None
    out = []
    for f in facts:
        if _yearless(f):
            year = plain
            if year is not None and page is not None and page[1] <= 2 and _month(f) >= 11 \
                    and not view.startswith(_DEADLINE, f.span[1]):
                year -= 1  # a report dated January speaks of the December before it (12月底前: ahead)
            if year is None:
                year = _sentence_year(f.span, stated, view)
            if year is not None:
                f = _with_year(f, year)
        out.append(f)
    return out


def _yearless(f: DateFact) -> bool:
    return (f.start or "").startswith("--") or (f.end or "").startswith("--")


def _years(f: DateFact) -> set[int]:
    """The years a date states (none for ``--MM-DD``)."""
    return {int(d[:4]) for d in (f.start, f.end) if d and not d.startswith("-")}


def _month(f: DateFact) -> int:
    iso = f.start or f.end or ""
    return int(iso[-5:-3]) if len(iso) >= 5 else 0


_MULTI_YEAR: Final = LEXICON.words("date", "multi_year")
# after a date, a deadline: it points ahead (于12月底前完成)
_DEADLINE: Final = ("前", "以前", "之前")


def _spans_years(view: str) -> bool:
    """近年来, 多年来: the report looks back over several years."""
    return any(w in view for w in _MULTI_YEAR)


# a sentence is read at most this far on each side of the date (keeps long texts linear)
_SENTENCE_REACH: Final = 160


def _sentence_year(span: Span, stated: list[tuple[Span, set[int]]], view: str) -> int | None:
    """The one year the date's own sentence states (在2018年送温暖活动中，于1月13日至21日…);
    ``stated`` holds the spans of the dates that state a year, in order, and their years."""
    s, e = span
    lo, hi = sentence_around(view, s, e, _SENTENCE_REACH)
    years: set[int] = set()
    k = bisect.bisect_left(stated, (lo, -1), key=lambda t: t[0])
    while k < len(stated) and stated[k][0][0] < hi and len(years) < 2:
        (gs, ge), ys = stated[k]
        if ge <= hi and not _in_title(view, lo, gs):
            years |= ys
        k += 1
    return years.pop() if len(years) == 1 else None


def _in_title(view: str, lo: int, s: int) -> bool:
    """Whether ``s`` stands inside a 《title》 opened after ``lo``: the year of a document's title
    (根据《关于开展2023年“金秋助学”活动的通知》) is not the year the sentence states."""
    return view.rfind("《", lo, s) > view.rfind("》", lo, s)


def _page_date(facts: list[DateFact], text: str) -> tuple[int, int] | None:
    """The (year, month) of the page date: a full date alone on one of the first or last three
    lines with text (2012-01-11; 发布日期：2012年1月11日), or None."""
    lines = [(k, line) for k, line in _lines(text) if line.strip()]
    ends = lines[:3] + lines[-3:]
    for f in facts:
        if f.period != "day" or not f.start or f.start.startswith("-"):
            continue
        for k, line in ends:
            if k <= f.span[0] and f.span[1] <= k + len(line):
                rest = line.replace(f.text, "", 1).strip(" \t\u3000:：")
                if len(rest) <= 6 and not any(c.isdigit() for c in rest):
                    return int(f.start[:4]), int(f.start[5:7])
    return None


def _lines(text: str) -> list[tuple[int, str]]:
    out, k = [], 0
    for line in text.split("\n"):
        out.append((k, line))
        k += len(line) + 1
    return out


def _with_year(f: DateFact, year: int) -> DateFact:
    """A year-less date (or range) put into ``year``; a range that crosses a year end (12月29日至
    2月13日) ends in the next year, one that runs backwards (6月30日至6月10日) stays reversed."""
    start = f"{year:04d}{f.start[1:]}" if f.start and f.start.startswith("--") else f.start
    end_year = year
    if f.start and f.end and f.start.startswith("--") and f.end.startswith("--") \
            and rolls_over(int(f.start[2:4]), int(f.end[2:4])):
        end_year = year + 1
    end = f"{end_year:04d}{f.end[1:]}" if f.end and f.end.startswith("--") else f.end
    return replace(f, start=_fix_feb(start), end=_fix_feb(end))


def _fix_feb(iso: str | None) -> str | None:
    """--02-29 resolved into a year that has no 29 February ends on the 28th."""
    if iso and iso.endswith("-02-29") and not calendar.isleap(int(iso[:4])):
        return iso[:-2] + "28"
    return iso
