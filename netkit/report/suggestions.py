"""Suggested allows as blueprint Python or as NetworkPolicy YAML."""

from __future__ import annotations

from netkit.flows.as_python import as_python
from netkit.flows.as_yaml import as_yaml
from netkit.flows.suggest import Suggestion
from netkit.report import Writer, writing

FORMATS: dict[str, Writer[Suggestion]] = {"python": writing(as_python), "yaml": writing(as_yaml)}
