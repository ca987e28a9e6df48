"""Reader of .docx files: headers, body paragraphs and tables in document order, footers.

Through :class:`~extractor.readers.build.TextBuilder`: a paragraph is a line (``heading`` when
its style is a heading or it has an outline level, ``list_item`` when it is numbered); a table is
one line a row, each merged cell read once with its rowspan and colspan (the ``w:tc`` elements
are walked with ``gridSpan`` and ``vMerge``: python-docx's ``row.cells`` repeats a merged cell
in every grid slot it covers); a table nested in a cell is flattened into that cell's text. The
number Word draws before a numbered paragraph is not in the XML's text: it is put back from
the numbering part (``1.``, ``一、``, ``（一）``...), so the text reads as the page does. The
headers and footers of all sections come once each (the same text twice is kept once),
headers before the body and footers after it; page-number fields in them are dropped.

Not read: text boxes and shapes (``w:txbxContent``), footnotes, endnotes, comments, deleted
revisions, ruby text and images. Paragraphs and tables inside block content controls
(``w:sdt``) are read, which python-docx's ``iter_inner_content`` would skip.

Bad input raises a typed error. The zip is checked before python-docx unpacks anything: from
its directory, past ``limits.max_unpacked_bytes``, or a member with a compression ratio no Word
part has (a zip bomb) → :class:`LimitExceededError`; then each member is inflated a chunk at a
time and counted, and one that unpacks to more than its directory states (a bomb whose directory
lies: python-docx's zipfile inflates a member whole before cutting it at its stated size, 2 GiB
at once) → :class:`LimitExceededError`; a truncated or broken archive, a member compressed as Word
never does, or one python-docx cannot open as a package → :class:`CorruptFileError`; an
encrypted Office file (an OLE compound file holding an ``EncryptedPackage`` stream, see
:func:`is_encrypted_ole`) → :class:`EncryptedFileError`; a .docm or template →
:class:`UnsupportedFormatError`.

>>> is_encrypted_ole(b"PK\\x03\\x04 not OLE")
False
>>> _format_number(14, "chineseCounting"), _format_number(3, "decimalEnclosedCircle")
('十四', '③')
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from ..errors import CorruptFileError, EncryptedFileError, LimitExceededError, UnsupportedFormatError
from ..model import BlockKind, Document
from .build import TextBuilder

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import Section, _Footer, _Header

    from . import Limits

__all__ = ["OLE_MAGIC", "check_zip", "is_encrypted_ole", "read"]

log = logging.getLogger(__name__)

#: the first bytes of an OLE compound file (a legacy .doc, or an encrypted .docx)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: a member unpacking to more than this many times its packed size is no Word part: Word's XML
#: packs a few to a few dozen times (python-docx's own styles.xml: 29); deflate's ceiling is ~1030
MAX_RATIO = 200
#: ...but only past this size: a tiny member of repeated bytes may pack very well
RATIO_FLOOR = 1 << 20

# An lxml element of the document's XML (python-docx's oxml classes). Typed loosely: the walk
# reads tags and attributes only, and must type-check with or without lxml's stubs.
_El: TypeAlias = Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _T = _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "t"
_VAL = _W + "val"
# never read: properties, deleted or moved-away text, text boxes and drawings, field codes
_SKIP = frozenset(_W + t for t in ("pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr", "del", "moveFrom",
                                   "txbxContent", "drawing", "pict", "object", "instrText", "delText",
                                   "footnoteReference", "endnoteReference", "commentReference", "rt")) | {
    _MC + "Fallback"}
_RUN_CHARS = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
# fields whose shown value is a page number: noise in a header or footer
_PAGE_FIELD = re.compile(r"^\s*(?:PAGE|NUMPAGES|SECTIONPAGES)\b", re.IGNORECASE)
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*[1-9]$|^(?:title|subtitle|标题|副标题)$", re.IGNORECASE)
# a number label that ends in punctuation is followed by the text directly (一、慰问情况)
_LABEL_END = tuple("、.．)）:：]】,，")


def read(data: bytes, source: str, limits: Limits) -> Document:
    """The Document of a .docx file's bytes."""
    if data.startswith(OLE_MAGIC):
        if is_encrypted_ole(data):
            raise EncryptedFileError(source, "an encrypted Office file (saved with a password); save it "
                                             "without a password to read it")
        raise UnsupportedFormatError(source, "a legacy OLE file (.doc), not a .docx")
    check_zip(data, source, limits)
    document = _open(data, source)
    reader = _Reader(document, source, limits.max_table_cells)
    builder = TextBuilder(source, "docx")
    headers, footers = reader.headers_footers()
    for text in headers:
        builder.paragraph(text, kind="header")
    reader.body(builder)
    for text in footers:
        builder.paragraph(text, kind="footer")
    return builder.build()


def check_zip(data: bytes, source: str, limits: Limits) -> None:
    """Raise unless ``data`` is a whole zip archive holding ``word/document.xml`` that stays within
    ``limits`` once unpacked: first from the sizes the directory states, then from what each
    member actually inflates to (:func:`_check_members`), never more than a chunk at a time."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError) as e:
        raise CorruptFileError(source, f"not a complete zip archive (truncated or damaged): {e}") from e
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise LimitExceededError(source, f"unpacks to {total} bytes > limit {limits.max_unpacked_bytes} "
                                         "(max_unpacked_bytes)")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise LimitExceededError(source, f"member {i.filename} unpacks {i.file_size // max(i.compress_size, 1)}"
                                             f" times its size (> {MAX_RATIO}): a zip bomb")
    if not any(i.filename == "word/document.xml" for i in infos):
        raise CorruptFileError(source, "a zip archive without word/document.xml: not a Word document")
    _check_members(data, infos, source)


#: bytes inflated at a time when members are counted
_CHUNK = 1 << 16


def _check_members(data: bytes, infos: list[zipfile.ZipInfo], source: str) -> None:
    """Inflate each member a chunk at a time, keeping nothing, and raise
    :class:`LimitExceededError` at the first byte past the size the directory states for it: the
    directory's sizes were checked against the limits, so the members then stay within them too.

    python-docx reads a member with zipfile's ``read()``, which inflates all of its compressed
    bytes at once (up to 2 GiB) and only then cuts the result at the stated size: without this,
    a 3 MB file whose directory understates its sizes took 2.2 GB."""
    view = memoryview(data)
    for i in infos:
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise CorruptFileError(source, f"member {i.filename} is compressed with method {i.compress_type}, "
                                           "which Word never uses（Word 不使用此压缩方式）")
        if i.flag_bits & 1:
            raise EncryptedFileError(source, f"member {i.filename} is encrypted（zip 成员已加密）")
        start = i.header_offset + 30
        if len(data) < start or data[i.header_offset:i.header_offset + 4] != b"PK\x03\x04":
            raise CorruptFileError(source, f"member {i.filename} has no local header where the directory says")
        name_len, extra_len = struct.unpack_from("<HH", data, i.header_offset + 26)
        start += name_len + extra_len
        if i.compress_type == zipfile.ZIP_STORED:
            continue  # read as stored: never more bytes than there are
        inflate = zlib.decompressobj(-15)
        size = 0
        packed = view[start:start + i.compress_size]
        for k in range(0, len(packed), _CHUNK):
            pending = bytes(packed[k:k + _CHUNK])
            while pending and not inflate.eof:
                try:
                    size += len(inflate.decompress(pending, _CHUNK))
                except zlib.error as e:
                    raise CorruptFileError(source, f"member {i.filename} does not inflate ({e})") from e
                pending = inflate.unconsumed_tail
                if size > i.file_size:
                    raise LimitExceededError(
                        source, f"{i.filename} 解压后超过 zip 目录所记的 {i.file_size} 字节，疑似压缩炸弹 "
                                f"(member {i.filename} unpacks past the {i.file_size} bytes its directory states: "
                                "a zip bomb)")
            if inflate.eof:
                break


_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def is_encrypted_ole(data: bytes) -> bool:
    """Whether ``data`` is an OLE compound file holding an ``EncryptedPackage`` stream: an Office
    Open XML file (.docx, .xlsx...) saved with a password. A legacy .doc encrypted in its own
    way (a flag in its FIB) is not recognized here.

    The stream is found as a directory entry: 128 bytes on a 128-byte boundary (every sector is
    a multiple of 128 bytes), its UTF-16 name, the name's byte length with the NUL (34) at 0x40,
    and the object type 2 (a stream) at 0x42.
    """
    if not data.startswith(OLE_MAGIC):
        return False
    k = data.find(_ENCRYPTED_PACKAGE)
    while k != -1:
        if k % 128 == 0 and len(data) >= k + 0x43:
            (name_len,) = struct.unpack_from("<H", data, k + 0x40)
            if name_len == len(_ENCRYPTED_PACKAGE) + 2 and data[k + 0x42] == 2:
                return True
        k = data.find(_ENCRYPTED_PACKAGE, k + 1)
    return False


def _open(data: bytes, source: str) -> DocxDocument:
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.package import Package

    try:
        part = Package.open(io.BytesIO(data)).main_document_part
    except Exception as e:  # python-docx raises KeyError, ValueError, lxml and zlib errors on a broken package
        raise CorruptFileError(source, f"not a readable Word document: {type(e).__name__}: {e}") from e
    ctype = str(part.content_type or "")
    if ctype != CT.WML_DOCUMENT_MAIN:
        if ctype.startswith(_OTHER_WORD_TYPES):
            raise UnsupportedFormatError(source, f"a Word package of type {ctype} (a template or "
                                                 "macro-enabled file), not a .docx document")
        raise CorruptFileError(source, f"the main part has content type {ctype or 'none'}, "
                                       "not a Word document's ([Content_Types].xml is damaged)")
    document: DocxDocument = part.document  # a DocumentPart: its content type was checked above
    return document


# a .docm, .dotx or .dotm: a Word file, but not a document python-docx opens
_OTHER_WORD_TYPES = ("application/vnd.ms-word.document.macroEnabled",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
                     "application/vnd.ms-word.template.macroEnabled")


def _related_root(document: DocxDocument, reltype: str) -> _El | None:
    """The XML root of the part the document relates to by ``reltype``; None when it has none,
    or when the part is not XML (a damaged content type makes it a plain part)."""
    try:
        part = document.part.part_related_by(reltype)
    except (KeyError, ValueError):
        return None
    root: _El | None = getattr(part, "element", None)
    return root


# ---------------------------------------------------------------- numbering


@dataclass(frozen=True, slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False  # w:isLgl: every %N shown as a decimal


@dataclass(slots=True)
class _Numbering:
    """Word's list numbering: num → abstractNum → levels, and the running counters.

    Counters belong to the abstractNum (two nums on one abstractNum continue each other); a
    num with a ``startOverride`` restarts its level when first used."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNum id → levels
    nums: dict[str, str] = field(default_factory=dict)  # num id → abstractNum id
    overrides: dict[str, dict[int, _Level | int]] = field(default_factory=dict)  # num id → level → lvl/start
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, root: _El | None, style_nums: dict[str, str]) -> _Numbering:
        n = cls()
        if root is None:
            return n
        links: dict[str, str] = {}
        for a in root.iterchildren(_W + "abstractNum"):
            aid = str(a.get(_W + "abstractNumId"))
            n.levels[aid] = {int(lvl.get(_W + "ilvl") or 0): _level(lvl) for lvl in a.iterchildren(_W + "lvl")}
            link = _val(a.find(_W + "numStyleLink"))
            if link is not None:
                links[aid] = link
        for num in root.iterchildren(_W + "num"):
            nid = str(num.get(_W + "numId"))
            n.nums[nid] = _val(num.find(_W + "abstractNumId")) or ""
            over: dict[int, _Level | int] = {}
            for o in num.iterchildren(_W + "lvlOverride"):
                ilvl = int(o.get(_W + "ilvl") or 0)
                lvl = o.find(_W + "lvl")
                start = _val(o.find(_W + "startOverride"))
                if lvl is not None:
                    over[ilvl] = _level(lvl)
                elif start is not None and start.lstrip("-").isdigit():
                    over[ilvl] = int(start)
            if over:
                n.overrides[nid] = over
        # an abstractNum that only links to a numbering style takes the levels of that style's list
        for aid, style in links.items():
            target = n.nums.get(style_nums.get(style, ""))
            if target is not None and target != aid and n.levels.get(target):
                n.levels[aid] = n.levels[target]
        return n

    def label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """The label (``一、``) and suffix kind of the next paragraph of list ``num_id`` at level
        ``ilvl``; None when the list is unknown or is numbering ``0`` (none)."""
        aid = self.nums.get(num_id)
        if aid is None or num_id == "0":
            return None
        ilvl = min(max(ilvl, 0), 8)
        levels = dict(self.levels.get(aid, {}))
        override = self.overrides.get(num_id, {})
        counters = self.counters.setdefault(aid, [None] * 9)
        for k, o in override.items():
            if isinstance(o, _Level):
                levels[k] = o
            elif 0 <= k <= 8:
                levels[k] = _replace_start(levels.get(k, _Level()), o)
        if num_id not in self.started:
            self.started.add(num_id)
            for k in override:
                if 0 <= k <= 8:
                    counters[k] = None
        lvl = levels.get(ilvl, _Level(text=f"%{ilvl + 1}."))
        current = counters[ilvl]
        counters[ilvl] = lvl.start if current is None else current + 1
        for k in range(ilvl + 1, 9):
            deeper = levels.get(k)
            if deeper is None or (deeper.restart != 0 and (deeper.restart is None or ilvl + 1 <= deeper.restart)):
                counters[k] = None
        if lvl.fmt == "bullet":
            return "", lvl.suffix

        def one(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if not 0 <= k <= ilvl:
                return ""
            at = levels.get(k, _Level())
            value = counters[k] if counters[k] is not None else at.start
            return _format_number(value or 0, "decimal" if lvl.legal and k < ilvl else at.fmt)

        return re.sub(r"%([1-9])", one, lvl.text), lvl.suffix


def _replace_start(lvl: _Level, start: int) -> _Level:
    return _Level(start, lvl.fmt, lvl.text, lvl.suffix, lvl.restart, lvl.legal)


def _val(el: _El | None) -> str | None:
    if el is None:
        return None
    v = el.get(_VAL)
    return None if v is None else str(v)


def _level(lvl: _El) -> _Level:
    start = _val(lvl.find(_W + "start"))
    restart = _val(lvl.find(_W + "lvlRestart"))
    legal = lvl.find(_W + "isLgl")
    return _Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 0,
        fmt=_val(lvl.find(_W + "numFmt")) or "decimal",
        text=_val(lvl.find(_W + "lvlText")) or "",
        suffix=_val(lvl.find(_W + "suff")) or "tab",
        restart=int(restart) if restart and restart.isdigit() else None,
        legal=legal is not None and _val(legal) not in ("0", "false", "off"),
    )


_CN_DIGITS = "零一二三四五六七八九"
_CN_FIGURES = "〇一二三四五六七八九"  # ideographDigital: digit by digit (二〇一九)
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TW_LEGAL = "零壹貳參肆伍陸柒捌玖"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """Chinese counting for 0..99999 (十一, 二十, 一百零五); larger numbers as digits."""
    if n <= 0 or n >= 100000:
        return str(n)
    out, zero = "", False
    for power, unit in ((10000, "万"), (1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d, n = divmod(n, power)
        if d:
            if zero:
                out += digits[0]
            out += digits[d] + unit
            zero = False
        elif out:
            zero = True
    if out.startswith(digits[1] + units[0]) and digits == _CN_DIGITS:
        out = out[1:]  # 十一, not 一十一
    return out


def _format_number(n: int, fmt: str) -> str:
    """``n`` in a Word ``numFmt`` (unknown formats fall back to decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return _chinese(n, _TW_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_FIGURES[int(c)] for c in str(n)) if n >= 0 else str(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        r, m = "", n
        for v, sym in _ROMAN:
            while 0 < v <= m:
                r, m = r + sym, m - v
        r = r or str(n)
        return r if fmt == "upperRoman" else r.lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalFullWidth":
        return str(n).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


# ---------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    based_on: str | None
    num: tuple[str | None, int | None] | None  # the style's own numPr (numId, ilvl)
    outline: int | None


def _numpr(ppr: _El | None) -> tuple[str | None, int | None] | None:
    if ppr is None:
        return None
    numpr = ppr.find(_W + "numPr")
    if numpr is None:
        return None
    ilvl = _val(numpr.find(_W + "ilvl"))
    return _val(numpr.find(_W + "numId")), int(ilvl) if ilvl and ilvl.isdigit() else None


def _outline(ppr: _El | None) -> int | None:
    v = _val(ppr.find(_W + "outlineLvl")) if ppr is not None else None
    return int(v) if v and v.isdigit() else None


# ---------------------------------------------------------------- the walk


class _Reader:
    """One document's walk: its styles and numbering, and the counters numbering keeps."""

    def __init__(self, document: DocxDocument, source: str, max_cells: int = 250_000) -> None:
        self.document = document
        self.source = source
        self.max_cells = max_cells
        self.styles: dict[str, _Style] = {}
        self.default_style: str | None = None
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        styles_root = _related_root(document, RT.STYLES)
        style_els: list[_El] = [] if styles_root is None else list(styles_root.iterchildren(_W + "style"))
        for s in style_els:
            if s.get(_W + "type") != "paragraph":
                continue
            sid = str(s.get(_W + "styleId"))
            ppr = s.find(_W + "pPr")
            self.styles[sid] = _Style(name=_val(s.find(_W + "name")) or sid,
                                      based_on=_val(s.find(_W + "basedOn")), num=_numpr(ppr), outline=_outline(ppr))
            if s.get(_W + "default") in ("1", "true", "on"):
                self.default_style = sid
        style_nums = {sid: st.num[0] for sid, st in self.styles.items() if st.num and st.num[0]}
        for s in style_els:  # numbering styles (w:type="numbering") too
            if s.get(_W + "type") == "numbering":
                num = _numpr(s.find(_W + "pPr"))
                if num and num[0]:
                    style_nums[str(s.get(_W + "styleId"))] = num[0]
        self.numbering = _Numbering.parse(_related_root(document, RT.NUMBERING), style_nums)
        settings = _related_root(document, RT.SETTINGS)
        even = settings.find(_W + "evenAndOddHeaders") if settings is not None else None
        self.even_pages = even is not None and _val(even) not in ("0", "false", "off")

    # -- headers and footers

    def headers_footers(self) -> tuple[list[str], list[str]]:
        """The texts of the headers and of the footers of all sections, each once. A header
        python-docx cannot resolve (a dangling relationship, a bad attribute) is skipped."""
        from docx.oxml.exceptions import XmlchemyError

        heads: list[str] = []
        feet: list[str] = []
        seen: set[int] = set()
        for section in self.document.sections:
            for out, kind in ((heads, "header"), (feet, "footer")):
                try:
                    roots = self._section_parts(section, kind)
                except (KeyError, ValueError, XmlchemyError) as e:
                    log.warning("%s: a %s of a section cannot be read (%s)", self.source, kind, e)
                    continue
                for part, root in roots:
                    if id(part) in seen:
                        continue
                    seen.add(id(part))
                    for line in self._flat_lines(root):
                        if line not in out:
                            out.append(line)
        return heads, feet

    def _section_parts(self, section: Section, kind: str) -> list[tuple[object, _El]]:
        """The (part, XML root) of a section's first-page (when shown), default and even-page
        (when shown) header or footer that it defines itself."""
        kinds: tuple[_Header | _Footer, ...] = (
            (section.first_page_header, section.header, section.even_page_header) if kind == "header"
            else (section.first_page_footer, section.footer, section.even_page_footer))
        first = section.different_first_page_header_footer
        out: list[tuple[object, _El]] = []
        for k, hf in enumerate(kinds):
            if hf.is_linked_to_previous or (k == 0 and not first) or (k == 2 and not self.even_pages):
                continue  # no definition of its own (reading one would add an empty one)
            part = hf.part
            root: _El | None = getattr(part, "element", None)
            if root is not None:
                out.append((part, root))
        return out

    def _flat_lines(self, root: _El) -> Iterator[str]:
        """A header's or footer's lines: its paragraphs, and its tables a row a line."""
        for el in _blocks(root):
            if el.tag == _P:
                text = self.paragraph_text(el, page_fields=False)[0].strip()
                if text:
                    yield text
            else:
                for row in _rows(el):
                    cells = [_SPACES.sub(" ", self.cell_text(tc)).strip() for tc in _cells(row)]
                    line = " ".join(c for c in cells if c)
                    if line:
                        yield line

    # -- body

    def body(self, builder: TextBuilder) -> None:
        body: _El = self.document.element.body
        for el in _blocks(body):
            if el.tag == _P:
                text, kind = self.paragraph_text(el)
                builder.paragraph(text, kind=kind)
            else:
                rows, spans = self.table_grid(el)
                builder.table(rows, spans=spans)

    def paragraph_text(self, p: _El, page_fields: bool = True) -> tuple[str, BlockKind]:
        """A paragraph's text with its list number put back, and its kind."""
        ppr = p.find(_W + "pPr")
        chain = self._style_chain(_val(ppr.find(_W + "pStyle")) if ppr is not None else None)
        text = _run_text(p, page_fields)
        outline = _outline(ppr)
        if outline is None:
            outline = next((s.outline for s in chain if s.outline is not None), None)
        heading = any(_HEADING_NAME.match(s.name.strip()) for s in chain) or (outline is not None and outline < 9)
        num = self._num_of(ppr, chain)
        kind: BlockKind = "heading" if heading else "paragraph"
        if num is not None:
            got = self.numbering.label(*num)
            if got is not None:
                label, suffix = got
                if not heading:
                    kind = "list_item"
                if label:
                    sep = "" if suffix == "nothing" or label.endswith(_LABEL_END) else " "
                    text = label + sep + text.lstrip()
        return text, kind

    def _style_chain(self, sid: str | None) -> list[_Style]:
        chain: list[_Style] = []
        sid = sid if sid in self.styles else self.default_style
        while sid is not None and sid in self.styles and len(chain) < 12:
            st = self.styles[sid]
            if st in chain:
                break
            chain.append(st)
            sid = st.based_on
        return chain

    def _num_of(self, ppr: _El | None, chain: list[_Style]) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph: its own numPr, completed from its style's."""
        own = _numpr(ppr)
        styled = next((s.num for s in chain if s.num is not None), None)
        num_id = (own[0] if own else None) or (styled[0] if styled else None)
        ilvl = (own[1] if own else None)
        if ilvl is None:
            ilvl = styled[1] if styled else None
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0

    # -- tables

    def cell_text(self, tc: _El) -> str:
        """A cell's paragraphs one a line; a nested table's rows one a line, cells apart by a space."""
        lines: list[str] = []
        for el in _blocks(tc):
            if el.tag == _P:
                lines.append(self.paragraph_text(el)[0])
            else:
                for row in _rows(el):
                    cells = (_SPACES.sub(" ", self.cell_text(c)).strip() for c in _cells(row))
                    lines.append(" ".join(c for c in cells if c))
        return "\n".join(lines)

    def table_grid(self, tbl: _El) -> tuple[list[list[str | None]], list[list[tuple[int, int]]]]:
        """The rows of a table for :meth:`TextBuilder.table`: a merged cell once, at its top-left
        slot, None in the slots it covers, and each cell's (rowspan, colspan).

        Rows with no text are left out here (the builder would drop them and lose the rowspans
        that cross them), and a rowspan counts only the rows kept. A grid of more than
        ``max_cells`` slots (a ``w:gridSpan`` or ``w:gridBefore`` of millions) is
        :class:`LimitExceededError`, before its slots are made."""
        origins: list[_Origin] = []
        owner: dict[tuple[int, int], _Origin] = {}
        nrows = 0
        width = 0
        for r, row in enumerate(_rows(tbl)):
            nrows = r + 1
            trpr = row.find(_W + "trPr")
            before = _val(trpr.find(_W + "gridBefore")) if trpr is not None else None
            col = int(before) if before and before.isdigit() else 0
            for tc in _cells(row):
                tcpr = tc.find(_W + "tcPr")
                span_v = _val(tcpr.find(_W + "gridSpan")) if tcpr is not None else None
                span = max(int(span_v), 1) if span_v and span_v.isdigit() else 1
                vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
                hmerge = tcpr.find(_W + "hMerge") if tcpr is not None else None
                above = owner.get((r - 1, col))
                left = owner.get((r, col - 1))
                if vmerge is not None and _val(vmerge) in (None, "continue") and above is not None \
                        and above.col == col:
                    above.rowspan = r - above.row + 1
                    target = above
                elif hmerge is not None and _val(hmerge) in (None, "continue") and left is not None \
                        and left.row == r:
                    left.colspan += span
                    target = left
                else:
                    target = _Origin(r, col, self.cell_text(tc), 1, span)
                    origins.append(target)
                if len(owner) + span > self.max_cells or col + span > self.max_cells:
                    raise self._too_many_cells()
                for c in range(col, col + span):
                    owner[(r, c)] = target
                col += span
            width = max(width, col)
        keep = [r for r in range(nrows) if any(o.row == r and o.text.strip() for o in origins)]
        if len(keep) * width > self.max_cells:
            raise self._too_many_cells()
        new_index = {r: i for i, r in enumerate(keep)}
        kept = set(keep)
        rows: list[list[str | None]] = [[None] * width for _ in keep]
        spans: list[list[tuple[int, int]]] = [[(1, 1)] * width for _ in keep]
        for o in origins:
            if o.row not in kept:
                continue
            i = new_index[o.row]
            rows[i][o.col] = o.text
            spans[i][o.col] = (sum(1 for r in range(o.row, o.row + o.rowspan) if r in kept), o.colspan)
        # a slot no cell covers (a short row) is an empty cell, not a merged one
        for i, r in enumerate(keep):
            for c in range(width):
                if (r, c) not in owner:
                    rows[i][c] = ""
        return rows, spans


    def _too_many_cells(self) -> LimitExceededError:
        return LimitExceededError(self.source, f"表格的单元格超过 {self.max_cells} 个（合并单元格跨度过大）"
                                               f"(a table of more than {self.max_cells} cells: max_table_cells)")


@dataclass(slots=True)
class _Origin:
    """A cell as written once: its top-left slot and how far it spans."""

    row: int
    col: int
    text: str
    rowspan: int
    colspan: int


_SPACES = re.compile(r"\s+")


def _children(el: _El, tags: frozenset[str]) -> Iterator[_El]:
    """Children of ``el`` with one of ``tags``, looking through content controls, custom XML and
    tracked insertions that wrap them."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction
        if tag in tags:
            yield child
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _children(content, tags)
        elif tag in (_W + "customXml", _W + "ins", _W + "moveTo", _W + "sdtContent"):
            yield from _children(child, tags)


_BLOCK_TAGS = frozenset({_P, _TBL})


def _blocks(el: _El) -> Iterator[_El]:
    """Paragraphs and tables of a body, cell, header or footer, in order. (python-docx's
    ``iter_inner_content`` gives only direct ``w:p``/``w:tbl`` children, so a paragraph inside a
    content control, common in forms and templates, would be lost.)"""
    return _children(el, _BLOCK_TAGS)


def _rows(tbl: _El) -> Iterator[_El]:
    return _children(tbl, frozenset({_TR}))


def _cells(tr: _El) -> Iterator[_El]:
    return _children(tr, frozenset({_TC}))


def _run_text(p: _El, page_fields: bool = True) -> str:
    """The text a paragraph shows: runs, hyperlinks, fields' shown values, tracked insertions;
    tabs and line breaks as ``\\t`` and ``\\n``. Deleted text, field codes, text boxes and (with
    ``page_fields=False``) page-number fields are left out."""
    out: list[str] = []
    fields: list[list[Any]] = []  # open complex fields: [code so far, showing its result]

    def hidden() -> bool:
        return any(not showing or (not page_fields and _PAGE_FIELD.match(code)) for code, showing in fields)

    def walk(el: _El) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                if tag == _W + "instrText" and fields and not fields[-1][1]:
                    fields[-1][0] += child.text or ""
                continue
            if tag == _T:
                if not hidden():
                    out.append(child.text or "")
            elif tag in _RUN_CHARS:
                if not hidden():
                    out.append(_RUN_CHARS[tag])
            elif tag == _W + "br":
                if child.get(_W + "type") in (None, "textWrapping") and not hidden():
                    out.append("\n")
            elif tag == _W + "fldChar":
                kind = child.get(_W + "fldCharType")
                if kind == "begin":
                    fields.append(["", False])
                elif kind == "separate" and fields:
                    fields[-1][1] = True
                elif kind == "end" and fields:
                    fields.pop()
            elif tag == _W + "fldSimple":
                if page_fields or not _PAGE_FIELD.match(str(child.get(_W + "instr") or "")):
                    walk(child)
            elif len(child):  # a run, hyperlink, tracked insertion, content control, smart tag...
                walk(child)

    walk(p)
    return "".join(out)
