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

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from course.live import (
    Engine,
    FrameResult,
    Take,
    VideoReader,
    decode_jpeg,
    encode_jpeg,
    resolve_source,
)
from course.live.engine import ModelVariant
from course.schema import PoseSeries
from course.selftests.base import Protocol
from course.selftests.results import Result
from widgets import _messages as msgs
from widgets import _web_runtime as web
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
        (if the worker fails, on the page). Off by default: on the build machine it was not
        faster over five runs (median p50 89 ms against 70 ms on the page), and a 320x240 frame
        takes the page only ~10 ms (``docs/live-camera.md``).
    frame_clock
        ``"video"``: take frames as the camera presents them (``requestVideoFrameCallback``,
        where the browser has it); ``"timer"``: poll at ``fps_cap``.
    mirror
        Show the picture mirrored (landmarks stay the person's own sides). Default: True for
        the camera, False for a video source.
    record, record_video
        Keep the landmark series of a take while ``record`` is True; keep JPEG frames too if
        ``record_video``.
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
    max_people = t.Int(1, min=1).tag(sync=True)
    width = t.Int(640).tag(sync=True)
    height = t.Int(480).tag(sync=True)
    fps_cap = t.Float(30.0).tag(sync=True)
    jpeg_quality = t.Float(0.8).tag(sync=True)
    send_max_side = t.Int(SEND_MAX_SIDE, min=0).tag(sync=True)
    encode_in_worker = t.Bool(False).tag(sync=True)
    frame_clock = t.Enum(("video", "timer"), default_value="video").tag(sync=True)
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
        self._runtime_dir = web.RUNTIME_DIR if runtime_dir is None else Path(runtime_dir)
        self._engine = Engine(
            test=str(kwargs.get("test", "")),
            options=protocol_options,
            model=_model(str(kwargs.get("model", "lite"))),
            max_people=int(kwargs.get("max_people", 1)),
        )
        self._frame_callbacks: list[Callable[[FrameResult], None]] = []
        self._takes: list[Take] = []
        self._source: VideoReader | None = None
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
        source = self.__dict__.get("_source")
        if source is not None:
            source.close()
            self._source = None
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
        if self._source is not None:
            self._source.close()
            self._source = None

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
        if isinstance(content, dict) and content.get("type") == "camera":
            try:
                report = msgs.parse_camera_report(content)
            except msgs.MessageError as exc:
                self.send(msgs.error_reply(exc.request_id, exc.code, str(exc)))
                return
            self._on_camera_state(report)
            return
        start = time.perf_counter()
        reply, out = self.handle_message(content, buffers)
        if reply.get("type") == "pose":
            # the kernel's whole share of the round trip (parse, decode, engine, reply), ms:
            # the page subtracts it from the round trip to get the transport time
            reply["kernel_ms"] = round((time.perf_counter() - start) * 1e3, 2)
        self.send(reply, buffers=out or None)

    def _on_camera_state(self, report: msgs.CameraReport) -> None:
        """Set ``status`` (and ``error``) from the browser's camera report.

        ``starting`` clears the last error; ``error`` sets it to the sentence the learner
        sees (e.g. that camera permission was refused and how to allow it).
        """
        self.camera_report = report
        with self.hold_sync():
            if report.state == "starting":
                self.error = ""
            elif report.state == "error":
                self.error = report.detail
            self.status = report.state

    def handle_message(
        self, content: Any, buffers: list[Any]
    ) -> tuple[dict[str, Any], list[bytes]]:
        """Serve one browser request; return the reply JSON and its binary buffers.

        Never raises: problems become ``error`` replies on the request's id (and the ``error``
        trait when they concern the pipeline).
        """
        try:
            req = msgs.parse_request(content, buffers)
        except msgs.MessageError as exc:
            return msgs.error_reply(exc.request_id, exc.code, str(exc)), []
        try:
            if req.kind == "ping":
                return {"type": "pong", "id": req.id, "ready": self.ready}, []
            if req.kind == "frame":
                start = time.perf_counter()
                rgb = decode_jpeg(req.payload)
                decode_ms = (time.perf_counter() - start) * 1e3
                reply, out = self._reply_frame(req, rgb)
                reply["decode_ms"] = round(decode_ms, 2)
                return reply, out
            if req.kind == "landmarks":
                return self._reply_landmarks(req)
            if req.kind == "asset":
                return self._reply_asset(req)
            if req.kind == "next":
                return self._reply_next(req)
            return self._reply_take(req)
        except msgs.MessageError as exc:
            return msgs.error_reply(req.id, exc.code, str(exc)), []
        except Exception as exc:  # message boundary: every failure becomes an error reply
            code = "bad_frame" if req.kind == "frame" and "decode" in str(exc) else "pipeline"
            self.error = f"{type(exc).__name__}: {exc}"
            return msgs.error_reply(req.id, code, str(exc)), []

    def _pose_payload(
        self, req_id: int, res: FrameResult, extra: list[bytes]
    ) -> tuple[dict[str, Any], list[bytes]]:
        pose, frame = res.pose, res.frame
        reply = msgs.pose_reply(
            req_id,
            t=res.t,
            found=pose is not None,
            metrics=res.overlay,
            feedback=None if res.feedback is None else res.feedback.to_dict(),
            n_people=0 if pose is None else pose.n_people,
            proc_ms=res.proc_ms,
            status=res.status,
        )
        reply["message"] = res.message  # the result goes to the page as the ``result`` trait
        reply["side"] = res.side
        reply["locked"] = res.locked
        # the landmarks drawn are the smoothed ones the protocol measured
        out = (
            []
            if pose is None or frame is None
            else [msgs.landmarks_buffer(frame.landmarks, pose.visibility)]
        )
        if extra:
            reply["frame_buffer"] = len(out)
        return reply, out + extra

    def _reply_frame(
        self, req: msgs.Request, rgb: np.ndarray
    ) -> tuple[dict[str, Any], list[bytes]]:
        # ``w, h`` is the size captured; the browser may have sent the frame smaller
        size = (req.width, req.height) if req.width > 0 and req.height > 0 else None
        res = self.process_frame(rgb, req.t, image_size=size)
        if self.error and res.pose is not None:
            self.error = ""
        reply, out = self._pose_payload(req.id, res, [])
        reply["infer_ms"] = round(self._engine.last_infer_ms, 2)  # the pose model's share
        return reply, out

    def _reply_landmarks(self, req: msgs.Request) -> tuple[dict[str, Any], list[bytes]]:
        """Browser inference: each frame's landmarks through the same engine as a frame."""
        poses = iter(msgs.unpack_landmarks(req.payload)) if req.payload else iter(())
        nobody = np.empty((0, msgs.LANDMARK_WIDTH), np.float32)
        self.ready = True
        res: FrameResult | None = None
        for t_frame, people in zip(req.times, req.people, strict=True):
            lm = next(poses) if people > 0 else nobody
            res = self._after_frame(
                self._engine.process_landmarks(
                    lm, t_frame, image_size=(req.width, req.height), n_people=max(1, people)
                )
            )
        assert res is not None  # parse_request guarantees at least one frame
        if self.error and res.pose is not None:
            self.error = ""
        return self._pose_payload(req.id, res, [])

    def _reply_asset(self, req: msgs.Request) -> tuple[dict[str, Any], list[bytes]]:
        """A file of the browser's pose runtime, or the pose model (``model:<variant>``)."""
        try:
            asset = web.read_asset(req.name, runtime_dir=self._runtime_dir)
        except (OSError, ValueError) as exc:
            raise msgs.MessageError("no_asset", str(exc), req.id) from exc
        reply = {
            "type": "asset",
            "id": req.id,
            "name": asset.name,
            "filename": asset.filename,
            "version": asset.version,
            "size": len(asset.data),
        }
        return reply, [asset.data]

    def _reply_next(self, req: msgs.Request) -> tuple[dict[str, Any], list[bytes]]:
        if not self.source:
            raise msgs.MessageError(
                "no_source", "this widget reads the camera; set source= to play a video.", req.id
            )
        if self._source is None:
            self._engine.recorded = True  # a file: nobody needs a countdown
            self._source = VideoReader(
                resolve_source(self.source), max_size=(self.width, self.height), loop=True
            )
        item = self._source.read()
        if item is None:
            return {"type": "ended", "id": req.id}, []
        rgb, ts = item
        res = self.process_frame(rgb, ts)
        return self._pose_payload(req.id, res, [encode_jpeg(rgb)])

    def _reply_take(self, req: msgs.Request) -> tuple[dict[str, Any], list[bytes]]:
        if not 0 <= req.index < len(self._takes):
            raise msgs.MessageError(
                "no_take",
                f"take {req.index} does not exist; {len(self._takes)} take(s) recorded.",
                req.id,
            )
        take = self._takes[req.index]
        if req.kind == "take":
            reply = {
                "type": "take",
                "id": req.id,
                **take.summary(req.index),
                "t": [round(float(x), 4) for x in take.t],
                "size": list(take.image_size),
            }
            vis = np.nan_to_num(take.visibility, nan=0.0)
            return reply, [msgs.landmarks_buffer(take.landmarks, vis)]
        if not 0 <= req.frame < len(take.frames):
            raise msgs.MessageError(
                "no_frame", f"take {req.index} has no video frame {req.frame}.", req.id
            )
        reply = {"type": "take_frame", "id": req.id, "index": req.index, "frame": req.frame}
        return reply, [take.frames[req.frame]]


def _model(name: str) -> ModelVariant:
    """``name`` as a model variant, or a ValueError listing the variants."""
    if name == "lite":
        return "lite"
    if name == "full":
        return "full"
    if name == "heavy":
        return "heavy"
    raise ValueError(f"model must be 'lite', 'full' or 'heavy'; got {name!r}.")
