"""Explorer slider move → figure updated (Python side), against the same update built on SciPy.

"ours" is ``explorer.set(...)``: recompute with the compiled core and assign new data to the
existing traces inside ``FigureWidget.batch_update()``. "reference" performs the same update with
models integrated by ``scipy.integrate.solve_ivp`` (and SciPy quadrature), filling an identical
figure in the same way. Budget: 30 ms median per slider move.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import plotly.graph_objects as go
from scipy.integrate import cumulative_trapezoid, solve_ivp, trapezoid

from benchmarks import compare
from course import plots
from course.analysis.lean import JOINTS, ankle_lean_figure, hip_bend_figure
from course.data.simulated import simulate_cmj
from widgets import (
    ForceTimeExplorer,
    HorizontalForceExplorer,
    JumpAnalyzer,
    LeanExplorer,
    PowerExplorer,
)

BUDGET_S = 0.030
G = 9.81
GJ = 9.80665


def _cycle(values: Iterable[Any]) -> Callable[[], Any]:
    it: Iterator[Any] = itertools.cycle(values)
    return lambda: next(it)


# ------------------------------------------------------------------ force-time (sine wave)


def _ref_force_time(fig: go.FigureWidget, m: float, v: float, cadence: float, tc: float) -> None:
    L, fs, n_steps = 0.9, 500.0, 4
    step = 60.0 / cadence
    tf = step - tc
    f_max = m * G * step * math.pi / (2 * tc)  # half-sine impulse = body weight × step time

    def rhs(t: float, s: np.ndarray) -> list[float]:
        return [s[1], f_max / m * math.sin(math.pi * t / tc) - G]

    sol = solve_ivp(rhs, (0, tc), [0.0, -G * tf / 2], rtol=1e-9, atol=1e-12, dense_output=True)
    dy = -float(sol.sol(np.linspace(0, tc, 201))[0].min())
    t = np.arange(int(n_steps * step * fs) + 1) / fs
    phase = np.mod(t, step)
    fy = np.where(phase < tc, f_max * np.sin(np.pi * phase / tc), 0.0)
    sel = (t >= step) & (t <= step + tc)
    trapezoid(fy[sel], t[sel])
    dl = L - math.sqrt(L**2 - (v * tc / 2) ** 2) + dy
    _ = (f_max / dy, f_max / dl)
    with fig.batch_update():
        plots.fill_force_time(
            fig, t, fy, body_weight=m * G, step_time=step, stance=(step, step + tc), peak_label="p"
        )


# ------------------------------------------------------------------ spring-mass (SLIP) in SciPy


def _slip_stance(
    m: float, k: float, L: float, vx: float, vy: float, th: float, dense: bool = False
) -> Any:
    xf = L * math.sin(th)

    def rhs(t: float, s: np.ndarray) -> list[float]:
        dx, y = s[0] - xf, s[1]
        leg = math.hypot(dx, y)
        f = k * (L - leg) / (leg * m)
        return [s[2], s[3], f * dx, f * y - G]

    def takeoff(t: float, s: np.ndarray) -> float:
        return math.hypot(s[0] - xf, s[1]) - L

    takeoff.terminal = True  # type: ignore[attr-defined]
    takeoff.direction = 1  # type: ignore[attr-defined]
    y0 = [0.0, L * math.cos(th), vx, -vy]
    return solve_ivp(
        rhs, (0, 2.0), y0, events=takeoff, rtol=1e-9, atol=1e-12, dense_output=dense,
        first_step=1e-4,
    )  # fmt: skip


def _slip_residual(u: np.ndarray, v: float, f: float, k: float) -> np.ndarray:
    m, L = 70.0, 0.9
    vx, vy, th = u[0], u[1], math.radians(u[2])
    sol = _slip_stance(m, k, L, vx, vy, th)
    tc = float(sol.t_events[0][0])
    s = sol.y_events[0][0]
    tf = 2 * vy / G
    return np.array([s[2] - vx, (s[0] + vx * tf) / (tc + tf) / v - 1, (tc + tf) * f - 1])


def _ref_horizontal(fig: go.FigureWidget, state: dict[str, Any], v: float) -> None:
    f, k = 170 / 60, 11_000.0
    u = np.array(state["u"])
    r = _slip_residual(u, v, f, k)
    for _ in range(10):
        if np.abs(r).max() < 1e-9:
            break
        jac = np.empty((3, 3))
        for j, h in enumerate((1e-6, 1e-6, 1e-5)):
            du = np.zeros(3)
            du[j] = h
            jac[:, j] = (_slip_residual(u + du, v, f, k) - r) / h
        u = u + np.linalg.solve(jac, -r)
        r = _slip_residual(u, v, f, k)
    state["u"] = u
    # three steps sampled at 500 Hz
    m, L, fs = 70.0, 0.9, 500.0
    vx, vy, th = u[0], u[1], math.radians(u[2])
    ts, xs, ys, fxs, fys, tds = [], [], [], [], [], []
    t0 = x0 = 0.0
    for _ in range(3):
        sol = _slip_stance(m, k, L, vx, vy, th, dense=True)
        tc = float(sol.t_events[0][0])
        tt = np.arange(0, tc, 1 / fs)
        s = sol.sol(tt)
        xf = L * math.sin(th)
        leg = np.hypot(s[0] - xf, s[1])
        fr = k * (L - leg) / leg
        ts.append(t0 + tt)
        xs.append(x0 + s[0])
        ys.append(s[1])
        fxs.append(fr * (s[0] - xf))
        fys.append(fr * s[1])
        tds.append((x0, L * math.cos(th), x0 + xf))
        end = sol.y_events[0][0]
        tf = 2 * vy / G
        tt2 = np.arange(0, tf, 1 / fs)
        ts.append(t0 + tc + tt2)
        xs.append(x0 + end[0] + end[2] * tt2)
        ys.append(end[1] + end[3] * tt2 - G * tt2**2 / 2)
        fxs.append(0 * tt2)
        fys.append(0 * tt2)
        t0 += tc + tf
        x0 += end[0] + end[2] * tf
    fx = np.concatenate(fxs)
    brk = trapezoid(np.minimum(fx, 0), np.concatenate(ts))
    _ = brk
    with fig.batch_update():
        plots.fill_horizontal_force(
            fig,
            np.concatenate(ts),
            np.concatenate(xs),
            np.concatenate(ys),
            fx,
            np.concatenate(fys),
            body_weight=m * G,
            touchdowns=tds,
        )


# ------------------------------------------------------------------ lean


def _ref_lean(fig: go.FigureWidget, theta: float) -> None:
    a = G * math.tan(math.radians(theta))

    def reach(t: float, s: np.ndarray) -> float:
        return s[1] - 5.0

    reach.terminal = True  # type: ignore[attr-defined]
    solve_ivp(lambda t, s: [s[1], a], (0, 60), [0.0, 0.0], events=reach, rtol=1e-9)
    af, hf = ankle_lean_figure(theta), hip_bend_figure(theta)
    angles = np.linspace(0, 25, 101)
    nan = np.nan
    with fig.batch_update():
        plots.fill_lean(
            fig,
            curve=(angles, G * np.tan(np.radians(angles))),
            point=(theta, a),
            ankle_figure=(af.x, af.y),
            hip_figure=(hf.x + 0.85, hf.y),
            joint_names=JOINTS,
            com=([af.com[0], hf.com[0] + 0.85], [af.com[1], hf.com[1]]),
            force_lines=(
                np.array([0, af.com[0], nan, 0.85, 0.85]),
                np.array([0, af.com[1], nan, 0, 1]),
            ),
            verticals=(np.array([0.0, 0.0, nan, 0.85, 0.85]), np.array([0.0, 1.8, nan, 0.0, 1.8])),
        )


# ------------------------------------------------------------------ jumps


def _ref_jump_analysis(t: np.ndarray, f: np.ndarray, fs: float, mass: float) -> dict[str, float]:
    quiet = f[: int(fs)]
    bw, sd = float(quiet.mean()), float(quiet.std(ddof=1))
    i_on = int(np.argmax(np.abs(f - bw) > 5 * sd))
    i_to = i_on + int(np.argmax(f[i_on:] < 20.0))
    i_land = i_to + int(np.argmax(f[i_to:] >= 20.0))
    m = bw / GJ

    def rhs(tt: float, s: np.ndarray) -> list[float]:
        return [s[1], (float(np.interp(tt, t, f)) - bw) / m]

    sol = solve_ivp(rhs, (t[i_on], t[i_to]), [0.0, 0.0], rtol=1e-8, atol=1e-10, max_step=2 / fs)
    v_to = float(sol.y[1, -1])
    cumulative_trapezoid(f[i_on:i_to] - bw, t[i_on:i_to])
    return {
        "bw": bw,
        "h_imp": v_to**2 / (2 * GJ),
        "h_ft": GJ * (t[i_land] - t[i_to]) ** 2 / 8,
        "onset": float(t[i_on]),
        "takeoff": float(t[i_to]),
        "landing": float(t[i_land]),
    }


def _ref_power(fig: go.FigureWidget, ttp: float) -> None:
    _ref_analyzer(fig, simulate_cmj(mass=70, peak_force=2.2 * 70 * GJ, time_to_peak=ttp, seed=0))


def _ref_analyzer(fig: go.FigureWidget, jump: Any) -> None:
    r = _ref_jump_analysis(jump.t, jump.force, jump.fs, jump.mass)
    with fig.batch_update():
        plots.fill_jump(
            fig,
            jump.t,
            jump.force,
            body_weight=r["bw"],
            events={k: r[k] for k in ("onset", "takeoff", "landing")},
            shade=(r["onset"], r["takeoff"]),
        )


# ------------------------------------------------------------------ cases


def _row(name: str, ours: Callable[[], Any], ref: Callable[[], Any]) -> dict[str, Any]:
    row = compare(name, ours, ref)
    row["ours_ms"] = round(row["ours_s"] * 1e3, 3)
    row["budget_ms"] = BUDGET_S * 1e3
    row["within_budget"] = row["ours_s"] <= BUDGET_S
    return row


def cases(quick: bool) -> Iterable[dict[str, Any]]:
    """One row per explorer: median time of one slider move, ours vs the SciPy-built update."""
    ft = ForceTimeExplorer()
    nxt = _cycle([0.18, 0.22])
    fig_ft = go.FigureWidget(plots.force_time_figure())
    nxt_r = _cycle([0.18, 0.22])
    yield _row(
        "explorers: ForceTimeExplorer contact-time move",
        lambda: ft.set(contact_time=nxt()),
        lambda: _ref_force_time(fig_ft, 70, 4.0, 170, nxt_r()),
    )

    hz = HorizontalForceExplorer()
    nxt_v = _cycle([4.5, 4.6])
    fig_hz = go.FigureWidget(plots.horizontal_force_figure())
    g0 = hz._gait
    state = {
        "u": [4.6, 0.75, 29.3]
        if g0 is None
        else [g0.touchdown_speed, g0.vertical_speed, g0.touchdown_angle]
    }
    nxt_vr = _cycle([4.5, 4.6])
    yield _row(
        "explorers: HorizontalForceExplorer speed move",
        lambda: hz.set(speed=nxt_v()),
        lambda: _ref_horizontal(fig_hz, state, nxt_vr()),
    )

    ln = LeanExplorer()
    nxt_l = _cycle([5.0, 8.0])
    fig_ln = go.FigureWidget(plots.lean_figure())
    nxt_lr = _cycle([5.0, 8.0])
    yield _row(
        "explorers: LeanExplorer lean move",
        lambda: ln.set(lean=nxt_l()),
        lambda: _ref_lean(fig_ln, nxt_lr()),
    )

    pw = PowerExplorer()
    nxt_p = _cycle([0.10, 0.15])
    fig_pw = go.FigureWidget(plots.jump_figure())
    nxt_pr = _cycle([0.10, 0.15])
    yield _row(
        "explorers: PowerExplorer time-to-peak move",
        lambda: pw.set(time_to_peak=nxt_p()),
        lambda: _ref_power(fig_pw, nxt_pr()),
    )

    jump = simulate_cmj(height=0.3, seed=3)
    ja = JumpAnalyzer(jump)
    nxt_j = _cycle([10.0, 20.0])
    fig_ja = go.FigureWidget(plots.jump_figure())
    yield _row(
        "explorers: JumpAnalyzer threshold move",
        lambda: ja.set(takeoff_threshold=nxt_j()),
        lambda: _ref_analyzer(fig_ja, jump),
    )
