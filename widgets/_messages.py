"""Message envelopes between the PoseCamera browser view and the kernel.

Every custom message is a small JSON object ``{"type": ..., "id": ...}`` plus optional binary
buffers. A reply carries the ``id`` of its request; errors are replies too (``type="error"``),
so the browser can match them to the frame in flight.

Browser to kernel:

- ``frame``: ``{type, id, t, w, h}`` + one JPEG buffer (``t`` in s on the browser's clock;
  ``w, h`` the size captured, px: the JPEG may be smaller, scaled to what the model needs);
- ``landmarks``: ``{type, id, t, w, h, n}`` + one Float32 buffer of ``(33, 4)`` landmarks
  ``x, y, z, visibility`` (``x, y`` normalised, y down) found by the pose model in the browser
  (browser inference) in a ``w`` x ``h`` px frame; ``n`` people were found, and with ``n = 0``
  no buffer is sent. Several frames may travel together (up to :data:`MAX_LANDMARK_FRAMES`,
  oldest first): ``t`` and ``n`` are then lists, and the buffer holds one ``(33, 4)`` pose per
  frame with ``n > 0``. The kernel analyses every frame; the reply is one ``pose`` message for
  the newest, exactly as for a ``frame``;
- ``asset``: ``{type, id, name}``: send a file of the browser's pose runtime or model
  (``widgets._web_runtime``); the reply ``{type: "asset", id, name, filename, version, size}``
  carries the bytes as its one buffer;
- ``next``: ``{type, id}``: the kernel reads and analyses the next frame of its video source;
- ``ping``: ``{type, id}``: is the kernel answering? (sent while frames time out);
- ``take``: ``{type, id, index}``: send a recorded take for replay;
- ``take_frame``: ``{type, id, index, frame}``: one recorded video frame of a take;
- ``camera``: ``{type, id, state, code, detail}``: the camera view's state changed (see
  :func:`parse_camera_report`). No reply; the kernel sets its ``status``/``error`` traits, which
  only the kernel writes.

Kernel to browser:

- ``pose``: ``{type, id, t, found, metrics, feedback, n_people, proc_ms}`` (a camera frame's
  reply adds ``decode_ms``, ``infer_ms`` and ``kernel_ms``, the kernel's timings) + a Float32
  buffer of ``(33, 4)`` landmarks ``x, y, z, visibility`` (``x, y`` normalised, y down) when
  ``found``; a ``next`` reply adds the frame as a second (JPEG) buffer;
- ``pong``, ``take`` (``t`` list + ``(n, 33, 4)`` Float32 buffer), ``take_frame`` (JPEG buffer);
- ``error``: ``{type, id, code, message}``.

The self-test's ``result`` travels one way only: as the widget's ``result`` trait.

Examples
--------
>>> msg = parse_request({"type": "ping", "id": 7}, [])
>>> msg.kind, msg.id
('ping', 7)
>>> error_reply(7, "bad_frame", "JPEG could not be decoded.")["code"]
'bad_frame'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

N_LANDMARKS = 33
#: Values per landmark in the Float32 buffer: x, y, z, visibility.
LANDMARK_WIDTH = 4
#: Largest JPEG accepted from the browser (the server drops websocket messages over 10 MiB).
MAX_FRAME_BYTES = 8 * 1024 * 1024
REQUEST_TYPES = ("frame", "landmarks", "asset", "next", "ping", "take", "take_frame")
#: Bytes of one pose in a ``landmarks`` request: 33 x 4 float32.
LANDMARKS_BYTES = 33 * 4 * 4
#: Most frames in one ``landmarks`` message.
MAX_LANDMARK_FRAMES = 8
#: States the browser reports in a ``camera`` message (its other states stay in the page).
CAMERA_STATES = ("starting", "streaming", "stopped", "ended", "error")
#: Longest ``detail`` kept from a camera report, in characters.
MAX_DETAIL_CHARS = 1000


class MessageError(ValueError):
    """A request the kernel cannot serve; ``code`` is a short machine-readable reason."""

    def __init__(self, code: str, message: str, request_id: int = -1) -> None:
        super().__init__(message)
        self.code = code
        self.request_id = request_id


@dataclass(frozen=True)
class Request:
    """A parsed browser request.

    Attributes
    ----------
    kind
        One of :data:`REQUEST_TYPES`.
    id
        Request id chosen by the browser; the reply carries it back.
    t
        Capture time in s on the browser's clock (``frame`` only; 0 otherwise).
    width, height
        Size captured in pixels (``frame`` only); the JPEG may be smaller (sent at the size the
        pose model needs), and the pose's pixel units refer to this size.
    payload
        The JPEG bytes of a ``frame``, the Float32 landmarks of a ``landmarks`` request with
        ``n_people > 0`` (empty otherwise).
    n_people
        People the browser's model found (``landmarks`` only; the newest frame).
    times, people
        Every frame of a ``landmarks`` message, oldest first: times in s and people found
        (``t`` and ``n_people`` are the newest's).
    name
        The file asked for (``asset`` only).
    index, frame
        Take index and frame index for ``take`` and ``take_frame`` requests.
    """

    kind: str
    id: int
    t: float = 0.0
    width: int = 0
    height: int = 0
    payload: bytes = b""
    n_people: int = 0
    times: tuple[float, ...] = ()
    people: tuple[int, ...] = ()
    name: str = ""
    index: int = 0
    frame: int = 0


def _as_int(content: dict[str, Any], key: str, request_id: int, default: int | None = None) -> int:
    value = content.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise MessageError(
            "bad_request",
            f"message field {key!r} must be an integer; got {value!r}. "
            "The widget's JavaScript and Python are out of step: reload the page.",
            request_id,
        )
    return int(value)


def parse_request(content: Any, buffers: Sequence[Any] | None) -> Request:
    """Validate one browser message and return it as a :class:`Request`.

    Parameters
    ----------
    content
        The JSON part of the custom message (a dict).
    buffers
        Binary buffers sent with it (``bytes``/``memoryview``).

    Returns
    -------
    Request
        The parsed request.

    Raises
    ------
    MessageError
        With ``code`` ``bad_request`` (malformed envelope), ``empty_frame``,
        ``frame_too_large`` or ``bad_landmarks``.
    """
    if not isinstance(content, dict):
        raise MessageError(
            "bad_request", f"expected a JSON object message; got {type(content).__name__}."
        )
    request_id = _as_int(content, "id", -1, default=-1)
    kind = content.get("type")
    if kind not in REQUEST_TYPES:
        raise MessageError(
            "bad_request",
            f"unknown message type {kind!r}; expected one of {', '.join(REQUEST_TYPES)}.",
            request_id,
        )
    if kind == "frame":
        if not buffers:
            raise MessageError(
                "empty_frame", "a frame message must carry one JPEG buffer; got none.", request_id
            )
        payload = bytes(buffers[0])
        if not payload:
            raise MessageError(
                "empty_frame", "the frame's JPEG buffer is empty (0 bytes).", request_id
            )
        if len(payload) > MAX_FRAME_BYTES:
            raise MessageError(
                "frame_too_large",
                f"frame JPEG is {len(payload) / 1e6:.1f} MB; at most {MAX_FRAME_BYTES / 1e6:.0f} "
                "MB is accepted. Lower the widget's width/height or JPEG quality.",
                request_id,
            )
        return Request(
            kind="frame",
            id=request_id,
            t=_frame_time(content, request_id),
            width=_as_int(content, "w", request_id, default=0),
            height=_as_int(content, "h", request_id, default=0),
            payload=payload,
        )
    if kind == "landmarks":
        return _parse_landmarks(content, buffers, request_id)
    if kind == "asset":
        name = content.get("name")
        if not isinstance(name, str) or not name:
            raise MessageError(
                "bad_request", f"an asset request must name its file; got {name!r}.", request_id
            )
        return Request(kind="asset", id=request_id, name=name)
    if kind in ("take", "take_frame"):
        return Request(
            kind=kind,
            id=request_id,
            index=_as_int(content, "index", request_id, default=0),
            frame=_as_int(content, "frame", request_id, default=0),
        )
    return Request(kind=kind, id=request_id)


def _frame_time(content: dict[str, Any], request_id: int) -> float:
    t = content.get("t")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not np.isfinite(t):
        raise MessageError(
            "bad_request",
            f"frame time 't' must be a finite number of s; got {t!r}.",
            request_id,
        )
    return float(t)


def _parse_landmarks(
    content: dict[str, Any], buffers: Sequence[Any] | None, request_id: int
) -> Request:
    raw_t, raw_n = content.get("t"), content.get("n", 0)
    batch = isinstance(raw_t, list)
    times_in = raw_t if isinstance(raw_t, list) else [raw_t]
    people_in = raw_n if isinstance(raw_n, list) else [raw_n]
    if not 1 <= len(times_in) <= MAX_LANDMARK_FRAMES or len(people_in) != len(times_in):
        raise MessageError(
            "bad_landmarks",
            f"a landmarks message holds 1 to {MAX_LANDMARK_FRAMES} frames, with one time 't' "
            f"and one count 'n' each; got {len(times_in)} times and {len(people_in)} counts.",
            request_id,
        )
    times = tuple(_frame_time({"t": x}, request_id) for x in times_in)
    people = tuple(_as_int({"n": x}, "n", request_id) for x in people_in)
    payload = bytes(buffers[0]) if buffers else b""
    expected = LANDMARKS_BYTES * sum(k > 0 for k in people)
    if min(people) < 0 or len(payload) != expected:
        shown = list(people) if batch else people[0]
        raise MessageError(
            "bad_landmarks",
            f"a landmarks message with n={shown} people must carry {expected} bytes (33 x 4 "
            f"float32: x, y, z, visibility, per frame with someone); got {len(payload)}. "
            "Reload the page.",
            request_id,
        )
    width = _as_int(content, "w", request_id, default=0)
    height = _as_int(content, "h", request_id, default=0)
    if width <= 0 or height <= 0:
        raise MessageError(
            "bad_landmarks",
            f"a landmarks message needs the frame size w, h > 0 px; got {width} x {height}.",
            request_id,
        )
    return Request(
        kind="landmarks",
        id=request_id,
        t=times[-1],
        width=width,
        height=height,
        payload=payload,
        n_people=people[-1],
        times=times,
        people=people,
    )


@dataclass(frozen=True)
class CameraReport:
    """The browser camera's new state, as sent in a ``camera`` message.

    Attributes
    ----------
    id
        Message id chosen by the browser (error replies carry it back).
    state
        One of :data:`CAMERA_STATES`.
    code
        For ``error``: what went wrong, e.g. ``NotAllowedError``, ``NotFoundError``,
        ``NotReadableError``, ``insecure``, ``unknown``; empty otherwise.
    detail
        For ``error``: the sentence shown to the learner, saying what to do; empty otherwise.
    """

    id: int
    state: str
    code: str = ""
    detail: str = ""


def _as_text(content: dict[str, Any], key: str, request_id: int) -> str:
    value = content.get(key, "")
    if not isinstance(value, str):
        raise MessageError(
            "bad_request",
            f"camera message field {key!r} must be a string; got {value!r}. "
            "The widget's JavaScript and Python are out of step: reload the page.",
            request_id,
        )
    return value


def parse_camera_report(content: Any) -> CameraReport:
    """Validate a ``camera`` message from the browser.

    Parameters
    ----------
    content
        The JSON part of the message: ``{type: "camera", id, state, code, detail}``.

    Returns
    -------
    CameraReport
        The report; ``detail`` is cut to :data:`MAX_DETAIL_CHARS` characters.

    Raises
    ------
    MessageError
        ``bad_request`` for another type, an unknown state, non-string fields, or an ``error``
        without ``code`` and ``detail``.

    Examples
    --------
    >>> parse_camera_report({"type": "camera", "id": 3, "state": "streaming"}).state
    'streaming'
    """
    if not isinstance(content, dict) or content.get("type") != "camera":
        raise MessageError(
            "bad_request", f"expected a camera message {{type: 'camera', ...}}; got {content!r}."
        )
    request_id = _as_int(content, "id", -1, default=-1)
    state = content.get("state")
    if state not in CAMERA_STATES:
        raise MessageError(
            "bad_request",
            f"unknown camera state {state!r}; expected one of {', '.join(CAMERA_STATES)}.",
            request_id,
        )
    code = _as_text(content, "code", request_id)
    detail = _as_text(content, "detail", request_id)[:MAX_DETAIL_CHARS]
    if state == "error" and not (code and detail):
        raise MessageError(
            "bad_request",
            "a camera error must name its code and the sentence shown to the learner; got "
            f"code={code!r}, detail={detail!r}.",
            request_id,
        )
    return CameraReport(request_id, str(state), code, detail)


def landmarks_buffer(
    landmarks: NDArray[np.floating[Any]], visibility: NDArray[np.floating[Any]]
) -> bytes:
    """Pack ``(..., 33, 3)`` landmarks and ``(..., 33)`` visibility as little-endian Float32.

    Parameters
    ----------
    landmarks
        Normalised image coordinates ``x, y`` (y down) and relative depth ``z``.
    visibility
        Visibility in [0, 1] per landmark.

    Returns
    -------
    bytes
        ``(..., 33, 4)`` float32 values, C order: ``x, y, z, visibility`` per landmark.

    Examples
    --------
    >>> len(landmarks_buffer(np.zeros((33, 3)), np.ones(33)))
    528
    """
    lm = np.asarray(landmarks, dtype=np.float32)
    vis = np.asarray(visibility, dtype=np.float32)
    if lm.shape[-2:] != (N_LANDMARKS, 3) or vis.shape != lm.shape[:-1]:
        raise ValueError(
            f"landmarks must be (..., 33, 3) with visibility (..., 33); got {lm.shape} and "
            f"{vis.shape}."
        )
    packed = np.concatenate([lm, vis[..., None]], axis=-1).astype("<f4", copy=False)
    return np.ascontiguousarray(packed).tobytes()


def unpack_landmarks(buffer: bytes | memoryview) -> NDArray[np.float32]:
    """Inverse of :func:`landmarks_buffer`: ``(n, 33, 4)`` float32 (``n`` = 1 for one pose).

    Examples
    --------
    >>> unpack_landmarks(landmarks_buffer(np.zeros((33, 3)), np.ones(33))).shape
    (1, 33, 4)
    """
    arr = np.frombuffer(bytes(buffer), dtype="<f4")
    per_pose = N_LANDMARKS * LANDMARK_WIDTH
    if arr.size % per_pose:
        raise ValueError(
            f"a landmark buffer holds a multiple of {per_pose} float32 values; got {arr.size}."
        )
    return arr.reshape(-1, N_LANDMARKS, LANDMARK_WIDTH)


def error_reply(request_id: int, code: str, message: str) -> dict[str, Any]:
    """The JSON of an error reply to request ``request_id``."""
    return {"type": "error", "id": int(request_id), "code": code, "message": message}


def pose_reply(
    request_id: int,
    *,
    t: float,
    found: bool,
    metrics: dict[str, float] | None = None,
    feedback: dict[str, Any] | None = None,
    n_people: int = 0,
    proc_ms: float = 0.0,
    status: str = "",
) -> dict[str, Any]:
    """The JSON of a ``pose`` reply (the landmarks travel as a separate Float32 buffer).

    Parameters
    ----------
    request_id
        Id of the frame request answered.
    t
        Frame time in s (the browser's capture time, or the video time for a file source).
    found
        Whether a person was found (then a landmarks buffer follows).
    metrics
        Live numbers (angles in deg, etc.); non-finite values are sent as ``None``.
    feedback
        The protocol's feedback (phase, message, progress...), if a self-test is active.
    n_people
        How many people were detected.
    proc_ms
        Kernel processing time for this frame in ms (decode + pose + analysis).
    status
        Pipeline status code (``streaming``, ``no_person``, ``partial``, ``wrong_side``...).
    """
    clean = {
        k: (float(v) if v is not None and np.isfinite(v) else None)
        for k, v in (metrics or {}).items()
    }
    return {
        "type": "pose",
        "id": int(request_id),
        "t": float(t),
        "found": bool(found),
        "metrics": clean,
        "feedback": feedback,
        "n_people": int(n_people),
        "proc_ms": round(float(proc_ms), 3),
        "status": status,
    }
