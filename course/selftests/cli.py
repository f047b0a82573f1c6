"""``python -m course analyze VIDEO --test NAME``: run a self-test protocol on a video file.

The video goes through the MediaPipe tracker (:class:`course.pose.PoseTracker`), then the protocol
runs over the pose series exactly as it would live (with no countdown). The result is printed, and
written as JSON (everything) or CSV (one row per metric) on request. Nothing is added to your
progress log unless you pass ``--record``.

Examples
--------
``python -m course analyze my_balance.mp4 --test single_leg_balance --option trials=2
--option age=42 --json result.json``
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from typing import Any

from course.selftests import PROTOCOLS, get
from course.selftests.base import Result


def parse_option(text: str) -> tuple[str, Any]:
    """Parse ``key=value`` (value as JSON when it parses: numbers, true/false, null; else text).

    Examples
    --------
    >>> parse_option("trials=2"), parse_option("mode=standing")
    (('trials', 2), ('mode', 'standing'))
    """
    if "=" not in text:
        raise argparse.ArgumentTypeError(
            f"options look like key=value (e.g. mode=standing); got {text!r}."
        )
    key, raw = text.split("=", 1)
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip().replace("-", "_"), value


def write_csv(result: Result, path: Path) -> None:
    """One row per metric: test, side, metric, value, unit, description (trials included)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["test", "side", "metric", "value", "unit", "description"])
        for res in (result, *result.trials) if result.trials else (result,):
            for name, m in res.metrics.items():
                v = float(m.value)
                w.writerow(
                    [res.test, res.side, name, f"{v:.6g}" if math.isfinite(v) else "", m.unit,
                     m.description]
                )  # fmt: skip
        w.writerow([result.test, result.side, "score", f"{result.score:.6g}", "0-100", ""])
        w.writerow([result.test, result.side, "passed", str(result.passed), "", ""])


def summary(result: Result) -> str:
    """A readable multi-line summary of a result."""
    lines = [
        f"{result.test}: score {result.score:.0f}/100, "
        + ("passed" if result.passed else "not passed")
        + (f" (side: {result.side})" if result.side else ""),
    ]
    if not result.completed:
        lines[0] = f"{result.test}: did not run"
    for name, m in result.metrics.items():
        v = float(m.value)
        lines.append(f"  {name:<24} {v:>10.2f} {m.unit}" if math.isfinite(v) else f"  {name:<24} "
                     f"{'—':>10} {m.unit}")  # fmt: skip
    for th in result.thresholds:
        lines.append(f"  criterion: {th.metric} {th.op} {th.value:g} {th.unit}  [{th.source}]")
    lines.append(f"  {result.feedback}")
    lines.extend(f"  note: {w}" for w in result.warnings)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m course analyze``; returns the exit status."""
    p = argparse.ArgumentParser(
        prog="python -m course analyze",
        description="Run a self-test protocol on a video file.",
    )
    p.add_argument("video", help="video file (mp4, webm, mov...)")
    p.add_argument("--test", required=True, help=f"one of: {', '.join(sorted(PROTOCOLS))}")
    p.add_argument("--json", metavar="OUT", help="write the full result as JSON")
    p.add_argument("--csv", metavar="OUT", help="write the metrics as CSV")
    p.add_argument("--model", default="full", choices=("lite", "full", "heavy"), help="pose model")
    p.add_argument("--side", default="auto", choices=("auto", "left", "right"))
    p.add_argument(
        "--option",
        action="append",
        type=parse_option,
        default=[],
        metavar="KEY=VALUE",
        help="protocol option, e.g. mode=standing, trials=2, age=42 (repeatable)",
    )
    p.add_argument("--record", action="store_true", help="add the result to your progress log")
    p.add_argument("--notes", default="", help="note stored with --record")
    args = p.parse_args(argv)

    try:
        cls = get(args.test)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    video = Path(args.video)
    if not video.is_file():
        print(f"error: no video file at {video}. Check the path.", file=sys.stderr)
        return 2
    options = dict(args.option)
    if args.side != "auto":
        options["side"] = args.side
    try:
        protocol = cls(**options)
    except (TypeError, ValueError) as exc:
        print(f"error: bad option for {cls.name}: {exc}", file=sys.stderr)
        return 2

    from course.pose import PoseTracker
    from course.pose.models import ModelError
    from course.pose.video import VideoError

    try:
        with PoseTracker(args.model) as tracker:
            series = tracker.video(video)
    except (ModelError, VideoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result = protocol.run(series)
    print(summary(result))
    if args.json:
        Path(args.json).write_text(result.to_json() + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    if args.csv:
        write_csv(result, Path(args.csv))
        print(f"wrote {args.csv}")
    if args.record:
        from course.progress import ProgressError, ProgressLog

        try:
            entry = ProgressLog().record(result, notes=args.notes)
        except ProgressError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"recorded as entry {entry} in your progress log")
    return 0 if result.completed else 1
