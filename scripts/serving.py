"""``extractor serve`` started for a script or a test: on a free loopback port, waited for until a
page answers, stopped when done. One copy of what the serve benchmark, the browser test and the
wheel check each need.

    with serving([sys.executable, "-m", "extractor", "serve", "--db", "facts.db"]) as base:
        urllib.request.urlopen(f"{base}/findings")
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "serving"]


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(command: list[str], probe: str = "/findings", *, cwd: Path | None = None,
            env: Mapping[str, str] | None = None, log: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """Run ``command`` (a ``serve`` command line without its port) with ``--port`` a free port,
    wait until ``probe`` answers (the first start builds the search index: up to ``timeout``
    seconds), give its base URL; stop it (SIGINT, then kill after 20 s) when done. The server's
    output goes to ``log`` when given; a server that ends or does not answer in time is a
    :class:`RuntimeError` that says what it printed."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = log.open("w") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen([*command, "--port", str(port)], cwd=cwd, env=None if env is None else dict(env),
                            stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + probe, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    said = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log is not None else ""
                    ended = "ended" if proc.poll() is not None else f"did not answer in {timeout:.0f} s"
                    raise RuntimeError(f"serve {ended}: {said}") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log is not None and not isinstance(out, int):
            out.close()
