"""extractor: facts and findings from Chinese summary reports.

>>> records = extract_text("共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户。")
>>> [(f.text, f.kind) for f in records[0].facts]
[('700余户', 'count'), ('150余户', 'count'), ('320余户', 'count')]
"""

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
