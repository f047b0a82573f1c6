"""Side-view protocols: lock the side and direction at setup, and time scripted segments."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from course.schema import Pose
from course.selftests import checks as ck
from course.selftests.base import Protocol
from course.selftests.trace import Trace, segment_at

__all__ = ["ScriptedSideView", "SideView"]


class SideView(Protocol):
    """A protocol filmed side-on: locks the facing direction and the tested side at setup."""

    view: ClassVar[str] = "side"

    def reset(self) -> None:
        """Forget everything measured and go back to ``setup``."""
        self.facing = "right"
        super().reset()

    def on_setup_ok(self, pose: Pose) -> None:
        """Lock the image direction faced and, for ``side="auto"``, the side nearest the camera."""
        self.facing = ck.facing(pose)
        if self.requested_side == "auto":
            self.side = ck.near_side(pose)

    def view_lock(self) -> tuple[str, str]:
        """The tested side and the image direction faced, as locked at setup."""
        return (self.side or "auto", self.facing)


class ScriptedSideView(SideView):
    """A side-view test whose capture follows scripted segments ``(name, seconds, message)``.

    Subclasses set ``self.segments`` before calling ``super().__init__`` and implement
    :meth:`_segment_frame`; this class times the segments, ends the capture after the last one and
    answers frames without a person.
    """

    segments: tuple[tuple[str, float, str], ...]
    trace: Trace
    #: Message when the last segment is over.
    done_message: ClassVar[str] = "Done."
    #: Record a time-only sample (a gap) where no person was found.
    record_gaps: ClassVar[bool] = False

    def _reset_capture(self) -> None:
        self.trace = Trace()

    def _begin(self, pose: Pose, t: float) -> None:
        self.trace = Trace()

    def _capture(self, pose: Pose | None, t: float) -> tuple[str, dict[str, float], bool, float]:
        elapsed = t - self.started_at
        total = sum(s[1] for s in self.segments)
        i, message = segment_at(elapsed, self.segments)
        if i >= len(self.segments):
            return self.done_message, {}, True, 1.0
        if pose is None:
            if self.record_gaps:
                self.trace.append(t, segment=i)
            return "I lost you: stay in the picture.", {}, False, elapsed / total
        message, live = self._segment_frame(pose, t, i, message)
        return message, live, False, elapsed / total

    @abstractmethod
    def _segment_frame(
        self, pose: Pose, t: float, segment: int, message: str
    ) -> tuple[str, dict[str, float]]:
        """Record one frame of ``segment`` (its index); return the message and live metrics."""
