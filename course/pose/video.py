"""Read video files frame by frame, with the container's own timestamps and rotation applied.

OpenCV (``cv2``, from ``opencv-contrib-python``, which mediapipe depends on) decodes any container
its FFmpeg backend reads. Frames are yielded one at a time as RGB ``uint8`` arrays, so memory does
not grow with the length of the clip. Rotation metadata (phones record portrait video as landscape
frames plus a rotation tag) is honoured through OpenCV's ``CAP_PROP_ORIENTATION_AUTO``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Decoding may legitimately stop a little short of the header's count, which some containers
#: estimate from a rounded duration: allow 2 frames or 2 %, whichever is more.
_TRUNCATION_SLACK = 2
_TRUNCATION_SHARE = 0.02


class VideoError(RuntimeError):
    """A file could not be read as a video (missing, not a video, corrupt or truncated)."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video.

    Attributes
    ----------
    path
        The file.
    width, height
        Frame size in pixels after rotation metadata is applied.
    fps
        Nominal frame rate in frames per second (the container's; real timestamps may differ).
    n_frames
        Frame count from the container header (0 if unknown).
    rotation
        Rotation tag in degrees that OpenCV applied (0 if none).
    """

    path: Path
    width: int
    height: int
    fps: float
    n_frames: int
    rotation: int

    @property
    def duration(self) -> float:
        """Nominal duration in seconds (``n_frames / fps``; NaN if unknown)."""
        if self.n_frames <= 0 or self.fps <= 0:
            return float("nan")
        return self.n_frames / self.fps


def _what_to_do(path: Path) -> str:
    return (
        f"Check that {path} is a complete video file (try playing it, or re-export it as MP4/H.264 "
        "with `ffmpeg -i IN -c:v libx264 OUT.mp4`)."
    )


def _open(path: Path | str) -> tuple[Any, Path]:
    import cv2

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no video file at {p}; check the path (cwd is {os.getcwd()}).")
    if p.is_dir():
        raise VideoError(f"{p} is a directory; expected a video file such as clip.mp4.")
    cap = cv2.VideoCapture(str(p), cv2.CAP_ANY)
    if not cap.isOpened():
        cap.release()
        raise VideoError(
            f"OpenCV cannot open {p} as a video: it is not a video, its container is corrupt or "
            f"truncated, or the codec is unsupported. {_what_to_do(p)}"
        )
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap, p


def probe(path: Path | str) -> VideoInfo:
    """Read a video's header: size after rotation, frame rate, frame count.

    Parameters
    ----------
    path
        A video file any OpenCV/FFmpeg backend reads (mp4, mov, webm, avi, mkv...).

    Returns
    -------
    VideoInfo

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    VideoError
        If the file is not a readable video.
    """
    import cv2

    cap, p = _open(path)
    try:
        ok, frame = cap.read()
        if not ok or frame is None:
            raise VideoError(f"{p} opens as a video but no frame decodes. {_what_to_do(p)}")
        height, width = frame.shape[:2]
        rotation = int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
        return VideoInfo(
            path=p,
            width=int(width),
            height=int(height),
            fps=float(cap.get(cv2.CAP_PROP_FPS) or 0.0),
            n_frames=max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0),
            rotation=rotation,
        )
    finally:
        cap.release()


def iter_frames(
    path: Path | str,
    *,
    start: float | None = None,
    stop: float | None = None,
    max_frames: int | None = None,
) -> Iterator[tuple[float, NDArray[np.uint8]]]:
    """Yield ``(t, rgb)`` for each frame: container time in seconds and an ``(h, w, 3)`` array.

    Parameters
    ----------
    path
        A video file.
    start, stop
        Only frames with ``start <= t < stop`` (seconds from the first frame) are yielded.
    max_frames
        Yield at most this many frames.

    Yields
    ------
    t : float
        Presentation time of the frame in seconds (``CAP_PROP_POS_MSEC``); where the container has
        no usable timestamps, the previous time plus one nominal frame interval.
    rgb : numpy.ndarray
        ``(height, width, 3)`` uint8 RGB image, rotation metadata applied.

    Raises
    ------
    FileNotFoundError, VideoError
        Before the first frame if the file cannot be opened or no frame decodes; during iteration
        if the stream ends well before the frame count in its header (a truncated file).
    """
    import cv2

    if max_frames is not None and max_frames < 0:
        raise ValueError(f"max_frames must be >= 0; got {max_frames}.")
    if start is not None and stop is not None and stop <= start:
        raise ValueError(f"stop ({stop} s) must be after start ({start} s).")
    cap, p = _open(path)
    try:
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        step = 1.0 / fps if fps > 0 else 1.0 / 30.0
        expected = max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0)
        decoded = 0
        yielded = 0
        prev_t = -np.inf
        while max_frames is None or yielded < max_frames:
            ok, bgr = cap.read()
            if not ok or bgr is None:
                if decoded == 0:
                    raise VideoError(f"{p} opens as a video but no frame decodes. {_what_to_do(p)}")
                slack = max(_TRUNCATION_SLACK, int(_TRUNCATION_SHARE * expected))
                if expected and decoded < expected - slack:
                    raise VideoError(
                        f"{p} ends after {decoded} of the {expected} frames its header announces: "
                        f"the file is truncated or corrupt. {_what_to_do(p)}"
                    )
                return
            decoded += 1
            t = float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
            if not np.isfinite(t) or t <= prev_t:
                t = prev_t + step if np.isfinite(prev_t) else 0.0
            prev_t = t
            if start is not None and t < start:
                continue
            if stop is not None and t >= stop:
                return
            yielded += 1
            yield t, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        cap.release()
