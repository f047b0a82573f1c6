"""``python -m course lab``: open the course in JupyterLab with the course's server settings.

The server gets :mod:`course.server`'s low-latency kernel websockets (TCP_NODELAY) and opens the
first lesson, ``lessons/00-start-here.ipynb``. The webcam works on ``localhost``; a remote server
must be served over HTTPS (browsers give the camera only to secure origins).

Examples
--------
>>> cmd = lab_command(port=8899, open_browser=False)
>>> cmd[1:3]
['-m', 'jupyterlab']
>>> "--ServerApp.port=8899" in cmd
True
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course.server import lab_arguments

FIRST_LESSON = "00-start-here.ipynb"


def course_root() -> Path:
    """Directory that holds ``lessons/``: the source checkout, else the current directory.

    Returns
    -------
    pathlib.Path
        The folder JupyterLab is started in.
    """
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "lessons").is_dir():
        return checkout
    return Path.cwd()


ROOT_NOTE = (
    "note: running as root (common in containers and cloud notebooks), so JupyterLab gets "
    "--allow-root; it refuses to start as root otherwise."
)


def running_as_root(uid: int | None = None) -> bool:
    """Whether ``uid`` (default: this process's effective user id) is root, uid 0.

    Always False on Windows, which has no user ids.

    Examples
    --------
    >>> running_as_root(0), running_as_root(1000)
    (True, False)
    """
    if uid is None:
        if sys.platform == "win32":
            return False
        uid = os.geteuid()
    return uid == 0


def lab_command(
    *,
    root: Path | None = None,
    port: int | None = None,
    ip: str = "localhost",
    open_browser: bool = True,
    extra: list[str] | None = None,
    uid: int | None = None,
) -> list[str]:
    """The ``jupyter lab`` command line with the course settings.

    Parameters
    ----------
    root
        Folder served as the file browser root (default :func:`course_root`).
    port
        TCP port (default: JupyterLab's choice, 8888 or the next free one).
    ip
        Interface to listen on. Keep ``localhost`` unless you serve over HTTPS.
    open_browser
        Open a browser tab on the first lesson.
    extra
        More ``jupyter lab`` options, appended last (they win over ours).
    uid
        Effective user id the server will run as (default: this process's, see
        :func:`running_as_root`). For uid 0 the command gets ``--allow-root``.

    Returns
    -------
    list of str
        Arguments for :func:`subprocess.run`.

    Examples
    --------
    >>> "--allow-root" in lab_command(uid=0), "--allow-root" in lab_command(uid=1000)
    (True, False)
    """
    root = course_root() if root is None else Path(root)
    cmd = [sys.executable, "-m", "jupyterlab", *lab_arguments()]
    cmd += [f"--ServerApp.root_dir={root}", f"--ServerApp.ip={ip}"]
    if port is not None:
        cmd.append(f"--ServerApp.port={int(port)}")
    if (root / "lessons" / FIRST_LESSON).is_file():
        cmd.append(f"--LabApp.default_url=/lab/tree/lessons/{FIRST_LESSON}")
    cmd.append(f"--ServerApp.open_browser={open_browser}")
    # Jupyter refuses to start as root unless told to; containers and cloud notebooks often
    # run everything as root, so say it there (and only there: for anyone else it is not needed).
    if running_as_root(uid):
        cmd.append("--allow-root")
    cmd += list(extra or [])
    return cmd


def main(argv: list[str] | None = None) -> int:
    """Run JupyterLab on the course until it is stopped (Ctrl+C); return its exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m course lab",
        description=(
            "Open the course in JupyterLab at lesson 00, with low-latency kernel websockets for "
            "the live camera. Options not listed here are passed on to JupyterLab."
        ),
        epilog=(
            "The webcam works on localhost; a server that other machines reach must use HTTPS. "
            "Run as root (containers, cloud notebooks), JupyterLab is started with --allow-root."
        ),
    )
    parser.add_argument("--port", type=int, default=None, help="TCP port (default 8888)")
    parser.add_argument("--ip", default="localhost", help="interface (default localhost)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    parser.add_argument("--dir", type=Path, default=None, help="folder with lessons/")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the command instead of running it"
    )
    args, extra = parser.parse_known_args(argv)
    cmd = lab_command(
        root=args.dir, port=args.port, ip=args.ip, open_browser=not args.no_browser, extra=extra
    )
    if running_as_root():
        print(ROOT_NOTE, file=sys.stderr)
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    if args.ip not in {"localhost", "127.0.0.1", "::1"}:
        print(
            f"note: serving on {args.ip} over plain HTTP: browsers on other machines will not "
            "give the page a camera. Use HTTPS (--ServerApp.certfile/keyfile) for a class.",
            file=sys.stderr,
        )
    # JupyterLab replaces this process, so a signal sent to it (Ctrl-C, a service manager's or
    # a test's terminate) reaches the server itself and never leaves an orphaned server behind.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(cmd[0], cmd)
