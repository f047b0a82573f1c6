"""Jump height from video: flight time between take-off and landing, h = g·t²/8.

Take-off and landing are where the lowest foot point (toes or heels, whichever is lower) crosses
``contact`` × body height above its standing level, interpolated between frames. The frame rate
limits the precision: one frame at 30 fps is 33 ms, and at a typical flight time of 0.5 s that
is ±4 cm of height (dh = g·t·dt/4). Flight-time height also assumes take-off and landing in the
same posture; landing with flexed knees inflates it (Linthorne 2001).
"""

from __future__ import annotations

import math

import numpy as np

from course.constants import G
from course.schema import Landmark as L
from course.schema import Pose
from course.selftests import checks as ck
from course.selftests.base import Protocol
from course.selftests.results import Metric, Result, Threshold
from course.selftests.trace import Trace, nanmed

HEURISTIC = (
    "Running Form Lab heuristic (not a norm): 20 cm is an easy countermovement jump for a "
    "healthy adult; compare yourself over time"
)
FOOT_POINTS = [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX]


def frame_error_cm(flight_time: float, fps: float) -> float:
    """Height error (cm) of a flight time off by one frame: ``100 · g · t · (1/fps) / 4``.

    Examples
    --------
    >>> round(frame_error_cm(0.5, 30.0), 1)
    4.1
    """
    return 100.0 * G * flight_time / fps / 4.0


class JumpHeight(Protocol):
    """Countermovement jumps: best flight-time height of up to ``jumps`` jumps.

    Parameters
    ----------
    jumps
        Number of jumps to capture.
    duration
        Capture gives up after this many seconds.
    baseline
        Seconds of quiet standing at the start, to find the floor level.
    air, contact
        Foot rise (fraction of body height) that means airborne, and the level where take-off and
        landing are timed.

    Examples
    --------
    >>> JumpHeight(jumps=1).n_jumps
    1
    """

    name = "jump_height"
    smoothing = False  # event timing / sway: smoothing lag would bias them
    title = "Jump height (flight time)"
    view = "any"
    ready_message = "Stand still, hands on hips, whole body in view with room above your head."
    limitations = (
        "Flight-time height assumes you land in the take-off posture (legs straight, toes "
        "pointed); landing with bent knees adds height that was not jumped (Linthorne 2001).",
    )

    def __init__(
        self,
        *,
        jumps: int = 3,
        duration: float = 20.0,
        baseline: float = 0.5,
        air: float = 0.03,
        contact: float = 0.01,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        if jumps < 1:
            raise ValueError(f"jumps must be at least 1; got {jumps}.")
        self.n_jumps = int(jumps)
        self.capture_s = float(duration)
        self.baseline_s = float(baseline)
        self.air = float(air)
        self.contact = float(contact)
        super().__init__(
            side=side, countdown=countdown, hold_to_start=hold_to_start, trials=trials, rest=rest
        )

    thresholds = (Threshold("jump_height", ">=", 20.0, "cm", HEURISTIC),)

    def setup_checks(self, pose: Pose) -> list[ck.Check]:
        """Whole body in frame, not too close (room to jump), one person."""
        return [ck.check_in_frame(pose), ck.check_distance(pose, low=0.35, high=0.8)]

    def _reset_capture(self) -> None:
        self.trace = Trace()
        self.height_px = math.nan
        self.floor = math.nan
        self.in_air = False
        self.takeoff = math.nan
        self.flights: list[tuple[float, float]] = []

    def _begin(self, pose: Pose, t: float) -> None:
        self.height_px = ck.body_height_px(pose)

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        prog = len(self.flights) / self.n_jumps
        if elapsed > self.capture_s:
            return "Time is up.", {}, True, 1.0
        if pose is None:
            self.trace.append(t)
            return "I lost you: stay in the picture.", {}, False, prog
        low = float(np.nanmax(pose.pixels[FOOT_POINTS, 1]))
        if elapsed < self.baseline_s or not math.isfinite(self.floor):
            self.trace.append(t, low=low)
            if elapsed >= self.baseline_s:
                self.floor = nanmed(self.trace["low"])
            return "Stand still…", {}, False, 0.0
        rise = (self.floor - low) / self.height_px
        self.trace.append(t, low=low, rise=rise)
        live = {"foot_rise_pct": 100.0 * rise}
        if not self.in_air and rise > self.air:
            self.in_air = True
            self.takeoff = self._crossing(rising=True)
            return "In the air!", live, False, prog
        if self.in_air and rise <= self.contact:
            self.in_air = False
            land = self._crossing(rising=False)
            flight = land - self.takeoff
            if 0.08 <= flight <= 1.5 and math.isfinite(flight):
                self.flights.append((self.takeoff, land))
            if len(self.flights) >= self.n_jumps:
                return "Done.", live, True, 1.0
            return f"Landed. Jump {len(self.flights) + 1} when ready.", live, False, prog
        if self.in_air:
            return "In the air!", live, False, prog
        return f"Jump {len(self.flights) + 1}: dip and jump as high as you can.", live, False, prog

    def _crossing(self, *, rising: bool) -> float:
        """Time the rise crossed ``contact``: backwards from now, interpolated between frames."""
        t, r = self.trace.t, self.trace["rise"]
        level = self.contact
        for i in range(len(t) - 1, 0, -1):
            a, b = r[i - 1], r[i]
            if not (math.isfinite(a) and math.isfinite(b)):
                continue
            crossed = (a <= level < b) if rising else (a > level >= b)
            if crossed:
                return float(t[i - 1] + (level - a) / (b - a) * (t[i] - t[i - 1]))
        return math.nan

    def _result(self) -> Result:
        from course.analysis.jumps import flight_time_height

        fps = 1.0 / float(np.median(np.diff(self.trace.t))) if len(self.trace) > 1 else math.nan
        flights = [b - a for a, b in self.flights]
        heights = [100.0 * float(flight_time_height(f)) for f in flights]
        if heights:
            best = int(np.argmax(heights))
            best_h, best_f = heights[best], flights[best]
        else:
            best_h = best_f = math.nan
        err = frame_error_cm(best_f, fps) if heights else math.nan
        metrics = {
            "jump_height": Metric(best_h, "cm", "best flight-time height, g·t²/8"),
            "flight_time": Metric(best_f, "s", "flight time of the best jump"),
            "mean_height": Metric(
                float(np.mean(heights)) if heights else math.nan, "cm", "mean of all jumps"
            ),
            "jumps": Metric(float(len(heights)), "count", "jumps detected"),
            "frame_rate": Metric(fps, "fps", "median frame rate of the capture"),
            "height_uncertainty": Metric(err, "cm", "height error of a ±1-frame timing error"),
        }
        if not heights:
            feedback = "No jump was seen: jump straight up with both feet leaving the floor."
        else:
            feedback = (
                f"Best jump {best_h:.1f} cm (flight {1000 * best_f:.0f} ms) of {len(heights)}; "
                f"at {fps:.0f} fps one frame of timing error is ±{err:.1f} cm."
            )
        caveat = (
            f"Frame rate {fps:.0f} fps: take-off and landing are known to about ±1 frame "
            f"({1000 / fps:.0f} ms), ±{err:.1f} cm on the best jump."
            if heights
            else ""
        )
        return self._scored(
            metrics,
            thresholds=self.thresholds,
            soft={"jump_height": 20.0},
            feedback=feedback,
            warnings=self._warnings(*([caveat] if caveat else [])),
        )
