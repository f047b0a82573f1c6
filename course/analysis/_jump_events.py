"""Event detection for :mod:`course.analysis.jumps`: body weight, onset, take-off, landing.

Private helpers; the scans run in the compiled core (``course._core.jumps``). Errors explain
what was expected, what was found and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Standard gravity in m/s².
from course.constants import G
from course.validation import FloatArray, positive

MIN_CONTACT = 0.010  # s a landing/contact must stay at or above the threshold
MAX_EDGE = 0.010  # s, longest ramp between the threshold and 0 N accepted at take-off/touchdown
_MIN_QUIET = 0.25  # s, shortest quiet-standing window accepted
_MAX_QUIET_CV = 0.05  # quiet-standing SD above this fraction of body weight is not quiet


def crossing_time(f: FloatArray, i: int, threshold: float, fs: float) -> float:
    """Time (s) where the force crosses ``threshold`` between samples i − 1 and i."""
    if i <= 0:
        return 0.0
    a, b = float(f[i - 1]), float(f[i])
    frac = 1.0 if a == b else min(max((a - threshold) / (a - b), 0.0), 1.0)
    return (i - 1 + frac) / fs


def edge_lead(f: FloatArray, near: int, far: int, outside: int, fs: float) -> float:
    """Time (s) from loaded sample ``near`` to where the force reaches 0 N (take-off/touchdown).

    The force between the threshold and 0 N falls (or, at touchdown, rises) almost linearly, so
    the line through samples ``far`` and ``near`` (``far`` one sample further into the contact)
    is continued to 0 N. Where that line does not head for 0 N (a flat or noisy edge), the
    force is taken as linear from ``near`` to the ``outside`` sample (the first unloaded one).
    Capped at ``MAX_EDGE``. Without this edge, an integration that stops at a sample misses up
    to a sample of ``-m·g`` impulse, about 1.5 mm of jump height at 1000 Hz.
    """
    a, b, c = float(f[near]), float(f[far]), float(f[outside])
    if a <= 0.0:
        return 0.0
    if b > a:
        steps = a / (b - a)
    elif c < a:
        steps = min(a / (a - c), 1.0)
    else:
        steps = 0.0
    return min(steps / fs, MAX_EDGE)


def _units_problem(mean: float) -> str | None:
    """Explain why a quiet-standing mean (N) cannot be a person's weight, or None."""
    if 0.5 <= mean <= 3.0:
        return (
            f"the quiet-standing force averages {mean:.3g}, which looks like body weights (BW), "
            "not newtons. Multiply the trace by body mass × 9.81 to get N."
        )
    if 20.0 <= mean < 200.0:
        return (
            f"the quiet-standing force averages {mean:.4g}, which looks like kilograms, not "
            "newtons. Multiply the trace by 9.81 to get N."
        )
    if mean < 200.0:
        return (
            f"the quiet-standing force averages {mean:.4g} N, too low for a person standing. "
            "Check that the quiet window covers quiet standing (not an empty plate), that the "
            "plate was zeroed unloaded, and that the trace is in N."
        )
    return None


def _quiet_standing(
    f: FloatArray, fs: float, window: tuple[float, float], kind: str
) -> tuple[float, float, int, int]:
    """Mean and SD (N) of quiet standing over ``window`` (s), its sample range, or raise."""
    from course._core import jumps as _core

    t0, t1 = (float(window[0]), float(window[1]))
    duration = f.size / fs
    if not (0 <= t0 < t1):
        raise ValueError(
            f"quiet_window must be (start, stop) in s with 0 <= start < stop; got {window}."
        )
    if t1 > duration + 1e-12:
        raise ValueError(
            f"quiet_window {window} s extends past the end of the trace ({duration:.3f} s). "
            "Choose a window inside the recording."
        )
    i0, i1 = round(t0 * fs), min(round(t1 * fs), f.size)
    if t1 - t0 < _MIN_QUIET or i1 - i0 < 10:
        raise ValueError(
            f"no quiet standing: quiet_window {window} s is too short; body weight needs at least "
            f"{_MIN_QUIET} s (and 10 samples). Record about 1 s of still standing before the jump."
        )
    mean, sd = _core.window_stats(f, i0, i1)
    problem = _units_problem(mean)
    if problem:
        hint = " For a drop jump pass body_mass= (kg)." if kind == "dj" else ""
        raise ValueError(problem + hint)
    if sd > _MAX_QUIET_CV * mean:
        raise ValueError(
            f"no quiet standing in quiet_window {window} s: the force SD is {sd:.1f} N, "
            f"{100 * sd / mean:.1f} % of its mean {mean:.0f} N (at most "
            f"{100 * _MAX_QUIET_CV:.0f} % expected). Pick a window where the person stands "
            "still (plot the trace), or record 1 s of quiet standing before the jump."
        )
    return mean, sd, i0, i1


@dataclass
class Phase:
    """Sample indices and times (s) of the detected events of one jump (private)."""

    name: str  # "onset" or "contact"
    start: int  # onset/contact sample
    detect: int  # sample where the threshold was first exceeded
    takeoff: int
    landing: int
    t_start: float
    t_to: float
    t_land: float


def body_weight(
    f: FloatArray,
    fs: float,
    kind: str,
    body_mass: float | None,
    quiet_window: tuple[float, float] | None,
) -> tuple[float, float | None, int, str, dict[str, float | str]]:
    """Return (weight N, quiet SD N or None, first sample after quiet, method, thresholds)."""
    if quiet_window is None and kind != "dj":
        quiet_window = (0.0, 1.0)
    if quiet_window is None:
        if body_mass is None:
            raise ValueError(
                "a drop jump starts on an empty plate, so body weight cannot come from the start "
                "of the trace. Pass body_mass= (kg) or quiet_window=(start, stop) s of quiet "
                "standing after landing."
            )
        return positive(body_mass, "body_mass", "kg") * G, None, 0, "body_mass × g (given)", {}
    weight, sd, _, q1 = _quiet_standing(f, fs, quiet_window, kind)
    if body_mass is not None:
        given = positive(body_mass, "body_mass", "kg")
        if abs(weight / G - given) > 0.10 * given:
            raise ValueError(
                f"body_mass={given:g} kg but quiet standing weighs {weight / G:.1f} kg "
                f"({weight:.0f} N); they differ by more than 10 %. Check the quiet window, the "
                "plate zero and the units, or leave body_mass=None to use the plate."
            )
    q = f"{quiet_window[0]:g}-{quiet_window[1]:g}"
    method = f"mean vertical force over quiet standing {q} s"
    return weight, sd, (q1 if kind != "dj" else 0), method, {"quiet_window_s": q}


def detect(
    f: FloatArray,
    fs: float,
    kind: str,
    *,
    weight: float,
    onset_thr: float,
    search_from: int,
    backtrack: int,
    thr: float,
    min_flight: int,
    min_contact: int,
) -> Phase:
    """Find onset (or contact), take-off and landing, or raise a clear error."""
    from course._core import jumps as _core

    if kind == "dj":
        name = "contact"
        if f[0] >= thr:
            raise ValueError(
                f"a drop-jump trace must start before touchdown on an empty plate (< {thr:g} N); "
                f"the first sample is {f[0]:.0f} N. For a jump from standing use kind='cmj' or "
                "'sj'."
            )
        if f.max() < 1.2 * weight:
            raise ValueError(
                f"the largest force, {f.max():.4g}, is below 1.2 × body weight ({weight:.0f} N), "
                "but a drop-jump contact peaks at 2–6 body weights. The trace must be in N: "
                "multiply kg by 9.81, body weights by body mass × 9.81; check body_mass."
            )
        start = detect = _core.first_run(f, 0, thr, True, min_contact)
        if start < 0:
            raise ValueError(
                f"no contact found: force never reaches {thr:g} N for {MIN_CONTACT * 1e3:g} ms "
                f"(max {f.max():.3g}). The trace must be in N: multiply kg by 9.81, body weights "
                "by body mass × 9.81."
            )
    else:
        name = "onset"
        start, detect = _core.find_onset(f, search_from, weight, onset_thr, backtrack)
        if start < 0:
            raise ValueError(
                f"no movement found after the quiet window: force never deviates from body weight "
                f"({weight:.0f} N) by more than {onset_thr:.1f} N. For a CMJ or SJ the quiet "
                "window must come before the movement."
            )
    takeoff, landing = _core.find_flight(f, detect, thr, min_flight, min_contact)
    if takeoff < 0:
        raise ValueError(
            f"no flight phase found: after {name} at {start / fs:.3f} s the force never stays "
            f"below {thr:g} N for {min_flight / fs * 1e3:g} ms (its minimum is "
            f"{f[detect:].min():.1f} N). Check that the trace contains the jump and the plate "
            "reads ~0 N unloaded; raise takeoff_threshold if the plate has an offset."
        )
    if landing < 0:
        raise ValueError(
            f"no landing found: the trace ends in flight after take-off at {takeoff / fs:.3f} s. "
            "Record until after the landing."
        )
    t_start = crossing_time(f, start, thr, fs) if kind == "dj" else start / fs
    return Phase(
        name,
        start,
        detect,
        takeoff,
        landing,
        t_start,
        crossing_time(f, takeoff, thr, fs),
        crossing_time(f, landing, thr, fs),
    )
