"""Reading the store back: whole records as JSON Lines, one table as CSV or Parquet, and the
auditor's common questions as SQL.

>>> sorted(QUERIES)
['documents', 'errors', 'files', 'rules', 'totals']
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text

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
    """Rows of ``sql`` run on the store, the column names first."""
    store = open_store(db)
    with store.engine.connect() as c:
        result = c.execute(text(sql))
        return [tuple(result.keys()), *[tuple(r) for r in result]]


def export(db: str, fmt: str, table: str, output: str | None) -> int:
    """Write the store out; the number of rows written."""
    store = open_store(db)
    if fmt == "jsonl":
        out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        n = 0
        try:
            for rec in store.records():
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if out is not sys.stdout:
                out.close()
        return n
    t = TABLES[table]
    with store.engine.connect() as c:
        rows = [dict(r) for r in c.execute(select(t)).mappings()]
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
    if output is None:
        raise SystemExit("parquet needs -o FILE")
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise SystemExit("Parquet export needs pyarrow: pip install 'extractor[parquet]'") from e
    pq.write_table(pa.Table.from_pylist(rows, schema=None) if rows else
                   pa.table({c: pa.array([], type=pa.string()) for c in columns}), output)
    return len(rows)
