"""Spring-mass runner: compiled SLIP against scipy.integrate.solve_ivp at matched accuracy.

Both integrate the same model (same Dormand–Prince 5(4) pair, events for touchdown, mid-stance and
take-off, output sampled at 1 kHz). "Matched accuracy": our tolerance is chosen so that our largest
position/velocity error against a very tight DOP853 solution (rtol 1e-13) is no larger than SciPy's
at rtol 1e-9; both errors are reported with the timing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from benchmarks import compare, median_time
from course.analysis import springmass as sm

# A steady gait at 3.5 m/s, 12 kN/m, 2.9 steps/s (solved once by periodic_run, fixed here so
# the benchmark does not depend on the solver).
STEADY: dict[str, float] = {
    "leg_stiffness": 12_000.0,
    "touchdown_angle": 24.90617407104324,
    "speed": 3.5944891233187195,
    "vertical_speed": 0.6125041360837892,
}


def _error(samples: np.ndarray, truth: np.ndarray) -> float:
    n = min(samples.shape[0], truth.shape[0])
    return float(np.abs(samples[:n, 1:5] - truth[:n, 1:5]).max())


def cases(quick: bool) -> Iterator[dict[str, Any]]:
    from tests.reference import springmass as ref

    n_steps = 4 if quick else 10
    angles = np.radians(np.full(n_steps, STEADY["touchdown_angle"]))
    common = {
        "mass": 70.0,
        "leg_stiffness": STEADY["leg_stiffness"],
        "leg_length": 0.9,
        "angles": angles,
        "speed": STEADY["speed"],
        "vertical_speed": STEADY["vertical_speed"],
        "fs": 1000.0,
    }
    truth = ref.simulate_run(**common, rtol=1e-13, atol=1e-14, method="DOP853").samples
    scipy_rtol = 1e-9
    scipy_err = _error(ref.simulate_run(**common, rtol=scipy_rtol, atol=1e-12).samples, truth)
    ours_rtol = scipy_rtol
    for candidate in (1e-9, 3e-10, 1e-10, 3e-11, 1e-11):
        ours_rtol = candidate
        run = sm.simulate_run(**STEADY, n_steps=n_steps, rtol=candidate, atol=candidate * 1e-3)
        samples = np.column_stack([run.t, run.x, run.y, run.vx, run.vy])
        ours_err = _error(samples, truth)
        if ours_err <= scipy_err:
            break

    def ours() -> object:
        return sm.simulate_run(
            **STEADY, n_steps=n_steps, rtol=ours_rtol, atol=ours_rtol * 1e-3, fs=1000.0
        )

    def reference() -> object:
        return ref.simulate_run(**common, rtol=scipy_rtol, atol=1e-12)

    yield compare(
        f"springmass.simulate_run {n_steps} steps 1 kHz vs solve_ivp",
        ours,
        reference,
        ours_rtol=f"{ours_rtol:g}",
        ours_max_err=f"{ours_err:.2e} m",
        reference_rtol=f"{scipy_rtol:g}",
        reference_max_err=f"{scipy_err:.2e} m",
    )
    yield {
        "name": "springmass.periodic_run solve (k, step frequency)",
        "ours_s": median_time(
            lambda: sm.periodic_run(
                speed=3.5, leg_stiffness=12_000, step_frequency=2.9, n_steps=1, fs=100
            ),
            repeat=3,
        ),
    }
