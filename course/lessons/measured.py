"""A measured stance beside the course's two models: the half-sine and the spring-mass runner.

Both models are given what the measurement fixes — the same speed, the same contact
time and the same vertical impulse, hence the same step time (the vertical impulse of a stance
equals body weight × step time at a steady pace). What is left is the *shape*, and that is where
models and measurement can be compared: the early impact peak, the height of the main peak, and
the fore–aft force.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from course.analysis.springmass import periodic_run, sine_wave_force
from course.data.grf import BODY_MASS_KG, RunningGRF, load_running_grf
from course.data.grf_stance import StanceForces
from course.plots.measured import fore_aft_speeds_figure, vertical_models_figure

__all__ = [
    "ASSUMED_LEG_LENGTH_M",
    "BODY_MASS_KG",
    "ModelComparison",
    "ModelStance",
    "RunningGRF",
    "braking_table",
    "check",
    "compare_all",
    "compare_models",
    "fore_aft_figure",
    "load_running_grf",
    "vertical_figure",
    "vertical_table",
]

#: Leg length (hip to ground, m) assumed for the spring-mass model of the measured runner.
ASSUMED_LEG_LENGTH_M = 0.95


@dataclass(frozen=True)
class ModelStance:
    """One modelled stance on a time axis from touchdown.

    Attributes
    ----------
    name
        Legend name, e.g. ``"Model: half-sine"``.
    t
        (n,) time since touchdown in s.
    vertical
        (n,) vertical force in N.
    fore_aft
        (n,) fore–aft force in N (zeros for the half-sine, which has none).
    """

    name: str
    t: NDArray[np.float64]
    vertical: NDArray[np.float64]
    fore_aft: NDArray[np.float64]


@dataclass(frozen=True)
class ModelComparison:
    """A measured stance and the models given the same speed, contact time and impulse.

    Attributes
    ----------
    measured
        The measured mean stance.
    half_sine
        Morin et al.'s (2005) half-sine force with the same contact and step time.
    spring_mass
        The steady spring-mass (SLIP) gait with the same speed, contact and step time, or None
        when none exists for these numbers (see :attr:`note`).
    step_time_s
        Vertical impulse / body weight, s (the step time a steady pace implies).
    note
        Why the spring-mass model is missing, else ``""``.
    """

    measured: StanceForces
    half_sine: ModelStance
    spring_mass: ModelStance | None
    step_time_s: float
    note: str = ""

    @property
    def flight_time_s(self) -> float:
        """Step time − contact time, s."""
        return self.step_time_s - self.measured.contact_time_s


def compare_models(
    stance: StanceForces, *, leg_length: float = ASSUMED_LEG_LENGTH_M, fs: float = 2000.0
) -> ModelComparison:
    """Model the measured stance with the half-sine and the spring-mass runner.

    Parameters
    ----------
    stance
        A measured stance (:meth:`course.data.grf.RunningGRF.stance`).
    leg_length
        Leg length of the spring-mass model, m.
    fs
        Sampling rate of the modelled curves, Hz.

    Returns
    -------
    ModelComparison
        Measured and modelled stances in N on a time axis in s.

    Examples
    --------
    >>> x = np.linspace(0, 1, 101)
    >>> s = StanceForces(4.0, "test", 1, x, np.zeros(101), 2000 * np.sin(np.pi * x), 70.0,
    ...                  0.2, "half-sine test")
    >>> c = compare_models(s)
    >>> round(float(c.half_sine.vertical.max() / s.vertical.max()), 3)
    1.0
    """
    m, tc = stance.body_mass_kg, stance.contact_time_s
    step = stance.vertical_impulse_ns / stance.body_weight_n
    if step <= tc:
        raise ValueError(
            f"the stance's vertical impulse ({stance.vertical_impulse_ns:.0f} N·s) is no more "
            f"than body weight × contact time ({stance.body_weight_n * tc:.0f} N·s): no flight, "
            "so neither running model applies. Check the body mass and contact time."
        )
    sine = sine_wave_force(mass=m, contact_time=tc, flight_time=step - tc, n_steps=1, fs=fs)
    keep = sine.t <= tc + 1e-12
    half = ModelStance(
        "Model: half-sine (Morin et al. 2005)",
        sine.t[keep],
        sine.fy[keep],
        np.zeros(int(keep.sum())),
    )
    slip: ModelStance | None = None
    note = ""
    try:
        gait = periodic_run(
            mass=m,
            speed=stance.speed,
            leg_length=leg_length,
            contact_time=tc,
            step_frequency=1.0 / step,
            n_steps=1,
            fs=fs,
        )
    except ValueError as exc:
        note = f"No steady spring-mass gait at {stance.speed:g} m/s with these numbers: {exc}"
    else:
        sim = gait.simulation
        t0, t1 = float(sim.touchdown_times[0]), float(sim.takeoff_times[0])
        sel = (sim.t >= t0) & (sim.t <= t1)
        slip = ModelStance(
            f"Model: spring-mass (leg {leg_length:g} m, k = {gait.leg_stiffness / 1000:.0f} kN/m)",
            sim.t[sel] - t0,
            sim.fy[sel],
            sim.fx[sel],
        )
    return ModelComparison(stance, half, slip, step, note)


def compare_all(
    grf: RunningGRF, *, leg_length: float = ASSUMED_LEG_LENGTH_M
) -> list[ModelComparison]:
    """:func:`compare_models` at every speed of ``grf`` (both feet averaged), slowest first.

    Examples
    --------
    >>> from course.data.grf import load_running_grf
    >>> [c.measured.speed for c in compare_all(load_running_grf())]
    [3.56, 5.2, 7.0, 9.49]
    """
    return [compare_models(grf.stance(v), leg_length=leg_length) for v in grf.speeds]


def vertical_figure(grf: RunningGRF) -> go.Figure:
    """Lesson 01's figure: measured vertical force beside both models at every speed.

    Examples
    --------
    >>> len(vertical_figure(load_running_grf()).data)
    12
    """
    return vertical_models_figure(compare_all(grf))


def fore_aft_figure(grf: RunningGRF) -> go.Figure:
    """Lesson 04's figure: measured fore–aft force and the braking/propulsive impulses by speed.

    Examples
    --------
    >>> len(fore_aft_figure(load_running_grf()).data)
    6
    """
    return fore_aft_speeds_figure([grf.stance(v) for v in grf.speeds])


def vertical_table(grf: RunningGRF) -> str:
    """Plain-text table of the vertical force at each speed: measured against both models.

    Columns: speed (m/s), contact time (s, measured or assumed), implied flight time (s), measured
    peak and impact peak (BW), half-sine and spring-mass peaks (BW), measured loading rate (BW/s).

    Examples
    --------
    >>> print(vertical_table(load_running_grf()).splitlines()[0])
    speed  contact  flight | peak  impact | half-sine  spring-mass | loading rate
    """
    lines = ["speed  contact  flight | peak  impact | half-sine  spring-mass | loading rate"]
    for c in compare_all(grf):
        s = c.measured
        bw = s.body_weight_n
        impact = "  —  " if s.impact_peak_bw is None else f"{s.impact_peak_bw:5.2f}"
        slip = (
            "   —" if c.spring_mass is None else f"{float(c.spring_mass.vertical.max()) / bw:.2f}"
        )
        lines.append(
            f"{s.speed:4.2f}   {s.contact_time_s:.2f} s  {c.flight_time_s:.2f} s | "
            f"{s.peak_vertical_bw:.2f}  {impact} |   {float(c.half_sine.vertical.max()) / bw:.2f}"
            f"        {slip}    | {s.loading_rate_bw_per_s:5.0f} BW/s"
        )
    return "\n".join(lines)


def braking_table(grf: RunningGRF) -> str:
    """Plain-text table of braking and propulsion at each speed (both feet averaged).

    Columns: speed (m/s), peak braking and propulsive force (BW), braking and propulsive impulse
    (BW·s), braking share of the fore–aft impulse (%), share of the stance spent braking (%), and
    the net change of speed over the stance (m/s, + = faster).

    Examples
    --------
    >>> print(braking_table(load_running_grf()).splitlines()[0])
    speed | peak brake  peak push | brake BW·s  push BW·s | brake share  brake time | net Δv
    """
    lines = [
        "speed | peak brake  peak push | brake BW·s  push BW·s | brake share  brake time | net Δv"
    ]
    for v in grf.speeds:
        s = grf.stance(v)
        bw = s.body_weight_n
        dv = (s.braking_impulse_ns + s.propulsive_impulse_ns) / s.body_mass_kg
        lines.append(
            f"{v:4.2f}  |   {-s.fore_aft_bw.min():.2f} BW    {s.fore_aft_bw.max():.2f} BW | "
            f"  {-s.braking_impulse_ns / bw:.4f}    {s.propulsive_impulse_ns / bw:.4f}  | "
            f"    {100 * s.braking_share:3.0f} %       {100 * s.braking_time_share:3.0f} %   | "
            f"{dv:+.2f} m/s"
        )
    return "\n".join(lines)


def check(value: object, expected: float, what: str, unit: str, *, tolerance: float = 0.02) -> str:
    """Compare a learner's answer with the worked solution without giving the solution away.

    Parameters
    ----------
    value
        The learner's answer (``...`` until they replace it).
    expected
        The worked solution's value.
    what, unit
        Name and unit of the quantity, for the message.
    tolerance
        Relative difference accepted as a match.

    Returns
    -------
    str
        "not computed yet" while ``value`` is not a number; otherwise whether it matches, with the
        solution's value only once the learner has given their own.

    Examples
    --------
    >>> check(..., 3.08, "peak", "BW")[:26]
    'peak: not computed yet — r'
    >>> check(3.1, 3.08, "peak", "BW")
    'peak: 3.1 BW — matches the worked solution.'
    >>> check(2.5, 3.08, "peak", "BW")
    'peak: 2.5 BW — the worked solution gets 3.08 BW; unfold the solution cell to compare.'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return (
            f"{what}: not computed yet — replace the ... above and run both cells again, or "
            "unfold the solution cell."
        )
    v = float(value)
    if abs(v - expected) <= tolerance * abs(expected):
        return f"{what}: {v:.3g} {unit} — matches the worked solution."
    return (
        f"{what}: {v:.3g} {unit} — the worked solution gets {expected:.3g} {unit}; unfold the "
        "solution cell to compare."
    )
