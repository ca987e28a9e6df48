"""The auditor's view of records: findings by severity with their evidence, the arithmetic of
every breakdown, and a summary across documents — as text for a terminal, or as JSON.

The HTML report lives in :mod:`extractor.ui.report_html`; all three read the same
:class:`AuditDoc` values built here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..calc import arithmetic
from ..checks import REGISTRY
from ..lang.chars import fold
from ..lang.segment import SENTENCE_ENDS, sentence_around
from ..model import Breakdown, Count, ErrorRecord, Fact, Finding, Money, Record, Severity, Span
from ..reportdoc import ReportDoc
from ..totals import Key, Role, Standard, Total, figure_roles, tallied, tally
from . import table
from .table import STANDARD_ZH, totals_caption
from .terminal import printable

__all__ = ["SEVERITY_ORDER", "STANDARD_ZH", "TOTALS_BY", "AuditDoc", "Role", "audit", "damage_notes", "exit_code",
           "figure_roles", "render_json", "render_text", "standards_by_category", "summary", "totals_by_category"]

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A finding with the sentence it sits in and the figures of that sentence."""

    finding: Finding
    sentence: Span
    figures: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class AuditDoc:
    """One report (or one unreadable file) as the auditor sees it."""

    source: str
    index: int | None
    title: str | None
    text: str
    findings: tuple[Evidence, ...] = ()
    sums: tuple[tuple[Span, str, bool | None], ...] = ()  # (total span, arithmetic, consistent)
    facts: tuple[Fact, ...] = ()
    error: ErrorRecord | None = None
    breakdowns: tuple[Breakdown, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    #: each fact's role in the totals by category (:func:`figure_roles`; None: not worked out yet)
    roles: tuple[Role | None, ...] | None = None

    @property
    def worst(self) -> Severity | None:
        if self.error is not None:
            return Severity.ERROR
        if not self.findings:
            return None
        return min((e.finding.severity for e in self.findings), key=SEVERITY_ORDER.__getitem__)


_WINDOW = 36


def _sentence(text: str, span: Span) -> Span:
    """The sentence around a span, cut to a window of the span's neighbourhood when long."""
    return sentence_around(text, span[0], span[1], _WINDOW, mark=True)


def _doc(record: Record) -> AuditDoc:
    evidence = []
    for f in sorted(record.findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.span)):
        s, e = _sentence(record.text, f.span)
        for a, b in f.evidence:  # the window reaches every piece of evidence in the same sentence
            if _sentence(record.text, (a, b)) == _sentence(record.text, f.span) or abs(a - f.span[0]) < 200:
                s, e = min(s, a), max(e, b)
        figures = tuple(x.span for x in record.facts if s <= x.span[0] and x.span[1] <= e and x.kind != "date")
        evidence.append(Evidence(f, (s, e), figures))
    sums = tuple((b.span, arithmetic(b, record.facts), b.consistent) for b in record.breakdowns)
    return AuditDoc(record.source, record.index, record.title, record.text, tuple(evidence), sums,
                    record.facts, None, breakdowns=record.breakdowns, meta=record.meta,
                    roles=figure_roles(ReportDoc.of_record(record)))


def audit(results: Iterable[Record | ErrorRecord]) -> list[AuditDoc]:
    """Audit documents from extraction results (records and error rows), in order."""
    out = []
    for r in results:
        if isinstance(r, ErrorRecord):
            out.append(AuditDoc(r.source, None, None, "", error=r))
        else:
            out.append(_doc(r))
    return out


def exit_code(docs: Sequence[AuditDoc], fail_on: Severity) -> int:
    """1 when some finding (or unreadable file) is at or above ``fail_on``, else 0."""
    limit = SEVERITY_ORDER[fail_on]
    for d in docs:
        if d.worst is not None and SEVERITY_ORDER[d.worst] <= limit:
            return 1
    return 0


#: what the audit's totals are grouped by (:data:`~extractor.totals.GROUPS`)
TOTALS_BY = ("category", "region")
TOTALS_CAPTION = totals_caption(TOTALS_BY)
STANDARDS_CAPTION = "标准、上下限与计划数（不计入合计）"


def _roles(d: AuditDoc) -> tuple[Role | None, ...]:
    """The roles :func:`audit` worked out, or worked out now (a document built by hand)."""
    if d.roles is not None:
        return d.roles
    return figure_roles(ReportDoc(d.source, d.index or 0, d.title, d.text, fold(d.text), facts=d.facts,
                                  breakdowns=d.breakdowns))


def _json_number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def _tally(docs: Sequence[AuditDoc]) -> tuple[list[Total], list[Standard]]:
    """The totals by category and region, and the rates and bounds listed apart: the roles of
    :func:`figure_roles` summed by :func:`~extractor.totals.tally`, as ``extractor query totals``
    sums the store's."""
    figures = (tallied(f, role, (f.category, f.region))
               for d in docs for f, role in zip(d.facts, _roles(d), strict=True)
               if role is not None and isinstance(f, Count | Money))
    return tally(figures, TOTALS_BY)


def _group(group: tuple[Key, ...]) -> dict[str, Any]:
    """A group of :data:`TOTALS_BY` as the summary's rows name it."""
    category, region = group
    return {"category": category, "name": table.group_label("category", category), "region": region}


def totals_by_category(docs: Sequence[AuditDoc]) -> list[dict[str, Any]]:
    """Counts (by measure word) and money (yuan) summed per category and region across documents,
    each group once (:func:`figure_roles`): a part of a breakdown is not added again (its total
    is), nor a figure that restates one (困难职工53名 … 此次活动覆盖困难职工53名, the text's 共计40.2万元
    and its table's 合计 40.2万元: ``restated`` says how many), nor a rate or a bound (每户不低于1000元:
    :func:`standards_by_category`); approximate figures make the sum approximate."""
    return [_total_row(t) for t in _tally(docs)[0]]


def standards_by_category(docs: Sequence[AuditDoc]) -> list[dict[str, Any]]:
    """The rates and bounds (每户500元, 人均500元, 每户不低于1000元) per category, region, kind (rate,
    min, max) and unit, with the lowest and highest value: listed apart, never added to a total."""
    return [_standard_row(s) for s in _tally(docs)[1]]


def _total_row(t: Total) -> dict[str, Any]:
    return {**_group(t.group), "unit": t.unit, "total": _json_number(t.total), "facts": t.facts,
            "approx": t.approx, "restated": t.restated, "raised": t.raised}


def _standard_row(s: Standard) -> dict[str, Any]:
    return {**_group(s.group), "unit": s.unit, "kind": s.role.value, "low": _json_number(s.low),
            "high": _json_number(s.high), "facts": s.facts}


def standard_range(row: dict[str, Any]) -> str:
    """A row of :func:`standards_by_category` as its value or its range: ``1000``, ``500～1000``."""
    return table.standard_range(Decimal(str(row["low"])), Decimal(str(row["high"])))


def summary(docs: Sequence[AuditDoc]) -> dict[str, Any]:
    """Counts across documents: by rule and severity, documents by worst severity, file errors."""
    by_rule: Counter[tuple[str, str]] = Counter()
    for d in docs:
        for e in d.findings:
            by_rule[(e.finding.rule, e.finding.severity.value)] += 1
    worst: Counter[str] = Counter((d.worst.value if d.worst else "clean") for d in docs)
    totals, standards = _tally(docs)
    return {
        "by_category": [_total_row(t) for t in totals],
        "standards": [_standard_row(s) for s in standards],
        "documents": sum(1 for d in docs if d.error is None),
        "file_errors": sum(1 for d in docs if d.error is not None),
        "findings": sum(by_rule.values()),
        "by_rule": [{"rule": r, "severity": s, "count": n} for (r, s), n in sorted(by_rule.items())],
        "documents_by_worst": dict(sorted(worst.items())),
    }


# --- text -------------------------------------------------------------------------------

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_MARK, _RESET, _BOLD, _DIM = "\033[1;4m", "\033[0m", "\033[1m", "\033[2m"


def _highlight(text: str, sentence: Span, marks: Iterable[Span], color: bool) -> str:
    """The sentence with its figures marked; the document's own control characters made
    :func:`~extractor.ui.terminal.printable`, the marks' are ours."""
    s, e = sentence
    spans = sorted({(max(a, s), min(b, e)) for a, b in marks if a < e and b > s})
    out, pos = [], s
    for a, b in spans:
        if a < pos:
            continue
        out.append(printable(text[pos:a]))
        figure = printable(text[a:b])
        out.append(f"{_MARK}{figure}{_RESET}" if color else f"【{figure}】")
        pos = b
    out.append(printable(text[pos:e]))
    return "".join(out).replace("\n", " ").strip()


def damage_notes(meta: dict[str, Any]) -> list[str]:
    """What the reader says of a damaged file whose text it still read (``meta``'s
    ``decode_errors``, ``mixed_encodings``, ``parse_warnings``, ``pages_without_text``), in
    Chinese: the report's text may lack figures, so its findings and totals may lack them too.

    >>> damage_notes({"decode_errors": 3, "pages_without_text": [2, 5]})
    ['有 3 处字节无法解码（文中以 � 标出），其中的文字和数字已缺失', '第 2、5 页没有可读的文字（可能是扫描页），未读取']
    >>> damage_notes({"format": "txt"})
    []
    """
    notes = []
    if meta.get("decode_errors"):
        notes.append(f"有 {meta['decode_errors']} 处字节无法解码（文中以 � 标出），其中的文字和数字已缺失")
    mixed = meta.get("mixed_encodings")
    if isinstance(mixed, dict) and mixed:
        lines = "，".join(f"{n} 行按 {enc}" for enc, n in mixed.items())
        notes.append(f"文件混用了编码：{lines} 读出")
    warned = meta.get("parse_warnings")
    if isinstance(warned, dict) and warned.get("count"):
        first = warned.get("first", "")
        notes.append(f"PDF 解析时有 {warned['count']} 条警告，文件可能损坏，部分文字可能缺失（{first}）")
    empty = meta.get("pages_without_text")
    if isinstance(empty, list) and empty:
        notes.append(f"第 {'、'.join(map(str, empty))} 页没有可读的文字（可能是扫描页），未读取")
    return notes


def render_text(docs: Sequence[AuditDoc], color: bool = False) -> str:
    """Findings per document by severity, with the sentence (figures marked) and the
    arithmetic of every breakdown; then a summary table. What comes from a document or a file
    name is :func:`~extractor.ui.terminal.printable`: no control sequence of theirs reaches the
    terminal."""
    lines: list[str] = []
    bold = _BOLD if color else ""
    reset = _RESET if color else ""
    for d in docs:
        where = printable(d.source) + (f" #{d.index}" if d.index is not None else "")
        if d.error is not None:
            lines.append(f"{bold}== {where}{reset}")
            lines.append(f"  {SEVERITY_ZH[Severity.ERROR]} [{printable(d.error.code)}] {printable(d.error.message)}")
            lines.append("")
            continue
        damage = damage_notes(d.meta)
        if not d.findings and not d.sums and not damage:
            continue
        lines.append(f"{bold}== {where}  {printable(d.title or '')}{reset}")
        lines.extend(f"  文件受损: {printable(note)}" for note in damage)
        for ev in d.findings:
            f = ev.finding
            tag = SEVERITY_ZH[f.severity]
            if color:
                tag = f"{_COLORS[f.severity]}{tag}{_RESET}"
            lines.append(f"  {tag} {f.rule}: {printable(f.message)}")
            marks = [f.span, *f.evidence]
            s, e = ev.sentence
            lead = "…" if s > 0 and d.text[s - 1] not in SENTENCE_ENDS else ""
            tail = "…" if e < len(d.text) and d.text[e - 1] not in SENTENCE_ENDS else ""
            lines.append(f"      {lead}{_highlight(d.text, ev.sentence, marks, color)}{tail}")
        if d.sums:
            lines.append("  核算:")
            for _, line, _ok in d.sums:
                lines.append(f"      {printable(line)}")
        lines.append("")
    lines.extend(_summary_table(docs))
    return "\n".join(lines) + "\n"


def _summary_table(docs: Sequence[AuditDoc]) -> list[str]:
    s = summary(docs)
    rows = [f"汇总：{s['documents']} 篇文档，{s['findings']} 条发现，{s['file_errors']} 个文件无法读取"]
    if s["by_rule"]:
        width = max(len(r["rule"]) for r in s["by_rule"])
        rows.append(f"  {'规则':<{width - 2}}  级别      数量  说明")
        for r in s["by_rule"]:
            desc = REGISTRY[r["rule"]].description if r["rule"] in REGISTRY else ""
            rows.append(f"  {r['rule']:<{width}}  {SEVERITY_ZH[Severity(r['severity'])]:<6}{r['count']:>6}  {desc}")
    totals, standards = _tally(docs)
    if totals:
        rows.append(f"  {TOTALS_CAPTION}：")
        rows.extend(f"    {line}" for line in table.totals_lines(totals, TOTALS_BY))
    if standards:
        rows.append(f"  {STANDARDS_CAPTION}：")
        rows.extend(f"    {line}" for line in table.standards_lines(standards, TOTALS_BY))
    worst = s["documents_by_worst"]
    rows.append("  文档按最严重级别：" + "，".join(
        f"{SEVERITY_ZH[Severity(k)] if k != 'clean' else '无发现'} {v}" for k, v in worst.items()))
    return rows


# --- json -------------------------------------------------------------------------------

def render_json(docs: Sequence[AuditDoc]) -> str:
    """The audit as one JSON document: documents with findings (and their sentence) and sums."""
    out: list[dict[str, Any]] = []
    for d in docs:
        if d.error is not None:
            out.append({"source": d.source, "error": {"code": d.error.code, "message": d.error.message}})
            continue
        out.append({
            "source": d.source, "index": d.index, "title": d.title,
            "worst": d.worst.value if d.worst else None,
            "findings": [{"rule": e.finding.rule, "severity": e.finding.severity.value,
                          "message": e.finding.message, "span": list(e.finding.span),
                          "text": d.text[e.finding.span[0]:e.finding.span[1]],
                          "evidence": [list(x) for x in e.finding.evidence],
                          "sentence": d.text[e.sentence[0]:e.sentence[1]].strip()} for e in d.findings],
            "sums": [{"span": list(sp), "arithmetic": a, "consistent": ok} for sp, a, ok in d.sums],
        })
    return json.dumps({"documents": out, "summary": summary(docs)}, ensure_ascii=False, indent=1)
