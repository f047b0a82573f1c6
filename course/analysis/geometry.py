"""Joint and segment angles of a pose, and the named body angles of a side-view runner.

Conventions
-----------
- **Coordinates** are image coordinates as MediaPipe gives them: ``x`` to the right, ``y``
  **down**. Only ``x`` and ``y`` are used (image-plane angles); a third column (MediaPipe's
  relative depth ``z``) is accepted and ignored by the body angles, but used by :func:`angle3`.
- **Units**: angles are in **degrees**. Angles are only true to life when ``x`` and ``y`` have
  the same scale: pass pixels, or normalised landmarks together with ``image_size=(width,
  height)`` (a ``Pose`` or ``PoseSeries`` carries its own image size and is scaled for you).
- **Sequences** are time-first, ``(n_frames, 33, 2|3)``, in MediaPipe landmark order
  (:mod:`course.schema`); NaN (a landmark not seen) gives NaN angles for that frame.
- **Side view**: ``facing`` is the image direction the person faces (``"right"`` = toward +x),
  which defines "forward"; ``side`` picks the person's left or right shoulder, hip, knee and ankle
  (use the side nearer the camera). Mirroring the image (``x -> width - x``) flips ``facing`` and
  leaves every named angle unchanged.

Named body angles (:func:`body_angles`), for the chosen side:

=================  ================================================================================
``trunk_lean``     hip → shoulder from the vertical (up); + forward, − backward.
``thigh``          hip → knee from the vertical (down); + knee in front of the hip (flexion),
                   − behind (extension).
``hip_extension``  trunk–thigh angle at the hip (shoulder–hip–knee), 0..180; 180 = straight line.
                   It cannot tell flexion from extension, hence:
``hip_flexion``    signed hip angle, ``thigh + trunk_lean``: 0 = trunk and thigh in line,
                   + flexion (thigh ahead of the trunk line), − extension (thigh behind it).
                   ``hip_extension == 180 - abs(hip_flexion)`` for |hip_flexion| <= 180.
``knee``           hip–knee–ankle angle, 0..180; 180 = straight knee.
``shank``          knee → ankle from the vertical (down); + ankle in front of the knee.
``body_lean``      ankle → shoulder from the vertical (up); + forward ("lean from the ankles").
``hip_bend``       ``trunk_lean - body_lean``; + the trunk leans further forward than the whole
                   body, i.e. bending at the hips rather than leaning from the ankles.
``pelvic_obliquity`` FRONT (or back) views: hip line from the horizontal; + the person's LEFT hip
                   is higher in the image than the right. Meaningless in a side view.
=================  ================================================================================

The sequence kernels run in the compiled core (``course._core.geometry``) without the GIL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from course import _core
from course.schema import N_LANDMARKS
from course.validation import FloatArray, as_float_array

__all__ = [
    "ANGLE_NAMES",
    "BodyAngles",
    "angle3",
    "body_angles",
    "dominant_facing",
    "facing_direction",
    "segment_angle",
]

Side = Literal["left", "right"]
Facing = Literal["left", "right"]

#: Names of the fields of :class:`BodyAngles` that hold angles, in kernel order.
ANGLE_NAMES: tuple[str, ...] = tuple(_core.geometry.BODY_ANGLE_NAMES)

_FACING_SIGN = {"right": 1, "left": -1}
_SIDE_INDEX = {"left": 0, "right": 1}


@dataclass(frozen=True)
class BodyAngles:
    """Named body angles of a pose sequence, each ``(n_frames,)`` in degrees.

    See the module docstring for the exact definition and sign of each angle.

    Attributes
    ----------
    trunk_lean, thigh, hip_extension, hip_flexion, knee, shank, body_lean, hip_bend,
    pelvic_obliquity
        Angles in degrees (NaN where a landmark was not seen).
    side
        Which of the person's sides was measured (``"left"``/``"right"``).
    facing
        The image direction taken as forward (``"left"``/``"right"``).
    """

    trunk_lean: FloatArray
    thigh: FloatArray
    hip_extension: FloatArray
    hip_flexion: FloatArray
    knee: FloatArray
    shank: FloatArray
    body_lean: FloatArray
    hip_bend: FloatArray
    pelvic_obliquity: FloatArray
    side: str
    facing: str

    def __len__(self) -> int:
        return int(self.knee.shape[0])

    def to_dict(self) -> dict[str, FloatArray]:
        """The nine angle arrays by name (degrees)."""
        return {name: getattr(self, name) for name in ANGLE_NAMES}


def _choice(value: object, name: str, allowed: Sequence[str], meaning: str) -> str:
    if value not in allowed:
        options = " or ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be {options} ({meaning}); got {value!r}.")
    return str(value)


def _scale(image_size: Any) -> tuple[float, float]:
    if image_size is None:
        return 1.0, 1.0
    try:
        w, h = (float(v) for v in image_size)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"image_size must be (width, height) in pixels; got {image_size!r}."
        ) from exc
    if not (np.isfinite(w) and np.isfinite(h) and w > 0 and h > 0):
        raise ValueError(f"image_size must be two positive numbers of pixels; got {image_size!r}.")
    return w, h


def _unpack(landmarks: Any, image_size: Any) -> tuple[Any, tuple[float, float]]:
    """Accept a Pose/PoseSeries (landmarks + image size) or a bare array."""
    if hasattr(landmarks, "landmarks") and hasattr(landmarks, "image_size"):
        if image_size is None:
            image_size = landmarks.image_size
        landmarks = landmarks.landmarks
    return landmarks, _scale(image_size)


def _sequence(landmarks: Any) -> FloatArray:
    arr = as_float_array(landmarks, "landmarks")
    if arr.ndim == 2:
        arr = arr[np.newaxis]
    if arr.ndim != 3 or arr.shape[1] != N_LANDMARKS or arr.shape[2] not in (2, 3):
        raise ValueError(
            f"landmarks must have shape (n_frames, 33, 2) or (n_frames, 33, 3) (one frame: "
            f"(33, 2|3)) in MediaPipe order; got shape {arr.shape}. Pass PoseSeries.landmarks "
            "or PoseSeries.pixels."
        )
    return arr


def _points(p: Any, name: str) -> FloatArray:
    arr = as_float_array(p, name)
    if arr.ndim < 1 or arr.shape[-1] not in (2, 3):
        raise ValueError(
            f"{name} must be points of shape (..., 2) or (..., 3) (x, y[, z]); got shape "
            f"{arr.shape}."
        )
    return arr


def angle3(a: Any, b: Any, c: Any) -> FloatArray:
    """Angle at ``b`` between the rays ``b → a`` and ``b → c``, in degrees (0..180).

    Parameters
    ----------
    a, b, c
        Points of shape ``(..., 2)`` or ``(..., 3)`` (all the same last size), broadcast
        against each other, in any isotropic unit (pixels, m).

    Returns
    -------
    numpy.ndarray
        Angles in degrees with the broadcast leading shape; 180 = the three points in line.
        NaN where a point is NaN or coincides with ``b`` (no direction there).

    Examples
    --------
    >>> float(angle3([1.0, 0.0], [0.0, 0.0], [0.0, 1.0]))
    90.0
    >>> angle3([[0, 0], [0, 0]], [[0, 1], [0, 1]], [[0, 2], [1, 1]]).tolist()
    [180.0, 90.0]
    """
    pa, pb, pc = _points(a, "a"), _points(b, "b"), _points(c, "c")
    if not pa.shape[-1] == pb.shape[-1] == pc.shape[-1]:
        raise ValueError(
            "a, b and c must all be 2-D or all 3-D points; got last sizes "
            f"{pa.shape[-1]}, {pb.shape[-1]}, {pc.shape[-1]}."
        )
    pa, pb, pc = np.broadcast_arrays(pa, pb, pc)
    lead = pa.shape[:-1]
    d = pa.shape[-1]
    flat = [np.ascontiguousarray(p.reshape(-1, d)) for p in (pa, pb, pc)]
    out: FloatArray = _core.geometry.angle3(*flat)
    return out.reshape(lead)


def segment_angle(
    p_from: Any,
    p_to: Any,
    /,
    *,
    reference: Literal["vertical", "horizontal"] = "vertical",
) -> FloatArray:
    """Signed image-plane angle of the segment ``p_from → p_to``, in degrees (-180, 180].

    Signs are those of a clock face seen on the screen: **counter-clockwise is positive**.

    - ``reference="vertical"``: measured from the plumb line pointing **down** (+y). 0 = ``p_to``
      straight below ``p_from``; +90 = ``p_to`` to the right; 180 = straight above. A segment
      hanging down and to the right (``p_to`` right of ``p_from``) is positive.
    - ``reference="horizontal"``: measured from the image's +x (right). 0 = to the right;
      +90 = straight up (smaller y); -90 = straight down.

    Parameters
    ----------
    p_from, p_to
        Points ``(..., 2|3)``, broadcast against each other (``z`` is ignored), x right, y down,
        in an isotropic unit (pixels), so that the angle is true to life.
    reference
        ``"vertical"`` or ``"horizontal"``.

    Returns
    -------
    numpy.ndarray
        Degrees, NaN where a point is NaN or the two points coincide.

    Examples
    --------
    >>> float(segment_angle([0.0, 0.0], [1.0, 1.0]))  # down and to the right
    45.0
    >>> float(segment_angle([0.0, 0.0], [1.0, -1.0], reference="horizontal"))  # up-right
    45.0
    """
    ref = _choice(reference, "reference", ("vertical", "horizontal"), "the zero direction")
    p, q = _points(p_from, "p_from"), _points(p_to, "p_to")
    if p.shape[-1] != q.shape[-1]:
        raise ValueError(
            f"p_from and p_to must both be 2-D or both 3-D points; got {p.shape} and {q.shape}."
        )
    p, q = np.broadcast_arrays(p, q)
    lead, d = p.shape[:-1], p.shape[-1]
    out: FloatArray = _core.geometry.segment_angle(
        np.ascontiguousarray(p.reshape(-1, d)),
        np.ascontiguousarray(q.reshape(-1, d)),
        ref == "vertical",
    )
    return out.reshape(lead)


def body_angles(
    landmarks: Any,
    /,
    *,
    side: Side = "left",
    facing: Facing | Literal["auto"] = "auto",
    image_size: tuple[float, float] | None = None,
) -> BodyAngles:
    """The named body angles of a side-view pose sequence (see the module docstring).

    Parameters
    ----------
    landmarks
        ``(n_frames, 33, 2|3)`` landmarks (x right, y down), one frame ``(33, 2|3)``, or a
        ``PoseSeries``/``Pose`` (its normalised landmarks are scaled by its image size).
    side
        ``"left"`` or ``"right"``: whose shoulder, hip, knee and ankle to use (the person's own
        side; choose the one nearer the camera).
    facing
        Image direction the person faces, ``"left"`` or ``"right"``; defines "forward".
        ``"auto"`` takes :func:`dominant_facing` of the frames.
    image_size
        ``(width, height)`` in pixels when ``landmarks`` are normalised to [0, 1]; None when they
        already are pixels (or any isotropic unit).

    Returns
    -------
    BodyAngles
        Nine ``(n_frames,)`` arrays in degrees.

    Raises
    ------
    ValueError
        For a wrong shape, a wrong ``side``/``facing``, or ``facing="auto"`` when no frame
        shows which way the person faces.

    Examples
    --------
    A person facing right, trunk leaning 10° forward, thigh straight down:

    >>> lm = np.zeros((33, 2))
    >>> lm[23] = [0.0, 0.0]  # left hip
    >>> lm[11] = [np.sin(np.radians(10)), -np.cos(np.radians(10))]  # left shoulder
    >>> lm[25], lm[27] = [0.0, 1.0], [0.0, 2.0]  # knee, ankle
    >>> ang = body_angles(lm, side="left", facing="right")
    >>> round(float(ang.trunk_lean[0]), 6), float(ang.thigh[0]), round(float(ang.hip_flexion[0]), 6)
    (10.0, 0.0, 10.0)
    """
    sd = _choice(side, "side", ("left", "right"), "the person's side nearer the camera")
    fc = _choice(facing, "facing", ("left", "right", "auto"), "the image direction faced")
    raw, (sx, sy) = _unpack(landmarks, image_size)
    arr = _sequence(raw)
    if fc == "auto":
        total = float(np.sum(_core.geometry.facing(arr, sx, sy)))
        if total == 0:
            raise ValueError(
                f"facing='auto' could not tell which way the person faces in {arr.shape[0]} "
                "frame(s) (nose vs ears and toes vs heels disagree or are missing). Pass "
                "facing='left' or facing='right'."
            )
        fc = "right" if total > 0 else "left"
    out = _core.geometry.body_angles(arr, _SIDE_INDEX[sd], _FACING_SIGN[fc], sx, sy)
    cols = {name: np.ascontiguousarray(out[:, k]) for k, name in enumerate(ANGLE_NAMES)}
    return BodyAngles(**cols, side=sd, facing=fc)


def facing_direction(
    landmarks: Any, /, *, image_size: tuple[float, float] | None = None
) -> str | list[str | None] | None:
    """Which image direction a person faces in a side view, frame by frame.

    Two cues vote in each frame: the nose clearly in front of the ears (by more than half the
    ears' horizontal separation, so a face seen from the front does not vote), and the toes in
    front of the heels (only when the feet point more sideways than up or down). Disagreeing
    cues, or no usable cue, give None for that frame.

    Parameters
    ----------
    landmarks
        One frame ``(33, 2|3)`` (or a ``Pose``), or a sequence ``(n_frames, 33, 2|3)`` (or a
        ``PoseSeries``); x right, y down.
    image_size
        ``(width, height)`` in pixels for normalised landmarks (see :func:`body_angles`).

    Returns
    -------
    str or None, or list of those
        For one frame ``"right"`` (toward +x), ``"left"`` or None; for a sequence, a list with
        one such answer per frame (see :func:`dominant_facing` for a single answer).

    Examples
    --------
    >>> lm = np.zeros((33, 2))
    >>> lm[0] = [0.10, 0.0]  # nose ahead (to the right) of both ears
    >>> lm[7], lm[8] = [0.0, 0.0], [0.01, 0.0]
    >>> lm[[29, 30]] = [0.0, 1.0]  # heels
    >>> lm[[31, 32]] = [0.08, 1.0]  # toes to the right of the heels
    >>> facing_direction(lm)
    'right'
    >>> mirrored = lm * [-1.0, 1.0]  # flip x
    >>> facing_direction(np.stack([lm, mirrored, np.zeros((33, 2))]))
    ['right', 'left', None]
    """
    raw, (sx, sy) = _unpack(landmarks, image_size)
    single = np.ndim(raw) == 2
    signs = _core.geometry.facing(_sequence(raw), sx, sy).tolist()
    names: list[str | None] = [None if s == 0 else ("right" if s > 0 else "left") for s in signs]
    return names[0] if single else names


def dominant_facing(
    landmarks: Any, /, *, image_size: tuple[float, float] | None = None
) -> str | None:
    """The facing direction most frames agree on (:func:`facing_direction`), None on a tie.

    Parameters
    ----------
    landmarks
        ``(n_frames, 33, 2|3)``, one frame, or a ``Pose``/``PoseSeries``.
    image_size
        ``(width, height)`` in pixels for normalised landmarks.

    Returns
    -------
    str or None
        ``"right"``, ``"left"``, or None when as many frames (maybe zero) say each.

    Examples
    --------
    >>> dominant_facing(np.zeros((4, 33, 2))) is None
    True
    """
    raw, (sx, sy) = _unpack(landmarks, image_size)
    total = float(np.sum(_core.geometry.facing(_sequence(raw), sx, sy)))
    return None if total == 0 else ("right" if total > 0 else "left")
