"""A class server for tests and benchmarks: ``deploy/start_hub.py`` on a loopback address.

The hub listens with TLS on ``127.0.0.2`` under the made-up name ``rfl-hub.test``; Chromium maps
that name to the address (``--host-resolver-rules``, no ``/etc/hosts`` edit) and accepts the
hub's self-signed certificate by its public-key hash only. Learners log in through the real
login page; their single-user servers are the ones the deployment starts. Used by
``tests/test_hub.py`` and ``benchmarks/bench_classroom.py``; nothing runs at import time.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import harness as H

REPO = Path(__file__).resolve().parents[2]
START_HUB = REPO / "deploy" / "start_hub.py"
CHP = REPO / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
HUB_NAME = "rfl-hub.test"
HUB_IP = "127.0.0.2"
PASSWORD = "class-trial-2026"


def free_port(ip: str) -> int:
    """A TCP port on ``ip`` that is free right now."""
    with socket.socket() as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


@dataclass
class Hub:
    """A running class server (``deploy/start_hub.py``) and where it keeps its files."""

    proc: subprocess.Popen[bytes]
    port: int
    state: Path
    homes: Path
    log: Path
    proxy_token: str
    proxy_api_port: int
    name: str = HUB_NAME
    ip: str = HUB_IP

    @property
    def url(self) -> str:
        """Public URL, as learners type it (no trailing slash)."""
        return f"https://{self.name}:{self.port}"

    @property
    def cert(self) -> Path:
        """The self-signed certificate start_hub.py generated."""
        return self.state / "tls" / f"{self.name}.pem"

    def home(self, user: str) -> Path:
        """A learner's home directory."""
        return self.homes / user

    def log_text(self) -> str:
        """What the hub, its proxy and the single-user servers printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def browser_args(self) -> tuple[str, ...]:
        """Chromium flags: resolve the hub's name to its address, trust its certificate."""
        return (
            f"--host-resolver-rules=MAP {self.name} {self.ip}",
            f"--ignore-certificate-errors-spki-list={spki_hash(self.cert)}",
        )

    def proxy_routes(self) -> dict[str, Any]:
        """The routing table of the hub's proxy (its REST API on 127.0.0.1)."""
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.proxy_api_port}/api/routes",
            headers={"Authorization": f"token {self.proxy_token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            routes: dict[str, Any] = json.load(resp)
        return routes

    def stop(self) -> None:
        """Stop the hub; it stops its proxy and every learner's server."""
        H.stop_process(self.proc, grace=30)


def spki_hash(cert: Path) -> str:
    """Base64 SHA-256 of a PEM certificate's public key (Chromium's SPKI allow-list format)."""
    pem = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"],
        check=True,
        capture_output=True,
        timeout=30,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=pem,
        check=True,
        capture_output=True,
        timeout=30,
    ).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def learner_settings(home: Path) -> None:
    """A learner's own Jupyter settings: no news pop-up, and ``window.jupyterapp`` for tests."""
    jupyter = home / ".jupyter"
    jupyter.mkdir(parents=True, exist_ok=True)
    (jupyter / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "LabApp": {
                    "expose_app_in_browser": True,
                    "news_url": "",
                    "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                }
            }
        )
    )
    settings = jupyter / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def start_hub(work: Path, learners: list[str], *, timeout: float = 120) -> Hub:
    """Run ``deploy/start_hub.py`` (self-signed certificate) on ``127.0.0.2`` and wait for it.

    The learners' homes get :func:`learner_settings`; the pose model and clips come from the
    shared user cache (fetched first if absent).
    """
    from course.data import media
    from course.pose.models import ensure_model

    model = ensure_model("lite")
    state, homes = work / "hub-state", work / "homes"
    for user in learners:
        learner_settings(homes / user)
    port, api = free_port(HUB_IP), free_port("127.0.0.1")
    token = base64.b32encode(os.urandom(20)).decode()
    cmd = [
        *(sys.executable, str(START_HUB), "--name", HUB_NAME, "--ip", HUB_IP),
        *("--port", str(port), "--state", str(state), "--homes", str(homes)),
        *("--models", str(model.parent), "--proxy-api-port", str(api)),
        *("--learners", ",".join(learners)),
    ]
    env = dict(os.environ)
    env.update(
        RFL_HUB_PASSWORD=PASSWORD,
        CONFIGPROXY_AUTH_TOKEN=token,
        RUNNING_FORM_LAB_MEDIA=str(media.media_dir()),
        PYTHONUNBUFFERED="1",
    )
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_PATH", "JUPYTER_RUNTIME_DIR", "XDG_DATA_HOME"):
        env.pop(key, None)
    work.mkdir(parents=True, exist_ok=True)
    log = work / "hub.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=out)
    hub = Hub(proc, port, state, homes, log, token, api)
    try:
        _wait_hub(hub, timeout)
    except BaseException:
        hub.stop()
        raise
    return hub


def _wait_hub(hub: Hub, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            raise RuntimeError(f"hub exited ({hub.proc.returncode}):\n{hub.log_text()[-4000:]}")
        if hub.cert.is_file():
            ctx = ssl.create_default_context(cafile=str(hub.cert))
            try:
                url = f"https://{hub.ip}:{hub.port}/hub/api/"
                with urllib.request.urlopen(url, timeout=3, context=ctx) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError):
                pass
        time.sleep(0.5)
    raise RuntimeError(f"hub did not answer in {timeout} s:\n{hub.log_text()[-4000:]}")


def login(page: Any, base_url: str, user: str, *, timeout_ms: int = 120000) -> None:
    """Log in through the hub's login page and wait until the learner's JupyterLab is loaded."""
    page.goto(f"{base_url}/hub/login", timeout=timeout_ms)
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=timeout_ms)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout_ms)


def open_notebook(
    page: Any, base_url: str, user: str, path: str, *, timeout_ms: int = 90000
) -> None:
    """Open ``path`` in the learner's JupyterLab and wait until its kernel is idle."""
    page.goto(f"{base_url}/user/{user}/lab/tree/{path}?reset", timeout=timeout_ms)
    for attempt in range(3):  # ?reset navigates once more (see harness.open_notebook)
        try:
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout_ms)
            ok = page.evaluate(H._READY_JS)
            break
        except Exception as exc:
            if "Execution context was destroyed" not in str(exc) or attempt == 2:
                raise
            page.wait_for_load_state("load", timeout=timeout_ms)
    if not ok:
        raise RuntimeError(f"kernel of {path} did not become idle for {user}")


@contextlib.contextmanager
def plain_http_proxy(hub: Hub, ip: str = "127.0.0.3") -> Any:
    """A second configurable-http-proxy, plain HTTP on ``ip``, with the hub's current routes.

    Models a class server someone started without HTTPS: the same hub and learner servers,
    reached as ``http://<name>``. Yields the port.
    """
    port, api = free_port(ip), free_port("127.0.0.1")
    token = base64.b32encode(os.urandom(20)).decode()
    log = hub.log.with_name("plain-proxy.log")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(CHP),
                "--ip",
                ip,
                "--port",
                str(port),
                *("--api-ip", "127.0.0.1", "--api-port", str(api)),
            ],
            env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": token},
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", api)) == 0:
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"plain proxy did not start:\n{log.read_text()}")
            time.sleep(0.2)
        for path, route in hub.proxy_routes().items():
            body = json.dumps({"target": route["target"]}).encode()
            req = urllib.request.Request(
                f"http://127.0.0.1:{api}/api/routes{path}",
                data=body,
                method="POST",
                headers={"Authorization": f"token {token}"},
            )
            urllib.request.urlopen(req, timeout=10).close()
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
