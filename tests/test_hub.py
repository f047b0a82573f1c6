"""The class server end to end: ``deploy/start_hub.py`` over HTTPS, two learners at once.

One hub for the module (self-signed certificate, 127.0.0.2, the name ``rfl-hub.test`` mapped in
Chromium only). Two learners log in through the login page, each in their own headless Chromium
with a fake camera playing a real clip; both open lesson 05 (pelvic proprioception), run it,
start its pelvic tilt self-test, and once both draw landmarks press "Start again" together. Both
get landmarks drawn and a result card, each saves, and the row lands in that learner's own log
only. Learner A's browser cannot read B's files or reach B's server (403). The same hub reached
over plain HTTP on a name shows the widget's "needs HTTPS" message. Screenshots in
``test-artifacts/hub-*.png``. 4-9 minutes on a loaded 2-core machine.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from browser import harness as H
from browser import hub as HB

from course.data import media

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.media, pytest.mark.slow]

LEARNERS = ["ana", "ben"]
LESSON = "lessons/05-pelvic-proprioception.ipynb"
TILT = '.rfl-st[aria-label="Self-test: Trunk–thigh control (pelvic tilt proxy)"]'
# the test's camera view sits beside its panel, in the same cell output
TILT_CAM = f".jp-OutputArea-output:has({TILT}) .rfl-cam"
# the side-on walker of the Sports2D demo, cropped as in test_browser_e2e's mission clips
WALKER = ("sports2d-demo", "iw*0.4167:ih*0.5556:iw*0.2:ih*0.4444", 3.5, 1.9)
# No real clip shows someone standing side-on for the lesson's 3 s countdown and 14.5 s of
# tilting: the fake camera loops 1.9 s of a side-on walker. Each learner's copy of the lesson
# gets no countdown, one trial and a 10 s capture in its tilt cell (long enough for both streams
# to overlap on a loaded machine; nothing else changes).
TILT_CELL = 'tilt_test = SelfTest("pelvic_tilt")'
SHORT_TILT_CELL = (
    'tilt_test = SelfTest("pelvic_tilt", countdown=0, hold_to_start=0.2, baseline=2, '
    "explore=6, hold=2, trials=1)"
)


# phases of the tilt test, when each landmark frame was drawn (wall clock, ms) and the most
# overlay pixels drawn
WATCH_JS = """([st, cam]) => {
  const root = document.querySelector(st), view = document.querySelector(cam);
  const w = window.__rflWatch = {phases: [], draws: [], maxDrawn: 0, maxPixels: 0};
  const now = () => performance.timeOrigin + performance.now();
  const phase = () => {
    const last = w.phases[w.phases.length - 1];
    const p = root.dataset.phase;
    if (!last || last.phase !== p) w.phases.push({phase: p, t: now()});
  };
  const drawn = () => {
    const d = Number(view.dataset.drawn || 0);
    if (d <= w.maxDrawn) return;
    w.maxDrawn = d;
    w.draws.push(now());
    const c = view.querySelector('.rfl-overlay');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    w.maxPixels = Math.max(w.maxPixels, n);
  };
  new MutationObserver(phase).observe(root, {attributes: true});
  new MutationObserver(drawn).observe(view, {attributes: true});
  phase();
}"""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hub")


@pytest.fixture(scope="module")
def hub(work: Path) -> Iterator[HB.Hub]:
    server = HB.start_hub(work, [*LEARNERS, "cleo"])
    yield server
    server.stop()
    H.ARTIFACTS.mkdir(exist_ok=True)
    (H.ARTIFACTS / "hub.log").write_text(server.log_text())


@pytest.fixture(scope="module")
def camera(work: Path) -> Path:
    name, crop, start, seconds = WALKER
    return H.make_y4m(
        media.fetch(name), work / "walker.y4m", crop=crop, start_s=start, seconds=seconds
    )


@pytest.fixture(scope="module")
def pw() -> Iterator[Any]:
    with H.playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def pages(pw: Any, work: Path, hub: HB.Hub, camera: Path) -> Iterator[dict[str, Any]]:
    """One logged-in page per learner, each in its own Chromium (own cookies, own camera)."""
    with contextlib.ExitStack() as stack:
        out = {}
        for user in LEARNERS:
            ctx = stack.enter_context(
                H.browser(pw, work / user, camera=camera, extra_args=hub.browser_args())
            )
            page = ctx.new_page()
            t0 = time.monotonic()
            with failure_artifacts(page, f"hub-login-{user}", hub):
                HB.login(page, hub.url, user)
            print(f"{user}: login + spawn {time.monotonic() - t0:.1f} s")
            out[user] = page
        yield out


def failure_artifacts(page: Any, name: str, hub: HB.Hub) -> contextlib.AbstractContextManager[None]:
    """Screenshot and hub log into test-artifacts/ when the block fails."""
    return H.failure_artifacts(page, name, hub, log="hub")


def shorten_tilt_cell(notebook: Path) -> None:
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and TILT_CELL in c.source]
    assert len(cells) == 1, f"lesson 05 no longer has the cell {TILT_CELL!r}"
    cells[0].source = cells[0].source.replace(TILT_CELL, SHORT_TILT_CELL)
    nbformat.write(nb, notebook)


def status_of(page: Any, base_url: str, path: str) -> int:
    """Final HTTP status when the learner's browser opens ``path`` (their cookies, redirects)."""
    response = page.goto(f"{base_url}{path}")
    assert response is not None
    return int(response.status)


def log_rows(db: Path) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return con.execute("SELECT id, test FROM results ORDER BY id").fetchall()


def test_hub_is_https_only_with_the_course_settings(hub: HB.Hub, pages: dict[str, Any]) -> None:
    page = pages["ana"]
    assert page.url.startswith(f"https://{HB.HUB_NAME}:{hub.port}/user/ana/lab")
    assert page.evaluate("() => window.isSecureContext") is True
    # the trial certificate start_hub.py made names the host and its address
    text = subprocess.run(
        ["openssl", "x509", "-in", str(hub.cert), "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"DNS:{HB.HUB_NAME}" in text and f"IP Address:{HB.HUB_IP}" in text
    # every learner got a home with the lessons
    for user in LEARNERS:
        assert (hub.home(user) / LESSON).is_file()


def test_two_learners_stream_at_once_and_save_to_their_own_logs(
    hub: HB.Hub, pages: dict[str, Any]
) -> None:
    for user, page in pages.items():
        shorten_tilt_cell(hub.home(user) / LESSON)
        with failure_artifacts(page, f"hub-open-{user}", hub):
            HB.open_notebook(page, hub.url, user, LESSON)
            H.run_all(page)
            page.locator(f"{TILT} .rfl-st-start").wait_for(timeout=60000)
    # both press Start (keyboard); once both pages draw landmarks (each kernel has loaded its
    # pose model, which takes seconds on a loaded machine), both press "Start again", and each
    # page logs its phases, when it drew each frame (wall clock, ms) and the most overlay pixels
    for page in pages.values():
        page.locator(f"{TILT} .rfl-st-start").focus()
        page.keyboard.press("Enter")
    for user, page in pages.items():
        with failure_artifacts(page, f"hub-stream-{user}", hub):
            H.wait_dataset_at_least(page, TILT_CAM, "drawn", 1, timeout_ms=120000)
    for page in pages.values():
        page.evaluate(WATCH_JS, [TILT, TILT_CAM])
        page.locator(f"{TILT} .rfl-st-start").focus()
        page.keyboard.press("Enter")
    watched = {}
    for user, page in pages.items():
        with failure_artifacts(page, f"hub-result-{user}", hub):
            page.wait_for_selector(f"{TILT} .rfl-st-result:not([hidden])", timeout=120000)
        watched[user] = page.evaluate("() => window.__rflWatch")
    # the lesson's SelfTest runs the default inference, "auto": the pose model in each
    # learner's own browser (runtime and model from the learner's kernel, under /user/NAME/)
    for user, page in pages.items():
        assert page.get_attribute(TILT_CAM, "data-inference") == "browser", user
    for user, w in watched.items():
        phases = [p["phase"] for p in w["phases"]]
        assert "capture" in phases and "done" in phases[phases.index("capture") :], (user, phases)
        # landmarks reached the learner's page and were drawn over the video
        assert w["maxDrawn"] >= 2 and w["maxPixels"] > 300, (user, w)
    # both pages drew landmark frames during one common stretch of time (wall clock)
    start = max(min(w["draws"]) for w in watched.values())
    end = min(max(w["draws"]) for w in watched.values())
    inside = {u: sum(start <= t <= end for t in w["draws"]) for u, w in watched.items()}
    assert start < end and min(inside.values()) >= 2, (start, end, inside)

    saved: dict[str, str] = {}
    for user, page in pages.items():
        with failure_artifacts(page, f"hub-result-{user}", hub):
            card = page.inner_text(f"{TILT} .rfl-st-result")
            assert "Your numbers" in card and "Not saved" in card
            assert not (hub.home(user) / ".local/share/running-form-lab").exists()
            page.locator(f"{TILT} .rfl-st-save").focus()
            page.keyboard.press("Enter")
            page.wait_for_selector(f"{TILT}[data-saved]:not([data-saved=''])", timeout=30000)
            saved[user] = str(page.get_attribute(TILT, "data-saved"))
            H.screenshot(page, f"hub-result-{user}")
    for user in LEARNERS:
        db = hub.home(user) / ".local/share/running-form-lab/progress.sqlite3"
        rows = log_rows(db)
        assert [(str(i), t) for i, t in rows] == [(saved[user], "pelvic_tilt")], (user, rows)
    logs = sorted(hub.homes.rglob("progress.sqlite3"))
    assert logs == sorted(
        hub.home(u) / ".local/share/running-form-lab/progress.sqlite3" for u in LEARNERS
    )
    # the kernel websockets had Nagle's algorithm off (course.server logs each one; the
    # single-user servers print into the hub's log)
    assert hub.log_text().count("TCP_NODELAY set on kernel websocket") >= len(LEARNERS)


def test_a_learner_cannot_reach_another_learners_server(hub: HB.Hub, pages: dict[str, Any]) -> None:
    ana = pages["ana"]
    # her own files answer (so the refusals below are not a broken request)
    assert status_of(ana, hub.url, "/user/ana/api/contents/lessons") == 200
    for path in (
        "/user/ben/api/contents",
        f"/user/ben/api/contents/{LESSON}",
        "/user/ben/api/kernels",
        "/user/ben/files/.local/share/running-form-lab/progress.sqlite3",
    ):
        assert status_of(ana, hub.url, path) == 403, path
    # her server's contents API stays inside her home
    assert status_of(ana, hub.url, "/user/ana/api/contents/..%2Fben%2Flessons") in {400, 403, 404}
    # and the hub's API does not give her ben's server either
    assert status_of(ana, hub.url, "/hub/api/users/ben") in {403, 404}
    assert status_of(ana, hub.url, "/user/ben/lab") == 403
    assert "403" in ana.inner_text("body")
    H.screenshot(ana, "hub-403")


def test_plain_http_on_a_name_says_the_camera_needs_https(
    pw: Any, work: Path, hub: HB.Hub, camera: Path
) -> None:
    """The same hub behind a plain-HTTP proxy on 127.0.0.3 as ``http://rfl-class.test``."""
    with contextlib.ExitStack() as stack:
        # cleo logs in over HTTPS first, so her server's route exists before the copy
        ctx = stack.enter_context(
            H.browser(pw, work / "cleo", camera=camera, extra_args=hub.browser_args())
        )
        HB.login(ctx.new_page(), hub.url, "cleo")
        port = stack.enter_context(HB.plain_http_proxy(hub))
        rules = "--host-resolver-rules=MAP rfl-class.test 127.0.0.3"
        plain = stack.enter_context(
            H.browser(pw, work / "cleo-http", camera=camera, extra_args=(rules,))
        )
        page = plain.new_page()
        base = f"http://rfl-class.test:{port}"
        with failure_artifacts(page, "hub-insecure", hub):
            HB.login(page, base, "cleo")
            HB.open_notebook(page, base, "cleo", LESSON)
            assert page.evaluate("() => window.isSecureContext") is False
            assert page.evaluate("() => navigator.mediaDevices === undefined") is True
            H.run_all(page)
            page.locator(f"{TILT} .rfl-st-start").wait_for(timeout=60000)
            page.locator(f"{TILT} .rfl-st-start").click()
            page.wait_for_selector(f"{TILT_CAM}[data-error=insecure]", timeout=60000)
            text = page.inner_text(f"{TILT_CAM} .rfl-banner")
            assert "HTTPS" in text, text
            page.locator(f"{TILT_CAM} .rfl-banner").scroll_into_view_if_needed()
            H.screenshot(page, "hub-insecure-http")


# The deployment files, without starting anything --------------------------------------------
ROOT = Path(__file__).resolve().parents[1]


def start_hub_cli(tmp: Path, *args: str, password: str = HB.PASSWORD) -> Any:
    env = {**os.environ, "RFL_HUB_PASSWORD": password}
    return subprocess.run(
        [
            sys.executable,
            str(HB.START_HUB),
            *("--state", str(tmp / "s"), "--homes", str(tmp / "h")),
            *("--models", str(tmp)),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_start_hub_says_what_is_wrong_with_a_certificate(tmp_path: Path) -> None:
    out = start_hub_cli(
        tmp_path,
        "--name",
        "hub.test",
        "--cert",
        str(tmp_path / "no.pem"),
        "--key",
        str(tmp_path / "no.key"),
    )
    assert out.returncode == 2
    assert "Cannot start the hub: --cert" in out.stderr and "is not a readable file" in out.stderr
    assert "leave out both --cert" in out.stderr


def test_start_hub_refuses_a_short_class_password(tmp_path: Path) -> None:
    out = start_hub_cli(tmp_path, "--name", "hub.test", password="short")
    assert out.returncode == 2
    assert "RFL_HUB_PASSWORD has 5 characters" in out.stderr and "at least 8" in out.stderr


def test_hub_config_has_https_the_course_extension_and_own_homes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traitlets.config.loader import PyFileConfigLoader

    env = {
        "RFL_HUB_IP": "127.0.0.9",
        "RFL_HUB_PORT": "8443",
        "RFL_HUB_CERT": "c.pem",
        "RFL_HUB_KEY": "k.pem",
        "RFL_HUB_API_PORT": "8081",
        "RFL_PROXY_API_PORT": "8001",
        "RFL_CHP": "chp",
        "RFL_HUB_STATE": str(tmp_path),
        "RFL_HUB_HOMES": str(tmp_path / "h"),
        "RFL_HUB_PASSWORD": HB.PASSWORD,
        "RFL_HUB_LEARNERS": "ana, ben",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    c = PyFileConfigLoader("jupyterhub_config.py", str(ROOT / "deploy")).load_config()
    assert c.JupyterHub.bind_url == "https://127.0.0.9:8443/"
    assert (c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key) == ("c.pem", "k.pem")
    assert c.JupyterHub.hub_ip == "127.0.0.1"
    assert c.Authenticator.allowed_users == {"ana", "ben"}
    assert c.SimpleLocalProcessSpawner.home_dir_template == str(tmp_path / "h" / "{username}")
    assert (
        "--ServerApp.kernel_websocket_connection_class=course.server.NoDelayKernelConnection"
        in c.Spawner.args
    )
    assert c.JupyterHub.services[0]["name"] == "idle-culler"


def test_k8s_values_and_image_agree(tmp_path: Path) -> None:
    values = yaml.safe_load((ROOT / "deploy/k8s/values.yaml").read_text())
    docker = (ROOT / "deploy/k8s/Dockerfile").read_text()
    assert values["proxy"]["https"]["enabled"] is True
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    single = values["singleuser"]
    data = "/opt/running-form-lab/data"
    assert "ENV RFL_HOME=/opt/running-form-lab" in docker and "${RFL_HOME}/data" in docker
    assert single["extraEnv"]["RUNNING_FORM_LAB_MODELS"] == f"{data}/models"
    assert f"{data}/lessons" in single["lifecycleHooks"]["postStart"]["exec"]["command"][-1]
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]
    # the guarantee is the measured sizing of the deployment guide
    guide = (ROOT / "docs/deploy-jupyterhub.md").read_text()
    assert f"cpu.guarantee: {single['cpu']['guarantee']}" in guide
    for script in ("deploy/install-course.sh", "binder/postBuild", "binder/start"):
        subprocess.run(["bash", "-n", str(ROOT / script)], check=True)
        assert os.access(ROOT / script, os.X_OK), script
    assert "deploy/install-course.sh" in (ROOT / "binder/postBuild").read_text()
