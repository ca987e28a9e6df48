""".docx reader, table-driven: reading order, merged cells read once, headers and footers, list
numbers put back, every table cell's span, the rendered fixtures of corpus/rendered/docx/, and
the bad files (truncated, not a Word package, zip bomb, encrypted) as typed errors and, through
the pipeline and the CLI, as error rows while the good file beside them is still read."""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from extractor import ErrorRecord, extract_path
from extractor.errors import (
    CorruptFileError,
    EncryptedFileError,
    ExtractorError,
    LimitExceededError,
    UnsupportedFormatError,
)
from extractor.model import Document
from extractor.readers import Limits, read_bytes
from extractor.readers.docx import OLE_MAGIC, _format_number, check_zip, is_encrypted_ole, read
from extractor.ui.cli import main as cli_main

from .conftest import ROOT

RENDERED = ROOT / "corpus" / "rendered" / "docx"
sys.path.insert(0, str(ROOT / "scripts"))


# ---------------------------------------------------------------- helpers


def save(d: DocxDocument) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def read_doc(d: DocxDocument, name: str = "a.docx") -> Document:
    return read_bytes(save(d), name)


def block_texts(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.span[0]:b.span[1]]) for b in doc.blocks]


def check_spans(doc: Document) -> None:
    """Every block and every table cell points at its own text."""
    for b in doc.blocks:
        assert 0 <= b.span[0] <= b.span[1] <= len(doc.text)
    for t in doc.tables:
        for c in t.cells:
            s, e = c.span
            assert doc.text[s:e] == c.text, c
            assert t.span[0] <= s <= e <= t.span[1]


def body_xml(d: DocxDocument, xml: str) -> None:
    """Append raw WordprocessingML (paragraphs, tables, content controls) to the body."""
    body = d.element.body
    sect = body[-1]  # w:sectPr stays last
    for el in list(parse_xml(f'<w:body {nsdecls("w")}>{xml}</w:body>')):
        sect.addprevious(el)


def grid(rows: int, cols: int, merges: Sequence[tuple[int, int, int, int]] = ()) -> DocxDocument:
    """A document: a paragraph, a rows×cols table (cell text ``r,c``, merges applied), a paragraph."""
    d = docx.Document()
    d.add_paragraph("表前")
    t = d.add_table(rows=rows, cols=cols)
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    for r in range(rows):
        for c in range(cols):
            if (r, c) not in covered:
                t.cell(r, c).text = f"{r},{c}"
    for r0, c0, r1, c1 in merges:
        t.cell(r0, c0).merge(t.cell(r1, c1))
    d.add_paragraph("表后")
    return d


# ---------------------------------------------------------------- reading order and kinds


def test_reading_order_paragraph_table_paragraph() -> None:
    doc = read_doc(grid(2, 2))
    assert doc.format == "docx"
    assert block_texts(doc) == [("paragraph", "表前"), ("table", "0,0\t0,1\n1,0\t1,1"), ("paragraph", "表后")]
    assert doc.text == "表前\n0,0\t0,1\n1,0\t1,1\n表后\n"
    check_spans(doc)


@pytest.mark.parametrize(
    ("style", "kind"),
    [
        pytest.param("Title", "heading", id="title"),
        pytest.param("Heading 1", "heading", id="heading-1"),
        pytest.param("Heading 3", "heading", id="heading-3"),
        pytest.param("Normal", "paragraph", id="normal"),
        pytest.param("Body Text", "paragraph", id="body-text"),
        pytest.param("List Paragraph", "paragraph", id="list-paragraph-without-numbering"),
        pytest.param("List Number", "list_item", id="list-number-style-numbering"),
        pytest.param("List Bullet", "list_item", id="list-bullet"),
    ],
)
def test_paragraph_kinds(style: str, kind: str) -> None:
    d = docx.Document()
    d.add_paragraph("慰问情况", style=style)
    doc = read_doc(d)
    assert [b.kind for b in doc.blocks] == [kind]


def test_chinese_heading_style_and_outline_level() -> None:
    """A style named 标题 1 (a Chinese Word's own), a style based on a heading, and an outline
    level set on the paragraph are headings."""
    d = docx.Document()
    styles = d.styles.element
    styles.append(parse_xml(f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="a1"><w:name w:val="标题 1"/>'
                            '</w:style>'))
    styles.append(parse_xml(f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="mine"><w:name w:val="我的标题"/>'
                            '<w:basedOn w:val="Heading2"/></w:style>'))
    body_xml(d, '<w:p><w:pPr><w:pStyle w:val="a1"/></w:pPr><w:r><w:t>一、基本情况</w:t></w:r></w:p>'
                '<w:p><w:pPr><w:pStyle w:val="mine"/></w:pPr><w:r><w:t>（一）资金</w:t></w:r></w:p>'
                '<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>二、做法</w:t></w:r></w:p>'
                '<w:p><w:pPr><w:outlineLvl w:val="9"/></w:pPr><w:r><w:t>正文</w:t></w:r></w:p>')
    assert block_texts(read_doc(d)) == [("heading", "一、基本情况"), ("heading", "（一）资金"), ("heading", "二、做法"),
                                        ("paragraph", "正文")]


@pytest.mark.parametrize(
    ("xml", "text"),
    [
        pytest.param('<w:r><w:t>共</w:t></w:r><w:ins><w:r><w:t>700余户</w:t></w:r></w:ins>', "共700余户",
                     id="tracked-insertion-kept"),
        pytest.param('<w:r><w:t>共</w:t></w:r><w:del><w:r><w:delText>600户</w:delText></w:r></w:del>'
                     '<w:r><w:t>700户</w:t></w:r>', "共700户", id="tracked-deletion-dropped"),
        pytest.param('<w:hyperlink><w:r><w:t>慰问</w:t></w:r></w:hyperlink><w:r><w:t>金</w:t></w:r>', "慰问金",
                     id="hyperlink"),
        pytest.param('<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r>', "甲\t乙\n丙",
                     id="tab-and-line-break"),
        pytest.param('<w:r><w:t>甲</w:t><w:br w:type="page"/><w:t>乙</w:t></w:r>', "甲乙", id="page-break"),
        pytest.param('<w:r><w:t>第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                     '<w:r><w:instrText> SEQ 表 </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                     '<w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>批</w:t></w:r>',
                     "第3批", id="field-result-kept-code-dropped"),
        pytest.param('<w:sdt><w:sdtContent><w:r><w:t>12.5万元</w:t></w:r></w:sdtContent></w:sdt>', "12.5万元",
                     id="inline-content-control"),
        pytest.param('<w:r><w:t>正文</w:t></w:r><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.'
                     'org/drawingml/2006/wordprocessingDrawing"><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>'
                     '</w:txbxContent></wp:inline></w:drawing></w:r>', "正文", id="text-box-ignored"),
        pytest.param('<w:r><w:t xml:space="preserve">  慰问  </w:t></w:r>', "  慰问  ", id="spaces-kept"),
    ],
)
def test_run_text(xml: str, text: str) -> None:
    d = docx.Document()
    body_xml(d, f"<w:p>{xml}</w:p>")
    doc = read_doc(d)
    assert doc.text == text + "\n"


def test_block_content_control_is_read() -> None:
    """python-docx's iter_inner_content skips a paragraph inside a block-level w:sdt; the reader does not."""
    d = docx.Document()
    d.add_paragraph("前")
    body_xml(d, '<w:sdt><w:sdtContent><w:p><w:r><w:t>控件内</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    d.add_paragraph("后")
    assert read_doc(d).text == "前\n控件内\n后\n"


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Merge:
    id: str
    rows: int
    cols: int
    merges: tuple[tuple[int, int, int, int], ...]
    #: (row, col, rowspan, colspan) of every cell read, in order
    cells: tuple[tuple[int, int, int, int], ...]
    text: str


MERGES = [
    Merge("2x2-block", 3, 3, ((0, 0, 1, 1),),
          ((0, 0, 2, 2), (0, 2, 1, 1), (1, 2, 1, 1), (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)),
          "0,0\t\t0,2\n\t\t1,2\n2,0\t2,1\t2,2"),
    Merge("colspan", 2, 3, ((0, 0, 0, 2),),
          ((0, 0, 1, 3), (1, 0, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1)),
          "0,0\t\t\n1,0\t1,1\t1,2"),
    Merge("rowspan", 3, 2, ((0, 1, 2, 1),),
          ((0, 0, 1, 1), (0, 1, 3, 1), (1, 0, 1, 1), (2, 0, 1, 1)),
          "0,0\t0,1\n1,0\t\n2,0\t"),
    Merge("header-like", 3, 3, ((0, 0, 1, 0), (0, 1, 0, 2)),
          ((0, 0, 2, 1), (0, 1, 1, 2), (1, 1, 1, 1), (1, 2, 1, 1), (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)),
          "0,0\t0,1\t\n\t1,1\t1,2\n2,0\t2,1\t2,2"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in MERGES])
def test_merged_cells_read_once(case: Merge) -> None:
    doc = read_doc(grid(case.rows, case.cols, case.merges))
    (table,) = doc.tables
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == list(case.cells)
    assert doc.text[table.span[0]:table.span[1]] == case.text
    assert (table.rows, table.cols) == (case.rows, case.cols)
    for c in table.cells:
        assert doc.text.count(c.text) == 1, c  # the merged cell's text is written once
        for r in range(c.row, c.row + c.rowspan):
            for k in range(c.col, c.col + c.colspan):
                assert table.cell(r, k) == c
    check_spans(doc)


def test_row_under_a_merge_with_no_text_is_dropped_and_the_rowspan_follows() -> None:
    """The builder drops a row with no text; the reader drops it first so the rowspan stays true."""
    d = grid(3, 2, ((0, 0, 2, 0),))
    d.tables[0].cell(1, 1).text = ""
    doc = read_doc(d)
    (table,) = doc.tables
    assert table.rows == 2
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 2, 1, "0,0"), (0, 1, 1, 1, "0,1"), (1, 1, 1, 1, "2,1")]
    check_spans(doc)


def test_nested_table_is_flattened_into_its_cell() -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "哈密市"
    cell = outer.cell(0, 1)
    cell.text = "明细"
    inner = cell.add_table(rows=2, cols=2)
    for r, row in enumerate((("低保户", "120户"), ("单亲家庭", "60户"))):
        for c, v in enumerate(row):
            inner.cell(r, c).text = v
    doc = read_doc(d)
    (table,) = doc.tables
    assert [c.text for c in table.cells] == ["哈密市", "明细 低保户 120户 单亲家庭 60户"]
    check_spans(doc)


def test_cell_paragraphs_and_numbering_in_cells() -> None:
    d = docx.Document()
    t = d.add_table(rows=1, cols=1)
    t.cell(0, 0).text = "第一行"
    t.cell(0, 0).add_paragraph("第二行")
    t.cell(0, 0).add_paragraph("项目", style="List Number")
    doc = read_doc(d)
    assert [c.text for c in doc.tables[0].cells] == ["第一行 第二行 1.项目"]


# ---------------------------------------------------------------- headers and footers


def test_header_and_footer_once_before_and_after_the_body() -> None:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "东湖街道办事处"
    d.sections[0].footer.paragraphs[0].text = "内部资料"
    d.add_paragraph("正文一")
    d.add_section(WD_SECTION.NEW_PAGE)  # the second section inherits the same header and footer
    d.add_paragraph("正文二")
    doc = read_doc(d)
    assert block_texts(doc) == [("header", "东湖街道办事处"), ("paragraph", "正文一"), ("paragraph", "正文二"),
                                ("footer", "内部资料")]


def test_headers_of_sections_first_page_and_page_fields() -> None:
    d = docx.Document()
    s1 = d.sections[0]
    s1.different_first_page_header_footer = True
    s1.first_page_header.paragraphs[0].text = "首页页眉"
    s1.header.paragraphs[0].text = "东湖街道办事处"
    fp = s1.footer.paragraphs[0]
    fp.text = "第"
    for xml in ('<w:fldChar w:fldCharType="begin"/>', '<w:instrText> PAGE </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>1</w:t>", '<w:fldChar w:fldCharType="end"/>'):
        fp._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
    fp.add_run("页")
    d.add_paragraph("正文")
    s2 = d.add_section(WD_SECTION.NEW_PAGE)
    s2.different_first_page_header_footer = False
    s2.header.is_linked_to_previous = False
    s2.header.paragraphs[0].text = "第二节页眉"
    s1.even_page_header.paragraphs[0].text = "偶数页（未启用）"
    doc = read_doc(d)
    assert block_texts(doc) == [("header", "首页页眉"), ("header", "东湖街道办事处"), ("header", "第二节页眉"),
                                ("paragraph", "正文"), ("footer", "第页")]


def test_header_with_a_dangling_relationship_is_skipped() -> None:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉"
    d.add_paragraph("正文")
    sect = d.sections[0]._sectPr
    for ref in sect.findall(qn("w:headerReference")):
        ref.set(qn("r:id"), "rId999")
    assert block_texts(read_doc(d)) == [("paragraph", "正文")]


def test_no_header_no_footer() -> None:
    d = docx.Document()
    d.add_paragraph("正文")
    doc = read_doc(d)
    assert block_texts(doc) == [("paragraph", "正文")]


# ---------------------------------------------------------------- numbering


@dataclass(frozen=True)
class Numbered:
    id: str
    #: abstractNum id → its levels (numFmt, lvlText, start[, suff[, lvlRestart]])
    abstracts: dict[int, tuple[tuple[str, ...], ...]]
    #: numId → (abstractNum id, {ilvl: startOverride})
    nums: dict[int, tuple[int, dict[int, int]]]
    #: paragraphs: (numId or None, ilvl, text)
    paragraphs: tuple[tuple[int | None, int, str], ...]
    want: tuple[str, ...]


NUMBERED = [
    Numbered("decimal", {1: (("decimal", "%1.", "1"),)}, {1: (1, {})},
             ((1, 0, "主题"), (1, 0, "时间"), (None, 0, "说明"), (1, 0, "要求")),
             ("1.主题", "2.时间", "说明", "3.要求")),
    Numbered("chinese-counting", {1: (("chineseCounting", "%1、", "9"),)}, {1: (1, {})},
             ((1, 0, "甲"), (1, 0, "乙"), (1, 0, "丙")), ("九、甲", "十、乙", "十一、丙")),
    Numbered("full-width-parens", {1: (("chineseCounting", "（%1）", "1"),)}, {1: (1, {})},
             ((1, 0, "生活救助"), (1, 0, "医疗救助")), ("（一）生活救助", "（二）医疗救助")),
    Numbered("multi-level-resets", {1: (("chineseCounting", "%1、", "1"), ("chineseCounting", "（%2）", "1"),
                                        ("decimal", "%3.", "1"))}, {1: (1, {})},
             ((1, 0, "基本情况"), (1, 1, "资金"), (1, 1, "对象"), (1, 2, "低保"), (1, 0, "做法"), (1, 1, "宣传"),
              (1, 2, "媒体")),
             ("一、基本情况", "（一）资金", "（二）对象", "1.低保", "二、做法", "（一）宣传", "1.媒体")),
    Numbered("legal-two-levels", {1: (("decimal", "%1.", "1"), ("decimal", "%1.%2", "1"))}, {1: (1, {})},
             ((1, 0, "总则"), (1, 1, "目的"), (1, 1, "范围")), ("1.总则", "1.1 目的", "1.2 范围")),
    Numbered("start-override-restarts", {1: (("decimal", "%1.", "1"),)}, {1: (1, {}), 2: (1, {0: 1}), 3: (1, {0: 5})},
             ((1, 0, "甲"), (1, 0, "乙"), (2, 0, "丙"), (3, 0, "丁")), ("1.甲", "2.乙", "1.丙", "5.丁")),
    Numbered("shared-abstract-continues", {1: (("decimal", "(%1)", "1"),)}, {1: (1, {}), 2: (1, {})},
             ((1, 0, "甲"), (2, 0, "乙"), (1, 0, "丙")), ("(1)甲", "(2)乙", "(3)丙")),
    Numbered("level-never-restarts", {1: (("decimal", "%1.", "1"), ("decimal", "(%2)", "1", "tab", "0"))},
             {1: (1, {})}, ((1, 0, "甲"), (1, 1, "乙"), (1, 0, "丙"), (1, 1, "丁")),
             ("1.甲", "(1)乙", "2.丙", "(2)丁")),
    Numbered("suffix-space", {1: (("chineseCounting", "第%1章", "1", "space"),)}, {1: (1, {})},
             ((1, 0, "总则"), (1, 0, "附则")), ("第一章 总则", "第二章 附则")),
    Numbered("suffix-nothing", {1: (("decimal", "%1", "1", "nothing"),)}, {1: (1, {})},
             ((1, 0, "号文"),), ("1号文",)),
    Numbered("bullet-no-label", {1: (("bullet", "\uf0b7", "1"),)}, {1: (1, {})},
             ((1, 0, "慰问困难群众"),), ("慰问困难群众",)),
    Numbered("num-zero-is-none", {1: (("decimal", "%1.", "1"),)}, {1: (1, {})},
             ((0, 0, "不编号"), (1, 0, "编号")), ("不编号", "1.编号")),
    Numbered("unknown-num", {1: (("decimal", "%1.", "1"),)}, {1: (1, {})},
             ((7, 0, "无定义"),), ("无定义",)),
    Numbered("circled-and-roman", {1: (("decimalEnclosedCircle", "%1", "1", "nothing"), ("upperRoman", "%2.", "1"))},
             {1: (1, {})}, ((1, 0, "甲"), (1, 1, "乙"), (1, 1, "丙")), ("①甲", "I.乙", "II.丙")),
]


def numbered_document(case: Numbered) -> DocxDocument:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    for aid, levels in case.abstracts.items():
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{lv[2]}"/><w:numFmt w:val="{lv[0]}"/>'
            + (f'<w:suff w:val="{lv[3]}"/>' if len(lv) > 3 else "")
            + (f'<w:lvlRestart w:val="{lv[4]}"/>' if len(lv) > 4 else "")
            + f'<w:lvlText w:val="{lv[1]}"/></w:lvl>'
            for i, lv in enumerate(levels))
        numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{900 + aid}">{lvls}'
                                      '</w:abstractNum>'))
    for nid, (aid, overrides) in case.nums.items():
        over = "".join(f'<w:lvlOverride w:ilvl="{k}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                       for k, v in overrides.items())
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{900 + nid}">'
                                   f'<w:abstractNumId w:val="{900 + aid}"/>{over}</w:num>'))
    for para_num, ilvl, text in case.paragraphs:
        p = d.add_paragraph(text)
        if para_num is not None:
            num = 0 if para_num == 0 else 900 + para_num
            ppr: Any = p._p.get_or_add_pPr()
            ppr.insert(0, parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>'))
    return d


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in NUMBERED])
def test_numbering_put_back(case: Numbered) -> None:
    doc = read_doc(numbered_document(case))
    assert doc.text.splitlines() == list(case.want)
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["paragraph" if nid in (None, 0, 7) else "list_item" for nid, _, _ in case.paragraphs]


def test_numbered_heading_stays_a_heading() -> None:
    case = NUMBERED[2]
    d = numbered_document(case)
    for p in d.paragraphs:
        p.style = d.styles["Heading 2"]
    doc = read_doc(d)
    assert block_texts(doc) == [("heading", "（一）生活救助"), ("heading", "（二）医疗救助")]


@pytest.mark.parametrize(
    ("n", "fmt", "want"),
    [
        (1, "decimal", "1"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"), (21, "chineseCountingThousand", "二十一"), (100, "chineseCounting", "一百"),
        (105, "chineseCounting", "一百零五"), (110, "chineseCounting", "一百一十"),
        (1010, "chineseCounting", "一千零一十"),
        (11, "chineseLegalSimplified", "壹拾壹"), (3, "ideographTraditional", "丙"), (2, "ideographZodiac", "丑"),
        (10, "ideographDigital", "一〇"), (4, "upperRoman", "IV"), (14, "lowerRoman", "xiv"), (2, "lowerLetter", "b"),
        (28, "upperLetter", "BB"), (3, "decimalEnclosedCircle", "③"), (2, "decimalEnclosedParen", "⑵"),
        (12, "decimalFullWidth", "１２"), (7, "decimalZero", "07"), (5, "none", ""), (5, "someFutureFormat", "5"),
    ],
)
def test_format_number(n: int, fmt: str, want: str) -> None:
    assert _format_number(n, fmt) == want


# ---------------------------------------------------------------- the rendered fixtures


FIXTURES = sorted(RENDERED.glob("*.docx"))


def test_fixtures_are_there() -> None:
    assert len(FIXTURES) >= 11
    assert (RENDERED / "000_b2e30e7327201b52.docx").exists()


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem[:24]) for p in FIXTURES])
def test_fixture_spans_and_words(path: Path) -> None:
    """Every cell's span maps back to its text, and every line of the source text is in the
    rendered text (but those whose sentence became a table)."""
    from extractor.readers import read_path

    doc = read_path(path)
    check_spans(doc)
    assert doc.blocks[0].kind == "header"
    src = next(ROOT.glob(f"corpus/*/{path.stem}.txt"))
    lines = {ln.strip() for ln in doc.text.splitlines()}
    missing = [ln.strip() for ln in read_path(src).text.splitlines() if ln.strip() and ln.strip() not in lines]
    assert len(missing) <= 1, missing  # a line cut for a table (checked for its figures by the script)


def test_fixtures_are_up_to_date() -> None:
    """The committed fixtures are what scripts/make_fixtures.py renders (by content)."""
    import make_fixtures

    assert make_fixtures.main(["--formats", "docx", "--check"]) == 0


def test_fixture_rendering_is_deterministic() -> None:
    import make_fixtures

    report = make_fixtures.layout(make_fixtures.SOURCES[0])
    assert make_fixtures.render_docx(report) == make_fixtures.render_docx(report)


def test_fixture_table_and_numbering() -> None:
    """The seed's table (a merged header) and its restored numbering read as the text says."""
    from extractor.readers import read_path

    doc = read_path(RENDERED / "000_b2e30e7327201b52.docx")
    table = doc.tables[0]
    assert [(c.text, c.rowspan, c.colspan) for c in table.cells[:3]] == [("单位", 2, 1), ("走访慰问", 1, 2),
                                                                         ("慰问金", 2, 1)]
    assert table.cell(6, 1) is not None and table.cell(6, 1).text == "400名"  # type: ignore[union-attr]
    lines = doc.text.splitlines()
    assert "1.主题:情系困难职工,温暖千家万户。" in lines
    assert "(2)全地区将为76名自治区级以上劳模发放春节慰问金、特殊困难帮扶金20.4万元。" in lines
    kinds = dict((doc.text[b.span[0]:b.span[1]], b.kind) for b in doc.blocks)
    assert kinds["一、活动主题和时间"] == "heading"
    assert kinds["1.主题:情系困难职工,温暖千家万户。"] == "list_item"


# ---------------------------------------------------------------- bad files


def good_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("春节前夕，我街共慰问困难家庭700余户，发放慰问金12.5万元。")
    return save(d)


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def broken_xml() -> bytes:
    m = members_of(good_docx())
    m["word/document.xml"] = b"<w:document><w:body><w:p>"  # cut off
    return zip_of(m)


def no_content_types() -> bytes:
    m = members_of(good_docx())
    del m["[Content_Types].xml"]
    return zip_of(m)


def with_main_type(content_type: str) -> Callable[[], bytes]:
    def make() -> bytes:
        m = members_of(good_docx())
        main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        assert main in m["[Content_Types].xml"]
        m["[Content_Types].xml"] = m["[Content_Types].xml"].replace(main, content_type.encode())
        return zip_of(m)

    return make


def bomb() -> bytes:
    """A Word package with one more member: 8 MiB of zeros that packs to a few KiB."""
    m = members_of(good_docx())
    m["word/media/padding.bin"] = bytes(8 << 20)
    return zip_of(m)


def cfb(names: Sequence[str]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors): a FAT sector, a directory
    sector with the root and ``names`` as empty streams."""
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 0x4C, 0)
    for k in range(1, 109):
        struct.pack_into("<I", header, 0x4C + 4 * k, free)
    fat = struct.pack("<II", fatsect, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[: len(raw)] = raw
        struct.pack_into("<HBBIII", e, 0x40, len(raw), kind, 1, free, right, child)
        struct.pack_into("<IQ", e, 0x74, end, 0)
        return bytes(e)

    entries = [entry("Root Entry", 5, child=1)]
    entries += [entry(n, 2, right=i + 2 if i + 1 < len(names) else free) for i, n in enumerate(names)]
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


ENCRYPTED = cfb(["EncryptionInfo", "EncryptedPackage"])


@pytest.mark.parametrize(
    ("data", "want"),
    [
        pytest.param(ENCRYPTED, True, id="encrypted-package"),
        pytest.param(cfb(["WordDocument", "1Table"]), False, id="plain-doc"),
        pytest.param(OLE_MAGIC + "EncryptedPackage".encode("utf-16-le") * 40, False, id="name-not-an-entry"),
        pytest.param(b"PK\x03\x04", False, id="zip"),
        pytest.param(b"", False, id="empty"),
    ],
)
def test_is_encrypted_ole(data: bytes, want: bool) -> None:
    assert is_encrypted_ole(data) is want


def test_is_encrypted_ole_on_a_real_password_protected_docx() -> None:
    """A .docx saved with a password by LibreOffice (the .doc reader's fixture)."""
    path = ROOT / "tests" / "fixtures" / "doc" / "report-encrypted.docx"
    if not path.exists():
        pytest.skip("tests/fixtures/doc/report-encrypted.docx is not there")
    data = path.read_bytes()
    assert is_encrypted_ole(data)
    with pytest.raises(EncryptedFileError):
        read(data, str(path), Limits())


@dataclass(frozen=True)
class Bad:
    id: str
    make: Callable[[], bytes]
    error: type[ExtractorError]
    code: str  # the error row's code through the pipeline (the file named .docx)
    limits: Limits | None = None  # the reader's limits (None: the defaults)


BAD = [
    Bad("truncated", lambda: good_docx()[: len(good_docx()) // 2], CorruptFileError, "corrupt_file"),
    Bad("cut-before-directory", lambda: good_docx()[:-30], CorruptFileError, "corrupt_file"),
    Bad("garbage-after-zip-magic", lambda: b"PK\x03\x04" + bytes(range(256)) * 8, CorruptFileError, "corrupt_file"),
    Bad("broken-document-xml", broken_xml, CorruptFileError, "corrupt_file"),
    Bad("no-content-types", no_content_types, CorruptFileError, "corrupt_file"),
    # a zip without word/document.xml: the reader says corrupt; read by name, sniffing says it is
    # no Word document at all before the reader sees it
    Bad("zip-not-a-docx", lambda: zip_of({"a.txt": "慰问".encode()}), CorruptFileError, "unsupported_format"),
    Bad("macro-enabled-docm", with_main_type("application/vnd.ms-word.document.macroEnabled.main+xml"),
        UnsupportedFormatError, "unsupported_format"),
    Bad("content-type-damaged", with_main_type("application/xml"), CorruptFileError, "corrupt_file"),
    Bad("bomb-over-unpacked-limit", good_docx, LimitExceededError, "limit_exceeded",
        Limits(max_unpacked_bytes=10_000)),
    Bad("bomb-ratio", bomb, LimitExceededError, "limit_exceeded"),
    # an encrypted .docx is an OLE file: sniffed as a legacy .doc, whose reader owns the pipeline's answer
    Bad("encrypted", lambda: ENCRYPTED, EncryptedFileError, ""),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD])
def test_bad_file_raises_typed_error(case: Bad) -> None:
    with pytest.raises(case.error) as e:
        read(case.make(), "bad.docx", case.limits or Limits())
    assert e.value.source == "bad.docx"
    assert e.value.detail


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD if c.code])
def test_bad_file_gives_error_row(case: Bad, tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(case.make())
    result = extract_path(path, case.limits)
    assert isinstance(result, ErrorRecord)
    assert result.code == case.code
    assert result.source == str(path)


def test_zip_limits_are_checked_before_anything_is_decompressed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a member was opened")

    big, good = bomb(), good_docx()
    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(LimitExceededError):
        check_zip(big, "bomb.docx", Limits())
    with pytest.raises(LimitExceededError, match="max_unpacked_bytes"):
        check_zip(good, "a.docx", Limits(max_unpacked_bytes=1000))
    check_zip(good, "a.docx", Limits())  # a normal file passes


def test_cli_folder_with_bad_files_still_reads_the_good_one(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.docx").write_bytes(good_docx())
    for case in BAD:
        if case.code and case.limits is None:
            (folder / f"{case.id}.docx").write_bytes(case.make())
    out = tmp_path / "out.jsonl"
    assert cli_main(["extract", str(folder), "-o", str(out)]) == 1  # some file gave an error row
    rows = {Path(r["source"]).stem: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    good = rows.pop("good")
    assert "error" not in good
    assert {f["text"] for f in good["facts"]} >= {"700余户", "12.5万元"}
    assert {k: r["error"]["code"] for k, r in rows.items()} == {
        c.id: c.code for c in BAD if c.code and c.limits is None}
