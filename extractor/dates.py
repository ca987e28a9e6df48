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

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from .chars import fold
from .model import DateFact, Span
from .numbers import read_folded

__all__ = ["find_dates", "impossible_dates", "resolve_years", "rolls_over"]

_CN_DIGIT = "〇零○一二三四五六七八九"
_YEAR = rf"(?:(?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}}|20[xX]{{2}}|(?<![A-Za-z])[xX×]{{1,4}})"
_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九元]|[xX×]{1,2})"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|[二]?十[一二三四五六七八九]?|二十|[一二三四五六七八九]|[xX×]{1,2})"
_PART = r"(?:上旬|中旬|下旬|初|底|末)"

# A point: a year with an optional month, day or 旬, or a month with an optional day or 旬.
POINT = re.compile(
    rf"""
      (?P<y>{_YEAR})\ ?年(?:度)?(?![级龄代轻纪])
      (?:\ ?(?P<m>{_MONTH})\ ?月(?:份)?
         (?:\ ?(?P<d>{_DAY})\ ?[日号])? (?P<p>{_PART})? )?
      (?P<yp>(?<=年)(?:初|底|末|上半年|下半年|前半年|后半年))?
    | (?<![\d])(?P<m2>{_MONTH})\ ?月(?:份)?
      (?:\ ?(?P<d2>{_DAY})\ ?[日号])? (?P<p2>{_PART})?
    | (?<![\d.])(?P<iy>(?:19|20)\d{{2}})(?P<sep>[-/.])(?P<im>1[0-2]|0?[1-9])(?P=sep)(?P<id>3[01]|[12]\d|0?[1-9])(?![\d])
    | (?<![\d.])(?P<ed>3[01]|[12]\d|0?[1-9])\.(?P<em>1[0-2]|0?[1-9])\.(?P<ey>(?:19|20)\d{{2}})(?![\d.])
    """,
    re.VERBOSE,
)
# Between the two ends of a range: 至, 到, a dash or a tilde, after an optional 开始/起/启动.
CONNECTOR = re.compile(r"\ ?(?:开始|启动|起)?\ ?(?:至|到|--?|~)\ ?(?:从)?\ ?(?P<rel>次年|翌年|第二年)?")
# A right end that gives only the day: 1月13日至21日.
DAY_ONLY = re.compile(rf"(?P<d>{_DAY})\ ?[日号]")
# Short ranges whose left end borrows its unit from the right: 2019-2020年, 3至5月.
SHORT_RANGE = re.compile(
    r"""
      (?<![\d.])(?P<y1>(?:19|20)\d{2})\ ?(?:至|到|--?|~)\ ?(?P<y2>(?:19|20)\d{2})\ ?年(?![级龄代])
    | (?<![\d年.])(?P<m1>1[0-2]|0?[1-9])\ ?(?:至|到|--?|~)\ ?(?P<m2>1[0-2]|0?[1-9])\ ?月(?:份)?
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
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


def _point(m: re.Match[str]) -> _Point | None:
    g = m.groupdict()
    if g["iy"]:
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        return _Point(y, mo, d, d, True, False, "day")
    if g["ey"]:
        y, mo, d = int(g["ey"]), int(g["em"]), int(g["ed"])
        return _Point(y, mo, d, d, True, False, "day")
    ys, ms, ds, ps = g["y"], g["m"] or g["m2"], g["d"] or g["d2"], g["p"] or g["p2"]
    blank = _is_blank(ys) or _is_blank(ms) or _is_blank(ds)
    year = _num(ys)
    month = 1 if ms == "元" else _num(ms)
    day = _num(ds)
    if month is not None and not 1 <= month <= 12:
        return None
    if year is not None and not 1900 <= year <= 2099:
        return None
    if ms is None or month is None:
        if ys is not None and g["yp"] and month is None and ms is None:
            half = _HALVES.get(g["yp"])
            if half is not None:  # 2022年上半年: January to June
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
        lo, hi = {"上旬": (1, 10), "初": (1, 10), "中旬": (11, 20)}.get(ps, (21, None))
        return _Point(year, month, lo, hi, year is not None, blank, "xun")
    return _Point(year, month, None, None, year is not None, blank, "month")


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


_HALVES = {"上半年": (1, 6), "前半年": (1, 6), "下半年": (7, 12), "后半年": (7, 12)}


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
    for sm in SHORT_RANGE.finditer(view):
        fact = _short_range(text, sm)
        if fact is not None:
            out.append(fact)
    short_spans = [f.span for f in out]
    pos = 0
    while (m := POINT.search(view, pos)) is not None:
        pos = m.end()
        if m.start() < taken_until or any(s <= m.start() < e for s, e in short_spans):
            continue
        left = _point(m)
        if left is None or not _valid(left):
            continue
        start, end = m.start(), m.end()
        right: _Point | None = None
        c = CONNECTOR.match(view, end)
        if c is not None:
            rm = POINT.match(view, c.end())
            if rm is not None:
                right = _point(rm)
                if right is not None:
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


_CALENDAR_DAY = re.compile(
    r"""(?<![\d.])(?:(?P<y>(?:19|20)\d{2})\ ?年\ ?)?
        (?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\ ?月\ ?(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\ ?[日号]""",
    re.VERBOSE,
)


def impossible_dates(text: str, view: str | None = None) -> list[tuple[Span, str]]:
    """Day expressions that name no calendar day (2月30日, 4月31日, 13月5日, 2019年2月29日),
    with the reason, in Chinese. They are not date facts; the checks report them.

    >>> impossible_dates("于2月30日召开")
    [((1, 6), '2月没有30日')]
    """
    view = fold(text) if view is None else view
    out: list[tuple[Span, str]] = []
    for m in _CALENDAR_DAY.finditer(view):
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
    return DateFact(text[s:e], (s, e), _iso(None, m1, None, end=False), _iso(None, m2, None, end=True),
                    False, "range")


def resolve_years(facts: Iterable[DateFact], text: str) -> list[DateFact]:
    """Give year-less dates the report's year when every explicit year in it is the same.

    A year-less range that crosses a year end (12月29日至2月13日) ends in the next year.
    """
    facts = list(facts)
    years = {f.start[:4] for f in facts if f.start and not f.start.startswith("-")} | {
        f.end[:4] for f in facts if f.end and not f.end.startswith("-")
    }
    if len(years) != 1:
        return facts
    year = int(years.pop())
    out = []
    for f in facts:
        if (f.start or "").startswith("--") or (f.end or "").startswith("--"):
            start = f"{year:04d}{f.start[1:]}" if f.start and f.start.startswith("--") else f.start
            end_year = year
            if f.start and f.end and f.start.startswith("--") and f.end.startswith("--") \
                    and rolls_over(int(f.start[2:4]), int(f.end[2:4])):
                end_year = year + 1  # 12月29日至2月13日; 6月30日至6月10日 stays reversed
            end = f"{end_year:04d}{f.end[1:]}" if f.end and f.end.startswith("--") else f.end
            f = replace(f, start=_fix_feb(start), end=_fix_feb(end))
        out.append(f)
    return out


def _fix_feb(iso: str | None) -> str | None:
    """--02-29 resolved into a year that has no 29 February ends on the 28th."""
    if iso and iso.endswith("-02-29") and not calendar.isleap(int(iso[:4])):
        return iso[:-2] + "28"
    return iso
