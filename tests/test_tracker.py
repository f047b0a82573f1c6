"""PoseTracker: person selection, input checks, stream timestamps, lifetime; real frames.

The selection tests are pure NumPy (hypothesis). The rest runs MediaPipe with a model built from
npm (``pose_model`` fixture); ``media`` tests use a real Pose2Sim frame. About 10 s.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course.pose import Landmark, PoseTracker, select_person
from course.pose.video import iter_frames

SIZE = (640, 480)


def _person(center: tuple[float, float], half: tuple[float, float]) -> np.ndarray:
    """A fake (33, 3) pose: landmarks spread over a box around ``center`` (normalised)."""
    rng = np.random.default_rng(0)
    pts = np.empty((33, 3))
    pts[:, 0] = center[0] + rng.uniform(-half[0], half[0], 33)
    pts[:, 1] = center[1] + rng.uniform(-half[1], half[1], 33)
    pts[:, 2] = 0.0
    pts[[0, 1], 0] = center[0] - half[0], center[0] + half[0]  # pin the box extent
    pts[[0, 1], 1] = center[1] - half[1], center[1] + half[1]
    return pts


boxes = st.tuples(
    st.floats(0.15, 0.85), st.floats(0.15, 0.85), st.floats(0.02, 0.14), st.floats(0.02, 0.14)
)


@given(st.lists(boxes, min_size=1, max_size=5))
def test_largest_picks_biggest_box(specs: list[tuple[float, float, float, float]]) -> None:
    people = [_person((cx, cy), (hx, hy)) for cx, cy, hx, hy in specs]
    areas = [hx * hy for _, _, hx, hy in specs]
    i = select_person(people, how="largest", image_size=SIZE)
    assert areas[i] == pytest.approx(max(areas), rel=1e-9)


@given(st.lists(boxes, min_size=1, max_size=5))
def test_central_picks_nearest_centre(specs: list[tuple[float, float, float, float]]) -> None:
    people = [_person((cx, cy), (hx, hy)) for cx, cy, hx, hy in specs]
    d = [np.hypot((cx - 0.5) * SIZE[0], (cy - 0.5) * SIZE[1]) for cx, cy, _, _ in specs]
    i = select_person(people, how="central", image_size=SIZE)
    assert d[i] == pytest.approx(min(d), abs=1e-6)


@given(
    st.lists(boxes, min_size=2, max_size=5, unique_by=lambda b: (round(b[0], 2), round(b[1], 2))),
    st.data(),
    arrays(np.float64, 2, elements=st.floats(-0.004, 0.004)),
)
def test_stable_follows_previous_person(
    specs: list[tuple[float, float, float, float]], data: st.DataObject, jitter: np.ndarray
) -> None:
    people = [_person((cx, cy), (hx, hy)) for cx, cy, hx, hy in specs]
    torso = [p[[11, 12, 23, 24], :2].mean(axis=0) for p in people]
    k = data.draw(st.integers(0, len(people) - 1))
    others = [np.linalg.norm((torso[j] - torso[k]) * SIZE) for j in range(len(people)) if j != k]
    if min(others) < 10:  # two torsos on top of each other: identity is ambiguous
        return
    previous = people[k].copy()
    previous[:, :2] += jitter  # the person moved a little since the last frame
    assert select_person(people, how="stable", image_size=SIZE, previous=previous) == k
    # without a previous pick, stable behaves like largest
    assert select_person(people, how="stable", image_size=SIZE) == select_person(
        people, how="largest", image_size=SIZE
    )


def test_select_person_checks_arguments() -> None:
    with pytest.raises(ValueError, match="largest, central, stable"):
        select_person([_person((0.5, 0.5), (0.1, 0.1))], how="tallest", image_size=SIZE)
    with pytest.raises(ValueError, match="at least one"):
        select_person([], image_size=SIZE)


def test_constructor_checks_arguments() -> None:
    with pytest.raises(ValueError, match="lite, full, heavy"):
        PoseTracker("medium")
    with pytest.raises(ValueError, match="stable"):
        PoseTracker("lite", select="random")
    with pytest.raises(ValueError, match="num_poses"):
        PoseTracker("lite", num_poses=0)
    with pytest.raises(ValueError, match="min_tracking_confidence"):
        PoseTracker("lite", min_tracking_confidence=1.5)


# -- with a model ------------------------------------------------------------------------------


@pytest.fixture
def tracker(pose_model: Callable[[str], Path]) -> Iterator[PoseTracker]:
    with PoseTracker("lite", model_path=pose_model("lite")) as t:
        yield t


def test_image_input_errors(tracker: PoseTracker) -> None:
    with pytest.raises(TypeError, match="uint8"):
        tracker.image(np.zeros((48, 64, 3)))
    with pytest.raises(ValueError, match=r"\(height, width, 3\)"):
        tracker.image(np.zeros((48, 64, 2), np.uint8))


def test_empty_frames_give_none_not_errors(tracker: PoseTracker) -> None:
    blank = np.zeros((240, 320, 3), np.uint8)
    assert tracker.image(blank) is None
    assert tracker.image(np.zeros((240, 320), np.uint8)) is None  # grey is accepted
    for i in range(5):
        assert tracker.frame(blank, i / 30) is None


def test_frame_timestamps(tracker: PoseTracker) -> None:
    blank = np.zeros((120, 160, 3), np.uint8)
    tracker.frame(blank, 1.0)
    tracker.frame(blank, 1.0)  # equal time: bumped by 1 ms, no error
    tracker.frame(blank, 0.9995)  # jitter backwards: bumped
    assert tracker._last_ms == 1002
    with pytest.raises(ValueError, match=r"reset\(\)"):
        tracker.frame(blank, 0.2)
    with pytest.raises(ValueError, match="finite"):
        tracker.frame(blank, float("nan"))
    tracker.reset()
    assert tracker.frame(blank, 0.0) is None  # a new stream may start at 0 again


def test_close_is_idempotent_and_reopens(tracker: PoseTracker) -> None:
    blank = np.zeros((64, 64, 3), np.uint8)
    tracker.image(blank)
    assert "image" in repr(tracker)
    tracker.close()
    tracker.close()
    assert "open_modes=[]" in repr(tracker)
    assert tracker.image(blank) is None  # usable again after close


def test_unclosed_tracker_exits_cleanly(pose_model: Callable[[str], Path]) -> None:
    """mediapipe's own __del__ raises at interpreter exit; the tracker's finaliser prevents it."""
    code = (
        "import numpy as np\n"
        "from course.pose import PoseTracker\n"
        f"t = PoseTracker('lite', model_path={str(pose_model('lite'))!r})\n"
        "t.image(np.zeros((64, 64, 3), np.uint8))\n"
        "t.frame(np.zeros((64, 64, 3), np.uint8), 0.0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


# -- on a real frame -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_frames(sample_clip: Callable[[str], Path]) -> list[tuple[float, np.ndarray]]:
    return list(iter_frames(sample_clip("pose2sim-single-cam01"), max_frames=20))


@pytest.mark.media
def test_image_finds_the_person_with_mask(
    pose_model: Callable[[str], Path], real_frames: list[tuple[float, np.ndarray]]
) -> None:
    _, rgb = real_frames[0]
    with PoseTracker("full", model_path=pose_model("full"), output_segmentation=True) as tr:
        pose = tr.image(rgb)
    assert pose is not None
    assert pose.n_people == 1
    assert pose.image_size == (rgb.shape[1], rgb.shape[0])
    assert pose.landmarks.shape == (33, 3) and pose.world.shape == (33, 3)
    assert np.all((pose.visibility >= 0) & (pose.visibility <= 1))
    assert pose.mask is not None and pose.mask.shape == rgb.shape[:2]
    # the mask covers the hips and not the image corners
    hx, hy = pose.pixels[Landmark.LEFT_HIP].astype(int)
    assert pose.mask[hy, hx] > 0.5
    assert pose.mask[0, 0] < 0.5
    # head above hips above ankles (image y points down)
    y = pose.landmarks[:, 1]
    assert y[Landmark.NOSE] < y[Landmark.LEFT_HIP] < y[Landmark.LEFT_ANKLE]


@pytest.mark.media
def test_frame_stream_matches_video(
    pose_model: Callable[[str], Path],
    sample_clip: Callable[[str], Path],
    real_frames: list[tuple[float, np.ndarray]],
) -> None:
    with PoseTracker("lite", model_path=pose_model("lite")) as tr:
        poses = [tr.frame(rgb, t) for t, rgb in real_frames]
        series = tr.video(sample_clip("pose2sim-single-cam01"), max_frames=20, progress=False)
    assert len(series) == len(real_frames) == 20
    assert all(p is not None for p in poses)
    stream = np.stack([p.landmarks for p in poses if p is not None])
    np.testing.assert_allclose(series.t, [t for t, _ in real_frames])
    np.testing.assert_allclose(series.landmarks, stream, atol=1e-6)
