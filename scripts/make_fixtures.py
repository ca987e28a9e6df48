#!/usr/bin/env python3
"""Render reports of the corpus to other formats, as fixtures scored against the same gold.

    python scripts/make_fixtures.py [--formats docx,pdf] [--out corpus/rendered] [--check]

writes ``OUT/<format>/<stem>.<format>`` for each report of ``SOURCES`` (the seed and a dozen dev
reports): the stem is the source's, so ``shared/eval/score.py`` matches a rendered file to the
gold of its text. ``--check`` writes nothing and exits 1 when a committed fixture differs from
what the script renders now (compared by content, not by the zip's bytes).

A report is laid out once, format-neutral (:func:`layout` → :class:`Piece` s: a title, headings,
paragraphs, list items with their marker, tables); each format is one function
``render_<format>(report) -> bytes`` registered in ``RENDERERS``. The words stay those of the
text, but some ``其中`` lists become real tables (``TableSpec``: the sentence is cut where the
table stands and the total moves to a 合计 row), so the rendered text differs from the .txt in
layout. In the reports marked ``numbered``, list markers (``一、``, ``（一）``, ``1.``, ``(1)``)
become real Word numbering: the marker leaves the paragraph's text and a reader has to put it
back. Output is deterministic: fixed document properties and zip timestamps.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.readers.text import decode_text  # noqa: E402
from extractor.structure.split import HEADING  # noqa: E402

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["RENDERERS", "SOURCES", "Piece", "Report", "TableSpec", "layout", "main", "render_docx", "render_pdf"]


@dataclass(frozen=True)
class TableSpec:
    """A sentence of a line that becomes a table: ``find`` (an exact part of the line) is replaced
    by ``before`` + the table + ``after``; the figures must be the same ones (checked)."""

    find: str
    before: str
    rows: tuple[tuple[str, ...], ...]
    after: str = ""
    #: merged ranges (first row, first col, last row, last col), inclusive
    merges: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class Source:
    path: str
    #: list markers as real Word numbering rather than typed text
    numbered: bool = False
    tables: tuple[TableSpec, ...] = ()


SOURCES: tuple[Source, ...] = (
    Source("corpus/seed/000_b2e30e7327201b52.txt", numbered=True, tables=(
        TableSpec(
            find="本次全地区共走访慰问400名困难劳模及职工,其中:地直55户(劳模2户)、哈密市125户(劳模25户)、"
                 "巴里坤县176户(劳模48户)、伊吾县44户(劳模0户)。将发放慰问金27.4万元,其中:地直6.1万元、"
                 "哈密市7万元、巴里坤县10.7万元、伊吾县3.6万元。",
            before="本次全地区走访慰问困难劳模及职工、将发放慰问金情况如下:",
            rows=(("单位", "走访慰问", "", "慰问金"),
                  ("", "困难劳模及职工", "其中劳模", ""),
                  ("地直", "55户", "2户", "6.1万元"),
                  ("哈密市", "125户", "25户", "7万元"),
                  ("巴里坤县", "176户", "48户", "10.7万元"),
                  ("伊吾县", "44户", "0户", "3.6万元"),
                  ("合计", "400名", "", "27.4万元")),
            merges=((0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)),
        ),
    )),
    Source("corpus/dev/001_fupin_qingshan_town.txt", numbered=True),
    Source("corpus/dev/003_chunjie_songwennuan_donghu_street.txt"),
    Source("corpus/dev/005_kunnan_zhigong_bangfu_huaneng_union.txt", numbered=True),
    Source("corpus/dev/011_hk_dongri_songnuan_union_trad.txt", numbered=True, tables=(
        TableSpec(
            find="合共探訪1,050戶,其中獨居長者620戶、低收入家庭310戶、傷殘會員家庭120戶。",
            before="探訪情況如下:",
            rows=(("類別", "戶數"), ("獨居長者", "620戶"), ("低收入家庭", "310戶"), ("傷殘會員家庭", "120戶"),
                  ("合計", "1,050戶")),
        ),
    )),
    Source("corpus/dev/012_tw_hualien_dizhen_womens_federation_trad.txt"),
    Source("corpus/dev/013_macau_chunjie_songwennuan_union_plan_trad.txt", numbered=True),
    Source("corpus/dev/014_jinqiu_zhuxue_compilation_3pian.txt"),
    Source("corpus/dev/016_kunnan_zhigong_city_union_report.txt", numbered=True),
    Source("corpus/dev/017_chongyang_jinglao_liulin_town_plan.txt", tables=(
        TableSpec(
            find="全镇现有百岁老人3名、90周岁以上高龄老人146名、特困供养及重度失能老人212名,合计361名,",
            before="全镇现有慰问对象如下:",
            rows=(("对象", "人数"), ("百岁老人", "3名"), ("90周岁以上高龄老人", "146名"),
                  ("特困供养及重度失能老人", "212名"), ("合计", "361名")),
        ),
    )),
    Source("corpus/dev/020_chunjie_weiwen_compilation_3pian.txt", numbered=True, tables=(
        TableSpec(
            find="共慰问困难群众210户,其中城乡低保户136户、特困供养人员41户、临时困难家庭33户。",
            before="慰问困难群众情况如下:",
            rows=(("对象类别", "户数"), ("城乡低保户", "136户"), ("特困供养人员", "41户"),
                  ("临时困难家庭", "33户"), ("合计", "210户")),
        ),
    )),
    Source("corpus/dev/022_tuiyi_junren_jiangbei_street_summary.txt", tables=(
        TableSpec(
            find="全街道共有退役军人1,235名,其中:转业干部86名、退役士兵1,052名、其他97名。",
            before="全街道退役军人情况如下:",
            rows=(("类别", "人数"), ("转业干部", "86名"), ("退役士兵", "1,052名"), ("其他", "97名"),
                  ("合计", "1,235名")),
        ),
    )),
    Source("corpus/dev/026_chunjie_weiwen_county_civil_affairs_notice.txt", numbered=True),
    Source("corpus/dev/030_fupin_zhucun_civil_affairs_team.txt"),
)


# ---------------------------------------------------------------- layout (format-neutral)


@dataclass(frozen=True)
class Marker:
    """A list marker as written: ``（一）`` is value 1, format chineseCounting, label ``（%1）``."""

    value: int
    fmt: Literal["decimal", "chineseCounting"]
    label: str  # Word's lvlText: the marker with %1 for the number

    def family(self) -> tuple[str, str]:
        return self.label, self.fmt


@dataclass(frozen=True)
class Piece:
    kind: Literal["title", "heading", "paragraph", "item", "signature", "table"]
    #: the text, without its marker when ``marker`` is set
    text: str = ""
    level: int = 0
    marker: Marker | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    merges: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class Report:
    stem: str
    title: str
    #: the page header: the report's issuer (its signature line), a compilation's title
    header: str | None
    pieces: tuple[Piece, ...] = field(default_factory=tuple)


_CN = "一二三四五六七八九"
# a list marker at the start of a line: 一、 （一） (一) 1. 1、 (1)
_MARKER = re.compile(
    r"""^(?:
        (?P<open>[(（])(?P<pnum>[0-9]{1,2}|[一二三四五六七八九十]{1,3})(?P<close>[)）])   # (一) （1）
      | (?P<num>[0-9]{1,2}|[一二三四五六七八九十]{1,3})(?P<sep>[、.．])(?![0-9])       # 一、 1. (not 1.5)
    )""",
    re.VERBOSE,
)
# a line that closes a report: its date (2019年12月28日, 二〇一九年十二月二十日, 20XX年9月x日)
_DATE_LINE = re.compile(r"^[0-9０-９〇一二三四五六七八九xX]{2,4}年[0-9０-９一二三四五六七八九十xX]{1,2}月"
                        r"(?:[0-9０-９一二三四五六七八九十xX]{1,3}日)?$")
_SENTENCE = re.compile(r"[。；;!！?？]")
_PLACEHOLDER = re.compile(r"[xX×某]")


def _cn_value(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23."""
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return _CN.index(s) + 1
    tens, _, ones = s.partition("十")
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)


def _marker(line: str) -> tuple[Marker, str] | None:
    m = _MARKER.match(line)
    if m is None:
        return None
    raw = m.group("pnum") or m.group("num")
    fmt: Literal["decimal", "chineseCounting"] = "decimal" if raw.isdigit() else "chineseCounting"
    label = (m.group("open") + "%1" + m.group("close")) if m.group("open") else "%1" + m.group("sep")
    return Marker(_cn_value(raw), fmt, label), line[m.end():]


def _heading_like(body: str) -> bool:
    return len(body) <= 40 and not _SENTENCE.search(body)


def _figures(s: str) -> list[str]:
    return sorted(re.findall(r"[0-9][0-9,.]*", s))


def layout(source: Source) -> Report:
    """A source report's pieces, in order."""
    path = ROOT / source.path
    text, _ = decode_text(path.read_bytes(), str(path))
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    signature = _signature_lines(lines)
    compilation = sum(1 for ln in lines if HEADING.match(ln)) >= 2
    header = next((lines[i] for i in sorted(signature) if not _DATE_LINE.match(lines[i])), None)
    if compilation:
        header = lines[0]  # each report of a compilation has its own issuer
    if header is not None and _PLACEHOLDER.search(header):
        header = None  # a blank (xx省总工会) would be one more placeholder finding
    pieces: list[Piece] = []
    used: set[TableSpec] = set()
    for i, line in enumerate(lines):
        if i == 0:
            pieces.append(Piece("title", line))
            continue
        if i in signature:
            pieces.append(Piece("signature", line))
            continue
        if compilation and HEADING.match(line):
            pieces.append(Piece("heading", line, level=1))
            continue
        spec = next((t for t in source.tables if t.find in line), None)
        if spec is None:
            pieces.append(_line_piece(line, source.numbered))
            continue
        used.add(spec)
        head, _, tail = line.partition(spec.find)
        cells = " ".join(c for row in spec.rows for c in row)
        if _figures(spec.find) != _figures(spec.before + " " + cells + " " + spec.after):
            raise ValueError(f"{source.path}: the table for {spec.find[:20]}… changes the figures")
        if head + spec.before:
            pieces.append(_line_piece(head + spec.before, source.numbered))
        pieces.append(Piece("table", rows=spec.rows, merges=spec.merges))
        if spec.after + tail:
            pieces.append(Piece("paragraph", spec.after + tail))
    missing = [t.find[:20] for t in source.tables if t not in used]
    if missing:
        raise ValueError(f"{source.path}: table text not found: {missing}")
    return Report(path.stem, lines[0], header, tuple(pieces))


def _line_piece(line: str, numbered: bool) -> Piece:
    got = _marker(line)
    if got is None:
        return Piece("paragraph", line)
    marker, body = got
    heading = _heading_like(body) and marker.label in ("%1、", "（%1）", "(%1)") and marker.fmt == "chineseCounting"
    level = 2 if marker.label == "%1、" else 3
    if not numbered:
        return Piece("heading", line, level=level) if heading else Piece("paragraph", line)
    return Piece("heading" if heading else "item", body, level=level, marker=marker)


def _signature_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines that sign a report: a date line and the issuer line just before it."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        if i and _DATE_LINE.match(line):
            out.add(i)
            prev = lines[i - 1]
            if len(prev) <= 20 and not _SENTENCE.search(prev) and not _MARKER.match(prev) \
                    and not re.search(r"[,，:：]", prev):
                out.add(i - 1)
    return out


# ---------------------------------------------------------------- .docx


_FIXED = datetime(2024, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def render_docx(report: Report) -> bytes:
    """A .docx of the report: Title and Heading styles, numbered lists through the numbering part,
    tables with merged cells, the issuer in the header and a page number (a PAGE field) in the footer."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    # parts of python-docx's template a report does not need (Word 2010 style copies, a thumbnail)
    for part in (d.part.package, d.part):
        for rid, rel in list(part.rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "thumbnail", "customXml"):
                del part.rels[rid]
    props = d.core_properties
    props.title, props.author, props.last_modified_by = report.title, report.header or "", "make_fixtures"
    props.created = props.modified = props.last_printed = _FIXED
    props.revision = 1

    section = d.sections[0]
    if report.header:
        hp = section.header.paragraphs[0]
        hp.text = report.header
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp = section.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for xml in ('<w:r {}><w:fldChar w:fldCharType="begin"/></w:r>', '<w:r {}><w:instrText> PAGE </w:instrText></w:r>',
                '<w:r {}><w:fldChar w:fldCharType="separate"/></w:r>', '<w:r {}><w:t>1</w:t></w:r>',
                '<w:r {}><w:fldChar w:fldCharType="end"/></w:r>'):
        fp._p.append(parse_xml(xml.format(nsdecls("w"))))

    numbering = d.part.numbering_part.element
    families: dict[tuple[str, str], int] = {}  # marker family → its abstractNum id
    current: dict[tuple[str, str], tuple[int, int]] = {}  # marker family → (numId, last value)
    next_id = [100]

    def num_for(m: Marker) -> int:
        fam = m.family()
        if fam not in families:
            aid = families[fam] = 100 + len(families)
            abstract = parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
                '<w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{m.fmt}"/>'
                f'<w:lvlText w:val="{m.label}"/><w:suff w:val="nothing"/><w:lvlJc w:val="left"/>'
                '<w:pPr><w:ind w:left="0" w:firstLine="480"/></w:pPr></w:lvl></w:abstractNum>')
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        got = current.get(fam)
        if got is not None and got[1] + 1 == m.value:
            current[fam] = (got[0], m.value)
            return got[0]
        nid = next_id[0]
        next_id[0] += 1
        numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{families[fam]}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{m.value}"/></w:lvlOverride></w:num>'))
        current[fam] = (nid, m.value)
        return nid

    for piece in report.pieces:
        if piece.kind == "table":
            _docx_table(d, piece)
            continue
        if piece.kind == "title":
            p = d.add_paragraph(piece.text, style="Title")
        elif piece.kind == "heading":
            p = d.add_paragraph(piece.text, style=f"Heading {piece.level}")
        elif piece.kind == "item":
            p = d.add_paragraph(piece.text, style="List Paragraph")
        else:
            p = d.add_paragraph(piece.text)
            if piece.kind == "signature":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if piece.marker is not None:
            ppr: Any = p._p.get_or_add_pPr()  # get_or_add_numPr is generated by python-docx's metaclass
            numpr = ppr.get_or_add_numPr()
            numpr.get_or_add_ilvl().val = 0
            numpr.get_or_add_numId().val = num_for(piece.marker)
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def _docx_table(d: DocxDocument, piece: Piece) -> None:
    ncols = max(len(r) for r in piece.rows)
    table = d.add_table(rows=len(piece.rows), cols=ncols)
    table.style = "Table Grid"
    covered = {(r, c) for r0, c0, r1, c1 in piece.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    for r, row in enumerate(piece.rows):
        for c, value in enumerate(row):
            if (r, c) in covered:
                if value:
                    raise ValueError(f"text {value!r} in a merged-away cell ({r}, {c})")
                continue
            table.cell(r, c).text = value
    for r0, c0, r1, c1 in piece.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps and permissions, so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


# ---------------------------------------------------------------- .pdf

# A report is laid out by hand on a reportlab canvas with the built-in CID font STSong-Light (no
# font file; it draws simplified and traditional characters): A5 pages (A4 for the seed), so
# that every report runs over two pages or more; wrapped paragraphs with a two-character
# first-line indent, headings, signature lines set right, ruled tables (merged cells drawn as one
# box), the header's text over a rule at the top of each page and a page number in the footer.
# Per report (by its place in SOURCES) some features vary: fake bold headings (drawn twice 0.3pt
# apart), letter spacing (Tc) in the body or the headings, the page-number form.

_PDF_FONT = "STSong-Light"
#: code points STSong-Light (UniGB-UCS2-H) has no glyph for, drawn as the same Adobe-GB1 glyph
#: under another code point that pdfminer maps back to the first (U+30FB ・ reads as U+00B7 ·)
_PDF_GLYPHS = {0x00B7: 0x30FB}
# a line may not start with these (kinsoku): the character before moves down with them
_PDF_NO_START = frozenset("，。、；：？！”’）》】」』,.;:?!)%")
# wrapping units: a run of Latin letters and digits (never cut) or one character
_PDF_TOKEN = re.compile(r"[0-9A-Za-z.,%¥/\-]+|.", re.DOTALL)
_PDF_CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class PdfStyle:
    """How one report is drawn."""

    page: tuple[float, float]
    #: character spacing (Tc, points) of the body text and of the headings
    body_space: float = 0.0
    heading_space: float = 0.0
    #: headings drawn twice, 0.3pt apart
    fake_bold: bool = False
    #: the footer's page number: "- {n} -", "第{n}页", "{n}", "第{n}页 共{total}页"
    footer: str = "- {n} -"


def pdf_style(report: Report) -> PdfStyle:
    """The style of a report, from its place in SOURCES (deterministic)."""
    from reportlab.lib.pagesizes import A4, A5

    stems = [Path(s.path).stem for s in SOURCES]
    k = stems.index(report.stem) if report.stem in stems else len(report.stem)
    return PdfStyle(
        page=A4 if k == 0 else A5,
        body_space=(0.0, 1.5, 0.0, 4.0)[k % 4],
        heading_space=(0.0, 0.0, 6.0, 12.0)[k % 4],
        fake_bold=k % 2 == 0,
        footer=("第{n}页 共{total}页", "- {n} -", "第{n}页", "{n}")[k % 4],
    )


def _marker_text(m: Marker) -> str:
    """A list marker as typed: 一、 （三） 1. (12)."""
    if m.fmt == "decimal":
        n = str(m.value)
    else:
        tens, ones = divmod(m.value, 10)
        n = ("" if tens < 2 else _PDF_CN_DIGITS[tens]) + ("十" if tens else "") + (_PDF_CN_DIGITS[ones] if ones else "")
    return m.label.replace("%1", n)


class _PdfPages:
    """Blocks placed on pages as drawing operations, drawn once the page count is known (so a
    footer can say 共N页)."""

    margin = 56.0
    size = 11.0
    leading = 18.0

    def __init__(self, style: PdfStyle) -> None:
        self.style = style
        self.width, self.height = style.page
        self.pages: list[list[tuple[Any, ...]]] = [[]]  # (x, y, text, size, space) or a line (x0, y0, x1, y1)
        self.y = self.height - self.margin

    def text_width(self, text: str, size: float, space: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return float(stringWidth(text, _PDF_FONT, size)) + space * len(text)

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` more points fit on this one."""
        if self.y - height < self.margin:
            self.pages.append([])
            self.y = self.height - self.margin

    def wrap(self, text: str, size: float, space: float, width: float, first_indent: float = 0.0) -> list[str]:
        """Greedy wrapping: a line breaks anywhere but inside a Latin/digit run or before closing
        punctuation (the character before it moves down too)."""
        lines: list[str] = []
        current, limit = "", width - first_indent
        for token in _PDF_TOKEN.findall(text):
            if current and self.text_width(current + token, size, space) > limit:
                if token[0] in _PDF_NO_START and len(current) > 1:
                    lines.append(current[:-1])
                    current = current[-1]
                else:
                    lines.append(current)
                    current = ""
                limit = width
            current += token
        return [*lines, current] if current else lines

    def text(self, x: float, text: str, size: float, space: float, bold: bool = False) -> None:
        self.pages[-1].append((x, self.y, text, size, space))
        if bold:
            self.pages[-1].append((x + 0.3, self.y, text, size, space))

    def paragraph(self, text: str, indent: bool = True) -> None:
        space = self.style.body_space
        first = 2 * (self.size + space) if indent else 0.0
        for k, line in enumerate(self.wrap(text, self.size, space, self.width - 2 * self.margin, first)):
            self.need(self.leading)
            self.y -= self.leading
            self.text(self.margin + (first if k == 0 else 0.0), line, self.size, space)

    def heading(self, text: str, size: float, centered: bool = False) -> None:
        space = self.style.heading_space
        self.need(2 * self.leading + size)  # never a heading alone at the foot of a page
        self.y -= 6
        for line in self.wrap(text, size, space, self.width - 2 * self.margin):
            self.need(self.leading + size)
            self.y -= self.leading + size - self.size
            width = self.text_width(line, size, space) - space
            self.text((self.width - width) / 2 if centered else self.margin, line, size, space, self.style.fake_bold)
        self.y -= 4

    def right(self, text: str) -> None:
        self.need(self.leading)
        self.y -= self.leading
        self.text(self.width - self.margin - self.text_width(text, self.size, 0.0), text, self.size, 0.0)

    def table(self, rows: tuple[tuple[str, ...], ...], merges: tuple[tuple[int, int, int, int], ...]) -> None:
        """A ruled table; a merged range is one box, its text in its first cell."""
        size, pad = self.size - 1, 4.0
        ncols = max(len(r) for r in rows)
        box = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
        covered = {(r, c) for (r0, c0), (r1, c1) in box.items() for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1)} - set(box)
        single = [(r, c) for r, row in enumerate(rows) for c in range(len(row)) if (r, c) not in box
                  and (r, c) not in covered]
        widths = [max([self.text_width(rows[r][c], size, 0.0) + 2 * pad for r, cc in single if cc == c] + [30.0])
                  for c in range(ncols)]
        avail = self.width - 2 * self.margin
        widths = [w * min(1.0, avail / sum(widths)) for w in widths]
        xs = [self.margin + sum(widths[:c]) for c in range(ncols + 1)]
        # each row as high as its most wrapped cell
        lines = {(r, c): self.wrap(rows[r][c], size, 0.0, xs[box.get((r, c), (r, c))[1] + 1] - xs[c] - 2 * pad)
                 for r, row in enumerate(rows) for c in range(len(row)) if (r, c) not in covered}
        heights = [max([len(lines.get((r, c), [])) for c in range(ncols)] + [1]) * (size + 6) + 4
                   for r in range(len(rows))]
        self.need(sum(heights) + 12)
        self.y -= 10
        ys = [self.y - sum(heights[:r]) for r in range(len(rows) + 1)]
        for (r, c), cell_lines in lines.items():
            r1, c1 = box.get((r, c), (r, c))
            x0, x1, top, bottom = xs[c], xs[c1 + 1], ys[r], ys[r1 + 1]
            self.pages[-1] += [(x0, top, x1, top), (x0, bottom, x1, bottom),
                               (x0, top, x0, bottom), (x1, top, x1, bottom)]
            y = top - (top - bottom - len(cell_lines) * (size + 6)) / 2 - size - 1
            for line in cell_lines:
                self.pages[-1].append((x0 + pad, y, line, size, 0.0))
                y -= size + 6
        self.y = ys[-1] - 6

    def draw(self, title: str, header: str | None) -> bytes:
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=self.style.page, invariant=1, pageCompression=1)
        c.setTitle(title)
        c.setAuthor("make_fixtures")
        total = len(self.pages)
        for n, ops in enumerate(self.pages, 1):
            if header:
                _pdf_text(c, self.margin, self.height - 30, header, 8, 0.0)
                c.setLineWidth(0.5)
                c.line(self.margin, self.height - 34, self.width - self.margin, self.height - 34)
            footer = self.style.footer.format(n=n, total=total)
            _pdf_text(c, (self.width - self.text_width(footer, 9, 0.0)) / 2, 26, footer, 9, 0.0)
            c.setLineWidth(0.8)
            for op in ops:
                if len(op) == 5:
                    _pdf_text(c, *op)
                else:
                    c.line(*op)
            c.showPage()
        c.save()
        return buf.getvalue()


def _pdf_text(c: Any, x: float, y: float, text: str, size: float, space: float) -> None:
    t = c.beginText(x, y)
    t.setFont(_PDF_FONT, size)
    t.setCharSpace(space)
    t.textOut(text.translate(_PDF_GLYPHS))
    c.drawText(t)


def render_pdf(report: Report) -> bytes:
    """A PDF of the report (see the comment above); the same report gives the same bytes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    pages = _PdfPages(pdf_style(report))
    after_title = False
    for piece in report.pieces:
        text = (_marker_text(piece.marker) if piece.marker else "") + piece.text
        # a salutation (各单位：) right under a title stands at the margin; other paragraphs indent
        salutation, after_title = after_title and text.endswith((":", "：")), piece.kind in ("title", "heading")
        if piece.kind == "title":
            pages.heading(text, 16, centered=True)
        elif piece.kind == "heading":
            pages.heading(text, {1: 14.0, 2: 13.0}.get(piece.level, pages.size))
        elif piece.kind == "signature":
            pages.right(text)
        elif piece.kind == "table":
            pages.table(piece.rows, piece.merges)
        else:
            pages.paragraph(text, indent=not salutation)
    return pages.draw(report.title, report.header)


#: format → (renderer, how two renderings compare: same content even if the bytes differ)
RENDERERS: dict[str, tuple[Callable[[Report], bytes], Callable[[bytes], object]]] = {
    "docx": (render_docx, _members),
    "pdf": (render_pdf, bytes),  # invariant=1: equal input gives equal bytes
}


def render_all(formats: list[str], out: Path) -> Iterator[tuple[Path, bytes, Callable[[bytes], object]]]:
    reports = [layout(s) for s in SOURCES]
    for fmt in formats:
        render, content = RENDERERS[fmt]
        for report in reports:
            yield out / fmt / f"{report.stem}.{fmt}", render(report), content


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--formats", default=",".join(RENDERERS),
                    help=f"comma-separated formats to render (known: {', '.join(RENDERERS)})")
    ap.add_argument("--out", type=Path, default=ROOT / "corpus" / "rendered", help="output folder")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed fixture is stale")
    args = ap.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        ap.error(f"unknown format(s) {', '.join(unknown)}; known: {', '.join(RENDERERS)}")
    stale = 0
    for path, data, content in render_all(formats, args.out):
        if args.check:
            if not path.exists() or content(path.read_bytes()) != content(data):
                print(f"{path} is stale: run python scripts/make_fixtures.py", file=sys.stderr)
                stale += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
