"""topics: the groups and funds a report names, for figures whose own sentence names none."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.about.taxonomy import Kind
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


_KINDS: list[Kind] = ["group", "fund"]
# whole terms, their parts and what stands around them in reports
_PIECES = ["节日", "坚守", "岗位", "服务", "一线", "职工", "困难", "困难职工", "子女", "困难职工子女", "低保", "低保户",
           "慰问", "，", "共", "5名", "贫困", "户", "学生", "家庭"]


def _brute_leftmost_longest(view: str, kind: Kind) -> list[tuple[str, int, int]]:
    """Left to right: the longest term at each place, then on from its end."""
    from extractor.about.taxonomy import TAXONOMY

    terms = TAXONOMY.terms(kind)
    longest = max(map(len, terms))
    out, i = [], 0
    while i < len(view):
        size = next((n for n in range(min(longest, len(view) - i), 0, -1) if view[i:i + n] in terms), 0)
        if size == 0:
            i += 1
            continue
        if len(terms[view[i:i + size]]) == 1:
            out.append((view[i:i + size], i, i + size))
        i += size
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.sampled_from(_KINDS))
@example("节日坚守岗位服务一线", "group")  # pyahocorasick's iter_long passed over 岗位 here
def test_leftmost_longest_finds_every_term_it_should(view: str, kind: Kind) -> None:
    from extractor.about.taxonomy import TAXONOMY

    got = [(m.term, m.start, m.end) for m in TAXONOMY.leftmost_longest(view, kind)]
    assert got == _brute_leftmost_longest(view, kind)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.sampled_from(_KINDS))
@example("困难职工子女", "group")
def test_find_and_tally_read_every_occurrence(view: str, kind: Kind) -> None:
    """``find`` gives every occurrence of every term (overlapping), by start, the longest first at
    each; ``tally`` counts their categories."""
    from extractor.about.taxonomy import TAXONOMY

    terms = TAXONOMY.terms(kind)
    want = [(cid, view[i:i + n], i, i + n) for i in range(len(view)) for n in range(len(view) - i, 0, -1)
            if view[i:i + n] in terms for cid in terms[view[i:i + n]]]
    assert [tuple(m) for m in TAXONOMY.find(view, kind)] == want
    counted: dict[str, int] = {}
    for cid, *_ in want:
        counted[cid] = counted.get(cid, 0) + 1
    assert TAXONOMY.tally(view, kind) == counted
