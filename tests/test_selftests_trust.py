"""Self-tests you can trust: trials, the learner's reliability, measured errors, honest verdicts.

SYNTHETIC sequences (course.lessons.demos) put known angles and times in, so what comes out can be
checked; the reliability maths is checked against numbers worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course.accuracy import measured_error
from course.lessons import demos
from course.selftests import HipExtension, PelvicTilt, SingleLegBalance
from course.selftests.errors import NOT_MEASURED, camera_error, derived_angle
from course.selftests.norms import NORMS, NORMS_SOURCE, SEX_SPECIFIC_CLOSED, group_mean, place
from course.selftests.reliability import change, mdc95, reliability
from course.selftests.results import CANT_TELL, Metric, Threshold, assemble
from course.selftests.trials import join_takes


# -- the maths, by hand ----------------------------------------------------------------------
def test_reliability_against_a_hand_computed_example() -> None:
    # 30, 33, 36 s: mean 33; deviations -3, 0, +3; sum of squares 18; / (3 - 1) = 9; SD = 3.
    # MDC95 = 1.96 * sqrt(2) * 3 = 1.96 * 1.414214 * 3 = 8.3156
    r = reliability([30.0, 33.0, 36.0])
    assert r.n == 3
    assert r.mean == 33.0
    assert r.typical_error == pytest.approx(3.0, abs=1e-12)
    assert r.mdc95 == pytest.approx(8.3156, abs=1e-4)
    assert mdc95(3.0) == pytest.approx(8.3156, abs=1e-4)


def test_reliability_skips_missing_trials_and_needs_two() -> None:
    r = reliability([10.0, math.nan, 14.0])
    assert r.n == 2 and r.mean == 12.0
    assert r.typical_error == pytest.approx(math.sqrt(8.0))  # (4 + 4) / 1, by hand
    assert r.values[1] != r.values[1]  # the missing trial is kept, as NaN
    one = reliability([10.0])
    assert one.n == 1 and math.isnan(one.typical_error) and math.isnan(one.mdc95)


def test_a_difference_is_real_only_beyond_the_mdc() -> None:
    assert change(20.0, 12.0, 5.0, label="left vs right", unit="s").real is True
    within = change(20.0, 17.0, 5.0, label="left vs right", unit="s")
    assert within.real is False and "no real difference" in within.text
    unknown = change(20.0, 10.0, math.nan, label="left vs right", unit="s")
    assert unknown.real is None and "repeat the test" in unknown.text


# -- verdicts --------------------------------------------------------------------------------
def test_a_threshold_within_the_measured_error_cannot_be_told() -> None:
    err = measured_error("pelvic_obliquity", "front")
    assert err is not None and err.rmse > 5.0
    th = (Threshold("pelvic_drop", "<=", 4.0, "deg", "x"),)
    near = Metric(6.0, "deg", angle="pelvic_obliquity", camera=err)
    res = assemble("demo", {"pelvic_drop": near}, thresholds=th, soft={}, feedback="",
                   side="", started_at=0.0, duration=1.0)  # fmt: skip
    assert res.verdicts == (CANT_TELL,) and not res.passed and res.verdict == "can't tell"
    far = Metric(4.0 + err.rmse + 1.0, "deg", angle="pelvic_obliquity", camera=err)
    res = assemble("demo", {"pelvic_drop": far}, thresholds=th, soft={}, feedback="",
                   side="", started_at=0.0, duration=1.0)  # fmt: skip
    assert res.verdicts == ("not met",) and res.verdict == "not passed"
    # a perfectly repeatable learner (error 0) on the threshold gets a verdict, not "can't tell"
    assert th[0].verdict(4.0, error=0.0) == "met" and th[0].verdict(4.5, error=0.0) == "not met"


def test_without_a_measured_error_the_learners_mdc_decides() -> None:
    th = (Threshold("x", ">=", 10.0, "deg", "x"),)
    rel = reliability([8.0, 11.0, 14.0])  # mean 11, SD 3, MDC 8.3: 10 is within it
    m = Metric(rel.mean, "deg", reliability=rel, summary="mean")
    res = assemble("demo", {"x": m}, thresholds=th, soft={}, feedback="", side="",
                   started_at=0.0, duration=1.0)  # fmt: skip
    assert res.verdicts == (CANT_TELL,)
    plain = assemble("demo", {"x": Metric(11.0, "deg")}, thresholds=th, soft={}, feedback="",
                     side="", started_at=0.0, duration=1.0)  # fmt: skip
    assert plain.verdicts == ("met",) and plain.passed


def test_heuristic_thresholds_are_labelled_ours() -> None:
    for th in (*PelvicTilt.thresholds, *HipExtension().thresholds):
        if th.metric in {"tilt_range", "hip_extension", "neutral_sd", "neutral_offset"}:
            assert th.heuristic, th.source
            assert th.source.startswith("Running Form Lab heuristic")
    text = " ".join(HipExtension.limitations)
    assert "κ 0.39" in text and "Peeler & Anderson 2008" in text and "Vigotsky" in text
    assert "no validation" in text


# -- measured camera error on every metric -----------------------------------------------------
def test_each_angle_metric_carries_its_measured_error_or_says_not_measured() -> None:
    res = PelvicTilt(trials=1).run(demos.pelvic_tilt(anterior=12, posterior=7))
    m = res.metrics["tilt_range"]
    assert m.angle == "hip_flexion" and m.camera is None and m.error_note == NOT_MEASURED
    assert NOT_MEASURED in res.text()
    assert derived_angle("pelvic_tilt", "tilt_range") == "hip_flexion"
    front = camera_error("single_leg_balance", "front", "pelvic_drop_left")
    assert front is not None
    assert front.rmse == measured_error("pelvic_obliquity", "front").rmse


def test_pelvic_tilt_is_presented_as_trunk_thigh_control() -> None:
    assert "Trunk–thigh control" in PelvicTilt.title and "proxy" in PelvicTilt.title


# -- trials through the base state machine ------------------------------------------------------
def test_three_trials_give_the_mean_typical_error_and_each_trial() -> None:
    takes = [demos.pelvic_tilt(anterior=a, posterior=7) for a in (10.0, 12.0, 14.0)]
    res = PelvicTilt(rest=2.0).run(join_takes(*takes, gap=3.0))
    assert len(res.trials) == 3 and res.trials_planned == 3
    per = [tr.value("anterior_range") for tr in res.trials]
    assert per == pytest.approx([10.0, 12.0, 14.0], abs=0.6)  # the angles put in come back
    m = res.metrics["anterior_range"]
    assert m.summary == "mean" and m.reliability is not None
    assert m.value == pytest.approx(np.mean(per))
    assert m.reliability.typical_error == pytest.approx(np.std(per, ddof=1))
    assert m.reliability.mdc95 == pytest.approx(1.96 * np.sqrt(2) * np.std(per, ddof=1))
    assert "3 of 3 trials" in res.text() and "typical error" in res.text()
    assert not any("Only" in w for w in res.warnings)


def test_one_take_of_three_planned_says_so() -> None:
    res = PelvicTilt().run(demos.pelvic_tilt())
    # trial 2 starts on the take's last 1.5 s and is cut short: kept, but not in the mean
    assert len(res.trials) == 2 and res.trials_planned == 3
    assert any("stopped after" in w for w in res.trials[1].warnings)
    assert res.value("tilt_range") == res.trials[0].value("tilt_range")
    assert res.metrics["tilt_range"].reliability.n == 1
    assert any("Only 1 of 3 trials" in w for w in res.warnings)
    single = PelvicTilt(trials=1).run(demos.pelvic_tilt())
    assert single.trials == () and single.metrics["tilt_range"].reliability is None


def test_between_trials_the_learner_is_told_to_rest() -> None:
    demo = demos.pelvic_tilt()
    p = PelvicTilt(trials=2, rest=4.0, countdown=0.0, hold_to_start=0.0)
    phases = []
    for t, pose in demo:
        fb = p.update(pose, t)
        phases.append((fb.phase, fb.message))
    rest = [msg for ph, msg in phases if ph == "ready" and msg.startswith("Trial 1 of 2 done")]
    assert rest and "Rest" in rest[0] and "trial 2 of 2" in rest[0]
    assert len(p._trial_results) == 1


@pytest.mark.parametrize("bad", [0, 11, 2.5, True, "3"])
def test_trials_must_be_a_sensible_whole_number(bad: object) -> None:
    with pytest.raises(ValueError, match="trials must be a whole number"):
        PelvicTilt(trials=bad)  # type: ignore[arg-type]


# -- balance as Springer et al. 2007 ran it -----------------------------------------------------
def _three_balance_takes(lifts: tuple[float, ...]) -> object:
    takes = [
        demos.single_leg_balance(left=(2.0, 2.0 + d), right=(5.0 + d, 5.0 + d + 0.8 * d))
        for d in lifts
    ]
    return join_takes(*takes, gap=1.0)


def test_balance_best_of_three_per_leg_and_left_vs_right_by_mdc() -> None:
    series = _three_balance_takes((6.0, 9.0, 7.5))
    res = SingleLegBalance(eyes="open", age=45).run(series)
    assert res.thresholds == () and res.verdict == "no verdict"  # no mean used as a pass mark
    right = [tr.value("time") for tr in res.trials if tr.side == "right"]
    left = [tr.value("time") for tr in res.trials if tr.side == "left"]
    assert len(right) == 3 and len(left) == 3
    assert right == pytest.approx([6.0, 9.0, 7.5], abs=0.4)  # stance on the right: left foot up
    assert res.value("time_right") == max(right) and res.value("time_left") == max(left)
    assert res.metrics["time_right"].summary == "best"
    rel = res.metrics["time_right"].reliability
    assert rel is not None and rel.typical_error == pytest.approx(np.std(right, ddof=1))
    (lr,) = res.changes
    pooled = math.sqrt((np.std(left, ddof=1) ** 2 + np.std(right, ddof=1) ** 2) / 2)
    assert lr.mdc == pytest.approx(1.96 * math.sqrt(2) * pooled)
    assert lr.real == (abs(max(left) - max(right)) > lr.mdc)
    assert "40–49" in res.placement and "40 s" in res.placement
    assert any(NORMS_SOURCE in w for w in res.warnings)


def test_balance_without_age_asks_for_it() -> None:
    res = SingleLegBalance(eyes="open", trials=1).run(demos.single_leg_balance())
    assert "Your age was not given" in res.placement and "age=" in res.placement
    assert res.value("time_right") == pytest.approx(7.0, abs=0.4)


def test_balance_plan_eyes_both_arms_crossed_45s_cap() -> None:
    p = SingleLegBalance(age=30)
    assert p.eyes == "both" and p.max_time == 45.0 and p.n_captures == 12
    assert [e for e, _ in p.plan[:6]] == ["open"] * 6 and p.plan[6][0] == "closed"
    assert "arms crossed" in p.ready_message
    demo = demos.single_leg_balance()
    messages = [p.update(pose, t).message for t, pose in demo]
    assert any("arms crossed on your chest" in m for m in messages)


def test_norms_placement_is_relative_never_pass_fail() -> None:
    assert group_mean(45, "open") == (40.0, "40–49")
    assert group_mean(39.5, "open") == (43.0, "18–39")
    assert "at or above" in place(41.0, age=45, eyes="open")
    below = place(30.0, age=45, eyes="open")
    assert "below it" in below and "not a pass mark" in below
    assert "no values under 18" in place(30.0, age=15, eyes="open")
    with pytest.raises(ValueError, match="age must be in years"):
        place(30.0, age=300, eyes="open")
    with pytest.raises(ValueError, match="age must be your age in years"):
        SingleLegBalance(age=-4)


# -- the progress figure of lesson 08 -----------------------------------------------------------
def test_progress_figure_draws_the_mdc_band_and_marks_real_changes(tmp_path) -> None:
    from course.lessons import helpers

    log = helpers.demo_log(tmp_path / "demo.sqlite3", days=8)
    entries = log.history("pelvic_tilt")
    assert all(e.mdc("tilt_range") > 0 for e in entries)  # three trials a session
    fig = helpers.progress_figure(entries, ["tilt_range"], title="t")
    (band,) = [s for s in fig.layout.shapes if s.type == "rect"]
    base, mdc = entries[0].value("tilt_range"), entries[0].mdc("tilt_range")
    assert band.y0 == pytest.approx(base - mdc) and band.y1 == pytest.approx(base + mdc)
    symbols = list(fig.data[0].marker.symbol)
    for e, sym in zip(entries, symbols, strict=True):
        real = abs(e.value("tilt_range") - base) > mdc
        assert sym == ("diamond" if real else "circle-open")
    balance = log.history("single_leg_balance")
    assert {"time_right", "time_left"} <= set(balance[0].metrics)
    assert balance[0].mdc("time_right") > 0


def test_eyes_closed_norms_agree_with_the_sex_specific_transcription() -> None:
    """Pooled over the sexes, the second transcription rounds to the eyes-closed row we use."""
    assert len(SEX_SPECIFIC_CLOSED) == len(NORMS["closed"])
    for (women, men), (_lo, _hi, mean) in zip(SEX_SPECIFIC_CLOSED, NORMS["closed"], strict=True):
        assert abs((women + men) / 2 - mean) <= 0.5, (women, men, mean)
