"""``placeholder``: a template blank left unfilled (x, xx, X, ×, 某某, 20XX) where a number,
date, name or place belongs. One finding per blank expression: ``2018年xx月xx日`` is one, and so
is ``x万元``; never a Latin word (Excel, taxi), a model number (X5, 4x4) or ``×`` between numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Count, DateFact, Finding, Money, Severity
from . import Context, rule

__all__ = ["BLANK", "check_placeholders"]

BLANK = re.compile(
    r"""
      (?<![A-Za-z0-9])(?:19|20)[xX]{2}(?![A-Za-z0-9])  # 20XX年
    | (?<![A-Za-z])[xX×]{3,}+(?![A-Za-z])              # 138xxxxxxxx: masked digits
    | (?<![A-Za-z0-9])[xX×]++(?![A-Za-z0-9])           # x, xx, X, ×× (never X5, 4x4)
    | 某某++                                            # 某某社区 (a lone 某 is ordinary anonymity)
    """,
    re.VERBOSE,
)
# an x right before these is a letter of a term (X光, X线, X展架), not a blank
_TERMS = ("光", "线", "射线", "染色体", "展架", "型展架")
_CONTEXT = 6


@rule("placeholder", Severity.WARNING, "模板空白未填写")
def check_placeholders(ctx: Context) -> Iterator[Finding]:
    blanks_in_facts = [f for f in ctx.facts if f.placeholder]
    spans = sorted(f.span for f in blanks_in_facts)
    seen: set[tuple[int, int]] = set()
    for m in BLANK.finditer(ctx.view):
        s, e = m.span()
        if ctx.view.startswith(_TERMS, e) or _multiplication(ctx.view, s, e):
            continue
        owner = next((sp for sp in spans if sp[0] <= s and e <= sp[1]), None)
        span = owner or (s, e)
        if span in seen:
            continue
        seen.add(span)
        fact = next((f for f in blanks_in_facts if f.span == owner), None) if owner else None
        what = {Money: "金额", Count: "数量", DateFact: "日期"}.get(type(fact), "") if fact else ""
        severity = Severity.ERROR if what else Severity.WARNING
        before = ctx.text[max(0, span[0] - _CONTEXT) : span[0]].replace("\n", " ")
        after = ctx.text[span[1] : span[1] + _CONTEXT].replace("\n", " ")
        surface = ctx.text[span[0] : span[1]]
        message = f"模板空白未填写{('（' + what + '）') if what else ''}：…{before}【{surface}】{after}…"
        yield Finding("placeholder", severity, message, span)


def _multiplication(view: str, s: int, e: int) -> bool:
    """3×5, 3 × 5米: a multiplication sign between numbers is no blank; nor is the X of a
    Latin name (iPhone X)."""
    if view[s:e] not in ("×", "x", "X"):
        return False
    left = view[max(0, s - 3) : s].rstrip(" ")[-1:]
    right = view[e : e + 3].lstrip(" ")[:1]
    return (left.isdigit() and right.isdigit()) or (left.isascii() and left.isalpha())
