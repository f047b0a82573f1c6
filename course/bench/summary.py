"""Per-run summary: cadence, medians, and left/right asymmetry against the smallest real change.

Smallest real change (how it is computed): for each number, the step-to-step variability of the
run itself is its typical error, ``TE = SD(differences between consecutive steps of the same
foot) / √2`` (Hopkins 2000, Sports Med 30:1), pooled over both feet; the minimal detectable change
is ``MDC95 = 1.96 · √2 · TE`` (Weir 2005, J Strength Cond Res 19:231). A left/right difference (or
a difference between two runs) larger than MDC95 is more than the run's own stride-to-stride
scatter. The camera's measurement error (:mod:`course.bench.errors`) is reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course.bench.errors import ErrorFigure, number_error
from course.bench.steps import NUMBERS, Step

__all__ = ["Figure", "Summary", "smallest_real_change", "summarise"]


@dataclass(frozen=True)
class Figure:
    """One summarised number of a run.

    Attributes
    ----------
    name, unit, description
        As in :data:`course.bench.steps.NUMBERS`.
    median, left, right
        Median over all steps, over left-foot steps and over right-foot steps.
    asymmetry
        ``left - right`` in the unit.
    mdc95
        Smallest real change (see the module docstring), NaN with fewer than two steps per foot.
    real
        True when ``|asymmetry| > mdc95``.
    n
        Steps with a value.
    error
        The measurement error (:func:`course.bench.errors.number_error`).
    """

    name: str
    unit: str
    description: str
    median: float
    left: float
    right: float
    asymmetry: float
    mdc95: float
    real: bool
    n: int
    error: ErrorFigure


@dataclass(frozen=True)
class Summary:
    """Summary of one run.

    Attributes
    ----------
    cadence
        Steps per minute (60 / median step time).
    figures
        Number name → :class:`Figure`, for the numbers this view shows.
    steps
        Steps found.
    """

    cadence: float
    figures: dict[str, Figure]
    steps: int


def _median(a: list[float]) -> float:
    f = [x for x in a if math.isfinite(x)]
    return float(np.median(f)) if f else math.nan


def smallest_real_change(by_side: dict[str, list[float]]) -> float:
    """MDC95 = 1.96·√2·TE, TE from consecutive same-foot differences / √2 (see module docstring).

    Examples
    --------
    >>> round(smallest_real_change({"left": [1.0, 2.0, 1.0, 2.0], "right": []}), 3)
    2.263
    """
    diffs: list[float] = []
    for values in by_side.values():
        f = np.asarray([x for x in values if math.isfinite(x)], dtype=np.float64)
        diffs.extend(np.diff(f).tolist())
    if len(diffs) < 2:
        return math.nan
    te = float(np.std(diffs, ddof=1)) / math.sqrt(2.0)
    return 1.96 * math.sqrt(2.0) * te


def summarise(steps: tuple[Step, ...], view: str) -> Summary:
    """Cadence and, for each number this view shows, medians, asymmetry and MDC95.

    Examples
    --------
    >>> from course.bench.steps import Step
    >>> s = [Step(i, ("left", "right")[i % 2], 0.35 * i, {"step_time": 0.35, "contact_time":
    ...      0.2 + 0.01 * (i % 2), "flight_time": 0.15}) for i in range(8)]
    >>> out = summarise(tuple(s), "front")
    >>> round(out.cadence), round(out.figures["contact_time"].asymmetry, 3)
    (171, -0.01)
    """
    figures: dict[str, Figure] = {}
    for name, (unit, text, views) in NUMBERS.items():
        if view not in views:
            continue
        side = {
            sd: [s.values.get(name, math.nan) for s in steps if s.side == sd]
            for sd in ("left", "right")
        }
        left, right = _median(side["left"]), _median(side["right"])
        asym = left - right
        mdc = smallest_real_change(side)
        n = sum(math.isfinite(x) for x in side["left"] + side["right"])
        figures[name] = Figure(
            name,
            unit,
            text,
            _median(side["left"] + side["right"]),
            left,
            right,
            asym,
            mdc,
            bool(math.isfinite(asym) and math.isfinite(mdc) and abs(asym) > mdc),
            n,
            number_error(name, view),
        )
    step_time = figures["step_time"].median if "step_time" in figures else math.nan
    cadence = 60.0 / step_time if math.isfinite(step_time) and step_time > 0 else math.nan
    return Summary(cadence, figures, len(steps))
