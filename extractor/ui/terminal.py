"""Text of documents and file names made safe to print on a terminal.

A report's text, title or file name may hold control characters: an escape sequence in a title
(``\\x1b]0;…\\x07`` sets the terminal's title, ``\\x1b[2J`` clears its screen, ``\\x1b[8m`` hides
what follows) would act on the auditor's terminal rather than be read. Everything the text audit
and the CLI's messages print from a document or a name goes through :func:`printable`, which
writes each C0 control but the line feed and the tab, DEL and each C1 control as ``\\xHH``: it
stays visible, does nothing, and says what was there.

>>> printable("春节慰问\\x1b]0;pwned\\x07\\x1b[2J总结\\x9b\\x7f")
'春节慰问\\\\x1b]0;pwned\\\\x07\\\\x1b[2J总结\\\\x9b\\\\x7f'
>>> printable("共700户\\t其中\\n200户")
'共700户\\t其中\\n200户'
"""

from __future__ import annotations

__all__ = ["printable"]

#: C0 but tab and line feed, DEL, C1 → ``\xHH``
_ESCAPED = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (0x09, 0x0A)}


def printable(text: str) -> str:
    """``text`` with every control character that a terminal would act on written ``\\xHH``."""
    return text.translate(_ESCAPED)
