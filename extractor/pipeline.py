"""The per-document function every front end shares: a file (or text) → records.

readers → split → one :class:`~extractor.reportdoc.ReportDoc` a report → the stages of
:data:`STAGES`, in order, each reading the doc and filling in what it makes → records. The CLI,
the bulk importer, a Dask cluster or a web service call :func:`extract_path` /
:func:`extract_text` and never reach past them.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .about.categories import campaign, categorize, doctype
from .calc import is_consistent
from .changed import changed
from .checks import run_checks
from .errors import ExtractorError, LimitExceededError
from .facts import extract_facts
from .model import Document, ErrorRecord, Record, Report
from .paths import path_bytes, shown
from .readers import SUFFIXES, Limits, read_path
from .reportdoc import ReportDoc
from .structure.breakdowns import find_breakdowns
from .structure.split import cut_long, split_reports, tables_within
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
    doc.campaign = campaign(doc.title, doc.text, doc.view)
    doc.facts = categorize(doc)
    doc.meta = {**doc.meta, "doctype": doctype(doc.title, doc.text), "campaign": doc.campaign}


def sums_stage(doc: ReportDoc) -> None:
    """Whether each breakdown's parts can add up to its total (:mod:`extractor.calc`)."""
    doc.breakdowns = tuple(changed(b, consistent=is_consistent(b, doc.facts)) for b in doc.breakdowns)


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


def extract_document(doc: Document, checks: bool = True, limits: Limits | None = None) -> list[Record]:
    """One record per report the document holds; a report longer than ``limits.max_report_chars``
    gives one record per piece (:func:`~extractor.structure.split.cut_long`), the indexes
    numbering them all in order. Raises :class:`LimitExceededError` when the document's reports
    take longer than ``limits.max_extract_seconds`` (checked between pieces, each of which takes
    a bounded time)."""
    limits = limits or Limits()
    deadline = time.monotonic() + limits.max_extract_seconds
    records: list[Record] = []
    renumbered: dict[int, int] = {}  # a report's index → its first piece's
    for report in split_reports(doc.source, doc.text):
        renumbered[report.index] = len(records)
        meta = {"format": doc.format, "encoding": doc.encoding, **doc.meta, **report.meta}
        coll = meta.get("collection")
        if isinstance(coll, dict) and coll.get("first") in renumbered and renumbered[coll["first"]] != coll["first"]:
            meta["collection"] = {**coll, "first": renumbered[coll["first"]]}
        whole = changed(report, meta=meta,
                        tables=tables_within(doc.tables, report.offset, report.offset + len(report.text)))
        for piece in cut_long(whole, limits.max_report_chars):
            if time.monotonic() > deadline:
                raise LimitExceededError(doc.source, f"提取超过 {limits.max_extract_seconds:g} 秒上限，已停止"
                                                     f"（{len(records)} 份报告已读完）"
                                                     f" (extraction took over {limits.max_extract_seconds:g} s)")
            if piece.index != len(records):
                piece = changed(piece, index=len(records))
            records.append(extract_report(piece, checks))
    return records


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
        return extract_document(doc, checks, limits)
    except ExtractorError as e:
        return ErrorRecord(source, e.code, e.message)
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
            yield from map(Path, _walk(str(p)))
        else:
            yield p


def _walk(top: str) -> Iterator[str]:
    """The paths under the folder ``top`` that :func:`iter_paths` gives, as strings written as
    Path writes them, in the order of their parts: each folder's entries by name, a sub-folder's
    files where its name sorts among its siblings; a folder that cannot be listed as its own path
    there. Depth first, one folder's listing at a time: the first file comes at once, and what is
    held is the names along one branch, not every path of the tree (an archive of a million files
    in folders by year and month)."""
    listed = _listing(top)
    if listed is None:
        yield top
        return
    stack = [(_base(top), iter(listed))]
    while stack:
        base, entries = stack[-1]
        for name, is_folder in entries:
            path = base + name
            if not is_folder:
                yield path
                continue
            inside = _listing(path)
            if inside is None:
                yield path
                continue
            stack.append((_base(path), iter(inside)))
            break
        else:
            stack.pop()


def _base(folder: str) -> str:
    """What a name inside ``folder`` is joined to, as Path writes the joined path."""
    return "" if folder == "." else folder if folder.endswith(os.sep) else folder + os.sep


def _listing(folder: str) -> list[tuple[str, bool]] | None:
    """The names in ``folder`` that :func:`_walk` reads, sorted, each with whether it is a folder
    to go into (links to folders are not followed): the files of a format the readers know but a
    README, and the folders; None when the folder cannot be listed."""
    out: list[tuple[str, bool]] = []
    try:
        with os.scandir(folder) as listing:
            for e in listing:
                try:
                    is_dir = e.is_dir()
                    is_link = e.is_symlink()
                except OSError:
                    is_dir = is_link = False
                if is_dir and not is_link:
                    out.append((e.name, True))
                elif not is_dir and Path(e.name).suffix.lower() in SUFFIXES \
                        and not e.name.upper().startswith("README"):
                    out.append((e.name, False))
    except OSError:
        return None
    out.sort()  # by name (a folder's names differ)
    return out
