"""The auditors' verdicts: a finding confirmed or dismissed, with a note, the reviewer's name and
the time, kept by the finding's stable key (``tables.finding_key``) in a table of their own
(``reviews``, the latest verdict; ``review_log``, every one), and exported as CSV or JSON.
"""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from .queries import review_rows
from .tables import parse_key, review_log, reviews, set_state, web_findings

__all__ = ["VERDICTS", "ReviewError", "export_reviews", "record_review"]

#: what a reviewer may say of a finding (``open`` takes a verdict back)
VERDICTS = ("confirmed", "dismissed", "open")
VERDICT_ZH = {"confirmed": "已确认", "dismissed": "已排除", "open": "待复核"}
MAX_NOTE = 4000


class ReviewError(ValueError):
    """A review that cannot be recorded: ``status`` is the HTTP status it answers with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def record_review(engine: Engine, key: str, verdict: str, note: str | None, reviewer: str) -> dict[str, Any]:
    """Record a verdict on the finding ``key``; the review as stored. ``open`` withdraws the
    verdict (the log keeps it)."""
    parts = parse_key(key)
    if parts is None:
        raise ReviewError(f"不是发现的标识：{key}", 404)
    if verdict not in VERDICTS:
        raise ReviewError(f"复核结论须为 {', '.join(VERDICTS)} 之一，而不是 {verdict!r}")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ReviewError("请填写复核人姓名")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise ReviewError(f"备注不能超过 {MAX_NOTE} 字")
    sha, idx, rule, start, end = parts
    row = {"key": key, "sha256": sha, "idx": idx, "rule": rule, "start": start, "end": end, "verdict": verdict,
           "note": note, "reviewer": reviewer[:200], "reviewed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with engine.begin() as c:
        if c.execute(select(web_findings.c.key).where(web_findings.c.key == key).limit(1)).first() is None:
            raise ReviewError(f"没有这条发现：{key}", 404)
        c.execute(insert(review_log).values(**row))
        c.execute(delete(reviews).where(reviews.c.key == key))
        if verdict != "open":
            c.execute(insert(reviews).values(**row))
        set_state(c, key, verdict)
    return {"verdict": verdict, "note": row["note"], "reviewer": row["reviewer"], "at": row["reviewed_at"]}


EXPORT_FIELDS = ("finding", "sha256", "index", "source", "title", "rule", "severity", "span", "message", "verdict",
                 "note", "reviewer", "at")


def export_reviews(engine: Engine, fmt: str) -> str:
    """Every review with its finding, as CSV (a header row, UTF-8 with a BOM for spreadsheet
    programs) or a JSON array."""
    with engine.connect() as c:
        rows, _ = review_rows(c, limit=None)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    w.writeheader()
    for r in rows:
        w.writerow({**r, "span": f"{r['span'][0]}-{r['span'][1]}"})
    return "\ufeff" + out.getvalue()
