"""Reading the store back: whole records as JSON Lines, one table as CSV or Parquet, the
auditor's common questions as SQL, and the totals each group once (:func:`totals`).

>>> sorted(QUERIES)
['documents', 'errors', 'files', 'rules', 'totals']
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Boolean, Float, Integer, RowMapping, Table, inspect, select, text

from ..totals import GROUPS, Role, Standard, Tallied, Total, tally
from .store import breakdowns, documents, facts, files, findings, open_store

__all__ = ["DEFAULT_BY", "QUERIES", "REVIEW_TABLES", "TABLES", "export", "grouping", "query", "totals", "totals_sql"]

TABLES = {"facts": facts, "findings": findings, "breakdowns": breakdowns, "documents": documents, "files": files}
#: the workspace's tables of the auditors' verdicts (``extractor serve``: the latest verdict on each
#: finding, and every verdict given), exported as the store's are; a store no one has reviewed in
#: has none, and gives their columns and no row
REVIEW_TABLES = ("reviews", "review_log")

#: the column of the store each group of :data:`~extractor.totals.GROUPS` is read from
_GROUP_COLUMNS = {"category": "f.category", "region": "f.region", "subject": "f.subject", "org": "f.org",
                  "year": "d.year"}
assert set(_GROUP_COLUMNS) == set(GROUPS)
#: what ``extractor query totals`` groups by when ``--by`` is not given
DEFAULT_BY = ("category",)


def totals_sql(by: Sequence[str] = DEFAULT_BY) -> str:
    """The SQL behind :func:`totals`: the figures that have a role in the totals, summed per group
    of ``by``, kind, measure word and role (``facts.total_role``), in whole fen (0.01) as integers,
    so that the database adds them exactly; :func:`~extractor.totals.tally` then counts each group
    once from these sums. ``by`` is checked against :data:`~extractor.totals.GROUPS`.

    >>> print(totals_sql(["year"]).split("FROM")[0].strip())
    SELECT d.year AS year, f.kind, f.unit, f.total_role AS role, COUNT(*) AS facts,
           SUM(CAST(ROUND(f.value * 100) AS BIGINT)) AS fen,
           MIN(CAST(ROUND(f.value * 100) AS BIGINT)) AS low_fen,
           MAX(CAST(ROUND(f.value * 100) AS BIGINT)) AS high_fen,
           MAX(CASE WHEN f.approx THEN 1 ELSE 0 END) AS approx
    """
    columns = [_GROUP_COLUMNS[k] for k in by]
    fen = "CAST(ROUND(f.value * 100) AS BIGINT)"
    return (f"SELECT {''.join(f'{c} AS {k}, ' for c, k in zip(columns, by, strict=True))}"
            f"f.kind, f.unit, f.total_role AS role, COUNT(*) AS facts,\n"
            f"       SUM({fen}) AS fen,\n       MIN({fen}) AS low_fen,\n       MAX({fen}) AS high_fen,\n"
            f"       MAX(CASE WHEN f.approx THEN 1 ELSE 0 END) AS approx\n"
            f"FROM facts f JOIN documents d ON d.id = f.document_id\n"
            f"WHERE f.total_role IS NOT NULL AND f.value IS NOT NULL\n"
            f"GROUP BY {''.join(f'{c}, ' for c in columns)}f.kind, f.unit, f.total_role")


def grouping(value: str) -> tuple[str, ...]:
    """The groups of ``--by`` (``category,region``), each one of :data:`~extractor.totals.GROUPS`
    once; a :class:`~extractor.errors.UsageError` that lists them for any other.

    >>> grouping("category, region")
    ('category', 'region')
    """
    from ..errors import UsageError

    by = tuple(k.strip() for k in value.split(",") if k.strip())
    allowed = "、".join(GROUPS)
    for k in by:
        if k not in GROUPS:
            raise UsageError("--by", f"无法按 {k} 汇总：--by 可选 {allowed}（逗号分隔；金额与各计量单位总是分开汇总）")
    if len(set(by)) != len(by) or not by:
        raise UsageError("--by", f"--by {value}：请给出不重复的汇总列，可选 {allowed}")
    return by


def totals(db: str, by: Sequence[str] = DEFAULT_BY) -> tuple[list[Total], list[Standard]]:
    """The totals of the store's figures per group of ``by`` (category, region, subject, org,
    year), each group once, and the rates and bounds apart: the roles stored at ingest (worked out
    first for figures stored without one: :meth:`~.store.Store.fill_roles`) summed by
    :func:`~extractor.totals.tally`, as the audit sums them. The store must exist."""
    store = open_store(db, create=False)
    try:
        store.fill_roles()
        with store.engine.connect() as c:
            items = [_tallied(r, by) for r in c.execute(text(totals_sql(by))).mappings()]
    finally:
        store.close()
    return tally(items, by)


def _tallied(row: Any, by: Sequence[str]) -> Tallied:
    """A row of :func:`totals_sql` as :func:`~extractor.totals.tally` adds it up."""
    kind: Literal["money", "count"] = "money" if row["kind"] == "money" else "count"
    low, high = Decimal(int(row["low_fen"])) / 100, Decimal(int(row["high_fen"])) / 100
    return Tallied(tuple(row[k] for k in by), kind, row["unit"] or "", Role(row["role"]),
                   Decimal(int(row["fen"])) / 100, int(row["facts"]), bool(row["approx"]), low, high)


#: name → (what it answers, the SQL)
QUERIES: dict[str, tuple[str, str]] = {
    "errors": ("documents with error findings, most first", """
        SELECT d.source, d.idx, d.title, COUNT(*) AS errors
        FROM findings f JOIN documents d ON d.id = f.document_id
        WHERE f.severity = 'error' GROUP BY d.id, d.source, d.idx, d.title ORDER BY errors DESC, d.source"""),
    "rules": ("findings by rule and severity", """
        SELECT rule, severity, COUNT(*) AS n FROM findings GROUP BY rule, severity ORDER BY n DESC"""),
    "totals": ("money and counts by category (--by category,region,subject,org,year), each group once: "
               "parts, figures stated again, rates and bounds not added", totals_sql()),
    "files": ("files that gave no document, and why", """
        SELECT path, error_code, error_message FROM files WHERE status = 'error' ORDER BY path"""),
    "documents": ("documents by year", """
        SELECT year, COUNT(*) AS documents FROM documents GROUP BY year ORDER BY year"""),
}


def query(db: str, sql: str) -> list[Sequence[Any]]:
    """Rows of ``sql`` run on the store, the column names first. The store must exist (it is
    never created); SQL the database refuses is a :class:`~extractor.errors.QueryError`."""
    from sqlalchemy.exc import DBAPIError

    from ..errors import QueryError
    from .store import shown

    store = open_store(db, create=False)
    try:
        with store.engine.connect() as c:
            try:
                result = c.execute(text(sql))
                return [tuple(result.keys()), *[tuple(r) for r in result]]
            except DBAPIError as e:
                if _said_by_store(e):  # the store itself (damaged, gone): not the query's fault
                    raise
                cause = " ".join(str(e.orig).split()) if e.orig is not None else str(e)
                raise QueryError(shown(db), f"{cause}（SQL：{' '.join(sql.split())[:200]}）") from e
    finally:
        store.close()


def _said_by_store(e: Exception) -> bool:
    """A database error that is the store's state, not the SQL's (said by ``store_error``)."""
    low = str(getattr(e, "orig", e)).lower()
    return any(w in low for w in ("malformed", "not a database", "disk is full", "disk i/o", "connection"))


def export(db: str, fmt: str, table: str, output: str | None) -> int:
    """Write the store out; the number of rows written. The store must exist (it is never
    created)."""
    from ..errors import DependencyMissingError, UsageError

    if fmt == "parquet":
        if output is None:
            raise UsageError("-o", "--format parquet 需要 -o 文件路径（Parquet 不能写到标准输出）")
        try:
            import pyarrow.parquet  # noqa: F401  (before the store is opened: the extra is there)
        except ImportError as e:
            raise DependencyMissingError("pyarrow",
                                         "导出 Parquet 需要 pyarrow：pip install 'extractor[parquet]'") from e
    store = open_store(db, create=False)
    try:
        if fmt == "jsonl":  # each record as the very line ``extract`` wrote
            from .jsonl import dict_to_json_line

            out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
            n = 0
            try:
                for rec in store.records():
                    out.write(dict_to_json_line(rec) + "\n")
                    n += 1
            finally:
                if out is not sys.stdout:
                    out.close()
            return n
        t = _table(table)
        with store.engine.connect() as c:
            # read a batch at a time (a server-side cursor on PostgreSQL): a store of millions of
            # rows is written out in the memory of one batch
            rows: Iterable[RowMapping] = ()
            if table not in REVIEW_TABLES or inspect(c).has_table(t.name):
                rows = c.execution_options(yield_per=EXPORT_BATCH).execute(select(t)).mappings()
            if fmt == "csv":
                return _write_csv(rows, [col.name for col in t.columns], output)
            assert output is not None
            return _write_parquet(rows, t, output)
    finally:
        store.close()


def _table(name: str) -> Table:
    """The store's table ``name``, or one of the workspace's :data:`REVIEW_TABLES` (defined with
    the workspace, loaded only when asked for)."""
    if name in REVIEW_TABLES:
        from ..web import tables as workspace

        return workspace.reviews if name == "reviews" else workspace.review_log
    return TABLES[name]


#: rows read from the store and written out at a time by the CSV and Parquet exports
EXPORT_BATCH = 10_000


def _write_csv(rows: Iterable[RowMapping], columns: list[str], output: str | None) -> int:
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
    n = 0
    try:
        w = csv.DictWriter(out, fieldnames=columns)
        w.writeheader()
        for row in rows:
            w.writerow(dict(row))
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    return n


def _write_parquet(rows: Iterable[RowMapping], t: Table, output: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # each column's type from the schema, not from the rows: the same layout whatever a store
    # holds (a column null in every row is still a string, a number or a flag)
    kinds = ((Boolean, pa.bool_()), (Integer, pa.int64()), (Float, pa.float64()))
    schema = pa.schema([(col.name, next((a for s, a in kinds if isinstance(col.type, s)), pa.string()))
                        for col in t.columns])
    n = 0
    with pq.ParquetWriter(output, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(dict(row))
            if len(batch) == EXPORT_BATCH:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:  # (an empty table still has its one, empty, row group)
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
    return n
