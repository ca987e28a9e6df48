"""The ``extractor`` command.

    extractor extract PATH... [-o FILE]    one JSON line per report (shared/CONTRACT.md)

Exit codes: 0 all files read; 1 some file gave an error row (the others were processed);
2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from .jsonl import to_json_line
from .model import ErrorRecord
from .pipeline import extract_path, iter_paths

__all__ = ["main"]


def _extract(args: argparse.Namespace) -> int:
    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    failed = files = records = 0
    try:
        for path in iter_paths(args.paths):
            files += 1
            result = extract_path(path)
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


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="extractor", description="Extract facts from Chinese summary reports.")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="print one JSON line per report")
    ex.add_argument("paths", nargs="+", help="files, or folders to walk for .txt files")
    ex.add_argument("-o", "--output", help="write the JSON lines to this file instead of stdout")
    ex.set_defaults(func=_extract)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
