"""Rules on how a report is put together: ``unit_mismatch`` (a total in 名 with parts in 户),
``heading_count`` (a compilation that says 5篇 and holds 4) and ``missing_figure`` (a unit with
no number: 投入资金万元)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..lexicon import LEXICON
from ..model import Count, Finding, Severity
from ..segment import Token, get_segmenter, segment_windows
from . import Context, rule

__all__ = ["check_heading_count", "check_missing_figure", "check_unit_mismatch"]

_PERSON = {"人", "名", "位", "人次"}
_HOUSEHOLD = {"户", "家", "户次", "戶"}


@rule("unit_mismatch", Severity.WARNING, "总数与分项的计量单位不同（如总数按“名”，分项按“户”）")
def check_unit_mismatch(ctx: Context) -> Iterator[Finding]:
    for b in ctx.breakdowns:
        total = ctx.facts[b.total_index]
        parts = [ctx.facts[i] for i in b.part_indexes]
        if not isinstance(total, Count) or not all(isinstance(p, Count) for p in parts):
            continue
        units = {p.unit for p in parts if isinstance(p, Count)}
        for mine, other in ((_PERSON, _HOUSEHOLD), (_HOUSEHOLD, _PERSON)):
            if total.unit in mine and units and units <= other:
                yield Finding("unit_mismatch", Severity.WARNING,
                              f"单位不一致：总数“{total.text}”以“{total.unit}”计，分项以“{'、'.join(sorted(units))}”计",
                              total.span, evidence=b.part_spans)


@rule("heading_count", Severity.WARNING, "合集标题所称篇数与实际篇数不符")
def check_heading_count(ctx: Context) -> Iterator[Finding]:
    coll = ctx.meta.get("collection")
    if ctx.index != 0 or not coll or coll.get("declared") is None or coll["declared"] == coll.get("found"):
        return
    title = ctx.title or ""
    span = (0, len(title)) if title and ctx.text.startswith(title) else (0, 0)
    yield Finding("heading_count", Severity.WARNING,
                  f"篇数不符：合集标题“{coll['title']}”称 {coll['declared']} 篇，实际 {coll['found']} 篇", span)


# 投入资金万元, 发放慰问金元, 慰问困难户户: a unit right after a word where its number belongs
MISSING = re.compile(
    r"""
      (?<=[\u4e00-\u9fff])(?<![\d零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟余多几数近上约逾每])
      (?:万元|亿元|千元)
    | (?<=[金款费])元(?=[,.;:!?，。；：、）)]|$)
    | (?<!家户)(?<=户)户(?=[,.;:!?，。；：、）)]|$)
    """,
    re.VERBOSE,
)


@rule("missing_figure", Severity.ERROR, "有单位而无数字：数字漏填")
def check_missing_figure(ctx: Context) -> Iterator[Finding]:
    found = [m.span() for m in MISSING.finditer(ctx.view)] + list(_bare_count_units(ctx))
    for s, e in sorted(set(found)):
        unit = ctx.text[s:e]
        context = ctx.text[max(0, s - 6) : e + 2].replace("\n", " ")
        yield Finding("missing_figure", Severity.ERROR, f"数字漏填：“…{context}…”中“{unit}”前没有数字",
                      (max(0, s - 4), e))


# a measure word (or 元) closing a clause (服务居民人次，抢修受损道路条。): its number may be missing
_UNIT_AT_END = re.compile(
    "(?<=[\u4e00-\u9fff])(?:" + "|".join(map(re.escape, (*LEXICON.count_units, "元")))
    + r")(?=[,.;:!?，。；：、）)\n]|$)")
# the same inside a clause, between a verb and its object (深入个社区 for 深入12个社区) or a noun
# and a verb (派出工作组个深入): only for measure words that seldom end or start a word (人, 家,
# 名, 户 do, and would make every clause a candidate)
_INSIDE_UNITS = ("个", "所", "份", "辆", "台", "套", "件", "项", "处", "条", "座", "场", "批", "支", "箱", "袋", "桶")
_UNIT_INSIDE = re.compile(
    "(?<=[\u4e00-\u9fff])(?:" + "|".join(_INSIDE_UNITS) + ")(?=[\u4e00-\u9fff])")
_CLAUSE_START = re.compile(r"[,.;:!?，。；：、（(\n]")
# what may stand before a bare measure word without a number missing: 每人, 各户, 这个, 全家, 的人
_NO_NUMBER_NEEDED = {"每", "各", "这", "那", "哪", "几", "多", "整", "全", "该", "本", "此", "其", "某", "每个", "一"}


def _bare_count_units(ctx: Context) -> Iterator[tuple[int, int]]:
    """A measure word that jieba reads as words of its own at the end of a clause, after a noun
    or a verb of two characters or more (道路/条, 居民/人次, 深入/个), where a number belongs:
    抢修受损道路条 for 抢修受损道路12条. Not when jieba reads it as a verb (礼物/包), nor after a
    one-character verb (村干部包组, 不死人). Candidates a dictionary word explains are dropped
    first; the rest are segmented together, in one call."""
    words = get_segmenter().tokenizer.FREQ
    view = ctx.view
    at_end: list[tuple[int, int, int, int]] = []  # (unit start, unit end, window start, window end)
    for m in _UNIT_AT_END.finditer(view):
        s, e = m.span()
        if not _word_ends_here(words, view, s, e):
            at_end.append((s, e, _clause_start(view, s, 30), e))
    inside: list[tuple[int, int, int, int]] = []
    for m in _UNIT_INSIDE.finditer(view):
        s, e = m.span()
        if not (_word_ends_here(words, view, s, e) or _word_starts_here(words, view, s, e)):
            inside.append((s, e, _clause_start(view, s, 20), min(len(view), e + 8)))
    if not at_end and not inside:
        return
    windows = [(ws, we) for _, _, ws, we in (*at_end, *inside)]
    tokens_of = segment_windows(view, windows)
    for (s, e, _, _), tokens in zip(at_end, tokens_of, strict=False):
        if _ends_bare(tokens, s, e):
            yield s, e
    for (s, e, _, _), tokens in zip(inside, tokens_of[len(at_end):], strict=True):
        if _inside_bare(tokens, s, e):
            yield s, e


def _clause_start(view: str, s: int, reach: int) -> int:
    lo = max(0, s - reach)
    return max((k.end() for k in _CLAUSE_START.finditer(view, lo, s)), default=lo)


def _ends_bare(tokens: list[Token], s: int, e: int) -> bool:
    first = next((k for k, t in enumerate(tokens) if t.start == s), None)
    if first is None or first == 0 or tokens[-1].end != e:
        return False  # 贫困户, 单位, 大家: the measure word is part of a word
    prev = tokens[first - 1]
    if prev.text in _NO_NUMBER_NEEDED or prev.tag.startswith(("m", "q", "r", "u", "p", "c", "d", "w", "x")):
        return False
    return not (tokens[first].tag.startswith("v") or (prev.tag.startswith("v") and len(prev.text) == 1))


def _inside_bare(tokens: list[Token], s: int, e: int) -> bool:
    k = next((k for k, t in enumerate(tokens) if t.start == s and t.end == e), None)
    if k is None or k == 0 or k + 1 >= len(tokens):
        return False
    prev, unit, nxt = tokens[k - 1], tokens[k], tokens[k + 1]
    if prev.text in _NO_NUMBER_NEEDED or len(prev.text) < 2 or not unit.tag.startswith(("q", "m", "c")):
        return False
    # 深入个社区 (verb, unit, noun) or 派出工作组个深入 / 长寿面份等 (noun, unit, verb or 等)
    verb_first = prev.tag.startswith("v") and nxt.tag.startswith("n") and len(nxt.text) >= 2
    noun_first = prev.tag.startswith("n") and ((nxt.tag.startswith("v") and len(nxt.text) >= 2) or nxt.text == "等")
    return verb_first or noun_first


def _word_ends_here(words: dict[str, int], view: str, s: int, e: int) -> bool:
    """困难户, 企业家, 单位: a dictionary word ends with the measure word (a cheap test that
    spares segmenting most candidates)."""
    return any(words.get(view[s - k : e], 0) > 0 for k in (1, 2, 3) if s - k >= 0)


def _word_starts_here(words: dict[str, int], view: str, s: int, e: int) -> bool:
    """家庭, 人民, 个人: a dictionary word starts with the measure word."""
    return any(words.get(view[s : e + k], 0) > 0 for k in (1, 2) if e + k <= len(view))

