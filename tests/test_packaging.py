"""The conda environment and the pyproject dependencies must describe the same course."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from the PyPI distribution names
CONDA_NAMES = {"flatbuffers": "python-flatbuffers"}


def _pyproject_requirements() -> dict[str, Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = [*data["project"]["dependencies"], *data["build-system"]["requires"]]
    for extra in data["project"]["optional-dependencies"].values():
        reqs.extend(extra)
    parsed = [Requirement(r) for r in reqs]
    return {r.name.lower(): r for r in parsed}


def _environment_specs() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs: dict[str, str] = {}
    for item in env["dependencies"]:
        entries = item["pip"] if isinstance(item, dict) else [item]
        for entry in entries:
            if entry.startswith("-"):
                continue
            name = re.split(r"[<>=!~ ]", entry, maxsplit=1)[0].lower()
            specs[name] = entry[len(name) :].strip()
    return specs


def test_every_pyproject_requirement_is_in_environment_yml() -> None:
    specs = _environment_specs()
    missing, mismatched = [], []
    for name, req in _pyproject_requirements().items():
        conda_name = CONDA_NAMES.get(name, name)
        if conda_name not in specs:
            missing.append(name)
            continue
        env_spec = {part.strip() for part in specs[conda_name].split(",") if part.strip()}
        if env_spec != {str(s) for s in req.specifier}:
            mismatched.append(f"{name}: pyproject {req.specifier} vs environment.yml {env_spec}")
    assert not missing, f"environment.yml lacks: {missing}"
    assert not mismatched, "version ranges differ:\n" + "\n".join(mismatched)


def test_environment_yml_has_nothing_pyproject_does_not_know() -> None:
    conda_only = {"python", "cxx-compiler", "cmake", "make", "nodejs", "ffmpeg", "pip"}
    known = {CONDA_NAMES.get(n, n) for n in _pyproject_requirements()} | conda_only
    extra = set(_environment_specs()) - known
    assert not extra, (
        f"environment.yml lists packages pyproject.toml does not declare: {sorted(extra)}"
    )


def test_environment_installs_the_project_itself() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert "-e ." in pip_section


#: Analysis modules whose doctests run under the NumPy floor (the compiled core behind each).
FLOOR_DOCTESTS = [
    f"course/analysis/{m}.py"
    for m in ("balance", "filters", "gait", "geometry", "jumps", "live", "_jump_events")
]


def _numpy_floor() -> str:
    """The lowest NumPy the project declares, as an exact version (``>=2.0`` -> ``2.0.0``)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    req = next(Requirement(r) for r in data["project"]["dependencies"] if r.startswith("numpy"))
    floors = [s.version for s in req.specifier if s.operator == ">="]
    assert len(floors) == 1, f"numpy needs one '>=' floor in pyproject.toml; got {req}"
    parts = [*floors[0].split("."), "0", "0"][:3]
    return ".".join(parts)


def test_numpy_floor_is_what_the_code_needs() -> None:
    """np.trapezoid (used by the explorer widgets and the test references) arrived in NumPy 2.0."""
    assert Version(_numpy_floor()) >= Version("2.0.0")
    sources = [*(ROOT / "course").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")]
    uses = [p for p in sources if "np.trapezoid" in p.read_text()]
    assert uses, "nothing uses np.trapezoid any more: the NumPy floor may be lowered"


@pytest.mark.slow
def test_declared_numpy_floor_really_works(tmp_path: Path) -> None:
    """Install exactly the NumPy floor beside this interpreter and run the science under it.

    ``pip install --target`` puts the floor version in a throwaway folder that goes first on
    PYTHONPATH, shadowing the newer NumPy of this environment for a child interpreter; that child
    imports the compiled core, runs the analysis doctests and compares the jump and filter kernels
    with their NumPy/SciPy references. About 30 s on a quiet 2-core machine (the wheel comes from
    pip's cache; the first run downloads about 19 MB).
    """
    floor = _numpy_floor()
    target = tmp_path / "numpy-floor"
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--target",
            str(target),
            f"numpy=={floor}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert pip.returncode == 0, f"pip could not install numpy=={floor}:\n{pip.stderr[-2000:]}"
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import numpy, course._core, course.analysis; print(numpy.__version__, numpy.__file__)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    version, where = probe.stdout.split()
    assert version == floor and where.startswith(str(target)), probe.stdout
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--doctest-modules",
            *FLOOR_DOCTESTS,
            "tests/test_jumps.py",  # its reference integrates with np.trapezoid
            "tests/test_filters.py",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    tail = run.stdout[-3000:]
    assert run.returncode == 0, f"under numpy=={floor}:\n{tail}\n{run.stderr[-2000:]}"
    assert re.search(r"\d+ passed", tail) and "skipped" not in tail, tail


TEXT_SUFFIXES = {".py", ".md", ".js", ".css", ".toml", ".yml", ".yaml", ".ipynb", ".txt"}


def test_no_merge_conflict_markers_are_committed() -> None:
    """A merge leftover (``<<<<<<<`` ... ``>>>>>>>``) in a tracked file breaks a page or module."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    marker = re.compile(r"^(<{7} |>{7} )", re.MULTILINE)
    found = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in TEXT_SUFFIXES:
            continue
        if path.is_file() and marker.search(path.read_text(errors="replace")):
            found.append(name)
    assert not found, f"merge conflict markers left in {found}: resolve them and commit"
