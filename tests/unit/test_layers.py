"""The import rule: chiplib's layers depend one way, and no module imports itself back in a circle.

core -> data -> models -> reports, with present beside models (it may read data) and build beside
reports (it reads reports' parameters), and cli on top. Every import is checked, those inside
functions included. See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "chiplib"
#: Layer -> the layers its modules may import.
ALLOWED = {
    "core": {"core"},
    "data": {"core", "data"},
    "models": {"core", "data", "models"},
    "present": {"core", "data", "present"},
    "reports": {"core", "data", "models", "present", "reports"},
    "build": {"core", "data", "present", "reports", "build"},
    "cli": {"core", "data", "models", "present", "reports", "build", "cli", "root"},
    "root": set(),
}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str:
    parts = module.split(".")
    return "root" if len(parts) == 1 else ("cli" if parts[1] == "cli" else parts[1])


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """chiplib modules ``path`` imports, anywhere in the file; ``from a.b import c`` counts as a.b.c when
    that is a module, else as a.b."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("chiplib")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chiplib"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, set(known)) - {name} for name, path in known.items()}


def test_every_module_belongs_to_a_layer():
    assert {layer(name) for name in modules()} <= set(ALLOWED)


def test_no_upward_import():
    upward = [f"{source} ({layer(source)}) imports {target} ({layer(target)})"
              for source, targets in graph().items() for target in sorted(targets)
              if layer(target) not in ALLOWED[layer(source)]]
    assert not upward, "\n".join(upward)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports, as the list of modules on it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_hidden_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    """Package __init__ files re-export their submodules, so an edge from a submodule to its own
    package is not followed back down (Python resolves it without a cycle)."""
    edges = {source: {t for t in targets if not source.startswith(t + ".")} for source, targets in graph().items()}
    assert find_cycle(edges) is None


def test_no_module_is_too_long():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_models_never_open_a_file():
    """Models get their inputs from a loaded dataset (data.load, Dataset.config); they never open files."""
    opening = {"open", "read_text", "read_bytes", "read_csv", "safe_load"}
    found = []
    for name, path in modules().items():
        if layer(name) != "models":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            called = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else \
                node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None
            if called in opening:
                found.append(f"{name}: {called}()")
    assert not found, found
