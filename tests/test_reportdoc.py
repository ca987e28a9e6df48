"""The report document every stage reads: built once, its text cut once, facts with stable ids."""

from __future__ import annotations

import pytest

from extractor import pipeline, reportdoc
from extractor.lang import segment
from extractor.lang.segment import sentence_around
from extractor.model import Report
from extractor.pipeline import STAGES, extract_report, extract_text
from extractor.reportdoc import ReportDoc

TEXT = ("春节送温暖活动总结\n一、基本情况\n共慰问困难职工400名，其中劳模55名、单亲家庭125名、"
        "患病职工176名、其他44名。发放慰问金12.5万元。\n二、下一步\n每户不低于1000元。")


def _report(text: str = TEXT) -> Report:
    return Report(source="<t>", index=0, title=None, text=text, offset=0)


def test_the_stages_are_one_straight_list() -> None:
    names = [s.__name__ for s in STAGES]
    assert names == ["facts_stage", "tables_stage", "breakdowns_stage", "about_stage", "sums_stage", "checks_stage"]
    doc = ReportDoc.of(_report())
    for stage in STAGES:
        stage(doc)
    assert doc.record() == extract_report(_report())  # the same record as the pipeline's
    assert doc.facts and doc.breakdowns and doc.breakdowns[0].consistent is True


def test_sentences_are_cut_once_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = segment.sentences.__wrapped__

    def counting(text: str) -> tuple[tuple[str, tuple[int, int]], ...]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(reportdoc, "sentences", counting)
    [record] = extract_text(TEXT)
    # breakdowns and categories both read them
    assert record.breakdowns and any(getattr(f, "category", None) for f in record.facts)
    assert calls == [TEXT]


@pytest.mark.pure_only("counts calls through a method of the segmenter, a compiled class that takes no replacement")
def test_a_clause_is_segmented_once_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    seg = segment.get_segmenter()
    seen: list[str] = []
    real = seg.tagged

    def counting(text: str) -> list[tuple[str, str]]:
        seen.extend(line for line in text.split("\n") if line)
        return real(text)

    monkeypatch.setattr(seg, "tagged", counting)
    extract_text(TEXT)
    assert seen, "the counts and categories read words"
    assert len(seen) == len(set(seen)), [w for w in seen if seen.count(w) > 1]


def test_checks_off_leaves_no_findings() -> None:
    assert extract_report(_report(), checks=False).findings == ()
    assert pipeline.checks_stage in STAGES


def test_fact_ids_are_stable_and_unique() -> None:
    [record] = extract_text(TEXT)
    ids = [f.id for f in record.facts]
    assert len(ids) == len(set(ids))
    assert all(record.text[int(i.split(":")[1].split("-")[0]):int(i.split("-")[1])] == f.text
               for i, f in zip(ids, record.facts, strict=True))
    b = record.breakdowns[0]
    assert b.total_id == record.facts[b.total_index].id
    assert b.part_ids == tuple(record.facts[i].id for i in b.part_indexes)


def test_a_fact_keeps_its_id_when_a_later_stage_adds_facts_before_it() -> None:
    """The tables stage adds its cells' figures among the facts: list positions move, ids do not."""
    text = "慰问情况\n2019年1月慰问困难职工。\n单位\t户数\n甲街道\t20\n乙街道\t30\n合计\t50\n共发放慰问金5万元。"
    doc = ReportDoc.of(_report(text))
    pipeline.facts_stage(doc)
    money = doc.facts[-1]
    before = (doc.facts.index(money), money.id)
    pipeline.tables_stage(doc)
    [again] = [f for f in doc.facts if f.kind == "money"]
    assert doc.facts.index(again) > before[0]  # moved in the list
    assert again.id == before[1] == "money:52-55"  # the same id
    assert [f.id for f in doc.facts if f.kind == "count"] == ["count:30-32", "count:37-39", "count:43-45"]


@pytest.mark.parametrize(("text", "span", "reach", "mark", "want"), [
    ("共700户。其中低保户200户。", (9, 13), 40, False, "其中低保户200户"),
    ("共700户。其中低保户200户。", (9, 13), 40, True, "其中低保户200户。"),
    ("共700户\n其中200户", (8, 12), 40, False, "其中200户"),
    ("甲乙丙丁戊己庚辛壬癸200户", (10, 14), 3, False, "辛壬癸200户"),
    ("无标点的一句", (2, 3), 40, True, "无标点的一句"),
], ids=["full-stop", "with-mark", "line-end", "cut-to-reach", "no-mark"])
def test_sentence_around(text: str, span: tuple[int, int], reach: int, mark: bool, want: str) -> None:
    s, e = sentence_around(text, span[0], span[1], reach, mark)
    assert text[s:e] == want
