"""Regions of figures (issue 15): the place or named unit the text ties to a figure, from the
gazetteer of China's divisions (data/gazetteer.tsv), list-item and line heads and the units a
report visits; not generic words, not jieba's other place tags, not the report's own place."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.about.regions import Gazetteer, Scope, gazetteer, item_heads, place_spans, visited
from extractor.model import Count, Money
from extractor.pipeline import extract_text

ROOT = Path(__file__).resolve().parent.parent

REGIONS = [
    # generic words ending in a place's suffix, and jieba's other place tags, are no region
    pytest.param("其中农村低保4497户5919人，城镇低保469户616人。", [None] * 4, id="generic-rural-urban"),
    pytest.param("纳入城乡低保8957户。城市低保对象67户。支持数字乡村建设项目60万元。", [None] * 3,
                 id="generic-city-country"),
    pytest.param("截止年底，人民社区现有低保户218户。", [None], id="generic-community"),
    pytest.param("全县共慰问一般困难户28户，重点特困户60户，县内126户五保户慰问面100%。", [None] * 3,
                 id="within-the-county"),
    pytest.param("其中大学一本新生91名、二本新生309名。", [None, None], id="jieba-ns-that-is-no-place"),
    pytest.param("为今年中考被省溧中录取的15名困难职工家庭子女发放助学金。", [None], id="one-character-fragment"),
    pytest.param("热心单位、卜蜂莲花超市等共出资62万元。", [None], id="a-shop-is-no-city"),
    pytest.param("推进小城镇建设，改造老城区危房120户。", [None], id="division-names-that-are-common-words"),
    # the report's own place: its title's, its issuer's, the village its team is stationed in
    pytest.param("衡阳206名寒门学子共获得52.4万元助学金\n衡阳市共有206名学子获助。", [None] * 3,
                 id="title-place-is-the-reports-own"),
    pytest.param("据介绍，莒县总工会共筹集资金32.8万元。", [None], id="place-of-an-organization"),
    pytest.param("近年来，市委宣传部驻陶庙村工作队扎实推进脱贫攻坚。\n2018年度，陶庙村9户贫困户喜迁新居。",
                 [None], id="stationed-village-is-the-reports-own"),
    # heads of list items and lines: every figure of the item is the head's
    pytest.param("其中保华镇2户10人,救助资金25380元;大河镇8户17人,救助资金33866.39元;凤凰街道2户9人。",
                 ["保华镇"] * 3 + ["大河镇"] * 3 + ["凤凰街道"] * 2, id="town-rows-of-a-list"),
    pytest.param("其中金盆乡3户14人,救助资金16190元;南开乡2户8人10050元。", ["金盆乡"] * 3 + ["南开乡"] * 3,
                 id="ethnic-township-by-its-short-name"),
    pytest.param("其中保華鎮2戶10人，救助資金25380元；大河鎮8戶17人。", ["保華鎮"] * 3 + ["大河鎮"] * 2,
                 id="traditional-text-as-written"),
    pytest.param("具体如下：\n城关镇：救助130户，发放资金40万元；\n河口镇：救助150户，发放资金50万元；\n合计：280户。",
                 ["城关镇", "城关镇", "河口镇", "河口镇", None], id="line-heads-before-a-colon"),
    pytest.param("其中桃源村5户，石桥村3户。", ["桃源村", "石桥村"], id="villages-of-a-list-by-suffix"),
    pytest.param("其中贫困村12个，重点村3个。", [None, None], id="kinds-of-villages-are-no-places"),
    pytest.param("其中城关镇3户，全县合计12户。", ["城关镇", None], id="the-whole-after-a-head"),
    pytest.param("全市共慰问困难群众3万户，其中市区1万户。", [None, "市区"], id="city-proper-against-the-city"),
    pytest.param("城关镇慰问困难职工126户。", ["城关镇"], id="place-before-the-figure-in-its-clause"),
    # named units visited
    pytest.param("走访慰问了城关镇敬老院，为30名老人送去慰问金6000元。", ["城关镇敬老院"] * 2,
                 id="institution-visited"),
    pytest.param("随后前往雅戈尔老年乐园及怡康院,向两家敬老院内的老人分别送上价值10万元和5万元的慰问物资。",
                 [None, "雅戈尔老年乐园", "怡康院"], id="units-visited-respectively"),
    pytest.param("走访慰问了明州里外卖站点,将关爱传递给骑手们。现场,20余名骑手代表每人收到了近百元的慰问品。"
                 "此次共惠及25个站点。", ["明州里外卖站点"] * 2 + [None], id="on-site-after-a-visit"),
    pytest.param("县民政局领导到伏口镇走访慰问了30户困难群众，送去慰问金1.5万元，全县共慰问500户。",
                 ["伏口镇", "伏口镇", None], id="visit-ends-at-the-whole"),
    pytest.param("到敬老院慰问老人30名。", [None], id="an-unnamed-institution"),
    # places listed before 分别, one for each figure of every run of as many
    pytest.param("在伊州区、巴里坤县和伊吾县分别慰问困难职工30名、20名、10名，发放慰问金3万元、2万元、1万元。",
                 ["伊州区", "巴里坤县", "伊吾县"] * 2, id="places-respectively"),
    pytest.param("在伊州区、巴里坤县分别慰问困难职工30名、20名、10名。", ["巴里坤县", None, None],
                 id="places-respectively-not-as-many"),
    pytest.param("困难职工、劳模分别慰问30名、20名。", [None, None], id="groups-respectively-are-no-places"),
]


@pytest.mark.parametrize(("text", "expect"), REGIONS)
def test_region(text: str, expect: list[str | None]) -> None:
    [record] = extract_text(text)
    figures = [f for f in record.facts if isinstance(f, (Count, Money))]
    assert [f.region for f in figures] == expect
    for f in figures:
        assert f.region is None or f.region in record.text  # spans are sacred: the text as written


GAZETTEER = "湖南省\t湖南\n\t衡阳市\t衡阳\n\t\t珠晖区\t珠晖\n\t\t巴里坤哈萨克自治县\t巴里坤\t巴里坤县\n=镇\t保华 大河\n"


@pytest.mark.parametrize(("word", "name", "level", "above"), [
    pytest.param("衡阳市", "衡阳市", 1, ["湖南省"], id="full-name"),
    pytest.param("衡阳", "衡阳市", 1, ["湖南省"], id="short-name"),
    pytest.param("巴里坤县", "巴里坤哈萨克自治县", 2, ["衡阳市", "湖南省"], id="autonomous-county-plain-suffix"),
    pytest.param("保华镇", "保华镇", 3, [], id="town"),
    pytest.param("市区", "市区", 4, [], id="part-of-a-place"),
    pytest.param("农村", None, None, [], id="no-place"),
])
def test_gazetteer_reads_its_table(word: str, name: str | None, level: int | None, above: list[str]) -> None:
    g = Gazetteer(GAZETTEER, ["市区"])
    p = g.known(word)
    assert (p.name, p.level, [q.name for q in p.lineage()][1:]) == (name, level, above) if p else name is None


def test_the_package_gazetteer_says_its_source_and_licence() -> None:
    from importlib import resources

    head = resources.files("extractor").joinpath("data/gazetteer.tsv").read_text("utf-8")[:600]
    assert "jionlp" in head and "Apache License 2.0" in head and "build_gazetteer.py" in head
    g = gazetteer()
    assert sum(map(len, g.towns.values())) > 30_000 and len(g.full) > 3_000
    assert [g.known(n) is not None for n in ("钟山区", "城区", "保华镇", "农村")] == [True, True, True, False]


@pytest.mark.parametrize(("words", "tags", "spans"), [
    pytest.param(["其中", "保", "华", "镇", "2"], ["r", "v", "ns", "n", "m"], [(1, 4)], id="name-across-words"),
    pytest.param(["衡阳"], ["ns"], [(0, 1)], id="short-name-tagged-ns"),
    pytest.param(["桃源村"], ["ns"], [(0, 1)], id="ns-with-a-suffix"),
    pytest.param(["上门", "二本", "城市", "溧"], ["ns"] * 4, [], id="other-ns-words"),
    pytest.param(["社区", "农村", "开发区"], ["n"] * 3, [], id="generic-suffix-words"),
    pytest.param(["全县"], ["n"], [], id="scope-word"),
])
def test_place_spans(words: list[str], tags: list[str], spans: list[tuple[int, int]]) -> None:
    assert place_spans(words, tags) == spans


@pytest.mark.parametrize(("title", "view", "own", "not_own"), [
    pytest.param("山东莒县总工会2022年送温暖活动", "", ["莒县", "日照市", "山东省", "山东"], ["城关镇"], id="title"),
    pytest.param(None, "近日，泗县总工会召开新闻发布会。", ["泗县", "宿州市"], ["衡阳市"], id="issuer-in-the-opening"),
    pytest.param(None, "市民政局驻石桥村工作队认真履行职责。", ["石桥村"], ["桃源村"], id="stationed-team"),
    pytest.param("关于下达城关镇、河口镇帮扶资金的通知", "", ["城关镇"], ["河口镇"], id="title-first-place-only"),
    pytest.param(None, "近日，城关镇总工会联合河口镇总工会开展慰问。", ["城关镇"], ["河口镇"], id="first-issuer-only"),
    pytest.param(None, "2022年，我区社会救助工作稳步推进。", [], ["钟山区"], id="no-place-named"),
])
def test_the_reports_own_place(title: str | None, view: str, own: list[str], not_own: list[str]) -> None:
    scope = Scope(title, view)
    assert [n for n in own if n in scope] == own
    assert [n for n in not_own if n in scope] == []


@pytest.mark.skipif(not os.environ.get("JIONLP_WHEEL"),
                    reason="JIONLP_WHEEL (jionlp's wheel, pip download jionlp==1.5.31 --no-deps) is not set")
def test_gazetteer_in_sync_with_its_source() -> None:
    script = ROOT / "scripts" / "build_gazetteer.py"
    r = subprocess.run([sys.executable, str(script), "--source", os.environ["JIONLP_WHEEL"], "--check"],
                       capture_output=True)
    assert r.returncode == 0, r.stderr.decode()


def test_build_script_names() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_gazetteer import keeps, other_names, suffix_of, town_stems
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert town_stems("金盆苗族彝族乡") == ["金盆苗族彝族", "金盆"]
    assert town_stems("新镇") == [] and town_stems("东平林场") == []
    assert other_names("巴里坤哈萨克自治县", "巴里坤", "自治县") == ["巴里坤", "巴里坤县"]
    assert [n for n in ("莒县", "城区", "长春经济技术开发区", "衡阳市") if keeps(n, suffix_of(n, ("县", "区", "市")))] \
        == ["莒县", "衡阳市"]


@pytest.mark.parametrize("unit", ["保华镇1户，", "走访慰问了怡康院，1户，", "城关镇：1户；"])
def test_heads_and_visits_stay_linear(unit: str) -> None:
    """Item heads and visits on thousands of items in one sentence: time grows with the text."""
    def run(n: int) -> float:
        view = unit * n + "。"
        figures = [(i, i + 2) for i in range(len(view)) if view.startswith("1户", i)]
        t0 = time.perf_counter()
        item_heads(view, figures)
        visited(view, figures)
        return time.perf_counter() - t0

    run(100)
    small, big = min(run(2_000) for _ in range(3)), min(run(8_000) for _ in range(3))  # the least disturbed
    assert big < 12 * small + 0.05  # four times the text: quadratic would be sixteen times the time


# the two visit patterns as the one alternation they were written as
_VISIT_EITHER = re.compile(
    r"(?:走访慰问了?|走访了|慰问了|看望了|前往|来到|深入到|走进)(?P<units>[^，,。；;！？!?\n]{3,30})(?=[，,。；;])"
    r"|(?:到|赴|深入)(?P<at>[\u4e00-\u9fff]{3,20}?)(?=走访|慰问|看望|开展)")
_VISIT_WORDS = ["走访", "慰问", "了", "看望", "前往", "来到", "深入", "到", "赴", "走进", "开展", "怡康院",
                "敬老院", "社区", "及", "，", "。", "；", "\n", "a", "12名"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_VISIT_WORDS), max_size=40).map("".join))
@example("前往怡康院及到敬老院走访社区，")  # the first match's unit holds the second's start
@example("到敬老院走访慰问了怡康院，")
@example("深入到敬老院走访，")  # both start at 深入: the first pattern's match
def test_visits_read_as_the_alternation(text: str) -> None:
    """_visits gives the matches, and the units, of the alternation of its two patterns."""
    from extractor.about.regions import _visits

    got = [(m.span(), m.span(1)) for m in _visits(text)]
    want = [(m.span(), m.span("units" if m.group("units") is not None else "at")) for m in _VISIT_EITHER.finditer(text)]
    assert got == want
