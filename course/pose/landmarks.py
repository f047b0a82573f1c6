"""The MediaPipe Pose landmark schema: 33 named points, in the order the model returns them.

Image coordinates follow MediaPipe: ``x`` to the right, ``y`` **down**, normalised to [0, 1] by the
image width and height (pixel arrays multiply by width/height). World coordinates are metres with
the origin between the hips, ``y`` also down.

There is no pelvis landmark (no ASIS/PSIS): the hips (23, 24) are the model's estimate of the hip
joint centres, which is why pelvic tilt is measured by proxy (see ``course.analysis.geometry``).
"""

from __future__ import annotations

from enum import IntEnum

N_LANDMARKS = 33


class Landmark(IntEnum):
    """Index of each MediaPipe Pose landmark (left/right are the person's own sides)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


#: Pairs of landmarks joined by a bone in skeleton drawings.
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(lm.name.lower() for lm in Landmark)
