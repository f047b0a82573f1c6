"""The learner's own reliability: mean of repeated trials, typical error and smallest real change.

A single trial of a self-test mixes what the learner can do with how much that varies from one
try to the next. Repeating the test a few times in one session gives both:

- the **mean** of the trials (the number the card reports);
- the **typical error** (the standard deviation of the trials, ``ddof=1``): the standard error
  of measurement (SEM) for this one person, in the metric's own unit (Hopkins 2000, Sports Med
  30:1);
- the **minimal detectable change** at 95 %, ``MDC95 = 1.96 · √2 · SEM``: how far apart two
  results of this person must be (left vs right, today vs last week) before the difference is
  larger than trial-to-trial noise (Weir 2005, J Strength Cond Res 19:231).

With one trial there is no typical error: ``typical_error`` and ``mdc95`` are NaN and no
difference can be called real.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Change", "Reliability", "change", "mdc95", "reliability"]

#: 1.96 · √2: a difference of two results each carrying the SEM, at 95 % confidence.
MDC_FACTOR = 1.96 * math.sqrt(2.0)


def mdc95(sem: float) -> float:
    """Smallest real change at 95 % for a standard error of measurement ``sem`` (same unit).

    Examples
    --------
    >>> round(mdc95(2.0), 3)
    5.544
    """
    return MDC_FACTOR * float(sem)


@dataclass(frozen=True)
class Reliability:
    """Mean and trial-to-trial spread of one metric over a session's trials.

    Attributes
    ----------
    values
        The trial values in order (NaN where a trial did not measure the metric).
    n
        Number of finite trial values used.
    mean
        Mean of those values (metric's unit).
    typical_error
        Standard deviation of the trial values (``ddof=1``): the SEM for this person; NaN for
        fewer than two trials.
    mdc95
        ``1.96 · √2 · typical_error``: the smallest difference between two results that is
        larger than trial-to-trial noise; NaN for fewer than two trials.
    """

    values: tuple[float, ...]
    n: int
    mean: float
    typical_error: float
    mdc95: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (NaN becomes None)."""

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "values": [num(v) for v in self.values],
            "n": self.n,
            "mean": num(self.mean),
            "typical_error": num(self.typical_error),
            "mdc95": num(self.mdc95),
        }


def reliability(values: Sequence[float]) -> Reliability:
    """Mean, typical error (SD of the trials) and MDC95 of one metric's trial values.

    Parameters
    ----------
    values
        One value per trial, in the metric's unit; non-finite values (a trial that did not
        measure it) are left out of the statistics but kept in ``values``.

    Returns
    -------
    Reliability

    Examples
    --------
    Three trials of 10, 12 and 14 s: mean 12 s, SD 2 s, MDC95 = 1.96·√2·2 ≈ 5.54 s.

    >>> r = reliability([10.0, 12.0, 14.0])
    >>> r.mean, r.typical_error, round(r.mdc95, 2)
    (12.0, 2.0, 5.54)
    """
    vals = tuple(float(v) for v in values)
    x = np.array([v for v in vals if math.isfinite(v)], dtype=np.float64)
    n = int(x.size)
    mean = float(x.mean()) if n else math.nan
    sem = float(x.std(ddof=1)) if n >= 2 else math.nan
    return Reliability(values=vals, n=n, mean=mean, typical_error=sem, mdc95=mdc95(sem))


@dataclass(frozen=True)
class Change:
    """A difference between two results of the same person, judged against the MDC95.

    Attributes
    ----------
    label
        What is compared (e.g. ``"left vs right"``, ``"today vs 2026-11-24"``).
    difference
        ``a - b`` in ``unit``.
    mdc
        The smallest real change used (NaN when unknown).
    real
        True when ``|difference| > mdc``; False when within it; None when no MDC is known.
    unit
        Unit of the difference.
    text
        One sentence for the card.
    """

    label: str
    difference: float
    mdc: float
    real: bool | None
    unit: str
    text: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "label": self.label,
            "difference": self.difference if math.isfinite(self.difference) else None,
            "mdc": self.mdc if math.isfinite(self.mdc) else None,
            "real": self.real,
            "unit": self.unit,
            "text": self.text,
        }


def change(a: float, b: float, mdc: float, *, label: str, unit: str) -> Change:
    """Whether ``a - b`` is a real change: larger than the smallest real change ``mdc``.

    Examples
    --------
    >>> change(20.0, 14.0, 5.54, label="left vs right", unit="s").real
    True
    >>> change(20.0, 17.0, 5.54, label="left vs right", unit="s").text
    'left vs right: 3 s, within the smallest real change (5.5 s): no real difference.'
    """
    diff = float(a) - float(b)
    mdc = float(mdc)
    if not math.isfinite(diff):
        return Change(label, diff, mdc, None, unit, f"{label}: not measured on both.")
    size = f"{diff:+.2g} {unit}" if abs(diff) < 10 else f"{diff:+.0f} {unit}"
    size = size.lstrip("+")
    if not math.isfinite(mdc):
        return Change(
            label, diff, mdc, None, unit,
            f"{label}: {size}; with one trial the smallest real change is unknown: repeat the "
            "test to tell.",
        )  # fmt: skip
    real = abs(diff) > mdc
    verdict = "a real difference" if real else "no real difference"
    where = "beyond" if real else "within"
    text = f"{label}: {size}, {where} the smallest real change ({mdc:.2g} {unit}): {verdict}."
    return Change(label, diff, mdc, real, unit, text)
