"""Physical constants used across the course (one definition each).

Examples
--------
>>> round(G, 2)
9.81
"""

from __future__ import annotations

__all__ = ["G"]

G = 9.80665
"""Standard acceleration of gravity in m/s² (CGPM 1901), used by every model and analysis."""
