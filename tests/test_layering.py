"""The architecture as a test: imports go one way, and nothing reaches back.

Every import statement in ``course/`` and ``widgets/`` (module level or inside a function) is read
with :mod:`ast`, resolved to a module of this project or a third-party package, and checked:

- ``widgets`` → ``course``, never back;
- ``course.schema`` imports nothing of the course; ``course.analysis`` only the compiled core,
  ``course.schema``, ``course.validation`` and ``course.constants`` (never ``course.pose``,
  ``course.live``, ``course.selftests``);
- ``course.pose`` never imports ``course.live``, ``course.selftests`` or ``course.analysis``;
- ``course.selftests`` never imports ``course.live`` or ``course.pose``;
- nothing in ``course`` imports Jupyter except ``course.server``;
- no ``importlib`` for modules of this package, no module-level import cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = {
    "IPython",
    "anywidget",
    "ipykernel",
    "ipywidgets",
    "jupyter_client",
    "jupyter_core",
    "jupyter_server",
    "jupyterlab",
    "nbclient",
    "nbformat",
    "notebook",
    "traitlets",
    "voila",
}
#: package prefix -> prefixes of this project it must never import
FORBIDDEN = {
    "course": ("widgets",),
    "course.schema": ("course.",),
    "course.validation": ("course.pose", "course.analysis", "course.live", "course.selftests"),
    "course.constants": ("course.",),
    "course.analysis": (
        "course.pose",
        "course.live",
        "course.selftests",
        "course.data",
        "course.lessons",
        "course.plots",
        "course.progress",
    ),
    "course.pose": ("course.live", "course.selftests", "course.analysis", "course.lessons"),
    "course.selftests": ("course.live", "course.pose", "course.lessons", "course.plots"),
    "course.data": ("course.live", "course.selftests", "course.lessons"),
}
#: course.analysis may import only these of the project (besides itself)
ANALYSIS_ALLOWED = ("course._core", "course.schema", "course.validation", "course.constants")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def sources() -> list[Path]:
    return sorted(p for pkg in ("course", "widgets") for p in (ROOT / pkg).rglob("*.py"))


def imports(path: Path) -> list[tuple[str, int, bool, bool]]:
    """``(module, line, at module level, from a name)`` for every import in ``path``.

    ``from a import b`` gives ``a`` and ``a.b`` (the latter flagged: it is a module only when
    ``a.b`` exists, as in ``from course import _core``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, id(node) in top, False) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, node.lineno, id(node) in top, False))
            out += [(f"{mod}.{a.name}", node.lineno, id(node) in top, True) for a in node.names]
    return out


def banned_module(mod: str, banned: str) -> bool:
    """True if ``mod`` is ``banned`` or inside it (``"course."`` bans every course module)."""
    if banned.endswith("."):
        return mod.startswith(banned)
    return mod == banned or mod.startswith(banned + ".")


def project_module(name: str) -> bool:
    return name == "course" or name.startswith(("course.", "widgets"))


def violations() -> list[str]:
    known = {module_name(p) for p in sources()} | {"course._core"}
    out = []
    for path in sources():
        here = module_name(path)
        for mod, line, _, from_name in imports(path):
            where = f"{path.relative_to(ROOT)}:{line}: {here} imports {mod}"
            if from_name and mod not in known:
                continue  # "from course.x import name": a name, not a module
            for prefix, banned in FORBIDDEN.items():
                inside = here == prefix or here.startswith(prefix + ".")
                if inside and mod != here and any(banned_module(mod, b) for b in banned):
                    out.append(where)
            allowed = mod.startswith("course.analysis") or mod in (*ANALYSIS_ALLOWED, "course")
            if here.startswith("course.analysis") and project_module(mod) and not allowed:
                out.append(f"{where} (course.analysis may import only {ANALYSIS_ALLOWED})")
            jupyter = mod.split(".")[0] in JUPYTER
            if here.startswith("course") and here != "course.server" and jupyter:
                out.append(where + " (only course.server may import Jupyter)")
            if mod == "importlib" or mod.startswith("importlib."):
                text = path.read_text(encoding="utf-8")
                if 'import_module("course' in text or "import_module('course" in text:
                    out.append(where + " (importlib used for a module of this package)")
    return sorted(set(out))


def test_no_forbidden_import() -> None:
    assert violations() == []


def module_graph() -> dict[str, set[str]]:
    known = {module_name(p) for p in sources()}
    graph: dict[str, set[str]] = {}
    for path in sources():
        here = module_name(path)
        deps = set()
        for mod, _, top, _ in imports(path):
            if top and mod in known and mod != here:
                deps.add(mod)
        graph[here] = deps
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            # a package __init__ importing its own submodules is how packages are built
            if dep.startswith(node + "."):
                continue
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle() -> None:
    assert find_cycle(module_graph()) is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from course.pose.tracker import PoseTracker\n", "course.analysis.x imports course.pose"),
        ("import ipywidgets\n", "only course.server may import Jupyter"),
        ("from widgets import PoseCamera\n", "imports widgets"),
    ],
)
def test_the_check_catches_a_forbidden_import(tmp_path, source, expected) -> None:
    """Plant a bad import in a scratch copy of the layout: the check must report it."""
    fake = tmp_path / "course" / "analysis"
    fake.mkdir(parents=True)
    (tmp_path / "widgets").mkdir()
    (tmp_path / "course" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "x.py").write_text(source)
    (tmp_path / "widgets" / "__init__.py").write_text("")
    globals()["ROOT"] = tmp_path
    try:
        found = violations()
    finally:
        globals()["ROOT"] = Path(__file__).resolve().parents[1]
    assert any(expected in v for v in found), found


def test_the_check_catches_a_cycle() -> None:
    graph = {"course.a": {"course.b"}, "course.b": {"course.c"}, "course.c": {"course.a"}}
    assert find_cycle(graph) == ["course.a", "course.b", "course.c", "course.a"]
