"""Mutation check: do the tests notice when a decision or metric rule changes?

Usage (from the repository root)::

    python tests/mutate.py [MODULE ...]      # default: _decide.py and _metrics.py

Each mutant changes one thing in one module: a comparison (``>=`` to ``>``, ``<`` to ``<=`` ...),
an arithmetic operator (``+`` to ``-``, ``*`` to ``/``), a number (``n`` to ``n + 1``, ``x`` to
``2x``), ``max`` to ``min``, ``abs(x)`` to ``x``, ``and`` to ``or``, or drops a ``not``. The
module is rewritten with the mutant, the rule tests run (stopping at the first failure), and the
original is put back. A mutant the tests do not notice *survives*: the script lists each with
its line, so a person can tell an equivalent mutant (one that cannot change any output) from a
missing test. Exits 1 if any mutant survived.
"""

from __future__ import annotations

import ast
import copy
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "intentkit"
MODULES = ["_decide.py", "_metrics.py"]
TESTS = [
    "tests/test_decide.py",
    "tests/test_metrics.py",
    "tests/test_model.py",
    "tests/test_journey.py",
    "tests/test_train.py",
]
SWAPS: dict[type, type] = {
    ast.GtE: ast.Gt,
    ast.Gt: ast.GtE,
    ast.LtE: ast.Lt,
    ast.Lt: ast.LtE,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.And: ast.Or,
    ast.Or: ast.And,
}


class _Sites(ast.NodeVisitor):
    """Every place a mutation applies: (node path, description)."""

    def __init__(self) -> None:
        self.sites: list[tuple[int, str, str]] = []
        self._count = 0

    def generic_visit(self, node: ast.AST) -> None:
        self._count += 1
        for what in _mutations(node):
            self.sites.append((self._count, what, f"line {getattr(node, 'lineno', '?')}"))
        super().generic_visit(node)


def _mutations(node: ast.AST) -> list[str]:
    out = []
    if isinstance(node, ast.Compare):
        out += [f"compare {i}" for i, op in enumerate(node.ops) if type(op) in SWAPS]
    elif isinstance(node, (ast.BinOp, ast.BoolOp)) and type(node.op) in SWAPS:
        out.append("operator")
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        out.append("number")
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("max", "min"):
            out.append("max/min")
        elif node.func.id == "abs":
            out.append("drop abs")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append("drop not")
    return out


class _Apply(ast.NodeTransformer):
    def __init__(self, target: int, what: str) -> None:
        self.target, self.what, self._count = target, what, 0

    def generic_visit(self, node: ast.AST) -> ast.AST:
        self._count += 1
        if self._count == self.target:
            node = _mutate(node, self.what)
        return super().generic_visit(node)


def _mutate(node: ast.AST, what: str) -> ast.AST:
    if what.startswith("compare"):
        assert isinstance(node, ast.Compare)
        i = int(what.split()[1])
        node.ops[i] = SWAPS[type(node.ops[i])]()
    elif what == "operator":
        assert isinstance(node, (ast.BinOp, ast.BoolOp))
        node.op = SWAPS[type(node.op)]()
    elif what == "number":
        assert isinstance(node, ast.Constant)
        v = node.value
        node.value = v + 1 if isinstance(v, int) else (v * 2 if v else 0.5)
    elif what == "max/min":
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        node.func.id = "min" if node.func.id == "max" else "max"
    elif what == "drop abs":
        assert isinstance(node, ast.Call)
        return node.args[0]
    elif what == "drop not":
        assert isinstance(node, ast.UnaryOp)
        return node.operand
    return node


def mutants(source: str) -> Iterator[tuple[str, str]]:
    """(description, mutated source) for every mutation of a module's source."""
    tree = ast.parse(source)
    finder = _Sites()
    finder.visit(tree)
    for target, what, where in finder.sites:
        mutated = _Apply(target, what).visit(copy.deepcopy(tree))
        ast.fix_missing_locations(mutated)
        yield f"{where}: {what}", ast.unparse(mutated)


def main(argv: list[str]) -> int:
    modules = argv or MODULES
    survived: list[str] = []
    total = 0
    started = time.perf_counter()
    for name in modules:
        path = PACKAGE / name
        original = path.read_text(encoding="utf-8")
        try:
            for what, source in mutants(original):
                if "__doc__" in what:
                    continue
                total += 1
                path.write_text(source, encoding="utf-8")
                run = subprocess.run(
                    [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                killed = run.returncode != 0
                print(f"{'killed  ' if killed else 'SURVIVED'} {name} {what}", flush=True)
                if not killed:
                    survived.append(f"{name} {what}")
        finally:
            path.write_text(original, encoding="utf-8")
    print(
        f"\n{total} mutants, {total - len(survived)} killed, {len(survived)} survived "
        f"({time.perf_counter() - started:.0f} s)"
    )
    for s in survived:
        print(f"  survived: {s}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
