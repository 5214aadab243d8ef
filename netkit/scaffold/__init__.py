"""netkit init: scaffold an application repository that keeps its network in Python."""
