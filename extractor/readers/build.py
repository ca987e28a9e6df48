"""Writing a document's text piece by piece while keeping where each piece went.

Every reader of a structured format (.docx, .pdf, .html) builds its ``Document`` through a
:class:`TextBuilder`, so that paragraphs, headings and tables land in the text the same way
whatever the format: a paragraph is a line; a table is one line a row with its cells apart by a
tab (a cell's own line breaks become spaces), and every cell keeps its span.

>>> b = TextBuilder("a.docx", "docx")
>>> b.paragraph("慰问情况", kind="heading")
>>> b.table([["单位", "户数"], ["哈密市", "125户"]])
>>> doc = b.build()
>>> doc.text
'慰问情况\\n单位\\t户数\\n哈密市\\t125户\\n'
>>> c = doc.tables[0].cell(1, 1)
>>> doc.text[c.span[0]:c.span[1]]
'125户'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import Block, BlockKind, Cell, Document, Table

__all__ = ["TextBuilder"]

_SPACE = re.compile(r"\s+")


class TextBuilder:
    """Accumulates text with its blocks and tables; ``build()`` gives the Document."""

    def __init__(self, source: str, fmt: str) -> None:
        self.source = source
        self.format = fmt
        self._parts: list[str] = []
        self._len = 0
        self._blocks: list[Block] = []
        self._tables: list[Table] = []
        self.meta: dict[str, Any] = {}

    def _write(self, s: str) -> tuple[int, int]:
        start = self._len
        self._parts.append(s)
        self._len += len(s)
        return start, self._len

    def paragraph(self, text: str, kind: BlockKind = "paragraph", page: int | None = None) -> None:
        """One paragraph as one line (its inner line breaks kept); blank ones are skipped."""
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if not text.strip():
            return
        span = self._write(text)
        self._write("\n")
        self._blocks.append(Block(kind, span, page))

    def table(self, rows: Sequence[Sequence[str | None]], page: int | None = None,
              spans: Sequence[Sequence[tuple[int, int]]] | None = None) -> None:
        """A table given row by row (None for a cell a merged cell covers); ``spans`` gives each
        cell's (rowspan, colspan) when the reader knows them."""
        rows = [list(r) for r in rows if any((c or "").strip() for c in r)]
        if not rows:
            return
        start = self._len
        cells: list[Cell] = []
        ncols = max(len(r) for r in rows)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if j:
                    self._write("\t")
                if value is None:
                    continue
                text = _SPACE.sub(" ", value).strip()
                s, e = self._write(text)
                rs, cs = spans[i][j] if spans is not None else (1, 1)
                cells.append(Cell(i, j, text, (s, e), rs, cs))
            self._write("\n")
        span = (start, self._len - 1)
        self._tables.append(Table(span, len(rows), ncols, tuple(cells), page))
        self._blocks.append(Block("table", span, page))

    def build(self, encoding: str | None = None) -> Document:
        return Document(source=self.source, text="".join(self._parts), format=self.format,
                        encoding=encoding, meta=self.meta, blocks=tuple(self._blocks),
                        tables=tuple(self._tables))
