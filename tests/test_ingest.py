"""Bulk import: every file once (documents or an error row), restartable after kill -9, the same
store from 1 or 2 workers and from a Dask cluster, and exports that read it back."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from extractor.output.ingest import ingest, paths_from
from extractor.output.store import documents, facts, files, findings, open_store

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_corpus import generate

BROKEN = {
    "empty.txt": b"",
    "binary.txt": b"\x01\xff\x02\xfa\x03\xfe" * 25,
    "fake.pdf": b"%PDF-1.4\n",
    "image.txt": b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
}


def _corpus(folder: Path, n: int, seed: int = 5) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text, gold = generate(seed, i, True)
        (folder / gold["file"]).write_bytes(text.encode(gold.get("encoding", "utf-8")) if isinstance(text, str)
                                            else text)
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)


def _state(db: str) -> dict[str, Any]:
    """What a store holds, independent of row ids and ingestion order."""
    store = open_store(db)
    with store.engine.connect() as c:
        docs = sorted((r.sha256, r.idx, r.title) for r in c.execute(select(documents)))
        errors = sorted((r.path.rsplit("/", 1)[-1], r.error_code) for r in
                        c.execute(select(files).where(files.c.status == "error")))
        n_facts = c.execute(select(func.count()).select_from(facts)).scalar_one()
        n_find = c.execute(select(func.count()).select_from(findings)).scalar_one()
    return {"documents": docs, "errors": errors, "facts": n_facts, "findings": n_find}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "in"
    _corpus(folder, 60)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = str(tmp_path_factory.mktemp("ref") / "ref.db")
    s = ingest([corpus], db)
    assert s.files == 64 and sum(s.errors.values()) == len(BROKEN)
    return _state(db)


def test_every_file_once_and_rerun_skips(corpus: Path, tmp_path: Path, reference: dict[str, Any]) -> None:
    db = str(tmp_path / "a.db")
    first = ingest([corpus], db)
    again = ingest([corpus], db)
    assert (again.files, again.skipped) == (0, 64)
    assert _state(db) == reference
    assert len(reference["errors"]) == len(BROKEN)
    assert len({(d[0], d[1]) for d in reference["documents"]}) == len(reference["documents"]) == first.documents


def test_same_content_twice_is_stored_once(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    text, _ = generate(5, 0, False)
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    db = str(tmp_path / "s.db")
    s = ingest([tmp_path / "in"], db)
    assert (s.files, s.skipped) == (1, 1)
    with open_store(db).engine.connect() as c:
        assert c.execute(select(func.count()).select_from(files)).scalar_one() == 1


@pytest.mark.parametrize("workers", [2], ids=["two-workers"])
def test_workers_make_the_same_store(corpus: Path, tmp_path: Path, reference: dict[str, Any], workers: int) -> None:
    db = str(tmp_path / "w.db")
    ingest([corpus], db, workers=workers, batch_size=8)
    assert _state(db) == reference


def test_killed_three_times_ends_like_an_uninterrupted_run(corpus: Path, tmp_path: Path,
                                                          reference: dict[str, Any]) -> None:
    db = str(tmp_path / "k.db")
    cmd = [sys.executable, "-m", "extractor", "ingest", str(corpus), "--db", db, "--batch-size", "4"]
    rng = random.Random(7)
    for _ in range(3):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 4.0))  # start-up (jieba, dictionaries) takes about one of those seconds
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    # 1: the corpus holds broken files, whose error rows are stored (by this run or a killed one)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert _state(db) == reference


def test_dask_local_cluster_makes_the_same_store(corpus: Path, tmp_path: Path, reference: dict[str, Any]) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        db = str(tmp_path / "d.db")
        ingest([corpus], db, engine="dask", scheduler=cl.scheduler_address, batch_size=16)
    assert _state(db) == reference


def test_a_scheduler_that_does_not_answer_is_said(corpus: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask client that cannot connect (an OSError after Dask's wait) ends the import with
    ``scheduler_unavailable``, not a file error or a traceback."""
    distributed = pytest.importorskip("dask.distributed")
    from extractor.errors import SchedulerUnavailableError

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:9 after 30 s")

    monkeypatch.setattr(distributed, "Client", refuse)
    db = tmp_path / "s.db"
    with pytest.raises(SchedulerUnavailableError) as e:
        ingest([corpus], str(db), engine="dask", scheduler="tcp://127.0.0.1:9")
    assert e.value.code == "scheduler_unavailable" and "tcp://127.0.0.1:9" in e.value.message


def test_exports_read_the_store_back(corpus: Path, tmp_path: Path, reference: dict[str, Any]) -> None:
    from extractor.ui.cli import main

    db = str(tmp_path / "e.db")
    ingest([corpus], db)
    out = tmp_path / "r.jsonl"
    assert main(["export", "--db", db, "--format", "jsonl", "-o", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert sum("error" in r for r in rows) == len(BROKEN)
    for r in (r for r in rows if "error" not in r):
        for f in r["facts"]:
            assert r["text"][f["span"][0]:f["span"][1]] == f["text"]
    csv_out = tmp_path / "f.csv"
    assert main(["export", "--db", db, "--format", "csv", "--table", "findings", "-o", str(csv_out)]) == 0
    with open(csv_out, encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert len(list(reader)) == reference["findings"]
        assert reader.fieldnames == [c.name for c in findings.columns]
    pq = pytest.importorskip("pyarrow.parquet")
    pq_out = tmp_path / "f.parquet"
    assert main(["export", "--db", db, "--format", "parquet", "--table", "facts", "-o", str(pq_out)]) == 0
    table = pq.read_table(pq_out)
    assert table.num_rows == reference["facts"] and table.column_names == [c.name for c in facts.columns]
    assert {"period", "quantum", "category_by"} <= set(table.column_names)  # every field of the record


QUERY_HEADERS = {
    "errors": "source\tidx\ttitle\terrors",
    "rules": "rule\tseverity\tn",
    # a table (tests/test_totals.py)
    "totals": "按类别汇总（每组只计一次：分项、重复表述、标准、上下限与计划数不计入；筹集、收到的资金另列）",
    "files": "path\terror_code\terror_message",
    "documents": "year\tdocuments",
}


@pytest.mark.parametrize("name", sorted(QUERY_HEADERS))
def test_queries_run(corpus: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.ui.cli import main

    db = str(tmp_path / "q.db")
    ingest([corpus], db)
    assert main(["query", name, "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == QUERY_HEADERS[name]
    assert len(lines) > 1  # the synthetic corpus has errors, findings, totals and broken files
    if name == "files":
        assert len(lines) == 1 + len(BROKEN)


def test_inputs_from_globs_and_stdin(corpus: Path) -> None:
    import io

    got = paths_from([str(corpus / "synth_*.txt"), "-"], io.StringIO(f"{corpus / 'empty.txt'}\n"))
    assert len(got) == 61 and got[-1].endswith("empty.txt")


def test_postgresql_store_is_the_same(corpus: Path, pg_schema: str, reference: dict[str, Any]) -> None:
    ingest([corpus], pg_schema, batch_size=16)
    assert _state(pg_schema) == reference
    again = ingest([corpus], pg_schema)
    assert again.files == 0 and again.skipped == 64


def test_an_import_holds_a_chunk_of_the_file_list_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files are deduplicated against the store chunk by chunk (memory flat however many
    files: the store has no call that loads every hash), and a content seen in an earlier chunk
    is skipped all the same."""
    from extractor.output import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "CHUNK", 2)
    (tmp_path / "in").mkdir()
    for k in range(5):
        text, _ = generate(7, k, False)
        (tmp_path / "in" / f"{k}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "9-again.txt").write_text(generate(7, 0, False)[0], encoding="utf-8")  # a later chunk
    db = str(tmp_path / "s.db")
    s = ingest([tmp_path / "in"], db)
    assert (s.files, s.skipped) == (5, 1)
    again = ingest([tmp_path / "in"], db)  # a second run stores nothing new
    assert (again.files, again.skipped) == (0, 6)


@pytest.mark.parametrize("edits", [1, 2], ids=["edited-once", "edited-back"])
def test_a_file_changed_since_its_import_is_stored_again(tmp_path: Path, edits: int) -> None:
    """Regression: a path ingested before with other content crashed the import with ``UNIQUE
    constraint failed: paths.path``. The new content is stored, the path points at it."""
    (tmp_path / "in").mkdir()
    report = tmp_path / "in" / "r.txt"
    versions = [generate(9, k, False)[0] for k in range(edits + 1)]
    if edits == 2:
        versions[2] = versions[0]  # edited, then put back as it was
    db = str(tmp_path / "s.db")
    for text in versions:
        report.write_text(text, encoding="utf-8")
        ingest([tmp_path / "in"], db)
    from extractor.output.store import paths

    with open_store(db).engine.connect() as c:
        stored = {r.sha256 for r in c.execute(select(files.c.sha256))}
        pointed = {r.path: r.sha256 for r in c.execute(select(paths.c.path, paths.c.sha256))}
    import hashlib

    assert len(stored) == len(set(versions))
    assert pointed == {str(report): hashlib.sha256(versions[-1].encode()).hexdigest()}


@pytest.mark.parametrize("stored_by", ["0.0.1+older", None], ids=["older-build", "before-builds-were-kept"])
def test_files_an_older_build_stored_are_extracted_again(
        corpus: Path, tmp_path: Path, reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        stored_by: str | None) -> None:
    """After an upgrade an import extracts again what the older build stored (error rows too):
    the store ends as a fresh import of the new build would make it, each file once; the next
    run skips every file; ``refresh=False`` keeps the old rows."""
    from extractor.output import ingest as ingest_module
    from extractor.output.store import counter
    from extractor.resources import build_id

    db = str(tmp_path / "u.db")
    monkeypatch.setattr(ingest_module, "build_id", lambda: stored_by or "")
    ingest([corpus], db)
    monkeypatch.undo()
    kept = ingest([corpus], db, refresh=False)
    assert (kept.files, kept.refreshed, kept.skipped) == (0, 0, 64)
    again = ingest([corpus], db)
    assert (again.files, again.refreshed, again.skipped) == (64, 64, 0)
    assert "旧版本入库而重新提取 64" in again.text()
    assert _state(db) == reference
    store = open_store(db)
    with store.engine.connect() as c:
        assert {r.build for r in c.execute(select(files.c.build))} == {build_id()}
        assert counter(c, "replaced") == 64
    store.close()
    last = ingest([corpus], db)
    assert (last.files, last.skipped) == (0, 64)


def test_build_id_changes_with_the_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build names the models it loads: other models (``EXTRACTOR_MODELS``) are another build."""
    import shutil

    from extractor.resources import build_id, models_dir

    ours = build_id()
    assert ours.startswith("0.") and ours == build_id()
    copy = tmp_path / "models"
    shutil.copytree(models_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("EXTRACTOR_MODELS", str(copy))
    assert build_id() == ours  # the same files: the same build
    other = tmp_path / "other"
    shutil.copytree(copy, other)
    words = other / "jieba_userdict.txt"
    words.write_text(words.read_text(encoding="utf-8") + "新词 5 n\n", encoding="utf-8")
    monkeypatch.setenv("EXTRACTOR_MODELS", str(other))
    assert build_id() != ours
