"""Splitting a document into its reports: the seed compilation, titles, and lines that look like
headings but are not."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from extractor.model import Report
from extractor.split import split_reports

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
