"""The live engine: one frame-by-frame path from pose to scored, drawable result.

Every frame of a self-test takes the same path, live or recorded::

    RGB frame ──PoseTracker──┐
    ready landmarks (browser)┼─→ Pose → protocol: One-Euro smoothing + angles (compiled core)
    video file ──VideoReader─┘        → setup checks → capture → score → FrameResult

Modules
-------
engine
    :class:`Engine` and its typed :class:`FrameResult`.
sources
    Video files and bundled sample clips, read with their own timestamps.
takes
    Recorded takes (landmarks; JPEG frames only on request).
jpeg
    JPEG decoding and encoding of frames.

No UI and no Jupyter here: :class:`widgets.PoseCamera` moves frames and draws results; the
command line (``python -m course analyze``) runs files through the same engine.
"""

from __future__ import annotations

from course.live.engine import Engine, VideoRun
from course.live.frames import FrameResult, missing_parts, pose_from_landmarks
from course.live.jpeg import decode_jpeg, encode_jpeg
from course.live.sources import VideoReader, resolve_source
from course.live.takes import Take, TakeRecorder

__all__ = [
    "Engine",
    "FrameResult",
    "Take",
    "TakeRecorder",
    "VideoReader",
    "VideoRun",
    "decode_jpeg",
    "encode_jpeg",
    "missing_parts",
    "pose_from_landmarks",
    "resolve_source",
]
