"""The groups and funds a report names, in order, for figures whose own sentence names none.

A report states its subject once and then gives figures about it: ``一、基本情况`` … ``共慰问困难群众
xx户`` followed by a table of 户数 per street, or ``建档立卡贫困户1,286户`` followed by ``累计脱贫1,142户``.
:class:`Topics` finds every taxonomy term of the report once (leftmost-longest, so ``困难职工子女``
is one term, not ``困难职工``) and answers "the last group (or fund) named before this offset in
its section" — a section runs from the last heading line (``一、``, ``（二）``, ``第三部分``, ``1.``)
to the next.

>>> t = Topics("一、基本情况\\n建档立卡贫困户1286户。累计脱贫1142户。\\n二、问题\\n剩余144户。")
>>> t.last("group", t.text.index("1142")).category
'registered_poor_households'
>>> t.last("group", t.text.index("144户")) is None
True
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Final

from ..about.taxonomy import TAXONOMY, Kind, TermMatch
from ..lang.chars import fold
from ..lang.lexicon import LEXICON
from ..model import Span

__all__ = ["Topics", "heading_starts", "within"]

# how many names back a figure's group or fund is looked for in its section
_LOOK_BACK: Final = 64


def heading_starts(text: str) -> list[int]:
    """Offsets of the lines of ``text`` that open a numbered section."""
    return [m.start() for m in LEXICON.heading.finditer(text)]


class Topics:
    """Taxonomy terms of one report's text, found on first use."""

    def __init__(self, text: str, view: str | None = None, sections: list[int] | None = None,
                 asides: Sequence[Span] = ()) -> None:
        self.text = text
        #: spans whose terms are no topic (a table's notes: :meth:`~.tables.Tables.notes`), in order
        self.asides = asides
        self.view = fold(text) if view is None else view
        self._sections = heading_starts(self.view) if sections is None else sections
        self._found: dict[Kind, tuple[list[int], list[TermMatch]]] = {}
        self._starts: dict[Kind, list[int]] = {}

    def section_start(self, offset: int) -> int:
        """Where the section holding ``offset`` starts (0 before the first heading)."""
        k = bisect.bisect_right(self._sections, offset) - 1
        return self._sections[k] if k >= 0 else 0

    def last(self, kind: Kind, before: int, ok: Callable[[str], bool] = lambda _: True) -> TermMatch | None:
        """The last term of ``kind`` ending at or before ``before`` in the section holding it
        whose category passes ``ok`` (among the section's last ``_LOOK_BACK`` terms of that kind);
        offsets are the text's."""
        ends, matches = self._terms(kind)
        lo = self.section_start(before)
        k = bisect.bisect_right(ends, before) - 1
        stop = max(-1, k - _LOOK_BACK)  # a bound, so that a section of a thousand names stays linear
        while k > stop and matches[k].start >= lo:
            if ok(matches[k].category):
                return matches[k]
            k -= 1
        return None

    def last_any(self, before: int) -> TermMatch | None:
        """The group or fund its section named last before ``before`` (the later of the two)."""
        found = [m for m in (self.last("group", before), self.last("fund", before)) if m is not None]
        return max(found, key=lambda m: m.end, default=None)

    def between(self, kind: Kind, lo: int, hi: int) -> list[TermMatch]:
        """The terms of ``kind`` inside ``[lo, hi)``, in order."""
        ends, matches = self._terms(kind)
        starts = self._starts[kind]  # the terms do not overlap: their starts are in order too
        k = bisect.bisect_right(ends, hi)
        return matches[min(k, bisect.bisect_left(starts, lo)):k]

    def _terms(self, kind: Kind) -> tuple[list[int], list[TermMatch]]:
        if kind not in self._found:
            matches = TAXONOMY.leftmost_longest(self.view, kind)
            if self.asides:
                matches = [m for m in matches if not within(self.asides, m.start)]
            self._found[kind] = ([m.end for m in matches], matches)
            self._starts[kind] = [m.start for m in matches]
        return self._found[kind]


def within(spans: Sequence[Span], offset: int) -> bool:
    """Whether ``offset`` falls inside one of ``spans`` (in order, none overlapping).

    >>> within([(2, 5), (9, 12)], 4), within([(2, 5), (9, 12)], 5)
    (True, False)
    """
    k = bisect.bisect_right(spans, offset, key=lambda s: s[0]) - 1
    return k >= 0 and spans[k][0] <= offset < spans[k][1]
