"""The coach's bench on REAL video: the Sports2D walker through MediaPipe, the CLI, the report
opened in headless Chromium, and bad files (corrupt, 10 frames, nobody in view)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from course.__main__ import main as course_main
from course.bench import BenchError, RunAnalysis, analyse_video
from course.pose.video import VideoError

pytestmark = pytest.mark.media

# Heel strikes of the Sports2D walker COUNTED BY EYE (see tests/test_gait.py for how): frames
# 78, 97, 115, 134, 152, 171, 189; MediaPipe follows the man on the box in some frames.
HEEL_STRIKES_BY_EYE = np.array([78, 97, 115, 134, 152, 171, 189])


@pytest.fixture(scope="module")
def walker() -> RunAnalysis:
    # the walker is in view from frame 75 (2.5 s) to ~193 (6.45 s), then leaves the picture
    return analyse_video("sample:sports2d", model="full", start=2.5, end=6.45)


def _write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    import cv2

    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for f in frames:
        out.write(f)
    out.release()
    return path


def test_walker_contacts_land_on_the_frames_seen_by_eye(walker: RunAnalysis) -> None:
    assert walker.view == "side"
    assert walker.first_frame == 75
    contacts = np.array([m.frame for m in walker.moments if m.kind == "contact"])
    contacts += walker.first_frame  # frame numbers of the video
    near = np.min(np.abs(contacts[:, None] - HEEL_STRIKES_BY_EYE[None]), axis=1)
    assert np.all(near <= 2), (contacts, walker.notes)  # every contact is a by-eye strike
    for f in HEEL_STRIKES_BY_EYE:  # ...and every by-eye strike is found
        assert np.min(np.abs(contacts - f)) <= 2, (f, contacts)
    assert any("left out" in n for n in walker.notes)  # the man on the box, said aloud
    assert 90.0 <= walker.summary.cadence <= 115.0  # ~97-100 steps/min by eye
    # midstance and toe-off follow their contact
    for step in {m.step for m in walker.moments}:
        times = {m.kind: m.t for m in walker.moments if m.step == step}
        if len(times) == 3:
            assert times["contact"] < times["midstance"] < times["toe_off"]
    # 30 fps walking: frame-rate advice is given, a side view is accepted
    assert any("60 fps" in a for a in walker.setup.advice)
    # the time the coach waits beyond pose inference is short
    assert walker.analysis_s < walker.duration


@pytest.fixture(scope="module")
def cli_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("report")
    html, csv = out / "walker.html", out / "walker.csv"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = course_main(
            [
                "report",
                "sample:sports2d",
                "--out",
                str(html),
                "--csv",
                str(csv),
                "--notes",
                "Before the cue.",
                "--start",
                "2.5",
                "--end",
                "6.45",
            ]
        )
    assert code == 0, buf.getvalue()
    return html, csv, buf.getvalue()


def test_cli_writes_report_and_csv(cli_report: tuple[Path, Path, str]) -> None:
    html, csv, text = cli_report
    assert f"wrote {html}" in text and "cadence" in text
    assert "side view, 7 steps" in text  # the walker's seven strikes (see above)
    page = html.read_text(encoding="utf-8")
    assert "Before the cue." in page and page.count("data:image/jpeg;base64,") >= 4
    rows = csv.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("step,foot,t_contact_s") and len(rows) >= 5


def test_report_opens_offline_in_chromium_with_its_images_drawn(
    cli_report: tuple[Path, Path, str], tmp_path: Path
) -> None:
    from browser import harness as H

    html, _, _ = cli_report
    with H.playwright() as pw, H.browser(pw, tmp_path) as ctx:
        page = ctx.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.as_uri())
        sizes = page.evaluate(
            "() => [...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        assert len(sizes) >= 4 and all(c and w > 100 and h > 50 for c, w, h in sizes), sizes
        assert all(u.startswith(("file:", "data:")) for u in requests), requests  # offline
        H.screenshot(page, "bench-report")
        page.close()


@pytest.fixture(scope="module")
def bad_files(
    tmp_path_factory: pytest.TempPathFactory, sample_clip: Callable[[str], Path]
) -> dict[str, Path]:
    import cv2

    d = tmp_path_factory.mktemp("bad")
    corrupt = d / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    cap = cv2.VideoCapture(str(sample_clip("sports2d-demo")))
    frames = []
    for _ in range(10):
        ok, f = cap.read()
        assert ok
        frames.append(cv2.resize(f, (640, 360)))
    cap.release()
    empty = [np.full((360, 640, 3), 90, np.uint8) for _ in range(40)]
    return {
        "corrupt": corrupt,
        "ten": _write_video(d / "ten.mp4", frames),
        "empty": _write_video(d / "empty.mp4", empty),
    }


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("corrupt", (VideoError, ValueError), r"."),
        ("ten", BenchError, r"10 frame\(s\) \(0.30 s\) is too short"),
        ("empty", BenchError, "No person was found"),
    ],
)
def test_bad_video_gives_a_clear_message_and_no_report(
    bad_files: dict[str, Path], name: str, error: Any, match: str, tmp_path: Path
) -> None:
    with pytest.raises(error, match=match):
        analyse_video(bad_files[name], model="lite")
    out = tmp_path / "r.html"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = course_main(["report", str(bad_files[name]), "--out", str(out), "--model", "lite"])
    assert code == 1
    assert "No report was written." in err.getvalue()
    assert not out.exists()
