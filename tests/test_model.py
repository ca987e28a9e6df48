"""The record classes: frozen values whose fast constructor (model._fast_init) takes the same
arguments and gives the same values as the dataclass's own."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from extractor.model import Breakdown, Cell, Count, DateFact, Finding, Money, Qualifier, Severity

CASES = [
    pytest.param(Count, ("700余户", (0, 5), Decimal(700), "户"), {"approx": True, "approx_word": "余"}, id="count"),
    pytest.param(Money, ("不低于1000元", (0, 8), Decimal(1000)), {"qualifier": Qualifier.MIN}, id="money"),
    pytest.param(DateFact, ("1月13日", (0, 5), "--01-13", "--01-13"), {}, id="date"),
    pytest.param(Finding, ("sum_mismatch", Severity.ERROR, "分项之和不等于合计", (0, 3)), {}, id="finding"),
]


@pytest.mark.parametrize(("cls", "args", "kwargs"), CASES)
def test_fast_init_is_the_dataclass_init(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    obj = cls(*args, **kwargs)
    names = [f.name for f in dataclasses.fields(cls)]
    for name, value in zip(names, args, strict=False):
        assert getattr(obj, name) == value
    for name, value in kwargs.items():
        assert getattr(obj, name) == value
    for f in dataclasses.fields(cls)[len(args):]:  # the rest take their defaults
        if f.name not in kwargs:
            assert getattr(obj, f.name) == f.default
    assert obj == cls(**dict(zip(names, args, strict=False)), **kwargs)
    assert hash(obj) == hash(cls(*args, **kwargs))
    assert dataclasses.replace(obj) == obj
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, names[0], "x")
    with pytest.raises(TypeError):
        cls(*args[:1])  # a required field missing
    with pytest.raises(TypeError):
        cls(*args, nonsense=1)


def test_breakdowns_and_cells_have_the_fast_init() -> None:
    assert Breakdown.__init__.__qualname__ == "Breakdown.__init__"
    assert Cell.__init__.__qualname__ == "Cell.__init__"


CHANGES = [
    pytest.param(Count("700余户", (3, 8), Decimal(700), "户", approx=True), {"region": "哈密市"}, id="count-region"),
    pytest.param(Money("1000元", (0, 5), Decimal(1000)), {"span": (7, 12), "text": "1000元", "subject": "慰问金"},
                 id="money-span-text-subject"),
    pytest.param(DateFact("1月13日", (0, 5), "--01-13", "--01-13"), {"span": (2, 7)}, id="date-span"),
    pytest.param(Breakdown("count", Decimal(3), (Decimal(1), Decimal(2)), "户", (0, 3), 0, (1, 2), ((4, 5), (6, 7))),
                 {"consistent": True}, id="breakdown-consistent"),
    pytest.param(Cell(0, 1, "3", (4, 5)), {"span": (9, 10), "rowspan": 2}, id="cell-span-rowspan"),
    pytest.param(Count("两名", (0, 2), Decimal(2), "名"), {}, id="count-nothing-changed"),
]


@pytest.mark.parametrize(("value", "changes"), CHANGES)
def test_changed_is_dataclasses_replace(value: Any, changes: dict[str, Any]) -> None:
    from extractor.changed import changed

    got = changed(value, **changes)
    assert type(got) is type(value)
    assert got == dataclasses.replace(value, **changes)
    assert got is not value and value == dataclasses.replace(value)  # the value itself is untouched
    assert hash(got) == hash(dataclasses.replace(value, **changes))
    with pytest.raises(dataclasses.FrozenInstanceError):  # made without its __init__, still frozen
        setattr(got, dataclasses.fields(got)[0].name, None)


def test_changed_refuses_a_field_the_class_does_not_have() -> None:
    from extractor.changed import changed

    with pytest.raises(TypeError):
        changed(Count("两名", (0, 2), Decimal(2), "名"), colour="red")


def test_changed_leaves_a_class_with_a_field_outside_init_to_replace() -> None:
    from extractor.changed import changed

    @dataclasses.dataclass(frozen=True)
    class Made:
        a: int
        b: int
        c: int = dataclasses.field(init=False, default=0)

    assert changed(Made(1, 2), b=5) == Made(1, 5)
    with pytest.raises(ValueError):
        changed(Made(1, 2), c=3)  # as replace says: init=False fields cannot be given


def test_the_json_lines_ids_are_the_models() -> None:
    """The JSON line writes each id as the facts and breakdowns give their own."""
    from extractor import extract_text
    from extractor.output.jsonl import record_to_dict

    (record,) = extract_text("全年共慰问困难职工120户，其中劳模20户、农民工100户，发放慰问金12.5万元。2018年1月。")
    d = record_to_dict(record)
    assert [f["id"] for f in d["facts"]] == [f.id for f in record.facts]
    assert d["breakdowns"] and [(b["total_id"], b["part_ids"]) for b in d["breakdowns"]] == \
        [(b.total_id, list(b.part_ids)) for b in record.breakdowns]


def _record() -> Any:
    from extractor import extract_text

    (record,) = extract_text("全年共慰问困难职工120户，其中劳模20户、农民工100户，"
                             "发放慰问金12.5万元。2018年1月。x万元。")
    return record


def test_every_record_class_pickles() -> None:
    """The records go to and from a Dask cluster's workers by pickle. Compiled (mypyc), a class is
    made only through its ``__init__``: each is pickled through it (``_Value.__reduce__``)."""
    import pickle

    from extractor.model import Block, Document, ErrorRecord, Report, Table

    record = _record()
    assert {type(f) for f in record.facts} == {Count, Money, DateFact} and record.breakdowns and record.findings
    cell = Cell(0, 1, "3", (4, 5), rowspan=2)
    table = Table((0, 9), 1, 2, (cell,), page=3, header_rows=0, ragged=True)
    values = [record, *record.facts, *record.breakdowns, *record.findings, cell, table, Block("table", (0, 9), 3),
              Document("a.docx", "文本", "docx", "utf-8", {"k": 1}, (Block("paragraph", (0, 2)),), (table,)),
              Report("a.docx", 1, "标题", "文本", 4, {"k": [1]}, (table,)),
              ErrorRecord("b.pdf", "encrypted", "加密", {})]
    for value in values:
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            back = pickle.loads(pickle.dumps(value, protocol))
            assert type(back) is type(value) and back == value
            assert [getattr(back, f.name) for f in dataclasses.fields(back)] == \
                [getattr(value, f.name) for f in dataclasses.fields(value)]


@pytest.mark.parametrize("cls", [Money, Count, DateFact, Breakdown, Finding, Cell], ids=lambda c: c.__name__)
def test_the_figures_classes_init(cls: type) -> None:
    """Compiled, a figure's class keeps its own ``__init__`` (compiled stores into its fields);
    pure, ``_fast_init`` gives it one that stores through the slots (its own would raise on the
    frozen fields): never the one ``dataclasses`` writes."""
    import inspect

    init = vars(cls)["__init__"]
    if inspect.isfunction(init):
        assert init.__code__.co_filename == "<string>"  # _fast_init's
        assert set(init.__code__.co_names) == {f"_set{k}" for k in range(len(dataclasses.fields(cls)))}
    else:
        assert type(init).__name__ == "wrapper_descriptor"


@pytest.mark.parametrize("cls", [Money, Count, DateFact, Breakdown, Finding, Cell], ids=lambda c: c.__name__)
def test_the_own_init_takes_every_field(cls: type) -> None:
    """The ``__init__`` written in model.py (the one the compiled install runs) takes the fields in
    order, with their defaults, and stores each: a field added to the class and not to it fails."""
    import ast
    from pathlib import Path

    from extractor import model

    # the source beside the tests (a compiled module has none of its own to give inspect)
    source = (Path(__file__).resolve().parent.parent / "extractor" / "model.py").read_text(encoding="utf-8")
    (node,) = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef) and n.name == cls.__name__]
    (init,) = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
    names = [a.arg for a in init.args.args[1:]]
    assert names == [f.name for f in dataclasses.fields(cls)]
    namespace = vars(model)
    defaults = [eval(compile(ast.Expression(d), "<default>", "eval"), namespace) for d in init.args.defaults]
    assert defaults == [f.default for f in dataclasses.fields(cls)][len(names) - len(defaults):]
    assert all(f.default is not dataclasses.MISSING for f in dataclasses.fields(cls)[len(names) - len(defaults):])
    stored = [(t.attr, s.value.id) for s in init.body if isinstance(s, ast.Assign)
              for t in s.targets if isinstance(t, ast.Attribute) and isinstance(s.value, ast.Name)]
    assert stored == [(n, n) for n in names]


def _every_field_set(cls: type) -> Any:
    """An instance of ``cls`` whose every field holds a value of its own, none a default (so a
    field dropped or passed in another's place shows)."""
    values: dict[str, Any] = {}
    for k, f in enumerate(dataclasses.fields(cls)):
        default = f.default
        if f.name == "kind":
            continue
        if f.name in ("span", "subject_span"):
            values[f.name] = (k, k + 5)
        elif f.name in ("value", "quantum"):
            values[f.name] = Decimal(k + 7)
        elif f.name == "qualifier":
            values[f.name] = Qualifier.MAX
        elif f.name == "category_confidence":
            values[f.name] = k / 100
        elif isinstance(default, bool):
            values[f.name] = not default
        else:
            values[f.name] = f"<{f.name}>"
    return cls(**values)


@pytest.mark.parametrize("cls", [Count, Money], ids=lambda c: c.__name__)
def test_categorized_is_changed(cls: type) -> None:
    """``model.categorized`` (the about stage's copy of a figure) is ``changed`` with its eight
    fields, and keeps every other field of the figure."""
    from extractor.changed import changed
    from extractor.model import categorized

    f = _every_field_set(cls)
    new = ("主体", (30, 32), "needy_workers", "taxonomy", 0.875, None, "哈密市", "市总工会")
    names = ("subject", "subject_span", "category", "category_by", "category_confidence", "category_reason",
             "region", "org")
    got = categorized(f, *new)
    assert type(got) is cls and got == changed(f, **dict(zip(names, new, strict=True)))
    assert got != f and categorized(f, *(getattr(f, n) for n in names)) == f


def test_records_come_back_from_another_process() -> None:
    """``extract_path`` run in a process pool (as a caller may, or on a Dask worker) gives back
    the records it gives here: pickled across processes, compiled or not."""
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    from extractor.pipeline import extract_path

    seed = Path(__file__).resolve().parent.parent / "corpus" / "seed"
    (path,) = sorted(seed.glob("*.txt"))[:1]
    here = extract_path(path)
    with ProcessPoolExecutor(max_workers=1) as pool:
        there = pool.submit(extract_path, path).result()
    assert isinstance(here, list) and here and there == here
    assert {type(f).__name__ for r in there for f in r.facts} >= {"Money", "Count", "DateFact"}
