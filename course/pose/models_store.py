"""The pose model cache: names, pins, verification by loading, and verified atomic installs.

Shared by the two routes that put a model in the cache (:mod:`course.pose.models` downloads the
official file, :mod:`course.pose.models_npm` builds one from the npm package). Both hand their bytes
to :func:`course.data.pinned.retrieve` with an :class:`Installer` as the pooch processor: the file
lands in a staging name, is loaded with MediaPipe, and only then is moved to its final name with a
provenance record beside it.
"""

from __future__ import annotations

import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from course.data import pinned

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
#: Members of a ``.task`` bundle.
TASK_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

_verified: dict[tuple[str, int, float], bool] = {}


class ModelError(RuntimeError):
    """A pose model could not be found, fetched, built or loaded (the message says what to do)."""


class CacheNotWritableError(ModelError, pinned.CacheNotWritableError):
    """The model cache directory cannot be created or written."""


class UnusableModelError(ModelError):
    """A fetched or built file does not load in MediaPipe; it was not installed."""


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


def check_variant(variant: str) -> str:
    """Return ``variant`` if it is lite, full or heavy; raise a ValueError that lists them."""
    if variant not in VARIANTS:
        raise ValueError(
            f"model variant must be one of {', '.join(VARIANTS)}; got {variant!r}. "
            "'lite' is fastest, 'full' the default, 'heavy' the most accurate and slowest."
        )
    return variant


def task_name(variant: str) -> str:
    """File name of a model variant.

    Examples
    --------
    >>> task_name("lite")
    'pose_landmarker_lite.task'
    """
    return f"pose_landmarker_{check_variant(variant)}.task"


def cache_dir() -> Path:
    """The per-user model cache, ``platformdirs.user_cache_dir("running-form-lab")/models``.

    Not created by this call.
    """
    import platformdirs

    return Path(platformdirs.user_cache_dir("running-form-lab")) / "models"


def writable_dir(directory: Path) -> Path:
    """Create ``directory`` if needed and check it can be written, or raise a clear error."""
    try:
        return pinned.writable_dir(directory)
    except pinned.CacheNotWritableError as exc:
        cause = exc.__cause__
        why = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
        raise CacheNotWritableError(
            f"cannot write pose models to {directory} ({why}). Make it writable, or set "
            f"{ENV_VAR} to a directory you can write or that already holds the .task files."
        ) from exc


def provenance(path: Path) -> str:
    """The source recorded when ``path`` was installed ("" if unknown)."""
    return str(pinned.read_provenance(path).get("source", ""))


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


def _key(path: Path) -> tuple[str, int, float]:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime)


def verified_once(path: Path) -> bool:
    """Verify ``path`` once per process (keyed by size and mtime); True if usable."""
    key = _key(path)
    if key not in _verified:
        try:
            verify_model(path)
            _verified[key] = True
        except ModelError:
            _verified[key] = False
    return _verified[key]


# --------------------------------------------------------------------------------------------
# Installing


def staging_path(directory: Path, variant: str) -> Path:
    """Where a fetched or built model waits, unverified, before it is installed (per process)."""
    return directory / f".{task_name(variant)}.{os.getpid()}.staged"


class Installer:
    """A pooch processor that loads a staged model and installs it under its final name.

    The staged file is verified with :func:`verify_model`; if it does not load it is deleted
    and :class:`UnusableModelError` is raised, so the cache never holds an unusable model.
    Otherwise it is moved with :func:`os.replace` (atomic) and a provenance record is written
    beside it.

    Parameters
    ----------
    directory
        The cache folder.
    variant
        ``"lite"``, ``"full"`` or ``"heavy"``.
    source
        Where the bytes came from (URL or npm package), recorded as ``source``.
    """

    def __init__(self, directory: Path, variant: str, source: str) -> None:
        self.final = directory / task_name(variant)
        self.variant = variant
        self.source = source

    def __call__(self, fname: str, action: str, pooch: object) -> str:
        """Verify ``fname`` and move it to the final name; return the final path."""
        staged = Path(fname)
        try:
            verify_model(staged)
        except ModelError as exc:
            staged.unlink(missing_ok=True)
            raise UnusableModelError(
                f"the file from {self.source} is not usable, so it was not installed: {exc}"
            ) from exc
        staged.chmod(0o644)
        os.replace(staged, self.final)
        record = {
            "variant": self.variant,
            "source": self.source,
            "sha256": pinned.sha256_file(self.final),
            "size": self.final.stat().st_size,
            "installed": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        pinned.write_json_atomic(pinned.sidecar(self.final), record)
        _verified[_key(self.final)] = True
        return str(self.final)


def install(
    source: str,
    directory: Path,
    variant: str,
    *,
    downloader: pinned.Downloader,
    sha256: str | None = None,
    hint: str = "",
) -> Path:
    """Fetch or build a model with ``downloader``, verify it and install it in ``directory``.

    Raises
    ------
    ModelError
        If the bytes cannot be had or do not match ``sha256`` (from :mod:`course.data.pinned`),
        or the file does not load (from :class:`Installer`); nothing is installed then.
    """
    staged = staging_path(directory, variant)
    staged.unlink(missing_ok=True)  # a leftover from an interrupted run is never trusted
    try:
        return pinned.retrieve(
            source,
            staged,
            sha256=sha256,
            downloader=downloader,
            processor=Installer(directory, variant, source),
            hint=hint,
        )
    except pinned.CacheNotWritableError as exc:
        if isinstance(exc, ModelError):
            raise
        raise CacheNotWritableError(str(exc)) from exc
    except ModelError:
        raise
    except pinned.PinnedDataError as exc:
        raise ModelError(str(exc)) from exc
    finally:
        staged.unlink(missing_ok=True)
