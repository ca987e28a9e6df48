"""Saved web pages: the article's text, without the site's navigation, sidebars and footer.

**Why lxml.** Pages saved from government sites are rarely well formed (unclosed ``<p>`` and
``<td>``, upper-case tags, tables used for layout); lxml's HTML parser (libxml2) repairs them
into a tree as a browser would, is fast, and is one of the most used and best kept packages on
PyPI. Main-content libraries (trafilatura, readability-lxml) were left out: they pull in a dozen
packages, drop or flatten tables (``rowspan``/``colspan`` are lost), and their scores are hard to
predict on the short pages a 新闻稿 is. The rules below are few and each can be tested.

**Charset.** A byte-order mark first; then the page's own declaration (``<meta charset>``,
``<meta http-equiv="Content-Type" content="...; charset=...">`` or ``<?xml encoding?>``), a
GB2312/GBK declaration read as GB18030, its superset; but non-ASCII bytes that are valid UTF-8
are read as UTF-8 whatever the page declares (a site that moved to UTF-8 and kept its old
declaration: GB18030 would decode them too, as mojibake). A handful of stray bytes the declared
charset does not decode become U+FFFD, as in a browser. :func:`~.text.decode_text`'s detection decides
when the page declares nothing, declares a Western single-byte charset over non-ASCII bytes, or
has more bad bytes than a handful.

**What is dropped.** Scripts, styles, forms' controls and hidden elements; ``nav``, ``aside``,
``footer`` and a ``header`` outside the article; elements whose ``role``, ``class`` or ``id``
name site chrome (``nav``, ``menu``, ``breadcrumb``, ``sidebar``, ``share``, ``footer``,
``copyright``...) unless the same name also says content (``article-header`` stays); blocks
made mostly of two or more links (menus, link lists, "related news"); lines that are
breadcrumbs (``当前位置：``), share bars, print/close buttons, previous/next links and
copyright or registration lines (``版权所有``, ``ICP备``, ``网站标识码``). When the page has one
``<article>`` (or else one ``<main>``) only that is read.

**Limits.** libxml2 stops at 256 levels of nested elements (and at a text node of some 10 MB)
and keeps what it read so far: a page it cut short so is :class:`LimitExceededError`, not a page
read in part (200 nested tables, 100,000 nested ``<div>``), and our walks of the tree, recursive,
stay well within Python's recursion limit. A table whose grid would hold more than
``limits.max_table_cells`` slots (a 9 KB page of 200 rows, each a cell of ``rowspan=65534
colspan=1000``, is 20 million) is :class:`LimitExceededError` before it is laid out.

**What is kept.** Headings (``heading`` blocks), paragraphs, list items (``list_item``),
``<br>`` as a line break inside a paragraph, ``<pre>`` as written, and data tables through
:meth:`TextBuilder.table` with their ``rowspan``/``colspan``. A table that holds another table,
has one column, or a cell of more than ``LAYOUT_CELL_CHARS`` characters is page layout: its cells
are read as blocks. Whitespace is collapsed as a browser does, except that a line break between
two Chinese characters is dropped (Chinese has no spaces between words).

>>> doc = document_from_html(
...     "<nav><a href=/>首页</a> <a href=/news>新闻</a></nav>"
...     "<h1>慰问活动</h1><p>共慰问<br>困难家庭<b>700余户</b>。</p>", "a.html")
>>> doc.text
'慰问活动\\n共慰问\\n困难家庭700余户。\\n'
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from ..errors import EmptyFileError, LimitExceededError
from ..model import BlockKind, Document
from .build import TextBuilder
from .text import decode_text

if TYPE_CHECKING:
    from . import Limits

__all__ = ["declared_charset", "decode_html", "document_from_html", "read"]

log = logging.getLogger(__name__)

#: a table cell longer than this holds page layout (the article), not data
LAYOUT_CELL_CHARS = 400
#: a block whose text is at least this share link text, over two links or more, is a link list
LINK_DENSITY = 0.6
#: a box left with no more text than this once its link list is dropped was that list's caption
CAPTION_CHARS = 16
#: a line longer than this is never taken for a footer or breadcrumb line
CHROME_LINE_CHARS = 120
#: the bytes searched for a charset declaration
_PRESCAN = 8192

# both <meta charset=...> and <meta http-equiv=Content-Type content="...; charset=...">
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
#: declarations that say little: many Chinese pages carry them over GBK or UTF-8 bytes
_WEAK = {"ascii", "latin-1", "iso8859-1", "cp1252", "windows-1252"}
_GB = {"gb2312", "gbk", "gb18030", "hz", "euc_cn", "cp936"}
_BIG5 = {"big5", "big5hkscs", "cp950"}

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "svg", "math", "canvas", "audio", "video", "map", "input", "select", "option", "button",
    "textarea", "head", "link", "meta", "base", "nav", "aside", "footer",
})
_CHROME_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar",
})
#: class/id words that name site chrome (pinyin ones from Chinese CMS templates: dh 导航,
#: dqwz 当前位置, bq/banquan 版权, yqlj 友情链接, fx 分享, dayin 打印)
_CHROME_WORDS = frozenset({
    "nav", "navbar", "navi", "navigation", "menu", "menus", "submenu", "breadcrumb", "breadcrumbs",
    "crumb", "crumbs", "bread", "position", "location", "curpos", "dqwz", "daohang", "dh",
    "sidebar", "side", "aside", "share", "bshare", "jiathis", "fx", "fenxiang", "footer", "foot",
    "bottom", "copyright", "banquan", "bq", "header", "head", "topbar", "toolbar", "top", "banner",
    "search", "login", "logo", "links", "friendlink", "yqlj", "related", "relate", "recommend",
    "comment", "comments", "ad", "ads", "advert", "print", "dayin", "qrcode", "erweima", "skip",
    "pager", "pagination", "tools", "tool",
})
#: class/id words that name the article: an element named by one of these is never chrome
_CONTENT_WORDS = frozenset({
    "article", "content", "detail", "details", "main", "post", "entry", "body", "text", "zw",
    "zhengwen", "wz", "wenzhang", "news", "title", "info", "con", "editor", "zoom",
})
_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "hgroup", "header", "hr", "html", "li", "main", "menu", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: blocks never dropped for their links (a linked heading is still the title)
_LINK_EXEMPT = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "body", "html", "article", "main"})
_TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot", "caption"})
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SPACES = re.compile(
    rf"""(?P<join>(?<=[{_CJK}])[ \t\r\f\xa0]*\n[ \t\r\n\f\xa0]*(?=[{_CJK}]))  # a line break between two CJK characters
       | [ \t\r\n\f\xa0]+                                                  # any other run of whitespace
    """,
    re.VERBOSE,
)
#: whole lines that are site chrome (tested on lines up to CHROME_LINE_CHARS long)
_CHROME_LINE = re.compile(
    r"""^(?:
        (?:当前位置|您现在的位置|你现在的位置|您的位置|你的位置|您当前的位置|所在位置|当前所在位置)
            \s*[：:>»]                                                         # breadcrumb
      | 分享到                                                             # share bar
      | (?:上一篇|下一篇|上一条|下一条)\s*[：:]                               # previous/next
      | (?:主办|承办|主管|协办)(?:单位)?\s*[：:]                              # site owner line
      | (?:[【\[]?\s*(?:打印(?:本页|此页|正文)?|关闭(?:本页|窗口)?|返回顶部|收藏(?:本页)?|保存(?:本页)?
            |字号\s*[：:]?\s*[大中小\s【】\[\]]*|[大中小])\s*[】\]]?\s*)+$            # page tools
    )""",
    re.VERBOSE,
)
#: markers of a footer line anywhere in a short line
_FOOTER_MARK = re.compile(r"版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|网站识别码|技术支持\s*[：:]",
                          re.IGNORECASE)
#: page tools inside a line: font size buttons, hit counters
_PAGE_TOOLS = re.compile(
    r"""\s*(?:
        字号\s*[：:]\s*(?:[【\[]?\s*[大中小]\s*[】\]]?\s*){1,3}    # 字号：【大】【中】【小】
      | (?:浏览|点击|阅读|访问)(?:次数|量|数)\s*[：:]\s*\d*次?       # 浏览次数：1234
    )""",
    re.VERBOSE,
)


# --- charset ------------------------------------------------------------------------------


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes, as a Python codec name (None if none
    or unknown).

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb2312'
    >>> declared_charset(b'<meta charset="utf-8">')
    'utf-8'
    """
    head = data[:_PRESCAN]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if m is None:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def decode_html(data: bytes, source: str) -> tuple[str, str]:
    """The text of a page and the encoding that decoded it (see the module docstring).

    >>> decode_html('<meta charset="gbk"><p>慰问金</p>'.encode("gbk"), "a.html")
    ('<meta charset="gbk"><p>慰问金</p>', 'gb18030')
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, source)
    declared = declared_charset(data)
    if declared is None or declared.startswith("utf-16") or declared.startswith("utf-32"):
        # a UTF-16 page cannot declare itself in ASCII bytes: the declaration is wrong
        return decode_text(data, source)
    if declared in _WEAK:
        return (data.decode("ascii"), "ascii") if data.isascii() else decode_text(data, source)
    if declared != "utf-8" and not data.isascii():
        # Non-ASCII bytes that are valid UTF-8 are UTF-8 (GBK text almost never is): a site that
        # moved to UTF-8 and kept its old declaration. GB18030 would decode them too, as mojibake.
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    codec, name = declared, declared
    if declared in _GB:
        codec, name = "gb18030", "gb18030"
    elif declared in _BIG5:
        codec, name = "big5hkscs", "big5"
    try:
        return data.decode(codec), name
    except UnicodeDecodeError:
        pass
    # A page cut short or patched by a CMS often has a stray bad byte or two: a browser shows a
    # replacement character there, and so do we, but only for a handful.
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd") - data.decode(codec, errors="ignore").count("\ufffd")
    if bad <= max(8, len(data) // 1000):
        log.info("%s: %d bytes do not decode as the declared %s", source, bad, declared)
        return text, name
    return decode_text(data, source)


# --- tree ---------------------------------------------------------------------------------


# characters XML (and so lxml) refuses: C0 controls but tab and line ends, lone surrogates, U+FFFE/F
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _parse(text: str, source: str) -> etree._Element | None:
    # a control character means nothing in a page; lxml raises on it rather than skip it
    text = _NOT_XML.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        return None
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    root = etree.fromstring(text, parser)
    cut = next((e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"), None)
    if cut is not None:  # libxml2 stopped there and kept the page so far: the rest would be lost
        raise LimitExceededError(source, f"网页元素嵌套过深或文本节点过大，解析器在第 {cut.line} 行停止 "
                                         f"(the parser stopped at line {cut.line}: {cut.message.strip()})")
    return root


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _words(el: etree._Element) -> set[str]:
    names = " ".join(filter(None, (el.get("class"), el.get("id"))))
    return set(_WORD_SPLIT.split(_CAMEL.sub(" ", names).lower())) - {""}


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail (the text after it belongs to its parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _is_chrome(el: etree._Element, in_article: bool) -> bool:
    tag = _tag(el)
    if not tag:
        return True  # comments and processing instructions the parser kept
    if tag in _DROP_TAGS or (tag == "header" and not in_article):
        return True
    if el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    if (el.get("role") or "").lower() in _CHROME_ROLES:
        return True
    words = _words(el)
    return bool(words & _CHROME_WORDS) and not words & _CONTENT_WORDS


def _prune_chrome(el: etree._Element, in_article: bool = False) -> None:
    for child in list(el):
        if _is_chrome(child, in_article):
            _drop(child)
        else:
            _prune_chrome(child, in_article or _tag(child) in ("article", "main"))


def _visible_len(s: str | None) -> int:
    return len(s) - sum(1 for c in s if c.isspace()) if s else 0


class _Counts(NamedTuple):
    chars: int
    link_chars: int
    links: int
    #: a link list inside was dropped
    had_list: bool


def _prune_links(el: etree._Element, data_table: bool = False) -> _Counts:
    """Drop link lists bottom-up; return the counts of what stays.

    A box left with no more than a caption once its link list is gone (``<h3>热点新闻</h3>``)
    goes too. The rows and cells of a data table are judged with their table, never alone."""
    chars = _visible_len(el.text)
    link_chars = links = 0
    had_list = False
    for child in list(el):
        tag = _tag(child)
        in_data = data_table if tag in _TABLE_PARTS else tag == "table" and not _is_layout(child)
        counts = _prune_links(child, in_data)
        droppable = (tag in _BLOCK_TAGS or tag in ("span", "font")) and tag not in _LINK_EXEMPT
        if in_data and tag != "table":
            droppable = False
        is_list = counts.links >= 2 and counts.link_chars >= LINK_DENSITY * counts.chars
        if droppable and (is_list or (counts.had_list and counts.chars <= CAPTION_CHARS)):
            _drop(child)  # its tail is kept and counted below
            had_list = True
        else:
            chars += counts.chars
            link_chars += counts.link_chars
            links += counts.links
            had_list = had_list or counts.had_list
        chars += _visible_len(child.tail)
    if _tag(el) == "a" and el.get("href") is not None:
        link_chars, links = chars, links + 1
    return _Counts(chars, link_chars, links, had_list)


def _main_root(body: etree._Element) -> etree._Element:
    """The one <article> (or else <main>) of the page when there is one, else the body."""
    for path in (".//article", ".//main", ".//*[@role='main']"):
        found = body.findall(path)
        if len(found) == 1 and _visible_len("".join(found[0].itertext())) >= 20:
            return found[0]
    return body


# --- text ---------------------------------------------------------------------------------


def _collapse(raw: str) -> str:
    """Whitespace as a browser shows it, but no space where a line break stood between two
    Chinese characters.

    >>> _collapse("  困难\\n   家庭  700 \\n 余户 ")
    '困难家庭 700 余户'
    """
    return _SPACES.sub(lambda m: "" if m.group("join") is not None else " ", raw).strip()


def _clean_line(line: str) -> str | None:
    """A line of running text with page tools taken out, or None if the line is site chrome."""
    line = _collapse(line)
    if len(line) <= CHROME_LINE_CHARS:
        line = _PAGE_TOOLS.sub("", line).strip()
        if _CHROME_LINE.match(line) or _FOOTER_MARK.search(line):
            return None
    return line or None


def _cell_text(el: etree._Element) -> str:
    parts: list[str] = []

    def walk(e: etree._Element) -> None:
        if e.text:
            parts.append(e.text)
        for child in e:
            block = _tag(child) in _BLOCK_TAGS or _tag(child) == "br"
            if block:
                parts.append("\n")
            walk(child)
            if block:
                parts.append("\n")
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return _collapse("".join(parts))


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of a table nested in a cell)."""
    rows: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    return (c for c in row if _tag(c) in ("td", "th"))


def _span(el: etree._Element, name: str, limit: int) -> int:
    try:
        n = int((el.get(name) or "1").strip().rstrip(";"))
    except ValueError:
        return 1
    return max(1, min(n, limit))


def _is_layout(table: etree._Element) -> bool:
    if (table.get("role") or "").lower() in ("presentation", "none"):
        return True
    if any(t is not table for t in table.iter("table")):
        return True
    rows = _rows(table)
    if max((sum(_span(c, "colspan", 1000) for c in _cells(r)) for r in rows), default=0) <= 1:
        return True
    return any(_visible_len("".join(c.itertext())) > LAYOUT_CELL_CHARS for r in rows for c in _cells(r))


def _grid(table: etree._Element, source: str, max_cells: int) -> tuple[list[list[str | None]],
                                                                      list[list[tuple[int, int]]]]:
    """Rows of cell texts (None where a merged cell covers) and each cell's (rowspan, colspan);
    rows with no text are left out and the rowspans over them shortened. A grid of more than
    ``max_cells`` slots is :class:`LimitExceededError`, before its slots are made."""
    rows = _rows(table)
    anchors: dict[tuple[int, int], tuple[str, int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in _cells(row):
            while (r, c) in taken:
                c += 1
            rs, cs = _span(cell, "rowspan", len(rows) - r), _span(cell, "colspan", 1000)
            if len(taken) + rs * cs > max_cells:
                raise _too_many_cells(source, max_cells)
            anchors[(r, c)] = (_cell_text(cell), rs, cs)
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            c += cs
    ncols = max((c for _, c in taken), default=-1) + 1
    keep = [r for r in range(len(rows)) if any(v[0] for (ar, _), v in anchors.items() if ar == r)]
    if len(keep) * ncols > max_cells:
        raise _too_many_cells(source, max_cells)
    out: list[list[str | None]] = []
    spans: list[list[tuple[int, int]]] = []
    for r in keep:
        values: list[str | None] = []
        row_spans: list[tuple[int, int]] = []
        for c in range(ncols):
            if (r, c) in anchors:
                text, rs, cs = anchors[(r, c)]
                values.append(text)
                row_spans.append((sum(1 for k in keep if r <= k < r + rs), cs))
            else:
                values.append(None if (r, c) in taken else "")
                row_spans.append((1, 1))
        out.append(values)
        spans.append(row_spans)
    return out, spans


def _too_many_cells(source: str, max_cells: int) -> LimitExceededError:
    return LimitExceededError(source, f"表格的单元格超过 {max_cells} 个（rowspan/colspan 过大）"
                                      f"(a table of more than {max_cells} cells: max_table_cells)")


class _Writer:
    """Walks the cleaned tree and writes its blocks to a TextBuilder."""

    def __init__(self, builder: TextBuilder, drop_chrome_lines: bool, max_cells: int) -> None:
        self.b = builder
        self.max_cells = max_cells
        self.lines: list[str] = [""]
        self.kind: BlockKind = "paragraph"
        self.clean = _clean_line if drop_chrome_lines else _collapse

    def flush(self, next_kind: BlockKind = "paragraph") -> None:
        lines = [s for s in map(self.clean, self.lines) if s]
        if lines:
            self.b.paragraph("\n".join(lines), kind=self.kind)
        self.lines = [""]
        self.kind = next_kind

    def add(self, s: str | None) -> None:
        if s:
            self.lines[-1] += s

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if tag == "br":
            self.lines.append("")
        elif tag == "table" and not _is_layout(el):
            self.flush()
            caption = el.find("caption")
            if caption is not None:
                self.b.paragraph(_cell_text(caption))
            rows, spans = _grid(el, self.b.source, self.max_cells)
            self.b.table(rows, spans=spans)
        elif tag == "pre":
            self.flush()
            self.b.paragraph("\n".join(s.rstrip() for s in "".join(el.itertext()).split("\n")))
        elif tag in _BLOCK_TAGS:
            kind: BlockKind = ("heading" if tag in _HEADINGS else "list_item" if tag in ("li", "dt", "dd")
                               else "paragraph")
            self.flush(kind)
            self.children(el)
            self.flush()
        else:
            self.children(el)

    def children(self, el: etree._Element) -> None:
        self.add(el.text)
        for child in el:
            self.walk(child)
            self.add(child.tail)


def document_from_html(text: str, source: str, fmt: str = "html", encoding: str | None = None,
                       main_content: bool = True, limits: Limits | None = None) -> Document:
    """The Document of a page's decoded text. ``main_content=False`` keeps every block and line
    (for HTML a converter wrote from a document, which has no site chrome)."""
    from . import Limits

    max_cells = (limits or Limits()).max_table_cells
    root = _parse(text, source)
    builder = TextBuilder(source, fmt)
    if root is None:
        return builder.build(encoding)
    title = root.findtext(".//title")
    if title and title.strip():
        builder.meta["title"] = _collapse(title)
    body = root.find("body")
    if body is None:
        body = root
    if main_content:
        body = _main_root(body)
        _prune_chrome(body, _tag(body) in ("article", "main"))
        _prune_links(body)
    else:
        for el in [e for e in body.iter() if _tag(e) in ("script", "style") or not _tag(e)]:
            _drop(el)
    writer = _Writer(builder, drop_chrome_lines=main_content, max_cells=max_cells)
    writer.walk(body)
    writer.flush()
    return builder.build(encoding)


def read(data: bytes, source: str, limits: Limits) -> Document:
    """A saved web page: its article's text, headings, lists and tables."""
    text, encoding = decode_html(data, source)
    doc = document_from_html(text, source, "html", encoding, limits=limits)
    if not doc.text.strip():
        raise EmptyFileError(source, "the page has no article text (only navigation, scripts or markup)")
    return doc
