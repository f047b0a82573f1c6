"""The error table: every scored angle, single camera (live engine) against the 3-D reference.

For each camera the setup is what a self-test would lock: the person's side nearer the camera
and the image direction the person faces, both taken from the reference skeleton in the first
:data:`SETUP_FRAMES` frames (standing still). Then, per metric and camera: bias, 95 % limits
of agreement, RMSE, n frames, the reference's range of that angle in the clip, and the view
angle (camera axis to the sagittal normal: 0° side-on, 90° front or back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from course.accuracy.agreement import Agreement, agreement, live_angles
from course.accuracy.body import body_frame, reference_angles, view_angle
from course.accuracy.reference import CAMERAS, MultiViewReference
from course.schema import FloatArray, Landmark

__all__ = ["METRICS", "SETUP_FRAMES", "CameraSetup", "error_table"]

#: Frames used to lock side and facing (the man stands still on both feet).
SETUP_FRAMES = 10

#: Metric → (plane, self-tests that score it, what the demo clip offers for it).
METRICS: dict[str, tuple[str, str, str]] = {
    "trunk_lean": (
        "sagittal",
        "hip extension, pelvic tilt, posture stack, gait",
        "explored: the trunk tips forward and back during the leg swing",
    ),
    "thigh": ("sagittal", "hip extension", "explored (thigh swings mostly sideways)"),
    "hip_extension": (
        "sagittal",
        "hip extension (trunk–thigh angle)",
        "partly: the hip never extends past straight (no lunge, no kneeling)",
    ),
    "hip_flexion": (
        "sagittal",
        "pelvic tilt (trunk–thigh proxy), hip extension, gait",
        "partly: flexion only; no pelvic tilt exploration, no extension past straight",
    ),
    "knee": ("joint", "gait, jump", "explored: knee bends and straightens in the swing"),
    "shank": ("sagittal", "ankle lean, gait", "explored"),
    "body_lean": (
        "sagittal",
        "ankle lean",
        "not the test's movement: no lean from the ankles; only incidental sway",
    ),
    "hip_bend": ("sagittal", "ankle lean", "incidental only (no deliberate lean)"),
    "pelvic_obliquity": (
        "frontal",
        "single-leg balance (hip drop)",
        "explored: large hip drop/hike during the sideways leg swing",
    ),
    "lateral_trunk_lean": (
        "frontal",
        "single-leg balance (trunk lean)",
        "explored: large sideways trunk lean during the leg swing",
    ),
}


@dataclass(frozen=True)
class CameraSetup:
    """What a protocol would lock for one camera, and how the camera sees the body.

    Attributes
    ----------
    camera
        Camera name.
    side
        The person's side nearer the camera.
    facing
        Image direction the person faces in this view.
    view
        ``"front"`` or ``"back"``: whether the camera is in front of the body or behind it
        (or ``"side"`` when the median view angle is below 30°).
    view_angle_median, view_angle_min, view_angle_max
        Angle between the camera axis and the sagittal normal over the clip, degrees.
    """

    camera: str
    side: Literal["left", "right"]
    facing: Literal["left", "right"]
    view: str
    view_angle_median: float
    view_angle_min: float
    view_angle_max: float


def camera_setup(reference: MultiViewReference, camera: str) -> CameraSetup:
    """Side, facing and view angle of one camera (see the module docstring)."""
    cam = reference.cameras[camera]
    X = reference.points
    frame = body_frame(X)
    angles = view_angle(frame, cam.axis)
    still = slice(0, SETUP_FRAMES)
    hips = X[still][:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]]
    dist = np.linalg.norm(hips - cam.centre, axis=-1)
    side: Literal["left", "right"] = (
        "left" if np.nanmedian(dist[:, 0]) <= np.nanmedian(dist[:, 1]) else "right"
    )
    mid = np.nanmean(hips.mean(axis=1), axis=0)
    fwd = np.nanmean(frame.forward[still], axis=0)
    du = float(cam.project(mid + 0.3 * fwd)[0] - cam.project(mid)[0])
    facing: Literal["left", "right"] = "right" if du > 0 else "left"
    in_front = float((cam.centre - mid) @ fwd) > 0
    median = float(np.nanmedian(angles))
    view = "side" if median < 30 else ("front" if in_front else "back")
    return CameraSetup(
        camera=camera,
        side=side,
        facing=facing,
        view=view,
        view_angle_median=median,
        view_angle_min=float(np.nanmin(angles)),
        view_angle_max=float(np.nanmax(angles)),
    )


@dataclass(frozen=True)
class ErrorRow:
    """One metric seen by one camera.

    Attributes
    ----------
    metric, camera
        Names.
    agreement
        Single camera − reference, degrees.
    reference_p5, reference_p95
        5th and 95th percentile of the reference angle over the clip, degrees.
    differences
        ``(n,)`` single camera − reference per frame (NaN where either is missing), degrees.
    means
        ``(n,)`` mean of the two per frame (the Bland–Altman x axis), degrees.
    """

    metric: str
    camera: str
    agreement: Agreement
    reference_p5: float
    reference_p95: float
    differences: FloatArray
    means: FloatArray


def error_table(
    reference: MultiViewReference,
) -> tuple[dict[str, CameraSetup], dict[str, dict[str, ErrorRow]]]:
    """Setups per camera and ``rows[metric][camera]`` for every metric in :data:`METRICS`.

    Each camera's single-view series goes through :func:`live_angles` with the side and facing
    of :func:`camera_setup`; the reference angles use the same side.
    """
    setups = {c: camera_setup(reference, c) for c in CAMERAS}
    rows: dict[str, dict[str, ErrorRow]] = {m: {} for m in METRICS}
    for c in CAMERAS:
        st = setups[c]
        single = live_angles(reference.series[c], side=st.side, facing=st.facing)
        ref = reference_angles(reference.points, st.side)
        idx = reference.frames[c]
        for m in METRICS:
            est, truth = single[m][idx], ref[m]
            diff = est - truth
            p5, p95 = np.nanpercentile(truth, [5, 95])
            rows[m][c] = ErrorRow(
                metric=m,
                camera=c,
                agreement=agreement(est, truth),
                reference_p5=float(p5),
                reference_p95=float(p95),
                differences=np.asarray(diff, dtype=np.float64),
                means=np.asarray(0.5 * (est + truth), dtype=np.float64),
            )
    return setups, rows
