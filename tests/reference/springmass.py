"""Pure NumPy/SciPy references for course.analysis.springmass.

The spring-loaded inverted pendulum is integrated here with ``scipy.integrate.solve_ivp`` (flight
and stance alike, with events for touchdown, mid-stance, take-off and collapse), sampled from its
dense output. Same model and conventions as the compiled kernel: x forward, y up, the run starts at
an apex at t = 0, x = 0; touchdown angle from vertical with the foot ahead (radians here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from course.constants import G

FloatArray = NDArray[np.float64]


def sine_wave_model(
    mass: float,
    speed: float,
    contact_time: float,
    flight_time: float,
    leg_length: float,
    g: float = G,
) -> dict[str, float]:
    """Morin et al. (2005) equations, written out one scalar at a time."""
    f_max = mass * g * (math.pi / 2) * (flight_time / contact_time + 1)
    dy_c = f_max * contact_time**2 / (mass * math.pi**2) - g * contact_time**2 / 8
    dl = leg_length - math.sqrt(leg_length**2 - (speed * contact_time / 2) ** 2) + dy_c
    return {"f_max": f_max, "dy_c": dy_c, "dl": dl, "k_vert": f_max / dy_c, "k_leg": f_max / dl}


@dataclass
class ScipyRun:
    samples: FloatArray  # (n, 7): t, x, y, vx, vy, fx, fy
    t_td: list[float]
    t_mid: list[float]
    t_to: list[float]
    t_next: list[float]
    foot_x: list[float]
    vx_td: list[float]
    vx_mid: list[float]
    vx_to: list[float]
    status: str


def simulate_run(
    *,
    mass: float,
    leg_stiffness: float,
    leg_length: float,
    angles: FloatArray,
    speed: float,
    vertical_speed: float,
    fs: float,
    g: float = G,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    method: str = "RK45",
) -> ScipyRun:
    """SLIP run with solve_ivp: angles in radians, one per step."""
    m, k, L0 = mass, leg_stiffness, leg_length
    samples: list[FloatArray] = []
    next_index = 0

    def emit(sol: object, t0: float, t1: float, xf: float | None, include_end: bool) -> None:
        nonlocal next_index
        idx = []
        while True:
            ts = next_index / fs
            if ts < t1 or (include_end and ts <= t1):
                if ts >= t0:
                    idx.append(ts)
                next_index += 1
            else:
                break
        if not idx:
            return
        tt = np.array(idx)
        y = sol(tt)  # type: ignore[operator]
        if xf is None:
            fx = np.zeros_like(tt)
            fy = np.zeros_like(tt)
        else:
            dx, dy = y[0] - xf, y[1]
            length = np.hypot(dx, dy)
            f = k * (L0 - length) / length
            fx, fy = f * dx, f * dy
        samples.append(np.column_stack([tt, y[0], y[1], y[2], y[3], fx, fy]))

    def flight_rhs(t: float, s: FloatArray) -> list[float]:
        return [s[2], s[3], 0.0, -g]

    out = ScipyRun(np.empty((0, 7)), [], [], [], [], [], [], [], [], "completed")
    t = 0.0
    s = np.array([0.0, L0 * math.cos(angles[0]) + vertical_speed**2 / (2 * g), speed, 0.0])
    n = len(angles)
    for i in range(n + 1):
        th = angles[min(i, n - 1)]
        y_td = L0 * math.cos(th)

        def touchdown(t: float, s: FloatArray, y_td: float = y_td) -> float:
            return s[1] - y_td

        touchdown.terminal = True  # type: ignore[attr-defined]
        touchdown.direction = -1  # type: ignore[attr-defined]
        # The flight is long enough to reach the ground from the highest sensible apex.
        fl = solve_ivp(
            flight_rhs,
            (t, t + 5.0),
            s,
            method=method,
            rtol=rtol,
            atol=atol,
            events=touchdown,
            dense_output=True,
        )
        if fl.t_events[0].size == 0:
            out.status = "stumbled"
            break
        t_td = float(fl.t_events[0][0])
        emit(fl.sol, t, t_td, None, include_end=False)
        if i > 0:
            out.t_next.append(t_td)
        if i == n:
            break
        td = fl.y_events[0][0].copy()
        td[1] = y_td
        xf = td[0] + L0 * math.sin(th)

        def stance_rhs(t: float, s: FloatArray, xf: float = xf) -> list[float]:
            dx, dy = s[0] - xf, s[1]
            length = math.hypot(dx, dy)
            f = k * (L0 - length) / (length * m)
            return [s[2], s[3], f * dx, f * dy - g]

        def takeoff(t: float, s: FloatArray, xf: float = xf) -> float:
            return math.hypot(s[0] - xf, s[1]) - L0

        def midstance(t: float, s: FloatArray, xf: float = xf) -> float:
            return s[0] - xf

        def collapse(t: float, s: FloatArray) -> float:
            return s[1] - 0.25 * L0

        takeoff.terminal = True  # type: ignore[attr-defined]
        takeoff.direction = 1  # type: ignore[attr-defined]
        midstance.direction = 1  # type: ignore[attr-defined]
        collapse.terminal = True  # type: ignore[attr-defined]
        collapse.direction = -1  # type: ignore[attr-defined]
        st = solve_ivp(
            stance_rhs,
            (t_td, t_td + 5.0),
            td,
            method=method,
            rtol=rtol,
            atol=atol,
            events=[takeoff, midstance, collapse],
            dense_output=True,
        )
        out.t_td.append(t_td)
        out.foot_x.append(xf)
        out.vx_td.append(float(td[2]))
        mids = st.t_events[1]
        out.t_mid.append(float(mids[0]) if mids.size else math.nan)
        out.vx_mid.append(float(st.y_events[1][0][2]) if mids.size else math.nan)
        if st.t_events[2].size:
            out.status = "fell"
            out.t_to.append(math.nan)
            out.vx_to.append(math.nan)
            emit(st.sol, t_td, float(st.t_events[2][0]), xf, include_end=False)
            break
        t_to = float(st.t_events[0][0])
        emit(st.sol, t_td, t_to, xf, include_end=False)
        out.t_to.append(t_to)
        s = st.y_events[0][0].copy()
        out.vx_to.append(float(s[2]))
        t = t_to
        if s[2] <= 0:
            out.status = "reversed"
            break
    out.samples = np.concatenate(samples) if samples else np.empty((0, 7))
    return out
