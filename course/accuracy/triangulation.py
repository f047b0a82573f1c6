"""Linear triangulation (DLT) of points seen by several calibrated cameras, and its residuals.

Each view that sees a point adds two linear equations ``u P3 - P1 = 0``, ``v P3 - P2 = 0`` on the
homogeneous point (Hartley & Zisserman 2004, *Multiple View Geometry*, 2nd ed., §12.2), written
with undistorted pixels and weighted by the view's confidence; the point is the right singular
vector of the smallest singular value. All ``(frame, landmark)`` problems are solved in one
batched SVD.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course.accuracy.calibration import Camera
from course.schema import FloatArray
from course.validation import as_float_array

__all__ = ["Reprojection", "reprojection_errors", "triangulate"]


def triangulate(
    cameras: Sequence[Camera],
    pixels: FloatArray,
    weights: FloatArray | None = None,
    *,
    min_views: int = 2,
) -> FloatArray:
    """World points from their pixel positions in several views (weighted DLT).

    Parameters
    ----------
    cameras
        The ``V`` calibrated cameras.
    pixels
        ``(V, ..., 2)`` measured (distorted) pixel positions, NaN where a view does not see
        the point.
    weights
        ``(V, ...)`` confidence of each observation in [0, 1] (e.g. MediaPipe visibility); a
        weight of 0 leaves the view out. None weighs every seen observation 1.
    min_views
        Fewest views (with weight > 0) a point needs; fewer gives NaN.

    Returns
    -------
    numpy.ndarray
        ``(..., 3)`` points in the world frame of the cameras, m.

    Examples
    --------
    >>> from course.accuracy.calibration import Camera
    >>> K = np.array([[1000.0, 0, 500], [0, 1000, 500], [0, 0, 1]])
    >>> a = Camera("a", (1000, 1000), K, np.zeros(5), np.eye(3), np.array([0.0, 0, 3]))
    >>> b = Camera("b", (1000, 1000), K, np.zeros(5), np.eye(3), np.array([-1.0, 0, 3]))
    >>> X = np.array([0.2, -0.1, 0.5])
    >>> px = np.stack([a.project(X), b.project(X)])
    >>> np.round(triangulate([a, b], px), 9).tolist()
    [0.2, -0.1, 0.5]
    """
    V = len(cameras)
    px = as_float_array(pixels, "pixels")
    if px.ndim < 2 or px.shape[0] != V or px.shape[-1] != 2:
        raise ValueError(
            f"pixels must have shape ({V}, ..., 2): one (u, v) per camera; got {px.shape}."
        )
    lead = px.shape[1:-1]
    w = (
        np.ones(px.shape[:-1])
        if weights is None
        else as_float_array(weights, "weights").reshape(px.shape[:-1])
    )
    seen = np.isfinite(px).all(axis=-1) & np.isfinite(w) & (w > 0)
    w = np.where(seen, w, 0.0)
    und = np.stack([cam.undistort(px[i]) for i, cam in enumerate(cameras)])
    und = np.where(seen[..., None], und, 0.0)
    rows = []
    for i, cam in enumerate(cameras):
        P = cam.P
        u, v = und[i][..., 0:1], und[i][..., 1:2]
        wi = w[i][..., None]
        for coord, k in ((u, 0), (v, 1)):
            eq = coord * P[2] - P[k]  # (..., 4)
            norm = np.linalg.norm(eq, axis=-1, keepdims=True)
            rows.append(np.where(norm > 0, eq / np.where(norm > 0, norm, 1.0), 0.0) * wi)
    A = np.stack(rows, axis=-2).reshape(-1, 2 * V, 4)
    _, _, vt = np.linalg.svd(A)
    h = vt[:, -1, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        X = h[:, :3] / h[:, 3:4]
    X = X.reshape(*lead, 3)
    enough = seen.sum(axis=0) >= min_views
    return np.where(enough[..., None], X, np.nan)


@dataclass(frozen=True)
class Reprojection:
    """Reprojection error of one camera, in pixels.

    Attributes
    ----------
    camera
        Camera name.
    median, p95
        Median and 95th percentile of the distance between measured and reprojected pixels.
    n
        Number of observations used.
    """

    camera: str
    median: float
    p95: float
    n: int


def reprojection_errors(
    cameras: Sequence[Camera], pixels: FloatArray, points: FloatArray
) -> FloatArray:
    """Distance in pixels between measured and reprojected points, ``(V, ...)``.

    Parameters
    ----------
    cameras
        The ``V`` cameras.
    pixels
        ``(V, ..., 2)`` measured pixels (NaN where not seen).
    points
        ``(..., 3)`` world points in m (NaN where not triangulated).

    Returns
    -------
    numpy.ndarray
        ``(V, ...)`` errors in px, NaN where either side is missing.

    Examples
    --------
    >>> from course.accuracy.calibration import Camera
    >>> K = np.array([[1000.0, 0, 500], [0, 1000, 500], [0, 0, 1]])
    >>> a = Camera("a", (1000, 1000), K, np.zeros(5), np.eye(3), np.array([0.0, 0, 3]))
    >>> reprojection_errors([a], np.array([[503.0, 504.0]]), np.array([0.0, 0, 0])).tolist()
    [5.0]
    """
    px = as_float_array(pixels, "pixels")
    X = as_float_array(points, "points")
    if px.shape[0] != len(cameras) or px.shape[1:-1] != X.shape[:-1]:
        raise ValueError(
            f"pixels {px.shape} and points {X.shape} do not match: expected "
            f"({len(cameras)}, ..., 2) and (..., 3) with the same middle shape."
        )
    proj = np.stack([cam.project(X) for cam in cameras])
    return np.asarray(np.linalg.norm(proj - px, axis=-1), dtype=np.float64)
