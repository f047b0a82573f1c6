"""The force/time explorers of the course, in one place.

- :class:`ForceTimeExplorer` — running is a vertical jump (Morin's sine-wave spring-mass model).
- :class:`HorizontalForceExplorer` — braking and propulsion in a spring-mass runner; overstriding.
- :class:`LeanExplorer` — forward lean and acceleration, ``a = g·tan θ``; lean from the ankles.
- :class:`PowerExplorer` — jump force–time curves: peak force, rate of force development, height.

Each has ``set(**controls)``, ``readouts`` (a dict, units in the keys), ``overlay(...)`` for a
recorded trace, ``figure`` (a plotly ``FigureWidget`` updated in place) and ``widget`` (sliders,
figure and a text readout table); ``display(explorer)`` shows it.
"""

from __future__ import annotations

from widgets.explorer_force import ForceTimeExplorer
from widgets.explorer_horizontal import HorizontalForceExplorer
from widgets.explorer_lean import LeanExplorer
from widgets.explorer_power import PowerExplorer

__all__ = ["ForceTimeExplorer", "HorizontalForceExplorer", "LeanExplorer", "PowerExplorer"]
