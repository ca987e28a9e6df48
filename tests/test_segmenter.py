"""The segmenter's two engines: the compiled port of jieba's algorithm (rjieba, the default) and
jieba itself (the reference, and the fallback where rjieba is not installed) give the same words,
tags and dictionary answers, with our user dictionary and our word deletions."""

from __future__ import annotations

import builtins
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extractor.lang.segment import Segmenter, _word_list, get_segmenter, sentences
from extractor.pipeline import iter_paths
from extractor.readers import read_path

from .conftest import ROOT

REAL_DEV = ROOT.parent / "shared" / "eval" / "real-dev" / "docs"


@pytest.fixture(scope="module")
def engines() -> tuple[Segmenter, Segmenter]:
    return Segmenter(engine="rjieba"), Segmenter(engine="jieba")


def _texts() -> Iterator[str]:
    paths = [*iter_paths([ROOT / "corpus"])]
    if REAL_DEV.is_dir():  # the half we develop on only
        paths += sorted(p for p in REAL_DEV.glob("*.txt") if int(p.stem[1:]) <= 14)
    for path in paths:
        yield read_path(path).text


def test_default_engine_is_the_compiled_one() -> None:
    assert get_segmenter().engine == "rjieba"


def test_same_tokens_on_the_corpus(engines: tuple[Segmenter, Segmenter]) -> None:
    compiled, reference = engines
    n = 0
    for text in _texts():
        for sentence, _ in sentences(text):
            assert compiled.tokens(sentence, 7) == reference.tokens(sentence, 7), sentence
            n += 1
    assert n > 1000


def test_same_words_in_the_dictionary(engines: tuple[Segmenter, Segmenter]) -> None:
    compiled, reference = engines
    text = next(_texts())
    asked = {text[i:i + k] for i in range(len(text)) for k in (1, 2, 3, 4)} | set(_word_list("not_words.txt"))
    assert {w for w in asked if compiled.is_word(w)} == {w for w in asked if reference.is_word(w)}


@pytest.mark.parametrize("word", ["一户一策", "千家万户", "困难职工", "慰问金"], ids=str)
def test_our_words_and_deletions(engines: tuple[Segmenter, Segmenter], word: str) -> None:
    compiled, reference = engines
    assert compiled.tokens(f"落实{word}工作") == reference.tokens(f"落实{word}工作")


def test_a_custom_user_dictionary_is_honoured(tmp_path: Path) -> None:
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("蓝天救援队 5000 nt\n", encoding="utf-8")
    for engine in ("rjieba", "jieba"):
        tokens = Segmenter(userdict, engine=engine).tokens("感谢蓝天救援队参加")
        assert ("蓝天救援队", "nt") in [(t.text, t.tag) for t in tokens], engine


def test_falls_back_to_jieba_without_rjieba(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_rjieba(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rjieba":
            raise ImportError("rjieba is not installed here")
        return real_import(name, *args, **kwargs)

    real_find_spec = importlib.util.find_spec

    def no_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == "rjieba" else real_find_spec(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "rjieba", raising=False)
    monkeypatch.delitem(sys.modules, "rjieba.rjieba", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_rjieba)
    monkeypatch.setattr(importlib.util, "find_spec", no_spec)
    seg = Segmenter()
    assert seg.engine == "jieba"
    assert [t.text for t in seg.tokens("共慰问困难职工53名")][:3] == ["共", "慰问", "困难职工"]


def test_rjieba_is_loaded_without_its_default_segmenter() -> None:
    """The segmenter loads rjieba's compiled module without the package's ``__init__`` (which
    builds a default segmenter, 0.12 s, never used), and an ``import rjieba`` after it still works
    and takes the same module (a PyO3 module initialized twice would fail)."""
    code = (
        "import sys\n"
        "from extractor.lang.segment import get_segmenter\n"
        "assert get_segmenter().engine == 'rjieba'\n"
        "assert 'rjieba' not in sys.modules, 'the package was imported'\n"
        "import rjieba\n"
        "assert rjieba.Jieba is sys.modules['rjieba.rjieba'].Jieba\n"
        "print(' '.join(rjieba.cut('共慰问困难职工53名')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:3] == ["共", "慰问", "困难职工"]
