"""Legacy Word ``.doc`` files (Word 97–2003, OLE compound files), through a converter.

Before any converter runs, the OLE container is checked with olefile (pure Python, the standard
reader of OLE files): a file cut short or broken raises :class:`CorruptFileError`; an Office file
with a password (an ``EncryptedPackage`` stream — how a password-protected .docx is stored — or the
``fEncrypted`` bit of a .doc's File Information Block) raises :class:`EncryptedFileError`; an OLE
file that is not a Word document (an .xls, a .ppt) raises :class:`UnsupportedFormatError`.

Converters, both Debian packages, each run without a shell and within ``limits.max_seconds``
(:class:`LimitExceededError` past it):

1. **antiword** (``apt-get install antiword``): milliseconds a file, reads Chinese; its DocBook
   output (``-x db``) keeps headings, list items and tables. A table's rows come in groups
   (``tgroup``) with the width of every column, and a merged cell is a wider column: the cell's
   ``colspan`` is read back from where its edges fall among all the columns' edges. A cell merged
   down shows as an empty cell below it (antiword does not say it is merged).
2. **LibreOffice** (``apt-get install libreoffice-writer-nogui``), for what antiword cannot read
   (Word 6/95 files, whose Chinese antiword does not decode; fast-saved files; odd structure):
   ``soffice --headless --convert-to html`` in a temporary folder with its own profile
   (``-env:UserInstallation``, so parallel runs do not collide), read by the HTML reader, which
   keeps tables with their ``rowspan``/``colspan`` (LibreOffice's plain-text export writes every
   cell on a line of its own). About a second a file.

No converter on the machine raises :class:`ConverterMissingError` naming both packages.
``meta["converter"]`` says which one read the file.

>>> _colspans([[54.05, 94.6, 91.55], [54.05, 41.3, 53.3, 91.55]])
[[(0, 1), (1, 2), (3, 1)], [(0, 1), (1, 1), (2, 1), (3, 1)]]
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..errors import (
    ConverterMissingError,
    CorruptFileError,
    EncryptedFileError,
    LimitExceededError,
    UnsupportedFormatError,
)
from ..model import BlockKind, Document
from .build import TextBuilder
from .html import decode_html, document_from_html

if TYPE_CHECKING:
    import olefile

    from . import Limits

__all__ = ["check_ole", "read"]

log = logging.getLogger(__name__)

INSTALL_HINT = ("install antiword (apt-get install antiword) or LibreOffice "
                "(apt-get install libreoffice-writer-nogui)")
_WORD97_IDENT = 0xA5EC
_WORD6_IDENT = 0xA5DC
#: nFib of Word 97 and later; Word 6/95 files have 101–105
_NFIB_WORD97 = 0x00C1
_F_ENCRYPTED = 0x0100
#: two column edges closer than this (points) are one edge
_EDGE_TOLERANCE = 2.0
_OTHER_OLE = {"Workbook": "an Excel workbook (.xls)", "Book": "an Excel workbook (.xls)",
              "PowerPoint Document": "a PowerPoint presentation (.ppt)"}
_WIDTH = re.compile(r"^\s*([0-9.]+)\s*pt\s*$")
_SPACE = re.compile(r"\s+")


# --- the OLE container ------------------------------------------------------------------


def check_ole(data: bytes, source: str) -> int:
    """The Word version (``nFib``) of a .doc's bytes, after checking that the file is whole, a
    Word document, and not encrypted; raise the error that says which it is not.

    Every stream is read through to its stated size, so a file cut short is caught here rather
    than read in part. A size that is not a whole number of sectors is reported as truncation
    when something is missing, and tolerated otherwise (some writers pad the last sector short).
    """
    import olefile

    sector = 512
    if len(data) >= 32 and struct.unpack_from("<H", data, 30)[0] == 12:
        sector = 4096
    if len(data) < 512 + sector:
        raise CorruptFileError(source, f"truncated: {len(data)} bytes, less than an OLE header and one sector")
    broken = "truncated" if len(data) % sector else "broken"
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as e:  # olefile raises OSError, its own errors, and struct/index errors on bad input
        raise CorruptFileError(source, f"{broken} OLE compound file ({e})") from e
    with ole:
        streams = ["/".join(p) for p in ole.listdir(streams=True, storages=False)]
        if not streams:
            raise CorruptFileError(source, f"{broken} OLE compound file: its directory lists no streams")
        if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
            raise EncryptedFileError(source, "an Office document protected by a password (EncryptedPackage)")
        if not ole.exists("WordDocument"):
            for stream, what in _OTHER_OLE.items():
                if ole.exists(stream):
                    raise UnsupportedFormatError(source, f"{what}, not a Word document")
            if ole.exists("1Table") or ole.exists("0Table") or broken == "truncated":
                raise CorruptFileError(source, f"{broken} Word document: its main stream (WordDocument) is missing")
            raise UnsupportedFormatError(source, "an OLE compound file that is not a Word document")
        try:
            contents = {name: _read_stream(ole, name) for name in streams}
        except Exception as e:
            raise CorruptFileError(source, f"{broken} OLE compound file: a stream cannot be read whole ({e})") from e
    fib = contents["WordDocument"]
    if len(fib) < 12:
        raise CorruptFileError(source, "the WordDocument stream is too short for a File Information Block")
    ident, nfib = struct.unpack_from("<HH", fib)
    flags = struct.unpack_from("<H", fib, 0x0A)[0]
    if ident not in (_WORD97_IDENT, _WORD6_IDENT):
        raise CorruptFileError(source, f"no Word File Information Block (wIdent {ident:#06x})")
    if flags & _F_ENCRYPTED:
        raise EncryptedFileError(source, "a Word document protected by a password (fEncrypted)")
    return int(nfib)


def _read_stream(ole: olefile.OleFileIO[str], name: str) -> bytes:
    size = ole.get_size(name)
    data = ole.openstream(name).read()
    if len(data) != size:
        raise OSError(f"{name}: {len(data)} of {size} bytes")
    return data


# --- running a converter ----------------------------------------------------------------


def _run(cmd: list[str], source: str, limits: Limits, cwd: str) -> subprocess.CompletedProcess[bytes]:
    """Run a converter in its own process group (LibreOffice forks: on a time-out the whole group
    is killed, not just the launcher)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "HOME": cwd, "LC_ALL": "C.UTF-8"})
    try:
        out, err = proc.communicate(timeout=limits.max_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise LimitExceededError(
            source, f"{Path(cmd[0]).name} took more than {limits.max_seconds:g} s (Limits.max_seconds)") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _antiword(exe: str, path: Path, source: str, limits: Limits) -> Document | None:
    """The document as antiword reads it, or None when antiword cannot."""
    done = _run([exe, "-x", "db", str(path)], source, limits, str(path.parent))
    if done.returncode != 0 or not done.stdout.strip():
        log.info("%s: antiword cannot read it: %s", source, done.stderr.decode("utf-8", "replace").strip())
        return None
    try:
        root = etree.fromstring(done.stdout, etree.XMLParser(recover=True, resolve_entities=False,
                                                             no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return None
    builder = TextBuilder(source, "doc")
    builder.meta["converter"] = "antiword"
    _DocBook(builder).walk(root)
    doc = builder.build("utf-8")
    return doc if doc.text.strip() else None


def _libreoffice(exe: str, path: Path, source: str, limits: Limits) -> Document:
    work = path.parent
    done = _run([exe, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                 f"-env:UserInstallation={(work / 'profile').as_uri()}",
                 "--convert-to", "html:HTML (StarWriter)", "--outdir", str(work / "out"), str(path)],
                source, limits, str(work))
    out = work / "out" / f"{path.stem}.html"
    if not out.exists():
        why = (done.stderr or done.stdout).decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise CorruptFileError(source, f"neither antiword nor LibreOffice can read it ({why})")
    text, encoding = decode_html(out.read_bytes(), source)
    doc = document_from_html(text, source, "doc", encoding, main_content=False, limits=limits)
    doc.meta["converter"] = "libreoffice"
    return doc


def read(data: bytes, source: str, limits: Limits) -> Document:
    """A .doc through antiword, or LibreOffice when antiword cannot read it."""
    nfib = check_ole(data, source)
    antiword = shutil.which("antiword")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if antiword is None and soffice is None:
        raise ConverterMissingError(source, f"reading .doc files needs a converter: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="extractor-doc-") as tmp:
        path = Path(tmp) / "input.doc"
        path.write_bytes(data)
        # antiword decodes the Chinese of Word 97 and later only; LibreOffice reads Word 6/95 too
        if antiword is not None and (nfib >= _NFIB_WORD97 or soffice is None):
            doc = _antiword(antiword, path, source, limits)
            if doc is not None:
                return doc
        if soffice is None:
            raise CorruptFileError(source, "antiword cannot read it, and LibreOffice, which might, is not "
                                   "installed (apt-get install libreoffice-writer-nogui)")
        return _libreoffice(soffice, path, source, limits)


# --- DocBook from antiword ---------------------------------------------------------------


def _text(el: etree._Element) -> str:
    """The text of an element, footnotes and tables inside it aside, whitespace collapsed."""
    parts: list[str] = []

    def walk(e: etree._Element) -> None:
        if e.text:
            parts.append(e.text)
        for child in e:
            if child.tag not in ("informaltable", "table", "footnote"):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _colspans(widths: list[list[float]]) -> list[list[tuple[int, int]]]:
    """Each column of each row group as (first column, colspan) among all the groups' edges."""
    edges: list[float] = []
    for group in widths:
        x = 0.0
        for w in [0.0, *group]:
            x += w
            if not any(abs(x - e) <= _EDGE_TOLERANCE for e in edges):
                edges.append(x)
    edges.sort()

    def index(x: float) -> int:
        return min(range(len(edges)), key=lambda k: abs(edges[k] - x))

    out = []
    for group in widths:
        x, cols = 0.0, []
        for w in group:
            first, last = index(x), index(x + w)
            cols.append((first, max(1, last - first)))
            x += w
        out.append(cols)
    return out


class _DocBook:
    """Writes antiword's DocBook to a TextBuilder."""

    def __init__(self, builder: TextBuilder) -> None:
        self.b = builder

    def walk(self, el: etree._Element, kind: BlockKind = "paragraph") -> None:
        for child in el:
            tag = child.tag
            if tag in ("bookinfo",) or (tag == "title" and el.tag == "book"):
                continue  # the file's properties (antiword garbles their Chinese)
            if tag == "title":
                self.b.paragraph(_text(child), kind="heading")
            elif tag in ("para", "simpara", "literallayout", "programlisting"):
                self.para(child, kind)
            elif tag == "listitem":
                self.walk(child, "list_item")
            elif tag in ("informaltable", "table"):
                self.table(child)
            else:
                self.walk(child, kind)

    def para(self, el: etree._Element, kind: BlockKind) -> None:
        """A paragraph; a table antiword nested in it is written in its place."""
        parts: list[str] = [el.text or ""]
        footnotes: list[etree._Element] = []
        for child in el:
            if child.tag in ("informaltable", "table"):
                self.b.paragraph(_SPACE.sub(" ", "".join(parts)).strip(), kind=kind)
                parts = []
                self.table(child)
            elif child.tag == "footnote":
                footnotes.append(child)
            else:
                parts.append(_text(child))
            parts.append(child.tail or "")
        self.b.paragraph(_SPACE.sub(" ", "".join(parts)).strip(), kind=kind)
        for note in footnotes:
            self.walk(note, "paragraph")

    def table(self, el: etree._Element) -> None:
        groups = el.findall("tgroup")
        widths: list[list[float]] = []
        for g in groups:
            ws = [_WIDTH.match(c.get("colwidth") or "") for c in g.findall("colspec")]
            widths.append([float(m.group(1)) if m else 0.0 for m in ws])
        known = all(widths) and all(all(w > 0 for w in ws) for ws in widths)
        layout = _colspans(widths) if known else []
        rows: list[tuple[list[str], list[tuple[int, int]]]] = []
        for k, group in enumerate(groups):
            for row in group.iter("row"):
                entries = [_text(e) for e in row.findall("entry")]
                cols = layout[k] if known and len(layout[k]) == len(entries) else [(j, 1) for j in range(len(entries))]
                rows.append((entries, cols))
        rows = [(entries, cols) for entries, cols in rows if any(entries)]
        if not rows:
            return
        ncols = max(first + span for _, cols in rows for first, span in cols)
        grid: list[list[str | None]] = []
        spans: list[list[tuple[int, int]]] = []
        for entries, cols in rows:
            values: list[str | None] = [""] * ncols
            row_spans = [(1, 1)] * ncols
            for text, (first, span) in zip(entries, cols, strict=True):
                values[first] = text
                row_spans[first] = (1, span)
                for k in range(first + 1, first + span):
                    values[k] = None
            grid.append(values)
            spans.append(row_spans)
        self.b.table(grid, spans=spans)
