"""Event checks for :mod:`course.analysis.jumps`: the quiet window, and the trace's errors.

The scans themselves run in the compiled core (``course._core.jumps.analyze``), which reports how
far it got; the errors here explain what was expected, what was found and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from course import _core
from course.analysis._jump_types import Thresholds

#: Standard gravity in m/s².
from course.constants import G
from course.validation import FloatArray, as_float_array, positive

MIN_CONTACT = 0.010  # s a landing/contact must stay at or above the threshold
MAX_EDGE = 0.010  # s, longest ramp between the threshold and 0 N accepted at take-off/touchdown
_MIN_QUIET = 0.25  # s, shortest quiet-standing window accepted
_MAX_QUIET_CV = 0.05  # quiet-standing SD above this fraction of body weight is not quiet

__all__ = ["MAX_EDGE", "MIN_CONTACT", "G", "WeightPlan", "check", "weight_plan"]


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


@dataclass(frozen=True)
class WeightPlan:
    """Where body weight comes from (private): a quiet window, or a given mass.

    Attributes
    ----------
    i0, i1
        Sample range of quiet standing; ``i0 = -1`` when the weight is given.
    given_weight
        Body weight in N from ``body_mass`` (0 when it comes from the quiet window).
    search_from
        First sample searched for movement onset.
    method
        How body weight is obtained, in words.
    thresholds
        The setting that chose it (``quiet_window_s``), or none.
    window
        The quiet window in s, or None.
    body_mass
        The given body mass in kg (checked against quiet standing), or None.
    """

    i0: int
    i1: int
    given_weight: float
    search_from: int
    method: str
    thresholds: Thresholds
    window: tuple[float, float] | None
    body_mass: float | None


_NONE: Thresholds = MappingProxyType({})


def weight_plan(
    n: int,
    fs: float,
    kind: str,
    body_mass: float | None,
    quiet_window: tuple[float, float] | None,
) -> WeightPlan:
    """Check the quiet window (or the given mass) of a trace of ``n`` samples, or raise."""
    if quiet_window is None and kind != "dj":
        quiet_window = (0.0, 1.0)
    if quiet_window is None:
        if body_mass is None:
            raise ValueError(
                "a drop jump starts on an empty plate, so body weight cannot come from the start "
                "of the trace. Pass body_mass= (kg) or quiet_window=(start, stop) s of quiet "
                "standing after landing."
            )
        weight = positive(body_mass, "body_mass", "kg") * G
        return WeightPlan(-1, -1, weight, 0, "body_mass × g (given)", _NONE, None, None)
    t0, t1 = (float(quiet_window[0]), float(quiet_window[1]))
    if not (0 <= t0 < t1):
        raise ValueError(
            f"quiet_window must be (start, stop) in s with 0 <= start < stop; got {quiet_window}."
        )
    duration = n / fs
    if t1 > duration + 1e-12:
        raise ValueError(
            f"quiet_window {quiet_window} s extends past the end of the trace ({duration:.3f} s). "
            "Choose a window inside the recording."
        )
    i0, i1 = round(t0 * fs), min(round(t1 * fs), n)
    if t1 - t0 < _MIN_QUIET or i1 - i0 < 10:
        raise ValueError(
            f"no quiet standing: quiet_window {quiet_window} s is too short; body weight needs at "
            f"least {_MIN_QUIET} s (and 10 samples). Record about 1 s of still standing before "
            "the jump."
        )
    given = None if body_mass is None else positive(body_mass, "body_mass", "kg")
    q = f"{t0:g}-{t1:g}"
    return WeightPlan(
        i0,
        i1,
        0.0,
        i1 if kind != "dj" else 0,
        f"mean vertical force over quiet standing {q} s",
        MappingProxyType({"quiet_window_s": q}),
        (quiet_window[0], quiet_window[1]),
        given,
    )


def _check_weight(r: _core.jumps.JumpAnalysis, plan: WeightPlan, kind: str) -> None:
    """Raise if the quiet window is not a person standing still on the plate in N."""
    mean, sd, window = r.weight, r.quiet_sd, plan.window
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
    given = plan.body_mass
    if given is not None and abs(mean / G - given) > 0.10 * given:
        raise ValueError(
            f"body_mass={given:g} kg but quiet standing weighs {mean / G:.1f} kg "
            f"({mean:.0f} N); they differ by more than 10 %. Check the quiet window, the "
            "plate zero and the units, or leave body_mass=None to use the plate."
        )


def check(
    r: _core.jumps.JumpAnalysis,
    f: FloatArray,
    fs: float,
    kind: str,
    plan: WeightPlan,
    *,
    thr: float,
    onset_thr: float,
    min_flight: int,
) -> None:
    """Raise a clear error where the core's analysis ``r`` of trace ``f`` stopped early."""
    if r.nan_index >= 0:  # as_float_array explains NaN and inf (count, first index, fix)
        as_float_array(f, "force", allow_nan=False)
    if plan.i0 >= 0:
        _check_weight(r, plan, kind)
    weight = r.weight
    if kind == "dj":
        name = "contact"
        if f[0] >= thr:
            raise ValueError(
                f"a drop-jump trace must start before touchdown on an empty plate (< {thr:g} N); "
                f"the first sample is {f[0]:.0f} N. For a jump from standing use kind='cmj' or "
                "'sj'."
            )
        if r.force_max < 1.2 * weight:
            raise ValueError(
                f"the largest force, {r.force_max:.4g}, is below 1.2 × body weight "
                f"({weight:.0f} N), but a drop-jump contact peaks at 2–6 body weights. The trace "
                "must be in N: multiply kg by 9.81, body weights by body mass × 9.81; check "
                "body_mass."
            )
        if r.start < 0:
            raise ValueError(
                f"no contact found: force never reaches {thr:g} N for {MIN_CONTACT * 1e3:g} ms "
                f"(max {r.force_max:.3g}). The trace must be in N: multiply kg by 9.81, body "
                "weights by body mass × 9.81."
            )
    else:
        name = "onset"
        if r.start < 0:
            raise ValueError(
                f"no movement found after the quiet window: force never deviates from body weight "
                f"({weight:.0f} N) by more than {onset_thr:.1f} N. For a CMJ or SJ the quiet "
                "window must come before the movement."
            )
    if r.takeoff < 0:
        raise ValueError(
            f"no flight phase found: after {name} at {r.start / fs:.3f} s the force never stays "
            f"below {thr:g} N for {min_flight / fs * 1e3:g} ms (its minimum is "
            f"{f[r.detect :].min():.1f} N). Check that the trace contains the jump and the plate "
            "reads ~0 N unloaded; raise takeoff_threshold if the plate has an offset."
        )
    if r.landing < 0:
        raise ValueError(
            f"no landing found: the trace ends in flight after take-off at {r.takeoff / fs:.3f} s. "
            "Record until after the landing."
        )
