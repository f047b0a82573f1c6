"""Per-frame analysis for the live webcam loop: One-Euro smoothing plus every named body angle.

:class:`LiveAnalyzer` makes ONE call into the compiled core per frame (a few microseconds), so a
self-test can run it on every camera frame. Angle names, definitions and signs are those of
:mod:`course.analysis.geometry`; smoothing is the One-Euro filter of
:class:`course.analysis.filters.OneEuroFilter`, applied to the landmarks before the angles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from course import _core
from course.analysis.geometry import ANGLE_NAMES, _choice, _scale, body_angles
from course.schema import N_LANDMARKS
from course.validation import FloatArray, positive

__all__ = ["PASS_THROUGH_HZ", "LiveAnalyzer", "LiveFrame"]

#: One-Euro cutoff that makes the filter pass frames through: at 30 fps the smoothed value
#: differs from the raw one by under 1e-11 of the frame-to-frame motion.
PASS_THROUGH_HZ = 1e12

_EMPTY = np.empty(0)
_SIDE_NAMES = ("left", "right")
_FACING_NAMES = {1: "right", -1: "left", 0: None}


@dataclass(frozen=True, slots=True)
class LiveFrame:
    """What :meth:`LiveAnalyzer.update` returns for one frame.

    Attributes
    ----------
    t
        Frame time in s.
    landmarks
        ``(33, 2|3)`` smoothed landmarks, in the input's units (NaN where not seen).
    side
        The person's side measured, ``"left"`` or ``"right"``.
    facing
        Image direction taken as forward (``"left"``/``"right"``), or None while unknown (the
        forward-signed angles are then NaN).
    trunk_lean, thigh, hip_extension, hip_flexion, knee, shank, body_lean, hip_bend,
    pelvic_obliquity
        Angles in degrees, defined in :mod:`course.analysis.geometry` (NaN if not measurable).
    """

    t: float
    landmarks: FloatArray
    side: str
    facing: str | None
    trunk_lean: float
    thigh: float
    hip_extension: float
    hip_flexion: float
    knee: float
    shank: float
    body_lean: float
    hip_bend: float
    pelvic_obliquity: float

    @property
    def angles(self) -> dict[str, float]:
        """The nine named angles in degrees, by name."""
        return {name: getattr(self, name) for name in ANGLE_NAMES}

    def to_dict(self) -> dict[str, float]:
        """Same as :attr:`angles` (plain floats, ready for JSON)."""
        return self.angles


class LiveAnalyzer:
    """Smooth each frame's landmarks and measure every named body angle, in one compiled call.

    Parameters
    ----------
    min_cutoff
        One-Euro cutoff at rest in Hz (lower = steadier when still, more lag).
    beta
        One-Euro speed coefficient in 1/unit of the landmarks: the cutoff is ``min_cutoff +
        beta * |speed|`` with the speed in units/s (higher = less lag when moving). The default
        suits normalised landmarks ([0, 1] of the image); for pixels divide it by the image
        width.
    d_cutoff
        Cutoff in Hz of the speed estimate's low-pass.
    side
        ``"left"``, ``"right"`` (the person's side to measure) or ``"auto"``: the side nearer
        the camera, from landmark visibility (a ``Pose``) or else depth ``z``, switching only
        on a clear margin.
    facing
        ``"left"``, ``"right"`` (image direction faced) or ``"auto"``: estimated each frame
        from nose/ears and toes/heels, holding the last known direction.
    image_size
        ``(width, height)`` in pixels, to make normalised coordinates isotropic. None: take it
        from each ``Pose``; bare arrays are then used as they are (pixels).
    smooth
        False: no smoothing, each frame's landmarks pass through unchanged (the cutoff is set to
        :data:`PASS_THROUGH_HZ`, far above any frame rate). For measurements that time quick
        events (take-off, foot contact), where smoothing lag would bias the timing.

    Examples
    --------
    >>> lm = np.zeros((33, 3))
    >>> lm[[11, 12], 1] = -1.0  # shoulders straight above the hips
    >>> lm[[25, 26], 1], lm[[27, 28], 1] = 1.0, 2.0  # knees and ankles below
    >>> live = LiveAnalyzer(side="left", facing="right")
    >>> frame = live.update(lm, 0.0)
    >>> frame.trunk_lean, frame.knee, frame.facing
    (0.0, 180.0, 'right')
    """

    def __init__(
        self,
        *,
        min_cutoff: float = 1.5,
        beta: float = 0.5,
        d_cutoff: float = 1.0,
        side: Literal["left", "right", "auto"] = "auto",
        facing: Literal["left", "right", "auto"] = "auto",
        image_size: tuple[float, float] | None = None,
        smooth: bool = True,
    ) -> None:
        self.smooth = bool(smooth)
        if not self.smooth:
            min_cutoff = PASS_THROUGH_HZ
        self.min_cutoff = positive(min_cutoff, "min_cutoff", "Hz")
        self.d_cutoff = positive(d_cutoff, "d_cutoff", "Hz")
        b = float(beta)
        if not np.isfinite(b) or b < 0:
            raise ValueError(f"beta must be a finite number >= 0; got {beta!r}.")
        self.beta = b
        self.side = _choice(side, "side", ("left", "right", "auto"), "the side to measure")
        self.facing = _choice(facing, "facing", ("left", "right", "auto"), "the direction faced")
        self.image_size = image_size
        self._sx, self._sy = _scale(image_size)
        self._pose_size: Any = None
        self._pose_scale = (1.0, 1.0)
        self._kernel = _core.geometry.LiveKernel(
            self.min_cutoff,
            self.beta,
            self.d_cutoff,
            {"left": 0, "right": 1, "auto": -1}[self.side],
            {"right": 1, "left": -1, "auto": 0}[self.facing],
        )

    def update(self, landmarks: Any, t: float) -> LiveFrame:
        """Analyse one frame.

        Parameters
        ----------
        landmarks
            A :class:`~course.schema.Pose` (its visibility and image size are used), or a
            ``(33, 2|3)`` array (x right, y down).
        t
            Frame time in s; must increase from frame to frame.

        Returns
        -------
        LiveFrame
            Smoothed landmarks and the named angles in degrees.
        """
        sx, sy = self._sx, self._sy
        x: Any = landmarks
        vis: Any = _EMPTY
        if not isinstance(landmarks, np.ndarray) and hasattr(landmarks, "landmarks"):
            x = landmarks.landmarks
            vis = getattr(landmarks, "visibility", None)
            if vis is None:
                vis = _EMPTY
            size = getattr(landmarks, "image_size", None)
            if self.image_size is None and size is not None:
                if size != self._pose_size:  # a Pose's size rarely changes: cache its scale
                    self._pose_scale = _scale(size)
                    self._pose_size = size
                sx, sy = self._pose_scale
        try:
            try:
                out = self._kernel.update(x, t, vis, sx, sy)
            except TypeError:  # not float64 / not contiguous / not an array: convert, retry
                out = self._kernel.update(self._fix(x), float(t), self._fix_vis(vis), sx, sy)
        except ValueError as exc:
            raise ValueError(f"LiveAnalyzer.update: {exc}") from None
        return LiveFrame(
            float(t),
            out.landmarks,
            _SIDE_NAMES[out.side],
            _FACING_NAMES[out.facing],
            out.trunk_lean,
            out.thigh,
            out.hip_extension,
            out.hip_flexion,
            out.knee,
            out.shank,
            out.body_lean,
            out.hip_bend,
            out.pelvic_obliquity,
        )

    def reset(self) -> None:
        """Forget smoothing, side and facing state (e.g. when a new take starts)."""
        self._kernel.reset()

    def remeasure(self, frame: LiveFrame) -> LiveFrame:
        """``frame``'s smoothed landmarks measured for the current side and facing.

        After :meth:`set_view` the frame already analysed can be re-read with the new view,
        without feeding it through the smoothing again.

        Examples
        --------
        >>> lm = np.zeros((33, 3))
        >>> lm[[11, 12], 1] = -1.0
        >>> lm[[25, 26], 1], lm[[27, 28], 1] = 1.0, 2.0
        >>> live = LiveAnalyzer(side="left", facing="right")
        >>> frame = live.update(lm, 0.0)
        >>> live.set_view(side="right", facing="left")
        >>> live.remeasure(frame).side
        'right'
        """
        if self.side == "auto" or self.facing == "auto":
            raise ValueError(
                "remeasure needs a fixed side and facing; call set_view(side=..., facing=...) "
                f"first (now side={self.side!r}, facing={self.facing!r})."
            )
        size = self.image_size if self.image_size is not None else self._pose_size
        ang = body_angles(
            frame.landmarks[np.newaxis, :, :2],
            side=self.side,  # type: ignore[arg-type]
            facing=self.facing,  # type: ignore[arg-type]
            image_size=size,
        ).to_dict()
        return LiveFrame(
            frame.t,
            frame.landmarks,
            self.side,
            self.facing,
            *(float(ang[name][0]) for name in ANGLE_NAMES),
        )

    def set_view(
        self,
        *,
        side: Literal["left", "right", "auto"],
        facing: Literal["left", "right", "auto"],
    ) -> None:
        """Measure ``side`` facing ``facing`` from the next frame on, keeping the smoothing state.

        A protocol locks the side and direction at setup; the angles drawn and scored from then on
        are those of the locked side.

        Examples
        --------
        >>> live = LiveAnalyzer()
        >>> live.set_view(side="right", facing="left")
        >>> live.side, live.facing
        ('right', 'left')
        """
        self.side = _choice(side, "side", ("left", "right", "auto"), "the side to measure")
        self.facing = _choice(facing, "facing", ("left", "right", "auto"), "the direction faced")
        self._kernel.set_view(
            {"left": 0, "right": 1, "auto": -1}[self.side],
            {"right": 1, "left": -1, "auto": 0}[self.facing],
        )

    @staticmethod
    def _fix(x: Any) -> FloatArray:
        try:
            arr = np.ascontiguousarray(x, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"landmarks must be a (33, 2|3) numeric array or a Pose; got {type(x).__name__}."
            ) from exc
        if arr.ndim != 2 or arr.shape[0] != N_LANDMARKS or arr.shape[1] not in (2, 3):
            raise ValueError(
                f"landmarks must have shape (33, 2) or (33, 3) (one frame, MediaPipe order); got "
                f"shape {arr.shape}. For a whole sequence use course.analysis.geometry."
            )
        return arr

    @staticmethod
    def _fix_vis(vis: Any) -> FloatArray:
        arr = np.ascontiguousarray(vis, dtype=np.float64).reshape(-1)
        if arr.size not in (0, N_LANDMARKS):
            raise ValueError(f"visibility must have 33 values; got {arr.size}.")
        return arr
