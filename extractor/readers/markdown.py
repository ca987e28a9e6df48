"""Markdown: the text a reader sees, with the markup taken out.

Standard library only. A CommonMark parser (markdown-it-py) was tried in thought and left out: by
CommonMark's flanking rules ``**“慰问”**发放`` is *not* bold (a closing ``**`` after punctuation
and before a letter does not close), so Chinese text written that way would keep its asterisks.
The rules here are line based and forgiving:

* ``# 标题`` (and ``#标题``, as Chinese writers often type it) and setext headings → ``heading``
  blocks without their ``#`` or underline;
* list items keep their marker as written (``1.`` ``-`` ``*`` ``+``) → ``list_item``; a line
  that continues an item is part of it;
* ``> `` quotes lose their marker; ``---`` rules are dropped;
* GitHub tables (a ``| a | b |`` header, a ``|---|---|`` row, body rows) go through
  :meth:`TextBuilder.table`;
* fenced code (````` ``` ````` or ``~~~``) is kept as written, fences aside;
* inline: emphasis markers (``**`` ``__`` ``*`` ``_`` ``~~``) removed, links and images give
  their text, code spans their code, backslash escapes and HTML entities resolved, HTML tags
  removed (``<br>`` is a line break).

A paragraph's lines stay lines.

>>> from extractor.readers import Limits
>>> doc = read("# 慰问情况\\n\\n共慰问 **700余户**。\\n\\n1. 单亲家庭\\n- 低保户\\n".encode(), "a.md", Limits())
>>> doc.text
'慰问情况\\n共慰问 700余户。\\n1. 单亲家庭\\n- 低保户\\n'
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import EmptyFileError, UnsupportedFormatError
from ..model import Document
from .build import TextBuilder
from .text import decode

if TYPE_CHECKING:
    from . import Limits

__all__ = ["markdown_to_document", "read", "strip_inline"]

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ATX = re.compile(
    r"""^\ {0,3}(?P<hashes>\#{1,6})
        (?: [ \t]+ (?P<text>.*?)                                    # '# 标题'
          | (?P<tight>[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f].*?)   # '#标题'
          | )                                                          # '#'
        (?: [ \t]+ \#+ )? [ \t]* $                                    # optional closing hashes
    """,
    re.VERBOSE,
)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST = re.compile(
    r"""^(?P<indent>[ \t]*)
        (?P<marker>[-*+]|\d{1,9}[.)])   # bullet, or number with . or )
        (?:[ \t]+(?P<rest>.*)|$)        # a space, then the item (or an empty item)
    """,
    re.VERBOSE,
)
_QUOTE = re.compile(r"^ {0,3}> ?")
_TABLE_DELIMITER = re.compile(r"^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")

_ESCAPABLE = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_ESCAPE = re.compile(rf"\\([{_ESCAPABLE}])")
_CODE_SPAN = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?|ftp|mailto):[^>\s]+)>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = (
    re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"),                                   # bold italic
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),                                      # bold
    re.compile(r"(~~)(?=\S)(.+?)(?<=\S)\1"),                                           # strikethrough
    re.compile(r"(\*)(?=[^\s*])(.+?)(?<=[^\s*])\1"),                                   # italic *x*
    re.compile(r"(?<![A-Za-z0-9_])(_)(?=[^\s_])(.+?)(?<=[^\s_])\1(?![A-Za-z0-9_])"),   # italic _x_, not in a word
)
# Private-use characters hold escaped characters and code spans while emphasis is removed.
_HOLD = "\ue000"
_HELD = re.compile(_HOLD + r"(\d+)" + _HOLD)


def strip_inline(line: str) -> str:
    """A line of Markdown as the words a reader sees.

    >>> strip_inline(r"共 **700余户**，见[附表](t.html)，`x*y`，2\\*3 &amp; *约*12.5万元")
    '共 700余户，见附表，x*y，2*3 & 约12.5万元'
    >>> strip_inline("**“慰问”**发放 snake_case_name")
    '“慰问”发放 snake_case_name'
    """
    held: list[str] = []

    def hold(s: str) -> str:
        held.append(s)
        return f"{_HOLD}{len(held) - 1}{_HOLD}"

    line = _CODE_SPAN.sub(lambda m: hold(m.group("code").strip(" ") or m.group("code")), line)
    line = _ESCAPE.sub(lambda m: hold(m.group(1)), line)
    line = _AUTOLINK.sub(lambda m: hold(m.group("url")), line)
    line = _IMAGE.sub(lambda m: m.group("alt"), line)
    line = _LINK.sub(lambda m: m.group("text"), line)
    line = _BR.sub("\n", line)
    line = _TAG.sub("", line)
    for pattern in _EMPHASIS:
        previous = None
        while previous != line:  # nested emphasis (**a *b* c**) needs more than one pass
            previous, line = line, pattern.sub(r"\2", line)
    line = html.unescape(line)
    return _HELD.sub(lambda m: held[int(m.group(1))], line)


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [strip_inline(c.strip()) for c in _CELL_SPLIT.split(s)]


def _is_table_start(lines: list[str], i: int) -> bool:
    if i + 1 >= len(lines) or "|" not in lines[i] or not _TABLE_DELIMITER.match(lines[i + 1]):
        return False
    return "|" in lines[i + 1] or "|" in lines[i].strip()[1:-1]


class _Parser:
    def __init__(self, builder: TextBuilder) -> None:
        self.b = builder

    def paragraph(self, lines: list[str]) -> None:
        text = "\n".join(strip_inline(s.strip()) for s in lines)
        self.b.paragraph("\n".join(s.strip() for s in text.split("\n") if s.strip()))

    def blocks(self, lines: list[str]) -> None:
        i, n = 0, len(lines)
        para: list[str] = []

        def flush() -> None:
            if para:
                self.paragraph(para)
                para.clear()

        while i < n:
            line = lines[i]
            if not line.strip():
                flush()
                i += 1
                continue
            if (m := _FENCE.match(line)) is not None:
                flush()
                fence = m.group("fence")
                body: list[str] = []
                i += 1
                while i < n and not (lines[i].strip().startswith(fence[0] * len(fence))
                                     and not lines[i].strip().strip(fence[0])):
                    body.append(lines[i].rstrip())
                    i += 1
                self.b.paragraph("\n".join(body))
                i += 1  # the closing fence (or the end)
                continue
            if para and _SETEXT.match(line):  # the underline of a setext heading
                self.b.paragraph(strip_inline(" ".join(s.strip() for s in para)), kind="heading")
                para.clear()
                i += 1
                continue
            if _RULE.match(line):
                flush()
                i += 1
                continue
            if (m := _ATX.match(line)) is not None:
                flush()
                self.b.paragraph(strip_inline((m.group("text") or m.group("tight") or "").strip()), kind="heading")
                i += 1
                continue
            if _QUOTE.match(line):
                flush()
                quoted: list[str] = []
                while i < n and lines[i].strip() and _QUOTE.match(lines[i]):
                    quoted.append(_QUOTE.sub("", lines[i], count=1))
                    i += 1
                self.blocks(quoted)
                continue
            if _is_table_start(lines, i):
                flush()
                header = _cells(lines[i])
                rows = [header]
                i += 2
                while i < n and lines[i].strip() and "|" in lines[i]:
                    cells = _cells(lines[i])
                    rows.append((cells + [""] * len(header))[: len(header)])
                    i += 1
                self.b.table(rows)
                continue
            if (m := _LIST.match(line)) is not None:  # an item may interrupt a paragraph, whatever its number
                flush()
                item = [f"{m.group('marker')} {m.group('rest') or ''}".rstrip()]
                i += 1
                # continuation: following lines that are not blank and start no other block
                while (i < n and lines[i].strip() and not _LIST.match(lines[i]) and not _ATX.match(lines[i])
                       and not _FENCE.match(lines[i]) and not _QUOTE.match(lines[i]) and not _RULE.match(lines[i])):
                    item.append(lines[i])
                    i += 1
                text = "\n".join(strip_inline(s.strip()) for s in item)
                self.b.paragraph(text, kind="list_item")
                continue
            if _REF_DEFINITION.match(line):
                i += 1
                continue
            para.append(line)
            i += 1
        flush()


def _front_matter_end(lines: list[str]) -> int:
    """The index of the first line after a YAML front matter block (0 if there is none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for k in range(1, min(len(lines), 60)):
        if lines[k].strip() in ("---", "..."):
            return k + 1 if all(":" in s or not s.strip() for s in lines[1:k]) else 0
    return 0


def markdown_to_document(text: str, source: str, encoding: str | None = None) -> Document:
    """The Document of a Markdown text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = TextBuilder(source, "md")
    _Parser(builder).blocks(lines[_front_matter_end(lines):])
    return builder.build(encoding)


def read(data: bytes, source: str, limits: Limits) -> Document:
    """A Markdown file: decoded as a text file is (the damage of damaged text in its meta), then
    its markup taken out."""
    decoded = decode(data, source)
    if not decoded.text.strip():
        raise EmptyFileError(source, "no text but a byte-order mark or white space（只有字节顺序标记或空白）")
    if "\x00" in decoded.text:
        raise UnsupportedFormatError(source, "binary content (NUL characters) is not text")
    doc = markdown_to_document(decoded.text, source, decoded.encoding)
    return replace(doc, meta={**doc.meta, **decoded.meta}) if decoded.meta else doc
