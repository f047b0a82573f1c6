"""Vertical jumps from a force plate: events, heights, force, power, RFD and RSI.

Published jump-height methods differ by centimetres on the same trial, so every number here
carries the method and the thresholds that produced it. The two height methods:

- **impulse-momentum**: take-off velocity ``v = ∫(F − m·g) dt / m`` (trapezoid rule, from
  movement onset to take-off, starting at rest; for a drop jump from touchdown, starting at
  ``−sqrt(2·g·drop_height)``), and ``h = v² / (2g)``. The integral ends where the force
  reaches 0 N: the last loaded samples' slope is continued past the take-off threshold (for a
  drop jump touchdown is found the same way). Ending it at a sample instead adds or drops up to
  one sample of ``−m·g`` impulse, which on constructed jumps moved the height by −0.6 to +1.8 mm
  at 1000 Hz and −5.9 to +1.8 mm at 500 Hz; with the 0 N ends it is within 0.15 mm.
- **flight-time**: ``h = g·t² / 8`` (assumes the body leaves and lands in the same position;
  flexed-knee landings lengthen the flight and inflate it, Linthorne 2001).

Events: body weight is the mean force over quiet standing; movement onset is the first sample
deviating from body weight by more than ``onset_sd`` standard deviations of quiet standing (5 SD,
Owen et al. 2014), walked back to the last crossing of body weight (or by a fixed time, e.g.
Owen's 30 ms); landing is the first sample of a sustained contact (at or above
``takeoff_threshold`` N for 10 ms), and take-off the first sample below the threshold whose
flight lasts ``min_flight_time`` until such a landing (so a noise spike in flight does not end
it). Take-off, landing and contact times are interpolated linearly at the threshold crossing.
``g = 9.80665 m/s²`` throughout.

The whole analysis (events, integration, forces, RFD, power) is one call into the compiled core
(``course._core.jumps.analyze``); the options are checked once per set of options and trace
length, and the :class:`Measure` and :class:`Event` objects with their method texts are built
when their mapping is first read.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from course.analysis._jump_assembly import Assembly, LazyMapping
from course.analysis._jump_events import G, check
from course.analysis._jump_settings import settings
from course.analysis._jump_types import Event, Height, JumpResult, Kinematics, Measure
from course.validation import FloatArray, as_float_array

__all__ = [
    "Event",
    "G",
    "Height",
    "JumpResult",
    "Kinematics",
    "Measure",
    "analyze_jump",
    "flight_time_height",
]


def flight_time_height(flight_time: ArrayLike) -> float | FloatArray:
    """Jump height from flight time, ``h = g·t² / 8`` (g = 9.80665 m/s²).

    Parameters
    ----------
    flight_time
        Time in the air in s (scalar or array, >= 0).

    Returns
    -------
    float or numpy.ndarray
        Rise of the centre of mass in m (a float for a scalar input).

    Examples
    --------
    >>> round(flight_time_height(0.5), 4)
    0.3065
    """
    if isinstance(flight_time, (float, int)):  # one number: no array round trip
        if not (math.isfinite(flight_time) and flight_time >= 0):
            raise ValueError(
                f"flight_time must be finite and >= 0 s; got {flight_time!r}. Check the units (s)."
            )
        return G * float(flight_time) ** 2 / 8.0
    t = np.asarray(flight_time, dtype=np.float64)
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError(
            f"flight_time must be finite and >= 0 s; got {flight_time!r}. Check the units (s)."
        )
    h = G * t**2 / 8.0
    return float(h) if h.ndim == 0 else h


def analyze_jump(
    force: ArrayLike,
    fs: float,
    /,
    *,
    kind: Literal["cmj", "sj", "dj"] = "cmj",
    body_mass: float | None = None,
    quiet_window: tuple[float, float] | None = None,
    onset_sd: float = 5.0,
    onset_backtrack: Literal["crossing"] | float = "crossing",
    takeoff_threshold: float = 20.0,
    min_flight_time: float = 0.05,
    rfd_windows: tuple[float, ...] = (0.05, 0.1, 0.2),
    peak_rfd_window: float = 0.02,
    drop_height: float | None = None,
) -> JumpResult:
    """Analyse one vertical jump from a vertical ground reaction force trace.

    Parameters
    ----------
    force
        Vertical force in N, one channel, ``(n_samples,)``; no NaN.
    fs
        Sampling rate in Hz.
    kind
        ``"cmj"`` countermovement jump, ``"sj"`` squat jump, ``"dj"`` drop jump (the trace starts
        on an empty plate before touchdown).
    body_mass
        Body mass in kg. CMJ/SJ: optional; the mass is taken from quiet standing (a 1 % error in
        weight drifts the velocity by ~0.1 m/s per second of integration) and ``body_mass`` is
        checked against it (must agree within 10 %). DJ: used as the mass unless ``quiet_window``
        is given.
    quiet_window
        ``(start, stop)`` in s of quiet standing, for body weight and the noise SD. Default
        ``(0, 1)`` for CMJ/SJ; none for a drop jump (give one after landing, or ``body_mass``).
    onset_sd
        Onset threshold in SDs of the quiet-standing force (Owen et al. 2014 use 5).
    onset_backtrack
        ``"crossing"``: walk the onset back to the last crossing of body weight; a number: move
        it back by that many s (Owen et al. 2014: 0.030).
    takeoff_threshold
        Force in N below which the plate counts as unloaded (take-off) and at or above which it
        counts as loaded (landing, contact). Published values range from 1 to 50 N.
    min_flight_time
        Shortest flight accepted in s; shorter dips under the threshold are ignored.
    rfd_windows
        Windows in s from onset for the mean rate of force development.
    peak_rfd_window
        Window in s of the sliding difference for peak RFD.
    drop_height
        Drop jumps only: box height in m. The CoM is assumed to fall this far, which gives the
        touchdown velocity for the impulse-momentum height and power (without it, only the
        flight-time height and RSI are reported).

    Returns
    -------
    JumpResult
        Heights, metrics, RFD and events, each with method and thresholds.

    Raises
    ------
    ValueError
        With what was expected and what to do: force not 1-D or with NaN, no quiet standing,
        force that looks like kg or body weights, no movement, no flight, no landing.

    Examples
    --------
    >>> from course.data.simulated import simulate_cmj
    >>> jump = simulate_cmj(mass=75, height=0.30)  # simulated trace with a known height
    >>> result = analyze_jump(jump.force, jump.fs)
    >>> round(result.heights["impulse-momentum"].value, 2)
    0.3
    >>> result.heights["flight-time"].unit
    'm'
    """
    from course._core import jumps as _core

    f = as_float_array(force, "force", ndim=1, hint=_ONE_CHANNEL)  # NaN: found by the core
    if f.size < 2:
        raise ValueError(f"force needs a whole jump (seconds of samples); got {f.size} sample(s).")
    opt = settings(
        f.size,
        fs,
        kind,
        body_mass,
        quiet_window,
        onset_sd,
        onset_backtrack,
        takeoff_threshold,
        min_flight_time,
        rfd_windows,
        peak_rfd_window,
        drop_height,
    )
    r = _core.analyze(f, *opt.core_args())
    onset_thr = 0.0 if opt.plan.i0 < 0 else opt.onset_sd * r.quiet_sd
    check(
        r,
        f,
        opt.fs,
        opt.kind,
        opt.plan,
        thr=opt.thr,
        onset_thr=onset_thr,
        min_flight=opt.min_flight,
    )
    kin: Kinematics | None = None
    if opt.integrate:
        if not r.integrated:
            raise ValueError(
                f"the force is below {opt.thr:g} N at {r.start / opt.fs:.3f} s, where the push "
                "starts: there is no loaded sample to integrate before take-off. Check the quiet "
                "window, the units and takeoff_threshold."
            )
        if r.takeoff_velocity <= 0:
            raise ValueError(
                f"the impulse-momentum take-off velocity is {r.takeoff_velocity:.3f} m/s (not "
                f"upward): the body weight ({r.weight:.0f} N), the units, the drop height or the "
                "events are off."
            )
        rows = r.kinematics  # one (5, points) block: t, force, velocity, displacement, power
        kin = Kinematics(rows[0], rows[1], rows[2], rows[3], rows[4])
    parts = Assembly(r, kin, opt, onset_thr)
    return JumpResult(
        kind=opt.kind,
        fs=opt.fs,
        heights=LazyMapping(parts.heights),
        metrics=LazyMapping(parts.metrics),
        rfd=LazyMapping(parts.rfd),
        events=LazyMapping(parts.events),
        methods=LazyMapping(parts.methods),
        thresholds=LazyMapping(parts.settings),
        kinematics=kin,
    )


_ONE_CHANNEL = "Pass one channel of vertical force in N, e.g. force[:, 2]."
