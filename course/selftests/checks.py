"""Camera setup checks shared by the self-tests, and the per-frame geometry they rest on.

Every check takes one :class:`~course.schema.Pose` and returns a :class:`Check` with a message a
learner can act on. Geometry is computed in pixels (so a 16:9 frame does not distort angles), with
image ``y`` pointing down as in :mod:`course.schema`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from course.schema import Landmark as L
from course.schema import Pose

FloatArray = NDArray[np.float64]

#: Visibility above which a landmark counts as seen.
VISIBLE = 0.5
#: Margin (fraction of the image size) a key landmark must keep from the image border.
MARGIN = 0.02
#: Nose height as a fraction of standing height (adult anthropometry, rounded), used to estimate
#: the full height (top of head to floor) from the nose-to-foot distance.
NOSE_HEIGHT_FRACTION = 0.92

FEET = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)
TOES = (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)
KEY_POINTS = {
    "head": (L.NOSE,),
    "shoulders": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "hips": (L.LEFT_HIP, L.RIGHT_HIP),
    "knees": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "feet": FEET,
}


@dataclass(frozen=True)
class Check:
    """The outcome of one setup check: a name, whether it passed, and what to do if not."""

    name: str
    ok: bool
    message: str = ""


def side_index(side: str, part: str) -> int:
    """Landmark index of ``part`` (e.g. ``"hip"``) on the person's ``side`` (``"left"|"right"``).

    Examples
    --------
    >>> side_index("left", "hip")
    23
    """
    return int(L[f"{side.upper()}_{part.upper()}"])


def other(side: str) -> str:
    """The opposite side: ``"left"`` ↔ ``"right"``."""
    return "right" if side == "left" else "left"


def midpoint(px: FloatArray, a: int, b: int) -> FloatArray:
    """Midpoint of landmarks ``a`` and ``b`` in ``px`` (``(33, 2)`` pixels)."""
    return np.asarray(0.5 * (px[a] + px[b]), dtype=np.float64)


def facing(pose: Pose) -> str:
    """Image direction (``"left"``/``"right"``) a side-on person faces.

    Uses :func:`course.analysis.geometry.facing_direction` (nose ahead of the ears, toes ahead
    of the heels); when those cues disagree, the nose's side of the ear midpoint decides.
    """
    from course.analysis.geometry import facing_direction

    answer = facing_direction(pose.pixels)
    if answer in ("left", "right"):
        return str(answer)
    px = pose.pixels
    ears = midpoint(px, L.LEFT_EAR, L.RIGHT_EAR)
    return "right" if px[L.NOSE, 0] > ears[0] else "left"


def near_side(pose: Pose) -> str:
    """The person's side (``"left"``/``"right"``) turned to the camera in a side view.

    A person facing image-left shows the camera their left side (the camera image is not mirrored).
    """
    return "left" if facing(pose) == "left" else "right"


def _torso_px(px: FloatArray) -> float:
    sh = midpoint(px, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    hp = midpoint(px, L.LEFT_HIP, L.RIGHT_HIP)
    return float(np.hypot(*(sh - hp)))


def view_ratio(pose: Pose) -> float:
    """Shoulder width over torso length in pixels (≈0.6–0.9 facing the camera, < 0.3 side-on)."""
    px = pose.pixels
    width = float(np.hypot(*(px[L.LEFT_SHOULDER] - px[L.RIGHT_SHOULDER])))
    torso = _torso_px(px)
    return width / torso if torso > 0 else float("nan")


def body_axis_deg(pose: Pose) -> float:
    """Angle (deg) of the hip → shoulder midpoint line from vertical (0 upright, 90 lying)."""
    px = pose.pixels
    v = midpoint(px, L.LEFT_SHOULDER, L.RIGHT_SHOULDER) - midpoint(px, L.LEFT_HIP, L.RIGHT_HIP)
    return float(np.degrees(np.arctan2(abs(v[0]), -v[1])))


def body_height_px(pose: Pose) -> float:
    """Estimated standing height in pixels from the nose to the lowest foot point.

    Valid for an upright person; :data:`NOSE_HEIGHT_FRACTION` scales nose height to full height.
    """
    px = pose.pixels
    foot = float(np.nanmax(px[list(FEET + TOES), 1]))
    return (foot - float(px[L.NOSE, 1])) / NOSE_HEIGHT_FRACTION


def body_length_px(pose: Pose) -> float:
    """Body length in pixels along the segments (nose–shoulders–hips–knees–ankles), any posture."""
    px = pose.pixels
    sh = midpoint(px, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    hp = midpoint(px, L.LEFT_HIP, L.RIGHT_HIP)
    kn = midpoint(px, L.LEFT_KNEE, L.RIGHT_KNEE)
    an = midpoint(px, L.LEFT_ANKLE, L.RIGHT_ANKLE)
    pts = [px[L.NOSE], sh, hp, kn, an]
    return float(sum(np.hypot(*(b - a)) for a, b in itertools.pairwise(pts)))


# -- the checks -------------------------------------------------------------------------------
def check_person(pose: Pose | None) -> Check:
    """Someone is in view."""
    if pose is None:
        return Check(
            "person",
            False,
            "No person found. Step into the picture, in good light, with your whole body visible.",
        )
    return Check("person", True)


def check_one_person(pose: Pose) -> Check:
    """Exactly one person is in view."""
    if pose.n_people > 1:
        return Check(
            "one_person",
            False,
            f"{_count_word(pose.n_people)} people in view; step out of frame so only the person "
            "doing the test is visible.",
        )
    return Check("one_person", True)


def _count_word(n: int) -> str:
    words = {2: "Two", 3: "Three", 4: "Four"}
    return words.get(n, str(n))


def check_view(pose: Pose, view: str) -> Check:
    """The camera sees the person from the side (``"side"``), the front, or lying side-on."""
    ratio = view_ratio(pose)
    if view == "lying":
        axis = body_axis_deg(pose)
        if axis < 50:
            return Check(
                "view",
                False,
                "Lie down on your back with your side to the camera (you look upright now).",
            )
        return Check("view", True)
    axis = body_axis_deg(pose)
    if axis > 50:
        return Check("view", False, "Stand up: this test is done standing.")
    if view == "front":
        if not ratio >= 0.45:
            return Check(
                "view",
                False,
                "Face the camera squarely: turn so both shoulders are visible side by side.",
            )
        return Check("view", True)
    if not ratio <= 0.35:
        return Check(
            "view",
            False,
            "Turn sideways: stand side-on so the camera sees your profile (one shoulder in front "
            "of the other).",
        )
    return Check("view", True)


def check_in_frame(
    pose: Pose, *, parts: Sequence[str] = tuple(KEY_POINTS), lying: bool = False
) -> Check:
    """Every key body part is visible and inside the image with a margin."""
    xy = pose.landmarks[:, :2]
    for part in parts:
        idx = list(KEY_POINTS[part])
        x, y = xy[idx, 0], xy[idx, 1]
        if np.any(~np.isfinite(xy[idx])):
            return Check("in_frame", False, f"I cannot see your {part}: show your whole body.")
        if np.any(y > 1 - MARGIN):
            return Check(
                "in_frame",
                False,
                f"Your {part} are cut off at the bottom of the picture: step back or tilt the "
                "camera down."
                if part.endswith("s")
                else f"Your {part} is cut off at the bottom: step back or tilt the camera down.",
            )
        if np.any(y < MARGIN):
            return Check(
                "in_frame",
                False,
                f"Your {part} {'are' if part.endswith('s') else 'is'} cut off at the top of the "
                "picture: step back or tilt the camera up.",
            )
        if np.any(x < MARGIN) or np.any(x > 1 - MARGIN):
            edge = "left" if np.any(x < MARGIN) else "right"
            return Check(
                "in_frame",
                False,
                f"Your {part} {'are' if part.endswith('s') else 'is'} cut off at the {edge} edge: "
                "move toward the middle of the picture"
                + (" or step back." if not lying else " or move the camera back."),
            )
        vis = pose.visibility[idx]
        if part in {"head", "feet"} and not np.nanmax(vis) >= VISIBLE:
            return Check(
                "in_frame",
                False,
                f"Your {part} {'are' if part.endswith('s') else 'is'} hidden: clear the view "
                "between the camera and your whole body.",
            )
    return Check("in_frame", True)


def check_distance(
    pose: Pose, *, low: float = 0.45, high: float = 0.95, lying: bool = False
) -> Check:
    """The body fills between ``low`` and ``high`` of the image height (width when lying)."""
    w, h = pose.image_size
    frac = body_length_px(pose) * 1.15 / w if lying else body_height_px(pose) / h
    if frac < low:
        return Check(
            "distance",
            False,
            f"Come closer: you fill {100 * frac:.0f} % of the picture; aim for "
            f"{100 * low:.0f}–{100 * high:.0f} %.",
        )
    if frac > high:
        return Check(
            "distance",
            False,
            f"Step back: you fill {100 * frac:.0f} % of the picture; aim for "
            f"{100 * low:.0f}–{100 * high:.0f} %.",
        )
    return Check("distance", True)


def check_side_facing(pose: Pose, side: str) -> Check:
    """In a side view, the person's ``side`` is the one turned to the camera."""
    near = near_side(pose)
    if near != side:
        return Check(
            "side_facing",
            False,
            f"Turn around: your {side} side must face the camera (it shows your {near} side now).",
        )
    return Check("side_facing", True)


def run_checks(pose: Pose | None, more: Callable[[Pose], list[Check]] | None) -> list[Check]:
    """Person and one-person checks, then ``more(pose)`` if those pass."""
    first = check_person(pose)
    if not first.ok or pose is None:
        return [first]
    one = check_one_person(pose)
    if not one.ok:
        return [first, one]
    return [first, one, *(more(pose) if more is not None else [])]
