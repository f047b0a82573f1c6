"""Standing side-view tests: pelvic tilt control, posture stack and leaning from the ankles.

MediaPipe has no pelvis landmarks (no ASIS/PSIS), so pelvic tilt is read by proxy: the
trunk–thigh angle (hip flexion, see :mod:`course.selftests.kinematics`) and the trunk's angle to
vertical. Both also change when the lower back or the hips move without the pelvis, which the
results say in their ``warnings``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from course.schema import Pose
from course.selftests import checks as ck
from course.selftests.results import Metric, Result, Threshold
from course.selftests.trace import Trace, nanmed, nanpct, steadiness_sd
from course.selftests.views import ScriptedSideView, SideView

NO_PELVIS = (
    "MediaPipe has no pelvis landmarks (ASIS/PSIS): pelvic tilt is inferred from the trunk–thigh "
    "angle and the trunk's angle to vertical, which also change when the lower back or hips move "
    "on their own. Proxy angles are not clinical pelvic-tilt angles."
)
HEURISTIC = "Running Form Lab heuristic (no published norm exists for this webcam proxy)"
VIGOTSKY = (
    "Vigotsky et al. 2016, PeerJ 4:e2325 — thigh and pelvis angles measured from the side need "
    "pelvic tilt controlled to be valid; used here to set a conservative proxy threshold"
)


class PelvicTilt(ScriptedSideView):
    """Trunk–thigh control, a proxy for pelvic tilt: tip forward and back, then hold neutral.

    What the camera measures is the trunk–thigh angle (side view, standing), which changes when
    the pelvis tilts but also when the lower back or the hips move on their own: the result is
    trunk–thigh control, presented as a proxy for pelvic tilt, not a pelvic tilt angle.

    Scripted capture: ``baseline`` s standing relaxed (the neutral reference), ``explore`` s of
    tipping the pelvis forward then tucking it under, then ``hold`` s back in neutral.

    Parameters
    ----------
    baseline, explore, hold
        Durations of the capture segments in seconds.
    side, countdown, hold_to_start, trials, rest
        See :class:`~course.selftests.base.Protocol`.

    Examples
    --------
    >>> PelvicTilt(countdown=0).phase
    'setup'
    """

    name = "pelvic_tilt"
    overlay_angles = ("hip_flexion", "trunk_lean")
    title = "Trunk–thigh control (pelvic tilt proxy)"
    done_message = "Done: well held."
    record_gaps = True
    ready_message = "Stand tall and relaxed, side-on to the camera."
    limitations = (NO_PELVIS,)
    thresholds: ClassVar[tuple[Threshold, ...]] = (
        Threshold("tilt_range", ">=", 10.0, "deg", f"{HEURISTIC}; see {VIGOTSKY}"),
        Threshold("neutral_sd", "<=", 2.0, "deg", HEURISTIC),
        Threshold("neutral_offset", "<=", 3.0, "deg", HEURISTIC),
    )

    def __init__(
        self,
        *,
        baseline: float = 1.5,
        explore: float = 8.0,
        hold: float = 5.0,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        self.segments = (
            ("baseline", float(baseline), "Stand relaxed: measuring your neutral posture."),
            (
                "anterior",
                explore / 2,
                "Tip your pelvis forward: stick your bottom out and arch your lower back.",
            ),
            (
                "posterior",
                explore / 2,
                "Now tuck your pelvis under: flatten your lower back, squeeze your glutes.",
            ),
            ("hold", float(hold), "Return to neutral and hold still."),
        )
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    def _segment_frame(
        self, pose: Pose, t: float, segment: int, message: str
    ) -> tuple[str, dict[str, float]]:
        i = segment
        ang = self.angles
        flex, trunk = ang["hip_flexion"], ang["trunk_lean"]
        self.trace.append(t, segment=i, hip_flexion=flex, trunk=trunk)
        base = self.trace.baseline("hip_flexion")
        live = {"hip_flexion_deg": flex, "trunk_lean_deg": trunk}
        if math.isfinite(base) and i > 0:
            live["tilt_proxy_deg"] = flex - base
        return message, live

    def _result(self) -> Result:
        seg = self.trace["segment"]
        flex = self.trace["hip_flexion"]
        trunk = self.trace["trunk"]
        base = nanmed(flex[seg == 0])
        explore = (seg == 1) | (seg == 2)
        rel = flex[explore] - base
        anterior = max(0.0, nanpct(rel, 95)) if rel.size else math.nan
        posterior = max(0.0, nanpct(-rel, 95)) if rel.size else math.nan
        hold_t = self.trace.t[seg == 3]
        hold = flex[seg == 3]
        if hold_t.size:  # let the first second of the hold settle
            settled = hold_t >= hold_t[0] + min(1.0, 0.25 * self.segments[3][1])
            hold, hold_t = hold[settled], hold_t[settled]
        sd, how = steadiness_sd(hold_t, hold) if hold_t.size else (math.nan, "no hold")
        metrics = {
            "neutral_hip_flexion": Metric(base, "deg", "trunk–thigh angle standing relaxed"),
            "anterior_range": Metric(anterior, "deg", "tilt proxy forward of neutral (95th pct)"),
            "posterior_range": Metric(posterior, "deg", "tilt proxy back of neutral (95th pct)"),
            "tilt_range": Metric(anterior + posterior, "deg", "total tilt proxy range explored"),
            "neutral_sd": Metric(sd, "deg", f"tilt proxy wobble while holding ({how})"),
            "neutral_offset": Metric(
                abs(nanmed(hold) - base), "deg", "hold minus relaxed neutral, absolute"
            ),
            "trunk_lean": Metric(
                nanmed(trunk[seg == 3]), "deg", "trunk to vertical while holding, + forward"
            ),
        }
        values = {k: m.value for k, m in metrics.items()}
        soft = {"tilt_range": 10.0, "neutral_sd": 3.0, "neutral_offset": 5.0}
        return self._scored(
            metrics,
            thresholds=self.thresholds,
            soft=soft,
            feedback=self._feedback_on(values),
        )

    def _feedback_on(self, values: Mapping[str, float]) -> str:
        anterior, posterior = values["anterior_range"], values["posterior_range"]
        notes = []
        if not values["tilt_range"] >= 10.0:
            notes.append(
                "Your tilt range was small: exaggerate both directions (bottom out, then tuck)."
            )
        if anterior < 0.25 * max(posterior, 1e-9) or posterior < 0.25 * max(anterior, 1e-9):
            notes.append("One direction moved much less than the other: practise that one.")
        if not values["neutral_sd"] <= 2.0:
            notes.append("Your neutral hold wobbled: breathe, brace lightly and keep still.")
        if not values["neutral_offset"] <= 3.0:
            notes.append("You did not quite return to your relaxed neutral.")
        return " ".join(notes) or "Good control: full range both ways and a steady neutral."


class PostureStack(SideView):
    """Standing alignment: ear, shoulder and hip stacked over the ankle (side view).

    Horizontal offsets of ear, shoulder, hip and knee from the ankle of the side facing the
    camera, as a percentage of body height (+ forward), held for ``hold`` seconds. The classic
    plumb-line description (Kendall et al., *Muscles: Testing and Function*) puts the ear,
    shoulder and hip on one vertical line slightly in front of the ankle; this test reports how
    far from one line those three points are (``stack_spread``) and how far the head sits
    forward of the shoulder (``head_forward``). It is the visible part of a vertical-compression
    test: a stacked posture transmits a push down the shoulders to the feet without buckling.

    Examples
    --------
    >>> PostureStack(hold=3.0).name
    'posture_stack'
    """

    name = "posture_stack"
    overlay_angles = ("trunk_lean", "body_lean")
    title = "Posture stack (plumb line)"
    ready_message = "Stand tall and relaxed, side-on, arms by your sides."
    limitations = (
        "The ankle landmark approximates the lateral malleolus and the hip landmark the hip "
        "joint centre; offsets of 1–2 % of height are within landmark noise.",
        "A webcam cannot apply or measure a vertical-compression load: only alignment is scored.",
    )
    thresholds: ClassVar[tuple[Threshold, ...]] = (
        Threshold("stack_spread", "<=", 4.0, "% height", f"{HEURISTIC}; plumb line after Kendall"),
        Threshold("head_forward", "<=", 3.0, "% height", f"{HEURISTIC}; plumb line after Kendall"),
    )

    def __init__(
        self,
        *,
        hold: float = 3.0,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        self.hold = float(hold)
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    def _reset_capture(self) -> None:
        self.trace = Trace()
        self.height_px = math.nan

    def _begin(self, pose: Pose, t: float) -> None:
        self.trace = Trace()
        self.height_px = ck.body_height_px(pose)

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        if elapsed >= self.hold:
            return "Done.", {}, True, 1.0
        if pose is None:
            return "I lost you: stay in the picture.", {}, False, elapsed / self.hold
        px = pose.pixels
        sgn = 1.0 if self.facing == "right" else -1.0
        ankle = px[ck.side_index(self.side, "ankle"), 0]
        off = {
            part: 100.0 * sgn * (px[ck.side_index(self.side, part), 0] - ankle) / self.height_px
            for part in ("ear", "shoulder", "hip", "knee")
        }
        self.trace.append(t, **off)
        return (
            "Hold still, standing tall.",
            {f"{k}_offset_pct": v for k, v in off.items()},
            False,
            elapsed / self.hold,
        )

    def _result(self) -> Result:
        med = {p: nanmed(self.trace[p]) for p in ("ear", "shoulder", "hip", "knee")}
        three = [med["ear"], med["shoulder"], med["hip"]]
        spread = max(three) - min(three) if all(map(math.isfinite, three)) else math.nan
        metrics = {
            f"{p}_offset": Metric(v, "% height", f"{p} ahead of the ankle (+ forward)")
            for p, v in med.items()
        }
        metrics["stack_spread"] = Metric(spread, "% height", "ear–shoulder–hip horizontal spread")
        metrics["head_forward"] = Metric(
            med["ear"] - med["shoulder"], "% height", "ear ahead of shoulder (+ forward)"
        )
        values = {k: m.value for k, m in metrics.items()}
        soft = {"stack_spread": 6.0, "head_forward": 5.0}
        notes = []
        if not values["head_forward"] <= 3.0:
            notes.append("Your head sits forward of your shoulders: grow tall through the crown.")
        if med["hip"] - med["shoulder"] > 3.0:
            notes.append("Your hips are pushed forward of your shoulders (a sway-back posture).")
        if med["shoulder"] - med["hip"] > 3.0:
            notes.append("Your shoulders are ahead of your hips: you are leaning forward.")
        feedback = " ".join(notes) or "Well stacked: ear, shoulder and hip line up over the ankle."
        return self._scored(
            metrics,
            thresholds=self.thresholds,
            soft=soft,
            feedback=feedback,
        )


class AnkleLean(ScriptedSideView):
    """Lean forward from the ankles with a straight body, not by bending at the hips (side view).

    Reports the largest whole-body lean (ankle → shoulder line, + forward) relative to standing
    relaxed, and how much the hips bent at that moment (trunk line minus leg line).

    Examples
    --------
    >>> AnkleLean().duration
    0.0
    """

    name = "ankle_lean"
    overlay_angles = ("body_lean", "hip_bend")
    title = "Lean from the ankles"
    ready_message = "Stand tall, side-on, feet hip-width apart."
    limitations = (
        "The lean is measured in the image plane: stand exactly side-on or the angle shrinks.",
    )
    thresholds: ClassVar[tuple[Threshold, ...]] = (
        Threshold("lean_gain", ">=", 5.0, "deg", HEURISTIC),
        Threshold("hip_bend_at_lean", "<=", 10.0, "deg", HEURISTIC),
    )

    def __init__(
        self,
        *,
        baseline: float = 1.0,
        duration: float = 6.0,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        self.segments = (
            ("baseline", float(baseline), "Stand tall and relaxed."),
            (
                "lean",
                float(duration),
                "Lean forward from your ankles like a plank, heels down, then come back.",
            ),
        )
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    def _segment_frame(
        self, pose: Pose, t: float, segment: int, message: str
    ) -> tuple[str, dict[str, float]]:
        i = segment
        ang = self.angles
        lean, bend = ang["body_lean"], ang["hip_bend"]
        self.trace.append(t, segment=i, lean=lean, bend=bend)
        msg = message
        base_bend = self.trace.baseline("bend")
        if i == 1 and bend - base_bend > 10.0:
            msg = "You are bending at the hips: keep hips and shoulders in line with the ankles."
        return msg, {"body_lean_deg": lean, "hip_bend_deg": bend}

    def _result(self) -> Result:
        seg = self.trace["segment"]
        lean, bend = self.trace["lean"], self.trace["bend"]
        base_lean, base_bend = nanmed(lean[seg == 0]), nanmed(bend[seg == 0])
        gain = lean[seg == 1] - base_lean
        best = nanpct(gain, 95)
        near_best = (seg == 1) & np.isfinite(lean) & (lean - base_lean >= 0.8 * best)
        bend_at = nanmed(bend[near_best] - base_bend) if np.any(near_best) else math.nan
        metrics = {
            "lean_gain": Metric(best, "deg", "forward lean of the ankle–shoulder line vs standing"),
            "hip_bend_at_lean": Metric(bend_at, "deg", "extra hip bend near the largest lean"),
            "standing_lean": Metric(base_lean, "deg", "ankle–shoulder line standing relaxed"),
        }
        values = {k: m.value for k, m in metrics.items()}
        soft = {"lean_gain": 5.0, "hip_bend_at_lean": 15.0}
        if not values["hip_bend_at_lean"] <= 10.0:
            feedback = "You leaned by bending at the hips: keep a straight line from heel to head."
        elif not values["lean_gain"] >= 5.0:
            feedback = "Straight body, but lean further: let yourself fall forward from the ankles."
        else:
            feedback = "A clean lean from the ankles with a straight body."
        return self._scored(
            metrics,
            thresholds=self.thresholds,
            soft=soft,
            feedback=feedback,
        )
