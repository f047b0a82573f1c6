"""Jupyter widgets of Running Form Lab, built on anywidget and plotly's FigureWidget."""

from __future__ import annotations

from widgets.pose_camera import PoseCamera
from widgets.quiz import Choice, Question, Quiz

__all__ = ["Choice", "PoseCamera", "Question", "Quiz"]
