"""course.analysis.live: One-Euro smoothing + named angles per frame, against the references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import filters as ref_filters
from reference import geometry as ref_geometry
from reference.geometry import skeleton

from course.analysis.geometry import ANGLE_NAMES
from course.analysis.live import LiveAnalyzer, LiveFrame
from course.schema import Pose

W, H = 640, 480


def _pose(lm: np.ndarray, t: float, vis: np.ndarray | None = None) -> Pose:
    return Pose(
        t=t,
        landmarks=lm,
        world=np.full((33, 3), np.nan),
        visibility=np.ones(33) if vis is None else vis,
        presence=np.ones(33),
        image_size=(W, H),
    )


@given(
    min_cutoff=st.floats(0.1, 5.0),
    beta=st.floats(0.0, 2.0),
    side=st.sampled_from(["left", "right"]),
    facing=st.sampled_from(["left", "right"]),
    n=st.integers(1, 25),
    seed=st.integers(0, 2**32 - 1),
)
def test_live_matches_one_euro_then_body_angles(min_cutoff, beta, side, facing, n, seed) -> None:
    rng = np.random.default_rng(seed)
    lm = 0.5 + 0.05 * rng.normal(size=(n, 33, 3)).cumsum(axis=0)
    lm[rng.random((n, 33)) < 0.03] = np.nan
    t = np.cumsum(rng.uniform(0.02, 0.06, size=n))
    live = LiveAnalyzer(
        min_cutoff=min_cutoff, beta=beta, side=side, facing=facing, image_size=(W, H)
    )
    frames = [live.update(lm[i], t[i]) for i in range(n)]
    smooth = ref_filters.one_euro(lm, t, min_cutoff=min_cutoff, beta=beta, d_cutoff=1.0)
    got_lm = np.stack([f.landmarks for f in frames])
    np.testing.assert_allclose(got_lm, smooth, rtol=1e-12, atol=1e-12)
    want = ref_geometry.body_angles(smooth, side=side, facing=facing, image_size=(W, H))
    for name in ANGLE_NAMES:
        got = np.array([getattr(f, name) for f in frames])
        np.testing.assert_allclose(got, want[name], atol=1e-6, err_msg=name)
    assert all(f.side == side and f.facing == facing for f in frames)


def test_pose_input_uses_its_image_size_and_visibility() -> None:
    px = skeleton(trunk=8.0, thigh=35.0, shank=-12.0, side="right")
    norm = np.concatenate([px / [W, H], np.zeros((33, 1))], axis=1)
    vis = np.full(33, 0.4)
    vis[[12, 24, 26, 28]] = 0.95  # the right side faces the camera
    live = LiveAnalyzer()  # side and facing "auto", as the camera widget builds it
    frame = live.update(_pose(norm, 0.0, vis), 0.0)
    assert isinstance(frame, LiveFrame)
    assert (frame.side, frame.facing) == ("right", "right")
    assert frame.thigh == pytest.approx(35.0, abs=1e-9)
    assert frame.trunk_lean == pytest.approx(8.0, abs=1e-9)
    assert frame.knee == pytest.approx(180.0 - 47.0, abs=1e-9)
    assert set(frame.angles) == set(ANGLE_NAMES)
    assert frame.to_dict()["thigh"] == frame.thigh


def test_auto_side_switches_only_on_a_clear_margin() -> None:
    px = np.concatenate([skeleton(trunk=0.0, thigh=10.0, shank=0.0) / [W, H], np.zeros((33, 1))], 1)
    left_vis = np.full(33, 0.5)
    left_vis[[11, 23, 25, 27]] = 0.9
    live = LiveAnalyzer()
    assert live.update(_pose(px, 0.0, left_vis), 0.0).side == "left"
    slightly = np.full(33, 0.5)
    slightly[[12, 24, 26, 28]] = 0.9
    slightly[[11, 23, 25, 27]] = 0.88  # right a bit better: below the margin, stay left
    assert live.update(_pose(px, 0.1, slightly), 0.1).side == "left"
    clearly = np.full(33, 0.5)
    clearly[[12, 24, 26, 28]] = 0.95
    assert live.update(_pose(px, 0.2, clearly), 0.2).side == "right"


def test_auto_side_from_depth_without_visibility() -> None:
    lm = np.concatenate([skeleton(trunk=0.0, thigh=0.0, shank=0.0), np.zeros((33, 1))], axis=1)
    lm[[12, 24, 26, 28], 2] = -0.3  # MediaPipe z: smaller = nearer the camera
    assert LiveAnalyzer().update(lm, 0.0).side == "right"


def test_auto_facing_follows_the_person_and_holds_when_unsure() -> None:
    right = skeleton(trunk=10.0, thigh=20.0, shank=0.0)
    left = right.copy()
    left[:, 0] = 1000.0 - left[:, 0]
    unsure = right.copy()
    unsure[[0, 29, 30, 31, 32]] = np.nan  # no face, no feet
    live = LiveAnalyzer(side="left", min_cutoff=1e6)  # (almost) no smoothing
    first = live.update(unsure, 0.0)
    assert first.facing is None and np.isnan(first.trunk_lean) and np.isfinite(first.knee)
    assert live.update(right, 0.1).facing == "right"
    live.reset()
    seen = [live.update(f, 0.1 * i).facing for i, f in enumerate([left, unsure, left])]
    assert seen == ["left", "left", "left"]


def test_mirrored_stream_gives_the_same_angles() -> None:
    rng = np.random.default_rng(4)
    seq = np.stack(
        [skeleton(trunk=a, thigh=b, shank=c) for a, b, c in rng.uniform(-20, 40, (15, 3))]
    )
    mirrored = seq.copy()
    mirrored[..., 0] = 1000.0 - mirrored[..., 0]
    a, b = LiveAnalyzer(side="left"), LiveAnalyzer(side="left")
    for i in range(15):
        fa, fb = a.update(seq[i], i / 30), b.update(mirrored[i], i / 30)
        assert (fa.facing, fb.facing) == ("right", "left")
        for name in ANGLE_NAMES:
            assert getattr(fb, name) == pytest.approx(getattr(fa, name), abs=1e-9), name


def test_converts_lists_and_float32() -> None:
    lm = skeleton(trunk=5.0, thigh=5.0, shank=5.0)
    live = LiveAnalyzer(side="left", facing="right")
    f1 = live.update(lm.astype(np.float32), 0.0)
    f2 = live.update(lm.tolist(), 0.5)
    assert f1.trunk_lean == pytest.approx(5.0, abs=1e-4)
    assert f2.landmarks.dtype == np.float64 and f2.landmarks.shape == (33, 2)


def test_bad_input_errors() -> None:
    live = LiveAnalyzer(side="left", facing="right")
    with pytest.raises(ValueError, match=r"\(33, 2\) or \(33, 3\)"):
        live.update(np.zeros((32, 3)), 0.0)
    with pytest.raises(ValueError, match=r"\(33, 2\) or \(33, 3\)"):
        live.update(np.zeros((4, 33, 3)), 0.0)
    live.update(np.zeros((33, 3)), 1.0)
    with pytest.raises(ValueError, match="increase"):
        live.update(np.zeros((33, 3)), 1.0)
    with pytest.raises(ValueError, match="reset"):
        live.update(np.zeros((33, 2)), 2.0)
    live.reset()
    live.update(np.zeros((33, 2)), 0.0)  # fine after reset
    with pytest.raises(ValueError, match="side must be"):
        LiveAnalyzer(side="front")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="min_cutoff"):
        LiveAnalyzer(min_cutoff=0.0)


def test_kernel_returns_named_read_only_fields() -> None:
    """LiveKernel.update returns a LiveResult whose fields carry the names of ANGLE_NAMES (no
    positional tuple to unpack in the right order), read-only."""
    from course import _core

    kernel = _core.geometry.LiveKernel(1.5, 0.5, 1.0, 1, -1)
    lm = skeleton(trunk=8.0, thigh=35.0, shank=-12.0, side="right")
    out = kernel.update(np.ascontiguousarray(lm, dtype=np.float64), 0.0, np.empty(0), 1.0, 1.0)
    assert isinstance(out, _core.geometry.LiveResult)
    assert (out.side, out.facing, out.landmarks.shape) == (1, -1, lm.shape)
    want = ref_geometry.body_angles(lm[None], side="right", facing="left", image_size=None)
    for name in ANGLE_NAMES:
        assert getattr(out, name) == pytest.approx(float(want[name][0]), abs=1e-9), name
    with pytest.raises(AttributeError):
        out.knee = 0.0  # type: ignore[misc]
