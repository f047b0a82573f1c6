"""How accurate is one camera? Measured against a four-camera reference on real people.

The reference is MediaPipe on the four calibrated, synchronised views of the Pose2Sim demo,
triangulated into 3-D (:mod:`course.accuracy.reference`); each scored angle from one view, as
the live engine computes it, is compared with the same angle of the 3-D skeleton in the body's
own planes (:mod:`course.accuracy.table`). ``python -m course validate`` regenerates the table
(``errors.json`` in this package), the plots and ``docs/validation.md``.

Result cards read the committed table with :func:`measured_error`; nothing here imports MediaPipe
or Jupyter until a reference is built.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["MeasuredError", "measured_error", "metrics"]

_TABLE = Path(__file__).with_name("errors.json")
_VIEWS = ("side", "front", "back")


@dataclass(frozen=True)
class MeasuredError:
    """Measured error of one scored angle seen from one kind of view, in degrees.

    Attributes
    ----------
    metric
        Angle name (as in :mod:`course.analysis.geometry`, plus ``lateral_trunk_lean``).
    view
        ``"front"``, ``"back"`` or ``"side"``.
    bias
        Mean single camera − reference.
    loa_low, loa_high
        95 % limits of agreement.
    rmse
        Root-mean-square difference.
    n
        Frames compared (all cameras of that view pooled).
    view_angle_min, view_angle_max
        Range of the camera-axis-to-sagittal-normal angle over those frames (0° side-on).
    cameras
        Cameras pooled.
    text
        One line for a result card.
    """

    metric: str
    view: str
    bias: float
    loa_low: float
    loa_high: float
    rmse: float
    n: int
    view_angle_min: float
    view_angle_max: float
    cameras: tuple[str, ...]
    text: str


def _pooled(
    metric: str, view: str, entry: dict[str, object], others: dict[str, float]
) -> MeasuredError:
    raw = json.loads(json.dumps(entry))  # plain JSON values, read field by field below
    rmse = float(raw["rmse"])
    lo, hi = float(raw["view_angle_min"]), float(raw["view_angle_max"])
    text = f"±{rmse:.0f}° (RMSE, bias {float(raw['bias']):+.0f}°) from the {view}"
    for v, r in others.items():
        text += f", {'worse' if r > rmse else 'better'} from the {v} (±{r:.0f}°)"
    text += (
        f"; camera {lo:.0f}–{hi:.0f}° off side-on: measured against 4 cameras, "
        "see docs/validation.md"
    )
    return MeasuredError(
        metric=metric,
        view=view,
        bias=float(raw["bias"]),
        loa_low=float(raw["loa_low"]),
        loa_high=float(raw["loa_high"]),
        rmse=rmse,
        n=int(raw["n"]),
        view_angle_min=lo,
        view_angle_max=hi,
        cameras=tuple(str(c) for c in raw["cameras"]),
        text=text,
    )


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, MeasuredError]]:
    data = json.loads(_TABLE.read_text())
    out: dict[str, dict[str, MeasuredError]] = {}
    for metric, entry in data["metrics"].items():
        views = {v: e for v, e in entry["by_view"].items() if e.get("rmse") is not None}
        out[metric] = {}
        for v, e in views.items():
            others = {o: float(x["rmse"]) for o, x in views.items() if o != v}
            out[metric][v] = _pooled(metric, v, e, others)
    return out


def metrics() -> tuple[str, ...]:
    """Names of the metrics in the committed table.

    Examples
    --------
    >>> "knee" in metrics()
    True
    """
    return tuple(_table())


def measured_error(metric: str, view: str) -> MeasuredError | None:
    """The committed measured error of ``metric`` seen from ``view``, or None if not measured.

    Parameters
    ----------
    metric
        A name from :func:`metrics`, e.g. ``"pelvic_obliquity"``.
    view
        ``"front"``, ``"back"`` or ``"side"`` (the demo has no side-on camera: None).

    Returns
    -------
    MeasuredError or None

    Raises
    ------
    ValueError
        For an unknown metric or view.

    Examples
    --------
    >>> e = measured_error("pelvic_obliquity", "front")
    >>> e.view, e.n > 0, "4 cameras" in e.text
    ('front', True, True)
    >>> measured_error("knee", "side") is None
    True
    """
    table = _table()
    if metric not in table:
        raise ValueError(f"unknown metric {metric!r}; measured: {', '.join(table)}.")
    if view not in _VIEWS:
        raise ValueError(f"view must be one of {', '.join(_VIEWS)}; got {view!r}.")
    return table[metric].get(view)
