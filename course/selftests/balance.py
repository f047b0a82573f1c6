"""Single-leg balance (front view) as Springer et al. 2007 ran it: best of three per leg, 45 s cap.

Arms crossed on the chest; the lifted foot is the ankle that rises above its standing height by
more than ``lift`` × body height; a stance runs from that lift until the foot comes back down,
the stance foot moves, or the 45 s ceiling is reached. Each stance is one capture of the base
state machine (rest, setup, countdown between them); the plan alternates legs, ``trials`` stances
per leg, eyes open then eyes closed. Each leg's best of its trials is placed relative to the
learner's age group (:mod:`course.selftests.norms`), never used as a pass mark, and the spread
of the trials gives the typical error and smallest real change that decide whether the legs
really differ.

Sway is the path of the hip midpoint in the image, normalised by body height (reported in
% of height), or in metres when the learner's ``height_m`` is given (image scale × height; valid
for a front view at a fixed distance). MediaPipe's world landmarks cannot give it: their origin is
the hip midpoint itself, so the hips never move in them.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from course.schema import Pose
from course.selftests import checks as ck
from course.selftests import kinematics as kin
from course.selftests.base import Protocol
from course.selftests.norms import NORMS_SOURCE, place
from course.selftests.reliability import Change, change, mdc95, reliability
from course.selftests.results import Metric, Result, assemble
from course.selftests.trace import Trace, nanmed, nanpct


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


ARMS = "arms crossed on your chest"


class SingleLegBalance(Protocol):
    """Stand on one leg as long as you can (front view): best of ``trials`` per leg, 45 s cap.

    Parameters
    ----------
    trials
        Stances per leg and eyes condition (1–10; 3 as in Springer et al. 2007). The best
        counts; the spread gives your typical error.
    legs
        2 (alternate legs, the first one ``side`` or whichever you stand on first) or 1.
    side
        Stance leg of the first trial: ``"left"``, ``"right"`` or ``"auto"``.
    eyes
        ``"open"``, ``"closed"`` or ``"both"`` (eyes open first, then closed, as in the study).
    age
        Age in years. Without it the result cannot be placed in an age group (the card asks
        for it); there is no default age.
    height_m
        Body height in metres: sway in metres instead of % of body height.
    max_time
        Ceiling of a stance in seconds (45 s as in the norm study).
    lift
        Ankle rise that counts as lifted, as a fraction of body height.
    min_lift
        Seconds a foot must stay lifted before a stance counts.
    stance_shift
        The stance ends if the stance ankle moves more than this fraction of body height (a hop
        or a shuffle), as in the norm study's stopping rules.
    timeout
        A capture gives up after this many seconds without a stance (the test then ends).

    Examples
    --------
    >>> p = SingleLegBalance(trials=3, eyes="both", age=30)
    >>> p.n_captures, p.plan[:3]
    (12, [('open', 'first'), ('open', 'second'), ('open', 'first')])
    """

    name = "single_leg_balance"
    smoothing = False  # event timing / sway: smoothing lag would bias them
    combine_single = True  # even one stance is placed by age
    overlay_angles = ("pelvic_obliquity",)
    title = "Single-leg balance"
    view = "front"
    ready_message = "Face the camera, feet together, arms crossed on your chest."
    limitations: ClassVar[tuple[str, ...]] = (
        "Sway is the hip midpoint seen by the camera, not the centre of pressure of a force "
        "plate: compare your own results over time, not with laboratory stabilometry values.",
        "The camera cannot see whether your eyes are closed or your arms stay crossed: the "
        "reference values hold only if you do both as instructed.",
        "The camera must look at you level and square-on: seen from above at an angle, a foot "
        "that is farther away also looks lifted.",
    )

    def __init__(
        self,
        *,
        trials: int = 3,
        legs: int = 2,
        side: str = "auto",
        eyes: str = "both",
        age: float | None = None,
        height_m: float | None = None,
        max_time: float = 45.0,
        lift: float = 0.04,
        min_lift: float = 0.2,
        stance_shift: float = 0.05,
        timeout: float = 180.0,
        countdown: float | None = None,
        hold_to_start: float | None = None,
        rest: float | None = None,
    ) -> None:
        if legs not in (1, 2):
            raise ValueError(f"legs must be 1 or 2 (alternate both legs); got {legs!r}.")
        if eyes not in ("open", "closed", "both"):
            raise ValueError(f"eyes must be 'open', 'closed' or 'both'; got {eyes!r}.")
        if height_m is not None and not (0.5 < height_m < 2.8):
            raise ValueError(f"height_m must be a body height in metres (0.5–2.8); got {height_m}.")
        if age is not None and (
            isinstance(age, bool) or not isinstance(age, (int, float)) or not 0 < age < 120
        ):
            raise ValueError(f"age must be your age in years (1–119); got {age!r}.")
        self.legs = legs
        self.eyes = eyes
        self.conditions: tuple[str, ...] = ("open", "closed") if eyes == "both" else (eyes,)
        self.age = age
        self.height_m = height_m
        self.max_time = float(max_time)
        self.lift = float(lift)
        self.min_lift = float(min_lift)
        self.stance_shift = float(stance_shift)
        self.timeout = float(timeout)
        order = ("first", "second")[:legs]
        self.plan: list[tuple[str, str]] = [
            (e, leg) for e in self.conditions for _ in range(trials) for leg in order
        ]
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    @property
    def n_captures(self) -> int:
        """Stances in the whole test: ``trials`` × ``legs`` × eyes conditions."""
        return len(self.plan)

    def _captures(self) -> int:
        return self.n_captures

    def _trial_label(self, index: int) -> str:
        eyes, _ = self.plan[min(index, len(self.plan) - 1)]
        return f"stance {index + 1} of {self.n_captures} (eyes {eyes})"

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

    def reset(self) -> None:
        """Forget everything measured and go back to ``setup``."""
        self.first_leg = "" if self.requested_side == "auto" else self.requested_side
        super().reset()

    def _reset_capture(self) -> None:
        self.height_px = math.nan
        self.baseline = Trace()
        self.current: Trace | None = None
        self.stance = ""
        self.stance_time = math.nan
        self.stance_end = ""
        self.trial_start = math.nan
        self.lift_since: float | None = None
        self.down_since: float | None = None
        self.moved_since: float | None = None
        self.anchor = np.zeros(2)

    def _begin(self, pose: Pose, t: float) -> None:
        self.height_px = ck.body_height_px(pose)

    def _now(self) -> tuple[str, str]:
        """``(eyes, expected stance leg or "")`` of the capture under way."""
        eyes, which = self.plan[min(len(self._trial_results), len(self.plan) - 1)]
        if not self.first_leg:
            return eyes, ""
        return eyes, self.first_leg if which == "first" else ck.other(self.first_leg)

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        if pose is None:
            return "I lost you: stay in the picture.", {}, False, 0.0
        px = pose.pixels
        dy, _ = foot_offsets(px, self.height_px)
        if len(self.baseline) < 3:
            self.baseline.append(t, dy=dy)
        base = nanmed(self.baseline["dy"])
        lifted = lifted_foot(px, self.height_px, baseline=base, lift=self.lift)
        live = {"foot_height_difference_pct": 100.0 * (dy - base)}
        eyes, want = self._now()
        if self.current is None:
            if lifted and (not want or ck.other(lifted) == want):
                self.lift_since = t if self.lift_since is None else self.lift_since
                if t - self.lift_since >= self.min_lift:
                    self.stance = ck.other(lifted)
                    self.first_leg = self.first_leg or self.stance
                    self.current = Trace()
                    self.trial_start = self.lift_since
                    self.anchor = px[ck.side_index(self.stance, "ankle")].copy()
                return "Hold it!", live, False, 0.0
            self.lift_since = None
            if elapsed > self.timeout:
                self._give_up = True
                return "Time is up.", live, True, 1.0
            if lifted:
                return f"Stand on your {want} leg this time.", live, False, 0.0
            leg = f"stand on your {want} leg" if want else "lift one foot off the floor"
            close = ", then close your eyes" if eyes == "closed" else ", eyes open"
            return f"With your {ARMS}, {leg}{close}, and hold still.", live, False, 0.0
        return self._stance_frame(px, t, dy - base, live)

    def _stance_frame(
        self, px: NDArray[np.float64], t: float, rise: float, live: dict[str, float]
    ) -> tuple[str, dict[str, float], bool, float]:
        assert self.current is not None
        hip = 0.5 * (px[ck.side_index("left", "hip")] + px[ck.side_index("right", "hip")])
        drop = float(kin.hip_drop(px, stance=self.stance))
        lean = float(kin.lateral_trunk_lean(px, stance=self.stance))
        self.current.append(t, x=hip[0] / self.height_px, y=hip[1] / self.height_px, drop=drop,
                            lean=lean)  # fmt: skip
        held = t - self.trial_start
        live.update({"time_s": held, "pelvic_drop_deg": drop, "trunk_lean_deg": lean})
        ended = ""
        up = rise * (1.0 if self.stance == "left" else -1.0)  # lifted foot above stance
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
        progress = min(held / self.max_time, 1.0)
        if not ended:
            return f"Hold it! {held:.1f} s", live, False, progress
        end_t = t
        if ended.startswith("your lifted") and self.down_since is not None:
            end_t = self.down_since
        elif ended.startswith("your stance") and self.moved_since is not None:
            end_t = self.moved_since
        self.stance_time = min(end_t - self.trial_start, self.max_time)
        self.stance_end = ended
        return f"Stance over: {ended}.", live, True, 1.0

    def finish(self) -> None:
        """End capture now; a stance still running ends at the last frame."""
        if self.phase == "capture" and self.current is not None and len(self.current):
            self.stance_time = min(float(self.current.t[-1] - self.trial_start), self.max_time)
            self.stance_end = "the recording ended"
        super().finish()

    def _result(self) -> Result:
        """One stance: time, sway, hip-line tilt and trunk lean (no pass mark)."""
        eyes, _ = self._now()
        if self.current is None or not math.isfinite(self.stance_time):
            return Result(
                test=self.name,
                metrics={},
                score=math.nan,
                passed=False,
                thresholds=(),
                feedback="No single-leg stance was seen: lift one foot clearly off the floor "
                f"(at least {100 * self.lift:.0f} % of your height) and hold it.",
                side="",
                started_at=self.started_at,
                duration=self.duration,
                warnings=self._warnings(),
            )
        tr, time_s = self.current, self.stance_time
        metrics: dict[str, Metric] = {
            "time": Metric(time_s, "s", f"single-leg stance time ({self.stance_end})"),
        }
        metrics.update(self._sway(tr))
        metrics["pelvic_drop"] = Metric(
            nanmed(tr["drop"]), "deg", "hip line tilt, + lifted-leg hip lower (median)"
        )
        metrics["pelvic_drop_max"] = Metric(nanpct(tr["drop"], 95), "deg", "95th percentile")
        metrics["trunk_lean"] = Metric(
            nanmed(tr["lean"]), "deg", "trunk from vertical, + toward the stance leg (median)"
        )
        warn = (
            ["The recording ended during the stance."]
            if self.stance_end.startswith("the rec")
            else []
        )
        return assemble(
            self.name,
            self._with_errors(metrics),
            thresholds=(),
            soft={},
            feedback=f"You stood {time_s:.1f} s on your {self.stance} leg, eyes {eyes}.",
            side=self.stance,
            started_at=float(self.trial_start),
            duration=float(time_s),
            warnings=self._warnings(*warn),
        )

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

    def _combine(self, trials: tuple[Result, ...], *, complete: int) -> Result:
        """Best of the trials per leg and eyes condition, placed by age; legs compared by MDC."""
        groups: dict[tuple[str, str], list[Result]] = {}
        for i, tr in enumerate(trials):
            if "time" in tr.metrics and math.isfinite(tr.value("time")):
                groups.setdefault((self.plan[min(i, len(self.plan) - 1)][0], tr.side), []).append(
                    tr
                )
        metrics: dict[str, Metric] = {}
        placements: list[str] = []
        changes: list[Change] = []
        for eyes in self.conditions:
            best_of: dict[str, tuple[float, float]] = {}  # leg -> (best time, typical error)
            for leg in ("left", "right"):
                got = groups.get((eyes, leg), [])
                if not got:
                    continue
                key = ("" if eyes == "open" else "_closed") + (f"_{leg}" if self.legs == 2 else "")
                times = [tr.value("time") for tr in got]
                best = got[int(np.argmax(times))]
                for k, m in best.metrics.items():
                    rel = reliability(
                        [tr.metrics[k].value if k in tr.metrics else math.nan for tr in got]
                    )
                    summary = "best" if k == "time" else "best stance"
                    metrics[f"{k}{key}"] = replace(m, reliability=rel, summary=summary)
                best_of[leg] = (max(times), reliability(times).typical_error)
                placements.append(
                    place(max(times), age=self.age, eyes=eyes, leg=leg if self.legs == 2 else "")
                )
            if len(best_of) == 2:
                (bl, el), (br, er) = best_of["left"], best_of["right"]
                pooled = math.sqrt((el**2 + er**2) / 2.0)
                suffix = "" if eyes == "open" else "_closed"
                metrics[f"time_asymmetry{suffix}"] = Metric(
                    100.0 * abs(bl - br) / max(bl, br, 1e-9), "%",
                    "difference between the legs' best times / the longer one",
                )  # fmt: skip
                changes.append(
                    change(bl, br, mdc95(pooled), label=f"left vs right, eyes {eyes}", unit="s")
                )
        used = trials[:complete] or trials
        warnings = list(dict.fromkeys(w for tr in trials for w in tr.warnings))
        if complete < self.n_captures:
            warnings.append(
                f"Only {complete} of {self.n_captures} stances were completed: a best of fewer "
                "trials than planned is not comparable with the reference values."
            )
        if not metrics:
            feedback = trials[-1].feedback
        else:
            feedback = (
                f"Best of your trials per leg ({ARMS}, {self.max_time:.0f} s cap), compared with "
                "your age group below; left and right differ really only beyond your smallest "
                "real change."
            )
        sides = {tr.side for tr in used if tr.side}
        return Result(
            test=self.name,
            metrics=metrics,
            score=math.nan,
            passed=False,
            thresholds=(),
            feedback=feedback,
            side="both" if len(sides) > 1 else (sides.pop() if sides else ""),
            started_at=self._first_started,
            duration=float(self.ended_at - self._first_started),
            warnings=(*warnings, f"Reference values: {NORMS_SOURCE}."),
            trials=trials,
            changes=tuple(changes),
            placement=" ".join(placements),
            trials_planned=self.n_captures,
        )
