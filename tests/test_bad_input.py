"""Bad input (issue 13): every input ends as records or as an error row that says why, and none
crashes a batch, hangs it or eats the machine.

The inputs are made by ``scripts/make_bad_inputs.py`` into a temporary folder. The bombs run in a
child process under an address-space limit and a timeout: a regression fails the test instead
of taking the machine with it.
"""

from __future__ import annotations

import base64
import codecs
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from extractor.model import ErrorRecord, Record
from extractor.output.ingest import ingest
from extractor.output.store import open_store
from extractor.pipeline import extract_path
from extractor.ui.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import make_bad_inputs as bad


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- 1. file names that are not UTF-8 --------------------------------------------------------

#: name (bytes) → content: three reports, and a file of no report under a name that is not UTF-8
NAMES: dict[bytes, bytes] = {
    b"a.txt": bad.seed(),
    bad.NON_UTF8_NAME: bad.seed() + "\n附：慰问名单另附。\n".encode(),
    b"c\xff.txt": b"",
    b"z.txt": bad.seed() + b"\n",
}


@pytest.fixture
def names(tmp_path: Path) -> Path:
    folder = tmp_path / "names"
    folder.mkdir()
    for name, data in NAMES.items():
        (folder / os.fsdecode(name)).write_bytes(data)
    return folder


def _by_name(rows: list[dict[str, Any]]) -> dict[bytes, list[dict[str, Any]]]:
    """Rows by the file name they come from, read back from ``meta.path_bytes`` when the record
    has it and from ``source`` when it does not (a UTF-8 name)."""
    out: dict[bytes, list[dict[str, Any]]] = {}
    for r in rows:
        raw = (r.get("meta") or {}).get("path_bytes")
        path = base64.b64decode(raw) if raw else r["source"].encode("utf-8")
        out.setdefault(path.rsplit(b"/", 1)[-1], []).append(r)
    return out


def _check_names(rows: list[dict[str, Any]], folder: Path) -> None:
    got = _by_name(rows)
    assert sorted(got) == sorted(NAMES)
    assert {n: len(rows) for n, rows in got.items()} == {b"a.txt": 5, bad.NON_UTF8_NAME: 5, b"c\xff.txt": 1,
                                                          b"z.txt": 5}
    for name in (bad.NON_UTF8_NAME, b"c\xff.txt"):
        for r in got[name]:
            # shown with the bytes that are not UTF-8 as \xHH, exact in meta.path_bytes
            assert r["source"] == f"{folder}/" + name.decode("utf-8", "backslashreplace")
            assert base64.b64decode(r["meta"]["path_bytes"]) == os.fsencode(folder) + b"/" + name
    assert got[b"c\xff.txt"][0]["error"]["code"] == "empty_file"
    assert "附：慰问名单另附" in got[bad.NON_UTF8_NAME][-1]["text"]
    for r in got[b"a.txt"]:
        assert "path_bytes" not in r["meta"]  # a UTF-8 name: the record as before


def test_extract_takes_a_name_that_is_not_utf8(names: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(names), "-o", str(out)]) == 1  # c\xff.txt is empty: an error row
    _check_names(_rows(out), names)


def test_ingest_takes_a_name_that_is_not_utf8(names: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    summary = ingest([names], db)
    assert (summary.files, summary.documents, dict(summary.errors)) == (4, 15, {"empty_file": 1})
    stored = list(open_store(db).records())
    _check_names(stored, names)
    # and the store gives back what extract writes
    out = tmp_path / "out.jsonl"
    main(["extract", str(names), "-o", str(out)])
    assert stored == _rows(out)


# -- 2. damaged text is read as Chinese, the damage said; 5. a BOM alone is empty --------------

@dataclass(frozen=True)
class Damaged:
    id: str
    make: Callable[[], bytes]
    encoding: str
    errors: int  # meta.decode_errors: the U+FFFD put in
    mixed: dict[str, int]  # meta.mixed_encodings: lines read in another encoding


DAMAGED = [
    Damaged("utf8-stray-bytes-at-end", bad.mojibake_tail, "utf-8", 3, {}),
    Damaged("utf8-with-a-gbk-line", bad.utf8_with_gbk_line, "utf-8", 0, {"gb18030": 1}),
    Damaged("gbk-with-a-stray-byte", bad.gbk_with_stray_byte, "gb18030", 1, {}),
]


def _facts(records: list[Record]) -> list[list[tuple[str, str, tuple[int, int]]]]:
    return [[(f.kind, f.text, f.span) for f in r.facts] for r in records]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in DAMAGED])
def test_damaged_text_is_read_as_chinese(case: Damaged, tmp_path: Path) -> None:
    path = tmp_path / "damaged.txt"
    path.write_bytes(case.make())
    got = extract_path(path)
    assert not isinstance(got, ErrorRecord), got
    seed = extract_path(bad.SEED)
    assert not isinstance(seed, ErrorRecord)
    assert [r.title for r in got] == [r.title for r in seed]
    assert _facts(got) == _facts(seed)  # the same facts at the same places: not mojibake
    for r in got:
        assert r.meta["encoding"] == case.encoding
        assert (r.meta["decode_errors"], r.meta["mixed_encodings"]) == (case.errors, case.mixed)
    assert "".join(r.text for r in got).count("\ufffd") == case.errors


def test_undamaged_text_says_nothing_of_damage() -> None:
    seed = extract_path(bad.SEED)
    assert not isinstance(seed, ErrorRecord)
    assert all("decode_errors" not in r.meta and "mixed_encodings" not in r.meta for r in seed)


def test_a_damaged_pdf_that_reads_keeps_its_warnings_off_the_terminal(tmp_path: Path) -> None:
    """pdfminer's warning for a font without its box went to stderr, in English and naming no
    file: now the record says it (``meta.parse_warnings``), and a whole PDF says nothing."""
    damaged, whole = tmp_path / "damaged.pdf", tmp_path / "whole.pdf"
    damaged.write_bytes(bad.pdf_without_font_box())
    whole.write_bytes(bad.pdf_without_font_box(box=True))
    run = subprocess.run([sys.executable, "-m", "extractor", "extract", str(damaged), str(whole)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stderr == ""
    meta = {Path(r["source"]).name: r["meta"] for r in map(json.loads, run.stdout.splitlines())}
    assert meta["damaged.pdf"]["parse_warnings"] == {
        "count": 1, "first": "Could not get FontBBox from font descriptor because None cannot be parsed as 4 floats"}
    assert "parse_warnings" not in meta["whole.pdf"]


def test_pdf_warnings_stay_with_the_file_read_in_their_thread(tmp_path: Path) -> None:
    """Threads reading PDFs at once (the workspace's uploads) each keep their own file's warnings."""
    from concurrent.futures import ThreadPoolExecutor

    damaged, whole = tmp_path / "damaged.pdf", tmp_path / "whole.pdf"
    damaged.write_bytes(bad.pdf_without_font_box())
    whole.write_bytes(bad.pdf_without_font_box(box=True))
    paths = [damaged, whole] * 8
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(extract_path, paths))
    for path, result in zip(paths, got, strict=True):
        assert not isinstance(result, ErrorRecord)
        warnings = result[0].meta.get("parse_warnings")
        assert (warnings or {}).get("count") == (1 if path == damaged else None)


@pytest.mark.parametrize(("name", "data", "code"), [
    ("noise.txt", bad.noise(), "decode_failed"),  # damaged all through: no text, not mojibake
    ("bom-only.txt", bad.bom_only(), "empty_file"),
    ("bom-and-blanks.txt", bad.bom_only() + b" \r\n\t\n", "empty_file"),
    ("utf16-bom-only.txt", codecs.BOM_UTF16_LE, "empty_file"),
    ("bom-only.md", bad.bom_only(), "empty_file"),
], ids=["noise", "bom-only", "bom-and-blanks", "utf16-bom-only", "bom-only-markdown"])
def test_text_that_is_no_report(name: str, data: bytes, code: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    got = extract_path(path)
    assert isinstance(got, ErrorRecord) and got.code == code, got


# -- 3. bombs, devices and pipes: bounded by what is read, in a child process ---------------

#: the address space a child may take: a regression fails instead of eating the machine
CHILD_MEMORY = 1 << 30
#: seconds a child may take: a regression that hangs fails
CHILD_SECONDS = 60

_CHILD = """
import json, resource, sys
from extractor.pipeline import extract_path
from extractor.readers import Limits
got = extract_path(sys.argv[1], Limits(**json.loads(sys.argv[2])))
out = {"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
out.update(records=len(got)) if isinstance(got, list) else out.update(code=got.code, message=got.message)
print(json.dumps(out, ensure_ascii=False))
"""


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def run_limited(argv: list[str], timeout: float = CHILD_SECONDS) -> subprocess.CompletedProcess[str]:
    """``argv`` run in a child process under :data:`CHILD_MEMORY` and a timeout; a child that
    runs out of time fails the test (it hung)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, preexec_fn=_limited,
                              env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{argv[-2:]} still running after {timeout} s: it hangs")


def extract_limited(path: Path | str, limits: dict[str, int] | None = None) -> dict[str, Any]:
    """What :func:`extract_path` makes of ``path`` in a limited child: its error code and
    message, or its number of records; and the child's peak RSS in MiB."""
    done = run_limited([sys.executable, "-c", _CHILD, str(path), json.dumps(limits or {})])
    assert done.returncode == 0, done.stderr[-2000:]
    out: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return out


@dataclass(frozen=True)
class Bomb:
    id: str
    name: str  # the file name ("" for a path given as it is)
    make: Callable[[Path], Path]
    code: str
    says: str  # a part of the message
    limits: dict[str, int] | None = None


def _write(name: str, make: Callable[[], bytes]) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(make())
        return path

    return write


def _fifo(folder: Path) -> Path:
    path = folder / "fifo.txt"
    os.mkfifo(path)
    return path


BOMBS = [
    Bomb("pdf-flate-stream", "flate-bomb.pdf", _write("flate-bomb.pdf", bad.pdf_flate_bomb), "limit_exceeded",
         "解压"),
    Bomb("docx-grid-span", "wide-span.docx", _write("wide-span.docx", bad.docx_wide_span), "limit_exceeded",
         "单元格"),
    Bomb("html-spans", "span-bomb.html", _write("span-bomb.html", bad.html_span_bomb), "limit_exceeded", "单元格"),
    Bomb("html-200-nested-tables", "deep-tables.html", _write("deep-tables.html", bad.html_deep_tables),
         "limit_exceeded", "嵌套"),
    Bomb("html-100000-deep", "deep.html", _write("deep.html", bad.html_deep), "limit_exceeded", "嵌套"),
    Bomb("pdf-unicode-map", "unicode-map-bomb.pdf", _write("unicode-map-bomb.pdf", bad.pdf_unicode_map_bomb),
         "limit_exceeded", "映射"),
    Bomb("pdf-truetype-cmap", "truetype-cmap-bomb.pdf", _write("truetype-cmap-bomb.pdf", bad.pdf_truetype_cmap_bomb),
         "limit_exceeded", "映射"),
    Bomb("pdf-page-count-lies", "lying-count.pdf", _write("lying-count.pdf", lambda: bad.pdf_lying_count(40, 1)),
         "limit_exceeded", "页", {"max_pages": 10}),
    Bomb("docx-directory-understates", "understated.docx", _write("understated.docx", bad.docx_understated),
         "limit_exceeded", "压缩炸弹"),
    Bomb("fifo", "fifo.txt", _fifo, "not_a_file", "管道"),
    Bomb("dev-zero", "", lambda _: Path("/dev/zero"), "not_a_file", "设备"),
    Bomb("dev-urandom", "", lambda _: Path("/dev/urandom"), "not_a_file", "设备"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in BOMBS])
def test_bomb_is_an_error_row_in_bounded_memory_and_time(case: Bomb, tmp_path: Path) -> None:
    got = extract_limited(case.make(tmp_path), case.limits)
    assert (got.get("code"), got.get("records")) == (case.code, None), got
    assert case.says in got["message"], got
    assert got["peak_mib"] < 400, got


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_a_batch_of_bombs_goes_through(command: str, tmp_path: Path) -> None:
    """Every bad input and a good report in one run: each gives its error row, the report its
    records, and the run ends."""
    paths = [str(c.make(tmp_path)) for c in BOMBS if c.limits is None]
    (tmp_path / "good.txt").write_bytes(bad.seed())
    paths.append(str(tmp_path / "good.txt"))
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "extractor", command, *paths]
    argv += ["-o", str(out)] if command == "extract" else ["--db", str(out)]
    done = run_limited(argv, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]  # files failed: 1 for both (the rest are stored)
    if command == "extract":
        rows = _rows(out)
        codes = sorted(r["error"]["code"] for r in rows if "error" in r)
        assert len(rows) - len(codes) == 5
    else:
        codes = sorted(r["error"]["code"] for r in open_store(str(out)).records() if "error" in r)
    assert codes == sorted(c.code for c in BOMBS if c.limits is None)


@pytest.mark.parametrize(("make", "facts"), [
    (lambda: bad.html_deep(100), ["700户"]),
    (lambda: bad.html_deep_tables(20), ["700户"]),
], ids=["100-deep", "20-nested-tables"])
def test_deep_html_within_the_parser_limit_is_read(make: Callable[[], bytes], facts: list[str], tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_bytes(make())
    got = extract_path(path)
    assert not isinstance(got, ErrorRecord), got
    assert [f.text for r in got for f in r.facts if f.kind == "count"] == facts


@pytest.mark.parametrize("last", [pytest.param(7_930_527, id="the-fuzzers-eight-million"),
                                  pytest.param(4_294_967_295, id="every-32-bit-cid")])
def test_font_widths_over_cids_that_cannot_exist_read_in_bounded_memory(last: int, tmp_path: Path) -> None:
    """A 4 KB PDF whose CIDFont gives a width to every CID up to ``last`` (found by fuzzing: 3 s
    and 900 MB at eight million; four billion would not end): its text is read, in the memory of
    any small PDF."""
    path = tmp_path / "widths.pdf"
    path.write_bytes(bad.pdf_font_widths_bomb(last))
    got = extract_limited(path)
    assert got.get("records") == 1, got
    assert got["peak_mib"] < 400, got


@pytest.mark.parametrize("make", [pytest.param(lambda: bad.pdf_unicode_map_bomb(b"0000FFFF"), id="tounicode"),
                                  pytest.param(lambda: bad.pdf_truetype_cmap_bomb(0xFFFF), id="truetype-cmap")])
def test_a_unicode_map_of_every_2_byte_code_reads(make: Callable[[], bytes], tmp_path: Path) -> None:
    """A font's map of a whole 2-byte code space (65,536 entries, as real CJK fonts come near) is
    under the bound that stops the four billion of the map bombs."""
    path = tmp_path / "map.pdf"
    path.write_bytes(make())
    got = extract_path(path)
    assert isinstance(got, list) and len(got) == 1, got


@pytest.mark.parametrize(("seq", "numbers", "bounded"), [
    pytest.param([1, 4_294_967_295, 500], 3, [1, 65_535, 500], id="a-range-past-the-last-cid"),
    pytest.param([-4_294_967_295, 5, 500], 3, [0, 5, 500], id="a-range-from-below-zero"),
    pytest.param([70_000, 80_000, 500], 3, [70_000, 65_535, 500], id="a-range-of-no-cid-is-empty"),
    pytest.param([1, 9, 500, 10, [374, 423]], 3, [1, 9, 500, 10, [374, 423]], id="a-font-within-bounds-as-it-is"),
    pytest.param([7, 1, 9, [300]], 3, [7, 1, 9, [300]], id="a-list-after-a-whole-range"),
    pytest.param([1, "x", 4_294_967_295, 500], 3, ["x", 1, 65_535, 500], id="a-range-across-a-bad-element"),
    pytest.param([1.5, 4_294_967_295, 500], 3, [1.5, 4_294_967_295, 500], id="a-float-end-left-to-pdfminer"),
    pytest.param([1, 4_294_967_295, 880, 500, -1000], 5, [1, 65_535, 880, 500, -1000], id="w2-vertical"),
])
def test_font_widths_are_bounded_to_the_cids_that_exist(seq: list[object], numbers: int,
                                                         bounded: list[object]) -> None:
    from extractor.readers.pdf import bounded_widths

    assert bounded_widths(seq, numbers) == bounded


# -- 4. nothing of a document reaches the terminal as a control sequence ----------------------

#: the SGR codes the audit itself writes in colour
_OWN_SGR = re.compile(r"\x1b\[(?:0|1|2|1;4|31|33|36)m")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _controls(out: str, color: bool) -> list[str]:
    """The control characters of ``out`` but line feeds, tabs and (``color``) the audit's own SGR codes."""
    return _CONTROL.findall(_OWN_SGR.sub("", out) if color else out)


@pytest.mark.parametrize("color", ["never", "always"])
def test_text_audit_prints_no_escape_from_the_document(color: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "report\x1b[2J.txt"
    path.write_bytes(bad.terminal_escapes())
    (tmp_path / "empty\x1b]0;x\x07.txt").write_bytes(b"")  # an error row: its name and message are printed too
    assert main(["audit", str(tmp_path), "--color", color, "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    assert "sum_mismatch" in out and "春节慰问活动总结" in out and "empty_file" in out  # what is printed...
    assert _controls(out, color == "always") == []  # ...has no control character of the document's
    assert "\\x1b]0;pwned\\x07" in out  # but shows that they were there


def test_cli_messages_echo_no_escape_from_a_file_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a\x1b[2Jb\x9b31m.txt").write_bytes(b"")
    assert main(["extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "empty_file" in err and "a\\x1b[2Jb" in err
    assert _controls(err, False) == []


# -- 5. an unreadable folder, a file that is not what its name says ----------------------------

@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder ``in`` of two reports and a sub-folder ``in/locked`` (holding one) that cannot be
    listed. Tests run as root, which chmod 000 does not stop: the listing is refused by
    ``os.scandir`` (which pathlib's walks use too), as the kernel refuses it to another user."""
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    for k, name in enumerate(("a.txt", "locked/b.txt", "z.txt")):
        (root / name).write_bytes(bad.seed() + b"\n" * k)  # three contents: the store keeps each
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == str(root / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return root


def _check_locked(rows: list[dict[str, Any]], root: Path) -> None:
    errors = [r for r in rows if "error" in r]
    assert [(r["source"], r["error"]["code"]) for r in errors] == [(str(root / "locked"), "unreadable")]
    assert "无法读取文件夹" in errors[0]["error"]["message"]
    assert sorted({r["source"] for r in rows if "error" not in r}) == [str(root / "a.txt"), str(root / "z.txt")]


def test_extract_says_a_folder_cannot_be_read(locked: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(locked), "-o", str(out)]) == 1
    _check_locked(_rows(out), locked)


def test_ingest_says_a_folder_cannot_be_read(locked: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert dict(ingest([locked], db).errors) == {"unreadable": 1}
    _check_locked(list(open_store(db).records()), locked)


def test_a_folder_named_that_cannot_be_read(locked: Path, tmp_path: Path) -> None:
    got = extract_path(locked / "locked")
    assert isinstance(got, ErrorRecord) and got.code == "unreadable", got


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists a folder of mode 000: the fixture `locked` stands in")
def test_a_folder_of_mode_000(tmp_path: Path) -> None:
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "locked" / "b.txt").write_bytes(bad.seed())
    (tmp_path / "in" / "locked").chmod(0)
    try:
        out = tmp_path / "out.jsonl"
        assert main(["extract", str(tmp_path / "in"), "-o", str(out)]) == 1
        assert [r["error"]["code"] for r in _rows(out)] == ["unreadable"]
    finally:
        (tmp_path / "in" / "locked").chmod(0o755)


def test_a_fifo_in_a_folder_is_an_error_row(tmp_path: Path) -> None:
    """Met while a folder is walked, too (it was skipped without a word)."""
    (tmp_path / "a.txt").write_bytes(bad.seed())
    os.mkfifo(tmp_path / "pipe.txt")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path), "-o", str(out)]) == 1
    assert [(Path(r["source"]).name, r["error"]["code"]) for r in _rows(out) if "error" in r] == [
        ("pipe.txt", "not_a_file")]


@pytest.mark.parametrize(("name", "data", "code", "says"), [
    ("noise.docx", bad.noise(), "corrupt_file", ".docx"),
    ("noise.pdf", bad.noise(), "corrupt_file", ".pdf"),
    ("noise.doc", bad.noise(), "corrupt_file", ".doc"),
    ("report.doc", bad.seed(), None, ""),  # text saved under a Word name is read as the text it is
], ids=["noise-docx", "noise-pdf", "noise-doc", "text-named-doc"])
def test_a_file_that_is_not_what_its_name_says(name: str, data: bytes, code: str | None, says: str,
                                               tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    got = extract_path(path)
    if code is None:
        assert isinstance(got, list) and len(got) == 5, got
    else:
        assert isinstance(got, ErrorRecord) and got.code == code, got
        assert says in got.message and "不是有效的" in got.message, got
