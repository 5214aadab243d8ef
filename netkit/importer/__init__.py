"""``netkit import``: manifests (ingress-nginx era or hand-written) to a typed blueprint,
and the proof that the blueprint routes and admits what the manifests did."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from netkit.errors import NetkitError
from netkit.importer.emit import render
from netkit.importer.mapping import build_plan
from netkit.importer.mesh import mesh_fields
from netkit.importer.plan import BlueprintPlan, Note
from netkit.importer.rerendered import not_rendered_again
from netkit.importer.verify import Verification, verify
from netkit.inputs.manifests import load_manifests
from netkit.k8s.meta import BLUEPRINT_LABEL
from netkit.objects import KubeObject
from netkit.target import Target

__all__ = ["Imported", "Verification", "import_manifests", "import_objects", "verify",
           "verify_file", "verify_source"]

DEFAULT_NAME = "imported"


@dataclass
class Imported:
    """The input objects, the plan made of them and the blueprint file's text."""

    objects: list[KubeObject]
    plan: BlueprintPlan
    source: str

    @property
    def notes(self) -> list[Note]:
        """What was not carried over, and why."""
        return self.plan.notes


def _name(objects: list[KubeObject]) -> str:
    labels = {str(o.metadata.get("labels", {}).get(BLUEPRINT_LABEL)) for o in objects
              if isinstance(o.metadata.get("labels"), dict)
              and o.metadata["labels"].get(BLUEPRINT_LABEL)}
    return labels.pop() if len(labels) == 1 else DEFAULT_NAME


def shared_gateway(objects: list[KubeObject]) -> dict[str, str]:
    """Target fields naming the Gateway the input's ListenerSets attach to, when they agree
    on one other than the default."""
    from netkit.target import GatewayRef

    parents = {(str(p.get("namespace") or o.namespace), str(p.get("name")))
               for o in objects if o.kind == "ListenerSet"
               for p in [o.spec.get("parentRef") or {}] if p.get("kind", "Gateway") == "Gateway"}
    if len(parents) != 1:
        return {}
    (namespace, name), = parents
    sections = {str(p.get("sectionName")) for o in objects if o.kind == "HTTPRoute"
                for p in o.spec.get("parentRefs") or []
                if p.get("name") == name and p.get("sectionName")
                and (p.get("namespace") or o.namespace) == namespace}
    found = {"name": name, "namespace": namespace}
    if len(sections) == 1:
        found["http_listener"] = sections.pop()
    default = GatewayRef().model_dump()
    return {f"shared_gateway.{k}": v for k, v in found.items() if default[k] != v}


def _check_name(name: str) -> None:
    """A blueprint name the generated file can use (as Blueprint(name) checks it)."""
    from netkit.errors import ConfigError, ConstructError
    from netkit.tree import Blueprint

    try:
        Blueprint(name)
    except ConstructError as exc:
        raise ConfigError("--blueprint", exc.message, hint=exc.hint) from None


def _synthesized(source: str) -> list[KubeObject]:
    """The objects the blueprint ``source`` renders; refuse to hand out a blueprint that does
    not render: the import missed a rule of some construct, and the user would get a file
    that fails `netkit synth`."""
    from netkit.errors import NetkitError
    from netkit.inputs.blueprints import load_blueprints
    from netkit.workspace import rendered

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "network.py"
        path.write_text(source, encoding="utf-8")
        try:
            return [o for bp in load_blueprints([path]) for o in rendered(bp)[0]]
        except NetkitError as exc:
            raise ImportFailed("import", f"the blueprint would not synthesize: {exc.line()}",
                               hint="a bug in netkit import: please report it with the "
                                    "input") from None


class ImportFailed(NetkitError):
    """The importer produced a blueprint that does not render: a bug, reported clearly."""

    exit_code = 3


def _imported(objects: list[KubeObject], name: str | None, fields: dict[str, str],
              sources: Sequence[str]) -> tuple[BlueprintPlan, str, set[tuple[str, ...]]]:
    """The plan for ``fields``, its blueprint, and the constructs given up because they do
    not render their input objects again as they are."""
    plan = build_plan(objects, name=name or _name(objects),
                      target=Target().with_overrides(fields), target_fields=fields,
                      sources=list(sources))
    source = render(plan)
    return plan, source, not_rendered_again(plan, _synthesized(source))


def import_objects(objects: list[KubeObject], *, name: str | None = None,
                   target: Mapping[str, str] | None = None,
                   sources: Sequence[str] = ()) -> Imported:
    """The blueprint standing for ``objects``; ``target`` holds Target field overrides."""
    if name is not None:
        _check_name(name)
    fields = {"ingress": "gateway-api", **(target or {})}
    if not any(k.startswith("shared_gateway.") for k in fields):
        fields.update(shared_gateway(objects))
    detected = mesh_fields(objects) if "mesh" not in fields else {}
    plan, source, given_up = _imported(objects, name, {**fields, **detected}, sources)
    if detected and any(owner[0] == "mesh" for owner in given_up):
        # The input's Istio policies are not the ones a mesh target renders: keep them all.
        plan, source, given_up = _imported(objects, name, fields, sources)
    if given_up:
        source = render(plan)
        _synthesized(source)
    return Imported(objects, plan, source)


def import_manifests(paths: Sequence[str], *, name: str | None = None,
                     target: Mapping[str, str] | None = None,
                     exclude: Sequence[str] = ()) -> Imported:
    """Read manifests (files, directories, ``-``) and import them."""
    objects = load_manifests(paths, exclude)
    return import_objects(objects, name=name, target=target,
                          sources=["stdin" if p == "-" else p for p in paths])


def verify_source(objects: list[KubeObject], source: str, file: Path | None = None
                  ) -> Verification:
    """Load the blueprint ``source`` (written to ``file``, or a temporary file) and verify it
    against ``objects``."""
    from netkit.errors import ConfigError
    from netkit.inputs.blueprints import load_blueprints

    with tempfile.TemporaryDirectory() as tmp:
        path = file or Path(tmp) / "network.py"
        if file is None:
            path.write_text(source, encoding="utf-8")
        blueprints = load_blueprints([path])
        if len(blueprints) != 1:
            raise ConfigError(str(path), f"expected one blueprint, got {len(blueprints)}",
                              hint="verify checks the blueprint `netkit import` wrote")
        return verify(objects, blueprints[0])


def verify_file(paths: Sequence[str], file: Path) -> Verification:
    """Verify the blueprint file ``file`` (as imported, or edited since) against the
    manifests at ``paths``."""
    from netkit.errors import ConfigError

    if not file.is_file():
        raise ConfigError(str(file), "no blueprint file to verify",
                          hint="run `netkit import` without --verify-only first, or pass --out")
    return verify_source(load_manifests(paths), file.read_text(encoding="utf-8"), file)
