"""What the pages and the API ask the store: findings filtered and counted by facet, facts,
breakdowns, documents and reviews, each a page at a time by keyset (cursor) paging.

Keyset paging: a page ends with the sort key of its last row, and the next page is the rows
after that key (``WHERE (sev, id) > (…)``, on an index in that order), never ``OFFSET``: page 1,000
costs what page 1 costs. A cursor is that key, JSON in URL-safe base64; a cursor that does not
decode is refused (:class:`BadCursor`).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import Connection, Select, and_, func, null, select, tuple_

from ..output import store as st
from .tables import SEV_RANK, STATES, parse_key, reviews, web_findings

__all__ = ["BadCursor", "FactFilter", "FindingFilter", "Page", "decode_cursor", "encode_cursor"]

MAX_LIMIT = 500


class BadCursor(ValueError):
    """A cursor that is not one this API gave."""


def encode_cursor(key: Sequence[Any]) -> str:
    """
    >>> encode_cursor([1, 52]), decode_cursor(encode_cursor([1, 52]))
    ('WzEsNTJd', [1, 52])
    """
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, size: int = 2) -> list[Any] | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as e:
        raise BadCursor(cursor) from e
    if not isinstance(key, list) or len(key) != size or not all(isinstance(k, int) for k in key):
        raise BadCursor(cursor)
    return key


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next: str | None


# --- findings ---------------------------------------------------------------------------

#: the facets of the findings list, in the order the page shows them
FACETS = ("rule", "severity", "category", "region", "year", "state", "source")
#: the review filter: ``default`` is what is not dismissed
STATE_FILTERS = ("default", "all", *STATES)


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """The findings list's filters (None: any). ``year`` 0 stands for "no year"; ``category`` and
    ``region`` "" for none."""

    rule: str | None = None
    severity: str | None = None
    category: str | None = None
    region: str | None = None
    year: int | None = None
    source: str | None = None
    state: str = "default"
    document: tuple[str, int] | None = None  # one report's findings (sha256, index)

    def conditions(self, without: str | None = None) -> list[Any]:
        w = web_findings.c
        out: list[Any] = []
        for name in ("rule", "category", "region", "source"):
            value = getattr(self, name)
            if value is None or name == without:
                continue
            col = getattr(w, name)
            out.append(col.is_(null()) if value == "" and name in ("category", "region") else col == value)
        if self.severity is not None and without != "severity":  # by its rank: the list's own index
            out.append(w.sev == SEV_RANK.get(self.severity, -1))
        if self.year is not None and without != "year":
            out.append(w.year.is_(null()) if self.year == 0 else w.year == self.year)
        if without != "state":
            if self.state == "default":
                out.append(w.state != "dismissed")
            elif self.state in STATES:
                out.append(w.state == self.state)
        if self.document is not None:
            out.append(and_(w.sha256 == self.document[0], w.idx == self.document[1]))
        return out

    def params(self, **change: Any) -> dict[str, str]:
        """The filter as query parameters (what is set), with ``change`` applied: for links."""
        f = replace(self, **change)
        out = {}
        for fld in fields(f):
            v = getattr(f, fld.name)
            if fld.name == "document" or v is None or (fld.name == "state" and v == "default"):
                continue
            out[fld.name] = str(v)
        return out


def _finding_columns() -> list[Any]:
    w, f, d, r = web_findings.c, st.findings.c, st.documents.c, reviews.c
    return [w.finding_id, w.key, w.sha256, w.idx, w.rule, w.severity, w.sev, w.category, w.region, w.year,
            w.source, w.state, f.message, f.start, f.end, f.evidence, f.extra, d.title,
            r.verdict, r.note, r.reviewer, r.reviewed_at]


def _findings_from() -> Any:
    return (web_findings.join(st.findings, st.findings.c.id == web_findings.c.finding_id)
            .join(st.documents, st.documents.c.id == web_findings.c.document_id)
            .outerjoin(reviews, reviews.c.key == web_findings.c.key))


def finding_dict(r: Mapping[Any, Any]) -> dict[str, Any]:
    """A finding as the API gives it: the record's finding (CONTRACT.md), then its stable
    ``id``, its report and its review (null when none)."""
    out: dict[str, Any] = {"rule": r["rule"], "severity": r["severity"], "message": r["message"],
                           "span": [r["start"], r["end"]], "evidence": json.loads(r["evidence"] or "[]")}
    if r["extra"]:
        out.update(json.loads(r["extra"]))
    out["id"] = r["key"]
    out["document"] = {"sha256": r["sha256"], "index": r["idx"], "source": r["source"], "title": r["title"],
                       "year": r["year"]}
    out["category"] = r["category"]
    out["region"] = r["region"]
    out["state"] = r["state"]
    out["review"] = review_dict(r) if r["verdict"] else None
    return out


def review_dict(r: Mapping[Any, Any]) -> dict[str, Any]:
    return {"verdict": r["verdict"], "note": r["note"], "reviewer": r["reviewer"], "at": r["reviewed_at"]}


def list_findings(c: Connection, flt: FindingFilter, cursor: str | None = None, limit: int = 50) -> Page:
    """A page of findings, errors first, then in the order they were stored.

    In two steps: the page's findings from the index table alone (where the planner has only
    its indexes to choose from, each in the list's order), then their messages, reports and
    reviews by id."""
    w = web_findings.c
    after = decode_cursor(cursor)
    q = select(w.sev, w.finding_id).where(*flt.conditions())
    if after is not None:
        q = q.where(tuple_(w.sev, w.finding_id) > tuple_(*after))
    keys = c.execute(q.order_by(w.sev, w.finding_id).limit(limit + 1)).all()
    ids = [k.finding_id for k in keys[:limit]]
    rows = c.execute(select(*_finding_columns()).select_from(_findings_from())
                     .where(w.finding_id.in_(ids))).mappings().all() if ids else []
    by_id = {r["finding_id"]: r for r in rows}
    items = [finding_dict(by_id[i]) for i in ids if i in by_id]
    nxt = encode_cursor([keys[limit - 1].sev, keys[limit - 1].finding_id]) if len(keys) > limit else None
    return Page(items, nxt)


def get_finding(c: Connection, key: str) -> dict[str, Any] | None:
    if parse_key(key) is None:
        return None
    row = c.execute(select(*_finding_columns()).select_from(_findings_from())
                    .where(web_findings.c.key == key).limit(1)).mappings().first()
    return finding_dict(row) if row else None


class FacetCache:
    """Facet counts by filter, for the data version they were counted at (a review or an
    import changes the version): the same filter twice costs one count."""

    def __init__(self, size: int = 256) -> None:
        self._data: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._size:
                self._data.popitem(last=False)


_GROUPED = ("rule", "severity", "category", "region", "year", "state")


def _passes(flt: FindingFilter, row: Any) -> tuple[bool, ...]:
    """Whether a group of findings (one value of each grouped column) passes the filter's
    condition on each grouped column, in ``_GROUPED`` order (the same conditions as the SQL's)."""
    out = []
    for name in ("rule", "severity", "category", "region"):
        want = getattr(flt, name)
        out.append(want is None or getattr(row, name) == (None if want == "" else want))
    out.append(flt.year is None or row.year == (None if flt.year == 0 else flt.year))
    out.append(row.state != "dismissed" if flt.state == "default"
               else row.state == flt.state if flt.state in STATES else True)
    return tuple(out)


def facets(c: Connection, flt: FindingFilter, top: int = 30,
           sources_under: int = 20_000) -> tuple[dict[str, list[tuple[Any, int]]], int]:
    """For each facet, its values and how many findings each has under the other filters (a
    facet's own filter left out, so that its other values stay in view), most first, ``top`` at
    most; and the number of findings the whole filter keeps.

    One ``GROUP BY`` over the faceted columns (rule, severity, category, region, year, state: one
    covering index, ``ix_web_findings_facets``) gives every combination that occurs and its count;
    each facet is summed from those groups. The files facet (a value a file: as many as there are
    files) is counted only when the other filters leave fewer than ``sources_under`` findings."""
    w = web_findings.c
    cols = [getattr(w, name) for name in _GROUPED]
    scope = FindingFilter(source=flt.source, document=flt.document, state="all").conditions()
    groups = c.execute(select(*cols, func.count().label("n")).where(*scope).group_by(*cols)).all()
    counts: list[dict[Any, int]] = [{} for _ in _GROUPED]
    total = 0
    for g in groups:
        passes = _passes(flt, g)
        failed = passes.count(False)
        if failed == 0:
            total += g.n
        if failed > 1:
            continue
        for k, ok in enumerate(passes):  # counted in a facet when only that facet's filter fails, or none
            if failed == 0 or not ok:
                value = g[k]
                counts[k][value] = counts[k].get(value, 0) + g.n
    out = {name: sorted(counts[k].items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
           for k, name in enumerate(_GROUPED)}
    out["source"] = []
    if total < sources_under or flt.source is not None:
        n = func.count().label("n")
        q = (select(w.source, n).where(*flt.conditions(without="source")).group_by(w.source)
             .order_by(n.desc(), w.source).limit(top))
        out["source"] = [(v, int(k)) for v, k in c.execute(q)]
    return out, total


# --- facts, breakdowns, documents -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FactFilter:
    kind: str | None = None
    category: str | None = None
    region: str | None = None
    year: int | None = None
    min: float | None = None
    max: float | None = None
    document: tuple[str, int] | None = None


def _row(r: Any) -> Mapping[str, Any]:
    """A result row's mapping, as the store's row readers take it."""
    return r  # type: ignore[no-any-return]


def _doc_ref(r: Mapping[Any, Any]) -> dict[str, Any]:
    return {"sha256": r["sha256"], "index": r["idx"], "source": r["source"], "year": r["year"]}


def list_facts(c: Connection, flt: FactFilter, cursor: str | None = None, limit: int = 100) -> Page:
    """A page of facts (in the contract's shape, with their report), in the order stored."""
    f, d = st.facts, st.documents
    after = decode_cursor(cursor, 1)
    q = select(f, d.c.sha256, d.c.idx, d.c.source, d.c.year).join(d, d.c.id == f.c.document_id)
    for name in ("kind", "category", "region"):
        value = getattr(flt, name)
        if value is not None:
            q = q.where(getattr(f.c, name) == value)
    if flt.year is not None:
        q = q.where(d.c.year == flt.year)
    if flt.min is not None:
        q = q.where(f.c.value >= flt.min)
    if flt.max is not None:
        q = q.where(f.c.value <= flt.max)
    if flt.document is not None:
        q = q.where(d.c.sha256 == flt.document[0], d.c.idx == flt.document[1])
    if after is not None:
        q = q.where(f.c.id > after[0])
    return _page(c, q.order_by(f.c.id), limit, st._fact_dict)


def list_breakdowns(c: Connection, kind: str | None = None, consistent: bool | None = None,
                    shape: str | None = None, year: int | None = None, cursor: str | None = None,
                    limit: int = 100) -> Page:
    b, d = st.breakdowns, st.documents
    after = decode_cursor(cursor, 1)
    q = select(b, d.c.sha256, d.c.idx, d.c.source, d.c.year).join(d, d.c.id == b.c.document_id)
    if kind is not None:
        q = q.where(b.c.kind == kind)
    if consistent is not None:
        q = q.where(b.c.consistent == consistent)
    if shape is not None:
        q = q.where(b.c.shape == shape)
    if year is not None:
        q = q.where(d.c.year == year)
    if after is not None:
        q = q.where(b.c.id > after[0])
    return _page(c, q.order_by(b.c.id), limit, st._breakdown_dict)


def _page(c: Connection, q: Select[Any], limit: int, as_dict: Callable[[Mapping[str, Any]], dict[str, Any]]) -> Page:
    """A page of ``q`` (ordered by its rows' ``id``): ``limit`` rows as the record's dicts, each
    with its document, and the cursor of the next page when there is one (one row more read)."""
    rows = c.execute(q.limit(limit + 1)).mappings().all()
    items = []
    for r in rows[:limit]:
        item = as_dict(_row(r))
        item["document"] = _doc_ref(r)
        items.append(item)
    return Page(items, encode_cursor([rows[limit - 1]["id"]]) if len(rows) > limit else None)


def document_ids(c: Connection, year: int | None = None, source: str | None = None, cursor: str | None = None,
                 limit: int = 20) -> tuple[list[tuple[str, int]], str | None]:
    d = st.documents
    after = decode_cursor(cursor, 1)
    q = select(d.c.id, d.c.sha256, d.c.idx)
    if year is not None:
        q = q.where(d.c.year == year)
    if source is not None:
        q = q.where(d.c.source == source)
    if after is not None:
        q = q.where(d.c.id > after[0])
    rows = c.execute(q.order_by(d.c.id).limit(limit + 1)).all()
    nxt = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return [(r.sha256, r.idx) for r in rows[:limit]], nxt


def record(c: Connection, sha256: str, idx: int) -> dict[str, Any] | None:
    """One stored report as the record ``extract`` wrote (CONTRACT.md)."""
    for rec in st._records_of(c, [sha256]).get(sha256, ()):
        if rec["index"] == idx:
            return rec
    return None


def records(c: Connection, refs: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    """The records of these reports, in this order."""
    stored = st._records_of(c, list(dict.fromkeys(sha for sha, _ in refs)))
    by_ref = {(sha, rec["index"]): rec for sha, recs in stored.items() for rec in recs}
    return [by_ref[ref] for ref in refs if ref in by_ref]


def document_summary(c: Connection, sha256: str, idx: int) -> Mapping[Any, Any] | None:
    d = st.documents
    return c.execute(select(d.c.id, d.c.sha256, d.c.idx, d.c.source, d.c.title, d.c.year)
                     .where(d.c.sha256 == sha256, d.c.idx == idx)).mappings().first()


def file_reports(c: Connection, sha256: str) -> list[Mapping[Any, Any]]:
    d = st.documents
    return list(c.execute(select(d.c.idx, d.c.title).where(d.c.sha256 == sha256).order_by(d.c.idx)).mappings())


def stats(c: Connection) -> dict[str, int]:
    return {
        "documents": int(c.execute(select(func.count()).select_from(st.documents)).scalar() or 0),
        "files": int(c.execute(select(func.count()).select_from(st.files)).scalar() or 0),
        "errors": int(c.execute(select(func.count()).select_from(st.files)
                                .where(st.files.c.status == "error")).scalar() or 0),
    }


def review_rows(c: Connection, verdict: str | None = None, cursor: str | None = None,
                limit: int | None = 100) -> tuple[list[dict[str, Any]], str | None]:
    """Reviews (the latest verdict of each finding) with their finding, in key order: the export
    and the API's list."""
    r = reviews.c
    after = cursor if cursor is None else _key_cursor(cursor)
    q = (select(reviews, st.findings.c.severity, st.findings.c.message, st.documents.c.source,
                st.documents.c.title)
         .select_from(reviews.outerjoin(st.documents, and_(st.documents.c.sha256 == r.sha256,
                                                            st.documents.c.idx == r.idx))
                      .outerjoin(st.findings, and_(st.findings.c.document_id == st.documents.c.id,
                                                   st.findings.c.rule == r.rule, st.findings.c.start == r.start,
                                                   st.findings.c.end == r.end))))
    if verdict is not None:
        q = q.where(r.verdict == verdict)
    if after is not None:
        q = q.where(r.key > after)
    q = q.order_by(r.key)
    if limit is not None:
        q = q.limit(limit + 1)
    rows = c.execute(q).mappings().all()
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for x in rows:
        if x["key"] in seen:  # a finding stated twice at one span (same rule): one review
            continue
        seen.add(x["key"])
        out.append({"finding": x["key"], "sha256": x["sha256"], "index": x["idx"], "source": x["source"],
                    "title": x["title"], "rule": x["rule"], "severity": x["severity"], "span": [x["start"], x["end"]],
                    "message": x["message"], "verdict": x["verdict"], "note": x["note"],
                    "reviewer": x["reviewer"], "at": x["reviewed_at"]})
    nxt = None
    if limit is not None and len(out) > limit:
        out = out[:limit]
        nxt = base64.urlsafe_b64encode(out[-1]["finding"].encode()).decode().rstrip("=")
    return out, nxt


def _key_cursor(cursor: str) -> str:
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error) as e:
        raise BadCursor(cursor) from e
    if parse_key(key) is None:
        raise BadCursor(cursor)
    return key

