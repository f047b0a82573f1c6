"""Stick-figure pictures of lessons 02–04: jump, strength and fast exercises, lean, landing.

Angles in degrees (see :mod:`course.lessons.stick_figure`); drawn by :mod:`course.lessons.drawing`.
"""

from __future__ import annotations

from course.lessons.drawing import (
    STAND,
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
                    Pose({**legs(60, 95), "trunk": 35, "arm_left": -40, "arm_right": -40}),
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
                    Pose({**legs(95, 115), "trunk": 35}, props=(Prop("bar"),)),
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
                    Pose({**legs(8, 14), "arm_left": 20, "elbow_left": 70}, props=(Prop("rope"),)),
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
                    Pose({**legs(40, 50), "trunk": 20, "arm_left": -30, "arm_right": -30}),
                    ["contact as short", "as you can"],
                ),
                Panel(
                    "3 Rebound",
                    Pose(
                        {"foot_left": -30, "foot_right": -30, "arm_left": 120, "arm_right": 120},
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
                        {**legs(25, 25), "trunk": 60, "arm_left": -15, "arm_right": -15},
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
                    Pose(running_contact(5, 18, 22), props=(Prop("line", text="HIP_MID"),)),
                    ["shank close to vertical", "knee bent at contact"],
                ),
                Panel(
                    "Overstride",
                    Pose(
                        {**running_contact(0, 38, 5), "foot_left": 20},
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
    ]
