"""Bulk import: folders of reports into the store, restartable, on local cores or a Dask cluster.

Every input file ends as documents or as an error row, once. A file is known by the SHA-256 of
its content: a run skips what the store already holds, and writes each batch of files in one
transaction, so a run killed at any moment (``kill -9``) and started again finishes the job with
each document exactly once. The work per file is :func:`process_file`, the same per-document
function the CLI uses; a Dask cluster runs it on batches of files, not one task a file.
"""

from __future__ import annotations

import glob
import hashlib
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from ..errors import DependencyMissingError, ExtractorError, ReadError, SchedulerUnavailableError
from ..model import ErrorRecord
from ..paths import shown
from ..pipeline import extract_path, iter_paths
from ..progress import Progress, Tally
from ..readers import open_file
from ..resources import build_id
from ..totals import record_roles
from .jsonl import error_to_dict, record_to_dict
from .store import FileResult, Store, open_store

T = TypeVar("T")

__all__ = ["IngestSummary", "Progress", "ingest", "paths_from", "process_batch", "process_file"]


def _sha256(path: Path) -> str:
    """The SHA-256 of a regular file's content; :class:`ExtractorError` for anything else (a FIFO
    or a device is never read: it could block or never end) or when it cannot be read."""
    h = hashlib.sha256()
    with open_file(path) as fh:
        try:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        except OSError as e:
            raise ReadError(shown(path), e.strerror or shown(str(e))) from e
    return h.hexdigest()


def process_file(path: str) -> FileResult:
    """Extract one file (never raises): its records as contract dicts and the role of each of
    their facts in the totals (:func:`~extractor.totals.record_roles`), or its error."""
    p = Path(path)
    try:
        sha = _sha256(p)
        size = p.stat().st_size
    except (OSError, ExtractorError) as e:
        code, message = (e.code, e.message) if isinstance(e, ExtractorError) else (
            "read_failed", f"无法读取文件：{e.strerror or shown(str(e))}")
        return FileResult(path, hashlib.sha256(os.fsencode(path)).hexdigest(), 0, (), code, shown(message),
                          build=build_id())
    result = extract_path(p)
    if isinstance(result, ErrorRecord):
        d = error_to_dict(result)
        return FileResult(path, sha, size, (), d["error"]["code"], d["error"]["message"], build=build_id())
    return FileResult(path, sha, size, tuple(record_to_dict(r) for r in result),
                      roles=tuple(tuple(None if x is None else x.value for x in record_roles(r)) for r in result),
                      build=build_id())


def process_batch(paths: Sequence[str]) -> list[FileResult]:
    """:func:`process_file` over a batch: the unit of work a pool or a cluster is given."""
    return [process_file(p) for p in paths]


@dataclass
class IngestSummary(Tally):
    """What an import did: :class:`~extractor.progress.Tally`'s counts, and the facts, findings
    by rule, the skipped files that are stored as errors, the time taken."""

    facts: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    skipped_errors: int = 0
    seconds: float = 0.0
    #: files stored by an older build and extracted again (counted in ``files`` too)
    refreshed: int = 0

    def add(self, r: FileResult, refreshed: bool = False) -> None:
        self.files += 1
        self.refreshed += refreshed
        self.bytes += r.size
        if r.error_code:
            self.errors[r.error_code] += 1
        self.documents += len(r.records)
        for rec in r.records:
            self.facts += len(rec["facts"])
            self.findings.update(f["rule"] for f in rec["findings"])

    def skip(self, error: bool) -> None:
        """A file whose content is stored already (``error``: as an error row)."""
        self.skipped += 1
        self.skipped_errors += error

    @property
    def failed(self) -> bool:
        """Some file of the inputs is an error row: written by this run or stored before."""
        return bool(self.errors) or self.skipped_errors > 0

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "refreshed": self.refreshed, "skipped": self.skipped,
                "skipped_errors": self.skipped_errors,
                "documents": self.documents, "facts": self.facts,
                "mb": round(self.bytes / 1e6, 3), "seconds": round(self.seconds, 2),
                "findings": dict(sorted(self.findings.items())), "errors": dict(sorted(self.errors.items()))}

    def text(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        stored_errors = f"，其中错误 {self.skipped_errors}" if self.skipped_errors else ""
        again = f"，旧版本入库而重新提取 {self.refreshed}" if self.refreshed else ""
        lines = [f"文件 {self.files}（跳过已入库 {self.skipped}{stored_errors}{again}），文档 {self.documents}，"
                 f"事实 {self.facts}，{self.bytes / 1e6:.1f} MB，{self.seconds:.1f} 秒（{rate:.1f} 文档/秒）"]
        if self.findings:
            lines.append("发现：" + "，".join(f"{k} {v}" for k, v in sorted(self.findings.items())))
        lines.append("错误：" + ("，".join(f"{k} {v}" for k, v in sorted(self.errors.items())) or "无"))
        return "\n".join(lines)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they come."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


#: files looked at, deduplicated against the store and extracted together: what the import holds
#: of the file list at once, so that its memory stays flat however many files there are
CHUNK = 2048


def ingest(inputs: Iterable[str | Path], db: str, *, workers: int = 1, engine: str = "local",
           scheduler: str | None = None, batch_size: int = 64, progress: TextIO | None = None,
           store: Store | None = None, refresh: bool = True) -> IngestSummary:
    """Ingest every file under ``inputs`` into the store at ``db`` and say what was done.

    The files are read a chunk of :data:`CHUNK` at a time: each chunk's contents are looked up in
    the store (a file stored before, by this run or an earlier one, is skipped and its path
    recorded), its new files extracted by the workers and written, batch by batch. Nothing kept
    grows with the number of files.

    A file stored by another build of the extractor (:func:`~extractor.resources.build_id`: an
    upgrade, a new model, a store from before builds were kept) is extracted again and its rows
    replaced, its reviews kept (they are keyed by content and span); ``refresh=False`` skips it
    as stored."""
    started = time.monotonic()
    own = store is None
    store = store or open_store(db)
    try:
        inputs = list(inputs)
        summary = IngestSummary()
        bar = None
        if progress is not None:  # a first walk for the totals (sizes only: nothing is read)
            bar = Progress.counting(iter_paths(inputs), progress)
        with _Runner(workers, engine, scheduler) as runner:
            for chunk in _chunks(iter_paths(inputs), CHUNK):
                todo, aliases, stale = _new_files(chunk, store, summary, refresh)
                for batch in runner.run(todo, batch_size):
                    written = store.write(batch, refresh=refresh)
                    for r in written:
                        summary.add(r, r.sha256 in stale)
                    for r in _unwritten(batch, written):
                        summary.skip(r.error_code is not None)  # another import stored it meanwhile
                    if bar:
                        bar.update(summary)
                store.add_paths(aliases)  # after the chunk's files: a path names stored content
                if bar:
                    bar.update(summary)
        summary.seconds = time.monotonic() - started
        if bar:
            bar.update(summary, final=True)
        return summary
    finally:
        if own:
            store.close()


def _unwritten(batch: list[FileResult], written: list[FileResult]) -> list[FileResult]:
    """The results of ``batch`` that :meth:`Store.write` left out (stored meanwhile)."""
    kept = {id(r) for r in written}
    return [r for r in batch if id(r) not in kept]


def _new_files(chunk: list[Path], store: Store, summary: IngestSummary,
               refresh: bool) -> tuple[list[str], list[tuple[str, str]], set[str]]:
    """The files of ``chunk`` to extract (one a content: not stored yet or, with ``refresh``,
    stored by another build; not twice in the chunk), the (path, sha) of the others, whose content
    is stored, and the contents to extract again; unreadable files go to the workers, which
    write their error rows."""
    todo: list[str] = []
    hashed: list[tuple[str, str]] = []
    for p in chunk:
        try:
            hashed.append((str(p), _sha256(p)))
        except (OSError, ExtractorError):
            todo.append(str(p))
    stored = store.stored_among([sha for _, sha in hashed])
    aliases: list[tuple[str, str]] = []
    taken: set[str] = set()
    stale: set[str] = set()
    build = build_id() if refresh else ""
    for path, sha in hashed:
        known = stored.get(sha)
        if sha in taken or (known is not None and not known.stale(build)):
            summary.skip(known is not None and known.status == "error")
            aliases.append((path, sha))
        else:
            taken.add(sha)
            todo.append(path)
            if known is not None:
                stale.add(sha)
    return todo, aliases, stale


class _Runner:
    """Where the batches are extracted: this process, a pool of local processes or a Dask
    cluster, set up once for the whole import."""

    def __init__(self, workers: int, engine: str, scheduler: str | None) -> None:
        self.workers, self.engine, self.scheduler = workers, engine, scheduler
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None

    def __enter__(self) -> _Runner:
        if self.engine == "dask":
            try:
                from dask.distributed import Client
            except ImportError as e:  # an optional dependency: say how to get it
                raise DependencyMissingError(
                    "--engine dask", "Dask 引擎需要 dask[distributed]：pip install 'extractor[dask]'") from e
            try:
                self._client = (Client(self.scheduler) if self.scheduler
                                else Client(processes=True, n_workers=os.cpu_count() or 1))
            except OSError as e:  # no scheduler there (Dask's timeout is an OSError too)
                raise SchedulerUnavailableError(self.scheduler or "Dask", str(e)) from e
        elif self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # an import that failed (a full disk, a store gone) does not wait for the batches queued
            self._pool.shutdown(cancel_futures=exc[0] is not None)
        if self._client is not None:
            self._client.close()

    def run(self, todo: list[str], batch_size: int) -> Iterator[list[FileResult]]:
        """Results batch by batch, in whatever order the workers finish them."""
        batches = list(_chunks(todo, batch_size))
        if self._client is not None:
            yield from _run_dask(self._client, batches)
        elif self._pool is None:
            for b in batches:
                yield process_batch(b)
        else:
            # small batches keep every core busy to the end; results stream back as they finish
            small = [b for big in batches for b in _chunks(big, max(1, batch_size // (2 * self.workers)))]
            pending: list[list[FileResult]] = []
            for r in self._pool.map(process_batch, small):
                pending.append(r)
                if sum(len(x) for x in pending) >= batch_size:
                    yield [x for b in pending for x in b]
                    pending = []
            if pending:
                yield [x for b in pending for x in b]


def _run_dask(client: Any, batches: list[list[str]]) -> Iterator[list[FileResult]]:
    from dask.distributed import as_completed

    # no list of futures is kept: each is released once its batch is written, so memory stays
    # flat however many batches there are
    for fut in as_completed(client.map(process_batch, batches, pure=False)):
        yield fut.result()
        fut.release()


def paths_from(args: Sequence[str], stdin: TextIO | None) -> list[str]:
    """The inputs named (globs expanded: ``archive/**/*.doc``), and the file list read from
    standard input when ``-`` is among them."""
    out: list[str] = []
    for a in args:
        if a == "-":
            if stdin is not None:
                out.extend(line.strip() for line in stdin if line.strip())
        elif any(c in a for c in "*?["):
            out.extend(sorted(glob.glob(a, recursive=True)))
        else:
            out.append(a)
    return out
