"""Single-camera angles as the live engine computes them, and their agreement with a reference.

:func:`live_angles` feeds one view's landmarks frame by frame through
:class:`course.analysis.live.LiveAnalyzer` (One-Euro smoothing, then every named angle) with
the side and facing locked by :meth:`~course.analysis.live.LiveAnalyzer.set_view`, exactly as a
self-test does after its setup. :func:`agreement` summarises the differences from the 3-D
reference the way Bland & Altman (1986, Lancet 327:307) proposed: bias (mean difference), 95 %
limits of agreement (bias ± 1.96 SD) and, in addition, the root-mean-square error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from course.analysis.live import LiveAnalyzer
from course.schema import FloatArray, PoseSeries
from course.selftests.kinematics import lateral_trunk_lean
from course.validation import as_float_array

__all__ = ["Agreement", "agreement", "live_angles"]


@dataclass(frozen=True)
class Agreement:
    """Agreement of an estimate with a reference, in degrees.

    Attributes
    ----------
    bias
        Mean of estimate − reference.
    loa_low, loa_high
        95 % limits of agreement: bias ∓ 1.96 × SD of the differences.
    rmse
        Root-mean-square of the differences.
    n
        Number of frames where both are defined.
    """

    bias: float
    loa_low: float
    loa_high: float
    rmse: float
    n: int


def agreement(estimate: FloatArray, reference: FloatArray) -> Agreement:
    """Bias, 95 % limits of agreement and RMSE of ``estimate`` against ``reference``.

    Parameters
    ----------
    estimate, reference
        ``(n,)`` angles in degrees; frames where either is NaN are left out.

    Returns
    -------
    Agreement
        NaN statistics (and ``n`` = 0) when fewer than two frames are usable.

    Examples
    --------
    >>> a = agreement(np.array([11.0, 13.0, 12.0, 12.0]), np.array([10.0, 10.0, 10.0, 10.0]))
    >>> a.bias, round(a.rmse, 4), a.n
    (2.0, 2.1213, 4)
    """
    est = as_float_array(estimate, "estimate", ndim=1)
    ref = as_float_array(reference, "reference", ndim=1)
    if est.shape != ref.shape:
        raise ValueError(
            f"estimate and reference must have one value per frame each; got {est.shape} and "
            f"{ref.shape}."
        )
    d = (est - ref)[np.isfinite(est) & np.isfinite(ref)]
    if d.size < 2:
        nan = float("nan")
        return Agreement(nan, nan, nan, nan, int(d.size))
    bias = float(d.mean())
    sd = float(d.std(ddof=1))
    return Agreement(
        bias=bias,
        loa_low=bias - 1.96 * sd,
        loa_high=bias + 1.96 * sd,
        rmse=float(np.sqrt(np.mean(d * d))),
        n=int(d.size),
    )


def live_angles(
    series: PoseSeries,
    *,
    side: Literal["left", "right"],
    facing: Literal["left", "right"],
) -> dict[str, FloatArray]:
    """Every scored angle of one view, frame by frame through the live engine, in degrees.

    Parameters
    ----------
    series
        One camera's :class:`~course.schema.PoseSeries`.
    side, facing
        Locked with :meth:`LiveAnalyzer.set_view` before the first frame, as a protocol does
        at setup.

    Returns
    -------
    dict of str to numpy.ndarray
        The nine angles of :class:`~course.analysis.live.LiveFrame` plus
        ``lateral_trunk_lean`` (+ toward the person's left, from the smoothed landmarks, as
        the balance test computes it with ``stance="left"``), each ``(n,)``.

    Examples
    --------
    >>> lm = np.full((2, 33, 3), 0.5)
    >>> lm[:, [11, 12], 1], lm[:, [25, 26], 1], lm[:, [27, 28], 1] = 0.3, 0.7, 0.9
    >>> s = PoseSeries(t=np.array([0.0, 0.1]), landmarks=lm, world=lm, visibility=np.ones((2, 33)),
    ...                image_size=(100, 100), n_people=np.ones(2, dtype=np.int64))
    >>> live_angles(s, side="left", facing="right")["knee"].tolist()
    [180.0, 180.0]
    """
    live = LiveAnalyzer(image_size=series.image_size)
    live.set_view(side=side, facing=facing)
    w, h = series.image_size
    scale = np.array([w, h], dtype=np.float64)
    out: dict[str, list[float]] = {}
    for i in range(len(series)):
        lm = series.landmarks[i]
        if not np.isfinite(lm[:, :2]).any():
            for name in out:
                out[name].append(float("nan"))
            continue
        frame = live.update(lm, float(series.t[i]))
        for name, value in frame.angles.items():
            out.setdefault(name, [float("nan")] * i).append(value)
        lat = float(lateral_trunk_lean(frame.landmarks[:, :2] * scale, stance="left"))
        out.setdefault("lateral_trunk_lean", [float("nan")] * i).append(lat)
    return {name: np.asarray(v, dtype=np.float64) for name, v in out.items()}
