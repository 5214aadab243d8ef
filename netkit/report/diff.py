"""Flow diffs as text or as a Markdown pull-request comment."""

from __future__ import annotations

import json

from netkit.analysis.diff import Change, FlowDiff
from netkit.report import Writer, writing


def _ports(c: Change) -> str:
    return ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in c.ports)


def _by(c: Change) -> str:
    return f"  ({c.describe()})" if c.decided_by else ""


def text(d: FlowDiff) -> str:
    """``+ a -> b TCP 80  (egress: default; ingress: NetworkPolicy)`` / ``- a -> b UDP 53``
    lines, each naming the layers that decide it now, and a count."""
    lines = [f"+ {c.src} -> {c.dst} {c.protocol} {_ports(c)}{_by(c)}" for c in d.added]
    lines += [f"- {c.src} -> {c.dst} {c.protocol} {_ports(c)}{_by(c)}" for c in d.removed]
    lines.append(f"{len(d.added)} flow(s) opened, {len(d.removed)} closed")
    return "\n".join(lines) + "\n"


def markdown(d: FlowDiff) -> str:
    """A pull-request comment."""
    if not d.added and not d.removed:
        return "### netkit: no change in reachability\n"
    lines = [f"### netkit: {len(d.added)} flow(s) opened, {len(d.removed)} closed", ""]
    for title, changes, mark in (("Opened", d.added, "🟢"), ("Closed", d.removed, "🔴")):
        if changes:
            lines += [f"**{title}**", "", "| | from | to | protocol | ports | decided by |",
                      "| --- | --- | --- | --- | --- | --- |"]
            lines += [f"| {mark} | `{c.src}` | `{c.dst}` | {c.protocol} | {_ports(c)} | "
                      f"{c.describe()} |" for c in changes]
            lines.append("")
    return "\n".join(lines)


def to_json(d: FlowDiff) -> str:
    """``{"added": [...], "removed": [...]}``."""
    return json.dumps(d.to_json(), indent=2) + "\n"


FORMATS: dict[str, Writer[FlowDiff]] = {
    "text": writing(text), "json": writing(to_json), "markdown": writing(markdown)}
