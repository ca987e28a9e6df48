"""Sentences, clauses and words: jieba through our own ``Tokenizer`` with the domain dictionary.

The global ``jieba.cut`` is never used: the package's segmenter is its own ``jieba.Tokenizer()``
with ``models/jieba_userdict.txt`` (built by ``scripts/build_dict.py`` from the word lists in
``extractor/data/lexicon/``), so that 困难职工, 慰问金 and 千家万户 stay whole.

>>> [text for text, _ in clauses("共慰问700余户，其中单亲家庭150余户。")]
['共慰问700余户', '其中单亲家庭150余户']
"""

from __future__ import annotations

import bisect
import importlib.machinery
import importlib.util
import logging
import operator
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, Generic, NamedTuple, Protocol, TypeVar

from ..model import Span
from ..resources import loaded, model_path

__all__ = ["CLAUSE_MARKS", "FIGURE_CLAUSE_START", "SENTENCE_ENDS", "SENTENCE_MARKS", "Segmenter", "Token", "Words",
           "after_last",
           "build_userdict", "by_clause", "clauses", "get_segmenter", "last_of", "segment_windows", "sentence_around",
           "sentences"]

log = logging.getLogger(__name__)

#: Where the built dictionary lives: the models folder (EXTRACTOR_MODELS, else the package's), as
#: it stands when this module is imported.
USERDICT_PATH: Final = model_path("jieba_userdict.txt")
_DEFAULT: Final = {"groups.txt": (3000, "n"), "funds.txt": (3000, "n"), "idioms.txt": (5000, "i")}

#: What ends a sentence, defined here once for every stage: these marks, and a line end.
SENTENCE_MARKS: Final = "。！？!?"
SENTENCE_ENDS: Final = SENTENCE_MARKS + "\n"
#: what further ends a clause
CLAUSE_MARKS: Final = "，,；;：:、"
# a sentence runs to 。！？ (or ASCII ! ?) and the end marks after it, or to a line end; an ASCII ?
# that stands where a character was lost (、?菩律123名, 下?lián: mojibake) ends nothing: one after a
# clause mark or before a Latin letter
_SENTENCE_END: Final = re.compile(  # (a run of ordinary characters read at once: one step, not one a character)
    rf"(?:[^{SENTENCE_ENDS}]++|(?<=[,，、;；:：(（])[!?]|[!?](?=[A-Za-z]))++[{SENTENCE_MARKS}]*")
# a clause runs to a clause mark, over a bracketed aside of up to 40 characters within its sentence
# (高等院校(含本科、专科)27名 is one clause: the 、 lists what the bracket holds); a bracket left open
# is an ordinary character
_CLAUSE: Final = re.compile(
    rf"(?:[^{SENTENCE_ENDS}{CLAUSE_MARKS}（(]++|[（(][^{SENTENCE_ENDS}（()）]{{0,40}}[)）]|[（(])+")


@lru_cache(maxsize=4)
def sentences(text: str) -> tuple[tuple[str, Span], ...]:
    """Sentences (split at 。！？ and line ends), each with its span; blank ones dropped.

    >>> [t for t, _ in sentences("共862名。其中一本91名、?菩律123名。好吗?好")]
    ['共862名。', '其中一本91名、?菩律123名。', '好吗?', '好']
    """
    return tuple((m.group(), m.span()) for m in _SENTENCE_END.finditer(text) if m.group().strip())


def sentence_around(text: str, start: int, end: int, reach: int, mark: bool = False) -> Span:
    """The sentence around ``[start, end)`` of ``text``, read at most ``reach`` characters each
    way (linear on any text: a sentence of a megabyte is cut to that window); its closing mark
    included when ``mark`` and one is found.

    >>> t = "共慰问700户。其中低保户200户，困难户500户。"
    >>> s, e = sentence_around(t, t.index("200"), t.index("200") + 4, 40)
    >>> t[s:e]
    '其中低保户200户，困难户500户'
    >>> s, e = sentence_around(t, 3, 7, 2, mark=True)  # cut to two characters before
    >>> t[s:e]
    '慰问700户。'
    """
    lo, hi = max(0, start - reach), min(len(text), end + reach)
    first = max(lo - 1, *(text.rfind(c, lo, start) for c in SENTENCE_ENDS)) + 1
    stops = [k for k in (text.find(c, end, hi) for c in SENTENCE_ENDS) if k >= 0]
    if not stops:
        return first, hi
    return first, min(stops) + 1 if mark else min(stops)


def last_of(marks: str) -> re.Pattern[str]:
    """A pattern for :func:`after_last`: the text up to the last of the characters ``marks``."""
    return re.compile(f"(?s:.*)[{re.escape(marks)}]")


#: what a figure's clause starts after, read back from the figure (:func:`after_last`): a clause
#: mark, a sentence end, a full stop or an opening bracket
FIGURE_CLAUSE_START: Final = last_of(",.;:!?，。；：、（(\n")


def after_last(marks: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """Where what follows the last of ``marks`` (a :func:`last_of` pattern) in ``text[lo:hi]``
    starts; ``lo`` when there is none: the start of a figure's clause, read back from it. One
    match, greedy to ``hi`` and back to the last mark (a scan of every mark was four times slower).

    >>> after_last(last_of("，。"), "共700户，其中低保户200户", 0, 13)
    6
    >>> after_last(last_of("，。"), "其中低保户200户", 0, 9)
    0
    """
    m = marks.match(text, lo, hi)
    return lo if m is None else m.end()


def clauses(text: str) -> list[tuple[str, Span]]:
    """Clauses (sentences further split at ，；：、 outside a bracketed aside), each with its span.

    >>> [t for t, _ in clauses("院校(含本科、专科)27名，低保户3户；未闭（合、5名")]
    ['院校(含本科、专科)27名', '低保户3户', '未闭（合', '5名']
    """
    return list(_clauses(text)[0])


@lru_cache(maxsize=4)
def _clauses(text: str) -> tuple[tuple[tuple[str, Span], ...], list[int], list[int]]:
    """The clauses of a text (the last few texts: the facts and the stages after them cut the
    same report), with their starts and their ends (both ascending), for bisection."""
    cut: list[tuple[str, Span]] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _CLAUSE.finditer(text):
        clause = m.group()
        if not clause.isspace():  # (a match is never empty)
            span = m.span()
            cut.append((clause, span))
            starts.append(span[0])
            ends.append(span[1])
    return tuple(cut), starts, ends


def by_clause(text: str, starts: Sequence[int]) -> list[tuple[Span, list[int]]]:
    """The clauses of ``text`` that hold one of ``starts`` (ascending offsets), each with the
    indexes into ``starts`` of those it holds, in order."""
    out: list[tuple[Span, list[int]]] = []
    if not starts:
        return out
    _, firsts, ends = _clauses(text)
    last = -1
    for k, p in enumerate(starts):
        i = bisect.bisect_right(ends, p)  # the first clause that ends after p, if p is in it
        if i < len(ends) and firsts[i] <= p:
            if i == last:
                out[-1][1].append(k)
            else:
                out.append(((firsts[i], ends[i]), [k]))
                last = i
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
        self._starts = starts = [x.start for x in items]
        self._longest = max(map(operator.sub, [x.end for x in items], starts), default=0)

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
    from ..about.taxonomy import TAXONOMY

    for kind in ("group", "fund"):
        for term in TAXONOMY.terms(kind):
            if len(term) >= 3 and term not in lines:
                lines[term] = f"{term} {_DEFAULT['groups.txt'][0]} n\n"
    return "".join(lines[w] for w in sorted(lines))


def _word_list(name: str) -> list[str]:
    """Non-blank, non-comment lines of a word list in data/lexicon."""
    raw = resources.files("extractor").joinpath("data/lexicon", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]


#: what :meth:`_Compiled.tagged` remembers: the tags of this many words outside our table
_OTHER_KEPT = 8192  # (not Final: a test makes it smaller)
# Han characters no Chinese word list holds (the first of CJK extension A, the last of the basic
# block): tagged, either makes rjieba read its part-of-speech tables
_NOT_IN_DICTIONARY: Final = "㐀鿕"


class Token(NamedTuple):
    """A word with its span and part-of-speech tag (a tuple: tokens are made by the thousand)."""

    text: str
    start: int
    end: int
    tag: str


# a Token made from its four fields without the Python-level ``__new__`` of a NamedTuple (the
# same tuple: tokens are made by the hundred thousand)
_new_token: Callable[[type[Token], tuple[str, int, int, str]], Token] = tuple.__new__


class _Words(NamedTuple):
    """What our dictionary adds to jieba's: the user dictionary's words (word, frequency, tag),
    the words deleted (``not_words.txt``), and the tags that override a word's (the user
    dictionary's and ``tags.txt``)."""

    added: list[tuple[str, int, str]]
    deleted: frozenset[str]
    tags: dict[str, str]


class Segmenter:
    """jieba's algorithm over jieba's dictionary with ours merged, and a part-of-speech tag for
    every word; loaded on first use.

    The engine is the compiled port of jieba's algorithm (``rjieba``, the dictionary jieba ships
    embedded in it: identical tokens, ``tests/test_segmenter.py`` holds them to jieba's own on the
    corpus) when it is installed, else ``jieba`` itself. ``engine`` forces one ("rjieba", "jieba")."""

    def __init__(self, userdict: Path | None = None, engine: str | None = None) -> None:
        self._userdict = userdict or USERDICT_PATH
        self._engine = engine or os.environ.get("EXTRACTOR_SEGMENTER") or None
        self._impl: _Compiled | _Python | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> str:
        """Which engine segments: ``rjieba`` or ``jieba``."""
        return self._load().name

    def _load(self) -> _Compiled | _Python:
        # each read of ``_impl`` into a local of its own: compiled (mypyc), a second ``if
        # self._impl is None`` trusts the first one's narrowing and fails when another thread set
        # it in between (threads whose first reports come at once: the workspace's requests)
        loaded = self._impl
        if loaded is not None:
            return loaded
        with self._lock:
            loaded = self._impl
            if loaded is None:
                words = self._words()
                impl: _Compiled | _Python | None = None
                if self._engine in (None, "rjieba"):
                    try:
                        impl = _Compiled(words)
                    except ImportError:
                        if self._engine == "rjieba":
                            raise
                        log.info("rjieba is not installed: segmenting with jieba (slower)")
                loaded = self._impl = impl or _Python(words)
            return loaded

    def _words(self) -> _Words:
        text = self._userdict.read_text(encoding="utf-8") if self._userdict.exists() else None
        if text is None:
            log.warning("%s is missing; using the word lists directly (run scripts/build_dict.py)",
                        self._userdict)
            text = build_userdict()
        added = [(w, int(f), t) for w, f, t in (line.split() for line in text.splitlines())]
        tags = {w: t for w, _, t in added}
        tags.update(line.split() for line in _word_list("tags.txt"))  # type: ignore[misc]
        return _Words(added, frozenset(_word_list("not_words.txt")), tags)

    def is_word(self, word: str) -> bool:
        """Whether the dictionary holds ``word`` as a word (not only as the start of one).

        >>> get_segmenter().is_word("困难职工"), get_segmenter().is_word("困难职")
        (True, False)
        """
        return self._load().is_word(word)

    def tokens(self, text: str, offset: int = 0) -> list[Token]:
        """Words of ``text`` with spans shifted by ``offset`` and a part-of-speech tag.

        The HMM for unknown words is off: it is 40% slower and, on the dev set, glues total
        markers to nouns (期共, 支共) about as often as it finds a compound (失能老人)."""
        out: list[Token] = []
        pos = offset
        new = _new_token
        for word, tag in self.tagged(text):
            end = pos + len(word)
            out.append(new(Token, (word, pos, end, tag)))
            pos = end
        return out

    def words(self, text: str) -> list[str]:
        """The words of ``text`` in order, untagged (the workspace's search index: about twice as
        fast as :meth:`tagged`; a run of Latin letters or digits may be cut otherwise than there).

        >>> get_segmenter().words("低保边缘户320余户")[0]
        '低保边缘户'
        """
        return self._load().words(text)

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """The words of ``text`` in order, each with its part-of-speech tag."""
        return self._load().tagged(text)


class _Compiled:
    """The compiled engine: ``rjieba`` with jieba's dictionary (embedded in it) and ours merged
    (~0.1 s to load, against ~1 s for jieba's ``Tokenizer.initialize``; ~25x faster to cut)."""

    name = "rjieba"

    def __init__(self, words: _Words) -> None:
        self._jieba = _rjieba_class()()
        for word, freq, tag in words.added:
            self._jieba.add_word(word, freq, tag)
        for word in words.deleted:
            self._jieba.add_word(word, 0, None)  # as jieba's del_word: the word is no longer cut
        self._deleted = words.deleted
        self._tags = words.tags
        # rjieba reads its part-of-speech tables (~22 ms) the first time it tags a Han character
        # its dictionary lacks (a rare character of a name: nearly every corpus has one): read
        # here, with the dictionary, so that no report pays for it
        self._jieba.tag(_NOT_IN_DICTIONARY, False)
        # each word's tag: our table's, else jieba's when its dictionary knows the word, else read
        # off its characters; the words of other tags remembered as they are met, in a plain dict
        # (a lookup a word) emptied back to our table when it holds _OTHER_KEPT more: bounded
        self._known: dict[str, str] = dict(words.tags)
        # whether a string is a word (the missing-figure scan asks of the same few again and again)
        self.is_word: Callable[[str], bool] = lru_cache(maxsize=_OTHER_KEPT)(self._is_word)

    def _is_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word)) and word not in self._deleted

    def _other_tag(self, word: str, tag: str) -> str:
        known = self._known
        if len(known) >= len(self._tags) + _OTHER_KEPT:
            # a new dict, not this one emptied: a thread reading this one meanwhile would miss our
            # table's tags, and write jieba's in their place
            self._known = known = dict(self._tags)
        known[word] = found = tag if self._jieba.has_word(word) else _tag(word, {})
        return found

    def words(self, text: str) -> list[str]:
        return list(self._jieba.cut(text, False))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        known, other = self._known, self._other_tag
        out: list[tuple[str, str]] = []
        for pair in self._jieba.tag(text, False):  # (word, jieba's tag) pairs
            word, tag = pair
            ours = known.get(word) or other(word, tag)
            out.append(pair if ours == tag else (word, ours))  # (most tags are jieba's: its pair kept)
        return out


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class, its compiled module loaded without the package's ``__init__``,
    which builds a segmenter of its own at import that is never used here (0.12 s of every
    start). The module is registered under its own name, so that an ``import rjieba`` later in
    the process (the package as a user calls it) takes it as it is instead of loading it again;
    when the package is already imported, or laid out otherwise, the package's class. ImportError
    when rjieba is not installed."""
    if "rjieba" not in sys.modules:
        spec = importlib.util.find_spec("rjieba")
        if spec is None:
            raise ImportError("rjieba is not installed")
        name = "rjieba.rjieba"
        found = sys.modules.get(name)
        if found is not None:
            return found.Jieba
        for folder in spec.submodule_search_locations or ():
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = Path(folder) / f"rjieba{suffix}"
                if not path.is_file():
                    continue
                loader = importlib.machinery.ExtensionFileLoader(name, str(path))
                module_spec = importlib.util.spec_from_file_location(name, path, loader=loader)
                if module_spec is None:
                    continue
                module = importlib.util.module_from_spec(module_spec)
                sys.modules[name] = module
                loader.exec_module(module)
                return module.Jieba
    import rjieba

    return rjieba.Jieba


class _Python:
    """jieba itself, the reference: ``Tokenizer.initialize`` on its dict.txt, our words added and
    deleted, and dict.txt read again for the tags."""

    name = "jieba"

    def __init__(self, words: _Words) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        for word, freq, tag in words.added:
            tok.add_word(word, freq, tag)
        for word in words.deleted:
            tok.del_word(word)
        table: dict[str, str] = {}
        with tok.get_dict_file() as fh:
            for raw in fh:
                parts = raw.decode("utf-8").split()
                if len(parts) == 3:
                    table[parts[0]] = parts[2]
        table.update(words.tags)
        self._tok = tok
        self._tags = table

    def is_word(self, word: str) -> bool:
        return int(self._tok.FREQ.get(word, 0)) > 0

    def words(self, text: str) -> list[str]:
        return list(self._tok.cut(text, HMM=False))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        tags = self._tags
        return [(word, tags.get(word) or _tag(word, tags)) for word in self._tok.cut(text, HMM=False)]


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


@loaded(maxsize=1)
def get_segmenter() -> Segmenter:
    """The package's default segmenter (one per process)."""
    return Segmenter()


class Words:
    """The words of one report's folded view, read window by window: a window's tokens depend on
    its text only, so the stages that read the same clauses (counts, categories, the checks)
    segment each of them once a report. One per :class:`~extractor.reportdoc.ReportDoc`."""

    def __init__(self, view: str) -> None:
        self.view = view
        # a window's text → where it was first read and its tokens there
        self._memo: dict[str, tuple[int, list[Token]]] = {}

    def of(self, windows: list[Span]) -> list[list[Token]]:
        """Tokens of each window ``(start, end)`` of the view (offsets into it), the windows not
        read before segmented in one call of the segmenter: a line break between two windows
        keeps jieba from joining them."""
        view, memo, new = self.view, self._memo, _new_token
        out: list[list[Token]] = [[] for _ in windows]
        todo: list[int] = []
        for k, (s, e) in enumerate(windows):
            known = memo.get(view[s:e])
            if known is None:
                todo.append(k)
            else:
                at, tokens = known
                if at == s:
                    out[k] = tokens[:]
                else:
                    d = s - at
                    out[k] = [new(Token, (t[0], t[1] + d, t[2] + d, t[3])) for t in tokens]
        if not todo:
            return out
        joined = "\n".join(view[windows[k][0]:windows[k][1]] for k in todo)
        # window j of the joined text: where it starts there, where its separator stands, how
        # far its offsets move to be the view's
        last = len(todo) - 1
        j, start_j = 0, 0
        s, e = windows[todo[0]]
        sep, shift = e - s, s
        next_start = sep + 1 if last else len(joined) + 1
        here: list[Token] = []
        end = 0
        for word, tag in get_segmenter().tagged(joined):
            pos, end = end, end + len(word)
            while pos >= next_start:
                memo[view[s:e]] = (s, here)
                out[todo[j]] = here[:]
                here = []
                j += 1
                start_j = next_start
                s, e = windows[todo[j]]
                sep, shift = start_j + e - s, s - start_j
                next_start = sep + 1 if j < last else len(joined) + 1
            if pos != sep or word != "\n":  # else the separator
                here.append(new(Token, (word, pos + shift, end + shift, tag)))
        memo[view[s:e]] = (s, here)
        out[todo[j]] = here[:]
        for k in todo[j + 1:]:  # empty windows at the end
            s, e = windows[k]
            memo[view[s:e]] = (s, [])
        return out


def segment_windows(view: str, windows: list[Span], words: Words | None = None) -> list[list[Token]]:
    """Tokens of each window of ``view``; through ``words`` (the report's, over the same view)
    when given, so that what another stage segmented is not segmented again."""
    return (words if words is not None else Words(view)).of(windows)
