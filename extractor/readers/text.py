"""Plain text: bytes → ``str`` with the encoding detected, never with silent mojibake.

Order: a BOM; strict UTF-8; strict GB18030. Any Big5 text is also valid GBK byte pairs, so when
the bytes decode strictly as GB18030 *and* as Big5, the decoding that reads as more common
characters wins (a table of character frequencies from jieba's dictionary, on the folded text:
mojibake is made of rare characters), chardet breaking a tie; a GBK or GB2312 guess is decoded
as GB18030, its superset. Other encodings come from chardet. Bytes no candidate decodes raise
:class:`DecodeError`.

>>> decode_text("慰问金".encode("gbk"), "a.txt")
('慰问金', 'gb18030')
>>> decode_text("慰問金額".encode("big5"), "a.txt")
('慰問金額', 'big5')
"""

from __future__ import annotations

import codecs
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import DecodeError, UnsupportedFormatError
from ..lang.chars import fold
from ..model import Document

if TYPE_CHECKING:
    from . import Limits

__all__ = ["decode_text", "read"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB = {"gb2312", "gbk", "gb18030", "hz-gb-2312", "iso-2022-cn"}
_BIG5 = {"big5", "big5hkscs", "cp950", "big5-hkscs"}


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding that decoded it."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data, enc)
            if text is None:
                raise DecodeError(source, f"starts with a {enc} byte-order mark but does not decode as {enc}")
            return text, enc
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    gb = _strict(data, "gb18030")
    big5 = _strict(data, "big5hkscs")
    if gb is not None and big5 is None:
        return gb, "gb18030"
    if gb is not None and big5 is not None:
        a, b = _commonness(gb), _commonness(big5)
        if a != b:
            return (gb, "gb18030") if a > b else (big5, "big5")
    guess = _detect(data)
    if big5 is not None and (gb is None or guess in _BIG5):
        return big5, "big5"
    if gb is not None:
        return gb, "gb18030"
    if guess and guess not in _GB and guess not in _BIG5:
        text = _strict(data, guess)
        if text is not None and "\ufffd" not in text:
            return text, guess
    raise DecodeError(source, "bytes decode as none of UTF-8, GB18030, Big5"
                      + (f" or the detected {guess}" if guess else ""))


@cache
def _frequencies() -> dict[str, float]:
    raw = resources.files("extractor").joinpath("data/charfreq.tsv").read_text(encoding="utf-8")
    return {line[0]: float(line[2:]) for line in raw.splitlines() if line and not line.startswith("#")}


def _commonness(text: str) -> float:
    """Mean log-frequency of the text's Chinese characters (folded to simplified); a character
    outside the table counts as rare (0)."""
    freq = _frequencies()
    han = [c for c in fold(text) if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    if not han:
        return 0.0
    return round(sum(freq.get(c, 0.0) for c in han) / len(han), 6)


def _detect(data: bytes) -> str | None:
    import chardet

    enc = chardet.detect(data[:65536]).get("encoding")
    return str(enc).lower() if enc else None


def read(data: bytes, source: str, limits: Limits) -> Document:
    """A plain-text file: decoded, line ends made ``\n``."""
    text, encoding = decode_text(data, source)
    if "\x00" in text:
        raise UnsupportedFormatError(source, "binary content (NUL characters) is not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(source=source, text=text, format="txt", encoding=encoding)
