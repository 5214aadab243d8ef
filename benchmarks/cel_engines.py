"""The CEL engines on PyPI on the same work: every x-kubernetes-validations rule of the bundled
CRDs, evaluated over the upstream examples (tests/fixtures/upstream) and the invalid Gateway
API cases (tests/fixtures/gateway-api-invalid) after structural defaults, as netkit evaluates
them. For each engine: rules compiled, evaluations that agree with the API
server's verdict (netkit's, checked against Gateway API's valid and invalid examples by the
tests), and time to compile and to evaluate, measured in the same run.

The engines are used as shipped, with no Kubernetes library functions added (netkit adds them
to cel-expr-python); an engine that is not installed is skipped.

Usage: python benchmarks/cel_engines.py   (pip install cel-python common-expression-language)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netkit import load_manifests
from netkit.validate import cel as netkit_cel
from netkit.validate.cel import RuleTree
from netkit.validate.crd_registry import CrdRegistry
from netkit.validate.structural import defaulted, has_default, pruned

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures"
FOLDERS = [FIXTURES / "upstream", FIXTURES / "gateway-api-invalid"]


def pairs() -> list[tuple[netkit_cel.CelRule, Any, str]]:
    """(rule, value, path) for every evaluation the examples need."""
    registry = CrdRegistry(gateway_api_channel="experimental")
    out = []
    for item in load_manifests([str(f) for f in FOLDERS]):
        schema = registry.get(item.api_version, item.kind)
        if schema is None:
            continue
        obj = defaulted(item.obj, pruned(schema.structural, has_default))
        out.extend(RuleTree.of(schema.cel_rules).walk(obj))
    return out


def reference(rule: netkit_cel.CelRule, value: Any) -> bool | None:
    """The API server's verdict: True/False, None for an evaluation error."""
    error = netkit_cel.evaluate(rule, value, "x")
    if error is None:
        return True
    return None if "evaluating rule" in error.message or "'no such overload'" in \
        error.message else False


Engine = tuple[Callable[[str], Any], Callable[[Any, Any], Any]]


def engines() -> dict[str, Engine]:
    """Name → (compile, evaluate to True/False/None), for the engines installed."""
    found: dict[str, Engine] = {}
    try:
        import celpy
        from celpy import celtypes
        from celpy.adapter import json_to_cel

        env = celpy.Environment()

        def celpy_eval(program: Any, value: Any) -> bool | None:
            result = program.evaluate({"self": json_to_cel(value)})
            if isinstance(result, (bool, celtypes.BoolType)):
                return bool(result)
            return None

        found["cel-python"] = (lambda r: env.program(env.compile(r)), celpy_eval)
    except ImportError:
        pass
    try:
        import cel

        def rust_eval(program: Any, value: Any) -> bool | None:
            result = program.execute({"self": value})
            return result if isinstance(result, bool) else None

        found["common-expression-language"] = (cel.compile, rust_eval)
    except ImportError:
        pass
    try:
        from cel_expr_python import cel as cpp
        from cel_expr_python.ext import ext_strings

        plain = cpp.NewEnv(variables={"self": cpp.Type.DYN},
                           extensions=[ext_strings.ExtStrings()])

        def cpp_eval(program: Any, value: Any) -> bool | None:
            result = program.eval(data={"self": value}).value()
            return result if isinstance(result, bool) else None

        found["cel-expr-python"] = (plain.compile, cpp_eval)
    except ImportError:
        pass
    return found


def main() -> None:
    """Print one line per engine."""
    work = pairs()
    expected = [reference(rule, value) for rule, value, _ in work]
    rules = sorted({rule.rule for rule, _, _ in work})
    print(f"{len(work)} evaluations of {len(rules)} rules over the examples")
    for name, (compile_rule, evaluate) in engines().items():
        programs: dict[str, Any] = {}
        start = time.perf_counter()
        for text in rules:
            try:
                programs[text] = compile_rule(text)
            except Exception:  # an engine's own compile error, of whatever type
                continue
        compiled = time.perf_counter() - start
        agree = errors = 0
        start = time.perf_counter()
        for (rule, value, _), want in zip(work, expected, strict=True):
            program = programs.get(rule.rule)
            try:
                got = None if program is None else evaluate(program, value)
            except Exception:  # an engine's evaluation error, of whatever type
                got = None
            errors += got is None
            agree += got == want
        evaluated = time.perf_counter() - start
        print(f"{name:28} compiled {len(programs)}/{len(rules)} rules in "
              f"{compiled * 1000:.0f} ms; agrees on {agree}/{len(work)} evaluations "
              f"({errors} errors); evaluations took {evaluated * 1000:.0f} ms "
              f"({evaluated / len(work) * 1e6:.0f} us each)")
    netkit_start = time.perf_counter()
    for rule, value, _ in work:
        netkit_cel.evaluate(rule, value, "x")
    took = time.perf_counter() - netkit_start
    print(f"{'netkit (cel-expr-python + Kubernetes libraries)':28} {len(work)} evaluations in "
          f"{took * 1000:.0f} ms ({took / len(work) * 1e6:.0f} us each, messages included)")


if __name__ == "__main__":
    main()
