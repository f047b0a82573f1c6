"""JupyterHub configuration of a Running Form Lab class server (one machine).

Start it with `python deploy/start_hub.py` (see docs/deploy-jupyterhub.md): that script
checks the certificate, installs configurable-http-proxy from deploy/package-lock.json when it
is missing, fetches the pose model once, and sets the RFL_HUB_* variables read below.

What this gives:
- HTTPS on the hub's public address (browsers give the camera only to secure origins);
- one single-user JupyterLab per learner, each in its own home directory under RFL_HUB_HOMES,
  running the Python environment the course is installed in;
- the course's server extension `course.server` (TCP_NODELAY on kernel websockets) in every
  single-user server;
- each learner's progress log (SQLite) in their own home;
- a copy of the lessons in each home on first start (never overwritten afterwards).

Learners log in with any name and the class password (JupyterHub's shared-password
authenticator). All single-user servers run as the hub's Unix user: fine for a workshop of
people who trust each other, not isolation. See docs/deploy-jupyterhub.md for the options.
"""

# ruff: noqa: F821  (`c` is the config object JupyterHub provides when it loads this file)
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
env = os.environ

c.JupyterHub.bind_url = f"https://{env['RFL_HUB_IP']}:{env['RFL_HUB_PORT']}/"
c.JupyterHub.ssl_cert = env["RFL_HUB_CERT"]
c.JupyterHub.ssl_key = env["RFL_HUB_KEY"]
# The hub's own API and the proxy's control API stay on the loopback interface.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["RFL_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['RFL_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [env["RFL_CHP"]]

state = Path(env["RFL_HUB_STATE"])
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
c.JupyterHub.cleanup_servers = True

# Learners: any name, one class password (at least 8 characters, checked by JupyterHub).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = env["RFL_HUB_PASSWORD"]
learners = env.get("RFL_HUB_LEARNERS", "")
if learners:
    c.Authenticator.allowed_users = {n.strip() for n in learners.split(",") if n.strip()}
else:
    c.Authenticator.allow_all = True

# One single-user server per learner, in <homes>/<name>, with this environment's Python.
c.JupyterHub.spawner_class = "simple"
homes = Path(env["RFL_HUB_HOMES"])
c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab/tree/lessons/00-start-here.ipynb"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180
args = [
    # the course's TCP_NODELAY connection class; installing the course also enables the
    # `course.server` extension that sets the same class, this makes it explicit
    "--ServerApp.kernel_websocket_connection_class=course.server.NoDelayKernelConnection",
    "--ServerApp.terminals_enabled=False",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    args.append("--allow-root")  # the hub runs as root to bind port 443; so do the servers
c.Spawner.args = args


def _learner_environment(spawner):
    """Per-learner variables: the progress log in their home, the shared pose model/clips."""
    home = Path(spawner.home_dir_template.format(username=spawner.user.name))
    out = {
        "RUNNING_FORM_LAB_DATA": str(home / ".local" / "share" / "running-form-lab"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    for key in ("RUNNING_FORM_LAB_MODELS", "RUNNING_FORM_LAB_MEDIA"):
        if env.get(key):
            out[key] = env[key]
    return out


def _pre_spawn(spawner):
    """Create the learner's home and give it a copy of the lessons the first time."""
    home = Path(spawner.home_dir_template.format(username=spawner.user.name))
    home.mkdir(parents=True, exist_ok=True)
    lessons = home / "lessons"
    if not lessons.exists():
        shutil.copytree(REPO / "lessons", lessons)
    spawner.environment = {**spawner.environment, **_learner_environment(spawner)}


c.Spawner.pre_spawn_hook = _pre_spawn

# Idle servers are stopped after an hour (their kernels too); progress logs stay in the homes.
idle = int(env.get("RFL_HUB_CULL_IDLE", "3600"))
if idle > 0:
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle}"],
        }
    ]
