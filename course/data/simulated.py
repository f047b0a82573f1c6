"""Simulated vertical force traces of jumps, built from physics so the true answers are known.

Every trace here is **simulated**, not measured. Each generator prescribes the vertical ground
reaction force ``F(t)`` of a jump as a few smooth pieces whose impulses have closed forms, so the
take-off velocity follows exactly from the impulse-momentum theorem,
``v_to = v_0 + ∫(F − m·g) dt / m``, and the jump height from ``h = v_to² / (2g)``. The flight is
ballistic (``F = 0``), the landing brings the centre of mass (CoM) back to rest, and seeded
Gaussian noise mimics a force plate. Tests use these traces to check that
:func:`course.analysis.jumps.analyze_jump` recovers the known height; lessons use them to show how
the shape of the force curve sets the height.

Knobs and what they teach (countermovement and squat jumps):

- ``peak_force`` (N): the plateau the push reaches. More force for the same push time → more
  impulse → a higher jump.
- ``time_to_peak`` (s): how long the force takes to rise from body weight to the peak; the mean
  rate of force development (RFD) of the rise is ``(peak_force − m·g) / time_to_peak``. With
  ``push_duration`` fixed, **the same peak force reached sooner gives a higher jump**: the force
  spends longer at its peak, so the impulse is larger.
- ``push_duration`` (s): time from the end of the unweighting (force back at body weight) to
  take-off. A longer push at the same force → more impulse.

Give ``height`` to get a jump of that height: the generator then solves for ``peak_force`` (or,
if you fix ``peak_force``, for ``push_duration``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from course.analysis._checks import positive

FloatArray = NDArray[np.float64]

#: Standard gravity in m/s², the value used by every jump calculation in the course.
G = 9.80665

_RELEASE_TIME = 0.08  # s, fall from the peak force to zero at take-off (quarter cosine)
_LANDING_RISE = 0.03  # s, touchdown to landing peak force (quarter sine)
_LANDING_DECAY = 0.15  # s, landing peak back to body weight (half cosine)


@dataclass(frozen=True, eq=False)
class SimulatedJump:
    """A simulated (not measured) vertical force trace of one jump, with its true answers.

    Attributes
    ----------
    t
        Sample times in s, starting at 0.
    force
        Vertical ground reaction force in N (with the simulated plate noise).
    fs
        Sampling rate in Hz.
    mass
        Body mass in kg.
    true_height
        Rise of the centre of mass after take-off, ``v_to² / (2g)``, in m.
    true_takeoff_velocity
        Vertical CoM velocity at take-off in m/s.
    true_events
        Exact times in s of ``"onset"`` (movement start; for a drop jump ``"contact"``),
        ``"takeoff"`` and ``"landing"``.
    kind
        ``"cmj"``, ``"sj"`` or ``"dj"``.
    true_flight_time
        Time in the air in s (longer than ``2·v_to/g`` if ``landing_offset`` > 0).
    quiet_window
        ``(start, stop)`` in s of a stretch of quiet standing in the trace, for body weight.
    parameters
        Every knob used to build the trace (SI units), including the solved ones.
    label
        Always ``"simulated"``; shown next to plots made from this trace.
    """

    t: FloatArray
    force: FloatArray
    fs: float
    mass: float
    true_height: float
    true_takeoff_velocity: float
    true_events: Mapping[str, float]
    kind: str
    true_flight_time: float
    quiet_window: tuple[float, float]
    parameters: Mapping[str, float] = field(default_factory=dict)
    label: str = "simulated"


def _landing_peak(mass: float, landing_speed: float) -> float:
    """Landing peak force (N) that stops a CoM arriving at ``landing_speed`` (m/s)."""
    w = mass * G
    return (mass * landing_speed + w * (_LANDING_RISE + _LANDING_DECAY / 2)) / (
        2 * _LANDING_RISE / math.pi + _LANDING_DECAY / 2
    )


def _push_impulse(weight: float, peak: float, rise: float, plateau: float) -> float:
    """Net impulse (N·s) of rise (half cosine), plateau and release (quarter cosine)."""
    return (
        (peak - weight) * (rise / 2 + plateau) + peak * 2 * _RELEASE_TIME / math.pi
    ) - weight * _RELEASE_TIME


def _push_force(
    s: FloatArray, weight: float, peak: float, rise: float, plateau: float
) -> FloatArray:
    """Force (N) of the push at times ``s`` (s) from its start: rise, plateau, release to 0."""
    out = np.empty_like(s)
    r = s < rise
    out[r] = weight + (peak - weight) * (1 - np.cos(np.pi * s[r] / rise)) / 2
    p = (s >= rise) & (s < rise + plateau)
    out[p] = peak
    q = s >= rise + plateau
    out[q] = peak * np.cos(np.pi / 2 * np.clip((s[q] - rise - plateau) / _RELEASE_TIME, 0, 1))
    return out


def _landing_force(s: FloatArray, weight: float, peak: float) -> FloatArray:
    """Force (N) at ``s`` s after touchdown: quarter-sine rise, half-cosine decay, weight."""
    out = np.full_like(s, weight)
    r = s < _LANDING_RISE
    out[r] = peak * np.sin(np.pi / 2 * s[r] / _LANDING_RISE)
    d = (s >= _LANDING_RISE) & (s < _LANDING_RISE + _LANDING_DECAY)
    out[d] = (
        weight + (peak - weight) * (1 + np.cos(np.pi * (s[d] - _LANDING_RISE) / _LANDING_DECAY)) / 2
    )
    return out


def _flight_time(v_to: float, landing_offset: float) -> float:
    """Time (s) until the CoM is ``landing_offset`` m below its take-off height."""
    return (v_to + math.sqrt(v_to**2 + 2 * G * landing_offset)) / G


def _solve_push(
    *,
    mass: float,
    v_start: float,
    height: float | None,
    peak_force: float | None,
    time_to_peak: float,
    push_duration: float | None,
    default_peak_bw: float,
    default_push: float,
) -> tuple[float, float]:
    """Return ``(peak_force, push_duration)`` consistent with the targets, or raise."""
    w = mass * G
    if height is None:
        peak = (
            default_peak_bw * w if peak_force is None else positive(peak_force, "peak_force", "N")
        )
        push = (
            default_push if push_duration is None else positive(push_duration, "push_duration", "s")
        )
    else:
        need = mass * (math.sqrt(2 * G * positive(height, "height", "m")) - v_start)
        if peak_force is None:
            push = (
                default_push
                if push_duration is None
                else positive(push_duration, "push_duration", "s")
            )
            plateau = push - time_to_peak - _RELEASE_TIME
            peak = (need + w * (time_to_peak / 2 + plateau + _RELEASE_TIME)) / (
                time_to_peak / 2 + plateau + 2 * _RELEASE_TIME / math.pi
            )
        elif push_duration is None:
            peak = positive(peak_force, "peak_force", "N")
            if peak <= w:
                raise ValueError(
                    f"peak_force must exceed body weight ({w:.0f} N) to jump; got {peak:.0f} N."
                )
            plateau = (need - (2 * peak / math.pi - w) * _RELEASE_TIME) / (
                peak - w
            ) - time_to_peak / 2
            push = plateau + time_to_peak + _RELEASE_TIME
        else:
            raise ValueError(
                "height, peak_force and push_duration are over-determined; leave peak_force or "
                "push_duration as None so the generator can solve for it."
            )
    plateau = push - time_to_peak - _RELEASE_TIME
    if plateau < -1e-12:
        raise ValueError(
            f"the push is too short: push_duration {push:.3f} s must be at least time_to_peak "
            f"({time_to_peak:.3f} s) + {_RELEASE_TIME} s release. Lower time_to_peak, raise "
            "peak_force, or ask for a lower height."
        )
    if peak <= w:
        raise ValueError(
            f"this jump needs a peak force above body weight ({w:.0f} N); the solution was "
            f"{peak:.0f} N. Ask for a higher jump or a shorter push_duration."
        )
    return peak, push


def _finish(
    kind: str,
    *,
    pre: FloatArray,
    mass: float,
    v_to: float,
    landing_offset: float,
    after: float,
    fs: float,
    noise_sd: float,
    seed: int,
    events: dict[str, float],
    params: dict[str, float],
    quiet_window: tuple[float, float] | None,
) -> SimulatedJump:
    """Append flight and landing to ``pre`` (forces up to take-off), add noise, package."""
    if v_to <= 0:
        raise ValueError(
            f"the push does not leave the ground (take-off velocity {v_to:.3f} m/s); raise "
            "peak_force or push_duration."
        )
    w = mass * G
    t_to = events["takeoff"]
    t_f = _flight_time(v_to, landing_offset)
    t_land = t_to + t_f
    v_land = math.sqrt(v_to**2 + 2 * G * landing_offset)
    n = math.floor((t_land + _LANDING_RISE + _LANDING_DECAY + after) * fs) + 1
    t = np.arange(n) / fs
    force = np.zeros(n)
    force[: pre.size] = pre
    land = t >= t_land
    force[land] = _landing_force(t[land] - t_land, w, _landing_peak(mass, v_land))
    if noise_sd < 0 or not math.isfinite(noise_sd):
        raise ValueError(f"noise_sd must be a finite number >= 0 in N; got {noise_sd!r}.")
    force = force + np.random.default_rng(seed).normal(0.0, noise_sd, n)
    events["landing"] = t_land
    if quiet_window is None:
        quiet_window = (float(t[-1]) - after + 0.1, float(t[-1]))
    params.update(mass=mass, fs=fs, noise_sd=noise_sd, seed=seed, landing_offset=landing_offset)
    return SimulatedJump(
        t=t,
        force=force,
        fs=fs,
        mass=mass,
        true_height=v_to**2 / (2 * G),
        true_takeoff_velocity=v_to,
        true_events=events,
        kind=kind,
        true_flight_time=t_f,
        quiet_window=quiet_window,
        parameters=params,
    )


def simulate_cmj(
    *,
    mass: float = 70.0,
    height: float | None = None,
    peak_force: float | None = None,
    time_to_peak: float | None = None,
    push_duration: float | None = None,
    unweighting_depth: float = 0.5,
    unweighting_time: float = 0.35,
    quiet_time: float = 1.5,
    landing_offset: float = 0.0,
    fs: float = 1000.0,
    noise_sd: float = 2.0,
    seed: int = 0,
) -> SimulatedJump:
    """Simulate the vertical force of a countermovement jump (CMJ) with a known height.

    The trace is simulated, not measured: quiet standing, an unweighting dip (force falls by
    ``unweighting_depth`` body weights and returns, a ``sin²`` bump of ``unweighting_time``), then
    the push (half-cosine rise from body weight to ``peak_force`` in ``time_to_peak``, a plateau,
    and a quarter-cosine fall to 0 N over 0.08 s at take-off), a ballistic flight, a landing that
    stops the body, and quiet standing. See the module docstring for what each knob teaches.

    Parameters
    ----------
    mass
        Body mass in kg.
    height
        Target jump height (CoM rise after take-off) in m. None: the height follows from the
        force knobs. Given: ``peak_force`` is solved for (or ``push_duration`` if you fix
        ``peak_force``).
    peak_force
        Plateau force of the push in N (default 2.2 body weights when ``height`` is None).
    time_to_peak
        Rise time in s from body weight to the peak force (default 0.15 s).
    push_duration
        Time in s from the end of the unweighting to take-off (default 0.40 s).
    unweighting_depth
        Depth of the unweighting dip as a fraction of body weight, in [0, 1).
    unweighting_time
        Duration of the unweighting dip in s.
    quiet_time
        Quiet standing before the movement in s.
    landing_offset
        How much lower (m) the CoM is at touchdown than at take-off; > 0 mimics a flexed-knee
        landing, which lengthens the flight and inflates the flight-time height.
    fs
        Sampling rate in Hz.
    noise_sd
        Standard deviation of the added Gaussian plate noise in N.
    seed
        Seed of the noise generator (the trace is deterministic for a given seed).

    Returns
    -------
    SimulatedJump
        The trace and its true height, take-off velocity and event times.

    Examples
    --------
    >>> jump = simulate_cmj(mass=70, height=0.30)
    >>> round(jump.true_height, 3), jump.kind, jump.label
    (0.3, 'cmj', 'simulated')
    >>> sooner = simulate_cmj(peak_force=1500, time_to_peak=0.10)
    >>> later = simulate_cmj(peak_force=1500, time_to_peak=0.25)
    >>> sooner.true_height > later.true_height  # same peak, reached sooner: higher
    True
    """
    mass = positive(mass, "mass", "kg")
    fs = positive(fs, "fs", "Hz")
    if not 0 <= unweighting_depth < 1:
        raise ValueError(
            f"unweighting_depth must be in [0, 1) body weights; got {unweighting_depth}."
        )
    t_u = positive(unweighting_time, "unweighting_time", "s")
    t_q = positive(quiet_time, "quiet_time", "s")
    ttp = 0.15 if time_to_peak is None else positive(time_to_peak, "time_to_peak", "s")
    w = mass * G
    dip = unweighting_depth * w
    v1 = -dip * t_u / 2 / mass
    peak, push = _solve_push(
        mass=mass,
        v_start=v1,
        height=height,
        peak_force=peak_force,
        time_to_peak=ttp,
        push_duration=push_duration,
        default_peak_bw=2.2,
        default_push=0.40,
    )
    plateau = push - ttp - _RELEASE_TIME
    v_to = v1 + _push_impulse(w, peak, ttp, plateau) / mass
    t_to = t_q + t_u + push
    t = np.arange(math.ceil(t_to * fs)) / fs
    pre = np.full(t.size, w)
    u = (t >= t_q) & (t < t_q + t_u)
    pre[u] = w - dip * np.sin(np.pi * (t[u] - t_q) / t_u) ** 2
    p = t >= t_q + t_u
    pre[p] = _push_force(t[p] - t_q - t_u, w, peak, ttp, plateau)
    return _finish(
        "cmj",
        pre=pre,
        mass=mass,
        v_to=v_to,
        landing_offset=landing_offset,
        after=1.0,
        fs=fs,
        noise_sd=noise_sd,
        seed=seed,
        events={"onset": t_q, "takeoff": t_to},
        params={
            "peak_force": peak,
            "time_to_peak": ttp,
            "push_duration": push,
            "unweighting_depth": unweighting_depth,
            "unweighting_time": t_u,
            "quiet_time": t_q,
        },
        quiet_window=(0.0, t_q),
    )


def simulate_squat_jump(
    *,
    mass: float = 70.0,
    height: float | None = None,
    peak_force: float | None = None,
    time_to_peak: float | None = None,
    push_duration: float | None = None,
    quiet_time: float = 1.5,
    landing_offset: float = 0.0,
    fs: float = 1000.0,
    noise_sd: float = 2.0,
    seed: int = 0,
) -> SimulatedJump:
    """Simulate the vertical force of a squat jump (SJ: from a held squat, no countermovement).

    The trace is simulated, not measured: quiet holding of the squat, then the push from rest
    (half-cosine rise from body weight to ``peak_force`` in ``time_to_peak``, plateau, quarter-
    cosine fall to 0 N at take-off), a ballistic flight, a landing and quiet standing.

    Parameters
    ----------
    mass
        Body mass in kg.
    height
        Target jump height in m; None lets it follow from the force knobs.
    peak_force
        Plateau force in N (default 2.0 body weights when ``height`` is None).
    time_to_peak
        Rise time in s from body weight to the peak (default 0.20 s).
    push_duration
        Time in s from the start of the push to take-off (default 0.38 s).
    quiet_time
        Quiet squat hold before the push in s.
    landing_offset
        How much lower (m) the CoM is at touchdown than at take-off.
    fs
        Sampling rate in Hz.
    noise_sd
        Standard deviation of the Gaussian plate noise in N.
    seed
        Seed of the noise generator.

    Returns
    -------
    SimulatedJump
        The trace and its true answers.

    Examples
    --------
    >>> jump = simulate_squat_jump(mass=80, height=0.25, noise_sd=0)
    >>> round(jump.true_takeoff_velocity, 3)
    2.214
    """
    mass = positive(mass, "mass", "kg")
    fs = positive(fs, "fs", "Hz")
    t_q = positive(quiet_time, "quiet_time", "s")
    ttp = 0.20 if time_to_peak is None else positive(time_to_peak, "time_to_peak", "s")
    w = mass * G
    peak, push = _solve_push(
        mass=mass,
        v_start=0.0,
        height=height,
        peak_force=peak_force,
        time_to_peak=ttp,
        push_duration=push_duration,
        default_peak_bw=2.0,
        default_push=0.38,
    )
    plateau = push - ttp - _RELEASE_TIME
    v_to = _push_impulse(w, peak, ttp, plateau) / mass
    t_to = t_q + push
    t = np.arange(math.ceil(t_to * fs)) / fs
    pre = np.full(t.size, w)
    p = t >= t_q
    pre[p] = _push_force(t[p] - t_q, w, peak, ttp, plateau)
    return _finish(
        "sj",
        pre=pre,
        mass=mass,
        v_to=v_to,
        landing_offset=landing_offset,
        after=1.0,
        fs=fs,
        noise_sd=noise_sd,
        seed=seed,
        events={"onset": t_q, "takeoff": t_to},
        params={"peak_force": peak, "time_to_peak": ttp, "push_duration": push, "quiet_time": t_q},
        quiet_window=(0.0, t_q),
    )


def simulate_drop_jump(
    *,
    mass: float = 70.0,
    drop_height: float = 0.30,
    contact_time: float = 0.25,
    height: float | None = None,
    peak_force: float | None = None,
    empty_time: float = 0.5,
    landing_offset: float = 0.0,
    fs: float = 1000.0,
    noise_sd: float = 2.0,
    seed: int = 0,
) -> SimulatedJump:
    """Simulate the vertical force of a drop jump (DJ): drop from a box, rebound, land, stand.

    The trace is simulated, not measured: an empty plate (0 N plus noise) for ``empty_time``, then
    touchdown at ``−sqrt(2·g·drop_height)`` (the CoM is assumed to fall exactly ``drop_height``),
    a half-sine contact force of ``contact_time`` (the spring-mass shape) whose impulse reverses
    the fall into the rebound, a ballistic flight, a landing and 1.5 s of quiet standing (see
    ``quiet_window``; a drop jump has no quiet standing before the movement).

    Parameters
    ----------
    mass
        Body mass in kg.
    drop_height
        Height the CoM falls before touchdown in m.
    contact_time
        Ground contact time in s.
    height
        Target rebound height in m (default 0.25 m when ``peak_force`` is None too).
    peak_force
        Peak contact force in N; give this *instead of* ``height`` to let the height follow.
    empty_time
        Empty plate before touchdown in s.
    landing_offset
        How much lower (m) the CoM is at the final touchdown than at take-off.
    fs
        Sampling rate in Hz.
    noise_sd
        Standard deviation of the Gaussian plate noise in N.
    seed
        Seed of the noise generator.

    Returns
    -------
    SimulatedJump
        The trace and its true answers; ``true_events`` has ``"contact"``, ``"takeoff"`` and
        ``"landing"``, and ``parameters["rsi"]`` the true reactive strength index
        (height / contact time, m/s).

    Examples
    --------
    >>> jump = simulate_drop_jump(drop_height=0.4, contact_time=0.2, height=0.3)
    >>> round(jump.parameters["rsi"], 2)
    1.5
    """
    mass = positive(mass, "mass", "kg")
    fs = positive(fs, "fs", "Hz")
    t_c = positive(contact_time, "contact_time", "s")
    t_e = positive(empty_time, "empty_time", "s")
    v_c = -math.sqrt(2 * G * positive(drop_height, "drop_height", "m"))
    w = mass * G
    if height is not None and peak_force is not None:
        raise ValueError("give height or peak_force, not both (the other follows from physics).")
    if peak_force is None:
        v_to = math.sqrt(2 * G * (0.25 if height is None else positive(height, "height", "m")))
        peak = (mass * (v_to - v_c) + w * t_c) * math.pi / (2 * t_c)
    else:
        peak = positive(peak_force, "peak_force", "N")
        v_to = v_c + (2 * peak * t_c / math.pi - w * t_c) / mass
    t_to = t_e + t_c
    t = np.arange(math.ceil(t_to * fs)) / fs
    pre = np.zeros(t.size)
    c = t >= t_e
    pre[c] = peak * np.sin(np.pi * (t[c] - t_e) / t_c)
    return _finish(
        "dj",
        pre=pre,
        mass=mass,
        v_to=v_to,
        landing_offset=landing_offset,
        after=1.5,
        fs=fs,
        noise_sd=noise_sd,
        seed=seed,
        events={"contact": t_e, "takeoff": t_to},
        params={
            "peak_force": peak,
            "drop_height": float(drop_height),
            "contact_time": t_c,
            "touchdown_velocity": v_c,
            "rsi": v_to**2 / (2 * G) / t_c,
        },
        quiet_window=None,
    )
