"""The package's layout: a few modules at the top of `verify/`, the rest in layer folders, and no module that
imports, even lazily or for type checking only, a module that imports it back (directly or through others)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "verify"
TOP_LEVEL_MODULES_AT_MOST = 8


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported(name: str, tree: ast.AST) -> set[str]:
    """The modules of `verify` that the module `name` imports anywhere in its code: at the top, in a function,
    under TYPE_CHECKING. `from verify.x import y` imports `verify.x.y` where that is a module, else `verify.x`."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                for alias in node.names
            }
    return {module for module in found if module in MODULES and module != name}


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return {name: imported(name, ast.parse(path.read_text(), str(path))) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_verify_has_no_import_cycle():
    assert cycles(import_graph(MODULES)) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),  # two modules, each importing the other
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),  # through a third
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),  # layers, one way
    ],
)
def test_the_cycle_finder_finds_cycles_and_only_cycles(graph, expected):
    assert cycles(graph) == expected


def test_a_lazy_or_type_checking_import_counts():
    code = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from verify.pipeline import Verifier\n"
        "def f():\n    from verify.report.jsonl import json_line\n"
    )
    assert imported("verify.datamodel", ast.parse(code)) == {"verify.pipeline", "verify.report.jsonl"}


def test_the_top_of_verify_holds_few_modules_and_the_rest_in_layer_folders():
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= TOP_LEVEL_MODULES_AT_MOST, top
    layers = {"attribution", "check", "cli", "corpus", "evaluation", "io", "report", "runtime", "training"}
    assert layers <= {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
