"""Video sources for the engine: a file or a bundled sample clip, read with real timestamps.

Frames come from :func:`course.pose.video.iter_frames` (the container's timestamps, rotation tags
applied, truncated files detected), scaled down to fit a maximum size when asked, and, for demos,
looped with time carrying on.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from course.data import media
from course.pose.video import iter_frames

__all__ = ["VideoReader", "resolve_source"]


def resolve_source(source: str | Path) -> Path:
    """Path of a video file for ``source``: a path, or ``"sample:<name>"`` of the course media.

    A unique prefix of a sample's name is enough (``"sample:sports2d"``).

    Raises
    ------
    FileNotFoundError
        When the file does not exist, with the command that fetches the samples.
    ValueError
        For an unknown sample name (the message lists the known ones).

    Examples
    --------
    >>> resolve_source("no/such/clip.mp4")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    FileNotFoundError: video source 'no/such/clip.mp4' not found. Give a path to a video file, ...
    """
    text = str(source)
    if text.startswith("sample:"):
        name = text.split(":", 1)[1]
        if name not in media.CLIPS:
            matches = [c for c in media.CLIPS if c.startswith(name)]
            if len(matches) != 1:
                raise ValueError(
                    f"unknown sample {name!r}; expected one of: {', '.join(sorted(media.CLIPS))}."
                )
            name = matches[0]
        return Path(media.fetch(name))
    path = Path(text).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"video source {text!r} not found. Give a path to a video file, or a bundled "
            "sample such as 'sample:sports2d' (fetch them with `python -m course media`)."
        )
    return path


def _fit(rgb: NDArray[np.uint8], max_size: tuple[int, int] | None) -> NDArray[np.uint8]:
    """``rgb`` scaled down (area interpolation, aspect kept) to fit ``(width, height)``."""
    if max_size is None:
        return rgb
    import cv2

    h, w = rgb.shape[:2]
    scale = min(max_size[0] / w, max_size[1] / h, 1.0)
    if scale >= 1.0:
        return rgb
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


class VideoReader:
    """Frames ``(t, rgb)`` of a video file, one at a time, with the container's timestamps.

    Parameters
    ----------
    path
        A video file (see :func:`resolve_source` for samples).
    max_size
        ``(width, height)`` in pixels to scale frames down to (aspect kept); None: as stored.
    loop
        Start again at the end, time carrying on (for demos); otherwise :meth:`read` returns
        None at the end.
    max_frames
        Stop after this many frames (None: the whole file).

    Raises
    ------
    FileNotFoundError, course.pose.video.VideoError
        On the first :meth:`read` when the file is missing, not a video, corrupt or truncated.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        max_size: tuple[int, int] | None = None,
        loop: bool = False,
        max_frames: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.max_size = max_size
        self.loop = loop
        self.max_frames = max_frames
        self.index = 0
        self._offset = 0.0
        self._last_t = 0.0
        self._step = 1.0 / 30.0
        self._frames: Generator[tuple[float, NDArray[np.uint8]], None, None] | None = None

    def _open(self) -> Generator[tuple[float, NDArray[np.uint8]], None, None]:
        yield from iter_frames(self.path)

    def read(self) -> tuple[NDArray[np.uint8], float] | None:
        """The next ``(rgb, t_seconds)``, or None at the end (never with ``loop``)."""
        if self.max_frames is not None and self.index >= self.max_frames:
            return None
        if self._frames is None:
            self._frames = self._open()
        item = next(self._frames, None)
        if item is None and self.loop and self.index > 0:
            self._offset = self._last_t + self._step
            self._frames = self._open()
            item = next(self._frames, None)
        if item is None:
            return None
        t, rgb = item
        t += self._offset
        if self.index > 0 and t > self._last_t:
            self._step = t - self._last_t  # the frame interval, for the time of a loop
        self._last_t = t
        self.index += 1
        return _fit(rgb, self.max_size), t

    def __iter__(self) -> Iterator[tuple[NDArray[np.uint8], float]]:
        while (item := self.read()) is not None:
            yield item

    def close(self) -> None:
        """Release the file."""
        frames, self._frames = self._frames, None
        if frames is not None:
            frames.close()
