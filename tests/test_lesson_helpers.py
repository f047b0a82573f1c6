"""course.lessons.demos (SYNTHETIC demonstration sequences) and course.lessons.helpers.

The demos are checked the way the lessons use them: each runs through its real protocol, and the
protocol must read back the angles and times the demo was built with (known by construction).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.lessons import demos, helpers
from course.progress import ProgressLog
from course.schema import Landmark as L
from course.selftests import (
    AnkleLean,
    GluteBridge,
    HipExtension,
    JumpHeight,
    PelvicTilt,
    SingleLegBalance,
)

FRAME = 1 / demos.FPS


def test_every_demo_is_labelled_synthetic_and_well_formed() -> None:
    for make in (
        demos.pelvic_tilt,
        demos.ankle_lean,
        demos.hip_extension,
        demos.single_leg_balance,
        demos.jumps,
        demos.glute_bridge,
    ):
        s = make()
        assert s.source.startswith("SYNTHETIC stick figure: "), make.__name__
        assert s.landmarks.shape == (len(s), 33, 3)
        assert np.all(np.diff(s.t) > 0) and np.isfinite(s.landmarks).all()


def test_stick_figure_segment_lengths_follow_stature() -> None:
    joints = demos.stick_figure(5, height=1.80, thigh_left=30, knee_left=60, trunk=10)
    thigh = np.linalg.norm(joints[:, L.LEFT_KNEE] - joints[:, L.LEFT_HIP], axis=-1)
    shank = np.linalg.norm(joints[:, L.LEFT_ANKLE] - joints[:, L.LEFT_KNEE], axis=-1)
    assert thigh == pytest.approx(demos.THIGH * 1.80)
    assert shank == pytest.approx(demos.SHANK * 1.80)
    with pytest.raises(TypeError, match="unknown stick-figure parameters"):
        demos.stick_figure(3, elbow=10)


def test_to_series_rejects_unknown_view() -> None:
    joints = demos.stick_figure(2)
    with pytest.raises(ValueError, match="view must be"):
        demos.to_series(joints, np.array([0.0, 0.1]), label="x", view="top")


@settings(max_examples=15, deadline=None)
@given(anterior=st.floats(4.0, 20.0), posterior=st.floats(3.0, 15.0))
def test_pelvic_tilt_demo_reads_back(anterior: float, posterior: float) -> None:
    res = PelvicTilt().run(demos.pelvic_tilt(anterior=anterior, posterior=posterior))
    assert res.value("anterior_range") == pytest.approx(anterior, abs=0.1)
    assert res.value("posterior_range") == pytest.approx(posterior, abs=0.1)


def test_ankle_lean_demo_tells_a_lean_from_a_hip_bend() -> None:
    straight = AnkleLean().run(demos.ankle_lean(lean=8))
    assert straight.value("lean_gain") == pytest.approx(8.0, abs=0.05)
    assert abs(straight.value("hip_bend_at_lean")) < 0.05
    bent = AnkleLean().run(demos.ankle_lean(lean=8, hip_bend=20))
    assert bent.value("hip_bend_at_lean") > 5.0
    assert not bent.passed


def test_hip_extension_demo_reads_back_and_catches_leaning_back() -> None:
    upright = HipExtension(mode="kneeling").run(demos.hip_extension(back_thigh=15))
    assert upright.value("thigh_behind_vertical") == pytest.approx(15.0, abs=0.05)
    assert upright.passed
    back = HipExtension(mode="kneeling").run(demos.hip_extension(back_thigh=12, trunk_back=8))
    assert back.value("trunk_back_lean") == pytest.approx(8.0, abs=0.05)
    assert back.value("hip_extension") == pytest.approx(20.0, abs=0.05)  # 12 + 8: inflated
    assert not back.passed


def test_balance_demo_times_and_sides() -> None:
    res = SingleLegBalance(trials=2).run(
        demos.single_leg_balance(left=(2.0, 9.0), right=(12.0, 17.0))
    )
    # the left foot is up for 7 s (standing on the right), then the right foot for 5 s
    assert res.value("time_right") == pytest.approx(7.0, abs=0.35)
    assert res.value("time_left") == pytest.approx(5.0, abs=0.35)
    assert res.value("sway_velocity_left") > res.value("sway_velocity_right")  # 1.5× the sway


def test_jump_demo_flight_times() -> None:
    res = JumpHeight().run(demos.jumps(flights=(0.45, 0.55, 0.50)))
    assert res.value("jumps") == 3
    assert 0.50 < res.value("flight_time") <= 0.55 + FRAME
    assert res.value("jump_height") == pytest.approx(
        100 * helpers.g * res.value("flight_time") ** 2 / 8, rel=1e-3
    )


def test_bridge_demo_angle_and_hold() -> None:
    res = GluteBridge().run(demos.glute_bridge(hold=12, sag=5))
    assert res.value("bridge_angle") == pytest.approx(175.0, abs=0.05)
    assert res.value("hold_time") == pytest.approx(12.0, abs=1.0)


def test_describe_lists_metrics_with_units_and_notes() -> None:
    res = PelvicTilt().run(demos.pelvic_tilt(anterior=10, posterior=6))
    text = helpers.describe(res)
    for name, metric in res.metrics.items():
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(name + " "))
        assert metric.unit in line or "not measured" in line
    assert res.feedback in text
    assert all(w in text for w in res.warnings)
    assert "-0.0" not in text
    only = helpers.describe(res, metrics=["tilt_range"])
    assert "tilt_range" in only and "anterior_range" not in only


def test_demo_log_stays_in_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = tmp_path / "own"
    monkeypatch.setenv("RUNNING_FORM_LAB_DATA", str(own))
    path = tmp_path / "demo" / "demo.sqlite3"
    path.parent.mkdir()
    log = helpers.demo_log(path, days=8)
    assert not own.exists(), "the learner's own log must not be created"
    entries = log.history()
    assert len(entries) == 2 * 4  # two tests every other day over 8 days
    assert all(e.notes.startswith("DEMO") for e in entries)
    with pytest.raises(FileExistsError, match="will not touch"):
        helpers.demo_log(path)


def test_progress_figure_plots_each_metric_with_its_unit(tmp_path: Path) -> None:
    log = helpers.demo_log(tmp_path / "demo.sqlite3", days=6)
    entries = log.history("pelvic_tilt")
    fig = helpers.progress_figure(entries, ["tilt_range", "neutral_sd"], title="t")
    assert len(fig.data) == 2
    assert list(fig.data[0].y) == pytest.approx([e.value("tilt_range") for e in entries])
    assert "deg" in fig.layout.yaxis.title.text
    with pytest.raises(ValueError, match="no recorded results"):
        helpers.progress_figure([], ["x"], title="t")
    assert ProgressLog(tmp_path / "absent.sqlite3").history() == []


def test_temporary_folder_is_new_and_empty() -> None:
    a, b = helpers.temporary_folder(), helpers.temporary_folder()
    assert a != b and a.is_dir() and not any(a.iterdir())
    assert math.isclose(helpers.g, 9.80665)


@pytest.mark.parametrize("cadence", [150.0, 168.0, 185.0])
def test_running_demo_cadence_reads_back(cadence: float) -> None:
    from course.selftests import RunningGait

    res = RunningGait().run(demos.running(cadence=cadence, trunk=8))
    assert res.value("cadence") == pytest.approx(cadence, rel=0.02)
    assert res.value("trunk_lean") == pytest.approx(8.0, abs=0.05)
