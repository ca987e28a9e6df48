"""``extractor query totals``: the store's totals count each group once, as the audit does (a part
is not added to its total, a figure stated twice is added once, a rate or a bound is listed
apart), grouped by ``--by``; on SQLite and, when a server answers, on PostgreSQL; on a store
ingested before the roles were stored too. The cases are tests/cases/totals.jsonl: each says what
the plain ``SUM`` over the facts (the query before issue 15) gave instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy import text as sql

from extractor.output.export import totals
from extractor.output.ingest import ingest, process_file
from extractor.output.store import FileResult, engine_url, facts, open_store
from extractor.totals import Standard, Total
from extractor.ui.cli import main
from extractor.ui.table import unit_label, width

from .conftest import load_cases

#: small reports, a file each, that a plain SUM counts twice or more
REPORTS = {
    "parts": "共慰问困难职工400名，其中地直120名、哈密市280名。",
    "table": "共慰问困难群众560户，发放救助款物40.2万元。\n街道 户数 款物\n东关街道 180户 12.6万元\n"
             "西关街道 380户 27.6万元\n合计 560户 40.2万元\n",
    "restated": "慰问困难职工53名，发放慰问金5.3万元。此次活动覆盖困难职工53名。",
    "rate": "共慰问困难职工50名，发放慰问金2.5万元，人均500元。",
    "bound": "共发放帮扶救助金20.4万元，每户不低于1000元。",
    "traditional": "慰問困難群眾50戶。走访困难群众60户。",
    "y2019": "东关街道2019年春节送温暖活动总结\n春节期间共慰问困难职工30户，发放慰问金3万元。\n"
             "东关街道办事处\n2019年2月1日\n",
    "y2020": "西关街道2020年春节送温暖活动总结\n春节期间共慰问困难职工40户，发放慰问金4万元。\n"
             "西关街道办事处\n2020年2月1日\n",
    "streets": "东关街道慰问困难群众50户。西关街道慰问困难群众60户。",
    "raised": "今年“送温暖”活动中，我会共筹集送温暖资金50万元，走访慰问困难职工200户，发放送温暖资金40万元。"
              "争取上级资金10万元。",
    "planned": "计划投入慰问资金10万元、慰问困难职工100户。实际发放慰问资金9.8万元，慰问困难职工98户；"
               "拟于明年慰问困难职工120户。为计划生育特殊家庭20户发放慰问资金2万元。",
    "towns": "12月份实施临时救助12户36人，发放救助资金3.6万元。其中保华镇2户10人，救助资金1万元；"
             "大河镇8户17人，救助资金1.7万元；凤凰街道2户9人，救助资金0.9万元。",
}
CASES = load_cases("totals.jsonl")


def _folder(root: Path, names: list[str]) -> Path:
    folder = root / "in"
    folder.mkdir(parents=True)
    for name in names:
        (folder / f"{name}.txt").write_text(REPORTS[name], encoding="utf-8")
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store of each kind (PostgreSQL skips, saying why, without a server)."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_schema"))


def _rows(sums: list[Total], standards: list[Standard]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The totals and the rates and bounds as the cases write them (numbers as JSON reads them)."""
    def n(v: Decimal) -> int | float:
        return int(v) if v == v.to_integral_value() else float(v)

    return ([[*t.group, unit_label(t.unit, t.raised), n(t.total), t.facts, t.restated] for t in sums],
            [[*s.group, s.unit, s.role.value, n(s.low), n(s.high), s.facts] for s in standards])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_each_group_counted_once(case: dict[str, Any], db: str, tmp_path: Path) -> None:
    ingest([_folder(tmp_path, case["reports"])], db)
    assert _rows(*totals(db, case["by"])) == (case["totals"], case["standards"])


def test_the_store_totals_as_the_audit_does(db: str, tmp_path: Path) -> None:
    """One definition of the roles and of the sums: the store's totals by category and region are
    the audit's, whatever the regions read (the streets' figures are two totals, added by region to
    the rows of the table report's streets: its total is shared out among them)."""
    from extractor.pipeline import extract_path, iter_paths
    from extractor.ui.audit import TOTALS_BY, _tally, audit

    folder = _folder(tmp_path, sorted(REPORTS))
    ingest([folder], db)
    records = [r for p in iter_paths([folder]) if isinstance(got := extract_path(p), list) for r in got]
    assert totals(db, TOTALS_BY) == _tally(audit(records))
    streets = [t for t in totals(db, TOTALS_BY)[0] if t.group[0] == "needy_residents" and t.group[1]]
    assert sorted((t.group[1], t.total) for t in streets) == [("东关街道", Decimal(230)), ("西关街道", Decimal(440))]


# -- a store ingested before the roles were stored ------------------------------------------

def _drop_roles(db: str) -> None:
    """Make the store one ingested before ``facts.total_role``: the column as an older version
    made it, not there at all."""
    engine = create_engine(engine_url(db))
    with engine.begin() as c:
        c.execute(sql("ALTER TABLE facts DROP COLUMN total_role"))
    engine.dispose()


@pytest.mark.parametrize("older", ["column-missing", "results-without-roles"])
def test_roles_worked_out_for_figures_stored_without_them(db: str, tmp_path: Path, older: str) -> None:
    """A store ingested before ``total_role`` (the column is added when opened) or written with
    results that carry no roles: the roles are worked out from the records before the totals are
    read, the same as ingest stores them, and stored (a second query has nothing to do)."""
    folder = _folder(tmp_path / "a", sorted(REPORTS))
    fresh = str(tmp_path / "fresh.db")
    ingest([folder], fresh)
    if older == "column-missing":
        ingest([folder], db)
        _drop_roles(db)
    else:
        results = [process_file(str(p)) for p in sorted(folder.iterdir())]
        open_store(db).write([FileResult(r.path, r.sha256, r.size, r.records) for r in results])
    with open_store(db, create=False).engine.connect() as c:
        assert c.execute(select(facts.c.total_role).where(facts.c.total_role.is_not(None))).first() is None
    assert totals(db, ["category", "region"]) == totals(fresh, ["category", "region"])
    store = open_store(db, create=False)
    try:
        assert store.fill_roles() == 0
        with store.engine.connect() as c:
            got = sorted((r.start, r.total_role) for r in c.execute(select(facts.c.start, facts.c.total_role)))
    finally:
        store.close()
    with open_store(fresh, create=False).engine.connect() as c:
        assert got == sorted((r.start, r.total_role) for r in c.execute(select(facts.c.start, facts.c.total_role)))


# -- the command ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite store of every report."""
    root = tmp_path_factory.mktemp("totals")
    db = str(root / "facts.db")
    ingest([_folder(root, sorted(REPORTS))], db)
    yield db


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["query", "totals", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def _cells(line: str) -> list[str]:
    return re.split(r" {2,}", line.strip())


#: (--by, a row of the table: its cells as printed) for the store of every report
TABLE_ROWS = [
    pytest.param("category", ["困难职工", "503名", "3", "1"], id="needy-workers-by-category"),
    pytest.param("category", ["帮扶救助金", "240,000元", "2", "0"], id="assistance-funds-without-the-minimum"),
    pytest.param("category,region", ["困难群众", "（未指明）", "110户", "2", "1"], id="unstated-region"),
    pytest.param("category,region", ["困难群众", "东关街道", "230户", "2", "0"], id="a-table-shared-among-streets"),
    pytest.param("year,category", ["2019", "慰问金", "30,000元", "1", "0"], id="by-year"),
    pytest.param("category,region", ["慰问金", "（未指明）", "666,000元", "7", "0"], id="money-with-thousands"),
    pytest.param("category", ["慰问金", "600,000元（筹集）", "2", "0"], id="money-raised-apart"),
]


@pytest.mark.parametrize(("by", "row"), TABLE_ROWS)
def test_the_table(store: str, capsys: pytest.CaptureFixture[str], by: str, row: list[str]) -> None:
    code, lines, _ = _run(capsys, "--by", by, "--db", store)
    assert code == 0
    assert lines[0].startswith("按") and "每组只计一次" in lines[0]
    assert row in [_cells(line) for line in lines[2:]]


def test_the_table_is_aligned_with_chinese_headers(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every row of the totals ends its right-aligned columns where the header does (a Chinese
    character two columns wide), and the rates and bounds follow, apart."""
    _, lines, _ = _run(capsys, "--by", "category,region", "--db", store)
    head = lines[1]
    assert _cells(head) == ["类别", "地区", "合计", "项数", "重复未计"]
    end = lines.index("")
    body = lines[2:end]
    assert body and all(width(line) == width(head) for line in body)
    total_ends = {width(line[: line.index(_cells(line)[2]) + len(_cells(line)[2])]) for line in [head, *body]}
    assert len(total_ends) == 1
    assert lines[end + 1] == "标准、上下限与计划数（标准、下限、上限、计划，不计入合计）"
    assert ["帮扶救助金", "（未指明）", "下限", "1000元", "1"] in [_cells(line) for line in lines[end + 3:]]


def test_tab_separated(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = _run(capsys, "--by", "category,region", "--tsv", "--db", store)
    assert code == 0
    assert lines[0].split("\t") == ["category", "category_name", "region", "kind", "unit", "total", "facts",
                                    "restated", "approx", "raised"]
    assert "needy_workers\t困难职工\t\tcount\t名\t503\t3\t1\tFalse\tFalse" in lines


def test_the_default_is_by_category(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, lines, _ = _run(capsys, "--db", store)
    assert lines[0].startswith("按类别汇总")
    assert _cells(lines[1]) == ["类别", "合计", "项数", "重复未计"]


@pytest.mark.parametrize(("args", "said"), [
    pytest.param(["totals", "--by", "colour"], "无法按 colour 汇总：--by 可选 category、region、subject、org、year",
                 id="unknown-column"),
    pytest.param(["totals", "--by", "region,region"], "请给出不重复的汇总列", id="twice"),
    pytest.param(["rules", "--by", "region"], "--by 和 --tsv 只用于 extractor query totals", id="other-query"),
])
def test_usage_errors(store: str, capsys: pytest.CaptureFixture[str], args: list[str], said: str) -> None:
    assert main(["query", *args, "--db", store]) == 2
    err = capsys.readouterr().err
    assert said in err and err.rstrip().endswith("（usage）")


def test_own_sql_still_runs(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--sql`` runs as before, and the roles are there to be read."""
    assert main(["query", "totals", "--db", store, "--sql",
                 "SELECT total_role, COUNT(*) FROM facts WHERE total_role = 'part' GROUP BY total_role"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("part\t")
