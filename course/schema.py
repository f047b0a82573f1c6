"""The vocabulary of poses: landmark names and indices, the skeleton, ``Pose`` and ``PoseSeries``.

Both :mod:`course.analysis` and :mod:`course.pose` import this module; it imports nothing from
the course, so the science does not depend on the tracker or the model downloader.

Image coordinates follow MediaPipe Pose: ``x`` to the right, ``y`` **down**, normalised to [0, 1]
by the image width and height (pixel arrays multiply by width/height). World coordinates are
metres with the origin between the hips, ``y`` also down. Times are seconds.

There is no pelvis landmark (no ASIS/PSIS): the hips (23, 24) are the model's estimate of the hip
joint centres, which is why pelvic tilt is measured by proxy (see ``course.analysis.geometry``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

N_LANDMARKS = 33


class Landmark(IntEnum):
    """Index of each MediaPipe Pose landmark (left/right are the person's own sides)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


#: Pairs of landmarks joined by a bone in skeleton drawings.
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8),
)  # fmt: skip

NAMES: tuple[str, ...] = tuple(lm.name.lower() for lm in Landmark)


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
