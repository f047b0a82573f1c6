"""Each protocol against SYNTHETIC sequences whose ground truth is known by construction.

The sequences come from the kinematic model in tests/synthetic_pose.py (joint angles in, landmarks
out); expected values are computed from the model inputs or its 3-D joints, never from protocol
output. Mirroring (the other side to the camera) must not change the numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import synthetic_pose as sp

from course.selftests.balance import SingleLegBalance, lifted_foot
from course.selftests.gait import RunningGait
from course.selftests.hip import GluteBridge, HipExtension
from course.selftests.jump import G, JumpHeight, frame_error_cm
from course.selftests.norms import group_mean
from course.selftests.posture import AnkleLean, PelvicTilt, PostureStack

FPS = 30.0
H = 1.75
STAND_Y = (sp.ANKLE_HEIGHT + sp.SHANK + sp.THIGH) * H
#: body_height_px estimates stature from nose height / 0.92; in the model that is
#: (nose height − foot bottom) / 0.92 of H.
MODEL_HEIGHT = (
    (sp.ANKLE_HEIGHT + sp.SHANK + sp.THIGH + sp.TRUNK + sp.HEAD[0][0]) - 0.1 * sp.ANKLE_HEIGHT
) / 0.92


#: One stance on one leg, eyes open: these tests are about timing and angles, not trials.
ONE = {"trials": 1, "legs": 1, "eyes": "open"}


def values(res) -> dict[str, float]:
    return {k: m.value for k, m in res.metrics.items()}


# -- pelvic tilt ------------------------------------------------------------------------------
def tilt_series(anterior: float, posterior: float, *, hold: float = 0.0, noise: float = 0.0,
                wobble: float = 0.0, facing: str = "right", seed: int = 0):  # fmt: skip
    t = np.arange(0, 16, 1 / FPS)
    th = sp.smooth_steps(
        t, {0: 0, 1.5: 0, 2.5: anterior, 5: anterior, 6.5: -posterior, 9: -posterior,
            10: hold, 16: hold}
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    # during the hold: frame-to-frame jitter (like landmark noise) plus a slow 0.4 Hz wobble
    jitter = rng.normal(0.0, noise, t.size) + wobble * np.sin(2 * np.pi * 0.4 * t)
    th = th + np.where(t >= 10.0, jitter, 0.0)
    # thighs turn forward and knees bend by the same angle: shanks stay vertical, trunk upright,
    # so the trunk–thigh (hip flexion) proxy equals th exactly
    s = sp.model_series(t, facing=facing, thigh_left=th, thigh_right=th, knee_left=th,
                        knee_right=th)  # fmt: skip
    return s, t, th


@pytest.mark.parametrize("facing", ["left", "right"])
def test_pelvic_tilt_ranges_and_hold(facing: str) -> None:
    s, _, _ = tilt_series(12.0, 7.0, noise=3.0, wobble=1.5, facing=facing)
    res = PelvicTilt(trials=1).run(s)
    v = values(res)
    assert v["anterior_range"] == pytest.approx(12.0, abs=0.05)
    assert v["posterior_range"] == pytest.approx(7.0, abs=0.05)
    assert v["tilt_range"] == pytest.approx(19.0, abs=0.1)
    # the 3° frame jitter is filtered out, the slow wobble (SD = 1.5/√2) is what remains
    assert v["neutral_sd"] == pytest.approx(1.5 / np.sqrt(2), abs=0.3)
    assert "low-pass" in res.metrics["neutral_sd"].description
    assert v["trunk_lean"] == pytest.approx(0.0, abs=1e-6)
    assert res.passed and res.score == 100.0
    assert res.side == facing  # the side facing the camera is measured
    assert any("ASIS" in w for w in res.warnings)
    assert res.sources and all(th.source for th in res.thresholds)


def test_pelvic_tilt_small_range_and_offset_fail() -> None:
    s, _, _ = tilt_series(4.0, 3.0, hold=5.0)
    res = PelvicTilt(trials=1).run(s)
    v = values(res)
    assert v["tilt_range"] == pytest.approx(7.0, abs=0.1)
    assert v["neutral_offset"] == pytest.approx(5.0, abs=0.05)
    assert not res.passed and 0 < res.score < 100
    assert "range was small" in res.feedback and "did not quite return" in res.feedback


def test_pelvic_tilt_mirror_gives_same_numbers() -> None:
    s, _, _ = tilt_series(9.0, 6.0, noise=0.5, wobble=1.0)
    a, b = PelvicTilt(trials=1).run(s), PelvicTilt(trials=1).run(sp.mirror(s))
    for k, m in a.metrics.items():
        assert b.metrics[k].value == pytest.approx(m.value, abs=1e-6), k
    assert a.side != b.side


# -- posture stack ---------------------------------------------------------------------------
@pytest.mark.parametrize("forward", [0.0, 0.05])
def test_posture_stack_head_forward(forward: float) -> None:
    t = np.arange(0, 4, 1 / FPS)
    s = sp.model_series(t, facing="left")
    lm = s.landmarks.copy()
    w, h = s.image_size
    ppm = 0.75 * h / H  # model_series default fill
    # move the head (landmarks 0–10) forward (image-left) by `forward` of stature
    lm[:, 0:11, 0] -= forward * H * ppm / w
    s = sp.series(s.t, lm, s.world, image_size=s.image_size)
    res = PostureStack(trials=1).run(s)
    v = values(res)
    assert v["head_forward"] == pytest.approx(100 * forward / MODEL_HEIGHT, rel=0.02, abs=1e-6)
    assert v["hip_offset"] == pytest.approx(0.0, abs=1e-6)  # hip over ankle in the model
    assert res.passed == (forward < 0.03)
    if forward:
        assert "head sits forward" in res.feedback


# -- hip extension ---------------------------------------------------------------------------
def kneeling(back_thigh: float, trunk: float, seconds: float = 9.0):
    t = np.arange(0, seconds, 1 / FPS)
    th = sp.smooth_steps(t, {0: -3.0, 1.5: -3.0, 3.0: -back_thigh})
    tr = sp.smooth_steps(t, {0: 0.0, 1.5: 0.0, 3.0: trunk})
    # left knee on the floor behind, right foot in front; facing left shows the left side
    return sp.model_series(t, facing="left", thigh_left=th, knee_left=100.0, thigh_right=85.0,
                           knee_right=90.0, trunk=tr, root_y=0.55)  # fmt: skip


def test_hip_extension_kneeling_pass() -> None:
    res = HipExtension(mode="kneeling", trials=1).run(kneeling(15.0, 0.0))
    v = values(res)
    assert res.side == "left"
    assert v["hip_extension"] == pytest.approx(15.0, abs=0.05)  # −(thigh + trunk)
    assert v["thigh_behind_vertical"] == pytest.approx(15.0, abs=0.05)
    assert v["trunk_back_lean"] == pytest.approx(0.0, abs=1e-6)
    assert res.passed and "Harvey" in res.thresholds[0].source
    assert "Vigotsky" in res.thresholds[1].source


def test_hip_extension_kneeling_leaning_back_is_caught() -> None:
    res = HipExtension(mode="kneeling", trials=1).run(kneeling(12.0, -8.0))
    v = values(res)
    assert v["hip_extension"] == pytest.approx(20.0, abs=0.05)  # the angle looks bigger...
    assert v["trunk_back_lean"] == pytest.approx(8.0, abs=0.05)  # ...because the trunk leant back
    assert not res.passed and "leaned back" in res.feedback


def test_hip_extension_kneeling_needs_the_kneeling_posture() -> None:
    s = sp.model_series(np.arange(0, 1, 1 / FPS), facing="left")
    fb = HipExtension(mode="kneeling", trials=1).update(s.frame(0), 0.0)
    assert fb.phase == "setup" and "Half-kneel on your left knee" in fb.message


def standing_swings(reach: float, trunk_tip: float):
    t = np.arange(0, 10, 1 / FPS)  # baseline 1 s, then 8 s of swings (the default capture)
    knots = {0: 0.0, 1.5: 0.0}
    for k in range(3):  # three swings held 0.6 s at full reach
        b = 2.0 + 2.0 * k
        knots.update({b: 0.0, b + 0.5: -reach, b + 1.1: -reach, b + 1.6: 0.0})
    th = sp.smooth_steps(t, knots)
    tr = trunk_tip * (-th / reach)
    return sp.model_series(t, facing="right", thigh_right=th, trunk=tr), th


def test_hip_extension_standing_clean() -> None:
    s, _ = standing_swings(20.0, 0.0)
    res = HipExtension(mode="standing", trials=1).run(s)
    v = values(res)
    assert res.side == "right"
    # scored on the One-Euro-smoothed angles the overlay draws: on a 0.6 s plateau the smoothed
    # thigh angle comes to within 0.1° of the 20° put in
    assert v["clean_extension"] == pytest.approx(20.0, abs=0.1)
    assert v["trunk_change"] == pytest.approx(0.0, abs=1e-6)
    assert res.passed


def test_hip_extension_standing_trunk_compensation() -> None:
    s, _ = standing_swings(20.0, 10.0)  # trunk tips 10° forward at full reach
    hip = HipExtension(mode="standing", trials=1)
    res = hip.run(s)
    v = values(res)
    assert v["max_extension"] == pytest.approx(20.0, abs=0.1)  # smoothed, as drawn (see above)
    assert v["trunk_change"] == pytest.approx(10.0, abs=0.1)
    # only frames where the trunk moved ≤ 5° count; the metric is their 95th percentile over
    # the swing segment, on the recorded (smoothed) angles
    tr = hip.trace
    swing = tr["segment"] == 1
    base = np.median(tr["trunk"][tr["segment"] == 0])
    clean = swing & (np.abs(tr["trunk"] - base) <= 5.0)
    assert v["clean_extension"] == pytest.approx(np.percentile(-tr["thigh"][clean], 95))
    # with the trunk tied to the thigh (10° per 20°), a clean frame has the thigh at ≤ 10° (plus
    # the smoothing lag between the two)
    assert v["clean_extension"] <= 10.0 + 0.5
    assert not res.passed and "trunk moved" in res.feedback


# -- single-leg balance ----------------------------------------------------------------------
def balance_series(*, left_lift=(2.0, 9.0), right_lift=None, drop=3.0, lean=4.0, sway=0.01,
                   seconds=20.0):  # fmt: skip
    t = np.arange(0, seconds, 1 / FPS)

    def profile(span):
        if span is None:
            return np.zeros_like(t)
        a, b = span
        return sp.smooth_steps(t, {-1: 0, a: 0, a + 0.3: 1, b: 1, b + 0.3: 0})

    pl, pr = profile(left_lift), profile(right_lift)
    kw = {"thigh_left": 25 * pl, "knee_left": 80 * pl, "thigh_right": 25 * pr,
              "knee_right": 80 * pr, "pelvis_drop": drop * pl, "trunk_side": lean * pl,
              "root_z": sway * np.sin(2 * np.pi * 0.7 * t)}  # fmt: skip
    joints = sp.figure(t.size, **kw)
    return sp.model_series(t, view="front", **kw), t, joints


def expected_time(t, joints, lifted: str, lift: float = 0.04) -> float:
    """From the model's 3-D ankle heights: first frame above `lift`, first frame back below half."""
    la, ra = joints[:, 27, 1], joints[:, 28, 1]
    up = ((la - ra) if lifted == "left" else (ra - la)) / (MODEL_HEIGHT * H)
    i0 = int(np.argmax(up > lift))
    i1 = i0 + int(np.argmax(up[i0:] < lift / 2))
    return float(t[i1] - t[i0])


def test_single_leg_balance_time_side_drop_lean_sway() -> None:
    s, t, joints = balance_series()
    res = SingleLegBalance(**ONE, age=25).run(s)
    v = values(res)
    assert res.side == "right"  # the left foot was lifted
    assert v["time"] == pytest.approx(expected_time(t, joints, "left"), abs=1.01 / FPS)
    assert v["pelvic_drop"] == pytest.approx(3.0, abs=0.01)
    assert v["trunk_lean"] == pytest.approx(4.0, abs=0.05)
    # sway: hip midpoint path in % of the estimated stature, from the model's root motion
    start, end = t[0] + 2.0, t[0] + 2.0 + v["time"]
    k = (t >= start - 1e-9) & (t <= end + 1e-9)
    z = 0.01 * np.sin(2 * np.pi * 0.7 * t[k])
    assert v["sway_path"] == pytest.approx(100 * np.abs(np.diff(z)).sum() / (MODEL_HEIGHT * H),
                                           rel=0.1)  # fmt: skip
    # 7 s is placed below the 18–39 group mean of 43 s, never failed against it
    assert res.thresholds == () and res.verdict == "no verdict" and not res.passed
    assert "18–39 is 43 s" in res.placement and "below it" in res.placement
    assert any("Springer et al. 2007" in w for w in res.warnings)


def test_single_leg_balance_mirror_swaps_the_stance_leg() -> None:
    s, _t, _joints = balance_series()
    a, b = SingleLegBalance(**ONE).run(s), SingleLegBalance(**ONE).run(sp.mirror(s))
    assert (a.side, b.side) == ("right", "left")
    assert b.value("time") == pytest.approx(a.value("time"), abs=1e-9)
    assert b.value("pelvic_drop") == pytest.approx(a.value("pelvic_drop"), abs=1e-6)


def test_single_leg_balance_two_trials_and_wrong_leg_again() -> None:
    # left foot lifted twice (the second is the wrong leg), then the right foot
    t = np.arange(0, 24, 1 / FPS)
    pl = sp.smooth_steps(t, {0: 0, 2: 0, 2.3: 1, 6: 1, 6.3: 0, 8: 0, 8.3: 1, 10: 1, 10.3: 0, 24: 0})
    pr = sp.smooth_steps(t, {0: 0, 13: 0, 13.3: 1, 16: 1, 16.3: 0, 24: 0})
    kw = {
        "thigh_left": 25 * pl,
        "knee_left": 80 * pl,
        "thigh_right": 25 * pr,
        "knee_right": 80 * pr,
    }
    s = sp.model_series(t, view="front", **kw)
    joints = sp.figure(t.size, **kw)
    p = SingleLegBalance(trials=1, eyes="open", age=45, countdown=0, hold_to_start=0, rest=0)
    messages = [p.update(pose, tt).message for tt, pose in s]
    assert any("Stand on your left leg this time" in m for m in messages)
    res = p.result()
    assert res.side == "both" and [tr.side for tr in res.trials] == ["right", "left"]
    assert res.value("time_right") == pytest.approx(
        expected_time(t, joints, "left"), abs=1.01 / FPS
    )
    assert res.value("time_left") == pytest.approx(
        expected_time(t, joints, "right"), abs=1.01 / FPS
    )
    assert res.value("time_asymmetry") == pytest.approx(
        100 * abs(res.value("time_right") - res.value("time_left")) / res.value("time_right")
    )
    assert res.thresholds == ()  # no pass mark: each leg placed against the 40–49 mean
    assert res.placement.count("40–49 is 40 s") == 2
    (lr,) = res.changes  # one trial per leg: no smallest real change, so no claim either way
    assert lr.real is None and "repeat the test" in lr.text


def test_single_leg_balance_ceiling_and_recording_end() -> None:
    s, _, _ = balance_series(left_lift=(1.0, 60.0), seconds=50.0, sway=0.0)
    res = SingleLegBalance(**ONE).run(s)
    assert res.value("time") == pytest.approx(45.0, abs=1e-9)
    assert "ceiling" in res.metrics["time"].description
    s, _, _ = balance_series(left_lift=(1.0, 60.0), seconds=10.0, sway=0.0)
    res = SingleLegBalance(**ONE).run(s)
    assert any("recording ended" in w for w in res.warnings)


def test_single_leg_balance_feet_must_be_level_to_start() -> None:
    s, _, _ = balance_series(left_lift=(-1.0, 60.0), seconds=3.0)
    fb = SingleLegBalance(**ONE).update(s.frame(0), 0.0)
    assert fb.phase == "setup" and "both feet flat" in fb.message


def test_lifted_foot_needs_feet_close_together() -> None:
    px = np.zeros((33, 2))
    px[27], px[28] = [100.0, 900.0], [150.0, 850.0]
    assert lifted_foot(px, 1000.0) == "right"
    assert lifted_foot(px, 1000.0, baseline=0.05) == ""
    px[28, 0] = 500.0  # far apart: a foot farther away on the floor, not a lifted one
    assert lifted_foot(px, 1000.0) == ""


@pytest.mark.parametrize(
    ("age", "eyes", "expected"),
    [(25, "open", 43.0), (65, "open", 27.0), (85, "open", 6.0), (30, "closed", 15.0),
     (12, "open", None)],
)  # fmt: skip
def test_norms(age, eyes, expected) -> None:
    got = group_mean(age, eyes)
    assert (got[0] if got else None) == expected
    with pytest.raises(ValueError, match="eyes"):
        group_mean(30, "shut")


# -- jump height -----------------------------------------------------------------------------
def ballistic(t: np.ndarray, jumps: list[tuple[float, float]]) -> np.ndarray:
    """Height (m) of a body that leaves the floor at each t0 and lands after flight T."""
    y = np.zeros_like(t)
    for t0, T in jumps:
        k = (t >= t0) & (t <= t0 + T)
        tt = t[k] - t0
        y[k] = G * T / 2 * tt - G * tt**2 / 2
    return y


def flight_at_level(T: float, level_m: float) -> float:
    return math.sqrt(T**2 - 8 * level_m / G)


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_jump_height_from_flight_time(fps: float) -> None:
    t = np.arange(0, 10, 1 / fps)
    jumps = [(2.013, 0.45), (4.521, 0.55), (7.007, 0.50)]
    rise = ballistic(t, jumps)
    s = sp.model_series(t, view="front", root_y=STAND_Y + rise, fill=0.6)
    res = JumpHeight(trials=1).run(s)
    v = values(res)
    level = 0.01 * MODEL_HEIGHT * H  # the 1 %-of-height contact level, in metres
    best = flight_at_level(0.55, level)
    assert v["jumps"] == 3
    # linear interpolation across the take-off kink is good to about half a frame per event
    assert v["flight_time"] == pytest.approx(best, abs=0.5 / fps)
    assert v["jump_height"] == pytest.approx(
        100 * G * best**2 / 8, abs=frame_error_cm(best, 2 * fps)
    )
    assert v["height_uncertainty"] == pytest.approx(frame_error_cm(v["flight_time"], fps))
    assert any("±1 frame" in w for w in res.warnings)
    assert res.passed  # 37 cm ≥ 20 cm


def test_frame_error_formula() -> None:
    # h = g t²/8 → dh/dt = g t / 4; one frame at 30 fps on 0.5 s of flight ≈ 4.1 cm
    assert frame_error_cm(0.5, 30.0) == pytest.approx(100 * G * 0.5 / 30 / 4)


# -- glute bridge ----------------------------------------------------------------------------
def test_glute_bridge_hold_time_and_angle() -> None:
    t = np.arange(0, 22, 1 / FPS)
    th = sp.smooth_steps(t, {0: 50, 2: 50, 3: 5, 15: 5, 16: 50})
    # lying on the back (lie=-90: head to image-left), knees bent; bridge angle = 180 − thigh
    s = sp.model_series(t, lie=-90, thigh_left=th, thigh_right=th, knee_left=90, knee_right=90,
                        center_x=0.85, ground=0.5, fill=0.9)  # fmt: skip
    res = GluteBridge(duration=16.0, trials=1).run(s)  # pass: hold ≥ min(15, 0.75 × 16) = 12 s
    v = values(res)
    assert res.side == "right"  # head to image-left, lying on the back: right side to camera
    dt = 1 / FPS
    assert v["hold_time"] == pytest.approx(np.sum((180 - th) >= 165) * dt, abs=1.01 * dt)
    assert v["bridge_angle"] == pytest.approx(175.0, abs=0.01)
    assert res.passed
    fb = GluteBridge(side="left").update(s.frame(0), 0.0)
    assert "Lie the other way round" in fb.message


# -- ankle lean ------------------------------------------------------------------------------
def test_ankle_lean_straight_body() -> None:
    t = np.arange(0, 7.5, 1 / FPS)
    a = sp.smooth_steps(t, {0: 0, 1.5: 0, 2.5: 8, 6: 8, 7: 0})
    s = sp.model_series(t, facing="left", trunk=a, thigh_left=-a, thigh_right=-a)
    res = AnkleLean(trials=1).run(s)
    v = values(res)
    assert v["lean_gain"] == pytest.approx(8.0, abs=0.01)
    assert v["hip_bend_at_lean"] == pytest.approx(0.0, abs=0.01)
    assert res.passed


def test_ankle_lean_bending_at_the_hips_fails() -> None:
    t = np.arange(0, 7.5, 1 / FPS)
    a = sp.smooth_steps(t, {0: 0, 1.5: 0, 2.5: 20, 6: 20, 7: 0})
    s = sp.model_series(t, facing="right", trunk=a)
    joints = sp.figure(t.size, trunk=20.0)
    sh = joints[0, [11, 12], :2].mean(0)
    ank = joints[0, 28, :2]
    body = math.degrees(math.atan2(sh[0] - ank[0], sh[1] - ank[1]))
    res = AnkleLean(trials=1).run(s)
    assert res.value("hip_bend_at_lean") == pytest.approx(20.0 - body, abs=0.05)
    assert not res.passed and "bending at the hips" in res.feedback


# -- running gait ----------------------------------------------------------------------------
def test_running_gait_cadence_of_a_model_gait() -> None:
    fps, f = 60.0, 1.4  # leg cycle every 2/f s → 60·f steps per minute
    t = np.arange(0, 8, 1 / fps)
    ph = np.pi * f * t
    th_l = 25 * np.sin(ph)
    k_l = 30 + 30 * np.maximum(0, np.cos(ph))
    k_r = 30 + 30 * np.maximum(0, -np.cos(ph))
    kw = {
        "thigh_left": th_l,
        "thigh_right": -th_l,
        "knee_left": k_l,
        "knee_right": k_r,
        "trunk": 8.0,
    }
    joints = sp.figure(t.size, **kw)
    lowest = np.minimum(joints[:, [29, 31], 1].min(1), joints[:, [30, 32], 1].min(1))
    s = sp.model_series(t, facing="right", root_y=STAND_Y - lowest, **kw)  # a foot on the floor
    res = RunningGait(trials=1).run(s)
    v = values(res)
    assert v["cadence"] == pytest.approx(60 * f, rel=0.02)
    assert v["steps"] >= 8
    assert v["trunk_lean"] == pytest.approx(8.0, abs=0.01)
    assert v["frame_rate"] == pytest.approx(fps)
    assert "Heiderscheit" in " ".join(res.warnings)


def test_single_leg_balance_ends_when_the_stance_foot_hops() -> None:
    s, t, joints = balance_series(left_lift=(2.0, 12.0), sway=0.0, seconds=15.0)
    lm = s.landmarks.copy()
    w, _ = s.image_size
    hop = t >= 6.0  # the whole body (stance foot included) jumps 0.15 m sideways at 6 s
    lm[hop, :, 0] += 0.15 * (0.75 * s.image_size[1] / H) / w
    res = SingleLegBalance(**ONE).run(sp.series(s.t, lm, s.world, image_size=s.image_size))
    lifted_at = t[int(np.argmax((joints[:, 27, 1] - joints[:, 28, 1]) / (MODEL_HEIGHT * H) > 0.04))]
    assert res.value("time") == pytest.approx(6.0 - lifted_at, abs=1.01 / FPS)
    assert "stance foot moved" in res.metrics["time"].description
