"""The kernel's end of :class:`widgets.PoseCamera`'s comm: one browser request, one reply.

The browser view sends camera frames, browser-found landmarks, requests for the pose
runtime's files, for the next frame of a video source and for recorded takes, and reports of
the camera's state (the envelopes are in :mod:`widgets._messages`). :class:`CameraComm` serves
each one for its widget and never raises: a problem becomes an ``error`` reply on the
request's id. Every frame still goes through the widget (``PoseCamera.process_frame``), so the
traits, frame callbacks and the final result are published in one place.

Examples
--------
>>> from widgets.pose_camera import PoseCamera
>>> cam = PoseCamera()
>>> cam.handle_message({"type": "ping", "id": 3}, [])
({'type': 'pong', 'id': 3, 'ready': False}, [])
>>> cam.handle_message({"type": "next", "id": 4}, [])[0]["code"]
'no_source'
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from course.live import FrameResult, VideoReader, decode_jpeg, encode_jpeg, resolve_source
from widgets import _messages as msgs
from widgets import _web_runtime as web

if TYPE_CHECKING:  # the widget imports this module: its type only, for mypy
    from widgets.pose_camera import PoseCamera

#: A reply: its JSON content and its binary buffers.
Reply = tuple[dict[str, Any], list[bytes]]


class CameraComm:
    """Serve the browser requests of one :class:`~widgets.PoseCamera`.

    Parameters
    ----------
    camera
        The widget whose traits the replies update and whose frames they analyse.
    runtime_dir
        Directory of the npm ``@mediapipe/tasks-vision`` package sent for browser inference.
    """

    def __init__(self, camera: PoseCamera, runtime_dir: Path) -> None:
        self._cam = camera
        self.runtime_dir = runtime_dir
        self._video: VideoReader | None = None

    def close_video(self) -> None:
        """Close the video source being played, if any (the next ``next`` opens it again)."""
        if self._video is not None:
            self._video.close()
            self._video = None

    def on_custom(self, content: Any, buffers: list[Any]) -> None:
        """Answer one custom message from the browser (a camera report gets no reply)."""
        cam = self._cam
        if isinstance(content, dict) and content.get("type") == "camera":
            try:
                report = msgs.parse_camera_report(content)
            except msgs.MessageError as exc:
                cam.send(msgs.error_reply(exc.request_id, exc.code, str(exc)))
                return
            self.on_camera_state(report)
            return
        start = time.perf_counter()
        reply, out = self.handle(content, buffers)
        if reply.get("type") == "pose":
            # the kernel's whole share of the round trip (parse, decode, engine, reply), ms:
            # the page subtracts it from the round trip to get the transport time
            reply["kernel_ms"] = round((time.perf_counter() - start) * 1e3, 2)
        cam.send(reply, buffers=out or None)

    def on_camera_state(self, report: msgs.CameraReport) -> None:
        """Set ``status`` (and ``error``) from the browser's camera report.

        ``starting`` clears the last error; ``error`` sets it to the sentence the learner
        sees (e.g. that camera permission was refused and how to allow it).
        """
        cam = self._cam
        cam.camera_report = report
        with cam.hold_sync():
            if report.state == "starting":
                cam.error = ""
            elif report.state == "error":
                cam.error = report.detail
            cam.status = report.state

    def handle(self, content: Any, buffers: list[Any]) -> Reply:
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
                return {"type": "pong", "id": req.id, "ready": self._cam.ready}, []
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
            self._cam.error = f"{type(exc).__name__}: {exc}"
            return msgs.error_reply(req.id, code, str(exc)), []

    def _pose_payload(self, req_id: int, res: FrameResult, extra: list[bytes]) -> Reply:
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

    def _reply_frame(self, req: msgs.Request, rgb: np.ndarray) -> Reply:
        cam = self._cam
        # ``w, h`` is the size captured; the browser may have sent the frame smaller
        size = (req.width, req.height) if req.width > 0 and req.height > 0 else None
        res = cam.process_frame(rgb, req.t, image_size=size)
        if cam.error and res.pose is not None:
            cam.error = ""
        reply, out = self._pose_payload(req.id, res, [])
        reply["infer_ms"] = round(cam.engine.last_infer_ms, 2)  # the pose model's share
        return reply, out

    def _reply_landmarks(self, req: msgs.Request) -> Reply:
        """Browser inference: each frame's landmarks through the same engine as a frame."""
        cam = self._cam
        poses = iter(msgs.unpack_landmarks(req.payload)) if req.payload else iter(())
        nobody = np.empty((0, msgs.LANDMARK_WIDTH), np.float32)
        cam.ready = True
        res: FrameResult | None = None
        for t_frame, people in zip(req.times, req.people, strict=True):
            lm = next(poses) if people > 0 else nobody
            res = cam.process_landmarks(
                lm, t_frame, image_size=(req.width, req.height), n_people=max(1, people)
            )
        assert res is not None  # parse_request guarantees at least one frame
        if cam.error and res.pose is not None:
            cam.error = ""
        return self._pose_payload(req.id, res, [])

    def _reply_asset(self, req: msgs.Request) -> Reply:
        """A file of the browser's pose runtime, or the pose model (``model:<variant>``)."""
        try:
            asset = web.read_asset(req.name, runtime_dir=self.runtime_dir)
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

    def _reply_next(self, req: msgs.Request) -> Reply:
        cam = self._cam
        if not cam.source:
            raise msgs.MessageError(
                "no_source", "this widget reads the camera; set source= to play a video.", req.id
            )
        if self._video is None:
            cam.engine.recorded = True  # a file: nobody needs a countdown
            self._video = VideoReader(
                resolve_source(cam.source), max_size=(cam.width, cam.height), loop=True
            )
        item = self._video.read()
        if item is None:
            return {"type": "ended", "id": req.id}, []
        rgb, ts = item
        res = cam.process_frame(rgb, ts)
        return self._pose_payload(req.id, res, [encode_jpeg(rgb)])

    def _reply_take(self, req: msgs.Request) -> Reply:
        takes = self._cam.recorded_takes
        if not 0 <= req.index < len(takes):
            raise msgs.MessageError(
                "no_take",
                f"take {req.index} does not exist; {len(takes)} take(s) recorded.",
                req.id,
            )
        take = takes[req.index]
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
