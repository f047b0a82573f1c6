"""Filters kernels against SciPy/NumPy.

Rows: ``filtfilt_60s_99ch_100Hz`` (60 s of 33 landmarks x 3 coordinates at 100 Hz, 4th-order
Butterworth at 6 Hz, the required case) and a typical 10 s pose clip at 30 fps against
``scipy.signal.filtfilt(b, a, x, axis=0)`` with precomputed coefficients (ours includes the
design and input checks); ``derivative`` of the 60 s case against ``numpy.gradient``. Ratio > 1
means the compiled path is faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from benchmarks import compare
from course.analysis.filters import derivative, filtfilt


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

    x = _landmarks(15.0 if quick else 60.0, 100.0)
    yield compare(
        "derivative_60s_99ch_100Hz",
        lambda: derivative(x, fs=100.0),
        lambda: np.gradient(x, 0.01, axis=0),
        shape=str(x.shape),
    )
