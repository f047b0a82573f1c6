"""Jupyter widgets of Running Form Lab, built on anywidget and plotly's FigureWidget."""

from __future__ import annotations

from widgets.answer import Answer
from widgets.explorers import (
    ForceTimeExplorer,
    HorizontalForceExplorer,
    LeanExplorer,
    PowerExplorer,
)
from widgets.jump_analyzer import JumpAnalyzer
from widgets.pose_camera import PoseCamera
from widgets.quiz import Choice, Question, Quiz
from widgets.run_analyzer import RunAnalyzer
from widgets.selftest import SelfTest

__all__ = [
    "Answer",
    "Choice",
    "ForceTimeExplorer",
    "HorizontalForceExplorer",
    "JumpAnalyzer",
    "LeanExplorer",
    "PoseCamera",
    "PowerExplorer",
    "Question",
    "Quiz",
    "RunAnalyzer",
    "SelfTest",
]
