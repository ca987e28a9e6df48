"""Invariants, with hypothesis: odd text never raises, spans match surfaces, numerals round-trip,
encodings round-trip, and extraction time grows linearly on adversarial input."""

from __future__ import annotations

import contextlib
import math
import signal
import string
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor import Count, Money, Record, extract_text
from extractor.lang.numbers import parse_number
from extractor.readers.text import decode_text

# ---------------------------------------------------------------- extract_text never raises

REPORT_ALPHABET = (
    "0123456789"
    "０１２３４５６７８９"
    "零〇一二两三四五六七八九十百千万亿壹贰叁拾佰仟"
    "元户名人家个次场批"
    "余多约近左右"
    "年月日旬至到—~-"
    "共其中合计分别为、，。；：（）()"
    "xX×某"
    " \n"
)


def _check_record(record: Record) -> None:
    text = record.text
    for f in record.facts:
        s, e = f.span
        assert 0 <= s < e <= len(text), f
        assert text[s:e] == f.text, f
        if isinstance(f, Money | Count):
            assert (f.value is None) == f.placeholder, f
    starts = [f.span[0] for f in record.facts]
    assert starts == sorted(starts)
    for b in record.breakdowns:
        s, e = b.span
        assert 0 <= s < e <= len(text), b
        for ps, pe in b.part_spans:
            assert 0 <= ps < pe <= len(text), b
    for finding in record.findings:
        s, e = finding.span
        assert 0 <= s <= e <= len(text), finding


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_extract_text_any_text(text: str) -> None:
    for record in extract_text(text):
        _check_record(record)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=REPORT_ALPHABET, max_size=300))
@example("共慰问困难家庭700余户，其中单亲家庭150余户、低保户320余户。")
@example("慰问x户，发放x万元，2018年x月x日至xx日")
@example("2018年12月下旬至2018年2月，合计（1）2,000元；分别为一百二十人、两千三百名")
def test_extract_text_report_like(text: str) -> None:
    for record in extract_text(text):
        _check_record(record)


# Words of a report, so that generated text holds whole figures, ranges and breakdowns.
REPORT_TOKENS = [
    "700", "12.5", "1,800", "１２", "2018", "20XX", "13", "三万五", "一百二十", "两", "十", "x", "xx", "X", "×",
    "某某", "余", "多", "约", "近", "左右", "不低于", "不超过", "以上", "以内", "元", "万元", "亿元", "户", "名", "人",
    "人次", "家", "个", "次", "场", "批", "年", "月", "日", "上旬", "下旬", "至", "到", "—", "~", "-", "共", "其中",
    "合计", "分别为", "、", "，", "。", "；", "：", "（", "）", "(", ")", " ", "\n", "困难家庭", "慰问", "发放",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(REPORT_TOKENS), max_size=80).map("".join))
def test_extract_text_report_words(text: str) -> None:
    for record in extract_text(text):
        _check_record(record)


# ---------------------------------------------------------------- numbers


def to_chinese(n: int) -> str:
    """A non-negative integer below 10**8 as a standard Chinese numeral (test-only).

    >>> [to_chinese(n) for n in (0, 10, 15, 120, 1010, 10005, 100000, 10010)]
    ['零', '十', '十五', '一百二十', '一千零一十', '一万零五', '十万', '一万零一十']
    """
    digits = "零一二三四五六七八九"
    if not 0 <= n < 10**8:
        raise ValueError(n)
    if n == 0:
        return "零"

    def section(k: int, leading: bool) -> str:
        """1..9999 with 千百十; a zero between digits is one 零; 一十 → 十 only at the very front."""
        out = ""
        zero = False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // unit % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            if not (d == 1 and unit == 10 and leading and not out):
                out += digits[d]
            out += name
        return out

    high, low = divmod(n, 10**4)
    if high == 0:
        return section(low, leading=True)
    out = section(high, leading=True) + "万"
    if low:
        out += ("零" if low < 1000 else "") + section(low, leading=False)
    return out


@pytest.mark.parametrize(
    ("n", "chinese"),
    [(0, "零"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
     (120, "一百二十"), (1001, "一千零一"), (1010, "一千零一十"), (10005, "一万零五"), (10010, "一万零一十"),
     (100000, "十万"), (110000, "十一万"), (1000100, "一百万零一百"), (20300405, "二千零三十万零四百零五"),
     (99999999, "九千九百九十九万九千九百九十九")],
)
def test_to_chinese(n: int, chinese: str) -> None:
    """The converter itself, so the property below tests the parser and not the helper."""
    assert to_chinese(n) == chinese


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_number_any_text(text: str) -> None:
    parse_number(text)


NUMERAL_ALPHABET = "0123456789０１２３４５６７８９零〇○一二两三四五六七八九十百千万亿壹贰叁拾佰仟点., "


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=NUMERAL_ALPHABET, max_size=30))
def test_parse_number_numeral_soup(text: str) -> None:
    parse_number(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
@example(0)
@example(1000)
@example(10**12 - 1)
def test_parse_number_arabic(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=10**8 - 1))
@example(10)
@example(100000)
@example(10005)
@example(10**8 - 1)
def test_parse_number_chinese(n: int) -> None:
    assert parse_number(to_chinese(n)) == n


# ---------------------------------------------------------------- decode_text round trips

# ~300 common simplified characters, and ASCII letters, digits, punctuation and space.
COMMON_SIMPLIFIED = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
    "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向"
    "道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特"
    "件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队"
    "南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
)
ASCII = string.ascii_letters + string.digits + string.punctuation + " "
SIMPLIFIED_TEXT = COMMON_SIMPLIFIED + ASCII
# ~100 common traditional characters, all in Big5.
COMMON_TRADITIONAL = (
    "國這來們個時說會經對學從與發現開過還點後長種義問動實當東機關體頭區萬業書見親員進車電話導買賣錢歲讓認識請務"
    "議變產質報場邊應該農傳達歡樂專門線無華幫聽麼樣職協勞慰貧困戶紀總結溫暖節團隊縣鄉鎮記憶語讀寫廣際單較輕難氣"
    "飛須顯雖"
)


def test_alphabets() -> None:
    assert len(set(COMMON_SIMPLIFIED)) == len(COMMON_SIMPLIFIED) == 300
    assert len(set(COMMON_TRADITIONAL)) == len(COMMON_TRADITIONAL) >= 100
    COMMON_SIMPLIFIED.encode("gb2312")
    COMMON_TRADITIONAL.encode("big5")


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SIMPLIFIED_TEXT))
def test_decode_utf8_roundtrip(text: str) -> None:
    assert decode_text(text.encode("utf-8"), "x")[0] == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SIMPLIFIED_TEXT))
def test_decode_utf8_sig_roundtrip(text: str) -> None:
    """The BOM is stripped: what comes back is the text without it."""
    assert decode_text(text.encode("utf-8-sig"), "x")[0] == text


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=SIMPLIFIED_TEXT, min_size=40, max_size=400))
@example("山" * 40)
@example("为" + "x" * 39)
def test_decode_gb18030_roundtrip(text: str) -> None:
    """GB18030 round-trips from 40 characters on, but for two detection limits.

    * Bytes that are also valid UTF-8 are read as UTF-8: strict UTF-8 comes first, and the bytes
      are genuinely ambiguous. GB18030 山 is C9 BD, which is UTF-8 for ɽ; 51 of the 300 characters
      of this alphabet collide alone, and so does any repetition of one of them (山山山...), at
      any length. That case is asserted as what it is, not skipped.
    * Otherwise both GB18030 and Big5 usually decode the bytes and chardet arbitrates, which fails
      on short text. On uniformly random mixes of this alphabet (not valid UTF-8): 16 characters
      0.2% read as Big5, 20 chars 0.13%, 24 chars 0.07%, 30 chars 0.015% (9 in 60,000), 40 chars
      0 in 60,000; hence ``min_size=40``. No length is always enough, though: hypothesis' own
      strings of 40+ characters fail about once in 16,000, and some texts fail at any length
      (:func:`test_decode_gb_big5_arbitration`), so this property is derandomized: it checks a
      fixed set of examples instead of flaking one run in a hundred.
    """
    data = text.encode("gb18030")
    as_utf8 = _utf8(data)
    if as_utf8 is not None:
        assert decode_text(data, "x") == (as_utf8, "utf-8")
    else:
        assert decode_text(data, "x")[0] == text


@pytest.mark.parametrize(
    ("text", "read_as"),
    [("山", "ɽ"), ("一", "һ"), ("山山山", "ɽɽɽ"), ("共", "共")],
    ids=["shan", "yi", "shan-repeated", "gong-not-utf8"],
)
def test_decode_gb18030_utf8_collision(text: str, read_as: str) -> None:
    """The first limit above, as examples: short GB18030 text that is also valid UTF-8 is read as
    UTF-8 (共 is B9 B2, not UTF-8, so it is read right)."""
    assert decode_text(text.encode("gb18030"), "x")[0] == read_as


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        pytest.param("高开和子如同线家成k" * 10, "gb18030", id="gb-read-as-big5-hkscs"),
        pytest.param("开海了知好要好联很" * 12, "gb18030", id="gb-read-as-big5"),
        pytest.param("民(#立7要好六(J5原头正Y制rI(等" * 5, "gb18030", id="gb-ascii-mix-read-as-big5"),
        pytest.param("來" * 100, "big5", id="big5-one-char-read-as-gb"),
        pytest.param("溫識門還團際勞難線廣記當讀縣慰議華車發鄉該飛麼總單識聽幫來說" * 3, "big5",
                     id="big5-read-as-gb"),
    ],
)
def test_decode_gb_big5_arbitration(text: str, encoding: str) -> None:
    """Regression: texts that chardet 7 alone read as the other encoding at any length (it once
    arbitrated GB18030 against Big5); the character-frequency arbitration reads them right."""
    assert len(text) >= 90
    assert decode_text(text.encode(encoding), "x")[0] == text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=COMMON_TRADITIONAL, min_size=30, max_size=300))
@example("來" * 30)
@example("溫識門還團際勞難線廣記當讀縣慰議華車發鄉該飛麼總單識聽幫來說")
def test_decode_big5_roundtrip(text: str) -> None:
    """Big5 round-trips from 30 characters on. (With chardet alone arbitrating, any one character
    repeated was read as GB18030, and 1-2% of random 30-40 character strings failed.)"""
    assert decode_text(text.encode("big5"), "x")[0] == text


# ---------------------------------------------------------------- linear time

RATIO = 30  # 10x the input: linear gives ~10x the time, quadratic ~100x
SMALL, LARGE = 10_000, 100_000  # bytes of UTF-8


class _Overrun(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of this process's CPU time by raising
    :class:`_Overrun`, so a quadratic case fails after 30x the small input's time instead of
    running for minutes. CPU time, not the wall clock: another test's process on the same cores
    (the suite runs two at a time) slows the wall clock of this one, not its CPU time. Without
    SIGPROF (Windows, or not the main thread) the block just runs to the end."""
    if seconds is None or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _Overrun

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _best_of_3(text: str, budget: float | None = None) -> float:
    """Best CPU time of three runs of extract_text. A run stopped at ``budget`` seconds is retried
    when the budget is under a second (a scheduling hiccup can cost that much) and raises
    :class:`_Overrun` when it is longer, or when all three runs were stopped."""
    best = math.inf
    for _ in range(3):
        try:
            with _deadline(budget):
                t0 = time.process_time()
                extract_text(text)
                best = min(best, time.process_time() - t0)
        except _Overrun:
            if budget is not None and budget >= 1.0:
                raise
    if best == math.inf:
        raise _Overrun
    return best


def _sized(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode("utf-8")))


# the seed's opening, its line breaks taken out (about 4 KB of UTF-8)
_SEED_ONE_LINE = (Path(__file__).resolve().parent.parent / "corpus" / "seed" / "000_b2e30e7327201b52.txt") \
    .read_text(encoding="utf-8").replace("\n", "")[:1400]

ADVERSARIAL = [
    # regression: figures._trim once retried every prefix of an unparsable run (O(n^2), ~5 min
    # on 100 KB); runs are now bounded by figures.MAX_RUN
    pytest.param("一二三四五六七八九十", id="chinese-numerals"),
    pytest.param("1" + "0" * 9, id="power-of-ten"),
    pytest.param("1", id="ones"),
    pytest.param("x ", id="x-space"),
    pytest.param("共", id="gong"),
    pytest.param("1,", id="one-comma"),
    pytest.param("2018年", id="year"),
    pytest.param("（", id="open-paren"),
    pytest.param("其中", id="qizhong"),
    pytest.param("1月1日至", id="date-range"),
    # the categories stage (issue 6): one clause of thousands of figures once read all the clause's
    # words and names for each figure, a section of thousands of names was scanned back whole,
    # and duplicates.py read the whole sentence before each count
    pytest.param("困难职工5户", id="one-clause-of-counts"),
    pytest.param("物资5户，", id="names-no-count-can-take"),
    pytest.param("慰问金、5万元", id="listed-funds"),
    pytest.param("东关街道 180户 12.6万元\n", id="text-table-rows"),
    # the table grammar (issue 11): tables of thousands of rows in each flattened form, a 合计 row
    # in every line, and cells that look like serial numbers
    pytest.param("街道\t户数（户）\t金额（万元）\n东关\t180\t12.6\n合计\t180\t12.6\n", id="tab-tables"),
    pytest.param("街道 |\n户数（户） |\n东关 |\n180 |\n|\n", id="cell-per-line"),
    pytest.param("序号 |\n街道 |\n户数 |\n1 |\n东关 |\n180 |\n2 |\n", id="cell-per-line-serials"),
    pytest.param("街道 户数（户） 东关 180 合计 180 ", id="one-line-table"),
    pytest.param("街道 | 户数（户） |\n东关 | 180 |\n合计 | 180 |\n", id="pipe-rows"),
    # the breakdown shapes (issue 11): totals before, lists after, lines under, wholes after parts
    pytest.param("合计5户，", id="clause-totals"),
    pytest.param("全县5户，", id="wholes-after-parts"),
    pytest.param("以上合计5户\n", id="above-totals"),
    pytest.param("(其中5户、3户)", id="parenthesized"),
    pytest.param("a5户:\n", id="outline-lines"),
    pytest.param("共慰问困难职工400名其中", id="totals-and-markers"),
    pytest.param("共5户：一是3户；二是2户。", id="enumerated-clauses"),
    # the facts of real pages (issue 11): pinyin, blanks, wrapped and spaced digits, dates, tiers
    pytest.param("246.3萬(wàn)元", id="pinyin"),
    pytest.param("萬(wàn)", id="pinyin-no-figure"),
    pytest.param("___元", id="underscore-blank"),
    pytest.param("_", id="underscores"),
    pytest.param("**市", id="star-blank"),
    pytest.param("**", id="stars"),
    pytest.param("**户", id="stars-before-units"),
    pytest.param("（ ）", id="empty-brackets"),
    pytest.param("（）万元", id="empty-brackets-before-units"),
    pytest.param("〇", id="zeros"),
    pytest.param("善款5万，", id="wan-alone-for-money"),
    pytest.param("5万慰问金", id="wan-before-a-money-noun"),
    pytest.param("二OO八年一O八户O", id="letter-o-in-numerals"),
    pytest.param("单位 户数 备注\n东关街道 30户 含低保户10户，五保户3户\n", id="table-notes-in-prose"),
    pytest.param("已有989户2 658\n", id="wrapped-lines"),
    pytest.param("2 ", id="spaced-digits"),
    pytest.param("20200115", id="compact-date-digits"),
    pytest.param("12月26日，", id="yearless-dates"),
    pytest.param("2018年1月1日，12月2日，", id="mixed-dates"),
    pytest.param("每月一次", id="frequency"),
    pytest.param("一本、", id="tier-list"),
    # the alarms (issue 11): missing figures, restated counts, rates
    pytest.param("职工代表余人参加，", id="yu-ren"),
    pytest.param("投入资金万元，", id="wan-yuan"),
    pytest.param("深入个社区", id="unit-inside"),
    pytest.param("困难职工53名。此次活动覆盖困难职工58名。", id="restated-counts"),
    pytest.param("2023年1月共慰问困难职工53名。", id="dated-restatements"),
    pytest.param("其中:困难职工53名;\n", id="list-lines"),
    pytest.param("资助学生50名，每人2000元，共发放8万元；", id="rates"),
    # issue 13: lists of amounts and of counts in one clause, and a real report with its line
    # breaks taken out (one paragraph of sentences, its tables flattened into it)
    pytest.param("12.5万元,", id="amount-list"),
    pytest.param("700余户、", id="count-list"),
    pytest.param(_SEED_ONE_LINE, id="seed-without-line-breaks"),
    # blanks read since: spaces, boxes and square brackets before a unit; overlapping groups
    pytest.param("慰问金    万元，", id="spaces-blank"),
    pytest.param("资金  ", id="spaces"),
    pytest.param("□□户，", id="boxes-blank"),
    pytest.param("【】万元，[ ]户，", id="square-brackets-blank"),
    pytest.param("共1200人，其中党员800人、女职工600人，", id="overlapping-groups"),
]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_linear_time(unit: str) -> None:
    """extract_text on ~100 KB takes less than 30x its time on ~10 KB of the same pattern."""
    small, large = _sized(unit, SMALL), _sized(unit, LARGE)
    extract_text(unit * 10)  # warm up: data files, dictionaries, regex caches
    t_small = _best_of_3(small)
    # a floor of two seconds: a 2 ms small run would leave a 60 ms budget that one scheduling hiccup on
    # a loaded machine breaks, while a quadratic pattern on 100 KB takes seconds to minutes
    budget = max(RATIO * t_small, 2.0)
    try:
        t_large = _best_of_3(large, budget)
    except _Overrun:
        pytest.fail(f"{len(large)} chars took over {RATIO}x the {t_small:.3f} s of {len(small)} chars")
    assert t_large < budget, f"{t_large:.3f} s vs {t_small:.3f} s: {t_large / t_small:.1f}x"


# ---------------------------------------------------------------- fold keeps every length

# what the fold table maps, mixed with characters it leaves alone
_FOLDABLE = "１２．５萬元，戶\u3000—–－～：；（）％發放慰問金" + "abc 123。的了"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_FOLDABLE) | st.characters()))
def test_fold_is_translate(text: str) -> None:
    """fold translates runs of foldable characters only: the same as translating every one."""
    from extractor.lang.chars import _table, fold

    folded = fold(text)
    assert folded == text.translate(_table())
    assert len(folded) == len(text)


# the characters a day expression is made of, and some that end or break one
DATE_ALPHABET = "0123456789年月日号 一二三十.x元份旬"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=DATE_ALPHABET, max_size=60))
@example("12019年2月30日")  # the year cannot start after a digit: the 2月30日 inside is found
@example("2月5月12日3月号 4 月 31 日")
@example("于2019 年 12 月 31 日、2020年1月十三日")  # the longest before and after a 月
def test_calendar_days_read_around_each_month(text: str) -> None:
    """Reading day expressions only around each 月 finds what reading the whole text finds."""
    from extractor.facts.dates import _CALENDAR_DAY, _calendar_days

    assert [m.span() for m in _calendar_days(text)] == [m.span() for m in _CALENDAR_DAY.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="共户，。,\n(（、x", max_size=40), st.integers(0, 45), st.integers(0, 45))
def test_after_last_is_the_end_of_the_last_mark(text: str, lo: int, hi: int) -> None:
    """after_last reads back to the last mark as scanning every mark forward does."""
    import re

    from extractor.lang.segment import after_last, last_of

    lo, hi = min(lo, hi, len(text)), min(max(lo, hi), len(text))
    marks = ",。\n(（、"
    every = re.compile(f"[{re.escape(marks)}]")
    assert after_last(last_of(marks), text, lo, hi) == max((m.end() for m in every.finditer(text, lo, hi)), default=lo)


# campaign words, letters O and numerals around the cut at 3,000 characters (the O between numerals
# folds to a zero, the one folding that reads the next character)
_CAMPAIGN_PIECES = ["送温暖", "金秋助学", "春风行动", "两节", "慰问", "O", "o", "2", "二", "，", "。", "\n", "职工"]


@given(st.lists(st.sampled_from(_CAMPAIGN_PIECES), max_size=40).map("".join),
       st.integers(min_value=0, max_value=3))
@settings(max_examples=200)
def test_campaign_of_the_folded_view_is_that_of_the_text(body: str, pad: int) -> None:
    """The pipeline hands :func:`campaign` the report's folded view instead of folding its first
    3,000 characters again: the same campaign, whatever stands at the cut."""
    from extractor.about.categories import campaign
    from extractor.lang.chars import fold

    text = "慰" * (3000 - pad - len(body) // 2) + body
    assert campaign("送温暖活动总结", text, fold(text)) == campaign("送温暖活动总结", text)
    assert campaign(None, text, fold(text)) == campaign(None, text)
