"""Readers of HTML, Markdown and legacy .doc, table-driven: sniffing by content, the article of a
saved web page without its chrome, Markdown without its markup, .doc through a converter, and
the bad files that must give one error row each while the rest of their folder is read.

Fixtures: tests/fixtures/html/ (pages written for these tests) and tests/fixtures/doc/ (made by
scripts/make_doc_fixture.py with LibreOffice). Tests that run a converter skip, naming the
Debian package, where it is not installed; every check made before a converter runs (truncated,
encrypted, corrupt, not Word) runs everywhere.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor import ErrorRecord, extract_path
from extractor.errors import (
    ConverterMissingError,
    CorruptFileError,
    EmptyFileError,
    ExtractorError,
    LimitExceededError,
    UnsupportedFormatError,
)
from extractor.model import Document, Money
from extractor.readers import Limits, read_bytes, read_path, sniff
from extractor.readers.html import decode_html
from extractor.ui.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_doc_fixture import compound_file

FIXTURES = ROOT / "tests" / "fixtures"
HTML = FIXTURES / "html"
DOC = FIXTURES / "doc"
ANTIWORD = shutil.which("antiword")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_antiword = pytest.mark.skipif(
    ANTIWORD is None, reason="antiword is not installed: apt-get install antiword (or make system-deps)")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui (or make system-deps)")

REPORT = (
    "春节慰问活动总结\n"
    "春节前夕，我街共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户，发放慰问金12.5万元。\n"
    "东湖街道办事处\n"
    "2018年1月20日\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
RAR = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32


def _docx_zip() -> bytes:
    """The smallest zip a sniffer takes for a .docx (a word/document.xml inside)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buf.getvalue()


def _spans_match(doc: Document) -> None:
    for table in doc.tables:
        for c in table.cells:
            assert doc.text[c.span[0] : c.span[1]] == c.text
    for block in doc.blocks:
        assert 0 <= block.span[0] < block.span[1] <= len(doc.text)


# --- sniffing by content -----------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    id: str
    name: str
    data: bytes
    format: str | None = None
    #: for a file that is not a report: words the error message must hold
    error: str | None = None


SNIFFED = [
    Sniffed("doc-that-is-docx", "report.doc", _docx_zip(), "docx"),
    Sniffed("txt-that-is-html", "html-named.txt", (HTML / "html-named.txt").read_bytes(), "html"),
    Sniffed("html-that-is-txt", "plain-text-named.html", (HTML / "plain-text-named.html").read_bytes(), "txt"),
    Sniffed("pdf-named-txt", "report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", "pdf"),
    Sniffed("docx-with-password-is-ole", "report.docx", (DOC / "report-encrypted.docx").read_bytes(), "doc"),
    Sniffed("doc", "report.doc", (DOC / "report.doc").read_bytes(), "doc"),
    Sniffed("md", "notes.md", "# 慰问\n共700余户".encode(), "md"),
    Sniffed("png-named-txt", "scan.txt", PNG, error="png image"),
    Sniffed("jpeg-named-txt", "photo.txt", JPEG, error="jpeg image"),
    Sniffed("rar-named-txt", "reports.txt", RAR, error="rar archive"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in SNIFFED])
def test_sniff_by_content(case: Sniffed) -> None:
    if case.error is None:
        assert sniff(case.data, case.name) == case.format
        return
    with pytest.raises(UnsupportedFormatError) as info:
        sniff(case.data, case.name)
    assert info.value.code == "unsupported_format"
    assert case.error in info.value.detail
    assert "不支持的文件格式" in info.value.message


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in SNIFFED if c.error])
def test_not_a_report_gives_a_clear_error_row(case: Sniffed, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    result = extract_path(path)
    assert isinstance(result, ErrorRecord)
    assert result.code == "unsupported_format"
    assert case.error is not None and case.error in result.message


# --- HTML ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    id: str
    file: str
    encoding: str
    title: str
    #: text the article holds
    has: tuple[str, ...]
    #: text of the site around it that must not come through
    has_not: tuple[str, ...]
    #: (row, col, text, rowspan, colspan) of cells of the page's first table
    cells: tuple[tuple[int, int, str, int, int], ...] = ()


PAGES = [
    Page(
        "news-with-chrome", "news-with-chrome.html", "utf-8", "我区开展2018年春节走访慰问困难群众活动",
        has=(
            "发布时间：2018-01-22 10:35　来源：区民政局",
            "全区共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户，发放慰问金12.5万元。",
            "各街道办事处、社区居委会具体组织实施",  # a source line break between two Chinese characters
            "基本生活保障工作。\n（区民政局　供稿）",  # <br>
            "合计\t320\t150\t12.5",
        ),
        has_not=(
            "首页", "政务公开", "无障碍", "今天是", "搜索", "请输入关键字", "东湖区人民政府\n", "当前位置", "新闻中心",
            "浏览次数", "字号", "分享到", "打印本页", "关闭窗口", "上一篇", "下一篇", "热点新闻",
            "常务会议", "专题专栏", "友情链接", "中国政府网", "关于我们", "网站地图", "主办", "版权所有", "ICP备",
            "网站标识码", "脚本写入", "_hmt", "float:left",
        ),
        cells=((0, 0, "街道", 2, 1), (0, 1, "慰问户数", 1, 2), (0, 3, "慰问金（万元）", 2, 1),
               (1, 1, "低保户", 1, 1), (1, 2, "单亲家庭", 1, 1), (1, 0, "街道", 2, 1), (4, 3, "12.5", 1, 1)),
    ),
    Page(
        "gbk-declared", "gbk-declared.html", "gb18030", "关于2018年“两节”期间走访慰问工作情况的报告",
        has=(
            "关于2018年“两节”期间走访慰问工作情况的报告",
            "我镇共走访慰问困难党员、老党员85名，发放慰问金4.25万元",
            "一、领导高度重视。",
            "桃源镇人民政府\n二〇一八年二月二十日",
        ),
        has_not=("首页", "信息公开", "办事服务", "Copyright", "版权所有", "邮编"),
        cells=((0, 0, "类别", 1, 1), (1, 1, "85名", 1, 1), (2, 2, "10.65", 1, 1)),
    ),
    Page(
        "unlabeled-chrome", "unlabeled-chrome.html", "utf-8", "西城街道开展“送温暖”慰问活动",
        has=("共走访慰问困难群众290户，发放慰问金及物资共计8.0万元", "详见慰问名单。"),
        has_not=("首页", "通知公告", "值班安排", "更多", "您现在的位置", "街道新闻", "打印本页", "主办单位",
                 "技术支持", "Copyright", "ICP备"),
        cells=((0, 0, "社区", 1, 1), (1, 0, "金桥社区", 1, 1), (2, 2, "5.0", 1, 1)),
    ),
]


@pytest.mark.parametrize("page", [pytest.param(p, id=p.id) for p in PAGES])
def test_html_article_without_chrome(page: Page) -> None:
    doc = read_path(HTML / page.file)
    assert doc.format == "html"
    assert doc.encoding == page.encoding
    assert doc.text.startswith(page.title + "\n")
    for s in page.has:
        assert s in doc.text
    for s in page.has_not:
        assert s not in doc.text, f"site chrome {s!r} came through"
    _spans_match(doc)


@pytest.mark.parametrize("page", [pytest.param(p, id=p.id) for p in PAGES])
def test_html_table_cells_with_spans(page: Page) -> None:
    doc = read_path(HTML / page.file)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    for row, col, text, rowspan, colspan in page.cells:
        cell = table.cell(row, col)
        assert cell is not None, (row, col)
        assert (cell.text, cell.rowspan, cell.colspan) == (text, rowspan, colspan)


def test_html_blocks() -> None:
    doc = read_path(HTML / "news-with-chrome.html")
    kinds = [(b.kind, doc.text[b.span[0] : b.span[1]]) for b in doc.blocks]
    assert kinds[0] == ("heading", "我区开展2018年春节走访慰问困难群众活动")
    assert [k for k, _ in kinds].count("table") == 1
    assert doc.meta["title"] == "我区开展2018年春节走访慰问困难群众活动_工作动态_东湖区人民政府"


def test_html_facts_through_the_pipeline() -> None:
    result = extract_path(HTML / "news-with-chrome.html")
    assert not isinstance(result, ErrorRecord)
    money = [f.text for r in result for f in r.facts if isinstance(f, Money)]
    assert "12.5万元" in money
    for r in result:
        assert r.meta["format"] == "html"
        for f in r.facts:
            assert r.text[f.span[0] : f.span[1]] == f.text


@dataclass(frozen=True)
class Html:
    id: str
    html: str
    text: str
    #: kind of each block, in order
    kinds: tuple[str, ...] = ()


HTML_CASES = [
    Html("br-and-inline", "<p>共慰问<br>困难家庭<b>700</b>余户</p>", "共慰问\n困难家庭700余户\n", ("paragraph",)),
    Html("list-items", "<ul><li>低保户320余户</li><li>单亲家庭150余户</li></ul>", "低保户320余户\n单亲家庭150余户\n",
         ("list_item", "list_item")),
    Html("headings", "<h1>总结</h1><h3>一、基本情况</h3><p>正文</p>", "总结\n一、基本情况\n正文\n",
         ("heading", "heading", "paragraph")),
    Html("space-between-latin-kept", "<p>共 700\n户，GDP\ngrowth</p>", "共 700 户，GDP growth\n"),
    Html("pre-as-written", "<pre>单位  户数\n哈密  125</pre>", "单位  户数\n哈密  125\n"),
    Html("hidden-dropped", '<p style="display:none">隐藏</p><p hidden>也隐藏</p><p>可见</p>', "可见\n"),
    Html("header-in-article-kept",
         "<header>站点</header><article><header><h1>题目</h1></header><p>正文内容足够长的一段话，"
         "共慰问700余户。</p><footer>责任编辑：张三</footer></article>",
         "题目\n正文内容足够长的一段话，共慰问700余户。\n"),
    Html("layout-table-read-as-blocks", "<table><tr><td><p>第一段</p><table><tr><td>a</td><td>b</td></tr></table>"
         "</td></tr></table>", "第一段\na\tb\n", ("paragraph", "table")),
    Html("one-column-table-is-layout", "<table><tr><td>标题</td></tr><tr><td>正文</td></tr></table>", "标题\n正文\n"),
    Html("colspan-rowspan-grid", "<table><tr><td rowspan=2>a</td><td>b</td><td>c</td></tr><tr><td colspan=2>d</td></tr>"
         "</table>", "a\tb\tc\n\td\t\n", ("table",)),
    Html("bad-spans-clamped", "<table><tr><td rowspan=99>a</td><td colspan=x>b</td></tr><tr><td>c</td></tr></table>",
         "a\tb\n\tc\n"),
    Html("content-word-beats-chrome-word",
         '<div class="article-header"><h1>题目</h1></div><div class="header">站</div>', "题目\n"),
    Html("xml-declaration", '<?xml version="1.0" encoding="utf-8"?><html><body><p>正文</p></body></html>', "正文\n"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in HTML_CASES])
def test_html_cases(case: Html) -> None:
    doc = read_bytes(f"<html><body>{case.html}</body></html>".encode() if not case.html.startswith("<?xml")
                     else case.html.encode(), "case.html")
    assert doc.text == case.text
    if case.kinds:
        assert tuple(b.kind for b in doc.blocks) == case.kinds
    _spans_match(doc)


@dataclass(frozen=True)
class Charset:
    id: str
    data: bytes
    encoding: str
    text: str = "慰问金12.5万元"


CHARSETS = [
    Charset("meta-charset-gbk", '<html><meta charset="gbk"><p>慰问金12.5万元</p>'.encode("gbk"), "gb18030"),
    Charset("http-equiv-gb2312", '<HTML><META http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<p>慰问金12.5万元</p>".encode("gbk"), "gb18030"),
    Charset("big5", '<html><meta charset="big5"><p>慰問金12.5萬元</p>'.encode("big5"), "big5", "慰問金12.5萬元"),
    Charset("utf8-declared-gb2312", '<html><meta charset="gb2312"><p>慰问金12.5万元，鄂尔多斯</p>'.encode(), "utf-8",
            "慰问金12.5万元，鄂尔多斯"),
    Charset("gbk-declared-latin1", '<html><meta charset="iso-8859-1"><p>慰问金12.5万元</p>'.encode("gbk"), "gb18030"),
    Charset("nothing-declared-gbk", "<html><p>慰问金12.5万元</p>".encode("gbk"), "gb18030"),
    Charset("bom-wins", b"\xef\xbb\xbf" + '<html><meta charset="gbk"><p>慰问金12.5万元</p>'.encode(), "utf-8-sig"),
    Charset("xml-encoding", '<?xml version="1.0" encoding="GB2312"?><html><p>慰问金12.5万元</p></html>'.encode("gbk"),
            "gb18030"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CHARSETS])
def test_html_charset(case: Charset) -> None:
    _, encoding = decode_html(case.data, "a.html")
    assert encoding == case.encoding
    doc = read_bytes(case.data, "a.html")
    assert doc.text == case.text + "\n"
    assert doc.encoding == case.encoding


def test_html_stray_bad_byte_is_replaced_not_fatal() -> None:
    data = b'<html><meta charset="gbk">' + "<p>慰问金12.5万元，共700余户。</p>".encode("gbk") * 20
    data = data[:-30] + b"\xff" + data[-30:]
    doc = read_bytes(data, "a.html")
    assert doc.encoding == "gb18030"
    assert 1 <= doc.text.count("\ufffd") <= 3  # a bad byte can take its neighbour along
    assert doc.text.count("慰问金12.5万元，共700余户。") == 19


# --- Markdown --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Md:
    id: str
    md: str
    text: str
    kinds: tuple[str, ...] = ()


MARKDOWN = [
    Md("atx-heading", "# 春节慰问活动总结 #\n正文", "春节慰问活动总结\n正文\n", ("heading", "paragraph")),
    Md("atx-no-space-chinese", "##慰问情况\n正文", "慰问情况\n正文\n", ("heading", "paragraph")),
    Md("setext-headings", "总结\n====\n\n情况\n----\n正文", "总结\n情况\n正文\n", ("heading", "heading", "paragraph")),
    Md("hash-number-not-heading", "#1号楼", "#1号楼\n", ("paragraph",)),
    Md("emphasis", "共**700余户**，*单亲*、__低保__、***重点***、~~旧~~", "共700余户，单亲、低保、重点、旧\n"),
    Md("emphasis-around-cjk-punctuation", "**“慰问”**发放到位", "“慰问”发放到位\n"),
    Md("underscore-in-word-kept", "see snake_case_name", "see snake_case_name\n"),
    Md("escapes-and-code", r"2\*3，`a*b*c`，\_x\_", "2*3，a*b*c，_x_\n"),
    Md("links-images-entities", "见[附表](t.html)、![图](a.png)、<https://x.gov.cn/a>、A&amp;B",
       "见附表、图、https://x.gov.cn/a、A&B\n"),
    Md("html-br-and-tags", "第一行<br>第二行<span style='x'>尾</span>", "第一行\n第二行尾\n"),
    Md("list-markers-kept", "1. 单亲家庭\n2) 低保户\n- 其他\n* 残疾人\n+ 退役军人",
       "1. 单亲家庭\n2) 低保户\n- 其他\n* 残疾人\n+ 退役军人\n", ("list_item",) * 5),
    Md("list-continuation", "1. 低保户320余户，\n   其中特困20户\n\n正文", "1. 低保户320余户，\n其中特困20户\n正文\n",
       ("list_item", "paragraph")),
    Md("list-interrupts-paragraph", "慰问对象：\n2. 低保户", "慰问对象：\n2. 低保户\n", ("paragraph", "list_item")),
    Md("quote", "> 引用**一**\n> 第二行", "引用一\n第二行\n", ("paragraph",)),
    Md("rule-dropped", "上\n\n***\n\n下", "上\n下\n"),
    Md("fence-as-text", "```text\n代码 **不处理**\n  缩进保留\n```\n正文", "代码 **不处理**\n  缩进保留\n正文\n",
       ("paragraph", "paragraph")),
    Md("tilde-fence-unclosed", "~~~\n未闭合", "未闭合\n"),
    Md("front-matter-dropped", "---\ntitle: 慰问\ndate: 2018-01-20\n---\n正文", "正文\n"),
    Md("reference-definition-dropped", "见[附表][t]\n\n[t]: https://x.gov.cn", "见附表\n"),
    Md("hard-breaks", "东湖街道办事处  \n2018年1月20日\\", "东湖街道办事处\n2018年1月20日\\\n"),
    Md("table", "| 街道 | 户数 |\n|:---|---:|\n| **东湖** | 120户 |\n| 合计 \\| 小计 | 320户 | 多余 |\n| 短 |",
       "街道\t户数\n东湖\t120户\n合计 | 小计\t320户\n短\t\n", ("table",)),
    Md("table-interrupts-paragraph", "附表：\n| a | b |\n|---|---|\n| 1 | 2 |", "附表：\na\tb\n1\t2\n",
       ("paragraph", "table")),
    Md("pipe-without-delimiter-is-text", "a | b\nc | d", "a | b\nc | d\n", ("paragraph",)),
    Md("crlf", "# 题\r\n\r\n正文\r\n", "题\n正文\n"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in MARKDOWN])
def test_markdown(case: Md) -> None:
    doc = read_bytes(case.md.encode(), "a.md")
    assert doc.format == "md"
    assert doc.text == case.text
    if case.kinds:
        assert tuple(b.kind for b in doc.blocks) == case.kinds
    _spans_match(doc)


def test_markdown_table_cells() -> None:
    doc = read_bytes("| 街道 | 户数 |\n|---|---|\n| 东湖 | 120户 |\n".encode("gbk"), "a.md")
    assert doc.encoding == "gb18030"
    (table,) = doc.tables
    assert (table.rows, table.cols) == (2, 2)
    cell = table.cell(1, 1)
    assert cell is not None and cell.text == "120户"
    _spans_match(doc)


# --- .doc through a converter --------------------------------------------------------------------

DOC_TEXT = (
    "春节慰问活动总结\n"
    "春节前夕，我街共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户，发放慰问金12.5万元。\n"
    "慰问对象包括：\n"
    "城乡低保户；\n特困供养人员；\n重度残疾人家庭。\n"
    "街道\t慰问户数\t\t慰问金（万元）\n"
    "\t低保户\t单亲家庭\t\n"
    "东湖街道\t120\t60\t4.5\n"
    "西城街道\t200\t90\t8.0\n"
    "合计\t320\t150\t12.5\n"
    "东湖街道办事处\n"
    "2018年1月20日\n"
)


def _hide(monkeypatch: pytest.MonkeyPatch, *names: str, fake: dict[str, str] | None = None) -> None:
    """Make the doc reader see some converters as missing (or as the fake given)."""
    real = shutil.which
    fake = fake or {}
    monkeypatch.setattr(shutil, "which", lambda n: fake.get(n) or (None if n in names else real(n)))


@needs_antiword
def test_doc_through_antiword() -> None:
    start = time.perf_counter()
    doc = read_path(DOC / "report.doc")
    elapsed = time.perf_counter() - start
    assert doc.format == "doc"
    assert doc.meta["converter"] == "antiword"
    assert doc.text == DOC_TEXT
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "paragraph", *["list_item"] * 3, "table",
                                            "paragraph", "paragraph"]
    (table,) = doc.tables
    merged = table.cell(0, 2)
    assert merged is not None and (merged.text, merged.col, merged.colspan) == ("慰问户数", 1, 2)
    _spans_match(doc)
    assert elapsed < 5


@needs_soffice
def test_doc_through_libreoffice_when_antiword_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "antiword")
    doc = read_path(DOC / "report.doc")
    assert doc.meta["converter"] == "libreoffice"
    assert doc.text == DOC_TEXT  # the same text whichever converter read it
    (table,) = doc.tables
    street = table.cell(1, 0)  # LibreOffice keeps the rowspan antiword cannot tell
    assert street is not None and (street.text, street.rowspan) == ("街道", 2)
    _spans_match(doc)


def test_doc_without_a_converter_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    _hide(monkeypatch, "antiword", "soffice", "libreoffice")
    with pytest.raises(ConverterMissingError) as info:
        read_path(DOC / "report.doc")
    assert info.value.code == "converter_missing"
    assert "apt-get install antiword" in info.value.detail
    assert "apt-get install libreoffice-writer-nogui" in info.value.detail


def _fake_converter(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-antiword"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return str(script)


def test_doc_converter_time_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "soffice", "libreoffice", fake={"antiword": _fake_converter(tmp_path, "sleep 30")})
    start = time.perf_counter()
    with pytest.raises(LimitExceededError) as info:
        read_path(DOC / "report.doc", Limits(max_seconds=0.5))
    assert time.perf_counter() - start < 10
    assert "max_seconds" in info.value.detail


def test_doc_antiword_fails_and_no_libreoffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _hide(monkeypatch, "soffice", "libreoffice",
          fake={"antiword": _fake_converter(tmp_path, "echo 'I cannot read this' >&2; exit 1")})
    with pytest.raises(CorruptFileError) as info:
        read_path(DOC / "report.doc")
    assert "libreoffice-writer-nogui" in info.value.detail


@needs_soffice
def test_doc_antiword_fails_libreoffice_reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _hide(monkeypatch, fake={"antiword": _fake_converter(tmp_path, "exit 1")})
    doc = read_path(DOC / "report.doc")
    assert doc.meta["converter"] == "libreoffice"
    assert "发放慰问金12.5万元" in doc.text


# --- bad files: an error row each, the rest of the folder read ------------------------------------

GOOD_DOC = (DOC / "report.doc").read_bytes()


def _corrupt_ole() -> bytes:
    """OLE magic, then bytes that are no compound file."""
    return GOOD_DOC[:8] + bytes((i * 37 + 11) % 256 for i in range(8184))


@dataclass(frozen=True)
class Bad:
    id: str
    name: str
    data: Callable[[], bytes]
    code: str
    #: words the error message holds
    says: str = ""
    error: type[Exception] = field(default=Exception)


BAD = [
    Bad("empty-doc", "report.doc", lambda: b"", "empty_file", error=EmptyFileError),
    Bad("truncated-doc", "report.doc", lambda: GOOD_DOC[: len(GOOD_DOC) // 2], "corrupt_file", "broken OLE",
        CorruptFileError),
    Bad("truncated-doc-mid-sector", "report.doc", lambda: GOOD_DOC[:-300], "corrupt_file", "truncated",
        CorruptFileError),
    Bad("truncated-doc-header-only", "report.doc", lambda: GOOD_DOC[:512], "corrupt_file", "truncated",
        CorruptFileError),
    Bad("encrypted-doc", "report.doc", lambda: (DOC / "report-encrypted.doc").read_bytes(), "encrypted",
        "fEncrypted"),
    Bad("encrypted-docx", "report.docx", lambda: (DOC / "report-encrypted.docx").read_bytes(), "encrypted",
        "EncryptedPackage"),
    Bad("corrupt-doc", "report.doc", _corrupt_ole, "corrupt_file", error=CorruptFileError),
    Bad("doc-directory-zeroed", "report.doc", lambda: GOOD_DOC[:512] + bytes(len(GOOD_DOC) - 512), "corrupt_file",
        "no streams"),
    Bad("xls-named-doc", "report.doc", lambda: compound_file({"Workbook": b"\x09\x08" + bytes(100)}),
        "unsupported_format", "Excel"),
    Bad("jpeg-named-doc", "report.doc", lambda: JPEG, "unsupported_format", "jpeg"),
    Bad("png-named-html", "page.html", lambda: PNG, "unsupported_format", "png"),
    Bad("html-of-chrome-only", "page.html",
        lambda: ('<html><nav><a href="/">首页</a><a href="/a">政务公开</a></nav>'
                 '<div class="footer">版权所有</div>').encode(),
        "empty_file", "no article text"),
    Bad("corrupt-docx", "report.docx", lambda: b"PK\x03\x04" + bytes(60), "corrupt_file", "zip"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD])
def test_bad_file_error_code(case: Bad, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data())
    result = extract_path(path)
    assert isinstance(result, ErrorRecord), result
    assert result.code == case.code
    assert case.says in result.message
    assert result.source == str(path)
    with pytest.raises(case.error):
        read_path(path)


def _good_files(folder: Path) -> list[Path]:
    files = {
        "report.txt": REPORT.encode(),
        "news.html": (HTML / "news-with-chrome.html").read_bytes(),
        "gbk.html": (HTML / "gbk-declared.html").read_bytes(),
        "notes.md": ("# 慰问情况\n\n" + REPORT).encode(),
    }
    if ANTIWORD or SOFFICE:  # a good .doc only where it can be read
        files["good.doc"] = GOOD_DOC
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD])
def test_bad_file_in_a_folder(case: Bad, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good = _good_files(folder)
    bad = folder / f"zz-{case.name}"
    bad.write_bytes(case.data())
    out = tmp_path / "records.jsonl"
    assert main(["extract", str(folder), "-o", str(out)]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [r for r in rows if r.get("error")]
    assert [(r["source"], r["error"]["code"]) for r in errors] == [(str(bad), case.code)]
    read = {r["source"] for r in rows if not r.get("error")}
    assert read == {str(p) for p in good}
    assert all(r["text"] for r in rows if not r.get("error"))


# --- invariants ------------------------------------------------------------------------------

_MARKUP = st.sampled_from([
    "<p>", "</p>", "<br>", "<table>", "</table>", "<tr>", "<td rowspan=3>", "<td colspan=0>", "<th>", "</td>",
    "<ul><li>", "<a href=x>", "</a>", "<nav>", "<div class='nav'>", "</div>", "<h1>", "<pre>", "<script>", "\n",
    "# ", "## ", "- ", "1. ", "> ", "| a | b |\n|---|---|\n", "```\n", "**", "*", "_", "`", "[x](y)", "\\", "&amp;",
    "---\n", "当前位置：", "版权所有", "慰问金12.5万元", "700余户", "\u3000", "\xa0", " ",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKUP | st.text(max_size=5), max_size=40), st.sampled_from(["a.html", "a.md"]))
@example(["<div class='nav'>", "</div>", "\x1f"], "a.html")  # regression: lxml raised on a control char
def test_html_and_markdown_never_raise_on_odd_text(pieces: list[str], name: str) -> None:
    """Any text gives a Document whose blocks and cells index it, or a typed error (an empty page)."""
    data = (("<html><body>" if name.endswith(".html") else "") + "".join(pieces)).encode("utf-8", "surrogatepass")
    try:
        doc = read_bytes(data, name)
    except ExtractorError as e:
        assert e.code in ("empty_file", "decode_failed", "unsupported_format")
        return
    _spans_match(doc)
