"""``python -m course report VIDEO``: a coach's report of one run (HTML + CSV), optionally compared.

Examples
--------
``python -m course report sample:sports2d --start 2.5 --end 6.5 --out walker.html --csv w.csv``
``python -m course report before.mp4 --compare after.mp4 --notes "cue: quiet feet"``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m course report``; returns the exit status (0 ok, 1 no report)."""
    p = argparse.ArgumentParser(
        prog="python -m course report",
        description="Analyse a running video at its key moments and write an HTML report + CSV.",
    )
    p.add_argument("video", help="video file, or sample:<name> (e.g. sample:sports2d)")
    p.add_argument("--out", metavar="HTML", help="report file (default: VIDEO name + .html)")
    p.add_argument("--csv", metavar="OUT", help="per-step numbers as CSV")
    p.add_argument("--compare", metavar="VIDEO", help="a second run to compare with")
    p.add_argument("--notes", default="", help="notes printed in the report")
    p.add_argument("--model", default="full", choices=("lite", "full", "heavy"), help="pose model")
    p.add_argument("--start", type=float, help="analyse from this time, s (runner in view)")
    p.add_argument("--end", type=float, help="analyse up to this time, s")
    args = p.parse_args(argv)

    from course.bench.compare import compare_runs
    from course.bench.report import write_csv, write_report
    from course.bench.run import BenchError, analyse_video
    from course.pose.models import ModelError
    from course.pose.video import VideoError

    try:
        run = analyse_video(
            args.video, model=args.model, start=args.start, end=args.end, progress=True
        )
        other = (
            analyse_video(args.compare, model=args.model, start=args.start, end=args.end)
            if args.compare
            else None
        )
        comparison = compare_runs(run, other) if other is not None else None
    except (FileNotFoundError, ModelError, VideoError, BenchError) as exc:
        print(f"error: {exc}\nNo report was written.", file=sys.stderr)
        return 1
    for advice in run.setup.advice:
        print(f"setup: {advice}")
    print(
        f"{run.label}: {run.view} view, {run.summary.steps} steps, cadence "
        f"{run.summary.cadence:.0f} steps/min (analysed in {run.inference_s:.1f} s inference "
        f"+ {run.analysis_s:.2f} s, clip {run.duration:.1f} s)"
    )
    stem = Path(args.video.split(":", 1)[1] if args.video.startswith("sample:") else args.video)
    out = Path(args.out) if args.out else Path(stem.name).with_suffix(".html")
    write_report(run, out, notes=args.notes, comparison=comparison)
    print(f"wrote {out}")
    if args.csv:
        print(f"wrote {write_csv(run, args.csv)}")
    return 0
