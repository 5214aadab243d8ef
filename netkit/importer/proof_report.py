"""The proof of an import as text, JSON or a Markdown pull-request comment."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from netkit.report import Writer, writing
from netkit.report import diff as flow_report

if TYPE_CHECKING:
    from netkit.importer.verify import Verification


def text(v: Verification) -> str:
    """The edge mapping, the re-pointed flows, then every difference in `netkit diff` form."""
    lines = [f"edge: {v.old_edge}/* -> {v.new_edge}/* ({len(v.repointed)} flow(s) re-pointed)"]
    lines += [f"~ {line}" for line in v.repointed]
    lines.append(f"routing: {len(v.routes_before)} route(s) compared, "
                 f"{len(v.routing_changes)} difference(s)")
    lines += v.routing_changes
    lines.append("reachability:")
    lines.append(flow_report.text(v.flows).rstrip("\n"))
    lines.append("equivalent" if v.equivalent else "NOT equivalent")
    return "\n".join(lines) + "\n"


def to_json(v: Verification) -> str:
    """The proof as one JSON document."""
    return json.dumps(v.to_json(), indent=2) + "\n"


def markdown(v: Verification) -> str:
    """A pull-request comment."""
    verdict = "equivalent" if v.equivalent else "NOT equivalent"
    lines = [f"### netkit import: {verdict}", "",
             f"Edge: `{v.old_edge}/*` → `{v.new_edge}/*`, {len(v.repointed)} flow(s) "
             "re-pointed.", ""]
    lines += [f"- `{line}`" for line in v.repointed]
    lines += ["", f"Routing: {len(v.routes_before)} route(s) compared, "
                  f"{len(v.routing_changes)} difference(s).", ""]
    if v.routing_changes:
        lines += ["```diff", *v.routing_changes, "```", ""]
    lines.append(flow_report.markdown(v.flows).replace("### netkit:", "#### Reachability:", 1))
    return "\n".join(lines).rstrip("\n") + "\n"


FORMATS: dict[str, Writer[Verification]] = {
    "text": writing(text), "json": writing(to_json), "markdown": writing(markdown)}
