"""Two imports into one store at once (archives run several importers): both finish, and the store
holds every file exactly once, as one import of all the files would have made it; on SQLite and,
when a server answers (``scripts/pg_test_server.sh``, ``EXTRACTOR_PG_URL``), on PostgreSQL.

Regression of issue 13: they crashed with ``UNIQUE constraint failed: documents.id`` (different
folders), ``files.sha256`` (the same folder), ``table files already exists`` (a new store made by
both), ``documents_pkey`` on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from extractor.output.ingest import ingest
from extractor.output.store import documents, facts, files, findings, open_store, paths

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import generate

N = 36  # files a folder: enough write transactions (--batch-size 2) to interleave


@dataclass(frozen=True)
class Race:
    id: str
    folders: tuple[str, str]  # what the two imports are given
    store_exists: bool  # the schema made before they start, or by both at once


RACES = [
    Race("same-folder-new-store", ("a", "a"), False),
    Race("same-folder", ("a", "a"), True),
    Race("different-folders-new-store", ("a", "b"), False),
    Race("different-folders", ("a", "b"), True),
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folders a and b of different reports, and one content under a name in each (stored once,
    both paths kept), and a broken file in b (an error row, once)."""
    root = tmp_path_factory.mktemp("race")
    for name, seed in (("a", 21), ("b", 22)):
        (root / name).mkdir()
        for i in range(N):
            text, gold = generate(seed, i, False)
            (root / name / f"{i:03d}_{gold['file']}").write_text(text, encoding="utf-8")
    shared, _ = generate(23, 0, False)
    (root / "a" / "zz_shared.txt").write_text(shared, encoding="utf-8")
    (root / "b" / "zz_shared_too.txt").write_text(shared, encoding="utf-8")
    return root


def _state(db: str) -> dict[str, Any]:
    """What a store holds, whatever the row ids and the order files were written in."""
    store = open_store(db)
    try:
        with store.engine.connect() as c:
            shas = [r.sha256 for r in c.execute(select(files.c.sha256))]
            docs = [(r.sha256, r.idx) for r in c.execute(select(documents.c.sha256, documents.c.idx))]
            state = {
                "files": sorted(shas),
                "paths": sorted((r.path, r.sha256) for r in c.execute(select(paths))),
                "documents": sorted(docs),
                "facts": c.execute(select(func.count()).select_from(facts)).scalar_one(),
                "findings": c.execute(select(func.count()).select_from(findings)).scalar_one(),
                "seq": sorted(r[0] for r in c.execute(select(files.c.seq))),
            }
    finally:
        store.engine.dispose()
    assert len(set(shas)) == len(shas) and len(set(docs)) == len(docs)  # the keys say so too
    return state


def _race(folders: Path, race: Race, db: str) -> None:
    if race.store_exists:
        open_store(db).engine.dispose()
    cmd = [sys.executable, "-m", "extractor", "ingest", "--batch-size", "2", "--db", db]
    procs = [subprocess.Popen([*cmd, str(folders / f)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, text=True) for f in race.folders]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "Traceback" not in err, err


def _expected(folders: Path, race: Race, tmp_path: Path) -> dict[str, Any]:
    db = str(tmp_path / "one-import.db")
    ingest([folders / f for f in sorted(set(race.folders))], db)
    return _state(db)


def _check(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["files"] == want["files"]  # every content once
    assert got["paths"] == want["paths"]  # every path once, under its content
    assert got["documents"] == want["documents"]
    assert (got["facts"], got["findings"]) == (want["facts"], want["findings"])
    assert got["seq"] == list(range(1, len(got["files"]) + 1))  # the files numbered in one sequence


@pytest.mark.slow
@pytest.mark.parametrize("race", RACES, ids=[r.id for r in RACES])
def test_two_imports_at_once_on_sqlite(folders: Path, race: Race, tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    _race(folders, race, db)
    _check(_state(db), _expected(folders, race, tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("race", RACES, ids=[r.id for r in RACES])
def test_two_imports_at_once_on_postgresql(folders: Path, race: Race, pg_schema: str, tmp_path: Path) -> None:
    _race(folders, race, pg_schema)
    _check(_state(pg_schema), _expected(folders, race, tmp_path))
