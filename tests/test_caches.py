"""What the package remembers is bounded: memory must not grow with the corpus extracted
(``scripts/bench_memory.py`` shows the peak over 1-32 MB; these check the caches themselves)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import extractor
from extractor.about.categories import campaign, doctype
from extractor.lang import chars


def _modules() -> list[ModuleType]:
    return [importlib.import_module(m.name) for m in pkgutil.walk_packages(extractor.__path__, "extractor.")
            if not m.name.endswith("__main__")]  # that one runs the command


def test_every_cache_in_the_package_is_bounded() -> None:
    caches = []
    for module in _modules():
        for name, value in vars(module).items():
            if hasattr(value, "cache_parameters") and getattr(value, "__module__", None) == module.__name__:
                # a function of no argument holds one value whatever its maxsize
                one = not inspect.signature(value.__wrapped__).parameters
                caches.append((f"{module.__name__}.{name}", value.cache_parameters()["maxsize"], one))
    assert len(caches) >= 8  # found them: fold_word's, classify_phrase, load_model, get_pipeline...
    assert [name for name, size, one in caches if size is None and not one] == []


def test_fold_word_does_not_remember_long_texts() -> None:
    before = chars._fold_short.cache_info().currsize
    text = "春節送溫暖活動總結" * 40
    assert chars.fold_word(text) == chars.fold(text)
    assert chars._fold_short.cache_info().currsize == before


def test_campaign_and_doctype_of_many_reports_remember_nothing_long() -> None:
    chars._fold_short.cache_clear()
    for k in range(300):
        lead = f"关于春节送温暖活动的总结\n市总工会：\n现将第{k}次慰问困难职工{k * 7}名的情况汇报如下。"
        text = lead + "走访慰问。" * 50
        campaign("春节送温暖活动总结", text)
        doctype(None, text)
    # what is left are short words (titles, terms, features), far fewer than the reports
    assert chars._fold_short.cache_info().currsize < 300


def test_the_tags_of_words_met_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.lang import segment

    engine = segment.get_segmenter()._load()
    if not isinstance(engine, segment._Compiled):
        pytest.skip("rjieba is not installed: the reference engine keeps no memo")
    monkeypatch.setattr(segment, "_OTHER_KEPT", 50)
    table = len(engine._tags)
    for k in range(400):  # numbers and Latin words: each one a word no table holds
        engine.tagged(f"编号A{k}B共{k}户")
        assert len(engine._known) <= table + 50
    assert engine.tagged("困难职工") == [("困难职工", engine._tags.get("困难职工") or "n")]


def test_the_kinds_of_words_the_ruler_met_are_bounded() -> None:
    from extractor.about.ruler import _ruler
    from extractor.about.spans import OPAQUE, PHRASE, WordKinds

    asked: list[str] = []

    def kind(word: str) -> int:
        asked.append(word)
        return _ruler().kinds.of(word)

    kinds = WordKinds(kind, kept=50)
    for k in range(400):  # each one a word met once
        kinds.of(f"编号{k}")
        assert len(kinds) <= 50
    assert kinds.of("困难职工") == PHRASE and kinds.of("困难职工") == PHRASE
    assert asked.count("困难职工") == 1  # remembered once met
    assert kinds.of("A1") == OPAQUE


def test_the_kinds_of_words_stay_right_when_threads_fill_the_memo() -> None:
    # the memo begins a new dict when full, while other threads read the old one: every answer
    # must still be the word's own kind
    from concurrent.futures import ThreadPoolExecutor

    from extractor.about.spans import WordKinds

    def kind(word: str) -> int:
        return len(word) % 8

    kinds = WordKinds(kind, kept=7)
    words = [f"词{'字' * (k % 13)}{k}" for k in range(3000)]

    def ask(offset: int) -> list[bool]:
        return [kinds.of(w) == kind(w) for w in words[offset:] + words[:offset]]

    with ThreadPoolExecutor(4) as pool:
        answers = [ok for oks in pool.map(ask, (0, 750, 1500, 2250)) for ok in oks]
    assert len(answers) == 4 * len(words) and all(answers)
    assert len(kinds) <= 7 + 4  # (a thread may add its word between another's count and its own)
