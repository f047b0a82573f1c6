"""Pictures of the key moments: the real video frame (or a blank canvas) with the skeleton drawn.

Frames are decoded again from the file (:class:`course.live.VideoReader`) only up to the last key
moment, scaled to ``width`` pixels, drawn with OpenCV and encoded as JPEG bytes. A run with no
video (a SYNTHETIC demo, a landmark-only take) gets the skeleton on a dark canvas.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from course.bench.run import RunAnalysis
from course.live.jpeg import encode_jpeg
from course.live.sources import VideoReader, resolve_source
from course.schema import SKELETON

__all__ = ["draw_pose", "key_frames", "video_path"]

_LEFT = (255, 140, 40)
_RIGHT = (40, 200, 255)


def video_path(run: RunAnalysis) -> Path | None:
    """The video file behind ``run``, or None (SYNTHETIC demo, recorded landmarks)."""
    src = run.source
    if src.startswith("SYNTHETIC") or not src:
        return None
    try:
        return resolve_source(src)
    except (FileNotFoundError, ValueError):
        return None


def draw_pose(rgb: NDArray[np.uint8], landmarks: NDArray[np.float64], text: str = "") -> None:
    """Draw the skeleton of one frame's ``(33, 2|3)`` normalised landmarks on ``rgb`` in place."""
    import cv2

    h, w = rgb.shape[:2]
    pts = landmarks[:, :2] * np.array([w, h], dtype=np.float64)
    thick = max(2, round(h / 200))
    for a, b in SKELETON:
        pa, pb = pts[a], pts[b]
        if np.all(np.isfinite(pa)) and np.all(np.isfinite(pb)):
            colour = (
                _LEFT
                if a % 2 == 1 and b % 2 == 1
                else _RIGHT
                if a % 2 == 0 and b % 2 == 0
                else (230, 230, 230)
            )
            p1 = (round(float(pa[0])), round(float(pa[1])))
            p2 = (round(float(pb[0])), round(float(pb[1])))
            cv2.line(rgb, p1, p2, colour, thick, cv2.LINE_AA)
    if text:
        scale = max(0.4, h / 700)
        cv2.putText(
            rgb,
            text,
            (8, round(28 * scale)),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            max(1, thick // 2),
            cv2.LINE_AA,
        )


def _scaled(rgb: NDArray[np.uint8], width: int) -> NDArray[np.uint8]:
    import cv2

    h, w = rgb.shape[:2]
    if w <= width:
        return np.ascontiguousarray(rgb)
    size = (width, max(1, round(h * width / w)))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


def key_frames(run: RunAnalysis, *, width: int = 480, quality: int = 80) -> dict[int, bytes]:
    r"""JPEG pictures (skeleton drawn) of every key-moment frame, by frame index.

    Examples
    --------
    >>> from course.bench.run import analyse_series
    >>> from course.lessons import demos
    >>> run = analyse_series(demos.running(seconds=3))
    >>> pics = key_frames(run, width=200)
    >>> len(pics) > 0, next(iter(pics.values()))[:2] == bytes([0xFF, 0xD8])
    (True, True)
    """
    wanted = sorted({m.frame for m in run.moments})
    kinds: dict[int, str] = {}
    for m in run.moments:  # two moments can share a frame (one foot's toe-off, the other's contact)
        label = f"{m.side} {m.kind.replace('_', '-')}"
        kinds[m.frame] = f"{kinds[m.frame]} + {label}" if m.frame in kinds else label
    kinds = {i: f"{text}  t={run.series.t[i]:.2f}s" for i, text in kinds.items()}
    out: dict[int, bytes] = {}
    lm = run.series.landmarks
    path = video_path(run)
    if path is None:
        w, h = run.series.image_size
        height = max(1, round(h * width / w))
        for i in wanted:
            canvas = np.full((height, width, 3), 32, np.uint8)
            draw_pose(canvas, lm[i], kinds[i])
            out[i] = encode_jpeg(canvas, quality)
        return out
    first = run.first_frame
    reader = VideoReader(path, max_frames=(first + wanted[-1] + 1) if wanted else 0)
    try:
        for video_index, (rgb, _t) in enumerate(reader):
            index = video_index - first
            if index in kinds:
                small = _scaled(rgb, width).copy()
                if not math.isnan(float(lm[index, 0, 0])):
                    draw_pose(small, lm[index], kinds[index])
                out[index] = encode_jpeg(small, quality)
    finally:
        reader.close()
    return out
