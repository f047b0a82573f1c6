"""course.analysis.balance.sway_metrics vs the NumPy/SciPy reference and hand-checkable cases."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reference import balance as ref

from course import _core
from course.analysis.balance import CHI2_95_2DOF, SwayMetrics, sway_metrics

FIELDS = ("path_length", "duration", "mean_velocity", "rms", "ellipse_area_95")


def _assert_matches_reference(xy: np.ndarray, fs: float) -> None:
    expected = ref.sway_metrics(xy, fs)
    if expected is None:
        with pytest.raises(ValueError, match="at least 2 valid samples"):
            sway_metrics(xy, fs=fs)
        return
    got = sway_metrics(xy, fs=fs)
    scale = float(np.nanmax(np.abs(xy))) or 1.0
    for name in FIELDS:
        tol = 1e-9 * scale ** (2 if name == "ellipse_area_95" else 1)
        assert getattr(got, name) == pytest.approx(expected[name], rel=1e-9, abs=tol), name
    assert got.n_dropped == expected["n_dropped"]
    assert got.n_samples == xy.shape[0]
    assert got.mean == pytest.approx(
        (expected["mean_x"], expected["mean_y"]), rel=1e-9, abs=1e-9 * scale
    )
    assert got.covariance == pytest.approx(
        (expected["cov_xx"], expected["cov_xy"], expected["cov_yy"]), rel=1e-9, abs=1e-9 * scale**2
    )


coords = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@given(
    xy=hnp.arrays(np.float64, st.tuples(st.integers(0, 120), st.just(2)), elements=coords),
    nan_mask=st.lists(st.booleans(), min_size=120, max_size=120),
    fs=st.floats(1.0, 1000.0),
)
def test_matches_reference_with_random_nan(xy: np.ndarray, nan_mask: list[bool], fs: float) -> None:
    xy = xy.copy()
    mask = np.array(nan_mask[: xy.shape[0]], dtype=bool)
    xy[mask, 0] = np.nan  # one coordinate missing drops the whole sample
    _assert_matches_reference(xy, fs)


@given(xy=hnp.arrays(np.float64, st.tuples(st.integers(2, 80), st.just(2)), elements=coords))
def test_invariant_under_rotation_and_translation(xy: np.ndarray) -> None:
    a = 0.7
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    moved = xy @ rot.T + np.array([123.0, -45.0])
    m0, m1 = sway_metrics(xy, fs=30), sway_metrics(moved, fs=30)
    scale = float(np.abs(xy).max()) + 1.0
    assert m1.path_length == pytest.approx(m0.path_length, rel=1e-9, abs=1e-9 * scale)
    assert m1.rms == pytest.approx(m0.rms, rel=1e-9, abs=1e-9 * scale)
    assert m1.ellipse_area_95 == pytest.approx(m0.ellipse_area_95, rel=1e-6, abs=1e-6 * scale**2)


@given(
    xy=hnp.arrays(np.float64, st.tuples(st.integers(3, 60), st.just(2)), elements=coords),
    c=st.floats(0.01, 100.0),
)
def test_scaling(xy: np.ndarray, c: float) -> None:
    m0, m1 = sway_metrics(xy, fs=50), sway_metrics(xy * c, fs=50)
    scale = float(np.abs(xy).max()) + 1.0
    assert m1.path_length == pytest.approx(c * m0.path_length, rel=1e-9, abs=1e-9 * scale * c)
    assert m1.mean_velocity == pytest.approx(m1.path_length / m1.duration, rel=1e-12)
    assert m1.ellipse_area_95 == pytest.approx(
        c**2 * m0.ellipse_area_95, rel=1e-6, abs=1e-6 * (scale * c) ** 2
    )


@pytest.mark.parametrize("n", [4, 7, 100, 1000])
def test_circle_has_known_path_rms_and_velocity(n: int) -> None:
    r, fs = 0.02, 25.0
    k = np.arange(n + 1)  # closed polygon: last vertex repeats the first
    xy = np.c_[r * np.cos(2 * np.pi * k / n), r * np.sin(2 * np.pi * k / n)]
    m = sway_metrics(xy, fs=fs)
    assert m.path_length == pytest.approx(2 * n * r * math.sin(math.pi / n), rel=1e-12)
    assert m.duration == pytest.approx(n / fs)
    assert m.mean_velocity == pytest.approx(m.path_length * fs / n)
    open_ring = sway_metrics(xy[:-1], fs=fs)  # n distinct points: mean at the centre, radius r
    assert open_ring.rms == pytest.approx(r, rel=1e-12)
    assert open_ring.mean == pytest.approx((0.0, 0.0), abs=1e-15)


def test_gaussian_sway_ellipse_area_and_coverage() -> None:
    rng = np.random.default_rng(7)
    cov = np.array([[4.0, 1.5], [1.5, 2.0]])  # mm²
    xy = rng.multivariate_normal([10.0, -3.0], cov, size=20000)
    m = sway_metrics(xy, fs=100)
    truth = math.pi * 5.991464547107979 * math.sqrt(np.linalg.det(cov))
    assert m.ellipse_area_95 == pytest.approx(truth, rel=0.03)  # sampling SE ≈ 1 %
    # the 95 % prediction ellipse should hold ~95 % of the samples
    c = np.array([[m.covariance[0], m.covariance[1]], [m.covariance[1], m.covariance[2]]])
    d = xy - np.array(m.mean)
    inside = np.einsum("ij,jk,ik->i", d, np.linalg.inv(c), d) <= CHI2_95_2DOF
    assert inside.mean() == pytest.approx(0.95, abs=0.005)
    assert m.rms == pytest.approx(math.sqrt(np.trace(cov)), rel=0.02)


def test_chi2_constant_matches_scipy() -> None:
    from scipy.stats import chi2

    assert chi2.ppf(0.95, 2) == pytest.approx(CHI2_95_2DOF, rel=1e-12)


def test_nan_run_is_skipped_not_bridged() -> None:
    xy = np.array([[0, 0], [1, 0], [np.nan, np.nan], [np.nan, 5], [5, 0], [6, 0]], float)
    m = sway_metrics(xy, fs=10)
    assert m.path_length == pytest.approx(2.0)  # 0→1 and 5→6; the gap 1→5 is not walked
    assert m.duration == pytest.approx(0.2)
    assert m.n_dropped == 2
    assert m.n_samples == 6
    with pytest.raises(ValueError, match="NaN"):
        sway_metrics(xy, fs=10, nan_policy="raise")


def test_huge_and_offset_values_stay_finite_and_exact() -> None:
    rng = np.random.default_rng(1)
    small = rng.normal(0, 1.0, (500, 2))
    for offset in (1e8, -1e12):
        _assert_matches_reference(small + offset, 30.0)
    huge = small * 1e150
    m = sway_metrics(huge, fs=30)
    assert math.isfinite(m.ellipse_area_95) and m.ellipse_area_95 > 0
    _assert_matches_reference(huge, 30.0)


def test_degenerate_line_has_zero_area() -> None:
    t = np.linspace(0, 1, 50)
    m = sway_metrics(np.c_[t, 2 * t], fs=50)
    assert m.ellipse_area_95 == pytest.approx(0.0, abs=1e-12)
    assert m.path_length == pytest.approx(math.sqrt(5))


@pytest.mark.parametrize(
    ("xy", "match"),
    [
        (np.zeros((0, 2)), "at least 2 valid samples"),
        (np.zeros((1, 2)), "at least 2 valid samples"),
        (np.full((10, 2), np.nan), "at least 2 valid samples"),
        (np.array([[0, 0], [np.nan, 0], [1, 1]]), "at least 2 valid samples"),  # no step
        (np.zeros((10, 3)), r"shape \(n, 2\)"),
        (np.zeros(10), "2-D"),
        (np.zeros((2, 5, 2)), "2-D"),
    ],
)
def test_bad_input_errors(xy: np.ndarray, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sway_metrics(xy, fs=30)


@pytest.mark.parametrize("fs", [0, -1, float("nan"), float("inf")])
def test_bad_fs(fs: float) -> None:
    with pytest.raises(ValueError, match="fs must be a positive"):
        sway_metrics(np.zeros((5, 2)), fs=fs)


def test_bad_nan_policy_and_type() -> None:
    with pytest.raises(ValueError, match="nan_policy"):
        sway_metrics(np.zeros((5, 2)), fs=30, nan_policy="zero")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="numeric"):
        sway_metrics([["a", "b"], ["c", "d"]], fs=30)


def test_result_is_frozen_and_accepts_lists() -> None:
    m = sway_metrics([[0, 0], [3, 4]], fs=1)
    assert isinstance(m, SwayMetrics)
    assert (m.path_length, m.mean_velocity, m.duration) == (5.0, 5.0, 1.0)
    with pytest.raises(AttributeError):
        m.rms = 0.0  # type: ignore[misc]


def test_kernel_rejects_bad_shape() -> None:
    with pytest.raises(ValueError):
        _core.balance.sway(np.zeros((4, 3)))
    empty = _core.balance.sway(np.zeros((0, 2)))
    assert (empty.n_valid, empty.n_steps, empty.path_length) == (0, 0, 0.0)
    assert math.isnan(empty.mean_x) and math.isnan(empty.rms)
    with pytest.raises(AttributeError):  # read-only fields
        empty.n_valid = 3  # type: ignore[misc]


def test_sway_kernel_releases_the_gil() -> None:
    """While a long sway call runs in a worker thread, the main thread keeps running Python:
    we require progress in at least half of the 25 ms windows of the call (~0.1-0.3 s)."""
    xy = np.random.default_rng(3).normal(size=(3_000_000, 2))
    window: list[float] = []
    result: list[_core.balance.SwaySums] = []

    def work() -> None:
        t0 = time.perf_counter()
        result.append(_core.balance.sway(xy))
        window.extend([t0, time.perf_counter()])

    stamps = []
    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        stamps.append(time.perf_counter())
    worker.join()
    assert result[0].n_valid == xy.shape[0]
    t0, t1 = window
    inside = np.array([s for s in stamps if t0 <= s <= t1])
    n_bins = int((t1 - t0) // 0.025)
    assert n_bins >= 2, "kernel too quick to tell"
    bins = np.unique(((inside - t0) // 0.025).astype(int))
    assert bins.size >= n_bins / 2
