"""Progress of a long run on standard error: a line redrawn in place on a terminal; off a terminal,
a JSON line every few seconds for a log (``ingest``) or nothing (``extract``, ``audit``: their
output is the data).

>>> import io
>>> bar = Progress(2, 100, io.StringIO(), log=False)
>>> bar.update(Tally(files=1, bytes=50), final=True)
>>> bar.stream.getvalue()
''
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

__all__ = ["Progress", "Tally", "totals"]


@dataclass
class Tally:
    """What a run has done so far: files read, files skipped (stored before), their bytes, the
    documents they gave, errors by code."""

    files: int = 0
    skipped: int = 0
    bytes: int = 0
    documents: int = 0
    errors: Counter[str] = field(default_factory=Counter)


def totals(paths: Iterable[Path]) -> tuple[int, int]:
    """The number of files and their bytes (sizes only: nothing is read), for the time left."""
    count, size = 0, 0
    for p in paths:
        count += 1
        with contextlib.suppress(OSError):  # unreadable: its own error row says so
            size += p.stat().st_size
    return count, size


class Progress:
    """A progress line on a terminal; a JSON line every ``every`` seconds when not a terminal and
    ``log`` (nothing when not). The totals (files, bytes) are given, or counted meanwhile by
    :meth:`counting`."""

    #: how long the last line waits for totals still being counted (seconds); then it goes without
    FINAL_WAIT = 30.0

    def __init__(self, total_files: int, total_bytes: int, stream: TextIO, every: float = 5.0,
                 log: bool = True) -> None:
        #: (files, bytes) of the whole run; None while they are being counted
        self.totals: tuple[int, int] | None = (total_files, total_bytes)
        self.stream = stream
        self.tty = stream.isatty()
        self.log = log
        self.every = every
        self.start = self.last = time.monotonic()
        self._counter: threading.Thread | None = None

    @classmethod
    def counting(cls, paths: Iterable[Path], stream: TextIO, every: float = 5.0, log: bool = True) -> Progress:
        """A progress whose totals a thread of its own counts (:func:`totals` over ``paths``, the
        run's files walked a second time) while the run goes on: the first file is read at once,
        not after every file of an archive has been listed and sized. Until they are known, a
        terminal shows ``文件 12/?``; no log line is written (each line says the total), but the
        last: :meth:`update` with ``final`` waits for them (at most :attr:`FINAL_WAIT`)."""
        bar = cls(0, 0, stream, every, log)
        bar.totals = None

        def count() -> None:
            with contextlib.suppress(Exception):  # the run's own walk says what is wrong with a path
                bar.totals = totals(paths)

        bar._counter = threading.Thread(target=count, name="extractor-totals", daemon=True)
        bar._counter.start()
        return bar

    def update(self, s: Tally, final: bool = False) -> None:
        if not self.tty and not self.log:
            return
        if final and self._counter is not None:
            self._counter.join(self.FINAL_WAIT)  # a walk stuck on a dead mount does not hold the run's end
        now = time.monotonic()
        if not final and now - self.last < (0.2 if self.tty else self.every):
            return
        known = self.totals  # one read: the counting thread sets it once
        if known is None and not self.tty:
            return  # a log line says the total: none until it is known
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        done = s.files + s.skipped
        left = (known[1] - s.bytes) / (s.bytes / elapsed) if s.bytes and known is not None else None
        if self.tty:
            eta = f"{int(left) // 60:02d}:{int(left) % 60:02d}" if left is not None else "--:--"
            of = known[0] if known is not None else "?"
            self.stream.write(f"\r文件 {done}/{of} | {s.bytes / 1e6:.1f} MB | "
                              f"{s.documents / elapsed:.1f} 文档/秒 | 错误 {sum(s.errors.values())} | 剩余 {eta}  ")
            if final:
                self.stream.write("\n")
        else:
            assert known is not None
            self.stream.write(json.dumps({"files": done, "of": known[0], "mb": round(s.bytes / 1e6, 3),
                                          "docs_per_s": round(s.documents / elapsed, 2),
                                          "errors": sum(s.errors.values()),
                                          "eta_s": round(left, 1) if left is not None else None}) + "\n")
        self.stream.flush()
