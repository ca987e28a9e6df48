from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parent.parent


def load_cases(name: str) -> list[dict[str, Any]]:
    """Rows of tests/cases/NAME.jsonl (one JSON object a line, each with a unique ``id``)."""
    rows = [json.loads(line) for line in (CASES / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
    return rows


# CI runs the property tests on a fixed set of examples (a red build must mean a change broke
# something, not that a new random draw found an old bug); local runs draw fresh examples.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# -- the compiled modules under test (make test-compiled) ------------------------------------

def _compiled() -> bool:
    """Whether the package under test is mypyc's build (``make test-compiled`` runs the suite in
    ``build/compiled``), not the pure-Python checkout."""
    from extractor.lang import segment

    return not segment.__file__.endswith(".py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``pure_only`` when the package is compiled, saying why: they replace a
    method of a class mypyc compiles closed, or test the checkout's own packaging."""
    if not _compiled():
        return
    for item in items:
        marker = item.get_closest_marker("pure_only")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"compiled package: {marker.args[0]}"))


# -- a PostgreSQL server for the store's tests ------------------------------------------------

#: the server scripts/pg_test_server.sh starts (make test and CI run it), in the README's form: no
#: driver named, the store picks the installed one
PG_DEFAULT = "postgresql://postgres@/extractor_test?host=/var/run/postgresql"
_schemas = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The URL of a PostgreSQL server (``EXTRACTOR_PG_URL``, else the one scripts/pg_test_server.sh
    starts); the test skips, saying how to get one, when none answers."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    url = os.environ.get("EXTRACTOR_PG_URL") or PG_DEFAULT
    try:
        from extractor.output.store import engine_url

        engine = create_engine(engine_url(url))
        with engine.connect() as c:
            c.execute(sql("SELECT 1"))
        engine.dispose()
    except Exception as e:  # no server or no driver here: say how to get one
        pytest.skip(f"no PostgreSQL server at {url} ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}): "
                    "run scripts/pg_test_server.sh (make test does) or set EXTRACTOR_PG_URL")
    return url


@contextlib.contextmanager
def schema_on(server: str, prefix: str = "t") -> Iterator[str]:
    """A URL of an empty schema of its own on the PostgreSQL ``server`` (other tests and runs use
    the same database), dropped when the block ends."""
    from sqlalchemy import create_engine, make_url
    from sqlalchemy import text as sql

    from extractor.output.store import engine_url

    name = f"{prefix}_{os.getpid()}_{next(_schemas)}"
    engine = create_engine(engine_url(server))
    with engine.begin() as c:
        c.execute(sql(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        c.execute(sql(f"CREATE SCHEMA {name}"))
    try:
        yield make_url(server).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(False)
    finally:
        with engine.begin() as c:
            c.execute(sql(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


@pytest.fixture
def pg_schema(pg_server: str) -> Iterator[str]:
    """A URL of an empty schema of its own on the server, dropped afterwards."""
    with schema_on(pg_server) as url:
        yield url
