"""The whole-text scans written for the engine's fast scan match what their plain forms match.

Python's ``re`` searches fast (a scan for a literal or a character class, not a match attempt at
every character) only when a pattern starts with a character it consumes. The patterns of
the missing-figure and placeholder scans were first written with a look-ahead for the character first
(``(?=[万亿余约逾元])…``); they now consume it and read the rest back from after it. The plain
forms stay here as the reference: each pattern must give the same matches (spans and the groups
the code reads) on random text of the characters that matter and on the bundled reports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.checks import placeholders
from extractor.facts import dates, figures, missing
from extractor.lang.chars import fold
from extractor.lang.lexicon import LEXICON

ROOT = Path(__file__).resolve().parent.parent

_NOT_BEFORE = missing._NOT_BEFORE
_YU_WORDS = missing._YU_WORDS
_YEAR_WORDS = missing._YEAR_WORDS

PLAIN_MONEY_GAP = re.compile(
    rf"""
      (?=[万亿余约逾元])
      (?<=[\u4e00-\u9fff])(?<![{_NOT_BEFORE}])
      (?: (?<!单位)(?<!单位为)(?<!单位是)(?<![以按])
          (?P<big>[万亿]元)(?![户计])
        | (?<![{_YU_WORDS}])(?P<yu>余)(?P<big2>[万亿]?元)
        | (?P<approx>约|逾)(?P<small>元)
        | (?<=[金款费])(?P<bare>元)(?=[,.;:!?。；：、)）\s]|$)
      )
    """,
    re.VERBOSE,
)
PLAIN_UNIT_AT_END = re.compile(
    "(?:[" + "".join(sorted(re.escape(u) for u in LEXICON.count_units if len(u) == 1)) + "](?<=[\u4e00-\u9fff].)|"
    + "|".join(re.escape(u[0]) + "(?<=[\u4e00-\u9fff].)" + re.escape(u[1:])
               for u in LEXICON.count_units if len(u) > 1)
    + r"|元(?<=[\u4e00-\u9fff].)(?<![万亿千百].))(?=[,.;:!?，。；：、）)\n]|$)")
PLAIN_BLANK = re.compile(
    r"""
      (?=[12xX×某_])
      (?:
      (?<![A-Za-z0-9])(?:19|20)[xX]{2}(?![A-Za-z0-9])
    | (?<![A-Za-z])[xX×]{3,}+(?![A-Za-z])
    | (?<![A-Za-z0-9])[xX×]++(?![A-Za-z0-9])
    | 某某++
    | (?<![A-Za-z])_{2,}+(?:[()]_{2,}+)*+(?![A-Za-z])
      )
    """,
    re.VERBOSE,
)
PLAIN_STRIPPED_YEAR = re.compile(
    rf"""
      (?=年)
      (?: (?<=[\u4e00-\u9fff])(?<![{_YEAR_WORDS}])年(?=元旦|春节|["“]?两节|工作(?:总结|计划))
        | (?<=[,;:，；：。\n])年(?=元旦|春节|["“]?两节)
      )
    """,
    re.VERBOSE,
)

#: (pattern, its plain form, the groups the code reads)
PAIRS = {
    "money_gap": (missing._MONEY_GAP, PLAIN_MONEY_GAP, ("yu", "approx", "small")),
    "unit_at_end": (missing._UNIT_AT_END, PLAIN_UNIT_AT_END, ()),
    "stripped_year": (missing._STRIPPED_YEAR, PLAIN_STRIPPED_YEAR, ()),
    "blank": (placeholders.BLANK, PLAIN_BLANK, ()),
}

# the characters the patterns look at, and a few they do not
ALPHABET = ("万亿余约逾元千百金款费单位为是以按户计其剩多业结盈节富残宽有"
            + "".join(sorted({c for u in LEXICON.count_units for c in u}))
            + "年元旦春节两工作总结计划今青会县0123456789一二十,.;:!?，。；：、）)(\n \"“xXa×某_Z")


def _found(pattern: re.Pattern[str], text: str, groups: tuple[str, ...]) -> list[tuple[object, ...]]:
    return [(m.span(), *(m.group(g) for g in groups)) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(PAIRS))
@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=60))
def test_same_matches_as_the_plain_form(name: str, text: str) -> None:
    fast, plain, groups = PAIRS[name]
    assert _found(fast, text, groups) == _found(plain, text, groups)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_same_matches_on_the_bundled_reports(name: str) -> None:
    fast, plain, groups = PAIRS[name]
    views = [fold(p.read_text("utf-8", errors="replace")) for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    assert len(views) > 50
    hits = 0
    for view in views:
        found = _found(fast, view, groups)
        assert found == _found(plain, view, groups)
        hits += len(found)
    assert hits > 0 or name != "unit_at_end"  # (the bundled reports leave no money or year out)


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("money_gap", "投入资金万元，筹集资金余万元，发放资金約元，发放慰问金元。单位为万元",
     ["万元", "余万元", "约元", "元"]),
    ("unit_at_end", "服务居民人次，抢修受损道路条，发放敬老补贴元。12.5万元。", ["人次", "条", "元"]),
    ("stripped_year", "莒县总工会年元旦春节活动。今年春节，青年工作总结", ["年"]),
    ("blank", "20XX年x月, 138xxxxxxxx, 4x4, 某某社区, 撰写人:______, (__)__号, X5",
     ["20XX", "x", "xxxxxxxx", "某某", "______", "__)__"]),
], ids=["money_gap", "unit_at_end", "stripped_year", "blank"])
def test_what_each_finds(name: str, text: str, expected: list[str]) -> None:
    view = fold(text)
    assert [m.group() for m in PAIRS[name][0].finditer(view)] == expected


def _info_flags(pattern: re.Pattern[str]) -> int:
    """The flags of the INFO block ``re`` compiles a pattern's code with (``re._compiler``, the
    module behind ``re.compile``: private, but the only way to read what the engine will do)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    code: list[int] = _compiler._code(_parser.parse(pattern.pattern, pattern.flags), pattern.flags)
    return code[2]  # INFO, skip, flags, …


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_starts_with_a_character_to_scan_for(name: str) -> None:
    """The point of the new forms: the compiled pattern gives the engine a literal or a character
    class to scan for (SRE_INFO_PREFIX or SRE_INFO_CHARSET); the plain form gave none."""
    from re import _constants  # type: ignore[attr-defined]

    fast = _constants.SRE_INFO_PREFIX | _constants.SRE_INFO_CHARSET
    assert _info_flags(PAIRS[name][0]) & fast
    assert not _info_flags(PAIRS[name][1]) & fast


# -- dates: POINT and SHORT_RANGE searched only near the characters a match holds -----------------

DATE_ALPHABET = ("0123456789" + "〇零○一二三四五六七八九十元" + "xX×" + "年月日号旬上中下初底末半季度第份前后"
                 + "至到-~/." + "开始启动起从次翌第二" + "级龄代轻纪楼院室春节" + "Aa 近,，。\n")


# pieces of dates, so that the texts hold whole forms at their longest (spaces and all)
DATE_PIECES = ("2019", "2020", "1949", "05", "98", "12", "1", "3", "31", "二〇一九", "十二", "三十一", "xx", "X",
               " ", "年", "年度", "月", "月份", "日", "号", "上中旬", "下旬", "初", "底", "上半年", "第一季度",
               "至", "到", "-", "--", "~", "/", ".", "开始", "起,", "从", "次年", "级", "楼", "春节", "近", "a")


def _date_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(alphabet=DATE_ALPHABET, max_size=50),
                     st.lists(st.sampled_from(DATE_PIECES), max_size=16).map("".join))


def _as_found(m: re.Match[str] | None) -> object:
    return None if m is None else (m.span(), m.groupdict())


@settings(max_examples=600, deadline=None)
@given(text=_date_texts(), pos=st.integers(min_value=0, max_value=50))
def test_points_found_only_near_their_anchors_are_the_same(text: str, pos: int) -> None:
    """``point_finder(view).search`` gives what ``POINT.search`` gives, from every position on
    (positions only grow, as in :func:`find_dates`)."""
    finder = dates.point_finder(text)
    for p in range(min(pos, len(text)), len(text) + 1, 3):
        assert _as_found(finder.search(p)) == _as_found(dates.POINT.search(text, p))


@settings(max_examples=600, deadline=None)
@given(text=_date_texts())
def test_short_ranges_found_only_near_their_connectors_are_the_same(text: str) -> None:
    assert [_as_found(m) for m in dates.short_ranges(text)] == \
        [_as_found(m) for m in dates.SHORT_RANGE.finditer(text)]


@pytest.mark.parametrize("text", [
    "2019 年度 12 月份 三十一 日上中旬", "二〇一九 年度 十二 月份 三十一 号中下旬", "xxxx 年", "05 年", "12 月份",
    "十二 月", "xx 月", "20200115", "31.12.2019", "1.2.2019", "2019/1/2", "2019-12-31", "2019.1.2",
    "2019 年 12 至 3 月份", "2019 年 12 到 3 月", "2019 年 12 - 3 月", "2019 年 12 ~ 3 月", "2019 年 12 -- 3 月",
    "2019 至 2020 年", "2019 - 2020 年",
], ids=lambda t: t.replace(" ", "_"))
def test_the_longest_forms_are_found(text: str) -> None:
    """Every form, at its longest (spaces and all), starts close enough to the character it is
    found by, and is found where it starts (after other text too)."""
    pattern = dates.SHORT_RANGE if any(c in text for c in "至到~") or " - " in text or " -- " in text \
        else dates.POINT
    m = pattern.match(text)
    assert m is not None and m.end() == len(text)
    for before in ("", "在", "工作。"):
        view = before + text + "，其他"
        plain = pattern.search(view)
        found = next(dates.short_ranges(view), None) if pattern is dates.SHORT_RANGE \
            else dates.point_finder(view).search(0)
        assert plain is not None and plain.span() == (len(before), len(before) + len(text))
        assert _as_found(found) == _as_found(plain)


def test_dates_of_the_real_reports_are_the_same() -> None:
    """On the bundled reports, the dates found through the anchors are the plain scan's."""
    views = [fold(p.read_text("utf-8", errors="replace")) for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    points = 0
    for view in views:
        assert [_as_found(m) for m in dates.short_ranges(view)] == \
            [_as_found(m) for m in dates.SHORT_RANGE.finditer(view)]
        finder, pos, plain = dates.point_finder(view), 0, []
        while (m := dates.POINT.search(view, pos)) is not None:
            plain.append(_as_found(m))
            assert _as_found(finder.search(pos)) == plain[-1]
            pos = m.end()
        assert finder.search(pos) is None
        points += len(plain)
    assert points > 100


# -- figures: NUMERAL's alternatives look at the character they need before looking behind it ---

#: the checks put first in NUMERAL's alternatives (each the character the alternative consumes
#: first after its look-behinds: without them, a character that starts no alternative ran every
#: look-behind of each)
_GUARDS = ("(?=\\d)", "(?=[" + figures._CN + "])", "(?=[xX×])", "(?=_)", "(?=\\*)", "(?=\\ )")


def _unguarded() -> re.Pattern[str]:
    pattern = figures.NUMERAL.pattern
    for guard in _GUARDS:
        assert pattern.count(guard) == 1, guard
        pattern = pattern.replace(guard, "", 1)
    return re.compile(pattern, figures.NUMERAL.flags)


PLAIN_NUMERAL = _unguarded()
NUMERAL_ALPHABET = ("0123456789.,万亿元户人名个余 \n零〇一二两三十百千点xX×某_*（(）)【】[]□"
                    "RMBCNYabc单位以按为困难职工，。")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=NUMERAL_ALPHABET, max_size=60))
def test_numeral_guards_change_no_match(text: str) -> None:
    assert [_as_found(m) for m in figures.NUMERAL.finditer(text)] == \
        [_as_found(m) for m in PLAIN_NUMERAL.finditer(text)]


def test_numeral_guards_change_no_match_on_the_bundled_reports() -> None:
    views = [fold(p.read_text("utf-8", errors="replace")) for p in sorted((ROOT / "corpus").rglob("*.txt"))]
    found = 0
    for view in views:
        mine = [_as_found(m) for m in figures.NUMERAL.finditer(view)]
        assert mine == [_as_found(m) for m in PLAIN_NUMERAL.finditer(view)]
        found += len(mine)
    assert found > 1000
