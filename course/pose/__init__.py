"""MediaPipe pose: model provisioning, the tracker and the landmark schema.

Importing this package does not load mediapipe; the tracker loads it on first use.

Examples
--------
>>> from course.pose import Landmark, PoseTracker, ensure_model
>>> int(Landmark.LEFT_HIP)
23
"""

from course.pose.models import ModelError, ensure_model, find_model
from course.pose.tracker import PoseTracker, select_person
from course.pose.video import VideoError, VideoInfo, iter_frames, probe
from course.schema import N_LANDMARKS, NAMES, SKELETON, Landmark, Pose, PoseSeries

__all__ = [
    "NAMES",
    "N_LANDMARKS",
    "SKELETON",
    "Landmark",
    "ModelError",
    "Pose",
    "PoseSeries",
    "PoseTracker",
    "VideoError",
    "VideoInfo",
    "ensure_model",
    "find_model",
    "iter_frames",
    "probe",
    "select_person",
]
