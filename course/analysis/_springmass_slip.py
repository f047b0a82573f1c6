"""Spring-loaded inverted pendulum runner (private: import from :mod:`course.analysis.springmass`).

A point mass on a massless linear spring leg, ballistic in flight, integrated in the compiled core
(adaptive Dormand–Prince 5(4) with accurately located touchdown, mid-stance and take-off events).
x forward, y up, metres; the foot sits on the ground at ``y = 0``; touchdown angle from vertical
with the foot ahead of the hip, degrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course._core import springmass as _core
from course.analysis._springmass_sine import G, _count, _nonneg_array
from course.validation import FloatArray, positive

MAX_ANGLE_DEG = 70.0
"""Largest touchdown angle accepted, deg from vertical."""
_STEP_COLUMNS: tuple[str, ...] = tuple(_core.STEP_COLUMNS)


_STATUS_TEXT = {
    "completed": "all steps completed",
    "fell": "the leg collapsed (hip below a quarter of the leg length): the spring is too soft "
    "for this speed and touchdown angle",
    "reversed": "the runner was stopped and bounced backwards: the foot landed so far ahead that "
    "braking exceeded propulsion until no forward speed was left",
    "stumbled": "the next touchdown was impossible: the hip never rose high enough to place the "
    "leg at the touchdown angle (take-off too flat; lower the stiffness or raise the angle)",
    "too_long": "a stance lasted over 5 s (the leg never reached its rest length again)",
}


@dataclass(frozen=True)
class RunSimulation:
    """A simulated run of the spring-loaded inverted pendulum (result of :func:`simulate_run`).

    Samples are taken at ``fs`` from the apex of the flight before the first step (``t = 0``,
    ``x = 0``) to the touchdown after the last completed step. Per-step arrays have one entry per
    stance that started (``n_steps`` entries when ``status == "completed"``).

    Attributes
    ----------
    t, x, y, vx, vy
        Time (s), hip (centre-of-mass) position (m, ``y`` up) and velocity (m/s).
    fx, fy
        Horizontal and vertical ground reaction force on the runner, N (0 in flight).
    touchdown_times, midstance_times, takeoff_times
        Event times per step, s (mid-stance: the leg is vertical; NaN if never reached).
    contact_times, flight_times, step_times
        Stance duration, the flight after it, and their sum, s (NaN where not reached).
    touchdown_x, foot_x
        Hip position at touchdown and where the foot landed, m; ``foot_x - touchdown_x`` is the
        overstride, ``leg_length * sin(touchdown_angle)``.
    touchdown_angle, takeoff_angle
        Leg angle from vertical, deg (touchdown: foot ahead; take-off: foot behind).
    touchdown_speed, takeoff_speed
        Horizontal velocity at touchdown and take-off, m/s.
    braking_impulse, propulsive_impulse
        Horizontal impulse before (≤ 0) and after (≥ 0) mid-stance, N·s, exact from the change of
        momentum at the located mid-stance event.
    vertical_impulse
        Vertical impulse of each stance, N·s.
    speed_change
        Change in horizontal speed over each stance (take-off minus touchdown), m/s.
    mass, leg_stiffness, leg_length, gravity
        Model parameters (kg, N/m, m, m/s²).
    status
        ``"completed"``, ``"fell"``, ``"reversed"``, ``"stumbled"`` or ``"too_long"``.
    message
        A sentence explaining the status.
    """

    t: FloatArray
    x: FloatArray
    y: FloatArray
    vx: FloatArray
    vy: FloatArray
    fx: FloatArray
    fy: FloatArray
    touchdown_times: FloatArray
    midstance_times: FloatArray
    takeoff_times: FloatArray
    contact_times: FloatArray
    flight_times: FloatArray
    step_times: FloatArray
    touchdown_x: FloatArray
    foot_x: FloatArray
    touchdown_angle: FloatArray
    takeoff_angle: FloatArray
    touchdown_speed: FloatArray
    takeoff_speed: FloatArray
    braking_impulse: FloatArray
    propulsive_impulse: FloatArray
    vertical_impulse: FloatArray
    speed_change: FloatArray
    mass: float
    leg_stiffness: float
    leg_length: float
    gravity: float
    status: str
    message: str

    @property
    def completed(self) -> bool:
        """True when every requested step was run."""
        return self.status == "completed"

    @property
    def n_steps(self) -> int:
        """Number of stances that started."""
        return int(self.touchdown_times.shape[0])

    @property
    def overstride(self) -> FloatArray:
        """Horizontal distance of the foot ahead of the hip at each touchdown, m."""
        return self.foot_x - self.touchdown_x

    @property
    def energy(self) -> FloatArray:
        """Total mechanical energy per sample, J: kinetic + potential + elastic (spring)."""
        elastic = (self.fx**2 + self.fy**2) / (2.0 * self.leg_stiffness)
        kinetic = 0.5 * self.mass * (self.vx**2 + self.vy**2)
        return kinetic + self.mass * self.gravity * self.y + elastic


def _angles(touchdown_angle: Any, n_steps: int) -> FloatArray:
    arr = np.asarray(touchdown_angle, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n_steps, float(arr))
    if arr.shape != (n_steps,):
        raise ValueError(
            f"touchdown_angle must be one number or one per step ({n_steps} values) in degrees; "
            f"got shape {arr.shape}."
        )
    bad = ~np.isfinite(arr) | (arr < 0) | (arr >= MAX_ANGLE_DEG)
    if np.any(bad):
        raise ValueError(
            f"touchdown_angle must be in [0, {MAX_ANGLE_DEG:g}) degrees from vertical (foot ahead "
            f"of the hip); got {arr[bad][0]!r}. Typical running values are 15–30 degrees."
        )
    return np.ascontiguousarray(np.radians(arr))


def simulate_run(
    *,
    mass: float = 70.0,
    leg_stiffness: float,
    leg_length: float = 0.9,
    touchdown_angle: float | Sequence[float] | FloatArray,
    speed: float,
    vertical_speed: float = 0.6,
    n_steps: int = 10,
    fs: float = 1000.0,
    gravity: float = G,
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> RunSimulation:
    """Simulate a spring-mass runner for ``n_steps`` steps with a fixed touchdown policy.

    The run starts at ``t = 0`` at the apex of a flight, at ``x = 0``, moving forward at ``speed``.
    Each step the leg is held at ``touchdown_angle`` (from vertical, foot ahead) during flight; the
    foot touches down when the hip falls to ``leg_length * cos(angle)``; during stance the leg is a
    linear spring pinned at the foot; the runner takes off when the leg is back at rest length.
    Parameters that are not periodic make the runner speed up, slow down, fall or stop: the run
    then ends early and ``status`` and ``message`` say why (see :func:`periodic_run` for a gait
    that repeats exactly).

    Parameters
    ----------
    mass
        Body mass, kg.
    leg_stiffness
        Spring constant of the leg, N/m (runners: about 7–20 kN/m).
    leg_length
        Rest length of the leg, m.
    touchdown_angle
        Leg angle from vertical at touchdown, deg, foot ahead of the hip; one value for every step
        or one per step. Must be in [0, 70).
    speed
        Horizontal speed at the first touchdown (constant during flight), m/s.
    vertical_speed
        Downward vertical speed at the first touchdown, m/s (sets the first apex height:
        ``vertical_speed² / (2 g)`` above the touchdown height).
    n_steps
        Number of stances to simulate.
    fs
        Output sampling rate, Hz.
    gravity
        Gravitational acceleration, m/s².
    rtol, atol
        Tolerances of the adaptive integrator (relative; absolute in m and m/s).

    Returns
    -------
    RunSimulation
        Sampled trajectory and forces plus per-step events and impulses.

    Examples
    --------
    >>> run = simulate_run(leg_stiffness=20_000, touchdown_angle=22, speed=4.0, n_steps=3)
    >>> run.status, run.n_steps
    ('completed', 3)
    >>> bool(run.braking_impulse[0] < 0 < run.propulsive_impulse[0])
    True
    """
    m = positive(mass, "mass", "kg")
    k = positive(leg_stiffness, "leg_stiffness", "N/m")
    L = positive(leg_length, "leg_length", "m")
    v = positive(speed, "speed", "m/s")
    vs = float(_nonneg_array(vertical_speed, "vertical_speed", "m/s", strict=False))
    rate = positive(fs, "fs", "Hz")
    g = positive(gravity, "gravity", "m/s²")
    n = _count(n_steps, "n_steps", upper=10_000)
    if rate > 1e6 or n * rate > 2e7:
        raise ValueError(
            f"fs * n_steps must stay below 2e7 (a step lasts ~0.3 s, so that is millions of "
            f"samples); got fs={rate} Hz with n_steps={n}. Lower fs (1000 Hz is plenty for plots)."
        )
    r_tol = positive(rtol, "rtol", "(relative)")
    a_tol = positive(atol, "atol", "m or m/s")
    if not 1e-14 <= r_tol <= 1e-2:
        raise ValueError(f"rtol must be between 1e-14 and 1e-2; got {r_tol}.")
    angles = _angles(touchdown_angle, n)
    y0 = L * math.cos(float(angles[0])) + vs**2 / (2.0 * g)
    run = _core.simulate(m, k, L, g, y0, v, angles, rate, r_tol, a_tol)
    return _assemble(run.samples, run.steps, run.status, m=m, k=k, L=L, g=g)


def _assemble(
    samples: FloatArray,
    steps: FloatArray,
    status_code: int,
    *,
    m: float,
    k: float,
    L: float,
    g: float,
) -> RunSimulation:
    col = {name: steps[:, i] for i, name in enumerate(_STEP_COLUMNS)}
    contact = col["t_to"] - col["t_td"]
    flight = col["t_next"] - col["t_to"]
    mid_vx = col["vx_mid"]
    no_mid = np.isnan(mid_vx)
    braking = np.where(no_mid, m * (col["vx_to"] - col["vx_td"]), m * (mid_vx - col["vx_td"]))
    propulsive = np.where(no_mid, 0.0, m * (col["vx_to"] - mid_vx))
    status = str(_core.STATUS[status_code])
    message = _STATUS_TEXT[status]
    if status != "completed":
        message = f"Stopped at step {steps.shape[0]}: {message}."
    return RunSimulation(
        t=samples[:, 0].copy(),
        x=samples[:, 1].copy(),
        y=samples[:, 2].copy(),
        vx=samples[:, 3].copy(),
        vy=samples[:, 4].copy(),
        fx=samples[:, 5].copy(),
        fy=samples[:, 6].copy(),
        touchdown_times=col["t_td"].copy(),
        midstance_times=col["t_mid"].copy(),
        takeoff_times=col["t_to"].copy(),
        contact_times=contact,
        flight_times=flight,
        step_times=contact + flight,
        touchdown_x=col["x_td"].copy(),
        foot_x=col["foot_x"].copy(),
        touchdown_angle=np.degrees(np.arcsin(np.clip((col["foot_x"] - col["x_td"]) / L, -1, 1))),
        takeoff_angle=np.degrees(np.arcsin(np.clip((col["x_to"] - col["foot_x"]) / L, -1, 1))),
        touchdown_speed=col["vx_td"].copy(),
        takeoff_speed=col["vx_to"].copy(),
        braking_impulse=braking,
        propulsive_impulse=propulsive,
        vertical_impulse=m * (col["vy_to"] - col["vy_td"]) + m * g * contact,
        speed_change=col["vx_to"] - col["vx_td"],
        mass=m,
        leg_stiffness=k,
        leg_length=L,
        gravity=g,
        status=status,
        message=message,
    )
