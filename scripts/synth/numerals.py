"""Numerals as the reports write them, each with the interval of values its writing allows.

A figure's interval follows the annotation rules (``corpus/dev/README.md``): an exact integer is
a point; a decimal with 万/亿 is ± half its last digit (``12.5万`` → 124500..125500); 余/多/逾
reach up to the next unit of the last significant digit (``700余`` → [700, 800)); 约/左右 reach
one unit both ways (``约300`` → [200, 400]); 近 one unit down (``近300`` → [200, 300]).

>>> cn_int(120), cn_int(35000), cn_int(2), cn_int(10500), cn_int(2000)
('一百二十', '三万五千', '两', '一万零五百', '两千')
>>> w = written(125000, wan=True)
>>> w.numeral, w.interval
('12.5万', Interval(lo=Fraction(124500, 1), hi=Fraction(125500, 1), hi_open=False))
>>> written(700, approx="余").interval.hi
Fraction(800, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

__all__ = ["Approx", "Interval", "Written", "cn_int", "sig_unit", "written"]

#: How a figure is hedged: 余/多 (infix, up), 逾 (prefix, up), 约/左右 (both ways), 近 (down).
Approx = Literal["余", "多", "逾", "约", "左右", "近"]
_UP = ("余", "多", "逾")
_BOTH = ("约", "左右")

_CN = "零一二三四五六七八九"


@dataclass(frozen=True, slots=True)
class Interval:
    """The values a written figure may stand for: [lo, hi], or [lo, hi) when ``hi_open``."""

    lo: Fraction
    hi: Fraction
    hi_open: bool = False

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi, self.hi_open or other.hi_open)

    def meets(self, other: Interval) -> bool:
        """Whether some value lies in both intervals.

        >>> Interval(Fraction(700), Fraction(800), True).meets(Interval(Fraction(800), Fraction(800)))
        False
        """
        def below(a: Fraction, b: Fraction, open_: bool) -> bool:
            return a < b or (a == b and not open_)

        return below(self.lo, other.hi, other.hi_open) and below(other.lo, self.hi, self.hi_open)

    @staticmethod
    def point(v: int) -> Interval:
        return Interval(Fraction(v), Fraction(v))

    @staticmethod
    def total(parts: list[Interval]) -> Interval:
        out = Interval.point(0)
        for p in parts:
            out = out + p
        return out

    def __str__(self) -> str:
        if self.lo == self.hi:
            return _fmt(self.lo)
        return f"{_fmt(self.lo)}..{_fmt(self.hi)}{')' if self.hi_open else ']'}"


def _fmt(v: Fraction) -> str:
    return str(int(v)) if v.denominator == 1 else str(float(v))


def _group(n: int) -> str:
    """0 < n < 10000 in Chinese numerals, with 零 for inner zeros (1010 → 一千零一十)."""
    out: list[str] = []
    pending_zero = False
    started = False
    for unit, digit in zip(("千", "百", "十", ""), (n // 1000, n // 100 % 10, n // 10 % 10, n % 10), strict=True):
        if digit == 0:
            pending_zero = pending_zero or started
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(("两" if digit == 2 and unit == "千" else _CN[digit]) + unit)
        started = True
    return "".join(out)


def cn_int(n: int) -> str:
    """A positive integer below 10**8 in Chinese numerals as reports write them.

    >>> [cn_int(v) for v in (10, 15, 110, 105, 1010, 20000, 25000, 3005)]
    ['十', '十五', '一百一十', '一百零五', '一千零一十', '两万', '两万五千', '三千零五']
    """
    if not 0 < n < 10**8:
        raise ValueError(f"cn_int: {n} out of range")
    if n == 2:
        return "两"
    high, low = divmod(n, 10000)
    if high:
        head = "两" if high == 2 else _group(high)
        s = head + "万"
        if low:
            s += ("零" if low < 1000 else "") + _group(low)
    else:
        s = _group(low)
    return s[1:] if s.startswith("一十") else s


def sig_unit(n: int) -> int:
    """The place of the last significant digit of a written integer: 700 → 100, 150 → 10.

    >>> sig_unit(700), sig_unit(150), sig_unit(1520), sig_unit(7)
    (100, 10, 10, 1)
    """
    u = 1
    while n and n % (u * 10) == 0:
        u *= 10
    return u


@dataclass(frozen=True, slots=True)
class Written:
    """A numeral as written (``12.5万``, ``700余``, ``两千余``, ``1,200``), without unit or hedge
    words outside it, with its value and interval."""

    numeral: str
    value: int
    interval: Interval
    approx: bool


def _arabic(n: int, sep: bool) -> str:
    return f"{n:,}" if sep and n >= 1000 else str(n)


def written(value: int, *, wan: bool = False, yi: bool = False, cn: bool = False, sep: bool = False,
            approx: Approx | None = None) -> Written:
    """Write ``value`` in the requested form; the caller has checked that the form suits it.

    ``wan``/``yi``: in 万/亿 with at most two decimals (value must be a multiple of 100 / 10**6).
    ``approx`` applies to integers only (no decimals); 余/多 go inside the numeral.

    >>> written(50000, wan=True, approx="余").numeral
    '5万余'
    >>> written(24000000, wan=True, approx="余", sep=True).numeral
    '2,400余万'
    >>> written(2000, cn=True, approx="余").numeral
    '两千余'
    >>> str(written(300, approx="约").interval)
    '200..400]'
    """
    mult = 10**8 if yi else 10**4 if wan else 1
    whole, frac = divmod(value, mult)
    if frac:
        # a decimal in 万/亿: good to half its last digit
        decimals = 1
        while frac * 10**decimals % mult:
            decimals += 1
        if decimals > 2 or approx is not None:
            raise ValueError(f"written: {value} cannot be written with that precision")
        digits = f"{value / mult:.{decimals}f}"
        if cn:
            w, f = digits.split(".")
            digits = (cn_int(int(w)) if int(w) else "零") + "点" + "".join(_CN[int(c)] for c in f)
        half = Fraction(mult, 2 * 10**decimals)
        numeral = digits + ("亿" if yi else "万")
        return Written(numeral, value, Interval(value - half, value + half), False)
    head = cn_int(whole) if cn else _arabic(whole, sep)
    suffix = "亿" if yi else "万" if wan else ""
    if approx in ("余", "多"):
        numeral = head + suffix + approx if suffix and whole < 1000 else head + approx + suffix
    else:
        numeral = head + suffix
    u = sig_unit(whole) * mult
    v = Fraction(value)
    if approx in _UP:
        iv = Interval(v, v + u, True)
    elif approx in _BOTH:
        iv = Interval(v - u, v + u)
    elif approx == "近":
        iv = Interval(max(Fraction(0), v - u), v)
    else:
        iv = Interval(v, v)
    return Written(numeral, value, iv, approx is not None)
