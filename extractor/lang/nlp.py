"""The spaCy layer: ``spacy.blank("zh")`` whose tokenizer is our jieba segmenter.

spaCy is imported through :func:`import_spacy` (here, on first use), without its command line.
The tokenizer is registered as a named factory
(``extractor.JiebaTokenizer.v1``) so a pipeline saved under ``models/`` can name it in its config.
Tokens carry jieba's part-of-speech tag in ``tag_``; ``token.idx`` is a character offset into
the text, so spans found on a ``Doc`` are spans of the report.

>>> doc = make_doc("共慰问困难家庭700余户")
>>> [(t.text, t.idx) for t in doc][:3]
[('共', 0), ('慰问', 1), ('困难家庭', 3)]
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

from ..resources import loaded
from .segment import Segmenter, get_segmenter

__all__ = ["JiebaTokenizer", "get_nlp", "import_spacy", "make_doc", "register_tokenizer"]

TOKENIZER_NAME = "extractor.JiebaTokenizer.v1"


_IMPORT_LOCK = threading.Lock()


def import_spacy() -> types.ModuleType:
    """The ``spacy`` module, imported without its command line.

    ``spacy/__init__.py`` imports ``spacy.cli.info`` for one name (``spacy.info``), and with it
    every command of ``python -m spacy`` (its downloads bring requests, httpx and weasel): about
    0.2 s of the 0.55 s that ``import spacy`` takes, a fifth of a one-report run, for code the
    extractor never calls. So while spaCy is imported, ``spacy.cli`` and ``spacy.cli.info`` are
    stand-ins in ``sys.modules``; they are taken out again when the import ends, whatever
    happens, so that a later ``import spacy.cli`` loads the real one, and ``spacy.info`` calls
    the real ``info`` on first use. Should another spaCy need more of ``spacy.cli`` while it is
    imported, the import is done again the usual way. When ``spacy`` is already imported, it is
    returned as it is; while another thread imports it, it is waited for (a module being imported
    is in ``sys.modules`` half made: threads that took it from there found no ``spacy.load``)."""
    done = sys.modules.get("spacy")
    if done is not None and not getattr(done.__spec__, "_initializing", False):
        return done
    with _IMPORT_LOCK:
        if "spacy" in sys.modules:  # imported meanwhile, or being imported by a plain ``import``:
            return importlib.import_module("spacy")  # the import system waits for it to finish
        cli, cli_info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
        cli_info.info = _spacy_info  # type: ignore[attr-defined]
        stand_ins = {"spacy.cli": cli, "spacy.cli.info": cli_info}
        sys.modules.update(stand_ins)
        try:
            return importlib.import_module("spacy")
        except ImportError:
            pass  # a spaCy whose import needs more of its cli than ``info``: imported as usual below
        finally:
            for name, stand_in in stand_ins.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
        return importlib.import_module("spacy")


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info`` (``spacy.cli.info.info``), its module imported when it is first called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


class JiebaTokenizer:
    """A spaCy tokenizer that segments with our jieba instance and tags with its dictionary."""

    def __init__(self, vocab: Any, segmenter: Segmenter | None = None) -> None:
        self.vocab = vocab
        self.segmenter = segmenter or get_segmenter()

    def __call__(self, text: str) -> Any:
        import_spacy()
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


@loaded(maxsize=1)
def register_tokenizer() -> None:
    """Make the tokenizer factory known to spaCy (before loading a saved pipeline)."""
    import_spacy()
    from spacy.util import registry

    registry.tokenizers.register(TOKENIZER_NAME, func=create_jieba_tokenizer)


@loaded(maxsize=1)
def get_nlp() -> Any:
    """The package's spaCy pipeline (blank Chinese with the jieba tokenizer), built once."""
    register_tokenizer()
    return import_spacy().blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})


def make_doc(text: str) -> Any:
    """A spaCy ``Doc`` of ``text`` (``doc.text == text``; offsets are the text's)."""
    return get_nlp().make_doc(text)
