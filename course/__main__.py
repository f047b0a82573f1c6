"""Command line: ``python -m course {check, models, media, analyze, progress, lab}``.

Each subcommand lives in the module that owns its subject; this file only dispatches.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

Command = Callable[[list[str]], "int | None"]


# Each command imports its module only when run, so `python -m course check` stays fast.
def _check(argv: list[str]) -> int | None:
    from course.check import main

    return main(argv)


def _models(argv: list[str]) -> int | None:
    from course.pose.models import main

    return main(argv)


def _media(argv: list[str]) -> int | None:
    from course.data.media import main

    return main(argv)


def _analyze(argv: list[str]) -> int | None:
    from course.live.analyze import main

    return main(argv)


def _progress(argv: list[str]) -> int | None:
    from course.progress import main

    return main(argv)


def _lab(argv: list[str]) -> int | None:
    from course.lab import main

    return main(argv)


COMMANDS: dict[str, tuple[Command, str]] = {
    "check": (
        _check,
        "check the environment: packages, compiled core, pose model, browser camera needs",
    ),
    "models": (_models, "find, download or build the MediaPipe pose models"),
    "media": (_media, "fetch and verify the sample videos (pinned, with provenance)"),
    "analyze": (_analyze, "run a self-test protocol on a video file"),
    "progress": (_progress, "show or export your self-test history"),
    "lab": (_lab, "open the course in JupyterLab (with the low-latency server settings)"),
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
    command = COMMANDS[name][0]
    return int(command(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
