"""The ``extractor`` command.

    extractor extract PATH... [-o FILE]    one JSON line per report (shared/CONTRACT.md)
    extractor audit PATH... [--format text|json|html] [--fail-on error|warning|info] [-o FILE]

``extract`` exits 0 when every file was read, 1 when some file gave an error row (the others
are processed all the same). ``audit`` exits 0 when nothing at or above ``--fail-on`` (default
``error``) was found, 1 when something was. Both exit 2 for a usage error.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .. import __version__
from ..errors import ExtractorError
from ..model import Severity

if TYPE_CHECKING:
    from ..model import ErrorRecord, Record

__all__ = ["main"]

# Each command imports what it needs when it runs (the pipeline, spaCy and the models for extract
# and audit; SQLAlchemy for ingest, export and query), so that --help and --version start at once.


def _extract(args: argparse.Namespace) -> int:
    from ..model import ErrorRecord
    from ..output.jsonl import to_json_line
    from ..pipeline import extract_path, iter_paths

    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    failed = files = records = 0
    try:
        for path in iter_paths(args.paths):
            files += 1
            result = extract_path(path, checks=not args.no_checks)
            if isinstance(result, ErrorRecord):
                failed += 1
                print(f"{result.source}: [{result.code}] {result.message}", file=sys.stderr)
                out.write(to_json_line(result) + "\n")
                continue
            for rec in result:
                records += 1
                out.write(to_json_line(rec) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if args.output:
        print(f"{files} files, {records} reports, {failed} errors → {args.output}", file=sys.stderr)
    return 1 if failed else 0


def _audit(args: argparse.Namespace) -> int:
    from ..model import ErrorRecord
    from ..pipeline import extract_path, iter_paths
    from .audit import audit, exit_code, render_json, render_text

    results: list[Record | ErrorRecord] = []
    for path in iter_paths(args.paths):
        result = extract_path(path)
        results.extend([result] if isinstance(result, ErrorRecord) else result)
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

    inputs = paths_from(args.paths, sys.stdin)
    summary = ingest(inputs, args.db, workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                     batch_size=args.batch_size, progress=sys.stderr)
    print(summary.text(), file=sys.stderr)
    if not sys.stdout.isatty():
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..output.export import export

    n = export(args.db, args.format, args.table, args.output)
    print(f"{n} rows → {args.output or 'stdout'}", file=sys.stderr)
    return 0


def _query(args: argparse.Namespace) -> int:
    from ..output.export import QUERIES, query

    rows = query(args.db, args.sql or QUERIES[args.name][1])
    try:
        for row in rows:
            sys.stdout.write("\t".join("" if v is None else str(v) for v in row) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # | head: the reader has what it wanted
        sys.stderr.close()
    return 0


def _serve(args: argparse.Namespace) -> int:
    try:
        from ..web.app import serve
    except ImportError as e:  # the web extra is not installed
        print(f"错误：extractor serve 需要 {e.name}，请安装：pip install 'extractor[web]'", file=sys.stderr)
        return 2
    return serve(args.db, args.host, args.port, args.token, args.upload_dir, args.max_upload_mb)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="extractor", description="Extract facts from Chinese summary reports.")
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Deferred)
    ex = sub.add_parser("extract", help="print one JSON line per report")
    ex.add_argument("paths", nargs="+", help="files, or folders to walk for .txt files")
    ex.add_argument("-o", "--output", help="write the JSON lines to this file instead of stdout")
    ex.add_argument("--no-checks", action="store_true",
                    help="facts and breakdowns only: skip the auditor's checks (findings stay empty)")
    ex.set_defaults(func=_extract)
    au = sub.add_parser("audit", help="findings per document with their evidence, and a summary")
    au.add_argument("paths", nargs="+", help="files, or folders to walk for .txt files")
    au.add_argument("--format", choices=["text", "json", "html"], default="text")
    au.add_argument("--fail-on", choices=[s.value for s in Severity], default="error",
                    help="exit 1 when a finding at or above this severity is found (default: error)")
    au.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    au.add_argument("-o", "--output", help="write the report to this file instead of stdout")
    au.set_defaults(func=_audit)

    ing = sub.add_parser("ingest", help="extract folders of files into a store (SQLite or PostgreSQL)")
    ing.add_argument("paths", nargs="+", help="files, folders, globs, or - to read a file list from stdin")
    ing.add_argument("--db", default="facts.db", help="a SQLite file (default facts.db) or postgresql://...")
    ing.add_argument("--workers", type=int, default=1, help="processes on this machine (default 1)")
    ing.add_argument("--engine", choices=["local", "dask"], default="local")
    ing.add_argument("--scheduler", help="a Dask scheduler address (tcp://host:8786) for --engine dask")
    ing.add_argument("--batch-size", type=int, default=64, help="files a transaction (and a task) holds")
    ing.set_defaults(func=_ingest)

    exp = sub.add_parser("export", help="the store as JSON Lines records, or a table as CSV or Parquet")
    exp.add_argument("--db", default="facts.db")
    exp.add_argument("--format", choices=["jsonl", "csv", "parquet"], default="jsonl")
    exp.add_argument("--table", choices=["facts", "findings", "breakdowns", "documents", "files"], default="facts",
                     help="the table for csv and parquet (jsonl gives whole records)")
    exp.add_argument("-o", "--output", help="the file to write (required for parquet)")
    exp.set_defaults(func=_export)

    q = sub.add_parser("query", help="answer a common auditor question from the store (tab-separated)")
    q.add_argument("--db", default="facts.db")
    q.add_argument("--sql", help="run this SQL instead")
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


class _Deferred(argparse.ArgumentParser):
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
    except ExtractorError as e:  # a bad configuration (EXTRACTOR_MODELS naming no folder...): said, not a traceback
        print(f"错误：{e.message}（{e.code}）", file=sys.stderr)
        return 2
    if argv is None:
        # the process ends with the command: what it loaded (spaCy alone some 80,000 objects)
        # needs no more collecting, and frozen, the interpreter's shutdown does not walk it (~0.15 s)
        gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
