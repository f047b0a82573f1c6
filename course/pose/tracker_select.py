"""Choosing one person among several detected poses, and turning MediaPipe results into arrays.

Used by :class:`course.pose.PoseTracker`; :func:`select_person` is public (``course.pose``) so a
caller can apply the same rule to poses it got elsewhere. See :mod:`course.pose.tracker` for what
``"largest"``, ``"central"`` and ``"stable"`` mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from course.schema import FloatArray, Landmark

Select = Literal["largest", "central", "stable"]
SELECTIONS: tuple[str, ...] = ("largest", "central", "stable")
_TORSO = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)


def bbox(landmarks: FloatArray, image_size: tuple[int, int]) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` in pixels of a pose's landmarks clipped to the image."""
    w, h = image_size
    xy = np.clip(landmarks[:, :2], 0.0, 1.0) * np.array([w, h], dtype=np.float64)
    x0, y0 = np.nanmin(xy, axis=0)
    x1, y1 = np.nanmax(xy, axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def select_person(
    candidates: Sequence[FloatArray],
    *,
    how: str = "largest",
    image_size: tuple[int, int],
    previous: FloatArray | None = None,
) -> int:
    """Index of the person to keep among several detected poses.

    Parameters
    ----------
    candidates
        One ``(33, 3)`` array of normalised image landmarks per detected person.
    how
        ``"largest"``, ``"central"`` or ``"stable"`` (see the module docstring).
    image_size
        ``(width, height)`` in pixels, so distances and areas are in pixels, not stretched.
    previous
        ``(33, 3)`` landmarks chosen in the previous frame (used by ``"stable"``).

    Returns
    -------
    int
        Index into ``candidates``.

    Examples
    --------
    >>> small = np.full((33, 3), 0.5); small[:2, :2] = [[0.45, 0.45], [0.55, 0.55]]
    >>> big = np.full((33, 3), 0.2); big[:2, :2] = [[0.0, 0.0], [0.4, 0.9]]
    >>> select_person([small, big], how="largest", image_size=(640, 480))
    1
    >>> select_person([small, big], how="central", image_size=(640, 480))
    0
    >>> select_person([small, big], how="stable", image_size=(640, 480), previous=small)
    0
    """
    if how not in SELECTIONS:
        raise ValueError(f"how must be one of {', '.join(SELECTIONS)}; got {how!r}.")
    if not candidates:
        raise ValueError("select_person needs at least one candidate pose; got none.")
    if len(candidates) == 1:
        return 0
    boxes = [bbox(c, image_size) for c in candidates]
    if how == "stable" and previous is not None and np.all(np.isfinite(previous[_TORSO, :2])):
        scale = np.array(image_size, dtype=np.float64)
        ref = previous[_TORSO, :2].mean(axis=0) * scale
        dists = [
            float(np.linalg.norm(c[_TORSO, :2].mean(axis=0) * scale - ref)) for c in candidates
        ]
        return int(np.argmin(dists))
    if how == "central":
        cx, cy = image_size[0] / 2.0, image_size[1] / 2.0
        d = [np.hypot((b[0] + b[2]) / 2 - cx, (b[1] + b[3]) / 2 - cy) for b in boxes]
        return int(np.argmin(d))
    areas = [(b[2] - b[0]) * (b[3] - b[1]) for b in boxes]
    return int(np.argmax(areas))


def as_rgb(rgb: Any) -> NDArray[np.uint8]:
    """A C-contiguous ``(height, width, 3)`` uint8 RGB view or copy of an image.

    Grey images are repeated to three channels and RGBA loses its alpha; anything else raises a
    TypeError or ValueError that says what was expected.

    Examples
    --------
    >>> as_rgb(np.zeros((4, 5), np.uint8)).shape
    (4, 5, 3)
    """
    arr = np.asarray(rgb)
    if arr.dtype != np.uint8:
        raise TypeError(
            f"expected an RGB image of dtype uint8 (0–255); got dtype {arr.dtype}. Convert float "
            "images in [0, 1] with (img * 255).astype(np.uint8)."
        )
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.ndim != 3 or arr.shape[2] != 3 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError(
            f"expected an RGB image of shape (height, width, 3); got shape {arr.shape}. OpenCV "
            "frames are BGR: convert with cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)."
        )
    return np.ascontiguousarray(arr)


def landmark_array(pose: Sequence[Any]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(33, 3)`` landmarks, ``(33,)`` visibility and presence from MediaPipe landmark objects."""
    rows = [
        (
            p.x,
            p.y,
            p.z,
            np.nan if p.visibility is None else p.visibility,
            np.nan if p.presence is None else p.presence,
        )
        for p in pose
    ]
    arr = np.array(rows, dtype=np.float64)
    return arr[:, :3].copy(), arr[:, 3].copy(), arr[:, 4].copy()
