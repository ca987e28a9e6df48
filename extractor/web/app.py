"""The workspace: one ASGI application (FastAPI, Jinja2 templates, served by uvicorn) over a store.

Pages (server-rendered, in Chinese; a little JavaScript: filters that apply on change, reviews
saved in place; every form works without it):

* ``/findings``: the findings, filtered by rule, severity, category, region, year, file and review
  state, with counts per facet; dismissed findings are left out unless asked for;
* ``/reports/{sha256}/{index}``: a report (the audit's renderer, as ``extractor audit --format
  html`` draws it) with a review form under each finding, and its breakdowns as small tables;
* ``/search?q=``: reports whose title or text holds the words; ``/upload``: a file in, its
  report out; ``/reviews``: the verdicts given, and their export; ``/login``: the reviewer's name
  and the write token.

API (JSON, described by ``/openapi.json``): ``/api/documents``, ``/api/facts``,
``/api/breakdowns``, ``/api/findings``, ``/api/reviews``, each paged by cursor; records in the
shape of the record contract. Writes (a review, an upload) need the token (``Authorization:
Bearer …``, or the cookie the login page sets); reads need it too when the server listens on
another address than the loopback.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal
from urllib.parse import quote, unquote, urlencode

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, Engine

from .. import __version__
from ..about.taxonomy import TAXONOMY
from ..model import Finding
from ..output.jsonl import dumps
from ..output.store import FileResult, Store, open_store
from . import queries, search, tables
from .queries import BadCursor, FactFilter, FindingFilter
from .reviews import VERDICT_ZH, ReviewError, export_reviews, record_review

__all__ = ["Settings", "create_app", "serve"]

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TOKEN_ENV = "EXTRACTOR_TOKEN"
COOKIE_TOKEN, COOKIE_NAME = "extractor_token", "extractor_reviewer"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
FACET_LABELS = (("rule", "规则"), ("severity", "级别"), ("category", "类别"), ("region", "地区"), ("year", "年份"),
                ("state", "复核"), ("source", "文件"))


@dataclass
class Settings:
    """How the workspace runs: the store, the write token, the address it listens on (reads
    need the token unless that is the loopback), where uploads are kept and how large one may be."""

    db: str
    token: str
    host: str = "127.0.0.1"
    upload_dir: Path | None = None
    max_upload: int = 20 * 1024 * 1024
    sync_every: float = 3.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def open_reads(self) -> bool:
        return self.host in LOOPBACK


class Json(JSONResponse):
    """JSON through orjson (UTF-8, several times faster than the standard library's; the
    standard library's for what orjson cannot write: :func:`~extractor.output.jsonl.dumps`)."""

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


# --- the OpenAPI description of the records (the contract's fields; more may follow) ---------

class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class FactOut(_Open):
    kind: Literal["money", "count", "date"]
    text: str
    span: list[int]
    placeholder: bool
    value: float | None = None
    unit: str | None = None
    start: str | None = None
    end: str | None = None
    category: str | None = None
    region: str | None = None
    id: str
    document: dict[str, Any] | None = Field(None, description="the report it stands in (API only)")


class BreakdownOut(_Open):
    kind: Literal["money", "count"]
    total: float | None
    parts: list[float | None]
    unit: str
    span: list[int]
    consistent: bool | None = None
    document: dict[str, Any] | None = None


class ReviewOut(BaseModel):
    verdict: Literal["confirmed", "dismissed", "open"]
    note: str | None
    reviewer: str
    at: str


class FindingOut(_Open):
    rule: str
    severity: Literal["error", "warning", "info"]
    message: str
    span: list[int]
    evidence: list[list[int]] = []
    id: str = Field(description="stable: the file's SHA-256, the report's index, the rule and the span")
    document: dict[str, Any]
    category: str | None = None
    region: str | None = None
    review: ReviewOut | None = None


class RecordOut(_Open):
    source: str
    index: int
    title: str | None
    text: str
    facts: list[dict[str, Any]]
    breakdowns: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    meta: dict[str, Any] = {}
    sha256: str = Field(description="the content hash of its file (API only)")


class Paged(BaseModel):
    next: str | None = Field(description="the cursor of the next page (null on the last page)")


class FindingPage(Paged):
    items: list[FindingOut]


class FactPage(Paged):
    items: list[FactOut]


class BreakdownPage(Paged):
    items: list[BreakdownOut]


class RecordPage(Paged):
    items: list[RecordOut]


class ReviewIn(BaseModel):
    verdict: Literal["confirmed", "dismissed", "open"]
    note: str | None = Field(None, max_length=4000)
    reviewer: str | None = Field(None, description="the reviewer's name (else the login cookie's)")


class UploadOut(BaseModel):
    sha256: str
    stored: bool = Field(description="false when the same content was stored before")
    reports: list[dict[str, Any]]


class ErrorOut(BaseModel):
    error: dict[str, str]


# --- the application ----------------------------------------------------------------------

class Workspace:
    """What the handlers share: the store, the sync of the derived tables, the facet cache."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.db)
        self.engine: Engine = self.store.engine
        tables.create(self.engine)
        search.create(self.engine)
        self.facet_cache = queries.FacetCache()
        self.sync = tables.Sync(self.engine, settings.sync_every)
        self.sync.on_change = self.warm
        self.sync.now()
        self.warm()
        self.write_lock = threading.Lock()
        self.upload_dir = settings.upload_dir or _default_upload_dir(settings.db)

    def warm(self) -> None:
        """Count the facets of the landing page (no filter) ahead of its first visitor."""
        with self.engine.connect() as c:
            _facets(self, c, FindingFilter())

    @contextmanager
    def read(self) -> Iterator[Connection]:
        self.sync.maybe()
        with self.engine.connect() as c:
            yield c


def _default_upload_dir(db: str) -> Path:
    if "://" not in db:
        return Path(db).resolve().parent / "uploads"
    return Path(tempfile.gettempdir()) / "extractor-uploads"


def _token_of(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-extractor-token") or request.cookies.get(COOKIE_TOKEN)


def _has_token(request: Request, settings: Settings) -> bool:
    given = _token_of(request)
    return given is not None and hmac.compare_digest(given.encode(), settings.token.encode())


def _reviewer(request: Request) -> str | None:
    """The reviewer's name the login page kept (a cookie holds it URL-quoted)."""
    name = request.cookies.get(COOKIE_NAME)
    return unquote(name) if name else None


def _basename(path: str | None) -> str:
    return PurePath(path.replace("\\", "/")).name if path else ""


def create_app(settings: Settings) -> FastAPI:
    """The workspace over ``settings.db``: its tables created and synced with the store."""
    ws = Workspace(settings)
    app = FastAPI(title="extractor 审计工作台与记录 API", version=__version__, docs_url=None, redoc_url=None,
                  description=("Records of the store `extractor ingest` fills, in the shape of the record "
                               "contract (shared/CONTRACT.md), paged by cursor. Writes need the token "
                               "(`Authorization: Bearer …`)."))
    app.state.ws = ws
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["basename"] = _basename
    templates.env.globals.update(severity_zh=SEVERITY_ZH, verdict_zh=VERDICT_ZH,
                                 category_name=lambda c: TAXONOMY.name(c) or ("未分类" if c is None else c))

    # -- access ------------------------------------------------------------------------
    def reads(request: Request) -> None:
        if not settings.open_reads and not _has_token(request, settings):
            if request.url.path.startswith("/api/"):
                raise HTTPException(401, "需要令牌（Authorization: Bearer …）")
            raise _LoginNeeded(request.url.path)

    def writes(request: Request) -> None:
        if not _has_token(request, settings):
            raise HTTPException(401, "写入需要令牌（Authorization: Bearer …，或先登录）")
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
            raise HTTPException(403, "跨站请求被拒绝")

    Reads = Depends(reads)
    Writes = Depends(writes)

    @app.exception_handler(_LoginNeeded)
    def _login_needed(request: Request, exc: _LoginNeeded) -> Response:
        return RedirectResponse(f"/login?{urlencode({'next': exc.path})}", 303)

    @app.exception_handler(BadCursor)
    def _bad_cursor(request: Request, exc: BadCursor) -> Response:
        return Json({"error": {"code": "bad_cursor", "message": "无效的分页游标"}}, 400)

    @app.exception_handler(HTTPException)
    def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return Json({"error": {"code": str(exc.status_code), "message": str(exc.detail)}}, exc.status_code)
        return page(request, "error.html", {"status": exc.status_code, "message": exc.detail}, exc.status_code)

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        base = {"reviewer": _reviewer(request) if _has_token(request, settings) else None,
                "can_write": _has_token(request, settings), "q": None, "nav": None}
        return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)

    # -- pages ---------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/findings", 302)

    @app.get("/findings", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reads])
    def findings_page(request: Request, flt: Annotated[FindingFilter, Depends(_finding_filter)],
                      cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
        with ws.read() as c:
            got = queries.list_findings(c, flt, cursor, limit)
            facets, total = _facets(ws, c, flt)
        options = {name: [(_facet_value(v), n, _facet_label(name, v), _facet_value(v) == _selected(flt, name))
                          for v, n in facets[name]] for name in facets}
        options["state"] = _state_options(flt, dict(facets["state"]))
        chips = [(label, _facet_label(name, getattr(flt, name)),
                  "/findings?" + urlencode(flt.params(**{name: _unset(name)})))
                 for name, label in FACET_LABELS if _selected(flt, name) not in ("", "default")]
        size = {"limit": str(limit)} if limit != 50 else {}
        next_href = "/findings?" + urlencode({**flt.params(), **size, "cursor": got.next}) if got.next else None
        return page(request, "findings.html", {
            "nav": "findings", "rows": got.items, "flt": flt, "facets": facets, "facet_options": options,
            "facet_labels": FACET_LABELS, "total": total, "chips": chips, "cursor": cursor,
            "next_href": next_href, "first_href": "/findings?" + urlencode({**flt.params(), **size})})

    @app.get("/reports/{sha256}/{index}", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reads])
    def report_page(request: Request, sha256: str, index: int, message: str | None = None) -> Response:
        with ws.read() as c:
            rec = queries.record(c, sha256, index)
            if rec is None:
                raise HTTPException(404, "库中没有这篇报告")
            summary = queries.document_summary(c, sha256, index)
            got = queries.list_findings(c, FindingFilter(state="all", document=(sha256, index)), limit=10_000)
            siblings = queries.file_reports(c, sha256)
        return page(request, "report.html", _report_context(request, templates, rec, summary, got.items,
                                                             siblings, _has_token(request, settings), message))

    @app.post("/reports/{sha256}/{index}/review", include_in_schema=False, dependencies=[Writes])
    def review_form(request: Request, sha256: str, index: int, key: Annotated[str, Form()],
                    verdict: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:
        name = _reviewer(request) or ""
        try:
            review = record_review(ws.engine, key, verdict, note, name)
        except ReviewError as e:
            raise HTTPException(e.status, e.message) from e
        ws.sync.bump()
        if request.headers.get("x-partial"):
            html = templates.get_template("_review.html").render(
                key=key, state=review["verdict"], review=review if review["verdict"] != "open" else None,
                can_write=True, sha256=sha256, index=index, verdict_zh=VERDICT_ZH)
            return HTMLResponse(html)
        return RedirectResponse(f"/reports/{sha256}/{index}#k-{key}", 303)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reads])
    def search_page(request: Request, q: str = "", before: int | None = None) -> Response:
        hits: list[search.Hit] = []
        nxt = None
        if q.strip():
            with ws.read() as c:
                hits, nxt = search.search(c, q, before=before)
        next_href = "/search?" + urlencode({"q": q, "before": nxt}) if nxt else None
        return page(request, "search.html", {"nav": "search", "q": q, "hits": hits, "next_href": next_href})

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reads])
    def upload_page(request: Request) -> Response:
        return page(request, "upload.html", {"nav": "upload", "max_mb": settings.max_upload // (1024 * 1024)})

    @app.post("/upload", include_in_schema=False, dependencies=[Depends(_length_check(settings)), Writes])
    def upload_form(request: Request, file: Annotated[UploadFile, File()]) -> Response:
        try:
            out = _upload(ws, file)
        except _UploadError as e:
            return page(request, "upload.html", {"nav": "upload", "error": {"code": e.code, "message": e.message},
                                                 "max_mb": settings.max_upload // (1024 * 1024)}, e.status)
        first = out["reports"][0]
        note = "已上传并抽取" if out["stored"] else "相同内容已在库中"
        return RedirectResponse(f"/reports/{out['sha256']}/{first['index']}?{urlencode({'message': note})}", 303)

    @app.get("/reviews", response_class=HTMLResponse, include_in_schema=False, dependencies=[Reads])
    def reviews_page(request: Request, cursor: str | None = None) -> Response:
        with ws.read() as c:
            rows, nxt = queries.review_rows(c, cursor=cursor, limit=100)
        next_href = "/reviews?" + urlencode({"cursor": nxt}) if nxt else None
        return page(request, "reviews.html", {"nav": "reviews", "rows": rows, "next_href": next_href})

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/findings", token: str | None = None) -> Response:
        return page(request, "login.html", {"next": _safe_next(next), "token": token,
                                            "name": _reviewer(request)})

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: Annotated[str, Form()], token: Annotated[str, Form()],
              next: Annotated[str, Form()] = "/findings") -> Response:
        name = name.strip()[:200]
        if not hmac.compare_digest(token.encode(), settings.token.encode()) or not name:
            return page(request, "login.html", {"error": "令牌不对，或没有填写姓名", "next": _safe_next(next),
                                                "name": name}, 401)
        out = RedirectResponse(_safe_next(next), 303)
        cookie = {"httponly": True, "samesite": "strict", "max_age": 30 * 86400}
        out.set_cookie(COOKIE_TOKEN, token, **cookie)  # type: ignore[arg-type]
        out.set_cookie(COOKIE_NAME, quote(name), **cookie)  # type: ignore[arg-type]
        return out

    @app.get("/logout", include_in_schema=False)
    def logout() -> Response:
        out = RedirectResponse("/findings", 303)
        out.delete_cookie(COOKIE_TOKEN)
        return out

    # -- the API ---------------------------------------------------------------------------
    @app.get("/api/findings", response_model=FindingPage, tags=["findings"], dependencies=[Reads],
             response_class=Json)
    def api_findings(flt: Annotated[FindingFilter, Depends(_finding_filter)], cursor: str | None = None,
                     limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 100) -> Response:
        """Findings, errors first, each with its stable ``id``, report, figure's category and
        region, and review. Dismissed findings are left out unless ``state`` asks for them."""
        with ws.read() as c:
            got = queries.list_findings(c, flt, cursor, limit)
        return Json({"items": got.items, "next": got.next})

    @app.get("/api/findings/facets", tags=["findings"], dependencies=[Reads], response_class=Json)
    def api_facets(flt: Annotated[FindingFilter, Depends(_finding_filter)]) -> Response:
        """For each facet (rule, severity, category, region, year, state, source) its values and
        the number of findings of each under the other filters; and the total."""
        with ws.read() as c:
            facets, total = _facets(ws, c, flt)
        return Json({"total": total, "facets": {k: [{"value": v, "count": n} for v, n in vs]
                                                for k, vs in facets.items()}})

    @app.get("/api/findings/{key}", response_model=FindingOut, tags=["findings"], dependencies=[Reads],
             responses={404: {"model": ErrorOut}}, response_class=Json)
    def api_finding(key: str) -> Response:
        with ws.read() as c:
            got = queries.get_finding(c, key)
        if got is None:
            raise HTTPException(404, "没有这条发现")
        return Json(got)

    @app.put("/api/findings/{key}/review", response_model=ReviewOut, tags=["reviews"], dependencies=[Writes],
             responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}},
             response_class=Json)
    def api_review(request: Request, key: str, body: ReviewIn) -> Response:
        """Record a verdict on a finding (``open`` withdraws one); needs the token."""
        try:
            review = record_review(ws.engine, key, body.verdict, body.note,
                                   body.reviewer or _reviewer(request) or "")
        except ReviewError as e:
            raise HTTPException(e.status, e.message) from e
        ws.sync.bump()
        return Json(review)

    @app.get("/api/reviews", tags=["reviews"], dependencies=[Reads], response_class=Json)
    def api_reviews(verdict: Literal["confirmed", "dismissed"] | None = None, cursor: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 100) -> Response:
        """The latest verdict of each reviewed finding, with the finding, in key order."""
        with ws.read() as c:
            rows, nxt = queries.review_rows(c, verdict, cursor, limit)
        return Json({"items": rows, "next": nxt})

    @app.get("/api/reviews/export", tags=["reviews"], dependencies=[Reads])
    def api_reviews_export(format: Literal["csv", "json"] = "csv") -> Response:
        """Every review, as CSV (UTF-8 with a BOM) or JSON, to download."""
        body = export_reviews(ws.engine, format)
        kind = "text/csv; charset=utf-8" if format == "csv" else "application/json"
        return PlainTextResponse(body, media_type=kind,
                                 headers={"Content-Disposition": f'attachment; filename="reviews.{format}"'})

    @app.get("/api/facts", response_model=FactPage, tags=["records"], dependencies=[Reads], response_class=Json)
    def api_facts(kind: Literal["money", "count", "date"] | None = None, category: str | None = None,
                  region: str | None = None, year: int | None = None,
                  min: Annotated[float | None, Query(description="value at least (yuan, or the count)")] = None,
                  max: Annotated[float | None, Query(description="value at most")] = None,
                  cursor: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 100) -> Response:
        """Facts in the contract's shape, each with its report (``document``), in the order stored."""
        with ws.read() as c:
            got = queries.list_facts(c, FactFilter(kind, category, region, year, min, max), cursor, limit)
        return Json({"items": got.items, "next": got.next})

    @app.get("/api/breakdowns", response_model=BreakdownPage, tags=["records"], dependencies=[Reads],
             response_class=Json)
    def api_breakdowns(kind: Literal["money", "count"] | None = None, consistent: bool | None = None,
                       shape: str | None = None, year: int | None = None, cursor: str | None = None,
                       limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 100) -> Response:
        """Breakdowns (a total and its parts) in the contract's shape, each with its report."""
        with ws.read() as c:
            got = queries.list_breakdowns(c, kind, consistent, shape, year, cursor, limit)
        return Json({"items": got.items, "next": got.next})

    @app.get("/api/documents", response_model=RecordPage, tags=["records"], dependencies=[Reads],
             response_class=Json)
    def api_documents(year: int | None = None, source: str | None = None, cursor: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
        """Whole records, as ``extractor extract`` wrote them, with their file's ``sha256``."""
        with ws.read() as c:
            refs, nxt = queries.document_ids(c, year, source, cursor, limit)
            recs = queries.records(c, refs)
        return Json({"items": [{**r, "sha256": sha} for r, (sha, _) in zip(recs, refs, strict=True)], "next": nxt})

    @app.get("/api/documents/{sha256}/{index}", response_model=RecordOut, tags=["records"], dependencies=[Reads],
             responses={404: {"model": ErrorOut}}, response_class=Json)
    def api_document(sha256: str, index: int) -> Response:
        with ws.read() as c:
            rec = queries.record(c, sha256, index)
        if rec is None:
            raise HTTPException(404, "库中没有这篇报告")
        return Json({**rec, "sha256": sha256})

    @app.post("/api/documents", status_code=201, response_model=UploadOut, tags=["records"],
              dependencies=[Depends(_length_check(settings)), Writes],
              responses={401: {"model": ErrorOut}, 413: {"model": ErrorOut}, 422: {"model": ErrorOut}})
    def api_upload(file: Annotated[UploadFile, File(description="a report file: .txt .docx .pdf .doc .html .md")]
                   ) -> Response:
        """Upload a file: read by its content as ``extract`` does, extracted by the same
        per-document pipeline and stored; its reports (or 422 with the error's code)."""
        try:
            out = _upload(ws, file)
        except _UploadError as e:
            return Json({"error": {"code": e.code, "message": e.message}}, e.status)
        return Json(out, 201 if out["stored"] else 200)

    @app.get("/api/search", tags=["records"], dependencies=[Reads], response_class=Json)
    def api_search(q: str, before: int | None = None,
                   limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
        """Reports whose title or text holds every space-separated part of ``q``, newest first."""
        with ws.read() as c:
            hits, nxt = search.search(c, q, before=before, limit=limit)
        return Json({"items": [{"sha256": h.sha256, "index": h.idx, "source": h.source, "title": h.title,
                                "year": h.year, "snippet": "".join(h.snippet)} for h in hits], "next": nxt})

    return app


class _LoginNeeded(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _safe_next(url: str) -> str:
    """Only a path of this site (no open redirect)."""
    return url if url.startswith("/") and not url.startswith("//") else "/findings"


def _finding_filter(rule: str | None = None, severity: Literal["error", "warning", "info", ""] | None = None,
                    category: str | None = None, region: str | None = None,
                    year: Annotated[str | None, Query(description="a year, or 0 for none")] = None,
                    source: str | None = None,
                    state: Literal["default", "all", "open", "confirmed", "dismissed", ""] = "default",
                    ) -> FindingFilter:
    """The findings filters of a query string ("" is the same as absent, but for ``category`` and
    ``region``, where ``-`` asks for findings with none)."""
    def value(v: str | None) -> str | None:
        return v if v else None

    def none_or(v: str | None) -> str | None:
        return "" if v == "-" else value(v)

    y: int | None = None
    if year:
        if not year.lstrip("-").isdigit():
            raise HTTPException(422, "年份须为数字")
        y = int(year)
    return FindingFilter(value(rule), value(severity), none_or(category), none_or(region), y, value(source),
                         state or "default")


def _facets(ws: Workspace, c: Connection, flt: FindingFilter) -> tuple[dict[str, list[tuple[Any, int]]], int]:
    key = (ws.sync.version, flt)
    hit: tuple[dict[str, list[tuple[Any, int]]], int] | None = ws.facet_cache.get(key)
    if hit is None:
        hit = queries.facets(c, flt)
        ws.facet_cache.put(key, hit)
    return hit


def _facet_value(v: Any) -> str:
    return "-" if v is None else str(v)


def _facet_label(name: str, v: Any) -> str:
    if name == "severity":
        return SEVERITY_ZH.get(v, str(v))
    if name == "state":
        return {"default": "未排除", "all": "全部"}.get(v) or VERDICT_ZH.get(v, str(v))
    if name == "category":
        return "未分类" if v in (None, "") else TAXONOMY.name(v) or str(v)
    if name == "region":
        return "未注明" if v in (None, "") else str(v)
    if name == "year":
        return "未知" if v in (None, 0) else str(v)
    if name == "source":
        return _basename(v)
    return str(v)


def _state_options(flt: FindingFilter, counts: dict[str, int]) -> list[tuple[str, int, str, bool]]:
    """The review filter's choices: not dismissed (the default), each state, everything."""
    choices = [("default", counts.get("open", 0) + counts.get("confirmed", 0), "未排除（默认）"),
               *((s, counts.get(s, 0), VERDICT_ZH[s]) for s in tables.STATES),
               ("all", sum(counts.values()), "全部（含已排除）")]
    return [(v, n, label, v == flt.state) for v, n, label in choices]


def _selected(flt: FindingFilter, name: str) -> str:
    """The value a facet's select shows as chosen ("" for none)."""
    v = getattr(flt, name)
    if name == "state":
        return "" if v == "all" else ("default" if v == "default" else v)
    if v is None:
        return ""
    if v == "" or (name == "year" and v == 0):
        return "-"
    return str(v)


def _unset(name: str) -> Any:
    return "default" if name == "state" else None


# --- the report page -----------------------------------------------------------------------

def _report_context(request: Request, templates: Jinja2Templates, rec: dict[str, Any], summary: Any,
                    findings: list[dict[str, Any]], siblings: list[Any], can_write: bool,
                    message: str | None) -> dict[str, Any]:
    from ..output.jsonl import record_from_dict
    from ..ui.audit import audit
    from ..ui.report_html import STYLE, render_section

    sha256, index = summary["sha256"], summary["idx"]
    by_key = {f["id"]: f for f in findings}
    partial = templates.get_template("_review.html")

    def review_box(f: Finding) -> str:
        key = tables.finding_key(sha256, index, f.rule, f.span[0], f.span[1])
        got = by_key.get(key)
        review = got["review"] if got else None
        return partial.render(key=key, state=review["verdict"] if review else "open", review=review,
                              can_write=can_write, sha256=sha256, index=index, verdict_zh=VERDICT_ZH)

    [doc] = audit([record_from_dict(rec)])
    body = render_section(doc, "report", extra=review_box, breakdown_tables=True, top_link=False)
    meta = rec.get("meta") or {}
    signature = meta.get("signature") or {}
    return {
        "title": rec.get("title") or "（无标题）", "audit_style": STYLE, "body": body, "sha256": sha256,
        "index": index, "source": rec["source"], "year": summary["year"],
        "doctype": (meta.get("doctype") or {}).get("name"), "campaign": (meta.get("campaign") or {}).get("name"),
        "issuer": (signature.get("issuer") or {}).get("text") if isinstance(signature.get("issuer"), dict)
        else signature.get("issuer"),
        "findings": len(rec["findings"]), "reviewed": sum(1 for f in findings if f.get("review")),
        "siblings": siblings, "message": message,
    }


# --- upload ------------------------------------------------------------------------------

class _UploadError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _length_check(settings: Settings) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        """Refuse a body over the limit before it is read (by its declared length)."""
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_upload + 64 * 1024:
            raise HTTPException(413, f"文件超过 {settings.max_upload // (1024 * 1024)} MB 上限")
    return check


_SAFE_NAME = re.compile(r"[^\w.\-\u3400-\u9fff]+")


def _upload(ws: Workspace, file: UploadFile) -> dict[str, Any]:
    """Store an uploaded file (kept under the upload folder by its content hash), extract it with
    the per-file function ``ingest`` uses, and write the result (error rows too)."""
    from ..output.ingest import process_file
    from ..resources import build_id

    limit = ws.settings.max_upload
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise _UploadError(413, "limit_exceeded", f"文件超过 {limit // (1024 * 1024)} MB 上限")
    if not data:
        raise _UploadError(422, "empty_file", "文件为空")
    sha = hashlib.sha256(data).hexdigest()
    name = _SAFE_NAME.sub("_", PurePath((file.filename or "upload").replace("\\", "/")).name).strip("._") or "upload"
    folder = ws.upload_dir / sha[:2] / sha
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name[-120:]
    path.write_bytes(data)
    with ws.write_lock:
        known = ws.store.stored_among([sha]).get(sha)
        stored = known is not None and not known.stale(build_id())
        if stored:
            ws.store.add_paths([(str(path), sha)])
        else:
            result: FileResult = process_file(str(path))
            ws.store.write([result])
        ws.sync.now()
    with ws.engine.connect() as c:
        reports = queries.file_reports(c, sha)
        err = c.execute(tables.select_error(sha)).first()
    if not reports:
        code, message = (err.error_code, err.error_message) if err else ("corrupt_file", "没有读出任何报告")
        raise _UploadError(422, code or "corrupt_file", message or "没有读出任何报告")
    return {"sha256": sha, "stored": not stored,
            "reports": [{"index": r["idx"], "title": r["title"], "url": f"/reports/{sha}/{r['idx']}"} for r in reports]}


# --- the command -----------------------------------------------------------------------------

def serve(db: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          upload_dir: str | None = None, max_upload_mb: int = 20) -> int:
    """Run the workspace until interrupted (``extractor serve``)."""
    import uvicorn

    from ..output.store import errors_said

    with errors_said(db):  # a store that is not there, not a store, or out of reach: one line, exit 2
        open_store(db, create=False).engine.dispose()
    made = False
    token = token or os.environ.get(TOKEN_ENV)
    if not token:
        token, made = secrets.token_urlsafe(18), True
    settings = Settings(db=db, token=token, host=host, max_upload=max_upload_mb * 1024 * 1024,
                        upload_dir=Path(upload_dir) if upload_dir else None)
    print(f"正在打开 {db} …", file=sys.stderr)
    with errors_said(db):
        app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    print(f"审计工作台：{base}/findings    API：{base}/api/findings    说明：{base}/openapi.json", file=sys.stderr)
    if made:
        print(f"写入令牌（本次启动生成；固定令牌请用 --token 或环境变量 {TOKEN_ENV}）：{token}", file=sys.stderr)
        print(f"登录复核：{base}/login?{urlencode({'token': token})}", file=sys.stderr)
    if not settings.open_reads:
        print("监听非本机地址：读取也需要令牌", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
