"""course.bench on SYNTHETIC runners (known cadence, lean, pelvic drop) and on bad input.

The real-video path (Sports2D walker, CLI, report in Chromium) is in tests/test_bench_video.py.
"""

from __future__ import annotations

import csv
import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

from course.analysis.gait import gait_metrics
from course.bench import (
    BenchError,
    analyse_series,
    check_setup,
    compare_runs,
    html_report,
    number_error,
    smallest_real_change,
    write_csv,
)
from course.bench.frames import key_frames
from course.lessons import demos
from course.lessons.stick_figure import STAND_HIP, stick_figure, to_series
from course.schema import Landmark as L
from course.schema import PoseSeries


def front_runner(*, cadence: float = 168.0, drop: float = 6.0, seconds: float = 6.0) -> PoseSeries:
    """SYNTHETIC front-view runner: demos.running's legs, pelvis dropping ``drop`` deg on the
    swing side while the other foot is the lower one (the stance foot)."""
    t = np.arange(0.0, seconds, 1.0 / 60.0)
    phase = np.pi * cadence / 60.0 * t
    thigh = 25.0 * np.sin(phase)
    angles = {
        "thigh_left": thigh,
        "thigh_right": -thigh,
        "knee_left": 30.0 + 30.0 * np.maximum(0.0, np.cos(phase)),
        "knee_right": 30.0 + 30.0 * np.maximum(0.0, -np.cos(phase)),
    }
    j = stick_figure(t.size, **angles)
    left_lower = j[:, L.LEFT_HEEL, 1] < j[:, L.RIGHT_HEEL, 1]  # y up in the model
    pelvis = np.where(left_lower, -drop, drop)  # + = left hip lower: right is swinging
    j = stick_figure(t.size, pelvis_drop=pelvis, **angles)
    low = j[:, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX], 1].min(axis=1)
    j = stick_figure(t.size, root_y=STAND_HIP * 1.75 - low, pelvis_drop=pelvis, **angles)
    return to_series(j, t, label=f"front-view running, pelvic drop {drop:g} deg", view="front")


def test_synthetic_side_runner_key_moments_and_numbers() -> None:
    run = analyse_series(demos.running(cadence=168.0, trunk=8.0, seconds=6.0), label="demo")
    assert run.view == "side" and run.setup.ok
    assert run.summary.cadence == pytest.approx(168.0, abs=3.0)
    # key moments: contact < midstance < toe-off within every step, sides alternate
    by_step: dict[int, dict[str, float]] = {}
    for m in run.moments:
        by_step.setdefault(m.step, {})[m.kind] = m.t
        assert abs(run.series.t[m.frame] - m.t) <= 0.5 / 60 + 1e-9  # nearest frame
    full = [s for s in by_step.values() if len(s) == 3]
    assert len(full) >= 10
    for s in full:
        assert s["contact"] < s["midstance"] < s["toe_off"]
    sides = [s.side for s in run.steps]
    assert all(a != b for a, b in itertools.pairwise(sides))
    figs = run.summary.figures
    assert figs["trunk_lean_mid"].median == pytest.approx(8.0, abs=0.5)
    # the model is symmetric: no asymmetry beyond the smallest real change
    assert not any(f.real for f in figs.values())
    # knee flexion at contact agrees with the angle computed directly at that frame
    step = run.steps[2]
    px = run.series.landmarks[..., :2] * np.array(run.series.image_size, dtype=np.float64)
    side = step.side
    hip, knee, ankle = (
        (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)
        if side == "left"
        else (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)
    )
    u, v = px[:, hip] - px[:, knee], px[:, ankle] - px[:, knee]
    inner = np.degrees(
        np.arctan2(np.abs(u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]), np.sum(u * v, axis=1))
    )
    ref = 180.0 - float(np.interp(step.t_contact, run.series.t, inner))
    assert step.values["knee_flexion_ic"] == pytest.approx(ref, abs=0.5)
    # contact times agree with the gait analysis itself
    gm = gait_metrics(run.series)
    assert figs["contact_time"].median == pytest.approx(gm.contact_time, abs=1e-9)


def test_synthetic_front_runner_pelvic_drop_read_back() -> None:
    run = analyse_series(front_runner(drop=6.0), label="front")
    assert run.view == "front"
    drop = run.summary.figures["pelvic_drop_mid"]
    assert drop.median == pytest.approx(6.0, abs=1.0), drop
    assert drop.error.value is not None  # measured from the front by the validation table
    width = run.summary.figures["step_width"]
    assert width.n >= 6 and 0.05 < width.median < 0.6
    assert "knee_flexion_ic" not in run.summary.figures  # a side-view number


def test_smallest_real_change_against_hand_computation() -> None:
    left = [0.20, 0.22, 0.21, 0.24, 0.22]
    right = [0.25, 0.24, 0.27]
    diffs = np.concatenate([np.diff(left), np.diff(right)])
    te = np.std(diffs, ddof=1) / math.sqrt(2)
    assert smallest_real_change({"left": left, "right": right}) == pytest.approx(
        1.96 * math.sqrt(2) * te
    )
    assert math.isnan(smallest_real_change({"left": [1.0, 2.0], "right": [3.0]}))


def test_asymmetry_beyond_the_smallest_real_change_is_flagged() -> None:
    run = analyse_series(demos.running(seconds=6.0))
    steps = tuple(
        replace(
            s,
            values={
                **s.values,
                "contact_time": s.values["contact_time"] + (0.03 if s.side == "left" else 0.0),
            },
        )
        for s in run.steps
    )
    from course.bench.summary import summarise

    fig = summarise(steps, "side").figures["contact_time"]
    assert fig.asymmetry == pytest.approx(0.03, abs=0.005)
    assert fig.real


def test_compare_aligns_on_initial_contact_and_flags_real_differences() -> None:
    a = analyse_series(demos.running(cadence=160.0, seconds=6.0), label="before")
    base = demos.running(cadence=180.0, seconds=6.0)
    shifted = replace(base, t=base.t + 2.5)  # the second clip's clock starts later
    b = analyse_series(shifted, label="after")
    c = compare_runs(a, b)
    side = c.side
    assert c.offset == pytest.approx(b.first_contact(side) - a.first_contact(side))
    assert c.offset > 2.0
    first_a = next(m for m in a.moments if m.kind == "contact" and m.side == side)
    first_b = next(m for m in b.moments if m.kind == "contact" and m.side == side)
    assert abs(c.b_frame(first_a.frame) - first_b.frame) <= 1
    d = {x.name: x for x in c.differences}
    assert d["step_time"].diff == pytest.approx(60 / 180 - 60 / 160, abs=0.01)
    assert d["step_time"].real
    assert not d["trunk_lean_mid"].real  # same lean in both
    with pytest.raises(BenchError, match="same side"):
        compare_runs(a, analyse_series(front_runner()))


def test_report_and_csv_hold_every_step() -> None:
    run = analyse_series(demos.running(seconds=5.0), label="demo")
    pics = key_frames(run, width=240)
    page = html_report(run, pics, notes="cue: <quiet> feet")
    assert page.count("data:image/jpeg;base64,") == len([m for m in run.moments if m.step < 4])
    assert "cue: &lt;quiet&gt; feet" in page and "SYNTHETIC" in page
    # nothing is fetched from elsewhere: pictures inline, no scripts, links or remote styles
    import re

    assert all(src.startswith("data:image/jpeg") for src in re.findall(r'src="([^"]*)"', page))
    assert "<script" not in page and "<link" not in page and "url(" not in page


def test_csv_round_trip(tmp_path: object) -> None:
    from pathlib import Path

    run = analyse_series(demos.running(seconds=5.0))
    out = write_csv(run, Path(str(tmp_path)) / "steps.csv")
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(run.steps)
    for row, step in zip(rows, run.steps, strict=True):
        assert row["foot"] == step.side
        v = step.values["knee_flexion_ic"]
        assert float(row["knee_flexion_ic_deg"]) == pytest.approx(v, rel=1e-5)


def test_error_figures_come_from_one_place() -> None:
    assert number_error("contact_time", "side").note == "not yet measured"
    assert number_error("foot_ahead_ic", "side").value is None
    front = number_error("pelvic_drop_mid", "front")
    assert front.value is not None and front.value > 0


# -- bad input: a clear message, no report ---------------------------------------------------
def _first_frames(series: PoseSeries, n: int, source: str) -> PoseSeries:
    """The first ``n`` frames of ``series`` as a series of their own."""
    return PoseSeries(
        series.t[:n],
        series.landmarks[:n],
        series.world[:n],
        series.visibility[:n],
        series.image_size,
        series.n_people[:n],
        source=source,
    )


def test_ten_frame_clip_is_refused() -> None:
    demo = demos.running(seconds=1.0)
    short = _first_frames(demo, 9, "short")
    with pytest.raises(BenchError, match=r"9 frame\(s\) \(0.13 s\) is too short.*longer clip"):
        analyse_series(short)
    ten = _first_frames(demo, 10, "ten")
    with pytest.raises(BenchError, match=r"10 frame\(s\) \(0.15 s\) is too short"):
        analyse_series(ten)
    slow = demos.running(cadence=100.0, seconds=1.8)  # long enough to try, under 4 steps
    with pytest.raises(BenchError, match=r"[0-3] step\(s\) found; a report needs at least 4"):
        analyse_series(slow)


def test_no_person_is_refused() -> None:
    demo = demos.running(seconds=2.0)
    empty = replace(demo, landmarks=np.full_like(demo.landmarks, np.nan))
    assert check_setup(empty).view == "none"
    with pytest.raises(BenchError, match="No person was found"):
        analyse_series(empty)


def test_oblique_view_is_refused_with_what_to_change() -> None:
    demo = demos.running(seconds=3.0)
    lm = demo.landmarks.copy()
    # turn the runner ~30 deg toward the camera: shoulders and hips spread sideways
    for left, right in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP)):
        lm[:, left, 0] -= 0.025
        lm[:, right, 0] += 0.025
    setup = check_setup(replace(demo, landmarks=lm))
    assert setup.view == "oblique" and not setup.ok, setup.view_ratio
    with pytest.raises(BenchError, match="square to the running direction"):
        analyse_series(replace(demo, landmarks=lm))


def test_small_runner_and_low_frame_rate_are_reported() -> None:
    demo = demos.running(seconds=6.0)
    lm = demo.landmarks.copy()
    lm[..., :2] = 0.5 + (lm[..., :2] - 0.5) * 0.35  # a distant runner
    every = slice(None, None, 2)  # 30 fps
    s30 = PoseSeries(
        demo.t[every],
        lm[every],
        demo.world[every],
        demo.visibility[every],
        demo.image_size,
        demo.n_people[every],
        source="far",
    )
    setup = check_setup(s30)
    text = " ".join(setup.advice)
    assert "fills only" in text and "closer" in text
    assert "30 frames per second" in text and "60 fps" in text
    assert setup.ok  # advice, not a refusal
