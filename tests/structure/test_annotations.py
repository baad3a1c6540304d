"""Every public function and method of the package has type hints on its arguments and its
return value (private names, starting with an underscore, and dunder methods but __init__ may
leave them to inference)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "rnnkit"


def public_functions():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.parts:  # click commands: their types are the click options
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            yield from _walk(path, node, "")


def _walk(path, node, prefix):
    if isinstance(node, ast.ClassDef):
        if node.name.startswith("_"):
            return
        for child in node.body:
            yield from _walk(path, child, f"{node.name}.")
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if node.name.startswith("_") and node.name != "__init__":
            return
        yield path, prefix + node.name, node


def missing(node):
    args = node.args
    names = [a for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg not in ("self", "cls")]
    if args.vararg:
        names.append(args.vararg)
    if args.kwarg:
        names.append(args.kwarg)
    out = [a.arg for a in names if a.annotation is None]
    if node.returns is None and node.name != "__init__":
        out.append("return")
    return out


def test_public_functions_are_annotated():
    gaps = [f"{p.relative_to(PACKAGE.parent)}:{n.lineno} {name}: {', '.join(m)}"
            for p, name, n in public_functions() if (m := missing(n))]
    assert not gaps, f"{len(gaps)} public functions without full type hints:\n" + "\n".join(gaps)
