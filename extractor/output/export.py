"""Reading the store back: whole records as JSON Lines, one table as CSV or Parquet, and the
auditor's common questions as SQL.

>>> sorted(QUERIES)
['documents', 'errors', 'files', 'rules', 'totals']
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Float, Integer, select, text

from .store import breakdowns, documents, facts, files, findings, open_store

__all__ = ["QUERIES", "export", "query"]

TABLES = {"facts": facts, "findings": findings, "breakdowns": breakdowns, "documents": documents, "files": files}

#: name → (what it answers, the SQL)
QUERIES: dict[str, tuple[str, str]] = {
    "errors": ("documents with error findings, most first", """
        SELECT d.source, d.idx, d.title, COUNT(*) AS errors
        FROM findings f JOIN documents d ON d.id = f.document_id
        WHERE f.severity = 'error' GROUP BY d.id, d.source, d.idx, d.title ORDER BY errors DESC, d.source"""),
    "rules": ("findings by rule and severity", """
        SELECT rule, severity, COUNT(*) AS n FROM findings GROUP BY rule, severity ORDER BY n DESC"""),
    "totals": ("money and counts by category (or subject) and year", """
        SELECT d.year, f.kind, COALESCE(f.category, f.subject, '') AS what, f.unit, COUNT(*) AS facts,
               SUM(f.value) AS total
        FROM facts f JOIN documents d ON d.id = f.document_id
        WHERE f.kind IN ('money', 'count') AND f.value IS NOT NULL
        GROUP BY d.year, f.kind, what, f.unit ORDER BY d.year, f.kind, total DESC"""),
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
            import pyarrow as pa
            import pyarrow.parquet as pq
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
        t = TABLES[table]
        with store.engine.connect() as c:
            rows = [dict(r) for r in c.execute(select(t)).mappings()]
    finally:
        store.close()
    columns = [col.name for col in t.columns]
    if fmt == "csv":
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        try:
            w = csv.DictWriter(out, fieldnames=columns)
            w.writeheader()
            w.writerows(rows)
        finally:
            if out is not sys.stdout:
                out.close()
        return len(rows)
    assert output is not None
    # each column's type from the schema, not from the rows: the same layout whatever a store
    # holds (a column null in every row is still a string, a number or a flag)
    kinds = ((Boolean, pa.bool_()), (Integer, pa.int64()), (Float, pa.float64()))
    schema = pa.schema([(col.name, next((a for s, a in kinds if isinstance(col.type, s)), pa.string()))
                        for col in t.columns])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), output)
    return len(rows)
