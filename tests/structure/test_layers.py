"""The package's import graph: no cycles, and the layers below rnnkit.torch never import it.

Every import counts, also those inside functions (a lazy import is still a dependency), so the
graph is read from the source with ``ast`` rather than from what happens to be imported.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "rnnkit"
# The layers that must never reach rnnkit.torch (the backend is found by name in a registry).
BELOW_TORCH = ("rnnkit.nn", "rnnkit.training", "rnnkit.backends", "rnnkit.data", "rnnkit.forecast",
               "rnnkit.text", "rnnkit.diagnostics", "rnnkit.io")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """rnnkit modules that ``path`` imports (``from a import b`` counts ``a.b`` when that is a module)."""
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in found if n == "rnnkit" or n.startswith("rnnkit.")}


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        targets = {t for t in imports(path) if t in modules and t != name}
        # importing a package's submodule runs the package first: that is not a dependency of ours
        edges[name] = {t for t in targets if not name.startswith(t + ".")}
    return edges


def test_no_import_cycles():
    edges = graph()
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("layer", BELOW_TORCH)
def test_lower_layers_never_import_torch_backend(layer):
    bad = {src: sorted(t for t in targets if t == "rnnkit.torch" or t.startswith("rnnkit.torch."))
           for src, targets in graph().items() if src == layer or src.startswith(layer + ".")}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"{layer} imports rnnkit.torch: {bad}"


def test_the_engine_imports_nothing_above_it():
    bad = {src: sorted(t for t in targets if not t.startswith("rnnkit.nn"))
           for src, targets in graph().items() if src.startswith("rnnkit.nn")}
    assert not {k: v for k, v in bad.items() if v}


def test_the_evaluation_schedule_is_written_once():
    hits = [f"{p.relative_to(PACKAGE.parent)}:{i}" for p in PACKAGE.rglob("*.py")
            for i, line in enumerate(p.read_text().splitlines(), 1) if "% eval_every" in line
            or "% self.eval_every" in line or "% cfg.eval_every" in line]
    assert len(hits) == 1, hits
