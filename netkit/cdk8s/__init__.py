"""Use netkit inside cdk8s apps, and cdk8s workloads in netkit (the ``cdk8s`` extra).

Importing this module starts nothing; the first cdk8s call starts Node.js through jsii.
Nothing else in netkit imports it.
"""

import sys
import warnings

from netkit.cdk8s.node import prepare

if "jsii" in sys.modules:
    warnings.warn("cdk8s was imported before netkit.cdk8s, so jsii already chose its Node.js "
                  "and may print version banners; import netkit.cdk8s first",
                  stacklevel=2)
prepare()

from netkit.cdk8s.chart import NetkitChart  # noqa: E402
from netkit.cdk8s.workloads import declare_workloads, workloads_from_chart  # noqa: E402

__all__ = ["NetkitChart", "declare_workloads", "workloads_from_chart"]
