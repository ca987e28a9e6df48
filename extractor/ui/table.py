"""Aligned text tables for a terminal, where a Chinese character takes two columns and a Latin
one one, and the totals of :mod:`extractor.totals` as an analyst reads them: one function for
``extractor query totals`` and the text audit's summary.

>>> print("\\n".join(aligned([["类别", "合计"], ["困难职工", "453名"], ["慰问金", "402,000元"]], right={1})))
类别           合计
困难职工      453名
慰问金    402,000元
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from decimal import Decimal

from ..about.taxonomy import TAXONOMY
from ..calc import Interval, format_number
from ..totals import GROUPS, Key, Role, Standard, Total
from .terminal import printable

__all__ = ["HEADERS", "RAISED_ZH", "STANDARD_ZH", "UNSTATED", "aligned", "amount", "group_label", "standard_range",
           "standards_lines", "totals_caption", "totals_lines", "unit_label", "width"]

#: each grouping column of :data:`~extractor.totals.GROUPS` as a table's header says it
HEADERS = {"category": "类别", "region": "地区", "subject": "对象", "org": "单位", "year": "年份"}
assert set(HEADERS) == set(GROUPS)
#: a group whose value the report does not state (a figure of no region, a report of no year)
UNSTATED = "（未指明）"
#: the roles listed apart from the totals, as the tables name them
STANDARD_ZH = {Role.RATE: "标准", Role.MIN: "下限", Role.MAX: "上限", Role.PLANNED: "计划"}


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide (Chinese, full-width) character,
    none for a combining mark, one for the others.

    >>> width("困难职工"), width("402,000元"), width("（未指明）")
    (8, 9, 10)
    """
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def aligned(rows: Sequence[Sequence[str]], right: Collection[int] = ()) -> list[str]:
    """The rows as lines of columns two spaces apart, each column as wide as its widest cell
    (:func:`width`), the columns in ``right`` aligned right, the others left."""
    widths = [max((width(r[k]) for r in rows if k < len(r)), default=0) for k in range(max(map(len, rows), default=0))]
    lines = []
    for r in rows:
        cells = [(" " * (w - width(c)) + c) if k in right else c + " " * (w - width(c))
                 for k, (c, w) in enumerate(zip(r, widths, strict=False))]
        lines.append("  ".join(cells).rstrip())
    return lines


def group_label(name: str, value: Key) -> str:
    """A group's value as a table shows it: a category by its Chinese name (未分类 when none), a
    value not stated as :data:`UNSTATED`, what comes from a report made :func:`printable`.

    >>> group_label("category", "needy_workers"), group_label("category", None), group_label("region", None)
    ('困难职工', '未分类', '（未指明）')
    """
    if name == "category":
        return "未分类" if value is None else TAXONOMY.name(str(value)) or printable(str(value))
    return UNSTATED if value is None else printable(str(value))


def amount(total: Decimal, unit: str, approx: bool = False) -> str:
    """A total with its unit, 约 before an approximate one, thousands apart from five digits on
    (as :func:`~extractor.calc.format_number` writes the audit's sums, a fraction too).

    >>> amount(Decimal(402000), "元"), amount(Decimal(453), "名"), amount(Decimal("1.5E+4"), "户", approx=True)
    ('402,000元', '453名', '约15,000户')
    >>> amount(Decimal("56219494.60"), "元"), amount(Decimal("1260.5"), "元")
    ('56,219,494.6元', '1260.5元')
    """
    number = format(total.normalize(), ",f") if abs(total) >= 10000 else format_number(total)
    return f"{'约' if approx else ''}{number}{unit}"


#: what marks a total of money raised or received (:attr:`~extractor.totals.Role.RAISED`)
RAISED_ZH = "筹集"


def unit_label(unit: str, raised: bool) -> str:
    """A total's unit as the tables write it: 元, or 元（筹集） for money raised or received.

    >>> unit_label("元", False), unit_label("元", True)
    ('元', '元（筹集）')
    """
    return f"{unit}（{RAISED_ZH}）" if raised else unit


def standard_range(low: Decimal, high: Decimal) -> str:
    """A rate's or bound's value, or the range of them, as the audit writes an interval: ``1000``,
    ``500～1000``."""
    return str(Interval(low, high))


def totals_caption(by: Sequence[str]) -> str:
    """What a totals table is grouped by, and that each group is counted once.

    >>> totals_caption(["category", "region"])
    '按类别、地区汇总（每组只计一次：分项、重复表述、标准、上下限与计划数不计入；筹集、收到的资金另列）'
    """
    return (f"按{'、'.join(HEADERS[k] for k in by)}汇总"
            "（每组只计一次：分项、重复表述、标准、上下限与计划数不计入；筹集、收到的资金另列）")


def totals_lines(totals: Sequence[Total], by: Sequence[str]) -> list[str]:
    """The totals as an aligned table: a column a group of ``by``, then the total with its unit
    (money in 元, counts by measure word), the figures added, the figures not added again because
    they state one of them again."""
    head = [*(HEADERS[k] for k in by), "合计", "项数", "重复未计"]
    rows = [[*(group_label(k, v) for k, v in zip(by, t.group, strict=True)),
             amount(t.total, unit_label(t.unit, t.raised), t.approx), str(t.facts), str(t.restated)] for t in totals]
    return aligned([head, *rows], right=range(len(by), len(by) + 3))


def standards_lines(standards: Sequence[Standard], by: Sequence[str]) -> list[str]:
    """The rates and bounds, listed apart, as an aligned table: their kind (标准, 下限, 上限), value
    or range with its unit, and how many."""
    head = [*(HEADERS[k] for k in by), "种类", "数值", "项数"]
    rows = [[*(group_label(k, v) for k, v in zip(by, s.group, strict=True)), STANDARD_ZH[s.role],
             standard_range(s.low, s.high) + s.unit, str(s.facts)] for s in standards]
    return aligned([head, *rows], right={len(by) + 1, len(by) + 2})
