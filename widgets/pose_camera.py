"""``PoseCamera``: live webcam pose tracking in a notebook, with skeleton, angles and feedback.

The browser reads the camera (so a remote kernel works too). In kernel inference it sends one
JPEG frame at a time and draws the kernel's answer over the live video; in browser inference
MediaPipe runs in a Web Worker in the page, the skeleton is drawn from the browser's own
landmarks at once, and only the landmarks (33 x 4 numbers) go to the kernel, whose feedback
follows. No camera frame leaves the browser then. This widget is transport and
drawing only: every frame goes through :class:`course.live.Engine` (MediaPipe in VIDEO mode with
the browser's frame times, One-Euro smoothing and angles, the active self-test), and what comes
back — smoothed landmarks, the side locked, the numbers scored — is what the browser draws.

Frames are processed in memory and dropped: nothing is stored unless the learner presses
Record (landmarks only; video frames too if ``record_video=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from course.live import Engine, FrameResult, Take
from course.live.engine import ModelVariant
from course.schema import PoseSeries
from course.selftests.base import Protocol
from course.selftests.results import Result
from widgets import _messages as msgs
from widgets import _web_runtime as web
from widgets._camera_comm import CameraComm
from widgets._esm import bundle
from widgets._poster import poster_data_url, poster_score

STATIC = Path(__file__).parent / "static"
#: Longest side, px, of a camera frame sent to the kernel (``docs/live-camera.md`` has the
#: measured cost in landmark accuracy and the gain in latency).
SEND_MAX_SIDE = 320


@dataclass(frozen=True)
class SourceRun:
    """Result of :meth:`PoseCamera.run_source`.

    Attributes
    ----------
    series
        Landmarks of every frame read (NaN where nobody was found), times in s of the video.
    result
        The self-test's result as plain data, or None without a test.
    frames
        Number of frames analysed.
    fps
        Processing rate achieved, frames per second of wall time.
    """

    series: PoseSeries
    result: dict[str, Any] | None
    frames: int
    fps: float


class PoseCamera(anywidget.AnyWidget):
    """Live pose tracking from the browser camera or a video file, drawn over the video.

    Parameters
    ----------
    test
        Self-test protocol to run live (a name from ``course.selftests.PROTOCOLS``), or ``""``.
    source
        ``""`` for the browser camera, a video path, or ``"sample:<name>"`` for a bundled clip.
        The kernel then reads the frames and the browser shows them: same pipeline, no camera.
    model
        Pose model variant: ``"lite"`` (fastest), ``"full"`` or ``"heavy"``. Changing it later
        switches the tracker from the next frame on (the self-test keeps its progress); in
        browser inference, from the next Start.
    inference
        Where the pose model runs for the camera: ``"browser"`` (in a Web Worker in the
        learner's page: the overlay follows the camera's rate and no frame leaves the
        browser), ``"kernel"`` (JPEG frames to the kernel's MediaPipe), or ``"auto"``
        (default: the browser when it can run WebAssembly, a Worker and OffscreenCanvas and
        the model loads there, else the kernel, with a note saying why; also the kernel when
        ``record_video`` keeps frames). A video ``source`` is always analysed in the kernel.
        See ``docs/live-camera.md``.
    browser_delegate
        How MediaPipe computes in the browser: ``"CPU"`` (WebAssembly with SIMD, default:
        predictable, no shader compilation) or ``"GPU"`` (WebGL; faster with a real graphics
        card, very slow in software WebGL, falls back to CPU when WebGL is missing).
    browser_workers
        Pose workers in the browser (1-4, default 2). The lite model takes about a camera
        period per frame on one laptop core, so one worker keeps up with fewer frames than the
        camera gives; with two, one analyses a frame while the other takes the next (each
        worker holds its own runtime and model: ~100 MB of the browser's memory). Changing it
        applies from the next Start.
    runtime_dir
        Directory of the installed npm ``@mediapipe/tasks-vision`` package for browser
        inference (default: ``widgets/web/node_modules``, installed by ``make install``).
    max_people
        People the model looks for (at least 1): 1 (default) tracks one person between frames,
        about half the cost per frame of 2, which also warns when a second person walks into
        view. Changing it later switches the tracker from the next frame on.
    width, height
        Capture size in pixels (frames are scaled to fit).
    fps_cap
        Highest frame rate sent to the kernel, frames per second.
    send_max_side
        Longest side, px, of the camera frames sent to the kernel (0: the capture size). The
        overlay is drawn at the capture size whatever is sent (landmarks are normalised).
    jpeg_quality
        JPEG quality (0-1) of the frames sent.
    encode_in_worker
        JPEG-encode frames in a Web Worker, off the page's main thread, where the browser can
        (default; if the worker fails, on the page). With frames read from the camera's track
        the worker gets each captured VideoFrame as it is and scales it there: on the build
        machine p50 33-38 ms against 47 ms encoding on the page (``docs/live-camera.md``).
    frame_clock
        How the page learns of a new camera frame. ``"track"`` (default): read the camera's
        track as frames are captured (``MediaStreamTrackProcessor``, Chromium browsers),
        else as ``"video"``; ``"video"``: as the page presents them
        (``requestVideoFrameCallback``, at the page's next rendering); ``"timer"``: poll at
        ``fps_cap`` (kernel inference).
    mirror
        Show the picture mirrored (landmarks stay the person's own sides). Default: True for
        the camera, False for a video source.
    record, record_video
        Keep the landmark series of a take while ``record`` is True; keep JPEG frames too if
        ``record_video``. Frames reach the kernel only in kernel inference, so
        ``record_video=True`` with ``inference="browser"`` is refused with a ValueError.
    autostart
        Open the camera as soon as the widget is shown.

    Attributes
    ----------
    status : str
        ``idle``; the camera's ``starting``, ``streaming``, ``stopped``, ``ended`` or ``error``
        as the browser reports it; or the last frame's ``streaming``, ``no_person``,
        ``partial``, ``wrong_side`` or ``done``. The page also shows ``kernel_busy`` and
        ``other_view``, which the kernel cannot take part in.
    error : str
        The message shown for the last error (empty when none).
    result : dict or None
        The finished self-test's result. ``status``, ``error`` and ``result`` are written by
        the kernel only: changes to them from the browser are ignored.
    fps, latency_p50_ms, latency_p95_ms : float
        Measured in the browser: frames per second analysed and capture-to-overlay latency (ms).
    inference_active : str
        The inference running, as the browser reports it: ``browser``, ``kernel``,
        ``error`` (browser inference asked for and impossible), or ``""`` before the start.
    camera_report : widgets._messages.CameraReport or None
        The browser camera's last reported state (with the error code, e.g.
        ``NotAllowedError``), or None before the first report.

    Examples
    --------
    >>> cam = PoseCamera(fps_cap=15)
    >>> cam.status, cam.fps_cap, cam.inference
    ('idle', 15.0, 'auto')
    """

    _esm = bundle(STATIC / "pose_camera.js")
    _css = STATIC / "pose_camera.css"

    test = t.Unicode("").tag(sync=True)
    source = t.Unicode("").tag(sync=True)
    model = t.Enum(("lite", "full", "heavy"), default_value="lite").tag(sync=True)
    inference = t.Enum(("auto", "browser", "kernel"), default_value="auto").tag(sync=True)
    inference_active = t.Unicode("").tag(sync=True)
    browser_delegate = t.Enum(("CPU", "GPU"), default_value="CPU").tag(sync=True)
    browser_workers = t.Int(2, min=1, max=4).tag(sync=True)
    max_people = t.Int(1, min=1).tag(sync=True)
    width = t.Int(640).tag(sync=True)
    height = t.Int(480).tag(sync=True)
    fps_cap = t.Float(30.0).tag(sync=True)
    jpeg_quality = t.Float(0.8).tag(sync=True)
    send_max_side = t.Int(SEND_MAX_SIDE, min=0).tag(sync=True)
    encode_in_worker = t.Bool(True).tag(sync=True)
    frame_clock = t.Enum(("track", "video", "timer"), default_value="track").tag(sync=True)
    timeout_ms = t.Int(2000).tag(sync=True)
    mirror = t.Bool(True).tag(sync=True)
    record = t.Bool(False).tag(sync=True)
    record_video = t.Bool(False).tag(sync=True)
    autostart = t.Bool(False).tag(sync=True)
    show_angles = t.Bool(True).tag(sync=True)

    #: Traits only the kernel writes (see :meth:`set_state`).
    KERNEL_OWNED = frozenset({"status", "error", "result"})

    status = t.Unicode("idle").tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    ready = t.Bool(False).tag(sync=True)
    active_view = t.Unicode("").tag(sync=True)
    device_id = t.Unicode("").tag(sync=True)
    fps = t.Float(0.0).tag(sync=True)
    latency_p50_ms = t.Float(0.0).tag(sync=True)
    latency_p95_ms = t.Float(0.0).tag(sync=True)
    takes = t.List(t.Dict()).tag(sync=True)
    result = t.Dict(allow_none=True, default_value=None).tag(sync=True)
    #: Data URL of the frame :meth:`run_source` saw the person best in (most landmarks
    #: visible), skeleton drawn: the view shows it (not an empty stage) until Play; "" before.
    poster = t.Unicode("").tag(sync=True)

    def __init__(
        self,
        *,
        protocol_options: dict[str, Any] | None = None,
        runtime_dir: str | Path | None = None,
        **kwargs: Any,
    ) -> None:
        _check_recording(str(kwargs.get("inference", "auto")), bool(kwargs.get("record_video")))
        runtime = web.RUNTIME_DIR if runtime_dir is None else Path(runtime_dir)
        self._comm = CameraComm(self, runtime)  # serves the browser's requests
        self._engine = Engine(
            test=str(kwargs.get("test", "")),
            options=protocol_options,
            model=_model(str(kwargs.get("model", "lite"))),
            max_people=int(kwargs.get("max_people", 1)),
        )
        self._frame_callbacks: list[Callable[[FrameResult], None]] = []
        self._takes: list[Take] = []
        self.camera_report: msgs.CameraReport | None = None
        self._result_callbacks: list[Callable[[dict[str, Any]], None]] = []
        self.last: FrameResult | None = None
        self._poster_score = 0.0
        kwargs.setdefault("mirror", not kwargs.get("source"))  # mirror the camera, not videos
        super().__init__(**kwargs)
        self.on_msg(self._on_custom)
        if self.record:
            self._start_recording()

    # public API -----------------------------------------------------------------------------
    def prepare(self) -> PoseCamera:
        """Load the pose model now (otherwise on the first frame); returns ``self``.

        Sets ``error`` with what to do when the model is not available.
        """
        try:
            self._engine.prepare()
        except (OSError, RuntimeError, ValueError) as exc:
            self.status, self.error = "error", f"Pose model not ready: {exc}"
            raise
        self.ready = True
        return self

    def on_result(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call ``callback(result_dict)`` when the self-test finishes."""
        self._result_callbacks.append(callback)

    def on_frame(self, callback: Callable[[FrameResult], None]) -> None:
        """Call ``callback(frame_result)`` after every analysed frame (keep it fast)."""
        self._frame_callbacks.append(callback)

    def start(self) -> None:
        """Ask the browser view to start the camera (or the video source)."""
        self.send({"type": "command", "action": "start"})

    def stop(self) -> None:
        """Ask the browser view to stop streaming (the camera light goes off)."""
        self.send({"type": "command", "action": "stop"})

    @property
    def result_object(self) -> Result | None:
        """The finished self-test's :class:`~course.selftests.results.Result` (None before)."""
        return self._engine.result_object() if self.result is not None else None

    @property
    def frames_processed(self) -> int:
        """How many frames the kernel has analysed since the widget was made."""
        return self._engine.frames

    @property
    def protocol(self) -> Protocol | None:
        """The running self-test protocol object (None without ``test``)."""
        return self._engine.protocol

    @property
    def engine(self) -> Engine:
        """The live engine every frame of this widget goes through."""
        return self._engine

    @property
    def recorded_takes(self) -> list[Take]:
        """Recorded takes, oldest first (see :class:`course.live.Take`)."""
        return list(self._takes)

    def restart_test(self) -> None:
        """Start the self-test again from the beginning (clears ``result``)."""
        self._engine.reset(test=self.test)
        self.set_trait("result", None)

    def clear_takes(self) -> None:
        """Forget every recorded take."""
        self._takes.clear()
        self.takes = []

    def process_frame(
        self, rgb: np.ndarray, t: float, *, image_size: tuple[int, int] | None = None
    ) -> FrameResult:
        """Analyse one ``(h, w, 3)`` uint8 RGB frame taken at ``t`` s (see :class:`Engine`).

        ``image_size``: the captured picture's ``(width, height)`` when the frame was sent
        smaller (see :meth:`course.live.Engine.process_frame`).
        """
        return self._after_frame(self._engine.process_frame(rgb, t, image_size=image_size))

    def _after_frame(self, result: FrameResult) -> FrameResult:
        """Publish one frame's outcome: status trait, frame callbacks, the final result."""
        self.ready = True
        self.last = result
        if self.status != result.status:  # traitlets only syncs changes: cheap per frame
            self.status = result.status
        for frame_callback in self._frame_callbacks:
            frame_callback(result)
        if result.done:
            final = self._engine.result_object()
            if final is not None:
                self._publish_result(final)
        return result

    def process_landmarks(
        self,
        landmarks: np.ndarray,
        t: float,
        *,
        image_size: tuple[int, int],
        n_people: int = 1,
    ) -> FrameResult:
        """Analyse ``(33, 4)`` landmarks found in the browser at ``t`` s (browser inference).

        An empty array means nobody was in view; ``image_size`` is the frame's ``(width,
        height)`` in px (see :meth:`course.live.Engine.process_landmarks`).
        """
        res = self._engine.process_landmarks(landmarks, t, image_size=image_size, n_people=n_people)
        return self._after_frame(res)

    def _publish_result(self, final: Result) -> None:
        plain = final.to_dict()
        self.result = plain
        for callback in self._result_callbacks:
            callback(plain)

    def run_source(self, *, max_frames: int | None = None, source: str | None = None) -> SourceRun:
        """Analyse the video ``source`` (default: the ``source`` trait) synchronously.

        Use it where no browser drives the widget (nbclient, scripts, tests). Every frame goes
        through the engine exactly as a live frame does, at the widget's capture size. When the
        whole clip was read the test ends with it (scored on what was captured); with
        ``max_frames`` it stays open.

        Parameters
        ----------
        max_frames
            Stop after this many frames (default: the whole file).
        source
            Video path or ``"sample:<name>"``; default the widget's ``source``.

        Returns
        -------
        SourceRun
            Landmarks, the self-test result and the processing rate.
        """
        name = source if source is not None else self.source
        if not name:
            raise ValueError(
                "run_source needs a video: pass source='path/to/clip.mp4' or 'sample:sports2d', "
                "or set the widget's source trait."
            )
        whole = max_frames is None  # the whole clip was seen: score what it showed
        run = self._engine.run_video(
            name,
            max_frames=max_frames,
            max_size=(self.width, self.height),
            on_frame=lambda rgb, res: self._after_frame(self._keep_poster(rgb, res)),
            finish=whole,
        )
        if whole and run.result is not None and self.result is None:
            self._publish_result(run.result)
        plain = None if run.result is None else run.result.to_dict()
        return SourceRun(run.series, plain, run.frames, run.fps)

    process_source = run_source

    def _keep_poster(self, rgb: np.ndarray, res: FrameResult) -> FrameResult:
        score = poster_score(res.pose)
        if score > self._poster_score + 0.05:  # the best-seen person so far
            self._poster_score = score
            self.poster = poster_data_url(rgb, res.pose) if res.pose is not None else ""
        return res

    def close(self) -> None:
        """Close the widget and release the pose model and any open video."""
        engine = self.__dict__.get("_engine")  # absent if __init__ failed early
        if engine is not None:
            engine.close()
        comm = self.__dict__.get("_comm")
        if comm is not None:
            comm.close_video()
        super().close()

    # traits ---------------------------------------------------------------------------------
    @t.observe("test")
    def _test_changed(self, change: dict[str, Any]) -> None:
        self.restart_test()

    @t.observe("record")
    def _record_changed(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._start_recording()
        else:
            self._finish_recording()

    @t.observe("source", "width", "height")
    def _source_changed(self, change: dict[str, Any]) -> None:
        if change["name"] == "source":
            self.poster, self._poster_score = "", 0.0  # it showed the old video
        self._comm.close_video()

    @t.validate("inference", "record_video")
    def _recording_possible(self, proposal: t.Bunch) -> str | bool:
        """Refuse browser inference with ``record_video`` (no frame would reach the kernel)."""
        value: str | bool = proposal["value"]
        if proposal["trait"].name == "inference":
            _check_recording(str(value), self.record_video)
        else:
            _check_recording(self.inference, bool(value))
        return value

    @t.observe("model", "max_people")
    def _engine_changed(self, change: dict[str, Any]) -> None:
        """Switch the engine's tracker to the ``model``/``max_people`` traits (next frame on)."""
        self._engine.reconfigure(model=_model(self.model), max_people=self.max_people)

    def _start_recording(self) -> None:
        self._engine.start_take(keep_video=self.record_video)

    def _finish_recording(self) -> None:
        if not self._engine.recording:
            return
        take = self._engine.stop_take(label=f"take {len(self._takes) + 1}")
        if take is not None:
            self._takes.append(take)
            self.takes = [tk.summary(i) for i, tk in enumerate(self._takes)]

    # messages -------------------------------------------------------------------------------
    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply trait values from the browser, except :attr:`KERNEL_OWNED` ones.

        Those are ignored and the kernel's values sent back, so the page shows them again.
        """
        super().set_state({k: v for k, v in sync_data.items() if k not in self.KERNEL_OWNED})
        refused = sorted(self.KERNEL_OWNED.intersection(sync_data))
        if refused:
            self.send_state(refused)

    def _on_custom(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        self._comm.on_custom(content, buffers)

    def handle_message(
        self, content: Any, buffers: list[Any]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Serve one browser request; return the reply JSON and its binary buffers.

        Never raises: problems become ``error`` replies on the request's id (and the ``error``
        trait when they concern the pipeline). See :class:`widgets._camera_comm.CameraComm`.
        """
        return self._comm.handle(content, buffers)


def _check_recording(inference: str, record_video: bool) -> None:
    """A ValueError when ``record_video`` is asked of browser inference, saying what to do."""
    if inference == "browser" and record_video:
        raise ValueError(
            "PoseCamera(inference='browser') cannot record video frames: the pose is found in "
            "the browser and no camera frame reaches the kernel, so record_video=True would "
            "keep landmarks only. To record video frames use inference='kernel' (or 'auto', "
            "which keeps the pose in the kernel when record_video=True); to record landmarks "
            "only set record_video=False."
        )


def _model(name: str) -> ModelVariant:
    """``name`` as a model variant, or a ValueError listing the variants."""
    if name == "lite":
        return "lite"
    if name == "full":
        return "full"
    if name == "heavy":
        return "heavy"
    raise ValueError(f"model must be 'lite', 'full' or 'heavy'; got {name!r}.")
