"""Morin's sine-wave spring-mass model (private: import from :mod:`course.analysis.springmass`).

Morin et al. (2005, J Appl Biomech 21:167): the vertical force during contact is a half sine whose
impulse supports body weight over the whole step; peak force, centre-of-mass drop, leg compression
and stiffness follow from contact time, flight time, speed, mass and leg length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from course.constants import G
from course.validation import FloatArray, positive

"""Gravitational acceleration used by default, m/s²."""


@dataclass(frozen=True)
class SineWaveModel:
    """Result of :func:`sine_wave_model` (floats, or arrays when the inputs were arrays).

    Attributes
    ----------
    f_max
        Peak vertical ground reaction force, N.
    f_max_bw
        The same in body weights (``f_max / (m g)``), dimensionless.
    dy_c
        Downward displacement of the centre of mass during stance, m.
    dl
        Peak leg compression, m.
    k_vert
        Vertical stiffness ``f_max / dy_c``, N/m.
    k_leg
        Leg stiffness ``f_max / dl``, N/m.
    step_time
        Contact time plus flight time, s.
    step_frequency
        Steps per second, Hz (multiply by 60 for the cadence in steps/min).
    """

    f_max: Any
    f_max_bw: Any
    dy_c: Any
    dl: Any
    k_vert: Any
    k_leg: Any
    step_time: Any
    step_frequency: Any


def _nonneg_array(value: Any, name: str, unit: str, *, strict: bool) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    bad = ~np.isfinite(arr) | ((arr <= 0) if strict else (arr < 0))
    if np.any(bad):
        first = arr.reshape(-1)[int(np.flatnonzero(bad.reshape(-1))[0])]
        need = "positive" if strict else "non-negative"
        raise ValueError(f"{name} must be a {need}, finite number in {unit}; got {first!r}.")
    return arr


def sine_wave_model(
    mass: Any,
    speed: Any,
    contact_time: Any,
    flight_time: Any,
    leg_length: Any,
    *,
    gravity: float = G,
) -> SineWaveModel:
    """Estimate peak force and stiffness of running from times (Morin et al. 2005).

    The vertical force is modelled as a half sine over contact whose impulse supports body weight
    over the whole step: ``F_max = m g (π/2)(t_f/t_c + 1)``; the centre of mass drops
    ``Δy_c = F_max t_c² / (m π²) − g t_c² / 8``; the leg compresses
    ``ΔL = L − √(L² − (v t_c / 2)²) + Δy_c``; ``k_vert = F_max/Δy_c`` and ``k_leg = F_max/ΔL``.
    Valid on level ground only. Inputs broadcast like NumPy arrays.

    Parameters
    ----------
    mass
        Body mass, kg.
    speed
        Running speed, m/s.
    contact_time
        Ground contact time per step, s.
    flight_time
        Aerial time per step, s (0 allowed).
    leg_length
        Leg length (greater trochanter to ground when standing), m.
    gravity
        Gravitational acceleration, m/s².

    Returns
    -------
    SineWaveModel
        ``f_max`` (N), ``f_max_bw``, ``dy_c`` (m), ``dl`` (m), ``k_vert`` and ``k_leg`` (N/m),
        ``step_time`` (s), ``step_frequency`` (Hz).

    Raises
    ------
    ValueError
        For non-positive mass, times or length, or when half the distance travelled during
        contact (``v t_c / 2``) is not shorter than the leg.

    Examples
    --------
    >>> r = sine_wave_model(mass=70, speed=4.0, contact_time=0.2, flight_time=0.12, leg_length=0.9)
    >>> round(r.f_max_bw, 2), round(r.k_leg / 1000, 1)
    (2.51, 11.9)
    """
    m = _nonneg_array(mass, "mass", "kg", strict=True)
    v = _nonneg_array(speed, "speed", "m/s", strict=False)
    tc = _nonneg_array(contact_time, "contact_time", "s", strict=True)
    tf = _nonneg_array(flight_time, "flight_time", "s", strict=False)
    L = _nonneg_array(leg_length, "leg_length", "m", strict=True)
    g = positive(gravity, "gravity", "m/s²")
    half = v * tc / 2.0
    if np.any(half >= L):
        raise ValueError(
            "speed * contact_time / 2 (half the distance covered during contact, m) must be "
            f"shorter than leg_length; got {np.max(half)!r} m for a leg of {np.min(L)!r} m. "
            "Check the units: contact_time in seconds (e.g. 0.2), speed in m/s, leg_length in m."
        )
    f_max = m * g * (np.pi / 2.0) * (tf / tc + 1.0)
    dy_c = f_max * tc**2 / (m * np.pi**2) - g * tc**2 / 8.0
    dl = L - np.sqrt(L**2 - half**2) + dy_c
    step = tc + tf

    def out(a: FloatArray) -> Any:
        return float(a) if a.ndim == 0 else a

    return SineWaveModel(
        f_max=out(f_max),
        f_max_bw=out(f_max / (m * g)),
        dy_c=out(dy_c),
        dl=out(dl),
        k_vert=out(f_max / dy_c),
        k_leg=out(f_max / dl),
        step_time=out(step),
        step_frequency=out(1.0 / step),
    )


@dataclass(frozen=True)
class SineWaveForce:
    """Half-sine vertical force over several steps (result of :func:`sine_wave_force`).

    Attributes
    ----------
    t
        Sample times, s, from 0 (first touchdown) in steps of ``1/fs``.
    fy
        Vertical ground reaction force, N (0 in flight).
    f_max
        Peak force, N.
    contact_time, flight_time
        Times per step, s.
    impulse_per_step
        Exact vertical impulse of one contact, ``2 f_max t_c / π``, N·s. It equals the body-weight
        impulse over a whole step, ``m g (t_c + t_f)``.
    """

    t: FloatArray
    fy: FloatArray
    f_max: float
    contact_time: float
    flight_time: float
    impulse_per_step: float


def sine_wave_force(
    *,
    mass: float,
    contact_time: float,
    flight_time: float,
    n_steps: int,
    fs: float = 1000.0,
    gravity: float = G,
) -> SineWaveForce:
    """Vertical force trace of the sine-wave model over ``n_steps`` steps (contact then flight).

    Parameters
    ----------
    mass
        Body mass, kg.
    contact_time
        Contact time per step, s.
    flight_time
        Flight time per step, s (0 allowed).
    n_steps
        Number of steps (each a contact followed by a flight).
    fs
        Sampling rate of the output, Hz.
    gravity
        Gravitational acceleration, m/s².

    Returns
    -------
    SineWaveForce
        Times (s) and forces (N); the impulse per contact equals ``m g (t_c + t_f)``.

    Examples
    --------
    >>> f = sine_wave_force(mass=70, contact_time=0.2, flight_time=0.1, n_steps=3)
    >>> f.t.shape, round(f.impulse_per_step / (70 * 9.80665 * 0.3), 12)
    ((901,), 1.0)
    """
    m = positive(mass, "mass", "kg")
    tc = positive(contact_time, "contact_time", "s")
    tf = float(_nonneg_array(flight_time, "flight_time", "s", strict=False))
    rate = positive(fs, "fs", "Hz")
    g = positive(gravity, "gravity", "m/s²")
    n = _count(n_steps, "n_steps", upper=10_000)
    step = tc + tf
    n_samples = math.floor(n * step * rate + 1e-9) + 1
    if n_samples > 20_000_000:
        raise ValueError(f"that would be {n_samples} samples; lower fs or n_steps.")
    t = np.arange(n_samples, dtype=np.float64) / rate
    f_max = m * g * (np.pi / 2.0) * (tf / tc + 1.0)
    phase = t - np.floor(t / step + 1e-12) * step
    phase = np.where(phase < 0, 0.0, phase)
    fy = np.where(phase < tc, f_max * np.sin(np.pi * np.clip(phase, 0, tc) / tc), 0.0)
    return SineWaveForce(
        t=t,
        fy=fy,
        f_max=float(f_max),
        contact_time=tc,
        flight_time=tf,
        impulse_per_step=float(2.0 * f_max * tc / np.pi),
    )


def _count(value: Any, name: str, *, upper: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number; got {value!r}.")
    if not 1 <= int(value) <= upper:
        raise ValueError(f"{name} must be between 1 and {upper}; got {value}.")
    return int(value)
