"""Counts: a numeral with a measure word that counts people, households, units or events.

Candidates come from the figure scanner; a candidate written in Chinese numerals is kept only
when the segmenter does not read it as part of a longer word (千家万户, 一户一策, 八项规定), and
each count gets the subject its sentence states.

>>> [(c.text, str(c.value), c.unit, c.subject) for c in find_counts("共慰问困难家庭700余户")]
[('700余户', '700', '户', '困难家庭')]
"""

from __future__ import annotations

import bisect
from typing import Final

from ..lang.chars import fold
from ..lang.segment import Token, Words, by_clause, segment_windows
from ..model import Count, Span
from .figures import Figure, scan_figures
from .subjects import find_subject

__all__ = ["counts_from_figures", "find_counts"]

# how far from its figure a subject may start or end (subjects.MAX_LEN, and a word of margin);
# after it, as far as a short clause that qualifies the people it counts (为10多名春节期间仍坚持工作
# 岗位上的一线人员)
_REACH: Final = 10
_REACH_AFTER: Final = 24
# how far around its figure a count's words are read (a subject is at most 16 characters)
_AROUND: Final = 24
# tags of jieba words that are themselves a numeral and a measure word (两名, 余户, 一户)
_NUMERAL_TAGS: Final = ("m", "q", "mq")


def find_counts(text: str) -> list[Count]:
    """Every count in ``text``, in order, with its subject. Never raises."""
    view = fold(text)
    return counts_from_figures(text, [f for f in scan_figures(text, view) if f.kind == "count"], view)


def counts_from_figures(text: str, figures: list[Figure], view: str | None = None,
                        words: Words | None = None) -> list[Count]:
    """Counts from the scanner's count figures: lexical check, then subjects, clause by clause.

    Only clauses that hold a count are segmented: text with no figure costs no segmentation.
    The segmenter reads the folded view (traditional folded to simplified, the same length), so
    its dictionary serves traditional reports too; subjects are cut from the original text."""
    if not figures:
        return []
    view = fold(text) if view is None else view
    out: list[Count] = []
    groups = _by_clause(text, figures)
    # the clauses (the categories stage reads the same ones: segmented once), all in one call; a
    # subject lies within _REACH characters of its figure, so only the words that reach that far
    # are read
    tokens_of = segment_windows(view, [span for span, _ in groups], words)
    for ((cs, ce), here), clause_tokens in zip(groups, tokens_of, strict=True):
        lo, hi = max(cs, here[0].start - _REACH), min(ce, here[-1].end + _REACH_AFTER)
        # a window's words follow each other (each starts where the one before ends): those that
        # reach into a span are a slice, found by bisection (a clause of a thousand figures
        # stays linear)
        starts = [t.start for t in clause_tokens]
        ends = [t.end for t in clause_tokens]
        for f in here:
            # the words within the reach of a subject (_MAX_LEN) and its bridge words
            tokens = clause_tokens[bisect.bisect_right(ends, max(lo, f.start - _AROUND)):
                                   bisect.bisect_left(starts, min(hi, f.end + _AROUND))]
            if f.chinese and (_inside_word(tokens, f.start, f.end, _lead(view, f)) or _slogan(text, f)):
                continue
            subject = find_subject(tokens, f.start, f.end, text)
            out.append(_count(f, subject))
    return out


def _by_clause(text: str, figures: list[Figure]) -> list[tuple[Span, list[Figure]]]:
    """The clauses that hold figures, each with its figures, in order."""
    queue = sorted(figures, key=lambda f: f.start)
    return [(span, [queue[k] for k in here]) for span, here in by_clause(text, [f.start for f in queue])]


def _inside_word(tokens: list[Token], start: int, end: int, lead: int = 0) -> bool:
    """True when a dictionary word that is not a numeral runs across the figure's edge; a word of
    the figure, or of its first part, and the ``lead`` characters of its approximation word before
    it (近千人, 上千人: jieba's idioms; 上千人 of 上千人次) is the figure's own."""
    for t in tokens:
        if t.end <= start or t.start >= end:
            continue
        if lead and t.start == start - lead and t.end <= end:
            continue
        if (t.start < start or t.end > end) and not t.tag.startswith(_NUMERAL_TAGS) and t.tag != "un":
            return True
    return False


def _lead(view: str, f: Figure) -> int:
    """The length of the approximation word written right before the figure (近千人: 1), else 0."""
    w = f.approx_word
    return len(w) if w and view.endswith(w, 0, f.start) else 0


def _slogan(text: str, f: Figure) -> bool:
    """“六个精准”, “五个一批”: a Chinese numeral opening a short quoted phrase is a slogan."""
    if f.start == 0 or text[f.start - 1] not in "“「『\"'‘":
        return False
    close = min((k for k in (text.find(q, f.end, f.end + 8) for q in "”」』\"'’") if k >= 0), default=-1)
    return close >= 0


def _count(f: Figure, subject: tuple[str, Span] | None) -> Count:
    return Count(
        text=f.surface,
        span=(f.start, f.end),
        value=f.value,
        unit=f.unit,
        approx=f.approx_word is not None,
        qualifier=f.qualifier,
        placeholder=f.placeholder,
        subject=subject[0] if subject else None,
        subject_span=subject[1] if subject else None,
        approx_word=f.approx_word,
        quantum=f.quantum,
        rounded=f.rounded,
    )
