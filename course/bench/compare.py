"""Two runs side by side: aligned on initial contact, differences against the error they must beat.

Alignment: run B's clock is shifted so that its first initial contact of the foot that run A lands
first with coincides with A's (``offset = t_B − t_A``, s). A difference of a median is called real
when it exceeds both the larger measurement error of the two (where measured) and the smallest
real change ``MDC95`` of the pair, ``√((MDC_A² + MDC_B²)/2)`` (each from its run's step-to-step
scatter, :mod:`course.bench.summary`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course.bench.run import BenchError, RunAnalysis

__all__ = ["Comparison", "Difference", "compare_runs"]


@dataclass(frozen=True)
class Difference:
    """One number compared between two runs.

    Attributes
    ----------
    name, unit
        The number and its unit.
    a, b
        Medians of run A and run B.
    diff
        ``b - a``.
    threshold
        The change that counts as real (max of the measurement error and the pair's MDC95).
    real
        ``|diff| > threshold``.
    basis
        How the threshold was found.
    """

    name: str
    unit: str
    a: float
    b: float
    diff: float
    threshold: float
    real: bool
    basis: str


@dataclass(frozen=True)
class Comparison:
    """Two runs aligned on initial contact.

    Attributes
    ----------
    a, b
        The runs (A is the reference, e.g. "before").
    offset
        Add to a time of A to get the aligned time of B, s.
    side
        The foot whose first contact was aligned.
    differences
        One row per number both runs show.
    """

    a: RunAnalysis
    b: RunAnalysis
    offset: float
    side: str
    differences: tuple[Difference, ...]

    def b_frame(self, a_frame: int) -> int:
        """Frame of run B at the same point of the stride as frame ``a_frame`` of run A."""
        t = float(self.a.series.t[a_frame]) + self.offset
        tb = self.b.series.t
        return int(min(range(len(tb)), key=lambda i: abs(float(tb[i]) - t)))


def compare_runs(a: RunAnalysis, b: RunAnalysis) -> Comparison:
    """Align ``b`` on ``a``'s first initial contact and compare every common number.

    Raises
    ------
    BenchError
        When the runs were filmed from different views (side vs front).

    Examples
    --------
    >>> from course.bench.run import analyse_series
    >>> from course.lessons import demos
    >>> a = analyse_series(demos.running(cadence=160, seconds=4), label="before")
    >>> b = analyse_series(demos.running(cadence=176, seconds=4), label="after")
    >>> c = compare_runs(a, b)
    >>> d = {x.name: x for x in c.differences}
    >>> d["step_time"].diff < 0, d["step_time"].real
    (True, True)
    """
    if a.view != b.view:
        raise BenchError(
            f"cannot compare a {a.view} view ({a.label}) with a {b.view} view ({b.label}): "
            "film both runs from the same side or both from the front."
        )
    side = next(m.side for m in a.moments if m.kind == "contact")
    offset = b.first_contact(side) - a.first_contact(side)
    rows: list[Difference] = []
    for name, fa in a.summary.figures.items():
        fb = b.summary.figures.get(name)
        if fb is None:
            continue
        diff = fb.median - fa.median
        mdc = math.sqrt((fa.mdc95**2 + fb.mdc95**2) / 2.0)
        errs = [e for e in (fa.error.value, fb.error.value) if e is not None]
        err = max(errs) if errs else math.nan
        limits = [x for x in (mdc, err) if math.isfinite(x)]
        threshold = max(limits) if limits else math.nan
        basis = "MDC95 of the pair" + (
            f" and measured error ±{err:.2g} {fa.unit}"
            if errs
            else "; measurement error not yet measured"
        )
        real = bool(math.isfinite(diff) and math.isfinite(threshold) and abs(diff) > threshold)
        rows.append(Difference(name, fa.unit, fa.median, fb.median, diff, threshold, real, basis))
    return Comparison(a, b, offset, side, tuple(rows))
