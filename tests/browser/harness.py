"""End-to-end harness: JupyterLab/Voila servers, headless Debian Chromium with a fake camera.

Used by ``tests/test_browser_e2e.py`` and ``benchmarks/bench_live_camera.py``. Nothing runs at
import time. Chromium is the system one (``/usr/bin/chromium``), driven by the PyPI
``playwright`` package: never ``playwright install``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

CHROMIUM = os.environ.get("RFL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
# WebGL without a GPU: SwiftShader instead of no WebGL at all (benchmarks of the GPU delegate)
SOFTWARE_WEBGL_FLAGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
FAKE_CAMERA_FLAGS = ["--use-fake-device-for-media-stream"]
FAKE_UI_FLAG = "--use-fake-ui-for-media-stream"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_y4m(
    src: Path,
    dst: Path,
    *,
    start_s: float = 0.0,
    seconds: float = 4.0,
    fps: int = 30,
    crop: str = "",
    still: bool = False,
) -> Path:
    """Convert ``seconds`` of video ``src`` from ``start_s`` to a 640x480 y4m fake-camera clip.

    ``crop``: an ffmpeg ``crop=`` argument applied first (``"w:h:x:y"``); ``still``: only the
    clip's first frame (Chromium's fake camera loops the file, so the picture never moves).
    """
    if dst.is_file() and dst.stat().st_size > 0:
        return dst
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is needed to make the fake camera clip: apt-get install ffmpeg")
    vf = (
        (f"crop={crop}," if crop else "")
        + "scale=640:480:force_original_aspect_ratio=decrease,"
        + f"pad=640:480:(ow-iw)/2:(oh-ih)/2,fps={fps}"
    )
    if still:
        vf += f",trim=end_frame=1,loop=loop={fps - 1}:size=1:start=0"
    tmp = dst.with_suffix(".part.y4m")
    subprocess.run(
        [
            *(ffmpeg, "-v", "error", "-y", "-ss", str(start_s), "-i", str(src)),
            *("-t", str(seconds), "-vf", vf, "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe"),
            str(tmp),
        ],
        check=True,
        timeout=120,
    )
    tmp.replace(dst)
    return dst


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a notebook of code ``cells`` (python3 kernel) to ``path``."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def server_env(home: Path) -> dict[str, str]:
    """Environment for servers and kernels: own HOME and data dir, the real model/media cache."""
    real_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(real_cache),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(home / ".jupyter-runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / ".jupyter-workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(home / ".jupyter" / "lab" / "user-settings"),
        PYTHONUNBUFFERED="1",
        RUNNING_FORM_LAB_DATA=str(home / "learner-data"),
    )
    env.pop("JUPYTER_PATH", None)
    return env


@dataclass
class Server:
    """A running Jupyter server (lab or voila) on 127.0.0.1."""

    proc: subprocess.Popen[bytes]
    port: int
    root: Path
    home: Path
    log: Path
    kind: str = "lab"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Terminate the server (and its kernels)."""
        stop_process(self.proc, grace=15)


def stop_process(proc: subprocess.Popen[bytes], *, grace: float) -> None:
    """Terminate ``proc`` if it still runs; kill it if it has not exited after ``grace`` s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"server did not answer {url} in {timeout} s:\n{log.read_text()[-3000:]}")


def _wait_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Wait until something listens on 127.0.0.1:``port`` (Voila serves its page only at /)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.25)
    raise RuntimeError(
        f"nothing listens on port {port} after {timeout} s:\n{log.read_text()[-3000:]}"
    )


def start_lab(root: Path, home: Path, *, nodelay: bool = True, timeout: float = 60) -> Server:
    """Start JupyterLab on ``root`` with the course settings (``nodelay=False``: stock server).

    The command line is :func:`course.lab.lab_command`'s, so the test exercises what
    ``python -m course lab`` runs, plus a free port, no token and no browser.
    """
    from course.lab import lab_command

    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    extra = [
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.terminals_enabled=False",
        # tests also open the page under a made-up host name (an insecure origin)
        "--ServerApp.allow_remote_access=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        extra.append("--ServerApp.allow_root=True")
    cmd = lab_command(root=root, port=port, ip="127.0.0.1", open_browser=False, extra=extra)
    if not nodelay:
        # a stock server: neither the command-line class nor the extension that installing the
        # course enables (etc/jupyter/jupyter_server_config.d/running-form-lab.json)
        cmd = [c for c in cmd if "kernel_websocket_connection_class" not in c]
        cmd.append("--ServerApp.jpserver_extensions=course.server=False")
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    log = home / f"lab-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=server_env(home), stdout=out, stderr=out)
    server = Server(proc, port, root, home, log, "lab", {"nodelay": nodelay})
    try:
        _wait_http(f"{server.url}/api/status", proc, log, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def start_voila(notebook: Path, home: Path, *, timeout: float = 60) -> Server:
    """Start Voila on one notebook with the course's TCP_NODELAY connection class."""
    from course.server import NODELAY_CLASS

    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebook.name),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.kernel_websocket_connection_class={NODELAY_CLASS}",
    ]
    log = home / f"voila-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=notebook.parent, env=server_env(home), stdout=out, stderr=out
        )
    server = Server(proc, port, notebook.parent, home, log, "voila")
    try:
        _wait_port(port, proc, log, timeout)
    except BaseException:
        server.stop()
        raise
    return server


@contextlib.contextmanager
def playwright() -> Iterator[Any]:
    """One Playwright driver per process (sync API); pass it to :func:`browser`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@contextlib.contextmanager
def browser(
    pw: Any,
    tmp: Path,
    *,
    camera: Path | None = None,
    allow_camera: bool = True,
    no_camera: bool = False,
    extra_args: tuple[str, ...] = (),
    software_webgl: bool = False,
) -> Iterator[Any]:
    """A headless Chromium context (Playwright) with a fake camera playing ``camera`` (y4m).

    ``allow_camera=False`` omits the fake-UI flag, so Chromium refuses the camera
    (NotAllowedError), as when a learner clicks "Block". ``no_camera=True`` gives the page no
    video device at all (NotFoundError). ``software_webgl=True`` drops ``--disable-gpu`` and
    renders WebGL with SwiftShader (this machine has no GPU).
    """
    flags = [f for f in CHROMIUM_FLAGS if not (software_webgl and f == "--disable-gpu")]
    args = [*flags, *(SOFTWARE_WEBGL_FLAGS if software_webgl else []), *extra_args]
    if camera is not None and not no_camera:
        args += [*FAKE_CAMERA_FLAGS, f"--use-file-for-fake-video-capture={camera}"]
    if allow_camera:
        args.append(FAKE_UI_FLAG)
    profile = tmp / f"chromium-profile-{time.monotonic_ns()}"
    bhome = tmp / "browser-home"
    bhome.mkdir(parents=True, exist_ok=True)
    context = pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=args,
        env={**os.environ, "HOME": str(bhome)},
        viewport={"width": 1200, "height": 900},
    )
    try:
        yield context
    finally:
        context.close()


# JupyterLab page helpers (window.jupyterapp exists because of expose_app_in_browser) ----------
_READY_JS = """async () => {
  const app = window.jupyterapp;
  await app.started; await app.restored;
  for (let i = 0; i < 200; i++) {
    const w = app.shell.currentWidget;
    if (w && w.sessionContext) {
      await w.context.ready; await w.sessionContext.ready;
      const k = w.sessionContext.session && w.sessionContext.session.kernel;
      if (k && k.connectionStatus === 'connected' && k.status === 'idle') return true;
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}"""
_RUN_ALL_JS = "async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
_RESTART_JS = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.sessionContext.session.kernel.restart();
  for (let i = 0; i < 300; i++) {
    const k = w.sessionContext.session.kernel;
    if (k.status === 'idle' && k.connectionStatus === 'connected') return true;
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}"""
OVERLAY_PIXELS_JS = """(sel) => {
  const c = document.querySelector(sel);
  if (!c || !c.width) return -1;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


def open_notebook(page: Any, server: Server, name: str, *, timeout_ms: int = 60000) -> None:
    """Open ``name`` in JupyterLab (``?reset``) and wait until its kernel is idle."""
    page.goto(f"{server.url}/lab/tree/{name}?reset", timeout=timeout_ms)
    # JupyterLab answers ?reset by clearing the workspace and then navigating to the plain URL:
    # a script evaluated in between loses its page ("Execution context was destroyed"). Wait for
    # the app again after such a navigation.
    for attempt in range(3):
        try:
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout_ms)
            ok = page.evaluate(_READY_JS)
            break
        except Exception as exc:
            if "Execution context was destroyed" not in str(exc) or attempt == 2:
                raise
            page.wait_for_load_state("load", timeout=timeout_ms)
    if not ok:
        raise RuntimeError(f"kernel of {name} did not become idle")


def run_all(page: Any) -> None:
    """Run every cell of the current notebook."""
    page.evaluate(_RUN_ALL_JS)


def restart_kernel(page: Any) -> None:
    """Restart the current notebook's kernel without a dialog and wait until it is idle."""
    if not page.evaluate(_RESTART_JS):
        raise RuntimeError("kernel did not come back after restart")


def dataset_int(page: Any, selector: str, key: str) -> int:
    """``int(element.dataset[key])`` of the first match of ``selector`` (-1 if absent)."""
    value = page.evaluate(
        "([s, k]) => { const e = document.querySelector(s); return e ? e.dataset[k] : null; }",
        [selector, key],
    )
    return int(float(value)) if value not in (None, "") else -1


def wait_dataset_at_least(
    page: Any, selector: str, key: str, minimum: float, *, timeout_ms: int = 60000
) -> None:
    """Wait until ``Number(element.dataset[key]) >= minimum`` for some match of ``selector``."""
    page.wait_for_function(
        """([s, k, m]) => [...document.querySelectorAll(s)].some(
             e => Number(e.dataset[k] || 0) >= m)""",
        arg=[selector, key, minimum],
        timeout=timeout_ms,
    )


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot into ``test-artifacts/`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextlib.contextmanager
def failure_artifacts(page: Any, name: str, server: Any, *, log: str = "server") -> Iterator[None]:
    """On a failure inside the block: a screenshot and the server's log (``server.log_text()``)
    go into ``test-artifacts/`` as ``NAME.png`` and ``NAME-LOG.log``; the failure is re-raised."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            screenshot(page, name)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{name}-{log}.log").write_text(server.log_text())
        raise


def cell_output_text(page: Any) -> str:
    """The text of every output area in the current notebook."""
    return str(
        page.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output')]
                 .map(e => e.innerText).join('\\n')"""
        )
    )


def dump_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON (for artifacts), making the folder if it is not there yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


_KERNEL_EVAL_JS = """async (code) => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  const fut = k.requestExecute({ code, silent: false, store_history: false });
  let out = "";
  fut.onIOPub = (msg) => {
    const c = msg.content;
    if (msg.header.msg_type === "stream") out += c.text;
    if (msg.header.msg_type === "execute_result") out += c.data["text/plain"];
    if (msg.header.msg_type === "error") out += `${c.ename}: ${c.evalue}`;
  };
  await fut.done;
  return out;
}"""


def kernel_eval(page: Any, code: str) -> str:
    """Run ``code`` in the current notebook's kernel (not as a cell) and return its output."""
    return str(page.evaluate(_KERNEL_EVAL_JS, code))
