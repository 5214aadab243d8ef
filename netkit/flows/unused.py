"""Allows that no observed flow used: candidates for tightening."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from netkit.analysis.engine import Reachability
from netkit.findings import Finding
from netkit.flows.aggregate import Observed
from netkit.flows.verdicts import Verdict
from netkit.inputs.field_lines import FieldLines
from netkit.objects import KubeObject


def never_seen(r: Reachability, verdicts: Sequence[Verdict], observed: Observed,
               objects: Sequence[KubeObject]) -> list[Finding]:
    """NK402 for every rule of a NetworkPolicy in a namespace the log saw pods of that no
    allowed flow went through (a log only speaks for the namespaces it covers)."""
    used = {(a["policy"], a["rule"]) for v in verdicts if v.explanation is not None
            and v.explanation.allowed
            for side in (v.explanation.egress, v.explanation.ingress) for a in side.allowed_by}
    seen = {p.namespace for p in observed.peers.values() if p.is_pod}
    by_ref = {(o.namespace, o.name): o for o in objects if o.kind == "NetworkPolicy"}
    out = []
    lines = FieldLines()
    for policy in r.cluster.policies:
        obj = by_ref.get((policy.namespace, policy.name))
        if obj is None or policy.namespace not in seen:
            continue
        for direction in ("ingress", "egress"):
            for i, _ in enumerate(getattr(policy, direction) or []):
                rule = f"{direction}[{i}]"
                if (policy.ref, rule) not in used:
                    f = Finding.on(
                        "NK402", obj, f"{direction} rule {i} admitted none of the "
                        f"{observed.records} observed flow record(s)", field=f"spec.{rule}",
                        hint="tighten or remove it if the log covers a representative window")
                    line = lines.line(f.file, f.line, f.field)
                    out.append(f if line is None else replace(f, line=line))
    return out
