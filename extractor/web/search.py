"""Full-text search over the reports' titles and text, fast on a large store, that finds
two-character Chinese words (``低保``) wherever they stand, inside longer words too (``低保户``,
which the segmenter keeps as one word).

What is indexed, a report: its **words** (our segmenter's, ``get_segmenter().tokens``, the same
words every stage reads) and the **character bigrams** of each run of Chinese characters
(``低保户`` → ``低保 保户``; a run of one character is itself). A query matches through the
bigrams: each run of Chinese characters of the query (a whole word or any part of one) becomes
its bigrams, all required; a run of Latin letters or digits is a word prefix. The candidates the
index gives are then checked for the query's text itself (each space-separated part, in the
title or the text), so a hit always holds what was typed, never only its pairs scattered.
A query of one Chinese character has no bigram: it is looked for in the text directly (slower on a
large store).

* SQLite: an FTS5 table ``web_search`` (contentless: rowid = ``documents.id``; columns
  ``title``, ``words``, ``grams``, space-joined, the ``unicode61`` tokenizer; ``detail=column``:
  no positions, as no query is a phrase, which makes the index smaller and faster to fill).
* PostgreSQL: a table ``web_search`` (``document_id``, ``terms`` a ``tsvector`` of the words and
  bigrams made with ``array_to_tsvector``, no parser or dictionary of the server's in between)
  with a GIN index; the query is a ``tsquery`` of the same terms.

Both are filled by :func:`sync` with the documents ingested since (``web_state.documents``).

>>> bigrams("困难职工400名，低保户")
['困难', '难职', '职工', '名', '低保', '保户']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import add
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select
from sqlalchemy import text as sql

from ..output import store as st
from .tables import _set_state, _state

__all__ = ["Hit", "bigrams", "reset", "search", "sync", "terms_of"]

# Chinese characters: the CJK unified ideographs, extension A and the compatibility block
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9A-Za-z]+")


def bigrams(text: str) -> list[str]:
    """The bigrams of each run of Chinese characters of ``text`` (a run of one: itself)."""
    out: list[str] = []
    for run in _HAN.findall(text):
        out.extend(map(add, run, run[1:]) if len(run) > 1 else (run,))
    return out


# what is not a letter, a digit or a Chinese character (punctuation, spaces, symbols) between words
_NOT_WORD = re.compile(r"[^\w]+|_+")


def _words(text: str) -> str:
    """The words of ``text`` (our segmenter's; punctuation dropped), space-joined, lower case."""
    from ..lang.segment import get_segmenter

    return _NOT_WORD.sub(" ", "\x00".join(get_segmenter().words(text)).replace("\x00", " ")).lower().strip()


def terms_of(title: str, text: str) -> tuple[str, str, str]:
    """What a report is indexed by: its title's and text's words, and their bigrams (space-joined).

    >>> terms_of("通知", "低保边缘户320余户。")
    ('通知', '低保边缘户 320 余户', '通知 低保 保边 边缘 缘户 余户')
    """
    return _words(title), _words(text), " ".join(bigrams(title) + bigrams(text))


@dataclass(frozen=True, slots=True)
class Query:
    """A query: the parts that must stand in the title or the text, and the index terms that find
    the candidates (bigrams; Latin and digit runs as word prefixes)."""

    parts: tuple[str, ...]
    grams: tuple[str, ...]
    prefixes: tuple[str, ...]

    @classmethod
    def parse(cls, q: str) -> Query:
        """
        >>> Query.parse(" 低保  2019年 ")
        Query(parts=('低保', '2019年'), grams=('低保',), prefixes=('2019',))
        """
        parts = tuple(dict.fromkeys(p for p in q.split() if p))
        grams = tuple(dict.fromkeys(g for p in parts for run in _HAN.findall(p) if len(run) > 1
                                    for g in bigrams(run)))
        prefixes = tuple(dict.fromkeys(w.lower() for p in parts for w in _WORD.findall(p)))
        return cls(parts, grams, prefixes)

    @property
    def indexed(self) -> bool:
        """Whether the index can narrow the search (else the text is scanned)."""
        return bool(self.grams or self.prefixes)


def _fts_string(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _ts_lexeme(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"


def create(engine: Engine) -> None:
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS web_search USING fts5("
                              "title, words, grams, content='', detail=column, tokenize='unicode61')")
        elif engine.dialect.name == "postgresql":
            c.exec_driver_sql("CREATE TABLE IF NOT EXISTS web_search (document_id INTEGER PRIMARY KEY, "
                              "terms TSVECTOR NOT NULL)")
            c.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_web_search_terms ON web_search USING GIN (terms)")


def _drop(c: Connection) -> None:
    c.exec_driver_sql("DROP TABLE IF EXISTS web_search")


def reset(c: Connection) -> None:
    """Drop the index: the next :func:`sync` indexes every document anew."""
    if c.dialect.name in ("sqlite", "postgresql"):
        _drop(c)
    _set_state(c, "documents", 0)


_BATCH = 500


def sync(engine: Engine) -> bool:
    """Index the documents ingested since the last sync (all of them anew when the store's
    documents were rewritten); whether anything was indexed."""
    if engine.dialect.name not in ("sqlite", "postgresql"):
        return False
    with engine.begin() as c:
        done = _state(c, "documents")
        top = c.execute(select(func.max(st.documents.c.id))).scalar() or 0
        if top == done:
            return False
        if top < done:  # documents rewritten: index them all again
            reset(c)
            done = 0
    if done == 0:
        create(engine)
    while True:
        with engine.begin() as c:
            rows = c.execute(select(st.documents.c.id, st.documents.c.title, st.documents.c.text)
                             .where(st.documents.c.id > done).order_by(st.documents.c.id).limit(_BATCH)).all()
            if not rows:
                return True
            _write(c, [(r.id, *terms_of(r.title or "", r.text)) for r in rows])
            done = int(rows[-1].id)
            _set_state(c, "documents", done)


def _write(c: Connection, rows: Sequence[tuple[int, str, str, str]]) -> None:
    if c.dialect.name == "sqlite":
        c.exec_driver_sql("INSERT INTO web_search (rowid, title, words, grams) VALUES (?, ?, ?, ?)", list(rows))
        return
    params = [{"id": i, "terms": sorted(set(f"{t} {w} {g}".split()))} for i, t, w, g in rows]
    c.execute(sql("INSERT INTO web_search (document_id, terms) VALUES (:id, array_to_tsvector(CAST(:terms AS text[]))) "
                  "ON CONFLICT (document_id) DO UPDATE SET terms = EXCLUDED.terms"), params)


@dataclass(frozen=True, slots=True)
class Hit:
    document_id: int
    sha256: str
    idx: int
    source: str
    title: str | None
    year: int | None
    snippet: tuple[str, str, str]  # before, the hit, after


def _snippet(text: str, part: str, reach: int = 40) -> tuple[str, str, str]:
    """The text around the first place ``part`` stands in it.

    >>> _snippet("甲乙丙丁低保户戊己", "低保", 2)
    ('…丙丁', '低保', '户戊…')
    """
    at = text.find(part)
    if at < 0:
        return text[: 2 * reach] + ("…" if len(text) > 2 * reach else ""), "", ""
    lo, hi = max(0, at - reach), min(len(text), at + len(part) + reach)
    return (("…" if lo else "") + text[lo:at]).replace("\n", " "), part, (
        text[at + len(part):hi] + ("…" if hi < len(text) else "")).replace("\n", " ")


def search(c: Connection, q: str, *, before: int | None = None, limit: int = 50) -> tuple[list[Hit], int | None]:
    """Reports whose title or text holds every part of ``q``, newest first (by document id),
    ``limit`` a page; the cursor of the next page (the last id shown) or None."""
    query = Query.parse(q)
    if not query.parts:
        return [], None
    d = st.documents
    cond: list[Any] = [or_(d.c.title.contains(p, autoescape=True), d.c.text.contains(p, autoescape=True))
                       for p in query.parts]
    if before is not None:
        cond.append(d.c.id < before)
    if query.indexed and c.dialect.name == "sqlite":
        match = " AND ".join([f"grams : {_fts_string(g)}" for g in query.grams]
                             + [f"(title : {_fts_string(w)}* OR words : {_fts_string(w)}*)" for w in query.prefixes])
        cond.append(d.c.id.in_(sql("SELECT rowid FROM web_search WHERE web_search MATCH :m").bindparams(m=match)))
    elif query.indexed and c.dialect.name == "postgresql":
        tsq = " & ".join([_ts_lexeme(g) for g in query.grams] + [_ts_lexeme(w) + ":*" for w in query.prefixes])
        cond.append(d.c.id.in_(sql("SELECT document_id FROM web_search WHERE terms @@ CAST(:tsq AS tsquery)")
                               .bindparams(tsq=tsq)))
    rows = c.execute(select(d.c.id, d.c.sha256, d.c.idx, d.c.source, d.c.title, d.c.year, d.c.text)
                     .where(and_(*cond)).order_by(d.c.id.desc()).limit(limit + 1)).all()
    hits = [Hit(r.id, r.sha256, r.idx, r.source, r.title, r.year, _snippet(r.text, query.parts[0])) for r in rows]
    more = len(hits) > limit
    hits = hits[:limit]
    return hits, (hits[-1].document_id if more and hits else None)
