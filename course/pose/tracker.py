"""The pose tracker: MediaPipe Tasks ``PoseLandmarker`` on images, live frames and video files.

:class:`PoseTracker` owns one landmarker per running mode (IMAGE for single pictures, VIDEO for a
stream of frames with timestamps) and closes them itself: use it as a context manager or call
:meth:`PoseTracker.close`. (A landmarker left to the garbage collector at interpreter exit raises
from its ``__del__`` in mediapipe 1.2; the tracker also registers a finaliser as a safety net.)

When several people are in view the model finds up to ``num_poses`` of them and the tracker keeps
one, chosen by ``select``:

``"largest"``
    the biggest bounding box (usually the nearest person);
``"central"``
    the bounding box whose centre is nearest the image centre;
``"stable"``
    the person nearest (torso centre) to the one chosen in the previous frame, which keeps the same
    identity through a clip; the first frame (and the first after a reset) falls back to largest.

mediapipe is imported only when a tracker first needs a model, so ``import course.pose`` is cheap.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from course.pose.tracker_select import (
    SELECTIONS,
    Select,
    as_rgb,
    bbox,
    landmark_array,
    select_person,
)
from course.schema import N_LANDMARKS, FloatArray, Pose, PoseSeries

_as_rgb = as_rgb  # the benchmarks time the bare conversion under this name

__all__ = ["SELECTIONS", "PoseTracker", "Select", "select_person"]

#: A VIDEO-mode timestamp may go back by at most this much (rounding, jitter) before it is an error.
_MAX_BACKWARDS_S = 0.5


def _close_all(landmarkers: dict[str, Any]) -> None:
    for lm in list(landmarkers.values()):
        lm.close()
    landmarkers.clear()


class PoseTracker:
    """Find a person's 33 landmarks in images, live frames and video files with MediaPipe.

    Parameters
    ----------
    model
        ``"lite"``, ``"full"`` (default) or ``"heavy"``; resolved with
        :func:`course.pose.ensure_model` on first use (downloaded or built if needed).
    model_path
        A ``.task`` file (or a directory holding one) to use instead.
    num_poses
        Maximum number of people the model looks for (one is kept, see ``select``). With more
        than one, MediaPipe runs its person detector on every frame while fewer people than
        ``num_poses`` are tracked, which roughly doubles the cost per frame of a one-person
        stream (see ``python -m benchmarks --only pose``); pass 1 for a live loop where only the
        learner is in view.
    output_segmentation
        Also return the person's segmentation mask (:attr:`Pose.mask`) from :meth:`image` and
        :meth:`frame`.
    select
        ``"largest"``, ``"central"`` or ``"stable"``: which person to keep when several are found.
    min_detection_confidence, min_presence_confidence, min_tracking_confidence
        MediaPipe thresholds in [0, 1].

    Examples
    --------
    >>> tracker = PoseTracker("lite", select="central")
    >>> tracker.select, tracker.num_poses
    ('central', 2)
    >>> tracker.close()
    """

    def __init__(
        self,
        model: str = "full",
        *,
        model_path: Path | str | None = None,
        num_poses: int = 2,
        output_segmentation: bool = False,
        select: str = "largest",
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        from course.pose.models import VARIANTS

        if model not in VARIANTS:
            raise ValueError(f"model must be one of {', '.join(VARIANTS)}; got {model!r}.")
        if select not in SELECTIONS:
            raise ValueError(
                f"select must be one of {', '.join(SELECTIONS)}; got {select!r}. 'stable' keeps "
                "the same person through a clip."
            )
        if not isinstance(num_poses, int) or num_poses < 1:
            raise ValueError(f"num_poses must be a positive integer; got {num_poses!r}.")
        for name, value in (
            ("min_detection_confidence", min_detection_confidence),
            ("min_presence_confidence", min_presence_confidence),
            ("min_tracking_confidence", min_tracking_confidence),
        ):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1]; got {value!r}.")
        self.model = model
        self.num_poses = num_poses
        self.output_segmentation = bool(output_segmentation)
        self.select = select
        self._thresholds = (
            float(min_detection_confidence),
            float(min_presence_confidence),
            float(min_tracking_confidence),
        )
        self._explicit_path = model_path
        self._model_path: Path | None = None
        self._landmarkers: dict[str, Any] = {}
        self._finalizer = weakref.finalize(self, _close_all, self._landmarkers)
        self._last_ms = -1
        self._last_t = -np.inf
        self._previous: FloatArray | None = None

    # -- lifetime ---------------------------------------------------------------------------

    def __enter__(self) -> PoseTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the MediaPipe landmarkers (safe to call twice; the tracker can be reused)."""
        _close_all(self._landmarkers)
        self._last_ms = -1
        self._last_t = -np.inf
        self._previous = None

    def reset(self) -> None:
        """Start a new stream for :meth:`frame`: forget timestamps, tracking and the last person."""
        lm = self._landmarkers.pop("video", None)
        if lm is not None:
            lm.close()
        self._last_ms = -1
        self._last_t = -np.inf
        self._previous = None

    @property
    def model_path(self) -> Path:
        """The ``.task`` file in use (resolved, and fetched or built, on first access)."""
        if self._model_path is None:
            from course.pose.models import ensure_model

            self._model_path = ensure_model(self.model, path=self._explicit_path)
        return self._model_path

    def _create(self, mode: str) -> Any:
        from mediapipe.tasks.python import BaseOptions, vision

        det, pres, track = self._thresholds
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE,
            num_poses=self.num_poses,
            min_pose_detection_confidence=det,
            min_pose_presence_confidence=pres,
            min_tracking_confidence=track,
            output_segmentation_masks=self.output_segmentation,
        )
        return vision.PoseLandmarker.create_from_options(options)

    def _landmarker(self, mode: str) -> Any:
        if mode not in self._landmarkers:
            self._landmarkers[mode] = self._create(mode)
        return self._landmarkers[mode]

    # -- per frame ----------------------------------------------------------------------------

    def _pose(self, result: Any, t: float, image_size: tuple[int, int]) -> Pose | None:
        people = result.pose_landmarks
        if not people:
            return None
        arrays = [landmark_array(p) for p in people]
        i = select_person(
            [a[0] for a in arrays], how=self.select, image_size=image_size, previous=self._previous
        )
        landmarks, visibility, presence = arrays[i]
        self._previous = landmarks
        world = np.full((N_LANDMARKS, 3), np.nan)
        if result.pose_world_landmarks and i < len(result.pose_world_landmarks):
            world = np.array(
                [(p.x, p.y, p.z) for p in result.pose_world_landmarks[i]], dtype=np.float64
            )
        mask = None
        if self.output_segmentation and result.segmentation_masks:
            mask = np.array(result.segmentation_masks[i].numpy_view(), dtype=np.float32)
            mask = mask.reshape(mask.shape[0], mask.shape[1])
        return Pose(
            t=float(t),
            landmarks=landmarks,
            world=world,
            visibility=visibility,
            presence=presence,
            image_size=image_size,
            n_people=len(people),
            mask=mask,
        )

    def image(self, rgb: NDArray[np.uint8]) -> Pose | None:
        """Find the pose in one RGB image (IMAGE mode: the detector runs on every call).

        Parameters
        ----------
        rgb
            ``(height, width, 3)`` uint8 RGB image (OpenCV frames are BGR: convert first).

        Returns
        -------
        Pose or None
            The selected person (``t`` = 0 s), or None if nobody was found.
        """
        from mediapipe import Image, ImageFormat

        arr = as_rgb(rgb)
        result = self._landmarker("image").detect(Image(image_format=ImageFormat.SRGB, data=arr))
        previous = self._previous
        pose = self._pose(result, 0.0, (arr.shape[1], arr.shape[0]))
        self._previous = previous  # single images do not feed the stable identity of a stream
        return pose

    def image_all(self, rgb: NDArray[np.uint8]) -> list[Pose]:
        """Every person found in one RGB image (up to ``num_poses``), largest first.

        Parameters
        ----------
        rgb
            ``(height, width, 3)`` uint8 RGB image.

        Returns
        -------
        list of Pose
            Possibly empty; each pose has ``n_people`` set to the number found.
        """
        from mediapipe import Image, ImageFormat

        arr = as_rgb(rgb)
        size = (arr.shape[1], arr.shape[0])
        result = self._landmarker("image").detect(Image(image_format=ImageFormat.SRGB, data=arr))
        n = len(result.pose_landmarks)
        poses = []
        for i, people in enumerate(result.pose_landmarks):
            landmarks, visibility, presence = landmark_array(people)
            world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[i]], float)
            mask = None
            if self.output_segmentation and result.segmentation_masks:
                m = np.array(result.segmentation_masks[i].numpy_view(), dtype=np.float32)
                mask = m.reshape(m.shape[0], m.shape[1])
            poses.append(Pose(0.0, landmarks, world, visibility, presence, size, n, mask))

        def area(p: Pose) -> float:
            x0, y0, x1, y1 = bbox(p.landmarks, size)
            return (x1 - x0) * (y1 - y0)

        return sorted(poses, key=area, reverse=True)

    def frame(self, rgb: NDArray[np.uint8], t_seconds: float) -> Pose | None:
        """Find the pose in the next frame of a stream (VIDEO mode: tracks between frames).

        Parameters
        ----------
        rgb
            ``(height, width, 3)`` uint8 RGB image.
        t_seconds
            Capture time of the frame in seconds, increasing. Equal or slightly earlier times
            (rounding, jitter) are bumped by 1 ms; going back more than 0.5 s is an error (call
            :meth:`reset` to start a new stream).

        Returns
        -------
        Pose or None
            The selected person, or None if nobody is in view (never raises for an empty frame).
        """
        from mediapipe import Image, ImageFormat

        t = float(t_seconds)
        if not np.isfinite(t):
            raise ValueError(f"t_seconds must be a finite time in seconds; got {t_seconds!r}.")
        if t < self._last_t - _MAX_BACKWARDS_S:
            raise ValueError(
                f"frame times must increase; got t = {t:.3f} s after {self._last_t:.3f} s. "
                "Call tracker.reset() before feeding a new stream."
            )
        arr = as_rgb(rgb)
        ms = max(round(t * 1000.0), self._last_ms + 1)
        result = self._landmarker("video").detect_for_video(
            Image(image_format=ImageFormat.SRGB, data=arr), ms
        )
        self._last_ms = ms
        self._last_t = max(t, self._last_t)
        return self._pose(result, t, (arr.shape[1], arr.shape[0]))

    # -- files ------------------------------------------------------------------------------

    def video(
        self,
        path: Path | str,
        *,
        start: float | None = None,
        stop: float | None = None,
        max_frames: int | None = None,
        progress: bool = True,
    ) -> PoseSeries:
        """Track the pose through a video file, frame by frame, in VIDEO mode.

        Frames are decoded and analysed one at a time (memory does not grow with the clip's
        length); times are the container's timestamps; rotation metadata is applied. The stream
        state of :meth:`frame` is not touched: each call uses a fresh landmarker.

        Parameters
        ----------
        path
            Any video OpenCV reads (mp4, mov, webm, avi, mkv...).
        start, stop
            Analyse only frames with ``start <= t < stop`` (seconds).
        max_frames
            Analyse at most this many frames.
        progress
            Show a tqdm progress bar.

        Returns
        -------
        PoseSeries
            One row per analysed frame; NaN rows where nobody was found.

        Raises
        ------
        FileNotFoundError, course.pose.video.VideoError
            If the file is missing, not a video, corrupt or truncated.
        """
        from mediapipe import Image, ImageFormat
        from tqdm.auto import tqdm

        from course.pose.video import iter_frames, probe

        info = probe(path)
        total = info.n_frames or None
        if max_frames is not None and total is not None:
            total = min(total, max_frames)
        landmarker = self._create("video")
        saved_previous = self._previous
        self._previous = None
        ts: list[float] = []
        lms: list[FloatArray] = []
        worlds: list[FloatArray] = []
        vis: list[FloatArray] = []
        counts: list[int] = []
        nan3 = np.full((N_LANDMARKS, 3), np.nan)
        nan1 = np.full(N_LANDMARKS, np.nan)
        last_ms = -1
        try:
            with tqdm(total=total, unit="frame", desc=info.path.name, disable=not progress) as bar:
                for t, rgb in iter_frames(path, start=start, stop=stop, max_frames=max_frames):
                    ms = max(round(t * 1000.0), last_ms + 1)
                    last_ms = ms
                    result = landmarker.detect_for_video(
                        Image(image_format=ImageFormat.SRGB, data=rgb), ms
                    )
                    pose = self._pose(result, t, (rgb.shape[1], rgb.shape[0]))
                    ts.append(t)
                    counts.append(len(result.pose_landmarks))
                    if pose is None:
                        lms.append(nan3)
                        worlds.append(nan3)
                        vis.append(nan1)
                    else:
                        lms.append(pose.landmarks)
                        worlds.append(pose.world)
                        vis.append(pose.visibility)
                    bar.update(1)
        finally:
            landmarker.close()
            self._previous = saved_previous
        n = len(ts)
        return PoseSeries(
            t=np.asarray(ts, dtype=np.float64),
            landmarks=np.asarray(lms, dtype=np.float64).reshape(n, N_LANDMARKS, 3),
            world=np.asarray(worlds, dtype=np.float64).reshape(n, N_LANDMARKS, 3),
            visibility=np.asarray(vis, dtype=np.float64).reshape(n, N_LANDMARKS),
            image_size=(info.width, info.height),
            n_people=np.asarray(counts, dtype=np.int64).reshape(n),
            source=str(info.path),
            selection=self.select,
        )

    def __repr__(self) -> str:
        return (
            f"PoseTracker(model={self.model!r}, num_poses={self.num_poses}, "
            f"select={self.select!r}, open_modes={sorted(self._landmarkers)})"
        )
