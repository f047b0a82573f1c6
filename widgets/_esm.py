"""One ES module from a widget's view and the sibling modules it imports.

anywidget loads a view from a string (a blob URL), where ``import ... from "./x.js"`` cannot
resolve, so :func:`bundle` inlines each imported sibling once, dependencies first, and drops
the import lines. The sibling modules stay separate files so that Node can unit-test them
(``make nodetest``). Only this form is understood: ``import { a, b } from "./name.js";``.

Examples
--------
>>> from widgets._esm import bundle
>>> from widgets.pose_camera import STATIC
>>> js = bundle(STATIC / "pose_camera.js")
>>> 'from "./' in js, js.count("// ---- pose_state.js ----")
(False, 1)
"""

from __future__ import annotations

import re
from pathlib import Path

_SIBLING_IMPORT = re.compile(r'^import\s*\{[^}]*\}\s*from\s*"\./([\w-]+\.js)";[ \t]*$', re.M)
_OTHER_IMPORT = re.compile(r"^\s*(import\b|export\s*(\*|\{[^}]*\})\s*from\b)", re.M)


def bundle(entry: Path) -> str:
    """The module ``entry`` with its sibling imports inlined (each file once, in import order).

    Parameters
    ----------
    entry
        Path of the view's ES module, e.g. ``widgets/static/pose_camera.js``.

    Returns
    -------
    str
        JavaScript source without relative imports; every ``export`` is kept.

    Raises
    ------
    ValueError
        For an import this bundler does not handle (bare package names, ``export ... from``,
        ``import * as``) or an import cycle.
    """
    parts: list[str] = []
    done: set[Path] = set()
    active: list[Path] = []

    def visit(path: Path) -> None:
        if path in done:
            return
        if path in active:
            cycle = " -> ".join(p.name for p in [*active, path])
            raise ValueError(f"import cycle between widget modules: {cycle}. Break the cycle.")
        active.append(path)
        text = path.read_text(encoding="utf-8")
        for name in _SIBLING_IMPORT.findall(text):
            visit(path.parent / name)
        body = _SIBLING_IMPORT.sub("", text)
        other = _OTHER_IMPORT.search(body)
        if other is not None:
            line = body[other.start() :].splitlines()[0].strip()
            raise ValueError(
                f"{path.name}: cannot inline {line!r}; widget modules may only use "
                'import { name } from "./sibling.js" (no packages, no re-exports).'
            )
        active.pop()
        done.add(path)
        parts.append(f"// ---- {path.name} ----\n{body}")

    visit(Path(entry))
    return "\n".join(parts)
