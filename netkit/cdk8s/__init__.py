"""Use netkit inside cdk8s apps, and cdk8s workloads in netkit (the ``cdk8s`` extra).

Importing this module starts nothing; the first cdk8s call starts Node.js through jsii.
Nothing else in netkit imports it.
"""

from netkit.cdk8s.node import prepare

prepare()

from netkit.cdk8s.chart import NetkitChart  # noqa: E402
from netkit.cdk8s.workloads import declare_workloads, workloads_from_chart  # noqa: E402

__all__ = ["NetkitChart", "declare_workloads", "workloads_from_chart"]
