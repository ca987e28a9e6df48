"""Where extraction's regex time goes: every compiled pattern of the package timed over a folder.

    python scripts/profile_patterns.py bench-data              # the 30 dearest patterns
    python scripts/profile_patterns.py corpus/dev --top 50

Each module-level pattern of ``extractor`` (and those of its classes and of ``LEXICON``) is
replaced by a proxy that times every call (``search``, ``match``, ``finditer``'s steps…) and counts
them; the files are extracted once to warm up, then again timed. The proxy adds about 0.2 µs a
call, so a pattern called many thousand times on short slices looks dearer than it is; a scan of
the whole text (one call a report) is measured as it is. Under callgrind the regex engine weighs
more than its share of wall time: a millisecond here is some ten million instructions there.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import pkgutil
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPENT: collections.defaultdict[str, float] = collections.defaultdict(float)
CALLS: collections.Counter[str] = collections.Counter()


class Timed:
    """A compiled pattern whose calls are timed under ``name``."""

    __slots__ = ("_name", "_pattern")

    def __init__(self, pattern: re.Pattern[str], name: str) -> None:
        self._pattern = pattern
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._pattern, attr)
        if not callable(value):
            return value
        if attr == "finditer":
            return self._finditer
        return self._timed(value)

    def _timed(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            out = fn(*args, **kwargs)
            SPENT[self._name] += time.perf_counter() - t
            CALLS[self._name] += 1
            return out
        return call

    def _finditer(self, *args: Any, **kwargs: Any) -> Iterator[re.Match[str]]:
        CALLS[self._name] += 1
        found = self._pattern.finditer(*args, **kwargs)
        while True:
            t = time.perf_counter()
            m = next(found, None)
            SPENT[self._name] += time.perf_counter() - t
            if m is None:
                return
            yield m


def wrap_patterns() -> int:
    """Replace the package's compiled patterns by timed proxies; how many were wrapped."""
    import extractor
    from extractor.lang.lexicon import LEXICON

    n = 0
    for info in pkgutil.walk_packages(extractor.__path__, "extractor."):
        if any(part in info.name for part in ("web", "__main__", ".ui")):
            continue
        mod = importlib.import_module(info.name)
        short = info.name.split(".", 1)[1]
        for key, value in list(vars(mod).items()):
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                setattr(mod, key, Timed(value, f"{short}.{key}"))
                n += 1
            elif isinstance(value, type) and value.__module__ == info.name:
                for attr, inner in list(vars(value).items()):
                    if isinstance(inner, re.Pattern) and isinstance(inner.pattern, str):
                        setattr(value, attr, Timed(inner, f"{short}.{key}.{attr}"))
                        n += 1
    for attr in dir(LEXICON):
        value = getattr(LEXICON, attr, None)
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            object.__setattr__(LEXICON, attr, Timed(value, f"LEXICON.{attr}"))
            n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path, help="files or folders to extract")
    ap.add_argument("--top", type=int, default=30, help="how many patterns to list (default 30)")
    args = ap.parse_args()
    wrapped = wrap_patterns()
    from extractor.output.jsonl import to_json_line
    from extractor.pipeline import extract_path, iter_paths

    files = list(iter_paths(args.paths))

    def run() -> None:
        for f in files:
            out = extract_path(f)
            for record in out if isinstance(out, list) else [out]:
                to_json_line(record)

    run()  # warm: models, caches
    SPENT.clear()
    CALLS.clear()
    t = time.perf_counter()
    run()
    total = time.perf_counter() - t
    print(f"{len(files)} files, {wrapped} patterns: {total:.3f} s in all, {sum(SPENT.values()):.3f} s in patterns")
    print(f"{'ms':>8} {'calls':>8}  pattern")
    for name, spent in sorted(SPENT.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{spent * 1000:8.1f} {CALLS[name]:8}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
