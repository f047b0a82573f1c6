"""course.analysis.geometry: hand-built skeletons with known angles, and the NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import geometry as ref
from reference.geometry import rotate, skeleton

from course.analysis import geometry as G
from course.schema import PoseSeries

W, H = 1280.0, 720.0
ATOL = 1e-9  # degrees


# ------------------------------------------------------------------ angle3 / segment_angle


def test_angle3_hand_cases() -> None:
    o = [0.0, 0.0]
    assert G.angle3([1, 0], o, [0, 1]) == pytest.approx(90.0)
    assert G.angle3([1, 0], o, [-1, 0]) == pytest.approx(180.0)
    assert G.angle3([1, 0], o, [2, 0]) == pytest.approx(0.0)
    assert G.angle3([1, 0], o, [1, np.sqrt(3)]) == pytest.approx(60.0)
    assert G.angle3([1, 0, 0], [0, 0, 0], [0, 0, 5]) == pytest.approx(90.0)  # uses z
    assert np.isnan(G.angle3([0, 0], o, [1, 1]))  # a ray of length zero
    assert np.isnan(G.angle3([np.nan, 0], o, [1, 1]))


@given(
    shape=st.sampled_from([(), (5,), (4, 33)]),
    d=st.sampled_from([2, 3]),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1.0, 1e-6, 1e12]),
)
def test_angle3_matches_reference(shape, d, seed, scale) -> None:
    rng = np.random.default_rng(seed)
    a, b, c = (scale * rng.normal(size=(*shape, d)) for _ in range(3))
    got = G.angle3(a, b, c)
    assert got.shape == shape
    np.testing.assert_allclose(got, ref.angle3(a, b, c), atol=1e-6)
    np.testing.assert_allclose(got, G.angle3(c, b, a), atol=1e-12)  # symmetric
    assert np.all((got >= 0) & (got <= 180))


def test_angle3_broadcasts_and_checks_shapes() -> None:
    pts = np.random.default_rng(0).normal(size=(10, 33, 2))
    knee = G.angle3(pts[:, 23], pts[:, 25], pts[:, 27])
    assert knee.shape == (10,)
    assert G.angle3(pts[:, 23], [0.0, 0.0], pts[:, 27]).shape == (10,)
    with pytest.raises(ValueError, match="all be 2-D or all 3-D"):
        G.angle3([1, 0], [0, 0, 0], [0, 1])
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        G.angle3([1, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0])


@pytest.mark.parametrize(
    ("to", "vertical", "horizontal"),
    [
        ((0, 1), 0.0, -90.0),  # straight down
        ((1, 1), 45.0, -45.0),  # down-right
        ((1, 0), 90.0, 0.0),  # right
        ((0, -1), 180.0, 90.0),  # straight up
        ((-1, 1), -45.0, -135.0),  # down-left
        ((-1, 0), -90.0, 180.0),  # left
    ],
)
def test_segment_angle_signs(to, vertical, horizontal) -> None:
    p = [10.0, 10.0]
    q = np.add(p, to)
    assert G.segment_angle(p, q) == pytest.approx(vertical)
    assert G.segment_angle(p, q, reference="horizontal") == pytest.approx(horizontal)


@given(seed=st.integers(0, 2**32 - 1), ref_name=st.sampled_from(["vertical", "horizontal"]))
def test_segment_angle_matches_reference(seed, ref_name) -> None:
    rng = np.random.default_rng(seed)
    p, q = rng.normal(size=(2, 50, 3))
    got = G.segment_angle(p, q, reference=ref_name)
    np.testing.assert_allclose(got, ref.segment_angle(p, q, ref_name), atol=1e-9)
    assert np.all((got > -180) & (got <= 180))


def test_segment_angle_degenerate_and_bad_reference() -> None:
    assert np.isnan(G.segment_angle([1.0, 1.0], [1.0, 1.0]))
    with pytest.raises(ValueError, match="'vertical' or 'horizontal'"):
        G.segment_angle([0, 0], [1, 1], reference="diagonal")  # type: ignore[arg-type]


# ------------------------------------------------------------------ body angles


@pytest.mark.parametrize("facing", ["right", "left"])
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("trunk", "thigh", "shank"),
    [(0.0, 0.0, 0.0), (10.0, 25.0, -5.0), (5.0, -15.0, -30.0), (-8.0, 100.0, 20.0)],
)
def test_body_angles_of_a_hand_built_skeleton(facing, side, trunk, thigh, shank) -> None:
    lm = skeleton(trunk=trunk, thigh=thigh, shank=shank, facing=facing, side=side)
    ang = G.body_angles(lm, side=side, facing=facing)
    assert ang.trunk_lean[0] == pytest.approx(trunk, abs=ATOL)
    assert ang.thigh[0] == pytest.approx(thigh, abs=ATOL)
    assert ang.shank[0] == pytest.approx(shank, abs=ATOL)
    assert ang.hip_flexion[0] == pytest.approx(thigh + trunk, abs=ATOL)
    assert ang.hip_extension[0] == pytest.approx(180.0 - abs(thigh + trunk), abs=ATOL)
    assert ang.knee[0] == pytest.approx(180.0 - abs(thigh - shank), abs=ATOL)
    assert ang.hip_bend[0] == pytest.approx(ang.trunk_lean[0] - ang.body_lean[0], abs=ATOL)
    assert ang.pelvic_obliquity[0] == pytest.approx(0.0, abs=ATOL)
    assert (ang.side, ang.facing) == (side, facing)
    assert G.facing_direction(lm) == facing
    # "auto" agrees with the explicit direction
    auto = G.body_angles(lm, side=side)
    assert auto.facing == facing
    np.testing.assert_array_equal(auto.knee, ang.knee)


def test_body_lean_from_the_ankles_has_no_hip_bend() -> None:
    # a straight body tilted forward 7 deg from the ankle: trunk, leg and body lean agree
    lm = skeleton(trunk=7.0, thigh=-7.0, shank=-7.0)
    ang = G.body_angles(lm, side="left", facing="right")
    assert ang.body_lean[0] == pytest.approx(7.0, abs=ATOL)
    assert ang.hip_bend[0] == pytest.approx(0.0, abs=ATOL)
    assert ang.hip_flexion[0] == pytest.approx(0.0, abs=ATOL)
    assert ang.hip_extension[0] == pytest.approx(180.0, abs=ATOL)
    # bending at the hips instead: the trunk leans, legs stay vertical
    bent = G.body_angles(skeleton(trunk=30.0, thigh=0.0, shank=0.0), facing="right")
    assert bent.hip_bend[0] > 15.0 and bent.body_lean[0] < bent.trunk_lean[0]


@pytest.mark.parametrize("phi", [-20.0, -3.0, 12.0, 35.0])
def test_rotating_the_camera_shifts_segment_angles_only(phi) -> None:
    lm = skeleton(trunk=6.0, thigh=20.0, shank=-10.0)
    base = G.body_angles(lm, facing="right")
    rot = G.body_angles(rotate(lm, phi), facing="right")
    # screen-CCW rotation: the "up" reference turns toward the back, "down" toward the front
    assert rot.trunk_lean[0] == pytest.approx(base.trunk_lean[0] - phi, abs=ATOL)
    assert rot.body_lean[0] == pytest.approx(base.body_lean[0] - phi, abs=ATOL)
    assert rot.thigh[0] == pytest.approx(base.thigh[0] + phi, abs=ATOL)
    assert rot.shank[0] == pytest.approx(base.shank[0] + phi, abs=ATOL)
    for name in ("knee", "hip_extension", "hip_flexion", "hip_bend"):
        assert getattr(rot, name)[0] == pytest.approx(getattr(base, name)[0], abs=ATOL)


def test_mirroring_flips_facing_and_keeps_every_angle() -> None:
    rng = np.random.default_rng(7)
    seq = np.stack(
        [
            skeleton(trunk=t, thigh=h, shank=s)
            for t, h, s in rng.uniform([-10, -30, -40], [20, 80, 30], size=(12, 3))
        ]
    )
    mirrored = seq.copy()
    mirrored[..., 0] = W - mirrored[..., 0]
    assert G.facing_direction(seq) == ["right"] * 12
    assert G.facing_direction(mirrored) == ["left"] * 12
    a = G.body_angles(seq, side="left", facing="right")
    b = G.body_angles(mirrored, side="left", facing="left")
    for name in G.ANGLE_NAMES:
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), atol=ATOL, err_msg=name)
    assert G.body_angles(mirrored, side="left").facing == "left"


def test_pelvic_obliquity_sign_front_view() -> None:
    lm = np.zeros((33, 2))
    # person facing the camera: their LEFT hip appears on the image right, here 10 px higher
    lm[23], lm[24] = [700.0, 395.0], [600.0, 405.0]
    ang = G.body_angles(lm, facing="right")
    assert ang.pelvic_obliquity[0] == pytest.approx(np.degrees(np.arctan(10 / 100)))
    back_view = lm.copy()
    back_view[[23, 24], 0] = [600.0, 700.0]  # seen from behind: left hip on the image left
    assert G.body_angles(back_view, facing="right").pelvic_obliquity[0] == pytest.approx(
        ang.pelvic_obliquity[0]
    )
    lm[23, 1] = 415.0  # now the left hip is lower
    assert G.body_angles(lm, facing="right").pelvic_obliquity[0] < 0


@given(
    n=st.integers(1, 20),
    d=st.sampled_from([2, 3]),
    side=st.sampled_from(["left", "right"]),
    facing=st.sampled_from(["left", "right"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_body_angles_match_reference_on_random_poses(n, d, side, facing, seed) -> None:
    rng = np.random.default_rng(seed)
    lm = rng.random((n, 33, d))
    lm[rng.random((n, 33)) < 0.05] = np.nan
    got = G.body_angles(lm, side=side, facing=facing, image_size=(W, H))
    want = ref.body_angles(lm, side=side, facing=facing, image_size=(W, H))
    for name in ref.NAMES:
        np.testing.assert_allclose(getattr(got, name), want[name], atol=1e-6, err_msg=name)
    assert G.facing_direction(lm, image_size=(W, H)) == ref.facing(lm, image_size=(W, H))


def test_normalised_landmarks_need_the_image_size() -> None:
    lm = skeleton(trunk=12.0, thigh=30.0, shank=-5.0)
    norm = lm / [W, H]
    px = G.body_angles(lm, facing="right")
    scaled = G.body_angles(norm, facing="right", image_size=(W, H))
    for name in G.ANGLE_NAMES:
        np.testing.assert_allclose(getattr(scaled, name), getattr(px, name), atol=1e-9)
    raw = G.body_angles(norm, facing="right")  # anisotropic units distort the angles
    assert abs(raw.thigh[0] - 30.0) > 1.0
    series = PoseSeries(
        t=np.array([0.0]),
        landmarks=np.concatenate([norm, np.zeros((33, 1))], axis=1)[None],
        world=np.full((1, 33, 3), np.nan),
        visibility=np.ones((1, 33)),
        image_size=(int(W), int(H)),
        n_people=np.ones(1, dtype=np.int64),
    )
    from_series = G.body_angles(series, facing="right")
    np.testing.assert_allclose(from_series.thigh, px.thigh, atol=1e-9)


def test_nan_landmark_gives_nan_only_where_used() -> None:
    lm = skeleton(trunk=5.0, thigh=10.0, shank=0.0)
    lm[27] = np.nan  # left ankle lost
    ang = G.body_angles(lm, side="left", facing="right")
    assert np.isnan(ang.knee[0]) and np.isnan(ang.shank[0]) and np.isnan(ang.body_lean[0])
    assert ang.trunk_lean[0] == pytest.approx(5.0) and ang.thigh[0] == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("shape", "fix"),
    [((10, 32, 3), r"\(n_frames, 33, 2\)"), ((10, 33, 4), "33, 3"), ((33,), "got shape")],
)
def test_body_angles_wrong_shape(shape, fix) -> None:
    with pytest.raises(ValueError, match=fix):
        G.body_angles(np.zeros(shape), facing="right")


def test_body_angles_bad_options() -> None:
    lm = skeleton(trunk=0.0, thigh=0.0, shank=0.0)
    with pytest.raises(ValueError, match="side must be 'left' or 'right'"):
        G.body_angles(lm, side="middle", facing="right")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="facing must be"):
        G.body_angles(lm, facing="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="could not tell"):
        G.body_angles(np.zeros((3, 33, 2)))
    with pytest.raises(ValueError, match="image_size"):
        G.body_angles(lm, facing="right", image_size=(0, 10))


def test_facing_direction_front_view_and_disagreement() -> None:
    lm = skeleton(trunk=0.0, thigh=0.0, shank=0.0)
    front = lm.copy()
    front[7], front[8], front[0] = [600.0, 200.0], [680.0, 200.0], [640.0, 210.0]
    front[[29, 30, 31, 32]] = lm[[27, 28, 27, 28]] + [[0, 5], [0, 5], [0, 25], [0, 25]]
    assert G.facing_direction(front) is None
    confused = lm.copy()
    confused[[31, 32], 0] = lm[[29, 30], 0] - 40.0  # toes point the other way
    assert G.facing_direction(confused) is None
    assert G.dominant_facing(np.stack([lm, lm, confused])) == "right"


# ------------------------------------------------------------------ real video


@pytest.mark.media
def test_facing_agrees_with_walking_direction_on_real_video(sports2d_series: PoseSeries) -> None:
    """Sports2D demo: a person walks side-on across the image. Walking people face where they
    go, so the frame-to-frame hip motion is an independent truth for facing_direction."""
    s = sports2d_series
    facing = G.facing_direction(s)
    sign = np.array([0 if f is None else (1 if f == "right" else -1) for f in facing])
    hip_x = s.pixels[:, [23, 24], 0].mean(axis=1)
    step = np.diff(hip_x)  # px per frame
    moving = (np.abs(step) > 5) & (np.abs(step) < 60)  # walking, not a switch of person
    assert moving.sum() > 60
    decided = moving & (sign[1:] != 0)
    assert decided.sum() >= 0.8 * moving.sum()
    assert np.mean(np.sign(step[decided]) == sign[1:][decided]) >= 0.85
    # mirrored video: every decided frame flips, and the angles stay the same
    w = s.image_size[0]
    mirrored = s.landmarks.copy()
    mirrored[..., 0] = 1.0 - mirrored[..., 0]
    flipped = G.facing_direction(mirrored, image_size=s.image_size)
    flip = {"left": "right", "right": "left", None: None}
    assert flipped == [flip[f] for f in facing]
    a = G.body_angles(s, side="left", facing="left")
    b = G.body_angles(mirrored, side="left", facing="right", image_size=(w, s.image_size[1]))
    for name in G.ANGLE_NAMES:
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), atol=1e-6, err_msg=name)
