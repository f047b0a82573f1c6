"""Running gait from a side view, using the gait events of :mod:`course.analysis.gait`.

Cadence, contact time, overstride, shank angle, trunk lean and hip extension at toe-off.

Film side-on with a static, level camera (a treadmill is easiest; outdoors, run past the camera
at a constant distance). At 30 fps one frame is 33 ms, a sizeable part of a 200–300 ms ground
contact: 60 fps or more is better for contact time.
"""

from __future__ import annotations

import math

import numpy as np

from course.schema import Pose
from course.selftests import checks as ck
from course.selftests import kinematics as kin
from course.selftests.results import Metric, Result, Threshold
from course.selftests.trace import nanmed
from course.selftests.views import SideView

LIEBERMAN = (
    "Running Form Lab heuristic; braking grows with how far ahead of the hip the foot lands "
    "(Lieberman et al. 2015, J Exp Biol 218:3406)"
)
HEIDERSCHEIT = (
    "Heiderscheit et al. 2011, Med Sci Sports Exerc 43:296 — a 5–10 % higher step rate lowers "
    "braking and hip/knee loading"
)


class RunningGait(SideView):
    """Side-view running clip: cadence, contact time, overstride, shank angle, lean, hip extension.

    Parameters
    ----------
    duration
        Seconds to capture live (a recording is used to its end or until the runner has been out
        of view for ``lost_after`` seconds).
    lost_after
        Capture ends after this many seconds without a person.

    Examples
    --------
    >>> RunningGait(duration=8).capture_s
    8.0
    """

    name = "running_gait"
    smoothing = False  # event timing / sway: smoothing lag would bias them
    overlay_angles = ("trunk_lean", "thigh", "knee", "shank")
    title = "Running form (side view)"
    ready_message = "Start running, side-on to the camera."
    limitations = (
        "Image-plane (2-D) angles and distances: the camera must be static, level and square to "
        "the running direction; a runner moving toward or away from it distorts them.",
        "Contact events come from foot height in the image (running) or from how far the feet "
        "reach ahead of and behind the hip (walking), so they are only as precise as one "
        "frame (33 ms at 30 fps).",
    )
    thresholds = (
        Threshold("overstride", "<=", 0.25, "leg lengths", LIEBERMAN),
        Threshold("shank_angle", "<=", 10.0, "deg", LIEBERMAN),
    )

    def __init__(
        self,
        *,
        duration: float = 15.0,
        lost_after: float = 1.0,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        self.capture_s = float(duration)
        self.lost_after = float(lost_after)
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    def setup_checks(self, pose: Pose) -> list[ck.Check]:
        """Side view and whole body in frame; a runner may be small in the picture."""
        checks = [
            ck.check_view(pose, "side"),
            ck.check_in_frame(pose),
            ck.check_distance(pose, low=0.3, high=0.95),
        ]
        if self.requested_side != "auto":
            checks.append(ck.check_side_facing(pose, self.requested_side))
        return checks

    def _reset_capture(self) -> None:
        self.frames: list[np.ndarray] = []
        self.times: list[float] = []
        self.image_size = (1, 1)
        self.last_seen = math.nan

    def _begin(self, pose: Pose, t: float) -> None:
        self.image_size = pose.image_size

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        if elapsed >= self.capture_s:
            return "Done: you can stop.", {}, True, 1.0
        self.times.append(t)
        if pose is None:
            self.frames.append(np.full((33, 3), np.nan))
            if math.isfinite(self.last_seen) and t - self.last_seen > self.lost_after:
                return "You left the picture: capture ended.", {}, True, 1.0
            return "I lost you: keep running side-on in view.", {}, False, elapsed / self.capture_s
        self.last_seen = t
        self.frames.append(np.asarray(pose.landmarks, dtype=np.float64))
        ang = self.angles
        live = {"trunk_lean_deg": ang["trunk_lean"], "thigh_deg": ang["thigh"]}
        return "Keep running naturally.", live, False, elapsed / self.capture_s

    def _result(self) -> Result:
        from course.analysis.filters import fill_gaps
        from course.analysis.gait import gait_metrics

        lm = np.asarray(self.frames, dtype=np.float64).reshape(-1, 33, 3)
        t = np.asarray(self.times, dtype=np.float64)
        w, h = self.image_size
        px = lm[..., :2] * np.array([w, h], dtype=np.float64)
        extra: list[str] = []
        nan = math.nan
        fps = 1.0 / float(np.median(np.diff(t))) if t.size > 1 else nan
        if t.size > 1:  # bridge short tracking gaps (≤ 0.25 s) so a stance is not cut in two
            xy = fill_gaps(lm[..., :2], max_gap=max(1, round(0.25 * fps)))
        else:
            xy = lm[..., :2]
        try:
            gm = gait_metrics(xy, t, facing=self.facing, image_size=(w, h))
        except ValueError as exc:  # too few frames or no usable foot track
            gm = None
            extra.append(f"No gait events could be found: {exc}")
        angles = kin.body_angles(px, side=self.side, facing=self.facing)
        trunk = nanmed(np.asarray(angles["trunk_lean"]))
        hip_ext_to = nan
        n_steps = 0
        if gm is not None:
            extra.extend(gm.rejected)  # physiologically impossible steps left out, said aloud
            n_steps = int(np.isfinite(gm.step_time).sum())
            vals: list[float] = []
            for side in ("left", "right"):
                _, toe_off = gm.events.contacts(side)
                toe_off = toe_off[np.isfinite(toe_off)]
                if toe_off.size:
                    flex = kin.body_angles(px, side=side, facing=self.facing)["hip_flexion"]
                    ok = np.isfinite(flex)
                    if ok.sum() >= 2:
                        vals.extend((-np.interp(toe_off, t[ok], flex[ok])).tolist())
            hip_ext_to = float(np.median(vals)) if vals else nan
        if gm is not None and n_steps < 4:
            extra.append(f"Only {n_steps} steps were found: record at least 6–8 steps.")
        metrics = {
            "cadence": Metric(gm.cadence if gm else nan, "steps/min", "median step rate"),
            "contact_time": Metric(gm.contact_time if gm else nan, "s", "median ground contact"),
            "flight_time": Metric(gm.flight_time if gm else nan, "s", "median flight"),
            "overstride": Metric(
                gm.median_overstride if gm else nan,
                "leg lengths",
                "heel ahead of the hip at contact (median)",
            ),
            "shank_angle": Metric(
                gm.median_shank_angle if gm else nan,
                "deg",
                "shank from vertical at contact, + ankle ahead of knee (median)",
            ),
            "trunk_lean": Metric(trunk, "deg", "trunk forward of vertical (median)"),
            "hip_extension_at_toe_off": Metric(
                hip_ext_to, "deg", "trunk–thigh angle past straight at toe-off (median)"
            ),
            "steps": Metric(float(n_steps), "count", "steps with a detected contact"),
            "frame_rate": Metric(fps, "fps", "median frame rate"),
        }
        values = {k: m.value for k, m in metrics.items()}
        soft = {"overstride": 0.25, "shank_angle": 15.0}
        notes = []
        if math.isfinite(values["cadence"]):
            notes.append(
                f"Cadence {values['cadence']:.0f} steps/min; to land softer, try 5–10 % more "
                f"({1.05 * values['cadence']:.0f}–{1.10 * values['cadence']:.0f})."
            )
        if not values["overstride"] <= 0.25:
            notes.append("Your foot lands well ahead of your hip: land closer under your body.")
        if not values["shank_angle"] <= 10.0:
            notes.append("Your shin reaches forward at contact: aim for a more vertical shin.")
        if math.isfinite(hip_ext_to) and hip_ext_to < 0:
            notes.append("Little hip extension at toe-off: push the ground back behind you.")
        feedback = " ".join(notes) or "No gait events were found in this clip."
        if fps < 50:
            extra.append(
                f"Frame rate {fps:.0f} fps: contact times are uncertain by about one frame "
                f"({1000 / fps:.0f} ms); film at 60 fps or more if you can."
            )
        return self._scored(
            metrics,
            thresholds=self.thresholds,
            soft=soft,
            feedback=feedback,
            warnings=self._warnings(*extra, f"cadence advice: {HEIDERSCHEIT}"),
        )
