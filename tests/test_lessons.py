"""The lessons follow one template, carry no outputs, and the tables of contents are fresh.

Static checks only (no kernel): fast. Execution is in test_notebooks_execute.py.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from course import toc
from course.lessons import clip_frames, drawing, figures
from course.schema import Landmark as L
from widgets.quiz import Choice, Question, Quiz, correct_is_longest

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


# --- Second edition: pictures, worked solutions, checked answers, balanced quizzes. ---

MAX_WORDS = 250  # per markdown cell; split longer text with a figure, a table or an interactive
# Lessons whose learner performs a body test or exercise: each shows at least one figure.
BODY = {"02", "03", "04", "05", "06", "07", "08"}
GLOSSARY = LESSONS / "glossary.md"


def quiz_of(path: Path) -> Quiz:
    """Build the lesson's quiz exactly as its cell does (widgets only, no kernel needed)."""
    cells = load(path)["cells"]
    heading = next(
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and "## Quiz" in source(c).splitlines()
    )
    cell = next(source(c) for c in cells[heading:] if c["cell_type"] == "code")
    quiz = eval(cell, {"Quiz": Quiz, "Question": Question, "Choice": Choice})
    assert isinstance(quiz, Quiz), f"{path.name}: the quiz cell must evaluate to a Quiz"
    return quiz


def sections(nb: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The notebook's cells grouped under their last '## ' heading."""
    out: list[tuple[str, list[dict[str, Any]]]] = [("", [])]
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                if line.startswith("## "):
                    out.append((line[3:].strip(), []))
        out[-1][1].append(cell)
    return out


def words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_markdown_cells_are_short(path: Path) -> None:
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] == "markdown":
            n = words(source(cell))
            assert n <= MAX_WORDS, (
                f"{path.name} cell {i}: {n} words; split cells over {MAX_WORDS} words with a "
                "figure, a table or an interactive"
            )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_every_exercise_has_a_hidden_worked_solution(path: Path) -> None:
    exercises = [(h, cells) for h, cells in sections(load(path)) if h.startswith("Exercise")]
    assert exercises, f"{path.name}: no '## Exercise' section"
    for heading, cells in exercises:
        text = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
        assert re.search(r"<details[^>]*>\s*<summary>\s*Worked solution", text), (
            f"{path.name}: exercise {heading!r} needs a worked solution in "
            "<details><summary>Worked solution</summary> ... </details>"
        )
        solution = text.split("<summary>", 1)[1].split("</details>", 1)[0]
        assert words(solution) >= 25, f"{path.name}: the solution of {heading!r} is too thin"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_numeric_answers_are_checked_as_typed(path: Path) -> None:
    calls = [
        n
        for src in code_cells(load(path))[1:]
        for n in ast.walk(ast.parse(src))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "Answer"
    ]
    assert calls, f"{path.name}: needs at least one Answer(...) that checks a typed number"
    for call in calls:
        names = {k.arg for k in call.keywords}
        assert "hint" in names and "unit" in names, f"{path.name}: {ast.unparse(call)[:80]}"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_explorers_come_after_a_prediction_prompt(path: Path) -> None:
    cells = load(path)["cells"]
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        built = [
            n.func.id
            for n in ast.walk(ast.parse(source(cell)))
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name)
            and n.func.id.endswith("Explorer")
        ]
        if built:
            before = next(source(c) for c in reversed(cells[:i]) if c["cell_type"] == "markdown")
            assert "predict" in before.lower(), (
                f"{path.name}: ask for a written prediction before the {built[0]} in cell {i}"
            )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_quiz_answer_is_not_usually_the_longest(path: Path) -> None:
    questions = quiz_of(path).questions
    longest = [q.prompt for q in questions if correct_is_longest(q)]
    assert len(longest) * 3 <= len(questions), (
        f"{path.name}: the right answer is the longest option in {len(longest)} of "
        f"{len(questions)} questions (at most a third allowed): {longest}"
    )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_quiz_has_a_calculation_or_prediction(path: Path) -> None:
    kinds = {q.kind for q in quiz_of(path).questions}
    assert kinds & {"calculate", "predict"}, f"{path.name}: add a calculate or predict question"


def test_figures_are_fresh() -> None:
    assert figures.main(["--check"]) == 0, "run `python -m course figures`"


def test_figures_check_detects_a_stale_picture(tmp_path: Path) -> None:
    assert figures.main(["--out", str(tmp_path)]) == 0
    assert figures.main(["--check", "--out", str(tmp_path)]) == 0
    victim = tmp_path / "squat.svg"
    victim.write_text(victim.read_text().replace("Bottom", "Botom"))
    (tmp_path / "copied.svg").write_text("<svg/>")
    assert figures.main(["--check", "--out", str(tmp_path)]) == 1


def test_every_figure_is_shown_where_it_belongs() -> None:
    texts = {ids(p): markdown(load(p)) for p in PATHS}
    for fig in figures.FIGURES.values():
        for number in fig.lessons:
            assert f"](figures/{fig.name}.svg)" in texts[number], (
                f"lesson {number} should show figures/{fig.name}.svg"
            )
    for number, text in texts.items():
        for target in re.findall(r"\]\((figures/[^)]+)\)", text):
            assert (LESSONS / target).exists(), f"lesson {number}: missing picture {target}"


@pytest.mark.parametrize("path", [p for p in PATHS if ids(p) in BODY], ids=ids)
def test_body_lessons_show_positions(path: Path) -> None:
    assert "](figures/" in markdown(load(path)), f"{path.name}: show the positions in a figure"


def test_drawn_thigh_has_the_angle_put_in() -> None:
    pts = drawing._joints(drawing.Pose({"thigh_left": 30.0, "knee_left": 30.0}))
    hip, knee, ankle = (pts[L[n]] for n in ("LEFT_HIP", "LEFT_KNEE", "LEFT_ANKLE"))
    d = knee - hip
    assert np.degrees(np.arctan2(d[0], -d[1])) == pytest.approx(30.0)
    assert ankle[0] == pytest.approx(knee[0])  # shank vertical when knee flexion = thigh angle
    feet = [pts[L[n]][1] for n in ("LEFT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_HEEL")]
    assert min(feet) == pytest.approx(0.0)


def test_low_poses_get_a_short_picture_with_everything_inside() -> None:
    def box(svg: str) -> tuple[float, float]:
        m = re.search(r'viewBox="0 ([\d.]+) [\d.]+ ([\d.]+)"', svg)
        assert m is not None
        return float(m[1]), float(m[2])

    standing = drawing.render("Stand", [drawing.Panel("Up", drawing.Pose())])
    flat = drawing.Pose({"lie": -90, **drawing.legs(0, 0)}, support=drawing.SUPINE)
    lying = drawing.render("Lie", [drawing.Panel("Down", flat)])
    assert box(standing)[1] > 1.5 * box(lying)[1], "no empty upper half above a lying figure"
    for svg in (standing, lying):
        top, height = box(svg)
        ys = [float(v) for v in re.findall(r'\b(?:y|y1|y2|cy)="(-?[\d.]+)"', svg)]
        assert top <= min(ys) and max(ys) <= top + height, "everything drawn is in the picture"
        assert re.search(rf'<text x="[\d.]+" y="{top + 20:.1f}"[^>]*>(Up|Down)</text>', svg)


def test_glossary_links_resolve_and_every_lesson_uses_it() -> None:
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', GLOSSARY.read_text(encoding="utf-8")))
    assert len(anchors) >= 20, "the glossary should define the course's key terms"
    for path in PATHS:
        targets = re.findall(r"\]\(glossary\.md#([a-z0-9-]+)\)", markdown(load(path)))
        assert targets, f"{path.name}: link key terms to the glossary (glossary.md#term)"
        assert set(targets) <= anchors, (
            f"{path.name}: unknown glossary terms {set(targets) - anchors}"
        )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_sources_are_cited_as_sources(path: Path) -> None:
    text = markdown(load(path))
    assert "Seed text" not in text, f"{path.name}: cite the original author and date"


def test_clip_stills_are_shown_and_present() -> None:
    texts = "\n".join(markdown(load(p)) for p in PATHS)
    for spec in clip_frames.CLIP_FRAMES:
        assert f"](figures/{spec.name}.jpg)" in texts, f"no lesson shows {spec.name}.jpg"
        assert (LESSONS / "figures" / f"{spec.name}.jpg").exists(), (
            "run `python -m course figures --clips`"
        )


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_answer_cells_hide_their_code(path: Path) -> None:
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code" and source(cell).startswith("Answer("):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, (
                f"{path.name}: fold the Answer cell's code (it holds the answer)"
            )
