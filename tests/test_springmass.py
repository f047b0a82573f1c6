"""course.analysis.springmass against the SciPy reference in tests/reference/springmass.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.analysis import springmass as sm
from course.constants import G
from tests.reference import springmass as ref

# ----------------------------------------------------------------------------------------------
# Morin's sine-wave model
# ----------------------------------------------------------------------------------------------


@given(
    mass=st.floats(30, 120),
    speed=st.floats(1.0, 9.0),
    tc=st.floats(0.08, 0.4),
    tf=st.floats(0.0, 0.25),
    leg=st.floats(0.7, 1.1),
)
def test_sine_wave_model_matches_reference(
    mass: float, speed: float, tc: float, tf: float, leg: float
) -> None:
    if speed * tc / 2 >= leg:
        with pytest.raises(ValueError, match="shorter than leg_length"):
            sm.sine_wave_model(mass, speed, tc, tf, leg)
        return
    got = sm.sine_wave_model(
        mass=mass, speed=speed, contact_time=tc, flight_time=tf, leg_length=leg
    )
    want = ref.sine_wave_model(mass, speed, tc, tf, leg)
    for name, value in want.items():
        assert getattr(got, name) == pytest.approx(value, rel=1e-12), name
    assert got.f_max_bw * mass * G == pytest.approx(got.f_max, rel=1e-12)
    assert got.step_frequency == pytest.approx(1 / (tc + tf), rel=1e-12)
    assert got.dy_c > 0 and got.dl > got.dy_c


def test_sine_wave_model_typical_runner_is_in_published_range() -> None:
    # Morin et al. 2005 report k_leg ~ 10-13 kN/m and k_vert ~ 38-51 kN/m for runners around
    # 4 m/s with ~0.2 s contacts; a 70 kg, 0.9 m runner must land in that neighbourhood.
    r = sm.sine_wave_model(70, 4.0, 0.2, 0.12, 0.9)
    assert 9_000 < r.k_leg < 14_000
    assert 25_000 < r.k_vert < 55_000
    assert 2.0 < r.f_max_bw < 3.0


def test_sine_wave_model_broadcasts_like_a_loop() -> None:
    speeds = np.array([3.0, 4.0, 5.0, 6.0])
    tcs = np.array([0.25, 0.21, 0.18, 0.15])
    vec = sm.sine_wave_model(70, speeds, tcs, 0.1, 0.9)
    assert isinstance(vec.k_leg, np.ndarray) and vec.k_leg.shape == (4,)
    for i in range(4):
        one = sm.sine_wave_model(70, float(speeds[i]), float(tcs[i]), 0.1, 0.9)
        assert isinstance(one.k_leg, float)
        assert vec.k_leg[i] == pytest.approx(one.k_leg, rel=1e-14)
        assert vec.k_vert[i] == pytest.approx(one.k_vert, rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"contact_time": 0.0}, "contact_time must be a positive"),
        ({"contact_time": -0.2}, "contact_time must be a positive"),
        ({"flight_time": -0.01}, "flight_time must be a non-negative"),
        ({"mass": 0}, "mass must be a positive"),
        ({"speed": 12.0, "contact_time": 0.2, "leg_length": 0.9}, "shorter than leg_length"),
        ({"contact_time": 200.0}, "Check the units"),
        ({"leg_length": float("nan")}, "leg_length must be a positive"),
    ],
)
def test_sine_wave_model_rejects_impossible_inputs(kwargs: dict, match: str) -> None:
    base = {"mass": 70, "speed": 4.0, "contact_time": 0.2, "flight_time": 0.1, "leg_length": 0.9}
    with pytest.raises(ValueError, match=match):
        sm.sine_wave_model(**{**base, **kwargs})


@given(tc=st.floats(0.1, 0.35), tf=st.floats(0.0, 0.2), n=st.integers(1, 5))
def test_sine_wave_force_impulse_supports_body_weight(tc: float, tf: float, n: int) -> None:
    mass, fs = 70.0, 10_000.0
    f = sm.sine_wave_force(mass=mass, contact_time=tc, flight_time=tf, n_steps=n, fs=fs)
    step = tc + tf
    assert f.t[0] == 0 and np.allclose(np.diff(f.t), 1 / fs)
    assert f.t[-1] <= n * step + 1e-9 and f.t[-1] > n * step - 1 / fs
    # Numerical impulse of every step (trapezoid) equals body-weight impulse over that step.
    for i in range(n):
        sel = (f.t >= i * step - 1e-12) & (f.t <= (i + 1) * step + 1e-12)
        impulse = np.trapezoid(f.fy[sel], f.t[sel])
        assert impulse == pytest.approx(mass * G * step, rel=2e-3, abs=2 * f.f_max / fs)
    assert f.impulse_per_step == pytest.approx(mass * G * step, rel=1e-12)
    assert f.fy.max() == pytest.approx(f.f_max, rel=1e-3)
    assert np.all(f.fy >= 0)
    in_flight = (f.t % step) > tc + 1e-9
    assert np.all(f.fy[in_flight] == 0)


# ----------------------------------------------------------------------------------------------
# SLIP simulation
# ----------------------------------------------------------------------------------------------

CASES = [
    # (leg_stiffness N/m, touchdown angle deg, speed m/s, vertical speed m/s, expected status)
    (12_000.0, 24.90617407104324, 3.5944891233187195, 0.6125041360837892, "completed"),
    (20_000.0, 22.0, 4.0, 0.6, "reversed"),
    (15_000.0, 18.0, 5.0, 0.4, None),
    (4_000.0, 30.0, 2.0, 0.3, None),
]


@pytest.mark.parametrize(("k", "angle", "speed", "vs", "status"), CASES)
def test_simulate_run_matches_scipy_solve_ivp(
    k: float, angle: float, speed: float, vs: float, status: str | None
) -> None:
    n = 8
    ours = sm.simulate_run(
        leg_stiffness=k,
        touchdown_angle=angle,
        speed=speed,
        vertical_speed=vs,
        n_steps=n,
        fs=1000,
        rtol=1e-10,
        atol=1e-13,
    )
    theirs = ref.simulate_run(
        mass=70.0,
        leg_stiffness=k,
        leg_length=0.9,
        angles=np.radians(np.full(n, angle)),
        speed=speed,
        vertical_speed=vs,
        fs=1000.0,
        rtol=1e-10,
        atol=1e-13,
    )
    if status is not None:
        assert ours.status == status
    assert ours.status == theirs.status
    assert ours.t.shape == (theirs.samples.shape[0],)
    np.testing.assert_array_equal(ours.t, theirs.samples[:, 0])
    # Positions within 1 µm, velocities within 10 µm/s, forces within 0.05 N (both integrators at
    # rtol 1e-10; the difference is dominated by their different dense-output interpolants).
    ours_xy = np.column_stack([ours.x, ours.y])
    np.testing.assert_allclose(ours_xy, theirs.samples[:, 1:3], rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        np.column_stack([ours.vx, ours.vy]), theirs.samples[:, 3:5], rtol=0, atol=1e-5
    )
    np.testing.assert_allclose(
        np.column_stack([ours.fx, ours.fy]), theirs.samples[:, 5:7], rtol=0, atol=5e-2
    )
    m = len(theirs.t_td)
    assert ours.n_steps == m
    np.testing.assert_allclose(ours.touchdown_times, theirs.t_td, atol=1e-8)
    np.testing.assert_allclose(ours.takeoff_times, theirs.t_to, atol=1e-8)
    np.testing.assert_allclose(ours.midstance_times, theirs.t_mid, atol=1e-8)
    np.testing.assert_allclose(ours.foot_x, theirs.foot_x, atol=1e-7)
    # Braking lasts to mid-stance; a runner stopped before the leg is vertical only brakes.
    mid = np.array(theirs.vx_mid)
    vx_to = np.array(theirs.vx_to)
    end_of_braking = np.where(np.isnan(mid), vx_to, mid)
    np.testing.assert_allclose(
        ours.braking_impulse, 70.0 * (end_of_braking - theirs.vx_td), atol=1e-5
    )
    np.testing.assert_allclose(ours.propulsive_impulse, 70.0 * (vx_to - end_of_braking), atol=1e-5)
    np.testing.assert_allclose(
        ours.flight_times[: len(theirs.t_next)],
        np.array(theirs.t_next) - theirs.t_to[: len(theirs.t_next)],
        atol=1e-8,
    )


@given(
    k=st.floats(6_000, 40_000),
    angle=st.floats(5.0, 35.0),
    speed=st.floats(1.5, 8.0),
    vs=st.floats(0.0, 1.5),
)
def test_energy_is_conserved(k: float, angle: float, speed: float, vs: float) -> None:
    run = sm.simulate_run(
        leg_stiffness=k, touchdown_angle=angle, speed=speed, vertical_speed=vs, n_steps=4, fs=500
    )
    e = run.energy
    assert e.size > 10
    # Relative drift bounded by the integrator tolerance (rtol 1e-9) times a modest factor.
    assert np.ptp(e) / e[0] < 1e-7, run.status


@given(k=st.floats(8_000, 30_000), angle=st.floats(8.0, 32.0), speed=st.floats(2.0, 7.0))
def test_stance_brakes_then_propels(k: float, angle: float, speed: float) -> None:
    run = sm.simulate_run(leg_stiffness=k, touchdown_angle=angle, speed=speed, n_steps=3, fs=2000)
    for i in range(run.n_steps):
        td, mid, to = run.touchdown_times[i], run.midstance_times[i], run.takeoff_times[i]
        if not np.isfinite(mid) or not np.isfinite(to):
            continue
        before = (run.t > td) & (run.t < mid)
        after = (run.t > mid) & (run.t < to)
        assert np.all(run.fx[before] < 0), "horizontal force must brake before mid-stance"
        assert np.all(run.fx[after] > 0), "horizontal force must propel after mid-stance"
        assert np.all(run.fy[before | after] > 0)
        assert run.braking_impulse[i] < 0 < run.propulsive_impulse[i]
    flight = np.ones(run.t.shape, bool)
    for td, to in zip(run.touchdown_times, run.takeoff_times, strict=True):
        # a stance still running when the simulation stops (the runner fell: no take-off,
        # completed False) lasts to the end
        end = to if np.isfinite(to) else run.t[-1]
        flight &= ~((run.t >= td) & (run.t <= end))
    assert np.all(run.fx[flight] == 0) and np.all(run.fy[flight] == 0)


def test_impulses_equal_integrated_force() -> None:
    run = sm.simulate_run(
        leg_stiffness=15_000, touchdown_angle=26, speed=4.0, n_steps=2, fs=100_000
    )
    for i in range(run.n_steps):
        td, mid, to = run.touchdown_times[i], run.midstance_times[i], run.takeoff_times[i]
        brake = (run.t >= td) & (run.t <= mid)
        prop = (run.t >= mid) & (run.t <= to)
        stance = (run.t >= td) & (run.t <= to)
        assert np.trapezoid(run.fx[brake], run.t[brake]) == pytest.approx(
            run.braking_impulse[i], rel=2e-3
        )
        assert np.trapezoid(run.fx[prop], run.t[prop]) == pytest.approx(
            run.propulsive_impulse[i], rel=2e-3
        )
        assert np.trapezoid(run.fy[stance], run.t[stance]) == pytest.approx(
            run.vertical_impulse[i], rel=2e-3
        )


def test_flight_is_ballistic_and_touchdown_geometry_holds() -> None:
    angle, L = 20.0, 0.9
    run = sm.simulate_run(
        leg_stiffness=14_000, touchdown_angle=angle, speed=3.8, n_steps=3, leg_length=L
    )
    assert run.t[0] == 0 and run.x[0] == 0 and run.vy[0] == 0
    np.testing.assert_allclose(np.diff(run.t), 1e-3, rtol=1e-9)
    np.testing.assert_allclose(run.overstride, L * math.sin(math.radians(angle)), rtol=1e-12)
    np.testing.assert_allclose(run.touchdown_angle, angle, rtol=1e-9)
    first = run.t < run.touchdown_times[0]
    np.testing.assert_allclose(run.y[first], run.y[0] - 0.5 * G * run.t[first] ** 2, atol=1e-12)
    np.testing.assert_allclose(run.x[first], 3.8 * run.t[first], atol=1e-12)
    # Apex height puts the first touchdown where the leg reaches the ground at the angle.
    t_td = run.touchdown_times[0]
    assert t_td == pytest.approx(0.6 / G, rel=1e-12)


def test_per_step_touchdown_angles_and_overstride_braking() -> None:
    base = sm.periodic_run(speed=3.5, leg_stiffness=12_000, step_frequency=2.9, n_steps=3)
    steady = base.simulation
    np.testing.assert_allclose(steady.speed_change, 0.0, atol=1e-8)
    np.testing.assert_allclose(steady.braking_impulse + steady.propulsive_impulse, 0.0, atol=1e-6)
    over = base.simulate(touchdown_angle=base.touchdown_angle + 3.0)
    under = base.simulate(touchdown_angle=base.touchdown_angle - 3.0)
    # Landing further ahead brakes harder and loses speed; landing closer gains speed.
    assert over.braking_impulse[0] < steady.braking_impulse[0] < under.braking_impulse[0]
    assert over.speed_change[0] < 0 < under.speed_change[0]
    mixed = base.simulate(touchdown_angle=[base.touchdown_angle, base.touchdown_angle + 3.0, 20.0])
    np.testing.assert_allclose(
        mixed.touchdown_angle[:2], [base.touchdown_angle, base.touchdown_angle + 3.0], rtol=1e-9
    )
    assert mixed.speed_change[0] == pytest.approx(0.0, abs=1e-8)
    assert mixed.speed_change[1] < 0


@pytest.mark.parametrize(
    "given_params",
    [
        {"leg_stiffness": 12_000.0, "step_frequency": 2.9},
        {"step_frequency": 2.9, "contact_time": 0.22},
        {"leg_stiffness": 12_000.0, "contact_time": 0.22},
        {"leg_stiffness": 9_000.0, "step_frequency": 2.7},
    ],
)
def test_periodic_run_solves_the_requested_gait(given_params: dict) -> None:
    speed = 3.5
    gait = sm.periodic_run(speed=speed, n_steps=4, **given_params)
    sim = gait.simulation
    assert sim.completed
    assert gait.speed == pytest.approx(speed, rel=1e-9)
    if "step_frequency" in given_params:
        assert gait.step_frequency == pytest.approx(given_params["step_frequency"], rel=1e-9)
    if "contact_time" in given_params:
        assert gait.contact_time == pytest.approx(given_params["contact_time"], rel=1e-9)
    if "leg_stiffness" in given_params:
        assert gait.leg_stiffness == given_params["leg_stiffness"]
    # The simulation repeats: same contact/flight/step times, mean speed = step length / time.
    np.testing.assert_allclose(sim.contact_times, gait.contact_time, rtol=1e-7)
    np.testing.assert_allclose(sim.step_times, 1 / gait.step_frequency, rtol=1e-7)
    np.testing.assert_allclose(np.diff(sim.foot_x) / np.diff(sim.touchdown_times), speed, rtol=1e-7)
    np.testing.assert_allclose(sim.takeoff_angle, gait.touchdown_angle, atol=1e-6)
    # Independent check with SciPy: the solved angle gives a symmetric stance there too.
    theirs = ref.simulate_run(
        mass=70.0,
        leg_stiffness=gait.leg_stiffness,
        leg_length=0.9,
        angles=np.radians([gait.touchdown_angle]),
        speed=gait.touchdown_speed,
        vertical_speed=gait.vertical_speed,
        fs=1000.0,
        rtol=1e-11,
        atol=1e-13,
    )
    assert theirs.vx_to[0] == pytest.approx(gait.touchdown_speed, abs=1e-7)
    assert theirs.t_to[0] - theirs.t_td[0] == pytest.approx(gait.contact_time, abs=1e-8)


@pytest.mark.parametrize(
    ("targets", "start"),
    [
        ({"speed": 4.6, "leg_stiffness": 11_000.0, "step_frequency": 170 / 60}, "near"),
        ({"speed": 4.5, "leg_stiffness": 12_000.0, "step_frequency": 174 / 60}, "near"),
        ({"speed": 4.4, "step_frequency": 2.9, "contact_time": 0.21}, "contact"),
    ],
)
def test_continuation_finds_periodic_runs_gait(targets: dict, start: str) -> None:
    if start == "near":
        prev = sm.periodic_run(speed=4.5, leg_stiffness=11_000, step_frequency=170 / 60)
    else:  # the stiffness is solved too
        prev = sm.periodic_run(speed=4.5, step_frequency=2.9, contact_time=0.21)
    new = sm.continue_periodic(prev, n_steps=2, **targets)
    ref = sm.periodic_run(n_steps=2, **targets)
    assert new is not None
    for name in ("touchdown_angle", "touchdown_speed", "vertical_speed", "contact_time"):
        assert getattr(new, name) == pytest.approx(getattr(ref, name), rel=1e-8), name
    assert new.leg_stiffness == pytest.approx(ref.leg_stiffness, rel=1e-8)
    assert new.speed == pytest.approx(targets["speed"], rel=1e-9)
    assert new.mass == prev.mass and new.leg_length == prev.leg_length
    np.testing.assert_allclose(new.simulation.speed_change, 0.0, atol=1e-8)


def test_continuation_says_none_where_periodic_run_explains() -> None:
    prev = sm.periodic_run(speed=4.5, leg_stiffness=11_000, step_frequency=170 / 60)
    far = {"speed": 2.5, "leg_stiffness": 7_000.0, "step_frequency": 200 / 60}  # no gait there
    assert sm.continue_periodic(prev, **far) is None
    with pytest.raises(ValueError, match="No periodic spring-mass gait"):
        sm.periodic_run(**far)
    with pytest.raises(ValueError, match="exactly two of leg_stiffness"):
        sm.continue_periodic(prev, speed=4.5, leg_stiffness=11_000)


def test_periodic_stiffness_agrees_roughly_with_morin() -> None:
    # Morin's sine-wave estimate was validated against force plates and a spring-mass model: the
    # SLIP stiffness that reproduces the same contact and flight times should be close to it.
    gait = sm.periodic_run(speed=4.0, contact_time=0.2, step_frequency=1 / 0.32, n_steps=1)
    morin = sm.sine_wave_model(70, 4.0, 0.2, 0.12, 0.9)
    assert gait.leg_stiffness == pytest.approx(morin.k_leg, rel=0.2)
    assert gait.simulation.fy.max() / (70 * G) == pytest.approx(morin.f_max_bw, rel=0.15)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"touchdown_angle": 75}, ValueError, r"touchdown_angle must be in \[0, 70\)"),
        ({"touchdown_angle": -5}, ValueError, "foot ahead"),
        ({"touchdown_angle": [20, 21]}, ValueError, "one per step"),
        ({"leg_stiffness": 0}, ValueError, "leg_stiffness must be a positive"),
        ({"speed": -1}, ValueError, "speed must be a positive"),
        ({"n_steps": 0}, ValueError, "n_steps must be between"),
        ({"n_steps": 2.5}, TypeError, "whole number"),
        ({"vertical_speed": -0.1}, ValueError, "vertical_speed must be a non-negative"),
        ({"fs": 5e6}, ValueError, "Lower fs"),
    ],
)
def test_simulate_run_rejects_bad_inputs(kwargs: dict, exc: type, match: str) -> None:
    base = {"leg_stiffness": 12_000, "touchdown_angle": 22, "speed": 3.5, "n_steps": 3}
    with pytest.raises(exc, match=match):
        sm.simulate_run(**{**base, **kwargs})


def test_failures_are_reported_not_hidden() -> None:
    soft = sm.simulate_run(leg_stiffness=1_500, touchdown_angle=30, speed=2.0, n_steps=5)
    assert soft.status == "fell" and "collapsed" in soft.message
    assert np.isnan(soft.takeoff_times[-1])
    stiff = sm.simulate_run(leg_stiffness=20_000, touchdown_angle=22, speed=4.0, n_steps=10)
    assert stiff.status == "reversed" and not stiff.completed
    assert stiff.n_steps < 10 and stiff.takeoff_speed[-1] <= 0


def test_periodic_run_explains_missing_solutions() -> None:
    with pytest.raises(ValueError, match="exactly two of"):
        sm.periodic_run(speed=3.5, leg_stiffness=12_000)
    with pytest.raises(ValueError, match="must not exceed the step time"):
        sm.periodic_run(speed=3.5, contact_time=0.4, step_frequency=3.0)
    with pytest.raises(ValueError, match="No periodic spring-mass gait"):
        sm.periodic_run(speed=3.5, leg_stiffness=3_000, step_frequency=4.0)
