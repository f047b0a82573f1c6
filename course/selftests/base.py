"""The shared machinery of every self-test: feedback, results and the setup/capture state machine.

A protocol is driven one frame at a time by :meth:`Protocol.update` and goes through the phases

``setup`` → ``ready`` → ``countdown`` → ``capture`` → ``done``

``setup`` repeats the camera checks (one person, right view, whole body in frame, distance, the
right side facing the camera) until all pass; ``ready`` asks the learner to hold the position for
a moment; ``countdown`` counts down (0 s for recorded video); ``capture`` measures until the test
ends or its duration runs out. The same code runs live and on a recorded
:class:`~course.schema.PoseSeries` (:meth:`Protocol.run`).
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from course.schema import Pose, PoseSeries
from course.selftests import checks as ck

Phase = Literal["setup", "ready", "countdown", "capture", "done"]
PHASES: tuple[Phase, ...] = ("setup", "ready", "countdown", "capture", "done")


@dataclass(frozen=True)
class Feedback:
    """What a protocol tells the learner after one frame.

    Attributes
    ----------
    phase
        ``"setup"``, ``"ready"``, ``"countdown"``, ``"capture"`` or ``"done"``.
    message
        One short sentence for the learner (what to do next).
    metrics
        Live numbers for display, name → value (units in the name suffix, e.g. ``trunk_deg``).
    ok_to_start
        Result of each setup check by name (``"person"``, ``"one_person"``, ``"view"``...).
    progress
        Fraction of the test done, 0..1.
    """

    phase: Phase
    message: str
    metrics: Mapping[str, float] = field(default_factory=dict)
    ok_to_start: Mapping[str, bool] = field(default_factory=dict)
    progress: float = 0.0


@dataclass(frozen=True)
class Metric:
    """One measured number with its unit and a plain-language description.

    Examples
    --------
    >>> Metric(12.5, "deg", "thigh behind vertical").to_dict()["unit"]
    'deg'
    """

    value: float
    unit: str
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        v = float(self.value)
        return {
            "value": v if math.isfinite(v) else None,
            "unit": self.unit,
            "description": self.description,
        }


@dataclass(frozen=True)
class Threshold:
    """A stated pass criterion: ``metric`` compared with ``value`` (in ``unit``) by ``op``.

    Attributes
    ----------
    metric
        Name of the metric in :attr:`Result.metrics`.
    op
        ``">="`` or ``"<="``.
    value
        The threshold in ``unit``.
    unit
        Unit of ``value`` (same as the metric's).
    source
        Where the number comes from (a citation, or "course heuristic" with the reason).

    Examples
    --------
    >>> Threshold("hold_s", ">=", 10.0, "s", "course heuristic").met(12.0)
    True
    """

    metric: str
    op: Literal[">=", "<="]
    value: float
    unit: str
    source: str

    def met(self, x: float) -> bool:
        """True if ``x`` satisfies the criterion (NaN never does)."""
        if not math.isfinite(x):
            return False
        return x >= self.value if self.op == ">=" else x <= self.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "metric": self.metric,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
        }


@dataclass(frozen=True)
class Result:
    """The outcome of one self-test.

    Attributes
    ----------
    test
        Registry name of the protocol (e.g. ``"pelvic_tilt"``).
    metrics
        Name → :class:`Metric` (value with unit).
    score
        0–100, how well the stated thresholds were met (see each protocol).
    passed
        True if every threshold in ``thresholds`` was met.
    thresholds
        The stated criteria with their sources.
    feedback
        A few sentences for the learner.
    side
        ``"left"``, ``"right"``, ``"both"`` or ``""`` (the side tested, the person's own side).
    started_at
        Time (s, on the frame clock) when capture started; NaN if it never did.
    duration
        Capture duration in seconds.
    warnings
        What this webcam measurement cannot tell, and problems seen during capture.
    completed
        False if the test never reached capture (then ``feedback`` says why).
    trials
        Per-trial results for protocols that run several trials (e.g. one per leg).
    """

    test: str
    metrics: Mapping[str, Metric]
    score: float
    passed: bool
    thresholds: tuple[Threshold, ...]
    feedback: str
    side: str
    started_at: float
    duration: float
    warnings: tuple[str, ...] = ()
    completed: bool = True
    trials: tuple[Result, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources cited by the thresholds, in order."""
        return tuple(dict.fromkeys(th.source for th in self.thresholds))

    def value(self, name: str) -> float:
        """The value of metric ``name`` (raises ``KeyError`` listing the names if absent)."""
        if name not in self.metrics:
            raise KeyError(
                f"{self.test} has no metric {name!r}; available: {sorted(self.metrics)}."
            )
        return float(self.metrics[name].value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of everything in the result.

        Examples
        --------
        >>> r = Result("demo", {"x": Metric(1.0, "deg")}, 50.0, False, (), "ok", "", 0.0, 1.0)
        >>> r.to_dict()["metrics"]["x"]["value"]
        1.0
        """

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "test": self.test,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "score": num(self.score),
            "passed": bool(self.passed),
            "thresholds": [th.to_dict() for th in self.thresholds],
            "sources": list(self.sources),
            "feedback": self.feedback,
            "side": self.side,
            "started_at": num(self.started_at),
            "duration": num(self.duration),
            "warnings": list(self.warnings),
            "completed": self.completed,
            "trials": [tr.to_dict() for tr in self.trials],
        }

    def to_json(self) -> str:
        """The result as a JSON string."""
        return json.dumps(self.to_dict(), indent=2)


def score_thresholds(
    values: Mapping[str, float], thresholds: tuple[Threshold, ...], *, soft: Mapping[str, float]
) -> float:
    """Score 0–100: the mean over thresholds of a linear credit that reaches 1 at the threshold.

    Parameters
    ----------
    values
        Metric name → value.
    thresholds
        The criteria.
    soft
        Metric name → width (same unit) over which credit falls from 1 to 0 beyond the threshold.

    Examples
    --------
    >>> th = (Threshold("t", ">=", 10.0, "s", "x"),)
    >>> score_thresholds({"t": 5.0}, th, soft={"t": 10.0})
    50.0
    """
    if not thresholds:
        return float("nan")
    credits = []
    for th in thresholds:
        x = float(values.get(th.metric, float("nan")))
        if not math.isfinite(x):
            credits.append(0.0)
            continue
        if th.met(x):
            credits.append(1.0)
            continue
        miss = th.value - x if th.op == ">=" else x - th.value
        width = soft.get(th.metric, abs(th.value) or 1.0)
        credits.append(min(0.99, max(0.0, 1.0 - miss / width)))  # full credit only when met
    return round(100.0 * sum(credits) / len(credits), 1)


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

    def __init__(
        self,
        *,
        side: str = "auto",
        countdown: float | None = None,
        hold_to_start: float | None = None,
    ) -> None:
        if side not in {"auto", "left", "right"}:
            raise ValueError(f"side must be 'auto', 'left' or 'right'; got {side!r}.")
        if countdown is not None and not (countdown >= 0 and math.isfinite(countdown)):
            raise ValueError(f"countdown must be >= 0 seconds; got {countdown!r}.")
        self.requested_side = side
        self._countdown_cfg = countdown
        self._hold_cfg = hold_to_start
        self.countdown = 3.0 if countdown is None else float(countdown)
        self.hold_to_start = 0.5 if hold_to_start is None else float(hold_to_start)
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
        self._frames_missing = 0
        self._extra_warnings: list[str] = []
        self._cut_short = False
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
        if self.phase == "done":
            return Feedback("done", "Test finished. See your result.", {}, {}, 1.0)
        if self.phase == "capture":
            return self._capture_frame(pose, t)
        return self._setup_frame(pose, t)

    def _setup_frame(self, pose: Pose | None, t: float) -> Feedback:
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
        self._begin(pose, t)
        return self._capture_frame(pose, t)

    def _capture_frame(self, pose: Pose | None, t: float) -> Feedback:
        if pose is None:
            self._frames_missing += 1
        else:
            self._frames_captured += 1
        message, metrics, finished, progress = self._capture(pose, t)
        self.ended_at = t
        if finished:
            self.phase = "done"
            return Feedback("done", message, metrics, {}, 1.0)
        return Feedback("capture", message, metrics, {}, float(min(max(progress, 0.0), 1.0)))

    def finish(self) -> None:
        """End capture now (e.g. the video ended or the learner pressed stop)."""
        if self.phase == "capture":
            self.phase = "done"
            self._cut_short = True

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
        if self._countdown_cfg is None:
            self.countdown = 0.0
        if self._hold_cfg is None:
            self.hold_to_start = 0.0
        self.reset()
        for t, pose in series:
            self.update(pose, t)
            if self.phase == "done":
                break
        self.finish()
        return self.result()

    def result(self) -> Result:
        """The result so far (call after ``done``; before capture it says why it did not start)."""
        if not math.isfinite(self.started_at):
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
            )
        return self._result()

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


class Trace:
    """Per-frame capture buffer: ``append(t, name=value, ...)``, then arrays by name.

    Examples
    --------
    >>> tr = Trace()
    >>> tr.append(0.0, a=1.0); tr.append(0.1, a=3.0)
    >>> tr["a"].tolist(), tr.t.tolist()
    ([1.0, 3.0], [0.0, 0.1])
    """

    def __init__(self) -> None:
        self._t: list[float] = []
        self._cols: dict[str, list[float]] = {}
        self._baselines: dict[tuple[str, int], float] = {}

    def append(self, t: float, **values: float) -> None:
        """Add one frame (missing names are NaN for this frame)."""
        n = len(self._t)
        self._t.append(float(t))
        for k in values.keys() - self._cols.keys():
            self._cols[k] = [math.nan] * n
        for k, col in self._cols.items():
            col.append(float(values.get(k, math.nan)))

    def __len__(self) -> int:
        return len(self._t)

    @property
    def t(self) -> NDArray[np.float64]:
        """Frame times in seconds."""
        return np.asarray(self._t, dtype=np.float64)

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        if name not in self._cols:
            return np.full(len(self._t), np.nan)
        return np.asarray(self._cols[name], dtype=np.float64)

    def baseline(self, name: str, segment: int = 0) -> float:
        """Median of ``name`` over the frames of scripted ``segment`` (column ``"segment"``).

        Cached once a later segment has begun, so live use stays O(1) per frame.
        """
        key = (name, segment)
        if key in self._baselines:
            return self._baselines[key]
        seg = self["segment"]
        value = nanmed(self[name][seg == segment])
        if seg.size and seg[-1] > segment:
            self._baselines[key] = value
        return value


def segment_at(elapsed: float, segments: tuple[tuple[str, float, str], ...]) -> tuple[int, str]:
    """Index and message of the scripted segment ``(name, seconds, message)`` at ``elapsed`` s.

    Returns ``(len(segments), "")`` after the last segment.

    Examples
    --------
    >>> segment_at(1.5, (("a", 1.0, "first"), ("b", 2.0, "second")))
    (1, 'second')
    """
    edge = 0.0
    for i, (_, seconds, message) in enumerate(segments):
        edge += seconds
        if elapsed < edge:
            return i, message
    return len(segments), ""


def nanpct(x: NDArray[np.float64], q: float) -> float:
    """``numpy.nanpercentile`` that returns NaN (not a warning) for all-NaN input."""
    x = x[np.isfinite(x)]
    return float(np.percentile(x, q)) if x.size else math.nan


def nanmed(x: NDArray[np.float64]) -> float:
    """Median ignoring NaN; NaN for no finite values."""
    return nanpct(x, 50.0)


def nansd(x: NDArray[np.float64]) -> float:
    """Sample standard deviation ignoring NaN; NaN for fewer than two finite values."""
    x = x[np.isfinite(x)]
    return float(np.std(x, ddof=1)) if x.size > 1 else math.nan


class SideView(Protocol):
    """A protocol filmed side-on: locks the facing direction and the tested side at setup."""

    view: ClassVar[str] = "side"

    def reset(self) -> None:
        """Forget everything measured and go back to ``setup``."""
        self.facing = "right"
        super().reset()

    def on_setup_ok(self, pose: Pose) -> None:
        """Lock the image direction faced and, for ``side="auto"``, the side nearest the camera."""
        self.facing = ck.facing(pose)
        if self.requested_side == "auto":
            self.side = ck.near_side(pose)


class ScriptedSideView(SideView):
    """A side-view test whose capture follows scripted segments ``(name, seconds, message)``.

    Subclasses set ``self.segments`` before calling ``super().__init__`` and implement
    :meth:`_segment_frame`; this class times the segments, ends the capture after the last one and
    answers frames without a person.
    """

    segments: tuple[tuple[str, float, str], ...]
    trace: Trace
    #: Message when the last segment is over.
    done_message: ClassVar[str] = "Done."
    #: Record a time-only sample (a gap) where no person was found.
    record_gaps: ClassVar[bool] = False

    def _reset_capture(self) -> None:
        self.trace = Trace()

    def _begin(self, pose: Pose, t: float) -> None:
        self.trace = Trace()

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        total = sum(s[1] for s in self.segments)
        i, message = segment_at(elapsed, self.segments)
        if i >= len(self.segments):
            return self.done_message, {}, True, 1.0
        if pose is None:
            if self.record_gaps:
                self.trace.append(t, segment=i)
            return "I lost you: stay in the picture.", {}, False, elapsed / total
        message, live = self._segment_frame(pose, t, i, message)
        return message, live, False, elapsed / total

    @abstractmethod
    def _segment_frame(
        self, pose: Pose, t: float, segment: int, message: str
    ) -> tuple[str, dict[str, float]]:
        """Record one frame of ``segment`` (its index); return the message and live metrics."""


#: Low-pass cutoff (Hz) applied before a hold's standard deviation: landmark jitter from frame to
#: frame is faster than this, a wobble or drift of the body slower.
STEADINESS_CUTOFF_HZ = 2.0


def steadiness_sd(t: NDArray[np.float64], x: NDArray[np.float64]) -> tuple[float, str]:
    """SD of a held signal after a 2 Hz zero-phase low-pass, and a note on how it was computed.

    Frame-to-frame landmark jitter (several degrees in MediaPipe angles) would otherwise dominate
    the SD of a still hold. Short gaps (≤ 0.2 s) are bridged first; with too few samples to filter
    the raw SD is returned and the note says so.

    Examples
    --------
    >>> t = np.arange(300) / 30.0
    >>> slow = 2.0 * np.sin(2 * np.pi * 0.3 * t)  # a wobble: kept
    >>> round(steadiness_sd(t, slow)[0], 1)
    1.4
    """
    from course.analysis.filters import fill_gaps, filtfilt, padlen

    ok = np.isfinite(x)
    if ok.sum() < 2:
        return math.nan, "too few frames"
    fs = 1.0 / float(np.median(np.diff(t)))
    if fs <= 2.5 * STEADINESS_CUTOFF_HZ:
        return nansd(x), f"raw SD (frame rate {fs:.0f} fps too low to filter)"
    y = fill_gaps(x, max_gap=max(1, round(0.2 * fs)))
    first, last = np.flatnonzero(np.isfinite(y))[[0, -1]]
    y = y[first : last + 1]
    if y.size <= padlen(2) or not np.all(np.isfinite(y)):
        return nansd(x), "raw SD (hold too short or gaps too long to filter)"
    smooth = filtfilt(y, cutoff=STEADINESS_CUTOFF_HZ, fs=fs, order=2)
    return float(np.std(smooth, ddof=1)), f"SD after a {STEADINESS_CUTOFF_HZ:g} Hz low-pass"
