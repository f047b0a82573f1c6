"""Pure NumPy/SciPy references for ``course.analysis.filters``."""

from __future__ import annotations

import math

import numpy as np
import scipy.signal as ss


def butter_lowpass(order: int, cutoff: float, fs: float) -> tuple[np.ndarray, np.ndarray]:
    b, a = ss.butter(order, cutoff, btype="low", fs=fs)
    return np.asarray(b, float), np.asarray(a, float)


def filtfilt(x: np.ndarray, *, cutoff: float, fs: float, order: int = 4) -> np.ndarray:
    b, a = butter_lowpass(order, cutoff, fs)
    return ss.filtfilt(b, a, np.asarray(x, float), axis=0)


def filtfilt_sensitivity(x: np.ndarray, *, cutoff: float, fs: float, order: int) -> float:
    """How far scipy's own output moves (relative to max |y|) when the denominator is nudged by
    one ulp: a measure of how ill-conditioned the (b, a) form is for this design."""
    b, a = butter_lowpass(order, cutoff, fs)
    y = ss.filtfilt(b, a, x, axis=0)
    worst = 0.0
    for k in range(1, len(a)):
        a2 = a.copy()
        a2[k] = np.nextafter(a2[k], np.inf)
        y2 = ss.filtfilt(b, a2, x, axis=0)
        worst = max(worst, float(np.max(np.abs(y2 - y))))
    scale = float(np.max(np.abs(y))) or 1.0
    return worst / scale


def derivative(x: np.ndarray, *, fs: float | None = None, t: np.ndarray | None = None):
    x = np.asarray(x, float)
    if t is not None:
        return np.gradient(x, np.asarray(t, float), axis=0)
    assert fs is not None
    return np.gradient(x, 1.0 / fs, axis=0)


def fill_gaps(x: np.ndarray, *, max_gap: int) -> np.ndarray:
    """Channel by channel: find NaN runs, interpolate the interior ones no longer than max_gap."""
    x = np.array(x, dtype=float, copy=True)
    n = x.shape[0]
    if x.size == 0:
        return x
    flat = x.reshape(n, -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        isnan = np.isnan(col)
        i = 0
        while i < n:
            if not isnan[i]:
                i += 1
                continue
            start = i
            while i < n and isnan[i]:
                i += 1
            end = i  # run is [start, end)
            if start == 0 or end == n or end - start > max_gap:
                continue
            idx = np.arange(start, end)
            col[start:end] = np.interp(idx, [start - 1, end], [col[start - 1], col[end]])
    return flat.reshape(x.shape)


class OneEuroScalar:
    """The published 1€ filter for one value (Casiez, Roussel & Vogel 2012, CHI, appendix
    pseudo-code): a low-pass whose cutoff grows with the filtered speed."""

    def __init__(self, min_cutoff: float, beta: float, d_cutoff: float) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.x_prev: float | None = None
        self.dx_prev = 0.0
        self.t_prev = 0.0

    @staticmethod
    def _alpha(rate: float, cutoff: float) -> float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        te = 1.0 / rate
        return 1.0 / (1.0 + tau / te)

    def __call__(self, x: float, t: float) -> float:
        if self.x_prev is None:
            self.x_prev, self.dx_prev, self.t_prev = x, 0.0, t
            return x
        rate = 1.0 / (t - self.t_prev)
        dx = (x - self.x_prev) * rate
        a_d = self._alpha(rate, self.d_cutoff)
        dx_hat = a_d * dx + (1.0 - a_d) * self.dx_prev
        cutoff = self.min_cutoff + self.beta * abs(dx_hat)
        a = self._alpha(rate, cutoff)
        x_hat = a * x + (1.0 - a) * self.x_prev
        self.x_prev, self.dx_prev, self.t_prev = x_hat, dx_hat, t
        return x_hat


def one_euro(
    samples: np.ndarray, times: np.ndarray, *, min_cutoff: float, beta: float, d_cutoff: float
) -> np.ndarray:
    """Filter ``(n, ...)`` samples element by element; NaN samples are skipped (kept NaN)."""
    samples = np.asarray(samples, float)
    out = np.full_like(samples, np.nan)
    flat_in = samples.reshape(samples.shape[0], -1)
    flat_out = out.reshape(samples.shape[0], -1)
    for j in range(flat_in.shape[1]):
        f = OneEuroScalar(min_cutoff, beta, d_cutoff)
        for i in range(flat_in.shape[0]):
            v = flat_in[i, j]
            if not np.isnan(v):
                flat_out[i, j] = f(float(v), float(times[i]))
    return out
