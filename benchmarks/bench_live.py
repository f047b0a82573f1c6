"""Per-frame live analysis: ``LiveAnalyzer.update`` against a pure NumPy version of the same work.

Row ``live_frame``: one (33, 3) frame -> One-Euro smoothing of all 99 values + the nine named
body angles, including the Python wrapper and the result dataclass (target: <= 20 µs median).
Row ``live_frame_pose``: the same from a ``Pose`` (visibility picks the side, image size scales).
The NumPy version vectorises the One-Euro update over the 99 values and computes the same
angles with NumPy calls; its results are checked against ours before timing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from benchmarks import compare
from course.analysis.live import LiveAnalyzer
from course.schema import Pose

_TWO_PI = 2.0 * math.pi


class NumpyLive:
    """The same per-frame computation in NumPy: One-Euro (Casiez 2012) then the angles."""

    def __init__(self, *, min_cutoff: float, beta: float, d_cutoff: float, side: int, facing: int):
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.idx = (11, 23, 25, 27) if side == 0 else (12, 24, 26, 28)
        self.f = float(facing)
        self.xhat: np.ndarray | None = None
        self.dxhat = np.zeros(0)
        self.t_prev = 0.0

    def update(self, x: np.ndarray, t: float, scale: np.ndarray) -> dict[str, Any]:
        if self.xhat is None:
            self.xhat, self.dxhat = x.copy(), np.zeros_like(x)
        else:
            te = t - self.t_prev
            dx = (x - self.xhat) / te
            rd = _TWO_PI * self.d_cutoff * te
            ad = rd / (1.0 + rd)
            self.dxhat = ad * dx + (1.0 - ad) * self.dxhat
            r = _TWO_PI * (self.min_cutoff + self.beta * np.abs(self.dxhat)) * te
            a = r / (1.0 + r)
            self.xhat = a * x + (1.0 - a) * self.xhat
        self.t_prev = t
        p = self.xhat[:, :2] * scale
        sh, hip, kn, an = p[list(self.idx)]
        f = self.f
        d = np.degrees
        trunk = d(np.arctan2(f * (sh[0] - hip[0]), -(sh[1] - hip[1])))
        thigh = d(np.arctan2(f * (kn[0] - hip[0]), kn[1] - hip[1]))
        shank = d(np.arctan2(f * (an[0] - kn[0]), an[1] - kn[1]))
        body = d(np.arctan2(f * (sh[0] - an[0]), -(sh[1] - an[1])))

        def ang3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
            u, v = a - b, c - b
            return float(d(np.arctan2(abs(u[0] * v[1] - u[1] * v[0]), u @ v)))

        flex = (thigh + trunk + 180.0) % 360.0 - 180.0
        lh, rh = p[23], p[24]
        return {
            "landmarks": self.xhat,
            "trunk_lean": float(trunk),
            "thigh": float(thigh),
            "hip_extension": ang3(sh, hip, kn),
            "hip_flexion": float(flex),
            "knee": ang3(hip, kn, an),
            "shank": float(shank),
            "body_lean": float(body),
            "hip_bend": float(trunk - body),
            "pelvic_obliquity": float(d(np.arctan2(rh[1] - lh[1], abs(lh[0] - rh[0])))),
        }


def _frames(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return 0.5 + 0.002 * np.cumsum(rng.normal(size=(n, 33, 3)), axis=0)


def cases(quick: bool) -> Iterator[dict[str, Any]]:
    frames = _frames(4096)
    size = (640, 480)
    scale = np.array(size, dtype=float)
    ours = LiveAnalyzer(min_cutoff=1.5, beta=0.5, side="left", facing="right", image_size=size)
    ref = NumpyLive(min_cutoff=1.5, beta=0.5, d_cutoff=1.0, side=0, facing=1)

    # same numbers before timing anything
    for i in range(50):
        a, b = ours.update(frames[i], i / 30.0), ref.update(frames[i], i / 30.0, scale)
        assert np.allclose(a.landmarks, b["landmarks"], rtol=1e-12, atol=1e-12)
        for k, v in b.items():
            if k != "landmarks":
                assert math.isclose(getattr(a, k), v, abs_tol=1e-6), k

    state = {"i": 50}

    def step_ours() -> None:
        i = state["i"] = state["i"] + 1
        ours.update(frames[i & 4095], i / 30.0)

    def step_ref() -> None:
        i = state["i"] = state["i"] + 1
        ref.update(frames[i & 4095], i / 30.0, scale)

    row = compare("live_frame", step_ours, step_ref, frame="(33, 3)")
    row["ours_us"] = row["ours_s"] * 1e6
    row["meets_20us"] = row["ours_s"] <= 20e-6
    yield row

    vis = np.full(33, 0.5)
    vis[[11, 23, 25, 27]] = 0.9
    poses = [
        Pose(
            t=0.0,
            landmarks=frames[i],
            world=np.full((33, 3), np.nan),
            visibility=vis,
            presence=np.ones(33),
            image_size=size,
        )
        for i in range(256 if quick else 4096)
    ]
    auto = LiveAnalyzer()
    ref2 = NumpyLive(min_cutoff=1.5, beta=0.5, d_cutoff=1.0, side=0, facing=1)

    def step_pose() -> None:
        i = state["i"] = state["i"] + 1
        auto.update(poses[i % len(poses)], i / 30.0)

    def step_pose_ref() -> None:
        i = state["i"] = state["i"] + 1
        ref2.update(poses[i % len(poses)].landmarks, i / 30.0, scale)

    row = compare("live_frame_pose", step_pose, step_pose_ref, frame="Pose, auto side/facing")
    row["ours_us"] = row["ours_s"] * 1e6
    yield row
