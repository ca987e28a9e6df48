"""Benchmark of the workspace (``extractor serve``) on a large synthetic store.

Builds a store of ``--reports`` reports (100,000 by default) from the bundled corpus's records,
their figures perturbed (each money and count value scaled, dates moved to another year, a
county as the region of some figures), written straight through the store's write path
(``Store.write``, as ``ingest`` writes), not by extracting 100,000 times. Then it starts
``extractor serve`` on it (the first start indexes findings and text: timed) and measures over
HTTP on the loopback:

* the median time of the findings list page, per filter (each filter's first request, when
  its facet counts are not cached yet, and the same page again), and of a page 20 pages deep;
* the median time of a report page (random reports);
* the median time of a search (``/api/search``) for two-character words;
* requests per second of a filtered facts query (``/api/facts?kind=money&category=…&min=…``)
  from 4 client threads for ``--seconds`` seconds.

    python scripts/bench_serve.py                          # 100,000 reports in out/bench_serve.db
    python scripts/bench_serve.py --reports 10000 --keep   # a smaller store, kept for a next run
    python scripts/bench_serve.py --db postgresql://…      # the same on PostgreSQL

Prints a Markdown table and writes the numbers to out/bench_serve.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from serving import serving  # noqa: E402  (scripts/serving.py: serve started, waited for, stopped)

COUNTIES = ["东城区", "西城区", "城关镇", "河口乡", "青山镇", "东湖街道", "南关区", "北塔区", "新华区", "和平县",
            "安宁县", "永和镇", "石门县", "花莲县", "东关街道", "西关街道", "朝阳区", "红旗镇", "胜利乡", "光明县"]


def corpus_records() -> list[dict[str, Any]]:
    from extractor.model import ErrorRecord
    from extractor.output.jsonl import record_to_dict
    from extractor.pipeline import extract_path, iter_paths

    out: list[dict[str, Any]] = []
    for path in iter_paths([ROOT / "corpus" / n for n in ("seed", "dev", "holdout", "holdout2", "sealed")]):
        result = extract_path(path)
        if not isinstance(result, ErrorRecord):
            out.extend(json.loads(json.dumps(record_to_dict(r), ensure_ascii=False)) for r in result)
    return out


_ISO = re.compile(r"^\d{4}")


def perturb(rec: dict[str, Any], rng: random.Random, n: int) -> dict[str, Any]:
    """A copy of ``rec`` with its figures scaled, its dates in another year, regions on some figures."""
    scale = rng.choice([0.5, 0.8, 1, 1.2, 1.5, 2, 3])
    year = str(rng.randint(2015, 2024))
    county = rng.choice(COUNTIES)

    def num(v: Any) -> Any:
        return None if v is None else (round(v * scale) if isinstance(v, int) else round(v * scale, 2))

    facts = []
    for f in rec["facts"]:
        f = dict(f)
        if f["kind"] == "date":
            for k in ("start", "end"):
                if f.get(k) and _ISO.match(f[k]):
                    f[k] = year + f[k][4:]
        else:
            f["value"] = num(f.get("value"))
            if f.get("region") is None and rng.random() < 0.5:
                f["region"] = county
        facts.append(f)
    breakdowns = [{**b, "total": num(b.get("total")), "parts": [num(p) for p in b["parts"]]} for b in rec["breakdowns"]]
    meta = json.loads(json.dumps(rec.get("meta") or {}))
    line = (meta.get("signature") or {}).get("date_line")
    if isinstance(line, dict) and line.get("start") and _ISO.match(line["start"]):
        line["start"] = year + line["start"][4:]
    return {**rec, "source": f"synthetic/{n // 1000:03d}/{n:06d}_{Path(rec['source']).name}", "index": 0,
            "facts": facts, "breakdowns": breakdowns, "meta": meta}


def build(db: str, reports: int, seed: int = 14) -> dict[str, Any]:
    from extractor.output.store import FileResult, open_store

    base = corpus_records()
    rng = random.Random(seed)
    store = open_store(db)
    started = time.perf_counter()
    batch: list[FileResult] = []
    facts = findings = 0
    for n in range(reports):
        rec = perturb(base[n % len(base)], rng, n)
        facts += len(rec["facts"])
        findings += len(rec["findings"])
        sha = hashlib.sha256(f"bench-serve-{seed}-{n}".encode()).hexdigest()
        batch.append(FileResult(rec["source"], sha, len(rec["text"].encode()), (rec,)))
        if len(batch) == 1000:
            store.write(batch)
            batch = []
            print(f"\r{n + 1} reports written", end="", file=sys.stderr)
    if batch:
        store.write(batch)
    print(file=sys.stderr)
    store.engine.dispose()
    return {"reports": reports, "facts": facts, "findings": findings, "corpus_reports": len(base),
            "write_seconds": round(time.perf_counter() - started, 1)}


def _median_ms(client: httpx.Client, urls: list[str]) -> float:
    times = []
    for url in urls:
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
        r.raise_for_status()
    return round(statistics.median(times) * 1000, 1)


def money_category(db: str) -> str:
    """The category of money the most facts have (what the facts query filters on)."""
    from sqlalchemy import func, select

    from extractor.output.store import facts, open_store

    engine = open_store(db).engine
    with engine.connect() as c:
        n = func.count().label("n")
        got = c.execute(select(facts.c.category, n).where(facts.c.kind == "money", facts.c.category.is_not(None))
                        .group_by(facts.c.category).order_by(n.desc()).limit(1)).first()
    engine.dispose()
    return str(got[0]) if got else "condolence_money"


def measure(base: str, seconds: float, category: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=120) as c:
        facets = c.get("/api/findings/facets", params={"state": "all"}).json()["facets"]
        rules = [x["value"] for x in facets["rule"]]
        years = [x["value"] for x in facets["year"] if x["value"]][:6]
        categories = [x["value"] for x in facets["category"] if x["value"]][:6]
        regions = [x["value"] for x in facets["region"] if x["value"]][:6]
        filters = (["/findings"] + [f"/findings?rule={r}" for r in rules]
                   + [f"/findings?rule=sum_mismatch&year={y}" for y in years]
                   + [f"/findings?category={k}" for k in categories]
                   + [f"/findings?region={g}&severity=error" for g in regions]
                   + [f"/findings?year={y}&state=all" for y in years])
        out["findings_page_first_ms"] = _median_ms(c, filters)  # facet counts computed
        out["findings_page_again_ms"] = _median_ms(c, filters)  # facet counts cached
        out["findings_pages"] = len(filters)
        # 20 pages deep by the cursor
        url, deep = "/findings?state=all", []
        for _ in range(20):
            t = time.perf_counter()
            page = c.get(url).text
            deep.append(time.perf_counter() - t)
            m = re.search(r'<a class="next" href="([^"]+)"', page)
            if not m:
                break
            url = m.group(1).replace("&amp;", "&")
        out["findings_page_deep_ms"] = round(statistics.median(deep[-5:]) * 1000, 1)
        # report pages
        docs = []
        cursor = None
        for _ in range(3):
            body = c.get("/api/findings", params={"limit": 500, "state": "all",
                                                  **({"cursor": cursor} if cursor else {})}).json()
            docs += [(i["document"]["sha256"], i["document"]["index"]) for i in body["items"]]
            cursor = body["next"]
        rng = random.Random(1)
        picks = rng.sample(sorted(set(docs)), min(60, len(set(docs))))
        out["report_page_ms"] = _median_ms(c, [f"/reports/{s}/{i}" for s, i in picks])
        out["search_ms"] = _median_ms(c, [f"/api/search?q={q}" for q in ("低保", "慰问", "困难职工", "救灾", "助学")])
        query = f"/api/facts?kind=money&category={category}&min=10000&limit=100"
        out["facts_query"] = query
        out["facts_query_ms"] = _median_ms(c, [query] * 20)
    out["facts_rps"] = _rps(base, query, seconds)
    return out


def _rps(base: str, url: str, seconds: float, threads: int = 4) -> float:
    """Requests a second of ``url`` from ``threads`` clients for ``seconds`` (bounded loop)."""
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def run(k: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while time.perf_counter() < stop:
                c.get(url).raise_for_status()
                counts[k] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return round(sum(counts) / (time.perf_counter() - started), 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--db", default=str(ROOT / "out" / "bench_serve.db"))
    ap.add_argument("--keep", action="store_true", help="reuse the store when it is there (else it is made anew)")
    ap.add_argument("--seconds", type=float, default=10.0, help="how long the requests-per-second run lasts")
    args = ap.parse_args()
    sqlite = "://" not in args.db
    result: dict[str, Any] = {"db": "sqlite" if sqlite else args.db.split(":", 1)[0]}
    if sqlite and not (args.keep and Path(args.db).exists()):
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
    if not (args.keep and sqlite and Path(args.db).exists() and os.path.getsize(args.db) > 0) or not sqlite:
        result["store"] = build(args.db, args.reports)
    started = time.perf_counter()
    (ROOT / "out").mkdir(exist_ok=True)
    log = ROOT / "out" / "bench_serve.log"
    try:
        with serving([sys.executable, "-m", "extractor", "serve", "--db", args.db, "--token", "bench"],
                     "/api/findings?limit=1", log=log, timeout=3600) as base:
            result["first_start_seconds"] = round(time.perf_counter() - started, 1)
            result.update(measure(base, args.seconds, money_category(args.db)))
    except RuntimeError as e:
        raise SystemExit(str(e)) from None
    out = ROOT / "out" / "bench_serve.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"\n| measure ({result.get('store', {}).get('reports', '?')} reports) | value |\n| --- | --- |")
    for k in ("first_start_seconds", "findings_page_first_ms", "findings_page_again_ms", "findings_page_deep_ms",
              "report_page_ms", "search_ms", "facts_query_ms", "facts_rps"):
        print(f"| {k} | {result.get(k)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
