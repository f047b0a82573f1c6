"""Real MediaPipe on real video: the pinned clips, detection rates, timestamps, people, errors.

The clips come from PyPI wheels (``course.data.media``); the pose series are computed once per
session by the fixtures in ``pose_fixtures.py`` (full model). About 40 s in total on 2 cores, most
of it the Sports2D demo (230 frames at 1768x994).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from course.data import media, pinned
from course.pose import Landmark, PoseSeries, PoseTracker, VideoError, iter_frames, probe

pytestmark = pytest.mark.media


# -- the registry and fetching -------------------------------------------------------------------


def test_fetched_clip_matches_pin_and_records_provenance(
    sample_clip: Callable[[str], Path],
) -> None:
    path = sample_clip("sports2d-demo")
    clip = media.get_clip("sports2d-demo")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == clip.sha256
    record = json.loads(path.with_name("sports2d-demo.json").read_text())
    assert record["package"] == "sports2d" and record["version"] == "0.8.34"
    assert record["member"] == "Sports2D/Demo/demo.mp4"
    assert record["licence"] == "BSD-3-Clause"
    assert "Redistribution and use in source and binary forms" in record["licence_text"]
    assert media.provenance("sports2d")["licence_text"] == record["licence_text"]


@pytest.mark.parametrize("name", sorted(media.CLIPS))
def test_registry_matches_the_files(name: str, sample_clip: Callable[[str], Path]) -> None:
    clip = media.get_clip(name)
    info = probe(sample_clip(name))
    assert (info.width, info.height) == (clip.width, clip.height)
    assert info.fps == pytest.approx(clip.fps)
    assert info.n_frames == clip.n_frames


def test_corrupt_cached_clip_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "sports2d-demo.mp4").write_bytes(b"\x00" * 1000)
    path = media.fetch("sports2d-demo", directory=tmp_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == media.CLIPS["sports2d-demo"].sha256
    assert media.cached_path("sports2d-demo", directory=tmp_path) == path
    assert not list(tmp_path.glob("*.part"))


def test_pip_failure_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pinned.PipWheelDownloader("sports2d", "0.0.0", timeout=120) as downloader,
        pytest.raises(pinned.PinnedDataError, match=r"could not download sports2d==0\.0\.0"),
    ):
        downloader.wheel()


def test_unknown_clip_lists_the_names() -> None:
    with pytest.raises(KeyError, match="sports2d-demo") as info:
        media.fetch("marathon")
    assert str(info.value).startswith("no sample clip named 'marathon'")


def test_cli_lists_clips(capsys: pytest.CaptureFixture[str]) -> None:
    assert media.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in media.CLIPS)
    assert "BSD-3-Clause" in out
    assert media.main(["marathon"]) == 1


# -- poses on the clips ------------------------------------------------------------------------


def _hip_to_ankle(series: PoseSeries) -> np.ndarray:
    w = series.world
    left = np.linalg.norm(w[:, Landmark.LEFT_HIP] - w[:, Landmark.LEFT_ANKLE], axis=1)
    right = np.linalg.norm(w[:, Landmark.RIGHT_HIP] - w[:, Landmark.RIGHT_ANKLE], axis=1)
    return np.concatenate([left, right])


def test_sports2d_detection_rate(sports2d_series: PoseSeries) -> None:
    s = sports2d_series
    assert len(s) == 230
    assert s.detected.mean() >= 0.95  # FACTS: 221/230 with the full model
    assert s.image_size == (1768, 994)
    assert s.fps == pytest.approx(30.0)


@pytest.mark.parametrize("cam", [1, 2, 3, 4])
def test_pose2sim_every_frame_found(cam: int, pose2sim_series: Callable[..., PoseSeries]) -> None:
    s = pose2sim_series(cam)
    assert len(s) == 100
    assert s.detected.all()
    assert s.fps == pytest.approx(60.0)
    assert np.all(s.n_people == 1)


def test_world_landmarks_are_human_sized(
    sports2d_series: PoseSeries, pose2sim_series: Callable[..., PoseSeries]
) -> None:
    for series in (sports2d_series, pose2sim_series(1)):
        legs = _hip_to_ankle(series)
        legs = legs[np.isfinite(legs)]
        # adult hip-joint-to-ankle length is roughly 0.7-0.95 m; MediaPipe's metric estimate
        # runs a little short, so accept 0.55-1.1 m for the median and nothing absurd
        assert 0.55 < np.median(legs) < 1.1
        assert np.percentile(legs, 5) > 0.3 and np.percentile(legs, 95) < 1.3
        # world origin is between the hips
        mid = series.world[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1)
        assert np.nanmax(np.abs(mid)) < 0.05


def _ffprobe_times(path: Path) -> np.ndarray:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "frame=best_effort_timestamp_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    t = np.array([float(x.strip().strip(",")) for x in out.split() if x.strip()])
    return t - t[0]


def test_timestamps_match_the_container(
    sports2d_series: PoseSeries,
    pose2sim_series: Callable[..., PoseSeries],
    sample_clip: Callable[[str], Path],
) -> None:
    for series, name in ((sports2d_series, "sports2d-demo"), (pose2sim_series(1), "pose2sim")):
        expected = _ffprobe_times(sample_clip(name))
        assert series.t.shape == expected.shape
        np.testing.assert_allclose(series.t, expected, atol=1e-3)


def test_multi_person_selection_is_stable(pose2sim_series: Callable[..., PoseSeries]) -> None:
    s = pose2sim_series(1, multi=True)
    assert s.selection == "stable"
    assert s.detected.all()
    assert np.mean(s.n_people >= 2) > 0.8  # the test means something: two people in view
    hips = s.pixels[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1)
    jumps = np.linalg.norm(np.diff(hips, axis=0), axis=1)
    # at 60 fps a walking or lunging person's hips move a few pixels per frame; a swap to the
    # other person would jump by hundreds of pixels
    assert jumps.max() < 0.03 * s.image_size[1]


def test_the_two_people_are_far_apart(
    pose_model: Callable[[str], Path], sample_clip: Callable[[str], Path]
) -> None:
    """Both people are found and stand far apart, so a swap would break the stability test."""
    frames = iter_frames(sample_clip("pose2sim-multi-cam01"), max_frames=60)
    pairs = 0
    with PoseTracker("full", model_path=pose_model("full")) as tr:
        for k, (_, rgb) in enumerate(frames):
            if k % 5:
                continue
            people = tr.image_all(rgb)  # IMAGE mode misses the person behind now and then
            assert 1 <= len(people) <= 2 and people[0].n_people == len(people)
            if len(people) == 2:
                pairs += 1
                hip = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]
                d = people[0].pixels[hip].mean(axis=0) - people[1].pixels[hip].mean(axis=0)
                assert np.linalg.norm(d) > 0.1 * rgb.shape[0]
    assert pairs >= 3


# -- broken input ------------------------------------------------------------------------------


def test_truncated_and_non_video_files_give_one_clear_error(
    tmp_path: Path, sample_clip: Callable[[str], Path], pose_model: Callable[[str], Path]
) -> None:
    # moov atom at the front: opens, then the stream stops early
    head = sample_clip("sports2d-demo").read_bytes()
    (tmp_path / "cut_front.mp4").write_bytes(head[: len(head) // 5])
    # moov atom at the end: cannot even open
    tail = sample_clip("pose2sim-single-cam01").read_bytes()
    (tmp_path / "cut_end.mp4").write_bytes(tail[: len(tail) // 2])
    (tmp_path / "notes.mp4").write_text("these are my running notes, not a video\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    with PoseTracker("lite", model_path=pose_model("lite")) as tr:
        with pytest.raises(VideoError, match=r"cut_front\.mp4 ends after \d+ of the 230 frames"):
            tr.video(tmp_path / "cut_front.mp4", progress=False)
        for name in ("cut_end.mp4", "notes.mp4"):
            with pytest.raises(VideoError, match=rf"cannot open .*{name} as a video") as info:
                tr.video(tmp_path / name, progress=False)
            assert "ffmpeg" in str(info.value)  # says what to do
        with pytest.raises(FileNotFoundError, match="no video file"):
            tr.video(tmp_path / "missing.mp4", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_rotation_metadata_is_applied(
    tmp_path: Path, sample_clip: Callable[[str], Path], pose_model: Callable[[str], Path]
) -> None:
    """A phone-style file: pixels stored sideways plus a rotation tag; we must see it upright."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is needed to make the rotated test clip (apt-get install ffmpeg)"
    src = sample_clip("pose2sim-single-cam01")
    sideways = tmp_path / "sideways.mp4"
    tagged = tmp_path / "tagged.mp4"
    common = [ffmpeg, "-v", "error", "-y", "-i"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-pix_fmt", "yuv420p"]
    subprocess.run(
        [*common, str(src), "-vf", "transpose=1", "-frames:v", "8", *encode, str(sideways)],
        check=True,
    )
    subprocess.run(
        [*common, str(sideways), "-c", "copy", "-metadata:s:v", "rotate=90", str(tagged)],
        check=True,
    )
    stored = probe(sideways)
    shown = probe(tagged)
    assert (stored.width, stored.height) == (1920, 1080)  # landscape on disk
    assert (shown.width, shown.height) == (1080, 1920)  # portrait, as the camera saw it
    original = next(iter_frames(src))[1].astype(int)
    upright = next(iter_frames(tagged))[1].astype(int)
    assert np.abs(upright - original).mean() < 4  # same picture, up to re-encoding
    with PoseTracker("lite", model_path=pose_model("lite")) as tr:
        a = tr.video(src, max_frames=8, progress=False)
        b = tr.video(tagged, progress=False)
    assert b.image_size == (1080, 1920)
    assert b.detected.all()
    np.testing.assert_allclose(b.landmarks[..., :2], a.landmarks[..., :2], atol=0.02)


@pytest.mark.parametrize(
    ("suffix", "codec"),
    [
        (".webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]),
        (".mkv", ["-c", "copy"]),
        (".mov", ["-c", "copy"]),
        (".avi", ["-c:v", "mjpeg", "-q:v", "5"]),
    ],
)
def test_other_containers(
    suffix: str, codec: list[str], tmp_path: Path, sample_clip: Callable[[str], Path]
) -> None:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is needed to make the test clips (apt-get install ffmpeg)"
    src = sample_clip("pose2sim-single-cam01")
    out = tmp_path / f"clip{suffix}"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-i", str(src), "-frames:v", "12", *codec, str(out)],
        check=True,
    )
    info = probe(out)
    assert (info.width, info.height) == (1080, 1920)
    times = [t for t, _ in iter_frames(out)]
    assert len(times) == 12
    np.testing.assert_allclose(times, _ffprobe_times(out), atol=1.5e-3)
    assert np.all(np.diff(times) > 0)
