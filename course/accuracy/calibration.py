"""Calibrated cameras from a Qualisys ``.qca.txt`` file, and projection with them.

The Pose2Sim single-person demo ships the calibration of its four views as a Qualisys XML file
(pinned in :data:`course.data.media.FILES` as ``"pose2sim-single-calibration"``). Each
``<camera>`` element holds:

- ``<fov_video left right top bottom>``: the image area in pixels (inclusive bounds);
- ``<intrinsic>``: focal lengths and principal point in sensor units of **1/64 pixel**
  (``focalLengthU`` 107599.7 → 1681.2 px), radial (k1, k2, k3) and tangential (p1, p2)
  distortion;
- ``<transform r11..r33 x y z>``: the camera's orientation and its centre in the world, in mm.

Conventions, established by reading Pose2Sim's own converter and then checked by reprojecting
triangulated MediaPipe landmarks (:mod:`course.accuracy.reference`):

- ``x, y, z`` is the camera centre ``C`` in world coordinates (mm → m here);
- the matrix ``M`` whose rows are ``(r11 r12 r13)``, ``(r21 r22 r23)``, ``(r31 r32 r33)`` maps
  world directions to the Qualisys camera frame, which looks along its **−z** axis with **y
  up**; turning it half a turn about its x axis gives the OpenCV frame (z forward, y down):
  ``R = diag(1, -1, -1) @ M`` and ``t = -R @ C``, so a world point ``X`` is at
  ``R @ X + t`` in camera coordinates;
- the principal point is relative to the ``fov_video`` origin; images are not rotated;
- the distortion coefficients are used as stored, in the OpenCV model on normalised
  coordinates. (Pose2Sim's converter divides them by 64 as well. On this clip it makes no
  measurable difference: the person stays near the image centre, and the median reprojection
  error is the same to 0.1 px with the values as stored, divided by 64, or set to zero.)

The world frame of this calibration has ``z`` up (the floor is near ``z = 0``), in metres.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.schema import FloatArray
from course.validation import as_float_array

__all__ = ["Camera", "load_calibration", "parse_qca"]

#: Sensor units per pixel in Qualisys intrinsics.
SUBPIXELS = 64.0
_FLIP = np.diag([1.0, -1.0, -1.0])
_INTRINSIC = ("focalLengthU", "focalLengthV", "centerPointU", "centerPointV")
_DISTORTION = (
    "radialDistortion1",
    "radialDistortion2",
    "tangentalDistortion1",
    "tangentalDistortion2",
    "radialDistortion3",
)
_ROTATION = tuple(f"r{i}{j}" for i in (1, 2, 3) for j in (1, 2, 3))


@dataclass(frozen=True)
class Camera:
    """One calibrated camera (pinhole + OpenCV distortion), world in metres.

    Attributes
    ----------
    name
        The camera's serial, e.g. ``"cam01"``.
    size
        ``(width, height)`` of the calibrated image in pixels.
    K
        ``(3, 3)`` intrinsic matrix in pixels.
    dist
        ``(5,)`` OpenCV distortion ``k1, k2, p1, p2, k3`` (dimensionless).
    R
        ``(3, 3)`` world-to-camera rotation (OpenCV camera frame: x right, y down, z forward).
    t
        ``(3,)`` world-to-camera translation in m: ``X_cam = R @ X + t``.
    """

    name: str
    size: tuple[int, int]
    K: FloatArray
    dist: FloatArray
    R: FloatArray
    t: FloatArray

    @property
    def centre(self) -> FloatArray:
        """Camera centre in world coordinates, m."""
        return np.asarray(-self.R.T @ self.t, dtype=np.float64)

    @property
    def axis(self) -> FloatArray:
        """Unit viewing direction (optical axis) in world coordinates."""
        return np.asarray(self.R[2], dtype=np.float64)

    @property
    def P(self) -> FloatArray:
        """``(3, 4)`` projection matrix ``K [R | t]`` (for undistorted pixels)."""
        return np.asarray(self.K @ np.hstack([self.R, self.t[:, None]]), dtype=np.float64)

    def project(self, points: FloatArray) -> FloatArray:
        """Pixel coordinates ``(..., 2)`` of world points ``(..., 3)`` (m), with distortion.

        Examples
        --------
        >>> cam = Camera("c", (100, 100), np.array([[100.0, 0, 50], [0, 100, 50], [0, 0, 1]]),
        ...              np.zeros(5), np.eye(3), np.zeros(3))
        >>> cam.project(np.array([0.1, -0.2, 1.0])).tolist()
        [60.0, 30.0]
        """
        X = as_float_array(points, "points")
        if X.shape[-1] != 3:
            raise ValueError(f"points must have shape (..., 3) in m; got {X.shape}.")
        c = X @ self.R.T + self.t
        x, y = c[..., 0] / c[..., 2], c[..., 1] / c[..., 2]
        k1, k2, p1, p2, k3 = self.dist
        r2 = x * x + y * y
        radial = 1 + k1 * r2 + k2 * r2**2 + k3 * r2**3
        xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
        yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
        u = self.K[0, 0] * xd + self.K[0, 1] * yd + self.K[0, 2]
        v = self.K[1, 1] * yd + self.K[1, 2]
        return np.stack([u, v], axis=-1)

    def undistort(self, pixels: FloatArray) -> FloatArray:
        """Distortion-free pixel coordinates ``(..., 2)`` of measured pixels ``(..., 2)``.

        Inverts the distortion model by fixed-point iteration (converges to far below a
        pixel for the small distortions of these lenses). NaN stays NaN.

        Examples
        --------
        >>> cam = Camera("c", (100, 100), np.array([[100.0, 0, 50], [0, 100, 50], [0, 0, 1]]),
        ...              np.array([-0.1, 0.05, 0.0, 0.0, 0.0]), np.eye(3), np.zeros(3))
        >>> p = cam.project(np.array([0.3, -0.2, 1.0]))
        >>> np.round(cam.undistort(p), 6).tolist()
        [80.0, 30.0]
        """
        px = as_float_array(pixels, "pixels")
        if px.shape[-1] != 2:
            raise ValueError(f"pixels must have shape (..., 2) (u, v); got {px.shape}.")
        fx, fy, cx, cy = self.K[0, 0], self.K[1, 1], self.K[0, 2], self.K[1, 2]
        xd = (px[..., 0] - cx - self.K[0, 1] * (px[..., 1] - cy) / fy) / fx
        yd = (px[..., 1] - cy) / fy
        k1, k2, p1, p2, k3 = self.dist
        x, y = xd.copy(), yd.copy()
        for _ in range(20):
            r2 = x * x + y * y
            radial = 1 + k1 * r2 + k2 * r2**2 + k3 * r2**3
            dx = 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
            dy = p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
            x, y = (xd - dx) / radial, (yd - dy) / radial
        return np.stack([fx * x + self.K[0, 1] * y + cx, fy * y + cy], axis=-1)


def _number(element: ET.Element, key: str, where: str) -> float:
    raw = element.get(key)
    if raw is None:
        raise ValueError(
            f"{where}: <{element.tag}> has no attribute {key!r}. A Qualisys calibration "
            "(.qca.txt) lists it for every camera; the file is incomplete or not a calibration."
        )
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(
            f"{where}: <{element.tag} {key}={raw!r}> is not a number. Re-export the calibration "
            "or fetch the pinned file again (python -m course media)."
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: <{element.tag} {key}={raw!r}> must be a finite number.")
    return value


def _child(camera: ET.Element, tag: str, where: str) -> ET.Element:
    found = camera.find(tag)
    if found is None:
        present = ", ".join(sorted({c.tag for c in camera})) or "nothing"
        raise ValueError(
            f"{where}: no <{tag}> element (found {present}). Each <camera> of a Qualisys "
            "calibration needs <fov_video>, <transform> and <intrinsic>."
        )
    return found


def _camera(element: ET.Element, index: int) -> Camera:
    name = element.get("serial") or f"camera {index + 1}"
    where = f"camera {name!r}"
    fov = _child(element, "fov_video", where)
    left, right, top, bottom = (_number(fov, k, where) for k in ("left", "right", "top", "bottom"))
    width, height = int(right - left + 1), int(bottom - top + 1)
    if width <= 0 or height <= 0:
        raise ValueError(f"{where}: <fov_video> gives an empty image ({width}x{height} px).")
    intr = _child(element, "intrinsic", where)
    fu, fv, cu, cv = (_number(intr, k, where) / SUBPIXELS for k in _INTRINSIC)
    if fu <= 0 or fv <= 0:
        raise ValueError(f"{where}: focal lengths must be positive; got {fu:g}, {fv:g} px.")
    skew = _number(intr, "skew", where) if intr.get("skew") is not None else 0.0
    K = np.array([[fu, skew, cu - left], [0.0, fv, cv - top], [0.0, 0.0, 1.0]])
    k1, k2, p1, p2, k3 = (_number(intr, k, where) for k in _DISTORTION)
    tr = _child(element, "transform", where)
    M = np.array([_number(tr, k, where) for k in _ROTATION]).reshape(3, 3)
    if not np.allclose(M @ M.T, np.eye(3), atol=1e-6) or np.linalg.det(M) <= 0:
        raise ValueError(
            f"{where}: <transform> r11..r33 is not a rotation matrix (orthonormal, det +1; got "
            f"det {np.linalg.det(M):.4f}). The file is corrupt."
        )
    centre = np.array([_number(tr, k, where) for k in ("x", "y", "z")]) / 1000.0
    R = _FLIP @ M
    return Camera(
        name=name,
        size=(width, height),
        K=K,
        dist=np.array([k1, k2, p1, p2, k3]),
        R=R,
        t=-R @ centre,
    )


def parse_qca(text: str, *, expected: tuple[str, ...] | None = None) -> dict[str, Camera]:
    """Cameras of a Qualisys ``.qca.txt`` calibration, by serial.

    Parameters
    ----------
    text
        The file's XML text.
    expected
        Serials that must be present (e.g. ``("cam01", "cam02")``); None accepts any.

    Returns
    -------
    dict of str to Camera
        In file order.

    Raises
    ------
    ValueError
        If the XML is malformed, the root is not ``<calibration>``, a camera or element is
        missing, a number is not a number, or a rotation is not a rotation.

    Examples
    --------
    >>> xml = ('<calibration><cameras><camera serial="c1">'
    ...        '<fov_video left="0" right="99" top="0" bottom="199"/>'
    ...        '<transform r11="1" r12="0" r13="0" r21="0" r22="1" r23="0" r31="0" r32="0" '
    ...        'r33="1" x="0" y="0" z="1000"/>'
    ...        '<intrinsic focalLengthU="6400" focalLengthV="6400" centerPointU="3200" '
    ...        'centerPointV="6400" radialDistortion1="0" radialDistortion2="0" '
    ...        'radialDistortion3="0" tangentalDistortion1="0" tangentalDistortion2="0"/>'
    ...        '</camera></cameras></calibration>')
    >>> cam = parse_qca(xml)["c1"]
    >>> cam.size, float(cam.K[0, 0]), cam.centre.tolist()
    ((100, 200), 100.0, [0.0, 0.0, 1.0])
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError(
            f"the calibration is not well-formed XML ({exc}). Expected a Qualisys .qca.txt file; "
            "fetch the pinned one again with `python -m course media`."
        ) from None
    if root.tag != "calibration":
        raise ValueError(
            f"the calibration's root element is <{root.tag}>; expected <calibration> (a Qualisys "
            ".qca.txt file)."
        )
    elements = root.findall("cameras/camera")
    if not elements:
        raise ValueError("the calibration has no <cameras>/<camera> elements: nothing to use.")
    cams = [_camera(e, i) for i, e in enumerate(elements)]
    out = {c.name: c for c in cams}
    if len(out) != len(cams):
        raise ValueError(f"camera serials repeat: {[c.name for c in cams]}; each must be unique.")
    missing = [n for n in expected or () if n not in out]
    if missing:
        raise ValueError(
            f"the calibration has no camera {', '.join(missing)}; it has {', '.join(out)}. "
            "Use the calibration that belongs to these videos."
        )
    return out


def load_calibration(path: Path | str | None = None) -> dict[str, Camera]:
    """The four cameras of the Pose2Sim single-person demo (pinned file, fetched if needed).

    Parameters
    ----------
    path
        A ``.qca.txt`` file to read instead of the pinned one.

    Returns
    -------
    dict of str to Camera
        ``"cam01"`` .. ``"cam04"``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a calibration of cam01..cam04 (see :func:`parse_qca`).

    Examples
    --------
    >>> load_calibration("no-such-file.qca.txt")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: 'no-such-file.qca.txt'
    """
    if path is None:
        from course.data.media import fetch_file

        path = fetch_file("pose2sim-single-calibration")
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return parse_qca(text, expected=("cam01", "cam02", "cam03", "cam04"))
