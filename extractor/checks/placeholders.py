"""``placeholder``: a template blank left unfilled (x, xx, X, ×, 某某, 20XX, ___, **, and before a
unit （ ） and 〇〇) where a number, date, name or place belongs. One finding per blank expression:
``2018年xx月xx日`` is one, and so are ``x万元`` and ``(__)__号``; never a Latin word (Excel, taxi),
a model number (X5, 4x4), ``×`` between numbers, the ``×`` of a legend (“×”为不按时), ``**`` emphasis
or a ruled line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Final

from ..facts.missing import is_missing
from ..lang.lexicon import LEXICON
from ..model import Count, DateFact, Finding, Money, Severity, Span
from .registry import Context, rule

__all__ = ["BLANK", "check_placeholders"]

BLANK: Final = re.compile(
    r"""
      [12xX×某_]                                        # a first character, consumed: the engine
                                                        # scans for it fast; what stands before it
                                                        # is read back from after it
      (?:
      (?<![A-Za-z0-9].)(?:(?<=1)9|(?<=2)0)[xX]{2}(?![A-Za-z0-9])  # 20XX年
    | (?<![A-Za-z].)(?<=[xX×])[xX×]{2,}+(?![A-Za-z])             # 138xxxxxxxx: masked digits
    | (?<![A-Za-z0-9].)(?<=[xX×])[xX×]*+(?![A-Za-z0-9])          # x, xx, X, ×× (never X5, 4x4)
    | (?<=某)某++                                                # 某某社区 (a lone 某 is ordinary anonymity)
    | (?<![A-Za-z].)(?<=_)_++(?:[()]_{2,}+)*+(?![A-Za-z])        # ___元, 撰写人:______, (__)__号 (one blank)
      )
    """,
    re.VERBOSE,
)
# an x right before these is a letter of a term (X光, X线, X展架), not a blank
_TERMS: Final = ("光", "线", "射线", "染色体", "展架", "型展架")
_CONTEXT: Final = 6
_STARS: Final = re.compile(r"\*{2,}+")
_STAR_BEFORE: Final = LEXICON.words("placeholder", "star_before")
_LEGEND_AFTER: Final = LEXICON.words("placeholder", "legend_after")
_OPEN_QUOTES, _CLOSE_QUOTES = "“\"'‘「『", "”\"'’」』"


@rule("placeholder", Severity.WARNING, "模板空白未填写")
def check_placeholders(ctx: Context) -> Iterator[Finding]:
    facts = {f.span: f for f in ctx.facts if f.placeholder}
    spans = sorted(facts)
    starts = [sp[0] for sp in spans]
    seen: set[tuple[int, int]] = set()
    # every blank the text shows, and every blank figure the scanner read (**元, （ ）户, 〇〇户)
    blanks = sorted({*_blanks(ctx.view), *(sp for sp, f in facts.items() if not is_missing(f))})
    for s, e in blanks:
        k = bisect.bisect_right(starts, s) - 1  # the blank fact that holds it starts at or before it
        owner = spans[k] if k >= 0 and e <= spans[k][1] else None
        span = owner or (s, e)
        if span in seen:
            continue
        seen.add(span)
        fact = facts[owner] if owner else None
        what = {Money: "金额", Count: "数量", DateFact: "日期"}.get(type(fact), "") if fact else ""
        severity = Severity.ERROR if what else Severity.WARNING
        before = ctx.text[max(0, span[0] - _CONTEXT) : span[0]].replace("\n", " ")
        after = ctx.text[span[1] : span[1] + _CONTEXT].replace("\n", " ")
        surface = ctx.text[span[0] : span[1]]
        message = f"模板空白未填写{('（' + what + '）') if what else ''}：…{before}【{surface}】{after}…"
        yield Finding("placeholder", severity, message, span)


def _blanks(view: str) -> list[Span]:
    """The spans of every blank expression of the folded text, in order."""
    out = [m.span() for m in BLANK.finditer(view)
           if not (view.startswith(_TERMS, m.end()) or _multiplication(view, *m.span())
                   or _legend(view, *m.span()) or _ruled_line(view, *m.span()))]
    return sorted(out + _star_blanks(view))


def _multiplication(view: str, s: int, e: int) -> bool:
    """3×5, 3 × 5米: a multiplication sign between numbers is no blank; nor is the X of a
    Latin name (iPhone X)."""
    if view[s:e] not in ("×", "x", "X"):
        return False
    left = view[max(0, s - 3) : s].rstrip(" ")[-1:]
    right = view[e : e + 3].lstrip(" ")[:1]
    return (left.isdigit() and right.isdigit()) or (left.isascii() and left.isalpha())


def _legend(view: str, s: int, e: int) -> bool:
    """“√”为按时;“×”为不按时: a lone mark in quotes that a legend explains is a symbol."""
    return e - s == 1 and s > 0 and e < len(view) and view[s - 1] in _OPEN_QUOTES \
        and view[e] in _CLOSE_QUOTES and view.startswith(_LEGEND_AFTER, e + 1)


def _ruled_line(view: str, s: int, e: int) -> bool:
    """A line of nothing but underscores is a rule across the page, not a blank to fill."""
    if view[s] != "_":
        return False
    before = view[max(0, s - 8) : s].rstrip(" ")
    after = view[e : e + 8].lstrip(" ")
    return ((before == "" and s <= 8) or before.endswith("\n")) and (after == "" or after.startswith("\n"))


def _star_blanks(view: str) -> list[Span]:
    """``**`` standing for a name left out (**市, 《**省残联): right before a place or name word
    (``[placeholder] star_before``) and not the closing mark of ``**emphasis**``, read line by
    line in one pass."""
    out: list[Span] = []
    if "**" not in view:
        return out
    open_at = -1  # where the emphasis opened on this line, or -1
    for m in _STARS.finditer(view):
        s, e = m.span()
        if open_at >= 0 and "\n" in view[open_at:s]:
            open_at = -1  # emphasis never runs across a line break
        if open_at < 0 and view.startswith(_STAR_BEFORE, e):
            out.append((s, e))
        elif open_at < 0:
            open_at = s
        else:
            open_at = -1
    return out
