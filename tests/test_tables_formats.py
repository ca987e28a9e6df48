"""Acceptance of the table grammar (issue 11): one table, five ways a file may hold it.

A short report (a title, a sentence, a table of four streets under ``单位 | 慰问户数(户) |
慰问金额(万元)`` and a 合计 row) is written at test time as a .docx with a real table, a PDF with
a ruled table, and three .txt files where the table was flattened to text: tab-separated lines,
`` | ``-separated lines, and one cell per line ending in `` |`` (a web page copied as text). Each
must give what an auditor needs: the cells' bare numbers as facts (scaled by the header's unit,
their span on the cell, the row label as region), one count breakdown (540户 = 180+150+120+90),
one money breakdown in yuan (the 合计 cell 38.8万 against parts that add up to 37.8万) and
exactly one ``sum_mismatch``, on the 38.8 cell.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from extractor import ErrorRecord, Record, extract_path
from extractor.model import Count, Money, Severity
from extractor.readers import read_path

TITLE = "东城区2020年春节走访慰问困难家庭情况汇报"
SENTENCE = "春节前夕，各街道对辖区困难家庭开展走访慰问，送去党和政府的关怀，慰问情况如下："
HEADER = ("单位", "慰问户数(户)", "慰问金额(万元)")
ROWS = [("东关街道", "180", "12.6"), ("西关街道", "150", "10.5"), ("南关街道", "120", "8.4"),
        ("北关街道", "90", "6.3")]
TOTAL = ("合计", "540", "38.8")  # the households add up; the money is 1万 over 37.8
TABLE = [HEADER, *ROWS, TOTAL]

HOUSEHOLDS = [Decimal(n) for n in (180, 150, 120, 90)]
YUAN = [Decimal(n) for n in (126000, 105000, 84000, 63000)]


def write_docx(path: Path) -> None:
    """A .docx whose table is a real Word table (Table Grid style)."""
    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph(SENTENCE)
    table = d.add_table(rows=len(TABLE), cols=len(HEADER))
    table.style = "Table Grid"
    for i, row in enumerate(TABLE):
        for j, cell in enumerate(row):
            table.cell(i, j).text = cell
    d.save(str(path))


def write_pdf(path: Path) -> None:
    """A PDF drawn with reportlab: the title and the sentence as paragraphs, the table ruled
    (a grid line around every cell), in the CID font the other PDF tests use."""
    pytest.importorskip("reportlab", reason="the PDF is drawn with reportlab (pip install -e '.[dev]')")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22)
    table = Table([list(r) for r in TABLE], colWidths=[110, 110, 120])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 11),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(
        [Paragraph(TITLE, title), Paragraph(SENTENCE, body), Spacer(1, 8), table])
    path.write_bytes(buf.getvalue())


def write_txt(rows: Callable[[Sequence[Sequence[str]]], str]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(f"{TITLE}\n{SENTENCE}\n{rows(TABLE)}", encoding="utf-8")

    return write


def tabs(table: Sequence[Sequence[str]]) -> str:
    return "".join("\t".join(r) + "\n" for r in table)


def bars(table: Sequence[Sequence[str]]) -> str:
    return "".join(" | ".join(r) + "\n" for r in table)


def cell_lines(table: Sequence[Sequence[str]]) -> str:
    """One cell a line, each ending in `` |``: a web table copied as text."""
    return "".join(f"{c} |\n" for r in table for c in r)


@dataclass(frozen=True)
class Layout:
    id: str
    suffix: str
    write: Callable[[Path], None]


LAYOUTS = [
    Layout("docx-table", ".docx", write_docx),
    Layout("pdf-ruled-table", ".pdf", write_pdf),
    Layout("txt-tabs", ".txt", write_txt(tabs)),
    Layout("txt-bars", ".txt", write_txt(bars)),
    Layout("txt-cell-per-line", ".txt", write_txt(cell_lines)),
]


@pytest.fixture(params=[pytest.param(lay, id=lay.id) for lay in LAYOUTS])
def record(request: pytest.FixtureRequest, tmp_path: Path) -> Record:
    layout: Layout = request.param
    path = tmp_path / f"report{layout.suffix}"
    layout.write(path)
    got = extract_path(path)
    assert not isinstance(got, ErrorRecord), got
    assert len(got) == 1
    return got[0]


def test_fixture_holds_the_table(record: Record) -> None:
    """Guard the fixtures (not the grammar): every format's text holds the title, the sentence
    and every cell, in order."""
    text = record.text
    assert text.startswith(TITLE)
    pos = text.index(SENTENCE)
    for cell in (c for r in TABLE for c in r):
        pos = text.index(cell, pos)


@pytest.mark.parametrize("layout", [pytest.param(lay, id=lay.id) for lay in LAYOUTS if lay.suffix != ".txt"])
def test_fixture_is_a_real_table(layout: Layout, tmp_path: Path) -> None:
    """Guard the fixtures: the .docx and the PDF hold a table of 6 rows and 3 columns that their
    reader finds as such (not lines of text)."""
    path = tmp_path / f"report{layout.suffix}"
    layout.write(path)
    tables = read_path(path).tables
    assert [(t.rows, t.cols) for t in tables] == [(len(TABLE), len(HEADER))]
    assert [c.text for c in tables[0].cells] == [c for r in TABLE for c in r]


def test_count_breakdown(record: Record) -> None:
    counts = [b for b in record.breakdowns if b.kind == "count"]
    assert [(b.total, list(b.parts), b.unit) for b in counts] == [(Decimal(540), HOUSEHOLDS, "户")]
    assert record.text[counts[0].span[0]:counts[0].span[1]] == "540"


def test_money_breakdown(record: Record) -> None:
    money = [b for b in record.breakdowns if b.kind == "money"]
    assert [(b.total, list(b.parts)) for b in money] == [(Decimal(388000), YUAN)]
    assert record.text[money[0].span[0]:money[0].span[1]] == "38.8"


def test_one_sum_mismatch_on_the_total_cell(record: Record) -> None:
    found = [f for f in record.findings if f.rule == "sum_mismatch"]
    assert len(found) == 1, [f.message for f in found]
    assert record.text[found[0].span[0]:found[0].span[1]] == "38.8"
    assert found[0].severity is Severity.WARNING  # parts short of their total (README: warning)


def test_no_other_alarm(record: Record) -> None:
    """An auditor acts on every error and warning: the table gives no other."""
    others = [(f.rule, f.message) for f in record.findings
              if f.rule != "sum_mismatch" and f.severity in (Severity.ERROR, Severity.WARNING)]
    assert others == []


def _line_of(text: str, label: str) -> tuple[int, int]:
    """The span of the row that starts with ``label`` (for the one-cell-a-line layout, from the
    label to the row's last cell)."""
    start = end = text.index(label)
    for _ in range(len(HEADER)):
        eol = text.find("\n", end)
        end = len(text) if eol < 0 else eol + 1  # the record's text is trimmed: no last newline
        if "\t" in text[start:end] or " | " in text[start:end]:
            break
    return start, end


@pytest.mark.parametrize(("label", "households", "amount"), [*ROWS, TOTAL], ids=[r[0] for r in [*ROWS, TOTAL]])
def test_cell_facts(record: Record, label: str, households: str, amount: str) -> None:
    """The bare numbers of a row are facts: the count in 户 and the amount in yuan (the header's
    万元), each spanning its cell's number, with the row label as region (but the 合计 row's)."""
    lo, hi = _line_of(record.text, label)
    in_row = [f for f in record.facts if lo <= f.span[0] and f.span[1] <= hi]
    counts = [f for f in in_row if isinstance(f, Count)]
    money = [f for f in in_row if isinstance(f, Money)]
    assert [(f.text, f.value, f.unit) for f in counts] == [(households, Decimal(households), "户")]
    assert [(f.text, f.value) for f in money] == [(amount, Decimal(amount) * 10000)]
    cells: list[Count | Money] = [*counts, *money]
    for f in cells:
        assert record.text[f.span[0]:f.span[1]] == f.text
        if label != TOTAL[0]:
            assert f.region == label
