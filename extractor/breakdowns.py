"""Breakdowns: a stated total and the parts itemized for it.

Four shapes are read:

* ``共慰问困难家庭700余户，其中A 2户、B 150余户``: the figure before 其中 (分别为, 包括) is the
  total, the figures of its kind after it are the parts;
* ``A 20台、B 35副，共计发放辅助器具117件``: a clause opening with 合计/共计/总计 totals the
  figures of its kind before it in the sentence;
* ``其中，A捐赠5万元，B捐赠3万元。以上捐款共计8万元``: a sentence opening with 以上/上述 and a
  total marker totals the list just before it (a sentence, or a run of list lines);
* ``共投入50万元：一是...20万元；二是...30万元``: each 一是/二是 clause gives one part;
* a table written as text, one row a line with its cells apart (``东关街道 180户 12.6万元``), and a
  合计/总计 row: each column's total itemizes the figures above it in that column.

A breakdown has at least two parts (``共有农户386户，其中贫困户58户`` states a subset, it itemizes
nothing). A figure in parentheses after a part (``地直55户(劳模2户)``) is a sub-part of that
part, never a part of the total; a per-unit rate (``每户1000元``) or a bound (``不低于800元``)
is never a part; a clause dated or compared (``截至…已脱贫51户``, ``较上年减少138名``) ends a list.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence

from .chars import fold, fold_word
from .lexicon import LEXICON
from .model import Breakdown, Count, Fact, Money
from .segment import sentences
from .tables import Tables

__all__ = ["find_breakdowns"]

Figure = Money | Count
Indexed = tuple[int, Figure]

_RATE = re.compile(r"每|人均|户均|平均|标准为|标准是")
_CLAUSE_PUNCT = re.compile(r"[,;:!?。，；：！？\n]")
_CLAUSE_TOTAL = re.compile(r"(?:^|[,;:，；：])\s*(?:合计|共计|总计)[^,;:，；：。]{0,8}$")
_ABOVE_TOTAL = re.compile(r"\s*(?:以上|上述)[^,;:，；：。]{0,14}?(?:合计|共计|总计|累计|共)[^,;:，；：。]{0,8}$")
_TOTAL_BEFORE = re.compile("(?:" + "|".join(map(re.escape, LEXICON.total_markers)) + r")[^,;:，；：。]{0,14}$")
# words between two parts that end a list: a new total, a nested 其中, a date or a comparison
_LIST_END = ("其中", "合计", "共计", "总计", "截至", "截止", "较上年", "较去年", "同比", "比上年", "比去年")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def find_breakdowns(text: str, facts: Sequence[Fact], view: str | None = None,
                    tables: Tables | None = None) -> list[Breakdown]:
    """Breakdowns of ``text`` over its ``facts`` (indexes into ``facts`` are kept), and of the
    ``tables`` a reader found in it (their 合计 rows and columns).

    ``view`` is ``fold(text)`` when the caller already has it."""
    view = fold(text) if view is None else view
    reader = _Reader(text, view, facts, tables.spans if tables is not None else [])
    out: list[Breakdown] = []
    seen: set[tuple[int, ...]] = set()
    for b in (*(tables.breakdowns(facts) if tables is not None else ()), *reader.all()):
        # one total may be itemized twice (by source, and by cash and goods); never the same way
        key = (b.total_index, *b.part_indexes)
        if key not in seen and len(b.parts) >= 2 and not (seen and _overlapping(b, seen)):
            seen.add(key)
            out.append(b)
    out.sort(key=lambda b: b.span)
    return out


def _overlapping(b: Breakdown, seen: set[tuple[int, ...]]) -> bool:
    """Whether an earlier breakdown of the same total already claims one of these parts."""
    return any(k[0] == b.total_index and set(k[1:]) & set(b.part_indexes) for k in seen)


class _Depth:
    """Nesting depth of parentheses at a position (0 outside any), from the brackets' places:
    ``depth[p]`` for a character ``p`` that is not itself a bracket."""

    _BRACKET = re.compile(r"[(【\[)】\]]")

    def __init__(self, view: str) -> None:
        self.places: list[int] = []
        self.after: list[int] = []
        d = 0
        for m in self._BRACKET.finditer(view):
            d = d + 1 if m.group() in "(【[" else max(0, d - 1)
            self.places.append(m.start())
            self.after.append(d)

    def __getitem__(self, p: int) -> int:
        k = bisect.bisect_left(self.places, p)
        return self.after[k - 1] if k else 0


@functools.cache
def _unit_class(unit: str) -> str:
    """Counts of people and households add up together (400名 = 55户 + …); other measure words
    (台, 副, 件) together; money with money."""
    return "people" if fold(unit) in LEXICON.people_units else "things"


def _compatible(a: Figure, b: Figure) -> bool:
    if isinstance(a, Money) or isinstance(b, Money):
        return isinstance(a, Money) and isinstance(b, Money)
    return _unit_class(a.unit) == _unit_class(b.unit)


def _same_unit(a: Figure, b: Figure) -> bool:
    return (isinstance(a, Money) and isinstance(b, Money)) or (
        isinstance(a, Count) and isinstance(b, Count) and fold_word(a.unit) == fold_word(b.unit))


def _make(total_i: int, total: Figure, parts: list[Indexed]) -> Breakdown:
    unit = "元" if isinstance(total, Money) else total.unit
    return Breakdown(
        kind=total.kind,
        total=total.value,
        parts=tuple(p.value for _, p in parts),
        unit=unit,
        span=total.span,
        total_index=total_i,
        part_indexes=tuple(i for i, _ in parts),
        part_spans=tuple(p.span for _, p in parts),
    )


class _Reader:
    """The figures of one report with what the shapes need to read them."""

    def __init__(self, text: str, view: str, facts: Sequence[Fact], tables: Sequence[tuple[int, int]] = ()) -> None:
        self.view = view
        # a table's figures are read by its grammar (tables.py), not as running text
        self.figs: list[Indexed] = sorted(((i, f) for i, f in enumerate(facts)
                                           if isinstance(f, Money | Count) and f.value is not None
                                           and not any(s <= f.span[0] < e for s, e in tables)),
                                          key=lambda x: x[1].span[0])
        self._starts = [f.span[0] for _, f in self.figs]
        self.depth = _Depth(view)
        self.sents = [span for _, span in sentences(text)]

    def all(self) -> Iterator[Breakdown]:
        for n, (ss, se) in enumerate(self.sents):
            # the sentence's figures, by bisection (a report of thousands of one-line sentences)
            here = self.figs[bisect.bisect_left(self._starts, ss):bisect.bisect_left(self._starts, se)]
            for marker in self._markers(ss, se):
                yield from self._after_marker(here, marker, n)
            yield from self._clause_totals(here)
            yield from self._above_totals(here, n)
        yield from self._list_items()

    # --- helpers -------------------------------------------------------------------------
    def _markers(self, ss: int, se: int) -> list[tuple[int, int, str]]:
        out = []
        for w in LEXICON.parts_markers:
            k = self.view.find(w, ss, se)
            while k >= 0:
                out.append((k, k + len(w), w))
                k = self.view.find(w, k + len(w), se)
        return sorted(out)

    def _is_rate(self, f: Figure) -> bool:
        """每户1000元, 为每户送去慰问金300元和价值150元的米面油: a per-unit figure (每 earlier in
        its clause) or a bound (不低于800元) is not an amount that adds up to a total."""
        if f.qualifier is not None:
            return True
        s = f.span[0]
        lo = max(0, s - 40)
        starts = [m.end() for m in _CLAUSE_PUNCT.finditer(self.view, lo, s)]
        return _RATE.search(self.view, starts[-1] if starts else lo, s) is not None

    def _has_total_marker(self, f: Figure) -> bool:
        return _TOTAL_BEFORE.search(self.view[max(0, f.span[0] - 16) : f.span[0]]) is not None

    def _collect(self, total: Figure, first: Figure, start: int, end: int) -> list[Indexed]:
        """The parts of ``total`` in ``[start, end)``: figures of its kind at the list's own
        bracket depth, rates excluded, until a word that ends the list. When the total and the
        first part share a measure word, parts in another one (58户193人) are not its parts."""
        base = self.depth[start]
        strict = _same_unit(total, first)
        parts: list[Indexed] = []
        for i, f in self.figs:
            s = f.span[0]
            if s < start or s >= end:
                continue
            if self.depth[s] > base or self._is_rate(f) or not _compatible(total, f):
                continue
            if strict and not _same_unit(total, f):
                continue
            between = self.view[parts[-1][1].span[1] if parts else start : s]
            if any(w in between for w in _LIST_END):
                break
            parts.append((i, f))
        return parts

    def _choose_total(self, before: list[Indexed], first: Figure) -> Indexed | None:
        """The nearest figure of the first part's kind; one in the same measure word first, then
        one a total marker announces (共登记2465名，较上年减少138名。其中…)."""
        candidates = [(i, f) for i, f in before if _compatible(f, first) and f.qualifier is None]
        for better in ([c for c in candidates if _same_unit(c[1], first)],
                       [c for c in candidates if self._has_total_marker(c[1])], candidates):
            if better:
                marked = [c for c in better if self._has_total_marker(c[1])]
                return (marked or better)[-1]
        return None

    # --- shapes --------------------------------------------------------------------------
    def _after_marker(self, here: list[Indexed], marker: tuple[int, int, str], n: int) -> Iterator[Breakdown]:
        """The total before 其中 (分别为, 包括) is the nearest figure of the kind the list itemizes.

        One list may itemize two totals side by side (共资助学生418名，发放156.8万元。其中：本科
        236名，计118万元；专科182名，计36.4万元): each kind after the marker finds its own total."""
        ms, me, word = marker
        end = self.sents[n][1]
        depth = self.depth[ms]
        before = [(i, f) for i, f in here if f.span[1] <= ms and self.depth[f.span[0]] == depth]
        if not before and word == "其中" and n > 0 and not self.view[self.sents[n][0] : ms].strip(" ,:，："):
            # 共慰问700余户。其中，低保户...: the total stands in the previous sentence
            ps, pe = self.sents[n - 1]
            before = [(i, f) for i, f in self.figs if ps <= f.span[0] < pe]
        if word != "其中":
            # 分别为 and 包括 split a stated total only: 全镇共有贫困户235户，三个村分别为86户、72户
            before = [(i, f) for i, f in before if self._has_total_marker(f)]
        handled: list[Figure] = []  # the first part of each kind already itemized
        for _, first in here:
            if first.span[0] < me or self.depth[first.span[0]] != depth or self._is_rate(first):
                continue
            if any(_compatible(h, first) for h in handled):
                continue
            handled.append(first)
            chosen = self._choose_total(before, first)
            if chosen is not None:
                yield _make(*chosen, self._collect(chosen[1], first, me, end))

    def _clause_totals(self, here: list[Indexed]) -> Iterator[Breakdown]:
        """``A 50台、B 35副，共计发放辅助器具117件``: a clause opening with 合计 totals the
        figures of its kind before it in the sentence."""
        for k, (i, f) in enumerate(here):
            if _CLAUSE_TOTAL.search(self.view[max(0, f.span[0] - 16) : f.span[0]]) is None:
                continue
            earlier = [(j, p) for j, p in here[:k] if self.depth[p.span[0]] == self.depth[f.span[0]]
                       and not self._is_rate(p) and _compatible(f, p)]
            if earlier and "其中" not in self.view[earlier[0][1].span[0] : f.span[0]]:
                yield _make(i, f, earlier)

    def _above_totals(self, here: list[Indexed], n: int) -> Iterator[Breakdown]:
        """``以上5家企业合计捐款60万元``: totals the list just before the sentence — the previous
        sentence (after its 其中 or colon), or a run of list lines each holding a figure."""
        ss = self.sents[n][0]
        for i, f in here:
            if _ABOVE_TOTAL.match(self.view, ss, f.span[0]) is None:
                continue
            parts: list[Indexed] = []
            for m in range(n - 1, -1, -1):
                ps, pe = self.sents[m]
                line = self.view[ps:pe]
                if _HEADING.match(line) or line.rstrip().endswith((":", "：")):
                    break
                cut = max(line.rfind("其中"), line.rfind(":"), line.rfind("："))
                start = ps + cut + 1 if cut >= 0 else ps
                found = [(j, p) for j, p in self.figs if start <= p.span[0] < pe and _compatible(f, p)
                         and not self._is_rate(p) and self.depth[p.span[0]] == 0]
                if not found:
                    break
                parts[:0] = found
                if cut >= 0 or "\n" not in self.view[pe - 1 : pe + 1]:
                    break  # a sentence within a paragraph, or the list's opening: the list ends here
            yield _make(i, f, parts)

    def _list_items(self) -> Iterator[Breakdown]:
        """``共投入50万元：一是...20万元；二是...30万元``: one part per 一是/二是 clause."""
        view = self.view
        for k, (i, total) in enumerate(self.figs):
            if not self._has_total_marker(total):
                continue
            m = re.match(r"[^一。\n]{0,4}[,:;。]?\s*", view[total.span[1] : total.span[1] + 6])
            start = total.span[1] + (m.end() if m else 0)
            if not view.startswith(LEXICON.list_markers[0], start):
                continue
            parts: list[Indexed] = []
            pos = start
            for marker in LEXICON.list_markers:
                mk = view.find(marker, pos, pos + 400)
                if mk < 0:
                    break
                nxt = min((x for x in (view.find("。", mk), view.find("\n", mk)) if x >= 0), default=len(view))
                item = next(((j, f) for j, f in self.figs[k + 1 :] if mk <= f.span[0] < nxt
                             and _compatible(total, f) and not self._is_rate(f)), None)
                if item is None:
                    break
                parts.append(item)
                pos = item[1].span[1]
            yield _make(i, total, parts)

