"""PoseCamera: message envelopes, error paths, and the pipeline with real MediaPipe on real frames.

Frames come from the Pose2Sim demo (a real person, found in every frame), JPEG-encoded as the
browser would send them and fed through the widget's message handler. The reference for the
landmarks is a separate ``PoseTracker`` run on the same decoded frames. About 15 s.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from traitlets import TraitError

from course.analysis.live import LiveAnalyzer
from course.lab import lab_command
from course.live import (
    VideoReader,
    decode_jpeg,
    encode_jpeg,
    missing_parts,
    resolve_source,
)
from course.pose import PoseTracker
from course.server import NODELAY_CLASS, NoDelayKernelConnection, lab_arguments
from widgets import PoseCamera
from widgets import _messages as msgs
from widgets._esm import bundle

CLIP = "sample:pose2sim-single-cam01"


@pytest.fixture(scope="module")
def frames() -> list[tuple[np.ndarray, float]]:
    """30 real frames (RGB, fitted into 640x480) with their video times in s."""
    video = VideoReader(resolve_source(CLIP), max_size=(640, 480))
    out = []
    try:
        for _ in range(30):
            item = video.read()
            assert item is not None
            out.append(item)
    finally:
        video.close()
    return out


def frame_msg(i: int, rgb: np.ndarray, t: float) -> tuple[dict, list[bytes]]:
    return {"type": "frame", "id": i, "t": t, "w": rgb.shape[1], "h": rgb.shape[0]}, [
        encode_jpeg(rgb)
    ]


# --- envelopes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "buffers", "code"),
    [
        ({"type": "frame", "id": 1, "t": 0.0}, [], "empty_frame"),
        ({"type": "frame", "id": 1, "t": 0.0}, [b""], "empty_frame"),
        ({"type": "frame", "id": 1, "t": float("nan")}, [b"x"], "bad_request"),
        ({"type": "frame", "id": 1, "t": "soon"}, [b"x"], "bad_request"),
        (
            {"type": "frame", "id": 1, "t": 0.0},
            [b"x" * (msgs.MAX_FRAME_BYTES + 1)],
            "frame_too_large",
        ),
        ({"type": "selfie", "id": 2}, [], "bad_request"),
        ({"type": "ping", "id": "two"}, [], "bad_request"),
        (["not", "a", "dict"], [], "bad_request"),
    ],
)
def test_parse_request_rejects_malformed(content: object, buffers: list, code: str) -> None:
    with pytest.raises(msgs.MessageError) as info:
        msgs.parse_request(content, buffers)
    assert info.value.code == code
    assert str(info.value)  # a message for people, not just a code


def test_parse_request_frame_fields() -> None:
    req = msgs.parse_request({"type": "frame", "id": 5, "t": 1.25, "w": 64, "h": 48}, [b"\xff\xd8"])
    assert (req.kind, req.id, req.t, req.width, req.height, req.payload) == (
        "frame",
        5,
        1.25,
        64,
        48,
        b"\xff\xd8",
    )


@given(arrays(np.float64, (33, 3), elements=st.floats(-2, 2)), st.floats(0, 1))
def test_landmark_buffer_roundtrip(lm: np.ndarray, vis: float) -> None:
    buf = msgs.landmarks_buffer(lm, np.full(33, vis))
    back = msgs.unpack_landmarks(buf)
    assert back.shape == (1, 33, 4)
    np.testing.assert_allclose(back[0, :, :3], lm.astype(np.float32))
    np.testing.assert_allclose(back[0, :, 3], np.float32(vis))


def test_landmark_buffer_rejects_wrong_shape() -> None:
    with pytest.raises(ValueError, match=r"\(\.\.\., 33, 3\)"):
        msgs.landmarks_buffer(np.zeros((17, 3)), np.zeros(17))
    with pytest.raises(ValueError, match="multiple of 132"):
        msgs.unpack_landmarks(b"\x00" * 8)


def test_pose_reply_replaces_non_finite_metrics() -> None:
    reply = msgs.pose_reply(3, t=0.5, found=True, metrics={"knee": float("nan"), "hip": 12.0})
    assert reply["metrics"] == {"knee": None, "hip": 12.0}
    assert reply["id"] == 3


# --- traits and server settings -------------------------------------------------------------
def test_defaults_and_traits() -> None:
    cam = PoseCamera()
    assert (cam.status, cam.error, cam.width, cam.height, cam.mirror, cam.record) == (
        "idle",
        "",
        640,
        480,
        True,
        False,
    )
    assert cam.takes == [] and cam.result is None
    assert cam.frames_processed == 0
    cam.close()


def test_server_settings_reach_the_lab_command(tmp_path) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "00-start-here.ipynb").write_text("{}")
    cmd = lab_command(root=tmp_path, port=9000, open_browser=False)
    assert f"--ServerApp.kernel_websocket_connection_class={NODELAY_CLASS}" in cmd
    assert "--LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb" in cmd
    assert lab_arguments()[0] in cmd
    module, _, name = NODELAY_CLASS.rpartition(".")
    assert getattr(__import__(module, fromlist=[name]), name) is NoDelayKernelConnection


# --- the pipeline on real frames ------------------------------------------------------------
@pytest.mark.media
def test_frames_through_handler_match_direct_tracker(frames) -> None:
    cam = PoseCamera()
    replies = []
    for i, (rgb, t) in enumerate(frames[:12]):
        reply, buffers = cam.handle_message(*frame_msg(i, rgb, t))
        replies.append((reply, buffers))
    cam.close()
    # reference: the same JPEG round trip, straight into a tracker, then the One-Euro smoothing
    # the engine draws with (LiveAnalyzer's defaults)
    with PoseTracker("lite", num_poses=1) as tracker:
        ref = [tracker.frame(decode_jpeg(encode_jpeg(rgb)), t) for rgb, t in frames[:12]]
    smooth = LiveAnalyzer()
    for i, ((reply, buffers), pose) in enumerate(zip(replies, ref, strict=True)):
        assert reply["type"] == "pose" and reply["id"] == i
        assert reply["found"] == (pose is not None)
        if pose is None:
            assert buffers == []
            continue
        drawn = smooth.update(pose, frames[i][1]).landmarks
        got = msgs.unpack_landmarks(buffers[0])[0]
        np.testing.assert_allclose(got[:, :3], drawn, atol=1e-5)
        np.testing.assert_allclose(got[:, 3], pose.visibility, atol=1e-5)
        if i > 0:  # smoothed, not raw: the drawn points differ from the tracker's
            assert not np.allclose(drawn, pose.landmarks, atol=1e-5)
    assert sum(r["found"] for r, _ in replies) >= 10
    assert all(r["proc_ms"] > 0 for r, _ in replies)


@pytest.mark.media
def test_status_no_person_and_partial(frames) -> None:
    cam = PoseCamera()
    rgb, _ = frames[0]
    reply, buffers = cam.handle_message(*frame_msg(0, np.zeros_like(rgb), 0.0))
    assert reply["status"] == "no_person" and not reply["found"] and buffers == []
    assert cam.status == "no_person", "the trait follows the pipeline without a browser too"
    assert "No person" in reply["message"]
    # the top 45 % of the picture: head and trunk only, legs cut off
    top = np.ascontiguousarray(rgb[: int(rgb.shape[0] * 0.45)])
    statuses = []
    for i in range(1, 8):
        reply, _ = cam.handle_message(*frame_msg(i, top, i / 30))
        statuses.append(reply["status"])
    cam.close()
    assert "partial" in statuses, statuses
    assert "out of the picture" in reply["message"] or reply["status"] != "partial"


@pytest.mark.media
def test_errors_reply_on_the_same_id(frames) -> None:
    cam = PoseCamera()
    reply, buffers = cam.handle_message({"type": "frame", "id": 41, "t": 0.0}, [b"not a jpeg"])
    assert reply == {
        "type": "error",
        "id": 41,
        "code": "bad_frame",
        "message": reply["message"],
    }
    assert "JPEG" in reply["message"] and buffers == []
    assert cam.error  # the trait tells the notebook too
    reply, _ = cam.handle_message({"type": "take", "id": 42, "index": 3}, [])
    assert (reply["type"], reply["id"], reply["code"]) == ("error", 42, "no_take")
    reply, _ = cam.handle_message({"type": "next", "id": 43}, [])
    assert (reply["id"], reply["code"]) == (43, "no_source")
    reply, _ = cam.handle_message({"type": "ping", "id": 44}, [])
    assert reply["type"] == "pong" and reply["id"] == 44
    # a good frame afterwards clears the error
    rgb, t = frames[0]
    reply, _ = cam.handle_message(*frame_msg(45, rgb, t))
    assert reply["type"] == "pose" and reply["found"] and cam.error == ""
    cam.close()


@pytest.mark.media
def test_browser_clock_restart_does_not_break_tracking(frames) -> None:
    cam = PoseCamera()
    for i, (rgb, t) in enumerate(frames[:5]):
        cam.handle_message(*frame_msg(i, rgb, 100.0 + t))
    # page reloaded: performance.now() starts again near 0
    found = []
    for i, (rgb, t) in enumerate(frames[5:10]):
        reply, _ = cam.handle_message(*frame_msg(10 + i, rgb, t))
        assert reply["type"] == "pose", reply
        found.append(reply["found"])
    cam.close()
    assert sum(found) >= 4


@pytest.mark.media
def test_record_take_and_replay_messages(frames) -> None:
    cam = PoseCamera(record_video=True)
    cam.record = True
    for i, (rgb, t) in enumerate(frames[:10]):
        cam.handle_message(*frame_msg(i, rgb, t))
    cam.record = False
    assert len(cam.takes) == 1
    summary = cam.takes[0]
    assert summary["n_frames"] == 10 and summary["has_video"]
    take = cam.recorded_takes[0]
    assert take.t[0] == 0.0 and np.all(np.diff(take.t) > 0)
    series = take.to_series()
    assert len(series) == 10 and series.detected.sum() == summary["detected"]
    reply, buffers = cam.handle_message({"type": "take", "id": 7, "index": 0}, [])
    assert reply["type"] == "take" and len(reply["t"]) == 10
    lm = msgs.unpack_landmarks(buffers[0])
    assert lm.shape == (10, 33, 4)
    np.testing.assert_allclose(lm[..., :3], np.nan_to_num(take.landmarks), atol=1e-6)
    reply, buffers = cam.handle_message({"type": "take_frame", "id": 8, "index": 0, "frame": 9}, [])
    assert reply["frame"] == 9 and decode_jpeg(buffers[0]).shape == frames[9][0].shape
    # nothing is kept when not recording
    cam.handle_message(*frame_msg(99, *frames[10]))
    assert len(cam.recorded_takes) == 1 and len(cam.recorded_takes[0]) == 10
    cam.clear_takes()
    assert cam.takes == []
    cam.close()


@pytest.mark.media
def test_source_mode_next_sends_frame_and_landmarks() -> None:
    cam = PoseCamera(source=CLIP)
    reply, buffers = cam.handle_message({"type": "next", "id": 1}, [])
    assert reply["type"] == "pose" and reply["found"]
    assert reply["frame_buffer"] == 1 and len(buffers) == 2
    frame = decode_jpeg(buffers[1])
    assert frame.shape[0] <= 480 and frame.shape[1] <= 640
    assert msgs.unpack_landmarks(buffers[0]).shape == (1, 33, 4)
    cam.close()


@pytest.mark.media
def test_run_source_and_protocol_wiring() -> None:
    results: list[dict] = []
    cam = PoseCamera(
        test="jump_height",
        source=CLIP,
        protocol_options={"countdown": 0.0, "hold_to_start": 0.0, "duration": 0.5},
    )
    cam.on_result(results.append)
    seen = []
    cam.on_frame(seen.append)
    run = cam.run_source()
    cam.close()
    assert run.frames == 100 and len(run.series) == 100
    assert run.series.detected.mean() > 0.9
    assert len(seen) == 100
    assert len(results) == 1, "the result callback fires once, when the test finishes"
    assert results[0]["test"] == "jump_height"
    assert cam.result == results[0]
    assert cam.result_object.test == "jump_height"
    assert any(fr.feedback and fr.feedback.phase == "capture" for fr in seen)


@pytest.mark.media
def test_wrong_view_comes_from_the_protocol(frames) -> None:
    # the Pose2Sim camera 1 sees the man from the front; pelvic tilt needs a side view
    cam = PoseCamera(test="pelvic_tilt")
    statuses = []
    for i, (rgb, t) in enumerate(frames[:6]):
        reply, _ = cam.handle_message(*frame_msg(i, rgb, t))
        statuses.append(reply["status"])
        assert reply["feedback"]["phase"] == "setup"
    cam.close()
    assert statuses[-1] == "wrong_side"
    assert "side" in reply["message"].lower()


def test_missing_parts_names_landmarks(frames) -> None:
    from course.schema import Pose

    lm = np.full((33, 3), 0.5)
    lm[27, 1] = 1.3  # left ankle below the picture
    pose = Pose(0.0, lm, np.zeros((33, 3)), np.ones(33), np.ones(33), (640, 480))
    assert missing_parts(pose) == ["left_ankle"]


def test_bad_source_messages() -> None:
    cam = PoseCamera()
    with pytest.raises(ValueError, match="run_source needs a video"):
        cam.run_source()
    with pytest.raises(FileNotFoundError, match="sample:sports2d"):
        cam.run_source(source="/nonexistent/clip.mp4")
    with pytest.raises(ValueError, match="unknown sample"):
        resolve_source("sample:nothing-like-this")
    cam.close()


def test_server_extension_sets_nodelay_on_kernel_websockets(tmp_path) -> None:
    """A plain jupyter server with only the ``course.server`` extension enabled (the JupyterHub
    route): the extension installs the connection class and a real kernel websocket gets
    TCP_NODELAY (the server logs it)."""
    import subprocess
    import sys
    import time
    import urllib.request

    import websocket
    from browser.harness import _wait_http, free_port, server_env

    port = free_port()
    log = tmp_path / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyter_server",
        f"--port={port}",
        "--ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.allow_root=True",
        "--ServerApp.open_browser=False",
        "--ServerApp.jpserver_extensions={'course.server': True}",
        f"--ServerApp.root_dir={tmp_path}",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=server_env(tmp_path / "home"), stdout=out, stderr=out)
    try:
        _wait_http(f"http://127.0.0.1:{port}/api/status", proc, log, 60)
        assert "TCP_NODELAY enabled on kernel websockets" in log.read_text()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/kernels", method="POST")
        with urllib.request.urlopen(req, data=b"{}", timeout=30) as resp:
            kernel_id = __import__("json").loads(resp.read())["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels", timeout=30
        )
        deadline = time.monotonic() + 30
        while "TCP_NODELAY set" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        ws.close()
        assert f"TCP_NODELAY set on kernel websocket {kernel_id}" in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_lab_dry_run_prints_the_command(capsys) -> None:
    from course.lab import main

    assert main(["--dry-run", "--port", "8765", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert "-m jupyterlab" in out and "--ServerApp.port=8765" in out
    assert NODELAY_CLASS in out and "--ServerApp.open_browser=False" in out


def test_mirror_defaults_to_camera_only() -> None:
    cam, video = PoseCamera(), PoseCamera(source=CLIP)
    assert cam.mirror and not video.mirror
    assert PoseCamera(source=CLIP, mirror=True).mirror
    cam.close()
    video.close()


# --- the browser's camera reports, kernel-owned traits --------------------------------------
def camera_msg(state: str, i: int = 1, **fields: str) -> dict:
    return {"type": "camera", "id": i, "state": state, **fields}


def test_camera_reports_set_status_and_error_through_the_real_handler() -> None:
    """The browser reports its camera's states as custom messages; ipywidgets' own custom
    message dispatch reaches ``_on_camera_state``, which writes the traits."""
    cam = PoseCamera()
    seen: list[tuple[str, str]] = []
    cam.observe(lambda ch: seen.append((ch["name"], ch["new"])), names=["status", "error"])
    refused = "Camera permission was refused. Allow the camera for this site, then press Start."
    cam._handle_custom_msg(camera_msg("starting", 1), [])
    assert (cam.status, cam.error) == ("starting", "")
    cam._handle_custom_msg(camera_msg("error", 2, code="NotAllowedError", detail=refused), [])
    assert (cam.status, cam.error) == ("error", refused)
    assert cam.camera_report == msgs.CameraReport(2, "error", "NotAllowedError", refused)
    # pressing Start again clears the error; the stream then runs and stops
    for i, state in enumerate(["starting", "streaming", "stopped"], start=3):
        cam._handle_custom_msg(camera_msg(state, i), [])
        assert cam.status == state and cam.error == ""
    assert seen == [
        ("status", "starting"),
        ("error", refused),
        ("status", "error"),
        ("error", ""),
        ("status", "starting"),
        ("status", "streaming"),
        ("status", "stopped"),
    ]
    cam.close()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ({"type": "camera", "id": 1, "state": "kernel_busy"}, "unknown camera state"),
        ({"type": "camera", "id": 1}, "expected one of starting, streaming"),
        ({"type": "camera", "id": 1, "state": "error"}, "must name its code"),
        ({"type": "camera", "id": 1, "state": "error", "code": "x", "detail": 3}, "string"),
        ({"type": "camera", "id": "one", "state": "stopped"}, "must be an integer"),
        ({"type": "frame", "id": 1}, "expected a camera message"),
    ],
)
def test_bad_camera_reports_are_refused_and_change_nothing(content: dict, fragment: str) -> None:
    with pytest.raises(msgs.MessageError, match=fragment) as info:
        msgs.parse_camera_report(content)
    assert info.value.code == "bad_request"
    cam = PoseCamera()
    if content["type"] == "camera":
        cam._handle_custom_msg(content, [])  # answered with an error reply, traits untouched
    assert (cam.status, cam.error, cam.camera_report) == ("idle", "", None)
    cam.close()


def test_camera_report_detail_is_bounded() -> None:
    report = msgs.parse_camera_report(camera_msg("error", code="unknown", detail="x" * 5000))
    assert len(report.detail) == msgs.MAX_DETAIL_CHARS


def test_browser_updates_of_kernel_owned_traits_are_ignored() -> None:
    """A front-end ``update`` (ipywidgets' real message path) may set the browser's traits
    (mirror, record...) but not ``status``, ``error`` or ``result``."""
    cam = PoseCamera()
    cam.error = "Pose model not ready"
    update = {
        "method": "update",
        "state": {"status": "streaming", "error": "", "result": {"test": "x"}, "mirror": False},
        "buffer_paths": [],
    }
    cam._handle_msg({"content": {"data": update}, "buffers": []})
    assert cam.mirror is False, "the browser's own traits still arrive"
    assert (cam.status, cam.error, cam.result) == ("idle", "Pose model not ready", None)
    cam.close()


@pytest.mark.media
def test_result_reaches_the_page_as_a_trait_only() -> None:
    """The finished self-test's result is the ``result`` trait; no pose reply repeats it."""
    cam = PoseCamera(
        test="jump_height",
        source=CLIP,
        protocol_options={"countdown": 0.0, "hold_to_start": 0.0, "duration": 0.5, "trials": 1},
    )
    changes: list[object] = []
    cam.observe(lambda ch: changes.append(ch["new"]), names=["result"])
    replies = []
    for i in range(100):
        reply, _ = cam.handle_message({"type": "next", "id": i}, [])
        replies.append(reply)
        if cam.result is not None:
            break
    cam.close()
    assert cam.result is not None and cam.result["test"] == "jump_height"
    assert changes == [cam.result], "set once, by the kernel"
    assert all(r["type"] == "pose" and "result" not in r for r in replies)
    assert replies[-1]["status"] == "done"


# --- model / max_people switch the engine ---------------------------------------------------
@pytest.mark.media
def test_max_people_switches_the_tracker_from_the_next_frame(frames) -> None:
    """Frames 0-5 with one person tracked between frames, then ``max_people = 2`` through the
    trait: frames 6-11 must match a fresh two-person tracker, not the one-person one."""
    cam = PoseCamera()
    got = []  # the tracker's landmarks (the reply carries them smoothed; see the test above)
    cam.on_frame(lambda res: got.append(None if res.pose is None else res.pose.landmarks))
    for i, (rgb, t) in enumerate(frames[:12]):
        if i == 6:
            cam.max_people = 2
        cam.handle_message(*frame_msg(i, rgb, t))
    cam.close()
    jpeg = [(decode_jpeg(encode_jpeg(rgb)), t) for rgb, t in frames[:12]]
    with PoseTracker("lite", num_poses=1) as one:
        ref_one = [one.frame(rgb, t) for rgb, t in jpeg]
    with PoseTracker("lite", num_poses=2) as two:
        ref_two = [two.frame(rgb, t) for rgb, t in jpeg[6:]]
    for i, lm in enumerate(got):
        ref = ref_one[i] if i < 6 else ref_two[i - 6]
        assert (lm is None) == (ref is None), i
        if lm is not None and ref is not None:
            np.testing.assert_allclose(lm, ref.landmarks, atol=1e-5, err_msg=f"frame {i}")
    # the check can fail: without the switch, frames 6-11 follow the one-person tracker
    differs = [
        np.abs(ref_one[i].landmarks - ref_two[i - 6].landmarks).max()
        for i in range(6, 12)
        if ref_one[i] is not None and ref_two[i - 6] is not None
    ]
    assert max(differs) > 1e-4, differs


def test_model_trait_switches_the_engine_and_refuses_unknown_values() -> None:
    cam = PoseCamera()
    cam.model = "full"
    assert (cam.engine.model, cam.engine.max_people) == ("full", 1)
    cam.max_people = 3
    assert cam.engine.max_people == 3
    with pytest.raises(TraitError, match=r"expected any of \['lite', 'full', 'heavy'\]"):
        cam.model = "medium"
    with pytest.raises(TraitError, match="should not be less than 1"):
        cam.max_people = 0
    assert (cam.model, cam.max_people) == ("full", 3)
    cam.close()


# --- the view's ES module ---------------------------------------------------------------------
def test_view_module_is_one_bundle_that_node_can_load(tmp_path) -> None:
    """anywidget loads the view from a string, so the sibling modules are inlined; the bundle
    must load as an ES module and export ``render`` (Node stands in for the browser here)."""
    esm = PoseCamera._esm
    assert isinstance(esm, str) and 'from "./' not in esm
    for name in ("pose_geometry.js", "pose_draw.js", "pose_messages.js", "pose_state.js"):
        assert f"// ---- {name} ----" in esm
    path = tmp_path / "view.mjs"
    path.write_text(esm)
    script = (
        "import(process.argv[1]).then(m => console.log(JSON.stringify("
        "[typeof m.default.render, typeof m.step, typeof m.createRequester])))"
    )
    out = subprocess.run(
        ["node", "-e", script, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == ["function", "function", "function"]


def test_bundler_refuses_what_it_cannot_inline(tmp_path) -> None:
    (tmp_path / "a.js").write_text('import { b } from "./b.js";\nexport const a = b;\n')
    (tmp_path / "b.js").write_text('import { a } from "./a.js";\nexport const b = 1;\n')
    with pytest.raises(ValueError, match=r"import cycle .* a\.js -> b\.js -> a\.js"):
        bundle(tmp_path / "a.js")
    (tmp_path / "c.js").write_text('import confetti from "canvas-confetti";\nexport const c = 1;\n')
    with pytest.raises(ValueError, match=r"c\.js: cannot inline 'import confetti"):
        bundle(tmp_path / "c.js")
    (tmp_path / "d.js").write_text('export { a } from "./a.js";\n')
    with pytest.raises(ValueError, match="no re-exports"):
        bundle(tmp_path / "d.js")
