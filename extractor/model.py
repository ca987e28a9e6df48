"""The records: immutable values, each fact with its surface text and its span.

Spans are ``(start, end)`` code-point offsets into the report's ``text``, end exclusive, and
``text[start:end] == fact.text`` always holds.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from types import FunctionType
from typing import Any, Final, Literal

__all__ = [
    "Block",
    "Breakdown",
    "Cell",
    "Count",
    "DateFact",
    "Document",
    "ErrorRecord",
    "Fact",
    "Finding",
    "Money",
    "Qualifier",
    "Record",
    "Report",
    "Severity",
    "Span",
    "Table",
    "categorized",
    "fact_id",
    "span_id",
]

Span = tuple[int, int]


class Qualifier(StrEnum):
    MIN = "min"
    MAX = "max"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_ONE: Final = Decimal(1)


class _Value:
    """The records' base: pickled by their fields, through the constructor.

    The module is compiled (mypyc), and a compiled class is made only through its ``__init__``:
    pickle's default, which makes the object empty and then sets its slots, cannot make it
    (nor set a frozen field). A caller that runs :func:`~extractor.pipeline.extract_path` on a
    Dask worker or in a process pool gets its records back so (``ingest`` sends their dicts)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return type(self), tuple(getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, init=False)
class Money(_Value):
    """An amount of money, in yuan. ``value`` is None for a template blank (``x万元``)."""

    text: str
    span: Span
    value: Decimal | None
    approx: bool = False
    qualifier: Qualifier | None = None
    placeholder: bool = False
    #: the place or unit the amount belongs to (a table row's header: 哈密市)
    region: str | None = None
    #: the approximation word as written (余, 约, 近, 左右...), for interval arithmetic
    approx_word: str | None = None
    #: the place of the last significant digit, in yuan (12.5万元 → 1000)
    quantum: Decimal = _ONE
    #: written rounded (12.5万) rather than as an exact integer (125000)
    rounded: bool = False
    subject: str | None = None
    subject_span: Span | None = None
    category: str | None = None
    #: what the figure is about (issue 6): the phrase it counts or pays, where it stands, its
    #: taxonomy id, how that was decided (taxonomy, classifier, breakdown, context), the
    #: classifier's calibrated confidence, and why the category is null when it is
    category_by: str | None = None
    category_confidence: float | None = None
    category_reason: str | None = None
    #: the organization the figure belongs to (市总工会, 地直)
    org: str | None = None
    kind: Literal["money"] = "money"

    def __init__(self, text: str, span: Span, value: Decimal | None, approx: bool = False,
                 qualifier: Qualifier | None = None, placeholder: bool = False, region: str | None = None,
                 approx_word: str | None = None, quantum: Decimal = _ONE, rounded: bool = False,
                 subject: str | None = None, subject_span: Span | None = None, category: str | None = None,
                 category_by: str | None = None, category_confidence: float | None = None,
                 category_reason: str | None = None, org: str | None = None,
                 kind: Literal["money"] = "money") -> None:
        self.text = text  # type: ignore[misc]
        self.span = span  # type: ignore[misc]
        self.value = value  # type: ignore[misc]
        self.approx = approx  # type: ignore[misc]
        self.qualifier = qualifier  # type: ignore[misc]
        self.placeholder = placeholder  # type: ignore[misc]
        self.region = region  # type: ignore[misc]
        self.approx_word = approx_word  # type: ignore[misc]
        self.quantum = quantum  # type: ignore[misc]
        self.rounded = rounded  # type: ignore[misc]
        self.subject = subject  # type: ignore[misc]
        self.subject_span = subject_span  # type: ignore[misc]
        self.category = category  # type: ignore[misc]
        self.category_by = category_by  # type: ignore[misc]
        self.category_confidence = category_confidence  # type: ignore[misc]
        self.category_reason = category_reason  # type: ignore[misc]
        self.org = org  # type: ignore[misc]
        self.kind = kind  # type: ignore[misc]

    @property
    def id(self) -> str:
        """Its stable id (:func:`fact_id`)."""
        return fact_id(self)


@dataclass(frozen=True, slots=True, init=False)
class Count(_Value):
    """A count of people, households, units or events (``700余户``, ``两名``)."""

    text: str
    span: Span
    value: Decimal | None
    unit: str
    approx: bool = False
    qualifier: Qualifier | None = None
    placeholder: bool = False
    subject: str | None = None
    subject_span: Span | None = None
    category: str | None = None
    #: the place or unit the count belongs to (a table row's header: 哈密市)
    region: str | None = None
    approx_word: str | None = None
    quantum: Decimal = _ONE
    rounded: bool = False
    #: what the figure is about (issue 6): the phrase it counts or pays, where it stands, its
    #: taxonomy id, how that was decided (taxonomy, classifier, breakdown, context), the
    #: classifier's calibrated confidence, and why the category is null when it is
    category_by: str | None = None
    category_confidence: float | None = None
    category_reason: str | None = None
    #: the organization the figure belongs to (市总工会, 地直)
    org: str | None = None
    kind: Literal["count"] = "count"

    def __init__(self, text: str, span: Span, value: Decimal | None, unit: str, approx: bool = False,
                 qualifier: Qualifier | None = None, placeholder: bool = False, subject: str | None = None,
                 subject_span: Span | None = None, category: str | None = None, region: str | None = None,
                 approx_word: str | None = None, quantum: Decimal = _ONE, rounded: bool = False,
                 category_by: str | None = None, category_confidence: float | None = None,
                 category_reason: str | None = None, org: str | None = None,
                 kind: Literal["count"] = "count") -> None:
        self.text = text  # type: ignore[misc]
        self.span = span  # type: ignore[misc]
        self.value = value  # type: ignore[misc]
        self.unit = unit  # type: ignore[misc]
        self.approx = approx  # type: ignore[misc]
        self.qualifier = qualifier  # type: ignore[misc]
        self.placeholder = placeholder  # type: ignore[misc]
        self.subject = subject  # type: ignore[misc]
        self.subject_span = subject_span  # type: ignore[misc]
        self.category = category  # type: ignore[misc]
        self.region = region  # type: ignore[misc]
        self.approx_word = approx_word  # type: ignore[misc]
        self.quantum = quantum  # type: ignore[misc]
        self.rounded = rounded  # type: ignore[misc]
        self.category_by = category_by  # type: ignore[misc]
        self.category_confidence = category_confidence  # type: ignore[misc]
        self.category_reason = category_reason  # type: ignore[misc]
        self.org = org  # type: ignore[misc]
        self.kind = kind  # type: ignore[misc]

    @property
    def id(self) -> str:
        """Its stable id (:func:`fact_id`)."""
        return fact_id(self)


@dataclass(frozen=True, slots=True, init=False)
class DateFact(_Value):
    """A day, month, 旬, year or a range of them, as ISO dates (``--MM-DD`` when the year is
    unknown, None when nothing is known). ``period`` is the precision of the written form."""

    text: str
    span: Span
    start: str | None
    end: str | None
    placeholder: bool = False
    period: Literal["day", "xun", "month", "year", "range"] = "day"
    kind: Literal["date"] = "date"

    def __init__(self, text: str, span: Span, start: str | None, end: str | None, placeholder: bool = False,
                 period: Literal["day", "xun", "month", "year", "range"] = "day",
                 kind: Literal["date"] = "date") -> None:
        self.text = text  # type: ignore[misc]
        self.span = span  # type: ignore[misc]
        self.start = start  # type: ignore[misc]
        self.end = end  # type: ignore[misc]
        self.placeholder = placeholder  # type: ignore[misc]
        self.period = period  # type: ignore[misc]
        self.kind = kind  # type: ignore[misc]

    @property
    def id(self) -> str:
        """Its stable id (:func:`fact_id`)."""
        return fact_id(self)


Fact = Money | Count | DateFact


def fact_id(f: Money | Count | DateFact) -> str:
    """A fact's stable id: its kind and span (``money:12-18``). The same in every output and every
    run, and unchanged when other facts are added or dropped (a list position is not): two facts
    of one kind never share a span.

    >>> fact_id(Count("53名", (6, 9), None, "名"))
    'count:6-9'
    """
    return span_id(f.kind, f.span)


def categorized(f: Money | Count, subject: str | None, subject_span: Span | None, category: str | None,
                category_by: str | None, category_confidence: float | None, category_reason: str | None,
                region: str | None, org: str | None) -> Money | Count:
    """``f`` with what the about stage decides of it (its subject, category, region and org):
    ``changed(f, subject=…, …, org=…)``, made by the class's own constructor, each field read
    and passed in place (the stage makes one a figure; ``changed`` builds keyword arguments,
    reads the fields by name and calls the class generically: a dozen times the work, compiled)."""
    if isinstance(f, Count):
        return Count(f.text, f.span, f.value, f.unit, f.approx, f.qualifier, f.placeholder, subject, subject_span,
                     category, region, f.approx_word, f.quantum, f.rounded, category_by, category_confidence,
                     category_reason, org, f.kind)
    return Money(f.text, f.span, f.value, f.approx, f.qualifier, f.placeholder, region, f.approx_word, f.quantum,
                 f.rounded, subject, subject_span, category, category_by, category_confidence, category_reason, org,
                 f.kind)


def span_id(kind: str, span: Span) -> str:
    """The id of the fact of ``kind`` at ``span`` (a breakdown's total or part)."""
    return f"{kind}:{span[0]}-{span[1]}"


@dataclass(frozen=True, slots=True, init=False)
class Breakdown(_Value):
    """A stated total and its itemized parts (共...其中..., 合计, 分别为...).

    ``total_index`` and ``part_indexes`` point into the record's facts."""

    kind: Literal["count", "money"]
    total: Decimal | None
    parts: tuple[Decimal | None, ...]
    unit: str
    span: Span
    total_index: int
    part_indexes: tuple[int, ...]
    part_spans: tuple[Span, ...]
    #: whether the parts' interval meets the total's (None until checked, or when it cannot be)
    consistent: bool | None = None
    #: the shape it was read from (``parts_marker`` for 共…其中…, ``table_column`` for a 合计 row…:
    #: the recognizers of ``breakdowns.SHAPES`` and the tables')
    shape: str = ""
    #: False when the list may not be exhaustive (…等) or its structure is a guess: a sum that does
    #: not add up is then said at severity info, not as a warning
    certain: bool = True

    def __init__(self, kind: Literal["count", "money"], total: Decimal | None, parts: tuple[Decimal | None, ...],
                 unit: str, span: Span, total_index: int, part_indexes: tuple[int, ...], part_spans: tuple[Span, ...],
                 consistent: bool | None = None, shape: str = "", certain: bool = True) -> None:
        self.kind = kind  # type: ignore[misc]
        self.total = total  # type: ignore[misc]
        self.parts = parts  # type: ignore[misc]
        self.unit = unit  # type: ignore[misc]
        self.span = span  # type: ignore[misc]
        self.total_index = total_index  # type: ignore[misc]
        self.part_indexes = part_indexes  # type: ignore[misc]
        self.part_spans = part_spans  # type: ignore[misc]
        self.consistent = consistent  # type: ignore[misc]
        self.shape = shape  # type: ignore[misc]
        self.certain = certain  # type: ignore[misc]

    @property
    def total_id(self) -> str:
        """The stable id of the total's fact (:func:`fact_id`)."""
        return span_id(self.kind, self.span)

    @property
    def part_ids(self) -> tuple[str, ...]:
        """The stable ids of the parts' facts, in order."""
        return tuple(span_id(self.kind, s) for s in self.part_spans)


@dataclass(frozen=True, slots=True, init=False)
class Finding(_Value):
    rule: str
    severity: Severity
    message: str
    span: Span
    evidence: tuple[Span, ...] = ()

    def __init__(self, rule: str, severity: Severity, message: str, span: Span,
                 evidence: tuple[Span, ...] = ()) -> None:
        self.rule = rule  # type: ignore[misc]
        self.severity = severity  # type: ignore[misc]
        self.message = message  # type: ignore[misc]
        self.span = span  # type: ignore[misc]
        self.evidence = evidence  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class Cell(_Value):
    """One cell of a table, read once even when merged; ``span`` is its text in the document's
    text (a table is written there as one line a row, cells apart by a tab)."""

    row: int
    col: int
    text: str
    span: Span
    rowspan: int = 1
    colspan: int = 1

    def __init__(self, row: int, col: int, text: str, span: Span, rowspan: int = 1, colspan: int = 1) -> None:
        self.row = row  # type: ignore[misc]
        self.col = col  # type: ignore[misc]
        self.text = text  # type: ignore[misc]
        self.span = span  # type: ignore[misc]
        self.rowspan = rowspan  # type: ignore[misc]
        self.colspan = colspan  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Table(_Value):
    """A table: its cells, its span in the document's text, and the page it stands on."""

    span: Span
    rows: int
    cols: int
    cells: tuple[Cell, ...]
    page: int | None = None
    #: how many rows at the top are headers, when the reader knows (None: the rows before the
    #: first one that holds a figure)
    header_rows: int | None = None
    #: a table flattened with no row marks in which some row holds fewer values than there are
    #: columns: its values may sit under the wrong headers, so its sums are not certain
    ragged: bool = False

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell covering ``(row, col)`` (a merged cell covers several)."""
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None


BlockKind = Literal["heading", "paragraph", "list_item", "table", "header", "footer"]


@dataclass(frozen=True, slots=True)
class Block(_Value):
    """A run of the document's text with what it is (a paragraph, a table...) and its page."""

    kind: BlockKind
    span: Span
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Document(_Value):
    """What a reader produced from one file: its text and where it came from.

    ``blocks`` and ``tables`` point into ``text``; a plain-text file has neither."""

    source: str
    text: str
    format: str
    encoding: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class Report(_Value):
    """One report cut out of a document: its own text, title and place in the file."""

    source: str
    index: int
    title: str | None
    text: str
    offset: int
    meta: dict[str, Any] = field(default_factory=dict)
    #: the document's tables that stand in this report, their spans made the report's
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class Record(_Value):
    """The extraction result for one report: what the JSONL contract carries."""

    source: str
    index: int
    title: str | None
    text: str
    facts: tuple[Fact, ...]
    breakdowns: tuple[Breakdown, ...]
    findings: tuple[Finding, ...]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ErrorRecord(_Value):
    """A file that gave no report, and why: nothing is lost silently. ``meta`` holds what a
    record's meta would say of the file itself (``path_bytes`` for a name that is not UTF-8)."""

    source: str
    code: str
    message: str
    meta: dict[str, Any] = field(default_factory=dict)


def _fast_init(cls: type) -> None:
    """In the pure-Python install, give a frozen, slotted dataclass an ``__init__`` that stores
    each field through its slot's own setter instead of ``object.__setattr__`` by name: the same
    arguments, defaults and values as the class's own, about half the time of the one
    ``dataclasses`` writes (2.3 → 1.3 µs for a :class:`Count`; the facts are built and copied
    tens of thousands of times a corpus). The instances stay frozen: assigning to a field still
    raises ``FrozenInstanceError``. Fields with a default factory are not handled (the classes
    that have them are built once a report, not per figure).

    Compiled (mypyc), the class's own ``__init__`` is kept: its assignments are stores into the
    object's fields (0.18 µs to make a :class:`Count` from Python), which a frozen class's
    ``__setattr__`` does not see. Interpreted, they would go through that ``__setattr__`` and raise."""
    params, body = [], []
    namespace: dict[str, Any] = {}
    for k, f in enumerate(fields(cls)):
        if f.default_factory is not MISSING or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain fields")
        namespace[f"_set{k}"] = getattr(cls, f.name).__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default{k}"] = f.default
            params.append(f"{f.name}=_default{k}")
        body.append(f"    _set{k}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = vars(cls)["__init__"].__doc__
    cls.__init__ = init  # type: ignore[misc]


for _cls in (Money, Count, DateFact, Breakdown, Finding, Cell):
    if isinstance(vars(_cls)["__init__"], FunctionType):  # pure Python: its own assigns frozen fields
        _fast_init(_cls)
