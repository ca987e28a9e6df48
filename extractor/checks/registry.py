"""The registry of the auditor's rules: what a rule sees of a report (``Context``: the report's
:class:`~extractor.reportdoc.ReportDoc`), how a rule is registered (``@rule``), and running them
all (``run_checks``). The rules themselves live in the
modules beside this one, which import it; ``extractor.checks`` imports them all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from ..model import Finding, Severity
from ..reportdoc import ReportDoc

__all__ = ["REGISTRY", "Context", "Rule", "rule", "run_checks"]

log = logging.getLogger(__name__)


#: What a rule sees of one report: its text and view, sentences, words, facts and breakdowns.
Context = ReportDoc


Check = Callable[[Context], Iterable[Finding]]


@dataclass(slots=True)
class Rule:
    id: str
    severity: Severity
    description: str
    check: Check


REGISTRY: Final[dict[str, Rule]] = {}


def rule(rule_id: str, severity: Severity, description: str) -> Callable[[Check], Check]:
    """Register a check under a stable lower_snake_case id."""

    def register(fn: Check) -> Check:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id!r} registered twice")
        REGISTRY[rule_id] = Rule(rule_id, severity, description, fn)
        return fn

    return register


def run_checks(ctx: Context, rules: Iterable[str] | None = None) -> tuple[Finding, ...]:
    """Findings of every registered rule (or of ``rules``), sorted by span."""
    out: list[Finding] = []
    for rid in rules if rules is not None else REGISTRY:
        r = REGISTRY[rid]
        try:
            out.extend(r.check(ctx))
        except Exception:  # a bug in one rule must not hide the other findings
            log.exception("check %s failed", rid)
    out.sort(key=lambda f: (f.span, f.rule))
    return tuple(out)
