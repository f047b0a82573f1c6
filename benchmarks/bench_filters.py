"""Filters kernels against SciPy/NumPy.

Rows: ``filtfilt_60s_99ch_100Hz`` (60 s of 33 landmarks x 3 coordinates at 100 Hz, 4th-order
Butterworth at 6 Hz, the required case), a typical 10 s pose clip at 30 fps and a 10 s force
trace at 1 kHz (one channel, 50 Hz), each against ``scipy.signal.filtfilt(b, a, x, axis=0)``
with precomputed coefficients (ours includes the design and the input checks);
``one_euro_frame_33x3``: one live frame through :class:`OneEuroFilter` against the same update
vectorised in NumPy; ``derivative`` of the 60 s case against ``numpy.gradient``. Ratio > 1
means the compiled path is faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from benchmarks import compare
from course.analysis.filters import OneEuroFilter, derivative, filtfilt


class _NumpyOneEuro:
    """The One-Euro update vectorised with NumPy over a whole frame (the pure-NumPy peer)."""

    def __init__(self, *, min_cutoff: float, beta: float, d_cutoff: float) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.xhat: np.ndarray | None = None
        self.dxhat = np.zeros(0)
        self.t_prev = 0.0

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        if self.xhat is None:
            self.xhat, self.dxhat, self.t_prev = x.copy(), np.zeros_like(x), t
            return self.xhat
        te = t - self.t_prev
        rd = 2 * np.pi * self.d_cutoff * te
        ad = rd / (1 + rd)
        self.dxhat = ad * (x - self.xhat) / te + (1 - ad) * self.dxhat
        r = 2 * np.pi * (self.min_cutoff + self.beta * np.abs(self.dxhat)) * te
        a = r / (1 + r)
        self.xhat = a * x + (1 - a) * self.xhat
        self.t_prev = t
        return self.xhat


def _landmarks(seconds: float, fs: float, channels: int = 99) -> np.ndarray:
    rng = np.random.default_rng(0)
    n = round(seconds * fs)
    return 0.5 + 0.01 * np.cumsum(rng.normal(size=(n, channels)), axis=0)


def cases(quick: bool) -> Iterator[dict[str, Any]]:
    import scipy.signal as ss

    for seconds, fs, name in (
        (15.0 if quick else 60.0, 100.0, "filtfilt_60s_99ch_100Hz"),
        (10.0, 30.0, "filtfilt_10s_99ch_30Hz"),
    ):
        x = _landmarks(seconds, fs)
        b, a = ss.butter(4, 6.0, fs=fs)
        yield compare(
            name if not quick else f"{name} (quick: {seconds:g} s)",
            lambda x=x, fs=fs: filtfilt(x, cutoff=6.0, fs=fs, order=4),
            lambda x=x, b=b, a=a: ss.filtfilt(b, a, x, axis=0),
            shape=str(x.shape),
        )

    force = 700.0 + 50.0 * np.cumsum(np.random.default_rng(1).normal(size=10_000)) / 100.0
    bf, af = ss.butter(4, 50.0, fs=1000.0)
    yield compare(
        "filtfilt_10s_1ch_1kHz",
        lambda: filtfilt(force, cutoff=50.0, fs=1000.0, order=4),
        lambda: ss.filtfilt(bf, af, force),
        shape=str(force.shape),
    )

    frames = _landmarks(20.0, 30.0).reshape(-1, 33, 3)
    euro = OneEuroFilter(min_cutoff=1.5, beta=0.5)
    ref = _NumpyOneEuro(min_cutoff=1.5, beta=0.5, d_cutoff=1.0)
    clock = {"i": 0}

    def step(f: Any) -> None:
        i = clock["i"] = clock["i"] + 1
        f(frames[i % frames.shape[0]], i / 30.0)

    yield compare(
        "one_euro_frame_33x3",
        lambda: step(euro),
        lambda: step(ref),
        frame="(33, 3)",
    )

    x = _landmarks(15.0 if quick else 60.0, 100.0)
    yield compare(
        "derivative_60s_99ch_100Hz",
        lambda: derivative(x, fs=100.0),
        lambda: np.gradient(x, 0.01, axis=0),
        shape=str(x.shape),
    )
