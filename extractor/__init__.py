"""extractor: facts and findings from Chinese summary reports.

>>> from extractor import extract_text
>>> records = extract_text("共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户。")
>>> [(f.text, f.kind) for f in records[0].facts]
[('700余户', 'count'), ('150余户', 'count'), ('320余户', 'count')]

The names below load on first use (PEP 562), so that ``extractor --help`` and ``--version``
import none of the pipeline: ``import extractor`` costs nothing until a name is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import ExtractorError
    from .model import Breakdown, Count, DateFact, Document, ErrorRecord, Finding, Money, Record, Report
    from .pipeline import extract_document, extract_path, extract_report, extract_text

__all__ = [
    "Breakdown",
    "Count",
    "DateFact",
    "Document",
    "ErrorRecord",
    "ExtractorError",
    "Finding",
    "Money",
    "Record",
    "Report",
    "extract_document",
    "extract_path",
    "extract_report",
    "extract_text",
]
__version__ = "0.1.0"

#: public name → the module that defines it
_HOME = {"ExtractorError": "errors", **dict.fromkeys(("extract_document", "extract_path", "extract_report",
                                                     "extract_text"), "pipeline")}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME.get(name, 'model')}", __name__), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
