"""Balance and jumps kernels against their NumPy/SciPy references (tests/reference).

Rows: ``sway_metrics`` on 60 s of sway at 30 Hz (a whole single-leg-balance trial), on a 2 s
window (what a live self-test recomputes per frame), and ``analyze_jump`` on a 5 s simulated
countermovement jump at 1 kHz (the whole analysis: events, integration, heights, RFD, power).
The references are the same computations written with vectorised NumPy/SciPy; ratio > 1 means
the compiled path is faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from benchmarks import compare
from course.analysis.balance import sway_metrics
from course.analysis.jumps import analyze_jump
from course.data.simulated import simulate_cmj


def _sway(seconds: float, fs: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    steps = rng.normal(0.0, 0.002, (round(seconds * fs), 2))
    return np.cumsum(steps, axis=0) + 0.5  # a random walk in normalised image units


def cases(quick: bool) -> Iterator[dict[str, Any]]:
    from tests.reference import balance as ref_balance
    from tests.reference import jumps as ref_jumps

    for seconds, what in ((15.0 if quick else 60.0, ""), (2.0, " window")):
        xy = _sway(seconds, 30.0)
        yield compare(
            f"balance.sway_metrics {seconds:g} s{what} @30 Hz",
            lambda xy=xy: sway_metrics(xy, fs=30.0),
            lambda xy=xy: ref_balance.sway_metrics(xy, 30.0),
            n_samples=xy.shape[0],
        )

    jump = simulate_cmj(height=0.3, quiet_time=1.5 if quick else 2.6)  # ≈ 5 s at 1 kHz
    yield compare(
        f"jumps.analyze_jump CMJ {jump.force.size / jump.fs:.1f} s @1 kHz",
        lambda: analyze_jump(jump.force, jump.fs),
        lambda: ref_jumps.analyze_jump(jump.force, jump.fs),
        n_samples=jump.force.size,
    )
