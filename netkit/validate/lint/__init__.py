"""Cross-object checks: references, policies, entry points, exposure.

Reference checks run only when the input holds the kind they look for: no "selects nothing"
when no workloads were given.
"""

from __future__ import annotations

from collections.abc import Callable

from netkit.validate.lint import (
    attachments,
    cluster_policies,
    entry_points,
    exposure,
    policies,
    references,
)
from netkit.validate.lint.index import Index, Report

CHECKS: list[Callable[[Index, Report], None]] = [
    references.check, policies.check, entry_points.check, attachments.check, exposure.check,
    cluster_policies.check,
]


def lint(index: Index) -> Report:
    """Run every cross-object check over ``index``."""
    report = Report()
    for check in CHECKS:
        check(index, report)
    return report
