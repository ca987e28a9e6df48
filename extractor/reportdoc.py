"""One report as every stage reads it, built once: in the spirit of spaCy's ``Doc``.

A :class:`ReportDoc` holds the report's text and its folded view, and what several stages read
of them: the sentences and clauses (cut once, where :mod:`extractor.lang.segment` says a sentence
ends), the sections (the numbered heading lines), the taxonomy terms named in it, the tables the
reader found, and the words of each clause a stage segments (segmented once a report). The
pipeline's stages (:data:`extractor.pipeline.STAGES`) each read it and fill in what they make:
the facts, the tables laid out, the breakdowns, the campaign, the findings. The checks read it
too: a rule sees a ``ReportDoc``.

>>> from extractor.model import Report
>>> text = "一、概况\\n共慰問700戶。其中低保戶200戶。"
>>> doc = ReportDoc.of(Report(source="<t>", index=0, title=None, text=text, offset=0))
>>> doc.view[-10:]
'其中低保户200户。'
>>> [doc.text[s:e] for _, (s, e) in doc.sentences]
['一、概况', '共慰問700戶。', '其中低保戶200戶。']
>>> doc.sentences[doc.sentence_at(doc.text.index("200"))][1]
(13, 23)
>>> doc.sections
[0]
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .lang.chars import fold
from .lang.segment import Token, Words, by_clause, clauses, sentences
from .model import Breakdown, Fact, Finding, Record, Report, Span, Table
from .structure.topics import Topics, heading_starts

if TYPE_CHECKING:
    from .structure.tables import Tables

__all__ = ["ReportDoc"]


@dataclass(eq=False)
class ReportDoc:
    """One report, its text read once, and what the stages have made of it so far."""

    source: str
    index: int
    title: str | None
    text: str
    #: the text folded (traditional to simplified, full-width to half-width), of the same length
    view: str
    meta: dict[str, Any] = field(default_factory=dict)
    #: the tables the reader found (.docx, .pdf, .html), spans in this text
    tables: tuple[Table, ...] = ()
    # --- what the stages make, in the order they run ------------------------------------------
    facts: tuple[Fact, ...] = ()
    #: the tables laid out (the reader's and those written in the text), once read
    grid: Tables | None = None
    breakdowns: tuple[Breakdown, ...] = ()
    #: the campaign the report belongs to (送温暖, 金秋助学…), or None
    campaign: dict[str, Any] | None = None
    findings: tuple[Finding, ...] = ()
    #: work two rules share (below_minimum and above_maximum pair the same rates)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, report: Report) -> ReportDoc:
        return cls(report.source, report.index, report.title, report.text, fold(report.text), dict(report.meta),
                   report.tables)

    @classmethod
    def of_record(cls, record: Record) -> ReportDoc:
        """A record's report as the checks saw it (the audit reads which figures restate others so)."""
        return cls(record.source, record.index, record.title, record.text, fold(record.text), dict(record.meta),
                   facts=record.facts, breakdowns=record.breakdowns, findings=record.findings)

    # --- the text, cut once --------------------------------------------------------------------

    @cached_property
    def sentences(self) -> tuple[tuple[str, Span], ...]:
        """The sentences (text and span), blank ones dropped."""
        return sentences(self.text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for _, (s, _) in self.sentences]

    def sentence_at(self, pos: int) -> int:
        """The index of the sentence that holds ``pos`` (or the last one before it; 0 if none)."""
        return max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)

    @cached_property
    def clauses(self) -> list[tuple[str, Span]]:
        """The clauses (sentences further cut at ，；：、), each with its span."""
        return clauses(self.text)

    def by_clause(self, starts: list[int]) -> list[tuple[Span, list[int]]]:
        """The clauses that hold one of ``starts`` (ascending offsets), with the indexes into
        ``starts`` of those each holds, in order (the cut the facts stage made, reused)."""
        return by_clause(self.text, starts)

    @cached_property
    def sections(self) -> list[int]:
        """Where the numbered sections start (``一、``, ``（二）``, ``第三部分``, ``1.`` lines)."""
        return heading_starts(self.view)

    @cached_property
    def topics(self) -> Topics:
        """The groups and funds the report names, found on first use."""
        return Topics(self.text, self.view, self.sections)

    @cached_property
    def words(self) -> Words:
        """The words of the view's clauses, each window segmented once a report."""
        return Words(self.view)

    def tokens(self, windows: list[Span]) -> list[list[Token]]:
        """Tokens of each window of the view (offsets into it)."""
        return self.words.of(windows)

    def record(self) -> Record:
        """The record of what the stages made."""
        return Record(source=self.source, index=self.index, title=self.title, text=self.text, facts=self.facts,
                      breakdowns=self.breakdowns, findings=self.findings, meta=self.meta)
