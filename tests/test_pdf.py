"""The .pdf reader, on PDFs drawn here with reportlab (STSong-Light, no font file): reading order,
fake bold, letter spacing, paragraphs re-joined across line and page breaks (at the right edge and
in ragged-right text cut every 38 characters), ruled and unruled tables, page numbers, headers and
footers; and the bad files (scan, encrypted, truncated, too many
pages, none) that must give an error row, not stop a batch."""

from __future__ import annotations

import io
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractor import ErrorRecord, Record, extract_path
from extractor.errors import LimitExceededError
from extractor.model import Document
from extractor.readers import Limits, read_bytes
from extractor.readers.pdf import _ITEM, _Line, _ragged
from extractor.ui.cli import main

pytest.importorskip("reportlab", reason="the PDF fixtures are drawn with reportlab (pip install -e '.[dev]')")

from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_bad_inputs import pdf_of  # one writer of hand-made PDF objects, shared with the bad inputs

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
WIDTH, HEIGHT = A5
MARGIN = 56.0


@dataclass(frozen=True)
class Text:
    """One string drawn at (x, y) from the bottom left; ``bold`` draws it twice 0.3pt apart."""

    x: float
    y: float
    text: str
    size: float = 11.0
    space: float = 0.0
    bold: bool = False
    font: str = FONT


@dataclass(frozen=True)
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float


Op = Text | Rule


def draw(c: Any, ops: Sequence[Op]) -> None:
    for op in ops:
        if isinstance(op, Rule):
            c.line(op.x0, op.y0, op.x1, op.y1)
            continue
        for dx in (0.0, 0.3) if op.bold else (0.0,):
            t = c.beginText(op.x + dx, op.y)
            t.setFont(op.font, op.size)
            t.setCharSpace(op.space)
            t.textOut(op.text)
            c.drawText(t)


def pdf(*pages: Sequence[Op], size: tuple[float, float] = A5, **options: Any) -> bytes:
    """A PDF with one page per list of drawing operations (deterministic bytes)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1, **options)
    for ops in pages:
        draw(c, ops)
        c.showPage()
    c.save()
    return buf.getvalue()


def wrapped(text: str, top: float, size: float = 11.0, leading: float = 18.0, space: float = 0.0,
            indent: bool = True) -> list[Text]:
    """A paragraph broken into lines at the right margin as a word processor does: first line
    indented two characters, a run of digits or Latin letters never cut."""
    width = WIDTH - 2 * MARGIN
    lines: list[Text] = []
    current, x = "", MARGIN + (2 * (size + space) if indent else 0.0)
    for token in re.findall(r"[0-9A-Za-z.,%]+|.", text):
        if current and pdfmetrics.stringWidth(current + token, FONT, size) + space * (len(current) + len(token)) > (
                width - (x - MARGIN)):
            lines.append(Text(x, top - leading * len(lines), current, size, space))
            current, x = "", MARGIN
        current += token
    lines.append(Text(x, top - leading * len(lines), current, size, space))
    return lines


def read(data: bytes, limits: Limits | None = None) -> Document:
    return read_bytes(data, "t.pdf", limits)


def body(doc: Document) -> list[str]:
    """The text of the blocks that are not headers, footers or tables, one string a block."""
    return [doc.text[b.span[0]:b.span[1]] for b in doc.blocks if b.kind in ("paragraph", "heading")]


# -- text: reading order, fake bold, letter spacing, re-joined lines ---------------------------

LONG = ("春节前夕，我街道共走访慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户，发放慰问金"
        "及慰问物资折合人民币12.5万元，确保困难群众过一个欢乐祥和的春节。")
SECOND = "下一步，街道将推动送温暖活动常态化、制度化。"


@dataclass(frozen=True)
class TextCase:
    id: str
    ops: list[Op]
    want: list[str]
    why: str = ""


TEXT_CASES = [
    TextCase("reading-order", [Text(MARGIN, 400, "第二段在下面。"), Text(MARGIN, 500, "第一段在上面。")],
             ["第一段在上面。", "第二段在下面。"], "content-stream order is bottom first; text is top first"),
    TextCase("fake-bold", [Text(MARGIN, 500, "一、基本情况", 14, bold=True), Text(MARGIN + 22, 470, "正文。")],
             ["一、基本情况", "正文。"], "a heading drawn twice 0.3pt apart is read once"),
    TextCase("fake-bold-space", [Text(MARGIN, 500, "浓浓敬老情 温暖重阳节", 14, bold=True)],
             ["浓浓敬老情 温暖重阳节"], "its space glyph is drawn twice too: one space"),
    TextCase("fake-bold-spaced", [Text(MARGIN, 500, "一、基本情况", 14, 6, bold=True)],
             ["一、基本情况"], "fake bold and letter spacing together"),
    *[TextCase(f"letter-spacing-{sp:g}pt", [Text(MARGIN, 500, "东湖街道2020年春节送温暖活动总结", 14, sp)],
               ["东湖街道2020年春节送温暖活动总结"], "no space between spaced-out characters, digits included")
      for sp in (1.5, 4, 8, 12)],
    TextCase("real-spaces-kept", [Text(MARGIN, 500, "接收款物1 5 6 0 万元，Hello World 2 0 0 家")],
             ["接收款物1 5 6 0 万元，Hello World 2 0 0 家"], "spaces the PDF draws are text"),
    TextCase("real-spaces-kept-when-spaced", [Text(MARGIN, 500, "款物1 5 6 0 万元 Hello World", 11, 6)],
             ["款物1 5 6 0 万元 Hello World"], "letter spacing does not double or drop a drawn space"),
    TextCase("column-gap-kept", [Text(MARGIN, 500, "东湖街道"), Text(MARGIN + 150, 500, "2018年1月20日")],
             ["东湖街道 2018年1月20日"], "a wide gap with no glyph is a space"),
    TextCase("paragraph-rejoined", [*wrapped(LONG, 500), *wrapped(SECOND, 500 - 18 * 4)],
             [LONG, SECOND], "lines cut at the right edge are one paragraph; an indent starts the next"),
    TextCase("paragraph-rejoined-spaced", [*wrapped(LONG, 500, space=4), *wrapped(SECOND, 500 - 18 * 6, space=4)],
             [LONG, SECOND], "the edge test allows for letter spacing"),
    TextCase("short-lines-stay", [Text(MARGIN, 500, "青山镇人民政府"), Text(MARGIN, 482, "2019年12月28日")],
             ["青山镇人民政府", "2019年12月28日"], "a line that ends short of the edge ends its paragraph"),
    # 28 characters of 11pt fill the 308pt line: the first line ends with 。 right at the edge
    TextCase("sentence-end-at-edge", [Text(MARGIN, 500, "甲" * 27 + "。"), Text(MARGIN, 482, "乙" * 10 + "。")],
             ["甲" * 27 + "。", "乙" * 10 + "。"], "a line ending with 。 ends the paragraph"),
    TextCase("clause-end-at-edge", [Text(MARGIN, 500, "甲" * 23 + "，联系人："), Text(MARGIN, 482, "xxx。")],
             ["甲" * 23 + "，联系人：xxx。"], "a line ending with ： or ； goes on"),
    TextCase("title-on-two-lines", [Text(100, 540, "关于开展2021年“金秋助学”", 16), Text(130, 516, "活动的通知", 16),
                                    Text(MARGIN, 480, "各单位："), *wrapped(LONG, 462)],
             ["关于开展2021年“金秋助学”活动的通知", "各单位：", LONG], "a title set on two lines is one heading"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in TEXT_CASES])
def test_text(case: TextCase) -> None:
    doc = read(pdf(case.ops))
    assert body(doc) == case.want, case.why
    assert doc.format == "pdf" and doc.meta["pages"] == 1


def test_wrapped_fixture_really_wraps() -> None:
    """Guard the fixture: the long paragraph is drawn on several lines."""
    assert len(wrapped(LONG, 500)) >= 3


# -- ragged right: lines cut by a character count, well short of the margin ------------------

PER_LINE = 38  # characters a line, as a .txt hard-wrapped and printed
LEADING = 16.0
FILLER = "春节前夕，街道按照区委的统一部署，开展了形式多样的走访慰问活动，"


def ragged(paragraphs: Sequence[str], top: float = A4[1] - 60, n: int = PER_LINE, bold: Sequence[str] = ()) -> \
        list[list[Op]]:
    """Pages of A4 with each paragraph cut every ``n`` characters, flush left, no indent, 11pt: a
    .txt hard-wrapped and printed. A cut never leaves a space at a line's end or start (a space
    there is not drawn text). Paragraphs named in ``bold`` are drawn bold."""
    pages: list[list[Op]] = [[]]
    y = top
    for para in paragraphs:
        for line in cut_lines(para, n):
            if y < MARGIN:
                pages.append([])
                y = top
            pages[-1].append(Text(MARGIN, y, line, bold=para in bold))
            y -= LEADING
    return pages


def cut_lines(para: str, n: int = PER_LINE) -> list[str]:
    """``para`` cut every ``n`` characters (one more where a cut would touch a space)."""
    lines: list[str] = []
    while len(para) > n:
        k = n
        while k < len(para) and (para[k - 1].isspace() or para[k].isspace()):
            k += 1
        lines.append(para[:k])
        para = para[k:]
    return [*lines, para] if para else lines


def cut_before(para: str, at: str, n: int = PER_LINE) -> str:
    """``para`` with filler put in front so that a cut every ``n`` characters falls right before
    the first ``at``: the break lands where the test wants it."""
    pad = (n - para.index(at) % n) % n
    return (FILLER * 3)[:pad] + para


PARTS = "共慰问困难家庭700余户,其中计划生育伤残家庭2户、单亲家庭150余户、低保边缘户320余户、新生儿独生子女家庭50余户。"
WRAP_CASES = [
    TextCase("ragged-cut-before-a-part", [], [cut_before(PARTS, "150余户")],
             "…单亲家庭 / 150余户…: the line ends short of the margin, the sentence goes on"),
    TextCase("ragged-cut-between-figure-and-unit", [], [cut_before(PARTS, "户、单亲")],
             "…伤残家庭2 / 户、单亲…: a figure and its unit on two lines are one"),
    TextCase("ragged-cut-inside-a-number", [], [cut_before(PARTS, "50余户、低保")],
             "…单亲家庭1 / 50余户…: a cut by count splits a number; its digits join with no space"),
    TextCase("ragged-cut-inside-a-date", [], [cut_before("活动于2018年12月20日至2019年1月10日开展。", "20日至")],
             "2018年12月 / 20日: digits on both sides of the cut"),
    TextCase("ragged-many-lines", [], [FILLER * 4 + PARTS], "a paragraph of several full lines is one"),
    TextCase("ragged-heading-stays", [], ["二、主要内容", PARTS], "a short heading line ends its paragraph"),
    TextCase("ragged-short-line-stays", [], ["慰问困难家庭情况汇报", PARTS], "a short line with no mark is a line"),
    TextCase("ragged-sentence-end", [], [(FILLER * 2)[:PER_LINE - 1] + "。", PARTS],
             "a full line ending with 。 ends its paragraph"),
    TextCase("ragged-colon-short", [], ["各社区、各科室：", PARTS], "a short line ending with ： ends it"),
    TextCase("ragged-list-item", [], [(FILLER * 2)[:PER_LINE], "1.主题：情系困难职工，温暖千家万户。",
                                      "（二）与相关部门密切配合，开展慰问困难家庭活动", PARTS],
             "a full line with no end mark, then list items and numbered headings: each its own"),
    TextCase("ragged-signature", [], [PARTS, "青山镇人民政府", "2019年12月28日"], "a signature block stays lines"),
    TextCase("ragged-long-heading-stays", [], ["（一）深入基层宣传党的十九大精神和困难职工解困脱困的有关政策", PARTS],
             "a numbered heading 0.8 of the measure wide ends its paragraph"),
    TextCase("ragged-list-item-wraps", [], ["1.主题：" + FILLER * 2, "2.时间：" + FILLER],
             "a list item cut at the full measure goes on; the next item starts its own"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in WRAP_CASES])
def test_ragged(case: TextCase) -> None:
    pages = ragged(case.want)
    assert any(len(cut_lines(p)) > 1 for p in case.want) or case.id.endswith("stays")
    doc = read(pdf(*pages, size=A4))
    assert body(doc) == case.want, case.why


def test_ragged_bold_line_stays() -> None:
    """A bold line as wide as the text (a heading) is not joined to the plain line under it. The
    CID font has no bold face to draw (fake bold reads as plain), so the lines are built here."""
    def line(text: str, bold: bool) -> _Line:
        return _Line(text, MARGIN, MARGIN + 11 * len(text), 100, 111, 11.0, bold, 1)

    measure = MARGIN + 11 * PER_LINE
    assert _ragged(line("甲" * 34, False), line("乙" * 10, False), MARGIN, measure)
    assert not _ragged(line("甲" * 34, True), line("乙" * 10, False), MARGIN, measure)
    assert not _ragged(line("甲" * 24, False), line("乙" * 10, False), MARGIN, measure)  # 0.63 of it


@pytest.mark.parametrize(("line", "item"), [
    ("一、活动主题和时间", True), ("（二）座谈会", True), ("(3)慰问金", True), ("4.时间：1月", True),
    ("5、主题", True), ("①困难职工", True), ("第一，加强领导", True), ("第二章 总则", True),
    ("2.5万元用于慰问", False), ("150余户、低保边缘户", False), ("12.31前完成", False), ("户、单亲家庭", False),
    ("2018年12月", False), ("一年来协会工作", False), ("第3季度", False),
], ids=lambda v: str(v))
def test_item_opens_a_paragraph(line: str, item: bool) -> None:
    """What opens a list item or numbered heading (a ragged line does not run into it), and the
    numbers and words that merely go on a sentence at a line's start."""
    assert bool(_ITEM.match(line)) is item


def test_ragged_fixture_is_ragged() -> None:
    """Guard the fixture: the lines end well short of the margin (the edge test alone cuts
    them), and the cut of a PARTS case falls where its id says."""
    lines = cut_lines(cut_before(PARTS, "150余户"))
    assert lines[1].startswith("150余户")
    full = pdfmetrics.stringWidth(lines[0], FONT, 11)
    assert MARGIN + full < A4[0] - MARGIN - 3 * 11  # three em short of the right margin at least
    doc = read(pdf(*ragged(["慰问困难家庭情况汇报", PARTS]), size=A4))
    assert len(doc.blocks) == 2


SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed" / "000_b2e30e7327201b52.txt"


def _facts(records: list[Record]) -> list[tuple[Any, ...]]:
    return [(r.index, f.kind, f.text, f.span, getattr(f, "value", None)) for r in records for f in r.facts]


def _sums(records: list[Record]) -> list[tuple[Any, ...]]:
    return [(r.index, b.kind, b.total, b.parts, b.span) for r in records for b in r.breakdowns]


def _findings(records: list[Record]) -> list[tuple[Any, ...]]:
    return [(r.index, f.rule, f.severity, f.span) for r in records for f in r.findings]


@pytest.mark.parametrize("at", ["150余户", "户、单亲", "50余户、低保", "700余户"],
                         ids=["before-a-part", "figure-and-unit", "inside-a-number", "before-the-total"])
def test_ragged_breakdown_found_whole(at: str, tmp_path: Path) -> None:
    """A breakdown cut by a line break reads as in the .txt: the same total and parts, not a
    short sum; the same facts with the same spans, the same findings."""
    text = f"慰问困难家庭情况\n{cut_before(PARTS, at)}\n"
    (tmp_path / "a.pdf").write_bytes(pdf(*ragged(text.splitlines()), size=A4))
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    want, got = extract_path(tmp_path / "a.txt"), extract_path(tmp_path / "a.pdf")
    assert isinstance(want, list) and isinstance(got, list)
    assert [r.text for r in got] == [r.text for r in want]
    assert _sums(got) == _sums(want)
    assert [(b.total, b.parts) for r in got for b in r.breakdowns] == [
        (Decimal(700), tuple(map(Decimal, (2, 150, 320, 50))))]
    assert _facts(got) == _facts(want)
    assert _findings(got) == _findings(want)


def test_ragged_seed_reads_like_the_txt(tmp_path: Path) -> None:
    """The seed, hard-wrapped at 38 characters and printed (pages of ragged lines), gives the
    records of the .txt: the same reports, texts, facts with their spans, breakdowns and findings.
    Regression: each line was a paragraph, so 共慰问困难家庭700余户,其中…单亲家庭 / 150余户… lost
    its parts and the breakdown was gone (or read short and flagged)."""
    text = SEED.read_text(encoding="utf-8")
    pages = ragged(text.splitlines())
    assert len(pages) >= 3
    (tmp_path / "seed.pdf").write_bytes(pdf(*pages, size=A4))
    (tmp_path / "seed.txt").write_text(text, encoding="utf-8")
    want, got = extract_path(tmp_path / "seed.txt"), extract_path(tmp_path / "seed.pdf")
    assert isinstance(want, list) and isinstance(got, list)
    assert [(r.title, r.text) for r in got] == [(r.title, r.text) for r in want]
    assert _facts(got) == _facts(want)
    assert _sums(got) == _sums(want)
    assert len(_sums(want)) >= 3
    assert _findings(got) == _findings(want)


# -- tables ---------------------------------------------------------------------------------


def grid(x: Sequence[float], y: Sequence[float], merged: Sequence[tuple[int, int, int, int]] = ()) -> list[Rule]:
    """Rules of a table with column lines at ``x`` and row lines at ``y`` (top first); a merged
    range (r0, c0, r1, c1) has no inner rules."""
    rules = []
    for i, yy in enumerate(y):
        for j in range(len(x) - 1):
            if not any(r0 < i <= r1 and c0 <= j <= c1 for r0, c0, r1, c1 in merged):
                rules.append(Rule(x[j], yy, x[j + 1], yy))
    for j, xx in enumerate(x):
        for i in range(len(y) - 1):
            if not any(c0 < j <= c1 and r0 <= i <= r1 for r0, c0, r1, c1 in merged):
                rules.append(Rule(xx, y[i], xx, y[i + 1]))
    return rules


def cell_at(x: Sequence[float], y: Sequence[float], r: int, c: int, text: str) -> Text:
    return Text(x[c] + 4, y[r + 1] + 6, text, 10)


XS = [MARGIN, 130, 200, 270, 340]
YS = [480, 460, 440, 420, 400, 380]
RULED: list[Op] = [
    Text(MARGIN + 22, 500, "本次共走访慰问困难职工301户，情况如下："),
    # 单位 spans two rows, 走访慰问 two columns
    *grid(XS, YS, merged=[(0, 0, 1, 0), (0, 1, 0, 2)]),
    cell_at(XS, YS, 0, 0, "单位"), cell_at(XS, YS, 0, 1, "走访慰问"), cell_at(XS, YS, 0, 3, "慰问金"),
    cell_at(XS, YS, 1, 1, "户数"), cell_at(XS, YS, 1, 2, "其中劳模"), cell_at(XS, YS, 1, 3, "万元"),
    cell_at(XS, YS, 2, 0, "哈密市"), cell_at(XS, YS, 2, 1, "125户"), cell_at(XS, YS, 2, 2, "25户"),
    cell_at(XS, YS, 2, 3, "7"),
    cell_at(XS, YS, 3, 0, "巴里坤县"), cell_at(XS, YS, 3, 1, "176户"), cell_at(XS, YS, 3, 2, "48户"),
    cell_at(XS, YS, 3, 3, "10.7"),
    cell_at(XS, YS, 4, 0, "合计"), cell_at(XS, YS, 4, 1, "301户"), cell_at(XS, YS, 4, 2, "73户"),
    cell_at(XS, YS, 4, 3, "17.7"),
    Text(MARGIN + 22, 350, "以上慰问金已全部发放到户。"),
]


def test_ruled_table() -> None:
    doc = read(pdf(RULED))
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert (t.rows, t.cols, t.page) == (5, 4, 1)
    got = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in t.cells}
    assert got[0, 0] == ("单位", 2, 1)
    assert got[0, 1] == ("走访慰问", 1, 2)
    assert got[0, 3] == ("慰问金", 1, 1)
    assert (1, 0) not in got and (0, 2) not in got  # covered by the merged cells
    assert [got[4, j][0] for j in range(4)] == ["合计", "301户", "73户", "17.7"]
    assert t.cell(1, 0) is not None and t.cell(1, 0).text == "单位"  # type: ignore[union-attr]
    for c in t.cells:
        assert doc.text[c.span[0]:c.span[1]] == c.text
    assert doc.text[t.span[0]:t.span[1]].splitlines()[-1] == "合计\t301户\t73户\t17.7"
    # the table's words are not read a second time as running text
    assert doc.text.count("巴里坤县") == 1
    assert body(doc) == ["本次共走访慰问困难职工301户，情况如下：", "以上慰问金已全部发放到户。"]
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph", "table", "paragraph"]


def test_unruled_table() -> None:
    rows = [("单位", "户数", "金额"), ("哈密市", "125户", "7万元"), ("巴里坤县", "176户", "10.7万元"),
            ("合计", "301户", "17.7万元")]
    ops: list[Op] = [Text(MARGIN + 22, 520, "情况如下表。")]
    ops += [Text(x, 490 - 20 * i, cell) for i, row in enumerate(rows) for x, cell in zip((MARGIN, 160, 250), row,
                                                                                          strict=True)]
    ops.append(Text(MARGIN + 22, 390, "以上款物已发放。"))
    doc = read(pdf(ops))
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert [[c.text for c in t.cells if c.row == i] for i in range(t.rows)] == [list(r) for r in rows]
    assert body(doc) == ["情况如下表。", "以上款物已发放。"]


# -- pages: provenance, headers and footers, a paragraph across a page break -------------------

PAGE_FOOTERS = ["- 1 -", "第2页", "第 3 页 共 3 页"]


def paged() -> bytes:
    pages: list[list[Op]] = []
    for n, footer in enumerate(PAGE_FOOTERS, 1):
        ops: list[Op] = [Text(MARGIN, HEIGHT - 34, "青山镇人民政府文件", 8), Rule(MARGIN, HEIGHT - 38, WIDTH - MARGIN,
                                                                          HEIGHT - 38)]
        ops.append(Text((WIDTH - pdfmetrics.stringWidth(footer, FONT, 9)) / 2, 26, footer, 9))
        if n == 1:
            ops += [Text(140, HEIGHT - 80, "第一页的标题", 16), *wrapped("第一页正文。", HEIGHT - 120)]
            # a paragraph that the page break cuts: its last line on page 1 runs to the edge
            ops += [line for line in wrapped(LONG, 90) if line.y >= MARGIN]
        elif n == 2:
            rest = [line for line in wrapped(LONG, 90) if line.y < MARGIN]
            ops += [Text(line.x, line.y + HEIGHT - 90 - MARGIN - 10, line.text) for line in rest]
            ops += wrapped("第二页正文。", HEIGHT - 200)
        else:
            ops += wrapped("第三页正文。", HEIGHT - 100)
        pages.append(ops)
    return pdf(*pages)


def test_pages_headers_footers() -> None:
    doc = read(paged())
    assert doc.meta["pages"] == 3
    blocks = [(b.kind, b.page, doc.text[b.span[0]:b.span[1]]) for b in doc.blocks]
    assert [b for b in blocks if b[0] == "footer"] == [("footer", n, f) for n, f in enumerate(PAGE_FOOTERS, 1)]
    assert [b[1] for b in blocks if b[0] == "header"] == [1, 2, 3]
    assert all(b[2] == "青山镇人民政府文件" for b in blocks if b[0] == "header")
    assert [b for b in blocks if b[0] in ("paragraph", "heading")] == [
        ("heading", 1, "第一页的标题"),
        ("paragraph", 1, "第一页正文。"),
        ("paragraph", 1, LONG),  # re-joined across the page break, its page the one it starts on
        ("paragraph", 2, "第二页正文。"),
        ("paragraph", 3, "第三页正文。"),
    ]
    # the footer and header the paragraph ran across come after it, not inside it
    assert [b[0] for b in blocks][:6] == ["header", "heading", "paragraph", "paragraph", "footer", "header"]


def test_paged_fixture_really_breaks() -> None:
    """Guard the fixture: the long paragraph does run over onto page 2."""
    lines = wrapped(LONG, 90)
    assert any(ln.y >= MARGIN for ln in lines) and any(ln.y < MARGIN for ln in lines)


# -- bad files ------------------------------------------------------------------------------


def scanned() -> bytes:
    """A page that is a picture of text (a scan): images, no characters."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (200, 80), 255)
    ImageDraw.Draw(img).rectangle((20, 20, 180, 60), outline=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5, invariant=1)
    c.drawImage(ImageReader(img), MARGIN, 400, 200, 80)
    c.showPage()
    c.save()
    return buf.getvalue()


GOOD = [Text(MARGIN + 22, 500, "春节前夕共慰问困难家庭700余户，发放慰问金12.5万元。")]


def zero_pages() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


@dataclass(frozen=True)
class BadCase:
    id: str
    make: Callable[[], bytes]
    code: str
    limits: Limits = field(default_factory=Limits)


BAD = [
    BadCase("scanned", scanned, "no_text_layer"),
    BadCase("encrypted", lambda: pdf(GOOD, encrypt="secret"), "encrypted"),
    BadCase("truncated", lambda: pdf(GOOD, GOOD)[:-700], "corrupt_file"),
    BadCase("truncated-half", lambda: (lambda d: d[: len(d) // 2])(pdf(GOOD, GOOD)), "corrupt_file"),
    BadCase("broken-body", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog\n%%EOF\n", "corrupt_file"),
    BadCase("zero-pages", zero_pages, "corrupt_file"),
    BadCase("too-many-pages", lambda: pdf(GOOD, GOOD, GOOD), "limit_exceeded", Limits(max_pages=2)),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD])
def test_bad_file(case: BadCase, tmp_path: Path) -> None:
    path = tmp_path / f"{case.id}.pdf"
    path.write_bytes(case.make())
    got = extract_path(path, case.limits)
    assert isinstance(got, ErrorRecord), got
    assert got.code == case.code, got.message
    assert got.message  # bilingual, says why


def test_encrypted_with_empty_user_password_is_read() -> None:
    """Owner-password-only encryption (print/copy flags) does not stop reading the text."""
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0)
    # Latin text in a standard font: pdfminer does not decrypt the CID font's /CIDSystemInfo
    # strings, so Chinese text in an encrypted file reads as unmapped glyphs (no_text_layer)
    doc = read(pdf([Text(MARGIN, 500, "Total 12.5", font="Helvetica")], encrypt=enc))
    assert "Total 12.5" in doc.text


@pytest.fixture(scope="session")
def pages_5000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 5,000-page PDF of tiny pages (built once: a couple of seconds)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(40, 20), invariant=1)
    for i in range(5000):
        c.setFont("Helvetica", 6)
        c.drawString(2, 6, str(i))
        c.showPage()
    c.save()
    path = tmp_path_factory.mktemp("pdf") / "pages_5000.pdf"
    path.write_bytes(buf.getvalue())
    return path


def test_page_limit_is_checked_before_the_pages(pages_5000: Path) -> None:
    start = time.perf_counter()
    got = extract_path(pages_5000, Limits(max_pages=1000))
    elapsed = time.perf_counter() - start
    assert isinstance(got, ErrorRecord) and got.code == "limit_exceeded", got
    assert "5000 pages" in got.message
    assert elapsed < 2.0, f"{elapsed:.2f}s: the pages were read before the limit was checked"


def test_page_limit_builds_no_page(pages_5000: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count comes from the page tree: pdfplumber's pages are never built."""
    import pdfplumber.pdf

    def boom(self: object) -> None:
        raise AssertionError("pages built")

    monkeypatch.setattr(pdfplumber.pdf.PDF, "pages", property(boom))
    with pytest.raises(LimitExceededError):
        read(pages_5000.read_bytes())


def test_folder_with_bad_files(tmp_path: Path) -> None:
    """Bad PDFs give error rows; the good one in the same folder is still extracted."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.pdf").write_bytes(pdf(GOOD))
    for case in BAD[:3]:
        (folder / f"{case.id}.pdf").write_bytes(case.make())
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "-o", str(out)]) == 1  # some file gave an error row
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = {Path(r["source"]).stem: r["error"]["code"] for r in rows if r.get("error")}
    assert errors == {"scanned": "no_text_layer", "encrypted": "encrypted", "truncated": "corrupt_file"}
    good = [r for r in rows if Path(r["source"]).name == "good.pdf"]
    assert len(good) == 1
    values = {(f["kind"], f["text"]) for f in good[0]["facts"]}
    assert ("money", "12.5万元") in values and ("count", "700余户") in values
    for f in good[0]["facts"]:
        assert good[0]["text"][f["span"][0]:f["span"][1]] == f["text"]
