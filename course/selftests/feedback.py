"""What a protocol tells the learner after each frame: phase, message, live numbers, progress."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from course.analysis.live import LiveFrame

__all__ = ["PHASES", "Feedback", "Phase"]

Phase = Literal["setup", "ready", "countdown", "capture", "done"]
PHASES: tuple[Phase, ...] = ("setup", "ready", "countdown", "capture", "done")


@dataclass(frozen=True)
class Feedback:
    """What a protocol tells the learner after one frame.

    Attributes
    ----------
    phase
        ``"setup"``, ``"ready"``, ``"countdown"``, ``"capture"`` or ``"done"``.
    message
        One short sentence for the learner (what to do next).
    metrics
        Live numbers for display, name → value (units in the name suffix, e.g. ``tilt_proxy_deg``).
    ok_to_start
        Result of each setup check by name (``"person"``, ``"one_person"``, ``"view"``...).
    progress
        Fraction of the test done, 0..1.
    frame
        The smoothed landmarks and named angles of this frame, as recorded by the protocol (None
        when no person was found): what the overlay draws.
    side
        The person's side measured (``""`` until known).
    locked
        True once capture started: the side and facing no longer change.
    """

    phase: Phase
    message: str
    metrics: Mapping[str, float] = field(default_factory=dict)
    ok_to_start: Mapping[str, bool] = field(default_factory=dict)
    progress: float = 0.0
    frame: LiveFrame | None = field(default=None, repr=False)
    side: str = ""
    locked: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict for the browser (the frame itself travels as a binary buffer)."""
        return {
            "phase": self.phase,
            "message": self.message,
            "metrics": {
                k: (float(v) if math.isfinite(v) else None) for k, v in self.metrics.items()
            },
            "ok_to_start": {k: bool(v) for k, v in self.ok_to_start.items()},
            "progress": float(self.progress),
            "side": self.side,
            "locked": self.locked,
        }
