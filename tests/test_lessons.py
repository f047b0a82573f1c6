"""The lessons follow one template, carry no outputs, and the tables of contents are fresh.

Static checks only (no kernel): fast. Execution is in test_notebooks_execute.py.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from course import toc

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
PATHS = sorted(LESSONS.glob("*.ipynb"))

# The course outline (issue 6): number and slug of every lesson, in teaching order.
OUTLINE = [
    "00-start-here",
    "01-running-is-a-vertical-jump",
    "02-power-force-over-time",
    "03-lean-from-the-ankles",
    "04-foot-strike-is-an-effect",
    "05-pelvic-proprioception",
    "06-hip-extension",
    "07-the-rear-engine",
    "08-making-it-a-habit",
    "09-for-coaches",
]
# Headings every lesson has, in this order (STYLE.md template).
TEMPLATE = [
    "## Overview",
    "## Learning goals",
    "## Prerequisites",
    "## Quiz",
    "## Summary",
    "## What's next",
    "## Sources",
]
# Lessons where the learner moves (balance, kneeling, jumping...): they must say to stop on pain.
PHYSICAL = {"00", "02", "03", "05", "06", "07"}
QUIZ_NAMES = {"Quiz", "Question", "Choice"}


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def markdown(nb: dict[str, Any]) -> str:
    return "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def code_cells(nb: dict[str, Any]) -> list[str]:
    return [source(c) for c in nb["cells"] if c["cell_type"] == "code"]


def ids(path: Path) -> str:
    return path.stem[:2]


def test_outline_is_complete_and_in_order() -> None:
    assert [p.stem for p in PATHS] == OUTLINE


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_template_headings_in_order(path: Path) -> None:
    text = markdown(load(path))
    lines = [ln.strip() for ln in text.splitlines()]
    assert lines[0].startswith("# "), f"{path.name}: the first line must be '# Title'"
    positions = []
    for heading in TEMPLATE:
        assert heading in lines, f"{path.name}: missing heading {heading!r}"
        positions.append(lines.index(heading))
    assert positions == sorted(positions), f"{path.name}: template headings out of order"
    assert re.search(r"^## (Exercise|Self-test)", text, re.M), (
        f"{path.name}: needs an '## Exercise...' or '## Self-test...' section"
    )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_prerequisites_give_time_needed(path: Path) -> None:
    lesson = toc.read_lesson(path)
    assert 10 <= lesson.minutes <= 90, f"{path.name}: {lesson.minutes} min is not a lesson length"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_one_import_cell_with_course_and_widgets_only(path: Path) -> None:
    cells = code_cells(load(path))
    first = ast.parse(cells[0])
    assert first.body, f"{path.name}: the first code cell must be the imports"
    roots = set()
    for node in first.body:
        assert isinstance(node, (ast.Import, ast.ImportFrom)), (
            f"{path.name}: the imports cell must contain only imports; got {ast.dump(node)[:60]}"
        )
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        else:
            assert node.module is not None
            roots.add(node.module.split(".")[0])
    assert roots <= {"course", "widgets"}, f"{path.name}: lessons import course/widgets only"
    for src in cells[1:]:
        for node in ast.walk(ast.parse(src)):
            assert not isinstance(node, (ast.Import, ast.ImportFrom)), (
                f"{path.name}: imports belong in the first code cell:\n{src}"
            )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_no_outputs_and_no_forbidden_code(path: Path) -> None:
    nb = load(path)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: strip outputs before committing"
            assert cell["execution_count"] is None, f"{path.name}: strip execution counts"
        text = source(cell)
        for bad in ("sys.path", "!pip", "%pip", "../shared", "/work/shared"):
            assert bad not in text, f"{path.name}: {bad!r} must not appear in a lesson"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_quiz_has_three_or_more_explained_questions(path: Path) -> None:
    nb = load(path)
    cells = nb["cells"]
    heading = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and "## Quiz" in source(c).splitlines()
    )
    quiz_cell = next(source(c) for c in cells[heading:] if c["cell_type"] == "code")
    tree = ast.parse(quiz_cell)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert any(c.func.id == "Quiz" for c in calls), f"{path.name}: the quiz cell must build Quiz"
    questions = [c for c in calls if c.func.id == "Question"]
    assert len(questions) >= 3, f"{path.name}: a quiz needs at least 3 questions"
    for q in questions:
        choices = [n for n in ast.walk(q) if isinstance(n, ast.Call) and n.func.id == "Choice"]  # type: ignore[attr-defined]
        correct = [
            c
            for c in choices
            for k in c.keywords
            if k.arg == "correct" and k.value.value is True  # type: ignore[attr-defined]
        ]
        assert len(choices) >= 3 and len(correct) == 1, f"{path.name}: {ast.unparse(q)[:80]}"
        assert all(any(k.arg == "why" for k in c.keywords) for c in choices)


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_interactive_element_besides_the_quiz(path: Path) -> None:
    cells = code_cells(load(path))
    imported = {
        a.asname or a.name
        for node in ast.parse(cells[0]).body
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "widgets"
        for a in node.names
    }
    interactive = imported - QUIZ_NAMES
    assert interactive, f"{path.name}: needs a widget besides the quiz (an explorer or a camera)"
    used = {n.id for src in cells[1:] for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name)}
    assert interactive <= used, f"{path.name}: imported but unused widgets {interactive - used}"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_sources_cite_dated_references(path: Path) -> None:
    text = markdown(load(path))
    sources = text.split("## Sources", 1)[1]
    items = [ln for ln in sources.splitlines() if ln.startswith("- ")]
    dated = [ln for ln in items if re.search(r"\((19|20)\d\d\)", ln)]
    assert dated, f"{path.name}: Sources needs at least one dated reference"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_links_to_other_lessons_exist(path: Path) -> None:
    for target in re.findall(r"\]\(([^)#]+\.ipynb)\)", markdown(load(path))):
        assert (LESSONS / target).exists(), f"{path.name}: broken link to {target}"


@pytest.mark.parametrize("path", [p for p in PATHS if ids(p) in PHYSICAL], ids=ids)
def test_physical_lessons_say_stop_on_pain(path: Path) -> None:
    text = markdown(load(path)).lower()
    assert "stop" in text and ("pain" in text or "hurts" in text), path.name


def test_lessons_readme_and_readme_toc_are_fresh() -> None:
    assert toc.main(["--check", "--root", str(ROOT)]) == 0, "run `python -m course.toc`"


def test_toc_lists_every_lesson_in_order() -> None:
    text = (LESSONS / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"\]\((\d\d-[a-z0-9-]+)\.ipynb\)", text)
    assert found == OUTLINE


def test_toc_check_detects_a_stale_readme(tmp_path: Path) -> None:
    (tmp_path / "lessons").mkdir()
    for path in PATHS[:2]:
        (tmp_path / "lessons" / path.name).write_bytes(path.read_bytes())
    (tmp_path / "README.md").write_text("x\n<!-- toc:start -->\nold\n<!-- toc:end -->\n")
    assert toc.main(["--check", "--root", str(tmp_path)]) == 1
    assert toc.main(["--root", str(tmp_path)]) == 0
    assert toc.main(["--check", "--root", str(tmp_path)]) == 0
    readme = (tmp_path / "README.md").read_text()
    assert "](lessons/01-running-is-a-vertical-jump.ipynb)" in readme and "old" not in readme


def test_toc_rejects_a_badly_named_lesson(tmp_path: Path) -> None:
    bad = tmp_path / "1-Intro.ipynb"
    bad.write_text(json.dumps({"cells": []}))
    with pytest.raises(ValueError, match="NN-kebab-title"):
        toc.read_lesson(bad)
