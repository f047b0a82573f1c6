"""Reference body angles from a 3-D skeleton, in the body's own planes.

The 3-D landmarks come from several calibrated cameras (:mod:`course.accuracy.triangulation`)
in a world frame with ``z`` **up**, metres. Each frame gets a body frame:

- ``up``: the world vertical (gravity);
- ``right``: the horizontal part of the hip line plus the shoulder line (left → right), i.e. the
  normal of the **sagittal** plane;
- ``forward``: ``up × right``, the normal of the **frontal** plane.

Every angle that a self-test scores is then measured with the definition and sign of
:mod:`course.analysis.geometry` (or :mod:`course.selftests.kinematics`), but on the segment
projected onto the sagittal plane (``forward``, ``up``) or the frontal plane (``right``, ``up``)
instead of onto an image. The knee angle is the true 3-D hip–knee–ankle angle (a joint angle
needs no plane).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.schema import FloatArray, Landmark
from course.validation import as_float_array

__all__ = ["BodyFrame", "body_frame", "reference_angles", "view_angle"]

UP = np.array([0.0, 0.0, 1.0])
_SIDES = {
    "left": (Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
    "right": (
        Landmark.RIGHT_SHOULDER,
        Landmark.RIGHT_HIP,
        Landmark.RIGHT_KNEE,
        Landmark.RIGHT_ANKLE,
    ),
}


@dataclass(frozen=True)
class BodyFrame:
    """Per-frame body axes in world coordinates, each ``(n, 3)`` unit vectors.

    Attributes
    ----------
    right
        Toward the person's right, horizontal (normal of the sagittal plane).
    forward
        The way the person faces, horizontal (normal of the frontal plane).
    up
        World vertical.
    """

    right: FloatArray
    forward: FloatArray
    up: FloatArray


def _skeleton(points: FloatArray) -> FloatArray:
    X = as_float_array(points, "points")
    if X.ndim == 2:
        X = X[np.newaxis]
    if X.ndim != 3 or X.shape[1:] != (33, 3):
        raise ValueError(
            f"points must be a 3-D skeleton (n_frames, 33, 3) in m (MediaPipe order, z up); got "
            f"shape {X.shape}."
        )
    return X


def _unit(v: FloatArray) -> FloatArray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(n > 0, v / n, np.nan), dtype=np.float64)


def body_frame(points: FloatArray) -> BodyFrame:
    """The body axes of each frame of a skeleton ``(n, 33, 3)`` (m, z up).

    Examples
    --------
    >>> X = np.zeros((1, 33, 3))
    >>> X[0, [Landmark.LEFT_HIP, Landmark.LEFT_SHOULDER], 0] = -0.1  # left side toward -x
    >>> X[0, [Landmark.RIGHT_HIP, Landmark.RIGHT_SHOULDER], 0] = 0.1
    >>> f = body_frame(X)
    >>> f.right[0].tolist(), f.forward[0].tolist()
    ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    """
    X = _skeleton(points)
    hips = X[:, Landmark.RIGHT_HIP] - X[:, Landmark.LEFT_HIP]
    shoulders = X[:, Landmark.RIGHT_SHOULDER] - X[:, Landmark.LEFT_SHOULDER]
    lateral = _unit(hips) + _unit(shoulders)
    lateral[:, 2] = 0.0
    right = _unit(lateral)
    up = np.broadcast_to(UP, right.shape).copy()
    forward = np.cross(up, right)
    return BodyFrame(right=right, forward=forward, up=up)


def _plane_angle(v: FloatArray, along: FloatArray, ref: FloatArray) -> FloatArray:
    """Degrees of ``v`` from ``ref`` toward ``along`` in the plane they span (row-wise)."""
    a = np.einsum("ij,ij->i", v, along)
    b = np.einsum("ij,ij->i", v, ref)
    return np.asarray(np.degrees(np.arctan2(a, b)), dtype=np.float64)


def reference_angles(points: FloatArray, side: str) -> dict[str, FloatArray]:
    """Every scored angle of a 3-D skeleton, by name, in degrees, ``(n,)`` each.

    Names, definitions and signs follow :mod:`course.analysis.geometry` (the nine named
    angles of the chosen ``side``) plus ``lateral_trunk_lean`` (mid-hip → mid-shoulder in
    the frontal plane, + toward the person's LEFT, as :func:`course.selftests.kinematics.
    lateral_trunk_lean` with ``stance="left"``). Sagittal angles are in the plane
    (``forward``, ``up``), frontal ones in (``right``, ``up``).

    Parameters
    ----------
    points
        ``(n, 33, 3)`` skeleton in m, world ``z`` up.
    side
        ``"left"`` or ``"right"``: whose shoulder, hip, knee and ankle.

    Examples
    --------
    Standing straight, trunk 10° forward:

    >>> X = np.zeros((1, 33, 3))
    >>> X[0, 11:13, 2] = 0.5  # shoulders above the hips
    >>> X[0, 11:13, 1] = 0.5 * np.tan(np.radians(10))  # ... and 10° forward (+y)
    >>> X[0, [11, 23, 25, 27], 0], X[0, [12, 24, 26, 28], 0] = -0.1, 0.1
    >>> X[0, 25:27, 2], X[0, 27:29, 2] = -0.45, -0.9
    >>> ang = reference_angles(X, "left")
    >>> round(float(ang["trunk_lean"][0]), 6), float(ang["knee"][0]), float(ang["thigh"][0])
    (10.0, 180.0, 0.0)
    """
    if side not in _SIDES:
        raise ValueError(f"side must be 'left' or 'right' (the person's side); got {side!r}.")
    X = _skeleton(points)
    f = body_frame(X)
    sh, hip, knee, ankle = (X[:, i] for i in _SIDES[side])
    down = -f.up
    trunk = _plane_angle(sh - hip, f.forward, f.up)
    thigh = _plane_angle(knee - hip, f.forward, down)
    flex = thigh + trunk
    flex = (flex + 180.0) % 360.0 - 180.0
    a, c = _unit(hip - knee), _unit(ankle - knee)
    knee_angle = np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", a, c), -1.0, 1.0)))
    shank = _plane_angle(ankle - knee, f.forward, down)
    body = _plane_angle(sh - ankle, f.forward, f.up)
    hip_line = X[:, Landmark.LEFT_HIP] - X[:, Landmark.RIGHT_HIP]
    obliquity = _plane_angle(hip_line, f.up, -f.right)
    mid_sh = 0.5 * (X[:, Landmark.LEFT_SHOULDER] + X[:, Landmark.RIGHT_SHOULDER])
    mid_hip = 0.5 * (X[:, Landmark.LEFT_HIP] + X[:, Landmark.RIGHT_HIP])
    lateral = _plane_angle(mid_sh - mid_hip, -f.right, f.up)
    return {
        "trunk_lean": trunk,
        "thigh": thigh,
        "hip_extension": 180.0 - np.abs(flex),
        "hip_flexion": flex,
        "knee": np.asarray(knee_angle, dtype=np.float64),
        "shank": shank,
        "body_lean": body,
        "hip_bend": trunk - body,
        "pelvic_obliquity": obliquity,
        "lateral_trunk_lean": lateral,
    }


def view_angle(frame: BodyFrame, axis: FloatArray) -> FloatArray:
    """Angle in degrees between a camera's optical axis and the sagittal normal, ``(n,)``.

    0° = a pure side view, 90° = straight from the front or from behind; the camera's
    elevation counts too (a camera looking down from above at a side view gives more than 0°).

    Examples
    --------
    >>> f = BodyFrame(np.array([[1.0, 0, 0]]), np.array([[0.0, 1, 0]]), np.array([[0.0, 0, 1]]))
    >>> view_angle(f, np.array([0.0, -1.0, 0.0])).tolist()  # looking at the person's front
    [90.0]
    """
    a = _unit(np.asarray(axis, dtype=np.float64))
    cos = np.abs(frame.right @ a)
    return np.asarray(np.degrees(np.arccos(np.clip(cos, 0.0, 1.0))), dtype=np.float64)
