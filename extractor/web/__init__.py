"""The auditor's workspace and the records API (``extractor serve``): web pages and a JSON API
over the store that ``extractor ingest`` fills.

* :mod:`.tables`: the workspace's own tables beside the store's (the findings index with each
  finding's stable key, facets and review state; the reviews; the search index) and how they are
  kept up to date with what is ingested;
* :mod:`.queries`: filters, facets and keyset (cursor) paging over the store;
* :mod:`.search`: the full-text search over titles and text (SQLite FTS5, PostgreSQL tsvector);
* :mod:`.reviews`: the auditors' verdicts, and their export;
* :mod:`.app`: the ASGI application (FastAPI): pages, API, upload, tokens.
"""

from __future__ import annotations

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> object:  # the app (FastAPI, Jinja2) loads only when asked for
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
