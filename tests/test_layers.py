"""Dependencies run one way: cli/api → service → model/backends → analysis/taxonomy/io. No module imports a
module of a higher layer (function-level imports included), so there is no import circle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cvclassify"

LAYERS: list[tuple[str, ...]] = [
    # 0 — the ground floor: states, errors, files, texts, trees, corpora, projects, the store of decisions
    ("_version", "errors", "labels", "io", "document", "lexicon", "analysis", "taxonomy", "corpus", "projects",
     "hierarchy", "feedback", "history"),
    # 1 — what models are made of, and the result type
    ("features", "model.params", "model.card", "model.calibration", "model.decision", "result", "render"),
    # 2 — scorers
    ("backends",),
    # 3 — the model, and measuring it
    ("model", "evaluation.metrics", "evaluation.quality", "evaluation.report"),
    # 4 — making models
    ("training", "coldstart", "evaluation.evaluate", "evaluation"),
    # 5 — the service layer
    ("service", "batch"),
    # 6 — the interfaces
    ("cli", "api", "__main__"),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The layer of a module: the longest prefix listed."""
    best, level = -1, None
    for n, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, level = len(name), n
    assert level is not None, f"cvclassify.{module} is in no layer of tests/test_layers.py"
    return level


def imports_of(path: Path) -> set[str]:
    """The cvclassify modules a file imports, anywhere in it (outside ``if TYPE_CHECKING`` blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cvclassify"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            found |= {n if _is_module(n) else node.module for n in names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cvclassify")}
    return {name.removeprefix("cvclassify").lstrip(".") for name in found} - {""}


def _is_module(dotted: str) -> bool:
    relative = Path(*dotted.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


def test_no_module_imports_upwards():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = module_name(path)
        if not module:
            continue  # the package's lazy ``__init__`` re-exports the public names
        own = layer_of(module)
        for target in imports_of(path):
            if layer_of(target) > own:
                upward.append(f"cvclassify.{module} ({own}) imports cvclassify.{target} ({layer_of(target)})")
    assert upward == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from cvclassify.service.classify import classify_rows\n", encoding="utf-8")
    assert "service.classify" in imports_of(bad)
    assert layer_of("service.classify") > layer_of("analysis")


def test_there_is_no_import_circle():
    graph = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")
             if "migrations" not in p.parts and module_name(p)}
    graph = {m: {t for t in targets if t in graph and t != m} for m, targets in graph.items()}
    circles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(" → ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_every_public_name_has_a_docstring():
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        stack = [(node, "") for node in tree.body]
        while stack:
            node, prefix = stack.pop()
            named = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if named and not node.name.startswith("_"):
                if not ast.get_docstring(node):
                    missing.append(f"{path.relative_to(PACKAGE)}: {prefix}{node.name}")
                if isinstance(node, ast.ClassDef):
                    stack += [(child, f"{prefix}{node.name}.") for child in node.body]
    assert missing == []
