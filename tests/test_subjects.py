"""What each figure is about (issue 15): the subject an auditor would name, in the shapes real
reports take. Each case is a sentence of that shape and the subject of one of its figures (the
n-th figure with that text); the subject must be exact text of the sentence, its span the text
it names."""

from __future__ import annotations

import pytest

from extractor.about.phrases import aid_after, line_head, trimmed, weakness
from extractor.model import Count, Money
from extractor.pipeline import extract_text

CASES = [
    # amounts
    pytest.param("当月发放低保金7204040元。", "7204040元", 0, "低保金", id="payment-noun-not-in-taxonomy"),
    pytest.param("（一）支持产业发展2993.7万元；", "2993.7万元", 0, "产业发展", id="budget-line-purpose"),
    pytest.param("按1%提取项目管理费46.3万元。", "46.3万元", 0, "项目管理费", id="fee-noun"),
    pytest.param("中央资金（焦财预〔2017〕440号）55万元。", "55万元", 0, "中央资金", id="bracketed-note-skipped"),
    pytest.param("一、学前教育资助：386人，金额17.38万元；", "17.38万元", 0, "学前教育资助",
                 id="line-head-for-generic-amount"),
    pytest.param("实施生活救助91人，发放资金24.70万元；", "24.70万元", 0, "救助", id="generic-fund-takes-aid-before"),
    pytest.param("重点优抚对象的慰问标准平均1500元。", "1500元", 0, "重点优抚对象", id="rate-takes-recipients"),
    pytest.param("城市低保对象67户，人均月补助506.4元。", "506.4元", 0, "低保对象", id="per-capita-takes-recipients"),
    pytest.param("每名助学金3000元。", "3000元", 0, "助学金", id="per-head-fund-keeps-fund"),
    pytest.param("向老人送上价值10万元和5万元的夏日慰问物资。", "10万元", 0, "夏日慰问物资", id="worth-takes-goods"),
    pytest.param("及时给予5000元以下（含5000元）的临时救助。", "5000元", 0, "临时救助", id="bound-takes-aid-after"),
    pytest.param("共筹集100万元资金。", "100万元", 0, "资金", id="generic-noun-after-stays"),
    pytest.param("地直6.1万元，伊吾县3.6万元。", "3.6万元", 0, None, id="place-is-not-what-is-paid"),
    pytest.param("县财政安排慰问资金286万元。", "286万元", 0, "慰问资金", id="leading-verb-trimmed"),
    # counts
    pytest.param("第1批共有582户享受了最低生活保障。", "582户", 0, "最低生活保障", id="group-named-by-its-aid"),
    pytest.param("二、义务教育生活补助：7074人，430.8875万元；", "7074人", 0, "义务教育生活补助", id="line-head-count"),
    pytest.param("有农村最低生活保障户90户162人。", "162人", 0, "农村最低生活保障户", id="household-noun-and-pair"),
    pytest.param("为10多名春节期间仍坚持工作岗位上的一线人员送去慰问品。", "10多名", 0, "一线人员",
                 id="relative-clause-people"),
    pytest.param("12月份实施临时救助12户36人。其中保华镇2户10人，大河镇8户17人，凤凰街道2户9人。", "9人", 0,
                 "临时救助", id="part-named-by-place-takes-total"),
    pytest.param("12月份实施临时救助12户36人。其中保华镇2户10人，大河镇8户17人，凤凰街道2户9人。", "2户", 1,
                 "临时救助", id="pair-of-a-part-takes-it-too"),
    pytest.param("为全县24个基层红十字会发放温暖包。", "24个", 0, "基层红十字会", id="bodies-counted-are-subject"),
    pytest.param("共2376人全面走访慰问一次。", "2376人", 0, None, id="adverb-is-not-a-subject"),
    pytest.param("受理的临时救助申请材料共有2户。", "2户", 0, "临时救助申请材料", id="noun-before-you"),
    pytest.param("该村贫困户中76人次患病住院。", "76人次", 0, "贫困户", id="partitive-group-before"),
    pytest.param("又有10户（39人）贫困户脱贫增收。", "10户", 0, "贫困户", id="bracketed-count-skipped"),
    pytest.param("又有10户（39人）贫困户脱贫增收。", "39人", 0, "贫困户", id="bracketed-count-pairs"),
    pytest.param("做好农村、城镇两个最低生活保障线的保障工作。", "两个", 0, "最低生活保障线",
                 id="thing-after-measure-word-kept-on-unit-mismatch"),
    pytest.param("33名即将踏入大学校门的贫困家庭子女每人领到2000元。", "33名", 0, "贫困家庭子女",
                 id="relative-clause-children"),
    pytest.param("组织41户、62人有劳动能力的贫困户进行了技能培训。", "41户", 0, "贫困户",
                 id="pair-named-after-a-clause"),
]


@pytest.mark.parametrize(("text", "figure", "nth", "subject"), CASES)
def test_subject(text: str, figure: str, nth: int, subject: str | None) -> None:
    [record] = extract_text(text)
    found = [f for f in record.facts if isinstance(f, (Count, Money)) and f.text == figure]
    f = found[nth]
    assert f.subject == subject
    if subject is not None:
        assert f.subject_span is not None
        s, e = f.subject_span
        assert text[s:e] == subject


@pytest.mark.parametrize(("phrase", "weak"), [
    pytest.param("金额", "generic", id="generic"),
    pytest.param("資金", "generic", id="generic-traditional"),
    pytest.param("慰问标准平均", "rate", id="rate-words"),
    pytest.param("每人每天", "rate", id="per-head-per-day"),
    pytest.param("慰问", "rate", id="verb-alone"),
    pytest.param("救助资金", None, id="act-and-generic-noun-name-a-fund"),
    pytest.param("补贴", None, id="payment-noun"),
    pytest.param("低保金", None, id="fund"),
])
def test_weakness(phrase: str, weak: str | None) -> None:
    assert weakness(phrase) == weak


def test_line_head_stays_in_its_sentence() -> None:
    text = "「本文来源：莒县」仪式结束后。莒县总工会共筹集资金32.8万元"
    assert line_head(text, text.index("32.8")) is None
    text = "其中:寄宿生生活补助:4842人"
    assert line_head(text, text.index("4842")) == ("寄宿生生活补助", (3, 10))


def test_aid_after_and_trim() -> None:
    text = "8151户、10212人获得了城市居民最低生活保障待遇"
    assert aid_after(text, text.index("、")) == ("城市居民最低生活保障", (15, 25))
    assert aid_after("取消了4户享受资格。", 4) is None
    assert trimmed("发放慰问金", (0, 5)) == ("慰问金", (2, 5))
    assert trimmed("标准发放", (0, 4)) is None
