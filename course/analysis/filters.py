"""Filters for landmark and force signals: Butterworth low-pass, One-Euro, derivatives, gaps.

All sequence functions work along axis 0 (time) of any ``(n, ...)`` array, e.g. a pose sequence
``(n_frames, 33, 3)`` or a force trace ``(n_samples,)``; every other axis is an independent
channel. The numeric work runs in the compiled core (``course._core.filters``) without the GIL.

- :func:`butter_lowpass` designs a digital Butterworth low-pass, as ``scipy.signal.butter``.
- :func:`filtfilt` filters forward and backward (zero phase, doubled order), as
  ``scipy.signal.filtfilt`` with its default odd padding.
- :class:`OneEuroFilter` smooths a live stream sample by sample (Casiez et al. 2012).
- :func:`derivative` differentiates like ``numpy.gradient``.
- :func:`fill_gaps` bridges short runs of NaN (landmarks not seen) by linear interpolation.

Numerical note: a high-order filter with a cutoff far below ``fs`` (e.g. order 8 at 0.5 Hz of
100 Hz) is ill-conditioned in the (b, a) form that scipy and this module share; there a change of
the coefficients in the last bit changes the output visibly. Use order <= 4 for pose data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course import _core
from course.validation import FloatArray, as_float_array, positive

__all__ = ["OneEuroFilter", "butter_lowpass", "derivative", "fill_gaps", "filtfilt", "padlen"]

_MAX_ORDER = 20


def _check_design(order: int, cutoff: float, fs: float) -> tuple[int, float, float]:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"order must be an integer number of poles; got {order!r}.")
    if not 1 <= int(order) <= _MAX_ORDER:
        raise ValueError(
            f"order must be between 1 and {_MAX_ORDER}; got {order}. Orders 2-4 suit pose data."
        )
    fs = positive(fs, "fs", "Hz")
    cutoff = positive(cutoff, "cutoff", "Hz")
    if cutoff >= fs / 2:
        raise ValueError(
            f"cutoff must be below the Nyquist frequency fs/2 = {fs / 2:g} Hz; got {cutoff:g} Hz. "
            "Lower the cutoff or check fs."
        )
    return int(order), cutoff, fs


def _need_time_axis(x: Any) -> None:
    if np.ndim(x) == 0:
        raise ValueError(
            f"x must have a time axis; got the scalar {x!r}. Pass an array of shape (n,) or "
            "(n, ...) with time on axis 0."
        )


def butter_lowpass(order: int, cutoff: float, fs: float) -> tuple[FloatArray, FloatArray]:
    """Design a digital Butterworth low-pass filter.

    Same design as ``scipy.signal.butter(order, cutoff, fs=fs)``: analog prototype, prewarped
    cutoff, bilinear transform.

    Parameters
    ----------
    order
        Number of poles (1-20).
    cutoff
        -3 dB frequency in Hz, strictly between 0 and ``fs / 2``.
    fs
        Sampling rate in Hz.

    Returns
    -------
    b, a
        Numerator and denominator coefficients, each of length ``order + 1``, ``a[0] == 1``.

    Examples
    --------
    >>> b, a = butter_lowpass(2, 10.0, 100.0)
    >>> b.round(4).tolist(), a.round(4).tolist()
    ([0.0675, 0.1349, 0.0675], [1.0, -1.143, 0.4128])
    """
    order, cutoff, fs = _check_design(order, cutoff, fs)
    b, a = _core.filters.butter_lowpass(order, cutoff, fs)
    return b, a


def padlen(order: int) -> int:
    """Samples of odd padding :func:`filtfilt` adds at each end: ``3 * (order + 1)``.

    A signal must be longer than this.

    Examples
    --------
    >>> padlen(4)
    15
    """
    return 3 * (int(order) + 1)


def filtfilt(x: Any, /, *, cutoff: float, fs: float, order: int = 4) -> FloatArray:
    """Zero-phase low-pass filtering along axis 0 with a Butterworth filter.

    The signal is filtered forward, then backward, so peaks keep their timing and the effective
    order doubles (a 4th-order design attenuates like an 8th-order one). Matches
    ``scipy.signal.filtfilt(b, a, x, axis=0)`` with ``b, a = butter(order, cutoff, fs=fs)``,
    its default odd padding of ``3 * (order + 1)`` samples and steady-state initial conditions.

    Parameters
    ----------
    x
        ``(n, ...)`` samples, time on axis 0 (e.g. ``(n_frames, 33, 3)`` landmarks or a force
        trace in N). Must be finite: fill gaps first with :func:`fill_gaps`.
    cutoff
        -3 dB frequency of the design in Hz (each pass); below ``fs / 2``.
    fs
        Sampling rate in Hz.
    order
        Butterworth order of each pass (default 4).

    Returns
    -------
    numpy.ndarray
        Filtered samples, same shape and units as ``x``.

    Raises
    ------
    ValueError
        If ``x`` contains NaN/inf, or has no more than ``padlen(order)`` samples.

    Examples
    --------
    >>> t = np.arange(200) / 100.0
    >>> x = np.sin(2 * np.pi * 1.0 * t) + 0.2 * np.sin(2 * np.pi * 30.0 * t)
    >>> y = filtfilt(x, cutoff=6.0, fs=100.0)
    >>> bool(np.abs(y - np.sin(2 * np.pi * t))[20:-20].max() < 0.02)  # 30 Hz removed
    True
    """
    order, cutoff, fs = _check_design(order, cutoff, fs)
    _need_time_axis(x)
    arr = as_float_array(x, "x")
    need = padlen(order) + 1
    if arr.shape[0] < need:
        raise ValueError(
            f"filtfilt with order {order} needs at least {need} samples along axis 0 "
            f"(its padding is {need - 1} samples at each end); got {arr.shape[0]}. "
            "Use a longer recording or a lower order."
        )
    if not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr.reshape(arr.shape[0], -1)).all(axis=1))
        raise ValueError(
            f"x must be finite to be filtered; got NaN/inf in {bad.size} time sample(s), the first "
            f"at index {int(bad[0])}. Bridge short gaps with course.analysis.filters.fill_gaps "
            "(then trim or split at the gaps that remain)."
        )
    b, a = _core.filters.butter_lowpass(order, cutoff, fs)
    empty = np.empty(0)
    out: FloatArray = _core.filters.filtfilt(arr, b, a, empty)
    return out


def derivative(x: Any, /, *, fs: float | None = None, t: Any = None) -> FloatArray:
    """Time derivative along axis 0 by central differences, one-sided at the two ends.

    Same formulas as ``numpy.gradient(x, ..., axis=0)`` (second order inside, first order at the
    ends); with uneven time stamps ``t`` the interior uses numpy's uneven-spacing formula.
    NaN samples make their neighbours' derivatives NaN.

    Parameters
    ----------
    x
        ``(n, ...)`` samples, time on axis 0, ``n >= 2`` (units U, e.g. m).
    fs
        Sampling rate in Hz for evenly spaced samples. Give exactly one of ``fs`` and ``t``.
    t
        ``(n,)`` strictly increasing time stamps in s (e.g. camera frame times).

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``, in U/s (e.g. m/s).

    Examples
    --------
    >>> derivative([0.0, 1.0, 4.0, 9.0], fs=1.0).tolist()
    [1.0, 2.0, 4.0, 5.0]
    >>> derivative([0.0, 1.0, 4.0], t=[0.0, 0.5, 2.0]).tolist()
    [2.0, 2.0, 2.0]
    """
    _need_time_axis(x)
    arr = as_float_array(x, "x")
    if arr.shape[0] < 2:
        raise ValueError(
            f"derivative needs at least 2 samples along axis 0; got shape {arr.shape}."
        )
    if (fs is None) == (t is None):
        raise ValueError(
            "Give exactly one of fs (sampling rate in Hz) or t (time stamps in s); got "
            f"fs={'None' if fs is None else fs!r} and t={'None' if t is None else 'an array'}."
        )
    if fs is not None:
        out: FloatArray = _core.filters.derivative(arr, 1.0 / positive(fs, "fs", "Hz"))
        return out
    times = as_float_array(t, "t", ndim=1, allow_nan=False)
    if times.shape[0] != arr.shape[0]:
        raise ValueError(
            f"t must hold one time stamp (s) per sample of x: {arr.shape[0]} values; "
            f"got {times.shape[0]}."
        )
    steps = np.diff(times)
    if not (steps > 0).all():
        first = int(np.flatnonzero(steps <= 0)[0])
        raise ValueError(
            f"t must be strictly increasing (s); t[{first + 1}] = {times[first + 1]!r} does not "
            f"exceed t[{first}] = {times[first]!r}. Drop repeated frames first."
        )
    out = _core.filters.derivative_t(arr, times)
    return out


def fill_gaps(x: Any, /, *, max_gap: int) -> FloatArray:
    """Bridge runs of at most ``max_gap`` NaN samples by linear interpolation, per channel.

    Each channel (every index of the axes after the first) is treated on its own. Longer runs,
    and NaN before the first or after the last valid sample, stay NaN: there is nothing honest
    to interpolate from. Infinite values are not gaps and are left as they are.

    Parameters
    ----------
    x
        ``(n, ...)`` samples with time on axis 0, NaN where missing (any unit).
    max_gap
        Longest run of missing samples to fill, in samples (``0`` fills nothing).

    Returns
    -------
    numpy.ndarray
        A new array of the same shape and units.

    Examples
    --------
    >>> fill_gaps([0.0, np.nan, np.nan, 3.0, np.nan], max_gap=2).tolist()
    [0.0, 1.0, 2.0, 3.0, nan]
    >>> fill_gaps([0.0, np.nan, np.nan, 3.0], max_gap=1).tolist()
    [0.0, nan, nan, 3.0]
    """
    if isinstance(max_gap, bool) or not isinstance(max_gap, (int, np.integer)):
        raise TypeError(f"max_gap must be a whole number of samples; got {max_gap!r}.")
    if max_gap < 0:
        raise ValueError(f"max_gap must be >= 0 samples; got {max_gap}.")
    _need_time_axis(x)
    arr = as_float_array(x, "x")
    out: FloatArray = _core.filters.fill_gaps(arr, int(max_gap))
    return out


class OneEuroFilter:
    """Streaming One-Euro low-pass filter for live signals (Casiez, Roussel & Vogel 2012, CHI).

    An adaptive exponential smoother: slow movements are smoothed strongly (cutoff near
    ``min_cutoff``, little jitter), fast movements lightly (cutoff rises by ``beta`` times the
    speed, little lag). Every element of the sample is filtered on its own, against the shared
    clock ``t``. A NaN element (a landmark not seen) comes out as NaN and leaves that element's
    state untouched; when it is seen again it is filtered with the time elapsed since it was last
    seen. The state lives in the compiled core. One filter object serves one stream; it is not
    meant to be shared between threads.

    Parameters
    ----------
    min_cutoff
        Cutoff frequency at rest, in Hz (lower = smoother when still). Must be > 0.
    beta
        Speed coefficient, in Hz per (unit of ``x`` per s), i.e. 1/unit of ``x``: the cutoff is
        ``min_cutoff + beta * |filtered speed|`` (higher = less lag when moving). Must be >= 0.
    d_cutoff
        Cutoff in Hz of the low-pass applied to the speed estimate. Must be > 0.

    Examples
    --------
    >>> f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    >>> f(np.array([0.0, 10.0]), 0.0).tolist()
    [0.0, 10.0]
    >>> f(np.array([1.0, np.nan]), 0.1).round(4).tolist()
    [0.3859, nan]
    """

    def __init__(self, *, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0):
        self.min_cutoff = positive(min_cutoff, "min_cutoff", "Hz")
        self.d_cutoff = positive(d_cutoff, "d_cutoff", "Hz")
        b = float(beta)
        if not np.isfinite(b) or b < 0:
            raise ValueError(f"beta must be a finite number >= 0 (1/unit of x); got {beta!r}.")
        self.beta = b
        self._kernel = _core.filters.OneEuro(self.min_cutoff, self.beta, self.d_cutoff)

    def __call__(self, x: Any, t: float) -> FloatArray:
        """Filter one sample.

        Parameters
        ----------
        x
            The sample: a number or an array of fixed shape (e.g. ``(33, 3)`` landmarks).
        t
            Its time in seconds; must increase from call to call.

        Returns
        -------
        numpy.ndarray
            The filtered sample, same shape as ``x`` (NaN where ``x`` is NaN).
        """
        arr = np.asarray(x, dtype=np.float64)
        if not arr.flags.c_contiguous:
            arr = np.ascontiguousarray(arr)
        try:
            out: FloatArray = self._kernel(arr, float(t))
        except ValueError as exc:
            raise ValueError(f"OneEuroFilter: {exc}") from None
        return out

    def reset(self) -> None:
        """Forget the state: the next sample starts the filter again (any shape)."""
        self._kernel.reset()

    def __repr__(self) -> str:
        return (
            f"OneEuroFilter(min_cutoff={self.min_cutoff!r}, beta={self.beta!r}, "
            f"d_cutoff={self.d_cutoff!r})"
        )
