"""The per-document function every front end shares: a file (or text) → records.

readers → split → one :class:`~extractor.reportdoc.ReportDoc` a report → the stages of
:data:`STAGES`, in order, each reading the doc and filling in what it makes → records. The CLI,
the bulk importer, a Dask cluster or a web service call :func:`extract_path` /
:func:`extract_text` and never reach past them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from .about.categories import campaign, categorize, doctype
from .calc import is_consistent
from .checks import run_checks
from .errors import ExtractorError
from .facts import extract_facts
from .model import Document, ErrorRecord, Record, Report, Table
from .paths import path_bytes, shown
from .readers import SUFFIXES, Limits, read_path
from .reportdoc import ReportDoc
from .structure.breakdowns import find_breakdowns
from .structure.split import split_reports
from .structure.tables import read_tables

__all__ = ["STAGES", "extract_document", "extract_path", "extract_report", "extract_text", "iter_paths"]

log = logging.getLogger(__name__)

Stage = Callable[[ReportDoc], None]


def facts_stage(doc: ReportDoc) -> None:
    """Money, counts and dates, with the subjects their clauses state."""
    doc.facts = extract_facts(doc.text, doc.view, doc.words)


def tables_stage(doc: ReportDoc) -> None:
    """The tables laid out, their cells' figures added to the facts and labelled."""
    doc.grid = read_tables(doc.text, doc.view, doc.facts, doc.tables)
    doc.facts = doc.grid.facts


def breakdowns_stage(doc: ReportDoc) -> None:
    """Totals and their parts (共…其中…, 合计 rows, 分别为…)."""
    doc.breakdowns = tuple(find_breakdowns(doc))


def about_stage(doc: ReportDoc) -> None:
    """The report's campaign and kind; each figure's subject, category, region and org."""
    doc.campaign = campaign(doc.title, doc.text)
    doc.facts = categorize(doc)
    doc.meta = {**doc.meta, "doctype": doctype(doc.title, doc.text), "campaign": doc.campaign}


def sums_stage(doc: ReportDoc) -> None:
    """Whether each breakdown's parts can add up to its total (:mod:`extractor.calc`)."""
    doc.breakdowns = tuple(replace(b, consistent=is_consistent(b, doc.facts)) for b in doc.breakdowns)


def checks_stage(doc: ReportDoc) -> None:
    """The auditor's rules (:mod:`extractor.checks`)."""
    doc.findings = run_checks(doc)


#: The stages of one report, in the order they run.
STAGES: tuple[Stage, ...] = (facts_stage, tables_stage, breakdowns_stage, about_stage, sums_stage, checks_stage)


def extract_report(report: Report, checks: bool = True) -> Record:
    """The record of one report: its facts, breakdowns and the checks' findings."""
    doc = ReportDoc.of(report)
    for stage in STAGES if checks else STAGES[:-1]:
        stage(doc)
    return doc.record()


def extract_document(doc: Document, checks: bool = True) -> list[Record]:
    """One record per report the document holds."""
    records = []
    for report in split_reports(doc.source, doc.text):
        meta = {"format": doc.format, "encoding": doc.encoding, **doc.meta, **report.meta}
        records.append(extract_report(replace(report, meta=meta, tables=_tables_in(doc.tables, report)), checks))
    return records


def _tables_in(tables: tuple[Table, ...], report: Report) -> tuple[Table, ...]:
    """The tables that stand inside a report, with spans made the report's own."""
    lo, hi = report.offset, report.offset + len(report.text)
    out = []
    for t in tables:
        if lo <= t.span[0] and t.span[1] <= hi:
            cells = tuple(replace(c, span=(c.span[0] - lo, c.span[1] - lo)) for c in t.cells)
            out.append(replace(t, span=(t.span[0] - lo, t.span[1] - lo), cells=cells))
    return tuple(out)


def extract_text(text: str, source: str = "<text>") -> list[Record]:
    """Records of a text given directly (no file)."""
    return extract_document(Document(source=source, text=text, format="txt"))


def extract_path(path: str | Path, limits: Limits | None = None, checks: bool = True) -> list[Record] | ErrorRecord:
    """Records of one file, or an error record that says why there are none. Never raises for a
    bad file; an unexpected exception in extraction is reported as ``internal_error``.

    A path that is not UTF-8 is the record's ``source`` as :func:`~extractor.paths.shown` writes
    it, its bytes in ``meta.path_bytes`` (of the records, or of the error row)."""
    source = shown(path)
    raw = path_bytes(path)
    meta = {"path_bytes": raw} if raw else {}
    try:
        doc = read_path(path, limits)
    except ExtractorError as e:
        return ErrorRecord(source, e.code, shown(e.message), meta)
    except Exception as e:  # a reader's bug on a strange file must not stop a batch either
        log.exception("reading failed on %s", source)
        return ErrorRecord(source, "internal_error", shown(f"内部错误（读取）：{type(e).__name__}: {e}"), meta)
    try:
        return extract_document(doc, checks)
    except Exception as e:  # a bug must not stop a batch; it is reported, not hidden
        log.exception("extraction failed on %s", source)
        return ErrorRecord(source, "internal_error", shown(f"内部错误：{type(e).__name__}: {e}"), meta)


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and under folders named (sorted, recursively) the files of a format the
    readers know (``readers.SUFFIXES``), but a folder's own README. A file named is always read,
    whatever its name.

    Nothing under a folder is left out without a word: a sub-folder that cannot be listed is
    given itself (its error row says ``unreadable``), and so is a FIFO, a device or a dangling
    link of a known suffix (``not_a_file``, ``read_failed``). Links to folders are not followed."""
    for p in map(Path, paths):
        if p.is_dir():
            # in the order of the paths' parts (Path's own), kept as strings while sorted: a folder of
            # a million files is held as a million strings, not a million Path objects
            yield from map(Path, sorted(_walk(str(p)), key=lambda s: s.split(os.sep)))
        else:
            yield p


def _walk(top: str) -> Iterator[str]:
    """The paths under the folder ``top`` that :func:`iter_paths` gives, as strings written as
    Path writes them; a folder that cannot be listed as its own path."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            yield folder
            continue
        base = "" if folder == "." else folder if folder.endswith(os.sep) else folder + os.sep
        for e in entries:
            try:
                is_dir = e.is_dir()
                is_link = e.is_symlink()
            except OSError:
                is_dir = is_link = False
            if is_dir and not is_link:
                stack.append(base + e.name)
            elif not is_dir and Path(e.name).suffix.lower() in SUFFIXES and not e.name.upper().startswith("README"):
                yield base + e.name
