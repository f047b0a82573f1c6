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

import numpy as np

from course.data._jump_shapes import G, SimulatedJump, finish_jump, standing_jump
from course.validation import positive

__all__ = ["G", "SimulatedJump", "simulate_cmj", "simulate_drop_jump", "simulate_squat_jump"]


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
    return standing_jump(
        "cmj",
        mass=mass,
        height=height,
        peak_force=peak_force,
        time_to_peak=0.15 if time_to_peak is None else time_to_peak,
        push_duration=push_duration,
        depth=unweighting_depth,
        unweighting_time=unweighting_time,
        quiet_time=quiet_time,
        landing_offset=landing_offset,
        fs=fs,
        noise_sd=noise_sd,
        seed=seed,
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
    return standing_jump(
        "sj",
        mass=mass,
        height=height,
        peak_force=peak_force,
        time_to_peak=0.20 if time_to_peak is None else time_to_peak,
        push_duration=push_duration,
        depth=0.0,
        unweighting_time=0.0,
        quiet_time=quiet_time,
        landing_offset=landing_offset,
        fs=fs,
        noise_sd=noise_sd,
        seed=seed,
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
    return finish_jump(
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
