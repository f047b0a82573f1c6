"""Balance and jumps kernels against their NumPy/SciPy references (tests/reference).

Rows: ``sway_metrics`` on 60 s of sway at 30 Hz (a whole single-leg-balance trial), on a 2 s
window (what a live self-test recomputes per frame), and ``analyze_jump`` on a 5 s simulated
countermovement jump at 1 kHz (the whole analysis: events, integration, heights, RFD, power).
The references are the same computations written with vectorised NumPy/SciPy; ratio > 1 means
the compiled path is faster.

Rows ``jumps.analyze_jump vs plateforce``: the fastest peer we could install, ``plateforce``
(PyPI, a Rust core; Python >= 3.11), on the same trace with the same choices: body weight from
the first 1 s, onset at 5 SD of quiet standing, take-off at 20 N (its defaults add Owen's 30 ms
backtrack to the onset). Its methods are bound once outside the timing; each call builds the
``Trial``, analyses it and reads its impulse-momentum height, as ours validates the array,
analyses it (one call into the compiled core) and reads ``heights["impulse-momentum"]``. Our
options are checked once and memoised, as plateforce's bound methods are. The second row also
builds every one of our ``Measure`` and ``Event`` objects with its method text (``as_table()``),
which ``analyze_jump`` otherwise defers until they are read. Both rows give the impulse-momentum
heights against the constructed truth; target: ratio >= 10 on the first row.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
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
    yield from _versus_plateforce(jump.force, jump.fs, jump.true_height)


def _plateforce(force: np.ndarray, fs: float) -> Callable[[], float]:
    """A call of plateforce's CMJ analysis with our choices, returning its height in m."""
    import plateforce as pf

    registry = pf.Registry.load()
    weighing = registry.method("bwepoch.fixed_window").bind(duration=1.0)
    onset = registry.method("onset.threshold.noise_relative").bind(k=5.0)
    takeoff = registry.method("takeoff.threshold.absolute_force").bind(threshold_n=20.0)

    def run() -> float:
        trial = pf.Trial(force, sample_rate_hz=fs)
        jump = pf.analyse_countermovement_jump(
            trial, weighing_epoch=weighing, onset=onset, takeoff=takeoff
        )
        if jump.jump_height_takeoff_frame_meters is None:
            raise RuntimeError(f"plateforce refused the trace: {jump.refusals}")
        return float(jump.jump_height_takeoff_frame_meters.value)

    return run


def _versus_plateforce(force: np.ndarray, fs: float, truth: float) -> Iterator[dict[str, Any]]:
    name = f"jumps.analyze_jump vs plateforce CMJ {force.size / fs:.1f} s @{fs / 1e3:g} kHz"
    if sys.version_info < (3, 11):
        yield {"name": name, "skipped": "plateforce needs Python >= 3.11"}
        return
    peer = _plateforce(force, fs)
    heights = {
        "height_true_mm": truth * 1e3,
        "height_ours_mm": analyze_jump(force, fs).heights["impulse-momentum"].value * 1e3,
        "height_plateforce_mm": peer() * 1e3,
    }

    def height() -> float:
        return analyze_jump(force, fs).heights["impulse-momentum"].value

    def table() -> list[dict[str, object]]:
        return analyze_jump(force, fs).as_table()

    row = compare(name, height, peer, n_samples=force.size)
    yield {**row, **heights, "meets_10x": row["ratio"] >= 10.0}
    row = compare(name + " + as_table", table, peer, n_samples=force.size)
    yield {**row, **heights}
