"""The self-test state machine, setup checks, registry and results.

Sequences here are SYNTHETIC (the kinematic model of tests/synthetic_pose.py, with the transforms
applied to it); the same checks on real MediaPipe output are in test_selftests_real.py.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import synthetic_pose as sp
from hypothesis import given
from hypothesis import strategies as st

from course.selftests import PROTOCOLS, Feedback, Result, get
from course.selftests import checks as ck
from course.selftests.balance import SingleLegBalance
from course.selftests.base import PHASES
from course.selftests.hip import GluteBridge, HipExtension
from course.selftests.jump import JumpHeight
from course.selftests.posture import AnkleLean, PelvicTilt, PostureStack
from course.selftests.results import Threshold, score_thresholds
from course.selftests.trials import join_takes

FPS = 30.0


def standing(seconds: float = 3.0, *, view: str = "side", facing: str = "right", **kw: object):
    t = np.arange(0.0, seconds, 1 / FPS)
    return sp.model_series(t, view=view, facing=facing, **kw)


def first_setup_message(protocol, series) -> str:
    fb = protocol.update(series.frame(0), float(series.t[0]))
    assert isinstance(fb, Feedback)
    return fb.message


# -- registry ---------------------------------------------------------------------------------
def test_registry_names_and_lookup() -> None:
    expected = {
        "pelvic_tilt", "posture_stack", "hip_extension", "single_leg_balance", "ankle_lean",
        "jump_height", "glute_bridge", "running_gait",
    }  # fmt: skip
    assert set(PROTOCOLS) == expected
    for name, cls in PROTOCOLS.items():
        assert cls.name == name and cls.title
        assert get(name.replace("_", "-").upper()) is cls
    with pytest.raises(KeyError, match="pelvic_tilt"):
        get("plank")


# -- error paths of setup ---------------------------------------------------------------------
def test_no_person_gives_a_message_not_an_exception() -> None:
    p = PelvicTilt()
    for i in range(10):
        fb = p.update(None, i / FPS)
        assert fb.phase == "setup"
        assert "No person" in fb.message
        assert fb.ok_to_start == {"person": False}
    res = p.result()
    assert not res.completed and not res.passed and res.score == 0
    assert "did not start" in res.feedback and "No person" in res.feedback


def test_two_people_are_asked_to_leave() -> None:
    s = sp.with_people(standing(), 2)
    fb = PelvicTilt().update(s.frame(0), 0.0)
    assert fb.phase == "setup"
    assert fb.message.startswith("Two people in view; step out of frame")
    assert fb.ok_to_start["one_person"] is False
    assert PelvicTilt().run(s).completed is False


@pytest.mark.parametrize(
    ("protocol", "view", "needle"),
    [
        (PelvicTilt(), "front", "Turn sideways"),
        (HipExtension(mode="standing"), "front", "Turn sideways"),
        (SingleLegBalance(), "side", "Face the camera"),
        (GluteBridge(), "side", "Lie down"),
    ],
)
def test_wrong_view(protocol, view, needle) -> None:
    msg = first_setup_message(protocol, standing(view=view))
    assert needle in msg


def test_lying_person_told_to_stand() -> None:
    s = standing(view="side", lie=90, center_x=0.2, ground=0.6, fill=0.6)
    assert "Stand up" in first_setup_message(PelvicTilt(), s)


@pytest.mark.parametrize("facing", ["left", "right"])
def test_wrong_side_facing_and_mirror(facing: str) -> None:
    s = standing(facing=facing)
    near = "left" if facing == "left" else "right"
    assert ck.near_side(s.frame(0)) == near
    wrong = ck.other(near)
    msg = first_setup_message(PelvicTilt(side=wrong), s)
    assert f"your {wrong} side must face the camera" in msg
    # mirrored, the other side faces the camera and the same request is satisfied
    fb = PelvicTilt(side=wrong, countdown=0, hold_to_start=0).update(sp.mirror(s).frame(0), 0.0)
    assert fb.phase == "capture"


@pytest.mark.parametrize(
    ("dx", "dy", "needle"),
    [
        (0.0, 0.12, "cut off at the bottom"),
        (0.0, -0.2, "cut off at the top"),
        (-0.55, 0.0, "left edge"),
        (0.55, 0.0, "right edge"),
    ],
)
def test_partly_out_of_frame(dx: float, dy: float, needle: str) -> None:
    s = sp.shift(standing(), dx, dy)
    fb = PelvicTilt().update(s.frame(0), 0.0)
    assert fb.phase == "setup"
    assert needle in fb.message
    assert fb.ok_to_start["in_frame"] is False


def test_distance_too_far_and_too_close() -> None:
    far = standing(fill=0.3)
    assert "Come closer" in first_setup_message(PelvicTilt(), far)
    near = standing(fill=0.98, ground=0.99)
    fb = PelvicTilt().update(near.frame(0), 0.0)
    assert fb.phase == "setup"


def test_front_and_side_view_ratio() -> None:
    assert ck.view_ratio(standing(view="front").frame(0)) > 0.6
    assert ck.view_ratio(standing(view="side").frame(0)) < 0.1


# -- the phases ----------------------------------------------------------------------------
def test_phases_in_order_with_countdown_and_restart() -> None:
    s = standing(12.0)
    p = PostureStack(hold=2.0, countdown=2.0, hold_to_start=0.5, trials=1)
    phases, messages = [], []
    for t, pose in s:
        fb = p.update(pose, t)
        phases.append(fb.phase)
        messages.append(fb.message)
        assert 0.0 <= fb.progress <= 1.0
    order = [ph for i, ph in enumerate(phases) if i == 0 or ph != phases[i - 1]]
    assert order == ["ready", "countdown", "capture", "done"]
    assert set(order) <= set(PHASES)
    counts = [m for m, ph in zip(messages, phases, strict=True) if ph == "countdown"]
    assert counts[0] == "Starting in 2…" and counts[-1] == "Starting in 1…"
    # capture started after hold (0.5 s) + countdown (2 s)
    assert p.started_at == pytest.approx(2.5, abs=1.5 / FPS)
    assert p.result().duration == pytest.approx(2.0, abs=1.5 / FPS)


def test_losing_the_person_during_countdown_goes_back_to_setup() -> None:
    s = standing(2.0)
    p = PelvicTilt(countdown=3.0, hold_to_start=0.0)
    assert p.update(s.frame(0), 0.0).phase == "countdown"
    fb = p.update(None, 0.5)
    assert fb.phase == "setup" and "No person" in fb.message
    assert p.update(s.frame(1), 0.6).phase == "countdown"


def test_out_of_order_frames_are_ignored() -> None:
    s = standing(1.0)
    p = PelvicTilt()
    p.update(s.frame(5), 0.5)
    fb = p.update(s.frame(3), 0.3)
    assert "out of order" in fb.message


def test_run_matches_frame_by_frame_updates() -> None:
    t = np.arange(0, 15, 1 / FPS)
    th = sp.smooth_steps(t, {0: 0, 1.5: 0, 3: 10, 5: 10, 6.5: -6, 9: -6, 10: 0})
    s = sp.model_series(t, thigh_left=th, thigh_right=th, knee_left=th, knee_right=th)
    by_run = PelvicTilt(trials=1).run(s)
    live = PelvicTilt(countdown=0.0, hold_to_start=0.0, trials=1)
    for tt, pose in s:
        live.update(pose, tt)
    live.finish()
    assert live.result().to_dict() == by_run.to_dict()


def test_run_matches_frame_by_frame_updates_over_three_trials() -> None:
    t = np.arange(0, 15, 1 / FPS)
    th = sp.smooth_steps(t, {0: 0, 1.5: 0, 3: 10, 5: 10, 6.5: -6, 9: -6, 10: 0})
    one = sp.model_series(t, thigh_left=th, thigh_right=th, knee_left=th, knee_right=th)
    s = join_takes(one, one, one, gap=2.0)
    by_run = PelvicTilt(rest=1.0).run(s)
    live = PelvicTilt(countdown=0.0, hold_to_start=0.0, rest=1.0)
    phases = []
    for tt, pose in s:
        phases.append(live.update(pose, tt).phase)
    live.finish()
    order = [ph for i, ph in enumerate(phases) if i == 0 or ph != phases[i - 1]]
    assert order[:2] == ["capture", "ready"] and order[-1] == "done"  # a rest after a trial
    assert order.count("capture") == 3
    assert live.result().to_dict() == by_run.to_dict()
    assert len(by_run.trials) == 3 and by_run.trials_planned == 3


def test_result_json_roundtrip_and_nan_as_null() -> None:
    res = JumpHeight(trials=1).run(standing(3.0, view="front"))  # no jump: NaN heights
    data = json.loads(res.to_json())
    assert data["test"] == "jump_height"
    assert data["metrics"]["jump_height"]["value"] is None
    assert data["metrics"]["jump_height"]["unit"] == "cm"
    assert data["completed"] is True and data["passed"] is False
    assert all(th["source"] for th in data["thresholds"])
    assert any("Linthorne" in w for w in data["warnings"])
    with pytest.raises(KeyError, match="available"):
        res.value("nope")


@pytest.mark.parametrize("cls", list(PROTOCOLS.values()))
def test_every_protocol_handles_an_empty_and_a_personless_recording(cls) -> None:
    s = sp.drop_frames(standing(2.0), slice(None))
    res = cls().run(s)
    assert isinstance(res, Result)
    assert not res.completed and "No person" in res.feedback
    assert res.warnings  # what a webcam cannot measure is always stated


def test_bad_arguments_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match="side must be"):
        PelvicTilt(side="front")
    with pytest.raises(ValueError, match="mode must be"):
        HipExtension(mode="lying")
    with pytest.raises(ValueError, match="trials must be a whole number"):
        SingleLegBalance(trials=0)
    with pytest.raises(ValueError, match="legs must be 1 or 2"):
        SingleLegBalance(legs=3)
    with pytest.raises(ValueError, match="eyes must be 'open', 'closed' or 'both'"):
        SingleLegBalance(eyes="shut")
    with pytest.raises(ValueError, match="countdown"):
        AnkleLean(countdown=-1)
    with pytest.raises(TypeError, match="PoseSeries"):
        PelvicTilt().run([1, 2, 3])  # type: ignore[arg-type]


# -- scoring ---------------------------------------------------------------------------------
@given(
    x=st.floats(-1e3, 1e3),
    thr=st.floats(-100, 100),
    width=st.floats(0.1, 100),
    op=st.sampled_from([">=", "<="]),
)
def test_score_is_bounded_and_full_exactly_when_met(x, thr, width, op) -> None:
    th = Threshold("m", op, thr, "u", "src")
    s = score_thresholds({"m": x}, (th,), soft={"m": width})
    assert 0.0 <= s <= 100.0
    assert (s == 100.0) == th.met(x)


def test_score_nan_is_zero_and_not_met() -> None:
    th = Threshold("m", ">=", 1.0, "u", "src")
    assert score_thresholds({"m": math.nan}, (th,), soft={}) == 0.0
    assert not th.met(math.nan)


def test_a_recording_that_ends_early_is_flagged() -> None:
    res = PelvicTilt(trials=1).run(standing(5.0))  # the scripted test needs 14.5 s
    assert res.completed
    assert any("stopped after" in w for w in res.warnings)
    full = PostureStack(hold=2.0, trials=1).run(standing(5.0))
    assert not any("stopped after" in w for w in full.warnings)
