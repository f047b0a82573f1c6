"""The lessons' pictures: start and end positions of every body test and exercise.

Each :class:`Figure` is drawn by :mod:`course.lessons.drawing` from the course's own stick
figure (:mod:`course.lessons.stick_figure`), never copied from elsewhere, and written to
``lessons/figures/<name>.svg``. The lessons show them with ``![...](figures/<name>.svg)``.

Command line::

    python -m course figures            # (re)write lessons/figures/*.svg
    python -m course figures --check    # exit 1 if a committed picture differs (CI)
    python -m course figures --clips    # also redraw the annotated stills from the sample clips

Angles in degrees, lengths in metres (see :mod:`course.lessons.stick_figure` for the angle
conventions: thigh + forward, knee + flexed, foot + toes up, trunk + forward).

Examples
--------
>>> fig = FIGURES["squat"]
>>> fig.svg().startswith("<svg")
True
>>> fig.lessons
('02', '07')
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course.lessons import figures_hips, figures_training
from course.lessons.drawing import Figure

__all__ = ["FIGURES", "Figure", "figures_dir", "main", "write_all"]


FIGURES: dict[str, Figure] = {
    fig.name: fig for fig in [*figures_training.figures(), *figures_hips.figures()]
}


def figures_dir() -> Path:
    """``lessons/figures`` of this checkout."""
    return Path(__file__).resolve().parents[2] / "lessons" / "figures"


def write_all(directory: Path, *, check: bool = False) -> list[Path]:
    """Write every figure into ``directory`` (or, with ``check``, only compare).

    Parameters
    ----------
    directory
        Where the ``.svg`` files go.
    check
        Write nothing; return the files that are missing, stale or not in :data:`FIGURES`.

    Returns
    -------
    list of Path
        The files written (or, with ``check``, the ones that differ).
    """
    changed = []
    for fig in FIGURES.values():
        path = directory / f"{fig.name}.svg"
        text = fig.svg()
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(path)
        if not check:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    extra = sorted(p for p in directory.glob("*.svg") if p.stem not in FIGURES)
    return changed + extra if check else changed


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the lesson figures; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m course figures", description="Draw the lessons' stick-figure pictures."
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a picture is stale")
    parser.add_argument("--out", type=Path, default=None, help="folder (default lessons/figures)")
    parser.add_argument(
        "--clips", action="store_true", help="also redraw the annotated stills from sample clips"
    )
    args = parser.parse_args(argv)
    out = args.out or figures_dir()
    if args.clips:
        from course.lessons import clip_frames

        for path in clip_frames.write_all(out):
            print(f"wrote {path}")
    changed = write_all(out, check=args.check)
    if args.check and changed:
        names = ", ".join(p.name for p in changed)
        print(
            f"stale or unknown figures: {names}. Run `python -m course figures`.", file=sys.stderr
        )
        return 1
    for path in changed:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
