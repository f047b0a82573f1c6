"""The live engine (course.live): what the learner sees is what gets scored.

A real clip (the Sports2D walker, side-on, cropped like a zoomed-in webcam as in the browser tests)
goes frame by frame through real MediaPipe and :class:`course.live.Engine`. For every captured
frame the numbers the overlay draws, the landmarks it draws and the protocol's recorded values
must be the same numbers, measured on the side the protocol locked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.analysis.geometry import body_angles
from course.lessons import demos
from course.live import Engine, FrameResult, VideoReader, pose_from_landmarks, resolve_source
from course.schema import N_LANDMARKS
from course.selftests import PelvicTilt, UnknownTestError
from course.selftests.views import ScriptedSideView

# Sports2D demo 3.5–5.4 s, cropped to the walker (see tests/test_browser_e2e.py MISSION_CLIPS)
CROP = (0.2, 0.4444, 0.4167, 0.5556)  # x0, y0, width, height as fractions of the frame
START, STOP = 3.5, 5.4


def walker_frames() -> list[tuple[np.ndarray, float]]:
    """The cropped walker frames (RGB, fitted into 640x480) with their video times in s."""
    import cv2

    out = []
    reader = VideoReader(resolve_source("sample:sports2d"))
    try:
        for rgb, t in reader:
            if t < START:
                continue
            if t >= STOP:
                break
            h, w = rgb.shape[:2]
            x0, y0 = round(CROP[0] * w), round(CROP[1] * h)
            crop = rgb[y0 : y0 + round(CROP[3] * h), x0 : x0 + round(CROP[2] * w)]
            scale = min(640 / crop.shape[1], 480 / crop.shape[0])
            size = (round(crop.shape[1] * scale), round(crop.shape[0] * scale))
            out.append((np.ascontiguousarray(cv2.resize(crop, size)), t - START))
    finally:
        reader.close()
    return out


@pytest.fixture(scope="module")
def walker() -> list[tuple[np.ndarray, float]]:
    return walker_frames()


def run_engine(engine: Engine, frames: list[tuple[np.ndarray, float]]) -> list[FrameResult]:
    results = [engine.process_frame(rgb, t) for rgb, t in frames]
    engine.close()
    return results


@pytest.mark.media
def test_drawn_numbers_are_the_scored_numbers_on_a_real_clip(walker) -> None:
    options = {
        "countdown": 0, "hold_to_start": 0.2, "baseline": 0.4, "explore": 0.8, "hold": 0.4,
        "trials": 1,
    }  # fmt: skip
    engine = Engine(test="pelvic_tilt", options=options)
    results = run_engine(engine, walker)
    protocol = engine.protocol
    assert isinstance(protocol, PelvicTilt)
    captured = [
        r
        for r in results
        if r.feedback is not None and r.feedback.phase == "capture" and r.frame is not None
    ]
    assert len(captured) >= 20, "the walker clip must reach and stay in capture"
    # the side and direction locked at setup are what the overlay reports from then on
    assert protocol.side in {"left", "right"}
    assert all(r.locked and r.side == protocol.side for r in captured)
    assert all(r.frame is not None and r.frame.facing == protocol.facing for r in captured)
    # the protocol's trace holds one row per captured frame with a person (gaps have NaN)
    trace = protocol.trace
    drawn_flex = np.array([r.overlay["hip_flexion_deg"] for r in captured])
    drawn_trunk = np.array([r.overlay["trunk_lean_deg"] for r in captured])
    index = {round(t, 9): k for k, t in enumerate(trace.t)}  # video times from 0: no clock shift
    rows = [index[round(r.t, 9)] for r in captured]
    np.testing.assert_array_equal(drawn_flex, trace["hip_flexion"][rows])
    np.testing.assert_array_equal(drawn_trunk, trace["trunk"][rows])
    # ... and they are the angles of the landmarks drawn (the smoothed ones), on the locked side
    drawn_lm = np.stack([r.frame.landmarks for r in captured if r.frame is not None])
    size = captured[0].pose.image_size if captured[0].pose is not None else (640, 480)
    again = body_angles(drawn_lm, side=protocol.side, facing=protocol.facing, image_size=size)
    np.testing.assert_allclose(again.hip_flexion, drawn_flex, atol=1e-9)
    np.testing.assert_allclose(again.trunk_lean, drawn_trunk, atol=1e-9)
    # smoothed, not the tracker's raw points: the raw angles differ
    raw_lm = np.stack([r.pose.landmarks for r in captured if r.pose is not None])
    raw = body_angles(raw_lm, side=protocol.side, facing=protocol.facing, image_size=size)
    assert np.max(np.abs(raw.hip_flexion - drawn_flex)) > 0.1
    # the result is scored from those same recorded values
    result = engine.result_object()
    assert result is not None and result.completed
    base = np.median(trace["hip_flexion"][trace["segment"] == 0])
    assert result.value("neutral_hip_flexion") == pytest.approx(base)


@pytest.mark.media
def test_kernel_and_ready_landmarks_take_the_same_path(walker) -> None:
    """Browser-mode landmarks through process_landmarks give the same frames as kernel mode."""
    kernel = run_engine(Engine(test="hip_extension", options={"mode": "standing"}), walker)
    browser = Engine(test="hip_extension", options={"mode": "standing"})
    for (rgb, t), ref in zip(walker, kernel, strict=True):
        if ref.pose is None:
            lm = np.zeros((0, 4), np.float32)
        else:
            lm = np.column_stack([ref.pose.landmarks, ref.pose.visibility]).astype(np.float64)
        got = browser.process_landmarks(lm, t, image_size=(rgb.shape[1], rgb.shape[0]))
        assert got.status == ref.status
        assert got.overlay == pytest.approx(ref.overlay, nan_ok=True)
        if ref.frame is not None:
            assert got.frame is not None
            np.testing.assert_allclose(got.frame.landmarks, ref.frame.landmarks, atol=1e-12)


def test_no_protocol_draws_the_auto_side_angles() -> None:
    engine = Engine()
    series = demos.ankle_lean(lean=8)
    results = [engine.process_pose(pose, t) for t, pose in series]
    last = results[-1]
    assert last.feedback is None and last.frame is not None
    assert last.overlay and all(k.startswith(f"{last.frame.side}_") for k in last.overlay)
    assert all(math.isfinite(v) for v in last.overlay.values())


def test_recorded_series_gives_the_protocols_own_run_result() -> None:
    """Engine.process_pose over a recording scores exactly like Protocol.run (one path)."""
    series = demos.pelvic_tilt(anterior=12, posterior=7, hold=3)
    engine = Engine(test="pelvic_tilt", recorded=True)
    for t, pose in series:
        engine.process_pose(pose, t)
    a = engine.finish()
    b = PelvicTilt().run(series)
    assert a is not None
    assert a.to_dict() == b.to_dict()


def test_side_is_locked_when_capture_starts() -> None:
    series = demos.pelvic_tilt(anterior=12, posterior=7, hold=3)
    engine = Engine(
        test="pelvic_tilt", options={"countdown": 0.5, "hold_to_start": 0.3, "trials": 1}
    )
    results = [engine.process_pose(pose, t) for t, pose in series]
    protocol = engine.protocol
    assert isinstance(protocol, ScriptedSideView)
    first = next(i for i, r in enumerate(results) if r.locked)
    done = next(i for i, r in enumerate(results) if r.done)
    assert 0 < first < done
    assert not any(r.locked for r in results[:first])
    assert all(r.locked for r in results[first : done + 1])
    assert {r.side for r in results[first : done + 1] if r.frame is not None} == {protocol.side}
    assert all(r.feedback is None for r in results[done + 1 :])  # finished: nothing more scored


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(UnknownTestError, match="pelvic_tilt"):
        Engine(test="toe_touch")
    with pytest.raises(ValueError, match="max_people"):
        Engine(max_people=0)
    with pytest.raises(TypeError):
        Engine(test="pelvic_tilt", options={"no_such_option": 1})
    with pytest.raises(ValueError, match=r"\(33, 4\)"):
        pose_from_landmarks(np.zeros((17, 2)), 0.0, (640, 480))
    nobody = np.full((N_LANDMARKS, 4), np.nan)
    assert pose_from_landmarks(nobody, 0.0, (640, 480)) is None
    engine = Engine(test="pelvic_tilt")
    res = engine.process_landmarks(np.zeros((0, 4)), 0.0, image_size=(640, 480))
    assert res.status == "no_person" and "No person" in res.message


def test_corrupt_video_is_a_clear_error(tmp_path) -> None:
    from course.pose.video import VideoError

    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000)
    engine = Engine(test="pelvic_tilt")
    with pytest.raises(VideoError, match="video"):
        engine.run_video(bad)
    assert engine.result_object() is not None  # nothing lost: the protocol is still there
