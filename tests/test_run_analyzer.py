"""widgets.RunAnalyzer in the kernel: its messages, errors shown in the widget, takes, exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from course.bench import BenchError, analyse_series
from course.lessons import demos
from course.live import Take, decode_jpeg
from widgets import RunAnalyzer


@pytest.fixture(scope="module")
def pair() -> RunAnalyzer:
    a = analyse_series(demos.running(cadence=160, seconds=5), label="before")
    b = analyse_series(demos.running(cadence=180, seconds=5), label="after")
    return RunAnalyzer(a, compare=b)


def test_state_published_for_the_browser(pair: RunAnalyzer) -> None:
    assert pair.status == "ready" and len(pair.runs) == 2
    run = pair.runs[0]
    assert run["view"] == "side" and run["synthetic"]
    assert len(run["moments"]) >= 3 * 8
    names = {d["name"] for d in pair.differences}
    assert {"step_time", "contact_time", "trunk_lean_mid"} <= names
    step = next(d for d in pair.differences if d["name"] == "step_time")
    assert step["real"] and step["diff"] < 0
    assert pair.offset == pytest.approx(pair.comparison.offset)  # type: ignore[union-attr]


def test_frame_request_sends_jpeg_and_float32_landmarks(pair: RunAnalyzer) -> None:
    series = pair.analyses[1].series
    reply, bufs = pair.handle_message({"type": "frame", "id": 4, "run": 1, "index": 10})
    assert reply["type"] == "frame" and reply["id"] == 4 and reply["t"] == series.t[10]
    assert isinstance(bufs[0], bytes) and decode_jpeg(bufs[0]).shape[1] == 640
    lm = np.frombuffer(bufs[1], dtype=np.float32).reshape(33, 2)
    assert np.allclose(lm, series.landmarks[10, :, :2], atol=1e-6)


def test_strip_request_sends_one_picture_per_moment(pair: RunAnalyzer) -> None:
    reply, bufs = pair.handle_message({"type": "strip", "id": 1, "run": 0})
    assert reply["type"] == "strip" and len(reply["items"]) == len(bufs) > 10
    assert all(b[:2] == b"\xff\xd8" for b in bufs)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ({"type": "frame", "id": 1, "run": 0, "index": 10**6}, "frame index must be"),
        ({"type": "frame", "id": 1, "run": 5, "index": 0}, "run must be 0..1"),
        ({"type": "zoom", "id": 1, "run": 0}, "unknown request"),
    ],
)
def test_bad_requests_get_error_replies(pair: RunAnalyzer, content: dict, match: str) -> None:
    reply, bufs = pair.handle_message(content)
    assert reply["type"] == "error" and match in reply["message"] and bufs == []


def test_errors_are_shown_and_nothing_is_replaced(tmp_path: Path) -> None:
    w = RunAnalyzer(analyse_series(demos.running(seconds=4), label="ok"))
    w.load(tmp_path / "missing.mp4")
    assert w.status == "error" and "not found" in w.error
    assert w.analyses[0].label == "ok"
    w.compare_with(tmp_path / "missing.mp4")
    assert len(w.analyses) == 1


def test_a_recorded_take_is_analysed_and_exported(tmp_path: Path) -> None:
    demo = demos.running(seconds=5)
    take = Take(
        demo.t - demo.t[0], demo.landmarks, demo.visibility, demo.image_size, label="my take"
    )
    w = RunAnalyzer(take)
    assert w.status == "ready" and w.runs[0]["label"] == "my take"
    html = w.save_report(tmp_path / "r.html", notes="take one")
    assert "take one" in html.read_text(encoding="utf-8")
    rows = w.save_csv(tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + len(w.analyses[0].steps)
    with pytest.raises(BenchError, match="run 1 does not exist"):
        w.save_csv(tmp_path / "x.csv", run=1)
