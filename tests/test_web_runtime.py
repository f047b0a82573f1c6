"""The browser's pose runtime: pinned, free of telemetry, never from a CDN; the landmarks envelope.

@mediapipe/tasks-vision 1.0.0 (read in its vision_bundle.mjs) POSTs usage logs with ``fetch`` to
``https://odml.pa.googleapis.com/v1/log``; the pinned 0.10.35 must contain no such code, nor any
other web address in the code the page runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from widgets import _messages as msgs
from widgets import _web_runtime as web
from widgets.pose_camera import PoseCamera

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "widgets" / "static"
#: Where 1.0.0 and later send their usage logs.
TELEMETRY = ("odml.pa.googleapis.com", "/v1/log")
URL = re.compile(r"\bhttps?://[\w.-]+")
#: Hosts named only in comments of the Emscripten loader (documentation links), never fetched.
LOADER_DOC_HOSTS = {
    "en.wikipedia.org", "kripken.github.io", "pubs.opengroup.org", "server.com",
    "unicode.org", "www.w3.org", "bugzil.la", "developer.mozilla.org", "github.com",
    "tools.ietf.org", "webkit.org", "www.ietf.org", "www.khronos.org",
}  # fmt: skip


TEXT_HOSTS = {"www.w3.org", "...", "localhost"}


def test_the_pinned_version_is_installed_and_locked() -> None:
    package = json.loads((ROOT / "widgets" / "web" / "package.json").read_text())
    lock = json.loads((ROOT / "widgets" / "web" / "package-lock.json").read_text())
    assert package["dependencies"]["@mediapipe/tasks-vision"] == web.PINNED_VERSION
    locked = lock["packages"]["node_modules/@mediapipe/tasks-vision"]
    assert locked["version"] == web.PINNED_VERSION and locked["integrity"].startswith("sha512-")
    assert web.installed_version() == web.PINNED_VERSION


def test_the_pinned_bundle_sends_no_telemetry() -> None:
    bundle = (web.RUNTIME_DIR / web.ASSETS["bundle"]).read_text(encoding="utf-8")
    loader = (web.RUNTIME_DIR / web.ASSETS["wasm_loader"]).read_text(encoding="utf-8")
    assert "PoseLandmarker" in bundle and "detectForVideo" in bundle  # the right file
    for marker in TELEMETRY:
        assert marker not in bundle and marker not in loader, marker
    # no web address at all in the bundle; the loader names only documentation links
    assert URL.findall(bundle) == []
    hosts = {u.split("://", 1)[1] for u in URL.findall(loader)}
    assert hosts <= LOADER_DOC_HOSTS, hosts - LOADER_DOC_HOSTS


def test_no_cdn_in_the_widgets_code() -> None:
    """The page gets every file from the kernel: no URL to fetch from anywhere else."""
    for js in sorted(STATIC.glob("*.js")):
        text = js.read_text(encoding="utf-8")
        # SVG namespaces and the camera hints' "https://..." and "http://localhost" are text
        found = [u for u in URL.findall(text) if u.split("://")[1] not in TEXT_HOSTS]
        assert found == [], (js.name, found)
        for cdn in ("jsdelivr", "unpkg", "cdnjs", "storage.googleapis", "esm.sh"):
            assert cdn not in text, (js.name, cdn)


def test_read_asset_serves_every_file_and_names_problems(tmp_path: Path) -> None:
    for name in web.ASSETS:
        asset = web.read_asset(name)
        assert asset.data and asset.filename == Path(web.ASSETS[name]).name
    assert web.read_asset("wasm").data[:4] == b"\0asm"
    with pytest.raises(ValueError, match="unknown browser asset 'x'"):
        web.read_asset("x")
    with pytest.raises(ValueError, match="unknown pose model 'tiny'"):
        web.read_asset("model:tiny")
    with pytest.raises(web.RuntimeMissing, match="make install"):
        web.read_asset("bundle", runtime_dir=tmp_path)
    (tmp_path / "package.json").write_text('{"version": "1.1.0"}')
    with pytest.raises(web.RuntimeMissing, match=r"0\.10\.35 is pinned"):
        web.read_asset("bundle", runtime_dir=tmp_path)


def test_asset_request_errors_reach_the_page(tmp_path: Path) -> None:
    cam = PoseCamera(runtime_dir=tmp_path)
    reply, out = cam.handle_message({"type": "asset", "id": 3, "name": "wasm"}, [])
    assert reply["type"] == "error" and reply["code"] == "no_asset" and reply["id"] == 3
    assert "npm ci" in reply["message"] and out == []
    cam.close()


def test_landmarks_envelope_checks_sizes() -> None:
    lm = np.zeros((33, 4), np.float32)
    req = msgs.parse_request(
        {"type": "landmarks", "id": 1, "t": 2.5, "w": 640, "h": 480, "n": 1}, [lm.tobytes()]
    )
    assert (req.kind, req.t, req.width, req.height, req.n_people) == ("landmarks", 2.5, 640, 480, 1)
    nobody = msgs.parse_request({"type": "landmarks", "id": 2, "t": 1, "w": 6, "h": 4}, [])
    assert nobody.n_people == 0 and nobody.payload == b""
    bad = [
        ({"n": 1}, [], "must carry 528 bytes"),
        ({"n": 1}, [b"\0" * 100], "got 100"),
        ({"n": 0}, [lm.tobytes()], "must carry 0 bytes"),
        ({"n": 1, "w": 0}, [lm.tobytes()], "frame size"),
    ]
    for extra, buffers, message in bad:
        content = {"type": "landmarks", "id": 9, "t": 1.0, "w": 640, "h": 480, **extra}
        with pytest.raises(msgs.MessageError, match=message) as err:
            msgs.parse_request(content, buffers)
        assert err.value.code == "bad_landmarks" and err.value.request_id == 9


def test_browser_landmarks_take_the_engine_path() -> None:
    """A landmarks message is analysed like a frame: same reply, the take records it."""
    cam = PoseCamera(inference="browser", record=True)
    lm = np.zeros((33, 4), np.float32)
    lm[:, 0] = np.linspace(0.4, 0.6, 33)
    lm[:, 1] = np.linspace(0.1, 0.9, 33)
    lm[:, 3] = 0.9
    for i in range(3):
        reply, out = cam.handle_message(
            {"type": "landmarks", "id": i, "t": 0.1 * i, "w": 640, "h": 480, "n": 1},
            [lm.tobytes()],
        )
        assert reply["type"] == "pose" and reply["found"] and reply["id"] == i
        assert len(out) == 1 and len(out[0]) == msgs.LANDMARKS_BYTES
    reply, out = cam.handle_message(
        {"type": "landmarks", "id": 9, "t": 0.4, "w": 640, "h": 480, "n": 0}, []
    )
    assert reply["status"] == "no_person" and out == []
    assert cam.frames_processed == 4
    cam.record = False
    take = cam.recorded_takes[0]
    assert take.image_size == (640, 480)
    np.testing.assert_allclose(take.landmarks[0, :, :2], lm[:, :2], atol=1e-6)
    cam.close()


def test_browser_inference_refuses_to_record_video() -> None:
    """In browser inference no camera frame reaches the kernel: asking for video frames in a
    take is refused with what to do, however the combination is reached; the widget keeps
    its settings."""
    for kwargs in (
        {"inference": "browser", "record_video": True},
        {"record_video": True, "inference": "browser", "record": True},
    ):
        with pytest.raises(ValueError, match="cannot record video frames") as info:
            PoseCamera(**kwargs)
        assert "inference='kernel'" in str(info.value) and "'auto'" in str(info.value)
        assert "record_video=False" in str(info.value)
    cam = PoseCamera(inference="browser")
    with pytest.raises(ValueError, match="inference='kernel'"):
        cam.record_video = True
    assert cam.record_video is False and cam.inference == "browser"
    cam.inference = "kernel"  # now frames reach the kernel: video can be kept
    cam.record_video = True
    with pytest.raises(ValueError, match="cannot record video frames"):
        cam.inference = "browser"
    assert cam.inference == "kernel"
    cam.inference = "auto"  # auto keeps the kernel for record_video (pose_inference.js)
    assert (cam.inference, cam.record_video) == ("auto", True)
    cam.close()


def test_browser_workers_are_one_to_four() -> None:
    """Two pose workers by default; the trait refuses 0 and more than 4 and keeps its value."""
    import traitlets

    cam = PoseCamera(inference="browser")
    assert cam.browser_workers == 2
    for bad in (0, 5):
        with pytest.raises(traitlets.TraitError):
            cam.browser_workers = bad
    cam.browser_workers = 1
    assert cam.browser_workers == 1
    cam.close()


def test_a_kernel_take_keeps_video_frames_and_a_browser_take_says_it_has_none() -> None:
    """The take summary the page lists says whether video was kept."""
    lm = np.zeros((33, 4), np.float32)
    lm[:, 0] = np.linspace(0.4, 0.6, 33)
    lm[:, 1] = np.linspace(0.1, 0.9, 33)
    lm[:, 3] = 0.9
    cam = PoseCamera(inference="browser", record=True)
    for i in range(3):
        cam.handle_message(
            {"type": "landmarks", "id": i, "t": 0.1 * i, "w": 640, "h": 480, "n": 1},
            [lm.tobytes()],
        )
    cam.record = False
    assert cam.takes[0]["n_frames"] == 3 and not cam.takes[0]["has_video"]
    reply, _ = cam.handle_message({"type": "take_frame", "id": 5, "index": 0, "frame": 0}, [])
    assert (reply["type"], reply["code"]) == ("error", "no_frame")
    cam.close()


def test_a_batch_of_browser_frames_is_analysed_frame_by_frame() -> None:
    """Several frames in one message: every one goes through the engine, oldest first, and the
    reply answers the newest; the same frames one by one give the same result."""
    rng = np.random.default_rng(3)
    base = np.zeros((33, 4), np.float32)
    base[:, 0] = np.linspace(0.4, 0.6, 33)
    base[:, 1] = np.linspace(0.1, 0.9, 33)
    base[:, 3] = 0.9
    frames = [base + np.float32(0.002) * rng.standard_normal((33, 4), np.float32) for _ in range(3)]
    for lm in frames:
        lm[:, 3] = 0.9
    times, people = [0.0, 0.033, 0.066, 0.1], [1, 0, 1, 1]
    poses = [frames[0], frames[1], frames[2]]
    batched = PoseCamera(record=True)
    reply, _ = batched.handle_message(
        {"type": "landmarks", "id": 1, "t": times, "w": 640, "h": 480, "n": people},
        [b"".join(p.tobytes() for p in poses)],
    )
    single = PoseCamera(record=True)
    it = iter(poses)
    for i, (t, n) in enumerate(zip(times, people, strict=True)):
        one, _ = single.handle_message(
            {"type": "landmarks", "id": i, "t": t, "w": 640, "h": 480, "n": n},
            [next(it).tobytes()] if n else [],
        )
    assert batched.frames_processed == single.frames_processed == 4
    assert reply["t"] == 0.1 and reply["metrics"] == one["metrics"]
    batched.record = single.record = False
    a, b = batched.recorded_takes[0], single.recorded_takes[0]
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    with pytest.raises(msgs.MessageError, match="1 to 8 frames"):
        msgs.parse_request(
            {"type": "landmarks", "id": 2, "t": [0.1] * 9, "w": 6, "h": 4, "n": [0] * 9}, []
        )
    with pytest.raises(msgs.MessageError, match=r"n=\[1, 1\] people must carry 1056 bytes"):
        msgs.parse_request(
            {"type": "landmarks", "id": 2, "t": [0.1, 0.2], "w": 6, "h": 4, "n": [1, 1]},
            [base.tobytes()],
        )
    batched.close()
    single.close()
