"""Do browser-mode and kernel-mode landmarks agree on the same clip?

The fake camera plays a short clip in a loop, and each mode records a take of what it analysed
(landmarks and the frames' times). The two takes never see exactly the same camera frames, so
each is first placed on the clip: frame ``k`` of the loop was captured at ``t = (k + phase) /
fps`` for one unknown ``phase``, fitted against the kernel's own tracker run on the clip's frames
(``reference``). The clocks jitter by a few ms and a frame lasts 33 ms, so each recorded frame is
then matched to the nearest of its predicted clip frame and that frame's two neighbours (which
makes the distances a little optimistic). Then, for every clip frame both modes saw, the median
position of each landmark in one mode is compared with the other: the median of those
distances, in px of the captured picture, is the agreement.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> ref = rng.uniform(0.2, 0.8, (10, 33, 2))
>>> t = np.arange(40) / 30.0  # 40 frames of a 10-frame loop, the first is the loop's frame 3
>>> take = Take(t, ref[(np.arange(40) + 3) % 10], np.ones((40, 33)))
>>> placed = place(take, ref, fps=30.0)
>>> placed.index[:4].tolist(), placed.median_px((640, 480), ref) < 1e-9
([3, 4, 5, 6], True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Landmarks compared: shoulders to feet, as in ``frame_accuracy``.
BODY = slice(11, 33)


@dataclass(frozen=True)
class Take:
    """Landmarks a mode recorded: times ``(n,)`` s, ``(n, 33, 2)`` normalised x, y, visibility."""

    t: NDArray[np.float64]
    xy: NDArray[np.float64]
    visibility: NDArray[np.float64]


@dataclass(frozen=True)
class Placed:
    """A take placed on the clip: each frame's index in the loop, and its landmarks."""

    phase: float
    index: NDArray[np.int64]
    take: Take

    def per_clip_frame(self, n: int) -> NDArray[np.float64]:
        """``(n, 33, 2)`` median landmarks of each clip frame over its visits (NaN if unseen)."""
        out = np.full((n, 33, 2), np.nan)
        seen = np.isfinite(self.take.xy[:, 0, 0]) & (self.take.visibility[:, BODY].min(1) >= 0)
        for k in range(n):
            rows = self.take.xy[(self.index == k) & seen]
            if len(rows):
                out[k] = np.median(rows, axis=0)
        return out

    def median_px(self, size: tuple[int, int], reference: NDArray[np.float64]) -> float:
        """Median distance, px of ``size``, of every recorded frame to the reference frame."""
        d = _dist(self.take.xy, reference[self.index], size)
        return float(np.nanmedian(d))


def _dist(
    a: NDArray[np.float64], b: NDArray[np.float64], size: tuple[int, int]
) -> NDArray[np.float64]:
    scale = np.asarray(size, dtype=np.float64)
    return np.asarray(np.linalg.norm((a[:, BODY] - b[:, BODY]) * scale, axis=-1))


def place(take: Take, reference: NDArray[np.float64], *, fps: float, steps: int = 20) -> Placed:
    """Fit the loop phase of ``take`` against ``reference`` ``(n, 33, 2)`` (the clip's frames).

    Phases from 0 to ``n`` are tried in steps of ``1 / steps`` frame; the one whose frames lie
    nearest the reference (median over landmarks and frames) wins.
    """
    n = len(reference)
    best: tuple[float, float, NDArray[np.int64]] | None = None
    for phase in np.arange(0, n, 1 / steps):
        index = np.round(take.t * fps + phase).astype(np.int64) % n
        err = float(np.nanmedian(_dist(take.xy, reference[index], (1, 1))))
        if best is None or err < best[0]:
            best = (err, float(phase), index)
    assert best is not None
    # a frame's time identifies it to within one frame (the camera's and the page's clocks
    # jitter by a few ms, a frame lasts 33 ms): take the nearest of the three candidates
    index = best[2]
    candidates = np.stack([(index + d) % n for d in (-1, 0, 1)])
    errs = np.stack(
        [np.nanmedian(_dist(take.xy, reference[c], (1, 1)), axis=1) for c in candidates]
    )
    errs = np.where(np.isnan(errs), np.inf, errs)
    pick = np.argmin(errs, axis=0)
    return Placed(best[1], candidates[pick, np.arange(len(index))], take)


def agreement_px(a: Placed, b: Placed, n: int, size: tuple[int, int]) -> tuple[float, int]:
    """Median distance, px of ``size``, between two placed takes on the clip frames both saw.

    Returns the median and the number of clip frames compared.
    """
    pa, pb = a.per_clip_frame(n), b.per_clip_frame(n)
    both = np.isfinite(pa[:, 0, 0]) & np.isfinite(pb[:, 0, 0])
    if not both.any():
        return float("nan"), 0
    return float(np.nanmedian(_dist(pa[both], pb[both], size))), int(both.sum())
