"""The house's rules that a newcomer relies on (docs/architecture.md): no import circle,
Dash's private API behind one adapter, modules of a readable size, component ids from
``ids.py``. The floors themselves are import-linter's contracts (`make lint`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest

from tests.helpers.cockpits import REPO

PACKAGES = ("cockpit", "pipelines", "dashboard", "commands")
# A module past this many lines mixes responsibilities unless its opening says why not.
MAX_LINES = 300
REASON = "Over 300 lines:"


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), imports hidden in functions and
    under TYPE_CHECKING included."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.find_modules_directly_imported_by(node):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return out


def test_no_module_imports_itself_round_a_circle(graph):
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle():
    # The check above is only worth its silence if it can speak.
    fake = grimp.ImportGraph()
    for module in ("a", "a.one", "a.two", "a.three"):
        fake.add_module(module)
    fake.add_import(importer="a.one", imported="a.two")
    fake.add_import(importer="a.two", imported="a.three")
    fake.add_import(importer="a.three", imported="a.one")
    assert _cycles(fake) == [["a.one", "a.three", "a.two"]]


def test_dash_s_private_api_is_reached_through_the_adapter_alone():
    adapter = REPO / "dashboard" / "dash_adapter.py"
    private = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(re.match(r"dash(\.\w+)*\._", n) or n == "dash.dash" for n in names):
                private.append(str(path.relative_to(REPO)))
    assert set(private) == {str(adapter.relative_to(REPO))}


def test_at_most_two_modules_pass_300_lines_and_each_says_why():
    long = {}
    for path in modules():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            long[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
    assert len(long) <= 2, sorted(long)
    for name, text in long.items():
        opening = ast.get_docstring(ast.parse(text)) or ""
        assert REASON in opening, f"{name} passes {MAX_LINES} lines without saying why"


def test_component_ids_come_from_ids_py():
    """An ``id=`` is a name from ``ids`` (or built by one of its functions), never a
    string written where the component is made."""
    glued = []
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        if path.name == "ids.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg in ("id", "link_id") and isinstance(
                        keyword.value, (ast.Constant, ast.JoinedStr, ast.BinOp)
                    ):
                        if isinstance(keyword.value, ast.Constant) and keyword.value.value is None:
                            continue
                        glued.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert glued == []
