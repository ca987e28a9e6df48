"""``extract`` → ``ingest`` → ``export --format jsonl`` gives back every record field for field:
the same keys in the same order, the same values of the same types (12.5万元 → 125000, 33866.39,
-10322), error rows as the error rows ``extract`` wrote; on SQLite and, when a server answers
(``scripts/pg_test_server.sh``, ``EXTRACTOR_PG_URL``), on PostgreSQL; and on a store made by an
older version once it is opened."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Index, MetaData, Table, create_engine, insert
from sqlalchemy import text as sql

from extractor.model import Breakdown, Count, DateFact, Finding, Money, Record, Severity
from extractor.output.ingest import ingest
from extractor.output.jsonl import breakdown_to_dict, fact_to_dict, finding_to_dict, record_to_dict
from extractor.output.store import (
    BREAKDOWN_KEYS,
    FACT_KEYS,
    FINDING_KEYS,
    RECORD_KEYS,
    FileResult,
    engine_url,
    metadata,
    open_store,
)
from extractor.ui.cli import main

from .conftest import ROOT, load_cases

CASES = load_cases("roundtrip.jsonl")
REAL_DEV = ROOT.parent / "shared" / "eval" / "real-dev" / "docs"
#: the real reports we may read: the development half only (a15-a20 and b15-b20 are never opened)
REAL_DEV_FILES = [REAL_DEV / f"{half}{n:02d}.txt" for half in "ab" for n in range(1, 15)]


# -- what the comparison means ------------------------------------------------------------

def _difference(a: Any, b: Any, at: str = "") -> str | None:
    """Where two JSON values first differ (a type, a key or its place, a value), or None.

    >>> _difference({"a": 1, "b": [1.5]}, {"a": 1, "b": [1.5]}) is None
    True
    >>> _difference({"value": 125000}, {"value": 125000.0})
    '.value: 125000 != 125000.0'
    >>> _difference({"a": 1, "b": 2}, {"b": 2, "a": 1})
    " keys: ['a', 'b'] != ['b', 'a']"
    """
    if type(a) is not type(b):
        return f"{at}: {a!r} != {b!r}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{at} keys: {list(a)} != {list(b)}"
        return next((d for k in a if (d := _difference(a[k], b[k], f"{at}.{k}"))), None)
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{at}: {len(a)} items != {len(b)}"
        return next((d for i, (x, y) in enumerate(zip(a, b, strict=True))
                     if (d := _difference(x, y, f"{at}[{i}]"))), None)
    return None if a == b else f"{at}: {a!r} != {b!r}"


def _by_record(lines: list[str]) -> dict[tuple[str, int], tuple[str, dict[str, Any]]]:
    """Each JSON line by its record's (source, index), an error row's index taken as -1."""
    out = {}
    for line in lines:
        rec = json.loads(line)
        out[(rec["source"], -1 if rec["index"] is None else rec["index"])] = (line, rec)
    assert len(out) == len(lines), "two lines of one record"
    return out


def _assert_round_trip(written: list[str], exported: list[str]) -> None:
    want, got = _by_record(written), _by_record(exported)
    assert sorted(got) == sorted(want)
    for key in sorted(want):
        assert _difference(want[key][1], got[key][1]) is None, f"{key}: {_difference(want[key][1], got[key][1])}"
        assert got[key][0] == want[key][0], key  # the very bytes extract wrote
    assert [k for k in got] == [k for k in want]  # one worker: in the order extract wrote them


# -- the stores -------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store of each kind."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_schema"))


# -- the inputs -------------------------------------------------------------------------

def _odd_files(folder: Path) -> list[Path]:
    """The deliberately odd inputs of tests/cases/roundtrip.jsonl, written as files."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        data = bytes.fromhex(case["hex"]) if "hex" in case else case["text"].encode(case.get("encoding", "utf-8"))
        (folder / case["file"]).write_bytes(data)
    return [folder / c["file"] for c in CASES]


def _inputs(name: str, tmp: Path) -> list[Path]:
    if name == "corpus":  # with corpus/rendered (.docx, .pdf) and its GBK and traditional files
        return [ROOT / "corpus"]
    if name == "odd":
        return _odd_files(tmp / "odd")
    if not all(p.is_file() for p in REAL_DEV_FILES):
        pytest.skip(f"{REAL_DEV} is not beside the repo on this machine")
    return REAL_DEV_FILES


_written: dict[str, tuple[list[Path], list[str]]] = {}


def _extracted(name: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[str]]:
    """The inputs of a set and the lines ``extract`` writes for them (once a set a process)."""
    if name not in _written:
        tmp = tmp_path_factory.mktemp(name)
        inputs = _inputs(name, tmp)
        out = tmp / f"{name}.jsonl"
        main(["extract", *map(str, inputs), "-o", str(out)])
        _written[name] = inputs, out.read_text(encoding="utf-8").splitlines()
    return _written[name]


def _exported(db: str, out: Path) -> list[str]:
    assert main(["export", "--db", db, "--format", "jsonl", "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", ["corpus", "odd", "real-dev"])
def test_export_gives_back_what_extract_wrote(name: str, db: str, tmp_path_factory: pytest.TempPathFactory,
                                              tmp_path: Path) -> None:
    inputs, written = _extracted(name, tmp_path_factory)
    ingest(inputs, db)
    _assert_round_trip(written, _exported(db, tmp_path / "exported.jsonl"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_the_odd_inputs_hold_what_they_are_for(case: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each odd input gives what it is there to carry through the store (a negative cell, a
    decimal, an error row...), so that the round trip above is tested on it."""
    _, written = _extracted("odd", tmp_path_factory)
    records = [r for r in map(json.loads, written) if r["source"].endswith("/" + case["file"])]
    expect = case["expect"]
    if "error" in expect:
        assert [r["error"]["code"] for r in records] == [expect["error"]]
        return
    facts = [f for r in records for f in r["facts"]]
    values = [f.get("value") for f in facts if f["kind"] != "date"]
    assert all(any(v == w and type(v) is type(w) for v in values) for w in expect["values"]), values
    assert set(expect.get("shapes", [])) <= {b["shape"] for r in records for b in r["breakdowns"]}
    assert set(expect.get("periods", [])) <= {f["period"] for f in facts if f["kind"] == "date"}
    assert set(expect.get("rules", [])) <= {f["rule"] for r in records for f in r["findings"]}
    if "encoding" in expect:
        assert [r["meta"]["encoding"] for r in records] == [expect["encoding"]]


# -- what the store knows of the record ---------------------------------------------------

_SPAN = (0, 1)
MODEL_DICTS = {
    "date": fact_to_dict(DateFact("1月", _SPAN, "--01-01", "--01-31")),
    "money": fact_to_dict(Money("1元", _SPAN, Decimal(1))),
    "count": fact_to_dict(Count("1户", _SPAN, Decimal(1), "户")),
    "breakdown": breakdown_to_dict(Breakdown("count", Decimal(1), (Decimal(1),), "户", _SPAN, 0, (1,), (_SPAN,))),
    "finding": finding_to_dict(Finding("placeholder", Severity.ERROR, "x", _SPAN)),
    "record": record_to_dict(Record("a.txt", 0, None, "x", (), (), ())),
}
STORE_KEYS = {**FACT_KEYS, "breakdown": BREAKDOWN_KEYS, "finding": FINDING_KEYS, "record": RECORD_KEYS}


@pytest.mark.parametrize("what", sorted(MODEL_DICTS))
def test_the_store_knows_every_key_jsonl_writes(what: str) -> None:
    """A field added to the record must be added to the store too (or it lands in ``extra``,
    after the others): the key order the store gives back is the one ``jsonl`` writes."""
    assert STORE_KEYS[what] == tuple(MODEL_DICTS[what])


def _record_with(where: str) -> dict[str, Any]:
    """A record (as a dict) with a field the store has no column for, at ``where``."""
    rec: dict[str, Any] = {
        "source": "new.txt", "index": 0, "title": "t", "text": "发放1000元，1月",
        "facts": [{**MODEL_DICTS["money"], "span": [2, 7], "text": "1000元", "value": 1000, "id": "money:2-7"},
                  {**MODEL_DICTS["date"], "span": [8, 10], "text": "1月", "id": "date:8-10"}],
        "breakdowns": [dict(MODEL_DICTS["breakdown"])], "findings": [dict(MODEL_DICTS["finding"])],
        "meta": {"format": "txt"}}
    new = {"later": {"a": [1, 2.5, None]}}
    if where == "record":
        rec.update(new)
    elif where == "fact-of-an-unknown-kind":
        rec["facts"].append({"kind": "percent", "text": "5%", "span": [0, 2], "value": 5, "of": "户"})
    else:
        rec[where][0].update(new)
    return rec


@pytest.mark.parametrize("where", ["record", "facts", "breakdowns", "findings", "fact-of-an-unknown-kind"])
def test_a_field_the_schema_does_not_know_is_kept(where: str, tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    rec = _record_with(where)
    store.write([FileResult("new.txt", "0" * 64, 1, (rec,))])
    [back] = store.records()
    assert _difference(rec, back) is None, _difference(rec, back)


@pytest.mark.parametrize(("value", "back", "kept"), [
    (125000, 125000, "125000"), (33866.39, 33866.39, "33866.39"), (-10322, -10322, "-10322"),
    (1e-05, 1e-05, "1e-05"), (Decimal("125000.0"), 125000, "125000"),
    (Decimal("12345.67890123456789010000"), 12345.678901234567, "12345.67890123456789010000"), (None, None, None)],
    ids=["integer", "decimal", "negative", "exponent", "decimal-integral", "decimal-beyond-float", "null"])
def test_numbers_come_back_as_the_json_numbers_they_were(value: Any, back: Any, kept: str | None,
                                                         tmp_path: Path) -> None:
    """``value_exact``, ``quantum`` and ``total_exact`` are text: a Decimal stays exact in them,
    and each comes back as the JSON number the record writes (an integer when it is one)."""
    store = open_store(str(tmp_path / "s.db"))
    fact = {**MODEL_DICTS["count"], "value": value, "quantum": value}
    bd = {**MODEL_DICTS["breakdown"], "total": value}
    store.write([FileResult("n.txt", "1" * 64, 1, ({**_record_with("facts"), "facts": [fact], "breakdowns": [bd]},))])
    [rec] = store.records()
    for got in (rec["facts"][0]["value"], rec["facts"][0]["quantum"], rec["breakdowns"][0]["total"]):
        assert got == back and type(got) is type(back)
    with store.engine.connect() as c:
        assert c.execute(sql("SELECT value_exact, quantum FROM facts")).one() == (kept, kept)
        assert c.execute(sql("SELECT total_exact FROM breakdowns")).scalar_one() == kept



def test_the_export_command_offers_every_table_export_reads() -> None:
    """The command line names the tables itself (its help loads no SQLAlchemy): the same as the
    export's."""
    from extractor.output.export import REVIEW_TABLES, TABLES
    from extractor.ui.cli import build_parser

    export = next(a for a in build_parser()._actions if a.dest == "command").choices["export"]  # type: ignore[index]
    table = next(a for a in export._actions if a.dest == "table")
    assert list(table.choices or ()) == [*TABLES, *REVIEW_TABLES]


@pytest.mark.parametrize("table", ["facts", "breakdowns", "findings", "documents", "files", "reviews", "review_log"])
def test_a_parquet_export_has_the_schema_whatever_the_rows(table: str, tmp_path: Path) -> None:
    """An empty store and one whose ``extra`` is null in every row give the same column types
    (and the review tables, which a store no one reviewed in has not, their columns)."""
    pq = pytest.importorskip("pyarrow.parquet")
    schemas = []
    for name, results in (("empty", []), ("full", [FileResult("n.txt", "2" * 64, 1, (_record_with("facts"),))])):
        db = str(tmp_path / f"{name}.db")
        open_store(db).write(results)
        assert main(["export", "--db", db, "--format", "parquet", "--table", table, "-o", str(tmp_path / name)]) == 0
        schemas.append(pq.read_schema(tmp_path / name))
    assert schemas[0] == schemas[1]
    assert "null" not in {str(t) for t in schemas[1].types}
    if table.startswith("review"):
        assert {"key", "verdict", "reviewer", "reviewed_at"} <= set(schemas[1].names)
        assert not sqlite3.connect(tmp_path / "full.db").execute(
            "SELECT name FROM sqlite_master WHERE name = ?", (table,)).fetchall()  # the export made no table


# -- a store made by an older version -----------------------------------------------------

#: the columns added since each version; a store of that version has every other one
ADDED_BY_ISSUE_12 = {
    "files": {"seq"}, "documents": {"extra"}, "findings": {"extra"},
    "facts": {"period", "subject_start", "subject_end", "approx_word", "quantum", "rounded", "category_name",
              "category_by", "category_confidence", "category_reason", "extra"},
    "breakdowns": {"total_exact", "total_index", "part_indexes", "part_spans", "shape", "certain", "extra"},
}
#: ... and since issue 15: each figure's role in the totals (filled in when the totals are read:
#: tests/test_totals.py)
ADDED_BY_ISSUE_15 = {"facts": {"total_role"}}
OLD_VERSIONS = {
    "before-issue-15": ADDED_BY_ISSUE_15,
    "issue-11": {**ADDED_BY_ISSUE_12, "facts": ADDED_BY_ISSUE_12["facts"] | {"total_role"}},
    "issue-5": {**ADDED_BY_ISSUE_12, "facts": ADDED_BY_ISSUE_12["facts"] | {"org", "total_role"}},
}
#: what a store of those versions holds: a file that gave an error row, and a report with a money
#: and a date fact, a breakdown and a finding (the columns the version lacked are not set)
OLD_ROWS: dict[str, list[dict[str, Any]]] = {
    "files": [{"sha256": "a" * 64, "path": "old.txt", "size": 9, "status": "done", "documents": 1,
               "ingested_at": "2024-01-01T00:00:00"},
              {"sha256": "b" * 64, "path": "bad.txt", "size": 0, "status": "error", "error_code": "empty_file",
               "error_message": "空文件", "documents": 0, "ingested_at": "2024-01-01T00:00:00"}],
    "documents": [{"id": 1, "sha256": "a" * 64, "idx": 0, "source": "old.txt", "title": None,
                   "text": "发放12.5万元，1月", "meta": "{}"}],
    "facts": [{"document_id": 1, "kind": "money", "text": "12.5万元", "start": 2, "end": 8, "value": 125000.0,
               "value_exact": "125000", "unit": "元", "approx": False, "placeholder": False},
              {"document_id": 1, "kind": "date", "text": "1月", "start": 9, "end": 11, "placeholder": False,
               "date_start": "--01-01", "date_end": "--01-31"}],
    "breakdowns": [{"document_id": 1, "kind": "money", "total": 125000.0, "parts": "[125000]", "unit": "元",
                    "start": 2, "end": 8, "consistent": True}],
    "findings": [{"document_id": 1, "rule": "placeholder", "severity": "error", "message": "x", "start": 0,
                  "end": 1, "evidence": "[]"}],
}
#: ... and what it exports once opened: the fields the version did not keep are null
OLD_EXPORT = [
    {"source": "bad.txt", "index": None, "title": None, "text": "", "facts": [], "breakdowns": [], "findings": [],
     "error": {"code": "empty_file", "message": "空文件"}},
    {"source": "old.txt", "index": 0, "title": None, "text": "发放12.5万元，1月",
     "facts": [{"kind": "money", "text": "12.5万元", "span": [2, 8], "value": 125000, "approx": False,
                "qualifier": None, "placeholder": False, "subject": None, "category": None, "region": None,
                "subject_span": None, "approx_word": None, "quantum": None, "rounded": None, "org": None,
                "category_name": None, "category_by": None, "category_confidence": None, "category_reason": None,
                "id": "money:2-8"},  # ids are derived from kind and span: an older row gains them
               {"kind": "date", "text": "1月", "span": [9, 11], "start": "--01-01", "end": "--01-31",
                "placeholder": False, "period": None, "id": "date:9-11"}],
     "breakdowns": [{"kind": "money", "total": 125000, "parts": [125000], "unit": "元", "span": [2, 8],
                     "consistent": True, "total_index": None, "part_indexes": None, "part_spans": None,
                     "shape": None, "certain": None, "total_id": "money:2-8", "part_ids": []}],
     "findings": [{"rule": "placeholder", "severity": "error", "message": "x", "span": [0, 1], "evidence": []}],
     "meta": {}},
]


def _old_store(url: str, added: dict[str, set[str]]) -> None:
    """Make at ``url`` the tables as an older version made them (the columns and indexes they
    had) and fill them as it did."""
    old = MetaData()
    for t in metadata.sorted_tables:
        gone = added.get(t.name, set())
        cols = [Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable) for c in t.columns
                if c.name not in gone]
        indexes = [Index(ix.name, *[c.name for c in ix.columns]) for ix in t.indexes
                   if not {c.name for c in ix.columns} & gone]
        Table(t.name, old, *cols, *indexes)
    engine = create_engine(url)
    old.create_all(engine)
    with engine.begin() as c:
        for table in old.sorted_tables:
            for row in OLD_ROWS.get(table.name, ()):
                c.execute(insert(table), row)
    engine.dispose()


@pytest.mark.parametrize("version", sorted(OLD_VERSIONS))
def test_an_older_store_opens_and_keeps_every_field_of_what_comes_after(
        version: str, db: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    url = engine_url(db)
    _old_store(url, OLD_VERSIONS[version])
    inputs, written = _extracted("odd", tmp_path_factory)
    ingest(inputs, db)  # opens the store (its columns are added), then writes to it
    exported = _exported(db, tmp_path / "exported.jsonl")
    old = [json.loads(line) for line in exported[: len(OLD_EXPORT)]]
    assert _difference(OLD_EXPORT, old) is None, _difference(OLD_EXPORT, old)
    _assert_round_trip(written, exported[len(OLD_EXPORT):])


@pytest.mark.parametrize("version", sorted(OLD_VERSIONS))
def test_an_older_stores_totals(version: str, db: str) -> None:
    """The roles in the totals of what an older version stored are worked out from its records
    when the totals are read: its one figure, 12.5万元, is added."""
    from extractor.output.export import totals

    _old_store(engine_url(db), OLD_VERSIONS[version])
    sums, standards = totals(db)
    assert [(t.group, t.unit, t.total, t.facts) for t in sums] == [((None,), "元", Decimal(125000), 1)]
    assert standards == []
