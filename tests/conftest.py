"""Shared pytest configuration."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Session fixtures for pose tests (models built from npm, sample clips, cached pose series).
pytest_plugins = ["pose_fixtures"]


@pytest.fixture(scope="session", autouse=True)
def _close_widgets_at_exit() -> Iterator[None]:
    """Close every widget the tests made, so their compiled state is freed before shutdown.

    ipywidgets keeps each open widget in a registry; a PoseCamera left there holds its
    LiveAnalyzer (a nanobind object) until interpreter exit, and nanobind then reports it leaked.
    """
    yield
    from ipywidgets import Widget

    Widget.close_all()
    gc.collect()
