"""Pure NumPy/SciPy reference for ``course.analysis.balance.sway_metrics``.

Same conventions as the wrapper: rows with NaN/inf are dropped, the path adds only steps between
consecutive valid rows, the covariance uses ddof = 1 (``numpy.cov``), RMS divides by n, and the
95 % ellipse area is π·χ²(0.95, 2 dof)·sqrt(λ1·λ2) from the covariance eigenvalues.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

CHI2_95 = float(chi2.ppf(0.95, 2))  # once: scipy's ppf call costs ~0.1 ms


def sway_metrics(xy: np.ndarray, fs: float) -> dict[str, float] | None:
    """Reference sway metrics, or None when fewer than 2 valid rows / no valid step."""
    xy = np.asarray(xy, dtype=float)
    valid = np.all(np.isfinite(xy), axis=1)
    steps = valid[1:] & valid[:-1]
    if valid.sum() < 2 or steps.sum() < 1:
        return None
    d = np.diff(xy, axis=0)[steps]
    path = float(np.sum(np.hypot(d[:, 0], d[:, 1])))
    pts = xy[valid]
    centre = pts.mean(axis=0)
    cov = np.cov(pts, rowvar=False)
    eig = np.clip(np.linalg.eigvalsh(cov), 0.0, None)
    duration = steps.sum() / fs
    return {
        "path_length": path,
        "duration": float(duration),
        "mean_velocity": path / duration,
        "rms": float(np.sqrt(np.mean(np.sum((pts - centre) ** 2, axis=1)))),
        "ellipse_area_95": float(np.pi * CHI2_95 * np.sqrt(eig[0]) * np.sqrt(eig[1])),
        "n_dropped": int((~valid).sum()),
        "mean_x": float(centre[0]),
        "mean_y": float(centre[1]),
        "cov_xx": float(cov[0, 0]),
        "cov_xy": float(cov[0, 1]),
        "cov_yy": float(cov[1, 1]),
    }
