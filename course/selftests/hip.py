"""Hip extension tests (half-kneeling and standing) and the glute bridge, filmed side-on.

How the webcam proxy relates to the clinical test: in the Thomas test the learner lies supine
with the other knee held to the chest, which tips the pelvis back and flattens the lower back;
the tested thigh then hangs about 12° below horizontal in elite athletes (Harvey 1998). Here the
pelvis is not seen (no pelvic landmarks), so hip extension is read as the trunk–thigh angle past
straight. If the lower back arches (anterior pelvic tilt) the thigh goes further back without
any more hip extension, which inflates the number; Vigotsky et al. (2016) showed the same
problem makes the modified Thomas test invalid unless pelvic tilt is controlled. The protocols
therefore score trunk control alongside the angle and state the limit in ``warnings``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from course.schema import Landmark as L
from course.schema import Pose
from course.selftests import checks as ck
from course.selftests import kinematics as kin
from course.selftests.base import Protocol
from course.selftests.posture import HEURISTIC, NO_PELVIS
from course.selftests.results import Metric, Result, Threshold
from course.selftests.trace import Trace, nanmed, nanpct, nansd
from course.selftests.views import ScriptedSideView

HARVEY = (
    "Running Form Lab heuristic: 10° past straight, chosen near the hip angle Harvey 1998 (Br J "
    "Sports Med 32:68) reported for elite athletes on the modified Thomas test, a different, "
    "lying clinical test; not a norm for this webcam proxy"
)
#: What is known about the clinical tests this self-test resembles (shown with every result).
CLINICAL_RELIABILITY = (
    "In clinics the modified Thomas test itself is only moderately repeatable: pass/fail "
    "agreement between therapists κ 0.39 for the hip (Peeler & Anderson 2007, Phys Ther Sport "
    "8:14) and κ 0.33–0.40 for the knee (rectus femoris; SEM 7°, Peeler & Anderson 2008, J Athl "
    "Train 43:470); and it is a valid measure of hip extension only when pelvic tilt is "
    "controlled (Vigotsky et al. 2016, PeerJ 4:e2325)."
)
DOORWAY_UNVALIDATED = (
    "The kneeling doorway test has no validation or reliability data at all: treat its number "
    "as a way to watch your own change, not as a diagnosis."
)
VIGOTSKY = (
    "Vigotsky et al. 2016, PeerJ 4:e2325 — thigh angle is not a valid hip-extension measure "
    "unless pelvic tilt is controlled, hence the trunk-control criterion"
)


class HipExtension(ScriptedSideView):
    """Hip extension of the ``side`` leg: half-kneeling (``mode="kneeling"``) or standing.

    kneeling
        Kneel on the tested knee, other foot forward (a doorway lunge stretch), trunk upright;
        tuck the pelvis and shift forward. Scores the trunk–thigh angle past straight at the
        best moment and whether the trunk stayed upright (not leaning back).
    standing
        Stand side-on and swing the tested leg straight back while the trunk stays still.
        Scores the thigh angle behind vertical reached without the trunk tipping forward or
        arching back (trunk change from standing ≤ 5°).

    Parameters
    ----------
    mode
        ``"kneeling"`` or ``"standing"``.
    duration
        Capture seconds after a ``baseline`` second of standing (standing mode) or settling.

    Examples
    --------
    >>> HipExtension(mode="standing").mode
    'standing'
    """

    name = "hip_extension"
    overlay_angles = ("hip_flexion", "thigh", "trunk_lean")
    title = "Hip extension"
    limitations = (
        NO_PELVIS,
        "An arched lower back lets the thigh go further back without more hip extension: the "
        "number is an upper bound unless the pelvis stays tucked.",
        CLINICAL_RELIABILITY,
        DOORWAY_UNVALIDATED,
    )

    def __init__(
        self,
        *,
        mode: str = "kneeling",
        baseline: float = 1.0,
        duration: float = 8.0,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        if mode not in {"kneeling", "standing"}:
            raise ValueError(f"mode must be 'kneeling' or 'standing'; got {mode!r}.")
        self.mode = mode
        if mode == "kneeling":
            self.segments: tuple[tuple[str, float, str], ...] = (
                ("baseline", float(baseline), "Kneel tall: trunk upright, hands on your hips."),
                (
                    "stretch",
                    float(duration),
                    "Tuck your pelvis under, squeeze the glute of the kneeling leg and shift "
                    "forward; keep your trunk upright.",
                ),
            )
            self.ready_message = "Half-kneel side-on: tested knee down behind, other foot ahead."
        else:
            self.segments = (
                ("baseline", float(baseline), "Stand tall and still."),
                (
                    "swing",
                    float(duration),
                    "Swing the leg nearest the camera straight back, slowly, 3 times; keep your "
                    "trunk still.",
                ),
            )
            self.ready_message = "Stand side-on, tested leg nearest the camera, hand on a wall."
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        """The pass criteria for this mode."""
        if self.mode == "kneeling":
            return (
                Threshold("hip_extension", ">=", 10.0, "deg", HARVEY),
                Threshold("trunk_back_lean", "<=", 5.0, "deg", VIGOTSKY),
            )
        return (
            Threshold("clean_extension", ">=", 10.0, "deg", HARVEY),
            Threshold("trunk_change", "<=", 5.0, "deg", VIGOTSKY),
        )

    def setup_checks(self, pose: Pose) -> list[ck.Check]:
        """View, framing, distance, facing, and for kneeling the half-kneeling posture."""
        checks = [ck.check_view(pose, "side"), ck.check_in_frame(pose)]
        low = 0.35 if self.mode == "kneeling" else 0.45
        checks.append(ck.check_distance(pose, low=low))
        tested = self.requested_side if self.requested_side != "auto" else ck.near_side(pose)
        checks.append(ck.check_side_facing(pose, tested))
        if self.mode == "kneeling":
            px = pose.pixels
            face = ck.facing(pose)
            own = kin.frame_angles(px, side=tested, facing=face)["thigh"]
            oth = kin.frame_angles(px, side=ck.other(tested), facing=face)["thigh"]
            knee_low = (
                px[ck.side_index(tested, "knee"), 1]
                > px[ck.side_index(ck.other(tested), "knee"), 1]
            )
            if not (own < oth and knee_low and oth > 30.0):
                checks.append(
                    ck.Check(
                        "posture",
                        False,
                        f"Half-kneel on your {tested} knee (nearest the camera) with the other "
                        "foot flat in front of you.",
                    )
                )
        return checks

    def _segment_frame(
        self, pose: Pose, t: float, segment: int, message: str
    ) -> tuple[str, dict[str, float]]:
        i = segment
        ang = self.angles
        thigh, trunk, ext = ang["thigh"], ang["trunk_lean"], -ang["hip_flexion"]
        self.trace.append(t, segment=i, thigh=thigh, trunk=trunk, ext=ext)
        base_trunk = self.trace.baseline("trunk")
        msg = message
        if i == 1 and self.mode == "kneeling" and trunk < -5.0:
            msg = "You are leaning back: bring your trunk upright and tuck your pelvis."
        if i == 1 and self.mode == "standing" and abs(trunk - base_trunk) > 5.0:
            msg = "Your trunk moved: keep it still and let only the leg go back."
        live = {"hip_extension_deg": ext, "thigh_deg": thigh, "trunk_lean_deg": trunk}
        return msg, live

    def _result(self) -> Result:
        seg = self.trace["segment"]
        thigh, trunk, ext = self.trace["thigh"], self.trace["trunk"], self.trace["ext"]
        act = seg == 1
        base_trunk = nanmed(trunk[seg == 0])
        metrics: dict[str, Metric]
        if self.mode == "kneeling":
            best = nanpct(ext[act], 90)
            near = act & np.isfinite(ext) & (ext >= best - 2.0)
            trunk_at = nanmed(trunk[near]) if np.any(near) else math.nan
            metrics = {
                "hip_extension": Metric(best, "deg", "trunk–thigh angle past straight (90th pct)"),
                "thigh_behind_vertical": Metric(
                    -nanmed(thigh[near]) if np.any(near) else math.nan,
                    "deg",
                    "tested thigh behind vertical at the best moment",
                ),
                "trunk_lean": Metric(trunk_at, "deg", "trunk to vertical at the best moment"),
                "trunk_back_lean": Metric(
                    max(0.0, -trunk_at) if math.isfinite(trunk_at) else math.nan,
                    "deg",
                    "how far the trunk leaned back at the best moment",
                ),
            }
        else:
            change = trunk - base_trunk
            clean = act & np.isfinite(change) & (np.abs(change) <= 5.0)
            raw_best = nanpct(-thigh[act], 95)
            clean_best = nanpct(-thigh[clean], 95) if np.any(clean) else math.nan
            near = act & np.isfinite(thigh) & (-thigh >= raw_best - 2.0)
            change_at = nanpct(np.abs(change[near]), 90) if np.any(near) else math.nan
            metrics = {
                "max_extension": Metric(raw_best, "deg", "thigh behind vertical, any trunk"),
                "clean_extension": Metric(
                    clean_best, "deg", "thigh behind vertical with the trunk within 5°"
                ),
                "trunk_change": Metric(
                    change_at, "deg", "trunk movement from standing at the largest extension"
                ),
                "trunk_sd": Metric(nansd(trunk[act]), "deg", "trunk wobble during the swings"),
            }
        values = {k: m.value for k, m in metrics.items()}
        ths = self.thresholds
        soft = {
            "hip_extension": 10.0,
            "clean_extension": 10.0,
            "trunk_back_lean": 10.0,
            "trunk_change": 10.0,
        }
        feedback = self._feedback_on(values)
        return self._scored(
            metrics,
            thresholds=ths,
            soft=soft,
            feedback=feedback,
            warnings=self._warnings(f"mode: {self.mode}"),
        )

    def _feedback_on(self, v: Mapping[str, float]) -> str:
        if self.mode == "kneeling":
            if not v["trunk_back_lean"] <= 5.0:
                return (
                    "You leaned back to get the angle: that arches the lower back instead of "
                    "stretching the hip. Stay upright and tuck the pelvis."
                )
            if not v["hip_extension"] >= 10.0:
                return (
                    "Limited hip extension with good posture: the hip flexors of the kneeling "
                    "leg are tight. A daily half-kneeling stretch helps."
                )
            return "Good hip extension with an upright trunk."
        if not v["trunk_change"] <= 5.0:
            return (
                "Your trunk moved as the leg went back (tipping forward or arching): the hip "
                "borrowed motion from the back. Keep the trunk still and swing less far."
            )
        if not v["clean_extension"] >= 10.0:
            return "Trunk steady, but the leg did not go far behind you: the hip is stiff."
        return "Clean hip extension: the leg goes back while the trunk stays still."


class GluteBridge(Protocol):
    """Glute bridge hold, lying on the back with knees bent, filmed side-on.

    The bridge angle is the shoulder–hip–knee angle on the side facing the camera (180° = a
    straight line). Counts the seconds the angle stays at or above ``straight`` and reports its
    wobble.

    Examples
    --------
    >>> GluteBridge(duration=10).name
    'glute_bridge'
    """

    name = "glute_bridge"
    overlay_angles = ("hip_flexion",)
    title = "Glute bridge hold"
    view = "lying"
    ready_message = "Lie on your back, knees bent, feet flat, your side to the camera."
    limitations = (
        "The shoulder–hip–knee angle cannot tell a bridge held by the glutes from one held by "
        "arching the lower back.",
    )

    def __init__(
        self,
        *,
        duration: float = 20.0,
        straight: float = 165.0,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        self.capture_s = float(duration)
        self.straight = float(straight)
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        """The pass criteria."""
        return (
            Threshold("hold_time", ">=", min(15.0, 0.75 * self.capture_s), "s", HEURISTIC),
            Threshold("bridge_angle", ">=", self.straight, "deg", HEURISTIC),
        )

    def setup_checks(self, pose: Pose) -> list[ck.Check]:
        """Lying side-on, whole body in frame, distance, and the requested side nearest."""
        checks = [
            ck.check_view(pose, "lying"),
            ck.check_in_frame(pose, lying=True),
            ck.check_distance(pose, lying=True, low=0.5, high=0.98),
        ]
        if self.requested_side != "auto" and near_side_lying(pose) != self.requested_side:
            checks.append(
                ck.Check(
                    "side_facing",
                    False,
                    f"Lie the other way round: your {self.requested_side} side must face the "
                    "camera.",
                )
            )
        return checks

    def on_setup_ok(self, pose: Pose) -> None:
        """Lock the tested side (the one nearest the camera)."""
        if self.requested_side == "auto":
            self.side = near_side_lying(pose)

    def _reset_capture(self) -> None:
        self.trace = Trace()

    def _begin(self, pose: Pose, t: float) -> None:
        self.trace = Trace()

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        if elapsed >= self.capture_s:
            return "Done: lower your hips slowly.", {}, True, 1.0
        if pose is None:
            return "I lost you: stay in the picture.", {}, False, elapsed / self.capture_s
        s = self.side
        angle = float(
            kin.three_point(
                pose.pixels,
                ck.side_index(s, "shoulder"),
                ck.side_index(s, "hip"),
                ck.side_index(s, "knee"),
            )
        )
        self.trace.append(t, angle=angle)
        msg = (
            "Hold: shoulders, hips and knees in one line."
            if angle >= self.straight
            else "Lift your hips higher: squeeze your glutes."
        )
        return msg, {"bridge_angle_deg": angle}, False, elapsed / self.capture_s

    def _result(self) -> Result:
        t, angle = self.trace.t, self.trace["angle"]
        up = np.isfinite(angle) & (angle >= self.straight)
        dt = np.diff(t, append=t[-1] if t.size else 0.0)
        if t.size:
            dt[-1] = float(np.median(dt[:-1])) if t.size > 1 else 0.0
        hold = float(np.sum(dt[up]))
        metrics = {
            "hold_time": Metric(hold, "s", f"time with the bridge angle ≥ {self.straight:.0f}°"),
            "bridge_angle": Metric(nanpct(angle, 90), "deg", "shoulder–hip–knee (90th pct)"),
            "bridge_sd": Metric(
                nansd(angle[up]) if np.any(up) else math.nan, "deg", "wobble while held"
            ),
        }
        values = {k: m.value for k, m in metrics.items()}
        ths = self.thresholds
        soft = {"hold_time": ths[0].value, "bridge_angle": 30.0}
        if not values["bridge_angle"] >= self.straight:
            feedback = "Lift your hips higher until shoulders, hips and knees form a line."
        elif not values["hold_time"] >= ths[0].value:
            feedback = "Good height; now build up the time you can hold it."
        else:
            feedback = "A straight, steady bridge."
        return self._scored(
            metrics,
            thresholds=ths,
            soft=soft,
            feedback=feedback,
        )


def near_side_lying(pose: Pose) -> str:
    """Side nearest the camera of a person lying on the back, from where the head points.

    Lying supine with the head at image-left, the person's right side faces the camera.
    """
    px = pose.pixels
    head = px[L.NOSE, 0]
    feet = float(np.nanmean(px[[L.LEFT_ANKLE, L.RIGHT_ANKLE], 0]))
    return "right" if head < feet else "left"
