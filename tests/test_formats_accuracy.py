"""Issue 4's acceptance: the facts of a rendered file score as its text does (facts F1 within
0.02 of the .txt result on the same reports, with the customer's scorer)."""

from __future__ import annotations

import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from score_formats import RENDERED, compare

FORMATS = sorted(p.name for p in RENDERED.iterdir() if p.is_dir())


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendered_format_scores_like_text(fmt: str) -> None:
    r = compare(fmt)
    assert r["files"] >= 11  # the seed and at least ten dev reports
    assert r["fmt"]["facts"] >= r["txt"]["facts"] - 0.02, r
    assert r["fmt"]["breakdown"] >= r["txt"]["breakdown"] - 0.05, r
