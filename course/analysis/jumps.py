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

Event detection and integration run in the compiled core (``course._core.jumps``).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from course.analysis._jump_events import MIN_CONTACT, G, Phase, body_weight, detect, edge_lead
from course.analysis._jump_types import Event, Height, JumpResult, Kinematics, Measure, Thresholds
from course.validation import FloatArray, as_float_array, positive

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


def _rfd(
    f: FloatArray,
    fs: float,
    ph: Phase,
    i_peak: int,
    windows: tuple[float, ...],
    peak_window: float,
    onset_set: Thresholds,
) -> dict[str, Measure]:
    """Mean RFD over windows from onset and the peak sliding-window RFD (N/s)."""
    from course._core import jumps as _core

    out: dict[str, Measure] = {}
    for w in windows:
        k = round(positive(w, "rfd_windows entry", "s") * fs)
        if k >= 1 and ph.start + k <= ph.takeoff:
            ms = f"{w * 1e3:g}"
            out[f"0-{ms}ms"] = Measure(
                float((f[ph.start + k] - f[ph.start]) * fs / k),
                "N/s",
                f"(F({ph.name} + {ms} ms) − F({ph.name})) / {ms} ms",
                {**onset_set, "window_s": k / fs},
            )
    kw = max(1, round(peak_window * fs))
    value, at = _core.peak_rfd(f, fs, ph.start, i_peak, kw)
    if at >= 0:
        out["peak"] = Measure(
            float(value),
            "N/s",
            f"largest force rise over a sliding {kw / fs * 1e3:g} ms window from {ph.name} to "
            "peak force",
            {**onset_set, "window_s": kw / fs},
        )
    return out


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

    fs = positive(fs, "fs", "Hz")
    if kind not in ("cmj", "sj", "dj"):
        raise ValueError(f'kind must be "cmj", "sj" or "dj"; got {kind!r}.')
    f = as_float_array(
        force,
        "force",
        ndim=1,
        allow_nan=False,
        hint="Pass one channel of vertical force in N, e.g. force[:, 2].",
    )
    if f.size < 2:
        raise ValueError(f"force needs a whole jump (seconds of samples); got {f.size} sample(s).")
    thr = positive(takeoff_threshold, "takeoff_threshold", "N")
    onset_sd = positive(onset_sd, "onset_sd", "SD")
    min_flight = max(1, round(positive(min_flight_time, "min_flight_time", "s") * fs))
    min_contact = max(1, round(MIN_CONTACT * fs))
    peak_window = positive(peak_rfd_window, "peak_rfd_window", "s")
    if drop_height is not None and kind != "dj":
        raise ValueError(f"drop_height only applies to kind='dj'; got kind={kind!r}.")
    if onset_backtrack == "crossing":
        backtrack = -1
    elif isinstance(onset_backtrack, (int, float)) and onset_backtrack >= 0:
        backtrack = round(float(onset_backtrack) * fs)
    else:
        raise ValueError(f'onset_backtrack must be "crossing" or s >= 0; got {onset_backtrack!r}.')

    weight, sd, search_from, weight_method, weight_set = body_weight(
        f, fs, kind, body_mass, quiet_window
    )
    mass = weight / G
    onset_thr = onset_sd * (sd or 0.0)
    ph = detect(
        f,
        fs,
        kind,
        weight=weight,
        onset_thr=onset_thr,
        search_from=search_from,
        backtrack=backtrack,
        thr=thr,
        min_flight=min_flight,
        min_contact=min_contact,
    )
    thr_set: Thresholds = {"takeoff_threshold_N": thr, "min_flight_time_s": min_flight / fs}
    land_set: Thresholds = {"landing_threshold_N": thr, "min_contact_time_s": min_contact / fs}
    if kind == "dj":
        onset_set: Thresholds = {"contact_threshold_N": thr}
        onset_method = f"first sample at or above {thr:g} N for {MIN_CONTACT * 1e3:g} ms"
    else:
        onset_set = {
            "onset_sd": onset_sd,
            "onset_threshold_N": onset_thr,
            "onset_backtrack": str(onset_backtrack),
        }
        walk = (
            "walked back to the last crossing of body weight"
            if backtrack < 0
            else f"moved back {backtrack / fs * 1e3:g} ms"
        )
        onset_method = (
            f"first deviation from body weight by > {onset_sd:g} SD of quiet standing "
            f"(Owen et al. 2014), {walk}"
        )
    events: dict[str, Event] = {
        ph.name: Event(ph.t_start, ph.start, onset_method, onset_set),
        "takeoff": Event(
            ph.t_to,
            ph.takeoff,
            f"first sample below {thr:g} N starting a flight of >= {min_flight / fs * 1e3:g} ms "
            "(time interpolated at the crossing)",
            thr_set,
        ),
        "landing": Event(
            ph.t_land,
            ph.landing,
            f"first sample after take-off at or above {thr:g} N for {MIN_CONTACT * 1e3:g} ms "
            "(time interpolated at the crossing)",
            land_set,
        ),
    }
    flight = ph.t_land - ph.t_to
    ft_method = (
        "h = g·t²/8 from the flight time between the take-off and landing crossings; assumes the "
        "same body position at take-off and landing (flexed-knee landings inflate it, "
        "Linthorne 2001)"
    )
    flight_set: Thresholds = {**thr_set, **land_set}
    methods: dict[str, str] = {"body weight": weight_method, "flight-time": ft_method}
    methods.update({name: e.method for name, e in events.items()})
    i_peak = ph.start + int(np.argmax(f[ph.start : ph.takeoff + 1]))
    events["peak_force"] = Event(i_peak / fs, i_peak, f"largest force, {ph.name} to take-off", {})
    land_end = min(f.size, ph.landing + round(0.5 * fs))
    metrics: dict[str, Measure] = {
        "body weight": Measure(weight, "N", weight_method, weight_set),
        "body mass": Measure(mass, "kg", "body weight / g", weight_set),
        "flight time": Measure(flight, "s", "landing − take-off (crossings)", flight_set),
        "peak force": Measure(
            float(f[i_peak]), "N", f"largest force from {ph.name} to take-off", onset_set
        ),
        "peak landing force": Measure(
            float(f[ph.landing : land_end].max()),
            "N",
            "largest force in the 0.5 s after landing",
            land_set,
        ),
    }
    heights: dict[str, Measure] = {}
    rfd = _rfd(f, fs, ph, i_peak, tuple(rfd_windows), peak_window, onset_set)

    kin: Kinematics | None = None
    if kind != "dj" or drop_height is not None:
        i0, i1 = ph.start, ph.takeoff - 1  # first and last loaded sample of the push
        lead_out = edge_lead(f, i1, max(i1 - 1, 0), ph.takeoff, fs)
        lead_in = edge_lead(f, i0, i0 + 1, i0 - 1, fs) if kind == "dj" and i0 > 0 else 0.0
        imp_set: dict[str, float | str] = {**weight_set, **onset_set, **thr_set}
        if drop_height is None:
            v0, imp_from = 0.0, "rest at onset"
        else:
            imp_set["drop_height_m"] = positive(drop_height, "drop_height", "m")
            v0 = -math.sqrt(2 * G * float(drop_height))
            imp_from = f"touchdown at −sqrt(2·g·drop_height) = {v0:.3f} m/s"
        motion = _core.kinematics(f, fs, mass, weight, i0, i1, v0, lead_in, lead_out)
        v, s, p = motion.velocity, motion.displacement, motion.power
        pre = [i0 / fs - lead_in] if lead_in > 0 else []
        t_kin = np.concatenate((pre, np.arange(i0, i1 + 1) / fs, [i1 / fs + lead_out]))
        f_kin = np.concatenate(([0.0] * len(pre), f[i0 : i1 + 1], [0.0]))
        i0 -= len(pre)  # point k of the integration is sample i0 + k (the edges: the next one)
        kin = Kinematics(t_kin, f_kin, v, s, p)
        v_to = float(v[-1])
        if v_to <= 0:
            raise ValueError(
                f"the impulse-momentum take-off velocity is {v_to:.3f} m/s (not upward): the body "
                f"weight ({weight:.0f} N), the units, the drop height or the events are off."
            )
        imp = (
            f"v = v0 + ∫(F − m·g)dt/m (trapezoid) from {imp_from} to take-off, the force "
            "continued along its last slope to 0 N at both ends of the contact; h = v²/(2g)"
        )
        methods["impulse-momentum"] = imp
        heights["impulse-momentum"] = Measure(v_to**2 / (2 * G), "m", imp, imp_set)
        metrics["take-off velocity"] = Measure(v_to, "m/s", imp, imp_set)
        i_pp = int(np.argmax(p))
        events["peak_power"] = Event(float(t_kin[i_pp]), i0 + i_pp, "largest F·v", imp_set)
        metrics["peak power"] = Measure(
            float(p[i_pp]), "W", "largest F·v, v from the impulse-momentum integration", imp_set
        )
        if kind == "cmj":
            i_low = int(np.argmin(s))
            events["lowest_position"] = Event(
                float(t_kin[i_low]),
                i0 + i_low,
                "lowest CoM position (velocity turns upward)",
                imp_set,
            )
            metrics["countermovement depth"] = Measure(
                -float(s[i_low]), "m", "largest CoM drop below its onset position", imp_set
            )
            i_vmin = int(np.argmin(v[: i_low + 1]))
            if i_low > i_vmin:
                rfd["braking"] = Measure(
                    float((f[i0 + i_low] - f[i0 + i_vmin]) * fs / (i_low - i_vmin)),
                    "N/s",
                    "(F at lowest position − F at peak downward velocity) / time between them",
                    imp_set,
                )
    heights["flight-time"] = Measure(float(flight_time_height(flight)), "m", ft_method, flight_set)
    if kind == "dj":
        contact = ph.t_to - ph.t_start
        metrics["contact time"] = Measure(
            contact, "s", "take-off − contact (threshold crossings)", flight_set
        )
        metrics["reactive strength index"] = Measure(
            heights["flight-time"].value / contact,
            "m/s",
            "flight-time height / contact time",
            flight_set,
        )
    settings: dict[str, float | str] = {
        **weight_set,
        **onset_set,
        **thr_set,
        **land_set,
        "peak_rfd_window_s": max(1, round(peak_window * fs)) / fs,
    }
    if drop_height is not None:
        settings["drop_height_m"] = float(drop_height)
    return JumpResult(
        kind=kind,
        fs=fs,
        heights=heights,
        metrics=metrics,
        rfd=rfd,
        events=events,
        methods=methods,
        thresholds=settings,
        kinematics=kin,
    )
