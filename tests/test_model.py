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
