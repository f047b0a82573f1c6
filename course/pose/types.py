"""Typed pose results: one frame (:class:`Pose`) and a time-first sequence (:class:`PoseSeries`).

Coordinates follow :mod:`course.pose.landmarks`: image ``x`` right, ``y`` down, normalised to
[0, 1] by the image size; world coordinates in metres. Times are seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from course.pose.landmarks import N_LANDMARKS

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Pose:
    """One person's pose in one frame.

    Attributes
    ----------
    t
        Frame time in seconds.
    landmarks
        ``(33, 3)`` normalised image coordinates ``x, y`` (y down) and the relative depth ``z``.
    world
        ``(33, 3)`` world landmarks in metres (origin between the hips), NaN if unavailable.
    visibility
        ``(33,)`` likelihood in [0, 1] that each landmark is visible (not occluded).
    presence
        ``(33,)`` likelihood in [0, 1] that each landmark is inside the image.
    image_size
        ``(width, height)`` of the analysed image in pixels.
    n_people
        How many people the model found in this frame (this pose is the one selected).
    mask
        Optional ``(height, width)`` float32 segmentation mask of the selected person, in [0, 1].
    """

    t: float
    landmarks: FloatArray
    world: FloatArray
    visibility: FloatArray
    presence: FloatArray
    image_size: tuple[int, int]
    n_people: int = 1
    mask: NDArray[np.float32] | None = field(default=None, repr=False)

    @property
    def pixels(self) -> FloatArray:
        """``(33, 2)`` image coordinates in pixels (x right, y down)."""
        w, h = self.image_size
        return self.landmarks[:, :2] * np.array([w, h], dtype=np.float64)


@dataclass(frozen=True)
class PoseSeries:
    """A time-first pose sequence, NaN where the person (or a landmark) was not seen.

    Attributes
    ----------
    t
        ``(n,)`` frame times in seconds (from the container or the camera, not assumed uniform).
    landmarks
        ``(n, 33, 3)`` normalised image coordinates, as in :class:`Pose`.
    world
        ``(n, 33, 3)`` world landmarks in metres.
    visibility
        ``(n, 33)`` visibility in [0, 1] (NaN where no pose).
    image_size
        ``(width, height)`` in pixels after rotation metadata was applied.
    n_people
        ``(n,)`` number of people detected per frame.
    source
        Where the frames came from (file path, ``"camera"``...), for provenance.
    selection
        How the person was chosen when several were in view (e.g. ``"largest"``).
    """

    t: FloatArray
    landmarks: FloatArray
    world: FloatArray
    visibility: FloatArray
    image_size: tuple[int, int]
    n_people: NDArray[np.int64]
    source: str = ""
    selection: str = "largest"

    def __post_init__(self) -> None:
        n = self.t.shape[0]
        expected = {
            "landmarks": (n, N_LANDMARKS, 3),
            "world": (n, N_LANDMARKS, 3),
            "visibility": (n, N_LANDMARKS),
            "n_people": (n,),
        }
        for name, shape in expected.items():
            got = getattr(self, name).shape
            if got != shape:
                raise ValueError(
                    f"PoseSeries.{name} must have shape {shape} for {n} frames; got {got}."
                )

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def fps(self) -> float:
        """Median frame rate in frames per second (NaN for fewer than two frames)."""
        if len(self) < 2:
            return float("nan")
        return float(1.0 / np.median(np.diff(self.t)))

    @property
    def detected(self) -> NDArray[np.bool_]:
        """``(n,)`` True where a pose was found in the frame."""
        return ~np.isnan(self.landmarks[:, 0, 0])

    @property
    def pixels(self) -> FloatArray:
        """``(n, 33, 2)`` image coordinates in pixels."""
        w, h = self.image_size
        return self.landmarks[..., :2] * np.array([w, h], dtype=np.float64)

    def frame(self, i: int) -> Pose | None:
        """The pose of frame ``i``, or None where no person was found."""
        if not self.detected[i]:
            return None
        vis = self.visibility[i]
        return Pose(
            t=float(self.t[i]),
            landmarks=self.landmarks[i],
            world=self.world[i],
            visibility=vis,
            presence=vis,
            image_size=self.image_size,
            n_people=int(self.n_people[i]),
        )

    def __iter__(self) -> Iterator[tuple[float, Pose | None]]:
        """Yield ``(t, pose_or_None)`` per frame, the form protocols consume."""
        for i in range(len(self)):
            yield float(self.t[i]), self.frame(i)
