"""``python -m course analyze VIDEO --test NAME``: run a self-test protocol on a video file.

Every frame of the video goes through the live engine (:class:`course.live.Engine`: MediaPipe,
One-Euro smoothing and angles, the protocol) exactly as a camera frame would, with no countdown.
The result is printed (:meth:`~course.selftests.results.Result.text`), and written as JSON
(everything) or CSV (one row per metric) on request. Nothing is added to your progress log unless
you pass ``--record``.

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
from course.selftests.results import Result


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
        cls(**options)  # check the options before loading the model
    except (TypeError, ValueError) as exc:
        print(f"error: bad option for {cls.name}: {exc}", file=sys.stderr)
        return 2

    from course.live import Engine
    from course.pose.models import ModelError
    from course.pose.video import VideoError

    engine = Engine(test=cls.name, options=options, model=args.model, max_people=2)
    try:
        run = engine.run_video(video, progress=True)
    except (ModelError, VideoError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.close()
    result = run.result
    assert result is not None  # a test was named
    print(result.text())
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
