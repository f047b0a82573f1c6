"""Jupyter widgets of Running Form Lab, built on anywidget and plotly's FigureWidget."""

from __future__ import annotations
