"""Table of contents of the lessons, generated from the lesson files.

The lessons are ``lessons/NN-kebab-title.ipynb``, in teaching order. Each lesson's first markdown
cell starts with ``# Title``, followed by a one-line summary; its prerequisites cell says
``**Time needed:** about N min``. From these this module writes ``lessons/README.md`` and,
between the marker lines ``<!-- toc:start -->`` and ``<!-- toc:end -->``, the top-level
``README.md``.

Command line::

    python -m course.toc            # rewrite the tables of contents
    python -m course.toc --check    # exit 1 if a table of contents is stale (CI)

Examples
--------
>>> print(render_toc([Lesson(0, "00-start-here.ipynb", "Start here", "What it is.", 20)]))
| # | Lesson | What you will do | Time |
|---|---|---|---|
| 00 | [Start here](00-start-here.ipynb) | What it is. | 20 min |
<BLANKLINE>
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "END_MARKER",
    "START_MARKER",
    "Lesson",
    "find_lessons",
    "lessons_dir",
    "main",
    "read_lesson",
    "render_lessons_readme",
    "render_toc",
    "replace_between_markers",
]

START_MARKER = "<!-- toc:start -->"
END_MARKER = "<!-- toc:end -->"
LESSON_NAME = re.compile(r"^(?P<number>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb$")
_TIME = re.compile(r"\*\*Time needed:\*\*\s*(?:about\s+)?(?P<minutes>\d+)\s*min", re.IGNORECASE)


@dataclass(frozen=True)
class Lesson:
    """One lesson as listed in the table of contents.

    Attributes
    ----------
    number
        Position in teaching order (the ``NN`` of the file name).
    path
        File name relative to the lessons folder.
    title
        Text of the first ``# `` heading.
    summary
        The first non-empty line after the title (markdown emphasis removed).
    minutes
        Time needed in minutes, from ``**Time needed:** about N min``.
    """

    number: int
    path: str
    title: str
    summary: str
    minutes: int


def _cell_source(cell: dict[str, object]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read_lesson(path: Path) -> Lesson:
    """Read the title, summary and time needed from one lesson notebook.

    Parameters
    ----------
    path
        A ``NN-kebab-title.ipynb`` file.

    Returns
    -------
    Lesson
        The table-of-contents entry.

    Raises
    ------
    ValueError
        If the name, title, summary or time line does not follow the lesson template.
    """
    match = LESSON_NAME.match(path.name)
    if not match:
        raise ValueError(
            f"lesson file names must look like 'NN-kebab-title.ipynb' (two digits, lower-case "
            f"words joined by '-'); got {path.name!r}. Rename the file."
        )
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = [_cell_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"]
    if not markdown:
        raise ValueError(f"{path.name} has no markdown cell; the first one must start '# Title'.")
    lines = markdown[0].strip().splitlines()
    if not lines or not lines[0].startswith("# "):
        first = lines[0] if lines else ""
        raise ValueError(
            f"{path.name}: the first markdown cell must start with '# Title'; got {first!r}."
        )
    title = lines[0][2:].strip()
    rest = [ln.strip() for ln in lines[1:] if ln.strip()]
    if not rest or rest[0].startswith("#"):
        raise ValueError(f"{path.name}: put a one-line summary right under the title '# {title}'.")
    summary = rest[0].strip("*_ ")
    minutes = None
    for text in markdown:
        found = _TIME.search(text)
        if found:
            minutes = int(found.group("minutes"))
            break
    if minutes is None:
        raise ValueError(
            f"{path.name}: no '**Time needed:** about N min' line found; add one to the "
            "Prerequisites section."
        )
    return Lesson(int(match.group("number")), path.name, title, summary, minutes)


def find_lessons(directory: Path) -> list[Lesson]:
    """Return every lesson in ``directory``, in teaching order.

    Parameters
    ----------
    directory
        The lessons folder.

    Returns
    -------
    list of Lesson
        Sorted by number.

    Raises
    ------
    ValueError
        If two lessons share a number or a file breaks the template.
    """
    lessons = [read_lesson(p) for p in sorted(directory.glob("*.ipynb"))]
    seen: dict[int, str] = {}
    for lesson in lessons:
        if lesson.number in seen:
            raise ValueError(
                f"two lessons share number {lesson.number:02d}: {seen[lesson.number]} and "
                f"{lesson.path}. Renumber one of them."
            )
        seen[lesson.number] = lesson.path
    return sorted(lessons, key=lambda lesson: lesson.number)


def render_toc(lessons: Sequence[Lesson], *, link_prefix: str = "") -> str:
    """Render the lessons as a markdown table.

    Parameters
    ----------
    lessons
        Entries in teaching order.
    link_prefix
        Prepended to each link (``"lessons/"`` for the top-level README).

    Returns
    -------
    str
        A markdown table ending with a newline.
    """
    rows = ["| # | Lesson | What you will do | Time |", "|---|---|---|---|"]
    for lesson in lessons:
        title = lesson.title.replace("|", "\\|")
        summary = lesson.summary.replace("|", "\\|")
        rows.append(
            f"| {lesson.number:02d} | [{title}]({link_prefix}{lesson.path}) | {summary} "
            f"| {lesson.minutes} min |"
        )
    return "\n".join(rows) + "\n"


def render_lessons_readme(lessons: Sequence[Lesson]) -> str:
    """Return the full text of ``lessons/README.md``.

    Parameters
    ----------
    lessons
        Entries in teaching order.

    Returns
    -------
    str
        Markdown, with the total time in hours and minutes.
    """
    total = sum(lesson.minutes for lesson in lessons)
    return (
        "# Lessons\n\n"
        "<!-- Generated by `python -m course.toc` from the lesson files; "
        "do not edit by hand. -->\n\n"
        "Work through the lessons in order. Each one lists what it needs and how long it takes; "
        f"all together they take about {total // 60} h {total % 60:02d} min.\n\n"
        + render_toc(lessons)
    )


def replace_between_markers(text: str, block: str) -> str:
    r"""Replace what lies between :data:`START_MARKER` and :data:`END_MARKER` in ``text``.

    Parameters
    ----------
    text
        A document containing both markers, each on its own line, start before end.
    block
        The new content (markdown).

    Returns
    -------
    str
        ``text`` with the block replaced; the markers are kept.

    Examples
    --------
    >>> doc = "intro\n<!-- toc:start -->\nold\n<!-- toc:end -->\nrest\n"
    >>> print(replace_between_markers(doc, "new"))
    intro
    <!-- toc:start -->
    new
    <!-- toc:end -->
    rest
    <BLANKLINE>
    """
    start = text.find(START_MARKER)
    end = text.find(END_MARKER)
    if start < 0 or end < 0 or end < start:
        raise ValueError(
            f"expected the lines {START_MARKER!r} and {END_MARKER!r} (in that order); "
            "add them where the table of contents should go."
        )
    head = text[: start + len(START_MARKER)]
    return head + "\n" + block.rstrip("\n") + "\n" + text[end:]


def _default_root() -> Path:
    cwd = Path.cwd()
    if (cwd / "lessons").is_dir():
        return cwd
    if cwd.name == "lessons" and any(cwd.glob("[0-9][0-9]-*.ipynb")):
        return cwd.parent
    return Path(__file__).resolve().parents[1]


def lessons_dir() -> Path:
    """Return the lessons folder: under the current directory, the current one, or the checkout.

    Returns
    -------
    pathlib.Path
        The folder holding ``NN-kebab-title.ipynb`` files.
    """
    return _default_root() / "lessons"


def _targets(root: Path) -> dict[Path, str]:
    lessons = find_lessons(root / "lessons")
    out = {root / "lessons" / "README.md": render_lessons_readme(lessons)}
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        if START_MARKER in text and END_MARKER in text:
            out[readme] = replace_between_markers(text, render_toc(lessons, link_prefix="lessons/"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the tables of contents; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m course.toc", description="Generate the lessons' table of contents."
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a TOC is stale")
    parser.add_argument("--root", type=Path, default=None, help="repository root (default: here)")
    args = parser.parse_args(argv)
    root = args.root or _default_root()
    if not (root / "lessons").is_dir():
        print(f"no lessons folder under {root}; pass --root REPOSITORY.", file=sys.stderr)
        return 2
    stale = []
    for path, text in _targets(root).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        names = ", ".join(str(p) for p in stale)
        print(f"stale table of contents: {names}. Run `python -m course.toc`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
