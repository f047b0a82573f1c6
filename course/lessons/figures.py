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
from dataclasses import dataclass
from pathlib import Path

from course.lessons.drawing import Arrow, Panel, Pose, Prop, render

__all__ = ["FIGURES", "Figure", "figures_dir", "main", "write_all"]


@dataclass(frozen=True)
class Figure:
    """One picture of a lesson.

    Attributes
    ----------
    name
        File stem: the picture is ``lessons/figures/<name>.svg``.
    title
        What it shows (the SVG title, read by screen readers).
    lessons
        Two-digit numbers of the lessons that show it.
    panels
        The positions, drawn left to right (start first).
    """

    name: str
    title: str
    lessons: tuple[str, ...]
    panels: tuple[Panel, ...]

    def svg(self) -> str:
        """The picture as an SVG document."""
        return render(self.title, self.panels)


STAND = Pose()
_SUPINE = ("LEFT_SHOULDER", "LEFT_HEEL", "LEFT_FOOT_INDEX")
_KNEEL = ("LEFT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_KNEE")
_FOURS = ("LEFT_WRIST", "LEFT_KNEE")


def _legs(thigh: float, knee: float, **more: float) -> dict[str, float]:
    return {
        "thigh_left": thigh,
        "thigh_right": thigh,
        "knee_left": knee,
        "knee_right": knee,
        **more,
    }


def _run(lean: float = 5.0, reach: float = 20.0, knee: float = 20.0) -> dict[str, float]:
    """A running contact: left foot on the ground, right leg swinging through."""
    return {
        "trunk": lean, "thigh_left": reach, "knee_left": knee, "thigh_right": -15,
        "knee_right": 95, "arm_left": -30, "elbow_left": 80, "arm_right": 35, "elbow_right": 80,
    }  # fmt: skip


def _figures() -> list[Figure]:
    f = Figure
    flat = {"foot_left": -90, "foot_right": -90}  # feet flat when lying or on all fours
    bridge_up = {"lie": -90, "trunk": -22, **_legs(22, 80), "arm_left": 90, "arm_right": 90, **flat}
    return [
        f(
            "countermovement-jump",
            "Countermovement jump: stand, dip, fly",
            ("02",),
            (
                Panel(
                    "1 Stand tall", Pose({"arm_left": 0}), ["hands on hips", "for the camera test"]
                ),
                Panel(
                    "2 Quick dip",
                    Pose({**_legs(60, 95), "trunk": 35, "arm_left": -40, "arm_right": -40}),
                    ["hips back, knees bent", "then drive up at once"],
                ),
                Panel(
                    "3 Fly, land as you left",
                    Pose(
                        {"foot_left": -30, "foot_right": -30},
                        lift=0.25,
                        support=("LEFT_FOOT_INDEX",),
                    ),
                    ["straight legs, toes down", "so flight time is honest"],
                ),
            ),
        ),
        f(
            "squat",
            "Weighted back squat: top and bottom",
            ("02", "07"),
            (
                Panel(
                    "Top", Pose(props=(Prop("bar"),)), ["bar on upper back", "feet shoulder-width"]
                ),
                Panel(
                    "Bottom",
                    Pose({**_legs(95, 115), "trunk": 35}, props=(Prop("bar"),)),
                    ["thighs about level", "knees track over toes"],
                ),
            ),
        ),
        f(
            "lunge",
            "Lunge: start and bottom",
            ("02",),
            (
                Panel(
                    "Start",
                    Pose(props=(Prop("dumbbells"),)),
                    ["stand tall, weights", "at your sides"],
                ),
                Panel(
                    "Bottom",
                    Pose(
                        {
                            "thigh_left": 85,
                            "knee_left": 90,
                            "thigh_right": -25,
                            "knee_right": 105,
                            "foot_right": -50,
                            "trunk": 3,
                        },
                        support=("LEFT_HEEL", "LEFT_FOOT_INDEX"),
                        props=(Prop("dumbbells"),),
                    ),
                    ["long step, back knee", "just above the floor"],
                ),
            ),
        ),
        f(
            "calf-raise",
            "Calf raise: heels down, heels up",
            ("02",),
            (
                Panel(
                    "Start",
                    Pose(props=(Prop("dumbbells"),)),
                    ["stand tall, weight", "on the balls of the feet"],
                ),
                Panel(
                    "Top",
                    Pose(
                        {"foot_left": -40, "foot_right": -40},
                        support=("LEFT_FOOT_INDEX", "RIGHT_FOOT_INDEX"),
                        props=(Prop("dumbbells"),),
                    ),
                    ["rise as high as you can,", "lower in 2–3 s"],
                ),
            ),
        ),
        f(
            "pogo-hops",
            "Rope skipping and pogo hops: short, stiff contacts",
            ("02",),
            (
                Panel(
                    "Contact",
                    Pose({**_legs(8, 14), "arm_left": 20, "elbow_left": 70}, props=(Prop("rope"),)),
                    ["land on the forefoot", "knees nearly straight"],
                ),
                Panel(
                    "Air",
                    Pose(
                        {"foot_left": -25, "foot_right": -25, "arm_left": 20, "elbow_left": 70},
                        lift=0.06,
                        support=("LEFT_FOOT_INDEX",),
                    ),
                    ["a few cm high", "ankles do the work"],
                ),
            ),
        ),
        f(
            "depth-jump",
            "Depth jump: step off, land, rebound",
            ("02",),
            (
                Panel(
                    "1 Step off the box",
                    Pose(
                        {"thigh_left": 30, "knee_left": 20},
                        lift=0.3,
                        support=("RIGHT_HEEL",),
                        props=(Prop("box", 0.3),),
                    ),
                    ["start low: 20–30 cm", "step, do not jump, off"],
                ),
                Panel(
                    "2 Land and go",
                    Pose({**_legs(40, 50), "trunk": 20, "arm_left": -30, "arm_right": -30}),
                    ["contact as short", "as you can"],
                ),
                Panel(
                    "3 Rebound",
                    Pose(
                        {"foot_left": -30, "foot_right": -30, "arm_left": 170, "arm_right": 170},
                        lift=0.25,
                        support=("LEFT_FOOT_INDEX",),
                    ),
                    ["jump straight up", "RSI = height / contact"],
                ),
            ),
        ),
        f(
            "kettlebell-swing",
            "Heavy kettlebell swing: hinge, then snap the hips",
            ("02",),
            (
                Panel(
                    "Hinge",
                    Pose(
                        {**_legs(25, 25), "trunk": 60, "arm_left": -15, "arm_right": -15},
                        props=(Prop("bell"),),
                    ),
                    ["hips back, back flat,", "bell between the thighs"],
                ),
                Panel(
                    "Snap",
                    Pose(
                        {"arm_left": 90, "arm_right": 90},
                        props=(Prop("bell"),),
                        arrows=(Arrow("HIP_MID", 1, 0, "hips drive"),),
                    ),
                    ["hips and knees lock out", "the bell floats to chest height"],
                ),
            ),
        ),
        f(
            "ankle-lean",
            "Upright, leaning from the ankles, bending at the hips",
            ("03",),
            (
                Panel("Upright", STAND, ["ankle–shoulder line", "vertical"]),
                Panel(
                    "Ankle lean",
                    Pose(
                        {"trunk": 8, "thigh_left": -8, "thigh_right": -8},
                        props=(Prop("line", text="LEFT_ANKLE"),),
                    ),
                    ["body straight, tipped", "forward as one piece"],
                ),
                Panel(
                    "Hip bend",
                    Pose({"trunk": 25}),
                    ["trunk folds at the hips,", "legs stay vertical"],
                ),
            ),
        ),
        f(
            "landing-position",
            "Where the foot lands: under the hip or far ahead of it",
            ("04",),
            (
                Panel(
                    "Foot near the hip",
                    Pose(_run(5, 18, 22), props=(Prop("line", text="HIP_MID"),)),
                    ["shank close to vertical", "knee bent at contact"],
                ),
                Panel(
                    "Overstride",
                    Pose(
                        {**_run(0, 38, 5), "foot_left": 20},
                        support=("LEFT_HEEL",),
                        props=(Prop("line", text="HIP_MID"),),
                    ),
                    ["foot far ahead of the hip", "straight knee, shank tilted"],
                ),
            ),
        ),
        f(
            "pelvic-drop",
            "Seen from the front: level pelvis and pelvic drop",
            ("04", "07"),
            (
                Panel(
                    "Level",
                    Pose({"thigh_right": 40, "knee_right": 80}, view="front"),
                    ["stance on the left leg,", "hip line level"],
                ),
                Panel(
                    "Drop",
                    Pose(
                        {"thigh_right": 40, "knee_right": 80, "pelvis_drop": -8, "trunk_side": -4},
                        view="front",
                    ),
                    ["free side sags;", "trunk leans over the stance leg"],
                ),
            ),
        ),
        f(
            "pelvic-tilt",
            "Pelvic tilt: forward, middle, tucked",
            ("05",),
            (
                Panel(
                    "Tipped forward",
                    Pose(_legs(12, 12, trunk=-2)),
                    ["water spills out the front:", "lower back arches"],
                ),
                Panel("Middle", STAND, ["your own comfortable", "middle, not a fixed angle"]),
                Panel(
                    "Tucked",
                    Pose(_legs(-7, -7 + 7)),
                    ["water spills out the back:", "lower back flattens"],
                ),
            ),
        ),
        f(
            "compression-test",
            "Vertical compression test and the reach-up reset",
            ("05",),
            (
                Panel(
                    "Partner pushes down",
                    Pose(props=(Prop("hands"),)),
                    ["slowly, 2 s up to firm,", "hold 1 s, release"],
                ),
                Panel(
                    "Giving way",
                    Pose(_legs(8, 14, trunk=-6), props=(Prop("hands"),)),
                    ["back arches, knees give:", "note where"],
                ),
                Panel(
                    "Reach-up reset",
                    Pose({"arm_left": 175, "arm_right": 175}),
                    ["reach high, then lower", "the arms only"],
                ),
            ),
        ),
        f(
            "kneeling-hip-test",
            "Kneeling doorway test: arched, then pelvis tucked",
            ("06",),
            (
                Panel(
                    "Arched (the cheat)",
                    Pose(
                        {
                            "thigh_left": 90,
                            "knee_left": 90,
                            "thigh_right": -8,
                            "knee_right": 95,
                            "trunk": -10,
                        },
                        support=_KNEEL,
                        props=(Prop("wall", offset=0.13),),
                    ),
                    ["gap between lower back", "and the doorframe"],
                ),
                Panel(
                    "Tucked (the test)",
                    Pose(
                        {
                            "thigh_left": 90,
                            "knee_left": 90,
                            "thigh_right": 0,
                            "knee_right": 90,
                            "trunk": 0,
                        },
                        support=_KNEEL,
                        props=(Prop("wall", offset=0.1),),
                        arrows=(Arrow("RIGHT_HIP", 1, 0.2, "stretch here"),),
                    ),
                    ["back flat on the frame;", "front of the rear hip stretches"],
                ),
            ),
        ),
        f(
            "glute-bridge",
            "Glute bridge: down and up",
            ("07",),
            (
                Panel(
                    "Down",
                    Pose(
                        {"lie": -90, **_legs(60, 110), "arm_left": 90, "arm_right": 90, **flat},
                        support=_SUPINE,
                    ),
                    ["knees up, feet flat,", "arms to the ceiling"],
                ),
                Panel(
                    "Up",
                    Pose(bridge_up, support=_SUPINE, arrows=(Arrow("HIP_MID", 0, -1, "partner"),)),
                    ["straight line shoulder–knee;", "partner presses on the pelvis"],
                ),
            ),
        ),
        f(
            "bridge-progressions",
            "Harder bridges: marching and single-leg",
            ("07",),
            (
                Panel(
                    "Marching",
                    Pose({**bridge_up, "thigh_right": 95, "knee_right": 90}, support=_SUPINE),
                    ["lift one knee at a time,", "pelvis stays level"],
                ),
                Panel(
                    "Single-leg",
                    Pose({**bridge_up, "thigh_right": 22, "knee_right": 0}, support=_SUPINE),
                    ["one foot down, other", "leg straight in line"],
                ),
            ),
        ),
        f(
            "donkey-kick",
            "Donkey kick: on all fours, heel to the ceiling",
            ("07",),
            (
                Panel(
                    "Start",
                    Pose(
                        {"lie": 90, **_legs(90, 90), "arm_left": 90, "arm_right": 90, **flat},
                        support=_FOURS,
                    ),
                    ["hands under shoulders,", "knees under hips"],
                ),
                Panel(
                    "Kick",
                    Pose(
                        {
                            "lie": 90,
                            "thigh_left": 90,
                            "knee_left": 90,
                            "thigh_right": 0,
                            "knee_right": 90,
                            "arm_left": 90,
                            "arm_right": 90,
                            **flat,
                        },
                        support=_FOURS,
                    ),
                    ["push the heel up", "without arching the back"],
                ),
            ),
        ),
        f(
            "single-leg-deadlift",
            "Single-leg deadlift: stand, hinge",
            ("07",),
            (
                Panel(
                    "Stand",
                    Pose(
                        {"thigh_right": 0, "knee_right": 20, "foot_right": -20},
                        support=("LEFT_HEEL", "LEFT_FOOT_INDEX"),
                        props=(Prop("dumbbells"),),
                    ),
                    ["weight on one leg,", "knee soft"],
                ),
                Panel(
                    "Hinge",
                    Pose(
                        {
                            "trunk": 75,
                            "thigh_left": 15,
                            "knee_left": 15,
                            "thigh_right": -70,
                            "knee_right": 5,
                        },
                        support=("LEFT_HEEL", "LEFT_FOOT_INDEX"),
                        props=(Prop("dumbbells"),),
                    ),
                    ["trunk and back leg", "move as one line"],
                ),
            ),
        ),
        f(
            "pigeon-extension",
            "Pigeon hip extension: knee down, then leg straight",
            ("07",),
            (
                Panel(
                    "Knee down",
                    Pose(
                        {
                            "lie": 70,
                            "thigh_left": 150,
                            "knee_left": 150,
                            "thigh_right": 0,
                            "knee_right": 0,
                            "arm_left": 80,
                            "elbow_left": 90,
                        },
                        support=("LEFT_ELBOW", "RIGHT_KNEE"),
                    ),
                    ["on the elbows over the", "tucked front leg"],
                ),
                Panel(
                    "Leg straight",
                    Pose(
                        {
                            "lie": 70,
                            "thigh_left": 150,
                            "knee_left": 150,
                            "thigh_right": -10,
                            "knee_right": 0,
                            "arm_left": 80,
                            "elbow_left": 90,
                        },
                        support=("LEFT_ELBOW", "RIGHT_FOOT_INDEX"),
                    ),
                    ["squeeze, lift the knee", "toes stay down"],
                ),
            ),
        ),
        f(
            "standing-hip-extension",
            "Standing hip extension: drive the foot back",
            ("07",),
            (
                Panel(
                    "Start",
                    Pose({"thigh_right": 0, "knee_right": 90}),
                    ["calf level,", "hands on the hips"],
                ),
                Panel(
                    "Drive back",
                    Pose(
                        {"thigh_right": -18, "knee_right": 90},
                        arrows=(Arrow("RIGHT_ANKLE", -1, 0, "into a wall"),),
                    ),
                    ["pelvis and spine", "stay still"],
                ),
            ),
        ),
        f(
            "single-leg-balance",
            "Single-leg balance, seen from the front",
            ("07",),
            (
                Panel("Both feet", Pose(view="front"), ["feet hip-width", "face the camera"]),
                Panel(
                    "One leg",
                    Pose({"thigh_right": 25, "knee_right": 80}, view="front"),
                    ["lift one foot,", "hips level, 20 s"],
                ),
            ),
        ),
        f(
            "cadence-drill",
            "From drill to running: march, then run to a metronome",
            ("08",),
            (
                Panel(
                    "March drill",
                    Pose(
                        {
                            "thigh_right": 75,
                            "knee_right": 95,
                            "foot_right": 0,
                            "arm_left": 40,
                            "elbow_left": 90,
                            "arm_right": -30,
                            "elbow_right": 80,
                        }
                    ),
                    ["tall, knee up,", "foot lands under the hip"],
                ),
                Panel(
                    "Run with a beat",
                    Pose(_run(5, 18, 22), props=(Prop("metronome", text="+5 %"),)),
                    ["metronome 5 % above", "your usual cadence"],
                ),
            ),
        ),
    ]


FIGURES: dict[str, Figure] = {fig.name: fig for fig in _figures()}


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
