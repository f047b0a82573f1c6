"""course.analysis.jumps: kernels vs the NumPy/SciPy reference, known heights of simulated jumps,
and clear errors for the mistakes people make with force-plate exports."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reference import jumps as ref

from course import _core
from course.analysis.jumps import G, JumpResult, analyze_jump, flight_time_height
from course.data.simulated import simulate_cmj, simulate_drop_jump, simulate_squat_jump

K = _core.jumps
forces = hnp.arrays(np.float64, st.integers(1, 300), elements=st.floats(-50, 3000, allow_nan=False))


# --- kernels against the reference --------------------------------------------------------------
@given(f=forces, data=st.data())
def test_window_stats(f: np.ndarray, data: st.DataObject) -> None:
    i0 = data.draw(st.integers(0, f.size - 1))
    i1 = data.draw(st.integers(i0 + 1, f.size))
    got, want = K.window_stats(f, i0, i1), ref.window_stats(f, i0, i1)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


@given(
    f=forces,
    start=st.integers(0, 300),
    baseline=st.floats(0, 2000),
    thr=st.floats(0, 500),
    backtrack=st.integers(-1, 40),
)
def test_find_onset(f: np.ndarray, start: int, baseline: float, thr: float, backtrack: int) -> None:
    start = min(start, f.size)
    assert K.find_onset(f, start, baseline, thr, backtrack) == ref.find_onset(
        f, start, baseline, thr, backtrack
    )


@given(
    f=forces,
    start=st.integers(0, 300),
    thr=st.floats(-10, 1000),
    above=st.booleans(),
    min_len=st.integers(1, 30),
)
def test_first_run(f: np.ndarray, start: int, thr: float, above: bool, min_len: int) -> None:
    start = min(start, f.size)
    assert K.first_run(f, start, thr, above, min_len) == ref.first_run(
        f, start, thr, above, min_len
    )


@given(
    f=forces,
    start=st.integers(0, 300),
    thr=st.floats(-10, 1000),
    min_flight=st.integers(1, 40),
    min_contact=st.integers(1, 15),
)
def test_find_flight(
    f: np.ndarray, start: int, thr: float, min_flight: int, min_contact: int
) -> None:
    start = min(start, f.size)
    assert K.find_flight(f, start, thr, min_flight, min_contact) == ref.find_flight(
        f, start, thr, min_flight, min_contact
    )


def test_find_flight_ignores_noise_spikes_in_flight() -> None:
    f = np.r_[np.full(100, 700.0), np.zeros(300), np.full(100, 700.0)]
    f[150] = f[260:265] = 50.0  # spikes above 20 N, shorter than a 10-sample contact
    assert K.find_flight(f, 0, 20.0, 50, 10) == (100, 400)
    f[110:120] = 60.0  # a 10-sample contact after 10 samples: too short a flight, skipped
    assert K.find_flight(f, 0, 20.0, 50, 10) == (120, 400)
    assert K.find_flight(f[:300], 0, 20.0, 50, 10) == (120, -1)  # ends in flight


@given(
    f=forces,
    data=st.data(),
    v0=st.floats(-5, 5),
    mass=st.floats(20, 200),
    lead_in=st.sampled_from([0.0, 1e-4, 7e-4, 0.01]),
    lead_out=st.sampled_from([0.0, 2e-4, 1e-3, 0.01]),
)
def test_kinematics(
    f: np.ndarray, data: st.DataObject, v0: float, mass: float, lead_in: float, lead_out: float
) -> None:
    i0 = data.draw(st.integers(0, f.size - 1))
    i1 = data.draw(st.integers(i0, f.size - 1))
    out = K.kinematics(f, 1000.0, mass, mass * G, i0, i1, v0, lead_in, lead_out)
    want = ref.kinematics(f, 1000.0, mass, mass * G, i0, i1, v0, lead_in, lead_out)
    got = (out.velocity, out.displacement, out.power)
    assert out.velocity.shape == (i1 - i0 + 1 + (lead_in > 0) + 1,)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-9)


def test_kinematics_edges_are_ramps_to_zero_force() -> None:
    # a body of 1 kg held at exactly its weight, then a 2 ms linear release to 0 N: the release
    # loses m·g·(2 ms)/2 of momentum, and the point after it is at 0 N
    f = np.full(5, G)
    out = K.kinematics(f, 1000.0, 1.0, G, 0, 4, 1.0, 0.0, 0.002)
    assert out.velocity[-1] == pytest.approx(1.0 - G * 0.002 / 2, rel=1e-12)
    assert out.power[-1] == 0.0 and out.velocity.size == 6
    with pytest.raises(ValueError, match="lead_in"):
        K.kinematics(f, 1000.0, 1.0, G, 0, 4, 1.0, -1e-3, 0.0)
    with pytest.raises(ValueError, match="lead_in"):
        K.kinematics(f, 1000.0, 1.0, G, 0, 4, 1.0, 0.0, float("nan"))


@given(f=forces, data=st.data(), window=st.integers(1, 50))
def test_peak_rfd(f: np.ndarray, data: st.DataObject, window: int) -> None:
    i0 = data.draw(st.integers(0, f.size - 1))
    i1 = data.draw(st.integers(i0, f.size - 1))
    got, want = K.peak_rfd(f, 1000.0, i0, i1, window), ref.peak_rfd(f, 1000.0, i0, i1, window)
    assert got[1] == want[1]
    if want[1] >= 0:
        assert got[0] == pytest.approx(want[0], rel=1e-12)


def test_kernels_reject_out_of_range() -> None:
    f = np.zeros(10)
    with pytest.raises(ValueError):
        K.window_stats(f, 5, 5)
    with pytest.raises(ValueError):
        K.kinematics(f, 1000.0, 70.0, 686.0, 0, 10, 0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        K.first_run(f, 11, 1.0, True, 1)
    with pytest.raises(ValueError):
        K.peak_rfd(f, 1000.0, 0, 10, 2)
    assert K.first_run(np.zeros(0), 0, 1.0, False, 1) == -1
    ok: dict[str, object] = {
        "fs": 1000.0, "kind": 0, "quiet_i0": 0, "quiet_i1": 5, "given_weight": 0.0,
        "search_from": 5, "onset_sd": 5.0, "backtrack": -1, "threshold": 20.0, "min_flight": 5,
        "min_contact": 2, "rfd_windows": [5], "peak_window": 2, "integrate": True, "v0": 0.0,
        "landing_window": 5, "max_edge": 0.01, "g": G,
    }  # fmt: skip
    for bad in ({"quiet_i1": 11}, {"kind": 3}, {"quiet_i0": -1}, {"search_from": 11}, {"g": 0.0}):
        with pytest.raises(ValueError, match="analyze"):
            K.analyze(f, **{**ok, **bad})  # type: ignore[arg-type]
    r = K.analyze(f, **ok)  # type: ignore[arg-type]
    assert r.start == -1 and not r.integrated and r.kinematics is None  # no movement: stops
    f_nan = f.copy()
    f_nan[7] = np.nan
    assert K.analyze(f_nan, **ok).nan_index == 7  # type: ignore[arg-type]


# --- the simulated traces are what they claim ---------------------------------------------------
@pytest.mark.parametrize(
    "make", [simulate_cmj, simulate_squat_jump, lambda **kw: simulate_drop_jump(**kw)]
)
def test_simulated_truth_matches_numerical_integration(make: object) -> None:
    jump = make(fs=20000.0, noise_sd=0.0)  # type: ignore[operator]
    f, fs = jump.force, jump.fs
    start = "contact" if jump.kind == "dj" else "onset"
    i0 = round(jump.true_events[start] * fs)
    i1 = round(jump.true_events["takeoff"] * fs)
    v0 = jump.parameters.get("touchdown_velocity", 0.0)
    v, _, _ = ref.kinematics(f, fs, jump.mass, jump.mass * G, i0, i1, v0)
    assert v[-1] == pytest.approx(jump.true_takeoff_velocity, abs=2e-3)
    flight = f[i1 + 1 : round(jump.true_events["landing"] * fs)]
    assert np.all(flight == 0.0) and flight.size / fs == pytest.approx(
        jump.true_flight_time, abs=1e-3
    )
    after = f[round((jump.true_events["landing"] + 0.5) * fs) :]
    assert after == pytest.approx(jump.mass * G)  # back to quiet standing


def test_simulated_knobs_teach_the_right_lessons() -> None:
    sooner = simulate_cmj(peak_force=1500, time_to_peak=0.08)
    later = simulate_cmj(peak_force=1500, time_to_peak=0.25)
    assert sooner.true_height > later.true_height + 0.02
    stronger = simulate_cmj(peak_force=1700)
    assert stronger.true_height > simulate_cmj(peak_force=1500).true_height
    solved = simulate_cmj(height=0.4, peak_force=1800)
    assert solved.true_height == pytest.approx(0.4)
    assert solved.parameters["peak_force"] == 1800
    assert all(j.label == "simulated" for j in (sooner, solved, simulate_drop_jump()))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"height": 0.3, "peak_force": 1500, "push_duration": 0.4}, "over-determined"),
        ({"height": 0.3, "peak_force": 500}, "exceed body weight"),
        ({"peak_force": 700.0, "push_duration": 0.3}, "does not leave the ground"),
        ({"time_to_peak": 0.5}, "too short"),
        ({"peak_force": 700.0, "push_duration": 0.2}, "push is too short"),
        ({"mass": -1}, "mass must be a positive"),
        ({"noise_sd": -1}, "noise_sd"),
    ],
)
def test_simulate_cmj_rejects_impossible_requests(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        simulate_cmj(**kwargs)


def test_simulate_drop_jump_rejects_both_targets() -> None:
    with pytest.raises(ValueError, match="not both"):
        simulate_drop_jump(height=0.3, peak_force=3000)


def test_simulation_is_deterministic() -> None:
    a, b, c = simulate_cmj(seed=3), simulate_cmj(seed=3), simulate_cmj(seed=4)
    assert np.array_equal(a.force, b.force) and not np.array_equal(a.force, c.force)


# --- analyze_jump recovers known heights ---------------------------------------------------------
@pytest.mark.parametrize("kind", ["cmj", "sj"])
@pytest.mark.parametrize("mass", [45.0, 75.0, 120.0])
@pytest.mark.parametrize("height", [0.08, 0.30, 0.55])
def test_recovers_known_height(kind: str, mass: float, height: float) -> None:
    make = simulate_cmj if kind == "cmj" else simulate_squat_jump
    jump = make(mass=mass, height=height, seed=int(mass))
    r = analyze_jump(jump.force, jump.fs, kind=kind)  # type: ignore[arg-type]
    assert r.heights["impulse-momentum"].value == pytest.approx(jump.true_height, abs=0.01)
    # same posture at take-off and landing: flight time gives the same height
    assert r.heights["flight-time"].value == pytest.approx(jump.true_height, abs=0.01)
    assert r.metrics["flight time"].value == pytest.approx(jump.true_flight_time, abs=0.003)
    assert r.metrics["take-off velocity"].value == pytest.approx(
        jump.true_takeoff_velocity, abs=0.02
    )
    assert r.metrics["body mass"].value == pytest.approx(mass, rel=0.002)
    assert r.events["onset"].time == pytest.approx(jump.true_events["onset"], abs=0.03)
    assert r.events["takeoff"].time == pytest.approx(jump.true_events["takeoff"], abs=0.003)
    assert r.events["landing"].time == pytest.approx(jump.true_events["landing"], abs=0.003)
    assert r.metrics["peak force"].value == pytest.approx(jump.parameters["peak_force"], abs=10)


@pytest.mark.parametrize("fs", [500.0, 1000.0, 1200.0, 2000.0])
@pytest.mark.parametrize("phase", [0.0, 0.3, 0.7])  # where take-off falls between two samples
@pytest.mark.parametrize("height", [0.12, 0.35])
@pytest.mark.parametrize("kind", ["cmj", "sj", "dj"])
def test_clean_impulse_height_within_half_a_millimetre(
    kind: str, height: float, phase: float, fs: float
) -> None:
    """On a noise-free trace the impulse-momentum height matches the constructed truth to 0.5 mm,
    at any sampling rate and wherever take-off and touchdown fall between samples (ending the
    integration at a sample instead of at 0 N was off by -5.9 to +1.8 mm here)."""
    kw: dict[str, float | str] = {}
    if kind == "dj":
        jump = simulate_drop_jump(
            mass=70, drop_height=0.3, height=height, empty_time=0.5 + phase / fs, fs=fs, noise_sd=0
        )
        kw = {"kind": "dj", "body_mass": 70.0, "drop_height": 0.3}
    else:
        make = simulate_cmj if kind == "cmj" else simulate_squat_jump
        jump = make(height=height, quiet_time=1.5 + phase / fs, fs=fs, noise_sd=0)
        kw = {"kind": kind}
    r = analyze_jump(jump.force, jump.fs, **kw)  # type: ignore[arg-type]
    assert abs(r.heights["impulse-momentum"].value - jump.true_height) < 0.0005
    assert r.metrics["take-off velocity"].value == pytest.approx(
        jump.true_takeoff_velocity, abs=0.002
    )
    kin = r.kinematics
    assert kin is not None and kin.force[-1] == 0.0  # the integration ends at 0 N (take-off)
    assert kin.t[-1] == pytest.approx(jump.true_events["takeoff"], abs=0.2 / fs)


@given(
    seed=st.integers(0, 10_000),
    noise=st.floats(0.0, 5.0),  # plate noise; the height error SD grows as noise / mass
    height=st.floats(0.05, 0.6),
    mass=st.floats(40, 130),
    fs=st.sampled_from([500.0, 1000.0, 2000.0]),
)
def test_impulse_height_within_1cm_under_noise(
    seed: int, noise: float, height: float, mass: float, fs: float
) -> None:
    jump = simulate_cmj(mass=mass, height=height, noise_sd=noise, seed=seed, fs=fs)
    r = analyze_jump(jump.force, jump.fs)
    assert abs(r.heights["impulse-momentum"].value - jump.true_height) < 0.01


@pytest.mark.parametrize("offset", [0.03, 0.08])
def test_flexed_knee_landing_inflates_flight_time_height(offset: float) -> None:
    jump = simulate_cmj(height=0.3, landing_offset=offset)
    r = analyze_jump(jump.force, jump.fs)
    expected = G * jump.true_flight_time**2 / 8  # what the formula must give for this flight
    assert r.heights["flight-time"].value == pytest.approx(expected, abs=0.005)
    assert r.heights["flight-time"].value > jump.true_height + offset / 3  # ≈ offset / 2
    assert r.heights["impulse-momentum"].value == pytest.approx(jump.true_height, abs=0.01)


@pytest.mark.parametrize("drop", [0.2, 0.4])
@pytest.mark.parametrize("contact", [0.18, 0.3])
def test_drop_jump_heights_contact_time_and_rsi(drop: float, contact: float) -> None:
    jump = simulate_drop_jump(mass=80, drop_height=drop, contact_time=contact, height=0.28)
    r = analyze_jump(jump.force, jump.fs, kind="dj", body_mass=80, drop_height=drop)
    assert r.heights["impulse-momentum"].value == pytest.approx(jump.true_height, abs=0.01)
    assert r.heights["flight-time"].value == pytest.approx(jump.true_height, abs=0.01)
    assert r.metrics["contact time"].value == pytest.approx(contact, abs=0.003)
    assert r.metrics["reactive strength index"].value == pytest.approx(
        jump.parameters["rsi"], rel=0.05
    )
    assert r.events["contact"].time == pytest.approx(jump.true_events["contact"], abs=0.002)
    # body weight from quiet standing after landing instead of a given mass
    q = analyze_jump(
        jump.force, jump.fs, kind="dj", quiet_window=jump.quiet_window, drop_height=drop
    )
    assert q.metrics["body mass"].value == pytest.approx(80, rel=0.002)
    assert q.heights["impulse-momentum"].value == pytest.approx(jump.true_height, abs=0.01)
    # without the drop height only flight-time numbers exist, and the result says so
    n = analyze_jump(jump.force, jump.fs, kind="dj", body_mass=80)
    assert set(n.heights) == {"flight-time"} and n.kinematics is None
    assert "peak power" not in n.metrics


def test_matches_reference_pipeline() -> None:
    for jump, kw in [
        (simulate_cmj(height=0.33, seed=5), {}),
        (simulate_squat_jump(mass=60, seed=6), {}),
        (simulate_drop_jump(seed=7), {"body_mass": 70.0, "drop_height": 0.3}),
    ]:
        r = analyze_jump(jump.force, jump.fs, kind=jump.kind, **kw)  # type: ignore[arg-type]
        want = ref.analyze_jump(jump.force, jump.fs, kind=jump.kind, **kw)
        start = "contact" if jump.kind == "dj" else "onset"
        assert r.events[start].time == pytest.approx(want["onset"], abs=1e-12)
        assert r.events["takeoff"].time == pytest.approx(want["takeoff"], abs=1e-12)
        assert r.events["landing"].time == pytest.approx(want["landing"], abs=1e-12)
        assert r.heights["impulse-momentum"].value == pytest.approx(
            want["height_impulse"], rel=1e-9
        )
        assert r.heights["flight-time"].value == pytest.approx(
            want["height_flight_time"], rel=1e-12
        )
        assert r.metrics["peak force"].value == want["peak_force"]
        assert r.metrics["peak power"].value == pytest.approx(want["peak_power"], rel=1e-9)


@given(
    seed=st.integers(0, 1000),
    height=st.floats(0.05, 0.5),
    fs=st.sampled_from([500.0, 1000.0, 1200.0, 2000.0]),
    kind=st.sampled_from(["cmj", "sj", "dj"]),
)
def test_one_core_call_matches_reference_pipeline(
    seed: int, height: float, fs: float, kind: str
) -> None:
    """The whole analysis in one compiled call (course._core.jumps.analyze) against the NumPy/SciPy
    pipeline, on noisy simulated jumps of every kind."""
    kw: dict[str, float] = {}
    if kind == "dj":
        jump = simulate_drop_jump(height=height, fs=fs, seed=seed)
        kw = {"body_mass": jump.mass, "drop_height": 0.3}
    else:
        make = simulate_cmj if kind == "cmj" else simulate_squat_jump
        jump = make(height=height, fs=fs, seed=seed)
    r = analyze_jump(jump.force, fs, kind=kind, **kw)  # type: ignore[arg-type]
    want = ref.analyze_jump(jump.force, fs, kind=kind, **kw)
    start = "contact" if kind == "dj" else "onset"
    for name, key in ((start, "onset"), ("takeoff", "takeoff"), ("landing", "landing")):
        assert r.events[name].time == pytest.approx(want[key], abs=1e-12)
    assert r.heights["impulse-momentum"].value == pytest.approx(want["height_impulse"], rel=1e-9)
    assert r.metrics["peak power"].value == pytest.approx(want["peak_power"], rel=1e-9)
    assert r.metrics["peak force"].value == want["peak_force"]


def test_result_is_built_once_and_does_not_follow_the_input() -> None:
    """Measures are built when first read, from the core's numbers, not from the caller's array:
    changing the array afterwards changes nothing, and a second read gives the same objects."""
    jump = simulate_cmj(height=0.3, seed=11)
    f = jump.force.copy()
    r = analyze_jump(f, jump.fs)
    before = analyze_jump(jump.force, jump.fs).as_table()
    f[:] = 0.0
    assert r.as_table() == before
    assert r.heights["flight-time"] is r.heights["flight-time"]
    assert dict(r.methods) == analyze_jump(jump.force, jump.fs).methods
    again = pickle.loads(pickle.dumps(r))  # a result can be stored and copied like before
    assert again.as_table() == before and copy.deepcopy(r).heights == r.heights


def test_unhashable_options_are_checked_too() -> None:
    """Lists and arrays as options work (they bypass the memo of checked options) and bad ones
    still raise."""
    jump = simulate_cmj(height=0.3, seed=12)
    a = analyze_jump(jump.force, jump.fs, quiet_window=[0.0, 1.0], rfd_windows=[0.05])  # type: ignore[arg-type]
    mass = np.array(jump.mass)  # a 0-d array cannot be hashed
    b = analyze_jump(jump.force, jump.fs, body_mass=mass, rfd_windows=np.array([0.05]))  # type: ignore[arg-type]
    assert set(a.rfd) == set(b.rfd) == {"0-50ms", "peak", "braking"}
    with pytest.raises(ValueError, match="rfd_windows entry"):
        analyze_jump(jump.force, jump.fs, rfd_windows=np.array([-0.05]))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="takeoff_threshold"):
        analyze_jump(jump.force, jump.fs, takeoff_threshold=-1.0)


def test_same_peak_sooner_measures_higher() -> None:
    sooner = simulate_cmj(peak_force=1500, time_to_peak=0.08)
    later = simulate_cmj(peak_force=1500, time_to_peak=0.25)
    r_s, r_l = analyze_jump(sooner.force, sooner.fs), analyze_jump(later.force, later.fs)
    assert r_s.heights["impulse-momentum"].value > r_l.heights["impulse-momentum"].value + 0.02
    assert r_s.rfd["peak"].value > r_l.rfd["peak"].value


def test_cmj_phases_and_kinematics_are_physical() -> None:
    jump = simulate_cmj(height=0.35, unweighting_depth=0.6)
    r = analyze_jump(jump.force, jump.fs)
    kin = r.kinematics
    assert kin is not None
    e = r.events
    assert e["onset"].time < e["lowest_position"].time < e["takeoff"].time < e["landing"].time
    assert e["lowest_position"].time < e["peak_power"].time < e["takeoff"].time
    assert r.metrics["countermovement depth"].value > 0.05
    assert r.rfd["0-50ms"].value < 0  # a CMJ starts by unweighting
    assert r.rfd["braking"].value > 0
    assert r.metrics["peak power"].value == pytest.approx(float(np.max(kin.force * kin.velocity)))
    assert kin.velocity[-1] == pytest.approx(r.metrics["take-off velocity"].value)


def test_every_number_carries_method_and_thresholds() -> None:
    jump = simulate_cmj()
    r = analyze_jump(jump.force, jump.fs, takeoff_threshold=10.0, onset_sd=4.0)
    rows = r.as_table()
    names = [row["quantity"] for row in rows]
    assert "jump height (impulse-momentum)" in names and "jump height (flight-time)" in names
    for row in rows:
        assert set(row) == {"quantity", "value", "unit", "method", "thresholds"}
        assert row["method"] and row["unit"] and math.isfinite(float(row["value"]))  # type: ignore[arg-type]
    assert r.heights["flight-time"].thresholds["takeoff_threshold_N"] == 10.0
    assert r.heights["impulse-momentum"].thresholds["onset_sd"] == 4.0
    assert r.thresholds["quiet_window_s"] == "0-1"
    assert "impulse-momentum" in r.methods and "Owen" in r.methods["onset"]
    assert isinstance(r, JumpResult)


def test_thresholds_change_the_answer_a_little() -> None:
    jump = simulate_cmj(height=0.3)
    low = analyze_jump(jump.force, jump.fs, takeoff_threshold=5.0)
    high = analyze_jump(jump.force, jump.fs, takeoff_threshold=50.0)
    # a higher threshold ends the take-off earlier and starts the landing later: longer flight
    assert high.metrics["flight time"].value > low.metrics["flight time"].value
    owen = analyze_jump(jump.force, jump.fs, onset_backtrack=0.03)
    assert owen.events["onset"].index <= low.events["onset"].index + 30
    assert owen.heights["impulse-momentum"].value == pytest.approx(jump.true_height, abs=0.01)


# --- flight_time_height --------------------------------------------------------------------------
@given(v=st.floats(0.0, 10.0))
def test_flight_time_height_is_projectile_apex(v: float) -> None:
    # a projectile launched at v returns after 2v/g and rose v²/(2g)
    assert flight_time_height(2 * v / G) == pytest.approx(v**2 / (2 * G), rel=1e-12, abs=1e-15)


def test_flight_time_height_array_and_errors() -> None:
    h = flight_time_height(np.array([0.0, 0.5]))
    assert isinstance(h, np.ndarray) and h.shape == (2,)
    assert isinstance(flight_time_height(0.4), float)
    for bad in (-0.1, float("nan"), [0.3, -1]):
        with pytest.raises(ValueError, match="flight_time"):
            flight_time_height(bad)


# --- clear errors --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cmj() -> np.ndarray:
    return simulate_cmj().force


def test_two_dimensional_force_says_pick_a_channel(cmj: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"force\[:, 2\]"):
        analyze_jump(np.c_[cmj, cmj, cmj], 1000)


def test_nan_in_force(cmj: np.ndarray) -> None:
    f = cmj.copy()
    f[2000:2010] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        analyze_jump(f, 1000)


def test_kilograms_and_body_weights_are_recognised(cmj: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"kilograms.*9\.81"):
        analyze_jump(cmj / G, 1000)
    with pytest.raises(ValueError, match="body weights"):
        analyze_jump(cmj / (70 * G), 1000)
    with pytest.raises(ValueError, match="too low for a person"):
        analyze_jump(cmj / 100, 1000)


@pytest.mark.parametrize("n", [0, 1, 50])
def test_too_short(cmj: np.ndarray, n: int) -> None:
    with pytest.raises(ValueError, match=r"samples|past the end"):
        analyze_jump(cmj[:n], 1000)


def test_no_quiet_standing(cmj: np.ndarray) -> None:
    with pytest.raises(ValueError, match="no quiet standing"):
        analyze_jump(cmj, 1000, quiet_window=(1.2, 2.0))  # the movement is inside
    with pytest.raises(ValueError, match="too short"):
        analyze_jump(cmj, 1000, quiet_window=(0.0, 0.1))
    with pytest.raises(ValueError, match="past the end"):
        analyze_jump(cmj, 1000, quiet_window=(0.0, 100.0))


def test_no_movement_no_flight_no_landing(cmj: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    still = 700 + rng.normal(0, 2, 3000)
    with pytest.raises(ValueError, match="no movement"):
        analyze_jump(still, 1000)
    squat = still.copy()
    squat[1500:2000] += 400 * np.sin(np.linspace(0, np.pi, 500))  # pushes, never leaves
    with pytest.raises(ValueError, match="no flight phase"):
        analyze_jump(squat, 1000)
    r = analyze_jump(cmj, 1000)
    with pytest.raises(ValueError, match="no landing"):
        analyze_jump(cmj[: r.events["takeoff"].index + 100], 1000)


def test_option_errors(cmj: np.ndarray) -> None:
    with pytest.raises(ValueError, match="kind"):
        analyze_jump(cmj, 1000, kind="hop")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="drop_height only"):
        analyze_jump(cmj, 1000, drop_height=0.3)
    with pytest.raises(ValueError, match="differ by more than 10 %"):
        analyze_jump(cmj, 1000, body_mass=90)
    with pytest.raises(ValueError, match="onset_backtrack"):
        analyze_jump(cmj, 1000, onset_backtrack=-0.1)
    with pytest.raises(ValueError, match="fs must be a positive"):
        analyze_jump(cmj, 0)
    assert analyze_jump(cmj, 1000, body_mass=71).metrics["body mass"].value == pytest.approx(
        70, rel=0.01
    )


def test_drop_jump_errors() -> None:
    dj = simulate_drop_jump().force
    with pytest.raises(ValueError, match="body_mass"):
        analyze_jump(dj, 1000, kind="dj")
    with pytest.raises(ValueError, match="empty plate"):
        analyze_jump(simulate_cmj().force, 1000, kind="dj", body_mass=70)
    with pytest.raises(ValueError, match="no contact"):
        analyze_jump(np.full(2000, 5.0), 1000, kind="dj", body_mass=0.1)
    for scale in (G, 70 * G):  # kg, body weights
        with pytest.raises(ValueError, match="must be in N"):
            analyze_jump(dj / scale, 1000, kind="dj", body_mass=70, drop_height=0.3)
    with pytest.raises(ValueError, match="not upward"):
        analyze_jump(dj, 1000, kind="dj", body_mass=200, drop_height=0.3)
