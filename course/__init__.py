"""Running Form Lab: the science and the data behind the course, with no user interface.

Subpackages
-----------
analysis
    Typed wrappers over the compiled core ``course._core`` (filters, geometry, balance, jumps,
    spring-mass models, gait events).
pose
    MediaPipe model provisioning, the pose tracker and the landmark schema.
selftests
    One protocol per webcam self-test: setup checks, capture, scoring and feedback.
data
    Sample data: pinned real media, simulated force traces, force-plate file reader.
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
