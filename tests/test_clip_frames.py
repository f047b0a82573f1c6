"""Annotated stills from the real sample clips: the knee angle and the drawing are checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from course.lessons import clip_frames
from course.lessons.stick_figure import model_series
from course.pose import PoseTracker
from course.schema import Pose


@pytest.mark.parametrize("flexion", [0.0, 25.0, 60.0, 95.0])
def test_knee_angle_reads_back_the_stick_figure(flexion: float) -> None:
    series = model_series(np.zeros(1), thigh_left=40.0, knee_left=flexion)
    pose = series.frame(0)
    assert isinstance(pose, Pose)
    assert clip_frames.knee_angle(pose, "left") == pytest.approx(180.0 - flexion, abs=1e-6)


def test_walking_still_is_drawn_on_the_real_frame(pose_model: Callable[[str], Path]) -> None:
    spec = clip_frames.CLIP_FRAMES[0]
    with PoseTracker("lite", model_path=pose_model("lite"), select="largest") as tracker:
        img, knee = clip_frames.render(spec, tracker)
    assert img.dtype == np.uint8 and img.shape[1] == clip_frames.WIDTH
    assert 60.0 < knee < 180.0  # a walking knee, neither folded nor past straight
    near_skeleton = np.all(np.abs(img.astype(int) - (30, 60, 200)) < 30, axis=-1).sum()
    near_hip_line = np.all(np.abs(img.astype(int) - (200, 40, 40)) < 30, axis=-1).sum()
    assert near_skeleton > 200 and near_hip_line > 50, "skeleton and plumb line are drawn"
    assert np.all(img[-28:] >= 0) and img[-28:, :, :].mean() > 200  # white caption bar


def test_a_missing_moment_is_reported(pose_model: Callable[[str], Path]) -> None:
    spec = clip_frames.ClipFrame("x", "pose2sim-single-cam01", 60.0, "left", "too late")
    with (
        PoseTracker("lite", model_path=pose_model("lite")) as tracker,
        pytest.raises(ValueError, match="could not read a frame"),
    ):
        clip_frames.render(spec, tracker)
