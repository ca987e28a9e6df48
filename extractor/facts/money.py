"""Money: amounts with 元/万元/亿元 in any numeral form, in yuan.

>>> [(m.text, str(m.value), m.qualifier) for m in find_money("每户不低于1000元")]
[('1000元', '1000', <Qualifier.MIN: 'min'>)]
>>> parse_money("12.5万元")
Decimal('125000.0')
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Money
from .figures import Figure, scan_figures

__all__ = ["find_money", "money_from_figure", "parse_money"]


def money_from_figure(f: Figure) -> Money:
    return Money(
        text=f.surface,
        span=(f.start, f.end),
        value=f.value,
        approx=f.approx_word is not None,
        qualifier=f.qualifier,
        placeholder=f.placeholder,
        approx_word=f.approx_word,
        quantum=f.quantum,
        rounded=f.rounded,
    )


def find_money(text: str) -> list[Money]:
    """Every amount of money in ``text``, in order. Never raises."""
    return [money_from_figure(f) for f in scan_figures(text) if f.kind == "money"]


def parse_money(text: str) -> Decimal | None:
    """The value in yuan of a string that is one amount (``5万余元``), else None."""
    found = find_money(text)
    if len(found) == 1 and found[0].span == (0, len(text.rstrip())):
        return found[0].value
    return None
