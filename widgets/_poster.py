"""The poster of a camera view: one analysed frame with the skeleton found in it, as a data URL.

:meth:`widgets.PoseCamera.run_source` keeps the frame in which the person was seen best (most
landmarks visible), so the view shows what the course saw in the video instead of an empty
black box before *Play*.
Drawing only: the landmarks come from :class:`course.live.Engine`.
"""

from __future__ import annotations

import base64

import numpy as np
from numpy.typing import NDArray

from course.live import encode_jpeg
from course.schema import SKELETON, Pose

#: Width of the poster image, px (the view shows it at most 360 px wide).
WIDTH = 360
#: Landmarks less likely visible than this are not drawn.
MIN_VISIBILITY = 0.5


def poster_score(pose: Pose | None) -> float:
    """How well ``pose`` shows the person: the fraction of landmarks likely visible, 0–1.

    Examples
    --------
    >>> import numpy as np
    >>> from course.lessons.stick_figure import model_series
    >>> poster_score(None), poster_score(model_series(np.zeros(1)).frame(0)) > 0.5
    (0.0, True)
    """
    if pose is None:
        return 0.0
    return float(np.mean(np.nan_to_num(pose.visibility, nan=0.0) >= MIN_VISIBILITY))


def poster_data_url(rgb: NDArray[np.uint8], pose: Pose, *, width: int = WIDTH) -> str:
    """A JPEG data URL of ``rgb`` scaled to ``width`` px with ``pose``'s skeleton drawn on it.

    Parameters
    ----------
    rgb
        ``(h, w, 3)`` uint8 RGB frame the pose was found in.
    pose
        The pose found in that frame (normalised landmarks, visibility).
    width
        Width of the poster in pixels (at least 16).

    Returns
    -------
    str
        ``"data:image/jpeg;base64,..."``.

    Examples
    --------
    >>> import numpy as np
    >>> from course.lessons.stick_figure import model_series
    >>> pose = model_series(np.zeros(1)).frame(0)
    >>> url = poster_data_url(np.zeros((480, 640, 3), np.uint8), pose, width=64)
    >>> url.startswith("data:image/jpeg;base64,")
    True
    """
    import cv2

    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(
            f"poster_data_url needs an (h, w, 3) uint8 RGB frame; got shape {rgb.shape} "
            f"of {rgb.dtype}. Pass the frame the pose was found in."
        )
    if width < 16:
        raise ValueError(f"poster width must be at least 16 px; got {width}.")
    h, w = rgb.shape[:2]
    height = max(1, round(h * width / w))
    img: NDArray[np.uint8] = np.ascontiguousarray(
        cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    xy = pose.landmarks[:, :2] * np.array([width, height], dtype=np.float64)
    seen = np.nan_to_num(pose.visibility, nan=0.0) >= MIN_VISIBILITY
    seen &= np.isfinite(xy).all(axis=1)
    thick = max(2, width // 120)
    for a, b in SKELETON:
        if seen[a] and seen[b]:
            pa = (round(float(xy[a, 0])), round(float(xy[a, 1])))
            pb = (round(float(xy[b, 0])), round(float(xy[b, 1])))
            cv2.line(img, pa, pb, (0, 0, 0), thick + 2, cv2.LINE_AA)
            cv2.line(img, pa, pb, (0, 230, 118), thick, cv2.LINE_AA)
    for i in np.flatnonzero(seen):
        c = (round(float(xy[i, 0])), round(float(xy[i, 1])))
        cv2.circle(img, c, thick + 1, (255, 255, 255), -1, cv2.LINE_AA)
    return "data:image/jpeg;base64," + base64.b64encode(encode_jpeg(img, 85)).decode("ascii")
