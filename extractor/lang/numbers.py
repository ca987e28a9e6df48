"""Numerals: Arabic, full-width, spaced, Chinese, financial and mixed, to exact Decimals.

``parse_number`` reads one whole numeral string (no unit); ``read_number`` also says how
precisely it was written, which the sum checks need (``12.5万`` is good to ±500).

>>> parse_number("1,800")
Decimal('1800')
>>> parse_number("一百二十")
Decimal('120')
>>> parse_number("三万五")
Decimal('35000')
>>> parse_number("壹拾贰万伍仟")
Decimal('125000')
>>> parse_number("1.2万")
Decimal('12000.0')
>>> parse_number("二〇一九")
Decimal('2019')
>>> parse_number("万万") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

from .chars import fold

__all__ = ["Number", "parse_number", "read_folded", "read_number"]

DIGITS: Final[dict[str, int]] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
    "貳": 2, "參": 3, "陸": 6, "幺": 1,
}
SMALL_UNITS: Final[dict[str, int]] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: Final[dict[str, int]] = {"万": 10**4, "亿": 10**8}
#: Every character that may appear in a Chinese numeral run (after folding).
CHINESE_NUMERAL_CHARS: Final = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)

#: what read_folded remembers: this many numerals (the scanner's runs are at most 24 characters)
_NUMBERS_KEPT: Final = 4096
_ARABIC: Final = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS: Final = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_TAIL_THOUSANDS: Final = re.compile(r"(?<=[万亿零]\d),(?=\d{3}(?!\d))")
_TOKEN: Final = re.compile(
    r"""
      (?P<arabic> \d+(?:\.\d+)? )      # 12, 12.5 (inside mixed forms: 1.2万, 1万5千)
    | (?P<digit> [零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸幺] )
    | (?P<small> [十拾百佰千仟] )
    | (?P<big> [万亿] )
    | (?P<point> 点 )
    """,
    re.VERBOSE,
)


@dataclass(slots=True, init=False)
class Number:
    """A parsed numeral: its value, the place of its last significant digit (700 → 100, the
    reach of 700余), and whether it was written rounded (with a decimal: 12.5万 is good to ±500)
    rather than as an exact integer (5万, 1,260万, 七百)."""

    value: Decimal
    quantum: Decimal
    rounded: bool

    # (a dataclass's own __init__ stays interpreted: this one is compiled)
    def __init__(self, value: Decimal, quantum: Decimal, rounded: bool) -> None:
        self.value = value
        self.quantum = quantum
        self.rounded = rounded


def parse_number(text: str) -> Decimal | None:
    """The value of one whole numeral string, or None when it is not a number."""
    number = read_number(text)
    return None if number is None else number.value


def read_number(text: str) -> Number | None:
    """Parse a numeral string with its precision; None when it is not a well-formed number."""
    return read_folded(fold(text))


@lru_cache(maxsize=_NUMBERS_KEPT)
def read_folded(s: str) -> Number | None:
    """:func:`read_number` of a string already folded (the scanner's view); the numerals read
    most are remembered (a Number is immutable)."""
    s = s.replace(" ", "")
    if not s:
        return None
    t = _THOUSANDS.match(s)
    if t is not None:
        s = t.group().replace(",", "") + s[t.end() :]
    s = _TAIL_THOUSANDS.sub("", s)  # 558万8,500
    if _ARABIC.fullmatch(s):
        return _arabic(s)
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(s)]
    if "".join(t for _, t in tokens) != s:
        return None
    if "point" in (k for k, _ in tokens):
        return _with_point(tokens)
    kinds = {k for k, _ in tokens}
    if kinds == {"digit"}:
        if len(tokens) == 1:
            v = Decimal(DIGITS[tokens[0][1]])
            return Number(v, Decimal(1), False)
        # 二〇一九: digit by digit, the way years and codes are written
        v = Decimal("".join(str(DIGITS[t]) for _, t in tokens))
        return Number(v, Decimal(1), False)
    return _positional(tokens)


def _arabic(s: str) -> Number:
    v = Decimal(s)
    if "." in s:
        return Number(v, Decimal(1).scaleb(-len(s.split(".")[1])), True)
    return Number(v, _integer_quantum(v), False)


def _integer_quantum(v: Decimal) -> Decimal:
    """The place of the last nonzero digit of an integer: 700 → 100, 150 → 10, 0 → 1."""
    n = int(v)
    q = 1
    while n and n % (q * 10) == 0:
        q *= 10
    return Decimal(q)


def _positional(tokens: list[tuple[str, str]]) -> Number | None:
    """Numerals with 十百千万亿 units: 一百零五, 三万五千, 1.2万, 1万5千, colloquial 三万五."""
    total = Decimal(0)  # completed 亿 and 万 groups
    section = Decimal(0)  # the part below 万 being built
    pending: Decimal | None = None  # a digit or Arabic literal not yet multiplied
    last_small = 10**5  # small units must fall within a section: 千 then 百 then 十
    last_big = 10**9
    prev_kind = ""
    before_pending = ""
    prev_unit = 1
    after_zero = False
    rounded = False
    saw_literal = False
    for kind, tok in tokens:
        if kind in ("digit", "arabic"):
            if kind == "digit" and DIGITS[tok] == 0:
                if pending is not None:
                    return None
                after_zero = True
                prev_kind = "zero"
                continue
            if pending is not None:
                return None
            before_pending = prev_kind
            if kind == "arabic":
                rounded = rounded or "." in tok
                pending = Decimal(tok)
            else:
                pending = Decimal(DIGITS[tok])
            saw_literal = True
        elif kind == "small":
            unit = SMALL_UNITS[tok]
            if unit >= last_small:
                return None
            if pending is None:
                if unit != 10 or prev_kind not in ("", "zero", "big"):
                    return None  # a bare 百/千 with no digit, or 十十
                pending = Decimal(1)
            section += pending * unit
            pending = None
            last_small = unit
            prev_unit = unit
        else:  # big
            unit = BIG_UNITS[tok]
            group = section + (pending if pending is not None else 0)
            if group == 0 and total == 0:
                return None  # 万 with nothing before it
            if unit == 10**8:
                total = (total + group) * unit
            else:
                if unit >= last_big:
                    return None
                total += group * unit
            last_big = unit
            section, pending = Decimal(0), None
            last_small = 10**5
            prev_unit = unit
        if kind != "digit" or DIGITS.get(tok, 1) != 0:
            prev_kind = kind
    if not saw_literal and total == 0 and section == 0:
        return None
    if pending is not None:
        if before_pending in ("small", "big") and not after_zero and prev_unit >= 100 and pending < 10:
            # colloquial trailing digit: 三万五 = 35000, 两千三 = 2300, 一百二 = 120
            pending *= Decimal(prev_unit) / 10
        elif before_pending == "big" and pending >= prev_unit:
            return None  # 8万20000: a tail as large as its unit
        section += pending
    value = total + section
    if value == 0:
        return Number(value, Decimal(1), rounded)
    return Number(value, _value_quantum(value), rounded)


def _value_quantum(v: Decimal) -> Decimal:
    if v == v.to_integral_value():
        return _integer_quantum(v)
    exp = v.normalize().as_tuple().exponent
    return Decimal(1).scaleb(int(exp))


def _with_point(tokens: list[tuple[str, str]]) -> Number | None:
    """十二点五, 三点五万: integer part, 点, digit-by-digit fraction, optional 万/亿."""
    idx = [i for i, (k, _) in enumerate(tokens) if k == "point"]
    if len(idx) != 1 or idx[0] == 0:
        return None
    head, tail = tokens[: idx[0]], tokens[idx[0] + 1 :]
    mult = 1
    while tail and tail[-1][0] == "big":
        mult *= BIG_UNITS[tail.pop()[1]]
    if not tail or any(k != "digit" for k, _ in tail):
        return None
    whole = read_folded("".join(t for _, t in head))
    if whole is None or whole.value != whole.value.to_integral_value():
        return None
    try:
        frac = Decimal("0." + "".join(str(DIGITS[t]) for _, t in tail))
    except InvalidOperation:
        return None
    value = (whole.value + frac) * mult
    quantum = Decimal(1).scaleb(-len(tail)) * mult
    return Number(value, quantum, True)
