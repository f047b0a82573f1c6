"""The files the browser needs to run the pose model itself (``PoseCamera(inference="browser")``).

MediaPipe Tasks for the web comes from the npm package ``@mediapipe/tasks-vision``, pinned in
``widgets/web/package.json`` and installed by ``make install`` (``npm ci``) into
``widgets/web/node_modules``. The kernel sends these files to the page over the widget's own
comm, where they become Blob URLs: no CDN, no server configuration, and the same path in
JupyterLab, Voila and behind JupyterHub's ``/user/NAME/`` prefix. The pose model is the same
``.task`` file the kernel uses (:func:`course.pose.ensure_model`).

Why 0.10.35: versions 1.0.0 and later POST usage logs to a Google endpoint from the page; this
version contains no such code (``tests/test_web_runtime.py`` reads both the pinned bundle and the
endpoint's absence).

Examples
--------
>>> sorted(ASSETS)
['bundle', 'wasm', 'wasm_loader', 'worker']
>>> PINNED_VERSION
'0.10.35'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from course.pose import ensure_model

HERE = Path(__file__).parent
#: Where ``npm ci`` in ``widgets/web`` puts the package.
RUNTIME_DIR = HERE / "web" / "node_modules" / "@mediapipe" / "tasks-vision"
PINNED_VERSION = "0.10.35"
#: The asset names the browser asks for, and their files. The ``_module_`` WASM build is the
#: one that loads inside a module Web Worker (it is an ES module that sets ``ModuleFactory``).
ASSETS = {
    "bundle": "vision_bundle.mjs",
    "wasm_loader": "wasm/vision_wasm_module_internal.js",
    "wasm": "wasm/vision_wasm_module_internal.wasm",
    "worker": "pose_worker.js",
}
#: Model assets are named ``model:<variant>``.
MODEL_PREFIX = "model:"
MODEL_VARIANTS = ("lite", "full", "heavy")


class RuntimeMissing(FileNotFoundError):
    """The web runtime is not installed (or is another version than the pinned one)."""


@dataclass(frozen=True)
class Asset:
    """One file for the browser.

    Attributes
    ----------
    name
        The asset name asked for (``bundle``, ``wasm_loader``, ``wasm``, ``worker``,
        ``model:lite``...).
    filename
        The file's name, for messages shown to the learner.
    data
        The file's bytes.
    version
        The runtime version (the pinned npm version), or the model variant.
    """

    name: str
    filename: str
    data: bytes
    version: str


def installed_version(runtime_dir: Path = RUNTIME_DIR) -> str:
    """Version of the npm package in ``runtime_dir``.

    Raises
    ------
    RuntimeMissing
        When the package is not installed there, saying how to install it.
    """
    manifest = runtime_dir / "package.json"
    if not manifest.is_file():
        raise RuntimeMissing(
            f"the browser pose runtime (npm @mediapipe/tasks-vision {PINNED_VERSION}) is not "
            f"installed: {manifest} is missing. Run `make install` (or `npm ci` in widgets/web), "
            "or use PoseCamera(inference='kernel')."
        )
    version = str(json.loads(manifest.read_text(encoding="utf-8")).get("version", ""))
    return version


def read_asset(name: str, *, runtime_dir: Path = RUNTIME_DIR) -> Asset:
    """The bytes of asset ``name`` for the browser.

    Parameters
    ----------
    name
        A key of :data:`ASSETS` or ``"model:<variant>"`` (``lite``, ``full``, ``heavy``).
    runtime_dir
        Directory of the installed npm package (default :data:`RUNTIME_DIR`).

    Returns
    -------
    Asset
        The file's bytes and where they came from.

    Raises
    ------
    ValueError
        For an unknown asset name.
    RuntimeMissing
        When the runtime is not installed, is not the pinned version or lacks the file.

    Examples
    --------
    >>> worker = read_asset("worker")
    >>> worker.filename, b"detectForVideo" in worker.data
    ('pose_worker.js', True)
    """
    if name.startswith(MODEL_PREFIX):
        variant = name[len(MODEL_PREFIX) :]
        if variant not in MODEL_VARIANTS:
            raise ValueError(
                f"unknown pose model {variant!r}; expected one of {', '.join(MODEL_VARIANTS)}."
            )
        path = ensure_model(variant, progress=False)
        return Asset(name, path.name, path.read_bytes(), variant)
    if name not in ASSETS:
        raise ValueError(
            f"unknown browser asset {name!r}; expected one of {', '.join(sorted(ASSETS))} "
            f"or {MODEL_PREFIX}<variant>."
        )
    if name == "worker":
        path = HERE / "static" / ASSETS[name]
        return Asset(name, path.name, path.read_bytes(), PINNED_VERSION)
    version = installed_version(runtime_dir)
    if version != PINNED_VERSION:
        raise RuntimeMissing(
            f"widgets/web holds @mediapipe/tasks-vision {version!r}, but {PINNED_VERSION} is "
            "pinned (later versions send usage logs to Google). Run `npm ci` in widgets/web."
        )
    path = runtime_dir / ASSETS[name]
    if not path.is_file():
        raise RuntimeMissing(
            f"the browser pose runtime lacks {path}. Run `npm ci` in widgets/web to reinstall it."
        )
    return Asset(name, path.name, path.read_bytes(), version)
