"""Readers: bytes of one file → a :class:`~extractor.model.Document`.

The rest of the pipeline never knows the format. Each reader is one module; the format is
decided by content first and by the file name second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import EmptyFileError, FileTooLargeError, ReadError, UnsupportedFormatError
from ..model import Document
from .text import decode_text

__all__ = ["Limits", "read_bytes", "read_path"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one bad file from stalling a batch."""

    max_bytes: int = 64 * 1024 * 1024


_BINARY_MAGIC = {
    b"%PDF": "pdf",
    b"PK\x03\x04": "zip (docx/xlsx)",
    b"\xd0\xcf\x11\xe0": "ole (doc/xls)",
    b"{\\rtf": "rtf",
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
}


def read_path(path: str | Path, limits: Limits | None = None) -> Document:
    """Read one file into a Document; raise an ExtractorError that says why when it cannot."""
    p = Path(path)
    limits = limits or Limits()
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise FileTooLargeError(str(p), f"{size} bytes > limit {limits.max_bytes}")
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(str(p), e.strerror or str(e)) from e
    return read_bytes(data, str(p))


def read_bytes(data: bytes, source: str) -> Document:
    """A Document from the bytes of a file named ``source``."""
    if not data.strip():
        raise EmptyFileError(source, "no content")
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedFormatError(source, f"{kind} files are not read yet (only plain text)")
    text, encoding = decode_text(data, source)
    if "\x00" in text:
        raise UnsupportedFormatError(source, "binary content (NUL characters) is not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(source=source, text=text, format="txt", encoding=encoding)
