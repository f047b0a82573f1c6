"""SYNTHETIC poses: a kinematic stick figure that produces MediaPipe-ordered landmarks.

Everything this module makes is synthetic and says so in the series' ``source``. The figure's
segment lengths are fractions of stature after Winter's adult proportions (*Biomechanics and
Motor Control of Human Movement*, rounded); its joints are turned by angles the caller chooses,
and an orthographic camera (side or front view) projects it to the 33 landmarks of
:mod:`course.schema` (normalised image coordinates, y down). Because the angles put in
are known, a protocol run on the result can be checked against them: the lessons' demonstration
sequences (:mod:`course.lessons.demos`) and the self-test tests are built on it.

Body frame of the figure: X forward, Y up, Z to the person's right, metres. All angles in
degrees, times in seconds, lengths in metres.

Examples
--------
>>> import numpy as np
>>> t = np.arange(0.0, 1.0, 1 / 30)
>>> s = model_series(t, thigh_left=profile(t, {0: 0, 1: 30}), trunk=5)
>>> s.source
'SYNTHETIC stick figure: side view'
>>> s.landmarks.shape
(30, 33, 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from course.schema import N_LANDMARKS, FloatArray, PoseSeries
from course.schema import Landmark as L

__all__ = [
    "ANGLES",
    "ANKLE_HEIGHT",
    "FOREARM",
    "HEAD",
    "HEEL_BACK",
    "HIP_WIDTH",
    "SHANK",
    "SHOULDER_WIDTH",
    "STAND_HIP",
    "THIGH",
    "TOE_FRONT",
    "TRUNK",
    "UPPER_ARM",
    "as_series",
    "model_series",
    "profile",
    "project",
    "stick_figure",
    "to_series",
]

# Segment lengths as fractions of stature (Winter's adult proportions, rounded).
SHANK = 0.246
THIGH = 0.245
TRUNK = 0.288  # hip joint to shoulder joint
UPPER_ARM = 0.186
FOREARM = 0.146
ANKLE_HEIGHT = 0.039
HIP_WIDTH = 0.11  # between MediaPipe's hip landmarks
SHOULDER_WIDTH = 0.20
HEEL_BACK = 0.04
TOE_FRONT = 0.11
STAND_HIP = ANKLE_HEIGHT + SHANK + THIGH  # hip height standing, × stature

#: Head points: (up along the trunk, forward, to the right) from the shoulder midpoint, × stature.
HEAD = {
    L.NOSE: (0.100, 0.055, 0.0),
    L.LEFT_EYE_INNER: (0.112, 0.045, -0.010),
    L.LEFT_EYE: (0.112, 0.042, -0.018),
    L.LEFT_EYE_OUTER: (0.112, 0.038, -0.026),
    L.RIGHT_EYE_INNER: (0.112, 0.045, 0.010),
    L.RIGHT_EYE: (0.112, 0.042, 0.018),
    L.RIGHT_EYE_OUTER: (0.112, 0.038, 0.026),
    L.LEFT_EAR: (0.100, 0.0, -0.040),
    L.RIGHT_EAR: (0.100, 0.0, 0.040),
    L.MOUTH_LEFT: (0.082, 0.048, -0.014),
    L.MOUTH_RIGHT: (0.082, 0.048, 0.014),
}

#: Joint angles :func:`stick_figure` accepts (degrees).
ANGLES = (
    "trunk", "trunk_side", "thigh_left", "thigh_right", "abd_left", "abd_right",
    "knee_left", "knee_right", "foot_left", "foot_right", "pelvis_drop", "arm_left",
    "arm_right", "elbow_left", "elbow_right", "lie",
)  # fmt: skip
_KNOWN = frozenset({*ANGLES, "root_x", "root_y", "root_z"})


def profile(t: Any, knots: Mapping[float, float]) -> FloatArray:
    """A scripted movement: piecewise-linear through ``{time (s): value}`` knots.

    Parameters
    ----------
    t
        Times, s (any array-like).
    knots
        ``{time (s): value}``; before the first and after the last knot the value is held.

    Returns
    -------
    FloatArray
        The value at each time, same shape as ``t``.

    Examples
    --------
    >>> profile(np.array([0.0, 0.5, 1.0, 2.0]), {0: 0, 1: 10}).tolist()
    [0.0, 5.0, 10.0, 10.0]
    """
    ks = sorted(knots)
    return np.interp(np.asarray(t, dtype=np.float64), ks, [float(knots[k]) for k in ks])


def _per_frame(value: Any, n: int) -> FloatArray:
    a = np.asarray(value, dtype=np.float64)
    return np.broadcast_to(a, (n,)).astype(np.float64)


def stick_figure(n: int, *, height: float = 1.75, **params: Any) -> FloatArray:
    """Joint positions ``(n, 33, 3)`` of the stick figure, in metres (X fwd, Y up, Z right).

    Parameters
    ----------
    n
        Number of frames.
    height
        Stature, m; every segment length scales with it.
    **params
        Angles in degrees, each a scalar or an ``(n,)`` array, default 0: ``trunk`` (lean,
        + forward), ``trunk_side`` (+ toward the right), ``thigh_left``/``thigh_right``
        (+ knee forward of the hip), ``abd_left``/``abd_right`` (abduction, + outward),
        ``knee_left``/``knee_right`` (flexion), ``foot_left``/``foot_right`` (+ toes up),
        ``pelvis_drop`` (+ left hip lower), ``arm_left``/``arm_right`` (shoulder flexion; 0
        hangs the arm straight down), ``elbow_left``/``elbow_right`` (flexion) and ``lie``
        (the whole body turned about Z: −90 lies on the back, feet toward +X). Positions in
        metres: ``root_x``, ``root_y`` (hip-midpoint height; default standing,
        ``STAND_HIP × height``) and ``root_z``.

    Returns
    -------
    FloatArray
        ``(n, 33, 3)`` joint positions in MediaPipe landmark order, m.

    Raises
    ------
    TypeError
        For a parameter name the figure does not know (the message lists the known ones).

    Examples
    --------
    >>> j = stick_figure(2, thigh_left=90.0)
    >>> bool(np.allclose(j[:, L.LEFT_KNEE, 1], j[:, L.LEFT_HIP, 1]))  # thigh horizontal
    True
    """
    unknown = set(params) - _KNOWN
    if unknown:
        raise TypeError(
            f"unknown stick-figure parameters {sorted(unknown)}; known: {sorted(_KNOWN)}."
        )
    H = float(height)

    def a(name: str) -> FloatArray:
        return np.radians(_per_frame(params.get(name, 0.0), n))

    out = np.zeros((n, N_LANDMARKS, 3))
    root = np.stack(
        [
            _per_frame(params.get("root_x", 0.0), n),
            _per_frame(params.get("root_y", STAND_HIP * H), n),
            _per_frame(params.get("root_z", 0.0), n),
        ],
        axis=-1,
    )
    drop = a("pelvis_drop")
    half = 0.5 * HIP_WIDTH * H
    zero = 0 * drop
    for side, lat in (("left", -1.0), ("right", 1.0)):
        hip = root + np.stack([zero, lat * half * np.sin(drop), lat * half * np.cos(drop)], -1)
        th, ab, kn, ft = a(f"thigh_{side}"), a(f"abd_{side}"), a(f"knee_{side}"), a(f"foot_{side}")
        d1 = np.stack([np.sin(th) * np.cos(ab), -np.cos(th) * np.cos(ab), lat * np.sin(ab)], -1)
        sh_ang = th - kn
        d2 = np.stack(
            [np.sin(sh_ang) * np.cos(ab), -np.cos(sh_ang) * np.cos(ab), lat * np.sin(ab)], -1
        )
        knee = hip + THIGH * H * d1
        ankle = knee + SHANK * H * d2
        fwd = np.stack([np.cos(ft), np.sin(ft), zero], -1)
        down = np.stack([np.sin(ft), -np.cos(ft), zero], -1)
        s = side.upper()
        out[:, L[f"{s}_HIP"]] = hip
        out[:, L[f"{s}_KNEE"]] = knee
        out[:, L[f"{s}_ANKLE"]] = ankle
        out[:, L[f"{s}_HEEL"]] = ankle - HEEL_BACK * H * fwd + ANKLE_HEIGHT * H * 0.9 * down
        out[:, L[f"{s}_FOOT_INDEX"]] = ankle + TOE_FRONT * H * fwd + ANKLE_HEIGHT * H * 0.9 * down
    tr, ts = a("trunk"), a("trunk_side")
    up = np.stack([np.sin(tr) * np.cos(ts), np.cos(tr) * np.cos(ts), np.sin(ts)], -1)
    fwd_t = np.stack([np.cos(tr), -np.sin(tr), zero], -1)
    right = np.cross(fwd_t, up)
    sh_mid = root + TRUNK * H * up
    for side, lat in (("left", -1.0), ("right", 1.0)):
        s = side.upper()
        shoulder = sh_mid + lat * 0.5 * SHOULDER_WIDTH * H * right
        arm, elb = a(f"arm_{side}"), a(f"elbow_{side}")
        d_up = np.stack([np.sin(arm), -np.cos(arm), zero], -1)
        d_fo = np.stack([np.sin(arm + elb), -np.cos(arm + elb), zero], -1)
        elbow = shoulder + UPPER_ARM * H * d_up
        wrist = elbow + FOREARM * H * d_fo
        out[:, L[f"{s}_SHOULDER"]] = shoulder
        out[:, L[f"{s}_ELBOW"]] = elbow
        out[:, L[f"{s}_WRIST"]] = wrist
        out[:, L[f"{s}_PINKY"]] = wrist + 0.05 * H * d_fo + lat * 0.01 * H * right
        out[:, L[f"{s}_INDEX"]] = wrist + 0.06 * H * d_fo
        out[:, L[f"{s}_THUMB"]] = wrist + 0.03 * H * d_fo - lat * 0.01 * H * right
    for idx, (u, f, r) in HEAD.items():
        out[:, idx] = sh_mid + u * H * up + f * H * fwd_t + r * H * right
    if "lie" in params:
        lie = a("lie")
        c, s_ = np.cos(lie)[:, None], np.sin(lie)[:, None]
        x, y = out[..., 0].copy(), out[..., 1].copy()
        out[..., 0] = c * x + s_ * y
        out[..., 1] = -s_ * x + c * y
    return out


def project(
    joints: FloatArray,
    *,
    view: str = "side",
    facing: str = "right",
    image_size: tuple[int, int] = (1280, 720),
    height: float = 1.75,
    fill: float = 0.75,
    center_x: float = 0.5,
    ground: float = 0.9,
) -> tuple[FloatArray, FloatArray]:
    """Orthographic camera: joints to MediaPipe-style ``(landmarks, world)``.

    Parameters
    ----------
    joints
        ``(n, 33, 3)`` from :func:`stick_figure`, m.
    view, facing
        ``view="side"`` with ``facing`` the image direction the person faces (``"left"``
        shows their left side), or ``view="front"`` (the person faces the camera: their left
        is image right).
    image_size
        ``(width, height)`` in pixels.
    height, fill
        Stature in m, drawn to fill ``fill`` of the image height.
    center_x, ground
        The body origin's column and the floor's row, as fractions of the image.

    Returns
    -------
    tuple of FloatArray
        ``landmarks`` ``(n, 33, 3)``: normalised x, y (y down) and depth relative to the hip
        midpoint in width units; ``world`` ``(n, 33, 3)``: metres about the hip midpoint,
        image-aligned axes with y down, as MediaPipe's world landmarks.

    Raises
    ------
    ValueError
        If ``view`` is neither ``"side"`` nor ``"front"``.
    """
    X, Y, Z = joints[..., 0], joints[..., 1], joints[..., 2]
    if view == "side":
        u, depth = (X, -Z) if facing == "right" else (-X, Z)
    elif view == "front":
        u, depth = -Z, -X
    else:
        raise ValueError(f"view must be 'side' or 'front'; got {view!r}.")
    w, h = image_size
    ppm = fill * h / height
    x = (center_x * w + u * ppm) / w
    y = (ground * h - Y * ppm) / h
    hips = [L.LEFT_HIP, L.RIGHT_HIP]
    z = (depth - depth[:, hips].mean(axis=1, keepdims=True)) * ppm / w
    lm = np.stack([x, y, z], -1)
    root = 0.5 * (joints[:, L.LEFT_HIP] + joints[:, L.RIGHT_HIP])
    rel = joints - root[:, None, :]
    if view == "front":
        ru, rd = -rel[..., 2], -rel[..., 0]
    elif facing == "right":
        ru, rd = rel[..., 0], -rel[..., 2]
    else:
        ru, rd = -rel[..., 0], rel[..., 2]
    world = np.stack([ru, -rel[..., 1], rd], -1)
    return lm, world


def as_series(
    t: Any,
    landmarks: FloatArray,
    world: FloatArray | None = None,
    *,
    image_size: tuple[int, int] = (1280, 720),
    n_people: Any = 1,
    visibility: Any = 0.99,
    source: str = "synthetic",
) -> PoseSeries:
    """Wrap landmark arrays into a :class:`~course.schema.PoseSeries`.

    Parameters
    ----------
    t
        ``(n,)`` frame times, s.
    landmarks, world
        ``(n, 33, 3)`` normalised landmarks and world landmarks (m; NaN when omitted).
    image_size
        ``(width, height)`` in pixels.
    n_people, visibility
        People in view and landmark visibility (0–1): scalars or per-frame arrays.
        Landmarks outside the image get visibility at most 0.2, as MediaPipe reports for
        off-image points; frames without landmarks (NaN) get NaN.
    source
        Label of the series; say that it is synthetic.

    Returns
    -------
    PoseSeries
    """
    t = np.asarray(t, dtype=np.float64)
    n = t.shape[0]
    vis = np.broadcast_to(np.asarray(visibility, dtype=np.float64), (n, N_LANDMARKS)).copy()
    xy = landmarks[..., :2]
    outside = np.any((xy < 0) | (xy > 1), axis=-1)
    vis[outside] = np.minimum(vis[outside], 0.2)
    vis[np.isnan(landmarks[..., 0])] = np.nan
    return PoseSeries(
        t=t,
        landmarks=np.ascontiguousarray(landmarks, dtype=np.float64),
        world=np.full_like(landmarks, np.nan) if world is None else np.ascontiguousarray(world),
        visibility=vis,
        image_size=image_size,
        n_people=np.broadcast_to(np.asarray(n_people, dtype=np.int64), (n,)).copy(),
        source=source,
    )


def to_series(
    joints: FloatArray,
    t: Any,
    *,
    label: str,
    view: str = "side",
    facing: str = "right",
    image_size: tuple[int, int] = (1280, 720),
    height: float = 1.75,
    fill: float = 0.75,
    center_x: float = 0.5,
    ground: float = 0.9,
) -> PoseSeries:
    """Film joints with a fixed camera (:func:`project`) into a labelled SYNTHETIC pose series.

    Parameters
    ----------
    joints
        ``(n, 33, 3)`` from :func:`stick_figure`, m.
    t
        ``(n,)`` frame times, s.
    label
        What the sequence shows; stored in ``source`` after ``"SYNTHETIC stick figure: "``.
    view, facing, image_size, height, fill, center_x, ground
        Camera, as for :func:`project`.

    Returns
    -------
    PoseSeries
        One person in every frame, visibility 0.99 (0.2 outside the image).

    Raises
    ------
    ValueError
        If ``view`` is neither ``"side"`` nor ``"front"``.
    """
    lm, world = project(
        joints, view=view, facing=facing, image_size=image_size, height=height, fill=fill,
        center_x=center_x, ground=ground,
    )  # fmt: skip
    source = f"SYNTHETIC stick figure: {label}"
    return as_series(t, lm, world, image_size=image_size, source=source)


def model_series(
    t: Any,
    *,
    view: str = "side",
    facing: str = "right",
    image_size: tuple[int, int] = (1280, 720),
    fill: float = 0.75,
    center_x: float = 0.5,
    ground: float = 0.9,
    height: float = 1.75,
    label: str | None = None,
    **params: Any,
) -> PoseSeries:
    """A SYNTHETIC series straight from joint angles: :func:`stick_figure` then :func:`to_series`.

    Parameters
    ----------
    t
        ``(n,)`` frame times, s.
    view, facing, image_size, fill, center_x, ground, height
        Camera and stature, as for :func:`project`.
    label
        What the sequence shows (default ``"<view> view"``); the series' ``source`` is
        ``"SYNTHETIC stick figure: <label>"``.
    **params
        Angles (deg) and root position (m) of :func:`stick_figure`.

    Returns
    -------
    PoseSeries
    """
    t = np.asarray(t, dtype=np.float64)
    joints = stick_figure(t.shape[0], height=height, **params)
    return to_series(
        joints, t, label=label or f"{view} view", view=view,
        facing=facing, image_size=image_size, height=height, fill=fill, center_x=center_x,
        ground=ground,
    )  # fmt: skip
