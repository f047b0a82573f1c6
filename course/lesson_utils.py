"""Small helpers for the lesson notebooks, so their code cells stay short.

Lessons import only ``course`` and ``widgets``; the few mathematical names a hand calculation needs
are re-exported here.

Examples
--------
>>> round(g * 0.5**2 / 8, 3)  # flight-time jump height for 0.5 s of flight, in m
0.307
"""

from __future__ import annotations

from math import atan, degrees, pi, sqrt

__all__ = ["atan", "degrees", "g", "pi", "sqrt"]

g = 9.81
"""Acceleration of gravity used in the lessons, in m/s²."""
