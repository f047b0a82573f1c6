"""Command line: ``python -m course COMMAND [options]`` (``--help`` lists the commands).

Each subcommand lives in the module that owns its subject; this file only dispatches.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

COMMANDS: dict[str, str] = {
    "check": "check the environment: packages, compiled core, pose model, browser camera needs",
    "models": "find, download or build the MediaPipe pose models",
    "media": "fetch and verify the sample videos (pinned, with provenance)",
    "analyze": "run a self-test protocol on a video file",
    "progress": "show or export your self-test history",
    "figures": "draw the lessons' stick-figure pictures (--check: verify)",
    "lab": "open the course in JupyterLab (with the low-latency server settings)",
    "validate": "measure one camera's angles against a 4-camera reference; rewrite the error table",
    "report": "a coach's report of a running video: key moments, per-step numbers, HTML + CSV",
}


def command(name: str) -> Callable[[list[str]], int]:
    """The ``main(argv)`` of command ``name``; its module is imported only now (fast start-up)."""
    run: Callable[[list[str]], int]
    if name == "check":
        from course.check import main as run
    elif name == "models":
        from course.pose.models import main as run
    elif name == "media":
        from course.data.media import main as run
    elif name == "analyze":
        from course.live.analyze import main as run
    elif name == "progress":
        from course.progress import main as run
    elif name == "figures":
        from course.lessons.figures import main as run
    elif name == "lab":
        from course.lab import main as run
    elif name == "validate":
        from course.accuracy.report import main as run
    elif name == "report":
        from course.bench.cli import main as run
    else:
        raise KeyError(name)
    return run


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``argv`` (default ``sys.argv[1:]``) to a subcommand's ``main(argv)``."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in {"-h", "--help"}:
        print("usage: python -m course COMMAND [options]\n\ncommands:")
        for name, text in COMMANDS.items():
            print(f"  {name:<10}{text}")
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}; expected one of: {', '.join(COMMANDS)}.", file=sys.stderr)
        return 2
    return int(command(name)(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
