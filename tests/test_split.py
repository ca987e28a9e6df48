"""Splitting a document into its reports: the seed compilation, several compilations in one file
(built from the seed), titles, and lines that look like headings but are not."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from extractor.model import Report
from extractor.pipeline import extract_text
from extractor.structure.split import _runs, split_reports

from .conftest import ROOT

SEED = ROOT / "corpus" / "seed" / "000_b2e30e7327201b52.txt"


@pytest.fixture(scope="module")
def seed_reports() -> list[Report]:
    return split_reports(str(SEED), SEED.read_text(encoding="utf-8"))


def test_seed_splits_into_five(seed_reports: list[Report]) -> None:
    assert [r.title for r in seed_reports] == [f"春节工会送温暖活动总结篇{k}" for k in range(1, 6)]
    assert [r.index for r in seed_reports] == list(range(5))
    assert all(r.source == str(SEED) for r in seed_reports)


@pytest.mark.parametrize("k", range(5), ids=[f"篇{k}" for k in range(1, 6)])
def test_seed_report(seed_reports: list[Report], k: int) -> None:
    report = seed_reports[k]
    text = SEED.read_text(encoding="utf-8")
    assert report.title is not None
    assert report.text.startswith(report.title)
    # offset places the report in the document; its text is the document's, trailing space trimmed
    assert text[report.offset : report.offset + len(report.text)] == report.text
    collection = report.meta["collection"]
    assert collection["title"] == "春节工会送温暖活动总结5篇"
    assert collection["declared"] == 5
    assert collection["found"] == 5


def test_seed_reports_cover_the_document(seed_reports: list[Report]) -> None:
    """Each report runs from its heading to the next: nothing between two reports is lost."""
    text = SEED.read_text(encoding="utf-8")
    for a, b in pairwise(seed_reports):
        assert text[a.offset + len(a.text) : b.offset].strip() == ""
    assert text[: seed_reports[0].offset].startswith("春节工会送温暖活动总结5篇\n")


def test_seed_signature(seed_reports: list[Report]) -> None:
    report = seed_reports[0]
    sig = report.meta["signature"]
    assert sig["issuer"]["text"] == "xx省总工会"
    assert sig["date_line"]["text"] == "2018年xx月xx日"
    for part in ("issuer", "date_line"):
        s, e = sig[part]["span"]
        assert report.text[s:e] == sig[part]["text"]
    # the signature block is the end of the report
    assert report.text.endswith("xx省总工会\n2018年xx月xx日")


# (id, text, number of reports, titles)
SPLITS: list[tuple[str, str, int, list[str | None]]] = [
    ("no-heading-title", "春节慰问活动总结\n共慰问困难家庭700余户。", 1, ["春节慰问活动总结"]),
    ("title-trimmed", "  春节慰问活动总结  \n正文。", 1, ["春节慰问活动总结"]),
    ("blank-lines-before-title", "\n\n  春节慰问活动总结\n正文。", 1, ["春节慰问活动总结"]),
    ("first-line-is-a-sentence", "共慰问困难家庭700余户。\n其中单亲家庭150余户。", 1, [None]),
    ("first-line-ends-with-comma", "春节前夕，\n我街开展慰问。", 1, [None]),
    ("first-line-ends-with-colon", "各市、省直管县总工会：\n现就有关事项通知如下。", 1, [None]),
    ("first-line-60-chars", "慰" * 60 + "\n正文。", 1, ["慰" * 60]),
    ("first-line-61-chars", "慰" * 61 + "\n正文。", 1, [None]),
    ("empty-text", "", 1, [None]),
    ("numbered-sections", "春节活动总结\n一、活动主题和时间\n正文。\n二、主要内容\n正文。\n三、工作要求\n正文。",
     1, ["春节活动总结"]),
    ("section-first-line", "一、活动主题和时间\n1.主题：情系困难职工。\n2.时间：2018年1月。", 1,
     ["一、活动主题和时间"]),
    ("lone-chapter-line", "春节活动总结\n一、活动主题和时间\n正文。\n第三篇章\n正文。", 1, ["春节活动总结"]),
    ("parenthesized-sections", "慰问总结\n（一）走访慰问\n正文。\n（二）座谈会\n正文。", 1, ["慰问总结"]),
    ("a-lone-heading", "慰问总结\n总结篇1\n正文。", 1, ["慰问总结"]),
    ("headings-out-of-order", "合集\n总结篇2\n正文。\n总结篇1\n正文。", 1, ["合集"]),
    ("compilation-two", "合集2篇\n序言\n总结篇1\n正文。\n总结篇2\n正文。", 2, ["总结篇1", "总结篇2"]),
    ("compilation-chinese-numbers", "合集\n范文一\n正文。\n范文二\n正文。\n范文三\n正文。", 3,
     ["范文一", "范文二", "范文三"]),
    ("compilation-di-n-pian", "合集\n第1篇\n正文。\n第2篇\n正文。", 2, ["第1篇", "第2篇"]),
    ("two-compilations", "甲2篇\n总结篇1\n正文。\n总结篇2\n正文。\n乙2篇\n总结篇1\n正文。\n总结篇2\n正文。", 4,
     ["总结篇1", "总结篇2", "总结篇1", "总结篇2"]),
    ("second-run-without-heading", "甲2篇\n总结篇1\n正文。\n总结篇2\n正文。\n范文1\n正文。\n范文2\n正文。", 4,
     ["总结篇1", "总结篇2", "范文1", "范文2"]),
    ("stray-one-inside-a-report", "合集\n总结篇1\n正文。\n总结篇2\n正文。\n范文1\n正文。\n总结篇3\n正文。", 3,
     ["总结篇1", "总结篇2", "总结篇3"]),
    ("lone-one-then-a-run", "合集\n范文1\n正文。\n总结篇1\n正文。\n总结篇2\n正文。", 2, ["总结篇1", "总结篇2"]),
    ("lone-ones-only", "合集\n范文1\n正文。\n总结篇1\n正文。\n第1篇\n正文。", 1, ["合集"]),
    # regression: HEADING's \s after the number crossed the line break and read 篇二\n篇三 as one
    ("headings-on-adjacent-lines", "合集\n篇一\n正文。\n篇二\n篇三\n正文。", 3, ["篇一", "篇二", "篇三"]),
]
CHAPTERS = "春节活动总结\n第一篇章 走访慰问\n正文。\n第二篇章 座谈会\n正文。\n第三篇章 工作要求\n正文。"


def _split_params() -> list[Any]:
    params: list[Any] = [pytest.param(text, n, titles, id=i) for i, text, n, titles in SPLITS]
    # regression: split.HEADING's 第N篇 once matched 第N篇章 and cut one report into three
    params.append(pytest.param(CHAPTERS, 1, ["春节活动总结"], id="chapters-numbered-from-one"))
    return params


@pytest.mark.parametrize(("text", "n", "titles"), _split_params())
def test_split(text: str, n: int, titles: list[str | None]) -> None:
    reports = split_reports("a.txt", text)
    assert len(reports) == n
    assert [r.title for r in reports] == titles
    assert [r.index for r in reports] == list(range(n))
    for r in reports:
        assert text[r.offset : r.offset + len(r.text)] == r.text
        if n > 1:
            assert r.title is not None
            assert r.text.startswith(r.title)


# -- several compilations in one file ----------------------------------------------------------

SEED_TITLE = "春节工会送温暖活动总结"
INTRO = "下面是小编为您分享的{title},感谢您的参阅。"


def compilation(reports: list[Report], declared: int) -> str:
    """A compilation of the seed's reports under a heading that declares ``declared`` of them."""
    title = f"{SEED_TITLE}{declared}篇"
    return "\n".join([title, INTRO.format(title=title), *(r.text for r in reports)]) + "\n"


# (id, declared counts, reports held by each compilation): the seed's 篇1…篇N each time
MANY: list[tuple[str, list[int], list[int]]] = [
    ("two-copies", [5, 5], [5, 5]),
    ("three-then-four", [3, 4], [3, 4]),
    ("four-then-three", [4, 3], [4, 3]),
    ("three-of-two-each", [2, 2, 2], [2, 2, 2]),
    ("first-holds-fewer", [5, 5], [4, 5]),
    ("second-holds-fewer", [5, 5], [5, 4]),
    ("second-holds-more", [3, 3], [3, 4]),
]


@pytest.mark.parametrize(("declared", "held"), [pytest.param(d, h, id=i) for i, d, h in MANY])
def test_several_compilations(seed_reports: list[Report], declared: list[int], held: list[int]) -> None:
    text = "".join(compilation(seed_reports[:n], d) for d, n in zip(declared, held, strict=True))
    reports = split_reports("a.txt", text)
    assert len(reports) == sum(held)  # every report of every compilation, not the first's count
    assert [r.index for r in reports] == list(range(sum(held)))
    assert [r.title for r in reports] == [f"{SEED_TITLE}篇{k}" for n in held for k in range(1, n + 1)]
    first = 0
    for d, n in zip(declared, held, strict=True):
        for k in range(n):
            r = reports[first + k]
            # each report is the seed's own text: none swallows the next compilation's heading
            assert r.text == seed_reports[k].text
            assert text[r.offset : r.offset + len(r.text)] == r.text
            assert r.meta["collection"] == {"title": f"{SEED_TITLE}{d}篇", "declared": d, "found": n, "first": first}
        first += n


def test_second_compilation_heading_is_not_in_a_report(seed_reports: list[Report]) -> None:
    """Regression: the second compilation's heading and introduction were read as the end of the
    first one's last report, and its five reports as part of it."""
    text = compilation(seed_reports, 5) * 2
    reports = split_reports("a.txt", text)
    assert len(reports) == 10
    assert not any("5篇" in r.text for r in reports)
    # what lies between two reports is blank, but for the second compilation's own preamble
    gap = text[reports[4].offset + len(reports[4].text) : reports[5].offset]
    assert gap.strip() == f"{SEED_TITLE}5篇\n" + INTRO.format(title=f"{SEED_TITLE}5篇")


def test_heading_far_up_belongs_to_the_report() -> None:
    """A line ending in 篇 more than three lines above the next run is the report's own text,
    not the next compilation's heading: the report keeps it and the next run has no title."""
    text = "甲2篇\n总结篇1\n正文。\n总结篇2\n共撰写心得12篇\n正文。\n正文。\n正文。\n总结篇1\n正文。\n总结篇2\n正文。"
    reports = split_reports("a.txt", text)
    assert [r.title for r in reports] == ["总结篇1", "总结篇2", "总结篇1", "总结篇2"]
    assert "共撰写心得12篇" in reports[1].text
    assert [r.meta.get("collection", {}).get("title") for r in reports] == ["甲2篇", "甲2篇", None, None]


def _heading_counts(text: str) -> list[tuple[int, str]]:
    return [(r.index, f.message) for r in extract_text(text) for f in r.findings if f.rule == "heading_count"]


# (id, declared, held, index of the report that carries the finding or None)
COUNTS: list[tuple[str, list[int], list[int], int | None]] = [
    ("both-hold-what-they-declare", [5, 5], [5, 5], None),
    ("three-then-four-hold-theirs", [3, 4], [3, 4], None),
    ("first-holds-fewer", [5, 5], [4, 5], 0),
]


@pytest.mark.parametrize(("declared", "held", "at"), [pytest.param(d, h, a, id=i) for i, d, h, a in COUNTS])
def test_heading_count_per_compilation(seed_reports: list[Report], declared: list[int], held: list[int],
                                       at: int | None) -> None:
    text = "".join(compilation(seed_reports[:n], d) for d, n in zip(declared, held, strict=True))
    got = _heading_counts(text)
    assert [i for i, _ in got] == ([] if at is None else [at])


@pytest.mark.parametrize(("declared", "held", "at"), [
    pytest.param([5, 5], [5, 4], 5, id="second-holds-fewer"),
    pytest.param([3, 3], [3, 4], 3, id="second-holds-more"),
])
def test_heading_count_on_second_compilation(seed_reports: list[Report], declared: list[int], held: list[int],
                                             at: int) -> None:
    text = "".join(compilation(seed_reports[:n], d) for d, n in zip(declared, held, strict=True))
    assert [i for i, _ in _heading_counts(text)] == [at]


def _best_of_3(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


@pytest.mark.parametrize("numbers", [[1], [1, 3], [1, 2], [1, 2, 1, 3], [2, 1]],
                         ids=["all-ones", "one-three", "one-two", "stray-ones", "two-one"])
def test_runs_linear_time(numbers: list[int]) -> None:
    """100,000 headings are sorted into runs in well under a second (quadratic: minutes).
    Regression: every 篇1 scanned all the headings after it (the old longest-run search)."""
    heads = [(k, k, numbers[k % len(numbers)]) for k in range(100_000)]
    assert _best_of_3(lambda: _runs(heads)) < 1.0


def test_split_linear_time() -> None:
    """Ten times the lone headings take well under thirty times as long: linear gives ~10x,
    the old quadratic search ~100x (5.8 s on 50,000 lines)."""
    small = _best_of_3(lambda: split_reports("a.txt", "总结篇1\n" * 5_000))
    large = _best_of_3(lambda: split_reports("a.txt", "总结篇1\n" * 50_000))
    assert large < max(30 * small, 2.0), f"{large:.3f} s vs {small:.3f} s"
