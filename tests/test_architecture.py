"""The house keeps its layers: no import runs up a layer, and no module takes part in a cycle.

The layers and their order are written once, in ``pyproject.toml``'s ``[tool.importlinter]``
contracts; docs/architecture.md draws them. Imports inside functions and under
``TYPE_CHECKING`` count: grimp reads every import statement of the source.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

grimp = pytest.importorskip("grimp")
pytest.importorskip("importlinter")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONTRACTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["contracts"]
LAYERS = next(c["layers"] for c in CONTRACTS if c["type"] == "layers")


def _graph() -> object:
    sys.path.insert(0, str(REPO))
    try:
        return grimp.build_graph("szdata", cache_dir=None)
    finally:
        sys.path.remove(str(REPO))


def _cycles(adjacency: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(adjacency):
        if root in index:
            continue
        work = [(root, iter(sorted(adjacency[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(adjacency[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_takes_part_in_an_import_cycle() -> None:
    graph = _graph()
    adjacency = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(adjacency) == []


def test_import_linter_contracts_are_kept() -> None:
    """The contracts of pyproject.toml, checked by import-linter itself (``lint-imports``)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, importlinter.cli as c; sys.exit(c.lint_imports("
            "config_filename='pyproject.toml', no_cache=True, no_logo=True))",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_subpackage_of_szdata_is_a_layer() -> None:
    """A new subpackage must be placed in the layers (and drawn in docs/architecture.md)."""
    subpackages = {
        f"szdata.{p.name}"
        for p in (REPO / "szdata").iterdir()
        if p.is_dir() and (p / "__init__.py").is_file()
    }
    layered = {name.strip() for layer in LAYERS for name in layer.split("|")}
    assert subpackages == layered


def test_the_architecture_document_draws_every_layer_in_order() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    positions = [text.find(f"| `{layer.removeprefix('szdata.')}` |") for layer in LAYERS]
    assert -1 not in positions, "docs/architecture.md's table lacks a layer"
    assert positions == sorted(positions), "docs/architecture.md lists the layers out of order"


def test_the_top_level_holds_only_the_public_modules() -> None:
    flat = sorted(p.name for p in (REPO / "szdata").glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "models.py"]


def test_no_message_names_a_placeholder_address() -> None:
    """Addresses in messages come from the project's metadata (``szdata._core._project``);
    docstrings may show example addresses, no other string may."""
    import ast

    placeholders = ("example.org", "example.com", "example.net")
    found = []
    for path in sorted((REPO / "szdata").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and any(p in node.value for p in placeholders)
            ):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []
