"""Environment report: ``python -m course check [--build] [--json]``.

Checks what the course needs (Python, packages, the compiled core, a pose model) and what only the
tests need (ffmpeg, chromium), and explains what the webcam self-tests need from the browser. Each
line says ``ok``, ``warn`` or ``FAIL`` with the next step. The exit code is 1 when something the
course needs is missing, else 0. Nothing is downloaded or built unless ``--build`` is given.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata as md
import json
import os
import shutil
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["ok", "warn", "fail", "info"]

#: Distributions the course needs at run time: (distribution, import name).
REQUIRED: tuple[tuple[str, str], ...] = (
    ("numpy", "numpy"),
    ("mediapipe", "mediapipe"),
    ("opencv-contrib-python", "cv2"),
    ("platformdirs", "platformdirs"),
    ("flatbuffers", "flatbuffers"),
    ("tqdm", "tqdm"),
    ("plotly", "plotly"),
    ("anywidget", "anywidget"),
    ("ipywidgets", "ipywidgets"),
    ("jupyterlab", "jupyterlab"),
)
_OPENCV_DISTS = (
    "opencv-python",
    "opencv-contrib-python",
    "opencv-python-headless",
    "opencv-contrib-python-headless",
)
_PY_MIN, _PY_MAX = (3, 10), (3, 14)


@dataclass(frozen=True)
class CheckResult:
    """One line of the report.

    Attributes
    ----------
    name
        What was checked.
    status
        ``"ok"``, ``"warn"`` (works, but read the advice), ``"fail"`` (the course will not work)
        or ``"info"`` (an explanation, nothing to fix).
    detail
        What was found.
    fix
        What to do next (empty when nothing is needed).
    """

    name: str
    status: Status
    detail: str
    fix: str = ""


def check_python() -> CheckResult:
    """The interpreter version against the supported range.

    Examples
    --------
    >>> check_python().status
    'ok'
    """
    v = sys.version_info
    text = f"Python {v.major}.{v.minor}.{v.micro} at {sys.executable}"
    if _PY_MIN <= (v.major, v.minor) < _PY_MAX:
        return CheckResult("python", "ok", text)
    return CheckResult(
        "python",
        "fail",
        text,
        "Use Python 3.10 to 3.13 (e.g. `conda env create -f environment.yml`).",
    )


def check_packages() -> list[CheckResult]:
    """Each required distribution is installed and importable; only one OpenCV distribution."""
    out = []
    for dist, module in REQUIRED:
        try:
            version = md.version(dist)
        except md.PackageNotFoundError:
            version = ""
        if not version and module == "cv2":
            # mediapipe pulls opencv-contrib-python, but any single OpenCV build provides cv2
            for alt in _OPENCV_DISTS:
                try:
                    version, dist = md.version(alt), alt
                    break
                except md.PackageNotFoundError:
                    continue
        if not version:
            out.append(
                CheckResult(
                    dist,
                    "fail",
                    "not installed",
                    f"pip install '{dist}' (or reinstall the course: pip install -e .).",
                )
            )
            continue
        try:
            importlib.import_module(module)
        except Exception as exc:  # any import failure is reported; the check never crashes
            out.append(
                CheckResult(
                    dist,
                    "fail",
                    f"{version} installed but `import {module}` fails: {exc}",
                    f"Reinstall it: pip install --force-reinstall '{dist}=={version}'.",
                )
            )
            continue
        out.append(CheckResult(dist, "ok", version))
    installed = []
    for d in _OPENCV_DISTS:
        try:
            installed.append(f"{d} {md.version(d)}")
        except md.PackageNotFoundError:
            continue
    if len(installed) > 1:
        out.append(
            CheckResult(
                "opencv",
                "warn",
                "several OpenCV distributions write the same cv2 files: " + ", ".join(installed),
                "Keep only opencv-contrib-python (mediapipe's dependency): pip uninstall the "
                "others, then pip install --force-reinstall opencv-contrib-python.",
            )
        )
    return out


def check_core() -> CheckResult:
    """The compiled analysis core ``course._core`` imports."""
    try:
        from course import _core as core
    except ImportError as exc:
        return CheckResult(
            "compiled core",
            "fail",
            f"course._core does not import: {exc}",
            "Build it: `make build` (needs a C++17 compiler and CMake), or `pip install -e .`.",
        )
    families = sorted(n for n in dir(core) if not n.startswith("_"))
    return CheckResult("compiled core", "ok", f"{core.__file__} ({', '.join(families)})")


def check_models(
    *, build: bool = False, variants: Iterable[str] = ("full", "lite", "heavy")
) -> list[CheckResult]:
    """Whether each pose model resolves; with ``build``, download or build the missing ones.

    A missing default model (``full``) is a warning (it is fetched on first use); a missing
    ``lite`` or ``heavy`` model is only information.
    """
    try:
        from course.pose import models
    except ImportError as exc:
        return [
            CheckResult(
                "pose models",
                "fail",
                f"cannot look for models: {exc}",
                "Install the missing packages listed above first.",
            )
        ]
    out = []
    has_npm = shutil.which("npm") is not None
    for v in variants:
        if build:
            try:
                path = models.ensure_model(v)
            except models.ModelError as exc:
                out.append(CheckResult(f"model {v}", "fail", str(exc)))
                continue
            out.append(CheckResult(f"model {v}", "ok", f"{path} (loads in MediaPipe)"))
            continue
        info = models.find_model(v)
        if info.path is not None:
            src = f" [{info.source}]" if info.source else ""
            out.append(CheckResult(f"model {v}", "ok", f"{info.path} ({info.origin}){src}"))
            continue
        route = (
            "it will be downloaded, or built from npm, on first use"
            if has_npm
            else "it will be downloaded on first use; with no network, there is no npm to build it"
        )
        out.append(
            CheckResult(
                f"model {v}",
                "warn" if v == "full" else "info",
                f"not in {models.cache_dir()} yet: {route}",
                f"Run `python -m course models --variant {v}` (or `python -m course check "
                "--build`) now, while online.",
            )
        )
    return out


def check_tools() -> list[CheckResult]:
    """Command-line tools: npm (offline model build), ffmpeg and chromium (tests only)."""
    out = []
    for tool, why in (
        ("npm", "builds the pose model offline from the npm package"),
        ("ffmpeg", "tests only: makes rotated and fake-camera clips"),
        ("chromium", "tests only: drives the widgets in a headless browser"),
    ):
        where = shutil.which(tool)
        if where:
            out.append(CheckResult(tool, "ok", f"{where} ({why})"))
        else:
            hint = {
                "npm": "Install Node.js if you cannot download the model directly.",
                "ffmpeg": "apt-get install ffmpeg (or conda install ffmpeg) for the media tests.",
                "chromium": "apt-get install chromium to run the browser tests.",
            }[tool]
            out.append(CheckResult(tool, "warn", f"not found ({why})", hint))
    return out


def camera_notes() -> list[CheckResult]:
    """How the webcam self-tests get the camera (an explanation, nothing is probed)."""
    hub = bool(os.environ.get("JUPYTERHUB_API_URL") or os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))
    notes = [
        CheckResult(
            "camera",
            "info",
            "The camera is read by your browser, not by Python: the widget asks for permission "
            "and sends frames to the kernel, so a remote kernel works as well as a local one.",
        ),
        CheckResult(
            "secure origin",
            "warn" if hub else "info",
            "Browsers give the camera only to secure pages: http://localhost and "
            "http://127.0.0.1 are fine; any other address needs HTTPS."
            + (" You are on JupyterHub: it must be served over HTTPS." if hub else ""),
            "Ask the hub admin for an HTTPS address." if hub else "",
        ),
    ]
    return notes


def run_checks(*, build: bool = False) -> list[CheckResult]:
    """All checks in report order.

    Parameters
    ----------
    build
        Download or build a missing pose model instead of only reporting it.
    """
    results = [check_python(), *check_packages(), check_core()]
    results += check_models(build=build)
    results += check_tools()
    results += camera_notes()
    return results


_LABEL = {"ok": "[ ok ]", "warn": "[warn]", "fail": "[FAIL]", "info": "[info]"}


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m course check``: print the report; exit 1 if something needed is missing."""
    parser = argparse.ArgumentParser(prog="python -m course check", description=__doc__)
    parser.add_argument(
        "--build", action="store_true", help="download or build the pose model if it is missing"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(list(argv) if argv is not None else None)
    results = run_checks(build=args.build)
    failed = [r for r in results if r.status == "fail"]
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        for r in results:
            print(f"{_LABEL[r.status]} {r.name}: {r.detail}")
            if r.fix:
                print(f"       -> {r.fix}")
        if failed:
            print(f"\n{len(failed)} problem(s) to fix before the course works (see -> above).")
        else:
            print("\nEverything the course needs is here.")
    return 1 if failed else 0
