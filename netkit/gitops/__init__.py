"""GitOps output: directory layout, lock file, atomic writer with pruning."""
