"""The kernel side of a live pose stream: tracker, analysis, protocol, takes and video sources.

:class:`LivePipeline` is what :class:`widgets.PoseCamera` runs on every frame, whether the frame
came from the learner's browser camera, a video file or a bundled sample clip. It holds no UI
and can run in a plain script or under nbclient.

Frames are processed in memory and dropped. Only a :class:`TakeRecorder` that the learner
started keeps anything: landmarks, and JPEG frames only when asked.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from course.schema import Landmark, Pose

#: Landmarks that must be inside the image for a whole-body test (shoulders, hips, knees, ankles).
BODY = (
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.RIGHT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
)

MESSAGES = {
    "no_person": "No person in view: step into the picture, 2-3 m from the camera, whole body "
    "visible.",
    "partial": "Part of your body is out of the picture ({parts}): step back or tilt the camera "
    "until head and feet are visible.",
    "several": "{n} people in view: the tracker follows the largest; ask others to step aside.",
}


def _visible_in_frame(pose: Pose, index: int, *, min_visibility: float = 0.5) -> bool:
    x, y = pose.landmarks[index, 0], pose.landmarks[index, 1]
    inside = -0.02 <= x <= 1.02 and -0.02 <= y <= 1.02
    return bool(inside and pose.visibility[index] >= min_visibility)


def missing_parts(pose: Pose, required: tuple[int, ...] = BODY) -> list[str]:
    """Names of ``required`` landmarks that are outside the image or not visible.

    Parameters
    ----------
    pose
        One frame's pose (normalised image coordinates, y down).
    required
        Landmark indices that must be seen.

    Returns
    -------
    list of str
        Lower-case landmark names, e.g. ``["left_ankle"]``; empty when all are in view.
    """
    return [Landmark(i).name.lower() for i in required if not _visible_in_frame(pose, i)]


def _to_plain(value: Any) -> Any:
    """JSON-friendly copy of a feedback value (dataclasses, numpy scalars, NaN -> None)."""
    if hasattr(value, "to_dict"):
        return _to_plain(value.to_dict())
    if hasattr(value, "__dataclass_fields__"):
        return {k: _to_plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.ndarray):
        return _to_plain(value.tolist())
    if hasattr(value, "value") and hasattr(value, "name"):  # Enum
        return _to_plain(value.value)
    return value


@dataclass(frozen=True)
class FrameResult:
    """What the pipeline made of one frame.

    Attributes
    ----------
    t
        Frame time in s, as given (browser clock or video time).
    pose
        The pose, or None when no person was found.
    metrics
        Live numbers by name (angles in deg); empty when no pose.
    feedback
        The active protocol's feedback as plain data (``phase``, ``message``, ``progress``...),
        or None without a protocol.
    status
        ``streaming``, ``no_person``, ``partial``, ``wrong_side`` or ``done``.
    message
        One sentence for the learner about ``status`` (empty when all is well).
    done
        True on the frame where the protocol finished.
    proc_ms
        Time spent in the pipeline in ms.
    """

    t: float
    pose: Pose | None
    metrics: dict[str, float]
    feedback: dict[str, Any] | None
    status: str
    message: str
    done: bool
    proc_ms: float


class LivePipeline:
    """Tracker, smoothing/angles and self-test protocol for one stream of frames.

    Parameters
    ----------
    model
        MediaPipe pose model variant: ``"lite"``, ``"full"`` or ``"heavy"``.
    test
        Name of a protocol in :mod:`course.selftests` to run on the stream (empty: none).
    options
        Keyword arguments for the protocol (``side``, ``countdown`` in s...).
    max_people
        People the model looks for. 1 lets MediaPipe track between frames (about half the
        cost per frame); 2 runs the detector on every frame so a second person is noticed.
    """

    def __init__(
        self,
        *,
        model: str = "lite",
        test: str = "",
        options: dict[str, Any] | None = None,
        max_people: int = 1,
    ) -> None:
        self.model = model
        self.max_people = int(max_people)
        self.test = test
        self.options = dict(options or {})
        self._result_obj: Any = None
        self._tracker: Any = None
        self._analyzer: Any = None
        self._protocol: Any = None
        self._last_t = -np.inf
        self._offset = 0.0
        self._finished = False
        self.frames = 0
        if test:  # fail now, not on the first frame, if the name or an option is wrong
            self._protocol = make_protocol(test, **self.options)

    # lifecycle -------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Load the pose model (about 0.3 s) and the protocol, if not done yet."""
        if self._tracker is None:
            from course.pose import PoseTracker

            self._tracker = PoseTracker(model=self.model, num_poses=self.max_people)
        if self._analyzer is None:
            self._analyzer = _make_analyzer()
        if self.test and self._protocol is None:
            self._protocol = make_protocol(self.test, **self.options)

    def reset(self, *, test: str | None = None) -> None:
        """Start a new take: fresh smoothing and protocol state (the model stays loaded)."""
        if test is not None:
            self.test = test
        self._analyzer = None
        self._protocol = make_protocol(self.test, **self.options) if self.test else None
        self._finished = False
        self._result_obj = None

    def close(self) -> None:
        """Release the MediaPipe graph. The pipeline can be prepared again afterwards."""
        tracker, self._tracker = self._tracker, None
        if tracker is not None:
            tracker.close()

    @property
    def protocol(self) -> Any:
        """The running protocol object, or None."""
        return self._protocol

    # processing ------------------------------------------------------------------------------
    def _stream_time(self, t: float) -> float:
        """Map ``t`` onto a strictly increasing clock (MediaPipe VIDEO mode needs one).

        A page reload restarts the browser clock; we then shift later times so the tracker
        still sees time move forwards.
        """
        ts = t + self._offset
        if ts <= self._last_t:
            self._offset += self._last_t - ts + 1e-3
            ts = t + self._offset
        self._last_t = ts
        return ts

    def process(self, rgb: NDArray[np.uint8], t: float) -> FrameResult:
        """Run one RGB frame (``(h, w, 3)`` uint8) taken at ``t`` seconds through the pipeline."""
        start = time.perf_counter()
        self.prepare()
        ts = self._stream_time(float(t))
        pose = self._tracker.frame(rgb, ts)
        self.frames += 1
        metrics: dict[str, float] = {}
        feedback: dict[str, Any] | None = None
        done = False
        status, message = "streaming", ""
        if pose is None:
            status, message = "no_person", MESSAGES["no_person"]
        else:
            metrics = self._metrics(pose, ts)
            missing = missing_parts(pose)
            if missing:
                parts = ", ".join(m.replace("_", " ") for m in missing[:3])
                status, message = "partial", MESSAGES["partial"].format(parts=parts)
            elif pose.n_people > 1:
                message = MESSAGES["several"].format(n=pose.n_people)
        if self._protocol is not None and not self._finished:
            fb = self._protocol.update(pose, ts)
            feedback = _to_plain(fb)
            if isinstance(feedback, dict):
                feedback.setdefault("message", "")
                if _is_wrong_side(feedback):
                    status, message = "wrong_side", str(feedback.get("message", ""))
                if _is_done(feedback):
                    self._finished = done = True
                    status = "done"
        proc_ms = (time.perf_counter() - start) * 1e3
        return FrameResult(float(t), pose, metrics, feedback, status, message, done, proc_ms)

    def _metrics(self, pose: Pose, t: float) -> dict[str, float]:
        if self._analyzer is None:
            return {}
        out = self._analyzer.update(pose, t)
        values = getattr(out, "angles", out)
        if hasattr(values, "to_dict"):
            values = values.to_dict()
        if not isinstance(values, dict):
            return {}
        return {
            str(k): float(v)
            for k, v in values.items()
            if isinstance(v, (int, float, np.floating)) and not isinstance(v, bool)
        }

    def result_object(self) -> Any:
        """The protocol's ``Result`` (computed once when the test finished), or None."""
        if self._protocol is None:
            return None
        if self._result_obj is None or not self._finished:
            self._result_obj = self._protocol.result()
        return self._result_obj

    def result(self) -> dict[str, Any] | None:
        """The protocol's result as plain data, or None without a protocol."""
        res = self.result_object()
        if res is None:
            return None
        plain = _to_plain(res)
        return plain if isinstance(plain, dict) else {"value": plain}


def _is_done(feedback: dict[str, Any]) -> bool:
    return bool(feedback.get("done")) or str(feedback.get("phase", "")).lower() in {
        "done",
        "result",
        "finished",
        "complete",
    }


def _is_wrong_side(feedback: dict[str, Any]) -> bool:
    """True when the protocol's setup checks say the person shows the wrong side or view."""
    flags = feedback.get("ok_to_start") or {}
    return isinstance(flags, dict) and (
        flags.get("side_facing") is False or flags.get("view") is False
    )


def _make_analyzer() -> Any:
    """``course.analysis.live.LiveAnalyzer()`` when that module is installed, else None."""
    try:
        live = importlib.import_module("course.analysis.live")
    except ModuleNotFoundError:
        return None
    return live.LiveAnalyzer()


def protocol_class(name: str) -> Any:
    """The protocol class registered as ``name`` in ``course.selftests.PROTOCOLS``."""
    selftests = importlib.import_module("course.selftests")
    try:
        found = selftests.get(name)
    except (KeyError, ValueError) as exc:
        known = ", ".join(sorted(selftests.PROTOCOLS))
        raise ValueError(f"unknown self-test {name!r}; expected one of: {known}.") from exc
    return found if isinstance(found, type) else type(found)


def make_protocol(name: str, **options: Any) -> Any:
    """A fresh protocol object by registry name, built with ``options`` (side, countdown...)."""
    return protocol_class(name)(**options)


# video sources -------------------------------------------------------------------------------
def resolve_source(source: str) -> Path:
    """Path of a video file for ``source``: a path, or ``"sample:<name>"`` of the course media.

    Raises
    ------
    FileNotFoundError
        When the file does not exist, with the command that fetches samples.
    """
    if source.startswith("sample:"):
        name = source.split(":", 1)[1]
        media = importlib.import_module("course.data.media")
        clips = getattr(media, "CLIPS", {})
        if name not in clips:
            matches = [c for c in clips if c.startswith(name)]
            if len(matches) != 1:
                raise ValueError(
                    f"unknown sample {name!r}; expected one of: {', '.join(sorted(clips))}."
                )
            name = matches[0]
        return Path(media.fetch(name))
    path = Path(source).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"video source {source!r} not found. Give a path to a video file, or a bundled "
            "sample such as 'sample:sports2d' (fetch them with `python -m course media`)."
        )
    return path


class VideoSource:
    """Reads RGB frames and their times from a video file, scaled to fit ``max_size``.

    Parameters
    ----------
    path
        Video file OpenCV can read.
    max_size
        ``(width, height)`` in pixels the frames are scaled down to fit (aspect kept).
    loop
        Start again at the end (for demos); otherwise :meth:`read` returns None at the end.
    """

    def __init__(self, path: Path, *, max_size: tuple[int, int], loop: bool = False) -> None:
        import cv2

        self.path = Path(path)
        self._cap = cv2.VideoCapture(str(self.path))
        if not self._cap.isOpened():
            raise OSError(f"OpenCV could not open the video {self.path}; is it a video file?")
        fps = float(self._cap.get(cv2.CAP_PROP_FPS)) or 30.0
        self.fps = fps if np.isfinite(fps) and fps > 0 else 30.0
        self.max_size = max_size
        self.loop = loop
        self.index = 0
        self._t0 = 0.0

    def read(self) -> tuple[NDArray[np.uint8], float] | None:
        """The next ``(rgb, t_seconds)``, or None at the end of the file."""
        import cv2

        ok, bgr = self._cap.read()
        if not ok and self.loop and self.index > 0:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._t0 += self.index / self.fps + 1.0 / self.fps
            self.index = 0
            ok, bgr = self._cap.read()
        if not ok:
            return None
        h, w = bgr.shape[:2]
        scale = min(self.max_size[0] / w, self.max_size[1] / h, 1.0)
        if scale < 1.0:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
        t = self._t0 + self.index / self.fps
        self.index += 1
        return np.ascontiguousarray(bgr[:, :, ::-1]), t

    def close(self) -> None:
        """Release the file."""
        self._cap.release()


def decode_jpeg(data: bytes) -> NDArray[np.uint8]:
    """Decode JPEG bytes to an ``(h, w, 3)`` RGB array; ValueError if they are not an image."""
    import cv2

    bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"could not decode the {len(data)}-byte frame as JPEG.")
    return np.ascontiguousarray(bgr[:, :, ::-1])


def encode_jpeg(rgb: NDArray[np.uint8], quality: int = 80) -> bytes:
    """Encode an ``(h, w, 3)`` RGB array as JPEG bytes."""
    import cv2

    ok, buf = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise ValueError("OpenCV failed to encode the frame as JPEG.")
    return bytes(buf.tobytes())
