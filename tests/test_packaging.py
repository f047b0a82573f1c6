"""The conda environment and the pyproject dependencies must describe the same course."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml
from packaging.requirements import Requirement

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
