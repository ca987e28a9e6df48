#!/usr/bin/env python3
"""Generate synthetic Chinese summary reports with their gold annotations and injected inconsistencies.

    python scripts/make_corpus.py --seed 1 --count 1000 --out /tmp/synth [--inject-rate 0.5] [--clean]

writes ``DIR/synth_SEED_00000.txt`` … (UTF-8; about 5% GBK and 3% traditional characters in Big5)
and ``DIR/gold/<stem>.json`` in the shared gold format (``shared/eval/gold``) plus two keys:
``encoding`` (how the text file is encoded) and ``injected`` (what was broken on purpose, with a
``detail`` for debugging). The same seed and count always give the same bytes: file ``i`` is
drawn from ``Random(f"{seed}:{i}")`` alone.

Injected rules (each with its gold finding): sum_mismatch, date_range_reversed, date_implausible,
placeholder, duplicate_conflict, below_minimum, above_maximum, unit_mismatch, missing_figure and,
in compilations, heading_count. ``--clean`` injects nothing: every report is consistent.

In memory: ``generate(seed, index, inject) -> (text, gold)``; ``split_documents(text, gold)``
gives the text of each report of a file, as the extractor's records hold it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from random import Random
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth.compose import RULES, compose, dump

__all__ = ["RULES", "generate", "main", "split_documents", "write_corpus"]


def generate(seed: int, index: int, inject: bool) -> tuple[str, dict[str, Any]]:
    """The text of file ``index`` of corpus ``seed`` and its gold annotation.

    >>> text, gold = generate(1, 0, inject=False)
    >>> gold["file"], all(not d["findings"] for d in gold["documents"])
    ('synth_1_00000.txt', True)
    """
    text, gold, _ = compose(seed, index, inject)
    return text, gold


def split_documents(text: str, gold: dict[str, Any]) -> list[str]:
    """The text of each report of a file: from its title line to the next report's title line
    (a compilation's heading and preamble belong to none)."""
    starts: list[int] = []
    pos = 0
    for doc in gold["documents"]:
        title = doc["title"]
        k = text.find(title, pos)
        while k > 0 and text[k - 1] != "\n":
            k = text.find(title, k + 1)
        if k < 0:
            raise ValueError(f"{gold['file']}: title {title!r} not found")
        starts.append(k)
        pos = k + len(title)
    return [text[s:e] for s, e in zip(starts, [*starts[1:], len(text)], strict=True)]


def inject_draw(seed: int, index: int, rate: float) -> bool:
    """Whether file ``index`` gets injections at ``rate`` (its own stream, apart from the report's)."""
    return Random(f"{seed}:{index}:inject").random() < rate


def write_corpus(out: Path, seed: int, count: int, rate: float) -> dict[str, int]:
    """Write ``count`` files and their gold; return how often each rule was injected."""
    gold_dir = out / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    tally = dict.fromkeys(RULES, 0)
    for i in range(count):
        text, gold = generate(seed, i, rate > 0 and inject_draw(seed, i, rate))
        name = gold["file"]
        (out / name).write_bytes(text.encode(gold["encoding"]))
        (gold_dir / (Path(name).stem + ".json")).write_text(dump(gold), encoding="utf-8")
        for item in gold["injected"]:
            tally[item["rule"]] += 1
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--inject-rate", type=float, default=0.5,
                    help="share of files that get one or two injected inconsistencies (default 0.5)")
    ap.add_argument("--clean", action="store_true", help="inject nothing: every report is consistent")
    a = ap.parse_args(argv)
    if not 0.0 <= a.inject_rate <= 1.0:
        ap.error(f"--inject-rate must be between 0 and 1, not {a.inject_rate}")
    if a.count < 0:
        ap.error("--count must not be negative")
    tally = write_corpus(a.out, a.seed, a.count, 0.0 if a.clean else a.inject_rate)
    summary = ", ".join(f"{k} {v}" for k, v in tally.items() if v)
    print(f"wrote {a.count} files to {a.out}" + (f"; injected: {summary}" if summary else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
