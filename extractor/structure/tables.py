"""Tables: one grammar for every table a report holds, from a reader or flattened into its text.

A table comes from a reader (``Document.tables``: .docx, .pdf, .html cells with spans) or is
found in the text by :func:`find_text_tables`, in the forms web pages and archives flatten it to:

* one row a line, cells apart by tabs, `` | ``, runs of spaces or single spaces
  (``东关街道  180  12.6``);
* one cell a line, each ending in `` |`` (an empty cell a lone ``|``), rows not marked at all;
* a whole table on one line.

Each table is then laid out (:func:`lay_out`): its header rows, each column's role (serial number,
row label, value, unit, note) and what its values are (``金额（万元）`` → money in units of 10,000
yuan, ``户数`` → households, a ``单位：万元`` line above the table, a ``单位`` column), 合计/小计 rows
and columns, net-change (``增减``) and previous-period (``上期``) columns. From the layout:

* bare numbers in value cells become facts (:func:`cell_facts`: ``763702`` under ``支出(元)`` is
  763702 元, its span the number in the cell);
* the row label becomes the region of the row's figures, a column header that names a category
  their subject (:func:`label_facts`);
* 合计/小计 rows and 合计 columns become breakdowns, one per column (:func:`table_breakdowns`):
  empty cells are skipped, zeros are parts, net-change columns sum on their own.

>>> from extractor.facts import extract_facts
>>> text = "街道\\t户数\\t金额（万元）\\n东关\\t180\\t12.6\\n西关\\t150\\t10.5\\n合计\\t330\\t23.1\\n"
>>> grid = read_tables(text, text, extract_facts(text))
>>> [(f.text, str(f.value), f.region) for f in grid.facts][:2]
[('180', '180', '东关'), ('12.6', '126000.0', '东关')]
>>> [(b.total, b.parts, b.shape) for b in grid.breakdowns(grid.facts)]  # doctest: +NORMALIZE_WHITESPACE
[(Decimal('330'), (Decimal('180'), Decimal('150')), 'table_column'),
 (Decimal('231000.0'), (Decimal('126000.0'), Decimal('105000.0')), 'table_column')]
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final, Literal

from ..about.taxonomy import TAXONOMY
from ..changed import changed
from ..lang.chars import fold, fold_word
from ..lang.lexicon import LEXICON
from ..lang.numbers import read_folded
from ..model import Breakdown, Cell, Count, Fact, Money, Span, Table

__all__ = ["Column", "Layout", "Tables", "cell_facts", "find_text_tables", "label_facts", "lay_out",
           "read_tables", "table_breakdowns"]

Figure = Money | Count
Role = Literal["serial", "label", "value", "unit", "note"]

# --- cells -------------------------------------------------------------------------------------

# a cell that is one bare number: 763702, -10, 1,234.5, 12.6 (the view: full-width folded)
_BARE: Final = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})++|\d++)(?:\.\d++)?")
# a cell that stands for nothing: —, -, /, 无
_NOTHING: Final = frozenset({"", "-", "--", "/", "\\", "无", "…", "——"})
_SPACES: Final = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009]+")  # every blank fold makes a space


def _squeeze(s: str) -> str:
    """A header or label with its blanks dropped (合 计 reads as 合计, 本月 人数 as 本月人数)."""
    return _SPACES.sub("", s)


def _bare(view: str, span: Span) -> tuple[int, int] | None:
    """The span of the one bare number a cell holds (blanks around it allowed), else None."""
    s, e = span
    while s < e and view[s] in " \u3000|":
        s += 1
    while e > s and view[e - 1] in " \u3000|":
        e -= 1
    m = _BARE.fullmatch(view, s, e)
    return (s, e) if m is not None and e - s <= 24 else None


def _empty(view: str, span: Span) -> bool:
    return view[span[0]:span[1]].strip(" \u3000|") in _NOTHING


# --- finding tables in text ----------------------------------------------------------------------



def _lines(text: str) -> list[Span]:
    """Every line of ``text`` (blank ones too), as spans without the line break."""
    out, start = [], 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            out.append((start, len(text)))
            return out
        out.append((start, end))
        start = end + 1
_TWO_SPACES: Final = re.compile(r"\S(?: {2,}|\u3000+)\S")
_SENTENCE_PUNCT: Final = re.compile(r"[。，；！？,;!?]")
#: a cell of a table written with single spaces is short; prose runs on
_SHORT_CELL: Final = 14


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    cells: tuple[Span, ...]
    form: str  # tab, pipe, spaces, space
    #: a row written with single spaces whose last cell runs on as prose does (含低保户10户，五保户3户):
    #: a row only where the header's last column is a note (备注)
    loose: bool = False


def _split(text: str, view: str, s: int, e: int) -> _Line | None:
    """A line's cells (spans with their blanks stripped; an empty cell is a zero-width span), and
    the separator that made them; None for a line that is no row."""
    line = text[s:e]
    if " " not in line and "\t" not in line and "|" not in line and "\u3000" not in line:
        return None  # one run of text: prose, or a cell alone on its line
    if "\t" in line:
        form, pieces = "tab", _pieces(line, s, "\t")
    elif "|" in line:
        form, pieces = "pipe", _pieces(line, s, "|")
        if pieces and not line[: pieces[0][1] - s].strip():
            pieces = pieces[1:] if pieces[0][0] == pieces[0][1] else pieces
        if pieces and pieces[-1][0] == pieces[-1][1] and line.rstrip().endswith("|"):
            pieces = pieces[:-1]  # the border after the last cell
    elif _TWO_SPACES.search(view, s, e):
        form, pieces = "spaces", [m.span() for m in re.finditer(r"\S+(?: \S+)*", view[s:e])]
        pieces = [(a + s, b + s) for a, b in pieces]
    else:
        form, pieces = "space", [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", view[s:e])]
        if _SENTENCE_PUNCT.search(view, s, e) or any(b - a > _SHORT_CELL for a, b in pieces):
            if len(pieces) < 3 or _SENTENCE_PUNCT.search(view, s, pieces[-1][0]) \
                    or any(b - a > _SHORT_CELL for a, b in pieces[:-1]):
                return None
            return _Line(s, e, tuple(pieces), form, loose=True)
    if len(pieces) < 2:
        return None
    return _Line(s, e, tuple(_strip(view, p) for p in pieces), form)


def _pieces(line: str, offset: int, sep: str) -> list[Span]:
    out, start = [], 0
    for k, c in enumerate(line):
        if c == sep:
            out.append((offset + start, offset + k))
            start = k + 1
    out.append((offset + start, offset + len(line)))
    return out


def _strip(view: str, span: Span) -> Span:
    s, e = span
    while s < e and view[s] in " \u3000":
        s += 1
    while e > s and view[e - 1] in " \u3000":
        e -= 1
    return (s, e) if s < e else (span[0], span[0])


class _Figures:
    """Where the scanner's figures are, to ask whether a span holds one."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.spans = sorted(f.span for f in facts if isinstance(f, (Money, Count)))
        self.starts = [a for a, _ in self.spans]

    def within(self, span: Span) -> bool:
        k = bisect.bisect_left(self.starts, span[0])
        return k < len(self.spans) and self.spans[k][1] <= span[1]


def _numeric(view: str, figs: _Figures, span: Span) -> bool:
    return _bare(view, span) is not None or figs.within(span)


def find_text_tables(text: str, view: str, facts: Sequence[Fact], known: Sequence[Table] = ()) -> list[Table]:
    r"""Tables written in the text itself (not those a reader found: ``known``).

    >>> from extractor.facts import extract_facts
    >>> text = "街道 户数 款物\n东关街道 180户 12.6万元\n西关街道 150户 10.5万元\n合计 330户 23.1万元"
    >>> [(t.rows, t.cols) for t in find_text_tables(text, text, extract_facts(text))]
    [(4, 3)]
    >>> text = "序号 |\n街道 |\n户数 |\n1 |\n东关 |\n180 |\n2 |\n西关 |\n150 |\n合计 |\n330 |\n"
    >>> [(t.rows, t.cols) for t in find_text_tables(text, text, [])]
    [(4, 3)]
    """
    figs = _Figures(facts)
    taken = _Taken([t.span for t in known])
    lines = _lines(text)
    out: list[Table] = []
    for t in _cell_line_tables(text, view, figs, lines):
        if taken.free(t.span):
            out.append(t)
            taken.add(t.span)
    split = [None if not taken.free((s, e)) else _split(text, view, s, e) for s, e in lines]
    for t in _row_line_tables(text, view, figs, split):
        if taken.free(t.span):
            out.append(t)
            taken.add(t.span)
    for line in split:
        if line is not None and not line.loose and len(line.cells) >= 8 and taken.free((line.start, line.end)):
            one = _stream_table(text, view, figs, line.cells)
            if one is not None:
                out.append(one)
                taken.add(one.span)
    out.sort(key=lambda t: t.span)
    return out


class _Taken:
    """Spans already claimed by a table (they never overlap one another), asked by bisection."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(spans)

    def free(self, span: Span) -> bool:
        k = bisect.bisect_left(self.spans, span)
        return not any(a < span[1] and span[0] < b for a, b in self.spans[max(0, k - 1):k + 1])

    def add(self, span: Span) -> None:
        bisect.insort(self.spans, span)


def _row_line_tables(text: str, view: str, figs: _Figures, lines: Sequence[_Line | None]) -> Iterator[Table]:
    """One row a line: at least two lines of as many cells holding figures, under a header line
    of as many cells holding none, or closed by a 合计 line when there is no header; a closing
    合计 line may leave leading cells out (its cells are aligned on the right). Under a header
    whose last column is a note (备注, 说明), a row may leave its note out (its cells are aligned
    on the left) or write it as prose (含低保户10户，五保户3户)."""
    i = 0
    while i < len(lines):
        first = lines[i]
        if first is None or first.loose:  # no row, or one that may only stand under a header
            i += 1
            continue
        headed = not any(_numeric(view, figs, c) for c in first.cells)
        n = len(first.cells)
        # a last column of notes (备注) may be left empty, and may run on as prose does
        noted = headed and n >= 3 and _NOTE_HEAD.search(view, *first.cells[-1]) is not None
        rows = [first]
        j = i + 1
        while j < len(lines):
            row = lines[j]
            if row is None or not any(_numeric(view, figs, c) for c in row.cells[:n - 1 if noted else n]):
                break
            if row.loose and not (noted and len(row.cells) == n):
                break
            if len(row.cells) != n and not (noted and len(row.cells) == n - 1) \
                    and not (2 <= len(row.cells) < n and _total_label(view, row.cells[0])):
                break
            rows.append(row)
            j += 1
        body = rows[1:] if headed else rows
        if len(body) >= 2 and (headed or any(_total_label(view, r.cells[0]) for r in body[1:])):
            numeric = _numeric_columns(view, figs, [r for r in body if len(r.cells) == n], n)
            cells = tuple(Cell(r, col, text[a:b], (a, b)) for r, row in enumerate(rows)
                          for col, (a, b) in zip(_placed(view, figs, row, n, noted, numeric), row.cells, strict=True))
            yield Table((first.start, rows[-1].end), len(rows), n, cells, header_rows=1 if headed else 0)
            i = j
        else:
            i = i + 1 if headed else max(j, i + 1)  # a run with no header and no total: none of it is one


def _numeric_columns(view: str, figs: _Figures, rows: Sequence[_Line], n: int) -> list[int]:
    """The columns of ``n`` where most of the full ``rows`` hold a figure."""
    return [c for c in range(n) if rows and sum(_numeric(view, figs, r.cells[c]) for r in rows) * 2 > len(rows)]


def _placed(view: str, figs: _Figures, row: _Line, n: int, noted: bool, numeric: list[int]) -> list[int]:
    """The column of each of a row's cells. A row short of one cell under a note column lacks its
    note; a 合计 row short of cells lacks its leading ones (its figures stand under the columns
    they total), unless that puts a figure under a column of words: then its label opens the row
    and its figures stand under the last columns of figures (序号 姓名 所在村 金额 事由 … 合计 6500)."""
    k = len(row.cells)
    if k == n or (noted and k == n - 1):
        return list(range(k))
    right = list(range(n - k, n))
    nums = [i for i, c in enumerate(row.cells) if _numeric(view, figs, c)]
    if not nums or all(right[i] in numeric for i in nums) or len(nums) > len(numeric) \
            or nums != list(range(k - len(nums), k)):
        return right
    cols = [*range(k - len(nums)), *numeric[len(numeric) - len(nums):]]
    return cols if all(a < b for a, b in itertools.pairwise(cols)) else right


def _total_label(view: str, span: Span) -> bool:
    label = _squeeze(view[span[0]:span[1]])
    return label.startswith(LEXICON.row_totals)


def _cell_line_tables(text: str, view: str, figs: _Figures, lines: Sequence[Span]) -> Iterator[Table]:
    """One cell a line, each line ending in ``|`` (a lone ``|`` an empty cell): the cells of a run
    of such lines, read as a stream whose rows the header and the row labels give."""
    run: list[Span] = []
    for s, e in [*lines, (len(text), len(text))]:
        line = view[s:e].rstrip()
        if e > s and line.endswith("|"):
            run.extend(_strip(view, p) for p in _pieces(text[s:e], s, "|")[:-1])
            continue
        if len(run) >= 6:
            t = _stream_table(text, view, figs, run)
            if t is not None:
                yield t
        run = []


def _stream_table(text: str, view: str, figs: _Figures, cells: Sequence[Span]) -> Table | None:
    """A table from a stream of cells with no row marks: the header is the cells before the first
    row's label; each row is an optional serial number, a label and the values after it, aligned
    under the header's columns after the label column (a row short of values leaves its last
    columns empty; empty cells past the last column are a border)."""
    first = next((k for k, c in enumerate(cells) if _numeric(view, figs, c)), None)
    if first is None or first < 2:
        return None
    prefix = [c for c in cells[:first] if c[0] < c[1]]
    if not prefix:
        return None  # nothing but empty cells before the first figure: no header, no label
    if _serial_value(view, cells[first]) == 1 and first + 1 < len(cells) and _label_cell(view, figs, cells[first + 1]):
        head, body = prefix, list(cells[first:])  # 序号 … | 1 | 东关 | …
    else:
        head, body = prefix[:-1], list(cells[cells.index(prefix[-1]):])  # the last word is the first label
    if len(head) < 2:
        return None
    serial_col = 0 if _SERIAL.fullmatch(_squeeze(view[head[0][0]:head[0][1]])) else None
    label_col = 1 if serial_col == 0 else 0
    width = len(head) - label_col - 1  # value columns
    if width < 1:
        return None
    rows: list[tuple[list[tuple[int, Span]], list[Span]]] = []  # (serial and label cells, values)
    k = 0
    while k < len(body):
        c = body[k]
        nxt = body[k + 1] if k + 1 < len(body) else None
        full = not rows or len(rows[-1][1]) >= width
        if serial_col is not None and full and nxt is not None and _serial_value(view, c) is not None \
                and _label_cell(view, figs, nxt):
            rows.append(([(serial_col, c), (label_col, nxt)], []))  # 2 | 解放碑: a number opens the row
            k += 2
        elif _label_cell(view, figs, c):
            rows.append(([(label_col, c)], []))
            k += 1
        elif not rows:
            return None
        else:
            rows[-1][1].append(c)
            k += 1
    table_rows: list[list[tuple[int, Span]]] = []
    ragged = False
    for fixed, values in rows:
        while len(values) > width and values[-1][0] == values[-1][1]:
            values.pop()  # trailing empty cells: a border, not a column
        if len(values) > width:
            return None  # more values than columns: not this grammar
        # a row short of values left out empty cells: the trailing ones, or some in the middle
        ragged = ragged or 0 < len(values) < width
        table_rows.append(fixed + [(label_col + 1 + j, c) for j, c in enumerate(values)])
    data = [r for r in table_rows if any(_numeric(view, figs, c) for _, c in r)]
    if len(data) < 2:
        return None
    out = [Cell(0, j, text[a:b], (a, b)) for j, (a, b) in enumerate(head)]
    for r, row in enumerate(table_rows, 1):
        out.extend(Cell(r, col, text[a:b], (a, b)) for col, (a, b) in row)
    span = (head[0][0], max(c.span[1] for c in out))
    return Table(span, len(table_rows) + 1, len(head), tuple(out), header_rows=1, ragged=ragged)


_SERIAL: Final = re.compile(r"序号|编号|序|No\.?|NO\.?|排序|排名")


def _serial_value(view: str, span: Span) -> int | None:
    s = view[span[0]:span[1]].strip(" .、")
    return int(s) if s.isdigit() and len(s) <= 3 else None


def _label_cell(view: str, figs: _Figures, span: Span) -> bool:
    """A cell that names a row: words, not a number, not a dash."""
    return not _empty(view, span) and not _numeric(view, figs, span) and _serial_value(view, span) is None


# --- layout ------------------------------------------------------------------------------------

class _Grid:
    """A table's cells by position (a merged cell at every place it covers) and by row: what
    ``Table.cell`` finds by a scan, found at once (a table of thousands of rows stays linear)."""

    def __init__(self, table: Table) -> None:
        self.at: dict[tuple[int, int], Cell] = {}
        self.rows: dict[int, list[Cell]] = {}
        for c in table.cells:
            self.rows.setdefault(c.row, []).append(c)
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    self.at.setdefault((r, k), c)

    def cell(self, row: int, col: int) -> Cell | None:
        return self.at.get((row, col))

    def row(self, row: int) -> list[Cell]:
        return self.rows.get(row, [])


class _Facts:
    """A report's money and counts by position: the ones inside a span, found by bisection."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.items = sorted(((i, f) for i, f in enumerate(facts) if isinstance(f, (Money, Count))),
                            key=lambda x: x[1].span)
        self.starts = [f.span[0] for _, f in self.items]

    def inside(self, cell: Cell | None) -> list[tuple[int, Figure]]:
        if cell is None:
            return []
        s, e = cell.span
        out = []
        for k in range(bisect.bisect_left(self.starts, s), len(self.items)):
            i, f = self.items[k]
            if f.span[0] >= e:
                break
            if f.span[1] <= e:
                out.append((i, f))
        return out


@dataclass(slots=True)
class Column:
    """What a column holds, read from its header (and the table's unit line)."""

    index: int
    header: str
    role: Role = "value"
    kind: Literal["money", "count"] | None = None
    #: a count's measure word (户), or money's written unit (万元)
    unit: str | None = None
    #: yuan per written unit of money (万元 → 10000); None when unknown
    scale: Decimal | None = None
    #: a 合计 column: each row's total over the columns it sums
    total: bool = False
    #: net change (增减) or previous period (上期): summed in its own column only
    change: bool = False
    percent: bool = False
    #: a per-unit rate (标准（元/人）): a fact, never summed
    rate: bool = False
    header_span: Span | None = None


@dataclass(slots=True)
class Layout:
    """A table with its header rows, columns and 合计/小计 rows."""

    table: Table
    header_rows: int
    columns: tuple[Column, ...]
    label_col: int | None
    total_rows: tuple[int, ...]
    subtotal_rows: tuple[int, ...]
    grid: _Grid

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell covering ``(row, col)``."""
        return self.grid.cell(row, col)

    def label(self, row: int) -> Cell | None:
        """The cell that names a row (its label column's cell), if any."""
        if self.label_col is None:
            return None
        c = self.grid.cell(row, self.label_col)
        return c if c is not None and c.row == row and c.text.strip() else None


_NOTE_HEAD: Final = re.compile(r"备注|说明|附注")
_CHANGE_HEAD: Final = re.compile(r"增减|增加|减少|变化|变动|上期|上月|上年|去年|同期|同比|环比|比上|较上")
_PERCENT_HEAD: Final = re.compile(r"%|％|比例|占比|比重|百分比|[率]")
_UNIT_HEAD: Final = re.compile(r"(?:计量)?单位")
# the unit a header gives its money: 金额（万元）, 支出(元), 单位：万元, 金额万元
_MONEY_UNIT: Final = re.compile(r"(百万元|亿元|万元|千元|元)")
_MONEY_SCALE: Final = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10**4), "百万元": Decimal(10**6),
                       "亿元": Decimal(10**8)}
# words that make a header's values money, when the unit is not given
_MONEY_HEAD: Final = re.compile(r"金额|资金|款|金|支出|补助|补贴|费|投入|预算|拨付|发放额|收入|折款|价值")
_RATE_HEAD: Final = re.compile(r"/人|/户|每人|每户|标准|人均|户均")
# a table-wide unit: 单位：万元 (on a line above the table or in its header)
_TABLE_UNIT: Final = re.compile(r"单位\s*[:：]\s*(百万元|亿元|万元|千元|元)")


def _count_unit(header: str) -> Span | None:
    """Where in a (folded, squeezed) header the measure word of its counts stands: 户数 → 户,
    人数 → 人, 慰问人次 → 人次, 棉被（床） → 床."""
    m = re.search(r"[(（]([^()（）]{1,3})[)）]", header)
    if m is not None and (m.group(1) in LEXICON.count_units):
        return m.span(1)
    for unit in LEXICON.count_units:  # longest first: 人次 before 人
        for tail in (unit + "数", unit + "数量", *((unit,) if len(unit) > 1 else ())):
            if header.endswith(tail):
                start = len(header) - len(tail)
                return start, start + len(unit)
    return None


def _column(index: int, header: str, table_unit: str | None, span: Span | None) -> Column:
    h = _squeeze(fold(header))
    if _SERIAL.fullmatch(h):
        return Column(index, header, "serial", header_span=span)
    if _NOTE_HEAD.search(h):
        return Column(index, header, "note", header_span=span)
    total = any(w in h for w in LEXICON.row_totals)
    change = _CHANGE_HEAD.search(h) is not None
    percent = _PERCENT_HEAD.search(h) is not None and _MONEY_UNIT.search(h) is None
    m = _MONEY_UNIT.search(h)
    if m is not None and not _count_unit(h):
        return Column(index, header, kind="money", unit=m.group(1), scale=_MONEY_SCALE[m.group(1)], total=total,
                      change=change, percent=percent, rate=_RATE_HEAD.search(h) is not None, header_span=span)
    at = _count_unit(h)
    if at is not None:  # the measure word as the header writes it (戶數 gives 戶): fold is 1:1
        unit = _squeeze(header)[at[0]:at[1]]
        return Column(index, header, kind="count", unit=unit, total=total, change=change, percent=percent,
                      header_span=span)
    if _MONEY_HEAD.search(h) or (table_unit is not None and table_unit in _MONEY_SCALE):
        scale = _MONEY_SCALE.get(table_unit or "")
        return Column(index, header, kind="money", unit=table_unit if scale else None, scale=scale, total=total,
                      change=change, percent=percent, header_span=span)
    if table_unit is not None:  # 单位：户
        return Column(index, header, kind="count", unit=table_unit, total=total, change=change, percent=percent,
                      header_span=span)
    return Column(index, header, total=total, change=change, percent=percent, header_span=span)


def _header_rows(table: Table, grid: _Grid, view: str, figs: _Figures) -> int:
    if table.header_rows is not None:
        return table.header_rows
    n = 0
    for row in range(min(table.rows, 3)):
        if any(_numeric(view, figs, c.span) for c in grid.row(row)):
            break
        n += 1
    return n if n < table.rows else 0


def _table_unit(text: str, view: str, table: Table, heads: int) -> str | None:
    """单位：万元 on one of the two lines above the table, or in its header."""
    above = view.rfind("\n", 0, max(0, view.rfind("\n", 0, table.span[0])))
    m = _TABLE_UNIT.search(view, max(0, above, table.span[0] - 120), table.span[0])
    if m is not None:
        return m.group(1)
    for c in table.cells:
        if c.row < heads:
            m = _TABLE_UNIT.search(fold(c.text))
            if m is not None:
                return m.group(1)
    return None


def lay_out(table: Table, text: str, view: str, facts: Sequence[Fact]) -> Layout:
    """The layout of one table (see the module's docstring)."""
    figs = _Figures(facts)
    grid = _Grid(table)
    heads = _header_rows(table, grid, view, figs)
    unit = _table_unit(text, view, table, heads)
    columns: list[Column] = []
    for col in range(table.cols):
        seen: list[Cell] = []
        for r in range(heads):
            hc = grid.cell(r, col)
            if hc is not None and hc not in seen:
                seen.append(hc)
        header = " ".join(c.text for c in seen)
        span = seen[-1].span if seen else None
        columns.append(_column(col, header, unit, span))
    data_rows = range(heads, table.rows)

    def own(col: int) -> list[Cell]:
        return [c for r in data_rows if (c := grid.cell(r, col)) is not None and c.row == r and c.col == col]

    label_col: int | None = None
    for col, c in enumerate(columns):
        cells = own(col)
        if c.role in ("serial", "note") or not cells:
            continue
        words = [x for x in cells if _label_cell(view, figs, x.span)]
        if len(words) * 2 <= len(cells):
            if any(_numeric(view, figs, x.span) for x in cells):
                break  # the values begin before any label: a table of years or codes
            continue
        if _unit_column(view, cells) and _UNIT_HEAD.fullmatch(_squeeze(fold(c.header))):
            columns[col] = replace(c, role="unit", kind=None)
            continue
        if label_col is not None:
            break
        label_col = col
        columns[col] = replace(c, role="label", kind=None, unit=None, scale=None)
    total_rows: list[int] = []
    subtotal_rows: list[int] = []
    for r in data_rows:
        cell = grid.cell(r, label_col) if label_col is not None else None
        first = cell if cell is not None and cell.text.strip() else next(
            (c for c in grid.row(r) if c.text.strip()), None)
        if first is not None and _total_label(view, first.span):
            total_rows.append(r)
            if _squeeze(view[first.span[0]:first.span[1]]).startswith(LEXICON.subtotals):
                subtotal_rows.append(r)
    return Layout(table, heads, tuple(columns), label_col, tuple(total_rows), tuple(subtotal_rows), grid)


def _unit_column(view: str, cells: Sequence[Cell]) -> bool:
    units = set(LEXICON.count_units) | set(_MONEY_SCALE)
    words = [_squeeze(view[c.span[0]:c.span[1]]) for c in cells if not _empty(view, c.span)]
    return bool(words) and sum(w in units for w in words) * 5 >= len(words) * 4


# --- facts from cells ----------------------------------------------------------------------------

def _row_unit(layout: Layout, view: str, row: int) -> Column | None:
    """A row's own unit, from a 单位 column (户, 万元)."""
    col = next((c for c in layout.columns if c.role == "unit"), None)
    if col is None:
        return None
    cell = layout.cell(row, col.index)
    if cell is None:
        return None
    word = _squeeze(view[cell.span[0]:cell.span[1]])
    if word in _MONEY_SCALE:
        return Column(col.index, word, kind="money", unit=word, scale=_MONEY_SCALE[word])
    if word in LEXICON.count_units:
        return Column(col.index, word, kind="count", unit=word)
    return None


def cell_facts(layout: Layout, text: str, view: str, facts: Sequence[Fact]) -> list[Figure]:
    """The facts of a table's cells that hold a bare number under a header that says what it is
    (a cell that already holds a figure with its unit keeps that one)."""
    figs = _Figures(facts)
    t = layout.table
    out: list[Figure] = []
    for cell in t.cells:
        if cell.row < layout.header_rows or cell.col >= len(layout.columns):
            continue
        col = layout.columns[cell.col]
        if col.role != "value" or col.percent or figs.within(cell.span):
            continue
        row_unit = _row_unit(layout, view, cell.row)
        what = row_unit if row_unit is not None else col
        span = _bare(view, cell.span)
        if span is None or what.kind is None:
            continue
        written = view[span[0]:span[1]]
        number = read_folded(written.lstrip("+-"))
        if number is None:
            continue
        if written.startswith("-"):  # a net change: 净增减 -10
            number = replace(number, value=-number.value)
        surface = text[span[0]:span[1]]
        if what.kind == "money":
            if what.scale is None:
                continue
            out.append(Money(text=surface, span=span, value=number.value * what.scale,
                             quantum=number.quantum * what.scale, rounded=number.rounded))
        elif what.unit is not None and number.value == number.value.to_integral_value():
            out.append(Count(text=surface, span=span, value=number.value, unit=what.unit,
                             quantum=number.quantum, rounded=number.rounded))
    return out


# --- regions and subjects ----------------------------------------------------------------------

def label_facts(facts: tuple[Fact, ...], layouts: Sequence[Layout]) -> tuple[Fact, ...]:
    """Facts with their row's label as ``region`` (哈密市 | 125户 | 7万元 gives both figures 哈密市;
    a 合计 row gives none), and the column header as their subject when their own cell names none
    and the header names a category (困难职工户数, 款物; not 户数 or 金额, which say how)."""
    if not layouts:
        return facts
    out = list(facts)
    index = _Facts(facts)
    for lay in layouts:
        t = lay.table
        where = _place_column(lay)
        for cell in t.cells:
            if cell.row < lay.header_rows:
                continue
            figs = index.inside(cell)
            if not figs:
                continue
            label = lay.label(cell.row) if where is None else where(cell.row)
            named = label is not None and label is not cell and cell.row not in lay.total_rows
            region = label.text.strip() if named and label is not None else None
            if region is not None and _names_what(region):
                region = None  # a row of 生活救助 or 低保户: what its figures pay or count, not where
            col = lay.columns[cell.col] if cell.col < len(lay.columns) else None
            for i, f in figs:
                own = f.subject_span is not None and cell.span[0] <= f.subject_span[0] \
                    and f.subject_span[1] <= cell.span[1]
                if not own and col is not None and col.header_span is not None and col.header \
                        and _names_category(col.header, f):
                    out[i] = changed(f, region=region, subject=col.header, subject_span=col.header_span)
                else:
                    out[i] = changed(f, region=region)
    return tuple(out)


#: a label column of people's names (姓名, 户主): its rows are people, no region
_PERSON_HEAD: Final = re.compile("姓名|户主|户名|申请人|联系人|救助对象|帮扶对象|慰问对象")
#: a column that says where a row's person lives (所在村, 家庭住址, 乡镇, 工作单位)
_PLACE_HEAD: Final = re.compile("村|社区|乡|镇|街道|住址|地址|单位|居住地|所在")


def _place_column(lay: Layout) -> Callable[[int], Cell | None] | None:
    """For a table whose rows are people (its label column's header is 姓名, 户主...), the cell
    that gives each row's region: the row's cell under a column of places (所在村, 家庭住址), or
    none (a person is no region); None for any other table (its label cell gives the region)."""
    if lay.label_col is None or not _PERSON_HEAD.search(fold(lay.columns[lay.label_col].header)):
        return None
    col = next((c.index for c in lay.columns if c.index != lay.label_col and c.kind is None
                and c.role not in ("serial", "note") and _PLACE_HEAD.search(fold(c.header))), None)
    if col is None:
        return lambda _row: None
    return lambda row: lay.cell(row, col)


def _names_what(label: str) -> bool:
    """Whether a row's label names a fund (生活救助, 医疗救助) or a group of people helped (低保户):
    what the row's figures are, not a place (城关镇) or a named unit (区福利院)."""
    if TAXONOMY.match(label, "fund") is not None:
        return True
    group = TAXONOMY.match(label, "group")
    return group is not None and TAXONOMY.helped(group.category)


def _names_category(header: str, f: Figure) -> bool:
    """Whether a column's header says what its figures count or pay (困难职工, 款物), rather than
    only how they are measured (户数, 金额)."""
    return TAXONOMY.match(header, "group" if isinstance(f, Count) else "fund") is not None


# --- breakdowns ----------------------------------------------------------------------------------

def _one(cell: Cell | None, facts: _Facts) -> tuple[int, Figure] | None:
    figs = facts.inside(cell)
    return figs[0] if len(figs) == 1 and figs[0][1].value is not None else None


def _counted(f: Figure) -> str:
    u = "元" if isinstance(f, Money) else fold_word(f.unit)
    return LEXICON.counted(u)


def _make(total: tuple[int, Figure], parts: list[tuple[int, Figure]], shape: str, table: Table) -> Breakdown:
    """The breakdown; certain only when every part counts what the total counts (a 合计 in 名 over
    rows in 户 need not add up) and the table's cells sit under their headers for sure."""
    i, f = total
    certain = not table.ragged and all(_counted(p) == _counted(f) for _, p in parts)
    return Breakdown(kind=f.kind, total=f.value, parts=tuple(p.value for _, p in parts),
                     unit="元" if isinstance(f, Money) else f.unit, span=f.span, total_index=i,
                     part_indexes=tuple(j for j, _ in parts), part_spans=tuple(p.span for _, p in parts),
                     shape=shape, certain=certain)


def _same_measure(a: Figure, b: Figure) -> bool:
    """Money with money; counts of people with people (人 with 户: the seed's 合计400名 over rows in
    户), other counts in one class of measure words."""
    if isinstance(a, Money) or isinstance(b, Money):
        return isinstance(a, Money) and isinstance(b, Money)
    ca, cb = LEXICON.unit_class(fold_word(a.unit)), LEXICON.unit_class(fold_word(b.unit))
    people = ("person", "household")
    return ca == cb or fold_word(a.unit) == fold_word(b.unit) or (ca in people and cb in people)


def table_breakdowns(layouts: Sequence[Layout], facts: Sequence[Fact]) -> Iterator[Breakdown]:
    """Breakdowns of 合计/小计 rows (each column's total over the rows it closes) and of 合计
    columns (each row's total over the columns it sums)."""
    index = _Facts(facts)
    for lay in layouts:
        yield from _total_rows(lay, index)
        yield from _total_columns(lay, index)


def _total_rows(lay: Layout, facts: _Facts) -> Iterator[Breakdown]:
    t = lay.table
    data = list(range(lay.header_rows, t.rows))
    totals = set(lay.total_rows)
    start = lay.header_rows
    subtotals: list[int] = []
    for row in lay.total_rows:
        if row == data[0]:
            # 合计 right under the header: it totals the rows below it, up to the next total row
            nxt = next((r for r in lay.total_rows if r > row), t.rows)
            above = list(range(row + 1, nxt))
        elif subtotals and row not in lay.subtotal_rows:
            above = subtotals  # a 合计 after 小计 rows totals the 小计 rows
        else:
            above = [r for r in range(start, row) if r not in totals]
        above = [r for r in above if not _sub_row(lay, r)]
        for col in range(t.cols):
            column = lay.columns[col] if col < len(lay.columns) else None
            if column is not None and (column.role != "value" or column.rate):
                continue
            total = _one(lay.cell(row, col), facts)
            if total is None:
                continue
            parts = [p for r in above if (p := _one(lay.cell(r, col), facts)) is not None
                     and lay.cell(r, col) is not lay.cell(row, col) and _same_measure(total[1], p[1])]
            if len(parts) >= 2:
                yield _make(total, parts, "table_column", t)
        if row in lay.subtotal_rows:
            subtotals.append(row)
            start = row + 1
        elif row != data[0]:
            start = row + 1


_SUB_ROW: Final = re.compile(r"^[(（]?\s*(?:其中|含|包括)")


def _sub_row(lay: Layout, row: int) -> bool:
    """A row labelled 其中… (or 含…) details the row above it: not a part of the column's total."""
    label = lay.label(row)
    return label is not None and _SUB_ROW.match(fold(label.text)) is not None


def _total_columns(lay: Layout, facts: _Facts) -> Iterator[Breakdown]:
    t = lay.table
    cols = lay.columns
    for c in cols:
        if not c.total or c.role != "value" or c.change:
            continue
        after: list[Column] = []
        for d in cols[c.index + 1:]:
            if d.total:
                break
            after.append(d)
        before: list[Column] = []
        for d in reversed(cols[: c.index]):
            if d.total:
                break
            before.insert(0, d)
        group = [d for d in (after or before) if d.role == "value" and not (d.change or d.percent or d.rate)]
        for row in range(lay.header_rows, t.rows):
            total = _one(lay.cell(row, c.index), facts)
            if total is None:
                continue
            parts = [p for d in group if (p := _one(lay.cell(row, d.index), facts)) is not None
                     and _same_measure(total[1], p[1])]
            if len(parts) >= 2:
                yield _make(total, parts, "table_row", t)


# --- the report's tables ------------------------------------------------------------------------

@dataclass(slots=True)
class Tables:
    """A report's tables, laid out, and its facts with the cells' figures added and labelled."""

    layouts: tuple[Layout, ...]
    facts: tuple[Fact, ...]

    def breakdowns(self, facts: Sequence[Fact]) -> list[Breakdown]:
        """The tables' breakdowns over ``facts`` (indexes into it)."""
        return list(table_breakdowns(self.layouts, facts))

    @property
    def spans(self) -> list[Span]:
        return [lay.table.span for lay in self.layouts]

    def notes(self) -> list[Span]:
        """The cells of the tables' note columns (备注), header left out, in order: what a note
        says (含低保户10户) is about its own figures, not about the row's other cells."""
        out = []
        for lay in self.layouts:
            for col in (c.index for c in lay.columns if c.role == "note"):
                for r in range(lay.header_rows, lay.table.rows):
                    cell = lay.cell(r, col)
                    if cell is not None and cell.row == r and cell.span[0] < cell.span[1]:
                        out.append(cell.span)
        return sorted(out)


def read_tables(text: str, view: str, facts: Sequence[Fact], known: Sequence[Table] = ()) -> Tables:
    """Every table of a report (the reader's ``known`` ones and those written in its text), laid
    out; the facts of their bare-number cells merged into ``facts`` (in order) and labelled."""
    tables = [*known, *find_text_tables(text, view, facts, known)]
    if not tables:
        return Tables((), tuple(facts))
    facts = _within_cells(facts, tables)
    layouts = [_with_inferred_scale(lay_out(t, text, view, facts), facts) for t in tables]
    added: list[Fact] = []
    for lay in layouts:
        added.extend(cell_facts(lay, text, view, facts))
    merged = tuple(sorted((*facts, *added), key=lambda f: (f.span[0], f.span[1]))) if added else tuple(facts)
    return Tables(tuple(layouts), label_facts(merged, layouts))


def _within_cells(facts: Sequence[Fact], tables: Sequence[Table]) -> list[Fact]:
    """The facts, less the figures that run from one cell of a table into the next (``1 张三``: a
    row's serial number and the name after it read as 1张, a count of sheets)."""
    cells = sorted(c.span for t in tables for c in t.cells if c.span[0] < c.span[1])
    starts = [a for a, _ in cells]
    out: list[Fact] = []
    for f in facts:
        if isinstance(f, (Money, Count)):
            k = bisect.bisect_right(starts, f.span[0]) - 1
            if k >= 0 and cells[k][0] <= f.span[0] < cells[k][1] < f.span[1]:
                continue
        out.append(f)
    return out


def _with_inferred_scale(lay: Layout, facts: Sequence[Fact]) -> Layout:
    """Money columns whose header gives no unit (资金合计, 中央资金) take it from the report's own
    words: when a 合计 cell's bare number, read in 万元 (or 元, 亿元), is an amount the text states
    (以上合计6490万元 above a 合计 row of 6490), the columns are in that unit."""
    unknown = [c for c in lay.columns if c.kind == "money" and c.scale is None]
    if not unknown:
        return lay
    t = lay.table
    inside = t.span
    stated = {f.value for f in facts if isinstance(f, Money) and f.value is not None
              and not (inside[0] <= f.span[0] < inside[1])}
    for row in lay.total_rows:
        for c in unknown:
            cell = lay.cell(row, c.index)
            span = _bare(fold(cell.text), (0, len(cell.text))) if cell is not None else None
            if cell is None or span is None:
                continue
            number = read_folded(fold(cell.text)[span[0]:span[1]])
            if number is None:
                continue
            for unit in ("万元", "元", "亿元"):
                if number.value * _MONEY_SCALE[unit] in stated:
                    columns = tuple(replace(d, unit=unit, scale=_MONEY_SCALE[unit]) if d in unknown else d
                                    for d in lay.columns)
                    return replace(lay, columns=columns)
    return lay
