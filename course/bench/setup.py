"""Camera-setup guidance before analysis: the view, the runner's size, the frame rate.

The view comes from the ratio of shoulder width to torso length in the image (median over the
frames with a person): side-on the shoulders overlap (ratio < 0.35), facing the camera they are
about as wide as 0.6 torso lengths or more; in between the camera is oblique and 2-D angles are
distorted. A runner shorter than a third of the picture gives landmarks a few pixels apart; and
at fewer than 50 frames per second one frame is a large part of a ~0.2 s running contact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course.schema import Landmark as L
from course.schema import PoseSeries

__all__ = ["FRONT_MIN", "SIDE_MAX", "Setup", "check_setup"]

SIDE_MAX = 0.35
"""Largest shoulder-width / torso-length ratio taken as a side view."""
FRONT_MIN = 0.6
"""Smallest ratio taken as a front (or back) view."""
MIN_BODY = 1 / 3
"""Smallest runner (nose to ankles) as a fraction of the picture height."""
MIN_FPS = 50.0
"""Frame rate below which running contact times are uncertain by a large fraction."""


@dataclass(frozen=True)
class Setup:
    """What the camera setup allows, with advice.

    Attributes
    ----------
    view
        ``"side"``, ``"front"``, ``"oblique"`` or ``"none"`` (nobody seen).
    view_ratio
        Median shoulder width / torso length.
    body_fraction
        Median runner height (nose to lower ankle) / picture height.
    fps
        Median frame rate of the clip.
    detected
        Fraction of frames with a person.
    ok
        True when the numbers can be trusted enough to analyse (a known view, someone seen).
    advice
        What to change, one sentence each (empty when all is well).
    """

    view: str
    view_ratio: float
    body_fraction: float
    fps: float
    detected: float
    ok: bool
    advice: tuple[str, ...]


def check_setup(series: PoseSeries) -> Setup:
    """Detect the view and report a wrong or oblique view, a small runner or a low frame rate.

    Examples
    --------
    >>> from course.lessons import demos
    >>> s = check_setup(demos.running(seconds=2))
    >>> s.view, s.ok
    ('side', True)
    """
    w, h = series.image_size
    px = series.landmarks[..., :2] * np.array([w, h], dtype=np.float64)
    seen = np.isfinite(px[:, [L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 0])
    rows = np.all(seen, axis=1)
    detected = float(rows.mean()) if rows.size else 0.0
    fps = series.fps
    if not rows.any():
        return Setup(
            "none",
            math.nan,
            math.nan,
            fps,
            0.0,
            False,
            (
                "No person was found in any frame: film the runner whole, in good light, "
                "and check that this is the right file.",
            ),
        )
    p = px[rows]
    shoulders = np.hypot(*(p[:, L.LEFT_SHOULDER] - p[:, L.RIGHT_SHOULDER]).T)
    mid_sh = 0.5 * (p[:, L.LEFT_SHOULDER] + p[:, L.RIGHT_SHOULDER])
    mid_hip = 0.5 * (p[:, L.LEFT_HIP] + p[:, L.RIGHT_HIP])
    torso = np.hypot(*(mid_sh - mid_hip).T)
    ratio = float(np.nanmedian(shoulders / np.where(torso > 0, torso, np.nan)))
    low = np.nanmax(p[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1], axis=1)
    body = float(np.nanmedian((low - p[:, L.NOSE, 1]) / h))
    advice: list[str] = []
    if ratio < SIDE_MAX:
        view = "side"
    elif ratio >= FRONT_MIN:
        view = "front"
    else:
        view = "oblique"
        advice.append(
            f"The camera sees the runner at an angle (shoulder width {ratio:.2f} torso "
            f"lengths; side-on is below {SIDE_MAX}, front-on above {FRONT_MIN}): put the camera "
            "square to the running direction (side) or straight in line with it (front)."
        )
    if body < MIN_BODY:
        advice.append(
            f"The runner fills only {body:.0%} of the picture height: move the camera closer or "
            f"zoom in so the runner is at least {MIN_BODY:.0%} of it."
        )
    if math.isfinite(fps) and fps < MIN_FPS:
        advice.append(
            f"{fps:.0f} frames per second: one frame is {1000 / fps:.0f} ms, a large part of a "
            f"running contact (~200 ms); film at 60 fps or more (120 for sprinting)."
        )
    if detected < 0.5:
        advice.append(
            f"The runner is seen in only {detected:.0%} of the frames: keep them in view for "
            "the whole clip."
        )
    ok = view in ("side", "front")
    return Setup(view, ratio, body, fps, detected, ok, tuple(advice))
