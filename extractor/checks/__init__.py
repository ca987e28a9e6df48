"""The auditor's checks: a registry of small rules, each turning a record's facts into findings.

A rule is a function ``Context → Iterable[Finding]`` registered with a stable id, a default
severity and a Chinese description. Inconsistencies are data (findings), never exceptions.

>>> sorted(REGISTRY)  # doctest: +NORMALIZE_WHITESPACE
['above_maximum', 'below_minimum', 'date_implausible', 'date_range_reversed', 'duplicate_conflict',
 'heading_count', 'missing_figure', 'placeholder', 'sum_mismatch', 'unit_mismatch']
"""

from __future__ import annotations

from . import bounds, dates, duplicates, placeholders, structure, sums  # each registers its rules
from .registry import REGISTRY, Context, Rule, rule, run_checks

__all__ = ["REGISTRY", "Context", "Rule", "bounds", "dates", "duplicates", "placeholders", "rule", "run_checks",
           "structure", "sums"]
