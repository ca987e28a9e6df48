"""Breakdowns: a stated total and the parts itemized for it.

Three shapes are read, sentence by sentence:

* ``共慰问困难家庭700余户，其中A 2户、B 150余户``: the figure before 其中 (分别为, 包括) is the total,
  the figures of the same kind after it are the parts;
* ``A 20户、B 30户，合计50户``: a clause opening with 合计/共计/总计 totals the figures before it;
* ``共投入50万元：一是...20万元；二是...30万元``: each 一是/二是 clause gives one part.

A figure in parentheses after a part (``地直55户(劳模2户)``) is a sub-part of that part, never a
part of the total; a per-unit rate (``每户1000元``) is never a part.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence

from .chars import fold
from .lexicon import LEXICON
from .model import Breakdown, Count, Fact, Money, Span
from .segment import sentences

__all__ = ["find_breakdowns"]

Figure = Money | Count
_RATE = re.compile(r"每|人均|户均|平均|标准为|标准是")
_CLAUSE_TOTAL = re.compile(r"(?:^|[,;:，；：])\s*(?:合计|共计|总计)[^,;:，；：。]{0,8}$")
_TOTAL_BEFORE = re.compile("(?:" + "|".join(map(re.escape, LEXICON.total_markers)) + r")[^,;:，；：。]{0,14}$")
_LIST_HEAD = re.compile(r"\s*(?:" + "|".join(LEXICON.list_markers) + ")")


def find_breakdowns(text: str, facts: Sequence[Fact], view: str | None = None) -> list[Breakdown]:
    """Breakdowns of ``text`` over its ``facts`` (indexes into ``facts`` are kept).

    ``view`` is ``fold(text)`` when the caller already has it."""
    view = fold(text) if view is None else view
    figs = [(i, f) for i, f in enumerate(facts) if isinstance(f, Money | Count) and f.value is not None]
    depth = _Depth(view)
    out: list[Breakdown] = []
    used_totals: set[int] = set()
    sents = sentences(text)
    for n, (_, (ss, se)) in enumerate(sents):
        here = [(i, f) for i, f in figs if ss <= f.span[0] < se]
        for marker in _markers(view, ss, se):
            for b in _after_marker(view, here, marker, depth, sents, n, figs):
                if b.total_index not in used_totals:
                    used_totals.add(b.total_index)
                    out.append(b)
        for b in _clause_totals(view, here, depth):
            if b.total_index not in used_totals:
                used_totals.add(b.total_index)
                out.append(b)
    for b in _list_items(view, figs, depth):
        if b.total_index not in used_totals:
            used_totals.add(b.total_index)
            out.append(b)
    out.sort(key=lambda b: b.span)
    return out


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


def _markers(view: str, ss: int, se: int) -> list[tuple[int, int, str]]:
    out = []
    for w in LEXICON.parts_markers:
        k = view.find(w, ss, se)
        while k >= 0:
            out.append((k, k + len(w), w))
            k = view.find(w, k + len(w), se)
    return sorted(out)


_CLAUSE_PUNCT = re.compile(r"[,;:!?。，；：！？\n]")


def _is_rate(view: str, f: Figure) -> bool:
    """每户1000元, 为每户送去慰问金300元和价值150元的米面油: a per-unit figure (每 earlier in
    its clause) or a bound (不低于800元) is not an amount that adds up to a total."""
    if f.qualifier is not None:
        return True
    s = f.span[0]
    lo = max(0, s - 40)
    starts = [m.end() for m in _CLAUSE_PUNCT.finditer(view, lo, s)]
    return _RATE.search(view, starts[-1] if starts else lo, s) is not None


def _compatible(total: Figure, part: Figure) -> bool:
    if isinstance(total, Money):
        return isinstance(part, Money)
    if not isinstance(part, Count):
        return False
    return part.unit == total.unit or (
        _fold_unit(part.unit) in LEXICON.people_units and _fold_unit(total.unit) in LEXICON.people_units
    )


@functools.cache
def _fold_unit(unit: str) -> str:
    return fold(unit)


def _make(total_i: int, total: Figure, parts: list[tuple[int, Figure]]) -> Breakdown:
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


def _collect_parts(view: str, figs: list[tuple[int, Figure]], total: Figure, depth: _Depth,
                   start: int, end: int) -> list[tuple[int, Figure]]:
    """Figures of the total's kind in ``[start, end)`` outside parentheses, rates excluded; a new
    total marker or 其中 ends the list."""
    base = depth[start]
    parts: list[tuple[int, Figure]] = []
    for i, f in figs:
        s = f.span[0]
        if s < start or s >= end:
            continue
        if depth[s] > base or _is_rate(view, f) or not _compatible(total, f):
            continue
        between = view[parts[-1][1].span[1] if parts else start : s]
        if parts and any(w in between for w in ("其中", "合计", "共计", "总计")):
            break
        parts.append((i, f))
    return parts


def _after_marker(view: str, here: list[tuple[int, Figure]], marker: tuple[int, int, str],
                  depth: _Depth, sents: list[tuple[str, Span]], n: int,
                  figs: list[tuple[int, Figure]]) -> list[Breakdown]:
    """The total before 其中 (分别为, 包括) is the nearest figure of the kind the list itemizes.

    One list may itemize two totals side by side (共资助学生418名，发放156.8万元。其中：本科236名，
    计118万元；专科182名，计36.4万元): each kind of figure after the marker finds its own total."""
    ms, me, word = marker
    end = sents[n][1][1]
    before = [(i, f) for i, f in here if f.span[1] <= ms and depth[f.span[0]] == depth[ms]]
    if not before and word == "其中" and n > 0 and not view[sents[n][1][0] : ms].strip(" ,:，："):
        # 共慰问700余户。其中，低保户...: the total stands in the previous sentence
        ps, pe = sents[n - 1][1]
        before = [(i, f) for i, f in figs if ps <= f.span[0] < pe]
    if word != "其中":
        # 分别为 and 包括 split a stated total only: 全镇共有贫困户235户，三个村分别为86户、72户
        before = [(i, f) for i, f in before if _has_total_marker(view, f)]
    out: list[Breakdown] = []
    handled: list[Figure] = []  # the first figure of each kind already itemized
    for _, first in here:
        if first.span[0] < me or depth[first.span[0]] != depth[ms] or _is_rate(view, first):
            continue
        if any(_compatible(h, first) for h in handled):
            continue
        handled.append(first)
        candidates = [(i, f) for i, f in before if _compatible(f, first) and f.qualifier is None]
        if not candidates:
            continue
        total_i, total = candidates[-1]
        parts = _collect_parts(view, here, total, depth, me, end)
        # a second kind must itemize too: 所属18家子公司 inside a money list is a label, not a part
        if len(parts) >= (1 if not out else 2):
            out.append(_make(total_i, total, parts))
    return out


def _has_total_marker(view: str, f: Figure) -> bool:
    return _TOTAL_BEFORE.search(view[max(0, f.span[0] - 16) : f.span[0]]) is not None


def _clause_totals(view: str, here: list[tuple[int, Figure]], depth: _Depth) -> list[Breakdown]:
    """``A 20户、B 30户，合计50户``: a clause opening with 合计 totals the figures before it."""
    out = []
    for k, (i, f) in enumerate(here):
        head = view[max(0, f.span[0] - 16) : f.span[0]]
        if _CLAUSE_TOTAL.search(head) is None:
            continue
        earlier = [(j, p) for j, p in here[:k] if depth[p.span[0]] == depth[f.span[0]]
                   and not _is_rate(view, p) and _compatible(f, p)]
        if len(earlier) >= 2 and "其中" not in view[earlier[0][1].span[0] : f.span[0]]:
            out.append(_make(i, f, earlier))
    return out


def _list_items(view: str, figs: list[tuple[int, Figure]], depth: _Depth) -> list[Breakdown]:
    """``共投入50万元：一是...20万元；二是...30万元``: one part per 一是/二是 clause."""
    out = []
    for k, (i, total) in enumerate(figs):
        if not _has_total_marker(view, total):
            continue
        rest = view[total.span[1] : total.span[1] + 6]
        m = re.match(r"[^一。\n]{0,4}[,:;。]?\s*", rest)
        start = total.span[1] + (m.end() if m else 0)
        if not view.startswith(LEXICON.list_markers[0], start):
            continue
        parts: list[tuple[int, Figure]] = []
        pos = start
        for marker in LEXICON.list_markers:
            mk = view.find(marker, pos, pos + 400)
            if mk < 0:
                break
            nxt = min((x for x in (view.find("。", mk), view.find("\n", mk)) if x >= 0), default=len(view))
            item = next(((j, f) for j, f in figs[k + 1 :] if mk <= f.span[0] < nxt and _compatible(total, f)
                         and not _is_rate(view, f)), None)
            if item is None:
                break
            parts.append(item)
            pos = item[1].span[1]
        if parts:
            out.append(_make(i, total, parts))
    return out
