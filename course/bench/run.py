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

from course.analysis._gait_zeni import reject_frames
from course.analysis.filters import fill_gaps
from course.analysis.gait import MIN_FRAMES, GaitMetrics, gait_metrics
from course.bench.setup import Setup, check_setup
from course.bench.steps import KeyMoment, Step, key_moments, step_numbers
from course.bench.summary import Summary, summarise
from course.schema import Landmark as L
from course.schema import PoseSeries

__all__ = ["BenchError", "RunAnalysis", "analyse_series", "analyse_video", "clean", "trim"]

MIN_STEPS = 4
"""Fewest steps with a contact for a report."""
MIN_SECONDS = 1.5
"""Shortest clip analysed, s (four steps even at a sprint cadence of ~200 steps/min take ~1.2 s)."""


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
        The pose series measured: the tracked one with frames of another person or a broken
        skeleton left out and gaps up to 0.25 s bridged (:func:`clean`), times in s.
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
    first_frame
        Index in the video of the first frame analysed (a trimmed clip starts later); the
        frame numbers of :attr:`moments` count from it.
    tracked
        The series as tracked, before :func:`clean` (nothing recorded is lost).
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
    first_frame: int = 0
    tracked: PoseSeries | None = None

    @property
    def view(self) -> str:
        """``"side"`` or ``"front"``."""
        return self.setup.view

    def first_contact(self, side: str | None = None) -> float:
        """Time (s) of the first initial contact (of ``side`` if given), NaN if none."""
        times = [m.t for m in self.moments if m.kind == "contact" and side in (None, m.side)]
        return min(times) if times else math.nan


def trim(series: PoseSeries, start: float | None, end: float | None) -> tuple[PoseSeries, int]:
    """The frames of ``series`` with ``start <= t <= end`` (s; None: open), and the first index.

    Examples
    --------
    >>> from course.lessons import demos
    >>> part, first = trim(demos.running(seconds=4), 1.0, 2.0)
    >>> first, len(part), float(part.t[0])
    (60, 61, 1.0)
    """
    t = series.t
    lo = -math.inf if start is None else float(start)
    hi = math.inf if end is None else float(end)
    if lo >= hi:
        raise BenchError(f"start ({lo:g} s) must be before end ({hi:g} s).")
    keep = np.flatnonzero((t >= lo - 1e-9) & (t <= hi + 1e-9))
    if keep.size == 0:
        raise BenchError(
            f"no frame between {lo:g} s and {hi:g} s; the clip runs from {t[0]:.2f} s to "
            f"{t[-1]:.2f} s. Pick start/end inside it."
        )
    a, b = int(keep[0]), int(keep[-1]) + 1
    part = PoseSeries(
        series.t[a:b], series.landmarks[a:b], series.world[a:b], series.visibility[a:b],
        series.image_size, series.n_people[a:b], series.source, series.selection,
    )  # fmt: skip
    return part, a


def clean(series: PoseSeries) -> tuple[PoseSeries, int]:
    """Leave out implausible frames, bridge gaps up to 0.25 s; the cleaned series and the count.

    A frame is implausible when the hip centre jumps away from its neighbours' or the feet are
    not below the hips (the tracker followed someone else, as in the gait analysis:
    :func:`course.analysis._gait_zeni.reject_frames`).

    Examples
    --------
    >>> from course.lessons import demos
    >>> run = demos.running(seconds=2)
    >>> lm = run.landmarks.copy(); lm[30, :, 1] -= 0.5  # another person, higher up
    >>> cleaned, dropped = clean(replace(run, landmarks=lm))
    >>> near = np.allclose(cleaned.landmarks[30, :, :2], run.landmarks[30, :, :2], atol=0.01)
    >>> dropped, bool(near)
    (1, True)
    """
    w, h = series.image_size
    scale = np.array([w / h, 1.0])
    xy = series.landmarks[..., :2] * scale
    legs = [
        np.linalg.norm(xy[:, a] - xy[:, b], axis=1) + np.linalg.norm(xy[:, b] - xy[:, c], axis=1)
        for a, b, c in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
                        (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))
    ]  # fmt: skip
    pooled = np.concatenate(legs)
    pooled = pooled[np.isfinite(pooled)]
    fps = series.fps
    gap = max(1, round(0.25 * fps)) if math.isfinite(fps) else 1
    bad = np.zeros(len(series), dtype=bool)
    if pooled.size:
        window = max(3, round(0.3 * fps)) if math.isfinite(fps) else 3
        xy, bad = reject_frames(xy, float(np.median(pooled)), window=window)
    filled = fill_gaps(xy / scale, max_gap=gap)
    landmarks = series.landmarks.copy()
    landmarks[..., :2] = filled
    landmarks[..., 2] = np.where(np.isnan(filled[..., 0]), np.nan, landmarks[..., 2])
    return replace(series, landmarks=landmarks), int(bad.sum())


def analyse_series(
    series: PoseSeries,
    *,
    label: str = "",
    inference_s: float = 0.0,
    start: float | None = None,
    end: float | None = None,
) -> RunAnalysis:
    """Analyse a tracked series (from a video, a recorded take or a SYNTHETIC demo).

    Parameters
    ----------
    series
        Tracked landmarks, times in s.
    label
        Short name for tables (default: from the series' source).
    inference_s
        Time the pose inference took, s (for the record).
    start, end
        Analyse only the frames between these times, s (a coach's trim: the runner in view).

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
    t0 = time.perf_counter()
    series, first = trim(series, start, end)
    n = len(series)
    source = series.source or label
    name = label or Path(source).name or "run"
    seconds = float(series.t[-1] - series.t[0]) if n else 0.0
    setup = check_setup(series)
    if setup.view == "none":  # nobody at all: say that first, whatever the length
        raise BenchError(f"{name}: no report. " + " ".join(setup.advice))
    if n < MIN_FRAMES or seconds < MIN_SECONDS:
        raise BenchError(
            f"{name}: {n} frame(s) ({seconds:.2f} s) is too short for gait analysis; expected "
            f"at least {MIN_SECONDS:g} s ({MIN_FRAMES} frames or more) with {MIN_STEPS} or more "
            "steps; 3–5 s of running is better. Record a longer clip."
        )
    if not setup.ok:
        raise BenchError(
            f"{name}: no report, the camera setup cannot be analysed. " + " ".join(setup.advice)
        )
    fps = series.fps
    tracked = series
    series, dropped = clean(series)
    xy = series.landmarks[..., :2]
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
    cleaned = (
        f"{dropped} frame(s) where the tracker jumped to someone else or broke the skeleton were "
        "left out and, like short gaps (≤ 0.25 s), bridged by interpolation."
    )
    notes = (*setup.advice, *gm.rejected, *((cleaned,) if dropped else ()),
             f"Events: {gm.events.method}.")  # fmt: skip
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
        analysis_s=time.perf_counter() - t0,
        notes=notes,
        first_frame=first,
        tracked=tracked,
    )


def analyse_video(
    source: str | Path,
    *,
    model: str = "full",
    max_people: int = 2,
    start: float | None = None,
    end: float | None = None,
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
    max_people
        People the model looks for; the largest is kept. 2 (default) runs the detector on every
        frame, so a bystander is not followed for long (1 is about twice as fast).
    start, end
        Analyse only this part of the clip, s; frames after ``end`` are not read at all.
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
    from tqdm.auto import tqdm

    from course.live import Engine, TakeRecorder, VideoReader, resolve_source

    if model not in ("lite", "full", "heavy"):
        raise BenchError(f"model must be 'lite', 'full' or 'heavy'; got {model!r}.")
    path = resolve_source(source)
    hi = math.inf if end is None else float(end)
    engine = Engine(model=model, max_people=max_people, recorded=True)  # type: ignore[arg-type]
    recorder = TakeRecorder()
    reader = VideoReader(path)
    began = time.perf_counter()
    try:
        with tqdm(unit="frame", desc=path.name, disable=not progress) as bar:
            for index, (rgb, t) in enumerate(reader):
                if t > hi + 1e-9:
                    break  # past the part asked for: not even decoded further
                size = (rgb.shape[1], rgb.shape[0])
                # frames before ``start`` go through the model too: its tracking then starts
                # from the same state as for the whole clip (starting cold at ``start`` changed
                # the Sports2D walker's landmarks enough to lose its steps)
                recorder.add(t, engine.process_frame(rgb, t).pose, size)
                if on_frame is not None:
                    on_frame(rgb, index)
                if on_progress is not None:
                    on_progress(index + 1)
                bar.update(1)
    finally:
        reader.close()
        engine.close()
    take = recorder.finish(label=str(source))
    if take is None:
        raise BenchError(f"the video {str(source)!r} has no readable frames; check the file.")
    run = replace(take.to_series(), t=np.asarray(recorder.t))
    inference = time.perf_counter() - began
    series = replace(run, source=str(source))
    label = (
        str(source).split(":", 1)[1]
        if str(source).startswith("sample:")
        else Path(str(source)).name
    )
    return analyse_series(series, label=label, inference_s=inference, start=start, end=end)
