"""The small records the stages make by the thousand have an ``__init__`` of their own.

A dataclass compiled by mypyc keeps the ``__init__`` that ``dataclasses`` writes at run time,
which stays interpreted (about 280 ns for four fields, against 65 ns compiled): the classes made
once a figure or more often say their own, which mypyc compiles. This holds them to it, and to
still being dataclasses (equality, ``repr`` and ``replace`` as before).
"""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal

import pytest

from extractor.calc import Interval, Sum
from extractor.facts.dates import _Point
from extractor.lang.numbers import Number
from extractor.structure.breakdowns import Fig, Item, Items

HOT = [Interval, Sum, Fig, Item, Items, Number, _Point]


@pytest.mark.parametrize("cls", HOT, ids=lambda c: c.__name__)
def test_own_init(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    init = vars(cls)["__init__"]
    if inspect.isfunction(init):  # pure Python: it is the class's own, not the one dataclasses wrote
        assert inspect.getsourcefile(init) == inspect.getsourcefile(cls)
    else:  # compiled by mypyc
        assert type(init).__name__ == "wrapper_descriptor"
    assert [p for p in inspect.signature(cls).parameters] == [f.name for f in dataclasses.fields(cls)]


def test_still_dataclasses() -> None:
    a = Interval(Decimal(1), Decimal(2))
    assert a == Interval(Decimal(1), Decimal(2), False, False) and a != Interval(Decimal(1), Decimal(3))
    assert repr(a) == "Interval(lo=Decimal('1'), hi=Decimal('2'), lo_open=False, hi_open=False)"
    assert dataclasses.replace(a, hi_open=True) == Interval(Decimal(1), Decimal(2), hi_open=True)
    p = _Point(2019, 1, None, None, True, False, "month")
    assert p.month_to is None
    assert dataclasses.replace(p, day_from=3, day_to=3, period="day") == _Point(2019, 1, 3, 3, True, False, "day")
