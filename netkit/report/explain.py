"""The `why` verdict as text or JSON."""

from __future__ import annotations

import json

from netkit.analysis.explain import Explanation, Side
from netkit.report import Writer, writing


def _side(name: str, where: str, side: Side) -> list[str]:
    verdict = "allows" if side.allowed else "DENIES"
    tier = "" if side.tier in ("NetworkPolicy", "default") else f" ({side.tier} tier)"
    lines = [f"  {name} at {where}: {verdict}{tier}"]
    if side.isolated:
        lines.append(f"    isolated by: {', '.join(side.policies)}")
    lines += [f"    allowed by: {a['policy']} {a['rule']}"
              + (f", filtered at L7 ({', '.join(a['l7'])})" if "l7" in a else "")
              for a in side.allowed_by]
    if side.note:
        lines.append(f"    {side.note}")
    return lines


def text(x: Explanation) -> str:
    """Verdict, each side's policies and rules, and the fix for a denied flow."""
    verdict = "ALLOWED" if x.allowed else "DENIED"
    if x.filtered_at_l7:
        verdict = "ALLOWED at L4, filtered at L7"
    lines = [f"{x.src.id} -> {x.dst.id} {x.protocol}/{x.port}: {verdict}"]
    lines += _side("egress", x.src.id, x.egress)
    lines += _side("ingress", x.dst.id, x.ingress)
    if x.fix:
        kinds = ", ".join(dict.fromkeys(str(o["kind"]) for o in x.fix))
        lines += ["", f"smallest fix ({kinds}):", x.fix_yaml().rstrip()]
        lines += [f"note: no NetworkPolicy selects {where} for {name} yet: this one isolates "
                  "it, so the Baseline tier no longer decides its other flows"
                  for name, where, side in (("egress", x.src.id, x.egress),
                                            ("ingress", x.dst.id, x.ingress))
                  if side.tier == "Baseline" and not side.allowed]
    elif not x.allowed:
        lines += ["", "no NetworkPolicy can allow this: change the policy that denies it"]
    if x.blueprint_fix:
        lines += ["", "or in the blueprint:", f"  {x.blueprint_fix}"]
    return "\n".join(lines) + "\n"


def to_json(x: Explanation) -> str:
    """The JSON contract of `netkit why --format json`."""
    return json.dumps(x.to_json(), indent=2) + "\n"


FORMATS: dict[str, Writer[Explanation]] = {"text": writing(text), "json": writing(to_json)}
