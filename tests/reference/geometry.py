"""Pure NumPy references for ``course.analysis.geometry`` (written from the documented
definitions, with different formulas where possible: arccos for joint angles, rotations for
segment angles)."""

from __future__ import annotations

import numpy as np

NAMES = (
    "trunk_lean",
    "thigh",
    "hip_extension",
    "hip_flexion",
    "knee",
    "shank",
    "body_lean",
    "hip_bend",
    "pelvic_obliquity",
)
SIDE = {"left": (11, 23, 25, 27), "right": (12, 24, 26, 28)}


def angle3(a, b, c) -> np.ndarray:
    """Angle at b by arccos of the normalised dot product (degrees)."""
    a, b, c = (np.asarray(p, float) for p in (a, b, c))
    u, v = a - b, c - b
    nu, nv = np.linalg.norm(u, axis=-1), np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    out = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    return np.where((nu == 0) | (nv == 0), np.nan, out)


def _ccw_from(ref_xy: tuple[float, float], d: np.ndarray) -> np.ndarray:
    """Signed screen-counter-clockwise angle (deg) from direction ref to d, y down.

    Flip y to get a right-handed (y up) frame, then the ordinary CCW angle is
    atan2(cross(ref, d), dot(ref, d))."""
    rx, ry = ref_xy[0], -ref_xy[1]
    dx, dy = d[..., 0], -d[..., 1]
    ang = np.degrees(np.arctan2(rx * dy - ry * dx, rx * dx + ry * dy))
    ang = np.where(ang <= -180.0, ang + 360.0, ang)
    return np.where((d[..., 0] == 0) & (d[..., 1] == 0), np.nan, ang)


def segment_angle(p, q, reference: str = "vertical") -> np.ndarray:
    p, q = np.asarray(p, float)[..., :2], np.asarray(q, float)[..., :2]
    ref = (0.0, 1.0) if reference == "vertical" else (1.0, 0.0)
    return _ccw_from(ref, q - p)


def _forward_angle(d: np.ndarray, sign: float, up: bool) -> np.ndarray:
    """Angle from the vertical (up or down) in degrees, + toward the facing direction."""
    d = d.copy()
    d[..., 0] *= sign  # mirror so that forward is +x
    # from "down", + toward +x is screen-CCW; from "up", + toward +x is screen-clockwise
    return -_ccw_from((0.0, -1.0), d) if up else _ccw_from((0.0, 1.0), d)


def body_angles(lm, *, side: str, facing: str, image_size=None) -> dict[str, np.ndarray]:
    lm = np.asarray(lm, float)[..., :2].copy()
    if lm.ndim == 2:
        lm = lm[None]
    if image_size is not None:
        lm *= np.asarray(image_size, float)
    s = 1.0 if facing == "right" else -1.0
    i_sh, i_hip, i_kn, i_an = SIDE[side]
    sh, hip, kn, an = lm[:, i_sh], lm[:, i_hip], lm[:, i_kn], lm[:, i_an]
    trunk = _forward_angle(sh - hip, s, up=True)
    thigh = _forward_angle(kn - hip, s, up=False)
    shank = _forward_angle(an - kn, s, up=False)
    body = _forward_angle(sh - an, s, up=True)
    flex = thigh + trunk
    flex = np.where(flex > 180, flex - 360, np.where(flex <= -180, flex + 360, flex))
    left, right = lm[:, 23], lm[:, 24]
    with np.errstate(invalid="ignore"):
        obl = np.degrees(np.arctan2(right[:, 1] - left[:, 1], np.abs(left[:, 0] - right[:, 0])))
    obl = np.where(np.all(left == right, axis=-1), np.nan, obl)
    return {
        "trunk_lean": trunk,
        "thigh": thigh,
        "hip_extension": angle3(sh, hip, kn),
        "hip_flexion": flex,
        "knee": angle3(hip, kn, an),
        "shank": shank,
        "body_lean": body,
        "hip_bend": trunk - body,
        "pelvic_obliquity": obl,
    }


def facing(lm, image_size=None) -> list[str | None]:
    """The documented two-cue vote, frame by frame."""
    lm = np.asarray(lm, float)[..., :2].copy()
    if lm.ndim == 2:
        lm = lm[None]
    if image_size is not None:
        lm *= np.asarray(image_size, float)
    out: list[str | None] = []
    for f in lm:
        votes = []
        dn = f[0, 0] - 0.5 * (f[7, 0] + f[8, 0])
        sep = abs(f[7, 0] - f[8, 0])
        if np.isfinite(dn) and np.isfinite(sep) and abs(dn) > 0.5 * sep and dn != 0:
            votes.append(np.sign(dn))
        feet = [f[31 + k] - f[29 + k] for k in range(2) if np.all(np.isfinite(f[[29 + k, 31 + k]]))]
        if feet:
            fx, fy = np.sum(feet, axis=0)
            if abs(fx) > abs(fy):
                votes.append(np.sign(fx))
        if not votes or (len(votes) == 2 and votes[0] != votes[1]):
            out.append(None)
        else:
            out.append("right" if votes[0] > 0 else "left")
    return out


# ---------------------------------------------------------------- hand-built poses


def skeleton(
    *,
    trunk: float,
    thigh: float,
    shank: float,
    facing: str = "right",
    side: str = "left",
    hip=(640.0, 360.0),
    lengths=(150.0, 130.0, 120.0),
) -> np.ndarray:
    """A (33, 2) pixel pose with the given segment angles (deg, + forward), built by hand.

    Only the measured side's shoulder/hip/knee/ankle are placed (the other side copies them,
    shifted sideways so the hip line is horizontal); head and feet point forward.
    """
    f = 1.0 if facing == "right" else -1.0
    r = np.radians
    lt, lth, lsh = lengths
    hip = np.asarray(hip, float)
    sh = hip + lt * np.array([f * np.sin(r(trunk)), -np.cos(r(trunk))])  # up is -y
    kn = hip + lth * np.array([f * np.sin(r(thigh)), np.cos(r(thigh))])
    an = kn + lsh * np.array([f * np.sin(r(shank)), np.cos(r(shank))])
    lm = np.zeros((33, 2))
    i = SIDE[side]
    o = SIDE["right" if side == "left" else "left"]
    for idx, p in zip(i, (sh, hip, kn, an), strict=True):
        lm[idx] = p
    for idx, p in zip(o, (sh, hip, kn, an), strict=True):
        lm[idx] = p + np.array([3.0, 0.0])
    head = sh + np.array([0.0, -40.0])
    lm[[7, 8]] = head
    lm[0] = head + np.array([f * 25.0, 5.0])  # nose ahead of the ears
    lm[[29, 30]] = an + np.array([-f * 10.0, 8.0])  # heels behind, toes ahead
    lm[[31, 32]] = an + np.array([f * 20.0, 10.0])
    return lm


def rotate(lm: np.ndarray, deg: float, centre=(640.0, 360.0)) -> np.ndarray:
    """Rotate the image content by ``deg`` counter-clockwise as seen on the screen (y down)."""
    a = np.radians(deg)
    c = np.asarray(centre)
    d = lm[..., :2] - c
    # screen-CCW by a in y-down coordinates: x' = x cos a + y sin a, y' = -x sin a + y cos a
    out = np.stack([d[..., 0] * np.cos(a) + d[..., 1] * np.sin(a),
                    -d[..., 0] * np.sin(a) + d[..., 1] * np.cos(a)], axis=-1)  # fmt: skip
    return out + c
