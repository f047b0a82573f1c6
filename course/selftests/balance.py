"""Single-leg balance (front view): stance time, sway, pelvic drop and trunk lean, per leg.

The lifted foot is the ankle that rises above its standing height by more than
``lift`` × body height; the trial runs from that lift until the foot comes back down (or the
other foot leaves the floor, or ``max_time`` is reached, 45 s as in Springer et al. 2007).
Sway is the path of the hip midpoint in the image, normalised by body height (reported in
% of height), or in metres when the learner's ``height_m`` is given (image scale × height; valid
for a front view at a fixed distance). MediaPipe's world landmarks cannot give it: their origin is
the hip midpoint itself, so the hips never move in them.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from course.schema import Pose
from course.selftests import checks as ck
from course.selftests import kinematics as kin
from course.selftests.base import Protocol
from course.selftests.results import Metric, Result, Threshold, assemble
from course.selftests.trace import Trace, nanmed, nanpct

SPRINGER = (
    "Springer et al. 2007, J Geriatr Phys Ther 30:8 — unipedal stance, n = 549, best of three "
    "trials, 45 s ceiling; values here are rounded and pooled over sexes"
)
#: Approximate best-of-three single-leg stance times (s) by age band, rounded and pooled over
#: sexes from Springer et al. 2007 (the paper tabulates men and women separately). The values were
#: written down without the paper at hand: check them against its tables before relying on them.
NORMS: dict[str, tuple[tuple[int, int, float], ...]] = {
    "open": ((18, 39, 43.0), (40, 49, 40.0), (50, 59, 37.0), (60, 69, 27.0), (70, 79, 15.0),
             (80, 120, 6.0)),
    "closed": ((18, 39, 15.0), (40, 49, 13.0), (50, 59, 8.0), (60, 69, 4.0), (70, 79, 3.0),
               (80, 120, 2.0)),
}  # fmt: skip


def norm_time(age: float | None, eyes: str = "open") -> tuple[float, str]:
    """Typical best-of-three single-leg stance time (s) for ``age`` and a note on its use.

    Examples
    --------
    >>> norm_time(65)
    (27.0, 'age 60–69, eyes open')
    """
    if eyes not in NORMS:
        raise ValueError(f"eyes must be 'open' or 'closed'; got {eyes!r}.")
    table = NORMS[eyes]
    if age is None:
        return table[0][2], f"no age given: compared with ages 18–39, eyes {eyes}"
    if age < 18:
        return table[0][2], f"no norms under 18: compared with ages 18–39, eyes {eyes}"
    for lo, hi, value in table:
        if lo <= age <= hi:
            label = f"{lo}+" if hi >= 120 else f"{lo}–{hi}"
            return value, f"age {label}, eyes {eyes}"
    return table[-1][2], f"age 80+, eyes {eyes}"


def foot_offsets(px: NDArray[np.float64], height_px: float) -> tuple[float, float]:
    """Ankle height difference and horizontal distance, as fractions of body height.

    Returns ``(dy, dx)``: ``dy`` > 0 when the right ankle is higher in the image than the left;
    ``dx`` is the horizontal distance between the ankles.
    """
    la, ra = px[ck.side_index("left", "ankle")], px[ck.side_index("right", "ankle")]
    return float((la[1] - ra[1]) / height_px), float(abs(la[0] - ra[0]) / height_px)


def lifted_foot(
    px: NDArray[np.float64],
    height_px: float,
    *,
    baseline: float = 0.0,
    lift: float = 0.04,
    max_apart: float = 0.25,
) -> str:
    """Which foot is off the floor in a front view: ``"left"``, ``"right"`` or ``""``.

    A foot is lifted when its ankle is higher in the image than the other ankle by more than
    ``lift`` × body height (after removing ``baseline``, the difference seen standing on both
    feet), with the ankles within ``max_apart`` × height of each other horizontally. The camera
    must look at the person level and square-on: seen from above at an angle, a foot that is
    farther away also looks higher.

    Examples
    --------
    >>> import numpy as np
    >>> px = np.zeros((33, 2)); px[27] = [100, 900]; px[28] = [140, 800]
    >>> lifted_foot(px, 1000.0)
    'right'
    """
    dy, dx = foot_offsets(px, height_px)
    dy -= baseline
    if not dx <= max_apart:
        return ""
    if dy > lift:
        return "right"
    if dy < -lift:
        return "left"
    return ""


class SingleLegBalance(Protocol):
    """Stand on one leg as long as you can (front view); optionally one trial per leg.

    Parameters
    ----------
    trials
        1 (one leg, ``side`` or whichever you stand on) or 2 (one trial per leg).
    side
        Stance leg of the first trial: ``"left"``, ``"right"`` or ``"auto"``.
    eyes
        ``"open"`` or ``"closed"``: selects the norm.
    age
        Age in years, to pick the norm's age band (None: the 18–39 band, said in the result).
    height_m
        Body height in metres: sway in metres instead of % of body height.
    max_time
        Ceiling of a trial in seconds (45 s as in the norm study).
    lift
        Ankle rise that counts as lifted, as a fraction of body height.
    min_lift
        Seconds a foot must stay lifted before a trial counts.
    stance_shift
        The trial ends if the stance ankle moves more than this fraction of body height (a hop
        or a shuffle), as in the norm study's stopping rules.
    timeout
        Capture gives up after this many seconds without finishing the trials.

    Examples
    --------
    >>> SingleLegBalance(trials=2, age=30).norm
    43.0
    """

    name = "single_leg_balance"
    smoothing = False  # event timing / sway: smoothing lag would bias them
    overlay_angles = ("pelvic_obliquity",)
    title = "Single-leg balance"
    view = "front"
    ready_message = "Face the camera, feet together, arms crossed on your chest."
    limitations: ClassVar[tuple[str, ...]] = (
        "Sway is the hip midpoint seen by the camera, not the centre of pressure of a force "
        "plate: compare your own results over time, not with laboratory stabilometry values.",
        "The age norms are the best of three trials: repeat the test and compare your best.",
        "The camera must look at you level and square-on: seen from above at an angle, a foot "
        "that is farther away also looks lifted.",
    )

    def __init__(
        self,
        *,
        trials: int = 1,
        side: str = "auto",
        eyes: str = "open",
        age: float | None = None,
        height_m: float | None = None,
        max_time: float = 45.0,
        lift: float = 0.04,
        min_lift: float = 0.2,
        stance_shift: float = 0.05,
        timeout: float = 180.0,
        countdown: float | None = None,
        hold_to_start: float | None = None,
    ) -> None:
        if trials not in (1, 2):
            raise ValueError(f"trials must be 1 or 2 (one per leg); got {trials!r}.")
        if height_m is not None and not (0.5 < height_m < 2.8):
            raise ValueError(f"height_m must be a body height in metres (0.5–2.8); got {height_m}.")
        self.n_trials = trials
        self.eyes = eyes
        self.age = age
        self.norm, self.norm_note = norm_time(age, eyes)
        self.height_m = height_m
        self.max_time = float(max_time)
        self.lift = float(lift)
        self.min_lift = float(min_lift)
        self.stance_shift = float(stance_shift)
        self.timeout = float(timeout)
        super().__init__(side=side, countdown=countdown, hold_to_start=hold_to_start)

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        """The pass criterion: stance time at least the age norm (capped at ``max_time``)."""
        return (
            Threshold(
                "time", ">=", min(self.norm, self.max_time), "s", f"{SPRINGER}; {self.norm_note}"
            ),
        )

    def setup_checks(self, pose: Pose) -> list[ck.Check]:
        """Front view, framing, distance, and both feet flat side by side before starting."""
        checks = super().setup_checks(pose)
        h = ck.body_height_px(pose)
        dy, dx = foot_offsets(pose.pixels, h)
        if not (abs(dy) <= self.lift * 0.75 and dx <= 0.25):
            checks.append(
                ck.Check(
                    "feet",
                    False,
                    "Stand with both feet flat on the floor, side by side, level with each "
                    "other as the camera sees them.",
                )
            )
        return checks

    def _reset_capture(self) -> None:
        self.height_px = math.nan
        self.baseline = Trace()
        self.done_trials: list[Result] = []
        self.current: Trace | None = None
        self.stance = ""
        self.lift_since: float | None = None
        self.down_since: float | None = None
        self.moved_since: float | None = None
        self.anchor = np.zeros(2)

    def _begin(self, pose: Pose, t: float) -> None:
        self.height_px = ck.body_height_px(pose)

    def _expected_stance(self) -> str:
        if not self.done_trials:
            return "" if self.requested_side == "auto" else self.requested_side
        return ck.other(self.done_trials[0].side)

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        prog = len(self.done_trials) / self.n_trials
        if pose is None:
            return "I lost you: stay in the picture.", {}, False, prog
        px = pose.pixels
        dy, _ = foot_offsets(px, self.height_px)
        if len(self.baseline) < 3:
            self.baseline.append(t, dy=dy)
        base = nanmed(self.baseline["dy"])
        lifted = lifted_foot(px, self.height_px, baseline=base, lift=self.lift)
        live = {"foot_height_difference_pct": 100.0 * (dy - base)}
        if self.current is None:
            want = self._expected_stance()
            if lifted and (not want or ck.other(lifted) == want):
                self.lift_since = t if self.lift_since is None else self.lift_since
                if t - self.lift_since >= self.min_lift:
                    self.stance = ck.other(lifted)
                    self.current = Trace()
                    self.trial_start = self.lift_since
                    self.down_since = None
                    self.moved_since = None
                    self.anchor = px[ck.side_index(self.stance, "ankle")].copy()
                return "Hold it!", live, False, prog
            self.lift_since = None
            if elapsed > self.timeout:
                return "Time is up.", live, True, 1.0
            if lifted:
                return f"Stand on your {want} leg this time.", live, False, prog
            if self.done_trials:
                nxt = ck.other(self.done_trials[0].side)
                return f"Rest, then stand on your {nxt} leg.", live, False, prog
            leg = f"stand on your {want} leg" if want else "lift one foot off the floor"
            return f"Arms crossed, {leg} and hold still.", live, False, prog
        # a trial is running
        hip = 0.5 * (px[ck.side_index("left", "hip")] + px[ck.side_index("right", "hip")])
        drop = float(kin.hip_drop(px, stance=self.stance))
        lean = float(kin.lateral_trunk_lean(px, stance=self.stance))
        self.current.append(t, x=hip[0] / self.height_px, y=hip[1] / self.height_px, drop=drop,
                            lean=lean)  # fmt: skip
        held = t - self.trial_start
        live.update({"time_s": held, "pelvic_drop_deg": drop, "trunk_lean_deg": lean})
        ended = ""
        up = (dy - base) * (1.0 if self.stance == "left" else -1.0)  # lifted foot above stance
        if up < self.lift / 2:
            self.down_since = t if self.down_since is None else self.down_since
            if t - self.down_since >= 0.1:
                ended = "your lifted foot touched down"
        else:
            self.down_since = None
        shift = float(np.hypot(*(px[ck.side_index(self.stance, "ankle")] - self.anchor)))
        if shift > self.stance_shift * self.height_px:
            self.moved_since = t if self.moved_since is None else self.moved_since
            if t - self.moved_since >= 0.1 and not ended:
                ended = "your stance foot moved"
        else:
            self.moved_since = None
        if held >= self.max_time:
            ended = f"you reached the {self.max_time:.0f} s ceiling"
        if not ended:
            return f"Hold it! {held:.1f} s", live, False, prog
        end_t = t
        if ended.startswith("your lifted") and self.down_since is not None:
            end_t = self.down_since
        elif ended.startswith("your stance") and self.moved_since is not None:
            end_t = self.moved_since
        self._close_trial(min(end_t - self.trial_start, self.max_time), ended)
        if len(self.done_trials) >= self.n_trials:
            return "Done.", live, True, 1.0
        return f"Trial over: {ended}. Rest, then stand on your other leg.", live, False, 0.5

    def _close_trial(self, time_s: float, ended: str) -> None:
        assert self.current is not None
        tr = self.current
        metrics: dict[str, Metric] = {
            "time": Metric(time_s, "s", f"single-leg stance time ({ended})"),
        }
        metrics.update(self._sway(tr))
        metrics["pelvic_drop"] = Metric(
            nanmed(tr["drop"]), "deg", "hip line tilt, + lifted-leg hip lower (median)"
        )
        metrics["pelvic_drop_max"] = Metric(nanpct(tr["drop"], 95), "deg", "95th percentile")
        metrics["trunk_lean"] = Metric(
            nanmed(tr["lean"]), "deg", "trunk from vertical, + toward the stance leg (median)"
        )
        values = {k: m.value for k, m in metrics.items()}
        ths = self.thresholds
        notes = [
            f"You stood {time_s:.1f} s on your {self.stance} leg "
            f"(typical best of three: {self.norm:.0f} s, {self.norm_note})."
        ]
        if values["pelvic_drop"] > 4.0:
            notes.append(
                "Your pelvis dropped on the lifted side: strengthen the stance-side glutes."
            )
        if abs(values["trunk_lean"]) > 5.0:
            notes.append("Your trunk leaned sideways to balance.")
        warn = [] if ended != "the recording ended" else ["The recording ended during the trial."]
        self.done_trials.append(
            assemble(
                self.name,
                metrics,
                thresholds=ths,
                soft={"time": ths[0].value},
                feedback=" ".join(notes),
                side=self.stance,
                started_at=float(self.trial_start),
                duration=float(time_s),
                warnings=self._warnings(*warn),
            )
        )
        self.current = None
        self.lift_since = None

    def _sway(self, tr: Trace) -> dict[str, Metric]:
        from course.analysis.balance import sway_metrics

        xy = np.stack([tr["x"], tr["y"]], axis=-1)
        ok = np.all(np.isfinite(xy), axis=1)
        if ok.sum() < 3:
            nan = math.nan
            return {"sway_path": Metric(nan, "", "too few frames"), "sway_rms": Metric(nan, "")}
        scale, unit = (100.0, "% height") if self.height_m is None else (self.height_m, "m")
        fs = 1.0 / float(np.median(np.diff(tr.t)))
        sm = sway_metrics(xy * scale, fs=fs)
        how = "hip midpoint in the image, " + (
            "per body height" if self.height_m is None else "scaled by your height"
        )
        return {
            "sway_path": Metric(sm.path_length, unit, f"sway path length ({how})"),
            "sway_velocity": Metric(sm.mean_velocity, f"{unit}/s", "mean sway speed"),
            "sway_rms": Metric(sm.rms, unit, "RMS distance from the mean position"),
            "sway_area_95": Metric(sm.ellipse_area_95, f"({unit})²", "95 % ellipse area"),
        }

    def finish(self) -> None:
        """End capture now; a trial still running ends at the last frame."""
        if self.phase == "capture" and self.current is not None and len(self.current):
            self._close_trial(
                min(float(self.current.t[-1] - self.trial_start), self.max_time),
                "the recording ended",
            )
        super().finish()

    def _result(self) -> Result:
        trials = tuple(self.done_trials)
        if not trials:
            return Result(
                test=self.name,
                metrics={},
                score=0.0,
                passed=False,
                thresholds=self.thresholds,
                feedback="No single-leg stance was seen: lift one foot clearly off the floor "
                f"(at least {100 * self.lift:.0f} % of your height) and hold it.",
                side=self.requested_side if self.requested_side != "auto" else "",
                started_at=self.started_at,
                duration=self.duration,
                warnings=self._warnings(),
                completed=True,
            )
        if len(trials) == 1:
            return trials[0]
        metrics: dict[str, Metric] = {}
        for tr in trials:
            for k, m in tr.metrics.items():
                metrics[f"{k}_{tr.side}"] = m
        times = [tr.value("time") for tr in trials]
        asym = 100.0 * abs(times[0] - times[1]) / max(max(times), 1e-9)
        metrics["time_asymmetry"] = Metric(asym, "%", "difference between legs / longer time")
        feedback = " ".join(tr.feedback for tr in trials)
        if asym > 25.0:
            weaker = trials[int(np.argmin(times))].side
            feedback += f" Your {weaker} leg is clearly weaker: practise it more."
        return Result(
            test=self.name,
            metrics=metrics,
            score=round(float(np.mean([tr.score for tr in trials])), 1),
            passed=all(tr.passed for tr in trials),
            thresholds=tuple(
                Threshold(f"time_{tr.side}", ">=", th.value, th.unit, th.source)
                for tr in trials
                for th in tr.thresholds
            ),
            feedback=feedback,
            side="both",
            started_at=self.started_at,
            duration=self.duration,
            warnings=self._warnings(),
            trials=trials,
        )
