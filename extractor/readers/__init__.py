"""Readers: bytes of one file → a :class:`~extractor.model.Document`.

The rest of the pipeline never knows the format. Each format is one module with a
``read(data, source, limits) -> Document``; :func:`sniff` decides the format by content (magic
bytes) first and by the file name second, so a ``.doc`` that is really a ``.docx`` or a ``.txt``
that is HTML is read for what it is.

>>> sniff(b"%PDF-1.7 ...", "a.txt")
'pdf'
>>> sniff("<!DOCTYPE html><html><body>慰问</body></html>".encode(), "a.txt")
'html'
>>> sniff("慰问总结".encode(), "a.md")
'md'
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import BinaryIO, cast

from ..errors import (
    CorruptFileError,
    DecodeError,
    DependencyMissingError,
    EmptyFileError,
    ExtractorError,
    FileTooLargeError,
    NotAFileError,
    ReadError,
    UnreadableFolderError,
    UnsupportedFormatError,
)
from ..model import Document
from ..paths import path_bytes, shown

__all__ = ["FORMATS", "SUFFIXES", "Limits", "open_file", "read_bytes", "read_path", "sniff"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one bad file from stalling a batch (all configurable)."""

    #: bytes read from disk for one file
    max_bytes: int = 64 * 1024 * 1024
    #: pages of a PDF
    max_pages: int = 2000
    #: bytes a .docx, or the compressed streams of a PDF, may unpack to (a zip bomb stops here)
    max_unpacked_bytes: int = 256 * 1024 * 1024
    #: seconds a converter (antiword, LibreOffice) may run on one file
    max_seconds: float = 60.0
    #: characters of one report read as one: a longer one (a yearbook, a site dump) is cut into
    #: pieces of at most this many, one record each (each stage is linear: a piece of 200,000
    #: characters takes at most a few seconds, even of adversarial text)
    max_report_chars: int = 200_000
    #: seconds the extraction of one file's reports may take (checked between pieces) before the
    #: file is given up with ``limit_exceeded``
    max_extract_seconds: float = 300.0
    #: slots of one table's grid (rows × columns, a merged cell counting every slot it covers) in a
    #: page or a .docx: ``rowspan``/``colspan`` may make a few bytes into millions of them
    max_table_cells: int = 250_000


_LIMITS = Limits()  # the defaults, when none are given


Reader = Callable[[bytes, str, Limits], Document]

#: format name → the module that reads it (imported on first use: pdfplumber and python-docx
#: load only when a file needs them)
FORMATS: dict[str, str] = {
    "txt": "text",
    "md": "markdown",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "doc": "doc",
}
# the reader modules imported so far, by format
_MODULES: dict[str, ModuleType] = {}
#: the library each format's reader needs beyond the core install, and the extra that brings it
NEEDS: dict[str, tuple[str, str, str]] = {
    "pdf": ("pdfplumber", "pdfplumber", "pdf"),
    "docx": ("docx", "python-docx", "docx"),
    "doc": ("olefile", "olefile", "doc"),
}
#: suffixes picked up when a folder is walked
SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".doc"})
_OTHER_MAGIC = {b"\x89PNG": "png image", b"\xff\xd8\xff": "jpeg image", b"GIF8": "gif image",
                b"{\\rtf": "rtf", b"Rar!": "rar archive", b"\x1f\x8b": "gzip archive"}


def sniff(data: bytes, name: str) -> str:
    """The format of a file's bytes: magic bytes first, then the name's suffix, then text."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(data, name)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    for magic, what in _OTHER_MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedFormatError(name, f"{what} files are not reports that can be read as text")
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in start[:512] or b"<body" in start:
        return "html"
    suffix = _suffix(name)
    if suffix in (".html", ".htm") and start.startswith(b"<"):
        return "html"  # a fragment saved as a page: <div>…</div> with no <html>
    return "md" if suffix in (".md", ".markdown") else "txt"


def _suffix(name: str) -> str:
    """The suffix of a file name, lower-cased (``Path(name).suffix.lower()``, without a Path)."""
    parts = [part for part in name.split("/") if part and part != "."]  # as Path reads the name
    base = parts[-1] if parts else ""
    dot = base.rfind(".")
    return base[dot:].lower() if 0 < dot < len(base) - 1 else ""


def _zip_format(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError):
        return "docx" if name.lower().endswith(".docx") else "zip"
    if "word/document.xml" in names:
        return "docx"
    raise UnsupportedFormatError(name, "a zip archive that is not a Word document (.docx)")


def read_path(path: str | Path, limits: Limits | None = None) -> Document:
    """Read one file into a Document; raise an ExtractorError that says why when it cannot.

    The Document's ``source`` is the path as :func:`~extractor.paths.shown` writes it; a path
    that is not UTF-8 also gives ``meta["path_bytes"]``, its exact bytes."""
    limits = limits or _LIMITS
    source = shown(path)
    fd = _open(path, source)
    try:
        size = os.fstat(fd).st_size
        if size > limits.max_bytes:
            raise FileTooLargeError(source, f"{size} bytes > limit {limits.max_bytes}")
        # what the size says and one byte more (a read of the limit would allocate the limit)
        data = _read(fd, min(size, limits.max_bytes) + 1)
        if len(data) > size:  # it grew while read, or its size says nothing (/proc): the rest,
            data += _read(fd, limits.max_bytes + 1 - len(data))  # no more than the limit
    except OSError as e:
        raise ReadError(source, e.strerror or shown(str(e))) from e
    finally:
        os.close(fd)
    if len(data) > limits.max_bytes:
        raise FileTooLargeError(source, f"more than the limit of {limits.max_bytes} bytes (it grew while read)")
    doc = read_bytes(data, source, limits)
    raw = path_bytes(path)
    return doc if raw is None else replace(doc, meta={**doc.meta, "path_bytes": raw})


def _read(fd: int, n: int) -> bytes:
    """Up to ``n`` bytes of ``fd`` (fewer only at its end): ``read`` of a file object without one
    (a report is one ``read`` of its size)."""
    parts = []
    while n > 0:
        part = os.read(fd, n)
        if not part:
            break
        parts.append(part)
        n -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


#: what a path that is no regular file names (``stat.S_IFMT``), for the error row
_NOT_FILES = {stat.S_IFIFO: ("命名管道（FIFO）", "a FIFO"), stat.S_IFCHR: ("字符设备", "a character device"),
              stat.S_IFBLK: ("块设备", "a block device"), stat.S_IFSOCK: ("套接字", "a socket")}


def open_file(path: str | Path) -> BinaryIO:
    """``path`` opened for reading when it is a regular file (or a link to one); else raise
    :class:`NotAFileError` (a FIFO, a device, a socket: reading one could block or never end) or
    :class:`ReadError` (missing, a folder, permission denied) or :class:`UnreadableFolderError`
    (a folder that cannot be listed: :func:`~extractor.pipeline.iter_paths` gives such a folder
    as it is, so that its error row says its files were not read). Never blocks: the file is
    opened non-blocking and what it is asked of the open file, not of its name before."""
    fd = _open(path, shown(path))
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _open(path: str | Path, source: str) -> int:
    """The descriptor of :func:`open_file`, blocking again once it is known to be a regular file;
    the caller closes it. ``source`` is ``shown(path)``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if isinstance(e, PermissionError) and os.path.isdir(path):
            raise UnreadableFolderError(source, e.strerror or shown(str(e))) from e
        raise ReadError(source, e.strerror or shown(str(e))) from e
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _folder_error(path, source)
        if not stat.S_ISREG(mode):
            zh, en = _NOT_FILES.get(stat.S_IFMT(mode), ("特殊文件", "a special file"))
            raise NotAFileError(source, f"这是{zh}，读取可能阻塞或没有尽头 ({en}: reading it could block or never end)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _folder_error(path: str | Path, source: str) -> ExtractorError:
    """The error of a folder read as a file: :class:`UnreadableFolderError` when it cannot be
    listed, else :class:`ReadError` (a folder named where a file was wanted)."""
    try:
        with os.scandir(path):
            pass
    except OSError as e:
        return UnreadableFolderError(source, e.strerror or shown(str(e)))
    return ReadError(source, "Is a directory")


def read_bytes(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """A Document from the bytes of a file named ``source``."""
    if not data or data.isspace():  # (data.strip() would copy the file to say so)
        raise EmptyFileError(source, "no content")
    fmt = sniff(data, source)
    if fmt == "zip":
        raise UnsupportedFormatError(source, "a damaged zip archive")
    _require(fmt, source)
    module = _MODULES.get(fmt)
    if module is None:
        _MODULES[fmt] = module = importlib.import_module(f".{FORMATS[fmt]}", __name__)
    reader = cast(Reader, module.read)
    try:
        return reader(data, source, limits or _LIMITS)
    except DecodeError as e:
        named = _NAMED.get(_suffix(source))
        if named is None:
            raise
        # bytes with no magic of their format and no text in them: a damaged file, not a text
        raise CorruptFileError(source, f"不是有效的 {named[0]} 文件：既不是{named[1]}，也不是文本 "
                                       f"(named {named[0]} but holds neither {named[2]} nor text)") from e


#: suffix → (the suffix, what such a file is in Chinese, and in English): a file named so that has
#: none of its format's magic bytes and does not decode as text is corrupt, not undecodable text
_NAMED = {".docx": (".docx", " Word 文档（zip 压缩包）", "a Word document (a zip archive)"),
          ".pdf": (".pdf", " PDF", "a PDF"),
          ".doc": (".doc", " Word 97-2003 文档", "a Word 97-2003 document")}


def _require(fmt: str, source: str) -> None:
    """Raise :class:`DependencyMissingError` when the reader of ``fmt`` needs a library that is
    not installed, naming the extra to install."""
    if fmt not in NEEDS:
        return
    module, package, extra = NEEDS[fmt]
    if importlib.util.find_spec(module) is None:
        raise DependencyMissingError(
            source, f"读取 .{fmt} 需要 {package}，请安装：pip install 'extractor[{extra}]'"
                    f" (reading .{fmt} needs {package}: pip install 'extractor[{extra}]')")
