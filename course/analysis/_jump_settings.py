"""The options of :func:`course.analysis.jumps.analyze_jump`, checked and turned into samples once.

Private. :func:`settings` validates every option (clear errors, as before), converts seconds to
samples for the core call and prepares the texts and thresholds that do not depend on the trace.
It is memoised on the options and the trace length: a widget that re-analyses on every slider move,
or a batch of trials recorded the same way, validates its options once. Only hashable options are
memoised (lists are turned into tuples first); the cached objects are read-only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from course.analysis._jump_events import MAX_EDGE, MIN_CONTACT, G, WeightPlan, weight_plan
from course.analysis._jump_types import Thresholds
from course.validation import positive

KINDS = {"cmj": 0, "sj": 1, "dj": 2}

#: Arguments of ``course._core.jumps.analyze`` after the force, in order (see its docstring).
CoreArgs = tuple[
    float,
    int,
    int,
    int,
    float,
    int,
    float,
    int,
    float,
    int,
    int,
    tuple[int, ...],
    int,
    bool,
    float,
    int,
    float,
    float,
]


@dataclass(frozen=True)
class Settings:
    """Checked options of one analysis, in the units of the core call (private).

    Attributes
    ----------
    kind, fs
        Jump kind (``"cmj"``, ``"sj"``, ``"dj"``) and sampling rate in Hz.
    plan
        Where body weight comes from.
    thr, onset_sd, backtrack, onset_backtrack
        Take-off threshold in N; onset threshold in quiet SDs; onset backtrack in samples (-1:
        to the last crossing of body weight) and as given.
    min_flight, min_contact, peak_window, landing_window
        In samples.
    windows
        ``(seconds, samples)`` of every mean-RFD window.
    integrate, v0, drop_height
        Whether the impulse-momentum kinematics are computed, from which velocity in m/s, and the
        drop height in m (or None).
    thr_set, land_set
        The take-off and landing thresholds cited by the measures (read-only).
    onset_method, takeoff_method, landing_method, imp_method
        Method texts that depend only on the options.
    """

    kind: str
    fs: float
    plan: WeightPlan
    thr: float
    onset_sd: float
    backtrack: int
    onset_backtrack: str
    min_flight: int
    min_contact: int
    peak_window: int
    landing_window: int
    windows: tuple[tuple[float, int], ...]
    window_samples: tuple[int, ...]
    integrate: bool
    v0: float
    drop_height: float | None
    thr_set: Thresholds
    land_set: Thresholds
    onset_method: str
    takeoff_method: str
    landing_method: str
    imp_method: str

    def core_args(self) -> CoreArgs:
        """Arguments of ``course._core.jumps.analyze`` after ``force``."""
        p = self.plan
        return (
            self.fs,
            KINDS[self.kind],
            p.i0,
            p.i1,
            p.given_weight,
            p.search_from,
            self.onset_sd,
            self.backtrack,
            self.thr,
            self.min_flight,
            self.min_contact,
            self.window_samples,
            self.peak_window,
            self.integrate,
            self.v0,
            self.landing_window,
            MAX_EDGE,
            G,
        )


def settings(
    n: int,
    fs: float,
    kind: str,
    body_mass: float | None,
    quiet_window: tuple[float, float] | None,
    onset_sd: float,
    onset_backtrack: str | float,
    takeoff_threshold: float,
    min_flight_time: float,
    rfd_windows: tuple[float, ...],
    peak_rfd_window: float,
    drop_height: float | None,
) -> Settings:
    """Checked :class:`Settings` for a trace of ``n`` samples, memoised; raise on a bad option."""
    key = (
        n,
        fs,
        kind,
        body_mass,
        None if quiet_window is None else tuple(quiet_window),
        onset_sd,
        onset_backtrack,
        takeoff_threshold,
        min_flight_time,
        tuple(rfd_windows),
        peak_rfd_window,
        drop_height,
    )
    try:
        hash(key)
    except TypeError:  # an unhashable option (an array, say): check it without the cache
        return _settings.__wrapped__(*key)
    return _settings(*key)


@lru_cache(maxsize=64)
def _settings(
    n: int,
    fs: float,
    kind: str,
    body_mass: float | None,
    quiet_window: tuple[float, float] | None,
    onset_sd: float,
    onset_backtrack: str | float,
    takeoff_threshold: float,
    min_flight_time: float,
    rfd_windows: tuple[float, ...],
    peak_rfd_window: float,
    drop_height: float | None,
) -> Settings:
    fs = positive(fs, "fs", "Hz")
    if kind not in KINDS:
        raise ValueError(f'kind must be "cmj", "sj" or "dj"; got {kind!r}.')
    thr = positive(takeoff_threshold, "takeoff_threshold", "N")
    onset_sd = positive(onset_sd, "onset_sd", "SD")
    min_flight = max(1, round(positive(min_flight_time, "min_flight_time", "s") * fs))
    min_contact = max(1, round(MIN_CONTACT * fs))
    peak_window = max(1, round(positive(peak_rfd_window, "peak_rfd_window", "s") * fs))
    windows = tuple(
        (w, round(w * fs)) for w in (positive(w, "rfd_windows entry", "s") for w in rfd_windows)
    )
    if drop_height is not None:
        if kind != "dj":
            raise ValueError(f"drop_height only applies to kind='dj'; got kind={kind!r}.")
        drop_height = positive(drop_height, "drop_height", "m")
    if onset_backtrack == "crossing":
        backtrack = -1
    elif isinstance(onset_backtrack, (int, float)) and onset_backtrack >= 0:
        backtrack = round(float(onset_backtrack) * fs)
    else:
        raise ValueError(f'onset_backtrack must be "crossing" or s >= 0; got {onset_backtrack!r}.')
    plan = weight_plan(n, fs, kind, body_mass, quiet_window)
    v0 = 0.0 if drop_height is None else -math.sqrt(2 * G * drop_height)
    if kind == "dj":
        onset_method = f"first sample at or above {thr:g} N for {MIN_CONTACT * 1e3:g} ms"
    else:
        walk = (
            "walked back to the last crossing of body weight"
            if backtrack < 0
            else f"moved back {backtrack / fs * 1e3:g} ms"
        )
        onset_method = (
            f"first deviation from body weight by > {onset_sd:g} SD of quiet standing "
            f"(Owen et al. 2014), {walk}"
        )
    imp_from = (
        "rest at onset"
        if drop_height is None
        else (f"touchdown at −sqrt(2·g·drop_height) = {v0:.3f} m/s")
    )
    return Settings(
        kind=kind,
        fs=fs,
        plan=plan,
        thr=thr,
        onset_sd=onset_sd,
        backtrack=backtrack,
        onset_backtrack=str(onset_backtrack),
        min_flight=min_flight,
        min_contact=min_contact,
        peak_window=peak_window,
        landing_window=round(0.5 * fs),
        windows=windows,
        window_samples=tuple(k for _, k in windows),
        integrate=kind != "dj" or drop_height is not None,
        v0=v0,
        drop_height=drop_height,
        thr_set=MappingProxyType(
            {"takeoff_threshold_N": thr, "min_flight_time_s": min_flight / fs}
        ),
        land_set=MappingProxyType(
            {"landing_threshold_N": thr, "min_contact_time_s": min_contact / fs}
        ),
        onset_method=onset_method,
        takeoff_method=(
            f"first sample below {thr:g} N starting a flight of >= {min_flight / fs * 1e3:g} ms "
            "(time interpolated at the crossing)"
        ),
        landing_method=(
            f"first sample after take-off at or above {thr:g} N for {MIN_CONTACT * 1e3:g} ms "
            "(time interpolated at the crossing)"
        ),
        imp_method=(
            f"v = v0 + ∫(F − m·g)dt/m (trapezoid) from {imp_from} to take-off, the force "
            "continued along its last slope to 0 N at both ends of the contact; h = v²/(2g)"
        ),
    )
