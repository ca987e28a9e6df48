"""The ``extractor`` command.

    extractor extract PATH... [-o FILE]    one JSON line per report (shared/CONTRACT.md)
    extractor audit PATH... [--format text|json|html] [--fail-on error|warning|info] [-o FILE]
    extractor ingest PATH... [--db FILE|URL]   extractor query [NAME] [--db ...]   extractor export [--db ...]

Exit codes, the same for every command:

* 0: done;
* 1: some input failed (an error row: ``extract``, ``audit``, ``ingest``, also a file stored as
  an error by an earlier ``ingest``), findings at or above ``--fail-on`` (``audit``), or nothing
  to read at all (a folder with no file of a format the readers know: said as a warning);
* 2: a usage or environment error, said as one line ``错误：<what>：<cause>（<code>）`` (a bad
  option, a missing input, an output that cannot be written, a full disk, a store that does not
  exist, cannot be opened or reached, a bad URL, SQL the database refuses);
* 141: the reader of the output went away (``| head``): the command ends quietly, as a Unix tool
  ended by SIGPIPE does;
* 130: interrupted (Ctrl-C).

``--debug`` (before or after the command) lets the error through with its traceback instead.

What the commands print of a document or a file name has its control characters written
``\\xHH`` (:mod:`extractor.ui.terminal`).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from .. import __version__
from ..errors import (
    DiskFullError,
    ExtractorError,
    FileAccessError,
    InputMissingError,
    InternalError,
    NoInputError,
    OutputError,
    UsageError,
)
from ..model import Severity
from ..readers import SUFFIXES
from .terminal import printable

if TYPE_CHECKING:
    from ..model import ErrorRecord, Record
    from ..progress import Tally

__all__ = ["EXIT_INTERRUPTED", "EXIT_PIPE_CLOSED", "build_parser", "main"]

#: the status a shell gives a command ended by SIGPIPE (128 + 13): what ``| head`` makes of a Unix tool
EXIT_PIPE_CLOSED = 141
#: the status a shell gives a command ended by Ctrl-C (128 + SIGINT)
EXIT_INTERRUPTED = 130
#: the formats a folder is walked for, as the help says them
FORMATS = ", ".join(sorted(SUFFIXES))

# Each command imports what it needs when it runs (the pipeline, spaCy and the models for extract
# and audit; SQLAlchemy for ingest, export and query), so that --help and --version start at once.


def _check_inputs(paths: Iterable[str]) -> None:
    """Every file or folder named exists (a typo is said before any work, exit 2)."""
    for p in paths:
        if not os.path.lexists(p):
            raise InputMissingError(p, f"{p}（请检查路径）")


def _check_output(path: str) -> None:
    """The output can be written: said before any work, not after a whole extraction."""
    p = Path(path)
    if p.is_dir():
        raise OutputError(path, f"{path} 是文件夹，请给出文件路径")
    parent = p.parent
    if not parent.exists():
        raise OutputError(path, f"{path} 所在的文件夹 {parent} 不存在")
    if not parent.is_dir():
        raise OutputError(path, f"{parent} 不是文件夹")
    if not os.access(p if p.exists() else parent, os.W_OK):
        raise OutputError(path, f"没有写入 {path} 的权限")


def _no_input(paths: Sequence[str]) -> int:
    """Nothing to read: a warning, and exit 1 (nothing was processed)."""
    e = NoInputError(" ".join(paths), f"{' '.join(paths) or '标准输入'}（读取的格式：{FORMATS}；没有处理任何文件）")
    print(f"警告：{e.message}（{e.code}）", file=sys.stderr)
    return 1


def _extracted(args: argparse.Namespace, tally: Tally, checks: bool = True) -> Iterator[Record | ErrorRecord]:
    """The records of every file under ``args.paths`` in order (an unreadable file: its error
    row), the file's error said on stderr; a progress line on stderr when it is a terminal and
    the output is not on it."""
    from ..model import ErrorRecord
    from ..pipeline import extract_path, iter_paths
    from ..progress import Progress

    bar = None
    if _shows_progress(args):
        bar = Progress.counting(iter_paths(args.paths), sys.stderr, log=False)
    for path in iter_paths(args.paths):
        result = extract_path(path, checks=checks)
        tally.files += 1
        if bar is not None:
            with contextlib.suppress(OSError):
                tally.bytes += path.stat().st_size
        if isinstance(result, ErrorRecord):
            _say_error(result, tally, bar is not None)
            yield result
        else:
            tally.documents += len(result)
            yield from result
        if bar is not None:
            bar.update(tally)
    if bar is not None:
        bar.update(tally, final=True)


def _shows_progress(args: argparse.Namespace) -> bool:
    """Whether a long run shows a progress line: on stderr when it is a terminal and the output is
    not on it."""
    return sys.stderr.isatty() and bool(args.output or not sys.stdout.isatty())


def _say_error(err: ErrorRecord, tally: Tally, progress: bool) -> None:
    """Count a file's error row and say it on stderr, on a line of its own (not over the progress
    line when one is shown)."""
    tally.errors[err.code] += 1
    if progress:
        sys.stderr.write("\r\033[K")
    print(printable(f"{err.source}: [{err.code}] {err.message}"), file=sys.stderr)


def _extract(args: argparse.Namespace) -> int:
    from ..model import ErrorRecord
    from ..output.jsonl import to_json_line
    from ..progress import Tally

    _check_inputs(args.paths)
    if args.output:
        _check_output(args.output)
    tally = Tally()
    records = 0
    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for rec in _extracted(args, tally, checks=not args.no_checks):
            try:
                line = to_json_line(rec)
            except Exception as e:  # a record that cannot be written must not stop the batch either
                rec = ErrorRecord(rec.source, "internal_error", f"内部错误（写出记录）：{type(e).__name__}: {e}")
                _say_error(rec, tally, _shows_progress(args))
                line = to_json_line(rec)
            records += not isinstance(rec, ErrorRecord)
            out.write(line + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if tally.files == 0:
        return _no_input(args.paths)
    if args.output:
        failed = sum(tally.errors.values())
        print(printable(f"文件 {tally.files}，报告 {records}，错误 {failed} → {args.output}"), file=sys.stderr)
    return 1 if tally.errors else 0


def _audit(args: argparse.Namespace) -> int:
    from ..progress import Tally
    from .audit import audit, exit_code, render_json, render_text

    _check_inputs(args.paths)
    if args.output:
        _check_output(args.output)
    tally = Tally()
    results: list[Record | ErrorRecord] = list(_extracted(args, tally))
    if tally.files == 0:
        return _no_input(args.paths)
    docs = audit(results)
    if args.format == "json":
        body = render_json(docs)
    elif args.format == "html":
        from .report_html import render_html

        body = render_html(docs)
    else:
        tty = args.output is None and sys.stdout.isatty()
        body = render_text(docs, color=(tty and args.color != "never") or args.color == "always")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(body)
    else:
        sys.stdout.write(body)
    return exit_code(docs, Severity(args.fail_on))


def _ingest(args: argparse.Namespace) -> int:
    from ..output.ingest import ingest, paths_from
    from ..output.store import errors_said

    # a scheduler address asks for Dask: given alone it chooses the engine, beside --engine local
    # it contradicts it (never silently ignored)
    engine = args.engine or ("dask" if args.scheduler else "local")
    if args.scheduler and engine != "dask":
        raise UsageError("--scheduler", "--scheduler 只用于 --engine dask（Dask 集群的调度器地址）")
    _check_inputs(a for a in args.paths if a != "-" and not any(c in a for c in "*?["))
    # a listed name that is not UTF-8 is read as the file system's own names are (surrogateescape)
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding=sys.getfilesystemencoding(), errors="surrogateescape")
    inputs = paths_from(args.paths, stdin)
    with errors_said(args.db):
        summary = ingest(inputs, args.db, workers=args.workers, engine=engine, scheduler=args.scheduler,
                         batch_size=args.batch_size, progress=sys.stderr, refresh=not args.no_refresh)
    print(summary.text(), file=sys.stderr)
    if not sys.stdout.isatty():
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    if summary.files + summary.skipped == 0:
        return _no_input(args.paths)
    return 1 if summary.failed else 0


def _export(args: argparse.Namespace) -> int:
    from ..output.export import export
    from ..output.store import errors_said

    if args.output:
        _check_output(args.output)
    with errors_said(args.db):
        n = export(args.db, args.format, args.table, args.output)
    print(f"{n} 行 → {args.output or '标准输出'}", file=sys.stderr)
    return 0


def _query(args: argparse.Namespace) -> int:
    from ..output.export import QUERIES, query
    from ..output.store import errors_said

    if args.sql is None and args.name == "totals":
        return _totals(args)
    if args.by is not None or args.tsv:
        raise UsageError("--by", "--by 和 --tsv 只用于 extractor query totals（其他查询总是以制表符分隔输出）")
    with errors_said(args.db):
        rows = query(args.db, args.sql or QUERIES[args.name][1])
    for row in rows:
        sys.stdout.write("\t".join("" if v is None else str(v) for v in row) + "\n")
    return 0


def _totals(args: argparse.Namespace) -> int:
    """``query totals``: the totals per group of ``--by``, each group once, as an aligned table
    (then the rates and bounds apart), or tab-separated with ``--tsv``."""
    from ..output.export import DEFAULT_BY, grouping, totals
    from ..output.store import errors_said
    from .table import STANDARD_ZH, standards_lines, totals_caption, totals_lines

    by = grouping(args.by) if args.by is not None else DEFAULT_BY
    with errors_said(args.db):
        sums, standards = totals(args.db, by)
    if args.tsv:
        head = [c for k in by for c in ((k, "category_name") if k == "category" else (k,))]
        sys.stdout.write("\t".join([*head, "kind", "unit", "total", "facts", "restated", "approx", "raised"]) + "\n")
        for t in sums:
            keys = [c for k, v in zip(by, t.group, strict=True)
                    for c in ((v, _category_name(v)) if k == "category" else (v,))]
            cells = [*keys, t.kind, t.unit, format(t.total.normalize(), "f"), t.facts, t.restated, t.approx,
                     t.raised]
            sys.stdout.write(printable("\t".join("" if v is None else str(v) for v in cells)) + "\n")
        return 0
    lines = [totals_caption(by), *(totals_lines(sums, by) if sums else ["（没有可汇总的数字）"])]
    if standards:
        kinds = "、".join(STANDARD_ZH.values())
        lines += ["", f"标准、上下限与计划数（{kinds}，不计入合计）", *standards_lines(standards, by)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _category_name(category: object) -> str | None:
    from ..about.taxonomy import TAXONOMY

    return TAXONOMY.name(str(category)) if category is not None else None


def _positive(text: str) -> int:
    """An argument that must be a whole number above 0."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0: {text!r}")
    return n


EPILOG = ("exit codes: 0 done; 1 some input failed, findings at --fail-on, or nothing to read; "
          "2 a usage or environment error (said in one line, its code in brackets); "
          "141 the reader of the output went away (| head)")


def _serve(args: argparse.Namespace) -> int:
    try:
        from ..web.app import serve
    except ImportError as e:  # the web extra is not installed
        print(f"错误：extractor serve 需要 {e.name}，请安装：pip install 'extractor[web]'", file=sys.stderr)
        return 2
    return serve(args.db, args.host, args.port, args.token, args.upload_dir, args.max_upload_mb)


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="extractor", description="Extract facts from Chinese summary reports.", epilog=EPILOG)
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    ap.add_argument("--debug", action="store_true",
                    help="let an error through with its traceback instead of the one-line message")
    common = _Deferred(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="let an error through with its traceback instead of the one-line message")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Deferred)
    walked = f"files, or folders to walk for the formats read ({FORMATS})"
    ex = sub.add_parser("extract", help="print one JSON line per report", parents=[common], epilog=EPILOG)
    ex.add_argument("paths", nargs="+", help=walked)
    ex.add_argument("-o", "--output", help="write the JSON lines to this file instead of stdout")
    ex.add_argument("--no-checks", action="store_true",
                    help="facts and breakdowns only: skip the auditor's checks (findings stay empty)")
    ex.set_defaults(func=_extract)
    au = sub.add_parser("audit", help="findings per document with their evidence, and a summary", parents=[common],
                        epilog=EPILOG)
    au.add_argument("paths", nargs="+", help=walked)
    au.add_argument("--format", choices=["text", "json", "html"], default="text")
    au.add_argument("--fail-on", choices=[s.value for s in Severity], default="error",
                    help="exit 1 when a finding at or above this severity is found (default: error)")
    au.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    au.add_argument("-o", "--output", help="write the report to this file instead of stdout")
    au.set_defaults(func=_audit)

    ing = sub.add_parser("ingest", help="extract folders of files into a store (SQLite or PostgreSQL)",
                         parents=[common], epilog=EPILOG)
    ing.add_argument("paths", nargs="+",
                     help=f"files, folders (walked for the formats read: {FORMATS}), globs, or - to read a file "
                          "list from stdin")
    ing.add_argument("--db", default="facts.db",
                     help="a SQLite file (default facts.db; made when missing) or postgresql://user@host/db")
    ing.add_argument("--workers", type=_positive, default=1, help="processes on this machine (default 1)")
    ing.add_argument("--engine", choices=["local", "dask"],
                     help="local processes (the default) or a Dask cluster (the default when --scheduler is given)")
    ing.add_argument("--scheduler", help="a Dask scheduler address (tcp://host:8786): the Dask engine")
    ing.add_argument("--batch-size", type=_positive, default=64, help="files a transaction (and a task) holds")
    ing.add_argument("--no-refresh", action="store_true",
                     help="skip every file the store holds, also one an older build of the extractor stored "
                          "(by default such a file is extracted again and its rows replaced)")
    ing.set_defaults(func=_ingest)

    exp = sub.add_parser("export", help="the store as JSON Lines records, or a table as CSV or Parquet",
                         parents=[common], epilog=EPILOG)
    exp.add_argument("--db", default="facts.db", help="the store to read (never made: it must exist)")
    exp.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    exp.add_argument("--table", choices=["facts", "findings", "breakdowns", "documents", "files", "reviews",
                                         "review_log"], default="facts",
                     help="the table for csv and parquet (jsonl gives whole records); reviews and review_log: "
                          "the auditors' verdicts given in extractor serve (the latest on each finding; every one)")
    exp.add_argument("-o", "--output", help="the file to write (required for parquet)")
    exp.set_defaults(func=_export)

    q = sub.add_parser("query", help="answer a common auditor question from the store (tab-separated)",
                       parents=[common], epilog=EPILOG)
    q.add_argument("--db", default="facts.db", help="the store to read (never made: it must exist)")
    q.add_argument("--sql", help="run this SQL instead")
    q.add_argument("--by", metavar="COLUMNS",
                   help="totals: the columns to group by, comma-separated, of category, region, subject, org, year "
                        "(default category; money and each measure word always apart)")
    q.add_argument("--tsv", action="store_true",
                   help="totals: tab-separated, numbers in full (the other queries always are)")
    q.set_defaults(func=_query)
    q.setup = _query_names  # every command's parser is a _Deferred (parser_class above)

    sv = sub.add_parser("serve", help="the auditor's workspace and the records API over a store (http://127.0.0.1:8000)")
    sv.add_argument("--db", default="facts.db", help="a SQLite file (default facts.db) or postgresql://...")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: reads need no token)")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--token", help="the write token (default: $EXTRACTOR_TOKEN, else one made and printed at start)")
    sv.add_argument("--upload-dir", help="where uploaded files are kept (default: uploads/ beside a SQLite store)")
    sv.add_argument("--max-upload-mb", type=int, default=20, help="largest upload accepted (default 20 MB)")
    sv.set_defaults(func=_serve)
    return ap


def _query_names(q: argparse.ArgumentParser) -> None:
    """The query command's names and what each answers (from the export module, which loads
    SQLAlchemy: only when that command parses)."""
    from ..output.export import QUERIES

    q.add_argument("name", nargs="?", choices=sorted(QUERIES), default="errors",
                   help="; ".join(f"{k}: {v[0]}" for k, v in sorted(QUERIES.items())))


class _Parser(argparse.ArgumentParser):
    """A parser whose usage errors are said as every other error is: one Chinese line with
    argparse's own words as the cause and the code ``usage`` (exit 2, after the usage line)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        e = UsageError(self.prog, message)
        self.exit(2, f"错误：{e.message}（{e.code}）\n")


class _Deferred(_Parser):
    """A command's parser that runs ``setup`` (adding arguments whose data is dear to import)
    only when it is about to parse its arguments or print its help: never for another command."""

    setup: Callable[[argparse.ArgumentParser], None] | None = None

    def parse_known_args(self, args: Iterable[str] | None = None, namespace: Any = None) -> tuple[Any, list[str]]:
        if self.setup is not None:
            setup, self.setup = self.setup, None
            setup(self)
        return super().parse_known_args(args, namespace)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` (the process's own command line when None); its exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at the interpreter's exit
    except BrokenPipeError:  # | head: the reader has what it wanted
        _drop_stdout()
        return EXIT_PIPE_CLOSED
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("已中断（interrupted）", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:
        if args.debug:
            raise
        error = _explained(e, args)
        print(printable(f"错误：{error.message}（{error.code}）"), file=sys.stderr)
        return 2
    if argv is None:
        # the process ends with the command: what it loaded (spaCy alone some 80,000 objects)
        # needs no more collecting, and frozen, the interpreter's shutdown does not walk it (~0.15 s)
        gc.freeze()
    return code


def _explained(e: Exception, args: argparse.Namespace) -> ExtractorError:
    """The error that says ``e`` in a line: ours as it is, the system's and the database's with
    their own message as the cause, anything else as an internal error (``--debug`` shows it)."""
    if isinstance(e, ExtractorError):
        return e
    if isinstance(e, OSError):
        name = e.filename or getattr(args, "output", None) or "标准输出"
        cause = e.strerror or str(e)
        if e.errno == errno.ENOSPC:
            return DiskFullError(str(name), f"写入 {name} 时：{cause}")
        return FileAccessError(str(name), f"{name}：{cause}")
    db = getattr(args, "db", None)
    if db is not None and "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(e, SQLAlchemyError):
            from ..output.store import store_error

            said = store_error(e, db)
            if isinstance(said, ExtractorError):
                return said
    return InternalError(type(e).__name__, f"{type(e).__name__}: {e}")


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush of what is left
    in its buffer does not fail again on the closed pipe."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
