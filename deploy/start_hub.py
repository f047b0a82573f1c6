"""Start the Running Form Lab class server: JupyterHub over HTTPS on this machine.

One command for a teacher, run with the Python environment the course is installed in::

    sudo .venv/bin/python deploy/start_hub.py --name hub.school.lan \
        --cert /etc/ssl/hub.pem --key /etc/ssl/private/hub.key

Without ``--cert``/``--key`` a self-signed certificate for ``--name`` (and the listening address)
is generated for a trial: learners' browsers then show a certificate warning once, which they
must accept before the page (and the camera) works. The script

1. checks that JupyterHub is installed (``pip install ".[hub]"``) and the certificate is usable;
2. installs configurable-http-proxy from ``deploy/package-lock.json`` (``npm ci``) if missing;
3. fetches the pose model once, into the state folder, for every learner to share;
4. creates the class password (printed, and kept in ``<state>/class-password``) unless
   ``RFL_HUB_PASSWORD`` is set;
5. runs ``jupyterhub -f deploy/jupyterhub_config.py``, which it replaces (Ctrl-C stops the hub,
   the proxy and every learner's server).

Everything it reads or writes is in this repository or in the ``--state``/``--homes`` folders.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
CHP = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
WORDS = ("amber", "brisk", "cedar", "delta", "ember", "fjord", "grove", "haven", "inlet", "lumen")


class SetupError(RuntimeError):
    """Something the teacher must fix before the hub can start (the message says what)."""


def self_signed_certificate(
    name: str, ip: str, folder: Path, *, days: int = 30
) -> tuple[Path, Path]:
    """Create (or reuse) a self-signed certificate for ``name`` and ``ip`` in ``folder``.

    Returns the paths of the certificate and of its private key (mode 0600). Uses the
    ``openssl`` command line tool.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    if cert.is_file() and key.is_file():
        return cert, key
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SetupError(
            "openssl is needed to make a self-signed certificate and was not found. Install it "
            "(Debian/Ubuntu: apt-get install openssl) or pass your own --cert and --key."
        )
    san = [f"DNS:{name}"]
    if ip not in ("0.0.0.0", "::", ""):
        san.append(f"IP:{ip}")
    san.append("IP:127.0.0.1")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256"),
            *("-days", str(days), "-subj", f"/CN={name}", "-addext"),
            f"subjectAltName={','.join(dict.fromkeys(san))}",
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    key.chmod(0o600)
    return cert, key


def install_proxy() -> Path:
    """configurable-http-proxy from the npm registry, pinned by ``deploy/package-lock.json``."""
    if CHP.exists():
        return CHP
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError(
            "JupyterHub's proxy (configurable-http-proxy) is installed with npm, which was not "
            "found. Install Node.js 20 or newer with npm (Debian/Ubuntu: apt-get install nodejs "
            "npm), then run this command again."
        )
    print("Installing configurable-http-proxy into deploy/node_modules (npm ci)...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=DEPLOY, check=True, timeout=600)
    if not CHP.exists():
        raise SetupError(f"npm ci finished but {CHP} is missing; see npm's output above.")
    return CHP


def fetch_model(state: Path) -> Path:
    """The lite pose model in ``<state>/models``, fetched or built once for all learners."""
    folder = state / "models"
    if not (folder / "pose_landmarker_lite.task").is_file():
        from course.pose.models import ensure_model

        print("Fetching the pose model once for every learner...", flush=True)
        found = ensure_model("lite")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found, folder / "pose_landmarker_lite.task")
    return folder


def class_password(state: Path) -> str:
    """``RFL_HUB_PASSWORD``, or the one kept in ``<state>/class-password`` (made once)."""
    given = os.environ.get("RFL_HUB_PASSWORD", "")
    if given:
        if len(given) < 8:
            raise SetupError(
                f"RFL_HUB_PASSWORD has {len(given)} characters; JupyterHub needs at least 8."
            )
        return given
    path = state / "class-password"
    if path.is_file():
        return path.read_text().strip()
    words = [secrets.choice(WORDS) for _ in range(3)]
    password = "-".join([*words, str(secrets.randbelow(90) + 10)])
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def _check_file(label: str, value: str | None) -> Path:
    path = Path(value or "")
    if not value or not path.is_file():
        raise SetupError(
            f"{label} {value!r} is not a readable file. Pass the certificate (PEM, with the full "
            "chain) and its private key your school's IT gave you, or leave out both --cert "
            "and --key to generate a self-signed certificate for a trial."
        )
    return path


def _free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(
        prog="python deploy/start_hub.py", description=__doc__.split("\n")[0]
    )
    p.add_argument("--name", required=True, help="the host name learners type, e.g. hub.school.lan")
    p.add_argument("--cert", help="TLS certificate (PEM); omit with --key for a self-signed one")
    p.add_argument("--key", help="private key of --cert (PEM)")
    p.add_argument("--ip", default="0.0.0.0", help="address to listen on (default: all)")
    p.add_argument("--port", type=int, default=443, help="HTTPS port (default 443)")
    p.add_argument("--state", default="/srv/running-form-lab/hub", help="hub database, keys, model")
    p.add_argument("--homes", default="/srv/running-form-lab/homes", help="one folder per learner")
    p.add_argument(
        "--learners",
        default="",
        help="comma-separated names allowed (default: anyone with the class password)",
    )
    p.add_argument(
        "--cull-idle", type=int, default=3600, help="stop servers idle this many seconds (0: never)"
    )
    p.add_argument("--models", help="folder with pose_landmarker_lite.task (default: fetch once)")
    p.add_argument("--hub-api-port", type=int, default=0, help="internal (default: a free port)")
    p.add_argument("--proxy-api-port", type=int, default=0, help="internal (default: a free port)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Check, prepare, then replace this process with JupyterHub."""
    args = parse_args(argv)
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        print(
            f"JupyterHub is not installed in {sys.prefix}. Install the course with its hub extra "
            "first: pip install '.[hub]' (from the repository folder).",
            file=sys.stderr,
        )
        return 2
    try:
        ipaddress.ip_address(args.ip)
        state, homes = Path(args.state).resolve(), Path(args.homes).resolve()
        state.mkdir(parents=True, exist_ok=True)
        homes.mkdir(parents=True, exist_ok=True)
        if args.cert or args.key:
            cert, key = _check_file("--cert", args.cert), _check_file("--key", args.key)
        else:
            cert, key = self_signed_certificate(args.name, args.ip, state / "tls")
            print(
                f"Self-signed certificate for {args.name}: {cert}\n"
                "  Learners' browsers will warn that the connection is not private. For a trial,\n"
                "  each learner accepts it once (Advanced -> Proceed); for a class, use a\n"
                "  certificate your school's IT or Let's Encrypt issues (--cert/--key).",
                flush=True,
            )
        chp = install_proxy()
        models = Path(args.models).resolve() if args.models else fetch_model(state)
        password = class_password(state)
    except (SetupError, ValueError, subprocess.CalledProcessError) as exc:
        print(f"Cannot start the hub: {exc}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    env.update(
        RFL_HUB_IP=args.ip,
        RFL_HUB_PORT=str(args.port),
        RFL_HUB_CERT=str(cert),
        RFL_HUB_KEY=str(key),
        RFL_HUB_STATE=str(state),
        RFL_HUB_HOMES=str(homes),
        RFL_HUB_PASSWORD=password,
        RFL_HUB_LEARNERS=args.learners,
        RFL_HUB_CULL_IDLE=str(args.cull_idle),
        RFL_HUB_API_PORT=str(args.hub_api_port or _free_port()),
        RFL_PROXY_API_PORT=str(args.proxy_api_port or _free_port()),
        RFL_CHP=str(chp),
        RUNNING_FORM_LAB_MODELS=str(models),
    )
    port = "" if args.port == 443 else f":{args.port}"
    print(f"Class server: https://{args.name}{port}/  (class password: {password})", flush=True)
    config = DEPLOY / "jupyterhub_config.py"
    cmd = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    os.chdir(state)
    os.execve(sys.executable, cmd, env)
    return 0  # pragma: no cover - execve does not return


if __name__ == "__main__":
    raise SystemExit(main())
