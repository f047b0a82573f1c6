"""The state machine every self-test shares: setup checks, countdown, capture, result.

A protocol is driven one frame at a time by :meth:`Protocol.update` and goes through the phases

``setup`` → ``ready`` → ``countdown`` → ``capture`` → ``done``

A test runs ``trials`` captures (default 3). After each capture but the last, the protocol rests
(phase ``ready``, ``rest`` seconds, 0 s for recordings), then goes back to ``setup`` for the next
trial; the result is the mean of the trials with each metric's typical error and smallest real
change (:mod:`course.selftests.reliability`), and every trial's own result in ``trials``.

``setup`` repeats the camera checks (one person, right view, whole body in frame, distance, the
right side facing the camera) until all pass; ``ready`` asks the learner to hold the position for
a moment; ``countdown`` counts down (0 s for recorded video); ``capture`` measures until the test
ends or its duration runs out.

Every frame is first smoothed and measured by :class:`course.analysis.live.LiveAnalyzer` (One-Euro
filter and every named angle, one call into the compiled core). The protocol records and scores
those smoothed values, and :class:`Feedback` carries the same frame to the live overlay, so the
numbers a learner sees are the numbers that get scored. When setup passes, a side-view protocol
locks the side and direction it measures; from then on the overlay shows that side. The same code
runs live, on a video file (:mod:`course.live`) and on a recorded
:class:`~course.schema.PoseSeries` (:meth:`Protocol.run`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from course.analysis.geometry import ANGLE_NAMES
from course.analysis.live import LiveAnalyzer, LiveFrame
from course.schema import Pose, PoseSeries
from course.selftests import checks as ck
from course.selftests.errors import camera_error, derived_angle
from course.selftests.feedback import PHASES, Feedback, Phase
from course.selftests.results import Metric, Result, Threshold, assemble
from course.selftests.trials import mean_of

__all__ = ["PHASES", "Feedback", "Phase", "Protocol"]


class Protocol(ABC):
    """Base class of the self-test state machines.

    Parameters
    ----------
    side
        The person's side to test, ``"left"``, ``"right"`` or ``"auto"`` (the side nearest the
        camera in side views; the stance leg in balance tests).
    countdown
        Seconds of countdown before capture. ``None``: 3 s live, 0 s in :meth:`run`.
    hold_to_start
        Seconds the setup checks must pass in a row before the countdown (``None``: 0.5 s live,
        0 s in :meth:`run`).
    trials
        How many times the test is repeated (1–10, default 3): the result reports the mean and
        the learner's own trial-to-trial error. Pass 1 for a quick look.
    rest
        Seconds of rest between trials (``None``: 5 s live, 0 s in :meth:`run`).
    """

    #: Registry name.
    name: ClassVar[str] = ""
    #: Title for people.
    title: ClassVar[str] = ""
    #: Camera view the test needs: ``"side"``, ``"front"`` or ``"lying"`` (side view, lying).
    view: ClassVar[str] = "side"
    #: Instruction shown during ``ready``.
    ready_message: str = "Good position. Hold still."
    #: What a webcam cannot measure in this test.
    limitations: ClassVar[tuple[str, ...]] = ()
    #: Named angles (see :mod:`course.analysis.geometry`) the live overlay draws for this test:
    #: the very values the protocol records and scores.
    overlay_angles: ClassVar[tuple[str, ...]] = ()
    #: Smooth the landmarks (One-Euro) before measuring. Tests that time quick events (take-off,
    #: foot contact) or measure small sway set False: smoothing lag would bias them. Either way
    #: the overlay draws exactly what the protocol measures.
    smoothing: ClassVar[bool] = True
    #: Build the result with :meth:`_combine` even for a single capture (balance: the norms).
    combine_single: ClassVar[bool] = False

    def __init__(
        self,
        *,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
        trials: int = 3,
        rest: float | None = None,
    ) -> None:
        if side not in {"auto", "left", "right"}:
            raise ValueError(f"side must be 'auto', 'left' or 'right'; got {side!r}.")
        if countdown is not None and not (countdown >= 0 and math.isfinite(countdown)):
            raise ValueError(f"countdown must be >= 0 seconds; got {countdown!r}.")
        if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= 10:
            raise ValueError(
                f"trials must be a whole number of repeats from 1 to 10; got {trials!r}. Use 3 "
                "to learn your own trial-to-trial error, 1 for a quick look."
            )
        if rest is not None and not (rest >= 0 and math.isfinite(rest)):
            raise ValueError(f"rest must be >= 0 seconds between trials; got {rest!r}.")
        self.requested_side = side
        self.n_trials = trials
        self._countdown_cfg = countdown
        self._hold_cfg = hold_to_start
        self._rest_cfg = rest
        self.countdown = 3.0 if countdown is None else float(countdown)
        self.hold_to_start = 0.5 if hold_to_start is None else float(hold_to_start)
        self.rest = 5.0 if rest is None else float(rest)
        self.reset()

    # -- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything measured and go back to ``setup``."""
        self.phase: Phase = "setup"
        self.side = "" if self.requested_side == "auto" else self.requested_side
        self._good_since: float | None = None
        self._countdown_start = math.nan
        self.started_at = math.nan
        self.ended_at = math.nan
        self._last_t = math.nan
        self._last_setup_message = "No frames received yet."
        self._setup_counts: dict[str, int] = {}  # failed check name -> frames
        self._setup_texts: dict[str, str] = {}  # failed check name -> its latest message
        self._frames_captured = 0
        self._locked = False
        self._frames_missing = 0
        self._extra_warnings: list[str] = []
        self._cut_short = False
        self._trial_results: list[Result] = []
        self._partial: Result | None = None
        self._rest_until = -math.inf
        self._first_started = math.nan
        self._give_up = False
        self._soft: Mapping[str, float] = {}
        #: One-Euro smoothing and the named angles of every frame (compiled core): the protocol
        #: scores the smoothed landmarks and angles that the live overlay draws.
        self.analyzer = LiveAnalyzer(
            side=self.requested_side,  # type: ignore[arg-type]
            facing="auto",
            smooth=self.smoothing,
        )
        #: The analysed current frame (None when no person was found in it).
        self.frame: LiveFrame | None = None
        self._reset_capture()

    @abstractmethod
    def _reset_capture(self) -> None:
        """Clear the per-capture buffers."""

    # -- hooks --------------------------------------------------------------------------------
    def setup_checks(self, pose: Pose) -> list[ck.Check]:
        """The camera checks for this test (after the person/one-person checks)."""
        checks = [ck.check_view(pose, self.view)]
        checks.append(ck.check_in_frame(pose, lying=self.view == "lying"))
        checks.append(ck.check_distance(pose, lying=self.view == "lying"))
        if self.view == "side" and self.requested_side != "auto":
            checks.append(ck.check_side_facing(pose, self.requested_side))
        return checks

    def on_setup_ok(self, pose: Pose) -> None:  # noqa: B027 - optional hook
        """Called on each frame where all checks pass (e.g. to lock the side)."""

    def view_lock(self) -> tuple[str, str]:
        """``(side, facing)`` the angles are measured for; ``"auto"`` where nothing is locked."""
        return (self.side or "auto", "auto")

    def _apply_view(self) -> None:
        """Measure the locked side and facing from now on, the current frame included."""
        side, facing = self.view_lock()
        if (side, facing) == (self.analyzer.side, self.analyzer.facing):
            return
        self.analyzer.set_view(side=side, facing=facing)  # type: ignore[arg-type]
        frame = self.frame
        fixed = "auto" not in (side, facing)
        if frame is not None and fixed and (frame.side, frame.facing) != (side, facing):
            self.frame = self.analyzer.remeasure(frame)

    @property
    def angles(self) -> dict[str, float]:
        """The current frame's named angles in degrees (smoothed; NaN-filled without a person)."""
        if self.frame is None:
            return dict.fromkeys(ANGLE_NAMES, math.nan)
        return self.frame.angles

    @abstractmethod
    def _begin(self, pose: Pose, t: float) -> None:
        """Start capture at time ``t`` (s)."""

    @abstractmethod
    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        """Handle one capture frame: ``(message, live metrics, finished, progress)``."""

    @abstractmethod
    def _result(self) -> Result:
        """Build the result from the captured data (called once capture started)."""

    # -- driving -----------------------------------------------------------------------------
    def update(self, pose: Pose | None, t: float) -> Feedback:
        """Advance the state machine by one frame.

        Parameters
        ----------
        pose
            The frame's pose, or None when no person was found.
        t
            Frame time in seconds (monotonic; frames with a time not after the previous one are
            ignored).

        Returns
        -------
        Feedback
            Phase, message, live metrics, setup-check flags and progress.
        """
        t = float(t)
        if math.isfinite(self._last_t) and t <= self._last_t:
            return Feedback(self.phase, "Frame out of order; ignored.", {}, {}, 0.0)
        self._last_t = t
        self.frame = None
        if pose is not None:  # smooth first: everything below sees the smoothed landmarks
            self.frame = self.analyzer.update(pose, t)
            pose = replace(pose, landmarks=self.frame.landmarks)
        if self.phase == "done":
            fb = Feedback("done", "Test finished. See your result.", {}, {}, 1.0)
        elif self.phase == "capture":
            fb = self._capture_frame(pose, t)
        else:
            fb = self._setup_frame(pose, t)
        return replace(fb, frame=self.frame, side=self.side, locked=self._locked)

    def _captures(self) -> int:
        """Captures the whole test takes (``trials``; balance: trials × legs × conditions)."""
        return self.n_trials

    def _trial_label(self, index: int) -> str:
        """Name of capture ``index`` (0-based) for messages."""
        return f"trial {index + 1} of {self._captures()}"

    def _rest_message(self, remaining: float) -> str:
        done = len(self._trial_results)
        return (
            f"{self._trial_label(done - 1).capitalize()} done. Rest {math.ceil(remaining)} s, "
            f"then take the start position again for {self._trial_label(done)}."
        )

    def _setup_frame(self, pose: Pose | None, t: float) -> Feedback:
        if t < self._rest_until:
            self.phase = "ready"
            progress = len(self._trial_results) / self._captures()
            return Feedback("ready", self._rest_message(self._rest_until - t), {}, {}, progress)
        checks = ck.run_checks(pose, self.setup_checks if pose is not None else None)
        flags = {c.name: c.ok for c in checks}
        failed = [c for c in checks if not c.ok]
        if failed:
            self.phase = "setup"
            self._good_since = None
            self._last_setup_message = failed[0].message
            name = failed[0].name
            self._setup_counts[name] = self._setup_counts.get(name, 0) + 1
            self._setup_texts[name] = failed[0].message
            return Feedback("setup", failed[0].message, {}, flags, 0.0)
        assert pose is not None
        self.on_setup_ok(pose)
        self._apply_view()
        if self._good_since is None:
            self._good_since = t
        held = t - self._good_since
        if held < self.hold_to_start:
            self.phase = "ready"
            return Feedback("ready", self.ready_message, {}, flags, 0.0)
        if self.phase in {"setup", "ready"}:
            self.phase = "countdown"
            self._countdown_start = t
        remaining = self.countdown - (t - self._countdown_start)
        if remaining > 0:
            return Feedback("countdown", f"Starting in {math.ceil(remaining)}…", {}, flags, 0.0)
        self.phase = "capture"
        self.started_at = t
        if not self._trial_results:
            self._first_started = t
        self._locked = True
        self._begin(pose, t)
        return self._capture_frame(pose, t)

    def _capture_frame(self, pose: Pose | None, t: float) -> Feedback:
        if pose is None:
            self._frames_missing += 1
        else:
            self._frames_captured += 1
        message, metrics, finished, progress = self._capture(pose, t)
        self.ended_at = t
        done = len(self._trial_results)
        overall = (done + min(max(progress, 0.0), 1.0)) / self._captures()
        if finished:
            self._trial_results.append(self._result())
            if len(self._trial_results) < self._captures() and not self._give_up:
                self._next_trial(t)
                return Feedback("ready", self._rest_message(self.rest), metrics, {}, overall)
            self.phase = "done"
            return Feedback("done", message, metrics, {}, 1.0)
        return Feedback("capture", message, metrics, {}, float(overall))

    def _next_trial(self, t: float) -> None:
        """Rest, then back to ``setup`` with fresh capture buffers for the next trial."""
        self.phase = "setup"
        self._good_since = None
        self._locked = False
        self._rest_until = t + self.rest
        self._frames_captured = 0
        self._frames_missing = 0
        self._extra_warnings = []
        self._cut_short = False
        self._reset_capture()

    def use_recorded_timing(self) -> None:
        """A recording has no one to wait for: a countdown or hold not set explicitly is 0 s."""
        if self._countdown_cfg is None:
            self.countdown = 0.0
        if self._hold_cfg is None:
            self.hold_to_start = 0.0
        if self._rest_cfg is None:
            self.rest = 0.0

    def finish(self) -> None:
        """End capture now (e.g. the video ended or the learner pressed stop)."""
        if self.phase == "capture":
            self._cut_short = True
            self._partial = self._result()
            self.phase = "done"
        elif self._trial_results:  # stopped between trials: the test ends with those done
            self.phase = "done"

    def run(self, series: PoseSeries) -> Result:
        """Run the protocol over a recorded series and return the result.

        A countdown or hold not set explicitly is 0 s here (a recording has no one to wait for).

        Examples
        --------
        See the tests; a series comes from :meth:`course.pose.PoseTracker.video`.
        """
        if not isinstance(series, PoseSeries):
            raise TypeError(
                f"run() expects a course.pose.PoseSeries; got {type(series).__name__}. "
                "Make one with course.pose.PoseTracker(...).video(path)."
            )
        self.use_recorded_timing()
        self.reset()
        for t, pose in series:
            self.update(pose, t)
            if self.phase == "done":
                break
        self.finish()
        return self.result()

    def result(self) -> Result:
        """The result so far (call after ``done``; before capture it says why it did not start).

        With one trial this is that trial's result; with several, the mean of the trials done
        (:meth:`_combine`), each trial's own result in ``trials``.
        """
        trials = list(self._trial_results)
        partial = self._partial
        if partial is None and self.phase == "capture":
            partial = self._result()  # asked while a trial is running
        if partial is not None:
            trials.append(partial)
        if not trials:
            return self._not_started_result()
        if self._captures() == 1 and not self.combine_single:
            return trials[0]
        return self._combine(tuple(trials), complete=len(self._trial_results))

    def _combine(self, trials: tuple[Result, ...], *, complete: int) -> Result:
        """One result from several trials: each metric's mean, typical error and MDC95.

        ``trials[:complete]`` ran to the end; a trial cut short is kept in ``trials`` but left
        out of the means unless it is the only one (see :func:`~course.selftests.trials.mean_of`).
        """
        return mean_of(
            self.name,
            trials,
            complete=complete,
            planned=self._captures(),
            soft=self._soft,
            advice=self._feedback_on,
            started_at=self._first_started,
            ended_at=self.ended_at,
        )

    def _feedback_on(self, values: Mapping[str, float]) -> str:
        """Advice on the mean values of several trials (``""``: reuse the last trial's)."""
        return ""

    def _not_started_result(self) -> Result:
        """The result of a test that never reached capture."""
        return Result(
            test=self.name,
            metrics={},
            score=0.0,
            passed=False,
            thresholds=(),
            feedback=self._not_started(),
            side=self.side,
            started_at=math.nan,
            duration=0.0,
            warnings=self.limitations,
            completed=False,
            trials_planned=self._captures(),
        )

    def _not_started(self) -> str:
        if not self._setup_counts:
            return f"The test did not start: {self._last_setup_message}"
        total = sum(self._setup_counts.values())
        ranked = sorted(self._setup_counts.items(), key=lambda kv: -kv[1])
        top, n = ranked[0]
        text = f"The test did not start: {self._setup_texts[top]} ({n} of {total} frames)"
        if len(ranked) > 1:
            second, m = ranked[1]
            text += f"; also: {self._setup_texts[second]} ({m} frames)"
        return text

    # -- helpers for subclasses ------------------------------------------------------------
    def _with_errors(self, metrics: Mapping[str, Metric]) -> dict[str, Metric]:
        """``metrics`` with the angle each derives from and its measured camera error attached.

        The one place a metric meets the validation table (:mod:`course.selftests.errors`).
        """
        out = {}
        for name, m in metrics.items():
            angle = derived_angle(self.name, name) or ""
            cam = camera_error(self.name, self.view, name) if angle else None
            out[name] = replace(m, angle=angle, camera=cam)
        return out

    def _scored(
        self,
        metrics: Mapping[str, Metric],
        *,
        soft: Mapping[str, float],
        feedback: str,
        thresholds: tuple[Threshold, ...],
        warnings: tuple[str, ...] | None = None,
    ) -> Result:
        """One trial's result from its measured ``metrics`` (see :func:`assemble`).

        Every metric gets its measured camera error (:meth:`_with_errors`).
        """
        self._soft = dict(soft)
        return assemble(
            self.name,
            self._with_errors(metrics),
            thresholds=thresholds,
            soft=soft,
            feedback=feedback,
            side=self.side,
            started_at=self.started_at,
            duration=self.duration,
            warnings=self._warnings() if warnings is None else warnings,
        )

    def _warnings(self, *extra: str) -> tuple[str, ...]:
        out = list(self.limitations) + list(extra) + self._extra_warnings
        if self._cut_short:
            out.append(
                f"Capture was stopped after {self.duration:.1f} s, before the test ended: the "
                "numbers use only what was captured."
            )
        total = self._frames_captured + self._frames_missing
        if total and self._frames_missing / total > 0.1:
            out.append(
                f"No person was found in {self._frames_missing} of {total} capture frames "
                f"({100 * self._frames_missing / total:.0f} %): results are less reliable."
            )
        return tuple(out)

    @property
    def duration(self) -> float:
        """Seconds of capture so far."""
        if not math.isfinite(self.started_at):
            return 0.0
        return float(self.ended_at - self.started_at)
