"""``python -m course analyze``: argument errors, and one real end-to-end run on a sample clip.

The end-to-end test runs MediaPipe (model built from npm by the session fixture) on the Pose2Sim
cam01 clip (100 frames, ~5 s). The man lunges but never jumps (both feet are never off the floor
together, seen by eye), so the jump test completes with no jump found.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from course.live import analyze as cli
from course.pose import models as pose_models
from course.progress import ENV_VAR as DATA_ENV
from course.progress import ProgressLog


def test_unknown_test_lists_the_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    assert cli.main([str(video), "--test", "plank"]) == 2
    err = capsys.readouterr().err
    assert "no self-test named 'plank'" in err and "single_leg_balance" in err


def test_missing_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([str(tmp_path / "nope.mp4"), "--test", "jump_height"]) == 2
    assert "no video file" in capsys.readouterr().err


def test_bad_protocol_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    code = cli.main([str(video), "--test", "hip_extension", "--option", "mode=lying"])
    assert code == 2 and "mode must be" in capsys.readouterr().err
    code = cli.main([str(video), "--test", "hip_extension", "--option", "colour=blue"])
    assert code == 2 and "colour" in capsys.readouterr().err


def test_option_parsing() -> None:
    assert cli.parse_option("age=42") == ("age", 42)
    assert cli.parse_option("height-m=1.8") == ("height_m", 1.8)
    assert cli.parse_option("eyes=closed") == ("eyes", "closed")
    with pytest.raises(Exception, match="key=value"):
        cli.parse_option("trials")


def test_dispatcher_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "course", "analyze", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "--test" in out and "--json" in out and "--model" in out


@pytest.mark.media
def test_end_to_end_on_a_real_clip(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pose_model,
    sample_clip,
) -> None:
    monkeypatch.setenv(pose_models.ENV_VAR, str(pose_model("full")))
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    clip = sample_clip("pose2sim-single-cam01")
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    code = cli.main(
        [str(clip), "--test", "jump-height", "--json", str(out_json), "--csv", str(out_csv),
         "--record", "--notes", "cli test"]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "jump_height" in printed and "criterion:" in printed
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["test"] == "jump_height" and data["completed"] is True
    assert data["metrics"]["jumps"]["value"] == 0  # he lunges, he does not jump
    assert data["metrics"]["frame_rate"]["value"] == pytest.approx(60.0, rel=0.01)
    with out_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["metric"] for r in rows} >= {"jump_height", "jumps", "score", "passed"}
    entries = ProgressLog().history()
    assert [(e.test, e.notes) for e in entries] == [("jump_height", "cli test")]
