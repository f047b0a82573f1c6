"""The camera view's poster: the first analysed frame of a video, with its skeleton drawn.

Real MediaPipe on the pinned sample clip; the drawn skeleton is found again in the decoded JPEG.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from course.lessons.stick_figure import model_series
from course.live import VideoReader, decode_jpeg, resolve_source
from widgets import PoseCamera
from widgets._poster import WIDTH, poster_data_url, poster_score

CLIP = "sample:sports2d"


def decode(url: str) -> np.ndarray:
    head, data = url.split(",", 1)
    assert head == "data:image/jpeg;base64"
    return decode_jpeg(base64.b64decode(data))


def green(img: np.ndarray) -> int:
    """Pixels of the skeleton's green (0, 230, 118), allowing for JPEG error."""
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return int(((g > 170) & (r < 90) & (b > 60) & (b < 180)).sum())


def test_poster_draws_the_visible_bones_only() -> None:
    pose = model_series(np.zeros(1), image_size=(640, 480)).frame(0)
    frame = np.full((480, 640, 3), 90, np.uint8)
    drawn = decode(poster_data_url(frame, pose, width=320))
    assert drawn.shape == (240, 320, 3)
    assert green(drawn) > 300, "the skeleton is drawn"
    hidden = type(pose)(**{**pose.__dict__, "visibility": np.zeros(33)})
    assert green(decode(poster_data_url(frame, hidden, width=320))) == 0, "unseen points are not"


@pytest.mark.parametrize(
    ("rgb", "width", "match"),
    [
        (np.zeros((48, 64), np.uint8), 64, r"\(h, w, 3\) uint8 RGB frame; got shape \(48, 64\)"),
        (np.zeros((48, 64, 3), np.float64), 64, "of float64"),
        (np.zeros((48, 64, 3), np.uint8), 8, "at least 16 px; got 8"),
    ],
)
def test_poster_rejects_bad_input(rgb: np.ndarray, width: int, match: str) -> None:
    pose = model_series(np.zeros(1)).frame(0)
    with pytest.raises(ValueError, match=match):
        poster_data_url(rgb, pose, width=width)


@pytest.mark.media
def test_run_source_leaves_the_best_seen_frame_as_poster() -> None:
    cam = PoseCamera(source=CLIP)
    assert cam.poster == ""
    seen = []
    cam.on_frame(seen.append)
    run = cam.run_source(max_frames=8)
    scores = [poster_score(fr.pose) for fr in seen]
    best = next(i for i, sc in enumerate(scores) if sc > 0.05)
    for i, sc in enumerate(scores):  # the poster moves to a frame only when it is clearly better
        if sc > scores[best] + 0.05:
            best = i
    img = decode(cam.poster)
    assert img.shape[1] == WIDTH
    assert img.shape[0] == round(WIDTH * run.series.image_size[1] / run.series.image_size[0])
    reader = VideoReader(resolve_source(CLIP), max_size=(cam.width, cam.height))
    try:
        raw = [reader.read() for _ in range(best + 1)][best]
    finally:
        reader.close()
    assert raw is not None
    import cv2

    plain = cv2.resize(raw[0], (img.shape[1], img.shape[0]), interpolation=cv2.INTER_AREA)
    assert green(img) > green(plain) + 60, "the skeleton found by MediaPipe is on the poster"
    assert np.abs(img.astype(int) - plain.astype(int)).mean() < 12, "on the best-seen frame"
    cam.source = "sample:pose2sim-single-cam01"
    assert cam.poster == "", "a new source clears the old video's poster"
    cam.close()
