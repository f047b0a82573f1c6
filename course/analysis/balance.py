"""Postural sway: path length, mean velocity, RMS distance and the 95 % prediction ellipse.

The input is a 2-D trajectory sampled at a constant rate: the centre of pressure from a force
plate (m) or a body landmark from pose tracking (normalised image units, pixels or m). Every
result is in the input's length unit ("units" below).

Conventions (the reference in ``tests/reference/balance.py`` follows the same ones):

- **Covariance** is the sample covariance (normalised by ``n − 1``, ``numpy.cov``'s default).
- **95 % prediction-ellipse area** ``= π · χ²₀.₉₅(2) · sqrt(det(cov))`` with
  ``χ²₀.₉₅(2) = −2·ln(0.05) ≈ 5.991``: the ellipse that should hold 95 % of the samples of a
  Gaussian sway (the χ² form; with few samples an F-based ellipse would be slightly larger).
- **RMS** is the root-mean-square distance of the samples from their mean position
  (normalised by ``n``).
- **NaN samples** (a row with a non-finite value, e.g. a frame where the landmark was not seen)
  are dropped with ``nan_policy="drop"`` (the default): statistics use the valid samples, the
  path length adds only steps between two consecutive valid samples (a gap is not bridged by a
  straight line), and ``duration`` counts only those steps, so ``mean_velocity`` is the speed
  while tracked. ``n_dropped`` says how many were dropped. ``nan_policy="raise"`` refuses NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from course.validation import as_float_array, positive

#: χ² quantile of 2 degrees of freedom at 0.95, −2·ln(0.05).
CHI2_95_2DOF = -2.0 * math.log(0.05)


@dataclass(frozen=True)
class SwayMetrics:
    """Summary of a sway trajectory (lengths in the input's unit, "units").

    Attributes
    ----------
    path_length
        Total distance travelled in units (steps between consecutive valid samples).
    mean_velocity
        ``path_length / duration`` in units/s.
    rms
        Root-mean-square distance from the mean position in units.
    ellipse_area_95
        Area of the 95 % prediction ellipse in units².
    duration
        Time covered by the counted steps in s (``(n_samples − 1) / fs`` without NaN).
    n_samples
        Number of input samples (rows), including dropped ones.
    n_dropped
        Number of samples dropped because they contained NaN or inf.
    mean
        Mean position ``(x, y)`` in units.
    covariance
        Sample covariance ``(var_x, cov_xy, var_y)`` in units² (ddof = 1).
    """

    path_length: float
    mean_velocity: float
    rms: float
    ellipse_area_95: float
    duration: float
    n_samples: int
    n_dropped: int
    mean: tuple[float, float]
    covariance: tuple[float, float, float]


def sway_metrics(
    xy: object, /, *, fs: float, nan_policy: Literal["drop", "raise"] = "drop"
) -> SwayMetrics:
    """Sway path length, mean velocity, RMS and 95 % ellipse area of a 2-D trajectory.

    Parameters
    ----------
    xy
        ``(n, 2)`` positions over time (time first), in any length unit; n >= 2 valid samples.
    fs
        Sampling rate in Hz.
    nan_policy
        ``"drop"`` (default) drops rows with NaN/inf and reports how many in ``n_dropped``;
        ``"raise"`` raises ``ValueError`` instead.

    Returns
    -------
    SwayMetrics
        Lengths in the input unit, velocity in units/s, area in units².

    Examples
    --------
    A square of side 1 walked once (4 steps at 10 Hz):

    >>> m = sway_metrics([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], fs=10)
    >>> m.path_length, m.duration, m.mean_velocity
    (4.0, 0.4, 10.0)
    """
    fs = positive(fs, "fs", "Hz")
    if nan_policy not in ("drop", "raise"):
        raise ValueError(f'nan_policy must be "drop" or "raise"; got {nan_policy!r}.')
    arr = as_float_array(
        xy,
        "xy",
        ndim=2,
        allow_nan=nan_policy == "drop",
        hint="Pass positions as an (n, 2) array of x, y over time, e.g. series[:, landmark, :2].",
    )
    if arr.shape[1] != 2:
        raise ValueError(
            f"xy must have shape (n, 2) with x and y in the columns; got {arr.shape}. "
            "Select two coordinates, e.g. xy[:, :2]."
        )
    from course._core import balance as _core  # deferred: no import-time side effects

    sums = _core.sway(arr)
    n_valid, n_steps = sums.n_valid, sums.n_steps
    cxx, cxy, cyy = sums.cov_xx, sums.cov_xy, sums.cov_yy
    if n_valid < 2 or n_steps < 1:
        raise ValueError(
            f"xy needs at least 2 valid samples with one step between consecutive valid samples; "
            f"got {arr.shape[0]} samples, {n_valid} valid, {n_steps} step(s). Record longer or "
            "fill gaps (course.analysis.filters) before computing sway."
        )
    duration = n_steps / fs
    # sqrt(det(cov)) as sx·sy·sqrt(1 − ρ²): no overflow of cxx·cyy for huge coordinates.
    sx, sy = math.sqrt(cxx), math.sqrt(cyy)
    rho = cxy / (sx * sy) if sx > 0 and sy > 0 else 0.0
    sqrt_det = sx * sy * math.sqrt(max(1.0 - rho * rho, 0.0))
    return SwayMetrics(
        path_length=sums.path_length,
        mean_velocity=sums.path_length / duration,
        rms=sums.rms,
        ellipse_area_95=math.pi * CHI2_95_2DOF * sqrt_det,
        duration=duration,
        n_samples=int(arr.shape[0]),
        n_dropped=int(arr.shape[0] - n_valid),
        mean=(sums.mean_x, sums.mean_y),
        covariance=(cxx, cxy, cyy),
    )
