"""Sample data: pinned real media, simulated force traces and the force-plate file reader."""

from course.data.force_plate import ForceTrace, read_force_plate

__all__ = ["ForceTrace", "read_force_plate"]
