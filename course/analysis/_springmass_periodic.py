"""Steady (periodic) spring-mass gaits (private: import from :mod:`course.analysis.springmass`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from course._core import springmass as _core
from course.analysis._springmass_sine import G, sine_wave_model
from course.analysis._springmass_slip import MAX_ANGLE_DEG, RunSimulation, simulate_run
from course.validation import FloatArray, positive


@dataclass(frozen=True)
class PeriodicRun:
    """A steady spring-mass gait found by :func:`periodic_run`, and its simulation.

    Attributes
    ----------
    touchdown_angle
        Solved leg angle from vertical at touchdown, deg (foot ahead of the hip).
    leg_stiffness
        Leg stiffness, N/m (given or solved).
    speed
        Mean horizontal speed over a step (step length / step time), m/s.
    step_frequency
        Steps per second, Hz.
    contact_time, flight_time
        Durations per step, s.
    step_length
        Distance travelled per step, m.
    touchdown_speed, vertical_speed
        Horizontal and downward vertical speed at touchdown, m/s (solved).
    mass, leg_length, gravity
        Model parameters, kg, m, m/s².
    simulation
        :class:`RunSimulation` of the gait (starting at an apex), at the requested ``fs``.
    """

    touchdown_angle: float
    leg_stiffness: float
    speed: float
    step_frequency: float
    contact_time: float
    flight_time: float
    step_length: float
    touchdown_speed: float
    vertical_speed: float
    mass: float
    leg_length: float
    gravity: float
    simulation: RunSimulation

    @property
    def cadence(self) -> float:
        """Steps per minute."""
        return 60.0 * self.step_frequency

    @property
    def overstride(self) -> float:
        """How far ahead of the hip the foot lands, m (``leg_length * sin(touchdown_angle)``)."""
        return self.leg_length * math.sin(math.radians(self.touchdown_angle))

    def simulate(
        self,
        *,
        touchdown_angle: float | Sequence[float] | FloatArray | None = None,
        n_steps: int | None = None,
        fs: float | None = None,
    ) -> RunSimulation:
        """Re-run this gait from the same apex, optionally with another touchdown angle (deg).

        Use it to show what overstriding does: a larger angle than the periodic one brakes more
        than it propels, and the runner loses speed every step.

        Examples
        --------
        >>> gait = periodic_run(speed=3.5, leg_stiffness=12_000, step_frequency=2.9, n_steps=2)
        >>> over = gait.simulate(touchdown_angle=gait.touchdown_angle + 3)
        >>> bool(over.speed_change[0] < 0)
        True
        """
        sim = self.simulation
        n = sim.n_steps if n_steps is None else n_steps
        rate = float(1.0 / np.median(np.diff(sim.t))) if fs is None else fs
        return simulate_run(
            mass=self.mass,
            leg_stiffness=self.leg_stiffness,
            leg_length=self.leg_length,
            touchdown_angle=self.touchdown_angle if touchdown_angle is None else touchdown_angle,
            speed=self.touchdown_speed,
            vertical_speed=self.vertical_speed,
            n_steps=n,
            fs=round(rate, 9),
            gravity=self.gravity,
        )


def _symmetric_gait(
    m: float, k: float, L: float, g: float, vx: float, vy: float, hint: float | None = None
) -> tuple[float, float, float, float] | None:
    """(theta rad, t_c, t_f, mean speed) of the symmetric stance for a touchdown velocity.

    With ``hint`` (rad), look within ±1.7° of it first (cheap, and it follows the same solution
    branch during Newton iterations); otherwise scan all angles for the smallest root.
    """
    out = None
    if hint is not None:
        lo, hi = max(1e-4, hint - 0.03), min(math.radians(MAX_ANGLE_DEG), hint + 0.03)
        out = _core.symmetric_stance(m, k, L, g, vx, vy, lo, hi, 3, 1e-11, 1e-13)
    if out is None or not math.isfinite(out.theta):
        out = _core.symmetric_stance(
            m, k, L, g, vx, vy, 1e-4, math.radians(MAX_ANGLE_DEG), 140, 1e-11, 1e-13
        )
    th, tc, travel = out.theta, out.contact_time, out.stance_travel
    if not math.isfinite(th):
        return None
    tf = 2.0 * vy / g
    return th, tc, tf, (travel + vx * tf) / (tc + tf)


def periodic_run(
    *,
    mass: float = 70.0,
    speed: float,
    leg_length: float = 0.9,
    leg_stiffness: float | None = None,
    step_frequency: float | None = None,
    contact_time: float | None = None,
    n_steps: int = 10,
    fs: float = 1000.0,
    gravity: float = G,
) -> PeriodicRun:
    """Solve for a steady, exactly repeating spring-mass gait and simulate it.

    A gait repeats when every stance is symmetric (take-off mirrors touchdown), so the runner
    leaves the ground with the same speed it landed with. Give the mean ``speed`` and exactly two of
    ``leg_stiffness``, ``step_frequency`` and ``contact_time``; the solver finds the touchdown angle
    together with the touchdown velocity (horizontal and vertical), or with the leg stiffness when
    that is not given, by Newton's method on the step map (the angle by bracketing and bisection
    on the stance symmetry, inside). The steady SLIP gait is generally unstable: tiny integration
    errors grow over many steps, so keep ``n_steps`` modest (≤ ~20).

    Parameters
    ----------
    mass
        Body mass, kg.
    speed
        Mean horizontal running speed, m/s.
    leg_length
        Rest length of the leg, m.
    leg_stiffness
        Leg stiffness, N/m.
    step_frequency
        Steps per second, Hz (cadence / 60).
    contact_time
        Contact time per step, s.
    n_steps
        Steps to simulate.
    fs
        Output sampling rate, Hz.
    gravity
        Gravitational acceleration, m/s².

    Returns
    -------
    PeriodicRun
        The solved parameters and the simulation; ``PeriodicRun.simulate`` re-runs it with another
        touchdown angle.

    Raises
    ------
    ValueError
        When not exactly two of the three are given, or when no periodic gait exists (e.g. a leg
        too stiff for the step frequency: the stance is shorter than a step can last).

    Examples
    --------
    >>> gait = periodic_run(speed=3.5, leg_stiffness=12_000, step_frequency=2.9, n_steps=2)
    >>> 15 < gait.touchdown_angle < 35, round(gait.speed, 6), round(gait.cadence, 6)
    (True, 3.5, 174.0)
    """
    m = positive(mass, "mass", "kg")
    v = positive(speed, "speed", "m/s")
    L = positive(leg_length, "leg_length", "m")
    g = positive(gravity, "gravity", "m/s²")
    given = {
        name: positive(val, name, unit)
        for name, val, unit in (
            ("leg_stiffness", leg_stiffness, "N/m"),
            ("step_frequency", step_frequency, "Hz"),
            ("contact_time", contact_time, "s"),
        )
        if val is not None
    }
    if len(given) != 2:
        raise ValueError(
            "periodic_run needs exactly two of leg_stiffness (N/m), step_frequency (Hz) and "
            f"contact_time (s); got {sorted(given) or 'none'}. Example: "
            "periodic_run(speed=3.5, leg_stiffness=12000, step_frequency=2.9)."
        )
    k_given = given.get("leg_stiffness")
    f_given = given.get("step_frequency")
    tc_given = given.get("contact_time")
    fixed_vy = None
    if k_given is None:
        assert f_given is not None and tc_given is not None
        tf = 1.0 / f_given - tc_given
        if tf < 0:
            raise ValueError(
                f"contact_time ({tc_given} s) must not exceed the step time 1/step_frequency "
                f"({1 / f_given:.4g} s): running has a flight phase."
            )
        fixed_vy = g * tf / 2.0

    def unpack(u: FloatArray) -> tuple[float, float, float]:
        vx = math.exp(u[0])
        if fixed_vy is None:
            assert k_given is not None
            return vx, math.exp(u[1]), k_given
        return vx, fixed_vy, math.exp(u[1])

    last_theta: list[float] = []  # angle of the latest solution, to warm-start the next

    def residual(u: FloatArray) -> tuple[FloatArray, tuple[float, ...]] | None:
        vx, vy, k = unpack(u)
        sol = _symmetric_gait(m, k, L, g, vx, vy, last_theta[-1] if last_theta else None)
        if sol is None:
            return None
        last_theta.append(sol[0])
        th, tc, tf, vmean = sol
        if f_given is not None:
            second = (tc + tf) * f_given - 1.0
        else:
            assert tc_given is not None
            second = tc / tc_given - 1.0
        return np.array([vmean / v - 1.0, second]), (th, tc, tf, vmean, vx, vy, k)

    # Starting point: touchdown speed = mean speed; vertical speed from a coarse scan, or the leg
    # stiffness from Morin's sine-wave estimate.
    best: tuple[float, FloatArray] | None = None
    if fixed_vy is None:
        for vy in np.geomspace(0.05, 3.0, 24):
            u = np.array([math.log(v), math.log(vy)])
            last_theta.clear()  # full scans for the starting grid: the smallest-angle solution
            r = residual(u)
            if r is not None and (best is None or np.abs(r[0]).max() < best[0]):
                best = (float(np.abs(r[0]).max()), u)
    else:
        assert f_given is not None and tc_given is not None
        k0 = sine_wave_model(m, v, tc_given, 1.0 / f_given - tc_given, L, gravity=g).k_leg
        for scale in (1.0, 0.7, 1.4, 0.5, 2.0):
            u = np.array([math.log(v), math.log(k0 * scale)])
            last_theta.clear()
            r = residual(u)
            if r is not None and (best is None or np.abs(r[0]).max() < best[0]):
                best = (float(np.abs(r[0]).max()), u)
    found = None
    if best is not None:
        u = best[1]
        last_theta.clear()
        current = residual(u)
        for _ in range(40):
            if current is None:
                break
            F, info = current
            if np.abs(F).max() < 1e-11:
                found = info
                break
            J = np.empty((2, 2))
            h = 1e-6
            ok = True
            for j in range(2):
                du = np.zeros(2)
                du[j] = h
                rj = residual(u + du)
                if rj is None:
                    rj = residual(u - du)
                    if rj is None:
                        ok = False
                        break
                    J[:, j] = (F - rj[0]) / h
                else:
                    J[:, j] = (rj[0] - F) / h
            if not ok or abs(np.linalg.det(J)) < 1e-300:
                break
            step = np.linalg.solve(J, -F)
            step *= min(1.0, 0.5 / max(np.abs(step).max(), 1e-300))  # at most a factor e^0.5
            for _ in range(15):  # backtracking on the residual norm
                trial = residual(u + step)
                if trial is not None and np.abs(trial[0]).max() < np.abs(F).max():
                    u, current = u + step, trial
                    break
                step *= 0.5
            else:
                break
    if found is None:
        asked = ", ".join(f"{name}={val:g}" for name, val in given.items())
        raise ValueError(
            f"No periodic spring-mass gait found at speed={v:g} m/s with {asked} (mass {m:g} kg, "
            f"leg {L:g} m). Typical running values: leg_stiffness 7000–20000 N/m, step_frequency "
            "2.5–3.3 Hz, contact_time 0.15–0.30 s. A soft leg at a high step frequency usually has "
            "no steady solution (the stance alone outlasts the step): move the values towards "
            "typical ones."
        )
    th, tc, tf, vmean, vx, vy, k = found
    sim = simulate_run(
        mass=m,
        leg_stiffness=k,
        leg_length=L,
        touchdown_angle=math.degrees(th),
        speed=vx,
        vertical_speed=vy,
        n_steps=n_steps,
        fs=fs,
        gravity=g,
        rtol=1e-11,
        atol=1e-13,
    )
    return PeriodicRun(
        touchdown_angle=math.degrees(th),
        leg_stiffness=k,
        speed=vmean,
        step_frequency=1.0 / (tc + tf),
        contact_time=tc,
        flight_time=tf,
        step_length=vmean * (tc + tf),
        touchdown_speed=vx,
        vertical_speed=vy,
        mass=m,
        leg_length=L,
        gravity=g,
        simulation=sim,
    )
