"""The shape of the code: stage packages, small modules, no import cycle.

Imports are read from the source (every ``import`` statement, including those
inside functions), not from what happens to be loaded, so a cycle hidden in a
function body counts too; only imports under ``if TYPE_CHECKING:`` (never run)
are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "podcast"
MAX_LINES = 500
TYPE_CHECKING = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
STAGES = ("catalog", "audio", "tags", "feed", "site", "cards", "quotes", "build", "publish")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules ``path`` imports; ``from pkg import name`` counts as pkg.name
    when that is a module, else as pkg (its ``__init__``)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in TYPE_CHECKING
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue  # imports for type hints only are never run
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    found = {name for name in found if name in known}
    # Importing a.b.c runs a/__init__ and a/b/__init__ first: an edge to each package
    # ``path`` is not itself inside (its own package is already being initialized).
    own = module_name(path)
    own_packages = {own.rsplit(".", n)[0] for n in range(1, own.count(".") + 1)} | {own}
    for name in list(found):
        parts = name.split(".")
        for n in range(1, len(parts)):
            parent = ".".join(parts[:n])
            if parent in known and parent not in own_packages and parent != "podcast":
                found.add(parent)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_not_even_inside_functions():
    known = modules()
    graph = {name: imports_of(path, set(known)) - {name} for name, path in known.items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_over_500_lines():
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long


def test_each_stage_is_a_package_with_a_docstring():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage
