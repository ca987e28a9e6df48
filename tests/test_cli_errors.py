"""What the command says when it cannot do its job: one Chinese line with the technical cause and
a stable code, never a traceback (unless ``--debug``), and the documented exit codes: 0 done, 1
some input failed or findings at ``--fail-on`` (or no input at all), 2 a usage or environment
error (a bad URL, an unreachable database, a missing store, an output that cannot be written).

Regressions of issue 13 (the CLI and the store): every command run with bad arguments in a process
of its own; a full disk; a closed pipe (``| head``); reading commands that created the store they
were asked to read; the exit codes of ingest and export; progress of extract on a terminal; the
formats the help names; ``--debug``; the Makefile's ``EXTRACTOR_NO_SYSTEM_DEPS``."""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import ExtractorError
from extractor.output.ingest import ingest
from extractor.output.store import open_store
from extractor.readers import SUFFIXES
from extractor.ui.cli import build_parser, main

from .conftest import ROOT

SEED = ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt"
DEV = ROOT / "corpus" / "dev"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
UNREACHABLE = "postgresql://u@127.0.0.1:1/x"  # nothing listens on port 1 of this machine


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Inputs, stores and outputs good and bad, by name (the ``{name}`` of the cases' arguments)."""
    root = tmp_path_factory.mktemp("cli")
    (root / "empty").mkdir()
    (root / "broken").mkdir()
    (root / "broken" / "bad.txt").write_bytes(b"\x01\xff\x02\xfa\x03\xfe" * 25)
    good = root / "good.txt"
    shutil.copy(SEED, good)
    other = root / "other.txt"
    other.write_text("春节慰问活动总结\n共慰问困难家庭700余户，发放慰问金12.5万元。\n", encoding="utf-8")
    store = root / "store.db"
    s = open_store(str(store))
    ingest([good, DEV], str(store), store=s)
    s.engine.dispose()  # the last connection closed: the write-ahead log is in the file itself
    data = store.read_bytes()
    (root / "truncated.db").write_bytes(data[: len(data) // 2])
    (root / "random.db").write_bytes(random.Random(13).randbytes(20_000))
    (root / "notastore.db").write_bytes(b"")  # SQLite reads an empty file as an empty database
    return {"root": str(root), "good": str(good), "other": str(other), "empty": str(root / "empty"),
            "broken": str(root / "broken"), "store": str(store), "truncated": str(root / "truncated.db"),
            "random": str(root / "random.db"), "notastore": str(root / "notastore.db")}


@dataclass(frozen=True)
class Bad:
    id: str
    argv: list[str]  # {name} stands for places[name]
    code: int
    says: str  # the error's code in the message
    absent: tuple[str, ...] = ()  # paths the command must not have created
    copy_store: bool = False  # run on a copy of the store (the command may write to it)
    extra: dict[str, Any] = field(default_factory=dict)


BAD = [
    Bad("no-command", [], 2, "usage"),
    Bad("unknown-command", ["bogus"], 2, "usage"),
    Bad("unknown-option", ["extract", "--bogus", "{good}"], 2, "usage"),
    # extract
    Bad("extract-no-paths", ["extract"], 2, "usage"),
    Bad("extract-missing-input", ["extract", "{root}/missing"], 2, "input_missing"),
    Bad("extract-output-folder", ["extract", "{good}", "-o", "{root}"], 2, "write_failed"),
    Bad("extract-output-in-missing-folder", ["extract", "{good}", "-o", "{root}/no/out.jsonl"], 2, "write_failed",
        absent=("{root}/no",)),
    Bad("extract-output-disk-full", ["extract", "{good}", "-o", "/dev/full"], 2, "disk_full"),
    Bad("extract-empty-folder", ["extract", "{empty}"], 1, "no_input"),
    Bad("extract-broken-file", ["extract", "{broken}"], 1, "decode_failed"),
    # audit
    Bad("audit-no-paths", ["audit"], 2, "usage"),
    Bad("audit-missing-input", ["audit", "{root}/missing"], 2, "input_missing"),
    Bad("audit-output-folder", ["audit", "{good}", "-o", "{root}"], 2, "write_failed"),
    Bad("audit-output-in-missing-folder", ["audit", "{good}", "-o", "{root}/no/a.html"], 2, "write_failed"),
    Bad("audit-bad-fail-on", ["audit", "{good}", "--fail-on", "fatal"], 2, "usage"),
    Bad("audit-empty-folder", ["audit", "{empty}"], 1, "no_input"),
    # ingest
    Bad("ingest-no-paths", ["ingest", "--db", "{root}/new.db"], 2, "usage"),
    Bad("ingest-missing-input", ["ingest", "{root}/missing", "--db", "{root}/new.db"], 2, "input_missing",
        absent=("{root}/new.db",)),
    Bad("ingest-empty-folder", ["ingest", "{empty}", "--db", "{root}/new-empty.db"], 1, "no_input"),
    Bad("ingest-broken-file", ["ingest", "{broken}", "--db", "{root}/new-broken.db"], 1, "decode_failed"),
    Bad("ingest-bad-workers", ["ingest", "{good}", "--workers", "0", "--db", "{root}/new.db"], 2, "usage"),
    Bad("ingest-bad-batch-size", ["ingest", "{good}", "--batch-size", "-1", "--db", "{root}/new.db"], 2, "usage"),
    Bad("ingest-scheduler-without-dask", ["ingest", "{good}", "--engine", "local", "--scheduler", "tcp://127.0.0.1:9",
                                           "--db", "{root}/new-scheduler.db"], 2, "usage",
        absent=("{root}/new-scheduler.db",)),
    Bad("ingest-db-folder", ["ingest", "{good}", "--db", "{root}"], 2, "store_unavailable"),
    Bad("ingest-db-in-missing-folder", ["ingest", "{good}", "--db", "{root}/no/s.db"], 2, "store_unavailable"),
    Bad("ingest-db-random-bytes", ["ingest", "{good}", "--db", "{random}"], 2, "store_corrupt"),
    Bad("ingest-db-truncated", ["ingest", "{other}", "--db", "{truncated}"], 2, "store_corrupt", copy_store=True),
    Bad("ingest-db-read-only", ["ingest", "{other}", "--db", "sqlite:///file:{store}?mode=ro&uri=true"], 2,
        "store_read_only", copy_store=True),
    Bad("ingest-db-unreachable", ["ingest", "{good}", "--db", UNREACHABLE], 2, "store_unavailable"),
    Bad("ingest-db-unknown-scheme", ["ingest", "{good}", "--db", "nosuchdb://h/x"], 2, "bad_config"),
    Bad("ingest-db-unknown-driver", ["ingest", "{good}", "--db", "postgresql+nosuchdriver://u@h/x"], 2,
        "bad_config"),
    # query
    Bad("query-missing-store", ["query", "--db", "{root}/nonexist.db"], 2, "store_missing",
        absent=("{root}/nonexist.db", "{root}/nonexist.db-wal", "{root}/nonexist.db-shm")),
    Bad("query-not-a-store", ["query", "files", "--db", "{notastore}"], 2, "store_missing"),
    Bad("query-bad-sql", ["query", "--db", "{store}", "--sql", "SELEC x"], 2, "bad_query"),
    Bad("query-unknown-name", ["query", "bogus", "--db", "{store}"], 2, "usage"),
    Bad("query-db-folder", ["query", "--db", "{root}"], 2, "store_unavailable"),
    Bad("query-db-random-bytes", ["query", "--db", "{random}"], 2, "store_corrupt"),
    Bad("query-db-truncated", ["query", "--db", "{truncated}", "--sql", "SELECT text FROM documents"], 2,
        "store_corrupt", copy_store=True),
    Bad("query-db-unreachable", ["query", "--db", UNREACHABLE], 2, "store_unavailable"),
    # export
    Bad("export-missing-store", ["export", "--db", "{root}/nonexist.db"], 2, "store_missing",
        absent=("{root}/nonexist.db", "{root}/nonexist.db-wal", "{root}/nonexist.db-shm")),
    Bad("export-parquet-without-output", ["export", "--db", "{store}", "--format", "parquet"], 2, "usage"),
    Bad("export-output-without-value", ["export", "--db", "{store}", "-o"], 2, "usage"),
    Bad("export-bad-table", ["export", "--db", "{store}", "--format", "csv", "--table", "bogus"], 2, "usage"),
    Bad("export-output-folder", ["export", "--db", "{store}", "-o", "{root}"], 2, "write_failed"),
    Bad("export-output-disk-full", ["export", "--db", "{store}", "-o", "/dev/full"], 2, "disk_full"),
    Bad("export-db-random-bytes", ["export", "--db", "{random}"], 2, "store_corrupt"),
    Bad("export-db-truncated", ["export", "--db", "{truncated}"], 2, "store_corrupt", copy_store=True),
    Bad("export-db-unreachable", ["export", "--db", UNREACHABLE], 2, "store_unavailable"),
    # serve
    Bad("serve-missing-store", ["serve", "--db", "{root}/nonexist.db"], 2, "store_missing",
        absent=("{root}/nonexist.db",)),
    Bad("serve-db-random-bytes", ["serve", "--db", "{random}"], 2, "store_corrupt"),
    Bad("serve-db-folder", ["serve", "--db", "{root}"], 2, "store_unavailable"),
    Bad("serve-db-unreachable", ["serve", "--db", UNREACHABLE], 2, "store_unavailable"),
    Bad("serve-bad-port", ["serve", "--db", "{store}", "--port", "http"], 2, "usage"),
]


def _fill(arg: str, places: dict[str, str]) -> str:
    return arg.format(**places)


def _run(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extractor", *argv], capture_output=True, text=True,
                          encoding="utf-8", timeout=300, stdin=subprocess.DEVNULL, cwd=ROOT, check=False, **kw)


@pytest.mark.slow
@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_bad_arguments_are_said_not_a_traceback(bad: Bad, places: dict[str, str], tmp_path: Path) -> None:
    where = dict(places)
    if bad.copy_store:  # the command writes to (or is refused by) its own copy
        for name in ("store", "truncated"):
            shutil.copy(places[name], tmp_path / Path(places[name]).name)
            where[name] = str(tmp_path / Path(places[name]).name)
    proc = _run([_fill(a, where) for a in bad.argv])
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == bad.code, proc.stderr
    said = [line for line in proc.stderr.splitlines() if f"（{bad.says}）" in line or f"[{bad.says}]" in line
            or f"{bad.says} " in line]
    assert said, proc.stderr  # the error's code, in a line of its own...
    assert all(CHINESE.search(line) for line in said), proc.stderr  # ...that says it in Chinese
    for path in bad.absent:
        assert not Path(_fill(path, where)).exists(), path


def test_every_command_has_bad_argument_cases() -> None:
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    assert commands is not None
    assert set(commands) == {b.argv[0] for b in BAD if b.argv and b.argv[0] in commands}


# -- a full disk: the cause said, exit 2 --------------------------------------------------------

class _FullDisk:
    """A standard output on a full disk: every write fails with ENOSPC."""

    encoding = "utf-8"

    def write(self, _text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "no file descriptor")


def _store_that_cannot_grow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SQLite connection opened from now on may not add a page to its file: SQLite's own
    SQLITE_FULL, "database or disk is full", as on a full disk."""
    import sqlite3
    import sqlite3.dbapi2

    connect = sqlite3.connect

    def full(*args: Any, **kw: Any) -> sqlite3.Connection:
        con: sqlite3.Connection = connect(*args, **kw)
        con.execute("PRAGMA max_page_count = 1")  # never below the pages it has: it may not grow
        return con

    monkeypatch.setattr(sqlite3.dbapi2, "connect", full)  # the module SQLAlchemy calls


FULL = [
    ("extract-stdout", lambda p: ["extract", p["good"]], "stdout"),
    ("audit-stdout", lambda p: ["audit", p["good"]], "stdout"),
    ("query-stdout", lambda p: ["query", "documents", "--db", p["store"]], "stdout"),
    ("export-stdout", lambda p: ["export", "--db", p["store"]], "stdout"),
    ("export-csv-stdout", lambda p: ["export", "--db", p["store"], "--format", "csv"], "stdout"),
    ("ingest-store", lambda p: ["ingest", p["good"], "--db", p["fresh"]], "store"),
]


@pytest.mark.parametrize(("argv", "where"), [(f[1], f[2]) for f in FULL], ids=[f[0] for f in FULL])
def test_a_full_disk_is_said(argv: Callable[[dict[str, str]], list[str]], where: str, places: dict[str, str],
                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    fresh = tmp_path / "fresh.db"
    open_store(str(fresh)).engine.dispose()  # the schema fits; nothing more will
    args = argv({**places, "fresh": str(fresh)})
    if where == "stdout":
        monkeypatch.setattr(sys, "stdout", _FullDisk())
    else:
        _store_that_cannot_grow(monkeypatch)
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "（disk_full）" in err and "磁盘" in err, err


# -- a closed pipe: quiet, as a Unix tool ---------------------------------------------------------

PIPES = [
    ("extract", lambda p: ["extract", str(DEV)]),
    ("export", lambda p: ["export", "--db", p["store"]]),
    ("export-csv", lambda p: ["export", "--db", p["store"], "--format", "csv", "--table", "facts"]),
    ("query", lambda p: ["query", "--db", p["store"], "--sql",
                         "SELECT f.text, d.text FROM facts f JOIN documents d ON d.id = f.document_id"]),  # ~3 MB
]


@pytest.mark.parametrize("argv", [p[1] for p in PIPES], ids=[p[0] for p in PIPES])
def test_a_reader_that_stops_early_ends_the_command_quietly(argv: Callable[[dict[str, str]], list[str]],
                                                            places: dict[str, str]) -> None:
    """``extractor … | head -1``: the command ends when it next writes, saying nothing, with the
    status a shell gives a Unix tool ended by SIGPIPE (141)."""
    proc = subprocess.Popen([sys.executable, "-m", "extractor", *argv(places)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()  # what head -1 reads; the rest does not fit the pipe
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=300) == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err, err


# -- reading commands never create the store they read ------------------------------------------

READERS = [
    ("query", ["query"]),
    ("query-sql", ["query", "--sql", "SELECT 1"]),
    ("export-jsonl", ["export"]),
    ("export-csv", ["export", "--format", "csv", "--table", "files"]),
]


@pytest.mark.parametrize("argv", [r[1] for r in READERS], ids=[r[0] for r in READERS])
def test_reading_a_store_that_does_not_exist_is_refused(argv: list[str], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in ``--db`` gave an empty store and 0 rows, exit 0: a false all-clear."""
    db = tmp_path / "nonexist.db"
    assert main([*argv, "--db", str(db)]) == 2
    assert "（store_missing）" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing created: no store, no -wal, no -shm


# -- exit codes -------------------------------------------------------------------------------

EXITS = [
    ("extract-all-read", lambda p: [["extract", p["good"], "-o", p["out"]]], 0),
    ("extract-a-file-failed", lambda p: [["extract", p["broken"], p["good"], "-o", p["out"]]], 1),
    ("ingest-all-read", lambda p: [["ingest", p["good"], "--db", p["db"]]], 0),
    ("ingest-a-file-failed", lambda p: [["ingest", p["broken"], p["good"], "--db", p["db"]]], 1),
    ("ingest-again-a-stored-error", lambda p: [["ingest", p["broken"], "--db", p["db"]]] * 2, 1),
    ("ingest-again-all-stored", lambda p: [["ingest", p["good"], "--db", p["db"]]] * 2, 0),
    ("ingest-empty-folder", lambda p: [["ingest", p["empty"], "--db", p["db"]]], 1),
    ("extract-empty-folder", lambda p: [["extract", p["empty"]]], 1),
    ("export-parquet-without-output", lambda p: [["export", "--db", p["store"], "--format", "parquet"]], 2),
]


@pytest.mark.parametrize(("case", "runs", "code"), EXITS, ids=[e[0] for e in EXITS])
def test_exit_codes(case: str, runs: Callable[[dict[str, str]], list[list[str]]], code: int,
                    places: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The last run's exit code: ingest exits 1 when a file failed, as extract does, also when the
    error row was stored by an earlier run; nothing to read is said and exits 1."""
    got = None
    for argv in runs({**places, "db": str(tmp_path / "s.db"), "out": str(tmp_path / "o.jsonl")}):
        try:
            got = main(argv)
        except SystemExit as e:  # argparse's way out
            got = int(e.code or 0)
    err = capsys.readouterr().err
    assert got == code, err
    if case.endswith("empty-folder"):
        assert "（no_input）" in err


# -- audit checks where it writes before it reads anything ---------------------------------------

@pytest.mark.parametrize("output", ["{root}", "{root}/no/audit.html"], ids=["a-folder", "in-a-missing-folder"])
def test_audit_checks_its_output_before_extracting(output: str, places: dict[str, str],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import extractor.pipeline

    called = []
    monkeypatch.setattr(extractor.pipeline, "extract_path", lambda *a, **k: called.append(a))
    code = main(["audit", places["good"], "--format", "html", "-o", _fill(output, places)])
    assert (code, called) == (2, [])
    assert "（write_failed）" in capsys.readouterr().err


# -- extract shows progress on a terminal -------------------------------------------------------

@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "not-a-terminal"])
def test_extract_shows_progress_on_a_terminal(tty: bool, tmp_path: Path) -> None:
    """A progress line on stderr when it is a terminal (as ingest's), nothing when it is not."""
    import pty

    master, slave = pty.openpty() if tty else os.pipe()
    argv = ["extract", str(SEED), str(DEV / "001_fupin_qingshan_town.txt"), "-o", str(tmp_path / "o.jsonl")]
    proc = subprocess.Popen([sys.executable, "-m", "extractor", *argv], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal's other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    err = b"".join(chunks).decode("utf-8", "replace")
    assert ("文件 2/2" in err) == tty, err
    assert "Traceback" not in err


# -- the help names the formats read -----------------------------------------------------------

@pytest.mark.parametrize("command", ["extract", "audit", "ingest"])
def test_help_names_every_format_a_folder_is_walked_for(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert all(suffix in out for suffix in SUFFIXES), out


# -- --debug: the traceback instead of the message ------------------------------------------------

@pytest.mark.parametrize("argv", [["--debug", "query", "--db", "{db}"], ["query", "--debug", "--db", "{db}"]],
                         ids=["before-the-command", "after-the-command"])
def test_debug_lets_the_error_through(argv: list[str], tmp_path: Path) -> None:
    with pytest.raises(ExtractorError) as info:
        main([a.format(db=tmp_path / "nonexist.db") for a in argv])
    assert info.value.code == "store_missing"


# -- make: system packages only when wanted ------------------------------------------------------

SYSTEM = [
    ("make-default", ["make", "-s", "system-deps"], {}, True),
    ("make-skipped", ["make", "-s", "system-deps"], {"EXTRACTOR_NO_SYSTEM_DEPS": "1"}, False),
    ("pg-server-default", ["bash", "scripts/pg_test_server.sh"], {}, True),
    ("pg-server-skipped", ["bash", "scripts/pg_test_server.sh"], {"EXTRACTOR_NO_SYSTEM_DEPS": "1"}, False),
]


@pytest.mark.parametrize(("argv", "env", "installs"), [s[1:] for s in SYSTEM], ids=[s[0] for s in SYSTEM])
def test_system_packages_are_installed_unless_asked_not_to(argv: list[str], env: dict[str, str], installs: bool,
                                                           tmp_path: Path) -> None:
    """On a machine that lacks the packages, as root: apt-get is run, unless
    EXTRACTOR_NO_SYSTEM_DEPS=1 (here apt-get and id are stand-ins on a PATH of nothing else)."""
    tool = shutil.which(argv[0])
    if tool is None:
        pytest.skip(f"{argv[0]} is not installed")
    fake = tmp_path / "bin"
    fake.mkdir()
    marker = tmp_path / "apt-get-ran"
    (fake / "apt-get").write_text(f"#!/bin/sh\necho \"$@\" >> {marker}\nexit 1\n")
    (fake / "id").write_text("#!/bin/sh\necho 0\n")
    for f in fake.iterdir():
        f.chmod(0o755)
    proc = subprocess.run([tool, *argv[1:]], cwd=ROOT, env={"PATH": str(fake), **env}, capture_output=True,
                          text=True, timeout=60, check=False)
    assert marker.exists() == installs, proc.stdout + proc.stderr
    if not installs:
        assert "EXTRACTOR_NO_SYSTEM_DEPS" in proc.stdout + proc.stderr  # says why nothing was installed
