"""Stick-figure pictures of lessons 05–08: pelvis, hip extension, glutes, balance and drills.

Angles in degrees (see :mod:`course.lessons.stick_figure`); drawn by :mod:`course.lessons.drawing`.
"""

from __future__ import annotations

from course.lessons.drawing import (
    FOURS,
    KNEEL,
    STAND,
    SUPINE,
    Arrow,
    Figure,
    Panel,
    Pose,
    Prop,
    legs,
    running_contact,
)


def figures() -> list[Figure]:
    """The figures, in the order the lessons show them."""
    f = Figure
    flat = {"foot_left": -90, "foot_right": -90}  # feet flat when lying or on all fours
    bridge_up = {"lie": -90, "trunk": -22, **legs(22, 80), "arm_left": 90, "arm_right": 90, **flat}
    return [
        f(
            "pelvic-tilt",
            "Pelvic tilt: forward, middle, tucked",
            ("05",),
            (
                Panel(
                    "Tipped forward",
                    Pose(legs(12, 12, trunk=-2)),
                    ["water spills out the front:", "lower back arches"],
                ),
                Panel("Middle", STAND, ["your own comfortable", "middle, not a fixed angle"]),
                Panel(
                    "Tucked",
                    Pose(legs(-7, -7 + 7)),
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
                    Pose(legs(8, 14, trunk=-6), props=(Prop("hands"),)),
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
                        support=KNEEL,
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
                        support=KNEEL,
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
                        {"lie": -90, **legs(60, 110), "arm_left": 90, "arm_right": 90, **flat},
                        support=SUPINE,
                    ),
                    ["knees up, feet flat,", "arms to the ceiling"],
                ),
                Panel(
                    "Up",
                    Pose(bridge_up, support=SUPINE, arrows=(Arrow("HIP_MID", 0, -1, "partner"),)),
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
                    Pose({**bridge_up, "thigh_right": 95, "knee_right": 90}, support=SUPINE),
                    ["lift one knee at a time,", "pelvis stays level"],
                ),
                Panel(
                    "Single-leg",
                    Pose({**bridge_up, "thigh_right": 22, "knee_right": 0}, support=SUPINE),
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
                        {"lie": 90, **legs(90, 90), "arm_left": 90, "arm_right": 90, **flat},
                        support=FOURS,
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
                        support=FOURS,
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
                            "thigh_left": 90,
                            "knee_left": 110,
                            "thigh_right": -20,
                            "knee_right": 30,
                            "arm_left": 70,
                            "elbow_left": 90,
                            "arm_right": 70,
                            "elbow_right": 90,
                            "foot_left": -110,
                            "foot_right": -20,
                        },
                        support=("LEFT_ELBOW", "RIGHT_KNEE", "LEFT_KNEE"),
                    ),
                    ["on the elbows over the", "tucked front leg"],
                ),
                Panel(
                    "Leg straight",
                    Pose(
                        {
                            "lie": 70,
                            "thigh_left": 90,
                            "knee_left": 110,
                            "thigh_right": -28,
                            "knee_right": 0,
                            "arm_left": 70,
                            "elbow_left": 90,
                            "arm_right": 70,
                            "elbow_right": 90,
                            "foot_left": -110,
                            "foot_right": -20,
                        },
                        support=("LEFT_ELBOW", "RIGHT_FOOT_INDEX", "LEFT_KNEE"),
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
                    Pose(running_contact(5, 18, 22), props=(Prop("metronome", text="+5 %"),)),
                    ["metronome 5 % above", "your usual cadence"],
                ),
            ),
        ),
    ]
