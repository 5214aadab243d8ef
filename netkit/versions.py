"""Kubernetes versions netkit renders for and validates against."""

SUPPORTED_KUBERNETES = ("1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37")
DEFAULT_KUBERNETES = "1.36"
