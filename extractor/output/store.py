"""The store: documents, facts, breakdowns, findings and errors in SQL (SQLite by default,
PostgreSQL through the same SQLAlchemy schema). It keeps every field of the record: ``records()``
gives back, field for field and in the same key order, the record ``extractor extract`` wrote.

Schema (one row per...):

* ``files``: input file, by the SHA-256 of its content (``sha256`` is the key, so a file is
  stored once whatever its name or how often it is ingested): ``path``, ``size``, ``status``
  (``done`` / ``error``), ``error_code``, ``error_message``, ``documents``, ``ingested_at``,
  ``seq`` (the order files were written in), ``path_bytes``, ``build`` (the extractor that made
  its rows, :func:`extractor.resources.build_id`: an import extracts again a file an older build
  stored, or one stored before the column);
* ``paths``: every path a content was seen at (``path`` → ``sha256``), ``path_bytes``;

A path is stored as :func:`extractor.paths.shown` writes it (a byte that is not UTF-8 as
``\\xHH``), and then ``path_bytes`` holds its exact bytes in base64 (null for a UTF-8 path), as
the record's ``meta.path_bytes`` does;
* ``documents``: report (``sha256``, ``idx`` unique together), ``source``, ``title``, ``text``,
  ``year`` (of its date line, else of its dates when they agree), ``meta`` (JSON);
* ``facts``: ``document_id``, ``kind``, ``text``, ``start``, ``end``, ``value`` (float, for
  sums) and ``value_exact`` (the number as text: exact), ``unit`` (``元`` for money),
  ``approx``, ``approx_word``, ``qualifier``, ``placeholder``, ``quantum`` (as text),
  ``rounded``, ``date_start``, ``date_end``, ``period``, ``subject`` with ``subject_start``
  and ``subject_end``, ``category``, ``category_name``, ``category_by``,
  ``category_confidence``, ``category_reason``, ``region``, ``org``; and, beyond the record,
  ``total_role``: what the figure does in the totals (``added``, ``part``, ``restated``, ``rate``,
  ``min``, ``max``, ``split``, ``share``, ``raised``, ``planned``; null for a date or a blank),
  :func:`extractor.totals.figure_roles` worked out
  when the report was extracted, which ``extractor query totals`` sums (each group once);
* ``breakdowns``: ``document_id``, ``kind``, ``total`` (float) and ``total_exact`` (text),
  ``parts`` (JSON), ``unit``, ``start``, ``end``, ``consistent``, ``total_index``,
  ``part_indexes`` and ``part_spans`` (JSON), ``shape``, ``certain``;
* ``findings``: ``document_id``, ``rule``, ``severity``, ``message``, ``start``, ``end``,
  ``evidence`` (JSON).

``documents``, ``facts``, ``breakdowns`` and ``findings`` also have ``extra``: the JSON of any
field of the record the store has no column for (a field added to the record after this
schema), so that nothing is lost; it comes back after the known fields.

Indexes serve the auditor's questions: findings by rule and severity, documents by source and
year, facts by kind, date, category, region and organization.

A store made by an older version is brought up to date when opened: columns added since
(``facts.org``, the fields above beyond the contract, ``files.seq``, ``extra``, ``path_bytes``,
``facts.total_role``) are added with ``ALTER TABLE … ADD COLUMN`` and their indexes created. Rows
written before then have null in them (``period`` null, ``shape`` null...), but for
``total_role``: :meth:`Store.fill_roles` works out the roles of the figures stored without one
from their records, before the totals are read.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
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
    bindparam,
    create_engine,
    event,
    false,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy import text as sql

from ..model import span_id
from ..paths import path_bytes
from ..paths import shown as shown_path

__all__ = ["FileResult", "Store", "Stored", "counter", "engine_url", "errors_said", "open_store", "shown",
           "store_error"]

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
    Column("seq", Integer),
    Column("path_bytes", Text),
    Column("build", String(80)),
)
#: counters of the store's own (``replaced``: the contents whose rows were replaced by a newer
#: build, ever), which the auditor's workspace reads to know when its indexes are out of date
counters = Table(
    "counters", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)
paths = Table(
    "paths", metadata,
    Column("path", Text, primary_key=True),
    Column("sha256", String(64), ForeignKey("files.sha256"), nullable=False),
    Column("path_bytes", Text),
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
    Column("extra", Text),
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
    Column("value_exact", Text),
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
    Column("period", String(8)),
    Column("subject_start", Integer),
    Column("subject_end", Integer),
    Column("approx_word", Text),
    Column("quantum", Text),
    Column("rounded", Boolean),
    Column("category_name", Text),
    Column("category_by", String(32)),
    Column("category_confidence", Float),
    Column("category_reason", String(32)),
    Column("extra", Text),
    Column("total_role", String(8)),
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
    Column("total_exact", Text),
    Column("total_index", Integer),
    Column("part_indexes", Text),
    Column("part_spans", Text),
    Column("shape", String(32)),
    Column("certain", Boolean),
    Column("extra", Text),
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
    Column("extra", Text),
    Index("ix_findings_rule", "rule"),
    Index("ix_findings_severity", "severity"),
    Index("ix_findings_document", "document_id"),
)

# The keys of the record's dicts in the order ``jsonl`` writes them (tests/test_roundtrip.py
# holds them to it): the store gives them back in this order, then the ``extra`` ones.
RECORD_KEYS = ("source", "index", "title", "text", "facts", "breakdowns", "findings", "meta")
_FIGURE_TAIL = ("approx", "qualifier", "placeholder", "subject", "category", "region", "subject_span",
                "approx_word", "quantum", "rounded", "org", "category_name", "category_by",
                "category_confidence", "category_reason")
FACT_KEYS: dict[str, tuple[str, ...]] = {
    "date": ("kind", "text", "span", "start", "end", "placeholder", "period", "id"),
    "money": ("kind", "text", "span", "value", *_FIGURE_TAIL, "id"),
    "count": ("kind", "text", "span", "value", "unit", *_FIGURE_TAIL, "id"),
}
_FACT_COMMON = ("kind", "text", "span")  # a kind this schema does not know: the rest in ``extra``
BREAKDOWN_KEYS = ("kind", "total", "parts", "unit", "span", "consistent", "total_index", "part_indexes",
                  "part_spans", "shape", "certain", "total_id", "part_ids")
FINDING_KEYS = ("rule", "severity", "message", "span", "evidence")
_KNOWN_FACT = {kind: frozenset(keys) for kind, keys in FACT_KEYS.items()}
_KNOWN_RECORD, _KNOWN_COMMON, _KNOWN_BREAKDOWN, _KNOWN_FINDING = map(
    frozenset, (RECORD_KEYS, _FACT_COMMON, BREAKDOWN_KEYS, FINDING_KEYS))


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one worker made of one file: the records as contract dicts, or an error; and the role
    of each record's facts in the totals (:func:`extractor.totals.figure_roles`: one tuple a
    record; when not given, the store works them out before it reads totals)."""

    path: str
    sha256: str
    size: int
    records: tuple[dict[str, Any], ...] = ()
    error_code: str | None = None
    error_message: str | None = None
    roles: tuple[tuple[str | None, ...], ...] = ()
    #: the build that made it (:func:`extractor.resources.build_id`); "" when not said (then a
    #: stored content is never replaced by it)
    build: str = ""


class Stored(NamedTuple):
    """What the store holds of a content: its status (``done``, ``error``) and the build that
    made its rows (None: a store older than ``files.build``)."""

    status: str
    build: str | None

    def stale(self, build: str) -> bool:
        """Whether a result of ``build`` replaces these rows: made by another build (or an
        unknown one), and ``build`` is said."""
        return bool(build) and self.build != build


#: seconds a SQLite writer waits for another one (another import into the same file) to commit
BUSY_SECONDS = 60.0
#: the first key of the PostgreSQL advisory lock that serializes the writers of a store (the
#: second is the schema's name): b"EXTR"
_PG_LOCK = 0x45585452
#: the driver of a ``postgresql://`` URL, in the order tried: psycopg 3 (the ``db`` extra, and
#: SQLAlchemy 2's default), then psycopg2 where only that is installed
_PG_DRIVERS = ("psycopg", "psycopg2")


def engine_url(db: str) -> str:
    """A database URL from ``--db``: a file path as SQLite, a URL as it is, but that a PostgreSQL
    URL that names no driver (``postgresql://user@host/db``, as the README writes it) gets the one
    installed. The one place a ``--db`` becomes a URL.

    >>> engine_url("facts.db")
    'sqlite:///facts.db'
    >>> engine_url("postgresql+psycopg2://u@h/db")
    'postgresql+psycopg2://u@h/db'
    """
    if "://" not in db:
        return f"sqlite:///{Path(db)}"
    scheme, rest = db.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        import importlib.util

        driver = next((d for d in _PG_DRIVERS if importlib.util.find_spec(d) is not None), None)
        if driver is not None:  # none installed: SQLAlchemy's own default, and its error said
            return f"postgresql+{driver}://{rest}"
    return db


def shown(db: str) -> str:
    """``--db`` as a message may show it: a URL without its password.

    >>> shown("postgresql://u:secret@h/db"), shown("facts.db")
    ('postgresql://u:***@h/db', 'facts.db')
    """
    if "://" not in db:
        return db
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        return db.split("://", 1)[0] + "://…"


def _sqlite_file(url: Any) -> Path | None:
    """The file of a SQLite URL (None for a database in memory)."""
    name = url.database or ""
    if url.query.get("uri") in ("true", "1") and name.startswith("file:"):
        name = name[len("file:"):].split("?", 1)[0]
    return None if name in ("", ":memory:") else Path(name)


def open_store(db: str, *, create: bool = True) -> Store:
    """The store at ``db`` (a SQLite file path or a SQLAlchemy URL), its schema created when
    ``create`` (else a store that does not exist is refused, never made: what reading commands
    ask for). Several processes may open and write one store at once.

    Raises the :class:`~extractor.errors.StoreError` that says what is wrong: a folder, a
    folder that does not exist, no such store, no such server, a URL that names no database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from ..errors import ConfigError, DependencyMissingError, StoreMissingError, StoreUnavailableError

    where = shown(db)
    try:
        url = make_url(engine_url(db))
    except ArgumentError as e:
        raise ConfigError(where, f"无法识别的数据库地址 {where}：{e}（应为文件路径或 postgresql://用户@主机/库）") \
            from e
    if url.get_backend_name() == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            if path.is_dir():
                raise StoreUnavailableError(where, f"{where} 是文件夹，不是数据库文件")
            if not path.exists():
                if not create:
                    raise StoreMissingError(where, f"{where}（query、export 和 serve 只打开已有的数据库，不会新建；"
                                                   "请检查路径，或先用 ingest 导入）")
                if not path.parent.is_dir():
                    raise StoreUnavailableError(where, f"{where} 所在的文件夹 {path.parent} 不存在")
    try:
        sqlite = url.get_backend_name() == "sqlite"
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS} if sqlite else {})
    except ModuleNotFoundError as e:  # the URL's driver is not installed
        raise DependencyMissingError(where, f"数据库驱动 {e.name} 未安装：pip install 'extractor[db]'") from e
    except ArgumentError as e:
        raise ConfigError(where, f"无法识别的数据库地址 {where}：{e}") from e
    except Exception as e:  # an unknown dialect, a bad option: said with its cause
        raise store_error(e, db) from e
    try:
        return Store(engine, create=create, where=where)
    except Exception as e:
        engine.dispose()
        if isinstance(e, StoreMissingError):
            raise
        raise store_error(e, db) from e


def store_error(e: BaseException, db: str) -> Exception:
    """The :class:`~extractor.errors.ExtractorError` that says what a database error means, with
    the database's own message as its cause (an ``ExtractorError`` is given back as it is)."""
    from sqlalchemy import exc

    from ..errors import (
        ConfigError,
        DiskFullError,
        ExtractorError,
        StoreCorruptError,
        StoreError,
        StoreReadOnlyError,
        StoreUnavailableError,
    )

    if isinstance(e, ExtractorError):
        return e
    where = shown(db)
    orig = getattr(e, "orig", None) or e
    cause = " ".join(line.strip() for line in str(orig).splitlines() if line.strip()) or type(orig).__name__
    low = cause.lower()
    kind: type[StoreError] = StoreError
    if isinstance(e, exc.NoSuchModuleError | exc.ArgumentError):
        return ConfigError(where, f"无法识别的数据库地址 {where}：{cause}")
    if "disk is full" in low or "no space left" in low:
        return DiskFullError(where, f"{where}：{cause}")
    if "readonly" in low or "read-only" in low:
        kind = StoreReadOnlyError
    elif "not a database" in low or "malformed" in low or "corrupt" in low:
        kind = StoreCorruptError
    elif ("unable to open" in low or "database is locked" in low or "connection" in low
          or "could not connect" in low or "could not translate host" in low):
        kind = StoreUnavailableError
    return kind(where, f"{where}：{cause}")


@contextmanager
def errors_said(db: str) -> Iterator[None]:
    """Turn the database's errors within into :func:`store_error`'s (the CLI's store commands)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as e:
        raise store_error(e, db) from e


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # transactions are begun by _sqlite_begin, not by the driver (which begins one only before an
    # INSERT, so that a SELECT before it ran outside the transaction: two imports numbered the same
    # documents from one max(id))
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")  # a killed writer leaves a consistent file
    except sqlite3.OperationalError as e:  # a store opened read-only is read in the mode it has
        if "readonly" not in str(e):
            raise
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_reader(dbapi_connection: Any, _record: Any) -> None:
    # a reading command's connection: the file as it is (its journal mode left alone)
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _sqlite_begin(conn: Connection) -> None:
    # a writer takes the file's write lock at once (waiting BUSY_SECONDS for another writer), so
    # that what it reads before writing (the files stored, the last id) is what it writes over
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("store_writer") else "BEGIN")


def _year(rec: dict[str, Any]) -> int | None:
    line = (rec.get("meta") or {}).get("signature", {}).get("date_line") or {}
    for iso in (line.get("start"),):
        if iso and not str(iso).startswith("--"):
            return int(str(iso)[:4])
    years = {str(f["start"])[:4] for f in rec["facts"] if f["kind"] == "date" and f.get("start")
             and not str(f["start"]).startswith("--")}
    return int(years.pop()) if len(years) == 1 else None


def _missing(c: Connection | Engine) -> tuple[list[Table], list[tuple[Table, Column[Any]]]]:
    """The tables a store lacks, and the columns of its tables an older version did not make."""
    found = inspect(c)
    have_tables = set(found.get_table_names())
    tables = [t for t in metadata.sorted_tables if t.name not in have_tables]
    columns: list[tuple[Table, Column[Any]]] = []
    for table in metadata.sorted_tables:
        if table.name in have_tables:
            have = {col["name"] for col in found.get_columns(table.name)}
            columns += [(table, col) for col in table.columns if col.name not in have]
    return tables, columns


def _make_schema(c: Connection) -> None:
    """Create what the store lacks: its tables, and the columns (and their indexes) a store made
    by an older version lacks. Run holding the writers' lock: another import opening the same
    store at once waits, then finds it made."""
    tables, columns = _missing(c)
    if tables:
        metadata.create_all(c, tables=tables)
    quote = c.dialect.identifier_preparer.quote
    for table, col in columns:
        kind = col.type.compile(dialect=c.dialect)
        c.execute(sql(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(col.name)} {kind}"))
    for table in {table for table, _ in columns}:
        for index in table.indexes:
            index.create(c, checkfirst=True)


class Store:
    """Writes file results in transactions, answers what is done, and gives the records back.

    Several imports may write one store at once: each write holds the store's write lock (SQLite:
    ``BEGIN IMMEDIATE``, waiting up to :data:`BUSY_SECONDS`; PostgreSQL: an advisory lock of the
    schema) and, holding it, leaves out the contents another import stored meanwhile."""

    def __init__(self, engine: Engine, *, create: bool = True, where: str = "") -> None:
        self.engine = engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect if create else _sqlite_reader)
            event.listen(engine, "begin", _sqlite_begin)
        tables, columns = _missing(engine)
        if tables and not create:
            from ..errors import StoreMissingError

            raise StoreMissingError(where, f"{where} 中没有 extractor 的数据表（缺少 {tables[0].name}；"
                                           "请先用 ingest 导入）")
        if tables or columns:
            with self._writing() as c:
                _make_schema(c)

    def close(self) -> None:
        """Close the store's connections (SQLite then folds its write-ahead log into the file)."""
        self.engine.dispose()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction that holds the store's write lock: one writer at a time, over processes."""
        with self.engine.execution_options(store_writer=True).begin() as c:
            if c.dialect.name == "postgresql":
                c.execute(sql("SELECT pg_advisory_xact_lock(:k, hashtext(current_schema()))"), {"k": _PG_LOCK})
            yield c

    def stored_among(self, shas: Sequence[str]) -> dict[str, Stored]:
        """Which of these content hashes are stored, with their status and build."""
        with self.engine.connect() as c:
            return _stored(c, shas)

    def add_paths(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record more paths a stored content was seen at."""
        pairs = list(pairs)
        if pairs:
            with self._writing() as c:
                _set_paths(c, pairs)

    def write(self, results: Iterable[FileResult], *, refresh: bool = True) -> list[FileResult]:
        """Write a batch of files in one transaction: all of it lands, or none of it; the results
        written. A content stored meanwhile (by another import of the same files) is not written
        again: only its path is recorded. A content another build stored (:meth:`Stored.stale`)
        is replaced, its documents and their facts, breakdowns and findings taken out and its
        file row rewritten, unless ``refresh`` is false.

        The writer numbers the files and documents itself (holding the write lock, it is the
        only writer), so that a batch is a handful of multi-row inserts, not a statement a
        document."""
        results = list(results)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        file_rows, doc_rows, stale = [], [], []
        fact_rows: list[dict[str, Any]] = []
        bd_rows: list[dict[str, Any]] = []
        fi_rows: list[dict[str, Any]] = []
        with self._writing() as c:
            present = _stored(c, [r.sha256 for r in results])
            fresh: list[FileResult] = []
            for r in results:
                known = present.get(r.sha256)
                if known is None or (refresh and known.stale(r.build)):
                    if known is not None:
                        stale.append(r.sha256)
                    present[r.sha256] = Stored("new", r.build)
                    fresh.append(r)
            _forget(c, stale)
            next_id = (c.execute(select(func.max(documents.c.id))).scalar() or 0) + 1
            seq = c.execute(select(func.max(files.c.seq))).scalar() or 0
            for r in fresh:
                seq += 1
                path, raw = shown_path(r.path), path_bytes(r.path)
                file_rows.append({
                    "sha256": r.sha256, "path": path, "size": r.size,
                    "status": "error" if r.error_code else "done", "error_code": r.error_code,
                    "error_message": r.error_message, "documents": len(r.records), "ingested_at": stamp,
                    "seq": seq, "path_bytes": raw, "build": r.build or None,
                })
                for k, rec in enumerate(r.records):
                    roles = r.roles[k] if len(r.roles) == len(r.records) else None
                    doc_id, next_id = next_id, next_id + 1
                    doc_rows.append({
                        "id": doc_id, "sha256": r.sha256, "idx": rec["index"], "source": rec["source"],
                        "title": rec["title"], "text": rec["text"], "year": _year(rec),
                        "meta": _json(rec.get("meta") or {}), "extra": _extra(rec, _KNOWN_RECORD),
                    })
                    fact_rows.extend(_fact_row(doc_id, f, role) for f, role in _with_roles(rec["facts"], roles))
                    bd_rows.extend(_breakdown_row(doc_id, b) for b in rec["breakdowns"])
                    fi_rows.extend(_finding_row(doc_id, f) for f in rec["findings"])
            for table, rows in ((files, [f for f in file_rows if f["sha256"] not in stale]), (documents, doc_rows),
                                (facts, fact_rows),
                                (breakdowns, bd_rows), (findings, fi_rows)):
                if rows:
                    _insert(c, table, rows)
            if stale:
                rewritten = [{"key": f["sha256"], **{f"new_{k}": v for k, v in f.items() if k != "sha256"}}
                             for f in file_rows if f["sha256"] in stale]
                c.execute(files.update().where(files.c.sha256 == bindparam("key"))
                          .values({k: bindparam(f"new_{k}") for k in file_rows[0] if k != "sha256"}), rewritten)
            _set_paths(c, [(r.path, r.sha256) for r in results])
        return fresh

    def fill_roles(self, batch: int = 256) -> int:
        """Work out the role in the totals (``facts.total_role``) of the figures stored without one
        (rows of a store ingested before the column, results written without their roles) from
        their records read back, as extraction would have (:func:`extractor.totals.record_roles`),
        and store them, ``batch`` documents a transaction; the number of documents done. Nothing
        to do (the usual case) costs one query."""
        from ..totals import record_roles
        from .jsonl import record_from_dict

        with self.engine.connect() as c:
            ids = sorted(r[0] for r in c.execute(_ROLELESS))
        for k in range(0, len(ids), batch):
            with self._writing() as c:
                docs = list(c.execute(select(documents).where(documents.c.id.in_(ids[k:k + batch]))).mappings())
                rows = _by_document(c, facts, [d["id"] for d in docs])
                updates = [{"fact_id": row["id"], "role": str(role)}
                           for d, record in _records_from(c, docs)
                           for row, role in zip(rows.get(d["id"], ()), record_roles(record_from_dict(record)),
                                                strict=True)
                           if role is not None and row["total_role"] is None]
                if updates:
                    c.execute(facts.update().where(facts.c.id == bindparam("fact_id"))
                              .values(total_role=bindparam("role")), updates)
        return len(ids)

    def records(self, batch: int = 256) -> Iterator[dict[str, Any]]:
        """The stored records as ``extract`` wrote them (error rows too), in the order the files
        were written (a store older than ``files.seq``: its files first, by path), a file's
        reports by index. Read ``batch`` files at a time: a few queries a batch, not a document."""
        from ..model import ErrorRecord
        from .jsonl import error_to_dict

        order = select(files.c.sha256, files.c.path, files.c.status, files.c.error_code, files.c.error_message,
                       files.c.path_bytes).order_by(func.coalesce(files.c.seq, 0), files.c.path)
        with self.engine.connect() as c:
            for part in c.execution_options(stream_results=True, yield_per=batch).execute(order).partitions():
                stored = _records_of(c, [f.sha256 for f in part if f.status != "error"])
                for f in part:
                    if f.status == "error":
                        meta = {"path_bytes": f.path_bytes} if f.path_bytes else {}
                        yield error_to_dict(ErrorRecord(f.path, f.error_code or "", f.error_message or "", meta))
                    else:
                        yield from stored.get(f.sha256, ())


def _stored(c: Connection, shas: Sequence[str]) -> dict[str, Stored]:
    """The status and build of each of these contents that is stored."""
    out: dict[str, Stored] = {}
    for k in range(0, len(shas), _IN):
        query = select(files.c.sha256, files.c.status, files.c.build).where(files.c.sha256.in_(shas[k:k + _IN]))
        out.update((r.sha256, Stored(r.status, r.build)) for r in c.execute(query))
    return out


def _forget(c: Connection, shas: Sequence[str]) -> None:
    """Take out the documents of these contents, with their facts, breakdowns and findings (the
    file rows and paths stay: they are rewritten)."""
    for k in range(0, len(shas), _IN):
        ids = [r[0] for r in c.execute(select(documents.c.id).where(documents.c.sha256.in_(shas[k:k + _IN])))]
        for j in range(0, len(ids), _IN):
            for table in (facts, breakdowns, findings):
                c.execute(table.delete().where(table.c.document_id.in_(ids[j:j + _IN])))
        c.execute(documents.delete().where(documents.c.sha256.in_(shas[k:k + _IN])))
    if shas:
        before = counter(c, "replaced")
        c.execute(counters.delete().where(counters.c.name == "replaced"))
        c.execute(counters.insert().values(name="replaced", value=before + len(shas)))


def counter(c: Connection, name: str) -> int:
    """A counter of the store's (0 when never set): ``replaced``, the contents replaced ever."""
    return int(c.execute(select(counters.c.value).where(counters.c.name == name)).scalar() or 0)


def _set_paths(c: Connection, pairs: Sequence[tuple[str, str]]) -> None:
    """Record that each path holds its content: new paths added, a path whose content changed
    since (the file was edited and imported again) pointed at the new one."""
    latest = {shown_path(p): (h, path_bytes(p)) for p, h in pairs}  # a name not UTF-8 as \xHH, its bytes apart
    known: dict[str, str] = {}
    names = list(latest)
    for k in range(0, len(names), _IN):
        known.update((r.path, r.sha256) for r in
                     c.execute(select(paths.c.path, paths.c.sha256).where(paths.c.path.in_(names[k:k + _IN]))))
    fresh = [{"path": p, "sha256": h, "path_bytes": raw} for p, (h, raw) in latest.items() if p not in known]
    if fresh:
        c.execute(insert(paths), fresh)
    for p, (h, _) in latest.items():
        if p in known and known[p] != h:
            c.execute(paths.update().where(paths.c.path == p).values(sha256=h))


def _insert(c: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys in the same order.

    On SQLite through the driver's ``executemany``: SQLAlchemy's handling of each value costs
    more than the insert itself (sqlite3 stores a bool as 1 or 0, as SQLAlchemy does); on other
    databases through SQLAlchemy, which batches the rows into a few statements."""
    if c.dialect.name != "sqlite":
        c.execute(insert(table), rows)
        return
    quote = c.dialect.identifier_preparer.quote
    names = list(rows[0])
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, names))}) "
                 f"VALUES ({', '.join('?' * len(names))})")
    c.exec_driver_sql(statement, [tuple(r.values()) for r in rows])


# -- a record's dicts to rows ---------------------------------------------------------------

def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _extra(d: Mapping[str, Any], known: frozenset[str]) -> str | None:
    """The fields of ``d`` the schema has no column for, as JSON (None when there are none)."""
    if d.keys() <= known:
        return None
    return _json({k: v for k, v in d.items() if k not in known})


def _exact(v: int | float | Decimal | None) -> str | None:
    """A number as exact text, read back by :func:`_number` as the JSON number it was.

    >>> _exact(125000), _exact(33866.39), _exact(Decimal("1.25E+5")), _exact(None)
    ('125000', '33866.39', '125000', None)
    """
    if v is None:
        return None
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return str(int(v))  # as the record writes it: an integer when it is one
    return str(v)


def _number(text: str | None) -> int | float | None:
    """The JSON number a text of :func:`_exact` stands for: an integer when written as one.

    >>> _number("125000"), _number("-10322"), _number("33866.39"), _number("1e-05"), _number(None)
    (125000, -10322, 33866.39, 1e-05, None)
    """
    if text is None:
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _with_roles(facts: Sequence[dict[str, Any]], roles: Sequence[str | None] | None
                ) -> Iterable[tuple[dict[str, Any], str | None]]:
    """Each fact with its role in the totals (None for all when the roles are not given, or are
    not one a fact: worked out later by :meth:`Store.fill_roles`)."""
    if roles is None or len(roles) != len(facts):
        return ((f, None) for f in facts)
    return zip(facts, roles, strict=True)


def _fact_row(doc_id: int, f: Mapping[str, Any], role: str | None = None) -> dict[str, Any]:
    kind = f["kind"]
    value = f.get("value")
    about = f.get("subject_span")
    date = kind == "date"
    return {
        "document_id": doc_id, "kind": kind, "text": f["text"], "start": f["span"][0], "end": f["span"][1],
        "value": float(value) if value is not None else None, "value_exact": _exact(value),
        "unit": f.get("unit") if kind == "count" else ("元" if kind == "money" else None),
        "approx": f.get("approx"), "qualifier": f.get("qualifier"), "placeholder": bool(f.get("placeholder")),
        "date_start": f.get("start") if date else None, "date_end": f.get("end") if date else None,
        "subject": f.get("subject"), "category": f.get("category"), "region": f.get("region"),
        "org": f.get("org"), "period": f.get("period"),
        "subject_start": about[0] if about else None, "subject_end": about[1] if about else None,
        "approx_word": f.get("approx_word"), "quantum": _exact(f.get("quantum")), "rounded": f.get("rounded"),
        "category_name": f.get("category_name"), "category_by": f.get("category_by"),
        "category_confidence": f.get("category_confidence"), "category_reason": f.get("category_reason"),
        "extra": _extra(f, _KNOWN_FACT.get(kind, _KNOWN_COMMON)),
        "total_role": None if role is None else str(role),
    }


def _breakdown_row(doc_id: int, b: Mapping[str, Any]) -> dict[str, Any]:
    total = b["total"]
    return {
        "document_id": doc_id, "kind": b["kind"], "total": float(total) if total is not None else None,
        "total_exact": _exact(total), "parts": json.dumps(b["parts"]), "unit": b["unit"],
        "start": b["span"][0], "end": b["span"][1], "consistent": b.get("consistent"),
        "total_index": b.get("total_index"), "part_indexes": _json(b.get("part_indexes")),
        "part_spans": _json(b.get("part_spans")), "shape": b.get("shape"), "certain": b.get("certain"),
        "extra": _extra(b, _KNOWN_BREAKDOWN),
    }


def _finding_row(doc_id: int, f: Mapping[str, Any]) -> dict[str, Any]:
    return {"document_id": doc_id, "rule": f["rule"], "severity": f["severity"], "message": f["message"],
            "start": f["span"][0], "end": f["span"][1], "evidence": json.dumps(f.get("evidence") or []),
            "extra": _extra(f, _KNOWN_FINDING)}


# -- rows back to a record's dicts ----------------------------------------------------------

def _ordered(fields: Mapping[str, Any], keys: Sequence[str], extra: str | None) -> dict[str, Any]:
    """``fields`` in the record's key order, then the fields kept in ``extra``."""
    out = {k: fields[k] for k in keys}
    if extra:
        out.update(json.loads(extra))
    return out


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _fact_dict(x: Mapping[str, Any]) -> dict[str, Any]:
    about = x["subject_start"]
    fields = {
        "kind": x["kind"], "text": x["text"], "span": [x["start"], x["end"]], "start": x["date_start"],
        "end": x["date_end"], "value": _number(x["value_exact"]), "unit": x["unit"], "approx": x["approx"],
        "qualifier": x["qualifier"], "placeholder": x["placeholder"], "period": x["period"],
        "subject": x["subject"], "category": x["category"], "region": x["region"],
        "subject_span": [about, x["subject_end"]] if about is not None else None,
        "approx_word": x["approx_word"], "quantum": _number(x["quantum"]), "rounded": x["rounded"],
        "org": x["org"], "category_name": x["category_name"], "category_by": x["category_by"],
        "category_confidence": x["category_confidence"], "category_reason": x["category_reason"],
        "id": span_id(x["kind"], (x["start"], x["end"])),  # derived from kind and span, not stored
    }
    return _ordered(fields, FACT_KEYS.get(x["kind"], _FACT_COMMON), x["extra"])


def _breakdown_dict(x: Mapping[str, Any]) -> dict[str, Any]:
    total = x["total"]  # a row older than total_exact: its float, an integer when it is one
    fields = {
        "kind": x["kind"],
        "total": _number(x["total_exact"]) if x["total_exact"] is not None else
        (int(total) if total is not None and total.is_integer() else total),
        "parts": json.loads(x["parts"]), "unit": x["unit"], "span": [x["start"], x["end"]],
        "consistent": x["consistent"], "total_index": x["total_index"],
        "part_indexes": _loads(x["part_indexes"]), "part_spans": _loads(x["part_spans"]),
        "shape": x["shape"], "certain": x["certain"],
        # derived from the kind and the spans, not stored
        "total_id": span_id(x["kind"], (x["start"], x["end"])),
        "part_ids": [span_id(x["kind"], tuple(s)) for s in _loads(x["part_spans"]) or ()],
    }
    return _ordered(fields, BREAKDOWN_KEYS, x["extra"])


def _finding_dict(x: Mapping[str, Any]) -> dict[str, Any]:
    fields = {"rule": x["rule"], "severity": x["severity"], "message": x["message"],
              "span": [x["start"], x["end"]], "evidence": json.loads(x["evidence"] or "[]")}
    return _ordered(fields, FINDING_KEYS, x["extra"])


_IN = 500  # ids a query asks for at once (SQLite's old limit of bound parameters is 999)

#: the documents with a figure whose role in the totals is not stored (:meth:`Store.fill_roles`):
#: every money and count fact with a value that is not a blank has one once worked out
_ROLELESS = (select(facts.c.document_id).distinct()
             .where(facts.c.total_role.is_(None), facts.c.kind.in_(("money", "count")), facts.c.value.is_not(None),
                    facts.c.placeholder.is_(false())))


def _by_document(c: Connection, table: Table, ids: Sequence[int]) -> dict[int, list[Any]]:
    """The rows of ``table`` of these documents, a list a document, in the order written."""
    out: dict[int, list[Any]] = {}
    for k in range(0, len(ids), _IN):
        query = (select(table).where(table.c.document_id.in_(ids[k : k + _IN]))
                 .order_by(table.c.document_id, table.c.id))
        for row in c.execute(query).mappings():
            out.setdefault(row["document_id"], []).append(row)
    return out


def _records_of(c: Connection, shas: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The records of these files (by content hash), each file's by index."""
    docs: list[Any] = []
    for k in range(0, len(shas), _IN):
        query = select(documents).where(documents.c.sha256.in_(shas[k : k + _IN])).order_by(documents.c.id)
        docs.extend(c.execute(query).mappings())
    out: dict[str, list[dict[str, Any]]] = {}
    for d, record in _records_from(c, docs):
        out.setdefault(d["sha256"], []).append(record)
    return out


def _records_from(c: Connection, docs: Sequence[Mapping[Any, Any]]) -> list[tuple[Mapping[Any, Any], dict[str, Any]]]:
    """These document rows with their records, by index."""
    ids = [d["id"] for d in docs]
    fs, bs, ns = (_by_document(c, t, ids) for t in (facts, breakdowns, findings))
    out = []
    for d in sorted(docs, key=lambda d: d["idx"]):
        did = d["id"]
        fields = {
            "source": d["source"], "index": d["idx"], "title": d["title"], "text": d["text"],
            "facts": [_fact_dict(x) for x in fs.get(did, ())],
            "breakdowns": [_breakdown_dict(x) for x in bs.get(did, ())],
            "findings": [_finding_dict(x) for x in ns.get(did, ())],
            "meta": json.loads(d["meta"] or "{}"),
        }
        out.append((d, _ordered(fields, RECORD_KEYS, d["extra"])))
    return out
