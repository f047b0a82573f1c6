"""One measured stance on a time axis: impulses, braking share, peaks and loading rate.

:class:`StanceForces` is what :meth:`course.data.grf.RunningGRF.stance` returns. The measured
curves are normalised to the stance; seconds come from a contact time and body weights from a body
mass, each measured or assumed (stored on the object, and printed, with which it is, on every plot
that uses them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from course.constants import G

__all__ = ["StanceForces"]


def _trapezoid(y: NDArray[np.float64], x: NDArray[np.float64]) -> float:
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2.0)


def _first_crossing(v: NDArray[np.float64], t: NDArray[np.float64], level: float) -> float:
    """Time at which ``v`` first reaches ``level``, interpolated between samples."""
    i = int(np.argmax(v >= level))
    if i == 0:
        return float(t[0])
    return float(t[i - 1] + (level - v[i - 1]) / (v[i] - v[i - 1]) * (t[i] - t[i - 1]))


@dataclass(frozen=True)
class StanceForces:
    """Mean fore–aft and vertical force of one stance at one speed.

    Attributes
    ----------
    speed
        Running speed in m/s.
    foot
        ``"both feet"``, ``"foot 0"`` or ``"foot 1"``.
    n_trials
        Number of stances averaged.
    fraction
        (n,) stance fraction, 0 at touchdown and 1 at take-off.
    fore_aft
        (n,) fore–aft force in N, positive forward (negative = braking).
    vertical
        (n,) vertical force in N.
    body_mass_kg
        Body mass in kg used for body weights.
    contact_time_s
        Contact time in s used for the time axis.
    source
        Provenance line for plots.
    mass_measured, contact_measured
        Whether the body mass and the contact time were measured (True) or assumed (False).

    Examples
    --------
    >>> x = np.linspace(0, 1, 101)
    >>> s = StanceForces(4.0, "model", 1, x, -np.sin(2 * np.pi * x), 1500 * np.sin(np.pi * x),
    ...                  70.0, 0.2, "half-sine")
    >>> round(s.braking_share, 2), round(s.braking_time_share, 2)
    (0.5, 0.5)
    """

    speed: float
    foot: str
    n_trials: int
    fraction: NDArray[np.float64]
    fore_aft: NDArray[np.float64]
    vertical: NDArray[np.float64]
    body_mass_kg: float
    contact_time_s: float
    source: str
    mass_measured: bool = False
    contact_measured: bool = False

    # ------------------------------------------------------------------ axes and units
    @property
    def t(self) -> NDArray[np.float64]:
        """(n,) time since touchdown in s (stance fraction × contact time)."""
        return self.fraction * self.contact_time_s

    @property
    def body_weight_n(self) -> float:
        """Body weight m·g in N."""
        return self.body_mass_kg * G

    @property
    def vertical_bw(self) -> NDArray[np.float64]:
        """(n,) vertical force in body weights."""
        return self.vertical / self.body_weight_n

    @property
    def fore_aft_bw(self) -> NDArray[np.float64]:
        """(n,) fore–aft force in body weights."""
        return self.fore_aft / self.body_weight_n

    @property
    def label(self) -> str:
        """Legend text: speed, feet, trials, and the mass and contact time behind BW and seconds."""
        mass = "measured" if self.mass_measured else "assumed"
        contact = "measured" if self.contact_measured else "assumed"
        return (
            f"Measured runner, {self.speed:g} m/s ({self.foot}, mean of {self.n_trials}; "
            f"{mass} {self.body_mass_kg:g} kg, {contact} contact {self.contact_time_s:.3g} s)"
        )

    # ------------------------------------------------------------------ impulses
    @property
    def vertical_impulse_ns(self) -> float:
        """Vertical impulse of the stance in N·s (trapezoid rule over :attr:`t`)."""
        return _trapezoid(self.vertical, self.t)

    @property
    def braking_impulse_ns(self) -> float:
        """Braking impulse in N·s: the integral of the negative fore–aft force (≤ 0)."""
        return _trapezoid(np.minimum(self.fore_aft, 0.0), self.t)

    @property
    def propulsive_impulse_ns(self) -> float:
        """Propulsive impulse in N·s: the integral of the positive fore–aft force (≥ 0)."""
        return _trapezoid(np.maximum(self.fore_aft, 0.0), self.t)

    @property
    def braking_share(self) -> float:
        """Braking impulse as a share of all fore–aft impulse, |B| / (|B| + P), 0–1.

        Independent of the contact time and the mass. 0.5 means braking and propulsion
        cancel (steady speed); below 0.5 the runner gains speed over the stance.
        """
        b, p = -self.braking_impulse_ns, self.propulsive_impulse_ns
        return b / (b + p)

    @property
    def braking_time_share(self) -> float:
        """Share of the stance (0–1) before the fore–aft force turns from braking to propulsion.

        The crossing is the last change from negative to non-negative force (linearly
        interpolated), so a brief push just after touchdown does not count as the switch.
        """
        f = self.fore_aft
        up = np.flatnonzero((f[:-1] < 0) & (f[1:] >= 0))
        if up.size == 0:
            return 1.0 if f.mean() < 0 else 0.0
        i = int(up[-1])
        frac = f[i] / (f[i] - f[i + 1])
        return float(self.fraction[i] + frac * (self.fraction[i + 1] - self.fraction[i]))

    # ------------------------------------------------------------------ peaks and rates
    @property
    def peak_vertical_bw(self) -> float:
        """Highest vertical force in body weights."""
        return float(self.vertical_bw.max())

    @property
    def impact_peak_bw(self) -> float | None:
        """First local maximum of the vertical force before 40 % of stance, in BW, if any.

        A heel strike often shows this early "impact peak" before the main, later peak; a
        spring-mass model has none. None when the force rises without a dip to its main peak.
        """
        v = self.vertical_bw
        stop = int(np.searchsorted(self.fraction, 0.4))
        main = int(np.argmax(v))
        for i in range(1, min(stop, main)):
            if v[i] > v[i - 1] and v[i] >= v[i + 1] and v[i] < v[main] and v[i] > 0.5:
                return float(v[i])
        return None

    @property
    def loading_rate_bw_per_s(self) -> float:
        """Average vertical loading rate in BW/s, between 20 % and 80 % of the first peak.

        The first peak is the impact peak when there is one, otherwise the main peak. The two
        crossing times are interpolated; the rate scales with 1 / (contact time).
        """
        v, t = self.vertical_bw, self.t
        peak = self.impact_peak_bw
        target = self.peak_vertical_bw if peak is None else peak
        lo, hi = 0.2 * target, 0.8 * target
        return (hi - lo) / (_first_crossing(v, t, hi) - _first_crossing(v, t, lo))
