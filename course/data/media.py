"""Pinned sample videos of real people, fetched from package registries and verified.

The clips ship inside BSD-3-Clause Python packages on PyPI (Sports2D and Pose2Sim, by David
Pagnon and contributors). :func:`fetch` hands the pins in :data:`CLIPS` to
:func:`course.data.pinned.fetch_wheel_members`, which runs ``pip download --no-deps
<package>==<version>``, extracts the member from the wheel, checks its SHA-256 and keeps it in the
user cache directory with a provenance record and the package licence.
Nothing is committed to the repository. From the command line:
``python -m course media [--list] [NAME ...]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from course.data import pinned

ENV_VAR = "RUNNING_FORM_LAB_MEDIA"


class MediaError(pinned.PinnedDataError):
    """A sample clip could not be fetched or did not match its pinned checksum."""


class UnknownClipError(KeyError):
    """No clip of that name in :data:`CLIPS` (the message lists the names)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Clip(pinned.PinnedFile):
    """One pinned sample video (the fields of :class:`~course.data.pinned.PinnedFile`, and more).

    Attributes
    ----------
    width, height
        Frame size in pixels as stored (before any rotation).
    fps
        Nominal frame rate in frames per second.
    n_frames
        Number of frames.
    description
        What the clip shows.
    """

    width: int
    height: int
    fps: float
    n_frames: int
    description: str

    @property
    def filename(self) -> str:
        """File name in the cache, ``<name>.mp4``."""
        return f"{self.name}{Path(self.member).suffix}"


_SPORTS2D = ("sports2d", "0.8.34")
_POSE2SIM = ("pose2sim", "0.10.49")
_P2S_SINGLE = {
    1: ("cf4f2816c86bea4bfbea255333d8626ff32a3ecabdab8b0fb147cea9167fde3a", 387775, 1080),
    2: ("94ff87cf978b8406e8aa36ab3c5362e72848994e87652f0dc7a33c315e8e0442", 540548, 1080),
    3: ("b8b329f832f178f27ecb78d024d5026b96c6adb36c387bfe2c0af85eab8a11ca", 1709101, 1088),
    4: ("b5c0e7863fd70d008e7178d3c556b045b0ea5f78fcd61ca548a0b2e807e641f7", 1772999, 1088),
}
_P2S_MULTI = {
    1: ("543cee6a4c2c2b52dc9eac9137ee63d14f1f84e706a9a7264769edcb11e5ea53", 764061, 1088),
    2: ("8895092a7cf26359205a427b7ac2f4a935c2e0bd36d9b7a5140cb33faa468a6b", 610385, 1088),
    3: ("d3daf48cdf9f5603868ddb99166ddaf9b12279e7ce968922926560d5fd3f0c99", 801091, 1088),
    4: ("1490149dc40e7301fa5ceae23862b044ba5c398a8b2a40df21ed894702728c09", 877130, 1088),
}


def _registry() -> dict[str, Clip]:
    clips = [
        Clip(
            "sports2d-demo",
            *_SPORTS2D,
            "Sports2D/Demo/demo.mp4",
            "d9a66417185647b112304b57093f0c180f37a768e6a14daca75ca541f3b78039",
            3968304,
            "BSD-3-Clause",
            1768,
            994,
            30.0,
            230,
            "A person walking side-on, then jumping jacks (frontal), then a flip off a box.",
        )
    ]
    for cam, (sha, size, width) in _P2S_SINGLE.items():
        clips.append(
            Clip(
                f"pose2sim-single-cam{cam:02d}",
                *_POSE2SIM,
                f"Pose2Sim/Demo_SinglePerson/videos/cam{cam:02d}.mp4",
                sha,
                size,
                "BSD-3-Clause",
                width,
                1920,
                60.0,
                100,
                f"Camera {cam} of 4 synchronised portrait views: a barefoot man making a big side "
                "lunge with arm swing and brief one-leg moments.",
            )
        )
    for cam, (sha, size, width) in _P2S_MULTI.items():
        clips.append(
            Clip(
                f"pose2sim-multi-cam{cam:02d}",
                *_POSE2SIM,
                f"Pose2Sim/Demo_MultiPerson/videos/cam{cam:02d}.mp4",
                sha,
                size,
                "BSD-3-Clause",
                width,
                1920,
                60.0,
                100,
                f"Camera {cam} of 4 synchronised portrait views with two people in view.",
            )
        )
    return {c.name: c for c in clips}


#: Every pinned clip by name.
CLIPS: dict[str, Clip] = _registry()


#: Short names accepted by :func:`fetch` and :func:`get_clip`.
ALIASES: dict[str, str] = {
    "sports2d": "sports2d-demo",
    "pose2sim": "pose2sim-single-cam01",
    "pose2sim-multi": "pose2sim-multi-cam01",
}


@dataclass(frozen=True)
class DataFile(pinned.PinnedFile):
    """A pinned data file (not a video) that ships in the same wheels as the clips.

    Attributes
    ----------
    description
        What the file holds.
    """

    description: str

    @property
    def filename(self) -> str:
        """File name in the cache: the name plus the member's suffixes (``.qca.txt``)."""
        return f"{self.name}{''.join(Path(self.member).suffixes)}"


#: Pinned data files by name (fetched with :func:`fetch_file`).
FILES: dict[str, DataFile] = {
    "pose2sim-single-calibration": DataFile(
        "pose2sim-single-calibration",
        *_POSE2SIM,
        "Pose2Sim/Demo_SinglePerson/calibration/Calib.qca.txt",
        "fd90e4bbae3278ef1dc0cdd42a34ee06bf88286f628a02c00a29407aa39e34c5",
        4843,
        "BSD-3-Clause",
        "Qualisys calibration (intrinsics, distortion, pose) of the four pose2sim-single-cam "
        "views.",
    )
}


def media_dir() -> Path:
    """Cache directory of the clips: ``platformdirs.user_cache_dir("running-form-lab")/media``.

    The environment variable ``RUNNING_FORM_LAB_MEDIA`` overrides it. Not created by this call.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("running-form-lab")) / "media"


def get_clip(name: str) -> Clip:
    """The registry entry of a clip.

    Examples
    --------
    >>> get_clip("sports2d-demo").fps
    30.0
    """
    try:
        return CLIPS[ALIASES.get(name, name)]
    except KeyError:
        raise UnknownClipError(
            f"no sample clip named {name!r}; available: {', '.join([*CLIPS, *ALIASES])}. "
            "List them with `python -m course media --list`."
        ) from None


def _cached(entry: Clip | DataFile, directory: Path | str | None) -> Path | None:
    p = Path(directory) if directory is not None else media_dir()
    f = p / entry.filename
    if f.is_file() and f.stat().st_size == entry.size and pinned.sha256_file(f) == entry.sha256:
        return f
    return None


def cached_path(name: str, *, directory: Path | str | None = None) -> Path | None:
    """Path of a clip if it is already cached and matches its checksum, else None."""
    return _cached(get_clip(name), directory)


def fetch(name: str, *, directory: Path | str | None = None, timeout: float = 300) -> Path:
    """Return the path of a verified sample clip, downloading its package if needed.

    The package is fetched with ``pip download`` through :mod:`course.data.pinned`, which checks
    the SHA-256, installs atomically and records provenance. All pinned clips of the same package
    are extracted together, so fetching the others later needs no second download.

    Parameters
    ----------
    name
        A key of :data:`CLIPS`, e.g. ``"sports2d-demo"`` or ``"pose2sim-single-cam01"``.
    directory
        Cache directory (default :func:`media_dir`).
    timeout
        Seconds allowed for ``pip download``.

    Returns
    -------
    pathlib.Path
        The clip, whose SHA-256 matches :attr:`Clip.sha256`.

    Raises
    ------
    MediaError
        If pip or the network fails, the clip does not match its checksum, or the cache cannot be
        written; nothing is installed then.
    """
    return _fetch_entry(get_clip(name), directory, timeout)


def fetch_file(name: str, *, directory: Path | str | None = None, timeout: float = 300) -> Path:
    """Return the path of a verified pinned data file (:data:`FILES`), downloading if needed.

    Same mechanism, cache and checks as :func:`fetch`; the clips of the same package are
    extracted with it.

    Parameters
    ----------
    name
        A key of :data:`FILES`, e.g. ``"pose2sim-single-calibration"``.
    directory
        Cache directory (default :func:`media_dir`).
    timeout
        Seconds allowed for ``pip download``.

    Returns
    -------
    pathlib.Path
        The file, whose SHA-256 matches :attr:`DataFile.sha256`.

    Raises
    ------
    UnknownClipError
        If ``name`` is not in :data:`FILES`.
    MediaError
        If pip or the network fails, or the file does not match its checksum.

    Examples
    --------
    >>> FILES["pose2sim-single-calibration"].filename  # the name it gets in the cache
    'pose2sim-single-calibration.qca.txt'
    """
    if name not in FILES:
        raise UnknownClipError(
            f"no pinned data file named {name!r}; available: {', '.join(FILES)}."
        )
    return _fetch_entry(FILES[name], directory, timeout)


def _fetch_entry(entry: Clip | DataFile, directory: Path | str | None, timeout: float) -> Path:
    dest = Path(directory) if directory is not None else media_dir()
    found = _cached(entry, dest)
    if found is not None:
        return found
    every: list[Clip | DataFile] = [*CLIPS.values(), *FILES.values()]
    siblings = [c for c in every if (c.package, c.version) == (entry.package, entry.version)]
    siblings.sort(key=lambda c: c is not entry)  # the one asked for first
    try:
        paths = pinned.fetch_wheel_members(
            [(c.pin, c.filename) for c in siblings],
            directory=dest,
            timeout=timeout,
            provenance={c.filename: asdict(c) for c in siblings},
            hint=f"set {ENV_VAR} to another folder, or put the file in {dest} by hand",
        )
    except pinned.PinnedDataError as exc:
        raise MediaError(str(exc)) from exc
    return paths[0]


def provenance(name: str, *, directory: Path | str | None = None) -> dict[str, object]:
    """Provenance of a clip: package, version, member path, SHA-256, licence (and its text).

    Examples
    --------
    >>> provenance("sports2d-demo")["licence"]
    'BSD-3-Clause'
    """
    clip = get_clip(name)
    record: dict[str, object] = asdict(clip)
    cached = (Path(directory) if directory is not None else media_dir()) / clip.filename
    record["licence_text"] = pinned.read_provenance(cached).get("licence_text", "")
    return record


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m course media [--list] [NAME ...]``: list or fetch the sample clips."""
    parser = argparse.ArgumentParser(
        prog="python -m course media",
        description="Fetch and verify the pinned sample videos (from PyPI packages).",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="clips to fetch ('all' for all)")
    parser.add_argument("--list", action="store_true", help="list the clips and where they are")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.list or not args.names:
        for c in CLIPS.values():
            here = cached_path(c.name)
            state = str(here) if here else "not fetched"
            print(
                f"{c.name:<24} {c.width}x{c.height} {c.fps:g} fps {c.n_frames:>4} frames  {state}"
            )
            print(f"{'':<24} {c.description}\n{'':<24} {c.source}")
        return 0
    names = list(CLIPS) if args.names == ["all"] else args.names
    status = 0
    for n in names:
        try:
            print(f"{n}: {fetch(n)}")
        except (KeyError, MediaError) as exc:
            print(f"{n}: FAILED: {exc}", file=sys.stderr)
            status = 1
    return status
