"""Readers, table-driven: encodings a report arrives in, and the bad files that must give a
typed error (and, through :func:`extract_path`, an error record rather than an exception)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor import ErrorRecord, extract_path, readers
from extractor.errors import (
    CorruptFileError,
    DecodeError,
    EmptyFileError,
    ExtractorError,
    FileTooLargeError,
    ReadError,
    UnsupportedFormatError,
)
from extractor.readers import Limits, read_path

# A ~200-byte (UTF-8) report snippet, in simplified and in traditional characters.
SIMPLIFIED = (
    "春节慰问活动总结\n"
    "春节前夕，我街共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户，发放慰问金12.5万元。\n"
    "东湖街道办事处\n"
    "2018年1月20日\n"
)
TRADITIONAL = (
    "春節慰問活動總結\n"
    "春節前夕，我街共慰問困難家庭700餘戶，其中單親家庭150餘戶、低保戶320餘戶，發放慰問金12.5萬元。\n"
    "東湖街道辦事處\n"
    "2018年1月20日\n"
)
# GB18030 proper: 㐀 (U+3400, CJK Extension A) and 𠀀 (U+20000, Extension B) are outside GBK.
BEYOND_GBK = SIMPLIFIED.replace("单亲家庭", "单亲家庭（含㐀姓、𠀀姓）")


@dataclass(frozen=True)
class Encoded:
    id: str
    text: str
    data: bytes
    encoding: str


ENCODED = [
    Encoded("utf-8", SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
    Encoded("utf-8-bom", SIMPLIFIED, SIMPLIFIED.encode("utf-8-sig"), "utf-8-sig"),
    Encoded("gbk", SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),  # GBK is read as its superset
    Encoded("gb18030-beyond-gbk", BEYOND_GBK, BEYOND_GBK.encode("gb18030"), "gb18030"),
    Encoded("big5", TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
]


def test_snippets_are_what_the_table_says() -> None:
    """Guard the fixtures themselves: ~200 bytes, and the GB18030 row really is beyond GBK."""
    assert 180 <= len(SIMPLIFIED.encode("utf-8")) <= 240
    with pytest.raises(UnicodeEncodeError):
        BEYOND_GBK.encode("gbk")
    with pytest.raises(UnicodeEncodeError):
        TRADITIONAL.encode("ascii")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in ENCODED])
def test_read_encoding(case: Encoded, tmp_path: Path) -> None:
    path = tmp_path / f"{case.id}.txt"
    path.write_bytes(case.data)
    doc = read_path(path)
    assert doc.text == case.text
    assert doc.encoding == case.encoding
    assert doc.format == "txt"
    assert doc.source == str(path)


@pytest.mark.parametrize(
    ("data", "want"),
    [
        pytest.param(b"a\r\nb\r\n", "a\nb\n", id="crlf"),
        pytest.param(b"a\rb\r", "a\nb\n", id="bare-cr"),
        pytest.param(b"a\r\n\r\nb", "a\n\nb", id="crlf-blank-line"),
        pytest.param("共700余户\r\n其中150余户".encode("gbk"), "共700余户\n其中150余户", id="crlf-gbk"),
    ],
)
def test_line_endings_become_newlines(data: bytes, want: str, tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(data)
    assert read_path(path).text == want


def test_crlf_spans_index_the_normalized_text(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(SIMPLIFIED.replace("\n", "\r\n").encode("utf-8"))
    result = extract_path(path)
    assert not isinstance(result, ErrorRecord)
    (record,) = result
    assert "\r" not in record.text
    assert record.facts
    for f in record.facts:
        assert record.text[f.span[0] : f.span[1]] == f.text


# Bytes that none of UTF-8, GB18030 or Big5-HKSCS decode strictly (0xFF is never a valid byte in
# any of them), with control bytes so that chardet sees binary and guesses nothing. It must not
# start with FF FE: that is a UTF-16 byte-order mark, and b"\xff\xfe\xfa" * 50 decodes as UTF-16.
UNDECODABLE = b"\x01\xff\x02\xfa\x03\xfe" * 25


@dataclass(frozen=True)
class BadFile:
    id: str
    make: Callable[[Path], Path]
    error: type[ExtractorError]
    code: str
    limits: Limits | None = None


def _file(data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / "bad.txt"
        p.write_bytes(data)
        return p

    return make


BAD_FILES = [
    BadFile("empty", _file(b""), EmptyFileError, "empty_file"),
    BadFile("whitespace-only", _file(b" \r\n\t\n"), EmptyFileError, "empty_file"),
    BadFile("undecodable", _file(UNDECODABLE), DecodeError, "decode_failed"),
    BadFile("broken-pdf", _file(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            CorruptFileError, "corrupt_file"),
    BadFile("docx-zip", _file(b"PK\x03\x04" + b"\x00" * 40), UnsupportedFormatError, "unsupported_format"),
    BadFile("nul-bytes", _file(b"abc\x00def\x00" * 4), UnsupportedFormatError, "unsupported_format"),
    BadFile("missing", lambda tmp: tmp / "no-such-file.txt", ReadError, "read_failed"),
    BadFile("directory", lambda tmp: tmp, ReadError, "read_failed"),
    BadFile("too-large", _file(SIMPLIFIED.encode("utf-8")), FileTooLargeError, "file_too_large",
            Limits(max_bytes=10)),
]


def test_undecodable_bytes_really_are() -> None:
    for enc in ("utf-8", "gb18030", "big5hkscs"):
        with pytest.raises(UnicodeDecodeError):
            UNDECODABLE.decode(enc)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD_FILES])
def test_bad_file_raises_typed_error(case: BadFile, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    with pytest.raises(case.error) as info:
        read_path(path, case.limits)
    assert info.value.code == case.code
    assert info.value.source == str(path)
    assert info.value.message  # the bilingual message an error row carries


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BAD_FILES])
def test_bad_file_gives_error_record(case: BadFile, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    result = extract_path(path, case.limits)
    assert isinstance(result, ErrorRecord)
    assert result.code == case.code
    assert result.source == str(path)
    assert result.message


@pytest.mark.parametrize(("stated", "limit", "whole"), [
    pytest.param(0, None, True, id="size-says-nothing(/proc)"),
    pytest.param(10, None, True, id="grew-while-read"),
    pytest.param(10, -1, False, id="grew-past-the-limit"),
    pytest.param(10**6, None, True, id="shrank-while-read"),
])
def test_a_file_is_read_whole_whatever_its_size_said(stated: int, limit: int | None, whole: bool, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is read up to the limit, not up to the size its metadata gave (a file that grows
    while read, a /proc file whose size says 0), and never past the limit."""
    import os

    data = SIMPLIFIED.encode("utf-8")
    path = tmp_path / "grows.txt"
    path.write_bytes(data)
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = list(real(fd))
        st[6] = stated  # st_size
        return os.stat_result(st)

    monkeypatch.setattr(os, "fstat", fstat)  # (the readers' os: the one module)
    limits = Limits(max_bytes=len(data) + limit) if limit is not None else None
    if whole:
        assert read_path(path, limits).text == SIMPLIFIED
    else:
        with pytest.raises(FileTooLargeError):
            read_path(path, limits)


def test_a_file_given_in_pieces_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read may return fewer bytes than asked (a pipe-backed or network file system): the
    reader asks again until the end, and the text is whole."""
    import os

    path = tmp_path / "pieces.txt"
    path.write_bytes(SIMPLIFIED.encode("utf-8"))
    real = os.read
    sizes: list[int] = []

    def read(fd: int, n: int) -> bytes:
        sizes.append(n)
        return real(fd, min(n, 7))

    monkeypatch.setattr(os, "read", read)  # (the readers' os: the one module)
    assert read_path(path).text == SIMPLIFIED
    assert len(sizes) > 3  # it was given in pieces


@given(st.text(st.sampled_from("ab./.XTt文"), max_size=12))
def test_a_names_suffix_is_paths(name: str) -> None:
    """The format's suffix is ``Path(name).suffix``, lower-cased, without building a Path."""
    assert readers._suffix(name) == Path(name).suffix.lower()


@pytest.mark.parametrize(("fixture", "module", "extra"), [
    ("pdf/000_b2e30e7327201b52.pdf", "pdfplumber", "pdf"),
    ("docx/000_b2e30e7327201b52.docx", "docx", "docx"),
], ids=["pdf", "docx"])
def test_a_reader_without_its_library_names_its_extra(fixture: str, module: str, extra: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A format whose library this installation left out is an error row that says what to install."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a))
    path = Path(__file__).parent.parent / "corpus" / "rendered" / fixture
    result = extract_path(path)
    assert isinstance(result, ErrorRecord)
    assert result.code == "dependency_missing"
    assert f"pip install 'extractor[{extra}]'" in result.message
    monkeypatch.undo()
    assert not isinstance(extract_path(path), ErrorRecord)  # installed, it reads
