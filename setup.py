"""The wheel's build: the modules of extraction compiled with mypyc; everything else is in pyproject.toml.

The package is pure Python; mypyc (mypy's compiler: the annotated code of ``mypy --strict`` made
into C extension modules) runs the modules below with about a fifth fewer instructions and the
same records (``scripts/wheel_check.py`` holds the installed wheel's records to the checkout's,
byte for byte, on the bundled corpus and the real reports). What is compiled:

- a wheel or an install built with mypy and the package's dependencies at hand (``pip wheel
  --no-build-isolation .`` in a virtualenv with ``.[dev]``, what ``make wheel-check`` does) and a C
  compiler: compiled;
- an editable install (``pip install -e .``, what ``make`` does): never, so that an edited source
  takes effect at once (a compiled module beside it would shadow it);
- ``EXTRACTOR_COMPILE=1``: compile, and fail the build when it cannot; ``EXTRACTOR_COMPILE=0``: pure
  Python, the same records, slower.

The compiled modules keep two rules that mypyc's speed depends on (held by
``tests/test_install.py::test_compiled_modules_keep_mypyc_fast``): their module constants are
``Final`` (kept in C statics, not looked up in the module's dict at every use), and their own value
classes are not frozen dataclasses (mypyc sets each field of a frozen one through
``object.__setattr__``).

A build that cannot compile says why on stderr and gives the pure-Python package: no C compiler,
or no mypy, as in pip's default isolated build of ``pip install .`` (mypy is no build requirement:
it must type the code against the installed dependencies, which an isolated build lacks).

``EXTRACTOR_PGO=1`` (``make compiled``, ``make wheel-check`` and so the CI's wheel) makes the build
profile-guided, with GCC: the C of the compiled modules is built once instrumented, extracts the
bundled reports (:data:`TRAINING`, folders of the source tree: none of the real reports the
scores are measured on), and is built again with what that run counted: the branches laid out as
the reports take them, the hot code together. The same C, so the same records; about 5% less
time on the real reports (the compiled modules' misses of the CPU's caches are what the time
beyond jieba's goes to). The build fails when it cannot (no GCC, no training folders, a training
run that fails): a wheel said to be profile-guided is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: the modules a report's extraction spends its time in (the per-document function and its stages)
COMPILED = [
    "extractor/facts/__init__.py",
    "extractor/facts/counts.py",
    "extractor/facts/dates.py",
    "extractor/facts/figures.py",
    "extractor/facts/missing.py",
    "extractor/facts/money.py",
    "extractor/facts/subjects.py",
    "extractor/lang/chars.py",
    "extractor/lang/lexicon.py",
    "extractor/lang/numbers.py",
    "extractor/lang/segment.py",
    "extractor/structure/breakdowns.py",
    "extractor/structure/split.py",
    "extractor/structure/tables.py",
    "extractor/structure/topics.py",
    "extractor/about/categories.py",
    "extractor/about/phrases.py",
    "extractor/about/classify.py",
    "extractor/about/regions.py",
    "extractor/about/spans.py",
    "extractor/about/taxonomy.py",
    "extractor/calc.py",
    "extractor/changed.py",
    "extractor/checks/bounds.py",
    "extractor/checks/dates.py",
    "extractor/checks/duplicates.py",
    "extractor/checks/placeholders.py",
    "extractor/checks/registry.py",
    "extractor/checks/structure.py",
    "extractor/checks/sums.py",
    "extractor/output/jsonl.py",
    "extractor/model.py",
]


#: C flags of the compiled modules on Linux: their calls to one another and to libpython straight,
#: not through the PLT (a shared object's functions may otherwise be replaced at load time, so each
#: call between mypyc's functions took a jump more and none was inlined across). The real reports
#: take about 4% less time (22 rounds against the build without them, both profile-guided)
LINUX_FLAGS = ["-fno-plt", "-fno-semantic-interposition"]

#: the setuptools commands that build extension modules (pip's metadata steps run setup.py too)
_BUILDS = {"bdist_wheel", "build", "build_ext", "install", "editable_wheel"}


def _compiled() -> list[Any]:
    """The extension modules to build: mypyc's of :data:`COMPILED`, or none (see the module's doc)."""
    want = os.environ.get("EXTRACTOR_COMPILE", "").strip()
    if want == "0" or not _BUILDS & set(sys.argv) or (want != "1" and "editable_wheel" in sys.argv):
        return []  # pure Python, or a step that builds nothing (egg_info, dist_info: the metadata)
    try:
        if want != "1" and not shutil.which(str(sysconfig.get_config_var("CC") or "cc").split()[0]):
            raise RuntimeError("no C compiler found")
        from mypyc.build import mypycify

        extensions = list(mypycify(COMPILED, opt_level="3", group_name="extractor._compiled"))
        if sys.platform.startswith("linux"):
            for ext in extensions:  # (a new list each: mypyc's extensions share one)
                ext.extra_compile_args = [*ext.extra_compile_args, *LINUX_FLAGS]
        return extensions
    except (Exception, SystemExit) as e:  # mypy's errors end in SystemExit
        if want == "1":
            raise
        print(f"extractor: building the pure-Python package; the modules of extraction are not compiled ({e})",
              file=sys.stderr)
        return []


#: the folders of bundled reports a profile-guided build extracts to count its branches
TRAINING = ("corpus/seed", "corpus/dev", "corpus/holdout", "corpus/holdout2")
#: times the training run extracts them (the profiles of the runs add up)
_TRAINING_PASSES = 3


class ProfileGuidedBuild(build_ext):  # type: ignore[misc]  # setuptools has no type hints here
    """``build_ext``, profile-guided when ``EXTRACTOR_PGO=1`` (see the module's doc)."""

    compiler: Any  # the compiler's name until run() puts the compiler itself there

    def run(self) -> None:
        if os.environ.get("EXTRACTOR_PGO", "").strip() != "1" or not self.extensions:
            super().run()
            return
        here = os.path.dirname(os.path.abspath(__file__))
        folders = [os.path.join(here, d) for d in TRAINING if os.path.isdir(os.path.join(here, d))]
        if not folders:
            raise RuntimeError(f"EXTRACTOR_PGO=1: none of the training folders {TRAINING} in {here}")
        cc = str(sysconfig.get_config_var("CC") or "cc").split()
        version = subprocess.run([*cc, "--version"], capture_output=True, text=True).stdout
        if "Free Software Foundation" not in version:
            raise RuntimeError(f"EXTRACTOR_PGO=1 needs GCC; the compiler is {cc[0]}: {version[:60]!r}")
        profiles = os.path.abspath(os.path.join(self.build_temp, "profiles"))
        shutil.rmtree(profiles, ignore_errors=True)
        own = [(list(e.extra_compile_args), list(e.extra_link_args)) for e in self.extensions]
        compiler = self.compiler

        def build(compile_args: list[str], link_args: list[str]) -> None:
            for ext, (c, link) in zip(self.extensions, own, strict=True):
                ext.extra_compile_args, ext.extra_link_args = c + compile_args, link + link_args
            self.force = True  # the same C again: its objects are up to date by their times
            self.compiler = compiler
            super(ProfileGuidedBuild, self).run()

        build([f"-fprofile-generate={profiles}", "-fprofile-update=single"], ["-fprofile-generate"])
        package = here if self.inplace else os.path.abspath(self.build_lib)  # where it imports from
        for _ in range(_TRAINING_PASSES):  # the package just built, as a user runs it: extract
            run = subprocess.run([sys.executable, "-m", "extractor", "extract", *folders, "-o", os.devnull],
                                 cwd=package, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": package})
            if run.returncode != 0 or not os.path.isdir(profiles):
                raise RuntimeError(f"EXTRACTOR_PGO=1: the training run failed:\n{run.stderr[-2000:]}")
        print(f"extractor: profile-guided build trained on {run.stderr.strip()}", file=sys.stderr)
        build([f"-fprofile-use={profiles}", "-fprofile-partial-training", "-fprofile-correction",
               "-Wno-missing-profile"], [])


if __name__ == "__main__":  # as setuptools runs it (the tests import it)
    setup(ext_modules=_compiled(), cmdclass={"build_ext": ProfileGuidedBuild})
