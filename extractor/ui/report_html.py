"""The audit as one self-contained HTML file: a summary, an index of documents by number of
findings, and every document's text with its facts and findings marked inline.

The file references nothing outside itself (inline CSS and a few lines of JS), so it can be
mailed or archived as is. Each document's text block holds exactly the document's text: marks
never add or drop a character, and footnote numbers are drawn by CSS (``::after``), so copying
the text copies the document.

>>> page = render_html([AuditDoc("a.txt", 0, "标题", "共100元")])
>>> 'id="doc-1"' in page and "http" not in page
True
"""

from __future__ import annotations

import bisect
import html
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ..about.taxonomy import TAXONOMY
from ..checks import REGISTRY
from ..lang.segment import SENTENCE_ENDS
from ..model import Count, DateFact, Fact, Finding, Qualifier, Severity
from .audit import (
    SEVERITY_ORDER,
    SEVERITY_ZH,
    STANDARD_ZH,
    STANDARDS_CAPTION,
    TOTALS_CAPTION,
    AuditDoc,
    Evidence,
    Role,
    damage_notes,
    standard_range,
    summary,
)
from .table import UNSTATED, unit_label

__all__ = ["SCRIPT", "STYLE", "FindingExtra", "render_html", "render_section"]

_KIND_ZH = {"money": "金额", "count": "数量", "date": "日期"}
_QUALIFIER_ZH = {Qualifier.MIN: "至少", Qualifier.MAX: "至多"}
_SEVERITIES = sorted(Severity, key=SEVERITY_ORDER.__getitem__)


# --- escaping ---------------------------------------------------------------------------

def _esc(s: str) -> str:
    """Text or attribute value, escaped. CR is written as a reference because an HTML parser
    turns a raw CR into LF, which would change the text.

    >>> _esc('a<b & "c"\\r')
    'a&lt;b &amp; &quot;c&quot;&#13;'
    """
    return html.escape(s).replace("\r", "&#13;")


# --- nesting marks in text --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Wrap:
    """An element around ``text[start:end]``; among elements sharing a start, the longer one
    (then the lower ``rank``) is outside."""

    start: int
    end: int
    rank: int
    open: str
    close: str

    @property
    def key(self) -> tuple[int, int, int]:
        return self.start, -self.end, self.rank


def _nest(text: str, wraps: Iterable[_Wrap], points: Iterable[tuple[int, str]] = (),
          lo: int = 0, hi: int | None = None) -> str:
    """``text[lo:hi]`` escaped, each wrap around its range and each point's markup at its offset.

    Ranges that nest become nested elements; a range that crosses another is closed at the
    crossing and reopened after it, so the markup stays well formed and no text is lost.

    >>> a, b = _Wrap(0, 4, 0, "<i>", "</i>"), _Wrap(2, 6, 0, "<b>", "</b>")
    >>> _nest("abcdef", [a, b])
    '<i>ab<b>cd</b></i><b>ef</b>'
    """
    hi = len(text) if hi is None else hi
    clipped = [_Wrap(max(w.start, lo), min(w.end, hi), w.rank, w.open, w.close) for w in wraps]
    live = sorted((w for w in clipped if w.start < w.end), key=lambda w: w.key)
    at: dict[int, list[str]] = defaultdict(list)
    for pos, markup in points:  # a point outside the range is kept, at its nearest end
        at[min(max(pos, lo), hi)].append(markup)
    cuts = sorted({lo, hi, *at, *(w.start for w in live), *(w.end for w in live)})
    out: list[str] = []
    stack: list[_Wrap] = []
    active: list[_Wrap] = []
    nxt = 0
    for i, pos in enumerate(cuts):
        active = [w for w in active if w.end > pos]
        while nxt < len(live) and live[nxt].start == pos:
            bisect.insort(active, live[nxt], key=lambda w: w.key)
            nxt += 1
        keep = _common_prefix(stack, active)
        out.extend(w.close for w in reversed(stack[keep:]))
        out.extend(at.get(pos, ()))
        out.extend(w.open for w in active[keep:])
        stack = list(active)
        if i + 1 < len(cuts):
            out.append(_esc(text[pos:cuts[i + 1]]))
    return "".join(out)


def _split(w: _Wrap, keep: Iterable[_Wrap]) -> list[_Wrap]:
    """``w`` cut where it crosses one of ``keep``, so that those stay whole elements.

    >>> [(p.start, p.end) for p in _split(_Wrap(2, 8, 0, "", ""), [_Wrap(0, 4, 1, "", ""), _Wrap(5, 6, 1, "", "")])]
    [(2, 4), (4, 8)]
    """
    cuts = sorted({p for k in keep if k.start < w.end and w.start < k.end  # overlap, neither inside the other
                   and not (w.start <= k.start and k.end <= w.end) and not (k.start <= w.start and w.end <= k.end)
                   for p in (k.start, k.end) if w.start < p < w.end})
    bounds = [w.start, *cuts, w.end]
    return [_Wrap(a, b, w.rank, w.open, w.close) for a, b in pairwise(bounds)]


def _common_prefix(a: Sequence[_Wrap], b: Sequence[_Wrap]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] is b[n]:
        n += 1
    return n


# --- facts and findings -----------------------------------------------------------------

def _number(v: Decimal) -> str:
    """A Decimal written out in full.

    >>> _number(Decimal("1.25E+5")), _number(Decimal("12.50"))
    ('125000', '12.5')
    """
    return format(v.normalize(), "f")


def _notes(approx: bool, qualifier: Qualifier | None) -> str:
    words = (["约数"] if approx else []) + ([_QUALIFIER_ZH[qualifier]] if qualifier else [])
    return f"（{'，'.join(words)}）" if words else ""


def _fact_title(f: Fact) -> str:
    """The normalized value of a fact, as its mark's tooltip.

    >>> _fact_title(Count("700余户", (0, 5), Decimal(700), "户", approx=True))
    '700 户（约数）'
    >>> _fact_title(DateFact("2018年12月下旬开始至2018年2月", (0, 9), "2018-12-21", "2018-02-28"))
    '2018-12-21 至 2018-02-28'
    """
    if isinstance(f, DateFact):
        when = f.start if f.start == f.end else f"{f.start or '？'} 至 {f.end or '？'}"
        return (when or "日期不明") + ("（模板空白）" if f.placeholder else "")
    if f.value is None or f.placeholder:
        return "未填写（模板空白）"
    unit = f.unit if isinstance(f, Count) else "元"
    about = f" · {TAXONOMY.name(f.category)}" if f.category else ""
    return f"{_number(f.value)} {unit}{_notes(f.approx, f.qualifier)}{about}"


def _fact_wrap(f: Fact) -> _Wrap:
    attrs = f'class="fact fact-{f.kind}" data-kind="{f.kind}" title="{_esc(_fact_title(f))}"'
    return _Wrap(f.span[0], f.span[1], 1, f"<mark {attrs}>", "</mark>")


def _ordered(findings: Sequence[Evidence]) -> list[Evidence]:
    """Findings in reading order, so footnote numbers grow through the text."""
    return sorted(findings, key=lambda e: (e.finding.span, SEVERITY_ORDER[e.finding.severity]))


def _finding_wrap(ev: Evidence) -> _Wrap:
    f = ev.finding
    attrs = f'class="finding sev-{f.severity.value}" data-rule="{_esc(f.rule)}" title="{_esc(f.message)}"'
    return _Wrap(f.span[0], f.span[1], 0, f"<span {attrs}>", "</span>")


def _footnote(doc_id: str, n: int, ev: Evidence) -> tuple[int, str]:
    """An empty link after the finding; its number is drawn by CSS so the text stays the text."""
    sev = ev.finding.severity.value
    return ev.finding.span[1], (f'<a class="fn sev-{sev}" id="{doc_id}-r{n}" href="#{doc_id}-f{n}" '
                                f'data-n="{n}" aria-label="发现 {n}"></a>')


def _text_block(doc_id: str, d: AuditDoc) -> str:
    findings = _ordered(d.findings)
    marks = [_fact_wrap(f) for f in d.facts]
    # a finding that crosses a fact is the one split, so every fact stays one <mark>
    wraps = marks + [piece for e in findings for piece in _split(_finding_wrap(e), marks)]
    points = [_footnote(doc_id, n, e) for n, e in enumerate(findings, 1)]
    points += [(sp[0], f'<a class="anchor" id="{doc_id}-s{n}"></a>') for n, (sp, _, _) in enumerate(d.sums, 1)]
    return f'<div class="text">{_nest(d.text, wraps, points)}</div>'


def _snippet(d: AuditDoc, ev: Evidence) -> str:
    """The finding's sentence with the finding and its evidence marked."""
    s, e = ev.sentence
    f = ev.finding
    wraps = [_Wrap(a, b, 1, '<b class="ev">', "</b>") for a, b in f.evidence]
    wraps.append(_Wrap(f.span[0], f.span[1], 0, '<b class="hit">', "</b>"))
    lead = "…" if s > 0 and d.text[s - 1] not in SENTENCE_ENDS else ""
    tail = "…" if e < len(d.text) and d.text[e - 1] not in SENTENCE_ENDS else ""
    return f'<blockquote class="evidence">{lead}{_nest(d.text, wraps, (), s, e)}{tail}</blockquote>'


def _finding_item(doc_id: str, n: int, d: AuditDoc, ev: Evidence, extra: FindingExtra | None = None) -> str:
    f = ev.finding
    sev = f.severity.value
    return (f'<li id="{doc_id}-f{n}" class="finding-item sev-{sev}">'
            f'<a class="num" href="#{doc_id}-r{n}" title="回到正文">{n}</a>'
            f'<span class="badge sev-{sev}">{SEVERITY_ZH[f.severity]}</span>'
            f'<code class="rule">{_esc(f.rule)}</code> <span class="message">{_esc(f.message)}</span>'
            f"{_snippet(d, ev)}{extra(f) if extra else ''}</li>")


def _findings_list(doc_id: str, d: AuditDoc, extra: FindingExtra | None = None) -> str:
    if not d.findings:
        return '<p class="none">无发现。</p>'
    items = "".join(_finding_item(doc_id, n, d, e, extra) for n, e in enumerate(_ordered(d.findings), 1))
    return f'<h3>发现（{len(d.findings)}）</h3><ol class="findings">{items}</ol>'


def _sums_list(doc_id: str, d: AuditDoc) -> str:
    if not d.sums:
        return ""
    items = []
    for n, (_, line, ok) in enumerate(d.sums, 1):
        state = {True: "ok", False: "bad", None: "unknown"}[ok]
        items.append(f'<li class="sum sum-{state}"><code>{_esc(line)}</code> '
                     f'<a class="goto" href="#{doc_id}-s{n}">原文</a></li>')
    return f'<h3>核算</h3><ul class="sums">{"".join(items)}</ul>'


# --- documents --------------------------------------------------------------------------

def _counts(d: AuditDoc) -> Counter[Severity]:
    return Counter(e.finding.severity for e in d.findings)


def _count_cells(c: Counter[Severity]) -> str:
    return "".join(f'<td class="n sev-{s.value}{" zero" if not c[s] else ""}">{c[s]}</td>' for s in _SEVERITIES)


def _where(d: AuditDoc) -> str:
    return d.source + (f" #{d.index}" if d.index is not None else "")


#: markup a page that embeds a report adds to each finding's item (the workspace's review form)
FindingExtra = Callable[[Finding], str]


def render_section(d: AuditDoc, doc_id: str, *, number: int | None = None, extra: FindingExtra | None = None,
                   breakdown_tables: bool = False, top_link: bool = True) -> str:
    """One report as the audit shows it: its title, where it comes from, its text with every fact
    and finding marked, the arithmetic of its breakdowns and its findings explained. The static
    audit page (:func:`render_html`) and the workspace's report page (``extractor serve``) both
    draw a report with this; ``extra`` adds markup to each finding's item, ``breakdown_tables``
    a small table a breakdown.

    >>> 'id="r-1"' in render_section(AuditDoc("a.txt", 0, "标题", "共100元"), "r-1", top_link=False)
    True
    """
    c = _counts(d)
    tally = "，".join(f"{SEVERITY_ZH[s]} {c[s]}" for s in _SEVERITIES if c[s]) or "无发现"
    worst = d.worst.value if d.worst else "clean"
    num = f'<span class="docnum">{number}</span>' if number is not None else ""
    tables = _breakdown_tables(d) if breakdown_tables else ""
    top = '<p class="top"><a href="#index">↑ 返回目录</a></p>' if top_link else ""
    return (f'<section id="{doc_id}" class="doc worst-{worst}" data-findings="{len(d.findings)}" '
            f'data-facts="{len(d.facts)}">'
            f'<h2>{num}{_esc(d.title or "（无标题）")}</h2>'
            f'<p class="where"><code>{_esc(_where(d))}</code> · {tally} · 事实 {len(d.facts)} 个</p>'
            f"{_damage(d)}"
            f"{_text_block(doc_id, d)}{_sums_list(doc_id, d)}{tables}{_findings_list(doc_id, d, extra)}"
            f"{top}</section>")


def _damage(d: AuditDoc) -> str:
    """The reader's notes on a damaged file (:func:`~extractor.ui.audit.damage_notes`), if any."""
    notes = damage_notes(d.meta)
    if not notes:
        return ""
    return '<ul class="damage">' + "".join(f"<li>文件受损：{_esc(n)}</li>" for n in notes) + "</ul>"


def _section(n: int, d: AuditDoc) -> str:
    return render_section(d, f"doc-{n}", number=n)


def _breakdown_tables(d: AuditDoc) -> str:
    """Each breakdown as a small table: the total, then each part, with its text and value."""
    if not d.breakdowns:
        return ""
    out = []
    for n, (b, (_, line, ok)) in enumerate(zip(d.breakdowns, d.sums, strict=False), 1):
        state = {True: "ok", False: "bad", None: "unknown"}[ok]
        rows = [("总数", b.total_index, b.total)]
        rows += [(f"分项 {k}", i, v) for k, (i, v) in enumerate(zip(b.part_indexes, b.parts, strict=False), 1)]
        body = "".join(
            f'<tr class="{"total" if k == 0 else "part"}"><th>{label}</th>'
            f"<td>{_esc(d.facts[i].text) if 0 <= i < len(d.facts) else ''}</td>"
            f'<td class="n">{_number(v) if v is not None else "—"}</td></tr>'
            for k, (label, i, v) in enumerate(rows))
        verdict = {"ok": "相符 ✓", "bad": "不符 ✗", "unknown": "未核"}[state]
        about = " · ".join(x for x in (_KIND_ZH[b.kind], b.unit, b.shape, "" if b.certain else "不确定") if x)
        out.append(f'<table class="breakdown sum-{state}" data-n="{n}" title="{_esc(line)}"><caption>'
                   f'<b class="verdict">{verdict}</b> <span class="shape">{_esc(about)}</span></caption>'
                   f"<tbody>{body}</tbody></table>")
    return f'<h3>分项表</h3><div class="breakdowns">{"".join(out)}</div>'


def _folder(sources: Iterable[str]) -> str:
    """The folder all sources share (with its trailing slash), shown once instead of on every row.

    >>> _folder(["/w/corpus/seed/a.txt", "/w/corpus/dev/b.txt"]), _folder(["a.txt"])
    ('/w/corpus/', '')
    """
    folders = [s.replace("\\", "/").split("/")[:-1] for s in sources]
    common: list[str] = []
    for names in zip(*folders, strict=False):
        if len(set(names)) > 1:
            break
        common.append(names[0])
    return "/".join(common) + "/" if common else ""


def _index(numbered: Sequence[tuple[int, AuditDoc]]) -> str:
    """Documents by number of findings, most first; ties by source and index."""
    folder = _folder(d.source for _, d in numbered)
    where = f'<p class="folder">来源目录：<code>{_esc(folder)}</code></p>' if folder else ""
    docs = sorted((p for p in numbered if p[1].error is None),
                  key=lambda p: (-len(p[1].findings), p[1].source, p[1].index or 0))
    rows = "".join(
        f'<tr class="worst-{d.worst.value if d.worst else "clean"}" data-findings="{len(d.findings)}" '
        f'data-source="{_esc(d.source)}" data-index="{d.index}">'
        f'<td class="n">{n}</td><td><a href="#doc-{n}">{_esc(d.title or "（无标题）")}</a></td>'
        f'<td class="src" title="{_esc(d.source)}"><code>{_esc(d.source[len(folder):])}</code></td>'
        f'<td class="n">{d.index}</td>'
        f'{_count_cells(_counts(d))}<td class="n total">{len(d.findings)}</td></tr>'
        for n, d in docs)
    head = "".join(f"<th>{SEVERITY_ZH[s]}</th>" for s in _SEVERITIES)
    return (f'<section id="index"><h2>文档目录（按发现数排序）</h2>{where}<table class="index"><thead><tr>'
            f"<th>序号</th><th>标题</th><th>来源</th><th>篇</th>{head}<th>合计</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{_errors(numbered)}</section>")


def _errors(numbered: Sequence[tuple[int, AuditDoc]]) -> str:
    """Files that gave no document, with the error's code and message."""
    items = [f'<li><code>{_esc(d.source)}</code> <span class="badge sev-error">{_esc(d.error.code)}</span> '
             f"{_esc(d.error.message)}</li>" for _, d in numbered if d.error is not None]
    if not items:
        return ""
    return f'<h3 id="errors">无法读取的文件（{len(items)}）</h3><ul class="errors">{"".join(items)}</ul>'


# --- header -----------------------------------------------------------------------------

def _rules_table(docs: Sequence[AuditDoc]) -> str:
    by_rule: dict[str, Counter[Severity]] = defaultdict(Counter)
    for r in summary(docs)["by_rule"]:
        by_rule[r["rule"]][Severity(r["severity"])] += r["count"]
    if not by_rule:
        return '<p class="none">没有任何发现。</p>'
    rows = "".join(
        f'<tr><td><code>{_esc(rule)}</code></td><td>{_esc(REGISTRY[rule].description if rule in REGISTRY else "")}'
        f'</td>{_count_cells(c)}<td class="n total">{c.total()}</td></tr>' for rule, c in sorted(by_rule.items()))
    head = "".join(f"<th>{SEVERITY_ZH[s]}</th>" for s in _SEVERITIES)
    return (f'<table class="rules"><thead><tr><th>规则</th><th>说明</th>{head}<th>合计</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _region_cell(row: dict[str, Any]) -> str:
    """A total's region (:data:`~.table.UNSTATED` when its figures name none)."""
    region = row["region"]
    return f'<td class="none">{UNSTATED}</td>' if region is None else f"<td>{_esc(region)}</td>"


def _categories_table(docs: Sequence[AuditDoc]) -> str:
    """The totals by category and region, then the rates and bounds listed apart (:func:`.audit.summary`,
    as the text audit shows them)."""
    s = summary(docs)
    rows, standards = s["by_category"], s["standards"]
    if not rows and not standards:
        return ""
    body = "".join(
        f'<tr><td>{_esc(r["name"])}</td><td><code>{_esc(r["category"] or "")}</code></td>{_region_cell(r)}'
        f'<td class="n">{"约" if r["approx"] else ""}{_number(Decimal(str(r["total"])))}</td>'
        f'<td>{_esc(unit_label(r["unit"], r["raised"]))}</td>'
        f'<td class="n">{r["facts"]}</td><td class="n{"" if r["restated"] else " zero"}">{r["restated"]}</td></tr>'
        for r in rows)
    out = (f'<table class="categories"><caption>{TOTALS_CAPTION}</caption><thead><tr><th>类别</th>'
           f"<th>标识</th><th>地区</th><th>合计</th><th>单位</th><th>项数</th><th>重复表述未计</th></tr></thead>"
           f"<tbody>{body}</tbody></table>") if rows else ""
    if standards:
        apart = "".join(
            f'<tr><td>{_esc(r["name"])}</td><td><code>{_esc(r["category"] or "")}</code></td>{_region_cell(r)}'
            f'<td>{STANDARD_ZH[Role(r["kind"])]}</td><td class="n">{_esc(standard_range(r))}</td>'
            f'<td>{_esc(r["unit"])}</td><td class="n">{r["facts"]}</td></tr>' for r in standards)
        out += (f'<table class="standards"><caption>{STANDARDS_CAPTION}</caption><thead><tr><th>类别</th>'
                f"<th>标识</th><th>地区</th><th>种类</th><th>数值</th><th>单位</th><th>项数</th></tr></thead>"
                f"<tbody>{apart}</tbody></table>")
    return out


def _header(docs: Sequence[AuditDoc]) -> str:
    s = summary(docs)
    worst = s["documents_by_worst"]
    by_worst = "，".join(f"{SEVERITY_ZH[Severity(k)] if k != 'clean' else '无发现'} {v} 篇" for k, v in worst.items())
    stats = (f'<p class="stats"><b>{s["documents"]}</b> 篇文档 · <b>{s["findings"]}</b> 条发现 · '
             f'<b>{s["file_errors"]}</b> 个文件无法读取</p>'
             f'<p class="by-worst">文档按最严重级别：{by_worst or "—"}</p>')
    return (f"<header><h1>抽取审计报告</h1>{stats}{_rules_table(docs)}{_categories_table(docs)}{_legend()}"
            f"{_toolbar()}</header>")


def _legend() -> str:
    kinds = "".join(f'<mark class="fact fact-{k}">{zh}</mark>' for k, zh in _KIND_ZH.items())
    sevs = "".join(f'<span class="finding sev-{s.value}">{SEVERITY_ZH[s]}</span>' for s in _SEVERITIES)
    sums = '<span class="sum-ok">核算相符 ✓</span><span class="sum-bad">核算不符 ✗</span>'
    return (f'<div class="legend"><span class="label">图例</span>{kinds}<span class="sep"></span>{sevs}'
            f'<span class="sep"></span>{sums}<span class="hint">悬停标记可看规范值或发现说明；'
            f'上标数字链接到文末说明。</span></div>')


def _toolbar() -> str:
    return ('<div class="toolbar"><label><input type="checkbox" data-toggle="hide-clean"> 隐藏无发现的文档</label>'
            '<label><input type="checkbox" data-toggle="no-facts"> 不高亮事实</label></div>')


STYLE = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; --panel: #f6f8fa;
  --money: #c9f0d6; --count: #cfe3ff; --date: #eadcff;
  --error: #c62828; --warning: #b26a00; --info: #0b7285;
  --error-bg: #ffe3e3; --warning-bg: #fff3cd; --info-bg: #dff4f7; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; padding: 24px 32px 64px; background: var(--paper); color: var(--ink);
  font: 15px/1.75 system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
  "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
main, header { max-width: 1100px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 6px; line-height: 1.5; }
h3 { font-size: 15px; margin: 16px 0 6px; color: var(--muted); }
code { font: 13px/1.5 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
a { color: #0550ae; }
.stats { font-size: 17px; margin: 4px 0; }
.by-worst, .where, .none, .hint { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 10px 0 16px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.n, th:nth-last-child(-n+4) { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.index th:nth-child(4) { text-align: right; }
td.zero { color: #b8c0c8; }
td.sev-error:not(.zero) { color: var(--error); font-weight: 600; }
td.sev-warning:not(.zero) { color: var(--warning); font-weight: 600; }
td.sev-info:not(.zero) { color: var(--info); font-weight: 600; }
td.total { font-weight: 600; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
td.src code { color: var(--muted); overflow-wrap: anywhere; }
.folder { margin: 0; color: var(--muted); font-size: 13px; }
tr.worst-clean td { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 8px 12px;
  background: var(--panel); border: 1px solid var(--line); border-radius: 6px; font-size: 14px; }
.legend .label { font-weight: 600; }
.legend .sep { width: 1px; height: 18px; background: var(--line); }
.legend .hint { flex-basis: 100%; font-size: 13px; }
.toolbar { display: flex; gap: 18px; margin: 10px 0 0; font-size: 14px; }
.toolbar label { cursor: pointer; user-select: none; }
section#index { max-width: 1100px; margin: 28px auto 0; }
ul.errors li { margin: 4px 0; }
section.doc { margin: 36px auto 0; padding-top: 18px; border-top: 3px solid var(--line); }
section.doc.worst-error { border-top-color: var(--error); }
section.doc.worst-warning { border-top-color: var(--warning); }
section.doc.worst-info { border-top-color: var(--info); }
.docnum { display: inline-block; min-width: 2em; margin-right: 8px; padding: 0 6px; border-radius: 4px;
  background: var(--panel); border: 1px solid var(--line); color: var(--muted); font-size: 14px; text-align: center; }
.where { margin: 0 0 10px; font-size: 13px; }
.damage { margin: 0 0 10px; padding: 6px 12px 6px 28px; font-size: 13px; color: #8a4b00;
  background: #fff6e5; border: 1px solid #f0c36d; border-radius: 6px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2; padding: 14px 18px;
  background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px; font-size: 15px; }
mark.fact { color: inherit; border-radius: 3px; padding: 1px 0; }
mark.fact-money { background: var(--money); }
mark.fact-count { background: var(--count); }
mark.fact-date { background: var(--date); }
body.no-facts .text mark.fact { background: transparent; }
.finding { text-decoration-line: underline; text-decoration-style: wavy; text-decoration-thickness: 1.5px;
  text-underline-offset: 4px; text-decoration-skip-ink: none; }
.finding.sev-error { text-decoration-color: var(--error); background: var(--error-bg); }
.finding.sev-warning { text-decoration-color: var(--warning); background: var(--warning-bg); }
.finding.sev-info { text-decoration-color: var(--info); background: var(--info-bg); }
.legend .finding, .legend mark { padding: 0 6px; border-radius: 3px; }
a.fn { text-decoration: none; }
a.fn::after { content: attr(data-n); font-size: 11px; font-weight: 700; line-height: 1; vertical-align: super;
  margin: 0 1px; padding: 0 3px; border-radius: 7px; color: #fff; }
a.fn.sev-error::after { background: var(--error); }
a.fn.sev-warning::after { background: var(--warning); }
a.fn.sev-info::after { background: var(--info); }
a.fn:target::after, li:target { outline: 2px solid #0969da; }
ul.sums { list-style: none; padding: 0; margin: 0; }
li.sum { margin: 4px 0; padding: 2px 10px; border-left: 4px solid var(--line); }
li.sum code { font-size: 14px; }
li.sum-ok { border-left-color: #2da44e; }
li.sum-bad { border-left-color: var(--error); background: var(--error-bg); }
li.sum-bad code { color: var(--error); font-weight: 700; }
.sum-ok, .sum-bad { padding: 0 6px; border-radius: 3px; }
.legend .sum-ok { color: #1a7f37; }
.legend .sum-bad { color: var(--error); background: var(--error-bg); }
a.goto { font-size: 12px; margin-left: 6px; }
.breakdowns { display: flex; flex-wrap: wrap; gap: 8px 16px; }
table.breakdown { width: auto; min-width: 240px; margin: 4px 0; font-size: 13px; border-left: 4px solid var(--line); }
table.breakdown.sum-ok { border-left-color: #2da44e; }
table.breakdown.sum-bad { border-left-color: var(--error); }
table.breakdown caption { font-weight: 400; }
table.breakdown caption .shape { color: var(--muted); font-size: 12px; }
table.breakdown.sum-bad caption .verdict { color: var(--error); }
table.breakdown tr.total th, table.breakdown tr.total td { font-weight: 600; }
ol.findings { list-style: none; padding: 0; margin: 0; }
li.finding-item { margin: 0 0 10px; padding: 6px 10px; border-left: 4px solid var(--line); background: var(--panel); }
li.finding-item.sev-error { border-left-color: var(--error); }
li.finding-item.sev-warning { border-left-color: var(--warning); }
li.finding-item.sev-info { border-left-color: var(--info); }
li.finding-item .num { display: inline-block; min-width: 1.6em; margin-right: 6px; font-weight: 700;
  text-align: center; text-decoration: none; }
.badge { display: inline-block; padding: 0 6px; margin-right: 6px; border-radius: 3px; color: #fff;
  font-size: 12px; line-height: 1.6; vertical-align: 1px; }
.badge.sev-error { background: var(--error); }
.badge.sev-warning { background: var(--warning); }
.badge.sev-info { background: var(--info); }
code.rule { color: var(--muted); }
blockquote.evidence { margin: 4px 0 0 2.2em; padding: 2px 10px; border-left: 2px solid var(--line);
  color: #3d444d; font-size: 14px; overflow-wrap: anywhere; }
b.hit { font-weight: 700; background: #fff1a8; }
b.ev { font-weight: 700; background: #eef1f4; }
.top { text-align: right; font-size: 13px; margin: 8px 0 0; }
body.hide-clean section.doc[data-findings="0"], body.hide-clean table.index tr[data-findings="0"] { display: none; }
@media (max-width: 700px) { body { padding: 12px; } td.src { display: none; } }
@media print {
  body { padding: 0; font-size: 11pt; }
  .toolbar, .top, a.goto { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  section.doc { break-before: page; border-top-width: 2px; }
  li.finding-item, li.sum, tr, h2, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  body.hide-clean section.doc[data-findings="0"] { display: block; }
}
"""

SCRIPT = """
document.querySelectorAll("input[data-toggle]").forEach(function (box) {
  box.addEventListener("change", function () { document.body.classList.toggle(box.dataset.toggle, box.checked); });
});
"""


def render_html(docs: Sequence[AuditDoc]) -> str:
    """The audit of ``docs`` as one HTML5 page (UTF-8, no external references)."""
    numbered = list(enumerate(docs, 1))
    sections = "".join(_section(n, d) for n, d in numbered if d.error is None)
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>抽取审计报告</title><style>{STYLE}</style></head><body>"
            f"{_header(docs)}{_index(numbered)}<main>{sections}</main>"
            f"<script>{SCRIPT}</script></body></html>\n")
