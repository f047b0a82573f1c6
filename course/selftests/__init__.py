"""Self-test protocols: one small state machine per test, live or on a recorded PoseSeries.

Every protocol is driven frame by frame with ``update(pose, t) -> Feedback`` (phases ``setup``,
``ready``, ``countdown``, ``capture``, ``done``) and gives a :class:`Result` with metrics and units,
a 0–100 score, stated thresholds with their sources, feedback text and what a webcam cannot
measure. ``protocol.run(series)`` does the same over a recorded
:class:`~course.schema.PoseSeries`.

Examples
--------
>>> from course.selftests import PROTOCOLS, get
>>> sorted(PROTOCOLS)[:3]
['ankle_lean', 'glute_bridge', 'hip_extension']
>>> get("single-leg-balance").title
'Single-leg balance'
"""

from __future__ import annotations

from course.selftests.balance import SingleLegBalance
from course.selftests.base import Feedback, Protocol
from course.selftests.gait import RunningGait
from course.selftests.hip import GluteBridge, HipExtension
from course.selftests.jump import JumpHeight
from course.selftests.posture import AnkleLean, PelvicTilt, PostureStack
from course.selftests.results import Metric, Result, Threshold

__all__ = [
    "PROTOCOLS",
    "AnkleLean",
    "Feedback",
    "GluteBridge",
    "HipExtension",
    "JumpHeight",
    "Metric",
    "PelvicTilt",
    "PostureStack",
    "Protocol",
    "Result",
    "RunningGait",
    "SingleLegBalance",
    "Threshold",
    "UnknownTestError",
    "get",
]

#: Registry name → protocol class (for the CLI and the widgets).
PROTOCOLS: dict[str, type[Protocol]] = {
    cls.name: cls
    for cls in (
        PelvicTilt,
        PostureStack,
        HipExtension,
        SingleLegBalance,
        AnkleLean,
        JumpHeight,
        GluteBridge,
        RunningGait,
    )
}


class UnknownTestError(KeyError, ValueError):
    """No self-test of that name (the message lists the known names)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def get(name: str) -> type[Protocol]:
    """The protocol class registered as ``name`` (case, hyphens and spaces ignored).

    Raises
    ------
    UnknownTestError
        A ``KeyError`` and ``ValueError``, with the list of known names.
    """
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in PROTOCOLS:
        raise UnknownTestError(
            f"no self-test named {name!r}; choose one of: {', '.join(sorted(PROTOCOLS))}."
        )
    return PROTOCOLS[key]
