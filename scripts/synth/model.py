"""A report under construction: a list of tokens (plain text or figures carrying their gold
fact), the breakdowns and findings that point at them, and the step that turns it into the text
and its gold annotation.

Gold texts are never typed twice: every fact's ``text`` and every finding's snippet is sliced
from the finished text, after full-width digits and traditional characters (both 1:1 maps) have
been applied, so gold and text cannot drift apart.

>>> d = Doc()
>>> d.add("共慰问困难家庭", Tok("300余户", Fact("count", 300, "户", approx=True)), "。")
>>> text, doc = d.finish(str)
>>> doc["facts"][0]["text"], text
('300余户', '共慰问困难家庭300余户。')
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .numerals import Interval

__all__ = ["DPoint", "Doc", "Fact", "Flag", "Item", "Tok", "norm", "unique_in"]

Kind = Literal["money", "count", "date"]

_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Where a snippet's left context stops: it should not reach into the previous clause.
_CLAUSE_END = re.compile(r"[，。；：、！？,;:\n（）()]")


def norm(s: str) -> str:
    """The scorer's view of a text: full-width forms folded, white space dropped."""
    return "".join(s.translate(_WIDE).split())


def unique_in(snippet: str, text: str) -> bool:
    """Whether ``snippet`` occurs exactly once in ``text`` as the scorer locates it."""
    want, flat = norm(snippet), norm(text)
    k = flat.find(want)
    return bool(want) and k >= 0 and flat.find(want, k + 1) < 0


@dataclass(frozen=True, slots=True)
class DPoint:
    """One end of a date: ``y`` None when the year is not written, ``d`` 0 for the month's last day."""

    y: int | None
    m: int
    d: int


@dataclass(slots=True, eq=False)
class Fact:
    """The gold fact a token carries (values before conversion to the output form)."""

    kind: Kind
    value: int | None = None
    unit: str = ""
    approx: bool = False
    qualifier: str | None = None
    placeholder: bool = False
    optional: bool = False
    interval: Interval | None = None
    start: DPoint | None = None
    end: DPoint | None = None
    #: explicit years written in a date (year inference looks at all of a report's dates)
    years: tuple[int, ...] = ()
    #: whether the year-less ends take the report's year (not for ``20XX年…`` blanks)
    infer: bool = True
    #: a blank like ``x月x日``: nothing is known unless the report's year is
    null_without_year: bool = False
    #: what is counted (for keeping one value per group and measure word)
    subject: str = ""


@dataclass(slots=True, eq=False)
class Tok:
    """A piece of text, possibly a figure with its fact; ``start``/``end`` are set by ``finish``."""

    text: str
    fact: Fact | None = None
    start: int = 0
    end: int = 0


Item = str | Tok


@dataclass(slots=True)
class Flag:
    """A finding: its rule, the token it is about and how much context its snippet takes."""

    rule: str
    anchor: Tok
    left: int = 0
    right: int = 0
    detail: str = ""
    #: stop the left context at the previous clause boundary
    clip: bool = True
    #: the snippet starts ``left`` characters before this token (the verb of 共慰问困难家庭700余户)
    first: Tok | None = None


@dataclass(slots=True)
class Breakdown:
    kind: Literal["count", "money"]
    total: Tok
    parts: list[Tok]
    unit: str


@dataclass(slots=True)
class Doc:
    """A report being written: tokens in order, plus breakdowns and findings about them."""

    toks: list[Tok] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def add(self, *items: Item | Iterable[Item]) -> None:
        for it in items:
            if isinstance(it, str):
                if it:
                    self.toks.append(Tok(it))
            elif isinstance(it, Tok):
                self.toks.append(it)
            else:
                self.add(*it)

    def line(self, *items: Item | Iterable[Item]) -> None:
        self.add(*items, "\n")

    def finish(self, convert: Callable[[str], str]) -> tuple[str, dict[str, Any]]:
        """The report's text (after ``convert``, a 1:1 character map) and its gold entry."""
        pos = 0
        for t in self.toks:
            t.start, pos = pos, pos + len(t.text)
            t.end = pos
        raw = "".join(t.text for t in self.toks)
        text = convert(raw)
        if len(text) != len(raw):
            raise ValueError("convert must map characters 1:1")
        year = _report_year(t.fact for t in self.toks if t.fact is not None)
        facts = [_fact_json(t, text, year, convert) for t in self.toks if t.fact is not None]
        breakdowns = [_breakdown_json(b, convert) for b in self.breakdowns]
        flags = sorted(self.flags, key=lambda f: (f.anchor.start, f.rule))
        findings = [{"rule": f.rule, "text": snippet(text, f)} for f in flags]
        title = text[: text.find("\n")] if "\n" in text else text
        return text, {"title": title.strip(), "facts": facts, "breakdowns": breakdowns, "findings": findings}


def _report_year(facts: Iterable[Fact]) -> int | None:
    """The year a year-less date takes: the one year every explicit date of the report states."""
    years = {y for f in facts if f.kind == "date" for y in f.years}
    return years.pop() if len(years) == 1 else None


def _iso(p: DPoint, year: int | None) -> str:
    y = p.y if p.y is not None else year
    if y is None:
        if p.d == 0 and p.m == 2:
            raise ValueError("a year-less end of February needs a known year")  # never generated
        return f"--{p.m:02d}-{p.d or calendar.monthrange(2001, p.m)[1]:02d}"
    d = p.d or calendar.monthrange(y, p.m)[1]
    return f"{y:04d}-{p.m:02d}-{d:02d}"


def _fact_json(t: Tok, text: str, year: int | None, convert: Callable[[str], str]) -> dict[str, Any]:
    f = t.fact
    assert f is not None
    out: dict[str, Any] = {"kind": f.kind, "text": text[t.start : t.end]}
    if f.kind == "date":
        y = year if f.infer else None
        if f.start is None or f.end is None or (f.null_without_year and y is None and not f.years):
            out["start"] = out["end"] = None
        else:
            out["start"], out["end"] = _iso(f.start, y), _iso(f.end, y)
    else:
        out["value"] = f.value
        if f.kind == "count":
            out["unit"] = convert(f.unit)
        out["approx"] = f.approx
        if f.kind == "money":
            out["qualifier"] = f.qualifier
    out["placeholder"] = f.placeholder
    if f.optional:
        out["optional"] = True
    return out


def consistent(b: Breakdown) -> bool:
    """Whether the parts' summed interval meets the total's (interval arithmetic)."""
    def iv(t: Tok) -> Interval:
        assert t.fact is not None and t.fact.interval is not None
        return t.fact.interval

    return Interval.total([iv(p) for p in b.parts]).meets(iv(b.total))


def _breakdown_json(b: Breakdown, convert: Callable[[str], str]) -> dict[str, Any]:
    def value(t: Tok) -> int:
        assert t.fact is not None and t.fact.value is not None
        return t.fact.value

    return {"kind": b.kind, "total": value(b.total), "parts": [value(p) for p in b.parts],
            "unit": convert(b.unit) if b.kind == "count" else "元", "consistent": consistent(b)}


def snippet(text: str, f: Flag) -> str:
    """The finding's anchor with some context, widened until it is unique in ``text``."""
    s, e = (f.first or f.anchor).start, f.anchor.end
    a = max(0, s - f.left)
    if f.clip:
        cut = [m.end() for m in _CLAUSE_END.finditer(text, a, s)]
        if cut:
            a = cut[-1]
    b = min(len(text), e + f.right)
    while not unique_in(text[a:b], text):
        if a > 0 and (s - a <= b - e or b >= len(text)):
            a -= 1
        elif b < len(text):
            b += 1
        else:  # the whole text: unique by definition
            break
    return text[a:b].strip()

