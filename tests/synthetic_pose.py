"""SYNTHETIC test sequences with known ground truth, for the self-test protocols.

Two kinds, both labelled synthetic wherever they are used:

1. The kinematic stick-figure model of :mod:`course.lessons.stick_figure` (re-exported here as
   ``figure``, ``project``, ``series``, ``model_series``, ``smooth_steps`` and the segment
   constants the tests use): joint angles chosen by the test, projected to MediaPipe's 33
   landmarks through an orthographic camera (side or front view). Ground truth is the angles
   put in.
2. Transforms of any landmark sequence, real or modelled (:func:`rotate_segment`,
   :func:`tilt_trunk`, :func:`mirror`, :func:`with_people`, :func:`drop_frames`, :func:`shift`,
   :func:`rescale`, :func:`concat`): rotate a thigh about the hip by a known angle, mirror for
   the other side/facing, add a second person, drop frames, move the person out of frame.

Conventions follow :mod:`course.schema`: normalised image coordinates, y down.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from course.lessons import stick_figure as model
from course.schema import Landmark as L
from course.schema import PoseSeries

# The model (course.lessons.stick_figure) under the names the tests use.
figure, project, model_series = model.stick_figure, model.project, model.model_series
series, smooth_steps = model.as_series, model.profile
ANKLE_HEIGHT, HEAD, TRUNK = model.ANKLE_HEIGHT, model.HEAD, model.TRUNK
SHANK, THIGH = model.SHANK, model.THIGH

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
