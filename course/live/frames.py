"""One frame's outcome: the typed :class:`FrameResult` and how a frame's pose is judged and drawn.

Also the conversion of ready landmarks (found in the browser) into a :class:`~course.schema.Pose`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from course.analysis.live import LiveFrame
from course.schema import N_LANDMARKS, Landmark, Pose
from course.selftests.base import Feedback

__all__ = [
    "BODY",
    "FREE_ANGLES",
    "MESSAGES",
    "FrameResult",
    "Status",
    "missing_parts",
    "overlay_numbers",
    "pose_from_landmarks",
]

Status = Literal["streaming", "no_person", "partial", "wrong_side", "done"]

#: Landmarks that must be inside the image for a whole-body test (shoulders, hips, knees, ankles).
BODY = (
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
)

MESSAGES = {
    "no_person": "No person in view: step into the picture, 2-3 m from the camera, whole body "
    "visible.",
    "partial": "Part of your body is out of the picture ({parts}): step back or tilt the camera "
    "until head and feet are visible.",
    "several": "{n} people in view: the tracker follows the largest; ask others to step aside.",
}

#: Angles drawn when no self-test runs (a subset: the overlay has room for a few lines).
FREE_ANGLES = ("trunk_lean", "hip_flexion", "knee", "body_lean")
#: Angles that belong to no side (drawn without a side prefix).
UNSIDED = ("pelvic_obliquity",)


def missing_parts(pose: Pose, required: tuple[int, ...] = BODY) -> list[str]:
    """Names of ``required`` landmarks that are outside the image or not visible.

    Examples
    --------
    >>> from course.lessons.stick_figure import model_series
    >>> import numpy as np
    >>> pose = model_series(np.arange(3) / 30).frame(0)
    >>> missing_parts(pose)
    []
    """
    out = []
    for i in required:
        x, y = pose.landmarks[i, 0], pose.landmarks[i, 1]
        inside = -0.02 <= x <= 1.02 and -0.02 <= y <= 1.02
        if not (inside and pose.visibility[i] >= 0.5):
            out.append(Landmark(i).name.lower())
    return out


def pose_from_landmarks(
    landmarks: NDArray[np.floating], t: float, image_size: tuple[int, int], n_people: int = 1
) -> Pose | None:
    """A :class:`Pose` from a ready ``(33, 4)`` array ``x, y, z, visibility`` (the browser's).

    ``x, y`` are normalised to [0, 1] (y down), as MediaPipe gives them. An empty array or one
    whose hips are NaN means nobody was found: None.

    Raises
    ------
    ValueError
        For any other shape.

    Examples
    --------
    >>> lm = np.zeros((33, 4), np.float32); lm[:, 3] = 1.0
    >>> pose_from_landmarks(lm, 0.5, (640, 480)).image_size
    (640, 480)
    >>> pose_from_landmarks(np.zeros((0, 4)), 0.5, (640, 480)) is None
    True
    """
    arr = np.asarray(landmarks, dtype=np.float64)
    if arr.size == 0:
        return None
    if arr.shape != (N_LANDMARKS, 4):
        raise ValueError(
            f"landmarks must have shape (33, 4) (x, y, z, visibility per MediaPipe landmark); got "
            f"{arr.shape}. Send an empty buffer when nobody is in view."
        )
    if not np.all(np.isfinite(arr[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], :2])):
        return None
    vis = np.ascontiguousarray(arr[:, 3])
    return Pose(
        t=float(t),
        landmarks=np.ascontiguousarray(arr[:, :3]),
        world=np.full((N_LANDMARKS, 3), np.nan),
        visibility=vis,
        presence=vis,
        image_size=(int(image_size[0]), int(image_size[1])),
        n_people=int(n_people),
    )


@dataclass(frozen=True)
class FrameResult:
    """What the engine made of one frame: everything the overlay draws and the protocol scored.

    Attributes
    ----------
    t
        Frame time in s, as given (browser clock or video time).
    pose
        The pose as the tracker found it, or None when no person was found.
    frame
        The analysed frame: smoothed landmarks (what is drawn), the side and direction
        measured, and the named angles in degrees. None without a person.
    overlay
        The numbers drawn next to the skeleton, by label: during capture the protocol's live
        metrics, otherwise the test's angles for the measured side. Exactly the values the
        protocol records.
    feedback
        The protocol's feedback, or None without a protocol.
    status
        ``streaming``, ``no_person``, ``partial``, ``wrong_side`` or ``done``.
    message
        One sentence for the learner about ``status`` (empty when all is well).
    done
        True on the frame where the protocol finished.
    proc_ms
        Time spent in the engine in ms (inference included).
    """

    t: float
    pose: Pose | None
    frame: LiveFrame | None
    overlay: dict[str, float]
    feedback: Feedback | None
    status: Status
    message: str
    done: bool
    proc_ms: float

    @property
    def side(self) -> str:
        """The person's side measured (``""`` while unknown)."""
        return self.frame.side if self.frame is not None else ""

    @property
    def locked(self) -> bool:
        """True once the protocol locked the side and direction (capture started)."""
        return self.feedback is not None and self.feedback.locked


def overlay_numbers(
    feedback: Feedback | None, frame: LiveFrame | None, angles: tuple[str, ...]
) -> dict[str, float]:
    """The numbers drawn: the protocol's live metrics in capture, else the angles of the side."""
    if feedback is not None and feedback.metrics:
        return {k: float(v) for k, v in feedback.metrics.items()}
    if frame is None:
        return {}
    values = frame.angles
    return {
        (name if name in UNSIDED else f"{frame.side}_{name}"): values[name]
        for name in angles
        if math.isfinite(values[name])
    }
