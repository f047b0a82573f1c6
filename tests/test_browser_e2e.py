"""End to end in a real browser: JupyterLab + headless Chromium with a fake camera (a y4m made
from a real clip), the kernel running real MediaPipe.

Checks that landmarks computed in the kernel reach the page and are drawn, that only one view of
a widget streams, recording and replay, that a self-test reaches its result card and lands in
the SQLite log, that a refused camera says so, that a kernel restart recovers, and that the same
widget works in Voila. Screenshots of failures go to ``test-artifacts/``. About 1.5-2 minutes.

Issue 4's mission self-tests (pelvic tilt, hip extension standing, single-leg balance with two
trials) each run live on a cropped real clip: setup check passed, capture, result card, keyboard
Save, row in the log (8-12 s each). The half-kneeling hip test (lesson 6's mode) has no real
clip of anyone kneeling: only its live setup message is checked (~6 s).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import harness as H

from course.data import media

pytestmark = [pytest.mark.browser, pytest.mark.media, pytest.mark.slow]

LIVE_CELLS = [
    # kernel inference: this module checks the kernel's path (tests/test_browser_inference.py
    # the browser's); the self-tests below run the default, "auto"
    "from widgets import PoseCamera\n"
    "cam = PoseCamera(autostart=True, fps_cap=30, inference='kernel')\ncam",
    "cam  # the same widget shown twice: only one view may stream",
]
SELFTEST_CELLS = [
    "from widgets import SelfTest\n"
    "st = SelfTest('jump_height', countdown=0.5, hold_to_start=0.2, duration=2.0)\nst",
]
SOURCE_CELLS = [
    "from widgets import PoseCamera\n"
    "cam = PoseCamera(source='sample:pose2sim-single-cam01', autostart=True)\ncam"
]
STREAMING = ".rfl-cam:not([data-old])"

# The three mission self-tests, each live on a REAL clip cropped like a zoomed-in camera (the
# clips and crops were chosen by running each protocol's setup check frame by frame, 640x480,
# 30 fps). Short holds and captures keep each test under ~20 s; a clip that does not perform
# the exercise may honestly end "not yet".
#: clip name -> (media clip, ffmpeg crop, start s, seconds)
MISSION_CLIPS = {
    # Sports2D demo, 3.5-5.4 s: the walker side-on right to left, cropped to her and below the
    # man on the box (only frames 105-162 pass "side view, whole body, distance" at 640x480)
    "walker": ("sports2d-demo", "iw*0.4167:ih*0.5556:iw*0.2:ih*0.4444", 3.5, 1.9),
    # Pose2Sim single-person cam01 (all 1.7 s, looped): a man roughly facing the camera,
    # standing, a side lunge, the left foot off the floor (~1.2-1.5 s); cropped to the man
    "lunge": ("pose2sim-single-cam01", "iw:ih*0.573:0:ih*0.104", 0.0, 1.7),
}
MISSION_TESTS = {
    "pelvic_tilt": (
        "walker",
        "SelfTest('pelvic_tilt', countdown=0, hold_to_start=0.2, baseline=0.4, explore=0.8, "
        "hold=0.4, trials=2, rest=0.5)",
        "Trunk–thigh control (pelvic tilt proxy)",
    ),
    "hip_extension": (
        "walker",
        "SelfTest('hip_extension', mode='standing', countdown=0, hold_to_start=0.2, "
        "baseline=0.4, duration=1.0, trials=1)",
        "Hip extension",
    ),
    "single_leg_balance": (
        "lunge",
        "SelfTest('single_leg_balance', trials=1, legs=1, eyes='open', age=40, countdown=0, "
        "hold_to_start=0.05, min_lift=0.1, timeout=3.0)",
        "Single-leg balance",
    ),
}
# Lesson 6 uses the half-kneeling mode; no clip shows anyone half-kneeling, so live we can only
# show its setup check speaking (a 5 s hold keeps a stride that looks like a kneel from starting)
KNEELING_CELL = (
    "from widgets import SelfTest\n"
    "st = SelfTest('hip_extension', mode='kneeling', countdown=0, hold_to_start=5.0)\nst"
)

# records every phase the panel shows, with its checklist at that moment
PHASE_LOG_JS = """() => {
  window.__rflPhases = [];
  const root = document.querySelector('.rfl-st');
  const log = () => {
    const last = window.__rflPhases[window.__rflPhases.length - 1];
    const checks = [...root.querySelectorAll('.rfl-st-checks li')].map(li => li.textContent);
    if (!last || last.phase !== root.dataset.phase || (last.checks.length === 0 && checks.length))
      window.__rflPhases.push({phase: root.dataset.phase, checks});
  };
  new MutationObserver(log).observe(root, {attributes: true, subtree: true, childList: true});
  log();
}"""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def clip(work: Path) -> Path:
    """3 s of the Pose2Sim demo (a real person), 640x480 y4m, looped by Chromium."""
    return H.make_y4m(media.fetch("pose2sim-single-cam01"), work / "camera.y4m", seconds=3.0)


@pytest.fixture(scope="module")
def lab(work: Path) -> Iterator[H.Server]:
    root = work / "root"
    H.write_notebook(root / "live.ipynb", LIVE_CELLS)
    H.write_notebook(root / "refused.ipynb", LIVE_CELLS[:1])
    H.write_notebook(root / "selftest.ipynb", SELFTEST_CELLS)
    H.write_notebook(root / "source.ipynb", SOURCE_CELLS)
    H.write_notebook(root / "kneeling.ipynb", [KNEELING_CELL])
    for name, (_, code, _) in MISSION_TESTS.items():
        H.write_notebook(root / f"{name}.ipynb", [f"from widgets import SelfTest\nst = {code}\nst"])
    server = H.start_lab(root, work / "home")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def pw() -> Iterator[Any]:
    with H.playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def context(pw: Any, work: Path, clip: Path) -> Iterator[Any]:
    with H.browser(pw, work, camera=clip) as ctx:
        yield ctx


def artifacts(page: Any, name: str, server: H.Server) -> contextlib.AbstractContextManager[None]:
    """Screenshot and server log into test-artifacts/ when the block fails."""
    return H.failure_artifacts(page, name, server)


def cam_state(page: Any) -> list[dict[str, str]]:
    return page.evaluate(
        "() => [...document.querySelectorAll('.rfl-cam')].map(e => ({...e.dataset}))"
    )


def test_live_camera_landmarks_reach_the_overlay(lab: H.Server, context: Any) -> None:
    page = context.new_page()
    with artifacts(page, "live-camera", lab):
        H.open_notebook(page, lab, "live.ipynb")
        H.run_all(page)
        H.wait_dataset_at_least(page, ".rfl-cam", "drawn", 20, timeout_ms=60000)
        states = cam_state(page)
        assert len(states) == 2
        streaming = [s for s in states if int(s["drawn"]) > 0]
        idle = [s for s in states if int(s["drawn"]) == 0]
        assert len(streaming) == 1 and len(idle) == 1, states
        assert idle[0]["status"] == "other_view"
        assert "only one view streams" in page.inner_text(".rfl-cam[data-status=other_view]")
        # the overlay canvas of the streaming view has skeleton pixels on it
        index = states.index(streaming[0])
        pixels = page.evaluate(
            """(i) => { const c = document.querySelectorAll('.rfl-cam .rfl-overlay')[i];
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let j = 3; j < d.length; j += 4) if (d[j] > 0) n++; return n; }""",
            index,
        )
        assert pixels > 300
        assert page.is_visible("text=● camera on")
        # the kernel saw the frames the page counted, and the page published its figures
        time.sleep(1.5)
        out = H.kernel_eval(page, "print(cam.frames_processed, cam.status, cam.fps, cam.ready)")
        processed, status, fps, ready = out.split()
        assert int(processed) >= int(streaming[0]["frames"])
        assert status in {"streaming", "partial"} and float(fps) > 1 and ready == "True"
        assert "TCP_NODELAY set on kernel websocket" in lab.log_text()

        # a busy kernel (one frame takes 4 s): frames time out, the page says so, then the
        # stream resumes by itself
        H.kernel_eval(
            page,
            "import time\n_stall = [4.0]\n"
            "cam.on_frame(lambda r: time.sleep(_stall.pop()) if _stall else None)",
        )
        page.wait_for_selector(".rfl-cam[data-status=kernel_busy]", timeout=15000)
        assert "Kernel busy" in page.inner_text(".rfl-cam[data-status=kernel_busy] .rfl-banner")
        drawn = max(int(s["drawn"]) for s in cam_state(page))
        H.wait_dataset_at_least(page, ".rfl-cam", "drawn", drawn + 10, timeout_ms=30000)
        assert "kernel_busy" not in [s["status"] for s in cam_state(page)]

        # record two takes with the Record button, replay them side by side, step a frame
        record = page.locator(".rfl-cam .rfl-rec").first
        for _ in range(2):
            record.click()
            page.wait_for_selector(".rfl-rec[aria-pressed=true]", timeout=5000)
            # record until the page has drawn 8 more frames (a fixed sleep gets too few on a
            # loaded machine, and a take without frames is not kept)
            drawn = max(int(s["drawn"]) for s in cam_state(page))
            H.wait_dataset_at_least(page, ".rfl-cam", "drawn", drawn + 8, timeout_ms=30000)
            record.click()
            page.wait_for_selector(".rfl-rec[aria-pressed=false]", timeout=5000)
        # the Record toggles reach the kernel through the widget's throttled state sync, which
        # a kernel_eval may overtake: wait until the page lists both takes the kernel kept
        page.wait_for_function(
            "() => document.querySelectorAll('.rfl-cam .rfl-takes select')[0]?.options.length >= 2",
            timeout=30000,
        )
        out = H.kernel_eval(page, "print(*[t['n_frames'] for t in cam.takes])")
        assert len(out.split()) == 2 and min(map(int, out.split())) >= 5, out
        takes = page.locator(".rfl-cam .rfl-takes").first
        takes.locator("select").nth(0).select_option("0")
        takes.locator("select").nth(1).select_option("1")
        takes.locator("button", has_text="Replay").click()
        page.wait_for_selector(".rfl-takes[data-replay-frame='0']", timeout=15000)
        assert takes.locator("canvas.rfl-replay-canvas").count() == 2
        H.ARTIFACTS.mkdir(exist_ok=True)
        takes.screenshot(path=str(H.ARTIFACTS / "replay-side-by-side.png"))
        page.locator(".rfl-cam button", has_text="Frame ▶").first.click()
        page.wait_for_selector(".rfl-takes[data-replay-frame='1']", timeout=15000)
        H.screenshot(page, "live-camera")

        # kernel restart: the stream comes back after re-running the notebook, no page reload
        page.evaluate(
            "() => document.querySelectorAll('.rfl-cam').forEach(e => e.dataset.old = '1')"
        )
        H.restart_kernel(page)
        H.run_all(page)
        H.wait_dataset_at_least(page, STREAMING, "drawn", 10, timeout_ms=60000)
        H.screenshot(page, "after-restart")
    page.close()


def test_selftest_reaches_result_card_and_log(lab: H.Server, context: Any) -> None:
    page = context.new_page()
    with artifacts(page, "selftest", lab):
        H.open_notebook(page, lab, "selftest.ipynb")
        H.run_all(page)
        # keyboard only: focus "Start the test" and press Enter (the panel starts the camera)
        start = page.locator(".rfl-st-start")
        start.wait_for(timeout=30000)
        assert start.inner_text().startswith("▶ Start the test")
        # one start, and no empty black camera box before it: the camera's own Start button,
        # its text-only poster and its stage are hidden inside a SelfTest
        visible_starts = page.locator("button:visible", has_text="Start")
        assert visible_starts.count() == 1, visible_starts.all_inner_texts()
        assert page.locator(".rfl-stage").is_hidden()
        assert page.locator(".rfl-st-stop").is_hidden(), "nothing to stop before the start"
        H.screenshot(page, "selftest-before-start")
        start.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".rfl-st[data-phase=capture]", timeout=60000)
        page.wait_for_selector(".rfl-st-result:not([hidden])", timeout=60000)
        card = page.inner_text(".rfl-st-result")
        assert "Your numbers" in card and "Not saved" in card
        # the result card takes the focus, and the camera is turned off after the test
        assert page.evaluate("() => document.activeElement.classList.contains('rfl-st-result')")
        db = lab.home / "learner-data" / "progress.sqlite3"
        assert not db.exists(), "nothing may be stored before the learner presses Save"
        page.locator(".rfl-st-save").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".rfl-st[data-saved]:not([data-saved=''])", timeout=30000)
        assert "Saved to your progress log" in page.inner_text(".rfl-st-result")
        saved_id = page.get_attribute(".rfl-st", "data-saved")
        page.wait_for_selector("text=○ camera off", timeout=15000)
        # the camera is off after the card: its stage (a black box now) is gone
        page.wait_for_selector(".rfl-stage", state="hidden", timeout=15000)
        H.screenshot(page, "selftest-result")
    page.close()
    rows = sqlite3.connect(db).execute("SELECT id, test, timestamp FROM results").fetchall()
    assert [r[1] for r in rows] == ["jump_height"]
    assert str(rows[0][0]) == saved_id
    assert rows[0][2].startswith(time.strftime("%Y-"))


@pytest.fixture(scope="module")
def mission_context(pw: Any, work: Path) -> Iterator[Any]:
    """``get(clip)``: a browser context whose fake camera plays that mission clip (one each)."""
    contexts: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:

        def get(clip: str) -> Any:
            if clip not in contexts:
                name, crop, start, seconds = MISSION_CLIPS[clip]
                y4m = H.make_y4m(
                    media.fetch(name),
                    work / f"{clip}.y4m",
                    crop=crop,
                    start_s=start,
                    seconds=seconds,
                )
                contexts[clip] = stack.enter_context(H.browser(pw, work, camera=y4m))
            return contexts[clip]

        yield get


@pytest.mark.parametrize("name", list(MISSION_TESTS))
def test_mission_selftest_live_to_saved_result(
    name: str, lab: H.Server, mission_context: Any
) -> None:
    """Issue 4: each mission self-test passes its setup check live on a real clip, captures,
    shows its result card, and the learner's keyboard Save puts the row in the SQLite log."""
    clip, _, title = MISSION_TESTS[name]
    db = lab.home / "learner-data" / "progress.sqlite3"

    def rows() -> list[tuple[Any, ...]]:
        if not db.exists():
            return []
        with contextlib.closing(sqlite3.connect(db)) as con:
            return con.execute("SELECT id, test FROM results ORDER BY id").fetchall()

    page = mission_context(clip).new_page()
    with artifacts(page, f"mission-{name}", lab):
        H.open_notebook(page, lab, f"{name}.ipynb")
        H.run_all(page)
        start = page.locator(".rfl-st-start")
        start.wait_for(timeout=30000)
        assert page.inner_text(".rfl-st-title") == title
        page.evaluate(PHASE_LOG_JS)
        start.focus()
        page.keyboard.press("Enter")
        # capture starts only once the live setup check passed; then the result card
        page.wait_for_selector(".rfl-st[data-phase=capture]", timeout=60000)
        page.wait_for_selector(".rfl-st-result:not([hidden])", timeout=60000)
        seen = page.evaluate("() => window.__rflPhases")
        phases = [p["phase"] for p in seen]
        assert phases.index("setup") < phases.index("capture") < phases.index("done"), phases
        # the setup checklist was shown live, and was all ticked when the test moved on
        ready = next(p for p in seen if p["phase"] in {"ready", "countdown", "capture"})
        assert ready["checks"] and all(c.startswith("✔") for c in ready["checks"]), seen
        assert {"Person in view", "Camera view (side/front)"} <= {c[2:] for c in ready["checks"]}, (
            ready
        )
        card = page.inner_text(".rfl-st-result")
        out = H.kernel_eval(
            page,
            "import json\nr = st.camera.result_object\n"
            "print(json.dumps({'test': r.test, 'completed': r.completed, "
            "'metrics': sorted(r.metrics), 'thresholds': [t.metric for t in r.thresholds], "
            "'feedback': r.feedback, 'verdict': r.verdict, 'trials': len(r.trials), "
            "'planned': r.trials_planned, 'placement': r.placement, "
            "'side_view': r.test != 'single_leg_balance'}))",
        )
        res = json.loads(out)
        assert res["test"] == name and res["completed"] is True, res
        assert "Your numbers" in card and "Not saved" in card
        assert res["feedback"] in card
        for metric in res["metrics"]:
            assert metric.replace("_", " ") in card, (metric, card)
        if name != "single_leg_balance":  # the balance test has metrics only if a trial ran
            assert set(res["thresholds"]) <= set(res["metrics"]) and res["metrics"], res
        # how far to trust it: the trust column, verdicts, heuristic labels, trials
        assert "How far to trust it" in card
        headings = {
            "passed": "✔ Passed", "not passed": "✖ Not yet",
            "can't tell": "≈ Can't tell", "no verdict": "no pass mark for this test",
        }  # fmt: skip
        assert headings[res["verdict"]] in card, (res["verdict"], card)
        if res["side_view"]:  # no side-on camera in the validation: said on every angle
            assert "error from this view not measured yet" in card
            assert "Running Form Lab heuristic" in card
        if res["planned"] > 1:
            assert f"Trials done: {res['trials']} of {res['planned']}." in card
        if res["trials"] >= 2 and name == "pelvic_tilt":
            assert (
                "typical error" in card and "smallest real change" in card.lower() and " ± " in card
            )
        if res["placement"]:
            assert "Compared with others" in card and "40–49" in card
        page.locator(".rfl-st-result").screenshot(path=str(H.ARTIFACTS / f"card-{name}.png"))
        before = rows()
        page.locator(".rfl-st-save").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".rfl-st[data-saved]:not([data-saved=''])", timeout=30000)
        assert "Saved to your progress log" in page.inner_text(".rfl-st-result")
        saved_id = page.get_attribute(".rfl-st", "data-saved")
        page.wait_for_selector("text=○ camera off", timeout=15000)
        H.screenshot(page, f"mission-{name}")
    page.close()
    after = rows()
    assert len(after) == len(before) + 1
    assert str(after[-1][0]) == saved_id and after[-1][1] == name


def test_hip_extension_kneeling_setup_check_speaks_live(
    lab: H.Server, mission_context: Any
) -> None:
    """The half-kneeling mode's own setup check, live on the side-on walker: it asks for the
    half-kneeling position with the side nearest the camera (she walks to the left, so her left
    side faces the camera) and ticks the checks a standing walker does pass."""
    page = mission_context("walker").new_page()
    with artifacts(page, "mission-hip-kneeling", lab):
        H.open_notebook(page, lab, "kneeling.ipynb")
        H.run_all(page)
        start = page.locator(".rfl-st-start")
        start.wait_for(timeout=30000)
        start.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(
            ".rfl-st-message:has-text('Half-kneel on your left knee')", timeout=60000
        )
        # the checks follow the walker frame by frame (she can step out of view for a moment,
        # and browser inference can be slow here): wait until a frame shows all three
        wanted = ("✖ Start position — not yet", "✔ Camera view (side/front)", "✔ Only one person")
        try:
            page.wait_for_function(
                "(wanted) => { const el = document.querySelector('.rfl-st-checks');"
                " const t = el ? el.innerText : ''; return wanted.every((w) => t.includes(w)); }",
                arg=list(wanted),
                timeout=60000,
            )
        except Exception as exc:
            checks = page.inner_text(".rfl-st-checks")
            seen = f"last seen: {checks!r}"
            raise AssertionError(f"expected {wanted} in the live checks; {seen}") from exc
        H.screenshot(page, "mission-hip-kneeling")
        page.locator(".rfl-st-stop").click()
        page.wait_for_selector("text=○ camera off", timeout=15000)
        assert page.get_attribute(".rfl-st", "data-phase") in {"setup", "ready"}
    page.close()


def test_video_source_plays_in_the_page(lab: H.Server, context: Any) -> None:
    """No camera needed: the kernel reads the clip, the page shows its frames and skeleton."""
    page = context.new_page()
    with artifacts(page, "video-source", lab):
        H.open_notebook(page, lab, "source.ipynb")
        H.run_all(page)
        H.wait_dataset_at_least(page, ".rfl-cam", "drawn", 15, timeout_ms=60000)
        assert page.is_visible("text=● playing video")
        for sel in (".rfl-cam .rfl-frame", ".rfl-cam .rfl-overlay"):
            assert page.evaluate(H.OVERLAY_PIXELS_JS, sel) > 300, sel
        H.screenshot(page, "video-source")
    page.close()


def test_refused_camera_says_so(lab: H.Server, pw: Any, work: Path, clip: Path) -> None:
    with H.browser(pw, work, camera=clip, allow_camera=False) as ctx:
        page = ctx.new_page()
        with artifacts(page, "camera-refused", lab):
            H.open_notebook(page, lab, "refused.ipynb")
            H.run_all(page)
            page.wait_for_selector(".rfl-cam[data-status=error]", timeout=60000)
            assert "permission was refused" in page.inner_text(".rfl-cam .rfl-banner")
            assert page.get_attribute(".rfl-cam", "data-error") == "NotAllowedError"
            time.sleep(0.5)
            out = H.kernel_eval(page, "print(cam.status); print(cam.error)")
            assert out.startswith("error") and "permission was refused" in out
            H.screenshot(page, "camera-refused")


def test_no_camera_and_insecure_origin_say_what_to_do(lab: H.Server, pw: Any, work: Path) -> None:
    """No video device at all (NotFoundError), and a plain-http page on a non-localhost name,
    where browsers hide navigator.mediaDevices (a class server without HTTPS)."""
    rules = "--host-resolver-rules=MAP rfl-class.test 127.0.0.1"
    with H.browser(pw, work, no_camera=True, extra_args=(rules,)) as ctx:
        page = ctx.new_page()
        with artifacts(page, "no-camera", lab):
            H.open_notebook(page, lab, "refused.ipynb")
            H.run_all(page)
            page.wait_for_selector(".rfl-cam[data-status=error]", timeout=60000)
            assert page.get_attribute(".rfl-cam", "data-error") == "NotFoundError"
            assert "No camera found" in page.inner_text(".rfl-cam .rfl-banner")
        page.close()
        page = ctx.new_page()
        with artifacts(page, "insecure-origin", lab):
            page.goto(f"http://rfl-class.test:{lab.port}/lab/tree/refused.ipynb?reset")
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60000)
            assert page.evaluate("() => window.isSecureContext") is False
            assert page.evaluate(H._READY_JS)
            H.run_all(page)
            page.wait_for_selector(".rfl-cam[data-status=error]", timeout=60000)
            assert page.get_attribute(".rfl-cam", "data-error") == "insecure"
            text = page.inner_text(".rfl-cam .rfl-banner")
            assert "HTTPS" in text and f"http://localhost:{lab.port}" in text
            H.screenshot(page, "insecure-origin")
        page.close()


def test_voila_coach_mode(work: Path, context: Any) -> None:
    """The default inference ("auto") in Voila: the pose model runs in the page, its runtime
    and model sent by the Voila kernel."""
    cell = "from widgets import PoseCamera\ncam = PoseCamera(autostart=True)\ncam"
    nb = H.write_notebook(work / "voila" / "coach.ipynb", [cell])
    server = H.start_voila(nb, work / "voila-home")
    page = context.new_page()
    try:
        with artifacts(page, "voila", server):
            page.goto(f"{server.url}/", timeout=60000)
            H.wait_dataset_at_least(page, ".rfl-cam", "drawn", 10, timeout_ms=90000)
            assert page.get_attribute(".rfl-cam", "data-inference") == "browser"
            H.screenshot(page, "voila")
    finally:
        page.close()
        server.stop()
