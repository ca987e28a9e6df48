"""Splitting: one file's text into the reports it holds, with titles and signature blocks.

A compilation (``春节工会送温暖活动总结5篇`` then ``...篇1`` … ``...篇5``) gives one report per
heading; anything else is one report. A report's text runs from its heading to the next one.

>>> [r.title for r in split_reports("a.txt", "合集2篇\\n序言\\n总结篇1\\n正文\\n总结篇2\\n正文")]
['总结篇1', '总结篇2']
"""

from __future__ import annotations

import re
from typing import Any

from .chars import fold
from .dates import find_dates
from .model import Report
from .numbers import parse_number

__all__ = ["signature", "split_reports"]

_NUM = r"[0-9一二三四五六七八九十]{1,3}"
# A heading that numbers one report of a compilation: 总结篇1, 范文二, 【篇三】, 第4篇.
HEADING = re.compile(
    rf"""^[ \t]*(?:
        (?P<stem>\S.{{0,40}}?)(?:篇|范文)\s*(?P<n1>{_NUM})
      | 【?\s*(?:篇|范文)\s*(?P<n2>{_NUM})\s*】?.{{0,40}}
      | 【?\s*第\s*(?P<n3>{_NUM})\s*篇(?!章)\s*】?.{{0,40}}
    )[ \t]*$""",
    re.VERBOSE | re.MULTILINE,
)
# The compilation's own heading: ...5篇 (how many reports it says it holds).
DECLARED = re.compile(rf"(?P<n>{_NUM})篇\s*$")
_TITLE_MAX = 60
_SENTENCE_END = tuple("。！？!?；;，,：:")


def split_reports(source: str, text: str) -> list[Report]:
    """The reports of one document's text. Never raises; a text with no heading is one report."""
    if "篇" not in text and "范文" not in text and "範文" not in text:
        return [_report(source, 0, text, 0, len(text), None, {})]  # no compilation: no fold needed
    view = fold(text)
    heads = [(m.start(), m.end(), _number(m)) for m in HEADING.finditer(view)]
    heads = _sequence(heads)
    if len(heads) < 2:
        return [_report(source, 0, text, 0, len(text), None, {})]
    preamble = text[: heads[0][0]]
    meta: dict[str, Any] = {}
    first = preamble.strip().splitlines()[0].strip() if preamble.strip() else ""
    if first:
        meta["collection"] = {"title": first}
        d = DECLARED.search(fold(first))
        if d is not None:
            n = parse_number(d.group("n"))
            meta["collection"]["declared"] = int(n) if n is not None else None
        meta["collection"]["found"] = len(heads)
    out = []
    for k, (s, _, _) in enumerate(heads):
        e = heads[k + 1][0] if k + 1 < len(heads) else len(text)
        out.append(_report(source, k, text, s, e, text[s : text.find("\n", s) if "\n" in text[s:e] else e], meta))
    return out


def _number(m: re.Match[str]) -> int | None:
    raw = m.group("n1") or m.group("n2") or m.group("n3")
    v = parse_number(raw) if raw else None
    return int(v) if v is not None else None


def _sequence(heads: list[tuple[int, int, int | None]]) -> list[tuple[int, int, int | None]]:
    """Keep the longest run of headings numbered 1, 2, 3… in order."""
    best: list[tuple[int, int, int | None]] = []
    for i, h in enumerate(heads):
        if h[2] != 1:
            continue
        run = [h]
        for h2 in heads[i + 1 :]:
            if h2[2] == (run[-1][2] or 0) + 1:
                run.append(h2)
        if len(run) > len(best):
            best = run
    return best


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
    lines = []
    pos = 0
    for line in body.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    tail = [(p, ln) for p, ln in lines if ln.strip()][-3:]
    out: dict[str, Any] = {}
    for k in range(len(tail) - 1, -1, -1):
        p, ln = tail[k]
        stripped = ln.strip()
        dates = find_dates(stripped)
        if len(stripped) <= 20 and dates and len(dates[0].text) >= len(stripped) - 2:
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
