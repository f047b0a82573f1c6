"""A 3-D reference skeleton from the four synchronised, calibrated Pose2Sim demo views.

Steps (:func:`build_reference`):

1. MediaPipe (:class:`course.pose.PoseTracker`, VIDEO mode) on each view, or series given by
   the caller (the tests reuse their session fixtures);
2. checks: all four views present, the same number of frames, the frame size the calibration
   describes;
3. synchronisation: the clips were recorded in sync (``tests/test_multiview_timing.py`` finds
   the same events within ±2 frames in every view), so frame ``i`` of every view is used
   together; :func:`sync_check` reports how the reprojection error changes when one view is
   shifted by up to ±:data:`MAX_SHIFT` frames (a diagnostic, written to the error table);
4. left/right labels: MediaPipe sometimes labels a whole body the wrong way round (cam02,
   frames ~34–68, mistakes the back for the front). In each view and frame the labels are
   swapped when that halves the reprojection error against the skeleton triangulated from
   the other three views. The single-camera estimates keep MediaPipe's labels: a label swap
   is part of their error, not of the reference's;
5. each landmark of each frame triangulated from every view that sees it (visibility ≥
   :data:`MIN_VISIBILITY`), weighted by visibility, after undistortion
   (:mod:`course.accuracy.triangulation`); observations that then reproject more than
   :data:`OUTLIER_PX` away are dropped and the point is triangulated again;
6. the reprojection error per camera (median and 95th percentile, px).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.accuracy.calibration import Camera, load_calibration
from course.accuracy.triangulation import Reprojection, reprojection_errors, triangulate
from course.schema import FloatArray, PoseSeries

__all__ = ["CAMERAS", "MultiViewReference", "build_reference", "sync_check", "track_views"]

CAMERAS: tuple[str, ...] = ("cam01", "cam02", "cam03", "cam04")
#: Observations below this MediaPipe visibility are left out of the triangulation.
MIN_VISIBILITY = 0.5
#: Largest frame offset searched between a view and cam01.
MAX_SHIFT = 3
#: Reprojection error (px) beyond which an observation is dropped: about twice the largest
#: 95th percentile of the views after the label fix (23–32 px), 11 % of the ~550 px between
#: shoulder and ankle in these clips.
OUTLIER_PX = 60.0
#: Left/right landmark pairs (MediaPipe order).
_PAIRS = ((1, 4), (2, 5), (3, 6), (7, 8), (9, 10), *((a, a + 1) for a in range(11, 33, 2)))
_MIRROR = np.arange(33)
for _a, _b in _PAIRS:
    _MIRROR[_a], _MIRROR[_b] = _b, _a
#: Landmarks used to judge synchronisation and report reprojection: shoulders to feet.
BODY = tuple(range(11, 33))


@dataclass(frozen=True)
class MultiViewReference:
    """Triangulated skeleton and what it rests on.

    Attributes
    ----------
    points
        ``(n, 33, 3)`` world landmarks in m (z up), NaN where fewer than two views saw one.
    t
        ``(n,)`` times in s (cam01's clock).
    frames
        ``{camera: (n,) int}`` frame index of each view used for each reference frame.
    offsets
        ``{camera: frames}`` offset of each view against cam01 (0 = in sync).
    swapped
        ``{camera: frame indices}`` where the view's left/right labels were swapped.
    dropped
        Number of observations dropped as outliers.
    reprojection
        ``{camera: Reprojection}`` error of the body landmarks (11–32), px.
    cameras
        The calibrated cameras by name.
    series
        The (unshifted) pose series of each view.
    """

    points: FloatArray
    t: FloatArray
    frames: dict[str, np.ndarray]
    offsets: dict[str, int]
    swapped: dict[str, list[int]]
    dropped: int
    reprojection: dict[str, Reprojection]
    cameras: dict[str, Camera]
    series: dict[str, PoseSeries]


def track_views(model_path: Path | str | None = None) -> dict[str, PoseSeries]:
    """MediaPipe "full" (VIDEO mode, ``select="stable"``) on the four pinned views."""
    from course.data.media import fetch
    from course.pose import PoseTracker

    out: dict[str, PoseSeries] = {}
    for cam in CAMERAS:
        with PoseTracker("full", model_path=model_path, select="stable") as tracker:
            out[cam] = tracker.video(fetch(f"pose2sim-single-{cam}"), progress=False)
    return out


def _check(series: Mapping[str, PoseSeries], cameras: Mapping[str, Camera]) -> None:
    missing = [c for c in CAMERAS if c not in series]
    if missing:
        raise ValueError(
            f"view(s) {', '.join(missing)} missing: the reference needs all of "
            f"{', '.join(CAMERAS)} (got {', '.join(series) or 'none'}). Track every view with "
            "track_views()."
        )
    lengths = {c: len(series[c]) for c in CAMERAS}
    if len(set(lengths.values())) != 1:
        raise ValueError(
            f"the views have different frame counts {lengths}; the four clips of the demo have "
            "100 frames each. A clip is truncated or from another recording: fetch it again "
            "(python -m course media)."
        )
    for c in CAMERAS:
        if c not in cameras:
            raise ValueError(f"the calibration has no camera {c}; it has {', '.join(cameras)}.")
        w, h = series[c].image_size
        cw, ch = cameras[c].size
        if h != ch or not 0 <= cw - w <= 8:
            raise ValueError(
                f"{c}: the video is {w}x{h} px but the calibration describes {cw}x{ch} px. Use "
                "the calibration that belongs to these clips."
            )


def _observations(
    series: Mapping[str, PoseSeries], frames: Mapping[str, np.ndarray]
) -> tuple[FloatArray, FloatArray]:
    px = np.stack([series[c].pixels[frames[c]] for c in CAMERAS])
    vis = np.stack([series[c].visibility[frames[c]] for c in CAMERAS])
    vis = np.where(np.isfinite(vis) & (vis >= MIN_VISIBILITY), vis, 0.0)
    return px, vis


def _unswap(
    cams: list[Camera], px: FloatArray, vis: FloatArray
) -> tuple[FloatArray, FloatArray, dict[str, list[int]]]:
    px, vis = px.copy(), vis.copy()
    body = list(BODY)
    swapped: dict[str, list[int]] = {c: [] for c in CAMERAS}
    for i, cam in enumerate(cams):
        others = [j for j in range(len(cams)) if j != i]
        X = triangulate([cams[j] for j in others], px[others], vis[others])
        proj = cam.project(X)[:, body]
        with np.errstate(all="ignore"):
            keep = np.nanmedian(np.linalg.norm(proj - px[i][:, body], axis=-1), axis=1)
            swap = np.nanmedian(np.linalg.norm(proj - px[i][:, _MIRROR][:, body], axis=-1), axis=1)
        flip = swap < 0.5 * keep
        px[i][flip] = px[i][flip][:, _MIRROR]
        vis[i][flip] = vis[i][flip][:, _MIRROR]
        swapped[CAMERAS[i]] = [int(f) for f in np.flatnonzero(flip)]
    return px, vis, swapped


def _solve(
    cams: list[Camera], px: FloatArray, vis: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    """Triangulate, drop outliers, triangulate again: points, errors (NaN where unused), vis."""
    points = triangulate(cams, px, vis)
    err = reprojection_errors(cams, px, points)
    bad = (err > OUTLIER_PX) & (vis > 0)
    if bad.any():
        vis = np.where(bad, 0.0, vis)
        points = triangulate(cams, px, vis)
        err = reprojection_errors(cams, px, points)
    return points, np.where(vis > 0, err, np.nan), vis, int(bad.sum())


def sync_check(reference: MultiViewReference) -> dict[str, dict[int, float]]:
    """Median reprojection error (px) with one view shifted by -MAX_SHIFT..MAX_SHIFT frames.

    A minimum at 0 for every view supports using the clips as they are synchronised.
    """
    cams = [reference.cameras[c] for c in CAMERAS]
    px, vis = _observations(reference.series, reference.frames)
    px, vis, _ = _unswap(cams, px, vis)
    n = px.shape[1]
    out: dict[str, dict[int, float]] = {}
    for i, c in enumerate(CAMERAS[1:], start=1):
        out[c] = {}
        for s in range(-MAX_SHIFT, MAX_SHIFT + 1):
            lo, hi = max(0, -s), min(n, n - s)
            p, v = px[:, lo:hi].copy(), vis[:, lo:hi].copy()
            p[i], v[i] = px[i, lo + s : hi + s], vis[i, lo + s : hi + s]
            _, err, _, _ = _solve(cams, p, v)
            out[c][s] = round(float(np.nanmedian(err[:, :, list(BODY)])), 2)
    return out


def build_reference(
    series: Mapping[str, PoseSeries] | None = None,
    cameras: Mapping[str, Camera] | None = None,
    *,
    model_path: Path | str | None = None,
) -> MultiViewReference:
    """Triangulate the four views into a 3-D skeleton (see the module docstring).

    Parameters
    ----------
    series
        ``{"cam01": PoseSeries, ...}``; None tracks the pinned clips (~1–3 min on 2 busy cores).
    cameras
        Calibrated cameras by name; None loads the pinned calibration.
    model_path
        Pose model for tracking (default: :func:`course.pose.ensure_model`).

    Returns
    -------
    MultiViewReference

    Raises
    ------
    ValueError
        If a view is missing, the frame counts differ, or the calibration does not fit.

    Examples
    --------
    >>> build_reference({}, {})
    Traceback (most recent call last):
    ...
    ValueError: view(s) cam01, cam02, cam03, cam04 missing: ...
    """
    if series is None:
        series = track_views(model_path)
    cams_by_name = dict(cameras) if cameras is not None else load_calibration()
    _check(series, cams_by_name)
    cams = [cams_by_name[c] for c in CAMERAS]
    n = len(series[CAMERAS[0]])
    offsets = dict.fromkeys(CAMERAS, 0)
    frames = {c: np.arange(n) for c in CAMERAS}
    px, vis = _observations(series, frames)
    px, vis, swapped = _unswap(cams, px, vis)
    points, err, vis, dropped = _solve(cams, px, vis)
    body = err[:, :, list(BODY)]
    reproj = {}
    for i, c in enumerate(CAMERAS):
        e = body[i][np.isfinite(body[i])]
        reproj[c] = Reprojection(
            camera=c,
            median=float(np.median(e)) if e.size else float("nan"),
            p95=float(np.percentile(e, 95)) if e.size else float("nan"),
            n=int(e.size),
        )
    return MultiViewReference(
        points=points,
        t=np.asarray(series[CAMERAS[0]].t, dtype=np.float64),
        frames=frames,
        offsets=offsets,
        swapped=swapped,
        dropped=dropped,
        reprojection=reproj,
        cameras=cams_by_name,
        series=dict(series),
    )
