"""Where the built models are: one locator that every loader asks.

The models (the segmenter's dictionary ``jieba_userdict.txt``, the spaCy pipeline ``spacy_zh/``,
the classifiers ``subject_group|subject_fund|doctype.{json,npz}``) live in the repository's
top-level ``models/`` folder, which pyproject.toml ships as the package data ``extractor._models``:
inside the installed package in a wheel, the repository's folder itself in an editable install.
Set ``EXTRACTOR_MODELS`` to a folder of the same files to load those instead.

>>> model_path("spacy_zh").name
'spacy_zh'
>>> (models_dir() / "jieba_userdict.txt").is_file()
True
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from functools import lru_cache, update_wrapper
from importlib import resources
from pathlib import Path
from typing import Generic, ParamSpec, TypeVar

from .errors import ConfigError

__all__ = ["MODELS_ENV", "MODELS_PACKAGE", "build_id", "loaded", "model_path", "models_dir"]

P = ParamSpec("P")
R = TypeVar("R")


class _Loaded(Generic[P, R]):
    """A loader called once for each arguments, whatever the threads (see :func:`loaded`)."""

    def __init__(self, fn: Callable[P, R], maxsize: int) -> None:
        cached = lru_cache(maxsize=maxsize)(fn)
        self._call: Callable[..., R] = cached
        self._lock = threading.RLock()
        self.__wrapped__ = fn
        self.cache_info = cached.cache_info
        self.cache_clear = cached.cache_clear
        self.cache_parameters = cached.cache_parameters
        update_wrapper(self, fn)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return self._call(*args, **kwargs)


def loaded(maxsize: int) -> Callable[[Callable[P, R]], _Loaded[P, R]]:
    """``lru_cache(maxsize)`` for a loader (a model, a pipeline, a library), that threads calling
    it at once for the first time do not each load: the first loads, the others wait for it (two
    threads' first reports used to load spaCy's pipeline twice, one of them while the other's
    ``warnings.catch_warnings`` was undone, which printed spaCy's W012 warnings)."""
    def wrap(fn: Callable[P, R]) -> _Loaded[P, R]:
        return _Loaded(fn, maxsize)

    return wrap


#: the environment variable that points the loaders at another folder of models
MODELS_ENV = "EXTRACTOR_MODELS"
#: the package whose data the models are (pyproject.toml maps it onto models/)
MODELS_PACKAGE = "extractor._models"


def models_dir() -> Path:
    """The folder of the built models: ``$EXTRACTOR_MODELS`` when set, else the package data.

    Read at each call (the loaders that use it load once); raises :class:`ConfigError` when the
    variable names no folder, or when the package data is not a plain folder (spaCy loads a
    pipeline from a directory path, not from inside a zip)."""
    override = os.environ.get(MODELS_ENV)
    if override:
        path = Path(override)
        if not path.is_dir():
            raise ConfigError(MODELS_ENV, f"{MODELS_ENV}={override} 不是模型目录 (not a folder)")
        return path
    try:
        root = resources.files(MODELS_PACKAGE)
    except ModuleNotFoundError as e:  # a source tree on sys.path without `pip install -e .`
        raise ConfigError(MODELS_PACKAGE, f"找不到模型包 {MODELS_PACKAGE}：请安装本包 (pip install -e .) "
                                          f"或设置 {MODELS_ENV}") from e
    if not isinstance(root, Path):
        raise ConfigError(MODELS_PACKAGE, f"{MODELS_PACKAGE} 不是普通目录 ({root!r})：请解压安装或设置 {MODELS_ENV}")
    return root


def model_path(name: str) -> Path:
    """The path of one model file or folder by its name in :func:`models_dir`."""
    return models_dir() / name


#: the package's folders that make no record (the command line, the auditor's pages): a change
#: there does not make the records stored before it stale; and ``_models``, an installed wheel's
#: models, digested as the models (an editable install has them at models/, outside the package)
_NOT_RECORDS = frozenset({"ui", "web", "__pycache__", "_models"})


def build_id() -> str:
    """The build that makes the records: the version and a digest of the package's code and data
    (but its command line and web pages) and of the models it loads, e.g. ``0.1.0+3f2a9c1d0b7e``.
    Two builds with one id make the same record of the same file; the store keeps each file's
    (``files.build``), and an import extracts again what an older build stored."""
    return _build_id(str(models_dir()))


#: files made from the package's sources, not sources: bytecode and the modules setup.py compiles
#: with mypyc (a compiled install makes the records of its sources, so it has their build)
_BUILT = frozenset({".pyc", ".so", ".pyd"})


@lru_cache(maxsize=4)
def _build_id(models: str) -> str:
    from . import __version__

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for root, tag in ((package, "extractor"), (Path(models), "models")):
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if (not path.is_file() or path.suffix in _BUILT
                    or (tag == "extractor" and rel.parts[0] in _NOT_RECORDS) or "__pycache__" in rel.parts):
                continue
            digest.update(f"{tag}/{rel.as_posix()}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"
