"""``SelfTest``: a guided panel around :class:`~widgets.PoseCamera` for one self-test protocol.

The panel walks the learner through the test: what it measures (with a small diagram of where
to stand), a live setup check, the countdown, live feedback, then a result card with the
numbers, what they mean and where the thresholds come from. Nothing is stored until the learner
presses *Save to my log* on the result card (or the test was made with ``save=True``); then the
result's numbers, never the video, go to the learner's log (:class:`course.progress.ProgressLog`)
with a timestamp.
"""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets as t

from course.live import FrameResult
from course.selftests import get
from course.selftests.base import Protocol
from widgets.pose_camera import PoseCamera, SourceRun

STATIC = Path(__file__).parent / "static"

#: How to stand for each camera view a protocol can ask for.
SETUP_STEPS: dict[str, tuple[str, ...]] = {
    "side": (
        "Put the camera at hip height, 2–3 m away.",
        "Stand side-on: the camera sees your profile, one shoulder in front of the other.",
        "Your whole body, head to feet, is in the picture.",
    ),
    "front": (
        "Put the camera at hip height, 2–3 m away.",
        "Face the camera squarely.",
        "Your whole body, head to feet, is in the picture.",
    ),
    "lying": (
        "Put the camera at floor level, 2–3 m to your side.",
        "Lie on your back, side-on to the camera.",
        "Your whole body is in the picture.",
    ),
    "any": (
        "Put the camera 2–3 m away at hip height.",
        "Your whole body, head to feet, stays in the picture throughout.",
    ),
}

_FIGURE = {
    # stick figures: head circle + polyline body, in a 120x100 box; camera drawn at the left
    "side": '<circle cx="80" cy="18" r="7"/><polyline points="80,25 80,55 76,75 78,92"/>'
    '<polyline points="80,55 86,75 84,92"/><polyline points="80,32 86,48"/>',
    "front": '<circle cx="80" cy="18" r="7"/><polyline points="80,25 80,55"/>'
    '<polyline points="70,92 74,55 86,55 90,92"/><polyline points="68,50 80,30 92,50"/>',
    "lying": '<circle cx="52" cy="80" r="7"/><polyline points="59,82 88,82 102,70 115,88"/>',
    "any": '<circle cx="80" cy="18" r="7"/><polyline points="80,25 80,55 74,92"/>'
    '<polyline points="80,55 86,92"/><polyline points="70,45 80,32 90,45"/>',
}


def diagram_svg(view: str) -> str:
    """A small inline SVG of where the camera and the person go for ``view``.

    Parameters
    ----------
    view
        ``"side"``, ``"front"``, ``"lying"`` or ``"any"``.

    Returns
    -------
    str
        An ``<svg>`` element with a ``<title>`` (for screen readers).

    Examples
    --------
    >>> diagram_svg("side").startswith("<svg")
    True
    """
    body = _FIGURE.get(view, _FIGURE["any"])
    title = {
        "side": "Camera at the side, person standing side-on",
        "front": "Camera in front, person facing it",
        "lying": "Camera at floor level beside the person lying down",
    }.get(view, "Camera 2-3 m away, whole body in view")
    camera = (
        '<rect x="4" y="44" width="16" height="12" rx="2"/>'
        '<polygon points="20,47 27,43 27,57 20,53"/>'
    )
    ray = '<line x1="28" y1="50" x2="60" y2="50" stroke-dasharray="3 3"/>'
    return (
        '<svg class="rfl-diagram" viewBox="0 0 120 100" width="180" height="150" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>'
        '<g fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round">'
        f'{body}</g><g fill="currentColor" stroke="currentColor">{camera}{ray}</g>'
        '<text x="4" y="72" font-size="9" fill="currentColor">camera</text></svg>'
    )


def _describe(cls: type[Protocol]) -> str:
    first = (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")
    return "" if "``" in first else first  # skip summaries that name code parameters


class SelfTestPanel(anywidget.AnyWidget):
    """The guided panel of a :class:`SelfTest` (instructions, setup check, countdown, result).

    Its state comes from the kernel as traits; its buttons send ``{"type": "action"}`` messages.
    """

    _esm = STATIC / "selftest.js"
    _css = STATIC / "selftest.css"

    test = t.Unicode("").tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    description = t.Unicode("").tag(sync=True)
    view = t.Unicode("side").tag(sync=True)
    steps = t.List(t.Unicode()).tag(sync=True)
    diagram = t.Unicode("").tag(sync=True)
    limitations = t.List(t.Unicode()).tag(sync=True)
    phase = t.Unicode("intro").tag(sync=True)
    message = t.Unicode("").tag(sync=True)
    checks = t.Dict().tag(sync=True)
    progress = t.Float(0.0).tag(sync=True)
    result = t.Dict(allow_none=True, default_value=None).tag(sync=True)
    saved = t.Dict().tag(sync=True)
    error = t.Unicode("").tag(sync=True)


class SelfTest(ipywidgets.VBox):
    """A guided self-test: instructions, live camera with setup check, countdown, result card.

    Parameters
    ----------
    test
        Protocol name from ``course.selftests`` (``"pelvic_tilt"``, ``"hip_extension"``,
        ``"single_leg_balance"``...).
    source
        ``""`` for the webcam, or a video path / ``"sample:<name>"`` (see :class:`PoseCamera`).
    save
        Save the result to the learner's log as soon as the test finishes. By default (False)
        the result card offers a *Save to my log* button instead, so nothing is stored unless
        the learner asks.
    log_path
        SQLite file of the log (default: ``course.progress.default_path()``).
    inference
        Where the pose model runs: ``"auto"`` (default), ``"browser"`` or ``"kernel"`` (see
        :class:`PoseCamera`).
    camera
        Extra keyword arguments for the :class:`PoseCamera` (``width``, ``fps_cap``...).
    **protocol_options
        Passed to the protocol (``side``, ``countdown`` in s, ``hold_to_start`` in s,
        ``trials`` — repeats, default 3, and ``rest`` in s between them; balance also ``age``
        and ``eyes``...). The result card shows each metric's mean ± typical error over the
        trials, the smallest real change, the measured camera error (or that it is not measured
        from this view) and a verdict per threshold, "can't tell" where the threshold lies
        within the error.

    Examples
    --------
    >>> st = SelfTest("pelvic_tilt", save=False)
    >>> st.panel.title, st.camera.test
    ('Trunk–thigh control (pelvic tilt proxy)', 'pelvic_tilt')
    """

    def __init__(
        self,
        test: str = "pelvic_tilt",
        *,
        source: str = "",
        save: bool = False,
        log_path: str | Path | None = None,
        camera: dict[str, Any] | None = None,
        inference: str = "auto",
        **protocol_options: Any,
    ) -> None:
        cls = get(test)
        view = cls.view
        self.panel = SelfTestPanel(
            test=test,
            title=cls.title,
            description=_describe(cls),
            view=view,
            steps=[
                *SETUP_STEPS.get(view, SETUP_STEPS["any"]),
                cls.ready_message,
            ],
            diagram=diagram_svg(view),
            limitations=list(cls.limitations),
        )
        self.camera = PoseCamera(
            test=test,
            source=source,
            protocol_options=protocol_options,
            **{"inference": inference, **(camera or {})},
        )
        self.save = save
        self.log_path = None if log_path is None else Path(log_path)
        self.saved_id: int | None = None
        self._last_push = 0.0
        self.camera.on_frame(self._on_frame)
        self.camera.on_result(self._on_result)
        self.camera.observe(self._on_camera_error, names=["error"])
        self.panel.on_msg(self._on_action)
        super().__init__(children=[self.panel, self.camera])
        self.add_class("rfl-selftest")

    # panel state from the live stream -------------------------------------------------------
    def _on_camera_error(self, change: dict[str, Any]) -> None:
        """Show the camera's problem (refused, none, not HTTPS) in the panel, not "Opening"."""
        if change["new"] and self.panel.result is None:
            with self.panel.hold_sync():
                self.panel.phase = "setup"
                self.panel.message = str(change["new"])

    def _on_frame(self, res: FrameResult) -> None:
        if self.panel.result is not None:
            return  # finished: the result card stays until "Start again"
        fb = res.feedback
        phase = "setup" if fb is None else fb.phase
        message = (fb.message if fb is not None else "") or res.message
        checks = {} if fb is None else dict(fb.ok_to_start)
        progress = 0.0 if fb is None else float(fb.progress)
        now = time.monotonic()
        changed = (
            phase != self.panel.phase
            or message != self.panel.message
            or checks != self.panel.checks
            or abs(progress - self.panel.progress) >= 0.05
        )
        if changed and (now - self._last_push >= 0.2 or phase != self.panel.phase):
            self._last_push = now
            with self.panel.hold_sync():
                self.panel.phase = phase if phase != "done" else self.panel.phase
                self.panel.message = message
                self.panel.checks = {str(k): bool(v) for k, v in checks.items()}
                self.panel.progress = progress

    def _on_result(self, result: dict[str, Any]) -> None:
        result = {**result, "changes": [*result.get("changes", []), *self.since_last(result)]}
        saved: dict[str, Any] = {}
        if self.save:
            saved = self.save_result()
        with self.panel.hold_sync():
            self.panel.result = result
            self.panel.saved = saved
            self.panel.progress = 1.0
            self.panel.phase = "done"
            self.panel.message = ""
        self.camera.stop()  # the test is over: turn the camera off

    def since_last(self, result: dict[str, Any]) -> list[dict[str, Any]]:
        """Today's result against the last one saved for this test, metric by metric.

        Only metrics with a smallest real change in both sessions are compared (see
        :func:`course.progress.since_last`); the log is only read. Returns JSON-ready dicts.
        """
        from datetime import datetime, timezone

        from course.progress import Entry, ProgressError, ProgressLog, since_last

        try:
            last = ProgressLog(self.log_path).previous(str(result.get("test", "")))
        except ProgressError as exc:
            unread = f"Today vs last time: your log could not be read ({exc})."
            return [{"label": "today vs last time", "difference": None, "mdc": None,
                     "real": None, "unit": "", "text": unread}]  # fmt: skip
        if last is None:
            return []
        now = Entry(0, datetime.now(timezone.utc), last.test, str(result.get("side", "")),
                    0.0, False, result.get("metrics", {}), "")  # fmt: skip
        names = [k for k in now.metrics if now.mdc(k) > 0 and last.mdc(k) > 0]
        return [since_last(now, last, k).to_dict() for k in names]

    def save_result(self) -> dict[str, Any]:
        """Record the finished test in the learner's log; returns ``{id, timestamp, path}``."""
        from datetime import datetime, timezone

        from course.progress import ProgressLog

        res = self.camera.result_object
        if res is None:
            raise RuntimeError("the self-test has not finished yet: nothing to save.")
        log = ProgressLog(self.log_path)
        when = datetime.now(timezone.utc)
        self.saved_id = log.record(res, when=when)
        return {"id": self.saved_id, "timestamp": when.isoformat(), "path": str(log.path)}

    def _on_action(self, widget: Any, content: Any, buffers: list[Any]) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "start":
            self.camera.restart_test()
            with self.panel.hold_sync():
                self.panel.set_trait("result", None)
                self.panel.saved = {}
                self.panel.phase = "setup"
                self.panel.message = "Opening the camera…"
            self.camera.start()
        elif action == "stop":
            self.camera.stop()
        elif action == "save" and self.panel.result is not None and not self.panel.saved:
            try:
                self.panel.saved = self.save_result()
            except Exception as exc:  # shown on the card; the result stays on screen to retry
                self.panel.error = f"Could not save the result: {exc}"

    def run_source(self, *, max_frames: int | None = None, source: str | None = None) -> SourceRun:
        """Run the test on the camera's video source synchronously (see PoseCamera.run_source)."""
        return self.camera.run_source(max_frames=max_frames, source=source)
