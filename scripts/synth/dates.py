"""Date expressions as reports write them (``2019年1月13日至21日``, ``1月上旬``, ``2018年至2020年``),
each with the gold fact it stands for.

A point written without its year takes the year of the point before it in the same range
(``2019年7月25日至7月31日`` → 2019-07-31); a range without any year is left for the report's
year inference (``model._report_year``).

>>> t = span(Point("day", 2019, 1, 13), Point("day", 2019, 1, 21), year=False, year_b=False, month_b=False)
>>> t.text, t.fact.start, t.fact.end
('1月13日至21日', DPoint(y=None, m=1, d=13), DPoint(y=None, m=1, d=21))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .model import DPoint, Fact, Tok

__all__ = ["Point", "cn_date", "one", "span"]

_XUN = {"上": (1, 10), "中": (11, 20), "下": (21, 0)}
_CN = "〇一二三四五六七八九"


@dataclass(frozen=True, slots=True)
class Point:
    """One end of a date expression: a day, a month, a 旬 (``xun`` 上/中/下) or a year."""

    kind: Literal["day", "month", "xun", "year"]
    y: int
    m: int = 1
    d: int = 1
    xun: str = ""

    @staticmethod
    def of(d: date) -> Point:
        return Point("day", d.year, d.month, d.day)

    def bounds(self, y: int | None) -> tuple[DPoint, DPoint]:
        if self.kind == "day":
            return DPoint(y, self.m, self.d), DPoint(y, self.m, self.d)
        if self.kind == "month":
            return DPoint(y, self.m, 1), DPoint(y, self.m, 0)
        if self.kind == "xun":
            lo, hi = _XUN[self.xun]
            return DPoint(y, self.m, lo), DPoint(y, self.m, hi)
        return DPoint(y, 1, 1), DPoint(y, 12, 31)

    def last(self) -> date:
        """The last day the point covers."""
        import calendar

        if self.kind == "year":
            return date(self.y, 12, 31)
        end = self.bounds(self.y)[1]
        return date(self.y, self.m, end.d or calendar.monthrange(self.y, self.m)[1])

    def first(self) -> date:
        s = self.bounds(self.y)[0]
        return date(self.y, s.m, s.d)

    def write(self, year: bool, month: bool = True) -> str:
        out = f"{self.y}年" if year or self.kind == "year" else ""
        if self.kind == "year":
            return out
        if month or self.kind != "day":
            out += f"{self.m}月"
        if self.kind == "day":
            out += f"{self.d}日"
        elif self.kind == "xun":
            out += f"{self.xun}旬"
        return out


def one(p: Point, *, year: bool) -> Tok:
    """A single date: ``2019年1月13日``, ``1月中旬``, ``2019年``."""
    y = p.y if year or p.kind == "year" else None
    start, end = p.bounds(y)
    return Tok(p.write(year), Fact("date", start=start, end=end, years=(p.y,) if y is not None else ()))


def span(a: Point, b: Point, *, year: bool, year_b: bool, month_b: bool = True, sep: str = "至",
         kaishi: bool = False) -> Tok:
    """A range ``A至B`` as one fact from A's first day to B's last. ``year``: A shows its year;
    ``year_b``/``month_b``: B shows its own year/month (else it inherits A's)."""
    ya = a.y if year or a.kind == "year" else None
    yb = b.y if year_b or b.kind == "year" else ya
    text = a.write(year) + ("开始" if kaishi else "") + sep + b.write(year_b, month_b)
    years = tuple(sorted({y for y in (ya, b.y if (year_b or b.kind == "year") else None) if y is not None}))
    return Tok(text, Fact("date", start=a.bounds(ya)[0], end=b.bounds(yb)[1], years=years))


def cn_date(d: date) -> str:
    """A date line in Chinese numerals.

    >>> cn_date(date(2019, 12, 20)), cn_date(date(2020, 2, 1))
    ('二〇一九年十二月二十日', '二〇二〇年二月一日')
    """
    def small(n: int) -> str:
        if n < 10:
            return _CN[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")

    return "".join(_CN[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"
