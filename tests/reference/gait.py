"""Pure NumPy reference for course._core.gait.contacts (foot-height stance detection).

Written independently from the C++ loop, with NumPy run-length encoding and ``np.polyfit``: a
stance is a run of frames with ``h <= contact_height`` (NaN breaks runs; runs at most ``merge_gap``
apart merge) lasting at least ``min_contact`` unless cut by the clip's ends or NaN. Baseline: the
lower quartile (by rank) of the run, or its minimum for a cut run (dropped if that minimum sits
only at the cut edge). Contact: a least-squares line through the frame before the run (if seen)
up to the first frame at or below ``event_height``, solved for the baseline and clipped between the
frame before that one and the first frame at the baseline; toe-off mirrors it. NaN when the frame
outside the event is missing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _line_time(
    t: FloatArray,
    h: FloatArray,
    lo: int,
    hi: int,
    base: float,
    sign: int,
    bounds: tuple[float, float],
    fallback: float,
) -> float:
    """Least-squares line through frames lo..hi, solved for h = base, clipped to bounds."""
    slope, intercept = np.polyfit(t[lo : hi + 1], h[lo : hi + 1], 1)
    if not slope * sign > 0:
        return fallback
    return float(np.clip((base - intercept) / slope, *bounds))


def contacts(
    t: FloatArray,
    h: FloatArray,
    contact_height: float,
    event_height: float,
    min_contact: float,
    merge_gap: float,
) -> FloatArray:
    runs: list[tuple[int, int]] = []
    for i, j in _runs(~np.isnan(h) & (h <= contact_height)):
        if runs:
            pi, pj = runs[-1]
            if not np.isnan(h[pj + 1 : i]).any() and t[i] - t[pj] <= merge_gap:
                runs[-1] = (pi, j)
                continue
        runs.append((i, j))
    rows = []
    for i, j in runs:
        cut_start = i == 0 or bool(np.isnan(h[i - 1]))
        cut_end = j == h.size - 1 or bool(np.isnan(h[j + 1]))
        cut = cut_start or cut_end
        if not cut and t[j] - t[i] + 1e-12 < min_contact:
            continue
        seg = h[i : j + 1]
        base = float(seg.min()) if cut else float(np.sort(seg)[(seg.size - 1) // 4])
        if cut:
            lowest = set((i + np.flatnonzero(seg == base)).tolist())
            if cut_start:
                lowest.discard(i)
            if cut_end:
                lowest.discard(j)
            if not lowest:  # the lowest point is only at the cut edge: no stance seen
                continue
        low = np.flatnonzero(seg <= event_height)
        a, b = (i + int(low[0]), i + int(low[-1])) if low.size else (i, j)
        at_base = i + np.flatnonzero(seg <= base)  # never empty: base is one of them
        c = max(int(at_base[at_base >= a][0]) if np.any(at_base >= a) else j, a)
        d = min(int(at_base[at_base <= b][-1]) if np.any(at_base <= b) else i, b)
        seen = ~np.isnan(h)
        ic = to = float("nan")
        if a - 1 >= 0 and seen[a - 1]:
            lo = i - 1 if i >= 1 and seen[i - 1] else i
            ic = _line_time(t, h, min(lo, a - 1), a, base, -1, (t[a - 1], t[c]), float(t[a]))
        if b + 1 < h.size and seen[b + 1]:
            hi = j + 1 if j + 1 < h.size and seen[j + 1] else j
            to = _line_time(t, h, b, max(hi, b + 1), base, 1, (t[d], t[b + 1]), float(t[b]))
        rows.append([ic, to, i, j])
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def extrema(t: FloatArray, x: FloatArray, delta: float) -> FloatArray:
    """Billauer's peakdet, written as a small state machine over NaN-free stretches.

    Maxima and minima alternate; each must stand out by ``delta`` from the extremum before it and
    be followed by a move of ``delta`` the other way. The first extremum of a stretch only sets
    the direction. Times are refined with ``np.polyfit`` parabolas through three samples.
    """
    rows: list[list[float]] = []
    finite = ~np.isnan(x)
    padded = np.concatenate([[False], finite, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        hi = lo = start
        state = 0
        for i in range(start, stop):
            if x[i] > x[hi]:
                hi = i
            if x[i] < x[lo]:
                lo = i
            if state >= 0 and x[i] < x[hi] - delta:
                if state == 1:
                    rows.append([_vertex(t, x, hi), 1.0])
                state, lo = -1, i
            elif state <= 0 and x[i] > x[lo] + delta:
                if state == -1:
                    rows.append([_vertex(t, x, lo), -1.0])
                state, hi = 1, i
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def _vertex(t: FloatArray, x: FloatArray, i: int) -> float:
    if i == 0 or i + 1 >= x.size or np.isnan(x[i - 1]) or np.isnan(x[i + 1]):
        return float(t[i])
    a, b, _ = np.polyfit(t[i - 1 : i + 2] - t[i], x[i - 1 : i + 2], 2)
    if a == 0 or not np.isfinite(a):
        return float(t[i])
    return float(np.clip(t[i] - b / (2 * a), t[i - 1], t[i + 1]))
