"""Build the wheel, install it into a fresh virtualenv outside the source tree, and run it there.

    python scripts/wheel_check.py          # what `make wheel-check` (and so CI) runs
    python scripts/wheel_check.py --keep   # keep the temporary folder (virtualenv, outputs) and say where

Each step is timed:
1. build: ``pip wheel --no-deps`` of a copy of the package's sources (pyproject.toml, setup.py,
   README.md, extractor/, models/), so no stale ``build/`` of the working tree slips into it, with
   this interpreter's setuptools and mypy (no isolated build environment: mypyc types the code
   against the installed dependencies) and ``EXTRACTOR_COMPILE=1``: the modules of extraction
   compiled (setup.py), the build failing when they cannot be, profile-guided (``EXTRACTOR_PGO=1``:
   the training folders of setup.py's ``TRAINING`` are copied for the build); the wheel is left in
   dist/;
2. listing: every file of extractor/ and models/ is in the wheel, models/ as ``extractor/_models/``,
   each module setup.py compiles as an extension module, and nothing lies beside the package;
3. venv + install: ``python -m venv`` under a temporary folder, then ``pip install <the wheel>``
   with its dependencies from the registries (pip's cache makes a second run quick);
4. run: from a folder of that temporary tree, the installed ``extractor extract`` and
   ``extractor audit --format json`` of the seed; both must equal what this checkout's own
   install gives, and the installed package must load its models from inside itself;
5. score: the extract output through the vendored scorer (scripts/eval/score.py); facts,
   findings and breakdowns F1 must be 1.000;
6. the same records: the installed ``extractor extract`` of every text report of corpus/ and of
   the real reports (``../shared/eval/real-dev/docs`` when beside the repository) must give this
   checkout's records byte for byte: the compiled modules read as their sources do;
7. threads: a fresh process of the installed wheel whose first reports come in eight threads at
   once (the workspace serving requests) gives each thread its records, three times;
8. serve: ``pip install '<the wheel>[web]'`` into the same virtualenv, ``extractor ingest`` of the
   seed into a store, ``extractor serve`` on a free port, and its findings page fetched: it must
   list the seed's findings (the templates and static files are package data).

Exit 0 when every step passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seed"
SCORER = ROOT / "scripts" / "eval" / "score.py"
#: the package's folders, and where each lands in the wheel
PACKAGE_DIRS = {"extractor": "extractor", "models": "extractor/_models"}
#: the files of the project a build reads besides those folders
BUILD_FILES = ("pyproject.toml", "setup.py", "README.md")
_OVERALL = re.compile(r"overall: facts F1 ([\d.]+), findings F1 ([\d.]+), breakdowns F1 ([\d.]+)")
#: what the installed package reports about itself: where it is and where its models are
_WHERE = "import extractor, extractor.resources as r; print(extractor.__file__); print(r.models_dir())"
# a fresh process whose first reports come in threads at once (the workspace serving requests):
# every thread gets its records, and the spaCy pipeline and its ruler are loaded once
THREADS = """
import threading
from extractor import extract_text
from extractor.about import ruler
out, errors = [], []
def run(k):
    try:
        out.append(len(extract_text(f"共慰问困难职工{k + 10}户，发放慰问金{k + 1}万元。")[0].facts))
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(out, errors, ruler.get_pipeline.cache_info().misses, ruler._ruler.cache_info().misses)
"""
#: what :data:`THREADS` prints when all went well
THREADS_OUT = f"{[2] * 8} [] 1 1"
#: fresh processes the threads check runs (a race shows in most, not in every one)
THREAD_RUNS = 3


def source_files(root: Path = ROOT, folders: Iterable[str] = PACKAGE_DIRS) -> list[str]:
    """The files of the package's folders (or of other ``folders``), relative to ``root``: those
    git tracks or would track (new files not ignored), or, outside a git checkout, every file but
    caches."""
    folders = list(folders)
    git = subprocess.run(["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "--", *folders],
                         capture_output=True, text=True)
    if git.returncode == 0:
        return sorted(f for f in git.stdout.splitlines() if (root / f).is_file())
    return sorted(str(p.relative_to(root)) for d in folders for p in (root / d).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def wheel_name(source: str) -> str:
    """Where a source file lands in the wheel: ``models/spacy_zh/meta.json`` →
    ``extractor/_models/spacy_zh/meta.json``."""
    top, _, rest = source.partition("/")
    return f"{PACKAGE_DIRS[top]}/{rest}"


def build_wheel(out: Path, *, isolated: bool = True, compiled: bool = False, root: Path = ROOT) -> Path:
    """Build the wheel of a copy of ``root``'s package sources into ``out``; its path.

    ``isolated=False`` builds with this interpreter's setuptools (and mypy) and asks no index.
    ``compiled`` builds the modules of extraction with mypyc (setup.py), profile-guided on the
    bundled reports of ``setup.TRAINING`` (copied beside the sources for the build, not into the
    wheel), and fails when it cannot; else the wheel is pure Python (the tests: a compiled build
    takes minutes)."""
    with tempfile.TemporaryDirectory(prefix="extractor-src-") as tmp:
        src = Path(tmp)
        training = source_files(root, setup_py(root).TRAINING) if compiled else []
        for name in (*BUILD_FILES, *source_files(root), *training):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, src / name)
        cmd = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)]
        if not isolated:
            cmd += ["--no-build-isolation", "--no-index"]
        subprocess.run(cmd, check=True, env={**os.environ, "EXTRACTOR_COMPILE": "1" if compiled else "0",
                                             "EXTRACTOR_PGO": "1" if compiled else "0"})
    return max(out.glob("extractor-*.whl"), key=lambda p: p.stat().st_mtime)


def listing_problems(wheel: Path, root: Path = ROOT) -> list[str]:
    """What is wrong with the wheel's listing: a package file it lacks, or a file outside the
    package and its metadata (a top-level ``models/`` would be one)."""
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    missing = [f"missing {wheel_name(f)} (from {f})" for f in source_files(root) if wheel_name(f) not in names]
    stray = [f"outside the package: {n}" for n in sorted(names)
             if not n.startswith("extractor/") and ".dist-info/" not in n]
    return missing + stray


def setup_py(root: Path = ROOT) -> ModuleType:
    """``root``'s setup.py as a module (it calls ``setup()`` only when run as setuptools runs it):
    its ``COMPILED`` modules and the rules of what it compiles."""
    spec = importlib.util.spec_from_file_location("extractor_setup", root / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiled_modules(root: Path = ROOT) -> list[str]:
    """The modules setup.py compiles (its ``COMPILED``), as paths: ``extractor/facts/figures.py``."""
    return list(setup_py(root).COMPILED)


def compiled_problems(wheel: Path, root: Path = ROOT) -> list[str]:
    """The modules of :func:`compiled_modules` that the wheel lacks compiled (an extension module
    beside the source: ``extractor/facts/figures.cpython-311-x86_64-linux-gnu.so``), and the
    library of their code (``extractor/_compiled__mypyc…so``) when it was not built
    profile-guided (setup.py's ``EXTRACTOR_PGO``: GCC writes ``-fprofile-use=`` among its flags)
    or without setup.py's ``LINUX_FLAGS``."""
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        # gcc's flags, in the library's debug info: profile-guided, calls not through the PLT
        flags = {n: z.read(n) for n in names if n.endswith(".so") and "_compiled__mypyc" in n}
    wanted = [("profile-guided", b"-fprofile-use="),
              *([("built with setup.LINUX_FLAGS", b"-fno-semantic-interposition")] if sys.platform == "linux" else [])]
    unbuilt = [f"not {what}: {n}" for n, data in flags.items() for what, flag in wanted if flag not in data]
    return unbuilt + [f"not compiled: {m}" for m in compiled_modules(root)
                       if not any(n.startswith(m.removesuffix(".py") + ".") and n.endswith((".so", ".pyd"))
                                  for n in names)]


#: beside the bundled corpus, the real reports of ../shared when they are there
REAL_DEV = ROOT.parent / "shared" / "eval" / "real-dev" / "docs"


def check_same_records(venv: Path, work: Path, problems: list[str]) -> None:
    """The installed wheel's records of every text report of the corpus and of the real reports
    are this checkout's, byte for byte (the compiled modules read as the sources do), and so is
    its build id (which the store keeps with each file)."""
    files = [str(f) for f in sorted((*(ROOT / "corpus").rglob("*.txt"), *REAL_DEV.glob("*.txt")))]
    installed, checkout = work / "installed-all.jsonl", work / "checkout-all.jsonl"
    run([str(venv / "bin" / "extractor"), "extract", *files, "-o", str(installed)], work, ok=(0, 1))
    run([sys.executable, "-m", "extractor", "extract", *files, "-o", str(checkout)], work, ok=(0, 1))
    lines = installed.read_text("utf-8").count("\n")
    build = "import extractor.resources as r; print(r.build_id())"
    ids = [run([python, "-c", build], work).strip() for python in (str(venv / "bin" / "python"), sys.executable)]
    if ids[0] != ids[1]:  # a store keeps each file's build: the same records must say the same build
        problems.append(f"the installed wheel's build is {ids[0]}, this checkout's {ids[1]}")
    if installed.read_bytes() != checkout.read_bytes():
        problems.append(f"extract: the installed wheel's records of {len(files)} files differ from this "
                        f"checkout's ({installed}, {checkout})")
    else:
        print(f"   {lines} records of {len(files)} files, the same bytes")


def check_threads(venv: Path, work: Path, problems: list[str]) -> None:
    """The installed wheel in a fresh process whose first reports come in eight threads at once:
    each gets its records and nothing is loaded twice (compiled, a lazily loaded segmenter once
    failed there where the sources did not: ``TypeError: None object expected``)."""
    for _ in range(THREAD_RUNS):
        out = run([str(venv / "bin" / "python"), "-c", THREADS], work).strip()
        if out != THREADS_OUT:
            problems.append(f"threads: a fresh process's first reports in eight threads at once gave {out}")
            return
    print(f"   {THREAD_RUNS} processes of eight threads each: every thread got its records")


@contextmanager
def step(name: str, times: dict[str, float]) -> Iterator[None]:
    """Time one step and say when it starts and how long it took."""
    print(f"-- {name}", flush=True)
    t0 = time.perf_counter()
    yield
    times[name] = time.perf_counter() - t0
    print(f"   {times[name]:.1f} s", flush=True)


class Failed(Exception):
    """A command of the check failed; the message says which and how."""


def run(cmd: list[str], cwd: Path, *, ok: tuple[int, ...] = (0,)) -> str:
    """Run ``cmd`` in ``cwd`` with the models variable unset; its stdout; :class:`Failed` on
    another exit code."""
    env = {k: v for k, v in os.environ.items() if k not in ("EXTRACTOR_MODELS", "PYTHONPATH")}
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if r.returncode not in ok:
        raise Failed(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr[-3000:]}")
    return r.stdout


def extract_and_audit(extractor: list[str], cwd: Path, tag: str) -> tuple[Path, str]:
    """The seed's records (a JSONL file) and its audit as JSON, from the command ``extractor``."""
    records = cwd / f"{tag}.jsonl"
    run([*extractor, "extract", str(SEED), "-o", str(records)], cwd)
    audit = run([*extractor, "audit", str(SEED), "--format", "json"], cwd, ok=(0, 1))  # 1: findings
    return records, audit


def check_run(venv: Path, work: Path, problems: list[str]) -> None:
    """Run the installed extractor from ``work``; add what is wrong to ``problems`` (the scores
    are printed)."""
    python = venv / "bin" / "python"
    try:
        package, models = run([str(python), "-c", _WHERE], work).split()
        site = str(venv.resolve())
        if not package.startswith(site) or not models.startswith(str(Path(package).parent)):
            problems.append(f"the installed package is {package} with its models in {models}: not inside {site}")
    except Failed as e:  # the extraction below still says how the installed package fares
        problems.append(f"where are the installed package and its models? {e}")
    records, audit = extract_and_audit([str(venv / "bin" / "extractor")], work, "installed")
    reference, reference_audit = extract_and_audit([sys.executable, "-m", "extractor"], work, "checkout")
    if records.read_text("utf-8") != reference.read_text("utf-8"):
        problems.append(f"extract: the installed wheel's records differ from this checkout's ({records}, {reference})")
    summary = json.loads(audit)["summary"]
    if audit != reference_audit or summary["file_errors"]:
        problems.append(f"audit: differs from this checkout's, or could not read a file: {summary}")
    scores = run([str(python), str(SCORER), "--gold", str(SEED / "gold"), "--pred", str(records)], work)
    print(scores, end="")
    m = _OVERALL.search(scores)
    if not m or any(float(f1) != 1.0 for f1 in m.groups()):
        problems.append("score: facts, findings and breakdowns F1 must all be 1.000")


def check_serve(venv: Path, work: Path, problems: list[str]) -> None:
    """``extractor serve`` of the installed wheel (its templates and static files are package
    data): a store ingested from the seed, the findings page fetched over HTTP; add what is
    wrong to ``problems``."""
    import urllib.request

    from serving import serving

    store = work / "facts.db"
    run([str(venv / "bin" / "extractor"), "ingest", str(SEED), "--db", str(store)], work)
    env = {k: v for k, v in os.environ.items() if k not in ("EXTRACTOR_MODELS", "PYTHONPATH")}
    try:
        with serving([str(venv / "bin" / "extractor"), "serve", "--db", str(store)], cwd=work, env=env,
                     log=work / "serve.log") as base, urllib.request.urlopen(f"{base}/findings", timeout=30) as r:
            page = r.read().decode("utf-8")
    except (RuntimeError, OSError) as e:
        problems.append(f"serve: no findings page from the installed wheel ({e})")
        return
    if "发现" not in page or "placeholder" not in page:
        problems.append(f"serve: the installed wheel's findings page lacks its findings ({len(page)} characters)")
    else:
        print(f"   serve: /findings {len(page)} characters from the installed wheel")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    times: dict[str, float] = {}
    tmp = Path(tempfile.mkdtemp(prefix="extractor-wheel-"))
    problems: list[str] = []
    try:
        with step("build the wheel (the modules of extraction compiled with mypyc)", times):
            wheel = build_wheel(tmp / "dist", isolated=False, compiled=True)
            (ROOT / "dist").mkdir(exist_ok=True)
            shutil.copy2(wheel, ROOT / "dist" / wheel.name)
            print(f"   dist/{wheel.name} ({wheel.stat().st_size / 1e6:.2f} MB)")
        with step("check its listing", times):
            problems += listing_problems(wheel) + compiled_problems(wheel)
        with step("make a virtualenv and install the wheel", times):
            venv = tmp / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            # -qq: pip says nothing but errors (not the index folders this machine lacks, one line a package)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-qq", str(wheel)], check=True)
        work = tmp / "work"
        work.mkdir()
        with step(f"extract, audit and score the seed from {work}", times):
            check_run(venv, work, problems)
        with step("extract the bundled corpus and the real reports: the checkout's records, byte for byte", times):
            check_same_records(venv, work, problems)
        with step("extract in threads that start at once", times):
            check_threads(venv, work, problems)
        with step("install the web extra, ingest the seed and serve its findings page", times):
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-qq", f"{wheel}[web]"], check=True)
            check_serve(venv, work, problems)
    except Failed as e:
        problems.append(str(e))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("wheel check: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
