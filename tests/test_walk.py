"""The folder walk of :func:`extractor.pipeline.iter_paths`: every file a reader knows, in the order
of the paths' parts, a folder that cannot be listed in its place, and one folder listed at a time."""

from __future__ import annotations

import os
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.pipeline import iter_paths
from extractor.readers import SUFFIXES

_NAME = st.text(alphabet=string.ascii_lowercase + "._- 困难0", min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..") and not s.startswith(" "))
_FILE = st.tuples(_NAME, st.sampled_from([".txt", ".TXT", ".pdf", ".docx", ".md", ".png", ""]))
# a tree: each entry a file (name, suffix) or a folder (name, its tree), to three levels
_TREE = st.recursive(st.lists(_FILE, max_size=4),
                     lambda inner: st.lists(st.one_of(_FILE, st.tuples(_NAME, inner)), max_size=4), max_leaves=25)


def _make(folder: Path, tree: list[Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rest in tree:
        if isinstance(rest, str):
            path = folder / (name + rest)
            if not path.exists():
                path.write_bytes(b"x")
        elif not (folder / name).exists():
            _make(folder / name, rest)


def _reference(top: Path, locked: frozenset[str] = frozenset()) -> list[str]:
    """Every eligible file under ``top`` (and each locked folder), sorted by the paths' parts:
    the walk's order as it was, the whole tree listed and then sorted."""
    found: list[str] = []
    for folder, dirs, files in os.walk(top):
        if folder in locked:
            found.append(folder)
            dirs[:] = []
            continue
        found += [os.path.join(folder, f) for f in files
                  if Path(f).suffix.lower() in SUFFIXES and not f.upper().startswith("README")]
    return sorted(found, key=lambda s: s.split(os.sep))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_TREE)
def test_walk_gives_every_file_in_the_order_of_its_parts(tree: list[Any],
                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    top = tmp_path_factory.mktemp("tree")
    _make(top, tree)
    assert [str(p) for p in iter_paths([top])] == _reference(top)


@pytest.mark.parametrize("locked", ["b", "b/c", "top"], ids=["sub-folder", "deeper", "the-folder-named"])
def test_a_folder_that_cannot_be_listed_stands_in_its_place(locked: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "top"
    for name in ("a.txt", "b/c/d.txt", "b/e.txt", "b.txt", "c.txt", "b/c.txt"):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_bytes(b"x")
    refused = str(tmp_path / locked) if locked == "top" else str(top / locked)
    want = _reference(top, frozenset({refused}))
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.fspath(path) == refused:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert [str(p) for p in iter_paths([top])] == want
    assert refused in want


def test_the_first_file_comes_before_the_other_folders_are_listed(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive's walk starts extracting at once and holds one branch's listings, not the tree's."""
    for year in range(2000, 2010):
        for month in range(1, 13):
            (tmp_path / str(year) / f"{month:02d}").mkdir(parents=True)
            (tmp_path / str(year) / f"{month:02d}" / "r.txt").write_bytes(b"x")
    listed: list[str] = []
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        listed.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    walk = iter_paths([tmp_path])
    assert next(walk) == tmp_path / "2000" / "01" / "r.txt"
    assert listed == [str(tmp_path), str(tmp_path / "2000"), str(tmp_path / "2000" / "01")]
    assert len(list(walk)) == 10 * 12 - 1
