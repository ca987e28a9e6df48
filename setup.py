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
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from typing import Any

from setuptools import setup

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
]


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

        return list(mypycify(COMPILED, opt_level="3", group_name="extractor._compiled"))
    except (Exception, SystemExit) as e:  # mypy's errors end in SystemExit
        if want == "1":
            raise
        print(f"extractor: building the pure-Python package; the modules of extraction are not compiled ({e})",
              file=sys.stderr)
        return []


if __name__ == "__main__":  # as setuptools runs it (the tests import it)
    setup(ext_modules=_compiled())
