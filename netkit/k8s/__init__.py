"""Builders for plain Kubernetes objects; the only place that knows field names."""
