"""Result types of :func:`course.analysis.jumps.analyze_jump` (re-exported there).

Every number is a :class:`Measure`: value, SI unit, the method that produced it, and the
thresholds of that method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Thresholds = Mapping[str, "float | str"]


@dataclass(frozen=True, slots=True)
class Measure:
    """One number with its unit, the method that produced it, and that method's thresholds.

    Attributes
    ----------
    value
        The number, in ``unit``.
    unit
        SI unit: ``"m"``, ``"s"``, ``"N"``, ``"W"``, ``"N/s"``, ``"m/s"``, ``"kg"``.
    method
        How it was computed, in words (with the source where there is one).
    thresholds
        The settings that changed it (names end in their unit, e.g. ``takeoff_threshold_N``).
    """

    value: float
    unit: str
    method: str
    thresholds: Thresholds


#: A jump height in m (a :class:`Measure`).
Height = Measure


@dataclass(frozen=True, slots=True)
class Event:
    """An instant of the jump.

    Attributes
    ----------
    time
        Seconds from the first sample (interpolated at threshold crossings where stated).
    index
        Sample index (the first sample at or after the event).
    method
        How it was detected.
    thresholds
        The thresholds used.
    """

    time: float
    index: int
    method: str
    thresholds: Thresholds


@dataclass(frozen=True, eq=False)
class Kinematics:
    """Centre-of-mass motion from the impulse-momentum integration (onset to take-off).

    Attributes
    ----------
    t
        Sample times in s from the first sample of the trace.
    force
        Vertical force in N.
    velocity
        Vertical CoM velocity in m/s (up positive).
    displacement
        CoM displacement in m from its position at onset (up positive).
    power
        ``force · velocity`` in W.
    """

    t: FloatArray
    force: FloatArray
    velocity: FloatArray
    displacement: FloatArray
    power: FloatArray


@dataclass(frozen=True, eq=False)
class JumpResult:
    """Everything :func:`analyze_jump` measured, each number keyed by name and method.

    Attributes
    ----------
    kind
        ``"cmj"``, ``"sj"`` or ``"dj"``.
    fs
        Sampling rate in Hz.
    heights
        Jump heights in m keyed by method: ``"impulse-momentum"`` (absent for a drop jump without
        ``drop_height``) and ``"flight-time"``.
    metrics
        Other numbers keyed by name: ``"body weight"``, ``"body mass"``, ``"flight time"``,
        ``"take-off velocity"``, ``"peak force"``, ``"peak power"``, ``"peak landing force"``,
        ``"countermovement depth"`` (CMJ), ``"contact time"`` and ``"reactive strength index"``
        (drop jump).
    rfd
        Rate of force development in N/s keyed by window: ``"0-50ms"``, ``"0-100ms"``,
        ``"0-200ms"`` (from onset; negative during a CMJ's unweighting), ``"peak"`` and, for a
        CMJ, ``"braking"``.
    events
        ``"onset"`` (or ``"contact"`` for a drop jump), ``"takeoff"``, ``"landing"``,
        ``"peak_force"``, and when integrated ``"peak_power"`` and ``"lowest_position"`` (CMJ).
    methods
        Description of every method used, keyed by the name used above.
    thresholds
        Every setting of the analysis.
    kinematics
        CoM velocity, displacement and power from onset to take-off, or None when they cannot be
        integrated (drop jump without ``drop_height``).
    """

    kind: str
    fs: float
    heights: Mapping[str, Measure]
    metrics: Mapping[str, Measure]
    rfd: Mapping[str, Measure]
    events: Mapping[str, Event]
    methods: Mapping[str, str]
    thresholds: Thresholds
    kinematics: Kinematics | None

    def as_table(self) -> list[dict[str, object]]:
        """Rows for display: ``quantity``, ``value``, ``unit``, ``method``, ``thresholds``.

        Returns
        -------
        list of dict
            Heights first, then the other metrics, then RFD; ``thresholds`` is a short string.
        """
        rows: list[dict[str, object]] = []
        groups = (
            ((f"jump height ({k})", v) for k, v in self.heights.items()),
            self.metrics.items(),
            ((f"RFD {k}", v) for k, v in self.rfd.items()),
        )
        for group in groups:
            for name, m in group:
                rows.append(
                    {
                        "quantity": name,
                        "value": m.value,
                        "unit": m.unit,
                        "method": m.method,
                        "thresholds": ", ".join(
                            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                            for k, v in m.thresholds.items()
                        ),
                    }
                )
        return rows
