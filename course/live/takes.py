"""Recorded takes: the landmark series of a stretch of a live stream, kept only on request.

Landmarks are always kept while recording; JPEG frames only when video recording was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from course.schema import N_LANDMARKS, Pose, PoseSeries

__all__ = ["Take", "TakeRecorder"]


@dataclass(frozen=True)
class Take:
    """A recorded take: landmarks per frame, and JPEG frames only if they were asked for.

    Attributes
    ----------
    t
        ``(n,)`` frame times in s from the start of the take.
    landmarks
        ``(n, 33, 3)`` normalised image coordinates (NaN where nobody was found).
    visibility
        ``(n, 33)`` visibility in [0, 1].
    image_size
        ``(width, height)`` of the analysed frames in pixels.
    frames
        JPEG bytes per frame (empty tuple unless video recording was on).
    label
        Name shown in the replay panel.
    """

    t: NDArray[np.float64]
    landmarks: NDArray[np.float64]
    visibility: NDArray[np.float64]
    image_size: tuple[int, int]
    frames: tuple[bytes, ...] = ()
    label: str = ""

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def to_series(self) -> PoseSeries:
        """The take as a :class:`~course.schema.PoseSeries` (world landmarks NaN)."""
        n = len(self)
        found = ~np.isnan(self.landmarks[:, 0, 0])
        return PoseSeries(
            t=self.t.copy(),
            landmarks=self.landmarks.copy(),
            world=np.full((n, N_LANDMARKS, 3), np.nan),
            visibility=self.visibility.copy(),
            image_size=self.image_size,
            n_people=found.astype(np.int64),
            source=f"take:{self.label}",
        )

    def summary(self, index: int) -> dict[str, Any]:
        """Small JSON description for the browser's take list."""
        duration = float(self.t[-1] - self.t[0]) if len(self) > 1 else 0.0
        return {
            "index": index,
            "label": self.label,
            "n_frames": len(self),
            "duration_s": round(duration, 3),
            "has_video": bool(self.frames),
            "detected": int(np.count_nonzero(~np.isnan(self.landmarks[:, 0, 0]))),
        }


@dataclass
class TakeRecorder:
    """Collects frames of a take while recording is on."""

    keep_video: bool = False
    t: list[float] = field(default_factory=list)
    landmarks: list[NDArray[np.float64]] = field(default_factory=list)
    visibility: list[NDArray[np.float64]] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)
    image_size: tuple[int, int] = (0, 0)

    def add(self, t: float, pose: Pose | None, size: tuple[int, int], jpeg: bytes = b"") -> None:
        """Append one frame (NaN landmarks when ``pose`` is None)."""
        self.t.append(float(t))
        self.image_size = size
        if pose is None:
            self.landmarks.append(np.full((N_LANDMARKS, 3), np.nan))
            self.visibility.append(np.full(N_LANDMARKS, np.nan))
        else:
            self.landmarks.append(np.asarray(pose.landmarks, dtype=np.float64))
            self.visibility.append(np.asarray(pose.visibility, dtype=np.float64))
        if self.keep_video and jpeg:
            self.frames.append(jpeg)

    def finish(self, label: str) -> Take | None:
        """The recorded take (times from 0), or None if no frame was recorded."""
        if not self.t:
            return None
        t = np.asarray(self.t)
        return Take(
            t=t - t[0],
            landmarks=np.stack(self.landmarks),
            visibility=np.stack(self.visibility),
            image_size=self.image_size,
            frames=tuple(self.frames),
            label=label,
        )
