"""course.analysis.lean: a = g·tan θ and the two postures, against geometry worked out here.

Expected values come from the formulas (tan, sines and cosines of the segment model) and from
the definition of the centre of mass, never from the module's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.analysis.lean import (
    JOINTS,
    ankle_lean_figure,
    hip_bend_figure,
    lean_acceleration,
    lean_model,
)
from course.constants import G

# the segment model written out again: distances from the ankle (m), mass fractions, CoM places
ANKLE_TO = {"knee": 0.45, "hip": 0.90, "shoulder": 1.42, "head": 1.62}
LEG_MASS, LEG_COM, UPPER_MASS, UPPER_COM = 0.32, 0.55, 0.68, 0.30


def _point(fig, name: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    i = JOINTS.index(name)
    return np.array([fig.x[i], fig.y[i]])


def _com(fig) -> np.ndarray:  # type: ignore[no-untyped-def]
    ankle, hip, shoulder = (_point(fig, j) for j in ("ankle", "hip", "shoulder"))
    up = (shoulder - hip) / np.linalg.norm(shoulder - hip)
    return LEG_MASS * (ankle + LEG_COM * (hip - ankle)) + UPPER_MASS * (hip + UPPER_COM * up)


@given(theta=st.floats(-80.0, 80.0))
def test_lean_acceleration_is_g_tan_theta(theta: float) -> None:
    assert lean_acceleration(theta) == pytest.approx(G * math.tan(math.radians(theta)), abs=1e-12)
    assert lean_acceleration(theta, gravity=1.62) == pytest.approx(
        1.62 * math.tan(math.radians(theta)), abs=1e-12
    )


def test_lean_acceleration_of_an_array_keeps_its_shape() -> None:
    angles = np.array([[0.0, 5.0], [10.0, 45.0]])
    a = lean_acceleration(angles)
    assert a.shape == (2, 2)
    np.testing.assert_allclose(a, G * np.tan(np.radians(angles)), atol=1e-14)
    assert a[1, 1] == pytest.approx(G)  # 45°: as much forward as vertical


@pytest.mark.parametrize("bad", [90.0, -85.0, float("nan"), float("inf")])
def test_impossible_leans_are_refused_with_advice(bad: float) -> None:
    with pytest.raises(ValueError, match=r"between -80 and 80 deg; got .*degrees"):
        lean_acceleration(bad)
    with pytest.raises(ValueError, match=r"angle_deg must be"):
        lean_acceleration(np.array([0.0, bad]))
    with pytest.raises(ValueError, match=r"trunk_deg must be"):
        hip_bend_figure(bad)


@pytest.mark.parametrize("theta", [0.0, 3.0, 10.0, 20.0])
def test_ankle_lean_is_a_straight_body_tilted_about_the_ankle(theta: float) -> None:
    f = ankle_lean_figure(theta)
    th = math.radians(theta)
    for joint in ("knee", "hip", "shoulder", "head"):
        d = ANKLE_TO[joint]
        np.testing.assert_allclose(_point(f, joint), [d * math.sin(th), d * math.cos(th)])
    np.testing.assert_allclose(_point(f, "ankle"), [0.0, 0.0])
    np.testing.assert_allclose(f.com, _com(f), atol=1e-12)
    # the centre of mass lies on the lean line through the ankle: x = y·tan θ
    assert f.com[0] == pytest.approx(f.com[1] * math.tan(th), abs=1e-12)
    assert f.trunk_angle == theta


@pytest.mark.parametrize("theta", [3.0, 10.0, 20.0])
def test_hip_bend_keeps_the_trunk_angle_and_the_com_over_the_feet(theta: float) -> None:
    f = hip_bend_figure(theta)
    d = _point(f, "shoulder") - _point(f, "hip")
    assert math.degrees(math.atan2(d[0], d[1])) == pytest.approx(theta, abs=1e-9)
    assert f.x[JOINTS.index("hip")] < 0  # hips pushed back behind the ankle
    assert np.linalg.norm(_point(f, "hip")) == pytest.approx(ANKLE_TO["hip"])  # legs straight
    np.testing.assert_allclose(f.com, _com(f), atol=1e-12)
    assert f.com[0] == pytest.approx(0.0, abs=1e-12)


def test_lean_model_puts_the_numbers_together() -> None:
    m = lean_model(8.0, mass=80.0)
    a = G * math.tan(math.radians(8.0))
    assert m.acceleration == pytest.approx(a)
    assert m.horizontal_force == pytest.approx(80.0 * a)
    assert m.friction_needed == pytest.approx(math.tan(math.radians(8.0)))
    assert m.time_to_speed(5.0) == pytest.approx(5.0 / a)
    assert m.hip_bend_acceleration == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_array_equal(m.ankle.x, ankle_lean_figure(8.0).x)
    assert lean_model(0.0).time_to_speed(5.0) == math.inf
    with pytest.raises(ValueError, match=r"mass must be a positive, finite number in kg"):
        lean_model(5.0, mass=0)
