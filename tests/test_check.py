"""``python -m course check``: the environment report and its exit code. About 5 s."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import course
from course import check
from course.pose import models

ROOT = Path(course.__file__).resolve().parent.parent


def test_this_environment_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert check.main([]) == 0
    out = capsys.readouterr().out
    assert "[ ok ] python" in out and "[ ok ] compiled core" in out
    assert "HTTPS" in out  # camera needs are explained


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert check.main(["--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    assert {"python", "mediapipe", "compiled core", "model full", "camera"} <= names
    assert all(r["status"] in {"ok", "warn", "fail", "info"} for r in rows)


def test_missing_model_is_a_warning_not_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(models.ENV_VAR, str(tmp_path))
    rows = {r.name: r for r in check.check_models()}
    assert rows["model full"].status == "warn"
    assert rows["model lite"].status == rows["model heavy"].status == "info"
    assert "python -m course models --variant full" in rows["model full"].fix
    assert list(tmp_path.iterdir()) == []  # nothing was built


def test_build_flag_resolves_or_fails_clearly(
    pose_model: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(models.ENV_VAR, str(pose_model("full").parent))
    (row,) = check.check_models(build=True, variants=["full"])
    assert row.status == "ok" and "loads" in row.detail
    monkeypatch.setenv(models.ENV_VAR, str(tmp_path / "empty"))
    assert check.main(["--build"]) == 1


def test_jupyterhub_needs_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://hub:8081/hub/api")
    origin = {r.name: r for r in check.camera_notes()}["secure origin"]
    assert origin.status == "warn" and "HTTPS" in origin.fix


def test_bare_interpreter_fails_with_next_steps() -> None:
    """Without site-packages (python -S) numpy, mediapipe and the core are missing: exit 1."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "from course.check import main; raise SystemExit(main([]))"
    )
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[FAIL] numpy: not installed" in proc.stdout
    assert "pip install 'numpy'" in proc.stdout
    assert "[FAIL] compiled core" in proc.stdout and "make build" in proc.stdout
