"""Tables read by a reader: regions from row headers, and 合计/小计 rows and columns as breakdowns."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.model import Count, Money
from extractor.pipeline import extract_document
from extractor.readers.build import TextBuilder

Rows = list[list[str | None]]


def _records(rows: Rows, before: str = "各地慰问情况如下：") -> list[Any]:
    b = TextBuilder("t.docx", "docx")
    b.paragraph(before)
    b.table(rows)
    return extract_document(b.build())


CASES: list[tuple[str, Rows, list[tuple[str, float, list[float], bool]]]] = [
    ("total-row", [["地区", "户数", "金额"], ["哈密市", "125户", "7万元"], ["巴里坤县", "176户", "10.7万元"],
                   ["合计", "301户", "17.7万元"]],
     [("count", 301, [125, 176], True), ("money", 177000, [70000, 107000], True)]),
    ("total-row-mismatch", [["地区", "户数"], ["哈密市", "125户"], ["巴里坤县", "176户"], ["合计", "311户"]],
     [("count", 311, [125, 176], False)]),
    ("serial-column", [["序号", "单位", "户数"], ["1", "城关镇", "126户"], ["2", "河口镇", "85户"],
                       [None, "合计", "211户"]],
     [("count", 211, [126, 85], True)]),
    ("total-column", [["单位", "低保户", "特困户", "合计"], ["城关镇", "30户", "12户", "42户"],
                      ["河口镇", "20户", "5户", "26户"]],
     [("count", 42, [30, 12], True), ("count", 26, [20, 5], False)]),
    ("subtotals", [["单位", "户数"], ["一村", "10户"], ["二村", "20户"], ["小计", "30户"], ["三村", "5户"],
                   ["四村", "6户"], ["小计", "11户"], ["合计", "41户"]],
     [("count", 30, [10, 20], True), ("count", 11, [5, 6], True), ("count", 41, [30, 11], True)]),
    ("no-total", [["单位", "户数"], ["一村", "10户"], ["二村", "20户"]], []),
]


@pytest.mark.parametrize(("rows", "want"), [pytest.param(r, w, id=i) for i, r, w in CASES])
def test_table_breakdowns(rows: Rows, want: list[tuple[str, float, list[float], bool]]) -> None:
    rec = _records(rows)[0]
    got = sorted((b.kind, float(b.total), [float(p) for p in b.parts], b.consistent) for b in rec.breakdowns)
    assert got == sorted((k, float(t), [float(p) for p in ps], ok) for k, t, ps, ok in want)


def test_row_header_is_the_region_of_every_figure_in_the_row() -> None:
    rec = _records([["地区", "户数", "金额"], ["哈密市", "125户", "7万元"], ["合计", "125户", "7万元"]])[0]
    by_text = {(f.text, f.span): f for f in rec.facts if isinstance(f, Money | Count)}
    first = [f for (t, _), f in by_text.items() if t in ("125户", "7万元")]
    assert {f.region for f in first} == {"哈密市", None}  # the 合计 row has no region
    assert all(f.region == "哈密市" for f in first if f.span[0] < rec.text.index("合计"))
    counts = [f for f in rec.facts if isinstance(f, Count)]
    assert counts[0].subject is None  # 户数 says how, not what: no subject (and no category) from it
    rec = _records([["地区", "困难职工户数"], ["哈密市", "125户"], ["巴里坤县", "176户"]])[0]
    counts = [f for f in rec.facts if isinstance(f, Count)]
    assert {(f.subject, f.category) for f in counts} == {("困难职工户数", "needy_workers")}  # a header naming a group


def test_sum_mismatch_reads_tables() -> None:
    rec = _records([["地区", "户数"], ["哈密市", "125户"], ["巴里坤县", "176户"], ["合计", "311户"]])[0]
    assert [f.rule for f in rec.findings] == ["sum_mismatch"]
    s, e = rec.findings[0].span
    assert rec.text[s:e] == "311户"


TEXT_TABLE = ("一、基本情况\n本次活动共慰问困难群众560户，发放救助款物40.2万元。\n"
              "街道 户数 款物\n东关街道 180户 12.6万元\n西关街道 150户 10.5万元\n南湖街道 230户 17.1万元\n"
              "合计 560户 40.2万元\n")


def test_text_table_rows_and_columns_label_their_figures() -> None:
    from extractor.pipeline import extract_text

    [record] = extract_text(TEXT_TABLE)
    rows = [f for f in record.facts if isinstance(f, (Count, Money))][2:]
    streets = ["东关街道", "西关街道", "南湖街道"]
    assert [f.region for f in rows] == [s for s in streets for _ in (0, 1)] + [None, None]
    money = [f for f in rows if isinstance(f, Money)]
    assert {(f.subject, f.category) for f in money} == {("款物", "donations_total")}  # the column names the fund
    counts = [f for f in rows if isinstance(f, Count)]
    assert {f.category for f in counts} == {"needy_residents"}  # 户数 names none: the section's group


@pytest.mark.parametrize(("text", "shape"), [
    pytest.param(TEXT_TABLE, [(5, 3)], id="header-rows-and-total"),
    pytest.param("街道 户数\n东关街道 180户\n", [], id="one-row-is-no-table"),
    pytest.param("共慰问困难群众560户，发放救助款物40.2万元。\n东关街道180户。\n西关街道150户。\n", [],
                 id="prose-is-no-table"),
])
def test_text_tables(text: str, shape: list[tuple[int, int]]) -> None:
    from extractor.facts import extract_facts
    from extractor.lang.chars import fold
    from extractor.structure.tables import find_text_tables

    assert [(t.rows, t.cols) for t in find_text_tables(text, fold(text), extract_facts(text))] == shape
