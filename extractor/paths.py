"""File paths as text any UTF-8 writer takes (JSON, SQL, a terminal), without losing a byte.

A POSIX file name is bytes. Python gives one that is not UTF-8 as a ``str`` holding lone
surrogates (``os.fsdecode``: the byte 0xFF becomes U+DCFF), which opens the file but which no
UTF-8 writer accepts. Such a path is **shown** with each byte that is not UTF-8 written as
``\\xHH`` (what Python's ``backslashreplace`` writes), and its exact bytes are kept beside it in
base64 (:func:`path_bytes`): ``os.fsdecode(base64.b64decode(b))`` opens the file again. A path
that is UTF-8 is shown as it is and has no such bytes: records of such files are unchanged.

>>> shown("corpus/a.txt"), path_bytes("corpus/a.txt")
('corpus/a.txt', None)
>>> p = os.fsdecode(b"in/bad\\xff\\xfename.txt")
>>> print(shown(p))
in/bad\\xff\\xfename.txt
>>> path_bytes(p)
'aW4vYmFk//5uYW1lLnR4dA=='
"""

from __future__ import annotations

import base64
import os

__all__ = ["path_bytes", "shown"]


def _raw(text: str) -> bytes:
    """The bytes a str with lone surrogates stands for: those of ``os.fsdecode`` (U+DC80..U+DCFF)
    back to their byte, any other one as UTF-8 would write it were it allowed."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def shown(path: str | os.PathLike[str]) -> str:
    """``path`` as valid UTF-8 text: unchanged when it is, else with every byte that is not UTF-8
    written ``\\xHH``. Also for any text that may hold a path (an OS error's message)."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _raw(text).decode("utf-8", "backslashreplace")
    return text


def path_bytes(path: str | os.PathLike[str]) -> str | None:
    """The bytes of ``path`` in base64 when it is not valid UTF-8 (what :func:`shown` cannot say
    exactly); None when it is."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return base64.b64encode(_raw(text)).decode("ascii")
    return None
