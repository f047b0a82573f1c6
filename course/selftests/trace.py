"""Capture buffers and the small statistics the protocols share.

:class:`Trace` collects per-frame values during capture; :func:`segment_at` times scripted
segments; :func:`steadiness_sd` measures how still a held position was.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "STEADINESS_CUTOFF_HZ",
    "Trace",
    "nanmed",
    "nanpct",
    "nansd",
    "segment_at",
    "steadiness_sd",
]


class Trace:
    """Per-frame capture buffer: ``append(t, name=value, ...)``, then arrays by name.

    Examples
    --------
    >>> tr = Trace()
    >>> tr.append(0.0, a=1.0); tr.append(0.1, a=3.0)
    >>> tr["a"].tolist(), tr.t.tolist()
    ([1.0, 3.0], [0.0, 0.1])
    """

    def __init__(self) -> None:
        self._t: list[float] = []
        self._cols: dict[str, list[float]] = {}
        self._baselines: dict[tuple[str, int], float] = {}

    def append(self, t: float, **values: float) -> None:
        """Add one frame (missing names are NaN for this frame)."""
        n = len(self._t)
        self._t.append(float(t))
        for k in values.keys() - self._cols.keys():
            self._cols[k] = [math.nan] * n
        for k, col in self._cols.items():
            col.append(float(values.get(k, math.nan)))

    def __len__(self) -> int:
        return len(self._t)

    @property
    def t(self) -> NDArray[np.float64]:
        """Frame times in seconds."""
        return np.asarray(self._t, dtype=np.float64)

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        if name not in self._cols:
            return np.full(len(self._t), np.nan)
        return np.asarray(self._cols[name], dtype=np.float64)

    def baseline(self, name: str, segment: int = 0) -> float:
        """Median of ``name`` over the frames of scripted ``segment`` (column ``"segment"``).

        Cached once a later segment has begun, so live use stays O(1) per frame.
        """
        key = (name, segment)
        if key in self._baselines:
            return self._baselines[key]
        seg = self["segment"]
        value = nanmed(self[name][seg == segment])
        if seg.size and seg[-1] > segment:
            self._baselines[key] = value
        return value


def segment_at(elapsed: float, segments: tuple[tuple[str, float, str], ...]) -> tuple[int, str]:
    """Index and message of the scripted segment ``(name, seconds, message)`` at ``elapsed`` s.

    Returns ``(len(segments), "")`` after the last segment.

    Examples
    --------
    >>> segment_at(1.5, (("a", 1.0, "first"), ("b", 2.0, "second")))
    (1, 'second')
    """
    edge = 0.0
    for i, (_, seconds, message) in enumerate(segments):
        edge += seconds
        if elapsed < edge:
            return i, message
    return len(segments), ""


def nanpct(x: NDArray[np.float64], q: float) -> float:
    """``numpy.nanpercentile`` that returns NaN (not a warning) for all-NaN input."""
    x = x[np.isfinite(x)]
    return float(np.percentile(x, q)) if x.size else math.nan


def nanmed(x: NDArray[np.float64]) -> float:
    """Median ignoring NaN; NaN for no finite values."""
    return nanpct(x, 50.0)


def nansd(x: NDArray[np.float64]) -> float:
    """Sample standard deviation ignoring NaN; NaN for fewer than two finite values."""
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1)) if x.size > 1 else math.nan


#: Low-pass cutoff (Hz) applied before a hold's standard deviation: landmark jitter from frame to
#: frame is faster than this, a wobble or drift of the body slower.
STEADINESS_CUTOFF_HZ = 2.0


def steadiness_sd(t: NDArray[np.float64], x: NDArray[np.float64]) -> tuple[float, str]:
    """SD of a held signal after a 2 Hz zero-phase low-pass, and a note on how it was computed.

    Frame-to-frame landmark jitter (several degrees in MediaPipe angles) would otherwise dominate
    the SD of a still hold. Short gaps (≤ 0.2 s) are bridged first; with too few samples to filter
    the raw SD is returned and the note says so.

    Examples
    --------
    >>> t = np.arange(300) / 30.0
    >>> slow = 2.0 * np.sin(2 * np.pi * 0.3 * t)  # a wobble: kept
    >>> round(steadiness_sd(t, slow)[0], 1)
    1.4
    """
    from course.analysis.filters import fill_gaps, filtfilt, padlen

    ok = np.isfinite(x)
    if ok.sum() < 2:
        return math.nan, "too few frames"
    fs = 1.0 / float(np.median(np.diff(t)))
    if fs <= 2.5 * STEADINESS_CUTOFF_HZ:
        return nansd(x), f"raw SD (frame rate {fs:.0f} fps too low to filter)"
    y = fill_gaps(x, max_gap=max(1, round(0.2 * fs)))
    first, last = np.flatnonzero(np.isfinite(y))[[0, -1]]
    y = y[first : last + 1]
    if y.size <= padlen(2) or not np.all(np.isfinite(y)):
        return nansd(x), "raw SD (hold too short or gaps too long to filter)"
    smooth = filtfilt(y, cutoff=STEADINESS_CUTOFF_HZ, fs=fs, order=2)
    return float(np.std(smooth, ddof=1)), f"SD after a {STEADINESS_CUTOFF_HZ:g} Hz low-pass"
