"""Command line: ``python -m course {check, models, media, analyze, progress, lab}``.

Each subcommand lives in the module that owns its subject; this file only dispatches.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "course.check",
        "check the environment: packages, compiled core, pose model, browser camera needs",
    ),
    "models": ("course.pose.models", "find, download or build the MediaPipe pose models"),
    "media": ("course.data.media", "fetch and verify the sample videos (pinned, with provenance)"),
    "analyze": ("course.selftests.cli", "run a self-test protocol on a video file"),
    "progress": ("course.progress", "show or export your self-test history"),
    "figures": (
        "course.lessons.figures",
        "draw the lessons' stick-figure pictures (--check: verify)",
    ),
    "lab": ("course.lab", "open the course in JupyterLab (with the low-latency server settings)"),
}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``argv`` (default ``sys.argv[1:]``) to a subcommand's ``main(argv)``."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        print("usage: python -m course COMMAND [options]\n\ncommands:")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:<10}{text}")
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}; expected one of: {', '.join(COMMANDS)}.", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
