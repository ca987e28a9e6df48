"""Reader of .html files (to be written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UnsupportedFormatError
from ..model import Document

if TYPE_CHECKING:
    from . import Limits

__all__ = ["read"]


def read(data: bytes, source: str, limits: Limits) -> Document:
    raise UnsupportedFormatError(source, "html files are not read yet")
