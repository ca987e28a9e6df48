"""Totals that count each group once: what each figure does in a total (its :class:`Role`), and
the sums of figures grouped by category, region or any of :data:`GROUPS`.

A figure is added to its group's total, or it is a part of a breakdown (its total is added; when
each part names its own region, as a table of streets or a list of towns does, the parts are
added instead when totals go by region), or
it states again a figure added (困难职工53名 … 此次活动覆盖困难职工53名, the text's 共计40.2万元 and its
table's 合计 40.2万元), or it is a rate or a bound (每户500元, 每户不低于1000元): listed apart, never
added. :func:`figure_roles` works the roles out from a report; the audit reads them at once, the
store keeps them (``facts.total_role``) for ``extractor query totals``; both sum them with
:func:`tally`, so that the audit and the store give the same totals.

>>> from extractor.pipeline import extract_text
>>> r = extract_text("共慰问困难群众100户，其中低保户30户、五保户70户，每户500元。")[0]
>>> [(f.text, role.value) for f, role in zip(r.facts, record_roles(r)) if role]
[('100户', 'added'), ('30户', 'part'), ('70户', 'part'), ('500元', 'rate')]
>>> figures = [tallied(f, role, (f.category,)) for f, role in zip(r.facts, record_roles(r)) if role]
>>> totals, standards = tally(figures, ["category"])
>>> [(t.group, t.unit, t.total) for t in totals], [(s.unit, s.role.value, s.low) for s in standards]
([(('needy_residents',), '户', Decimal('100'))], [('元', 'rate', Decimal('500'))])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Literal

from .lang.chars import fold_word
from .model import Count, Fact, Money, Record

if TYPE_CHECKING:
    from .reportdoc import ReportDoc

__all__ = ["GROUPS", "STANDARDS", "Key", "Role", "Standard", "Tallied", "Total", "figure_roles", "record_roles",
           "tallied", "tally"]


class Role(StrEnum):
    """What a figure does in the totals."""

    ADDED = "added"  # added to its group's total
    PART = "part"  # a part of a breakdown: its total is added
    RESTATED = "restated"  # states again a figure added, or a part (:func:`~.checks.duplicates.restatements`)
    RATE = "rate"  # per unit (每户500元, 人均500元): listed apart, never added
    MIN = "min"  # a lower bound (每户不低于1000元): listed apart, never added
    MAX = "max"  # an upper bound (每人最多2000元): listed apart, never added
    SPLIT = "split"  # a total whose parts each name a region: added, unless totals go by region
    SHARE = "share"  # a part of a split total (其中保华镇2户…): added only when totals go by region
    RAISED = "raised"  # money raised or received (筹集资金50万元, 争取上级资金): its own total, apart from money paid
    PLANNED = "planned"  # a plan, a budget or a target (计划投入100万元, 拟慰问500户): listed apart, never added


#: the roles listed apart from the totals (rates and bounds), in the order they are listed
STANDARDS = (Role.RATE, Role.MIN, Role.MAX, Role.PLANNED)

#: what totals may be grouped by: a figure's category, region, subject and organization, and its
#: report's year (money and each measure word are always apart)
GROUPS = ("category", "region", "subject", "org", "year")

#: the value of one grouping column (a year is a number; None: not stated)
Key = str | int | None


def figure_roles(doc: ReportDoc) -> tuple[Role | None, ...]:
    """The role of each of a report's facts in the totals (None for a date or a blank): a bound
    (a qualifier) or a rate (:func:`~.structure.breakdowns.per_unit`) is never added; of the
    figures that state one figure again, the first is added, unless one of them is a part of a
    breakdown (its total holds it); a part is not added (its total is).

    >>> from extractor.pipeline import extract_text
    >>> from extractor.reportdoc import ReportDoc
    >>> r = extract_text("慰问困难职工53名，每人500元。此次活动覆盖困难职工53名。")[0]
    >>> [(f.text, role.value) for f, role in zip(r.facts, figure_roles(ReportDoc.of_record(r))) if role]
    [('53名', 'added'), ('500元', 'rate'), ('53名', 'restated')]
    """
    from .checks.duplicates import restatements
    from .structure.breakdowns import per_unit, planned, raised

    roles: list[Role | None] = [None] * len(doc.facts)
    parts = {i for b in doc.breakdowns for i in b.part_indexes}
    for i, f in enumerate(doc.facts):
        if not isinstance(f, Count | Money) or f.value is None or f.placeholder or f.value < 0:
            continue  # a negative figure is a change (净增减 -10户), not an amount or a count
        if f.qualifier is not None:
            roles[i] = Role(f.qualifier.value)
        elif per_unit(doc.view, f):
            roles[i] = Role.RATE
        elif planned(doc.view, f):
            roles[i] = Role.PLANNED
        elif i in parts:
            roles[i] = Role.PART
        else:
            roles[i] = Role.RAISED if isinstance(f, Money) and raised(doc.view, f) else Role.ADDED
    added_of: dict[int, int] = {}  # each figure of a restated group → the one of them added
    for group in restatements(doc, (i for i, r in enumerate(roles) if r in (Role.ADDED, Role.PART))):
        held = any(roles[i] is Role.PART for i in group)
        for k, i in enumerate(group):
            if roles[i] is Role.ADDED and (held or k > 0):
                roles[i] = Role.RESTATED
        first = next((i for i in group if roles[i] is Role.ADDED), None)
        if first is not None:
            added_of.update((i, first) for i in group)
    for group in restatements(doc, (i for i, r in enumerate(roles) if r is Role.RAISED)):
        for i in group[1:]:  # 共筹集资金50万元 … 全年共筹集资金50万元: raised once
            roles[i] = Role.RESTATED
    _split_by_region(doc, roles, added_of)
    return tuple(roles)


def _split_by_region(doc: ReportDoc, roles: list[Role | None], added_of: dict[int, int]) -> None:
    """A total shared out among places (其中保华镇2户10人，大河镇8户17人…; a table of streets and its
    合计): when each of its parts names a region other than the total's, the figure added for the
    total is :attr:`Role.SPLIT` and the parts are :attr:`Role.SHARE` (the totals by region add
    them instead). One split a total: a list and a table of the same shares are not both added."""
    for b in doc.breakdowns:
        head = added_of.get(b.total_index, b.total_index)
        total = doc.facts[head]
        if roles[head] is not Role.ADDED or not isinstance(total, Count | Money) or not b.part_indexes:
            continue
        if all(roles[i] is Role.PART and _regional(doc.facts[i], total.region) for i in b.part_indexes):
            roles[head] = Role.SPLIT
            for i in b.part_indexes:
                roles[i] = Role.SHARE


def _regional(f: Fact, region: str | None) -> bool:
    return isinstance(f, Count | Money) and bool(f.region) and f.region != region


def record_roles(record: Record) -> tuple[Role | None, ...]:
    """:func:`figure_roles` of a record (as ``extract`` gives it, or read back from JSON Lines or
    the store: the same roles either way)."""
    from .reportdoc import ReportDoc

    return figure_roles(ReportDoc.of_record(record))


@dataclass(frozen=True, slots=True)
class Tallied:
    """Figures of one role, group and measure, summed: one figure (:func:`tallied`), or what the
    store's ``GROUP BY`` added up. ``unit`` is 元 for money, else the count's measure word."""

    group: tuple[Key, ...]
    kind: Literal["money", "count"]
    unit: str
    role: Role
    total: Decimal
    facts: int
    approx: bool
    low: Decimal
    high: Decimal


def tallied(f: Money | Count, role: Role, group: tuple[Key, ...]) -> Tallied:
    """One figure of a role as :func:`tally` adds it up, in ``group`` (its category, region...).

    >>> from decimal import Decimal as D
    >>> tallied(Count("53名", (0, 3), D(53), "名"), Role.ADDED, ("needy_workers", None)).total
    Decimal('53')
    """
    assert f.value is not None
    unit = f.unit if isinstance(f, Count) else "元"
    return Tallied(group, f.kind, unit, role, f.value, 1, f.approx, f.value, f.value)


@dataclass(frozen=True, slots=True)
class Total:
    """The total of a group in one measure: the figures added (``facts``), approximate when one
    of them is, and how many stated again one of them (``restated``: not added). ``raised``: the
    money raised or received (:attr:`Role.RAISED`), a total apart from the money paid."""

    group: tuple[Key, ...]
    kind: Literal["money", "count"]
    unit: str
    total: Decimal
    facts: int
    approx: bool
    restated: int
    raised: bool = False


@dataclass(frozen=True, slots=True)
class Standard:
    """The rates or bounds of a group in one measure (每户500元, 每户不低于1000元): their lowest and
    highest value, never added to a total."""

    group: tuple[Key, ...]
    kind: Literal["money", "count"]
    unit: str
    role: Role
    low: Decimal
    high: Decimal
    facts: int


@cache
def _category_rank() -> dict[str, int]:
    """Each category's place in the taxonomy (data/taxonomy.toml: the groups of people, then the
    funds...): the order a table lists them in."""
    from .about.taxonomy import TAXONOMY

    return {c.id: k for k, c in enumerate(TAXONOMY.categories)}


def _rank(name: str, value: Key) -> tuple[bool, int, Key]:
    """Where a group's value comes in a table: a value not stated last, categories in the
    taxonomy's order (an id it does not know after them), other values by themselves."""
    if value is None:
        return True, 0, ""
    if name == "category":
        ranks = _category_rank()
        return False, ranks.get(str(value), len(ranks)), value
    return False, 0, value


def _order(by: Sequence[str], group: tuple[Key, ...], kind: str, unit: str) -> tuple[object, ...]:
    """Groups by their values (:func:`_rank`), then money before counts, counts by measure word."""
    return (*(_rank(name, v) for name, v in zip(by, group, strict=True)), kind != "money", unit)


@dataclass(slots=True)
class _Sum:
    total: Decimal = Decimal(0)
    facts: int = 0
    approx: bool = False
    restated: int = 0


@dataclass(slots=True)
class _Range:
    low: Decimal
    high: Decimal
    facts: int = 0


def tally(items: Iterable[Tallied], by: Sequence[str]) -> tuple[list[Total], list[Standard]]:
    """The totals of each group (its values of ``by``: :data:`GROUPS`) and measure, each group
    once, and the rates and bounds apart: a part is not added (its total is), a figure stated
    again is not added but counted as ``restated``, a rate or a bound is listed apart, money
    raised or received has a total of its own (after the money paid of its group); a total
    whose parts each name a region (:attr:`Role.SPLIT`) is added unless the totals go by region,
    where its parts are added instead. Measure words are compared folded (戶 is 户); money and
    each measure word are apart (户 and 人 are never added together). A group whose only figures
    restate a part has no total.

    >>> from decimal import Decimal as D
    >>> def t(role, value, unit="户"):
    ...     return Tallied(("needy_residents",), "count", unit, role, D(value), 1, False, D(value), D(value))
    >>> totals, _ = tally([t(Role.ADDED, 100), t(Role.PART, 30), t(Role.RESTATED, 100), t(Role.ADDED, 60, "戶")],
    ...                   ["category"])
    >>> [(x.unit, x.total, x.facts, x.restated) for x in totals]
    [('户', Decimal('160'), 2, 1)]
    """
    sums: dict[tuple[tuple[Key, ...], str, str, bool], _Sum] = {}
    again: dict[tuple[tuple[Key, ...], str, str], int] = {}  # figures stated again, per group
    apart: dict[tuple[tuple[Key, ...], str, str, Role], _Range] = {}
    regional = "region" in by
    for x in items:
        # a total shared out among places is one figure by category, its parts by region
        if x.role is Role.PART or x.role is (Role.SPLIT if regional else Role.SHARE):
            continue
        group, kind, unit = x.group, x.kind, fold_word(x.unit) if x.kind == "count" else x.unit
        if x.role in STANDARDS:
            r = apart.setdefault((group, kind, unit, x.role), _Range(x.low, x.high))
            r.low, r.high, r.facts = min(r.low, x.low), max(r.high, x.high), r.facts + x.facts
            continue
        if x.role is Role.RESTATED:
            again[(group, kind, unit)] = again.get((group, kind, unit), 0) + x.facts
            continue
        s = sums.setdefault((group, kind, unit, x.role is Role.RAISED), _Sum())
        s.total += x.total
        s.facts += x.facts
        s.approx = s.approx or x.approx
    # a figure stated again is counted under the money paid, or under the money raised when only
    # money raised was added in its group
    for key, n in again.items():
        paid = sums.get((*key, False))
        sums.setdefault((*key, paid is None and (*key, True) in sums), _Sum()).restated += n
    totals = [Total(group, _kind(kind), unit, s.total, s.facts, s.approx, s.restated, raised)
              for (group, kind, unit, raised), s
              in sorted(sums.items(), key=lambda kv: (*_order(by, *kv[0][:3]), kv[0][3]))
              if s.facts]
    standards = [Standard(group, _kind(kind), unit, role, r.low, r.high, r.facts)
                 for (group, kind, unit, role), r
                 in sorted(apart.items(), key=lambda kv: (*_order(by, *kv[0][:3]), STANDARDS.index(kv[0][3])))]
    return totals, standards


def _kind(kind: str) -> Literal["money", "count"]:
    return "money" if kind == "money" else "count"
