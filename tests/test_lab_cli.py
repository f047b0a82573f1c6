"""``python -m course lab``: a clean --help, and --allow-root exactly when running as root.

The commands run for real in a subprocess; the last test starts the JupyterLab server that
``make lab`` starts and waits until it answers, whichever user the tests run as (as root it
starts only because the command carries ``--allow-root``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from browser.harness import _wait_http, free_port, server_env

from course.lab import ROOT_NOTE, lab_command, running_as_root

AS_ROOT = running_as_root()


def _course(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "course", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_lab_help_is_a_clean_argparse_help() -> None:
    out = _course("lab", "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m course lab")
    for option in ("--port", "--ip", "--no-browser", "--dir", "--dry-run"):
        assert option in out.stdout
    # not the module docstring: no doctest, no reST markup
    assert ">>>" not in out.stdout and "Examples" not in out.stdout and "``" not in out.stdout
    assert out.stderr == ""


def test_allow_root_only_for_root() -> None:
    assert "--allow-root" in lab_command(uid=0, open_browser=False)
    for uid in (1, 1000, 65534):
        assert "--allow-root" not in lab_command(uid=uid, open_browser=False)
    assert running_as_root() == (os.geteuid() == 0)
    # extra options still come last, so a user can override ours
    cmd = lab_command(uid=0, extra=["--ServerApp.allow_root=False"])
    assert cmd[-1] == "--ServerApp.allow_root=False" and cmd.index("--allow-root") < len(cmd) - 1


def test_dry_run_command_and_note_follow_the_real_uid() -> None:
    out = _course("lab", "--dry-run", "--no-browser", "--port", "8899")
    assert out.returncode == 0, out.stderr
    assert "-m jupyterlab" in out.stdout and "--ServerApp.port=8899" in out.stdout
    assert ("--allow-root" in out.stdout.split()) == AS_ROOT
    assert (ROOT_NOTE in out.stderr) == AS_ROOT
    if AS_ROOT:  # the note is one line that says why
        assert ROOT_NOTE.count("\n") == 0 and "refuses" in ROOT_NOTE


def test_lab_server_starts_as_this_user(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    log = tmp_path / "lab.log"
    cmd = [
        *(sys.executable, "-m", "course", "lab", "--no-browser", "--ip", "127.0.0.1"),
        *("--port", str(port), "--dir", str(tmp_path), "--IdentityProvider.token="),
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=server_env(home), stdout=out, stderr=out)
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status", proc, log, 90)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    # the server itself received the signal: nothing is left listening on the port
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "a JupyterLab outlived `course lab`"
    text = log.read_text(errors="replace")
    assert (ROOT_NOTE in text) == AS_ROOT
    assert "Use --allow-root to bypass" not in text  # Jupyter's refusal to run as root


def test_bad_port_is_a_clear_usage_error() -> None:
    out = _course("lab", "--port", "eighty")
    assert out.returncode == 2
    assert (
        "invalid int value: 'eighty'" in out.stderr and "usage: python -m course lab" in out.stderr
    )
