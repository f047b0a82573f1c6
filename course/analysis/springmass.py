"""Spring-mass models of running: Morin's sine-wave estimate and a spring-loaded inverted pendulum.

Three tools, from simplest to richest:

- :func:`sine_wave_model` — Morin et al. (2005, J Appl Biomech 21:167) estimate of peak force,
  centre-of-mass drop, leg compression and vertical/leg stiffness from contact time, flight time,
  speed, mass and leg length.
- :func:`sine_wave_force` — the half-sine vertical force trace that model assumes, over many steps.
- :func:`simulate_run` and :func:`periodic_run` — a spring-loaded inverted pendulum (SLIP): a point
  mass on a massless linear spring leg, ballistic in flight, integrated in the compiled core
  (adaptive Dormand–Prince 5(4) with accurately located touchdown, mid-stance and take-off events).
  :func:`continue_periodic` follows a steady gait to nearby settings with the same Newton solver
  (what an explorer does while a slider moves).

Conventions: x forward, y up, metres; the foot sits on the ground at ``y = 0``. The
**touchdown angle** is the leg angle from vertical at touchdown with the foot *ahead* of the hip, in
degrees: the foot lands ``leg_length * sin(angle)`` metres ahead of the hip (the overstride of the
model). Forces are ground reaction forces on the runner, in newtons: ``fx < 0`` brakes, ``fx > 0``
propels.
"""

from __future__ import annotations

from course.analysis._springmass_periodic import PeriodicRun, continue_periodic, periodic_run
from course.analysis._springmass_sine import (
    G,
    SineWaveForce,
    SineWaveModel,
    sine_wave_force,
    sine_wave_model,
)
from course.analysis._springmass_slip import MAX_ANGLE_DEG, RunSimulation, simulate_run

__all__ = [
    "MAX_ANGLE_DEG",
    "G",
    "PeriodicRun",
    "RunSimulation",
    "SineWaveForce",
    "SineWaveModel",
    "continue_periodic",
    "periodic_run",
    "simulate_run",
    "sine_wave_force",
    "sine_wave_model",
]
