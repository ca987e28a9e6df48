"""``--db`` as the README writes it: ``postgresql://user@host/db`` works with the driver the ``db``
extra installs (psycopg 3, SQLAlchemy 2's default for that URL), and with psycopg2 where only that
one is installed. Regression of issue 13: it ended in ``ModuleNotFoundError: No module named
'psycopg'``, only psycopg2 being installed."""

from __future__ import annotations

import csv
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from extractor.output import store
from extractor.output.store import engine_url

from .conftest import ROOT

SEED = ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt"

URLS = [
    # (id, --db, drivers installed, URL)
    ("path", "facts.db", ("psycopg",), "sqlite:///facts.db"),
    ("sqlite-url", "sqlite:///x.db", ("psycopg",), "sqlite:///x.db"),
    ("readme-form-psycopg", "postgresql://u@h/db", ("psycopg", "psycopg2"), "postgresql+psycopg://u@h/db"),
    ("readme-form-only-psycopg2", "postgresql://u@h/db", ("psycopg2",), "postgresql+psycopg2://u@h/db"),
    ("postgres-alias", "postgres://u@h/db", ("psycopg",), "postgresql+psycopg://u@h/db"),
    ("no-driver-installed", "postgresql://u@h/db", (), "postgresql://u@h/db"),  # SQLAlchemy's error, said
    ("driver-named", "postgresql+psycopg2://u@h/db", ("psycopg",), "postgresql+psycopg2://u@h/db"),
    ("query-kept", "postgresql://u@/db?host=/run/pg", ("psycopg",), "postgresql+psycopg://u@/db?host=/run/pg"),
]


@pytest.mark.parametrize(("db", "installed", "url"), [u[1:] for u in URLS], ids=[u[0] for u in URLS])
def test_a_postgresql_url_gets_the_installed_driver(db: str, installed: tuple[str, ...], url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name in installed else None)
    assert engine_url(db) == url


def test_the_db_extra_brings_the_driver_of_a_postgresql_url() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(req.startswith("psycopg[binary]") for req in extras["db"]), extras["db"]
    assert store._PG_DRIVERS[0] == "psycopg"


@pytest.mark.parametrize("command", ["ingest", "query", "export", "export-tables"])
def test_the_readme_postgresql_url_works(command: str, pg_schema: str, tmp_path: Path) -> None:
    """``postgresql://…`` with no driver named, as the README and scripts/pg_test_server.sh give it."""
    assert pg_schema.startswith("postgresql://")
    run = [sys.executable, "-m", "extractor"]
    done = subprocess.run([*run, "ingest", str(SEED), "--db", pg_schema], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, done.stderr
    if command == "query":
        done = subprocess.run([*run, "query", "documents", "--db", pg_schema], capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        assert sum(int(line.split("\t")[1]) for line in done.stdout.splitlines()[1:]) == 5, done.stdout
    elif command == "export":
        out = tmp_path / "r.jsonl"
        done = subprocess.run([*run, "export", "--db", pg_schema, "-o", str(out)], capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 5, done.stderr
    elif command == "export-tables":  # read a batch at a time: a server-side cursor on PostgreSQL
        pq = pytest.importorskip("pyarrow.parquet")
        ids = {}
        for fmt in ("csv", "parquet"):
            out = tmp_path / f"facts.{fmt}"
            done = subprocess.run([*run, "export", "--db", pg_schema, "--format", fmt, "--table", "facts", "-o",
                                   str(out)], capture_output=True, text=True, timeout=300, check=False)
            assert done.returncode == 0, done.stderr
            if fmt == "csv":
                with out.open(encoding="utf-8", newline="") as fh:
                    ids[fmt] = [row["id"] for row in csv.DictReader(fh)]
            else:
                ids[fmt] = [str(x) for x in pq.read_table(out).column("id").to_pylist()]
        assert ids["csv"] and ids["csv"] == ids["parquet"]
