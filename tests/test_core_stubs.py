"""The type stubs of course._core: built with the package, installed next to the extension, and
identical to what nanobind's stubgen makes of the extension that is actually imported (so a
kernel changed without a rebuild, or a stub edited by hand, fails here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course import _core

FAMILIES = ("filters", "geometry", "balance", "jumps", "springmass", "gait")
STUB_DIR = Path(_core.__file__).parent / "_core"


def test_stubs_and_marker_are_installed_next_to_the_extension() -> None:
    missing = [
        name
        for name in ("__init__.pyi", *(f"{f}.pyi" for f in FAMILIES))
        if not (STUB_DIR / name).is_file()
    ]
    assert not missing, f"missing stubs in {STUB_DIR}: {missing}; rebuild with `make build`"
    assert (STUB_DIR.parent / "py.typed").is_file(), "no PEP 561 marker next to course._core"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stubs")
    subprocess.run(
        [sys.executable, "-m", "nanobind.stubgen", "-q", "-r", "-m", "course._core", "-O", out],
        check=True,
        cwd=out,  # stubgen puts the working directory on sys.path: keep the source tree off it
    )
    return out / "_core"


@pytest.mark.parametrize("name", ["__init__", *FAMILIES])
def test_installed_stub_matches_a_fresh_stubgen_run(fresh: Path, name: str) -> None:
    installed = (STUB_DIR / f"{name}.pyi").read_text(encoding="utf-8")
    assert installed == (fresh / f"{name}.pyi").read_text(encoding="utf-8"), (
        f"{STUB_DIR / name}.pyi is stale: rebuild the extension with `make build`"
    )


def test_known_signatures_are_typed() -> None:
    geometry = (STUB_DIR / "geometry.pyi").read_text(encoding="utf-8")
    assert "class LiveResult:" in geometry
    assert "sx: float, sy: float) -> LiveResult:" in geometry
    balance = (STUB_DIR / "balance.pyi").read_text(encoding="utf-8")
    assert "-> SwaySums:" in balance and "def path_length(self) -> float:" in balance
    jumps = (STUB_DIR / "jumps.pyi").read_text(encoding="utf-8")
    assert "lead_in: float, lead_out: float) -> JumpKinematics:" in jumps
    assert "from course._core import" in (STUB_DIR / "__init__.pyi").read_text(encoding="utf-8")
