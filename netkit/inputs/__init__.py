"""Reading inputs: YAML/JSON manifests (files, directories, stdin), blueprint files, and
both as they were at a git revision."""
