"""Explorer widgets: values against hand-checkable physics and the core, in-place trace updates.

Expected values are computed here from the published formulas (Morin et al. 2005; a = g·tan θ;
impulse-momentum), or from the compiled core's own solvers, never copied from explorer output.
Runs in about 15 s on 2 cores.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.analysis.springmass import periodic_run
from course.constants import G
from course.data.force_plate import read_force_plate
from course.data.samples import write_force_plate_sample
from course.data.simulated import simulate_cmj, simulate_drop_jump
from widgets import (
    ForceTimeExplorer,
    HorizontalForceExplorer,
    JumpAnalyzer,
    LeanExplorer,
    PowerExplorer,
)

G_SM = G_J = G  # the one gravity constant of the course, m/s²


def _trace(ex, name):  # type: ignore[no-untyped-def]
    return next(tr for tr in ex.figure.data if tr.name == name)


# ------------------------------------------------------------------ ForceTimeExplorer


@pytest.fixture(scope="module")
def force_ex() -> ForceTimeExplorer:
    return ForceTimeExplorer()


@settings(max_examples=15)
@given(
    mass=st.floats(45, 110),
    cadence=st.floats(150, 210),
    tc_frac=st.floats(0.35, 0.85),
)
def test_stance_impulse_equals_body_weight_times_step_time(
    force_ex: ForceTimeExplorer, mass: float, cadence: float, tc_frac: float
) -> None:
    step = 60.0 / cadence
    force_ex.set(mass=mass, cadence=cadence, contact_time=round(tc_frac * step, 3))
    shade = _trace(force_ex, "Impulse of one stance")
    # area of the shaded stance as drawn (BW·s) times body weight (N)
    drawn = float(np.trapezoid(np.asarray(shade.y), np.asarray(shade.x))) * mass * G_SM
    assert drawn == pytest.approx(mass * G_SM * step, rel=0.01)
    assert force_ex.readouts["impulse_per_step_Ns"] == pytest.approx(mass * G_SM * step, rel=0.01)
    rect = _trace(force_ex, "Body weight × step time (same area)")
    assert max(rect.x) - min(rect.x) == pytest.approx(step)


@pytest.mark.parametrize(
    ("mass", "speed", "cadence", "tc"),
    [(70, 4.0, 170, 0.22), (55, 3.0, 160, 0.26), (90, 6.0, 195, 0.15)],
)
def test_readouts_follow_morins_formulas(
    mass: float, speed: float, cadence: float, tc: float
) -> None:
    ex = ForceTimeExplorer(mass=mass, speed=speed, cadence=cadence, contact_time=tc)
    L, g = 0.9, G_SM
    tf = 60.0 / cadence - tc
    f_max = mass * g * math.pi / 2 * (tf / tc + 1)
    dy = f_max * tc**2 / (mass * math.pi**2) - g * tc**2 / 8
    dl = L - math.sqrt(L**2 - (speed * tc / 2) ** 2) + dy
    r = ex.readouts
    assert r["peak_force_N"] == pytest.approx(f_max, rel=1e-9)
    assert r["peak_force_BW"] == pytest.approx(f_max / (mass * g), rel=1e-9)
    assert r["flight_time_s"] == pytest.approx(tf, rel=1e-9)
    assert r["vertical_oscillation_m"] == pytest.approx(dy, rel=1e-9)
    assert r["k_vert_N_per_m"] == pytest.approx(f_max / dy, rel=1e-9)
    assert r["k_leg_N_per_m"] == pytest.approx(f_max / dl, rel=1e-9)
    # the drawn peak is the model's peak (within sampling)
    assert max(_trace(ex, "Vertical force").y) == pytest.approx(f_max / (mass * g), rel=2e-3)


def test_shorter_contact_at_same_cadence_raises_the_peak() -> None:
    ex = ForceTimeExplorer(cadence=180)
    peaks = []
    for tc in (0.28, 0.24, 0.20, 0.16):
        ex.set(contact_time=tc)
        peaks.append(max(_trace(ex, "Vertical force").y))
    assert all(b > a for a, b in itertools.pairwise(peaks))


def test_contact_longer_than_step_is_capped_and_said() -> None:
    ex = ForceTimeExplorer(cadence=200, contact_time=0.35)
    assert ex.readouts["flight_time_s"] == 0.0
    assert any("no flight" in m for m in ex.messages)
    assert "no flight" in ex.readout_text()


def test_traces_are_updated_in_place(force_ex: ForceTimeExplorer) -> None:
    force_ex.set(contact_time=0.22, cadence=170)
    before = list(force_ex.figure.data)
    y_before = np.array(before[0].y)
    force_ex.set(contact_time=0.18)
    assert all(a is b for a, b in zip(before, force_ex.figure.data, strict=True))
    assert len(force_ex.figure.data) == len(before)
    assert not np.allclose(np.array(force_ex.figure.data[0].y), y_before)


def test_moving_a_slider_recomputes() -> None:
    ex = ForceTimeExplorer(contact_time=0.22)
    before = ex.readouts["peak_force_N"]
    ex._sliders["contact_time"].value = 0.18  # what the browser does
    assert ex.values["contact_time"] == 0.18
    assert ex.readouts["peak_force_N"] > before


def test_set_rejects_unknown_and_out_of_range() -> None:
    ex = ForceTimeExplorer()
    with pytest.raises(ValueError, match=r"no control 'sped'"):
        ex.set(sped=4)
    with pytest.raises(ValueError, match=r"contact_time must be between 0.1 and 0.4"):
        ex.set(contact_time=2.0)


def test_overlay_a_force_plate_file(tmp_path: Path) -> None:
    ex = ForceTimeExplorer(mass=72)
    trace = read_force_plate(write_force_plate_sample(tmp_path / "s.csv"))
    ex.overlay(trace.t, trace.force, label=trace.source)
    ov = _trace(ex, "Recorded trace")
    assert ov.visible is True
    np.testing.assert_allclose(ov.y, trace.force / (72 * G_SM))
    assert ov.x[0] == 0.0
    with pytest.raises(ValueError, match=r"same length"):
        ex.overlay(trace.t[:10], trace.force[:11])


def test_widget_has_controls_figure_and_text_readouts(force_ex: ForceTimeExplorer) -> None:
    import ipywidgets as ipw

    force_ex.set(contact_time=0.2)
    w = force_ex.widget
    # the synced widget state (what a new browser view draws) holds the current data
    np.testing.assert_allclose(force_ex.figure._widget_data[0]["y"], force_ex.figure.data[0].y)
    assert isinstance(w, ipw.VBox)
    assert force_ex.figure in w.children
    html = force_ex._readout_html.value
    assert "aria-live" in html and "Peak vertical force" in html and " BW" in html


# ------------------------------------------------------------------ slider coalescing


class _HeldForceExplorer(ForceTimeExplorer):
    """A real ForceTimeExplorer whose recompute can be held, to move sliders meanwhile."""

    def __init__(self, **values: float) -> None:
        self.hold = threading.Event()
        self.hold.set()
        self.started = threading.Event()
        self.computed: list[float] = []
        super().__init__(**values)

    def _recompute(self) -> None:
        self.computed.append(self._values["contact_time"])
        self.started.set()
        assert self.hold.wait(60), "the test never released the recompute"
        super()._recompute()


async def _until_idle(ex: ForceTimeExplorer) -> None:
    deadline = time.monotonic() + 60
    while ex._computing or ex._pending:
        assert time.monotonic() < deadline, "the explorer never finished recomputing"
        await asyncio.sleep(0.01)


def _same_state(ex: ForceTimeExplorer, contact_time: float) -> None:
    ref = ForceTimeExplorer(contact_time=contact_time)
    assert ex.values == ref.values
    assert ex.readouts == ref.readouts
    assert ex._readout_html.value == ref._readout_html.value
    for mine, theirs in zip(ex.figure.data, ref.figure.data, strict=True):
        np.testing.assert_array_equal(np.asarray(mine.y), np.asarray(theirs.y))


def test_slider_moves_during_a_recompute_coalesce_to_the_last() -> None:
    async def drag() -> _HeldForceExplorer:
        ex = _HeldForceExplorer(contact_time=0.22)
        ex.computed.clear()
        ex.hold.clear()
        slider = ex._sliders["contact_time"]
        slider.value = 0.18  # what the browser sends: the kernel loop is running
        assert await asyncio.to_thread(ex.started.wait, 60)
        for v in (0.19, 0.2, 0.21, 0.24, 0.26):  # the learner keeps dragging meanwhile
            slider.value = v
        assert ex.computed == [0.18]  # none of them has started a recompute
        assert ex.values["contact_time"] == 0.18  # the model still holds what it computes
        ex.hold.set()
        await _until_idle(ex)
        return ex

    ex = asyncio.run(drag())
    assert ex.computed == [0.18, 0.26]  # the five queued moves cost one recompute
    _same_state(ex, 0.26)


def test_set_waits_for_a_running_recompute_and_wins() -> None:
    async def drag_then_set() -> _HeldForceExplorer:
        ex = _HeldForceExplorer(contact_time=0.22)
        ex.computed.clear()
        ex.hold.clear()
        ex._sliders["contact_time"].value = 0.18
        assert await asyncio.to_thread(ex.started.wait, 60)
        ex._sliders["contact_time"].value = 0.2  # pending, older than the set() below
        threading.Timer(0.2, ex.hold.set).start()
        ex.set(contact_time=0.25)  # blocks until the held recompute is done
        await _until_idle(ex)
        return ex

    ex = asyncio.run(drag_then_set())
    assert ex.computed == [0.18, 0.25]
    assert ex._sliders["contact_time"].value == 0.25
    _same_state(ex, 0.25)


def test_a_failing_background_recompute_is_shown_not_lost() -> None:
    class Failing(ForceTimeExplorer):
        def _recompute(self) -> None:
            if self._values["contact_time"] > 0.3:
                raise ValueError("model refused")
            super()._recompute()

    async def drag() -> Failing:
        ex = Failing(contact_time=0.22)
        ex._sliders["contact_time"].value = 0.35
        await _until_idle(ex)
        return ex

    ex = asyncio.run(drag())
    assert any("model refused" in m and "0.35" in m for m in ex.messages)
    assert "model refused" in ex._readout_html.value


_KERNEL_SETUP = """
import threading, time
from widgets import ForceTimeExplorer

class Held(ForceTimeExplorer):
    def __init__(self, **values):
        self.hold = threading.Event()
        self.hold.set()
        self.computed = []
        super().__init__(**values)

    def _recompute(self):
        self.computed.append(self._values["contact_time"])
        self.hold.wait(60)
        super()._recompute()

ex = Held(contact_time=0.22)
ex.computed.clear()
ex.hold.clear()
threading.Timer(__HOLD__, ex.hold.set).start()  # the first recompute takes this long
print(ex._sliders["contact_time"].model_id)
"""

_KERNEL_RESULT = """
import asyncio
deadline = time.monotonic() + 60
while (ex._computing or ex._pending) and time.monotonic() < deadline:
    await asyncio.sleep(0.01)  # the drawing is done on the kernel's loop: let it run
print(ex.computed, ex.values["contact_time"])
"""


def _run_cell(kc, code: str) -> str:  # type: ignore[no-untyped-def]
    msg_id = kc.execute(code)
    out: list[str] = []
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


def test_a_real_kernel_coalesces_slider_messages() -> None:
    """Slider updates sent to a real ipykernel, as the browser sends them, during a slow solve."""
    from jupyter_client.manager import start_new_kernel

    hold = 3.0
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        model_id = _run_cell(kc, _KERNEL_SETUP.replace("__HOLD__", str(hold))).strip()
        sent = time.monotonic()
        for v in (0.18, 0.19, 0.2, 0.21, 0.24, 0.26):  # a drag: one message per position
            msg = kc.session.msg(
                "comm_msg",
                {
                    "comm_id": model_id,
                    "data": {"method": "update", "state": {"value": v}, "buffer_paths": []},
                },
            )
            kc.shell_channel.send(msg)
        assert time.monotonic() - sent < hold  # all sent while the first recompute is held
        result = _run_cell(kc, _KERNEL_RESULT)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert result.split("]")[0] + "]" == "[0.18, 0.26]", result
    assert result.split()[-1] == "0.26"


# ------------------------------------------------------------------ HorizontalForceExplorer


@pytest.fixture(scope="module")
def horiz() -> HorizontalForceExplorer:
    return HorizontalForceExplorer(fs=2000.0)


def test_steady_gait_has_zero_net_horizontal_impulse(horiz: HorizontalForceExplorer) -> None:
    horiz.set(speed=4.5, cadence=170, leg_stiffness=11, overstride=0)
    r = horiz.readouts
    assert r["braking_impulse_Ns"] < -5.0 < 5.0 < r["propulsive_impulse_Ns"]
    assert abs(r["net_horizontal_impulse_Ns"]) < 1e-3 * abs(r["braking_impulse_Ns"])
    assert abs(r["speed_change_per_step_m_per_s"]) < 1e-6
    # integrate the drawn fore-aft force over the middle step: ~0 (trapezoid error only)
    sim = horiz._sim
    assert sim is not None
    i = horiz.STEP
    sel = (sim.t >= sim.touchdown_times[i] - 1e-3) & (sim.t <= sim.takeoff_times[i] + 1e-3)
    fx = np.asarray(_trace(horiz, "Fore-aft force").customdata)[sel]
    assert abs(np.trapezoid(fx, sim.t[sel])) < 0.02 * abs(r["braking_impulse_Ns"])
    # and the vertical impulse of a stance supports body weight for a whole step
    fy = np.asarray(_trace(horiz, "Vertical force").customdata)[sel]
    step = r["contact_time_s"] + r["flight_time_s"]
    assert np.trapezoid(fy, sim.t[sel]) == pytest.approx(70 * G_SM * step, rel=0.01)
    assert 60 / step == pytest.approx(170, rel=1e-6)


def test_fore_aft_force_is_about_one_body_weight_peak_to_peak(
    horiz: HorizontalForceExplorer,
) -> None:
    # Cavanagh & Lafortune (1980): ~1 BW fore-aft peak to peak at 4.5 m/s
    horiz.set(speed=4.5, cadence=170, leg_stiffness=11, overstride=0)
    assert 0.7 < horiz.readouts["fore_aft_peak_to_peak_BW"] < 1.5


def test_explorer_gait_is_periodic_run_at_the_slider_values(
    horiz: HorizontalForceExplorer,
) -> None:
    # after a chain of slider moves (continuation from gait to gait), the steady gait is the one
    # periodic_run solves from scratch at the final values
    for speed, cadence, k in ((4.6, 170, 11), (4.8, 176, 12), (5.5, 185, 14), (3.5, 174, 12)):
        horiz.set(speed=speed, cadence=cadence, leg_stiffness=k, overstride=0)
    ref = periodic_run(speed=3.5, leg_stiffness=12_000, step_frequency=174 / 60, n_steps=1)
    r = horiz.readouts
    assert r["steady_touchdown_angle_deg"] == pytest.approx(ref.touchdown_angle, abs=1e-6)
    assert r["contact_time_s"] == pytest.approx(ref.contact_time, rel=1e-6)
    assert r["flight_time_s"] == pytest.approx(ref.flight_time, rel=1e-6)


def test_overstriding_brakes_more_and_costs_speed(horiz: HorizontalForceExplorer) -> None:
    horiz.set(speed=4.5, cadence=170, leg_stiffness=11, overstride=0)
    steady = horiz.readouts
    horiz.set(overstride=6)
    over = horiz.readouts
    L = 0.9
    assert over["overstride_m"] == pytest.approx(steady["overstride_m"] + 0.06, abs=1e-9)
    assert over["touchdown_angle_deg"] == pytest.approx(
        math.degrees(math.asin(over["overstride_m"] / L))
    )
    assert over["braking_impulse_Ns"] < steady["braking_impulse_Ns"]
    assert over["net_horizontal_impulse_Ns"] < -1.0
    assert over["speed_change_per_step_m_per_s"] < -0.05
    # impulse-momentum: the speed change is the net impulse over the mass
    assert over["speed_change_per_step_m_per_s"] == pytest.approx(
        over["net_horizontal_impulse_Ns"] / 70.0, rel=1e-6
    )


def test_higher_cadence_lowers_braking_impulse(horiz: HorizontalForceExplorer) -> None:
    braking = []
    for c in (160, 175, 190):
        horiz.set(speed=4.5, cadence=c, leg_stiffness=11, overstride=0)
        braking.append(-horiz.readouts["braking_impulse_Ns"])
    assert braking[0] > braking[1] > braking[2]


def test_no_steady_gait_keeps_last_figure_and_says_why() -> None:
    ex = HorizontalForceExplorer()
    fy = np.array(_trace(ex, "Vertical force").y)
    ex.set(speed=2.5, cadence=200, leg_stiffness=7)
    assert any("No periodic spring-mass gait" in m for m in ex.messages)
    np.testing.assert_array_equal(np.array(_trace(ex, "Vertical force").y), fy)


def test_horizontal_updates_in_place(horiz: HorizontalForceExplorer) -> None:
    before = list(horiz.figure.data)
    horiz.set(speed=4.0)
    assert all(a is b for a, b in zip(before, horiz.figure.data, strict=True))


# ------------------------------------------------------------------ LeanExplorer


@settings(max_examples=20)
@given(theta=st.floats(0.0, 25.0))
def test_lean_acceleration_is_g_tan_theta(theta: float) -> None:
    ex = LeanExplorer(lean=theta)
    a = G * math.tan(math.radians(theta))
    assert ex.readouts["acceleration_m_per_s2"] == pytest.approx(a, abs=1e-12)
    assert ex.readouts["horizontal_force_N"] == pytest.approx(70 * a, abs=1e-9)
    # the centre of mass of the straight figure lies on the lean line through the ankle
    com = _trace(ex, "Centre of mass")
    assert com.x[0] == pytest.approx(com.y[0] * math.tan(math.radians(theta)), abs=1e-12)
    # the hip-bent figure keeps its centre of mass over its feet
    assert com.x[1] == pytest.approx(ex.HIP_OFFSET, abs=1e-12)


def test_lean_overlay_and_in_place() -> None:
    ex = LeanExplorer(lean=5)
    before = list(ex.figure.data)
    ex.set(lean=8)
    assert all(a is b for a, b in zip(before, ex.figure.data, strict=True))
    ex.overlay([4.0, 6.0], [0.7, 1.0], label="video")
    ov = _trace(ex, "Recorded trace")
    assert ov.visible is True and list(ov.x) == [4.0, 6.0]
    with pytest.raises(ValueError, match=r"lean_deg and acceleration must have the same length"):
        ex.overlay([4.0, 6.0], [0.7])


# ------------------------------------------------------------------ PowerExplorer


def _impulse_height(t: np.ndarray, f: np.ndarray, mass: float, t0: float, t1: float) -> float:
    sel = (t >= t0) & (t <= t1)
    v = np.trapezoid(f[sel] - mass * G_J, t[sel]) / mass
    return float(v**2 / (2 * G_J))


def test_power_height_matches_own_impulse_momentum_and_truth() -> None:
    ex = PowerExplorer(peak_force=2.4, time_to_peak=0.12)
    main = _trace(ex, "Vertical force")
    t, f = np.asarray(main.x), np.asarray(main.y)
    jump = simulate_cmj(mass=70, peak_force=2.4 * 70 * G_J, time_to_peak=0.12, seed=0)
    ev = jump.true_events
    assert ex.readouts["height_impulse_m"] == pytest.approx(jump.true_height, abs=0.01)
    assert _impulse_height(t, f, 70, ev["onset"] - 0.2, ev["takeoff"]) == pytest.approx(
        ex.readouts["height_impulse_m"], abs=0.01
    )


def test_strength_first_then_speed() -> None:
    ex = PowerExplorer(peak_force=2.0, time_to_peak=0.20)
    h0 = ex.readouts["height_impulse_m"]
    ex.set(time_to_peak=0.08)  # same peak, sooner
    h_fast = ex.readouts["height_impulse_m"]
    ex.set(time_to_peak=0.20, peak_force=2.6)  # more force, same rise time
    h_strong = ex.readouts["height_impulse_m"]
    assert h_fast > h0 and h_strong > h0
    assert ex.readouts["rfd_N_per_s"] == pytest.approx(1.6 * 70 * G_J / 0.20)


def test_drop_jump_rsi_and_kind_switch() -> None:
    ex = PowerExplorer(kind="dj", drop_height=0.3, contact_time=0.25, dj_peak_force=4.5)
    jump = simulate_drop_jump(drop_height=0.3, contact_time=0.25, peak_force=4.5 * 70 * G_J)
    r = ex.readouts
    assert r["rsi_m_per_s"] == pytest.approx(jump.parameters["rsi"], rel=0.03)
    assert r["rsi_m_per_s"] == pytest.approx(r["height_flight_time_m"] / r["contact_time_s"])
    ex.kind = "cmj"
    assert "rsi_m_per_s" not in ex.readouts
    assert ex._sliders["drop_height"].layout.display == "none"
    with pytest.raises(ValueError, match=r"kind must be 'cmj' or 'dj'"):
        ex.kind = "sprint"


def test_power_comparison_trace() -> None:
    ex = PowerExplorer(time_to_peak=0.2)
    h0 = ex.readouts["height_impulse_m"]
    ex.keep_comparison()
    ex.set(time_to_peak=0.1)
    comp = next(tr for tr in ex.figure.data if tr.name.startswith("Comparison"))
    assert comp.visible is True
    assert ex.readouts["height_vs_comparison_m"] == pytest.approx(
        ex.readouts["height_impulse_m"] - h0
    )


# ------------------------------------------------------------------ JumpAnalyzer


def test_jump_analyzer_on_a_generated_file(tmp_path: Path) -> None:
    p = write_force_plate_sample(tmp_path / "cmj.csv", kind="cmj")
    true_h = float(
        next(h for h in p.read_text().splitlines() if h.startswith("True jump height"))
        .split(":")[1]
        .replace("cm", "")
        .replace(",", ".")
    )
    ja = JumpAnalyzer(p)
    assert "simulated" in ja.label
    for h in ja.heights.values():
        assert 100 * h == pytest.approx(true_h, abs=1.0)
    assert ja.spread == pytest.approx(max(ja.heights.values()) - min(ja.heights.values()))
    assert all(row["thresholds"] for row in ja.table)
    html = ja._readout_html.value
    assert "Spread between methods" in html and "impulse-momentum" in html


def test_jump_analyzer_thresholds_move_events() -> None:
    ja = JumpAnalyzer(simulate_cmj(height=0.3, seed=2))
    t_to = ja.result.events["takeoff"].time
    onset = ja.result.events["onset"].time
    before = list(ja.figure.data)
    ja.set(takeoff_threshold=50, onset_sd=10)
    assert ja.result.thresholds["takeoff_threshold_N"] == 50.0
    assert ja.result.events["takeoff"].time < t_to  # a higher threshold is crossed earlier
    assert ja.result.events["onset"].time >= onset
    assert all(a is b for a, b in zip(before, ja.figure.data, strict=True))
    ev = _trace(ja, "Events")
    assert ja.result.events["takeoff"].time in list(ev.x)


def test_jump_analyzer_drop_jump_and_bad_source(tmp_path: Path) -> None:
    p = write_force_plate_sample(tmp_path / "dj.csv", kind="dj")
    ja = JumpAnalyzer(p, kind="dj", drop_height=0.30)
    assert set(ja.heights) == {"impulse-momentum", "flight-time"}
    assert ja.heights["impulse-momentum"] == pytest.approx(0.28, abs=0.01)
    with pytest.raises(TypeError, match=r"JumpAnalyzer needs a file path"):
        JumpAnalyzer(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(("cadence", "tc"), [(170, 0.22), (190, 0.15), (150, 0.30)])
def test_vertical_oscillation_matches_integrated_motion(cadence: float, tc: float) -> None:
    from scipy.integrate import solve_ivp

    ex = ForceTimeExplorer(cadence=cadence, contact_time=tc)
    step = 60 / cadence
    tf = step - tc
    f_max = ex.readouts["peak_force_N"]
    m = 70.0

    def rhs(t: float, s: np.ndarray) -> list[float]:
        return [s[1], f_max / m * math.sin(math.pi * t / tc) - G_SM]

    # land from a flight of tf (vertical speed g·tf/2 down), integrate the stance
    sol = solve_ivp(rhs, (0, tc), [0.0, -G_SM * tf / 2], rtol=1e-10, atol=1e-12, dense_output=True)
    y = sol.sol(np.linspace(0, tc, 2001))[0]
    assert -y.min() == pytest.approx(ex.readouts["vertical_oscillation_m"], rel=1e-5)
    assert sol.y[1, -1] == pytest.approx(G_SM * tf / 2, rel=1e-6)  # leaves as it landed


def test_overlay_on_horizontal_power_and_analyzer() -> None:
    t = np.arange(500) / 1000.0
    f = 700 + 900 * np.sin(np.pi * t / 0.5)
    hz = HorizontalForceExplorer(mass=80.0)
    hz.overlay(t + 2.0, f, label="treadmill")
    ov = _trace(hz, "Recorded trace")
    np.testing.assert_allclose(ov.y, f / (80.0 * G_SM))
    assert ov.x[0] == 0.0 and "treadmill" in ov.hovertemplate
    pw = PowerExplorer()
    pw.overlay(t, f, label="plate")
    np.testing.assert_allclose(_trace(pw, "Recorded trace").y, f)  # jump plots are in N


def test_power_impossible_push_keeps_last_curve_and_says_why() -> None:
    ex = PowerExplorer()
    y = np.array(_trace(ex, "Vertical force").y)
    ex.set(peak_force=1.4, time_to_peak=0.3, push_duration=0.3)
    assert any("push is too short" in m for m in ex.messages)
    np.testing.assert_array_equal(np.array(_trace(ex, "Vertical force").y), y)
    ex.set(peak_force=2.2, time_to_peak=0.1)  # valid again: the message goes away
    assert not ex.messages
