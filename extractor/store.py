"""The store: documents, facts, breakdowns, findings and errors in SQL (SQLite by default,
PostgreSQL through the same SQLAlchemy schema).

Schema (one row per...):

* ``files``: input file, by the SHA-256 of its content (``sha256`` is the key, so a file is
  stored once whatever its name or how often it is ingested): ``path``, ``size``, ``status``
  (``done`` / ``error``), ``error_code``, ``error_message``, ``documents``, ``ingested_at``;
* ``paths``: every path a content was seen at (``path`` → ``sha256``);
* ``documents``: report (``sha256``, ``idx`` unique together), ``source``, ``title``, ``text``,
  ``year`` (of its date line, else of its dates when they agree), ``meta`` (JSON);
* ``facts``: ``document_id``, ``kind``, ``text``, ``start``, ``end``, ``value`` (float, for
  sums) and ``value_exact`` (the Decimal as text), ``unit``, ``approx``, ``qualifier``,
  ``placeholder``, ``date_start``, ``date_end``, ``subject``, ``category``, ``region``, ``org``;
* ``breakdowns``: ``document_id``, ``kind``, ``total``, ``parts`` (JSON), ``unit``, ``start``,
  ``end``, ``consistent``;
* ``findings``: ``document_id``, ``rule``, ``severity``, ``message``, ``start``, ``end``,
  ``evidence`` (JSON).

Indexes serve the auditor's questions: findings by rule and severity, documents by source and
year, facts by kind, date, category, region and organization.

A store made by an older version is brought up to date when opened: columns added since
(``facts.org``) are added with ``ALTER TABLE … ADD COLUMN`` and their indexes created.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy import text as sql

__all__ = ["FileResult", "Store", "open_store"]

metadata = MetaData()

files = Table(
    "files", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("path", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("status", String(8), nullable=False),
    Column("error_code", String(32)),
    Column("error_message", Text),
    Column("documents", Integer, nullable=False, default=0),
    Column("ingested_at", String(32), nullable=False),
)
paths = Table(
    "paths", metadata,
    Column("path", Text, primary_key=True),
    Column("sha256", String(64), ForeignKey("files.sha256"), nullable=False),
)
documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), ForeignKey("files.sha256"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("year", Integer),
    Column("meta", Text),
    UniqueConstraint("sha256", "idx", name="uq_documents_file_index"),
    Index("ix_documents_source", "source"),
    Index("ix_documents_year", "year"),
)
facts = Table(
    "facts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", Float),
    Column("value_exact", String(40)),
    Column("unit", String(16)),
    Column("approx", Boolean),
    Column("qualifier", String(4)),
    Column("placeholder", Boolean, nullable=False),
    Column("date_start", String(10)),
    Column("date_end", String(10)),
    Column("subject", Text),
    Column("category", String(64)),
    Column("region", Text),
    Column("org", Text),
    Index("ix_facts_document", "document_id"),
    Index("ix_facts_kind", "kind"),
    Index("ix_facts_date", "date_start"),
    Index("ix_facts_category", "category"),
    Index("ix_facts_region", "region"),
    Index("ix_facts_org", "org"),
)
breakdowns = Table(
    "breakdowns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("total", Float),
    Column("parts", Text, nullable=False),
    Column("unit", String(16)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("consistent", Boolean),
    Index("ix_breakdowns_document", "document_id"),
)
findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("rule", String(32), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("evidence", Text),
    Index("ix_findings_rule", "rule"),
    Index("ix_findings_severity", "severity"),
    Index("ix_findings_document", "document_id"),
)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one worker made of one file: the records as contract dicts, or an error."""

    path: str
    sha256: str
    size: int
    records: tuple[dict[str, Any], ...] = ()
    error_code: str | None = None
    error_message: str | None = None


def _url(db: str) -> str:
    """A database URL from ``--db``: a URL as it is, a file path as SQLite."""
    return db if "://" in db else f"sqlite:///{Path(db)}"


def open_store(db: str) -> Store:
    """The store at ``db`` (a SQLite file path or a SQLAlchemy URL), its schema created."""
    return Store(create_engine(_url(db), future=True))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # a killed writer leaves a consistent file
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _year(rec: dict[str, Any]) -> int | None:
    line = (rec.get("meta") or {}).get("signature", {}).get("date_line") or {}
    for iso in (line.get("start"),):
        if iso and not str(iso).startswith("--"):
            return int(str(iso)[:4])
    years = {str(f["start"])[:4] for f in rec["facts"] if f["kind"] == "date" and f.get("start")
             and not str(f["start"]).startswith("--")}
    return int(years.pop()) if len(years) == 1 else None


def _upgrade(engine: Engine) -> None:
    """Add the columns (and their indexes) a store made by an older version lacks."""
    have = {c["name"] for c in inspect(engine).get_columns("facts")}
    missing = [c for c in facts.columns if c.name not in have]
    if not missing:
        return
    with engine.begin() as conn:
        for col in missing:
            kind = col.type.compile(dialect=engine.dialect)
            conn.execute(sql(f'ALTER TABLE facts ADD COLUMN "{col.name}" {kind}'))
    for index in facts.indexes:
        index.create(engine, checkfirst=True)


class Store:
    """Writes file results in transactions and answers what is done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
        _upgrade(engine)

    def done(self) -> set[str]:
        """Content hashes already stored (as documents or as an error row)."""
        with self.engine.connect() as c:
            return {r[0] for r in c.execute(select(files.c.sha256))}

    def known_paths(self) -> set[str]:
        with self.engine.connect() as c:
            return {r[0] for r in c.execute(select(paths.c.path))}

    def add_paths(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record more paths a stored content was seen at."""
        rows = [{"path": p, "sha256": h} for p, h in pairs]
        if rows:
            with self.engine.begin() as c:
                wanted = [r["path"] for r in rows]
                known = {r[0] for r in c.execute(select(paths.c.path).where(paths.c.path.in_(wanted)))}
                fresh = [r for r in rows if r["path"] not in known]
                if fresh:
                    c.execute(insert(paths), fresh)

    def write(self, results: Iterable[FileResult]) -> None:
        """Write a batch of files in one transaction: all of it lands, or none of it.

        The writer numbers the documents itself (it is the only writer), so that a batch is a
        handful of multi-row inserts, not a statement a document."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        file_rows, path_rows, doc_rows = [], [], []
        fact_rows: list[dict[str, Any]] = []
        bd_rows: list[dict[str, Any]] = []
        fi_rows: list[dict[str, Any]] = []
        with self.engine.begin() as c:
            next_id = (c.execute(select(func.max(documents.c.id))).scalar() or 0) + 1
            for r in results:
                file_rows.append({
                    "sha256": r.sha256, "path": r.path, "size": r.size,
                    "status": "error" if r.error_code else "done", "error_code": r.error_code,
                    "error_message": r.error_message, "documents": len(r.records), "ingested_at": stamp,
                })
                path_rows.append({"path": r.path, "sha256": r.sha256})
                for rec in r.records:
                    doc_id, next_id = next_id, next_id + 1
                    doc_rows.append({
                        "id": doc_id, "sha256": r.sha256, "idx": rec["index"], "source": rec["source"],
                        "title": rec["title"], "text": rec["text"], "year": _year(rec),
                        "meta": json.dumps(rec.get("meta") or {}, ensure_ascii=False),
                    })
                    fact_rows.extend(_fact_row(doc_id, f) for f in rec["facts"])
                    bd_rows.extend({"document_id": doc_id, "kind": b["kind"], "total": b["total"],
                                    "parts": json.dumps(b["parts"]), "unit": b["unit"], "start": b["span"][0],
                                    "end": b["span"][1], "consistent": b.get("consistent")}
                                   for b in rec["breakdowns"])
                    fi_rows.extend({"document_id": doc_id, "rule": f["rule"], "severity": f["severity"],
                                    "message": f["message"], "start": f["span"][0], "end": f["span"][1],
                                    "evidence": json.dumps(f.get("evidence") or [])} for f in rec["findings"])
            for table, rows in ((files, file_rows), (paths, path_rows), (documents, doc_rows), (facts, fact_rows),
                                (breakdowns, bd_rows), (findings, fi_rows)):
                if rows:
                    c.execute(insert(table), rows)

    def records(self) -> Iterator[dict[str, Any]]:
        """The stored documents as contract records (and error rows), in ingestion order."""
        with self.engine.connect() as c:
            for f in c.execute(select(files).where(files.c.status == "error").order_by(files.c.path)).mappings():
                yield {"source": f["path"], "index": None, "title": None, "text": "", "facts": [],
                       "breakdowns": [], "findings": [],
                       "error": {"code": f["error_code"], "message": f["error_message"]}}
            for d in c.execute(select(documents).order_by(documents.c.id)).mappings():
                did = d["id"]
                fs = c.execute(select(facts).where(facts.c.document_id == did).order_by(facts.c.id)).mappings()
                bs = c.execute(select(breakdowns).where(breakdowns.c.document_id == did)
                               .order_by(breakdowns.c.id)).mappings()
                ns = c.execute(select(findings).where(findings.c.document_id == did)
                               .order_by(findings.c.id)).mappings()
                yield {
                    "source": d["source"], "index": d["idx"], "title": d["title"], "text": d["text"],
                    "facts": [_fact_dict(x) for x in fs],
                    "breakdowns": [{"kind": b["kind"], "total": b["total"], "parts": json.loads(b["parts"]),
                                    "unit": b["unit"], "span": [b["start"], b["end"]],
                                    "consistent": b["consistent"]} for b in bs],
                    "findings": [{"rule": n["rule"], "severity": n["severity"], "message": n["message"],
                                  "span": [n["start"], n["end"]], "evidence": json.loads(n["evidence"] or "[]")}
                                 for n in ns],
                    "meta": json.loads(d["meta"] or "{}"),
                }


def _fact_row(doc_id: int, f: dict[str, Any]) -> dict[str, Any]:
    value = f.get("value")
    return {
        "document_id": doc_id, "kind": f["kind"], "text": f["text"], "start": f["span"][0], "end": f["span"][1],
        "value": float(value) if value is not None else None,
        "value_exact": str(value) if value is not None else None,
        "unit": f.get("unit") if f["kind"] == "count" else ("元" if f["kind"] == "money" else None),
        "approx": f.get("approx"), "qualifier": f.get("qualifier"), "placeholder": bool(f.get("placeholder")),
        "date_start": f.get("start") if f["kind"] == "date" else None,
        "date_end": f.get("end") if f["kind"] == "date" else None,
        "subject": f.get("subject"), "category": f.get("category"), "region": f.get("region"),
        "org": f.get("org"),
    }


def _fact_dict(x: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"kind": x["kind"], "text": x["text"], "span": [x["start"], x["end"]],
                            "placeholder": x["placeholder"]}
    if x["kind"] == "date":
        base.update(start=x["date_start"], end=x["date_end"])
        return base
    exact = x["value_exact"]
    value: int | float | None = None
    if exact is not None:
        value = int(exact) if exact.lstrip("-").isdigit() else float(exact)
    base.update(value=value, approx=x["approx"], qualifier=x["qualifier"])
    if x["kind"] == "count":
        base["unit"] = x["unit"]
    base.update(subject=x["subject"], category=x["category"], region=x["region"], org=x["org"])
    return base
