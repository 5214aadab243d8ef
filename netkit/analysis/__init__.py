"""Reachability analysis: who can reach whom under NetworkPolicy, why, and what a change opens."""

from netkit.analysis.engine import Flow, Reachability, reachability
from netkit.analysis.ports import PortSet

__all__ = ["Flow", "PortSet", "Reachability", "reachability"]
