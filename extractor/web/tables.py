"""The workspace's own tables, beside the store's (``extractor/output/store.py``), and how they
follow what is ingested.

* ``web_findings``: one row a finding of the store (``finding_id`` is ``findings.id``) with what
  the findings list filters and counts on, in indexed columns of one table: ``rule``,
  ``severity`` (and ``sev``, its rank: 0 error, 1 warning, 2 info), ``category`` and ``region``
  (of the figure the finding is about: the fact at its span), ``year`` and ``source`` (of its
  document), the review ``state`` (``open``, ``confirmed``, ``dismissed``) and the finding's
  stable ``key``. It is derived data: rebuilt from the store whenever it no longer matches it.
* ``reviews``: the latest verdict on a finding, by its ``key`` (see :func:`finding_key`), with
  ``note``, ``reviewer`` and ``reviewed_at``; ``review_log`` every verdict ever given. Neither
  refers to a row id of the store, so a verdict outlives its finding's rows: the same file
  ingested again (its rows deleted and written anew) finds its verdicts where they were.
* ``web_state``: how far the derived tables have followed the store (the last finding and
  document indexed).

The tables are created when the workspace opens a store (``CREATE … IF NOT EXISTS``), and so
are the indexes on the store's own tables the API's filters need.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)

from ..output import store as st

__all__ = ["SEV_RANK", "STATES", "Sync", "finding_key", "parse_key", "review_log", "reviews", "web_findings",
           "web_state"]

log = logging.getLogger(__name__)

SEV_RANK = {"error": 0, "warning": 1, "info": 2}
#: review states; a finding nobody has reviewed is ``open``
STATES = ("open", "confirmed", "dismissed")

metadata = MetaData()

web_findings = Table(
    "web_findings", metadata,
    Column("finding_id", Integer, primary_key=True, autoincrement=False),
    Column("document_id", Integer, nullable=False),
    Column("key", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("rule", String(32), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("sev", Integer, nullable=False),
    Column("category", String(64)),
    Column("region", Text),
    Column("year", Integer),
    Column("source", Text, nullable=False),
    Column("state", String(10), nullable=False),
    # the list's order, and each filter in that order (an equality on one column, then the page
    # read in order from the index: no sort; the severity filter is one on ``sev``)
    Index("ix_web_findings_order", "sev", "finding_id"),
    Index("ix_web_findings_rule", "rule", "sev", "finding_id"),
    Index("ix_web_findings_by_category", "category", "sev", "finding_id"),
    Index("ix_web_findings_by_region", "region", "sev", "finding_id"),
    Index("ix_web_findings_by_year", "year", "sev", "finding_id"),
    Index("ix_web_findings_by_source", "source", "sev", "finding_id"),
    Index("ix_web_findings_state", "state", "sev", "finding_id"),
    Index("ix_web_findings_key", "key"),
    Index("ix_web_findings_doc", "sha256", "idx"),
    # the facet counts: one GROUP BY over these columns, read from the index alone
    Index("ix_web_findings_facets", "rule", "severity", "category", "region", "year", "state"),
)

_REVIEW_COLUMNS = (
    ("sha256", String(64), False), ("idx", Integer, False), ("rule", String(32), False),
    ("start", Integer, False), ("end", Integer, False), ("verdict", String(10), False), ("note", Text, True),
    ("reviewer", Text, False), ("reviewed_at", String(32), False),
)
reviews = Table(
    "reviews", metadata,
    Column("key", Text, primary_key=True),
    *(Column(name, kind, nullable=null) for name, kind, null in _REVIEW_COLUMNS),
    Index("ix_reviews_document", "sha256", "idx"),
    Index("ix_reviews_verdict", "verdict"),
)
review_log = Table(
    "review_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),
    *(Column(name, kind, nullable=null) for name, kind, null in _REVIEW_COLUMNS),
    Index("ix_review_log_key", "key"),
)
web_state = Table(
    "web_state", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

#: indexes on the store's own tables that the API's filters use (created if missing, like
#: ``store._upgrade`` adds columns): facts by value range, by kind (and category) in id order
#: (keyset paging), breakdowns by kind, documents by file
STORE_INDEXES = (
    Index("ix_web_facts_value", st.facts.c.value),
    Index("ix_web_facts_kind_id", st.facts.c.kind, st.facts.c.id),
    Index("ix_web_facts_kind_category_id", st.facts.c.kind, st.facts.c.category, st.facts.c.id),
    Index("ix_web_breakdowns_kind_id", st.breakdowns.c.kind, st.breakdowns.c.id),
    Index("ix_web_documents_sha", st.documents.c.sha256, st.documents.c.idx),
)


def finding_key(sha256: str, idx: int, rule: str, start: int, end: int) -> str:
    """A finding's stable key: its file's content, its report, its rule and its span — the same
    whenever that file is ingested, whatever row ids the store gives it.

    >>> finding_key("ab" * 32, 2, "sum_mismatch", 596, 601)[-27:]
    'abab:2:sum_mismatch:596-601'
    """
    return f"{sha256}:{idx}:{rule}:{start}-{end}"


def parse_key(key: str) -> tuple[str, int, str, int, int] | None:
    """The parts of a key made by :func:`finding_key` (None when it is not one).

    >>> parse_key("ab" * 32 + ":2:sum_mismatch:596-601")[1:]
    (2, 'sum_mismatch', 596, 601)
    >>> parse_key("nonsense") is None
    True
    """
    parts = key.split(":")
    if len(parts) != 4 or len(parts[0]) != 64:
        return None
    sha, idx, rule, span = parts
    start, _, end = span.partition("-")
    if not (idx.isdigit() and start.isdigit() and end.isdigit()):
        return None
    return sha, int(idx), rule, int(start), int(end)


def create(engine: Engine) -> None:
    """The workspace's tables and indexes, created where missing."""
    metadata.create_all(engine)
    for index in (*STORE_INDEXES, *web_findings.indexes):  # an index added since the table was made
        index.create(engine, checkfirst=True)


def _about(span: tuple[int, int], facts: Sequence[Mapping[Any, Any]]) -> tuple[str | None, str | None]:
    """The category and region of the figure a finding at ``span`` is about: of the fact at its
    very span, else one inside it, else one around it (a date has neither).

    >>> fs = [{"start": 0, "end": 4, "category": None, "region": "东城"}, {"start": 5, "end": 9, "category": "x",
    ...       "region": None}]
    >>> _about((5, 9), fs), _about((0, 9), fs), _about((20, 22), fs)
    (('x', None), ('x', '东城'), (None, None))
    """
    s, e = span
    ranked = ([f for f in facts if (f["start"], f["end"]) == (s, e)]
              + [f for f in facts if s <= f["start"] and f["end"] <= e]
              + [f for f in facts if f["start"] <= s and e <= f["end"]])
    category = next((f["category"] for f in ranked if f["category"]), None)
    region = next((f["region"] for f in ranked if f["region"]), None)
    return category, region


def _state(c: Connection, name: str) -> int:
    return int(c.execute(select(web_state.c.value).where(web_state.c.name == name)).scalar() or 0)


def _set_state(c: Connection, name: str, value: int) -> None:
    c.execute(delete(web_state).where(web_state.c.name == name))
    c.execute(insert(web_state).values(name=name, value=value))


_BATCH = 5000


def _index_findings(c: Connection, after: int) -> int:
    """Index the store's findings past ``after`` (a batch of them); the last one indexed."""
    f, d = st.findings, st.documents
    rows = c.execute(
        select(f.c.id, f.c.document_id, f.c.rule, f.c.severity, f.c.start, f.c.end, d.c.sha256, d.c.idx,
               d.c.source, d.c.year)
        .join(d, d.c.id == f.c.document_id).where(f.c.id > after).order_by(f.c.id).limit(_BATCH)).all()
    if not rows:
        return after
    doc_ids = sorted({r.document_id for r in rows})
    facts: dict[int, list[Mapping[Any, Any]]] = {}
    for k in range(0, len(doc_ids), 500):
        q = (select(st.facts.c.document_id, st.facts.c.start, st.facts.c.end, st.facts.c.category,
                    st.facts.c.region)
             .where(st.facts.c.document_id.in_(doc_ids[k:k + 500]), st.facts.c.kind != "date"))
        for x in c.execute(q).mappings():
            facts.setdefault(x["document_id"], []).append(x)
    keys = [finding_key(r.sha256, r.idx, r.rule, r.start, r.end) for r in rows]
    verdicts = _verdicts(c, keys)
    out = []
    for r, key in zip(rows, keys, strict=True):
        category, region = _about((r.start, r.end), facts.get(r.document_id, ()))
        out.append({"finding_id": r.id, "document_id": r.document_id, "key": key, "sha256": r.sha256,
                    "idx": r.idx, "rule": r.rule, "severity": r.severity, "sev": SEV_RANK.get(r.severity, 3),
                    "category": category, "region": region, "year": r.year, "source": r.source,
                    "state": verdicts.get(key, "open")})
    c.execute(insert(web_findings), out)
    return int(rows[-1].id)


def _verdicts(c: Connection, keys: Iterable[str]) -> dict[str, str]:
    wanted = list(dict.fromkeys(keys))
    out: dict[str, str] = {}
    for k in range(0, len(wanted), 500):
        q = select(reviews.c.key, reviews.c.verdict).where(reviews.c.key.in_(wanted[k:k + 500]))
        out.update((key, verdict) for key, verdict in c.execute(q))
    return out


class Sync:
    """Keeps the derived tables (the findings index, the search index) up to date with the store:
    what was ingested since is indexed, and a store whose findings were deleted or rewritten is
    indexed anew. Cheap when nothing changed (two ``max``/``count`` lookups), and run at most once
    every ``every`` seconds by the pages; one thread at a time does the work."""

    def __init__(self, engine: Engine, every: float = 3.0) -> None:
        self.engine = engine
        self.every = every
        self.version = 0  # grows whenever the indexed data changes (the facet cache keys on it)
        self.on_change: Callable[[], None] | None = None  # run after a sync that changed something
        self._lock = threading.Lock()
        self._last = 0.0

    def bump(self) -> None:
        self.version += 1

    def maybe(self) -> None:
        """Sync when the last sync is older than ``every`` seconds and no other thread syncs."""
        if time.monotonic() - self._last < self.every or not self._lock.acquire(blocking=False):
            return
        try:
            self._run()
        finally:
            self._lock.release()

    def now(self) -> None:
        with self._lock:
            self._run()

    def _run(self) -> None:
        from . import search

        changed = self._replaced()
        changed = self._findings() or changed
        changed = search.sync(self.engine) or changed
        if changed:
            self.bump()
            if self.engine.dialect.name == "sqlite":  # the planner's statistics, where they are stale
                with self.engine.begin() as c:
                    c.exec_driver_sql("PRAGMA analysis_limit=1000")
                    c.exec_driver_sql("PRAGMA optimize")
            if self.on_change is not None:
                self.on_change()
        self._last = time.monotonic()

    def _replaced(self) -> bool:
        """When an import replaced contents (a newer build extracted them again): both indexes
        are made anew (their rows name documents and findings that are gone); whether so."""
        with self.engine.begin() as c:
            replaced = st.counter(c, "replaced")
            if replaced == _state(c, "replaced"):
                return False
            log.info("the store's reports were extracted again: indexing them anew")
            from . import search

            c.execute(delete(web_findings))
            _set_state(c, "findings", 0)
            search.reset(c)
            _set_state(c, "replaced", replaced)
        return True

    def _findings(self) -> bool:
        with self.engine.begin() as c:
            done = _state(c, "findings")
            top = c.execute(select(func.max(st.findings.c.id))).scalar() or 0
            if top == done and self._counts_agree(c):
                return False
            if top < done or not self._counts_agree(c, upto=done):
                log.info("the store's findings changed: indexing them anew")
                c.execute(delete(web_findings))
                done = 0
        started = time.monotonic()
        while True:
            with self.engine.begin() as c:  # a batch a transaction: a long first indexing shows progress
                last = _index_findings(c, done)
                _set_state(c, "findings", last)
            if last == done:
                break
            done = last
            if time.monotonic() - started > 5:
                log.info("findings indexed up to %d", done)
        return True

    @staticmethod
    def _counts_agree(c: Connection, upto: int | None = None) -> bool:
        """Whether the index holds exactly the store's findings (up to id ``upto``)."""
        mine = select(func.count()).select_from(web_findings)
        theirs = select(func.count()).select_from(st.findings)
        if upto is not None:
            mine = mine.where(web_findings.c.finding_id <= upto)
            theirs = theirs.where(st.findings.c.id <= upto)
        return bool(c.execute(mine).scalar() == c.execute(theirs).scalar())


def set_state(c: Connection, key: str, state: str) -> None:
    """The review state of a finding (every row of that key) in the findings index."""
    c.execute(update(web_findings).where(web_findings.c.key == key).values(state=state))


def select_error(sha256: str) -> Any:
    """The error code and message of a stored file (an error row), by its content hash."""
    return select(st.files.c.error_code, st.files.c.error_message).where(st.files.c.sha256 == sha256)
