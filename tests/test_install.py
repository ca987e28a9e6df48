"""A normal install works like the editable one: the models ship inside the package and every
loader finds them through one locator (``extractor.resources``), which EXTRACTOR_MODELS overrides.

No network: the wheel is built with this environment's setuptools and installed with
``pip --target --no-deps --no-index``, run on this environment's dependencies. The full check,
a fresh virtualenv with the dependencies from the registries, is ``make wheel-check`` (CI).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from extractor.errors import ConfigError
from extractor.resources import MODELS_ENV, model_path, models_dir

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import wheel_check

SEED = ROOT / "corpus" / "seed"

# Run in a fresh interpreter: extract a file (argv 1) with every check, load the classifiers (the
# seed's phrases need none), and print as JSON the files opened under the folders named after it
# (an audit hook sees every open, numpy's and spaCy's too).
_OPENS = """
import json, sys
from pathlib import Path
from types import ModuleType
folders = [str(Path(f).resolve()) for f in sys.argv[2:]]
opened = set()
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, Path)):
        path = str(Path(args[0]).resolve())
        if any(path.startswith(f + "/") for f in folders):
            opened.add(path)
sys.addaudithook(hook)
from extractor.pipeline import extract_path
records = extract_path(sys.argv[1])
assert isinstance(records, list) and len(records) == 5, records
from extractor.about.classify import load_model
for name in ("subject_group", "subject_fund", "doctype"):
    load_model(name)
print(json.dumps(sorted(opened)))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (MODELS_ENV, "PYTHONPATH")}
    return env | extra


@pytest.mark.pure_only("the checkout's own packaging (the editable install, a wheel built from the source tree)")
def test_models_dir_is_the_package_data_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODELS_ENV, raising=False)
    assert models_dir() == resources.files("extractor._models")
    assert models_dir().resolve() == (ROOT / "models").resolve()  # the editable install: the repo's folder


def test_models_dir_honours_extractor_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    assert models_dir() == tmp_path
    assert model_path("spacy_zh") == tmp_path / "spacy_zh"


def test_extractor_models_that_is_no_folder_is_a_config_error(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    monkeypatch.setenv(MODELS_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError) as e:
        models_dir()
    assert e.value.code == "bad_config" and MODELS_ENV in e.value.message


def test_every_model_file_is_loaded_through_the_locator(tmp_path: Path) -> None:
    """With EXTRACTOR_MODELS on a copy, a whole extraction opens model files of the copy only."""
    copy = tmp_path / "models"
    shutil.copytree(ROOT / "models", copy, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    seed = next(SEED.glob("*.txt"))
    r = subprocess.run([sys.executable, "-c", _OPENS, str(seed), str(ROOT / "models"), str(copy)],
                       env=_env(**{MODELS_ENV: str(copy)}), cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    opened = [Path(p) for p in json.loads(r.stdout)]
    from_repo = [p for p in opened if not p.is_relative_to(copy.resolve())]
    assert from_repo == [], "opened past the locator"
    loaded = {str(p.relative_to(copy.resolve())) for p in opened}
    for name in ("jieba_userdict.txt", "spacy_zh/config.cfg", "spacy_zh/span_ruler/patterns",
                 "subject_group.npz", "subject_fund.npz", "doctype.npz"):
        assert name in loaded, f"{name} was not loaded from EXTRACTOR_MODELS"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built without an index (this environment's setuptools)."""
    return wheel_check.build_wheel(tmp_path_factory.mktemp("dist"), isolated=False)


@pytest.mark.pure_only("the checkout's own packaging (the editable install, a wheel built from the source tree)")
def test_wheel_holds_the_package_and_its_models(wheel: Path) -> None:
    assert wheel_check.listing_problems(wheel) == []
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"extractor/_models/jieba_userdict.txt", "extractor/_models/spacy_zh/config.cfg",
            "extractor/_models/doctype.npz", "extractor/data/taxonomy.toml"} <= names
    assert not any(n.startswith("models/") for n in names)


@pytest.mark.pure_only("the checkout's own packaging (the editable install, a wheel built from the source tree)")
def test_installed_wheel_reads_the_seed_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    """The wheel installed on its own (this environment's dependencies beside it) extracts the
    seed from a folder outside the source tree, with its models from inside the package, and
    gives the records this checkout gives."""
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site),
                    str(wheel)], check=True)
    installed = _env(PYTHONPATH=str(site))  # before site-packages, so before the editable install
    where = subprocess.run([sys.executable, "-c", wheel_check._WHERE], env=installed, cwd=work,
                           capture_output=True, text=True, check=True).stdout.split()
    assert [Path(p).is_relative_to(site) for p in where] == [True, True], where
    out = {}
    for name, env in (("installed", installed), ("checkout", _env())):
        r = subprocess.run([sys.executable, "-m", "extractor", "extract", str(SEED)], env=env, cwd=work,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-3000:]
        out[name] = r.stdout
    records = [json.loads(line) for line in out["installed"].splitlines()]
    assert [r.get("error") for r in records] == [None] * 5
    assert out["installed"] == out["checkout"]


@pytest.mark.parametrize(("env", "argv", "compiled"), [
    pytest.param("", ["bdist_wheel"], True, id="a-wheel-is-compiled"),
    pytest.param("", ["install"], True, id="an-install-is-compiled"),
    pytest.param("", ["editable_wheel"], False, id="an-editable-install-is-not"),
    pytest.param("1", ["editable_wheel"], True, id="unless-asked"),
    pytest.param("", ["egg_info"], False, id="the-metadata-step-builds-nothing"),
    pytest.param("1", ["dist_info"], False, id="not-even-when-asked"),
    pytest.param("0", ["bdist_wheel"], False, id="pure-when-asked"),
])
def test_setup_compiles_what_it_says(env: str, argv: list[str], compiled: bool,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """setup.py compiles the modules of extraction for a wheel or an install, never for an
    editable install (a compiled module would shadow an edited source) nor for pip's metadata
    steps (each would run mypy for nothing); EXTRACTOR_COMPILE decides when set."""
    setup_py = wheel_check.setup_py()
    fake = ModuleType("mypyc.build")
    shared = ["-O3"]  # mypyc's extensions share one list of flags
    fake.mypycify = lambda paths, **_: [  # type: ignore[attr-defined]
        SimpleNamespace(name=f"ext:{p}", extra_compile_args=shared) for p in paths]
    monkeypatch.setitem(sys.modules, "mypyc.build", fake)
    monkeypatch.setenv("EXTRACTOR_COMPILE", env)
    monkeypatch.setattr(sys, "argv", ["setup.py", *argv])
    got = setup_py._compiled()
    assert [e.name for e in got] == ([f"ext:{p}" for p in setup_py.COMPILED] if compiled else [])
    assert all((ROOT / p).is_file() for p in setup_py.COMPILED)
    # on Linux the calls between the compiled functions go straight, not through the PLT
    flags = ["-O3", *(setup_py.LINUX_FLAGS if sys.platform.startswith("linux") else [])]
    assert all(e.extra_compile_args == flags for e in got)


def test_a_build_that_cannot_compile_is_pure_python(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Without mypy (pip's isolated build of `pip install .`) the build is pure Python and says
    why; asked to compile (EXTRACTOR_COMPILE=1), it fails instead."""
    setup_py = wheel_check.setup_py()
    monkeypatch.setitem(sys.modules, "mypyc.build", None)  # import fails
    monkeypatch.setattr(sys, "argv", ["setup.py", "bdist_wheel"])
    monkeypatch.setenv("EXTRACTOR_COMPILE", "")
    assert setup_py._compiled() == []
    assert "not compiled" in capsys.readouterr().err
    monkeypatch.setenv("EXTRACTOR_COMPILE", "1")
    with pytest.raises(ImportError):
        setup_py._compiled()


def _module_constants(tree: ast.Module) -> list[tuple[str, bool]]:
    """The module-level UPPER_CASE names (``_RATE``, ``POINT``) assigned in ``tree``, each with
    whether it is annotated ``Final``."""
    out: list[tuple[str, bool]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, final = node.targets[0], False
        elif isinstance(node, ast.AnnAssign):
            ann = node.annotation.value if isinstance(node.annotation, ast.Subscript) else node.annotation
            target, final = node.target, isinstance(ann, ast.Name) and ann.id == "Final"
        else:
            continue
        if isinstance(target, ast.Name) and re.fullmatch(r"_?[A-Z][A-Z0-9_]*", target.id) \
                and not (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                         and node.value.func.id == "TypeVar"):
            out.append((target.id, final))
    return out


# what may stay a plain module global in a compiled module, and why
_NOT_FINAL = {
    ("extractor/lang/segment.py", "_OTHER_KEPT"): "tests/test_caches.py makes it smaller",
}


# the frozen dataclasses of a compiled module that keep the __init__ dataclasses writes, and why
_FROZEN_MADE_RARELY = {
    ("extractor/model.py", name): "made once a file, a report or a table, not a figure"
    for name in ("Table", "Block", "Document", "Report", "Record", "ErrorRecord")
}


def _flag(d: ast.Call, name: str) -> object:
    return next((k.value.value for k in d.keywords if k.arg == name and isinstance(k.value, ast.Constant)), None)


@pytest.mark.parametrize("path", wheel_check.setup_py().COMPILED)
def test_compiled_modules_keep_mypyc_fast(path: str) -> None:
    """The two rules that keep the compiled modules fast (stop 27): a module's constants are
    ``Final`` (mypyc then keeps them in C statics; a plain global is a dict lookup at every use),
    and its own value classes are not frozen dataclasses that keep the ``__init__`` dataclasses
    writes (it sets each field through ``object.__setattr__``: 414 against 160 ns to make one of
    three fields, and stays interpreted): a frozen one says ``init=False`` and has its own, whose
    stores mypyc compiles (the record classes of model.py, stop 32)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    plain = [name for name, final in _module_constants(tree) if not final and (path, name) not in _NOT_FINAL]
    assert plain == []
    frozen = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
              for d in node.decorator_list if isinstance(d, ast.Call) and _flag(d, "frozen")
              and not (_flag(d, "init") is False and any(isinstance(f, ast.FunctionDef) and f.name == "__init__"
                                                          for f in node.body))
              and (path, node.name) not in _FROZEN_MADE_RARELY]
    assert frozen == []
