"""The installed package enables the course's server extension for plain `jupyter lab` too."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = "jupyter_server_config.d/running-form-lab.json"


def test_config_file_enables_the_extension() -> None:
    data = json.loads((ROOT / "jupyter-config" / CONFIG).read_text())
    assert data == {"ServerApp": {"jpserver_extensions": {"course.server": True}}}


def test_jupyter_server_lists_course_server_enabled_and_valid() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)
    assert re.search(r"course\.server\s+enabled", text), text
    assert re.search(r"course\.server\s+OK", text), text
