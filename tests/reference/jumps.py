"""Pure NumPy/SciPy reference for the ``course._core.jumps`` kernels and ``analyze_jump``.

Written independently of the C++ loops: vectorised scans, ``scipy.integrate`` for the
impulse-momentum integration. Conventions match the documented ones of the wrapper.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import cumulative_trapezoid

from course.constants import G


def window_stats(f: np.ndarray, i0: int, i1: int) -> tuple[float, float]:
    seg = f[i0:i1]
    return float(seg.mean()), float(seg.std(ddof=1)) if seg.size > 1 else 0.0


def find_onset(
    f: np.ndarray, start: int, baseline: float, threshold: float, backtrack: int
) -> tuple[int, int]:
    hits = np.flatnonzero(np.abs(f[start:] - baseline) > threshold)
    if hits.size == 0:
        return -1, -1
    det = start + int(hits[0])
    if backtrack >= 0:
        return max(det - backtrack, start), det
    side = 1.0 if f[det] > baseline else -1.0
    other = np.flatnonzero((f[start:det] - baseline) * side <= 0)  # not on the detection side
    return (start + int(other[-1]) if other.size else start), det


def first_run(f: np.ndarray, start: int, threshold: float, above: bool, min_len: int) -> int:
    ok = (f[start:] >= threshold) if above else (f[start:] < threshold)
    if ok.size < min_len:
        return -1
    full = np.flatnonzero(np.convolve(ok.astype(int), np.ones(min_len, int), "valid") == min_len)
    return start + int(full[0]) if full.size else -1


def find_flight(
    f: np.ndarray, start: int, threshold: float, min_flight: int, min_contact: int
) -> tuple[int, int]:
    """Take-off: first unloaded sample whose next sustained contact starts >= min_flight later."""
    below = start + np.flatnonzero(f[start:] < threshold)
    loaded = (f >= threshold).astype(int)
    if f.size >= min_contact:
        sums = np.convolve(loaded, np.ones(min_contact, int), "valid")
        contacts = np.flatnonzero(sums == min_contact)  # starts of sustained contacts
    else:
        contacts = np.zeros(0, int)
    k = 0
    while k < below.size:
        cand = int(below[k])
        after = contacts[contacts >= cand]
        if after.size == 0:
            return (cand, -1) if f.size - cand >= min_flight else (-1, -1)
        land = int(after[0])
        if land - cand >= min_flight:
            return cand, land
        k = int(np.searchsorted(below, land + min_contact))
    return -1, -1


def kinematics(
    f: np.ndarray,
    fs: float,
    mass: float,
    weight: float,
    i0: int,
    i1: int,
    v0: float,
    lead_in: float = 0.0,
    lead_out: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points: touchdown (if lead_in > 0, 0 N), samples i0..i1, take-off (0 N) lead_out later."""
    t = np.arange(i0, i1 + 1) / fs
    seg = f[i0 : i1 + 1]
    if lead_in > 0:
        t, seg = np.r_[t[0] - lead_in, t], np.r_[0.0, seg]
    t, seg = np.r_[t, t[-1] + lead_out], np.r_[seg, 0.0]
    v = v0 + cumulative_trapezoid((seg - weight) / mass, x=t, initial=0.0)
    s = cumulative_trapezoid(v, x=t, initial=0.0)
    return v, s, seg * v


def zero_lead(f: np.ndarray, near: int, far: int, outside: int, fs: float) -> float:
    """Seconds from sample ``near`` to the root of the line through ``far`` and ``near``."""
    a, b, c = f[near], f[far], f[outside]
    if a <= 0:
        return 0.0
    if b > a:  # root of the line through (far, b) and (near, a), in samples after near
        slope, intercept = np.polyfit([0.0, 1.0], [b, a], 1)
        steps = -intercept / slope - 1.0
    elif c < a:  # linear from near to the outside sample, at most one sample
        steps = float(np.interp(0.0, [c, a], [1.0, 0.0]))
    else:
        steps = 0.0
    return float(min(steps / fs, 0.010))


def peak_rfd(f: np.ndarray, fs: float, i0: int, i1: int, window: int) -> tuple[float, int]:
    if i1 - i0 < window:
        return math.nan, -1
    d = (f[i0 + window : i1 + 1] - f[i0 : i1 + 1 - window]) * fs / window
    k = int(np.argmax(d))
    return float(d[k]), i0 + k


def crossing_time(f: np.ndarray, i: int, threshold: float, fs: float) -> float:
    if i <= 0:
        return 0.0
    return (
        float(
            np.interp(
                threshold, sorted([f[i - 1], f[i]]), [i - 1, i] if f[i] > f[i - 1] else [i, i - 1]
            )
        )
        / fs
    )


def analyze_jump(
    f: np.ndarray,
    fs: float,
    *,
    kind: str = "cmj",
    quiet_window: tuple[float, float] = (0.0, 1.0),
    body_mass: float | None = None,
    drop_height: float | None = None,
    onset_sd: float = 5.0,
    threshold: float = 20.0,
    min_flight_time: float = 0.05,
) -> dict[str, float]:
    """Main numbers of one jump (heights in m, times in s, force N, power W)."""
    min_flight = max(1, round(min_flight_time * fs))
    min_contact = max(1, round(0.010 * fs))
    if kind == "dj" and body_mass is not None:
        weight = body_mass * G
        start = detect = first_run(f, 0, threshold, True, min_contact)
        t_start = crossing_time(f, start, threshold, fs)
        i0 = start
    else:
        q0, q1 = round(quiet_window[0] * fs), round(quiet_window[1] * fs)
        weight, sd = window_stats(f, q0, q1)
        if kind == "dj":
            start = detect = first_run(f, 0, threshold, True, min_contact)
            t_start = crossing_time(f, start, threshold, fs)
            i0 = start
        else:
            start, detect = find_onset(f, q1, weight, onset_sd * sd, -1)
            t_start, i0 = start / fs, start
    takeoff, landing = find_flight(f, detect, threshold, min_flight, min_contact)
    t_to = crossing_time(f, takeoff, threshold, fs)
    t_land = crossing_time(f, landing, threshold, fs)
    out = {
        "onset": t_start,
        "takeoff": t_to,
        "landing": t_land,
        "flight_time": t_land - t_to,
        "height_flight_time": G * (t_land - t_to) ** 2 / 8,
        "peak_force": float(f[start : takeoff + 1].max()),
    }
    v0 = 0.0 if kind != "dj" else (None if drop_height is None else -math.sqrt(2 * G * drop_height))
    if v0 is not None:
        i1 = takeoff - 1
        lead_out = zero_lead(f, i1, max(i1 - 1, 0), takeoff, fs)
        lead_in = zero_lead(f, i0, i0 + 1, i0 - 1, fs) if kind == "dj" and i0 > 0 else 0.0
        v, _s, p = kinematics(f, fs, weight / G, weight, i0, i1, v0, lead_in, lead_out)
        out["takeoff_velocity"] = float(v[-1])
        out["height_impulse"] = float(v[-1] ** 2 / (2 * G))
        out["peak_power"] = float(p.max())
    if kind == "dj":
        out["contact_time"] = t_to - t_start
    return out
