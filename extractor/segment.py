"""Sentences, clauses and words: jieba through our own ``Tokenizer`` with the domain dictionary.

The global ``jieba.cut`` is never used: the package's segmenter is its own ``jieba.Tokenizer()``
with ``models/jieba_userdict.txt`` (built by ``scripts/build_dict.py`` from the word lists in
``extractor/data/lexicon/``), so that 困难职工, 慰问金 and 千家万户 stay whole.

>>> [text for text, _ in clauses("共慰问700余户，其中单亲家庭150余户。")]
['共慰问700余户', '其中单亲家庭150余户']
"""

from __future__ import annotations

import bisect
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from .model import Span

__all__ = ["Segmenter", "Token", "build_userdict", "by_clause", "clauses", "get_segmenter", "segment_windows",
           "sentences"]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
#: Where the built dictionary lives; EXTRACTOR_MODELS points elsewhere (an installed package).
USERDICT_PATH = Path(os.environ.get("EXTRACTOR_MODELS", ROOT / "models")) / "jieba_userdict.txt"
_DEFAULT = {"groups.txt": (3000, "n"), "funds.txt": (3000, "n"), "idioms.txt": (5000, "i")}

# a sentence runs to 。！？ (or ASCII ! ?) and the end marks after it, or to a line end; an ASCII ?
# that stands where a character was lost (、?菩律123名, 下?lián: mojibake) ends nothing: one after a
# clause mark or before a Latin letter
_SENTENCE_END = re.compile(r"(?:[^。！？!?\n]|(?<=[,，、;；:：(（])[!?]|[!?](?=[A-Za-z]))++[。！？!?]*")
_CLAUSE = re.compile(r"[^。！？!?\n，,；;：:、]+")


@lru_cache(maxsize=4)
def sentences(text: str) -> tuple[tuple[str, Span], ...]:
    """Sentences (split at 。！？ and line ends), each with its span; blank ones dropped.

    >>> [t for t, _ in sentences("共862名。其中一本91名、?菩律123名。好吗?好")]
    ['共862名。', '其中一本91名、?菩律123名。', '好吗?', '好']
    """
    return tuple((m.group(), m.span()) for m in _SENTENCE_END.finditer(text) if m.group().strip())


def clauses(text: str) -> list[tuple[str, Span]]:
    """Clauses (sentences further split at ，；：、), each with its span."""
    return [(m.group(), m.span()) for m in _CLAUSE.finditer(text) if m.group().strip()]


def by_clause(text: str, starts: Sequence[int]) -> list[tuple[Span, list[int]]]:
    """The clauses of ``text`` that hold one of ``starts`` (ascending offsets), each with the
    indexes into ``starts`` of those it holds, in order."""
    out: list[tuple[Span, list[int]]] = []
    k = 0
    for _, (cs, ce) in clauses(text):
        here: list[int] = []
        while k < len(starts) and starts[k] < ce:
            if starts[k] >= cs:
                here.append(k)
            k += 1
        if here:
            out.append(((cs, ce), here))
    return out


class _Located(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


L = TypeVar("L", bound=_Located)


class Nearby(Generic[L]):
    """Items with character offsets (a clause's tokens or names), in order, for reading the few
    that stand around each figure: found by bisection, so a clause of a thousand figures stays
    linear."""

    def __init__(self, items: Sequence[L]) -> None:
        self.items = items  # ordered by start (names may overlap: 哈密市总工会, 哈密市)
        self._starts = [x.start for x in items]
        self._longest = max((x.end - x.start for x in items), default=0)

    def around(self, start: int, end: int, before: int, after: int) -> list[L]:
        """The items that reach into ``[start - before, end + after)``, in their order."""
        lo, hi = start - before, end + after
        k = bisect.bisect_left(self._starts, lo - self._longest)
        out: list[L] = []
        while k < len(self.items) and self.items[k].start < hi:
            if self.items[k].end > lo:
                out.append(self.items[k])
            k += 1
        return out


def build_userdict() -> str:
    """The jieba user dictionary built from the package's word lists, deterministic."""
    lines: dict[str, str] = {}
    folder = resources.files("extractor").joinpath("data/lexicon")
    for name in sorted(_DEFAULT):
        freq, tag = _DEFAULT[name]
        for raw in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            raw = raw.strip()
            if not raw or raw.startswith("#"):
                continue
            parts = raw.split()
            word = parts[0]
            f = parts[1] if len(parts) > 1 else str(freq)
            t = parts[2] if len(parts) > 2 else tag
            lines[word] = f"{word} {f} {t}\n"
    # the taxonomy's group and fund terms of three characters or more (shorter ones are jieba's
    # own words already, and forcing them would change how jieba reads everything around them)
    from .taxonomy import TAXONOMY

    for kind in ("group", "fund"):
        for term in TAXONOMY.terms(kind):
            if len(term) >= 3 and term not in lines:
                lines[term] = f"{term} {_DEFAULT['groups.txt'][0]} n\n"
    return "".join(lines[w] for w in sorted(lines))


def _word_list(name: str) -> list[str]:
    """Non-blank, non-comment lines of a word list in data/lexicon."""
    raw = resources.files("extractor").joinpath("data/lexicon", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]


class Token(NamedTuple):
    """A word with its span and part-of-speech tag (a tuple: tokens are made by the thousand)."""

    text: str
    start: int
    end: int
    tag: str


class Segmenter:
    """Our jieba instance and a word → part-of-speech table, both loaded on first use."""

    def __init__(self, userdict: Path | None = None) -> None:
        self._userdict = userdict or USERDICT_PATH
        self._jieba: Any = None
        self._tags: dict[str, str] | None = None
        self._lock = threading.Lock()

    @property
    def tokenizer(self) -> Any:
        """The ``jieba.Tokenizer`` instance (initialised on first use)."""
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    self._jieba = self._load()
        return self._jieba

    def _load(self) -> Any:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        text = self._userdict.read_text(encoding="utf-8") if self._userdict.exists() else None
        if text is None:
            log.warning("%s is missing; using the word lists directly (run scripts/build_dict.py)",
                        self._userdict)
            text = build_userdict()
        for line in text.splitlines():
            word, freq, tag = line.split()
            tok.add_word(word, int(freq), tag)
        for word in _word_list("not_words.txt"):
            tok.del_word(word)
        return tok

    def tags(self) -> dict[str, str]:
        """jieba's part-of-speech tag of each dictionary word, with our words' tags on top."""
        if self._tags is None:
            tok = self.tokenizer
            table: dict[str, str] = {}
            with open(tok.get_dict_file().name, encoding="utf-8") as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) == 3:
                        table[parts[0]] = parts[2]
            for line in build_userdict().splitlines():
                word, _, tag = line.split()
                table[word] = tag
            for line in _word_list("tags.txt"):
                word, tag = line.split()
                table[word] = tag
            self._tags = table
        return self._tags

    def tokens(self, text: str, offset: int = 0) -> list[Token]:
        """Words of ``text`` with spans shifted by ``offset`` and a part-of-speech tag.

        The HMM for unknown words is off: it is 40% slower and, on the dev set, glues total
        markers to nouns (期共, 支共) about as often as it finds a compound (失能老人)."""
        tags = self.tags()
        out: list[Token] = []
        pos = offset
        for word in self.tokenizer.cut(text, HMM=False):
            end = pos + len(word)
            out.append(Token(word, pos, end, tags.get(word) or _tag(word, tags)))
            pos = end
        return out


def _tag(word: str, tags: dict[str, str]) -> str:
    t = tags.get(word)
    if t is not None:
        return t
    if word.isspace():
        return "w"
    if any(c.isdigit() for c in word):
        return "m"
    if not any("\u4e00" <= c <= "\u9fff" for c in word):
        return "w" if not word.isalnum() else "eng"
    return "un"  # a word the dictionary does not know (found by the HMM): usually a name


@cache
def get_segmenter() -> Segmenter:
    """The package's default segmenter (one per process)."""
    return Segmenter()


def segment_windows(view: str, windows: list[Span]) -> list[list[Token]]:
    """Tokens of each window ``(start, end)`` of ``view`` (offsets into ``view``), from one call
    of the segmenter: a line break between two windows keeps jieba from joining them.

    A window's tokens depend on its text only: inside :func:`remembering` (one report), they
    are remembered, and the stages that read the same clauses (counts, categories) segment them
    once."""
    memo = _MEMO.get()
    if memo is None:
        memo = {}
    out: list[list[Token]] = [[] for _ in windows]
    todo: list[int] = []
    for k, (s, e) in enumerate(windows):
        known = memo.get(view[s:e])
        if known is None:
            todo.append(k)
        else:
            out[k] = [Token(t.text, t.start + s, t.end + s, t.tag) for t in known]
    if not todo:
        return out
    joined = "\n".join(view[windows[k][0]:windows[k][1]] for k in todo)
    starts, pos = [], 0
    for k in todo:
        starts.append(pos)
        pos += windows[k][1] - windows[k][0] + 1
    fresh: list[list[Token]] = [[] for _ in todo]
    j = 0
    for t in get_segmenter().tokens(joined):
        while j + 1 < len(starts) and t.start >= starts[j + 1]:
            j += 1
        s, e = windows[todo[j]]
        if t.text == "\n" and t.start == starts[j] + e - s:
            continue  # the separator
        fresh[j].append(Token(t.text, t.start - starts[j], t.end - starts[j], t.tag))
    for j, k in enumerate(todo):
        s, e = windows[k]
        memo[view[s:e]] = fresh[j]
        out[k] = [Token(t.text, t.start + s, t.end + s, t.tag) for t in fresh[j]]
    return out


_MEMO: ContextVar[dict[str, list[Token]] | None] = ContextVar("segment_memo", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block (one report), :func:`segment_windows` segments each window once."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)
