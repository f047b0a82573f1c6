"""One run analysed: video → tracked pose (live engine) → setup check → key moments → numbers.

:func:`analyse_video` runs every frame of a file once through :class:`course.live.Engine`
(MediaPipe, the same path as the camera), then :func:`analyse_series` finds the steps, their key
moments and numbers. Pictures of the key moments are decoded again from the file afterwards
(:func:`key_frames`), so nothing but landmarks is kept while the engine runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from course.analysis.filters import fill_gaps
from course.analysis.gait import MIN_FRAMES, GaitMetrics, gait_metrics
from course.bench.setup import Setup, check_setup
from course.bench.steps import KeyMoment, Step, key_moments, step_numbers
from course.bench.summary import Summary, summarise
from course.schema import PoseSeries

__all__ = ["BenchError", "RunAnalysis", "analyse_series", "analyse_video"]

MIN_STEPS = 4
"""Fewest steps with a contact for a report."""


class BenchError(ValueError):
    """A clip cannot be analysed; the message says what was expected, what was found, what to do."""


@dataclass(frozen=True)
class RunAnalysis:
    """Everything the bench knows about one run.

    Attributes
    ----------
    source
        The video path, ``"sample:<name>"`` or the label of a recorded series.
    label
        A short name for tables (file name).
    series
        The tracked pose series (NaN where nobody was seen), times in s.
    setup
        View, runner size, frame rate and advice.
    gait
        Gait events and metrics.
    moments
        Key moments of every step, in time order.
    steps
        Per-step numbers.
    summary
        Cadence, medians and asymmetry.
    duration
        Clip length, s.
    inference_s, analysis_s
        Wall time of the engine pass (pose inference) and of everything after it, s.
    notes
        What the method left out or warns about.
    """

    source: str
    label: str
    series: PoseSeries
    setup: Setup
    gait: GaitMetrics
    moments: tuple[KeyMoment, ...]
    steps: tuple[Step, ...]
    summary: Summary
    duration: float
    inference_s: float
    analysis_s: float
    notes: tuple[str, ...]

    @property
    def view(self) -> str:
        """``"side"`` or ``"front"``."""
        return self.setup.view

    def first_contact(self, side: str | None = None) -> float:
        """Time (s) of the first initial contact (of ``side`` if given), NaN if none."""
        times = [m.t for m in self.moments if m.kind == "contact" and side in (None, m.side)]
        return min(times) if times else math.nan


def analyse_series(series: PoseSeries, *, label: str = "", inference_s: float = 0.0) -> RunAnalysis:
    """Analyse a tracked series (from a video, a recorded take or a SYNTHETIC demo).

    Raises
    ------
    BenchError
        Too few frames, nobody in view, an oblique view, or fewer than :data:`MIN_STEPS` steps.

    Examples
    --------
    >>> from course.lessons import demos
    >>> run = analyse_series(demos.running(cadence=170, seconds=4), label="demo")
    >>> run.view, round(run.summary.cadence / 10) * 10
    ('side', 170)
    """
    start = time.perf_counter()
    n = len(series)
    source = series.source or label
    name = label or Path(source).name or "run"
    if n < MIN_FRAMES:
        raise BenchError(
            f"{name}: {n} frame(s) is too short for gait analysis; expected at least "
            f"{MIN_FRAMES} frames and, for a useful report, {MIN_STEPS} or more steps "
            "(3–5 s of running). Record a longer clip."
        )
    setup = check_setup(series)
    if not setup.ok:
        raise BenchError(
            f"{name}: no report, the camera setup cannot be analysed. " + " ".join(setup.advice)
        )
    fps = series.fps
    xy = fill_gaps(series.landmarks[..., :2], max_gap=max(1, round(0.25 * fps)))
    options = {"method": "height"} if setup.view == "front" else {}
    facing = "right" if setup.view == "front" else "auto"
    try:
        gm = gait_metrics(xy, series.t, facing=facing, image_size=series.image_size, **options)
    except ValueError as exc:
        raise BenchError(f"{name}: no gait events could be found ({exc}).") from exc
    moments = key_moments(gm, series, setup.view)
    steps = step_numbers(gm, series, moments, setup.view)
    if len(steps) < MIN_STEPS:
        raise BenchError(
            f"{name}: {len(steps)} step(s) found; a report needs at least {MIN_STEPS}. Film "
            "6–8 steps or more with the runner's feet in view (and the setup advice: "
            + ("; ".join(setup.advice) or "none")
            + ")."
        )
    summary = summarise(steps, setup.view)
    notes = (*setup.advice, *gm.rejected, f"Events: {gm.events.method}.")
    duration = float(series.t[-1] - series.t[0]) + (1.0 / fps if math.isfinite(fps) else 0.0)
    return RunAnalysis(
        source=source,
        label=name,
        series=series,
        setup=setup,
        gait=gm,
        moments=moments,
        steps=steps,
        summary=summary,
        duration=duration,
        inference_s=inference_s,
        analysis_s=time.perf_counter() - start,
        notes=notes,
    )


def analyse_video(
    source: str | Path,
    *,
    model: str = "full",
    progress: bool = False,
    on_progress: Callable[[int], object] | None = None,
    on_frame: Callable[[NDArray[np.uint8], int], object] | None = None,
) -> RunAnalysis:
    """Run a video file (or ``"sample:<name>"``) through the live engine once, then analyse it.

    Parameters
    ----------
    source
        Video path or sample name.
    model
        MediaPipe model variant (``"lite"``, ``"full"``, ``"heavy"``).
    progress
        Show a text progress bar.
    on_progress
        Called with the number of frames done after each frame (a widget's progress bar).
    on_frame
        Called with each RGB frame and its index (a player keeping its own copy).

    Raises
    ------
    FileNotFoundError, course.pose.video.VideoError, BenchError
        Missing or corrupt file; a clip that cannot be analysed (see :func:`analyse_series`).
    """
    from course.live import Engine, VideoRun

    if model not in ("lite", "full", "heavy"):
        raise BenchError(f"model must be 'lite', 'full' or 'heavy'; got {model!r}.")
    engine = Engine(model=model, max_people=1)  # type: ignore[arg-type]
    count = [0]

    def tick(rgb: NDArray[np.uint8], _res: object) -> None:
        if on_frame is not None:
            on_frame(rgb, count[0])
        count[0] += 1
        if on_progress is not None:
            on_progress(count[0])

    start = time.perf_counter()
    try:
        run: VideoRun = engine.run_video(source, progress=progress, on_frame=tick)
    finally:
        engine.close()
    inference = time.perf_counter() - start
    series = replace(run.series, source=str(source))
    label = (
        str(source).split(":", 1)[1]
        if str(source).startswith("sample:")
        else Path(str(source)).name
    )
    return analyse_series(series, label=label, inference_s=inference)


def frame_indices(run: RunAnalysis) -> list[int]:
    """Video frame indices of all key moments, sorted, unique."""
    return sorted({m.frame for m in run.moments})
