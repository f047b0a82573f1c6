"""SYNTHETIC test sequences with known ground truth, for the self-test protocols.

Two kinds, both labelled synthetic wherever they are used:

1. A kinematic stick-figure model (:func:`figure`): segment lengths as fractions of stature
   (Winter, *Biomechanics and Motor Control of Human Movement*, adult proportions, rounded),
   joint angles chosen by the test, projected to MediaPipe's 33 landmarks through a simple
   orthographic camera (side or front view). Ground truth is the angles put in.
2. Transforms of any landmark sequence, real or modelled (:func:`rotate_segment`,
   :func:`tilt_trunk`, :func:`mirror`, :func:`with_people`, :func:`drop_frames`, :func:`shift`,
   :func:`rescale`): rotate a thigh about the hip by a known angle, mirror for the other
   side/facing, add a second person, drop frames, move the person out of frame.

Conventions follow :mod:`course.pose.landmarks`: normalised image coordinates, y down.
Body frame of the model: X forward, Y up, Z to the person's right (metres).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from course.pose.landmarks import N_LANDMARKS
from course.pose.landmarks import Landmark as L
from course.pose.types import PoseSeries

FloatArray = NDArray[np.float64]

# Segment lengths as fractions of stature H (Winter's proportions, rounded).
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

#: (up along trunk, forward, lateral to the right) of head points from the shoulder midpoint, × H.
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


def _arr(v: Any, n: int) -> FloatArray:
    a = np.asarray(v, dtype=np.float64)
    return np.broadcast_to(a, (n,)).astype(np.float64) if a.ndim == 0 else a.astype(np.float64)


def figure(n: int, *, height: float = 1.75, **angles: Any) -> FloatArray:
    """Joint positions ``(n, 33, 3)`` in metres (body frame X fwd, Y up, Z right) of the model.

    Keyword angles (degrees, scalars or ``(n,)`` arrays; default 0):
    ``trunk`` (lean, + forward), ``trunk_side`` (+ toward the right), ``thigh_left``,
    ``thigh_right`` (+ knee forward), ``abd_left``, ``abd_right`` (+ outward),
    ``knee_left``, ``knee_right`` (flexion), ``foot_left``, ``foot_right`` (+ toes up),
    ``pelvis_drop`` (+ left hip lower), ``arm_left``, ``arm_right`` (shoulder flexion),
    ``elbow_left``, ``elbow_right`` (flexion). Positional keywords ``root_x``, ``root_y``
    (hip-midpoint height, m; default standing height), ``root_z`` (metres).
    """
    known = {
        "trunk", "trunk_side", "thigh_left", "thigh_right", "abd_left", "abd_right",
        "knee_left", "knee_right", "foot_left", "foot_right", "pelvis_drop", "arm_left",
        "arm_right", "elbow_left", "elbow_right", "root_x", "root_y", "root_z", "lie",
    }  # fmt: skip
    unknown = set(angles) - known
    if unknown:
        raise TypeError(f"unknown figure parameters {sorted(unknown)}; known: {sorted(known)}")
    H = height

    def a(name: str) -> FloatArray:
        return np.radians(_arr(angles.get(name, 0.0), n))

    out = np.zeros((n, N_LANDMARKS, 3))
    stand_y = (ANKLE_HEIGHT + SHANK + THIGH) * H
    root = np.stack(
        [
            _arr(angles.get("root_x", 0.0), n),
            _arr(angles.get("root_y", stand_y), n),
            _arr(angles.get("root_z", 0.0), n),
        ],
        axis=-1,
    )
    drop = a("pelvis_drop")
    half = 0.5 * HIP_WIDTH * H
    hip = {
        "left": root + np.stack([0 * drop, -half * np.sin(drop), -half * np.cos(drop)], -1),
        "right": root + np.stack([0 * drop, half * np.sin(drop), half * np.cos(drop)], -1),
    }
    for side, lat in (("left", -1.0), ("right", 1.0)):
        th, ab, kn, ft = a(f"thigh_{side}"), a(f"abd_{side}"), a(f"knee_{side}"), a(f"foot_{side}")
        d1 = np.stack([np.sin(th) * np.cos(ab), -np.cos(th) * np.cos(ab), lat * np.sin(ab)], -1)
        sh_ang = th - kn
        d2 = np.stack(
            [np.sin(sh_ang) * np.cos(ab), -np.cos(sh_ang) * np.cos(ab), lat * np.sin(ab)], -1
        )
        knee = hip[side] + THIGH * H * d1
        ankle = knee + SHANK * H * d2
        fwd = np.stack([np.cos(ft), np.sin(ft), 0 * ft], -1)
        down = np.stack([np.sin(ft), -np.cos(ft), 0 * ft], -1)
        heel = ankle - HEEL_BACK * H * fwd + ANKLE_HEIGHT * H * 0.9 * down
        toe = ankle + TOE_FRONT * H * fwd + ANKLE_HEIGHT * H * 0.9 * down
        s = side.upper()
        out[:, L[f"{s}_HIP"]] = hip[side]
        out[:, L[f"{s}_KNEE"]] = knee
        out[:, L[f"{s}_ANKLE"]] = ankle
        out[:, L[f"{s}_HEEL"]] = heel
        out[:, L[f"{s}_FOOT_INDEX"]] = toe
    tr, ts = a("trunk"), a("trunk_side")
    up = np.stack([np.sin(tr) * np.cos(ts), np.cos(tr) * np.cos(ts), np.sin(ts)], -1)
    fwd_t = np.stack([np.cos(tr), -np.sin(tr), 0 * tr], -1)
    right = np.cross(fwd_t, up)
    sh_mid = root + TRUNK * H * up
    for side, lat in (("left", -1.0), ("right", 1.0)):
        s = side.upper()
        shoulder = sh_mid + lat * 0.5 * SHOULDER_WIDTH * H * right
        arm, elb = a(f"arm_{side}"), a(f"elbow_{side}")
        d_up = np.stack([np.sin(arm), -np.cos(arm), 0 * arm], -1)
        d_fo = np.stack([np.sin(arm + elb), -np.cos(arm + elb), 0 * arm], -1)
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
    if "lie" in angles:  # rotate the whole body to lie on its back, feet toward +X
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
    """Orthographic projection to ``(landmarks, world)``, each ``(n, 33, 3)``.

    ``view="side"`` with ``facing`` the image direction the person faces (facing left shows the
    left side), or ``view="front"`` (the person faces the camera: their left is image right).
    The person's stature fills ``fill`` of the image height; the floor is at image row
    ``ground`` (fraction from the top) and the body origin at column ``center_x``.
    """
    X, Y, Z = joints[..., 0], joints[..., 1], joints[..., 2]
    if view == "side":
        u, depth = (X, -Z) if facing == "right" else (-X, Z)
    elif view == "front":
        u, depth = -Z, -X
    else:
        raise ValueError(f"view must be 'side' or 'front'; got {view!r}")
    w, h = image_size
    ppm = fill * h / height
    x = (center_x * w + u * ppm) / w
    y = (ground * h - Y * ppm) / h
    hips = [L.LEFT_HIP, L.RIGHT_HIP]
    z = (depth - depth[:, hips].mean(axis=1, keepdims=True)) * ppm / w
    lm = np.stack([x, y, z], -1)
    root = 0.5 * (joints[:, L.LEFT_HIP] + joints[:, L.RIGHT_HIP])
    rel = joints - root[:, None, :]
    ru, rd = (rel[..., 0], -rel[..., 2]) if view == "side" and facing == "right" else (None, None)
    if view == "side" and facing == "left":
        ru, rd = -rel[..., 0], rel[..., 2]
    if view == "front":
        ru, rd = -rel[..., 2], -rel[..., 0]
    assert ru is not None and rd is not None
    world = np.stack([ru, -rel[..., 1], rd], -1)
    return lm, world


def series(
    t: Any,
    landmarks: FloatArray,
    world: FloatArray | None = None,
    *,
    image_size: tuple[int, int] = (1280, 720),
    n_people: Any = 1,
    visibility: Any = 0.99,
    source: str = "synthetic",
) -> PoseSeries:
    """Wrap arrays into a :class:`PoseSeries` (labelled ``synthetic`` in ``source``).

    Landmarks outside the image get visibility 0.2, as MediaPipe reports for off-image points.
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
        world=np.full_like(landmarks, np.nan) if world is None else world,
        visibility=vis,
        image_size=image_size,
        n_people=np.broadcast_to(np.asarray(n_people, dtype=np.int64), (n,)).copy(),
        source=source,
    )


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
    **angles: Any,
) -> PoseSeries:
    """A SYNTHETIC series from the kinematic model: :func:`figure` then :func:`project`."""
    t = np.asarray(t, dtype=np.float64)
    joints = figure(t.shape[0], height=height, **angles)
    lm, world = project(
        joints,
        view=view,
        facing=facing,
        image_size=image_size,
        height=height,
        fill=fill,
        center_x=center_x,
        ground=ground,
    )
    return series(t, lm, world, image_size=image_size, source=f"synthetic model ({view})")


# -- transforms of any series ---------------------------------------------------------------
LEFT_RIGHT = [
    (int(a), int(L[a.name.replace("LEFT", "RIGHT")])) for a in L if a.name.startswith("LEFT")
]


def rotate_segment(
    s: PoseSeries,
    points: list[int],
    pivot: int | tuple[int, int],
    deg: Any,
    *,
    frames: Any = None,
) -> PoseSeries:
    """Rotate landmarks ``points`` about ``pivot`` by ``deg`` (image plane, in pixels).

    Positive ``deg`` turns counter-clockwise as seen on screen (y down), i.e. a point below the
    pivot swings toward image right.
    """
    lm = s.landmarks.copy()
    w, h = s.image_size
    scale = np.array([w, h], dtype=np.float64)
    n = len(s)
    ang = np.radians(np.broadcast_to(np.asarray(deg, dtype=np.float64), (n,)))
    sel = np.ones(n, bool) if frames is None else np.asarray(frames)
    piv = (
        lm[:, pivot, :2]
        if isinstance(pivot, int)
        else 0.5 * (lm[:, pivot[0], :2] + lm[:, pivot[1], :2])
    ) * scale
    p = lm[:, points, :2] * scale - piv[:, None, :]
    c, si = np.cos(ang)[:, None], np.sin(ang)[:, None]
    # y down: a counter-clockwise turn on screen is (x, y) -> (x c + y s, -x s + y c)
    q = np.stack([c * p[..., 0] + si * p[..., 1], -si * p[..., 0] + c * p[..., 1]], -1)
    new = (q + piv[:, None, :]) / scale
    lm[np.ix_(sel, points, [0, 1])] = new[sel]
    return replace(s, landmarks=lm, source=s.source + " +rotated")


LEG = {
    side: [int(L[f"{side.upper()}_{p}"]) for p in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")]
    for side in ("left", "right")
}
UPPER_BODY = [int(i) for i in range(0, 23)]


def rotate_thigh(
    s: PoseSeries, side: str, deg: Any, *, facing: str, frames: Any = None
) -> PoseSeries:
    """Swing the ``side`` leg about its hip by ``deg`` degrees, + = knee forward."""
    sign = 1.0 if facing == "right" else -1.0  # a point below the pivot: + turns it image-right
    hip = int(L[f"{side.upper()}_HIP"])
    return rotate_segment(s, LEG[side], hip, sign * np.asarray(deg), frames=frames)


def tilt_trunk(
    s: PoseSeries,
    deg: Any,
    *,
    facing: str,
    about: int | tuple[int, int] = (int(L.LEFT_HIP), int(L.RIGHT_HIP)),
    frames: Any = None,
) -> PoseSeries:
    """Lean head, arms and shoulders by ``deg`` (+ = forward) about ``about`` (a hip landmark or
    the hip midpoint)."""
    sign = -1.0 if facing == "right" else 1.0
    return rotate_segment(s, UPPER_BODY, about, sign * np.asarray(deg), frames=frames)


def mirror(s: PoseSeries) -> PoseSeries:
    """Mirror left-right in the image and swap the person's left/right labels.

    A person facing image-right becomes one facing image-left (the other side to the camera);
    in a front view the standing leg swaps sides.
    """
    lm = s.landmarks.copy()
    lm[..., 0] = 1.0 - lm[..., 0]
    world = s.world.copy()
    world[..., 0] = -world[..., 0]
    vis = s.visibility.copy()
    for a, b in LEFT_RIGHT:
        lm[:, [a, b]] = lm[:, [b, a]]
        world[:, [a, b]] = world[:, [b, a]]
        vis[:, [a, b]] = vis[:, [b, a]]
    return replace(s, landmarks=lm, world=world, visibility=vis, source=s.source + " +mirrored")


def with_people(s: PoseSeries, n: int, *, frames: Any = None) -> PoseSeries:
    """Mark ``n`` people in view (all frames, or a boolean/index selection)."""
    people = s.n_people.copy()
    if frames is None:
        people[:] = n
    else:
        people[frames] = n
    return replace(s, n_people=people, source=s.source + f" +{n} people")


def drop_frames(s: PoseSeries, frames: Any) -> PoseSeries:
    """Remove the person from the selected frames (NaN landmarks, as when no pose was found)."""
    lm, world, vis = s.landmarks.copy(), s.world.copy(), s.visibility.copy()
    lm[frames] = np.nan
    world[frames] = np.nan
    vis[frames] = np.nan
    return replace(s, landmarks=lm, world=world, visibility=vis, source=s.source + " +dropped")


def shift(s: PoseSeries, dx: float = 0.0, dy: float = 0.0) -> PoseSeries:
    """Move the person by ``(dx, dy)`` in normalised image units (e.g. out of frame)."""
    lm = s.landmarks.copy()
    lm[..., 0] += dx
    lm[..., 1] += dy
    return series(
        s.t, lm, s.world, image_size=s.image_size, n_people=s.n_people,
        visibility=np.where(np.isnan(s.visibility), 0.99, s.visibility),
        source=s.source + " +shifted",
    )  # fmt: skip


def rescale(s: PoseSeries, factor: float) -> PoseSeries:
    """Scale the person about their hip midpoint (closer to or farther from the camera)."""
    lm = s.landmarks.copy()
    w, h = s.image_size
    scale = np.array([w, h])
    hip = 0.5 * (lm[:, L.LEFT_HIP, :2] + lm[:, L.RIGHT_HIP, :2]) * scale
    lm[..., :2] = ((lm[..., :2] * scale - hip[:, None]) * factor + hip[:, None]) / scale
    return replace(s, landmarks=lm, source=s.source + f" +scaled x{factor}")


def concat(*parts: PoseSeries) -> PoseSeries:
    """Join series end to end (the later parts' times are shifted to follow on)."""
    ts, offset = [], 0.0
    for p in parts:
        ts.append(p.t - p.t[0] + offset)
        dt = float(np.median(np.diff(p.t))) if len(p) > 1 else 1 / 30
        offset = ts[-1][-1] + dt
    first = parts[0]
    return PoseSeries(
        t=np.concatenate(ts),
        landmarks=np.concatenate([p.landmarks for p in parts]),
        world=np.concatenate([p.world for p in parts]),
        visibility=np.concatenate([p.visibility for p in parts]),
        image_size=first.image_size,
        n_people=np.concatenate([p.n_people for p in parts]),
        source=" | ".join(p.source for p in parts),
    )


def smooth_steps(t: Any, knots: Mapping[float, float]) -> FloatArray:
    """Piecewise-linear profile through ``{time: value}`` knots (a scripted movement)."""
    ks = sorted(knots)
    return np.interp(np.asarray(t, dtype=np.float64), ks, [knots[k] for k in ks])
