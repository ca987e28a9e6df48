"""The workspace and the records API (``extractor serve``), driven with an HTTP test client over a
store ingested from the corpus: on SQLite, and on PostgreSQL when a server is at hand
(``scripts/pg_test_server.sh``, ``EXTRACTOR_PG_URL``; else those cases skip and say so).

Filters and facets, keyset paging, the review round trip (and a verdict that outlives the
file's rows), upload (a .docx, a bad file, an oversized one), the token, HTML escaping, search.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():  # starlette's client warns that it will move off httpx
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sqlalchemy import delete, select

from extractor.output import store as st
from extractor.output.ingest import ingest
from extractor.ui.cli import main
from extractor.web.app import Settings, create_app
from extractor.web.tables import parse_key

from .conftest import ROOT, schema_on

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONTRACT_RECORD = {"source", "index", "title", "text", "facts", "breakdowns", "findings"}


# --- stores ---------------------------------------------------------------------------------

def _corpus(folder: Path) -> Path:
    """The seed and the dev set, copied (the upload and re-ingest tests add files of their own)."""
    for name in ("seed", "dev"):
        shutil.copytree(ROOT / "corpus" / name, folder / name, ignore=shutil.ignore_patterns("gold", "*.json"))
    return folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of each kind with the seed and the dev set ingested."""
    folder = tmp_path_factory.mktemp(f"serve-{request.param}")
    corpus = _corpus(folder / "corpus")
    if request.param == "sqlite":
        url = str(folder / "facts.db")
        ingest([corpus], url)
        yield url
        return
    server = request.getfixturevalue("pg_server")  # the suite's server (conftest): skips, saying why, without one
    with schema_on(server, "serve") as url:
        ingest([corpus], url)
        yield url


@pytest.fixture(scope="module")
def client(db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(db=db, token=TOKEN, upload_dir=tmp_path_factory.mktemp("uploads"), max_upload=200_000,
                        sync_every=0)
    with TestClient(create_app(settings)) as c:
        yield c


def _all(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged API list, page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body["next"]
        if cursor is None:
            return items


def _raw_findings(db: str) -> list[dict[str, Any]]:
    """The store's findings with their report, straight from the store's tables."""
    engine = st.open_store(db).engine
    f, d = st.findings, st.documents
    with engine.connect() as c:
        rows = c.execute(select(f.c.rule, f.c.severity, f.c.start, f.c.end, d.c.sha256, d.c.idx, d.c.year)
                         .join(d, d.c.id == f.c.document_id)).mappings().all()
    engine.dispose()
    return [dict(r) for r in rows]


# --- the findings list ------------------------------------------------------------------------

def test_every_finding_listed_once_in_order(client: TestClient, db: str) -> None:
    items = _all(client, "/api/findings", state="all", limit=500)
    raw = _raw_findings(db)
    assert len(items) == len(raw) > 50
    assert sorted((i["rule"], i["span"][0]) for i in items) == sorted((r["rule"], r["start"]) for r in raw)
    ranks = [{"error": 0, "warning": 1, "info": 2}[i["severity"]] for i in items]
    assert ranks == sorted(ranks)  # errors first


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_keyset_paging_walks_every_finding_once(client: TestClient, limit: int) -> None:
    whole = [i["id"] for i in _all(client, "/api/findings", state="all", limit=500)]
    paged = [i["id"] for i in _all(client, "/api/findings", state="all", limit=limit)]
    assert paged == whole


@pytest.mark.parametrize("params", [
    pytest.param({"rule": "sum_mismatch"}, id="rule"),
    pytest.param({"severity": "error"}, id="severity"),
    pytest.param({"year": "2019"}, id="year"),
    pytest.param({"rule": "placeholder", "severity": "warning"}, id="rule-and-severity"),
    pytest.param({"category": "needy_workers"}, id="category"),
    pytest.param({"year": "0"}, id="no-year"),
])
def test_filters_and_facet_counts_agree(client: TestClient, db: str, params: dict[str, str]) -> None:
    items = _all(client, "/api/findings", state="all", limit=500, **params)
    assert items, params
    for i in items:
        for k, v in params.items():
            got = i["document"]["year"] or 0 if k == "year" else i[k]
            assert str(got) == v, (k, i)
    if "category" not in params:  # the store's own rows say the same
        want = [r for r in _raw_findings(db)
                if all(str((r["year"] or 0) if k == "year" else r[k]) == v for k, v in params.items())]
        assert len(items) == len(want)
    facets = client.get("/api/findings/facets", params={"state": "all", **params}).json()
    assert facets["total"] == len(items)
    for name, value in params.items():
        counts = {str(x["value"] if x["value"] is not None else 0): x["count"] for x in facets["facets"][name]}
        assert counts[value] == len(items)  # a facet's count of its own chosen value: the same findings


def test_facets_leave_out_their_own_filter(client: TestClient) -> None:
    facets = client.get("/api/findings/facets", params={"rule": "sum_mismatch", "state": "all"}).json()["facets"]
    rules = {x["value"] for x in facets["rule"]}
    assert {"sum_mismatch", "placeholder"} <= rules  # the other rules stay offered


def test_bad_cursor_and_bad_filter(client: TestClient) -> None:
    assert client.get("/api/findings", params={"cursor": "not-a-cursor"}).status_code == 400
    assert client.get("/api/findings", params={"severity": "fatal"}).status_code == 422
    assert client.get("/api/findings", params={"limit": 100_000}).status_code == 422


def test_findings_page_filters_and_pages(client: TestClient) -> None:
    r = client.get("/findings", params={"rule": "sum_mismatch"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    rules = re.findall(r'<tr class="sev-\w+ state-\w+" data-rule="(\w+)"', r.text)
    assert rules and set(rules) == {"sum_mismatch"}
    total = int(re.search(r'<b id="total">(\d+)</b>', r.text).group(1))  # type: ignore[union-attr]
    assert total == len(_all(client, "/api/findings", rule="sum_mismatch"))
    # the filter form as a browser sends it: every field, most empty
    empty = {"rule": "sum_mismatch", "severity": "", "category": "", "region": "", "year": "", "state": "default",
             "source": ""}
    assert re.findall(r'<b id="total">(\d+)</b>', client.get("/findings", params=empty).text) == [str(total)]
    first = client.get("/findings", params={"limit": 5, "state": "all"})
    nxt = re.search(r'<a class="next" href="([^"]+)"', first.text)
    assert nxt is not None
    second = client.get(nxt.group(1).replace("&amp;", "&"))
    keys = [re.findall(r'data-key="([^"]+)"', p.text) for p in (first, second)]
    assert len(keys[0]) == len(keys[1]) == 5 and not set(keys[0]) & set(keys[1])


# --- records ------------------------------------------------------------------------------------

def test_documents_are_contract_records(client: TestClient, db: str) -> None:
    docs = _all(client, "/api/documents", limit=9)
    engine = st.open_store(db).engine
    with engine.connect() as c:
        assert len(docs) == c.execute(select(st.documents.c.id)).all().__len__() > 30
    engine.dispose()
    for d in docs:
        assert d.keys() >= CONTRACT_RECORD
        for f in d["facts"]:
            assert d["text"][f["span"][0]:f["span"][1]] == f["text"]
    one = docs[3]
    again = client.get(f"/api/documents/{one['sha256']}/{one['index']}").json()
    assert again == one
    assert client.get(f"/api/documents/{one['sha256']}/999").status_code == 404


@pytest.mark.parametrize("params", [
    pytest.param({"kind": "money", "min": 100000}, id="money-over"),
    pytest.param({"kind": "count", "category": "needy_workers"}, id="category"),
    pytest.param({"kind": "count", "min": 10, "max": 50, "year": 2019}, id="range-year"),
    pytest.param({"kind": "date"}, id="dates"),
])
def test_facts_filters(client: TestClient, params: dict[str, Any]) -> None:
    items = _all(client, "/api/facts", limit=37, **params)
    assert items
    for f in items:
        assert f["kind"] == params["kind"]
        assert f["id"] == f"{f['kind']}:{f['span'][0]}-{f['span'][1]}"
        if "min" in params:
            assert f["value"] >= params["min"]
        if "max" in params:
            assert f["value"] <= params["max"]
        if "category" in params:
            assert f["category"] == params["category"]
        if "year" in params:
            assert f["document"]["year"] == params["year"]
    assert len({(f["document"]["sha256"], f["document"]["index"], f["id"]) for f in items}) == len(items)


def test_breakdowns(client: TestClient) -> None:
    bad = _all(client, "/api/breakdowns", consistent="false")
    assert bad and all(b["consistent"] is False for b in bad)
    assert all({"kind", "total", "parts", "unit", "span"} <= b.keys() for b in bad)


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/documents", "/api/facts", "/api/breakdowns", "/api/findings", "/api/reviews",
                 "/api/findings/{key}/review"):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/facts"]["get"]["parameters"]}
    assert {"kind", "category", "region", "year", "min", "max", "cursor", "limit"} <= params
    assert "put" in spec["paths"]["/api/findings/{key}/review"]
    assert "post" in spec["paths"]["/api/documents"]


# --- reviews -------------------------------------------------------------------------------------

def _a_finding(client: TestClient, rule: str = "sum_mismatch", n: int = 0) -> dict[str, Any]:
    items = client.get("/api/findings", params={"rule": rule, "state": "all", "limit": 50}).json()["items"]
    return items[n]  # type: ignore[no-any-return]


def test_writes_need_the_token(client: TestClient) -> None:
    f = _a_finding(client, n=1)
    body = {"verdict": "confirmed", "note": "n", "reviewer": "李四"}
    assert client.put(f"/api/findings/{f['id']}/review", json=body).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert client.put(f"/api/findings/{f['id']}/review", json=body, headers=bad).status_code == 401
    r = client.post("/api/documents", files={"file": ("a.txt", "共100元".encode())})
    assert r.status_code == 401
    assert client.post(f"/reports/{f['document']['sha256']}/0/review", data={"key": f["id"]}).status_code == 401
    assert client.get(f"/api/findings/{f['id']}").json()["review"] is None


def test_review_round_trip(client: TestClient, db: str, tmp_path: Path) -> None:
    f = _a_finding(client, n=2)
    key = f["id"]
    r = client.put(f"/api/findings/{key}/review", headers=AUTH,
                   json={"verdict": "dismissed", "note": "原件核对无误 <b>", "reviewer": "王五"})
    assert r.status_code == 200, r.text
    review = r.json()
    assert review["verdict"] == "dismissed" and review["reviewer"] == "王五" and review["at"]
    assert client.get(f"/api/findings/{key}").json()["review"] == review
    # dismissed: out of the default view, in the dismissed one
    assert key not in {i["id"] for i in _all(client, "/api/findings", rule=f["rule"])}
    assert key in {i["id"] for i in _all(client, "/api/findings", rule=f["rule"], state="dismissed")}
    # the report page shows the verdict, the note (escaped) and the reviewer
    page = client.get(f"/reports/{f['document']['sha256']}/{f['document']['index']}").text
    box = page[page.index(f'id="k-{key}"'):]
    box = box[:box.index("</div>")]
    assert "已排除" in box and "原件核对无误 &lt;b&gt;" in box and "王五" in box
    # exported
    rows = list(csv.DictReader(io.StringIO(client.get("/api/reviews/export?format=csv").text.lstrip("\ufeff"))))
    mine = [x for x in rows if x["finding"] == key]
    assert mine and mine[0]["verdict"] == "dismissed" and mine[0]["note"] == "原件核对无误 <b>"
    data = json.loads(client.get("/api/reviews/export", params={"format": "json"}).text)
    assert any(x["finding"] == key and x["reviewer"] == "王五" for x in data)
    assert any(x["finding"] == key for x in client.get("/api/reviews?verdict=dismissed").json()["items"])
    # and by the command line, with every verdict given in the log
    out = tmp_path / "reviews.csv"
    for table in ("reviews", "review_log"):
        assert main(["export", "--db", db, "--format", "csv", "--table", table, "-o", str(out)]) == 0
        got = [x for x in csv.DictReader(out.open(encoding="utf-8")) if x["key"] == key]
        assert [(x["verdict"], x["note"], x["reviewer"]) for x in got] == [("dismissed", "原件核对无误 <b>", "王五")]
    # withdrawn: back in the default view
    r = client.put(f"/api/findings/{key}/review", headers=AUTH, json={"verdict": "open", "reviewer": "王五"})
    assert r.status_code == 200
    assert key in {i["id"] for i in _all(client, "/api/findings", rule=f["rule"])}


def test_review_by_the_form_with_the_login_cookie(client: TestClient) -> None:
    f = _a_finding(client, n=3)
    sha, idx = f["document"]["sha256"], f["document"]["index"]
    r = client.post("/login", data={"name": "赵六", "token": "wrong", "next": "/findings"})
    assert r.status_code == 401
    r = client.post("/login", data={"name": "赵六", "token": TOKEN, "next": f"/reports/{sha}/{idx}"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{sha}/{idx}"
    try:
        assert 'class="review-form"' in client.get(f"/reports/{sha}/{idx}").text
        r = client.post(f"/reports/{sha}/{idx}/review", data={"key": f["id"], "verdict": "confirmed",
                                                               "note": "已电话核实"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith(f"#k-{f['id']}")
        got = client.get(f"/api/findings/{f['id']}").json()["review"]
        assert got["verdict"] == "confirmed" and got["reviewer"] == "赵六" and got["note"] == "已电话核实"
        partial = client.post(f"/reports/{sha}/{idx}/review", headers={"X-Partial": "1"},
                              data={"key": f["id"], "verdict": "confirmed", "note": "再次核实"})
        assert partial.status_code == 200 and "再次核实" in partial.text and "已确认" in partial.text
        assert client.post(f"/reports/{sha}/{idx}/review", data={"key": f["id"], "verdict": "maybe"}).status_code == 422
        assert client.post(f"/reports/{sha}/{idx}/review", data={"key": "nonsense", "verdict": "confirmed"}
                           ).status_code == 404
    finally:
        client.cookies.clear()


def test_review_outlives_the_files_rows(client: TestClient, db: str, tmp_path: Path) -> None:
    """The same file ingested again after its rows were deleted (as a re-extraction would): its
    findings come back under the same keys, with their verdicts."""
    f = _a_finding(client, rule="placeholder", n=4)
    key, sha = f["id"], f["document"]["sha256"]
    assert client.put(f"/api/findings/{key}/review", headers=AUTH,
                      json={"verdict": "confirmed", "note": "保留", "reviewer": "钱七"}).status_code == 200
    engine = st.open_store(db).engine
    with engine.begin() as c:
        source = c.execute(select(st.files.c.path).where(st.files.c.sha256 == sha)).scalar_one()
        ids = [r[0] for r in c.execute(select(st.documents.c.id).where(st.documents.c.sha256 == sha))]
        for t in (st.facts, st.breakdowns, st.findings):
            c.execute(delete(t).where(t.c.document_id.in_(ids)))
        c.execute(delete(st.documents).where(st.documents.c.sha256 == sha))
        c.execute(delete(st.paths).where(st.paths.c.sha256 == sha))
        c.execute(delete(st.files).where(st.files.c.sha256 == sha))
    engine.dispose()
    assert client.get(f"/api/findings/{key}").status_code == 404  # gone with its rows
    assert ingest([source], db).files == 1
    again = client.get(f"/api/findings/{key}").json()
    assert again["review"]["verdict"] == "confirmed" and again["review"]["note"] == "保留"
    assert again["state"] == "confirmed"


def test_a_report_an_older_build_stored_is_extracted_again_and_indexed_anew(client: TestClient, db: str) -> None:
    """An import after an upgrade extracts again the files an older build stored: their rows are
    replaced, the workspace's indexes are made anew (no finding listed twice or pointing at rows
    that are gone), search still finds the report, and a review keeps its verdict."""
    f = _a_finding(client, rule="placeholder", n=5)
    key, sha = f["id"], f["document"]["sha256"]
    assert client.put(f"/api/findings/{key}/review", headers=AUTH,
                      json={"verdict": "dismissed", "note": "模板", "reviewer": "孙八"}).status_code == 200
    before = _all(client, "/api/findings", state="all", limit=500)
    engine = st.open_store(db).engine
    with engine.begin() as c:
        source = c.execute(select(st.files.c.path).where(st.files.c.sha256 == sha)).scalar_one()
        old_ids = {r[0] for r in c.execute(select(st.documents.c.id).where(st.documents.c.sha256 == sha))}
        c.execute(st.files.update().where(st.files.c.sha256 == sha).values(build="0.0.1+older"))
    summary = ingest([source], db)
    assert (summary.files, summary.refreshed, summary.skipped) == (1, 1, 0)
    with engine.connect() as c:
        new_ids = {r[0] for r in c.execute(select(st.documents.c.id).where(st.documents.c.sha256 == sha))}
        assert st.counter(c, "replaced") >= 1
    engine.dispose()
    assert new_ids and not new_ids & old_ids
    after = _all(client, "/api/findings", state="all", limit=500)
    assert len(after) == len(before) == len(_raw_findings(db))
    assert sorted(i["id"] for i in after) == sorted(i["id"] for i in before)  # the same keys
    again = client.get(f"/api/findings/{key}").json()
    assert again["state"] == "dismissed" and again["review"]["note"] == "模板"
    with st.open_store(db).engine.connect() as c:
        text = c.execute(select(st.documents.c.text).where(st.documents.c.sha256 == sha)).scalars().first()
    words = re.search(r"[\u4e00-\u9fff]{4}", text or "")
    assert words is not None
    assert sha in {found for found, _ in _search_all(client, words.group())}


def test_rows_replaced_in_place_are_indexed_anew(tmp_path: Path) -> None:
    """A newer build's rows can take the ids of the rows they replace (the last file's, when the
    database hands out the highest id plus one): the workspace still lists the new findings, not
    the old ones under the same ids."""
    db = str(tmp_path / "f.db")
    ingest([ROOT / "corpus" / "seed"], db)
    settings = Settings(db=db, token=TOKEN, upload_dir=tmp_path / "up", max_upload=200_000, sync_every=0)
    with TestClient(create_app(settings)) as c:
        before = _all(c, "/api/findings", state="all", limit=500)
        store = st.open_store(db)
        records = list(store.records())
        with store.engine.connect() as conn:
            row = conn.execute(select(st.files)).mappings().one()  # the seed: one file
        moved = [{**f, "span": [f["span"][0] + 1, f["span"][1]]} for r in records for f in r["findings"]]
        shifted = tuple({**r, "findings": [{**f, "span": [f["span"][0] + 1, f["span"][1]]} for f in r["findings"]]}
                        for r in records)
        store.write([st.FileResult(row["path"], row["sha256"], row["size"], shifted, build="0.0.2+newer")])
        store.close()
        after = _all(c, "/api/findings", state="all", limit=500)
    assert len(after) == len(before) == len(moved) > 0
    assert sorted(i["span"][0] for i in after) == sorted(f["span"][0] for f in moved)
    keys = [parse_key(i["id"]) for i in after]  # each finding under the key of its new span
    assert [(k[3], k[4]) if k else None for k in keys] == [tuple(i["span"]) for i in after]


# --- upload --------------------------------------------------------------------------------------

def test_upload_a_docx_opens_its_report(client: TestClient) -> None:
    path = ROOT / "corpus" / "rendered" / "docx" / "005_kunnan_zhigong_bangfu_huaneng_union.docx"
    r = client.post("/api/documents", headers=AUTH, files={"file": (path.name, path.read_bytes())})
    assert r.status_code in (200, 201), r.text
    body = r.json()
    assert body["reports"] and body["reports"][0]["url"].startswith("/reports/")
    rec = client.get(f"/api/documents/{body['sha256']}/0").json()
    assert rec["meta"]["format"] == "docx" and rec["findings"]
    page = client.get(body["reports"][0]["url"])
    assert page.status_code == 200 and "困难职工" in page.text
    # its findings are in the list at once
    assert any(i["document"]["sha256"] == body["sha256"] for i in _all(client, "/api/findings", state="all"))
    # the form: the same content again opens the stored report
    client.cookies.set("extractor_token", TOKEN)
    try:
        r = client.post("/upload", files={"file": ("again.docx", path.read_bytes())}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith(f"/reports/{body['sha256']}/0")
    finally:
        client.cookies.clear()


def test_upload_a_bad_file(client: TestClient) -> None:
    r = client.post("/api/documents", headers=AUTH, files={"file": ("report.pdf", b"%PDF-1.4 broken" + b"\0" * 50)})
    assert r.status_code == 422
    assert r.json()["error"]["code"] in ("corrupt_file", "no_text_layer")
    r = client.post("/api/documents", headers=AUTH, files={"file": ("empty.txt", b"")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "empty_file"
    client.cookies.set("extractor_token", TOKEN)
    try:
        page = client.post("/upload", files={"file": ("x.docx", b"PK\x03\x04 not a zip")})
        assert page.status_code == 422 and 'role="alert"' in page.text
    finally:
        client.cookies.clear()


def test_upload_too_large(client: TestClient) -> None:
    big = ("共100元。" * 60_000).encode()  # over the 200 KB limit of these tests
    r = client.post("/api/documents", headers=AUTH, files={"file": ("big.txt", big)})
    assert r.status_code == 413 and r.json()["error"]["message"]


def test_report_text_with_markup_is_escaped(client: TestClient) -> None:
    text = ("<script>alert('x')</script>关于困难职工的总结\n共慰问困难职工<b>40名</b>，发放慰问金2万元。"
            "<img src=x onerror=alert(1)>")
    r = client.post("/api/documents", headers=AUTH, files={"file": ("xss.txt", text.encode())})
    assert r.status_code in (200, 201), r.text
    url = r.json()["reports"][0]["url"]
    page = client.get(url).text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>40" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or "&lt;script&gt;alert(" in page
    found = client.get("/search", params={"q": "困难职工"}).text
    assert "<script>alert" not in found
    listing = client.get("/findings", params={"state": "all", "limit": 200}).text
    assert "<script>alert" not in listing


# --- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["低保", "保边", "困难职工", "慰问金 2019", "送温暖"])
def test_search_finds_exactly_the_reports_holding_the_words(client: TestClient, q: str) -> None:
    found = _search_all(client, q)
    docs = _all(client, "/api/documents", limit=50)
    want = {(d["sha256"], d["index"]) for d in docs
            if all(p in (d["title"] or "") or p in d["text"] for p in q.split())}
    assert want and found == want


def _search_all(client: TestClient, q: str) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    before = None
    while True:
        body = client.get("/api/search", params={"q": q, "limit": 7, **({"before": before} if before else {})}).json()
        out |= {(h["sha256"], h["index"]) for h in body["items"]}
        before = body["next"]
        if before is None:
            return out


def test_search_page(client: TestClient) -> None:
    page = client.get("/search", params={"q": "低保"}).text
    assert page.count("<mark>低保</mark>") >= 3
    assert "没有找到" in client.get("/search", params={"q": "不存在的词语组合"}).text


# --- access when listening on another address ------------------------------------------------

def test_reads_need_the_token_off_the_loopback(db: str, tmp_path: Path) -> None:
    settings = Settings(db=db, token=TOKEN, host="0.0.0.0", upload_dir=tmp_path)
    with TestClient(create_app(settings)) as c:
        assert c.get("/api/findings").status_code == 401
        assert c.get("/api/findings", headers=AUTH).status_code == 200
        r = c.get("/findings", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        c.post("/login", data={"name": "审计员", "token": TOKEN})
        assert c.get("/findings").status_code == 200


def test_finding_keys_are_stable_parts(client: TestClient) -> None:
    f = _a_finding(client)
    sha, idx, rule, start, end = parse_key(f["id"])  # type: ignore[misc]
    assert (sha, idx, rule, [start, end]) == (f["document"]["sha256"], f["document"]["index"], f["rule"], f["span"])


def test_record_from_dict_reverses_record_to_dict() -> None:
    """The report page draws stored records with the audit's renderer: the dicts must come back
    as the very values extraction made."""
    from extractor.model import ErrorRecord
    from extractor.output.jsonl import record_from_dict, record_to_dict
    from extractor.pipeline import extract_path, iter_paths

    n = 0
    for path in iter_paths([ROOT / "corpus" / "seed", ROOT / "corpus" / "dev"]):
        result = extract_path(path)
        if isinstance(result, ErrorRecord):
            continue
        for rec in result:
            d = json.loads(json.dumps(record_to_dict(rec), ensure_ascii=False))
            assert record_from_dict(d) == rec, path
            n += 1
    assert n > 30


def test_serve_command_refuses_a_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from extractor.ui.cli import main

    assert main(["serve", "--db", str(tmp_path / "none.db")]) == 2
    assert "数据库不存在" in capsys.readouterr().err
