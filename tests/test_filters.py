"""course.analysis.filters against the NumPy/SciPy references in tests/reference/filters.py."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from reference import filters as ref

from course import _core
from course.analysis import filters as F

SHAPES = [(), (3,), (33, 3)]  # trailing (channel) shapes; time is axis 0


def _signal(rng: np.random.Generator, n: int, tail: tuple[int, ...]) -> np.ndarray:
    """Random walk plus noise: smooth and rough content, like a tracked landmark."""
    x = rng.normal(size=(n, *tail)).cumsum(axis=0)
    return x + rng.normal(scale=0.5, size=x.shape)


# ---------------------------------------------------------------- butter_lowpass


@given(
    order=st.integers(1, 8),
    fs=st.floats(10.0, 2000.0),
    frac=st.floats(0.002, 0.498),
)
def test_butter_matches_scipy(order: int, fs: float, frac: float) -> None:
    cutoff = frac * fs
    b, a = F.butter_lowpass(order, cutoff, fs)
    rb, ra = ref.butter_lowpass(order, cutoff, fs)
    assert b.shape == rb.shape == (order + 1,)
    np.testing.assert_allclose(b, rb, rtol=1e-12, atol=0)
    np.testing.assert_allclose(a, ra, rtol=0, atol=1e-12 * np.abs(ra).max())
    assert a[0] == 1.0


@pytest.mark.parametrize(
    ("order", "cutoff", "fs", "fix"),
    [
        (0, 5.0, 100.0, "between 1 and"),
        (2.5, 5.0, 100.0, "integer"),
        (2, 50.0, 100.0, "Nyquist"),
        (2, -1.0, 100.0, "positive"),
        (2, 5.0, float("nan"), "positive"),
    ],
)
def test_butter_rejects_bad_design(order, cutoff, fs, fix) -> None:
    with pytest.raises((ValueError, TypeError), match=fix):
        F.butter_lowpass(order, cutoff, fs)


# ---------------------------------------------------------------- filtfilt


@given(
    order=st.integers(1, 8),
    fs=st.floats(20.0, 500.0),
    frac=st.floats(0.01, 0.45),
    extra=st.integers(1, 200),
    tail=st.sampled_from(SHAPES),
    seed=st.integers(0, 2**32 - 1),
)
def test_filtfilt_matches_scipy(order, fs, frac, extra, tail, seed) -> None:
    rng = np.random.default_rng(seed)
    x = _signal(rng, F.padlen(order) + extra, tail)
    cutoff = frac * fs
    # Where the (b, a) form is ill-conditioned, scipy's own answer moves by more than our
    # tolerance when a coefficient changes in its last bit; no implementation can match there.
    assume(ref.filtfilt_sensitivity(x, cutoff=cutoff, fs=fs, order=order) < 1e-11)
    y = F.filtfilt(x, cutoff=cutoff, fs=fs, order=order)
    r = ref.filtfilt(x, cutoff=cutoff, fs=fs, order=order)
    assert y.shape == x.shape
    assert np.max(np.abs(y - r)) <= 1e-9 * np.max(np.abs(r))


@pytest.mark.parametrize("fs", [30.0, 60.0, 100.0, 240.0])
@pytest.mark.parametrize("order", [2, 4])
def test_filtfilt_typical_pose_settings(fs: float, order: int) -> None:
    rng = np.random.default_rng(int(fs) + order)
    x = _signal(rng, 301, (33, 3))
    y = F.filtfilt(x, cutoff=6.0, fs=fs, order=order)
    r = ref.filtfilt(x, cutoff=6.0, fs=fs, order=order)
    assert np.max(np.abs(y - r)) <= 1e-9 * np.max(np.abs(r))


def test_filtfilt_shortest_allowed_and_huge_values() -> None:
    rng = np.random.default_rng(1)
    n = F.padlen(4) + 1
    x = 1e12 * _signal(rng, n, (2,))
    y = F.filtfilt(x, cutoff=5.0, fs=100.0)
    r = ref.filtfilt(x, cutoff=5.0, fs=100.0)
    assert np.max(np.abs(y - r)) <= 1e-9 * np.max(np.abs(r))


def test_filtfilt_keeps_a_constant() -> None:
    x = np.full((100, 2), 7.0)  # steady-state initial conditions: no edge transient
    np.testing.assert_allclose(F.filtfilt(x, cutoff=5.0, fs=100.0), x, rtol=1e-12)


def test_filtfilt_accepts_non_contiguous_and_integer_input() -> None:
    rng = np.random.default_rng(2)
    x = _signal(rng, 120, (4,))
    view = np.asfortranarray(x)[:, ::2]
    np.testing.assert_allclose(
        F.filtfilt(view, cutoff=8.0, fs=100.0),
        ref.filtfilt(view, cutoff=8.0, fs=100.0),
        rtol=0,
        atol=1e-9 * np.abs(view).max(),
    )
    ints = np.arange(40)
    np.testing.assert_allclose(
        F.filtfilt(ints, cutoff=8.0, fs=100.0, order=2),
        ref.filtfilt(ints, cutoff=8.0, fs=100.0, order=2),
        atol=1e-9 * 40,
    )


@pytest.mark.parametrize("n", [0, 1, 15])
def test_filtfilt_too_short_says_minimum(n: int) -> None:
    with pytest.raises(ValueError, match="at least 16 samples"):
        F.filtfilt(np.ones(n), cutoff=5.0, fs=100.0, order=4)


def test_filtfilt_refuses_nan_and_points_to_fill_gaps() -> None:
    x = np.ones((50, 3))
    x[20, 1] = np.nan
    with pytest.raises(ValueError, match=r"index 20.*fill_gaps"):
        F.filtfilt(x, cutoff=5.0, fs=100.0)


def test_filtfilt_scalar_is_refused() -> None:
    with pytest.raises(ValueError, match="time axis"):
        F.filtfilt(3.0, cutoff=5.0, fs=100.0)


def test_filtfilt_releases_the_gil() -> None:
    """While one long kernel call runs in a worker thread, the main thread keeps running Python.

    Had the kernel kept the GIL, the main loop would stall for the whole call (no progress in
    any 25 ms window of it); we require progress in at least half of those windows. The filter
    is an identity with 150 coefficients: a lot of arithmetic on little memory (~0.2 s).
    """
    x = np.random.default_rng(3).normal(size=(200_000, 4))
    b = np.zeros(150)
    b[0] = 1.0
    empty = np.empty(0)
    window: list[float] = []
    result: list[np.ndarray] = []

    def work() -> None:
        t0 = time.perf_counter()
        result.append(_core.filters.filtfilt(x, b, b.copy(), empty))
        window.extend([t0, time.perf_counter()])

    stamps = []
    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        stamps.append(time.perf_counter())
    worker.join()
    np.testing.assert_array_equal(result[0], x)  # the identity filter changed nothing
    t0, t1 = window
    inside = np.array([s for s in stamps if t0 <= s <= t1])
    n_bins = int((t1 - t0) // 0.025)
    assert n_bins >= 2, "kernel too quick to tell"
    bins = np.unique(((inside - t0) // 0.025).astype(int))
    bins = bins[bins < n_bins]
    assert bins.size >= 0.5 * n_bins, f"main thread ran in {bins.size}/{n_bins} windows"


# ---------------------------------------------------------------- derivative


@given(
    n=st.integers(2, 60),
    tail=st.sampled_from(SHAPES),
    uneven=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_derivative_matches_numpy_gradient(n, tail, uneven, seed) -> None:
    rng = np.random.default_rng(seed)
    x = _signal(rng, n, tail)
    if uneven:
        t = np.cumsum(rng.uniform(0.005, 0.05, size=n))
        got, want = F.derivative(x, t=t), ref.derivative(x, t=t)
    else:
        got, want = F.derivative(x, fs=60.0), ref.derivative(x, fs=60.0)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10 * np.abs(want).max())


def test_derivative_of_a_parabola_is_exact_inside() -> None:
    t = np.linspace(0.0, 1.0, 11)
    v = F.derivative(4.9 * t**2, fs=10.0)  # m over s -> m/s
    np.testing.assert_allclose(v[1:-1], 9.8 * t[1:-1], rtol=1e-12)


def test_derivative_huge_values_and_nan() -> None:
    x = np.array([0.0, 1e12, 2e12, np.nan, 4e12, 5e12])
    v = F.derivative(x, fs=1.0)
    np.testing.assert_array_equal(np.isnan(v), [False, False, True, False, True, False])
    assert v[1] == 1e12


@pytest.mark.parametrize(
    ("kwargs", "fix"),
    [
        ({}, "exactly one"),
        ({"fs": 10.0, "t": [0, 1, 2]}, "exactly one"),
        ({"t": [0, 1]}, "one time stamp"),
        ({"t": [0, 1, 1]}, "strictly increasing"),
        ({"fs": 0.0}, "positive"),
    ],
)
def test_derivative_bad_arguments(kwargs, fix) -> None:
    with pytest.raises(ValueError, match=fix):
        F.derivative([1.0, 2.0, 3.0], **kwargs)


@pytest.mark.parametrize("x", [[], [1.0]])
def test_derivative_needs_two_samples(x) -> None:
    with pytest.raises(ValueError, match="at least 2 samples"):
        F.derivative(x, fs=10.0)


# ---------------------------------------------------------------- fill_gaps


@given(
    n=st.integers(0, 80),
    tail=st.sampled_from(SHAPES),
    p_nan=st.floats(0.0, 0.8),
    max_gap=st.integers(0, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_fill_gaps_matches_reference(n, tail, p_nan, max_gap, seed) -> None:
    rng = np.random.default_rng(seed)
    x = _signal(rng, n, tail) if n else np.zeros((0, *tail))
    x[rng.random(x.shape) < p_nan] = np.nan
    got = F.fill_gaps(x, max_gap=max_gap)
    want = ref.fill_gaps(x, max_gap=max_gap)
    assert got.shape == x.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    assert np.all(got[~np.isnan(x)] == x[~np.isnan(x)])  # valid samples untouched


def test_fill_gaps_edges_zero_gap_inf_and_huge() -> None:
    nan = np.nan
    x = np.array([nan, 1.0, nan, 3e12, nan, nan, nan, 0.0, np.inf, nan, 5.0, nan])
    np.testing.assert_array_equal(F.fill_gaps(x, max_gap=0), x)
    got = F.fill_gaps(x, max_gap=2)
    assert np.isnan(got[0]) and np.isnan(got[-1])  # leading / trailing stay NaN
    assert got[2] == pytest.approx(1.5e12)
    assert np.isnan(got[4:7]).all()  # a run of 3 > max_gap
    assert np.isnan(got[9])  # no interpolation from inf
    assert np.isinf(got[8])


def test_fill_gaps_bad_max_gap() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        F.fill_gaps([1.0, np.nan, 2.0], max_gap=-1)
    with pytest.raises(TypeError, match="whole number"):
        F.fill_gaps([1.0, np.nan, 2.0], max_gap=1.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------- One-Euro


@given(
    min_cutoff=st.floats(0.05, 10.0),
    beta=st.floats(0.0, 5.0),
    d_cutoff=st.floats(0.1, 10.0),
    n=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_one_euro_matches_published_algorithm(min_cutoff, beta, d_cutoff, n, seed) -> None:
    rng = np.random.default_rng(seed)
    x = _signal(rng, n, (33, 3))
    t = np.cumsum(rng.uniform(0.01, 0.1, size=n))
    f = F.OneEuroFilter(min_cutoff=min_cutoff, beta=beta, d_cutoff=d_cutoff)
    got = np.stack([f(x[i], t[i]) for i in range(n)])
    want = ref.one_euro(x, t, min_cutoff=min_cutoff, beta=beta, d_cutoff=d_cutoff)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_one_euro_nan_passes_through_without_poisoning() -> None:
    rng = np.random.default_rng(5)
    n = 30
    x = _signal(rng, n, (4,))
    t = np.arange(n) / 30.0
    x[5:9, 1] = np.nan  # a landmark lost for 4 frames
    x[0, 2] = np.nan  # and one not seen at the start
    f = F.OneEuroFilter(min_cutoff=1.0, beta=0.5)
    got = np.stack([f(x[i], t[i]) for i in range(n)])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(x))
    # every channel equals the published filter run on that channel's seen samples only
    want = ref.one_euro(x, t, min_cutoff=1.0, beta=0.5, d_cutoff=1.0)
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    assert np.isfinite(got[9:]).all()


def test_one_euro_smooths_jitter_and_follows_motion() -> None:
    rng = np.random.default_rng(6)
    t = np.arange(300) / 30.0
    jitter = rng.normal(scale=0.01, size=t.size)
    still = F.OneEuroFilter(min_cutoff=0.5, beta=0.0)
    out = np.array([float(still(0.5 + j, ti)) for j, ti in zip(jitter, t, strict=True)])
    assert out[30:].std() < 0.4 * jitter[30:].std()
    fast = F.OneEuroFilter(min_cutoff=0.5, beta=20.0)
    slow = F.OneEuroFilter(min_cutoff=0.5, beta=0.0)
    ramp = 2.0 * t  # a fast movement: lag must shrink with beta
    last_fast = last_slow = 0.0
    for r, s in zip(ramp, t, strict=True):
        last_fast, last_slow = float(fast(r, s)), float(slow(r, s))
    lag_fast, lag_slow = ramp[-1] - last_fast, ramp[-1] - last_slow
    assert 0 <= lag_fast < 0.2 * lag_slow


def test_one_euro_reset_shape_and_time_errors() -> None:
    f = F.OneEuroFilter()
    f(np.zeros((33, 3)), 0.0)
    with pytest.raises(ValueError, match="increase"):
        f(np.zeros((33, 3)), 0.0)
    with pytest.raises(ValueError, match="reset"):
        f(np.zeros((33, 2)), 1.0)
    f.reset()
    np.testing.assert_array_equal(f(np.ones(2), 0.0), [1.0, 1.0])  # starts afresh
    with pytest.raises(ValueError, match="finite"):
        f(np.ones(2), float("nan"))


@pytest.mark.parametrize(
    ("kwargs", "fix"),
    [({"min_cutoff": 0.0}, "min_cutoff"), ({"beta": -1.0}, "beta"), ({"d_cutoff": -2}, "d_cut")],
)
def test_one_euro_bad_parameters(kwargs, fix) -> None:
    with pytest.raises(ValueError, match=fix):
        F.OneEuroFilter(**kwargs)
