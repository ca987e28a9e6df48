"""Real published reports (``../shared/eval/real-dev``, beside the repo): the issue's targets on the
half we develop on, and floors that keep the held-out half from falling (read as totals only).

The targets of issue 11 on the development half: facts F1 >= 0.97 (dates >= 0.93), breakdowns F1
>= 0.90, checks beyond placeholders precision >= 0.90 and recall >= 0.80, placeholder F1 >= 0.95.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor.ui.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from score_real import REAL_DEV, scores

pytestmark = pytest.mark.skipif(not REAL_DEV.is_dir(), reason=f"{REAL_DEV} is not beside the repo on this machine")


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "real-dev.jsonl"
    assert main(["extract", str(REAL_DEV / "docs"), "-o", str(out)]) == 0
    return out


TARGETS = [("facts", 0.97), ("date", 0.93), ("breakdown", 0.90), ("checks_precision", 0.90),
           ("checks_recall", 0.80), ("placeholder", 0.95),
           # issue 15: what a figure is about (subject >= 0.90, region >= 0.95)
           ("subject", 0.90), ("region", 0.95)]
# the held-out half, never read miss by miss: floors a little under what it scores, so that a
# change that costs it fails here (its own precision rests on one alarm: no floor)
CHECK_FLOORS = [("facts", 0.95), ("breakdown", 0.80), ("placeholder", 0.90), ("subject", 0.83), ("region", 0.88)]


@pytest.mark.parametrize(("metric", "floor"), TARGETS, ids=[m for m, _ in TARGETS])
def test_dev_half_meets_the_targets(predictions: Path, metric: str, floor: float) -> None:
    assert scores(predictions, "dev")[metric] >= floor


@pytest.mark.parametrize(("metric", "floor"), CHECK_FLOORS, ids=[m for m, _ in CHECK_FLOORS])
def test_check_half_does_not_fall(predictions: Path, metric: str, floor: float) -> None:
    assert scores(predictions, "check")[metric] >= floor
