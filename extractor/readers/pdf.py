"""Reader of .pdf files: text in reading order, tables as cells, the page of every block.

pdfplumber does the parsing (imported here only, so it loads when a PDF needs it). Each page
goes through the same steps:

1. **Fake bold.** Characters drawn twice a fraction of a point apart (a bold look without a bold
   font) are read once: what ``page.dedupe_chars()`` does, in one pass (see :func:`_doubles`).
2. **Tables.** Ruled tables (``find_tables``, lines strategy) and, where rows of text stand in
   columns with wide gaps and no rules, the text strategy on that region. Each table goes to
   :meth:`TextBuilder.table`; the characters inside its box are left out of the running text,
   so a table is never read twice.
3. **Lines.** pdfplumber's text map with ``layout=False`` and ``keep_blank_chars=True`` (a space
   glyph in the PDF stays a space). Two glyphs further apart than ``X_TOLERANCE`` × the font
   size (``x_tolerance_ratio``) start a new word, and pdfplumber puts a space between: half an
   em absorbs the character spacing (``Tc``) of justified or lightly letter-spaced text, which
   at pdfplumber's default of 3pt already scattered spaces through Chinese drawn with 4pt.
   **Space rule**, for wider spacing: a space pdfplumber *inserted* (no glyph behind it) is
   dropped when its gap is the line's own letter spacing (within a quarter em of the median gap
   between the line's glyphs, a median under ``CJK_GAP`` em: ``2 0 2 0 年`` drawn with 12pt
   spacing reads ``2020年``), when it
   stands between two CJK characters (Han, kana, CJK and full-width punctuation, Chinese quotes
   and dashes) less than ``CJK_GAP`` em apart (Chinese has no word spaces), or next to a space
   glyph. A space the PDF draws is always kept (``1 5 6 0 万元`` typed with spaces stays as it
   is), and so is an inserted space next to a Latin letter or a digit in unspaced text, or
   across a gap of ``CJK_GAP`` em or more (two columns).
4. **Headers and footers.** A line among the first or last two of a page, in its top or bottom
   ``MARGIN_ZONE``, that is a bare page number (``- 3 -``, ``第3页``, ``第 3 页 共 9 页``,
   ``3/9``), whose text (digits aside) comes back there on at least half of the pages (two at
   least), or that is set smaller than the body text becomes a ``header`` or ``footer`` block,
   never part of a paragraph.
5. **Paragraphs.** A PDF breaks a paragraph into lines at the right edge of the text box; the
   lines are joined back into one paragraph, so that a sentence a line break cut stays one
   sentence for the extractor. A line goes on with the line before it when (a) the line before
   does not end a sentence (``。！？!?``, closing quotes and brackets aside; not ``：`` or ``；``,
   which end clauses inside a sentence: ``联系人：xxx``), (b) both have one font size and
   neither has a column gap, (c) it stands at most one line's height below (or opens the next
   page), and (d) either the line before was broken at the right edge — the first word of this
   line (a Latin/digit run or one character, with the punctuation that may not start a line)
   would not have fitted in the room left after it — and this line has no first-line indent,
   or both are lines of one title set larger than the body, or (e) the text is set ragged right
   (see below). The right edge is the widest line's end, or the left margin mirrored when that
   is further right. The join adds no space, except between two Latin letters or digits (a word
   processor breaks Latin text at spaces, never inside a number). Headings, signatures and
   other short lines stay lines.

   **Ragged right.** Text wrapped by a character count (a .txt cut every 38 characters, then
   printed) ends its lines well short of the margin, and a line with digits in it (half an em
   each) shorter than one without: the edge test cuts such paragraphs at every line, and with
   them the sentences that tie a total to its parts. So a line also goes on with the one before
   when that one (beyond (a)–(c)) fills at least ``RAGGED`` of the text's measure (the widest
   body line, ``MEASURE_MIN`` em at least), in width or in characters counted an em each
   (``RAGGED_FULL`` when it ends in ： or is a paragraph's first line that opens a numbered
   heading or list item), this one has no indent and opens no list item or numbered heading
   (``一、``, ``（二）``, ``3.``, ``①``), and both are bold or neither is. A cut by count may fall
   inside a number (``15`` / ``0余户``): across it two digits join with no space.

Blocks carry their 1-based page; ``meta["pages"]`` is the page count. Bad files raise typed
errors: :class:`EncryptedFileError` (a password is needed), :class:`CorruptFileError` (broken,
truncated — no ``%%EOF`` at the end, since pages may be missing — or no pages),
:class:`NoTextLayerError` (a scan: no page has text), :class:`LimitExceededError` (more pages
than ``limits.max_pages``: checked from the page tree's /Count before any page is read, and
counted again as the pages are built one by one, so a /Count that lies stops at the limit too;
or compressed streams that inflate to more than ``limits.max_unpacked_bytes`` in all, counted a
chunk at a time before pdfminer, which inflates a stream whole and then parses all of it, sees
any: :func:`check_streams`; or a font's ToUnicode map, or its embedded TrueType program's cmap,
that writes more than :data:`UNICODE_MAP_MAX` entries: a range of 4-byte codes names billions).
What pdfminer builds from a font is bounded so (:func:`_bound_fonts`), and a CIDFont's width
ranges are cut to the CIDs that exist (:func:`bounded_widths`).

**Damage that still reads.** pdfminer and pdfplumber log a warning for what they read past (a
stream that inflates only in part, a font descriptor without its box, an operator with bad
operands), and print it on stderr when nothing else listens: lines in English, naming no file,
some with the file's own bytes, that flooded a bulk import's terminal. They are kept with the file
instead: ``meta["parse_warnings"]`` is ``{"count": n, "first": "…"}`` (the first message, its
control characters escaped, at most 200 characters), absent when there were none; the loggers
``pdfminer`` and ``pdfplumber`` no longer pass their warnings up (a program that wants them adds
its own handler).
Reading order is
top to bottom; text set in several columns on one page is read line by line across them.

>>> _drop_inserted_spaces([("慰", 0, 12), (None, 0, 0), ("问", 19, 31), (" ", 31, 34), ("2", 34, 40)], 12.0)
'慰问 2'
>>> _drop_inserted_spaces([("共", 0, 12), (None, 0, 0), ("1", 24, 30), (None, 0, 0), ("2", 42, 48)], 12.0)
'共12'
>>> _drop_inserted_spaces([("a", 0, 6), ("b", 6, 12), (None, 0, 0), ("c", 20, 26), ("d", 26, 32)], 12.0)
'ab cd'
>>> _joins("全年共投入资金", "2365万元。")
''
>>> _joins("Hello", "World")
' '
>>> _joins("单亲家庭15", "0余户", cut=True)
''
"""

from __future__ import annotations

import io
import logging
import re
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING, Any, Literal

from ..errors import CorruptFileError, EncryptedFileError, LimitExceededError, NoTextLayerError
from ..model import BlockKind, Document
from ..paths import shown
from .build import TextBuilder

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.pdf import PDF

    from . import Limits

__all__ = ["CJK_GAP", "EDGE_SLACK", "MARGIN_ZONE", "MEASURE_MIN", "RAGGED", "RAGGED_FULL", "X_TOLERANCE",
           "check_streams", "read"]

#: characters further apart than this many em start a new word (pdfplumber ``x_tolerance_ratio``)
X_TOLERANCE = 0.5
#: an inserted space between two CJK characters closer than this many em is dropped
CJK_GAP = 1.5
#: slack (em) of the edge test: the room left after a line may exceed its next word by this
#: much (justification, rounding) and the line still counts as broken at the edge
EDGE_SLACK = 0.5
#: top and bottom share of the page height where running headers and footers stand
MARGIN_ZONE = 0.1
#: share of the measure a line must fill (in width, or in characters an em each) to go on with
#: the next in ragged-right text: a paragraph's last line or a short heading fills less
RAGGED = 0.7
#: the same share for a line that may well end short: a paragraph's first line that opens a
#: numbered heading or list item (``（一）深入基层宣传…``), a line ending in ： (``各部门：``); a line
#: cut by count is full, these rarely are
RAGGED_FULL = 0.9
#: the narrowest measure (em) that counts as ragged running text: a page of short lines (a
#: signature block, a list of names) is not cut by a count
MEASURE_MIN = 20.0
#: gap (em) between words that makes a line a row of an unruled table
_COLUMN_GAP = 2.0
#: fake bold: duplicates closer than this many points are one character
_DEDUPE_TOLERANCE = 1.0

_TEXT_MAP = {"layout": False, "x_tolerance_ratio": X_TOLERANCE, "keep_blank_chars": True, "y_tolerance": 3}
_UNRULED = {"vertical_strategy": "text", "horizontal_strategy": "text", "snap_tolerance": 3,
            "min_words_vertical": 2, "min_words_horizontal": 1, "text_x_tolerance": 3}

# Characters that take no word space between them in Chinese text (a character class built
# from ranges: VERBOSE mode does not drop spaces and comments inside a class).
_CJK_RANGES = (
    "\u2e80-\u2fdf",  # radicals
    "\u3000-\u303f",  # CJK punctuation (、。「」)
    "\u3040-\u30ff",  # kana (・)
    "\u3100-\u312f\u31a0-\u31bf",  # bopomofo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",  # Han, extension A, compatibility
    "\uff00-\uffef",  # full-width forms (，：（）)
    "\u2014-\u2026\u00b7",  # dashes, quotes, ellipsis and the middle dot of Chinese text
    "\U00020000-\U0003134f",  # Han, extensions B-G
)
_CJK = re.compile(f"[{''.join(_CJK_RANGES)}]")
_LATIN = re.compile(r"[0-9A-Za-z]")
_WORD = re.compile(r"[0-9A-Za-z.,%]")
# Characters a line may not start with (kinsoku): they stay with the word before them.
_NO_START = frozenset("，。、；：？！”’）》】」』〕,.;:?!)%")
# A sentence ends here: the line after it starts a new paragraph even when this one reaches the
# edge. Not ；or ：, which end clauses inside a sentence (联系人：xxx, 其中：...; 一是...；二是...)
# and at the end of a line would cut it; the indent and the edge test find paragraph ends.
_ENDS = frozenset("。！？!?")
# A line that starts a list item or a numbered heading starts a paragraph in ragged text:
# 一、 （二） (3) 4. 5、 ① 第六, and not a number that goes on a sentence (2.5万元, 150余户).
_ITEM = re.compile(
    r"""^\s*(?:
        [一二三四五六七八九十]{1,3}[、.．]                  # 一、 二.
      | [(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]       # （一） (2)
      | \d{1,2}\s*[、.．](?!\d)                            # 3. 4、 not 2.5
      | [\u2460-\u2473\u2776-\u277f]                       # ① ❶
      | 第[一二三四五六七八九十\d]{1,3}[、，,章节条部]     # 第一，第二章 第三部分
    )""",
    re.VERBOSE,
)
_CLOSERS = "”’」』）》】〕)]\"'"
# Bare page numbers: "3", "- 3 -", "— 3 —", "第3页", "第 3 页 共 9 页", "3/9", "Page 3 of 9".
_PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [-—–－~·•\s]*\d{1,4}[-—–－~·•\s]*               # 3, - 3 -, — 3 —
      | 第\s*[\d一二三四五六七八九十百〇零]{1,6}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?   # 第3页 (共9页)
      | (?:共\s*\d{1,4}\s*页\s*[,，]?\s*)?第\s*\d{1,4}\s*页   # 共9页 第3页
      | \d{1,4}\s*/\s*\d{1,4}                          # 3/9
      | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?   # Page 3 of 9
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_DIGITS = re.compile(r"[\d一二三四五六七八九十〇]+")
_CID = re.compile(r"^\(cid:\d+\)$")


@dataclass(slots=True)
class _Line:
    """One line of running text on a page, with the geometry the paragraph rule needs."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    #: width of the line's first word (a Latin/digit run or one character, with the closing
    #: punctuation glued to it): what the line before would have needed room for
    lead: float = 0.0
    #: the line's letter spacing: median gap between its glyphs
    spacing: float = 0.0
    #: two glyphs of the line stand ``_COLUMN_GAP`` em apart or more (a row of columns)
    columnar: bool = False
    kind: BlockKind = "paragraph"
    #: the line goes on a ragged-right line cut by a character count (set when paragraphs are
    #: made): a number may have been cut there, so digits join across it with no space
    cut: bool = False


@dataclass(slots=True)
class _Grid:
    """A table found on a page: its rows (None where a merged cell covers) and spans."""

    top: float
    rows: list[list[str | None]]
    spans: list[list[tuple[int, int]]]
    page: int


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    items: list[_Line | _Grid]


def read(data: bytes, source: str, limits: Limits) -> Document:
    """The Document of a PDF's bytes (see the module docstring for what is read and how)."""
    with _warnings_kept() as warnings:
        doc = _read(data, source, limits)
    if warnings:
        doc.meta["parse_warnings"] = {"count": len(warnings), "first": _printable(warnings[0])[:200]}
    return doc


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(message: str) -> str:
    """A library's message as safe text: control characters as ``\\xHH``, bytes not UTF-8 too."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", shown(message))


class _Kept(logging.Handler):
    """Sends each warning the PDF libraries log to the list of the thread reading (none: dropped)."""

    def emit(self, record: logging.LogRecord) -> None:
        kept: list[str] | None = getattr(_reading, "warnings", None)
        if kept is not None:
            try:
                kept.append(record.getMessage())
            except Exception:  # a message whose arguments do not format
                kept.append(str(record.msg))


_reading = threading.local()
_KEEPER = _Kept(logging.WARNING)
#: the loggers whose warnings are kept with the file read
_LOGGERS = ("pdfminer", "pdfplumber")


@contextmanager
def _warnings_kept() -> Iterator[list[str]]:
    """The warnings the PDF libraries log in this thread while the block runs."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _KEEPER not in logger.handlers:
            logger.addHandler(_KEEPER)
            logger.propagate = False
    kept: list[str] = []
    _reading.warnings = kept
    try:
        yield kept
    finally:
        _reading.warnings = None


def _read(data: bytes, source: str, limits: Limits) -> Document:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    _bound_fonts()
    if b"%%EOF" not in data[-4096:]:
        raise CorruptFileError(source, "truncated PDF: no %%EOF marker at the end (pages may be missing)")
    check_streams(data, source, limits.max_unpacked_bytes)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        raise _open_error(source, e.args[0] if e.args else e) from e
    except Exception as e:  # pdfminer raises many kinds of errors on a broken file
        raise CorruptFileError(source, f"cannot be parsed as a PDF ({type(e).__name__}: {e})") from e
    # no ``with pdf`` / ``pdf.close()``: pdfplumber's close builds every page to close it, which
    # is the very cost the page limit is there to avoid; each page is closed once read instead,
    # and the in-memory stream goes with ``pdf``
    count = _page_count(pdf, source, limits.max_pages)
    if count > limits.max_pages:
        raise LimitExceededError(source, f"{count} pages > limit {limits.max_pages}")
    pages, images, cids = _read_pages(pdf, source, limits.max_pages)
    if not pages:
        raise CorruptFileError(source, "the PDF has no pages")
    if not any(p.items for p in pages):
        if cids:
            raise NoTextLayerError(source, f"{cids} glyphs without a Unicode mapping and no readable text")
        what = f"{images} images and no text" if images else "no text"
        raise NoTextLayerError(source, f"{len(pages)} pages with {what}")
    builder = TextBuilder(source, "pdf")
    _write(builder, pages)
    builder.meta["pages"] = len(pages)
    empty = [p.number for p in pages if not p.items]
    if empty:
        builder.meta["pages_without_text"] = empty
    return builder.build()


#: the highest CID a CIDFont can draw (CIDs are 0 to 65,535: PDF 32000-1 9.7.4, Adobe's CID
#: specifications): a width range of its /W or /W2 that goes beyond names no glyph
CID_MAX = 65_535


def bounded_widths(seq: Iterable[object], numbers: int, resolve: bool = True) -> list[object]:
    """A CIDFont's /W array (``numbers`` 3: ``first last width``, or ``first [widths…]``) or /W2
    array (5: ``first last w1y v1x v1y``) with each range cut to the CIDs that exist, read as
    pdfminer reads it (numbers gather until a range is whole or a list takes the last one as its
    first CID; anything else is passed over). pdfminer writes one width per CID of a range: a
    4 KB file whose ``228 7930527 524`` took 3 s and 900 MB (found by fuzzing), and
    ``1 4294967295 500`` would not end.

    >>> bounded_widths([1, 4294967295, 500, 7, [300, 400]], 3)
    [1, 65535, 500, 7, [300, 400]]
    """
    from pdfminer.pdftypes import resolve1

    out: list[object] = []
    run: list[object] = []
    for v in seq:
        if resolve:
            v = resolve1(v)
        if isinstance(v, list):
            out += run
            out.append(v)
            run = []
        elif isinstance(v, int | float):
            run.append(v)
            if len(run) == numbers:
                first, last = run[0], run[1]
                if isinstance(first, int) and isinstance(last, int):
                    run[0], run[1] = max(first, 0), min(last, CID_MAX)
                out += run
                run = []
        else:
            out.append(v)  # passed over with a warning, the run going on across it
    return out + run


#: entries one font's ToUnicode map may write: a 2-byte code space has 65,536 codes, and a
#: ``bfrange`` or ``cidrange`` of 4-byte codes can name four billion, which pdfminer writes one by one
UNICODE_MAP_MAX = 1 << 18


class _MapTooLarge(Exception):
    """A font's ToUnicode map, or its embedded TrueType program's cmap, wrote more than
    :data:`UNICODE_MAP_MAX` entries."""


def _written(owner: Any) -> None:
    """Count one entry written into a font's map (``owner``: the ToUnicode map, or the TrueType
    program, whose subtables may all point at one table); :class:`_MapTooLarge` past
    :data:`UNICODE_MAP_MAX`."""
    written = owner.__dict__.get("_extractor_written", 0) + 1
    if written > UNICODE_MAP_MAX:
        raise _MapTooLarge(UNICODE_MAP_MAX)
    owner._extractor_written = written


class _CountedCodes(dict[int, int]):
    """A TrueType cmap's codes → glyphs as pdfminer writes them, each write counted on the font."""

    def __init__(self, font: Any) -> None:
        super().__init__()
        self.font = font

    def __setitem__(self, code: int, glyph: int) -> None:
        _written(self.font)
        super().__setitem__(code, glyph)


def _counted_cmap(parse: Any) -> Any:
    """A ``TrueTypeFont.parse_cmap_format_N`` that writes into :class:`_CountedCodes`."""

    def counted(font: Any, fp: Any, char2gid: dict[int, int]) -> None:
        codes = _CountedCodes(font)
        parse(font, fp, codes)
        char2gid.update(codes)

    return counted


_BOUND_LOCK = threading.Lock()


def _bound_fonts() -> None:
    """What pdfminer builds from a few bytes of a font, bounded (wrapped once a process): a
    CIDFont's widths read through :func:`bounded_widths`, and a ToUnicode map or an embedded
    TrueType cmap that writes more than :data:`UNICODE_MAP_MAX` entries stopped
    (:class:`_MapTooLarge`, a ``limit_exceeded`` error for the file)."""
    from pdfminer import cmapdb, pdffont

    with _BOUND_LOCK:
        if getattr(pdffont, "_extractor_bounded", False):
            return
        widths, widths2 = pdffont.get_widths, pdffont.get_widths2
        add = cmapdb.FileUnicodeMap.add_cid2unichr

        def get_widths(seq: Iterable[object]) -> Any:
            return widths(bounded_widths(seq, 3))

        def get_widths2(seq: Iterable[object]) -> Any:
            return widths2(bounded_widths(seq, 5, resolve=False))  # pdfminer resolves no element there

        def add_cid2unichr(self: Any, cid: int, code: Any) -> None:
            _written(self)
            add(self, cid, code)

        pdffont.get_widths, pdffont.get_widths2 = get_widths, get_widths2
        cmapdb.FileUnicodeMap.add_cid2unichr = add_cid2unichr  # type: ignore[method-assign]
        # the cmap formats whose ranges pdfminer walks code by code (4: 16-bit ranges, as many as
        # 32,767 of them; 12: 32-bit ones); the others read as many entries as their bytes hold
        for name in ("parse_cmap_format_4", "parse_cmap_format_12"):
            setattr(pdffont.TrueTypeFont, name, _counted_cmap(getattr(pdffont.TrueTypeFont, name)))
        pdffont._extractor_bounded = True  # type: ignore[attr-defined]


# the keyword that opens a stream's data (not the end of ``endstream``)
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
#: bytes inflated at a time when streams are counted
_CHUNK = 1 << 16


def check_streams(data: bytes, source: str, limit: int) -> None:
    """Inflate every zlib stream of the file a chunk at a time, keeping nothing, and raise
    :class:`LimitExceededError` once they come to more than ``limit`` bytes in all: a 1 MB PDF
    whose content stream inflates to 1 GiB of spaces took 1.1 GB and more than two minutes.

    A stream is found by its ``stream`` keyword and is taken for zlib data when it starts with a
    zlib header (FlateDecode); any other (an image's DCT, an encrypted stream) fails at once and
    is passed over, and so is a broken one (pdfminer will say what it makes of it)."""
    total = 0
    view = memoryview(data)
    for m in _STREAM.finditer(data):
        k = m.end()
        if len(data) < k + 2 or data[k] & 0x0F != 8 or (data[k] << 8 | data[k + 1]) % 31:
            continue
        inflate = zlib.decompressobj()
        try:
            while k < len(data) and not inflate.eof:
                pending = bytes(view[k:k + _CHUNK])
                k += _CHUNK
                while pending and not inflate.eof:
                    total += len(inflate.decompress(pending, _CHUNK))
                    pending = inflate.unconsumed_tail
                    if total > limit:
                        raise LimitExceededError(
                            source, f"压缩数据流解压后超过 {limit} 字节，疑似压缩炸弹 "
                                    f"(compressed streams unpack to more than {limit} bytes: max_unpacked_bytes)")
        except zlib.error:
            continue


def _open_error(source: str, cause: object) -> Exception:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return EncryptedFileError(source, "the PDF needs a password to be opened")
    return CorruptFileError(source, f"cannot be parsed as a PDF ({type(cause).__name__}: {cause})")


def _page_count(pdf: PDF, source: str, limit: int) -> int:
    """Pages from the page tree's /Count, without building the pages; when the tree does not
    say, pages are counted one by one up to ``limit + 1``."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    try:
        root = resolve1(pdf.doc.catalog.get("Pages"))
        count = resolve1(root.get("Count")) if isinstance(root, dict) else None
        if isinstance(count, int) and count >= 0:
            return count
        n = 0
        for _ in PDFPage.create_pages(pdf.doc):
            n += 1
            if n > limit:
                break
        return n
    except Exception as e:
        raise CorruptFileError(source, f"broken page tree ({type(e).__name__}: {e})") from e


def _pages(pdf: PDF, source: str, limit: int) -> Iterator[Page]:
    """The pages of the page tree, built one at a time as they are read (pdfplumber's ``pages``
    builds them all first); :class:`LimitExceededError` at the first page past ``limit``, whatever
    the tree's /Count said."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    doctop = 0.0
    for number, obj in enumerate(PDFPage.create_pages(pdf.doc), 1):
        if number > limit:
            raise LimitExceededError(source, f"超过 {limit} 页的上限，页面树的 /Count 与实际页数不符 "
                                             f"(more than the limit of {limit} pages, though /Count said fewer)")
        page = Page(pdf, obj, page_number=number, initial_doctop=doctop)
        doctop += float(page.height)
        yield page


def _read_pages(pdf: PDF, source: str, limit: int) -> tuple[list[_Page], int, int]:
    """Every page's lines and tables; the number of images and of unmapped glyphs seen."""
    pages: list[_Page] = []
    images = cids = 0
    try:
        for number, page in enumerate(_pages(pdf, source, limit), 1):
            images += len(page.images)
            chars = page.chars
            unmapped = sum(1 for c in chars if _CID.match(c["text"]))
            cids += unmapped
            if len(chars) == unmapped:
                pages.append(_Page(number, float(page.width), float(page.height), []))
            else:
                pages.append(_Page(number, float(page.width), float(page.height), _page_items(page, number)))
            page.close()
    except LimitExceededError:
        raise
    except Exception as e:  # a content stream pdfminer cannot parse
        cause = e.args[0] if e.args and isinstance(e.args[0], _MapTooLarge) else e  # as pdfplumber wraps it
        if isinstance(cause, _MapTooLarge):
            most = cause.args[0]
            raise LimitExceededError(source, f"第 {len(pages) + 1} 页字体的 Unicode 映射超过 {most} 项，疑似映射炸弹 "
                                             f"(a font's codes-to-Unicode map writes over {most} entries)") from e
        raise CorruptFileError(source, f"page {len(pages) + 1} cannot be read ({type(e).__name__}: {e})") from e
    return pages, images, cids


def _page_items(page: Page, number: int) -> list[_Line | _Grid]:
    """Lines and tables of one page, top to bottom."""
    page = page.filter(lambda o: o.get("object_type") != "char" or not _CID.match(o["text"]))
    doubles = _doubles(page.chars)
    if doubles:
        page = page.filter(lambda o: id(o) not in doubles)
    found = [t for t in page.find_tables() if _is_table(t.cells)]
    grids = [_grid(page, t.cells, number) for t in found]
    boxes = [t.bbox for t in found]
    text_page = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
    lines = _lines(text_page.chars, number)
    unruled = _unruled_tables(text_page, lines, number) if any(ln.columnar for ln in lines) else []
    if unruled:
        boxes = [box for box, _ in unruled]
        grids += [g for _, g in unruled]
        text_page = text_page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
        lines = _lines(text_page.chars, number)
    items: list[_Line | _Grid] = [*lines, *grids]
    items.sort(key=lambda it: it.top)
    return items


def _doubles(chars: Sequence[dict[str, Any]]) -> set[int]:
    """The ids of the characters that repeat one drawn before them: the same glyph (text, font,
    size) within ``_DEDUPE_TOLERANCE`` points across and down (fake bold, a shadow). This is
    pdfplumber's ``dedupe_chars`` (the first of each cluster in reading order is kept) in one
    pass over one-point buckets: pdfplumber's own puts the kept characters back in order with
    ``list.index``, quadratic, as slow as parsing the page."""
    tol = _DEDUPE_TOLERANCE
    seen: dict[tuple[str, str, float, int, int], list[tuple[float, float]]] = {}
    out: set[int] = set()
    for c in sorted(chars, key=lambda c: (float(c["doctop"]), float(c["x0"]))):
        text = c["text"]
        x, y = float(c["x0"]), float(c["doctop"])
        bx, by = int(x // tol), int(y // tol)
        font, size = str(c["fontname"]), round(float(c["size"]), 1)
        if any(abs(x - kx) <= tol and abs(y - ky) <= tol
               for dx in (-1, 0, 1) for dy in (-1, 0, 1)
               for kx, ky in seen.get((text, font, size, bx + dx, by + dy), ())):
            out.add(id(c))
        else:
            seen.setdefault((text, font, size, bx, by), []).append((x, y))
    return out


# -- lines ------------------------------------------------------------------------------------


def _lines(chars: Sequence[dict[str, Any]], number: int) -> list[_Line]:
    """The lines of some characters, in reading order, with the space rule applied."""
    from pdfplumber.utils.text import chars_to_textmap

    if not chars:
        return []
    textmap = chars_to_textmap(list(chars), **_TEXT_MAP)
    out: list[_Line] = []
    run: list[tuple[str, dict[str, Any] | None]] = []
    for text, obj in [*textmap.tuples, ("\n", None)]:
        if text == "\n" and obj is None:
            line = _line(run, number)
            if line is not None:
                out.append(line)
            run = []
        else:
            run.append((text, obj))
    return out


def _line(run: list[tuple[str, dict[str, Any] | None]], number: int) -> _Line | None:
    objs = [o for _, o in run if o is not None and not o["text"].isspace()]
    if not objs:
        return None
    size = median(float(o["size"]) for o in objs)
    pieces = [(None, 0.0, 0.0) if o is None else (t, float(o["x0"]), float(o["x1"])) for t, o in run]
    text = _drop_inserted_spaces(pieces, size).strip()
    if not text:
        return None
    bold = sum("bold" in str(o["fontname"]).lower() for o in objs) > len(objs) / 2
    return _Line(text, min(float(o["x0"]) for o in objs), max(float(o["x1"]) for o in objs),
                 min(float(o["top"]) for o in objs), max(float(o["bottom"]) for o in objs), size, bold, number,
                 lead=_lead(objs), spacing=_spacing(pieces),
                 columnar=any(float(b["x0"]) - float(a["x1"]) >= _COLUMN_GAP * size for a, b in pairwise(objs)))


def _spacing(pieces: Sequence[tuple[str | None, float, float]]) -> float:
    """The letter spacing of a line: the median gap between consecutive glyphs (0 or more)."""
    glyphs = [(x0, x1) for t, x0, x1 in pieces if t is not None]
    gaps = [max(b[0] - a[1], 0.0) for a, b in pairwise(glyphs)]
    return median(gaps) if gaps else 0.0


def _lead(objs: Sequence[dict[str, Any]]) -> float:
    """Width of the first word of a line: a run of Latin letters and digits (with . , %) or one
    character, and the closing punctuation that may not start a line after it."""
    k = 1
    if _WORD.match(objs[0]["text"]):
        while k < len(objs) and _WORD.match(objs[k]["text"]):
            k += 1
    while k < len(objs) and objs[k]["text"] in _NO_START:
        k += 1
    return float(objs[k - 1]["x1"]) - float(objs[0]["x0"])


def _drop_inserted_spaces(pieces: Sequence[tuple[str | None, float, float]], size: float) -> str:
    """A line's text from ``(text, x0, x1)`` pieces where ``None`` is a space pdfplumber
    inserted for a gap (no glyph behind it). Such a space is dropped when its gap is the line's
    own letter spacing (within a quarter em of the median gap between glyphs: ``2 0 2 0`` drawn
    with wide spacing reads ``2020``), between two CJK characters less than ``CJK_GAP`` em apart,
    and next to a space the PDF draws itself."""
    spacing = _spacing(pieces)
    out: list[str] = []
    for i, (text, _, _) in enumerate(pieces):
        if text is not None:
            out.append(text)
            continue
        prev = pieces[i - 1] if i else None
        nxt = pieces[i + 1] if i + 1 < len(pieces) else None
        if prev is None or nxt is None or prev[0] is None or nxt[0] is None:
            continue
        gap = nxt[1] - prev[2]
        if prev[0].isspace() or nxt[0].isspace() or (spacing < CJK_GAP * size and gap <= spacing + 0.25 * size):
            continue
        if _CJK.match(prev[0][-1]) and _CJK.match(nxt[0][0]) and gap < CJK_GAP * size:
            continue
        out.append(" ")
    return "".join(out)


def _joins(before: str, after: str, cut: bool = False) -> str:
    """What goes between two pieces of one paragraph that a line break cut apart: a space
    between Latin letters or digits, but between two digits when the break was a ``cut`` by a
    character count (which, unlike a word processor, cuts numbers)."""
    if not (before and after and _LATIN.match(before[-1]) and _LATIN.match(after[0])):
        return ""
    return "" if cut and before[-1].isdigit() and after[0].isdigit() else " "


# -- tables -----------------------------------------------------------------------------------


def _is_table(cells: Sequence[tuple[float, float, float, float]]) -> bool:
    """A ruled box with one cell is a frame around text, not a table."""
    return len(cells) >= 2


def _inside(obj: dict[str, Any], boxes: Iterable[tuple[float, float, float, float]]) -> bool:
    """Whether a character's middle lies in one of the boxes (pdfplumber's own cell test)."""
    h = (float(obj["x0"]) + float(obj["x1"])) / 2
    v = (float(obj["top"]) + float(obj["bottom"])) / 2
    return any(x0 <= h < x1 and top <= v < bottom for x0, top, x1, bottom in boxes)


def _grid(page: Page, cells: Sequence[tuple[float, float, float, float]], number: int) -> _Grid:
    """Rows of cell texts from cell boxes, with each cell's (rowspan, colspan)."""
    xs = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    rows: list[list[str | None]] = [[None] * len(xs) for _ in tops]
    spans: list[list[tuple[int, int]]] = [[(1, 1)] * len(xs) for _ in tops]
    chars = page.chars
    for x0, top, x1, bottom in cells:
        i, j = tops.index(round(top, 1)), xs.index(round(x0, 1))
        rowspan = sum(1 for t in tops if top - 0.05 <= t < bottom - 0.05)
        colspan = sum(1 for x in xs if x0 - 0.05 <= x < x1 - 0.05)
        inside = [c for c in chars if _inside(c, [(x0, top, x1, bottom)])]
        rows[i][j] = _cell_text(inside, number)
        spans[i][j] = (max(rowspan, 1), max(colspan, 1))
    # rows with no text at all (the text strategy puts one between two lines of text) go, and
    # a merged cell spans only the rows that stay
    keep = [i for i, r in enumerate(rows) if any(r)]
    spans = [[(sum(1 for k in keep if i <= k < i + rs), cs) for rs, cs in spans[i]] for i in keep]
    return _Grid(min(c[1] for c in cells), [rows[i] for i in keep], spans, number)


def _cell_text(chars: Sequence[dict[str, Any]], number: int) -> str:
    """A cell's lines as one string: a wrapped cell's lines join like a paragraph's."""
    text = ""
    for line in _lines(chars, number):
        text += _joins(text, line.text) + line.text if text else line.text
    return text


def _unruled_tables(page: Page, lines: Sequence[_Line], number: int) -> list[tuple[tuple[float, float, float, float],
                                                                                  _Grid]]:
    """Tables without rules: two or more consecutive lines whose words stand apart by wide gaps
    are a candidate region; pdfplumber's text strategy on that region must find a grid of at
    least two rows and two columns, two filled cells a row, for it to count (otherwise the lines
    stay text)."""
    out: list[tuple[tuple[float, float, float, float], _Grid]] = []
    for x0, top, x1, bottom in _columnar_runs(lines):
        box = (max(x0 - 2, 0.0), max(top - 2, 0.0), min(x1 + 2, float(page.width)), min(bottom + 2, float(page.height)))
        try:
            found = page.crop(box).find_tables(_UNRULED)
        except ValueError:  # a degenerate region
            continue
        for t in found:
            grid = _grid(page, t.cells, number)
            if len(grid.rows) >= 2 and all(sum(1 for c in r if c) >= 2 for r in grid.rows):
                out.append((t.bbox, grid))
    return out


def _columnar_runs(lines: Sequence[_Line]) -> list[tuple[float, float, float, float]]:
    """Boxes of the runs of two or more adjacent columnar lines."""
    runs: list[list[_Line]] = []
    for line in lines:
        if line.columnar and runs and runs[-1] and line.top - runs[-1][-1].bottom <= 2 * line.size:
            runs[-1].append(line)
        else:
            runs.append([line] if line.columnar else [])
    return [(min(ln.x0 for ln in r), min(ln.top for ln in r), max(ln.x1 for ln in r), max(ln.bottom for ln in r))
            for r in runs if len(r) >= 2]


# -- headers, footers, paragraphs -------------------------------------------------------------


def _mark_margins(pages: list[_Page], body_size: float) -> None:
    """Set ``kind`` to header/footer on the lines in a page's top or bottom margin that are a
    bare page number, come back on enough pages, or are set smaller than the body text."""
    def key(text: str) -> str:
        return _DIGITS.sub("#", "".join(text.split()))

    candidates: list[tuple[_Line, BlockKind]] = []
    for p in pages:
        lines = [it for it in p.items if isinstance(it, _Line)]
        candidates += [(ln, "header") for ln in lines[:2] if ln.bottom <= p.height * MARGIN_ZONE]
        candidates += [(ln, "footer") for ln in lines[-2:] if ln.top >= p.height * (1 - MARGIN_ZONE)]
    seen = Counter((where, key(line.text)) for line, where in candidates)
    enough = max(2, (len(pages) + 1) // 2)
    for line, where in candidates:
        if (_PAGE_NUMBER.match(line.text) or seen[where, key(line.text)] >= enough
                or line.size <= 0.85 * body_size):
            line.kind = where


def _write(builder: TextBuilder, pages: list[_Page]) -> None:
    """Paragraphs (re-joined across line and page breaks), tables, headers and footers, in order."""
    body_size = _body_size(pages)
    _mark_margins(pages, body_size)
    edges = _edges(pages)
    measures = _measures(pages, body_size)
    para: list[_Line] = []
    held: list[_Line] = []  # headers and footers met while a paragraph may run on to the next page

    def flush() -> None:
        if para:
            text = ""
            for ln in para:
                text += _joins(text, ln.text, ln.cut) + ln.text if text else ln.text
            kind: BlockKind = "heading" if _is_heading(para[0], body_size) else "paragraph"
            builder.paragraph(text, kind=kind, page=para[0].page)
            para.clear()
        for ln in held:
            builder.paragraph(ln.text, kind=ln.kind, page=ln.page)
        held.clear()

    for p in pages:
        left, right = edges[round(p.width)]
        measure = measures.get(round(p.width), left)
        for item in p.items:
            if isinstance(item, _Grid):
                flush()
                builder.table(item.rows, page=item.page, spans=item.spans)
            elif item.kind != "paragraph":
                if para:
                    held.append(item)
                else:
                    builder.paragraph(item.text, kind=item.kind, page=item.page)
            elif para and (how := _continues(para[-1], item, left, right, measure, body_size, len(para) == 1)):
                item.cut = how == "ragged"
                para.append(item)
            else:
                flush()
                para.append(item)
    flush()


def _edges(pages: Iterable[_Page]) -> dict[int, tuple[float, float]]:
    """The left and right edges of the running text, for each page width of the document. The
    right edge is the widest line's end, or the left margin mirrored if that is further right:
    on a page of short lines (a signature block) no line reaches the real edge."""
    edges: dict[int, tuple[float, float]] = {}
    for p in pages:
        for it in p.items:
            if isinstance(it, _Line) and it.kind == "paragraph":
                left, right = edges.get(round(p.width), (it.x0, it.x1))
                edges[round(p.width)] = (min(left, it.x0), max(right, it.x1, p.width - min(left, it.x0)))
        edges.setdefault(round(p.width), (0.0, 0.0))
    return edges


def _continues(prev: _Line, line: _Line, left: float, right: float, measure: float, body_size: float,
               first: bool = False) -> Literal["edge", "ragged"] | None:
    """How ``line`` goes on with the paragraph whose last line is ``prev``, or None when it
    starts a new one. ``prev`` must not end a sentence, the two must have one font size and
    stand close (or ``line`` opens the next page); then ``"edge"`` when ``prev`` was broken at
    the right edge (the first word of ``line`` would not have fitted after it) and ``line`` has
    no indent, or both are lines of one heading; ``"ragged"`` when ``prev`` was cut by a count
    well short of the edge (:func:`_ragged`; ``first``: ``prev`` is its paragraph's first line)."""
    end = prev.text.rstrip(_CLOSERS)
    if not end or end[-1] in _ENDS or abs(prev.size - line.size) > 0.5 or prev.columnar or line.columnar:
        return None
    if line.page == prev.page and not 0 <= line.top - prev.bottom <= line.size:
        return None
    if prev.size > body_size * 1.1:  # a title set on two lines, centered or not
        return "edge"
    if line.x0 > left + 0.5 * line.size:  # an indent starts a paragraph
        return None
    # the room left after prev's last glyph, less its own letter spacing, was too small for the
    # next word and the spacing before it
    if right - prev.x1 < line.lead + 2 * prev.spacing + EDGE_SLACK * prev.size:
        return "edge"
    return "ragged" if _ragged(prev, line, left, measure, first) else None


def _ragged(prev: _Line, line: _Line, left: float, measure: float, first: bool = False) -> bool:
    """Whether ``prev`` is a full line of ragged-right text (cut by a character count, not at
    the edge) that ``line`` goes on: it fills ``RAGGED`` of a measure ``MEASURE_MIN`` em wide at
    least (``RAGGED_FULL`` when it ends in ： or, as its paragraph's ``first`` line, opens a
    numbered heading or list item), ``line`` opens none, and both are bold or neither is (a
    bold heading the width of the text is still a heading)."""
    width = measure - left
    if width < MEASURE_MIN * prev.size or prev.bold != line.bold or _ITEM.match(line.text):
        return False
    # how full prev is: its width, or its characters counted an em each (a full line of many
    # digits, half an em each, is narrow but has its count)
    full = max(prev.x1 - left, len(prev.text) * prev.size) / width
    short_end = prev.text.endswith(("：", ":")) or (first and _ITEM.match(prev.text) is not None)
    return full >= (RAGGED_FULL if short_end else RAGGED)


def _measures(pages: Iterable[_Page], body_size: float) -> dict[int, float]:
    """The measure of the running text for each page width: the right end of its widest body
    line (not the page margin: ragged text ends well short of it)."""
    out: dict[int, float] = {}
    for p in pages:
        for it in p.items:
            if (isinstance(it, _Line) and it.kind == "paragraph" and not it.columnar
                    and abs(it.size - body_size) <= 0.5):
                out[round(p.width)] = max(out.get(round(p.width), it.x1), it.x1)
    return out


def _body_size(pages: Iterable[_Page]) -> float:
    sizes: Counter[float] = Counter()
    for p in pages:
        for it in p.items:
            if isinstance(it, _Line) and it.kind == "paragraph":
                sizes[round(it.size, 1)] += len(it.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _is_heading(line: _Line, body_size: float) -> bool:
    return line.size > body_size * 1.1 or (line.bold and len(line.text) <= 40)
