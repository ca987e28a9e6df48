"""Splitting: one file's text into the reports it holds, with titles and signature blocks.

A compilation (``春节工会送温暖活动总结5篇`` then ``...篇1`` … ``...篇5``) gives one report per
heading, and a file of several compilations one after another all their reports; anything else
is one report. A report's text runs from its heading to the next one (or to the next
compilation's own heading).

>>> [r.title for r in split_reports("a.txt", "合集2篇\\n序言\\n总结篇1\\n正文\\n总结篇2\\n正文")]
['总结篇1', '总结篇2']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from typing import Any, Final

from ..facts.dates import find_dates
from ..lang.chars import fold
from ..lang.numbers import parse_number
from ..model import Report, Table

__all__ = ["cut_long", "signature", "split_reports", "tables_within"]

_NUM: Final = r"[0-9一二三四五六七八九十]{1,3}"
# A heading that numbers one report of a compilation: 总结篇1, 范文二, 【篇三】, 第4篇. It stands on
# one line: spaces and tabs only, never \s (which crossed into the next line: 篇1\n篇2 was one).
HEADING: Final = re.compile(
    rf"""^[ \t]*(?:
        (?P<stem>\S.{{0,40}}?)(?:篇|范文)[ \t]*(?P<n1>{_NUM})
      | 【?[ \t]*(?:篇|范文)[ \t]*(?P<n2>{_NUM})[ \t]*】?.{{0,40}}
      | 【?[ \t]*第[ \t]*(?P<n3>{_NUM})[ \t]*篇(?!章)[ \t]*】?.{{0,40}}
    )[ \t]*$""",
    re.VERBOSE | re.MULTILINE,
)
# The compilation's own heading: ...5篇 (how many reports it says it holds).
DECLARED: Final = re.compile(rf"(?P<n>{_NUM})篇[ \t]*$")
_TITLE_MAX: Final = 60
#: a later compilation's own heading is looked for among this many lines before its first report
#: (the seed's preamble is two: the heading and a sentence that introduces the reports)
_PREAMBLE_LINES: Final = 3
_Head = tuple[int, int, int | None]  # a report heading: start, end, its number
_SENTENCE_END: Final = tuple("。！？!?；;，,：:")


def split_reports(source: str, text: str) -> list[Report]:
    """The reports of one document's text. Never raises; a text with no heading is one report.

    A file may hold several compilations one after another (an archive that pastes two ``…5篇``
    pages into one file): each run of headings numbered 1, 2, 3… is a compilation, all their
    reports are split out, and each report's ``meta["collection"]`` is its own compilation's.

    >>> two = "甲2篇\\n总结篇1\\n正文\\n总结篇2\\n正文\\n乙3篇\\n总结篇1\\n正文\\n总结篇2\\n正文\\n总结篇3\\n正文"
    >>> [(r.title, r.meta["collection"]["title"]) for r in split_reports("a.txt", two)][1:4]
    [('总结篇2', '甲2篇'), ('总结篇1', '乙3篇'), ('总结篇2', '乙3篇')]
    """
    if "篇" not in text and "范文" not in text and "範文" not in text:
        return [_report(source, 0, text, 0, len(text), None, {})]  # no compilation: no fold needed
    view = fold(text)
    runs = _runs([(m.start(), m.end(), _number(m)) for m in HEADING.finditer(view)])
    if not runs:
        return [_report(source, 0, text, 0, len(text), None, {})]
    # where each compilation starts: the file's start, then each next one's own …N篇 heading
    # line (or its first report heading when it has none); the report before it ends there
    starts = [0] + [_heading_line(view, prev[-1][1], run[0][0]) for prev, run in pairwise(runs)]
    out: list[Report] = []
    for c, run in enumerate(runs):
        coll = _collection(text[starts[c] : run[0][0]], len(run), len(out))
        meta: dict[str, Any] = {"collection": coll} if coll else {}
        ends = [h[0] for h in run[1:]] + [starts[c + 1] if c + 1 < len(runs) else len(text)]
        for (s, _, _), e in zip(run, ends, strict=True):
            eol = text.find("\n", s, e)
            out.append(_report(source, len(out), text, s, e, text[s : eol if eol >= 0 else e], meta))
    return out


def _number(m: re.Match[str]) -> int | None:
    raw = m.group("n1") or m.group("n2") or m.group("n3")
    v = parse_number(raw) if raw else None
    return int(v) if v is not None else None


def _runs(heads: Sequence[_Head]) -> list[list[_Head]]:
    """The runs of headings numbered 1, 2, 3… in order, of two headings at least.

    A heading out of turn is skipped (a stray ``篇3`` inside a report). A heading numbered 1
    starts a new run when a 2 comes after it before the current run's next number: a lone 1
    with nothing after it is a stray too.

    >>> [[n for _, _, n in r] for r in _runs([(k, k, n) for k, n in enumerate([2, 1, 2, 1, 3, 1, 2])])]
    [[1, 2, 3], [1, 2]]
    """
    runs: list[list[_Head]] = []
    cur: list[_Head] = []
    for i, h in enumerate(heads):
        want = (cur[-1][2] or 0) + 1 if cur else 1
        if h[2] == 1 and (not cur or _restarts(heads, i, want)):
            if len(cur) >= 2:
                runs.append(cur)
            cur = [h]
        elif cur and h[2] == want:
            cur.append(h)
    if len(cur) >= 2:
        runs.append(cur)
    return runs


def _restarts(heads: Sequence[_Head], i: int, want: int) -> bool:
    """Whether the heading numbered 1 at ``i`` starts a new run: a 2 comes after it before
    ``want``, the current run's next number. The look stops at the next 1, which decides for
    itself, so that all the looks together read the headings once (no slice: it would copy the
    rest of the list at every 1)."""
    for k in range(i + 1, len(heads)):
        n = heads[k][2]
        if n == 2:
            return True
        if n in (want, 1):
            return False
    return False


def _heading_line(view: str, lo: int, hi: int) -> int:
    """Where a compilation after the first starts: its own heading line (``乙3篇``), one of the
    last ``_PREAMBLE_LINES`` lines before its first report heading at ``hi`` and after ``lo``
    (the previous compilation's last report heading); ``hi`` when there is none. A line further
    up that ends in 篇 belongs to the previous report."""
    lines: list[tuple[int, str]] = []
    pos = lo
    for raw in view[lo:hi].split("\n"):
        if raw.strip():
            lines.append((pos + len(raw) - len(raw.lstrip()), raw.strip()))
        pos += len(raw) + 1
    for start, line in reversed(lines[-_PREAMBLE_LINES:]):
        if len(line) <= _TITLE_MAX and DECLARED.search(line):
            return start
    return hi


def _collection(preamble: str, found: int, first: int) -> dict[str, Any] | None:
    """What a compilation tells its reports: its title (the first line of the text before its
    first report), the count the title declares (…5篇), the count found and the index of its
    first report (where a ``heading_count`` finding belongs). None with no text before it.

    >>> _collection("\\n合集5篇\\n序言。\\n", 4, 0)
    {'title': '合集5篇', 'declared': 5, 'found': 4, 'first': 0}
    """
    if not preamble.strip():
        return None
    title = preamble.strip().splitlines()[0].strip()
    coll: dict[str, Any] = {"title": title}
    d = DECLARED.search(fold(title))
    if d is not None:
        n = parse_number(d.group("n"))
        coll["declared"] = int(n) if n is not None else None
    coll["found"] = found
    coll["first"] = first
    return coll


def _report(source: str, index: int, text: str, s: int, e: int, title: str | None,
            meta: dict[str, Any]) -> Report:
    body = text[s:e].rstrip()
    if title is None:
        title = _first_line_title(body)
    m = dict(meta)
    sig = signature(body)
    if sig:
        m["signature"] = sig
    return Report(source=source, index=index, title=title.strip() if title else None, text=body,
                  offset=s, meta=m)


def _first_line_title(body: str) -> str | None:
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) <= _TITLE_MAX and not line.endswith(_SENTENCE_END):
            return line
        return None
    return None


def signature(body: str) -> dict[str, Any]:
    """The signature block at the end of a report: the issuer line and the date line.

    >>> signature("正文。\\nxx省总工会\\n2018年xx月xx日")["issuer"]["text"]
    'xx省总工会'
    """
    tail: list[tuple[int, str]] = []  # the last three lines that are not blank, read from the end
    end = len(body)
    while end >= 0 and len(tail) < 3:
        start = body.rfind("\n", 0, end) + 1
        if body[start:end].strip():
            tail.insert(0, (start, body[start:end]))
        end = start - 1
    out: dict[str, Any] = {}
    for k in range(len(tail) - 1, -1, -1):
        p, ln = tail[k]
        stripped = ln.strip()
        if len(stripped) > 20:
            continue  # no date line
        dates = find_dates(stripped)
        if dates and len(dates[0].text) >= len(stripped) - 2:
            lead = len(ln) - len(ln.lstrip())
            d = dates[0]
            out["date_line"] = {"text": stripped, "span": [p + lead, p + lead + len(stripped)],
                                "start": d.start, "end": d.end}
            if k > 0:
                ip, il = tail[k - 1]
                issuer = il.strip()
                if 2 <= len(issuer) <= 30 and not issuer.endswith(_SENTENCE_END):
                    lead = len(il) - len(il.lstrip())
                    out["issuer"] = {"text": issuer, "span": [ip + lead, ip + lead + len(issuer)]}
            break
    return out


#: where a long report is best cut, in order of preference: after a paragraph (a line break),
#: after a sentence, after a clause
_CUT_AFTER: Final = ("\n", "。！？!?", "；;，,、")


def cut_long(report: Report, max_chars: int) -> list[Report]:
    """A report longer than ``max_chars`` cut into pieces of at most that many characters, each
    a report of its own (``meta["cut"]``: its number, how many, where it starts in the report);
    else the report itself. A piece ends after the last line break of its window, else the last
    sentence end, else the last clause mark, else at the window's end (a text of one endless
    line), and never inside a table: the table goes whole to the next piece when it fits there.

    A report this long is not a report but a dump (a yearbook, an export of a whole site): its
    facts are still read, piece by piece, and every stage stays within the time one piece takes.

    >>> [p.text for p in cut_long(Report("a", 0, None, "一二。三四。五六七", 0), 5)]
    ['一二。', '三四。', '五六七']
    >>> [p.meta["cut"]["part"] for p in cut_long(Report("a", 0, None, "一二。三四。五六七", 0), 5)]
    [1, 2, 3]
    """
    text = report.text
    if len(text) <= max_chars or max_chars <= 0:
        return [report]
    tables = sorted(t.span for t in report.tables)
    bounds: list[int] = [0]
    while len(text) - bounds[-1] > max_chars:
        lo = bounds[-1]
        hi = _cut_point(text, lo, lo + max_chars)
        for ts, te in tables:  # a table across the cut moves whole to the next piece
            if ts < hi < te and ts > lo and te - ts <= max_chars:
                hi = ts
        bounds.append(hi)
    bounds.append(len(text))
    pieces = list(pairwise(bounds))
    out = []
    for k, (s, e) in enumerate(pieces):
        meta = dict(report.meta)
        meta["cut"] = {"part": k + 1, "of": len(pieces), "start": s, "report_chars": len(text),
                       "max_chars": max_chars}
        if k:  # the signature block is the last piece's
            meta.pop("signature", None)
        out.append(Report(source=report.source, index=report.index, title=report.title, text=text[s:e],
                          offset=report.offset + s, meta=meta, tables=tables_within(report.tables, s, e)))
    return out


def _cut_point(text: str, lo: int, hi: int) -> int:
    """Where the piece ``[lo, hi)`` of ``text`` is best cut: just after its last line break, else
    its last sentence end, else its last clause mark, when that keeps at least half of it; else
    ``hi``."""
    floor = lo + (hi - lo) // 2
    for marks in _CUT_AFTER:
        at = max(text.rfind(m, floor, hi) for m in marks)
        if at >= floor:
            return at + 1
    return hi


def tables_within(tables: Sequence[Table], lo: int, hi: int) -> tuple[Table, ...]:
    """The tables that stand inside ``[lo, hi)`` of a text, with their spans and their cells' made
    offsets into ``text[lo:hi]``."""
    return tuple(_shift_table(t, -lo) for t in tables if lo <= t.span[0] and t.span[1] <= hi)


def _shift_table(table: Table, d: int) -> Table:
    cells = tuple(replace(c, span=(c.span[0] + d, c.span[1] + d)) for c in table.cells)
    return replace(table, span=(table.span[0] + d, table.span[1] + d), cells=cells)
