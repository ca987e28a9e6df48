from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parent.parent


def load_cases(name: str) -> list[dict[str, Any]]:
    """Rows of tests/cases/NAME.jsonl (one JSON object a line, each with a unique ``id``)."""
    rows = [json.loads(line) for line in (CASES / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
    return rows


# CI runs the property tests on a fixed set of examples (a red build must mean a change broke
# something, not that a new random draw found an old bug); local runs draw fresh examples.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
