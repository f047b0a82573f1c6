"""The frame-by-frame engine: pose in → smoothing and angles → protocol → one typed frame result.

:class:`Engine` is the one path every frame takes, whether it comes from the learner's browser
camera (an RGB frame for kernel inference, or ready landmarks when the browser ran the pose
model), a video file, a bundled sample clip or a test. It holds no UI and imports nothing from
Jupyter: :class:`widgets.PoseCamera` is transport and drawing around it, and
``python -m course analyze`` runs it on a file.

What the overlay draws is what the protocol scores: the protocol smooths and measures each frame
(:class:`course.selftests.base.Protocol`), and :class:`FrameResult` carries that same frame —
smoothed landmarks, the side and direction locked at setup, the numbers — to the drawing.

Frames are processed in memory and dropped; only a take the learner started recording keeps
anything (:mod:`course.live.takes`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from course.analysis.live import LiveAnalyzer
from course.live.frames import (
    FREE_ANGLES,
    MESSAGES,
    FrameResult,
    Status,
    missing_parts,
    pose_from_landmarks,
)
from course.live.frames import overlay_numbers as _overlay
from course.live.jpeg import encode_jpeg
from course.live.sources import VideoReader, resolve_source
from course.live.takes import Take, TakeRecorder
from course.pose.tracker import PoseTracker
from course.schema import Pose, PoseSeries
from course.selftests import get
from course.selftests.base import Feedback, Protocol
from course.selftests.results import Result

__all__ = ["Engine", "ModelVariant", "VideoRun"]

ModelVariant = Literal["lite", "full", "heavy"]


@dataclass(frozen=True)
class VideoRun:
    """The outcome of :meth:`Engine.run_video`.

    Attributes
    ----------
    series
        Landmarks of every frame read, as tracked (NaN where nobody was found), with the video's
        times in s.
    result
        The self-test's result, or None without a test.
    frames
        Number of frames analysed.
    fps
        Processing rate achieved, frames per second of wall time.
    """

    series: PoseSeries
    result: Result | None
    frames: int
    fps: float


class Engine:
    """Tracker, smoothing/angles and self-test protocol for one stream of frames.

    Parameters
    ----------
    test
        Name of a protocol in :mod:`course.selftests` (``""``: none, the overlay shows angles).
    options
        Keyword arguments for the protocol (``side``, ``countdown`` in s, ``mode``...).
    model
        MediaPipe pose model variant for kernel inference.
    max_people
        People the model looks for: 1 lets MediaPipe track between frames (about half the cost
        per frame); 2 runs the detector on every frame, so a second person is noticed.
    recorded
        The frames come from a recording (a file): nobody needs time to get ready, so a
        countdown or hold not set in ``options`` is 0 s (see
        :meth:`~course.selftests.base.Protocol.use_recorded_timing`). :meth:`run_video` sets it.

    Examples
    --------
    >>> from course.lessons import demos
    >>> engine = Engine(test="pelvic_tilt")
    >>> for t, pose in demos.pelvic_tilt(anterior=12, posterior=7):
    ...     res = engine.process_pose(pose, t)
    >>> engine.result_object().test
    'pelvic_tilt'
    """

    def __init__(
        self,
        *,
        test: str = "",
        options: Mapping[str, object] | None = None,
        model: ModelVariant = "lite",
        max_people: int = 1,
        recorded: bool = False,
    ) -> None:
        self.options = dict(options or {})
        self._recorded = recorded
        self.model: ModelVariant = model
        self.max_people = _check_people(max_people)
        self._tracker: PoseTracker | None = None
        self._free = LiveAnalyzer()
        self._protocol: Protocol | None = None
        self._result: Result | None = None
        self._finished = False
        self._last_t = -math.inf
        self._offset = 0.0
        self.frames = 0
        #: Time the pose model took on the last kernel-inferred frame, ms (profiling).
        self.last_infer_ms = 0.0
        self._recorder: TakeRecorder | None = None
        self.test = test
        self.reset(test=test)  # fails now, not on the first frame, if a name or option is wrong

    # lifecycle -------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Load the pose model now (about 0.3 s) rather than on the first frame."""
        if self._tracker is None:
            self._tracker = PoseTracker(model=self.model, num_poses=self.max_people)
            self._tracker.model_path  # noqa: B018 - resolves (and checks) the model file now

    def reconfigure(
        self, *, model: ModelVariant | None = None, max_people: int | None = None
    ) -> None:
        """Switch the pose model or the number of people looked for, from the next frame on.

        The tracker is rebuilt; smoothing and protocol state are kept.
        """
        new_people = self.max_people if max_people is None else _check_people(max_people)
        new_model = self.model if model is None else model
        if (new_model, new_people) == (self.model, self.max_people):
            return
        self.model, self.max_people = new_model, new_people
        self.close()

    def reset(self, *, test: str | None = None) -> None:
        """Start a new take: fresh smoothing and protocol state (the model stays loaded)."""
        if test is not None:
            self.test = test
        self._protocol = get(self.test)(**self.options) if self.test else None  # type: ignore[arg-type]
        if self._protocol is not None and self._recorded:
            self._protocol.use_recorded_timing()
        self._free = LiveAnalyzer()
        self._finished = False
        self._result = None

    def close(self) -> None:
        """Release the MediaPipe graph; the engine loads it again when needed."""
        tracker, self._tracker = self._tracker, None
        if tracker is not None:
            tracker.close()

    @property
    def protocol(self) -> Protocol | None:
        """The running protocol, or None."""
        return self._protocol

    @property
    def recorded(self) -> bool:
        """True when the frames come from a recording (see the class parameters)."""
        return self._recorded

    @recorded.setter
    def recorded(self, value: bool) -> None:
        self._recorded = bool(value)
        if self._protocol is not None and self._recorded:
            self._protocol.use_recorded_timing()

    # frames ----------------------------------------------------------------------------------
    def _stream_time(self, t: float) -> float:
        """Map ``t`` onto a strictly increasing clock (MediaPipe VIDEO mode needs one).

        A page reload restarts the browser clock; later times are then shifted so the tracker
        and the protocol still see time move forwards.
        """
        ts = t + self._offset
        if ts <= self._last_t:
            self._offset += self._last_t - ts + 1e-3
            ts = t + self._offset
        self._last_t = ts
        return ts

    def process_frame(
        self, rgb: NDArray[np.uint8], t: float, *, image_size: tuple[int, int] | None = None
    ) -> FrameResult:
        """Kernel inference: run one ``(h, w, 3)`` uint8 RGB frame taken at ``t`` s.

        ``image_size`` is the ``(width, height)`` in px of the picture the frame stands for,
        when it was sent smaller than captured (the live camera sends frames at the size the
        model needs): the pose's pixel units then refer to the captured picture, as if it had
        been analysed at full size. Default: the frame's own size.
        """
        start = time.perf_counter()
        size = (rgb.shape[1], rgb.shape[0]) if image_size is None else _check_size(image_size)
        self.prepare()
        assert self._tracker is not None
        ts = self._stream_time(float(t))
        infer_start = time.perf_counter()
        pose = self._tracker.frame(rgb, ts)
        self.last_infer_ms = (time.perf_counter() - infer_start) * 1e3
        if pose is not None and pose.image_size != size:
            pose = replace(pose, image_size=size)
        if self._recorder is not None:
            jpeg = encode_jpeg(rgb) if self._recorder.keep_video else b""
            self._recorder.add(ts, pose, size, jpeg)
        return self._analyse(pose, float(t), ts, start)

    def process_landmarks(
        self,
        landmarks: NDArray[np.floating],
        t: float,
        *,
        image_size: tuple[int, int],
        n_people: int = 1,
    ) -> FrameResult:
        """Browser inference: analyse ready ``(33, 4)`` landmarks found at ``t`` s.

        An empty array means nobody was in view. See :func:`pose_from_landmarks`.
        """
        start = time.perf_counter()
        ts = self._stream_time(float(t))
        pose = pose_from_landmarks(landmarks, ts, image_size, n_people)
        if self._recorder is not None:
            self._recorder.add(ts, pose, image_size)
        return self._analyse(pose, float(t), ts, start)

    def process_pose(self, pose: Pose | None, t: float) -> FrameResult:
        """Analyse a pose already found (a recorded series, a test) at ``t`` s."""
        start = time.perf_counter()
        ts = self._stream_time(float(t))
        if self._recorder is not None and pose is not None:
            self._recorder.add(ts, pose, pose.image_size)
        return self._analyse(pose, float(t), ts, start)

    def _analyse(self, pose: Pose | None, t: float, ts: float, start: float) -> FrameResult:
        self.frames += 1
        status: Status = "streaming"
        message = ""
        if pose is None:
            status, message = "no_person", MESSAGES["no_person"]
        else:
            missing = missing_parts(pose)
            if missing:
                parts = ", ".join(m.replace("_", " ") for m in missing[:3])
                status, message = "partial", MESSAGES["partial"].format(parts=parts)
            elif pose.n_people > 1:
                message = MESSAGES["several"].format(n=pose.n_people)
        feedback: Feedback | None = None
        done = False
        protocol = self._protocol
        if protocol is not None and not self._finished:
            feedback = protocol.update(pose, ts)
            frame = feedback.frame
            flags = feedback.ok_to_start
            if flags.get("side_facing") is False or flags.get("view") is False:
                status, message = "wrong_side", feedback.message
            if feedback.phase == "done":
                self._finished = done = True
                self._result = protocol.result()
                status = "done"
            overlay = _overlay(feedback, frame, protocol.overlay_angles)
        else:
            frame = None if pose is None else self._free.update(pose, ts)
            angles = protocol.overlay_angles if protocol is not None else FREE_ANGLES
            overlay = _overlay(None, frame, angles)
        proc_ms = (time.perf_counter() - start) * 1e3
        return FrameResult(t, pose, frame, overlay, feedback, status, message, done, proc_ms)

    # results -----------------------------------------------------------------------------------
    def result_object(self) -> Result | None:
        """The protocol's result (fixed once the test finished), or None without a protocol."""
        if self._protocol is None:
            return None
        if self._result is not None:
            return self._result
        return self._protocol.result()

    def finish(self) -> Result | None:
        """End capture now (the video ended, the learner pressed stop) and return the result."""
        if self._protocol is None:
            return None
        if not self._finished:
            self._protocol.finish()
            self._finished = True
            self._result = self._protocol.result()
        return self._result

    # recording ---------------------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        """True while a take is being recorded."""
        return self._recorder is not None

    def start_take(self, *, keep_video: bool = False) -> None:
        """Start keeping the landmarks of every frame (and JPEG frames if ``keep_video``)."""
        self._recorder = TakeRecorder(keep_video=keep_video)

    def stop_take(self, label: str) -> Take | None:
        """Stop recording; the take (times from 0), or None if no frame was recorded."""
        recorder, self._recorder = self._recorder, None
        return None if recorder is None else recorder.finish(label=label)

    # files -------------------------------------------------------------------------------------
    def run_video(
        self,
        source: str | Path,
        *,
        max_frames: int | None = None,
        max_size: tuple[int, int] | None = None,
        on_frame: Callable[[NDArray[np.uint8], FrameResult], object] | None = None,
        progress: bool = False,
        finish: bool = True,
    ) -> VideoRun:
        """Run every frame of a video file through the engine, as the live camera would.

        Parameters
        ----------
        source
            A video path or ``"sample:<name>"``.
        max_frames
            Stop after this many frames (default: the whole file).
        max_size
            ``(width, height)`` to scale frames down to (the live widget's capture size);
            None analyses them as stored.
        on_frame
            Called with each frame and its result (drawing, a progress display).
        progress
            Show a text progress bar (tqdm).
        finish
            End the test when the video ends (a capture still running is scored on what was
            seen, and says so). False leaves it running, e.g. to feed more frames.

        Returns
        -------
        VideoRun
            The tracked series, the self-test result (capture ended at the end of the video)
            and the processing rate.

        Raises
        ------
        FileNotFoundError, course.pose.video.VideoError, ValueError
            For a missing, unreadable, corrupt or truncated file, or one with no frames.
        """
        from tqdm.auto import tqdm

        path = resolve_source(source)
        self.recorded = True
        reader = VideoReader(path, max_size=max_size, max_frames=max_frames)
        recorder = TakeRecorder()
        start = time.perf_counter()
        size = (0, 0)
        try:
            with tqdm(unit="frame", desc=path.name, disable=not progress) as bar:
                for rgb, t in reader:
                    res = self.process_frame(rgb, t)
                    size = (rgb.shape[1], rgb.shape[0])
                    recorder.add(t, res.pose, size)
                    if on_frame is not None:
                        on_frame(rgb, res)
                    bar.update(1)
        finally:
            reader.close()
        elapsed = time.perf_counter() - start
        take = recorder.finish(label=str(source))
        if take is None:
            raise ValueError(f"the video {str(source)!r} has no readable frames.")
        series = replace(take.to_series(), t=np.asarray(recorder.t), source=str(source))
        result = self.finish() if finish else self.result_object()
        n = len(series)
        return VideoRun(series, result, n, n / elapsed if elapsed > 0 else 0.0)


def _check_people(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"max_people must be a positive whole number (1 or 2); got {n!r}.")
    return n


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    if isinstance(w, bool) or isinstance(h, bool) or int(w) != w or int(h) != h or w < 1 or h < 1:
        raise ValueError(
            f"image_size must be (width, height) in whole pixels, both at least 1; got {size!r}."
        )
    return int(w), int(h)
