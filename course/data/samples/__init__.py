"""Simulated force-plate exports, generated on demand from the course's jump models.

Nothing here is downloaded or measured: each file is written by :func:`write_force_plate_sample`
from :mod:`course.data.simulated` and says so in its header ("SIMULATED"). The files look like a
two-plate force-plate export (semicolon-separated, decimal comma, a sampling-rate and body-mass
header, one ``Fz`` column per plate) so that lessons can show :func:`course.data.read_force_plate`
and :class:`widgets.JumpAnalyzer` on a realistic file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from course.data.simulated import SimulatedJump, simulate_cmj, simulate_drop_jump

__all__ = ["KINDS", "force_plate_sample", "write_force_plate_sample"]

KINDS = ("cmj", "dj")


def _simulate(kind: str, seed: int) -> SimulatedJump:
    if kind == "cmj":
        return simulate_cmj(mass=72.0, height=0.32, fs=1000.0, noise_sd=3.0, seed=seed)
    if kind == "dj":
        return simulate_drop_jump(
            mass=72.0, drop_height=0.30, contact_time=0.22, height=0.28, fs=1000.0, seed=seed
        )
    raise ValueError(f"kind must be one of {KINDS}; got {kind!r}.")


def write_force_plate_sample(path: str | Path, *, kind: str = "cmj", seed: int = 0) -> Path:
    """Write a simulated two-plate force-plate export of a jump to ``path``.

    Parameters
    ----------
    path
        Destination ``.csv`` file (its folder must exist).
    kind
        ``"cmj"`` (countermovement jump, 72 kg, 32 cm) or ``"dj"`` (drop jump from 0.30 m,
        72 kg, 0.22 s contact, 28 cm rebound).
    seed
        Seed of the simulated plate noise.

    Returns
    -------
    pathlib.Path
        The written file. Force is in N split 55 % / 45 % between plates ``Fz1`` and ``Fz2``;
        time in s; the header holds the sampling rate (Hz), the body mass (kg) and the true height.

    Examples
    --------
    >>> import tempfile
    >>> from course.data import read_force_plate
    >>> p = write_force_plate_sample(Path(tempfile.mkdtemp()) / "cmj.csv")
    >>> tr = read_force_plate(p)
    >>> tr.fs, tr.columns_used, tr.header[0].startswith("SIMULATED")
    (1000.0, ('Fz1 (N)', 'Fz2 (N)'), True)
    """
    jump = _simulate(kind, seed)
    name = {"cmj": "countermovement jump", "dj": "drop jump"}[kind]
    lines = [
        f"SIMULATED {name} (Running Form Lab model, not a measurement)",
        f"Sampling rate: {jump.fs:g} Hz",
        f"Body mass: {jump.mass:g} kg".replace(".", ","),
        f"True jump height: {100 * jump.true_height:.1f} cm".replace(".", ","),
        "",
        "Time (s);Fz1 (N);Fz2 (N)",
    ]
    f1, f2 = 0.55 * jump.force, 0.45 * jump.force
    body = [
        f"{t:.3f};{a:.2f};{b:.2f}".replace(".", ",") for t, a, b in zip(jump.t, f1, f2, strict=True)
    ]
    out = Path(path)
    out.write_text("\n".join(lines + body) + "\n", encoding="utf-8")
    return out


def force_plate_sample(kind: str = "cmj", *, directory: str | Path | None = None) -> Path:
    """Path of a simulated force-plate export, generated on first use.

    Parameters
    ----------
    kind
        ``"cmj"`` or ``"dj"``.
    directory
        Where to keep the file; default: the user's cache folder for Running Form Lab.

    Returns
    -------
    pathlib.Path
        A CSV readable by :func:`course.data.read_force_plate`.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}.")
    if directory is None:
        import platformdirs

        directory = platformdirs.user_cache_path("running-form-lab") / "samples"
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"simulated_{kind}_force_plate.csv"
    if not path.exists():
        tmp = path.with_suffix(f".tmp{np.random.default_rng().integers(1 << 30)}")
        write_force_plate_sample(tmp, kind=kind)
        tmp.replace(path)
    return path
