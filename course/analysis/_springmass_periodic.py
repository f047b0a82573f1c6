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


@dataclass(frozen=True)
class _Stance:
    """A symmetric stance and the step it makes (what one evaluation of the step map finds)."""

    theta: float  # touchdown angle, rad
    contact_time: float  # s
    flight_time: float  # s
    speed: float  # mean horizontal speed over the step, m/s
    vx: float  # touchdown horizontal speed, m/s
    vy: float  # touchdown vertical speed (downward), m/s
    k: float  # leg stiffness, N/m


class _StepMap:
    """The equations of a steady gait with two of (leg stiffness, step frequency, contact time).

    Unknowns ``u = (ln vx, ln vy)`` when the leg stiffness is given, else ``(ln vx, ln k)`` (the
    vertical speed then follows from the flight time). For every ``u`` the touchdown angle that
    makes the stance symmetric is found inside (bracketing and bisection in the core); the two
    residuals are the relative errors of the mean speed and of the step frequency (or contact
    time). Each evaluation remembers its angle to warm-start the next one (``hint``).
    """

    def __init__(self, m: float, L: float, g: float, speed: float, given: dict[str, float]) -> None:
        self.m, self.L, self.g, self.speed = m, L, g, speed
        self.k = given.get("leg_stiffness")
        self.f = given.get("step_frequency")
        self.tc = given.get("contact_time")
        self.fixed_vy: float | None = None
        self.hint: float | None = None  # angle of the latest evaluation, rad
        if self.k is None:
            assert self.f is not None and self.tc is not None
            tf = 1.0 / self.f - self.tc
            if tf < 0:
                raise ValueError(
                    f"contact_time ({self.tc} s) must not exceed the step time 1/step_frequency "
                    f"({1 / self.f:.4g} s): running has a flight phase."
                )
            self.fixed_vy = g * tf / 2.0

    def unknowns(self, vx: float, vy: float, k: float) -> FloatArray:
        """``u`` of a touchdown velocity (m/s) and leg stiffness (N/m)."""
        return np.array([math.log(vx), math.log(vy if self.fixed_vy is None else k)])

    def starts(self) -> list[FloatArray]:
        """Starting points when there is no previous solution.

        Touchdown speed = mean speed, with a coarse scan of the vertical speed, or with Morin's
        sine-wave estimate of the leg stiffness (scaled).
        """
        v = self.speed
        if self.fixed_vy is None:
            return [np.array([math.log(v), math.log(vy)]) for vy in np.geomspace(0.05, 3.0, 24)]
        assert self.f is not None and self.tc is not None
        k0 = sine_wave_model(self.m, v, self.tc, 1.0 / self.f - self.tc, self.L, gravity=self.g)
        return [np.array([math.log(v), math.log(k0.k_leg * s)]) for s in (1.0, 0.7, 1.4, 0.5, 2.0)]

    def __call__(self, u: FloatArray) -> tuple[FloatArray, _Stance] | None:
        vx = math.exp(u[0])
        if self.fixed_vy is None:
            assert self.k is not None
            vy, k = math.exp(u[1]), self.k
        else:
            vy, k = self.fixed_vy, math.exp(u[1])
        sol = _symmetric_gait(self.m, k, self.L, self.g, vx, vy, self.hint)
        if sol is None:
            return None
        self.hint = sol[0]
        th, tc, tf, vmean = sol
        if self.f is not None:
            second = (tc + tf) * self.f - 1.0
        else:
            assert self.tc is not None
            second = tc / self.tc - 1.0
        return np.array([vmean / self.speed - 1.0, second]), _Stance(th, tc, tf, vmean, vx, vy, k)


def _newton(
    step_map: _StepMap, u: FloatArray, *, max_iter: int, tol: float = 1e-11
) -> _Stance | None:
    """Damped Newton on the step map from ``u``: the one solver of the periodic gait.

    Used by :func:`periodic_run` and :func:`continue_periodic`. Forward-difference Jacobian
    (backward where the forward point has no stance), steps capped at a factor e^0.5 in speed
    or stiffness, then halved until the residual drops. Returns the stance at the solution, or
    None.
    """
    current = step_map(u)
    for _ in range(max_iter):
        if current is None:
            return None
        F, info = current
        if np.abs(F).max() < tol:
            return info
        J = np.empty((2, 2))
        h = 1e-6
        for j in range(2):
            du = np.zeros(2)
            du[j] = h
            rj = step_map(u + du)
            if rj is not None:
                J[:, j] = (rj[0] - F) / h
                continue
            rj = step_map(u - du)
            if rj is None:
                return None
            J[:, j] = (F - rj[0]) / h
        if abs(np.linalg.det(J)) < 1e-300:
            return None
        step = np.linalg.solve(J, -F)
        step *= min(1.0, 0.5 / max(np.abs(step).max(), 1e-300))  # at most a factor e^0.5
        for _ in range(15):  # backtracking on the residual norm
            trial = step_map(u + step)
            if trial is not None and np.abs(trial[0]).max() < np.abs(F).max():
                u, current = u + step, trial
                break
            step *= 0.5
        else:
            return None
    return None


def _targets(
    leg_stiffness: float | None, step_frequency: float | None, contact_time: float | None
) -> dict[str, float]:
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
    return given


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
    given = _targets(leg_stiffness, step_frequency, contact_time)
    step_map = _StepMap(m, L, g, v, given)
    best: tuple[float, FloatArray] | None = None
    for u in step_map.starts():
        step_map.hint = None  # full scans for the starting grid: the smallest-angle solution
        r = step_map(u)
        if r is not None and (best is None or np.abs(r[0]).max() < best[0]):
            best = (float(np.abs(r[0]).max()), u)
    found = None
    if best is not None:
        step_map.hint = None
        found = _newton(step_map, best[1], max_iter=40)
    if found is None:
        asked = ", ".join(f"{name}={val:g}" for name, val in given.items())
        raise ValueError(
            f"No periodic spring-mass gait found at speed={v:g} m/s with {asked} (mass {m:g} kg, "
            f"leg {L:g} m). Typical running values: leg_stiffness 7000–20000 N/m, step_frequency "
            "2.5–3.3 Hz, contact_time 0.15–0.30 s. A soft leg at a high step frequency usually has "
            "no steady solution (the stance alone outlasts the step): move the values towards "
            "typical ones."
        )
    return _periodic_run(step_map, found, n_steps=n_steps, fs=fs)


def continue_periodic(
    previous: PeriodicRun,
    *,
    speed: float,
    leg_stiffness: float | None = None,
    step_frequency: float | None = None,
    contact_time: float | None = None,
    n_steps: int = 10,
    fs: float = 1000.0,
    max_iter: int = 10,
) -> PeriodicRun | None:
    """Follow a steady gait to nearby settings, starting Newton from ``previous``.

    The solver is :func:`periodic_run`'s, started from ``previous`` instead of a scan of
    starting points, which makes it about ten times faster for a small change (what an
    explorer's slider makes). Same runner (mass, leg length, gravity) as ``previous``;
    give the new mean ``speed`` and exactly two of ``leg_stiffness``, ``step_frequency`` and
    ``contact_time``, as for :func:`periodic_run`.

    Parameters
    ----------
    previous
        A steady gait at nearby settings.
    speed
        Mean horizontal running speed, m/s.
    leg_stiffness, step_frequency, contact_time
        N/m, Hz and s: exactly two of them.
    n_steps, fs
        Steps to simulate and sampling rate (Hz) of the returned gait's simulation.
    max_iter
        Newton iterations before giving up.

    Returns
    -------
    PeriodicRun or None
        The steady gait at the new settings, or None when Newton does not converge from
        ``previous`` (too far away, or no gait there): then call :func:`periodic_run`, which
        also says why when there is none.

    Raises
    ------
    ValueError
        When not exactly two of the three targets are given, or a value is not positive.

    Examples
    --------
    >>> gait = periodic_run(speed=4.5, leg_stiffness=11_000, step_frequency=170 / 60, n_steps=1)
    >>> new = continue_periodic(gait, speed=4.6, leg_stiffness=11_000, step_frequency=170 / 60)
    >>> ref = periodic_run(speed=4.6, leg_stiffness=11_000, step_frequency=170 / 60)
    >>> abs(new.touchdown_angle - ref.touchdown_angle) < 1e-6
    True
    """
    v = positive(speed, "speed", "m/s")
    given = _targets(leg_stiffness, step_frequency, contact_time)
    step_map = _StepMap(previous.mass, previous.leg_length, previous.gravity, v, given)
    u = step_map.unknowns(previous.touchdown_speed, previous.vertical_speed, previous.leg_stiffness)
    step_map.hint = math.radians(previous.touchdown_angle)
    found = _newton(step_map, u, max_iter=max_iter)
    return None if found is None else _periodic_run(step_map, found, n_steps=n_steps, fs=fs)


def _periodic_run(step_map: _StepMap, found: _Stance, *, n_steps: int, fs: float) -> PeriodicRun:
    m, L, g = step_map.m, step_map.L, step_map.g
    th, tc, tf, vmean = found.theta, found.contact_time, found.flight_time, found.speed
    vx, vy, k = found.vx, found.vy, found.k
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
