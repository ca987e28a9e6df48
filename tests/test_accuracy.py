"""Acceptance on the bundled gold sets, scored with the customer's scorer (scripts/eval/score.py).

The thresholds are the issue's: seed facts F1 >= 0.97 and breakdowns F1 = 1.0; dev facts F1 >= 0.95.
"""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import pytest

from extractor.ui.cli import main

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from score import GOLD_SETS, score

SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pred") / "records.jsonl"
    assert main(["extract", str(ROOT / "corpus" / "seed"), str(ROOT / "corpus" / "dev"), "-o", str(out)]) == 0
    return out


@pytest.mark.parametrize("gold,metric,floor", [
    ("seed", "facts", 0.97),
    ("seed", "breakdown", 1.0),
    ("dev", "facts", 0.95),
    ("dev", "breakdown", 0.95),
], ids=["seed-facts", "seed-breakdowns", "dev-facts", "dev-breakdowns"])
def test_f1_floor(predictions: Path, gold: str, metric: str, floor: float) -> None:
    scores, details = score(predictions, GOLD_SETS[gold])
    assert scores[metric] >= floor, "\n".join(details)


def test_vendored_scorer_is_the_customers() -> None:
    if not SHARED_SCORER.exists():
        pytest.skip(f"{SHARED_SCORER} is not beside the repo on this machine")
    assert filecmp.cmp(SHARED_SCORER, ROOT / "scripts" / "eval" / "score.py", shallow=False)
