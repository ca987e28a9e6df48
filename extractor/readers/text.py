"""Plain text: bytes → ``str`` with the encoding detected, never with silent mojibake.

Order: a BOM; strict UTF-8; strict GB18030. Any Big5 text is also valid GBK byte pairs, so when
the bytes decode strictly as GB18030 *and* as Big5, the decoding that reads as more common
characters wins (a table of character frequencies from jieba's dictionary, on the folded text:
mojibake is made of rare characters), chardet breaking a tie; a GBK or GB2312 guess is decoded
as GB18030, its superset.

**Damaged text.** Bytes that no encoding decodes whole (a few stray bytes, a line pasted in
from a GBK file into a UTF-8 one) are read line by line (:func:`decode`): a line that is UTF-8
is UTF-8, else a line the file's other encoding reads as common Chinese characters is read so,
else the line is decoded in the file's encoding with each bad byte sequence made U+FFFD. That is
kept when the damage is small (at most ``MAX_DAMAGE`` of the bytes, 16 sequences at least) and
the text reads as Chinese; the record says so in ``meta.decode_errors`` (the U+FFFD put in) and
``meta.mixed_encodings`` (lines read in another encoding, by encoding). Only then is chardet's
guess tried, and only taken when it reads as common Chinese characters: a single-byte code page
decodes any bytes, as mojibake (the seed with three stray bytes was read as ibm855). Bytes that
are none of these raise :class:`DecodeError`.

>>> decode_text("慰问金".encode("gbk"), "a.txt")
('慰问金', 'gb18030')
>>> decode_text("慰問金額".encode("big5"), "a.txt")
('慰問金額', 'big5')
>>> decode("慰问金发放情况\\n".encode() + "发放".encode("gbk") + b"\\n\\xff", "a.txt")
Decoded(text='慰问金发放情况\\n发放\\n\\ufffd', encoding='utf-8', errors=1, mixed={'gb18030': 1})
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import DecodeError, EmptyFileError, UnsupportedFormatError
from ..lang.chars import fold
from ..model import Document

if TYPE_CHECKING:
    from . import Limits

__all__ = ["MAX_DAMAGE", "PLAUSIBLE", "Decoded", "decode", "decode_text", "read"]

#: the share of a file's bytes that may be bad (each bad sequence made U+FFFD) for its text to be
#: kept, beyond a floor of 16 sequences
MAX_DAMAGE = 0.002
#: the mean log-frequency (:func:`_commonness`) from which Chinese text reads as Chinese: lines of
#: the corpus of 4 Chinese characters or more score 3.77 and more (median 4.98), the same lines
#: decoded as the wrong encoding 3.43 and less (median 2.82)
PLAUSIBLE = 3.6

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


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and how it was decoded: ``errors`` and ``mixed`` are None and empty unless
    it had to be read as damaged text (see the module docstring)."""

    text: str
    encoding: str
    errors: int | None = None
    mixed: dict[str, int] = field(default_factory=dict)

    @property
    def meta(self) -> dict[str, Any]:
        """What a document's meta says of the damage (nothing for text decoded whole)."""
        if self.errors is None:
            return {}
        return {"decode_errors": self.errors, "mixed_encodings": self.mixed}


def decode_text(data: bytes, source: str) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding that decoded it."""
    decoded = decode(data, source)
    return decoded.text, decoded.encoding


def decode(data: bytes, source: str) -> Decoded:
    """The text of ``data``, the encoding that decoded it and the damage read around."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data, enc)
            if text is None:
                raise DecodeError(source, f"starts with a {enc} byte-order mark but does not decode as {enc}")
            return Decoded(text, enc)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    gb = _strict(data, "gb18030")
    big5 = _strict(data, "big5hkscs")
    if gb is not None and big5 is None:
        return Decoded(gb, "gb18030")
    if gb is not None and big5 is not None:
        a, b = _commonness(gb), _commonness(big5)
        if a != b:
            return Decoded(gb, "gb18030") if a > b else Decoded(big5, "big5")
    guess = _detect(data) if gb is not None or big5 is not None else None
    if big5 is not None and (gb is None or guess in _BIG5):
        return Decoded(big5, "big5")
    if gb is not None:
        return Decoded(gb, "gb18030")
    damaged = _damaged(data)
    if damaged is not None:
        return damaged
    guess = _detect(data)
    if guess and guess not in _GB and guess not in _BIG5:
        text = _strict(data, guess)
        if text is not None and "\ufffd" not in text and _reads_as_chinese(text):
            return Decoded(text, guess)
    raise DecodeError(source, "bytes decode as none of UTF-8, GB18030, Big5"
                      + (f" or the detected {guess}" if guess else "")
                      + "（不是 UTF-8、GB18030 或 Big5 文本，损坏过多或不是中文）")


#: the codec of each encoding a damaged file may be read in, by the name the record gives it
_CODECS = {"utf-8": "utf-8", "gb18030": "gb18030", "big5": "big5hkscs"}


def _damaged(data: bytes) -> Decoded | None:
    """``data`` read line by line as damaged text (see the module docstring), or None when that
    damages too much of it or does not read as Chinese. The file's encoding is UTF-8 when the lines
    that are UTF-8 hold at least half the bytes of the lines with other than ASCII, else GB18030
    or Big5, whichever reads as the more common characters."""
    lines = data.split(b"\n")
    wide = [line for line in lines if not line.isascii()]
    utf8 = sum(len(line) for line in wide if _strict(line, "utf-8") is not None)
    if 2 * utf8 >= sum(map(len, wide)):
        best = _by_line(lines, "utf-8")
    else:
        gb, big5 = _by_line(lines, "gb18030"), _by_line(lines, "big5")
        best = gb if _commonness(gb.text) >= _commonness(big5.text) else big5
    assert best.errors is not None
    if best.errors > max(16, MAX_DAMAGE * len(data)) or not _reads_as_chinese(best.text, empty=True):
        return None
    return best


def _by_line(lines: list[bytes], encoding: str) -> Decoded:
    """``lines`` decoded one by one, ``encoding`` the file's own: a UTF-8 line as UTF-8; another one
    in the file's encoding when it decodes whole, or (in a UTF-8 file) as GB18030 when that reads
    as Chinese; else in the file's encoding with U+FFFD for each bad byte sequence."""
    codec = _CODECS[encoding]
    out: list[str] = []
    errors = 0
    mixed: Counter[str] = Counter()
    for line in lines:
        text = _strict(line, "utf-8")
        if text is not None:
            mixed["utf-8"] += not line.isascii()
        elif encoding != "utf-8" and (text := _strict(line, codec)) is not None:
            pass
        elif encoding == "utf-8" and (text := _strict(line, "gb18030")) is not None and _reads_as_chinese(text):
            mixed["gb18030"] += 1
        else:
            text = line.decode(codec, errors="replace")
            errors += text.count("\ufffd") - line.decode(codec, errors="ignore").count("\ufffd")
        out.append(text)
    mixed.pop(encoding, None)
    return Decoded("\n".join(out), encoding, errors, {k: v for k, v in sorted(mixed.items()) if v})


def _reads_as_chinese(text: str, empty: bool = False) -> bool:
    """Whether the Chinese characters of ``text`` are common ones (:data:`PLAUSIBLE`): not the rare
    characters of mojibake. A text of no Chinese character is ``empty``."""
    score = _commonness(text)
    return score >= PLAUSIBLE if score else empty


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
    """A plain-text file: decoded, line ends made ``\n``; the damage of damaged text in its meta."""
    decoded = decode(data, source)
    text = decoded.text
    if not text.strip():
        raise EmptyFileError(source, "no text but a byte-order mark or white space（只有字节顺序标记或空白）")
    if "\x00" in text:
        raise UnsupportedFormatError(source, "binary content (NUL characters) is not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(source=source, text=text, format="txt", encoding=decoded.encoding, meta=decoded.meta)
