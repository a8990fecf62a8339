"""The shape of the code: no import cycles, few function-level imports, one configuration per app.

The import graph is built from the source with `ast` (nothing is imported): an edge for every
`import cslab...` / `from cslab... import` at module level, outside `if TYPE_CHECKING:` blocks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps

from cslab.core.app_config import CslabAppConfig

SOURCE = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SOURCE / "cslab"
# At most this many `cslab` imports inside functions, each with a comment giving its reason.
MAX_FUNCTION_LEVEL_IMPORTS = 10
# Modules that plug an area into the web (HTTP handlers, routers, pages, commands, demo data):
# they compose areas, so they may import any area; no area's domain code imports them.
EDGE_MODULE = re.compile(
    r"^cslab\.(api(\..+)?"
    r"|[a-z_]+\.(api|api_\w+|media_views|urls|feeds|sitemaps|demo|demo_\w+)"
    r"|[a-z_]+\.(views|views_\w+|templatetags|management)(\..+)?)$"
)
# Area pairs whose domain code still imports each other, each with the reason it is allowed.
ALLOWED_AREA_CYCLES: dict[frozenset[str], str] = {
    frozenset({"media", "observations"}): (
        "one aggregate split for size (issue 10): an attachment is served to whoever may see its "
        "observation (media reads observations' selectors), and an observation's public view "
        "names its attachments and erasing it erases their files (observations reads media)"
    ),
}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level or not node.module:
        return []
    # `from cslab.x import y` imports cslab.x.y when y is a submodule.
    return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]


def _imports(tree: ast.Module, *, inside_functions: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    def walk(node: ast.AST, in_function: bool) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking_block(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function == inside_functions:
                yield child
            nested = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from walk(child, in_function or nested)

    return walk(tree, False)


def module_graph() -> dict[str, set[str]]:
    """Module → the cslab modules it imports at module level."""
    sources = dict(_modules())
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for name, path in sources.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _imports(tree, inside_functions=False):
            graph[name] |= {target for target in _imported(node) if target in sources}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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


def _area(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def area_graph(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """Area → the areas its domain code imports (edge modules left out, see EDGE_MODULE)."""
    graph: dict[str, set[str]] = {}
    for module, targets in modules.items():
        if module.count(".") < 2 or EDGE_MODULE.match(module):
            continue
        area = _area(module)
        graph.setdefault(area, set())
        for target in targets:
            if target.count(".") and _area(target) != area and not EDGE_MODULE.match(target):
                graph[area].add(_area(target))
    return graph


def test_no_module_imports_itself_through_a_cycle_of_module_level_imports() -> None:
    assert _cycles(module_graph()) == []


def test_the_areas_domain_code_imports_in_one_direction_only() -> None:
    graph = area_graph(module_graph())
    for pair in ALLOWED_AREA_CYCLES:
        first, second = sorted(pair)
        graph[first].discard(second)
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _imports_at_run_time(path: Path) -> set[str]:
    """The modules a file imports, at module level or inside functions (not for type checking)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return {
        target
        for inside_functions in (False, True)
        for node in _imports(tree, inside_functions=inside_functions)
        for target in _imported(node)
    }


def test_consensus_reads_classifications_only_through_the_classification_selectors() -> None:
    """Consensus's domain code reads classifications as plain rows from
    `cslab.classification.selectors`, never from the models (its pages and API, which only
    name the workflow they were given, excepted): the query lives with the data it reads."""
    readers = [
        name
        for name, path in _modules()
        if name.startswith("cslab.consensus")
        and not EDGE_MODULE.match(name)
        and any(
            target == "cslab.classification.models"
            or target.startswith("cslab.classification.models.")
            for target in _imports_at_run_time(path)
        )
    ]
    assert readers == []


def _function_level_imports() -> list[str]:
    found = []
    for name, path in _modules():
        text = path.read_text()
        tree = ast.parse(text, filename=str(path))
        lines = text.splitlines()
        for node in _imports(tree, inside_functions=True):
            if any(target.startswith("cslab") for target in _imported(node)) or (
                isinstance(node, ast.ImportFrom) and node.level
            ):
                reason = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                said = reason if reason.startswith("#") else lines[node.lineno - 1]
                found.append(f"{name}:{node.lineno}: {said.strip()}")
    return found


def test_few_cslab_imports_are_left_inside_functions_and_each_says_why() -> None:
    found = _function_level_imports()
    assert len(found) <= MAX_FUNCTION_LEVEL_IMPORTS, "\n".join(found)
    assert [line for line in found if "#" not in line] == []


@pytest.mark.parametrize(
    "config", [config for config in apps.get_app_configs() if config.name.startswith("cslab.")]
)
def test_every_area_runs_its_own_app_configuration(config: object) -> None:
    """An area's registrations (rules, export sections, job kinds) run from its own config."""
    assert type(config).__module__.startswith("cslab.")
    assert isinstance(config, CslabAppConfig) or type(config).__name__ == "ApiConfig"
