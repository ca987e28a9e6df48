"""Categories (issue 6): the taxonomy, the stage that attaches subjects and categories, and the
models of models/ (loaded without pickle, in sync with their sources, equal to scikit-learn's)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.about.categories import classify_phrase, compatible, doctype, lead_sentence
from extractor.about.classify import LinearTextModel, char_wb_ngrams, load_model, read_model
from extractor.about.taxonomy import TAXONOMY, Kind
from extractor.model import Count, Money
from extractor.pipeline import extract_text

ROOT = Path(__file__).resolve().parent.parent

PHRASES = [
    pytest.param("困难职工", "group", "needy_workers", "taxonomy", id="term"),
    pytest.param("困難職工", "group", "needy_workers", "taxonomy", id="traditional-folded"),
    pytest.param("困难职工子女", "group", "students", "taxonomy", id="longest-term-wins"),
    pytest.param("困难劳模及职工", "group", "needy_workers", "taxonomy", id="coordination-general-group"),
    pytest.param("慰问金及慰问物资", "fund", "donations_total", "taxonomy", id="cash-and-goods"),
    pytest.param("慰问金及特殊困难帮扶金", "fund", "condolence_money", "taxonomy", id="funds-first-listed"),
    pytest.param("配套资金", "fund", None, None, id="generic-fund-word"),
    pytest.param(None, "group", None, None, id="no-subject"),
]


@pytest.mark.parametrize(("phrase", "kind", "category", "by"), PHRASES)
def test_classify_phrase(phrase: str | None, kind: Any, category: str | None, by: str | None) -> None:
    got = classify_phrase(phrase, kind)
    assert (got[0], got[1]) == (category, by)
    if category is None:
        assert got[3] is not None  # a null category says why


SENTENCES = [
    pytest.param("共慰问困难家庭700余户，发放慰问金12.5万元。",
                 [("困难家庭", "needy_residents"), ("慰问金", "condolence_money")], id="count-and-fund"),
    # the act names the fund's kind; with no fund noun the subject is the recipients (issue 15)
    pytest.param("慰问困难职工53名，发放12.5万元。", [("困难职工", "needy_workers"), ("困难职工", "condolence_money")],
                 id="fund-from-sentence"),
    pytest.param("发放棉被400床。", [("棉被", "goods")], id="goods-by-unit"),
    pytest.param("召开座谈会2次。", [("座谈会", "activities")], id="event"),
    pytest.param("建档立卡贫困户1142户4105人。", [("建档立卡贫困户", "registered_poor_households")] * 2,
                 id="second-count-follows-first"),
    pytest.param("共慰问困难职工400名，其中地直120名、哈密市280名。",
                 [("困难职工", "needy_workers"), ("困难职工", "needy_workers"), ("困难职工", "needy_workers")],
                 id="parts-inherit-total"),
    pytest.param("全镇建档立卡贫困户1286户。累计脱贫1142户。",
                 [("建档立卡贫困户", "registered_poor_households")] * 2, id="group-from-earlier-sentence"),
    pytest.param("将符合条件的312户纳入农村低保。", [("农村低保", "dibao_households")], id="group-after-the-count"),
    pytest.param("共慰问困难职工、困难农民工和劳动模范412户。",
                 [("困难职工、困难农民工和劳动模范", "needy_workers")], id="list-across-dunhao"),
    pytest.param("发放慰问金及慰问物资折合人民币21.6万元。", [("慰问金及慰问物资", "donations_total")],
                 id="listed-funds-before-the-amount"),
    pytest.param("此次洪灾造成直接经济损失1860万元。", [("直接经济损失", None)], id="a-loss-is-no-fund"),
    pytest.param("组织贫困劳动力技能培训15期共860人次。",
                 [("培训", "activities"), ("贫困劳动力", "registered_poor_households")],
                 id="people-do-not-follow-events"),
    pytest.param("一、概况\n共慰问困难职工412户。\n二、分布\n城关镇 226户\n河口镇 186户\n合计 412户\n",
                 [("困难职工", "needy_workers")] * 4, id="table-total-same-figure-as-text"),
    pytest.param("本會屬會12個，共向困難職工發放民生物資，總值5萬元。",
                 [("屬會", "units"), ("物資", "goods_value")], id="traditional-subjects-as-written"),
    # a table's note (备注) speaks of its own figures, not of the row's others nor of the rows below
    pytest.param("春节慰问困难职工情况统计表\n单位 户数 备注\n东关街道 30户 含低保户10户\n西关街道 25户\n"
                 "南关街道 40户 其中残疾人家庭5户，低保户3户\n合计 95户\n",
                 [("困难职工", "needy_workers"), ("低保户", "dibao_households"), ("困难职工", "needy_workers"),
                  ("困难职工", "needy_workers"), ("残疾人家庭", "disabled"), ("低保户", "dibao_households"),
                  ("困难职工", "needy_workers")], id="table-notes-keep-to-their-own-figures"),
    # the second count of a pair is its group's, not the total's its breakdown gives to parts that name none
    pytest.param("共帮扶困难职工85户312人，其中城镇职工60户220人，农民工25户92人。",
                 [("困难职工", "needy_workers")] * 2 + [("城镇职工", "needy_workers")] * 2
                 + [("农民工", "migrant_workers")] * 2, id="pair-in-a-breakdown-keeps-its-group"),
]


def test_org_is_the_whole_name() -> None:
    [record] = extract_text("市紅十字會共籌集捐贈款物5萬元。")
    [money] = [f for f in record.facts if isinstance(f, Money)]
    assert (money.org, money.category) == ("市紅十字會", "donations_total")


def test_section_does_not_carry_past_a_heading() -> None:
    [record] = extract_text("一、基本情况\n建档立卡贫困户1286户。\n二、下一步打算\n确保剩余144户全部脱贫。")
    last = [f for f in record.facts if isinstance(f, Count)][-1]
    assert (last.category, last.category_reason) == (None, "no_subject")


def test_people_of_no_stated_group_are_the_campaigns() -> None:
    [record] = extract_text("关于抗震救灾工作的总结\n地震发生后，我会走访救助150户。")
    [count] = [f for f in record.facts if isinstance(f, Count)]
    assert (count.category, count.category_by) == ("disaster_victims", "campaign")


def test_null_money_says_why() -> None:
    [record] = extract_text("此次洪灾造成直接经济损失1860万元。")
    [money] = [f for f in record.facts if isinstance(f, Money)]
    assert money.category_reason == "not_a_fund"


@pytest.mark.parametrize(("text", "expect"), SENTENCES)
def test_categorize(text: str, expect: list[tuple[str, str]]) -> None:
    [record] = extract_text(text)
    got = [(f.subject, f.category) for f in record.facts if isinstance(f, (Count, Money))]
    assert got == expect
    for f in record.facts:
        if isinstance(f, (Count, Money)) and f.subject_span is not None and f.category_by != "breakdown":
            assert record.text[f.subject_span[0]:f.subject_span[1]] == f.subject  # spans are sacred


@pytest.mark.parametrize("folder", ["dev", "holdout2"])
def test_every_subject_is_the_text_at_its_span(folder: str) -> None:
    """Spans are sacred over whole reports, traditional ones too, whatever rule decided."""
    from extractor.pipeline import extract_path

    checked = 0
    for path in sorted((ROOT / "corpus" / folder).glob("*.txt")):
        records = extract_path(path)
        assert isinstance(records, list)
        for record in records:
            for f in record.facts:
                if isinstance(f, (Count, Money)) and f.subject is not None:
                    assert f.subject_span is not None
                    assert record.text[f.subject_span[0]:f.subject_span[1]] == f.subject, (path.name, f.text)
                    checked += 1
    assert checked > 100


def test_breakdown_parts_by_place_get_a_region() -> None:
    [record] = extract_text("共慰问困难职工400名，其中地直120名、哈密市280名。")
    parts = [f for f in record.facts if isinstance(f, Count)][1:]
    assert [(f.region or f.org) for f in parts] == ["地直", "哈密市"]


@pytest.mark.parametrize(("category", "unit", "ok"), [
    pytest.param("goods", "名", False, id="people-unit-not-goods"),
    pytest.param("needy_workers", "次", False, id="event-unit-not-group"),
    pytest.param("activities", "场", True, id="event-unit-activity"),
    pytest.param("units", "家", True, id="jia-units"),
    pytest.param("goods", "床", True, id="goods-unit"),
])
def test_unit_compatibility(category: str, unit: str, ok: bool) -> None:
    assert compatible(category, unit) is ok


@pytest.mark.parametrize(("title", "expect"), [
    pytest.param("关于做好2019年送温暖活动实施方案的通知", "notice", id="last-type-word-wins"),
    pytest.param("2018年春节送温暖活动总结", "summary", id="summary"),
    pytest.param("关于金秋助学工作情况的汇报", "report", id="report"),
])
def test_doctype_from_title(title: str, expect: str) -> None:
    got = doctype(title, title)
    assert got is not None and got["id"] == expect and got["by"] == "title"


def test_taxonomy_ids_are_unique_and_known_kinds() -> None:
    ids = [c.id for c in TAXONOMY.categories]
    assert len(ids) == len(set(ids))
    for c in TAXONOMY.of_kind("campaign"):
        assert c.fund is None or TAXONOMY[c.fund].kind == "fund"


def test_models_know_only_taxonomy_ids() -> None:
    named: tuple[tuple[str, Kind], ...] = (("subject_group", "group"), ("subject_fund", "fund"), ("doctype", "doctype"))
    for name, kind in named:
        m = load_model(name)
        assert set(m.classes) <= set(TAXONOMY.ids(kind)) | {"none"}
        assert 0 < m.threshold <= 1 and m.temperature > 0


def test_char_wb_ngrams_equal_scikit_learns() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(1, 3)).build_analyzer()
    for text in ("困难职工", "劳模", "x", "慰问金 及 物资"):
        assert char_wb_ngrams(text, 1, 3) == analyzer(text)


def test_numpy_scores_equal_scikit_learns(tmp_path: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from extractor.about.classify import prepare

    xs = ["困难职工", "困难员工", "劳模", "劳动模范", "大米", "棉被", "慰问金", "助学金"]
    ys = ["a", "a", "b", "b", "c", "c", "d", "d"]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), preprocessor=prepare)
    lr = LogisticRegression(C=10, max_iter=1000).fit(vec.fit_transform(xs), ys)
    m = LinearTextModel("t", tuple(lr.classes_), (1, 3), {g: int(i) for g, i in vec.vocabulary_.items()},
                        vec.idf_, lr.coef_, lr.intercept_, 1.0, 0.5, {})
    m.save(tmp_path)
    back = read_model(tmp_path, "t")
    # a phrase none of whose n-grams the model knows (or empty) scores its intercepts alone
    for text in ("困难职工家庭", "劳模们", "救灾物资", "职职职工工", "zzq", ""):
        want = lr.predict_proba(vec.transform([text]))[0]
        assert np.allclose(back.proba(text), want, atol=1e-5)


@pytest.mark.parametrize("name", ["subject_group", "subject_fund", "doctype"])
def test_sparse_scores_equal_the_dense_product(name: str) -> None:
    """The scores read from the columns of a phrase's n-grams are the model's whole product over
    the dense tf-idf vector (counts × idf over the whole vocabulary, L2-normalized)."""
    from extractor.about.classify import prepare

    m = load_model(name)
    for text in ("困难职工家庭", "建档立卡贫困户的慰问金", "爱心助学 金", "劳模劳模劳模", "qq", ""):
        x = np.zeros(len(m.idf))
        for g in char_wb_ngrams(prepare(text), *m.ngram):
            if g in m.vocabulary:
                x[m.vocabulary[g]] += 1.0
        x *= m.idf
        norm = float(np.sqrt(x @ x))
        dense = m.coef @ (x / norm if norm else x) + m.intercept
        assert np.allclose(m.decision(text), dense, rtol=0, atol=1e-12)
        assert np.count_nonzero(x) == len(m.features(text)[0])


def test_model_files_cannot_hold_pickles(tmp_path: Path) -> None:
    header = (ROOT / "models" / "doctype.json").read_text("utf-8")
    (tmp_path / "evil.json").write_text(header.replace('"name": "doctype"', '"name": "evil"'), "utf-8")
    np.savez(tmp_path / "evil.npz", idf=np.array([object()], dtype=object), coef=np.zeros(1), intercept=np.zeros(1))
    with pytest.raises(ValueError):
        read_model(tmp_path, "evil")


def test_spacy_pipeline_in_sync_with_its_sources() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_spacy.py"), "--check"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr


def test_classifiers_in_sync_with_their_sources() -> None:
    """Retrains (about a minute) and compares with models/: a changed taxonomy or label file
    without a retrain fails here."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_classifier.py"), "--check"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr


# the lead sentence's reader against the pattern it stands for: pieces that make 如下 near and far,
# broken sentences, runs longer than the 40 characters the pattern reads, the 1,500-character end
_LEAD_PATTERN = re.compile(r"[^。！？\n]{0,40}如下")
_LEAD_PIECES = ["如下", "如", "下", "现将情况通报", "。", "！", "？", "\n", "：", "、", "x" * 17, "汇报" * 11, " "]


@pytest.mark.parametrize(("text", "end"), [
    ("现将有关情况通报如下：", 1500),
    ("现将有关情况通报如下。一、如下", 1500),
    ("各单位：\n" + "很长的一句话" * 10 + "如下", 1500),
    ("没有那两个字", 1500),
    ("如下", 1),
    ("前文。" + "字" * 50 + "如下如下", 1500),
], ids=["lead", "two-sentences", "longer-than-40", "none", "cut-by-end", "two-in-reach"])
def test_lead_sentence_is_where_the_pattern_matches(text: str, end: int) -> None:
    m = _LEAD_PATTERN.search(text, 0, end)
    assert lead_sentence(text, end) == (m.span() if m else None)


@given(st.lists(st.sampled_from(_LEAD_PIECES), max_size=40).map("".join), st.integers(0, 400))
@settings(max_examples=400, deadline=None)
def test_lead_sentence_agrees_with_the_pattern_on_any_text(text: str, end: int) -> None:
    m = _LEAD_PATTERN.search(text, 0, end)
    assert lead_sentence(text, end) == (m.span() if m else None)


@pytest.mark.parametrize("name", ["subject_group", "subject_fund", "doctype"])
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="困难职工家庭慰问金助学劳模 AbZ\t一二x", max_size=30))
def test_counts_are_the_ngrams_counted_in_order(name: str, text: str) -> None:
    """:meth:`LinearTextModel.counts` cuts the n-grams as it looks them up: the same counts, in the
    order :func:`char_wb_ngrams` gives them (the scores add up in that order, to the last bit)."""
    from extractor.about.classify import prepare

    m = load_model(name)
    want: dict[int, int] = {}
    for g in char_wb_ngrams(prepare(text), *m.ngram):
        if g in m.vocabulary:
            want[m.vocabulary[g]] = want.get(m.vocabulary[g], 0) + 1
    assert list(m.counts(text).items()) == list(want.items())
