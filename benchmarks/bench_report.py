"""The coach's bench on the Sports2D sample: is the analysis no slower than the clip + inference?

Measured side by side in one run, alternating which goes first, two rounds each:

- ``inference``: the bare engine pass with the bench's settings,
  ``Engine(max_people=2).run_video(clip)`` (decode + MediaPipe looking for two people), the
  reference a coach cannot avoid;
- ``bench``: what a coach waits for from the command line, ``analyse_video`` (the same engine
  pass plus setup check, events, key moments, numbers) + key-moment pictures + HTML report + CSV;
- ``widget``: ``RunAnalyzer(clip)``, which also keeps every frame as a 640-px JPEG for the player.

Target (issue "coach's bench"): ``bench_s <= clip_s + inference_s``; ``extra_s`` is the time
beyond inference. ``frame_request_us`` is one player frame served by the widget (JPEG + landmarks).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _inference(model: str) -> float:
    from course.live import Engine

    engine = Engine(model=model, max_people=2)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    engine.run_video("sample:sports2d")
    engine.close()
    return time.perf_counter() - t0


def _bench(model: str, out: Path) -> tuple[float, float]:
    from course.bench import analyse_video, write_csv, write_report

    t0 = time.perf_counter()
    run = analyse_video("sample:sports2d", model=model)
    write_report(run, out / "r.html")
    write_csv(run, out / "r.csv")
    return time.perf_counter() - t0, run.duration


def _widget(model: str) -> tuple[float, float]:
    from widgets.run_analyzer import RunAnalyzer

    t0 = time.perf_counter()
    w = RunAnalyzer("sample:sports2d", model=model, progress=False)
    total = time.perf_counter() - t0
    assert w.status == "ready", w.error
    n = w.runs[0]["frames"]
    t1 = time.perf_counter()
    for i in range(0, n, 5):
        w.handle_message({"type": "frame", "id": i, "run": 0, "index": i})
    per = (time.perf_counter() - t1) / len(range(0, n, 5))
    w.close()
    return total, per


def cases(quick: bool = False) -> Iterator[dict[str, Any]]:
    """One row per model: clip, inference, bench and widget times (s) and the target check."""
    from course.data.media import fetch

    fetch("sports2d-demo")
    for model in ("lite",) if quick else ("lite", "full"):
        inf, bench, widget, frame = [], [], [], []
        clip = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(1 if quick else 2):
                order = ("inf", "bench", "widget") if r % 2 == 0 else ("widget", "bench", "inf")
                for what in order:
                    if what == "inf":
                        inf.append(_inference(model))
                    elif what == "bench":
                        s, clip = _bench(model, Path(tmp))
                        bench.append(s)
                    else:
                        s, per = _widget(model)
                        widget.append(s)
                        frame.append(per)
        i, b, w = statistics.median(inf), statistics.median(bench), statistics.median(widget)
        yield {
            "name": f"bench_report_sports2d_{model}",
            "clip_s": clip,
            "inference_s": i,
            "bench_s": b,
            "extra_s": b - i,
            "widget_s": w,
            "frame_request_us": statistics.median(frame) * 1e6,
            "within_target": b <= clip + i,
        }
