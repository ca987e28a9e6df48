"""Records as JSON Lines in the form of the record contract (shared/CONTRACT.md).

Contract fields come first and keep their names; the fields we add (``meta``, ``subject_span``,
``quantum``...) never replace one.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import orjson

from ..about.taxonomy import TAXONOMY
from ..model import (
    Breakdown,
    Count,
    DateFact,
    ErrorRecord,
    Fact,
    Finding,
    Money,
    Qualifier,
    Record,
    Severity,
    Span,
    span_id,
)

__all__ = ["dict_to_json_line", "dumps", "error_to_dict", "fact_to_dict", "record_from_dict", "record_to_dict",
           "to_json_line"]


def _num(v: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an integer when it is one, else a float."""
    if v is None:
        return None
    if v == v.to_integral_value():
        return int(v)
    return float(v)


def fact_to_dict(f: Fact) -> dict[str, Any]:
    if isinstance(f, DateFact):
        return {"kind": f.kind, "text": f.text, "span": list(f.span), "start": f.start, "end": f.end,
                "placeholder": f.placeholder, "period": f.period, "id": span_id(f.kind, f.span)}
    # money and counts share every field but the count's unit (one dict display: made by the
    # thousand, no dict is merged into another)
    unit = f.unit if isinstance(f, Count) else None
    d = {"kind": f.kind, "text": f.text, "span": list(f.span), "value": _num(f.value), "unit": unit,
         "approx": f.approx, "qualifier": f.qualifier.value if f.qualifier else None,
         "placeholder": f.placeholder, "subject": f.subject, "category": f.category, "region": f.region,
         "subject_span": list(f.subject_span) if f.subject_span else None, "approx_word": f.approx_word,
         "quantum": _num(f.quantum), "rounded": f.rounded, "org": f.org, "category_name": TAXONOMY.name(f.category),
         "category_by": f.category_by, "category_confidence": f.category_confidence,
         "category_reason": f.category_reason, "id": span_id(f.kind, f.span)}
    if unit is None:
        del d["unit"]  # an amount's unit is 元, and the record does not say it
    return d


def breakdown_to_dict(b: Breakdown) -> dict[str, Any]:
    return {"kind": b.kind, "total": _num(b.total), "parts": [_num(p) for p in b.parts], "unit": b.unit,
            "span": list(b.span), "consistent": b.consistent, "total_index": b.total_index,
            "part_indexes": list(b.part_indexes), "part_spans": [list(s) for s in b.part_spans],
            "shape": b.shape, "certain": b.certain, "total_id": b.total_id, "part_ids": list(b.part_ids)}


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "severity": f.severity.value, "message": f.message, "span": list(f.span),
            "evidence": [list(s) for s in f.evidence]}


def record_to_dict(r: Record) -> dict[str, Any]:
    return {
        "source": r.source,
        "index": r.index,
        "title": r.title,
        "text": r.text,
        "facts": [fact_to_dict(f) for f in r.facts],
        "breakdowns": [breakdown_to_dict(b) for b in r.breakdowns],
        "findings": [finding_to_dict(f) for f in r.findings],
        "meta": r.meta,
    }


def error_to_dict(e: ErrorRecord) -> dict[str, Any]:
    """An error row: the contract's fields, empty, ``meta`` when there is something to say of
    the file (``path_bytes``), and ``error`` with a stable code."""
    d: dict[str, Any] = {"source": e.source, "index": None, "title": None, "text": "", "facts": [],
                         "breakdowns": [], "findings": []}
    if e.meta:
        d["meta"] = e.meta
    d["error"] = {"code": e.code, "message": e.message}
    return d


def to_json_line(obj: Record | ErrorRecord) -> str:
    """One record as one JSON line (UTF-8 text, not ASCII escapes)."""
    d = error_to_dict(obj) if isinstance(obj, ErrorRecord) else record_to_dict(obj)
    return dumps(d)


def dict_to_json_line(d: dict[str, Any]) -> str:
    """A record already made a dict (the store gives them back so) as the line
    :func:`to_json_line` writes: the same bytes for the same record.

    >>> dict_to_json_line({"source": "a.txt", "index": 0, "value": 12.5})
    '{"source":"a.txt","index":0,"value":12.5}'
    """
    return dumps(d)


def dumps(obj: Any) -> str:
    """``obj`` as compact JSON (UTF-8 text, not ASCII escapes): orjson's, several times faster
    than the standard library's, and the standard library's where orjson cannot write it: an
    integer beyond 64 bits (a report's ``3333333333333333333万元`` is a valid JSON number; orjson
    raised ``TypeError: Integer exceeds 64-bit range`` and the whole ``extract`` stopped).

    >>> dumps({"value": 33333333333333333330000, "text": "万元"})
    '{"value":33333333333333333330000,"text":"万元"}'
    """
    try:
        return orjson.dumps(obj).decode("utf-8")
    except TypeError:  # what the standard library cannot write either still raises
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))



# -- back: a record's dicts (a JSON line, the store's records) to the record's values -------

def _dec(v: int | float | None) -> Decimal | None:
    """A JSON number as the Decimal it was written from (a float by its shortest repr).

    >>> _dec(125000), _dec(33866.39), _dec(None)
    (Decimal('125000'), Decimal('33866.39'), None)
    """
    return None if v is None else Decimal(str(v))


def _span(v: Any) -> Span:
    return (int(v[0]), int(v[1]))


def fact_from_dict(d: dict[str, Any]) -> Fact:
    """The fact of a record's dict (:func:`fact_to_dict` reversed; ``id`` and ``category_name``
    are derived, not read)."""
    if d["kind"] == "date":
        return DateFact(d["text"], _span(d["span"]), d.get("start"), d.get("end"), bool(d.get("placeholder")),
                        d.get("period") or "day")
    common: dict[str, Any] = {
        "approx": bool(d.get("approx")), "qualifier": Qualifier(d["qualifier"]) if d.get("qualifier") else None,
        "placeholder": bool(d.get("placeholder")), "subject": d.get("subject"),
        "subject_span": _span(d["subject_span"]) if d.get("subject_span") else None,
        "category": d.get("category"), "region": d.get("region"), "approx_word": d.get("approx_word"),
        "quantum": _dec(d.get("quantum")) or Decimal(1), "rounded": bool(d.get("rounded")),
        "category_by": d.get("category_by"), "category_confidence": d.get("category_confidence"),
        "category_reason": d.get("category_reason"), "org": d.get("org"),
    }
    if d["kind"] == "count":
        return Count(d["text"], _span(d["span"]), _dec(d.get("value")), d.get("unit") or "", **common)
    return Money(d["text"], _span(d["span"]), _dec(d.get("value")), **common)


def breakdown_from_dict(d: dict[str, Any]) -> Breakdown:
    certain = d.get("certain")
    total_index: int = d["total_index"] if d.get("total_index") is not None else -1
    return Breakdown(d["kind"], _dec(d.get("total")), tuple(_dec(p) for p in d["parts"]), d.get("unit") or "",
                     _span(d["span"]), total_index,
                     tuple(d.get("part_indexes") or ()), tuple(_span(s) for s in d.get("part_spans") or ()),
                     d.get("consistent"), d.get("shape") or "", True if certain is None else bool(certain))


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(d["rule"], Severity(d["severity"]), d["message"], _span(d["span"]),
                   tuple(_span(s) for s in d.get("evidence") or ()))


def record_from_dict(d: dict[str, Any]) -> Record:
    """The record of a contract dict (a line ``extract`` wrote, a record the store gives back):
    :func:`record_to_dict` reversed, for the views that draw records (the workspace's report page).
    Fields beyond the contract that the record's values have no place for are dropped."""
    return Record(d["source"], d["index"], d.get("title"), d["text"],
                  tuple(fact_from_dict(f) for f in d["facts"]),
                  tuple(breakdown_from_dict(b) for b in d["breakdowns"]),
                  tuple(finding_from_dict(f) for f in d["findings"]), d.get("meta") or {})
