"""Tables are data: the figures of a table's cells get the row's header as their region (and the
column's header as their subject when it names a category and their cell does not), and its
合计/小计/总计 rows and columns become breakdowns, so the sum checks read tables as they read text.

A table comes from a reader (``Document.tables``, cells with spans into the text; a report's
tables have spans into the report's text), or from :func:`text_tables` for tables written as
plain text (lines of whitespace-separated cells under a header line). The breakdowns of plain-text
tables are still found by ``breakdowns`` from the text (its ``_text_tables``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from .chars import fold
from .model import Breakdown, Cell, Count, Fact, Money, Table
from .taxonomy import TAXONOMY

__all__ = ["table_breakdowns", "text_tables", "with_regions"]

_TOTAL = re.compile(r"^\s*(?:合\s*计|总\s*计|共\s*计|小\s*计|总\s*数)")
_SUBTOTAL = re.compile(r"^\s*小\s*计")
_SERIAL = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+|序号)\s*[.、]?\s*$")

Figure = Money | Count


def _figures_in(cell: Cell | None, facts: Sequence[Fact]) -> list[tuple[int, Figure]]:
    if cell is None:
        return []
    s, e = cell.span
    return [(i, f) for i, f in enumerate(facts)
            if isinstance(f, Money | Count) and s <= f.span[0] and f.span[1] <= e]


def _row_header(table: Table, row: int, facts: Sequence[Fact]) -> Cell | None:
    """The first cell of a row that names something: not a figure, not a serial number."""
    for col in range(table.cols):
        c = table.cell(row, col)
        if c is None or c.row != row or not c.text.strip() or _SERIAL.match(c.text):
            continue
        return None if _figures_in(c, facts) else c
    return None


def _header_rows(table: Table, facts: Sequence[Fact]) -> int:
    """How many rows at the top hold no figure (the column headers)."""
    n = 0
    for row in range(table.rows):
        if any(_figures_in(table.cell(row, col), facts) for col in range(table.cols)):
            break
        n += 1
    return n


_CELL = re.compile(r"[^ \t\u3000]+")
_LINE = re.compile(r"[^\n]+")


def text_tables(text: str, view: str, facts: Sequence[Fact], known: Sequence[Table] = ()) -> list[Table]:
    r"""Tables written as plain text: a header line of whitespace-separated cells holding no
    figure, then at least two lines of as many cells holding figures; a closing 合计 line may
    leave its leading cells out (its cells are aligned on the right). Lines inside a table a
    reader found are left to it.

    >>> from extractor.facts import extract_facts
    >>> text = "街道 户数 款物\n东关街道 180户 12.6万元\n西关街道 150户 10.5万元\n合计 330户 23.1万元"
    >>> [t.rows for t in text_tables(text, text, extract_facts(text))]
    [4]
    """
    spans = sorted(f.span for f in facts if isinstance(f, Money | Count))
    starts = [a for a, _ in spans]
    lines = [(m.start(), m.end(), [c.span() for c in _CELL.finditer(view, m.start(), m.end())])
             for m in _LINE.finditer(view) if not any(t.span[0] <= m.start() < t.span[1] for t in known)]

    def figured(start: int, end: int) -> bool:  # a figure inside [start, end): the first from start
        k = bisect.bisect_left(starts, start)
        return k < len(spans) and spans[k][1] <= end

    out: list[Table] = []
    i = 0
    while i < len(lines):
        start, end, head = lines[i]
        rows = [head]
        j = i + 1
        if len(head) >= 2 and not figured(start, end):
            while j < len(lines) and figured(lines[j][0], lines[j][1]) and (
                    len(lines[j][2]) == len(head) or (2 <= len(lines[j][2]) < len(head)
                                                      and _TOTAL.match(view[lines[j][0]:lines[j][1]]))):
                rows.append(lines[j][2])
                j += 1
        if len(rows) >= 3:
            cells = tuple(Cell(r, len(head) - len(row) + c, text[a:b], (a, b))
                          for r, row in enumerate(rows) for c, (a, b) in enumerate(row))
            out.append(Table((start, lines[j - 1][1]), len(rows), len(head), cells))
            i = j
        else:
            i += 1
    return out


def with_regions(facts: tuple[Fact, ...], tables: Sequence[Table]) -> tuple[Fact, ...]:
    """Facts with a table cell's row header as their ``region`` (哈密市 | 125户 | 7万元 gives both
    figures 哈密市), and the column header as their subject when their own cell names none (户数,
    款物)."""
    if not tables:
        return facts
    out = list(facts)
    for t in tables:
        heads = _header_rows(t, facts)
        for cell in t.cells:
            if cell.row < heads:
                continue
            figs = _figures_in(cell, facts)
            if not figs:
                continue
            row_head = _row_header(t, cell.row, facts)
            col_head = t.cell(heads - 1, cell.col) if heads else None
            for i, f in figs:
                named = row_head is not None and row_head is not cell and not _TOTAL.match(fold(row_head.text))
                region = row_head.text if named and row_head is not None else None
                own = f.subject_span is not None and cell.span[0] <= f.subject_span[0] \
                    and f.subject_span[1] <= cell.span[1]
                if not own and col_head is not None and _names_category(col_head.text, f):
                    out[i] = replace(f, region=region, subject=col_head.text, subject_span=col_head.span)
                else:
                    out[i] = replace(f, region=region)
    return tuple(out)


def _names_category(header: str, f: Figure) -> bool:
    """Whether a column's header says what its figures count or pay (困难职工, 款物), rather than
    only how they are measured (户数, 金额)."""
    return TAXONOMY.match(header, "group" if isinstance(f, Count) else "fund") is not None


def table_breakdowns(tables: Sequence[Table], facts: Sequence[Fact]) -> Iterator[Breakdown]:
    """Breakdowns of 合计/小计 rows (each column's total over the rows above it) and of 合计
    columns (each row's total over the figures beside it)."""
    for t in tables:
        yield from _total_rows(t, facts)
        yield from _total_columns(t, facts)


def _one(cell: Cell | None, facts: Sequence[Fact]) -> tuple[int, Figure] | None:
    figs = _figures_in(cell, facts)
    return figs[0] if len(figs) == 1 else None


def _make(total: tuple[int, Figure], parts: list[tuple[int, Figure]]) -> Breakdown:
    i, f = total
    return Breakdown(kind=f.kind, total=f.value, parts=tuple(p.value for _, p in parts),
                     unit="元" if isinstance(f, Money) else f.unit, span=f.span, total_index=i,
                     part_indexes=tuple(j for j, _ in parts), part_spans=tuple(p.span for _, p in parts))


def _label(t: Table, row: int) -> str:
    """The first two cells of a row, folded (合計 reads as 合计)."""
    return fold(" ".join(c.text for c in t.cells if c.row == row and c.col <= 1))


def _total_rows(t: Table, facts: Sequence[Fact]) -> Iterator[Breakdown]:
    heads = _header_rows(t, facts)
    start = heads
    subtotals: list[int] = []
    for row in range(heads, t.rows):
        label = _label(t, row)
        if not _TOTAL.match(label):
            continue
        # a 合计 after 小计 rows totals the 小计 rows; a 小计 totals the rows since the last one
        above = subtotals if subtotals and not _SUBTOTAL.match(label) else list(range(start, row))
        for col in range(t.cols):
            total = _one(t.cell(row, col), facts)
            if total is None or total[1].value is None:
                continue
            parts = [p for r in above if (p := _one(t.cell(r, col), facts)) is not None]
            parts = [p for p in parts if p[1].kind == total[1].kind and p[1].value is not None]
            if len(parts) >= 2:
                yield _make(total, parts)
        if _SUBTOTAL.match(label):
            subtotals.append(row)
            start = row + 1


def _total_columns(t: Table, facts: Sequence[Fact]) -> Iterator[Breakdown]:
    heads = _header_rows(t, facts)
    if not heads:
        return
    for col in range(t.cols):
        head = t.cell(heads - 1, col)
        if head is None or head.col != col or not _TOTAL.match(fold(head.text)):
            continue
        for row in range(heads, t.rows):
            total = _one(t.cell(row, col), facts)
            if total is None or total[1].value is None:
                continue
            parts = [p for c in range(t.cols) if c != col and (p := _one(t.cell(row, c), facts)) is not None
                     and p[1].kind == total[1].kind and p[1].value is not None]
            if len(parts) >= 2:
                yield _make(total, parts)
