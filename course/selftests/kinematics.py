"""The angles the protocols use, from :mod:`course.analysis.geometry`, for one frame or many.

Inputs are pixel coordinates ``(..., 33, 2|3)`` (x right, y down) so an angle is the same
whatever the image aspect ratio; outputs are degrees. ``facing`` is the image direction the person
faces and ``side`` the person's side measured; the sign of each named angle is defined in
:mod:`course.analysis.geometry` (e.g. ``thigh`` + knee in front of the hip, ``hip_flexion``
+ flexion / − extension, ``body_lean`` ankle → shoulder + forward, ``hip_bend`` =
``trunk_lean − body_lean``).

Frontal-plane angles for the balance test live here too: :func:`hip_drop` (from the geometry
module's ``pelvic_obliquity``) and :func:`lateral_trunk_lean`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from course.analysis import geometry

FloatArray = NDArray[np.float64]
_LS, _RS, _LH, _RH = 11, 12, 23, 24


def _frames(px: ArrayLike) -> tuple[FloatArray, bool]:
    a = np.asarray(px, dtype=np.float64)
    return (a[np.newaxis], True) if a.ndim == 2 else (a, False)


def body_angles(px: ArrayLike, *, side: str, facing: str) -> dict[str, FloatArray]:
    """All named body angles (degrees) of one frame ``(33, 2|3)`` → 0-D, or a sequence → ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> px = np.zeros((33, 2)); px[11] = [110, 0]; px[23] = [100, 100]; px[25] = [100, 200]
    >>> px[27] = [100, 300]
    >>> round(float(body_angles(px, side="left", facing="right")["trunk_lean"]), 2)
    5.71
    """
    arr, single = _frames(px)
    ang = geometry.body_angles(arr[..., :2], side=side, facing=facing)  # type: ignore[arg-type]
    out = ang.to_dict()
    if single:
        return {k: np.asarray(v[0]) for k, v in out.items()}
    return out


def frame_angles(px: ArrayLike, *, side: str, facing: str) -> dict[str, float]:
    """The named body angles of one frame as floats (degrees)."""
    return {k: float(v) for k, v in body_angles(px, side=side, facing=facing).items()}


def three_point(px: ArrayLike, a: int, b: int, c: int) -> FloatArray:
    """Interior angle at landmark ``b`` of ``a``, ``b``, ``c`` in degrees (180 = straight).

    Examples
    --------
    >>> import numpy as np
    >>> px = np.zeros((33, 2)); px[11] = [0, 0]; px[23] = [0, 1]; px[25] = [1, 1]
    >>> float(three_point(px, 11, 23, 25))
    90.0
    """
    arr = np.asarray(px, dtype=np.float64)[..., :2]
    return np.asarray(geometry.angle3(arr[..., a, :], arr[..., b, :], arr[..., c, :]))


def hip_drop(px: ArrayLike, *, stance: str) -> FloatArray:
    """Front view: hip line from horizontal in degrees, + when the lifted-leg hip is lower.

    ``geometry``'s ``pelvic_obliquity`` is + when the person's left hip is higher; standing on the
    left leg, a lower right (lifted-side) hip is therefore a + drop.

    Examples
    --------
    >>> import numpy as np
    >>> px = np.zeros((33, 2)); px[23] = [200, 100]; px[24] = [100, 110]  # right hip lower
    >>> round(float(hip_drop(px, stance="left")), 2)
    5.71
    """
    arr, single = _frames(px)
    obliq = geometry.body_angles(arr[..., :2], side="left", facing="right").pelvic_obliquity
    out = obliq if stance == "left" else -obliq
    return np.asarray(out[0] if single else out)


def lateral_trunk_lean(px: ArrayLike, *, stance: str) -> FloatArray:
    """Front view: trunk (hip → shoulder midpoints) from vertical in deg, + toward the stance leg.

    Examples
    --------
    >>> import numpy as np
    >>> px = np.zeros((33, 2)); px[[23, 24]] = [[200, 100], [100, 100]]
    >>> px[[11, 12]] = [[210, 0], [110, 0]]  # shoulders shifted toward the left hip
    >>> round(float(lateral_trunk_lean(px, stance="left")), 2)
    5.71
    """
    a = np.asarray(px, dtype=np.float64)
    st, sw = (_LH, _RH) if stance == "left" else (_RH, _LH)
    toward = np.sign(a[..., st, 0] - a[..., sw, 0])
    v = 0.5 * (a[..., _LS, :2] + a[..., _RS, :2]) - 0.5 * (a[..., _LH, :2] + a[..., _RH, :2])
    return np.asarray(np.degrees(np.arctan2(toward * v[..., 0], -v[..., 1])))
