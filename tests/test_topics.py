"""topics: the groups and funds a report names, for figures whose own sentence names none."""

from __future__ import annotations

import pytest

from extractor.structure.topics import Topics, heading_starts

TEXT = ("一、基本情况\n全镇建档立卡贫困户1286户，困难职工子女40名。\n（二）帮扶\n发放慰问金5万元。\n"
        "三、打算\n剩余144户。")


@pytest.mark.parametrize(("kind", "at", "category"), [
    pytest.param("group", "40名", "students", id="longest-term-not-its-prefix"),
    pytest.param("group", "5万元", None, id="heading-ends-the-section"),
    pytest.param("fund", "144户", None, id="fund-does-not-cross-heading"),
    pytest.param("fund", "5万元", "condolence_money", id="fund-before-in-section"),
])
def test_last(kind: str, at: str, category: str | None) -> None:
    t = Topics(TEXT)
    got = t.last(kind, TEXT.index(at))  # type: ignore[arg-type]
    assert (got.category if got else None) == category


def test_last_skips_what_the_filter_refuses() -> None:
    t = Topics(TEXT)
    got = t.last("group", TEXT.index("40名") + 3, lambda c: c != "students")
    assert got is not None and got.category == "registered_poor_households"
    assert TEXT[got.start:got.end] == "建档立卡贫困户"  # offsets are the text's


@pytest.mark.parametrize(("text", "starts"), [
    pytest.param("一、甲\n二、乙", [0, 4], id="chinese-numbered"),
    pytest.param("（一）甲\n(二)乙", [0, 5], id="parenthesised"),
    pytest.param("第三部分 甲", [0], id="di-bufen"),
    pytest.param("1、甲\n2.5万元", [0], id="arabic-not-a-decimal"),
    pytest.param("一是加强领导", [], id="yi-shi-is-no-heading"),
])
def test_heading_starts(text: str, starts: list[int]) -> None:
    assert heading_starts(text) == starts


def test_between() -> None:
    t = Topics(TEXT)
    lo, hi = TEXT.index("全镇"), TEXT.index("（二）")
    assert [m.category for m in t.between("group", lo, hi)] == ["registered_poor_households", "students"]
    assert t.between("group", hi, len(TEXT)) == []
