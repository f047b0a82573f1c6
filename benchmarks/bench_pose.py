"""PoseTracker frame rate on a real clip at 640x480, next to the bare MediaPipe call.

Frames: the Sports2D demo (``course.data.media``), centre-cropped to 4:3 and resized to 640x480,
decoded once up front so only pose estimation is timed. For each model and ``num_poses``, a fresh
VIDEO-mode landmarker (bare) and a fresh :class:`course.pose.PoseTracker` (ours) run the same
frames with the same timestamps, interleaved (alternating which goes first), four rounds; the
first frame (graph warm-up) is not counted. ``overhead_pct`` is the tracker's time beyond the bare
call (target <= 5 %); ``postprocess_us`` times the tracker's own work directly.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

SIZE = (640, 480)


def _variant(path: str) -> str:
    return "lite" if "lite" in path else "heavy" if "heavy" in path else "full"


def _frames(n: int) -> list[tuple[float, np.ndarray]]:
    import cv2

    from course.data.media import fetch
    from course.pose.video import iter_frames

    out = []
    for t, rgb in iter_frames(fetch("sports2d-demo"), max_frames=n):
        h, w = rgb.shape[:2]
        cw = min(w, h * 4 // 3)
        x0 = (w - cw) // 2
        crop = rgb[:, x0 : x0 + cw]
        out.append((t, np.ascontiguousarray(cv2.resize(crop, SIZE, interpolation=cv2.INTER_AREA))))
    return out


def _bare(path: str, num_poses: int, frames: list[tuple[float, np.ndarray]]) -> tuple[float, int]:
    from mediapipe import Image, ImageFormat
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=path),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=num_poses,
    )
    found = 0
    times = []
    with vision.PoseLandmarker.create_from_options(options) as lm:
        for t, rgb in frames:
            t0 = time.perf_counter()
            result = lm.detect_for_video(
                Image(image_format=ImageFormat.SRGB, data=rgb), round(t * 1000)
            )
            times.append(time.perf_counter() - t0)
            found += bool(result.pose_landmarks)
    return sum(times[1:]) / max(len(times) - 1, 1), found


def _ours(path: str, num_poses: int, frames: list[tuple[float, np.ndarray]]) -> tuple[float, int]:
    from course.pose import PoseTracker

    found = 0
    times = []
    with PoseTracker(_variant(path), model_path=path, num_poses=num_poses) as tracker:
        for t, rgb in frames:
            t0 = time.perf_counter()
            pose = tracker.frame(rgb, t)
            times.append(time.perf_counter() - t0)
            found += pose is not None
    return sum(times[1:]) / max(len(times) - 1, 1), found


def _postprocess_s(path: str, num_poses: int, frames: list[tuple[float, np.ndarray]]) -> float:
    """Median seconds the tracker adds to one frame: input check, selection, arrays, Pose.

    Timed directly on a real MediaPipe result, since the end-to-end difference is within the
    noise of a shared 2-core machine.
    """
    from mediapipe import Image, ImageFormat

    from benchmarks import median_time
    from course.pose import PoseTracker
    from course.pose.tracker import _as_rgb

    with PoseTracker(_variant(path), model_path=path, num_poses=num_poses) as tracker:
        t, rgb = frames[len(frames) // 2]
        landmarker = tracker._landmarker("image")
        result = landmarker.detect(Image(image_format=ImageFormat.SRGB, data=rgb))

        def post() -> None:
            tracker._pose(result, t, SIZE)
            _as_rgb(rgb)

        return median_time(post)


def cases(quick: bool) -> Iterable[dict[str, Any]]:
    """One row per (model, num_poses): fps of ours and bare, overhead, detection rate."""
    from course.pose import ensure_model

    frames = _frames(30 if quick else 120)
    rounds = 1 if quick else 4
    for variant in ("lite", "full"):
        path = str(ensure_model(variant, progress=False))
        for num_poses in (1, 2):
            ours_s: list[float] = []
            bare_s: list[float] = []
            found_ours = found_bare = 0
            for r in range(rounds):  # alternate which side runs first
                if r % 2:
                    o, found_ours = _ours(path, num_poses, frames)
                    b, found_bare = _bare(path, num_poses, frames)
                else:
                    b, found_bare = _bare(path, num_poses, frames)
                    o, found_ours = _ours(path, num_poses, frames)
                bare_s.append(b)
                ours_s.append(o)
            o, b = statistics.median(ours_s), statistics.median(bare_s)
            post = _postprocess_s(path, num_poses, frames)
            yield {
                "name": f"pose.tracker_frame[{variant},num_poses={num_poses},640x480]",
                "ours_s": o,
                "reference_s": b,
                "ratio": b / o,
                "fps": 1.0 / o,
                "bare_fps": 1.0 / b,
                "overhead_pct": 100.0 * (o / b - 1.0),
                "postprocess_us": post * 1e6,
                "postprocess_pct": 100.0 * post / b,
                "detected": f"{found_ours}/{len(frames)}",
                "bare_detected": f"{found_bare}/{len(frames)}",
            }
    yield from _video_rows(quick)


def _video_rows(quick: bool) -> Iterator[dict[str, Any]]:
    """End to end ``PoseTracker.video`` on the native clip (decode + pose), for reference."""
    from course.data.media import fetch
    from course.pose import PoseTracker, ensure_model

    n = 30 if quick else 230
    path = fetch("sports2d-demo")
    with PoseTracker("full", model_path=ensure_model("full", progress=False)) as tracker:
        t0 = time.perf_counter()
        series = tracker.video(path, max_frames=n, progress=False)
        dt = time.perf_counter() - t0
    yield {
        "name": "pose.tracker_video[full,sports2d 1768x994 VP9, decode included]",
        "fps": len(series) / dt,
        "detected": f"{int(series.detected.sum())}/{len(series)}",
    }
