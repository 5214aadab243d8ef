"""Validation of Kubernetes objects: schema, apiserver rules and cross-object checks."""
