"""The spaCy layer: ``spacy.blank("zh")`` whose tokenizer is our jieba segmenter.

spaCy is imported here and nowhere else. The tokenizer is registered as a named factory
(``extractor.JiebaTokenizer.v1``) so a pipeline saved under ``models/`` can name it in its config.
Tokens carry jieba's part-of-speech tag in ``tag_``; ``token.idx`` is a character offset into
the text, so spans found on a ``Doc`` are spans of the report.

>>> doc = make_doc("共慰问困难家庭700余户")
>>> [(t.text, t.idx) for t in doc][:3]
[('共', 0), ('慰问', 1), ('困难家庭', 3)]
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from .segment import Segmenter, get_segmenter

__all__ = ["JiebaTokenizer", "get_nlp", "make_doc", "register_tokenizer"]

TOKENIZER_NAME = "extractor.JiebaTokenizer.v1"


class JiebaTokenizer:
    """A spaCy tokenizer that segments with our jieba instance and tags with its dictionary."""

    def __init__(self, vocab: Any, segmenter: Segmenter | None = None) -> None:
        self.vocab = vocab
        self.segmenter = segmenter or get_segmenter()

    def __call__(self, text: str) -> Any:
        from spacy.tokens import Doc

        tokens = self.segmenter.tokens(text)
        words = [t.text for t in tokens]
        return Doc(self.vocab, words=words, spaces=[False] * len(words), tags=[t.tag for t in tokens])

    # spaCy calls these when a pipeline is saved or loaded; the segmenter's state lives in models/.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> JiebaTokenizer:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> JiebaTokenizer:
        return self


def create_jieba_tokenizer() -> Callable[[Any], JiebaTokenizer]:
    """The factory spaCy's config names as ``{"@tokenizers": "extractor.JiebaTokenizer.v1"}``."""

    def make(nlp: Any) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)

    return make


@lru_cache(maxsize=1)
def register_tokenizer() -> None:
    """Make the tokenizer factory known to spaCy (before loading a saved pipeline)."""
    from spacy.util import registry

    registry.tokenizers.register(TOKENIZER_NAME, func=create_jieba_tokenizer)


@lru_cache(maxsize=1)
def get_nlp() -> Any:
    """The package's spaCy pipeline (blank Chinese with the jieba tokenizer), built once."""
    import spacy

    register_tokenizer()
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})


def make_doc(text: str) -> Any:
    """A spaCy ``Doc`` of ``text`` (``doc.text == text``; offsets are the text's)."""
    return get_nlp().make_doc(text)
