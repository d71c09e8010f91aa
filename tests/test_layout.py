"""The rules the layout keeps, read from the import statements and calls of every module (nothing is imported to check
them)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "jobmatch"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """The jobmatch modules an import names (a `from . import x` names the submodule x when there is one)."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("jobmatch"):
        return []
    named = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES]
    return named or [target]


def imports_of(module: str) -> list[tuple[str, bool]]:
    """(imported name, at module level) for every import in `module`: jobmatch modules and outside packages."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(name, id(node) in top) for name in _resolve(module, path.name == "__init__.py", node)]
    return found


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_model_imports_nothing_from_the_rest_of_jobmatch():
    outside = {
        module: [name for name, _ in imports_of(module) if _in(name, "jobmatch") and not _in(name, "jobmatch.matching")]
        for module in MODULES
        if _in(module, "jobmatch.matching")
    }
    assert {m: names for m, names in outside.items() if names} == {}


@pytest.mark.parametrize("package", ["jobmatch.matching", "jobmatch.services"])
def test_the_model_and_the_services_import_no_flask(package):
    flask = {
        module: [name for name, _ in imports_of(module) if _in(name, "flask") or _in(name, "werkzeug")]
        for module in MODULES
        if _in(module, package)
    }
    assert {m: names for m, names in flask.items() if names} == {}


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module: each one is an import cycle."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_among_modules():
    """Imports inside functions count too: a lazy import that dodges a cycle is still a cycle."""
    graph = {m: {n for n, _ in imports_of(m) if n in MODULES and n != m} for m in MODULES}
    assert _strongly_connected(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# The model's own commands (rank, evaluate and calibrate-fit in cli/model.py, train in cli/training.py, with the batch
# files read by cli/batchfiles.py) drive the model on batch files: they are the one surface that calls the matcher
# itself. Training from outcomes reads the database through services.training.
@pytest.mark.parametrize(
    "package",
    [
        "jobmatch.web",
        "jobmatch.api",
        "jobmatch.cli.data",
        "jobmatch.cli.access",
        "jobmatch.cli.server",
        "jobmatch.cli.base",
    ],
)
def test_views_and_commands_call_services_never_the_database_or_the_matcher(package):
    """A view or a command parses, calls a service and renders; it may name the database's error types, nothing more
    of it."""
    direct = {
        module: [
            name
            for name, _ in imports_of(module)
            if (_in(name, "sqlalchemy") and not _in(name, "sqlalchemy.exc"))
            or name == "jobmatch.models"
            or _in(name, "jobmatch.matching")
        ]
        for module in MODULES
        if _in(module, package)
    }
    assert {m: names for m, names in direct.items() if names} == {}


def _commit_calls(module: str) -> list[tuple[str, str]]:
    """(function, receiver) for every `x.commit(...)` call in `module`; the function is "" at module level."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr == "commit":
                found.append((function, ast.unparse(child.func.value)))
            visit(child, inner)

    visit(tree, "")
    return found


# The heartbeat proves a write can commit on a connection of its own; it carries no caller's writes.
SERVICE_COMMITS = {("jobmatch.services.transaction", "commit"), ("jobmatch.services.system", "beat")}


def test_services_never_commit_the_callers_transaction():
    """A service writes and flushes; `services.commit` is the one place a transaction of theirs ends."""
    found = {
        (module, function)
        for module in MODULES
        if _in(module, "jobmatch.services")
        for function, _ in _commit_calls(module)
    }
    assert found <= SERVICE_COMMITS, found - SERVICE_COMMITS


@pytest.mark.parametrize("package", ["jobmatch.web", "jobmatch.api", "jobmatch.cli", "jobmatch.demo"])
def test_views_and_commands_commit_through_the_one_helper(package):
    """So that a storage fault at the commit is the same StorageUnavailable everywhere, and an erasure's checkpoint
    follows its commit."""
    direct = {
        module: calls
        for module in MODULES
        if _in(module, package)
        for calls in [[receiver for _, receiver in _commit_calls(module) if receiver != "services"]]
        if calls
    }
    assert direct == {}
