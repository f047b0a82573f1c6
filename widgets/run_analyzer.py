"""RunAnalyzer — the coach's bench in the notebook: a runner's video at its key moments.

Transport and drawing only; the science is :mod:`course.bench`. The kernel runs the video once
through the live engine (a progress bar counts frames), keeps each frame as a small JPEG for the
player, and answers the browser's requests with binary buffers (JPEG bytes and Float32
landmarks, never base64 text):

- ``strip``: ``{type, id, run}`` → the key-moment items + one JPEG buffer each;
- ``frame``: ``{type, id, run, index}`` → ``{type, id, run, index, t, found}`` + the JPEG of that
  frame + ``(33, 2)`` Float32 landmarks (normalised, y down) when a person was tracked.

The browser draws the skeleton over the real frame, plays it at 0.1×–1× or frame by frame and
jumps to a key moment on a click or a key (``n``/``p``). With a second run the two players are
aligned on initial contact (:func:`course.bench.compare_runs`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t
from numpy.typing import NDArray

from course.bench import (
    BenchError,
    Comparison,
    RunAnalysis,
    analyse_series,
    analyse_video,
    compare_runs,
    write_csv,
    write_report,
)
from course.bench.frames import key_frames
from course.live import Take, encode_jpeg
from course.pose.models import ModelError
from course.pose.video import VideoError

__all__ = ["RunAnalyzer"]

STATIC = Path(__file__).with_name("static")
PLAYER_WIDTH = 640
"""Width (px) of the frames kept for the player."""


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _scaled(rgb: NDArray[np.uint8], width: int) -> NDArray[np.uint8]:
    import cv2

    h, w = rgb.shape[:2]
    if w <= width:
        return rgb
    return np.ascontiguousarray(
        cv2.resize(rgb, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    )


class _Run:
    """One analysed run and its player frames (JPEG bytes, drawn-over in the browser)."""

    def __init__(self, analysis: RunAnalysis, frames: list[bytes]) -> None:
        self.analysis = analysis
        self.frames = frames


class RunAnalyzer(anywidget.AnyWidget):
    """Analyse a running video at its key moments; compare two runs; export a report.

    Parameters
    ----------
    source
        A video path, ``"sample:<name>"``, a recorded :class:`course.live.Take` (from
        ``PoseCamera.takes``) or a ready :class:`course.bench.RunAnalysis`. None: call
        :meth:`load` later.
    compare
        A second run, same kinds, compared with the first.
    model
        MediaPipe model variant for videos.
    start, end
        Analyse only this part of each video, s (the runner in view).
    progress
        Print a text progress bar while the video is analysed.

    Attributes
    ----------
    status : str
        ``idle``, ``analysing``, ``ready`` or ``error``.
    error : str
        What went wrong and what to do.
    progress : float
        Frames analysed / frames expected, 0–1.
    runs : list of dict
        Per run: label, view, fps, setup advice, summary rows, steps and key moments.
    differences : list of dict
        The comparison table (empty with one run).

    Examples
    --------
    >>> from course.lessons import demos
    >>> from course.bench import analyse_series
    >>> w = RunAnalyzer(analyse_series(demos.running(seconds=4), label="demo"))
    >>> w.status, w.runs[0]["view"]
    ('ready', 'side')
    """

    _esm = STATIC / "run_analyzer.js"
    _css = STATIC / "run_analyzer.css"

    status = t.Unicode("idle").tag(sync=True)
    error = t.Unicode("").tag(sync=True)
    progress = t.Float(0.0).tag(sync=True)
    runs = t.List(t.Dict()).tag(sync=True)
    differences = t.List(t.Dict()).tag(sync=True)
    offset = t.Float(0.0).tag(sync=True)

    def __init__(
        self,
        source: str | Path | Take | RunAnalysis | None = None,
        *,
        compare: str | Path | Take | RunAnalysis | None = None,
        model: str = "full",
        start: float | None = None,
        end: float | None = None,
        progress: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.show_progress = progress
        self.start, self.end = start, end
        self._runs: list[_Run] = []
        self.comparison: Comparison | None = None
        self.on_msg(self._on_custom)
        if source is not None:
            self.load(source)
            if compare is not None and self.status == "ready":
                self.load(compare, second=True)

    # public API -------------------------------------------------------------------------------
    @property
    def analyses(self) -> list[RunAnalysis]:
        """The analysed runs (first, then the one compared)."""
        return [r.analysis for r in self._runs]

    def load(self, source: str | Path | Take | RunAnalysis, *, second: bool = False) -> None:
        """Analyse ``source`` (replacing the runs, or as the second run with ``second``).

        Errors are shown in the widget (``status="error"``) and nothing is replaced.
        """
        self.status, self.error, self.progress = "analysing", "", 0.0
        try:
            run = self._analyse(source)
        except (FileNotFoundError, ModelError, VideoError, BenchError) as exc:
            self.status, self.error = "error", str(exc)
            return
        runs = [*self._runs[:1], run] if second and self._runs else [run]
        self.comparison = None
        if len(runs) == 2:
            try:
                self.comparison = compare_runs(runs[0].analysis, runs[1].analysis)
            except BenchError as exc:
                self.status, self.error = "error", str(exc)
                return
        self._runs = runs
        self._publish()
        self.status, self.progress = "ready", 1.0

    def compare_with(self, source: str | Path | Take | RunAnalysis) -> None:
        """Analyse ``source`` as the second run and compare it with the first."""
        self.load(source, second=True)

    def save_report(self, path: str | Path, *, notes: str = "") -> Path:
        """Write the HTML report of the first run (with the comparison, if any) to ``path``."""
        if not self._runs:
            raise BenchError("no run analysed yet: load a video first.")
        return write_report(self._runs[0].analysis, path, notes=notes, comparison=self.comparison)

    def save_csv(self, path: str | Path, *, run: int = 0) -> Path:
        """Write the per-step numbers of run ``run`` (0 or 1) as CSV to ``path``."""
        if run >= len(self._runs):
            raise BenchError(f"run {run} does not exist; {len(self._runs)} run(s) analysed.")
        return write_csv(self._runs[run].analysis, path)

    # analysis ---------------------------------------------------------------------------------
    def _analyse(self, source: str | Path | Take | RunAnalysis) -> _Run:
        if isinstance(source, RunAnalysis):
            return _Run(source, self._drawn_frames(source))
        if isinstance(source, Take):
            analysis = analyse_series(
                source.to_series(), label=source.label or "take", start=self.start, end=self.end
            )
            first = analysis.first_frame
            kept = (
                list(source.frames[first : first + len(analysis.series)])
                if source.frames
                else self._drawn_frames(analysis)
            )
            return _Run(analysis, kept)
        frames: list[bytes] = []
        expected = self._frame_count(source)

        def keep(rgb: NDArray[np.uint8], _index: int) -> None:
            frames.append(encode_jpeg(_scaled(rgb, PLAYER_WIDTH), 75))

        def tick(done: int) -> None:
            if expected and (done % 10 == 0 or done == expected):
                self.progress = min(1.0, done / expected)

        analysis = analyse_video(
            source, model=self.model, start=self.start, end=self.end,
            progress=self.show_progress,
            on_progress=tick,
            on_frame=keep,
        )  # fmt: skip
        first = analysis.first_frame
        return _Run(analysis, frames[first : first + len(analysis.series)])

    @staticmethod
    def _frame_count(source: str | Path) -> int:
        import cv2

        from course.live import resolve_source

        cap = cv2.VideoCapture(str(resolve_source(source)))
        try:
            return max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
        finally:
            cap.release()

    @staticmethod
    def _drawn_frames(analysis: RunAnalysis) -> list[bytes]:
        """Player frames for a run without video: a dark canvas (the browser draws the pose)."""
        w, h = analysis.series.image_size
        height = max(1, round(h * PLAYER_WIDTH / w))
        blank = encode_jpeg(np.full((height, PLAYER_WIDTH, 3), 32, np.uint8), 75)
        return [blank] * len(analysis.series)

    def _publish(self) -> None:
        out = []
        for r in self._runs:
            a = r.analysis
            out.append(
                {
                    "label": a.label,
                    "view": a.view,
                    "fps": _num(a.setup.fps),
                    "frames": len(r.frames),
                    "duration": a.duration,
                    "cadence": _num(a.summary.cadence),
                    "advice": list(a.setup.advice),
                    "notes": list(a.notes),
                    "synthetic": a.source.startswith("SYNTHETIC"),
                    "times": [float(x) for x in a.series.t],
                    "summary": [
                        {
                            "name": f.name,
                            "unit": f.unit,
                            "description": f.description,
                            "median": _num(f.median),
                            "left": _num(f.left),
                            "right": _num(f.right),
                            "asymmetry": _num(f.asymmetry),
                            "mdc95": _num(f.mdc95),
                            "real": f.real,
                            "error": f.error.value,
                            "error_note": f.error.note,
                        }
                        for f in a.summary.figures.values()
                    ],
                    "moments": [
                        {
                            "step": m.step,
                            "side": m.side,
                            "kind": m.kind,
                            "t": m.t,
                            "frame": m.frame,
                        }
                        for m in a.moments
                    ],
                    "steps": [
                        {
                            "index": s.index,
                            "side": s.side,
                            "t": s.t_contact,
                            "values": {k: _num(v) for k, v in s.values.items()},
                        }
                        for s in a.steps
                    ],
                }
            )
        self.runs = out
        c = self.comparison
        self.offset = c.offset if c is not None else 0.0
        self.differences = (
            [
                {
                    "name": d.name,
                    "unit": d.unit,
                    "a": _num(d.a),
                    "b": _num(d.b),
                    "diff": _num(d.diff),
                    "threshold": _num(d.threshold),
                    "real": d.real,
                    "basis": d.basis,
                }
                for d in c.differences
            ]
            if c is not None
            else []
        )

    # messages ---------------------------------------------------------------------------------
    def _on_custom(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        reply, out = self.handle_message(content)
        self.send(reply, buffers=out or None)

    def handle_message(self, content: Any) -> tuple[dict[str, Any], list[bytes]]:
        """Serve one browser request; the reply JSON and its binary buffers.

        Examples
        --------
        >>> from course.lessons import demos
        >>> from course.bench import analyse_series
        >>> w = RunAnalyzer(analyse_series(demos.running(seconds=4)))
        >>> reply, bufs = w.handle_message({"type": "frame", "id": 1, "run": 0, "index": 3})
        >>> reply["found"], len(bufs), len(bufs[1]) == 33 * 2 * 4
        (True, 2, True)
        """
        if not isinstance(content, dict):
            return {"type": "error", "id": None, "message": "expected a JSON object."}, []
        kind, rid = content.get("type"), content.get("id")
        run = content.get("run", 0)
        if not isinstance(run, int) or not 0 <= run < len(self._runs):
            return {
                "type": "error",
                "id": rid,
                "message": f"run must be 0..{len(self._runs) - 1}; got {run!r}.",
            }, []
        r = self._runs[run]
        if kind == "strip":
            pics = key_frames(r.analysis, width=320)
            shown = [m for m in r.analysis.moments if m.frame in pics]
            items = [
                {"frame": m.frame, "step": m.step, "side": m.side, "kind": m.kind, "t": m.t}
                for m in shown
            ]
            return {"type": "strip", "id": rid, "run": run, "items": items}, [
                pics[m.frame] for m in shown
            ]
        if kind == "frame":
            index = content.get("index")
            n = len(r.frames)
            if not isinstance(index, int) or not 0 <= index < n:
                return {
                    "type": "error",
                    "id": rid,
                    "message": f"frame index must be 0..{n - 1}; got {index!r}.",
                }, []
            lm = r.analysis.series.landmarks[index, :, :2]
            found = bool(np.all(np.isfinite(lm[[23, 24]])))
            bufs = [r.frames[index]]
            if found:
                bufs.append(np.nan_to_num(lm, nan=-1.0).astype(np.float32).tobytes())
            return {
                "type": "frame",
                "id": rid,
                "run": run,
                "index": index,
                "t": float(r.analysis.series.t[index]),
                "found": found,
            }, bufs
        return {"type": "error", "id": rid, "message": f"unknown request {kind!r}."}, []
