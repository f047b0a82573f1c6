"""Common machinery of the force/time explorers: controls, readouts, in-place figure updates.

An explorer owns one plotly ``go.FigureWidget`` (an anywidget in plotly ≥ 6), a row of
ipywidgets sliders, and an HTML readout table. Moving a slider (or calling :meth:`Explorer.set`)
recomputes the model once and assigns new data to the *existing* traces inside
``figure.batch_update()``; the figure is never rebuilt.

Slider moves coalesce. In a running kernel (an asyncio event loop is running) a slider event
only records the new value; the model is recomputed on a worker thread while the kernel keeps
receiving events, and the figure is redrawn on the kernel's loop. Events that arrive during a
recompute overwrite each other, so when it ends only the latest value of each control is
computed, once: a slow solve never leaves a queue of stale positions behind. Without a running
loop (a script, a test) a slider event recomputes at once.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as ipw
import numpy as np
import plotly.graph_objects as go
from numpy.typing import ArrayLike

from course.constants import G
from course.plots import set_overlay, trace_index
from course.validation import as_float_array


@dataclass(frozen=True)
class Control:
    """One slider of an explorer.

    Attributes
    ----------
    name
        Keyword used by :meth:`Explorer.set` and in :attr:`Explorer.values`.
    label
        Text shown next to the slider (with the unit).
    min, max, step
        Range and resolution, in the control's unit.
    value
        Initial value, in the control's unit.
    fmt
        Python format of the value shown next to the slider.
    """

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float
    fmt: str = ".2f"


@dataclass(frozen=True)
class Readout:
    """One row of an explorer's readout table: a label, the value in SI units, and in BW."""

    label: str
    si: str
    bw: str = ""


class Explorer:
    """Base class of the explorers: sliders → model → traces updated in place → readouts.

    Subclasses define ``CONTROLS`` (a tuple of :class:`Control`), ``_build_figure()``,
    ``_recompute()`` (model → ``self._readouts`` dict) and ``_draw()`` (fill the existing traces).
    They are displayed with ``display(explorer)`` or through :attr:`widget`.
    """

    CONTROLS: tuple[Control, ...] = ()
    TITLE = ""
    NOTE = ""

    def __init__(self, **values: float) -> None:
        self._values: dict[str, float] = {c.name: float(c.value) for c in self.CONTROLS}
        self._check(values)
        self._values.update({k: float(v) for k, v in values.items()})
        self._readouts: dict[str, float] = {}
        self._rows: list[Readout] = []
        self._messages: list[str] = []
        self.figure = go.FigureWidget(self._build_figure())
        self._idx = trace_index(self.figure)
        self._sliders: dict[str, ipw.FloatSlider] = {}
        for c in self.CONTROLS:
            s = ipw.FloatSlider(
                value=self._values[c.name],
                min=c.min,
                max=c.max,
                step=c.step,
                description=c.label,
                readout_format=c.fmt,
                continuous_update=True,
                style={"description_width": "16em"},
                layout=ipw.Layout(width="32em"),
            )
            s.observe(self._on_slider, names="value")
            self._sliders[c.name] = s
        self._readout_html = ipw.HTML()
        self._busy = False
        self._widget: ipw.VBox | None = None
        # coalescing of slider events (see the module docstring)
        self._pending: dict[str, float] = {}  # latest slider values not computed yet
        self._computing = False  # a recompute runs on a worker thread
        self._model_lock = threading.Lock()  # one recompute at a time, and set() waits for it
        self._update()

    # ----------------------------------------------------------------- public API
    @property
    def values(self) -> dict[str, float]:
        """Current control values, keyed by control name (units as in each control's label)."""
        return dict(self._values)

    @property
    def readouts(self) -> dict[str, float]:
        """Current results, keyed by name with the unit as suffix (``peak_force_N``...)."""
        return dict(self._readouts)

    @property
    def messages(self) -> list[str]:
        """Warnings about the current settings (e.g. a contact longer than the step), if any."""
        return list(self._messages)

    def set(self, **values: float) -> None:
        """Set one or more controls (by name, in their units) and update the figure once.

        Raises
        ------
        ValueError
            For an unknown control name or a value outside the control's range.
        """
        self._check(values)
        with self._model_lock:  # wait for a slider recompute that is running
            for k in values:
                self._pending.pop(k, None)  # older than these values
            self._values.update({k: float(v) for k, v in values.items()})
        self._busy = True
        try:
            for k, v in values.items():
                self._sliders[k].value = float(v)
        finally:
            self._busy = False
        self._update()

    def overlay(
        self, t: ArrayLike, force: ArrayLike, *, label: str = "Recorded trace", **kw: Any
    ) -> None:
        """Overlay a recorded vertical force trace (times in s, force in N) on the force plot.

        Parameters
        ----------
        t
            Sample times in s (e.g. ``ForceTrace.t``); shifted so the trace starts at 0 s.
        force
            Vertical force in N (e.g. ``ForceTrace.force``).
        label
            Legend text, e.g. the file name.
        **kw
            ``body_mass`` (kg) to express the trace in body weights when the explorer plots BW;
            the explorer's own mass is used otherwise.
        """
        tt, ff = self._paired(t, force, ("t", "force"), min_length=2)
        y, unit = self._overlay_values(ff, **kw)
        self._show_overlay(tt - tt[0], y, label=label, unit=unit)

    @property
    def widget(self) -> ipw.VBox:
        """The interactive view: sliders, figure and readout table (built on first use)."""
        if self._widget is None:
            self._widget = self._build_widget()
        # plotly copies the figure's current data into the synced widget state only in
        # FigureWidget._repr_mimebundle_, which is not called for a figure inside a VBox: without
        # this, a view created now would show the figure as it was at construction (empty).
        self.figure._repr_mimebundle_()
        return self._widget

    def _build_widget(self) -> ipw.VBox:
        header = ipw.HTML(
            f"<b>{escape(self.TITLE)}</b>" + (f"<br>{self.NOTE}" if self.NOTE else "")
        )
        sliders = list(self._sliders.values())
        half = (len(sliders) + 1) // 2
        controls = ipw.HBox([ipw.VBox(sliders[:half]), ipw.VBox(sliders[half:])])
        return ipw.VBox([header, controls, self.figure, self._readout_html])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def readout_text(self) -> str:
        """The readout table as plain text, one quantity per line (for screen readers and logs)."""
        lines = [f"{r.label}: {r.si}" + (f" ({r.bw})" if r.bw else "") for r in self._rows]
        return "\n".join(lines + self._messages)

    # ----------------------------------------------------------------- internals
    @staticmethod
    def _paired(
        x: ArrayLike, y: ArrayLike, names: tuple[str, str], *, min_length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Two finite 1-D arrays of the same length (an overlay's x and y), or a clear error."""
        xx = as_float_array(x, names[0], ndim=1, min_length=min_length, allow_nan=False)
        yy = as_float_array(y, names[1], ndim=1, min_length=min_length, allow_nan=False)
        if xx.shape != yy.shape:
            raise ValueError(
                f"{names[0]} and {names[1]} must have the same length (one {names[1]} value per "
                f"{names[0]} value); got {xx.size} and {yy.size} values."
            )
        return xx, yy

    def _show_overlay(self, x: np.ndarray, y: np.ndarray, *, label: str, unit: str) -> None:
        with self.figure.batch_update():
            set_overlay(self.figure, x, y, label=label, hover_unit=unit)

    def _check(self, values: dict[str, float]) -> None:
        known = {c.name: c for c in self.CONTROLS}
        for k, v in values.items():
            if k not in known:
                raise ValueError(
                    f"{type(self).__name__} has no control {k!r}; expected one of {sorted(known)}."
                )
            c = known[k]
            if not np.isfinite(float(v)) or not c.min <= float(v) <= c.max:
                raise ValueError(
                    f"{k} must be between {c.min:g} and {c.max:g} ({c.label}); got {v!r}."
                )

    def _on_slider(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        name = next(k for k, s in self._sliders.items() if s is change["owner"])
        value = float(change["new"])
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel loop: nothing can queue, compute now
            self._values[name] = value
            self._update()
            return
        self._pending[name] = value
        if not self._computing:
            self._start_recompute(loop)

    def _start_recompute(self, loop: asyncio.AbstractEventLoop) -> None:
        """Take the pending slider values and recompute them on a worker thread."""
        self._values.update(self._pending)
        self._pending.clear()
        self._computing = True
        threading.Thread(
            target=self._recompute_off_loop, args=(loop,), name="explorer-recompute", daemon=True
        ).start()

    def _recompute_off_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        error: Exception | None = None
        try:
            with self._model_lock:
                self._messages = []
                self._recompute()
        except Exception as exc:  # shown to the learner by _finish_recompute, not lost
            error = exc
        try:
            loop.call_soon_threadsafe(self._finish_recompute, loop, error)
        except RuntimeError:  # the loop has closed (kernel shutting down): nothing to draw on
            self._computing = False

    def _finish_recompute(self, loop: asyncio.AbstractEventLoop, error: Exception | None) -> None:
        """On the kernel loop: draw what the worker computed, then compute what came since."""
        self._computing = False
        if error is not None:
            self._messages.append(
                f"Could not recompute for {self._values}: {type(error).__name__}: {error}. "
                "The figure shows the last values that worked; move a slider back."
            )
            self._readout_html.value = self._render_readouts()
        else:
            self._draw_current()
        if self._pending:
            self._start_recompute(loop)

    def _update(self) -> None:
        with self._model_lock:
            self._messages = []
            self._recompute()
        self._draw_current()

    def _draw_current(self) -> None:
        with self.figure.batch_update():
            self._draw()
        self._readout_html.value = self._render_readouts()

    def _render_readouts(self) -> str:
        rows = "".join(
            f"<tr><th scope='row' style='text-align:left;padding-right:1.5em'>{escape(r.label)}"
            f"</th><td style='padding-right:1.5em'>{escape(r.si)}</td><td>{escape(r.bw)}</td></tr>"
            for r in self._rows
        )
        msgs = "".join(f"<p role='alert'>⚠ {escape(m)}</p>" for m in self._messages)
        return (
            "<div aria-live='polite'><table><caption style='text-align:left'>Readouts</caption>"
            "<thead><tr><th scope='col'>Quantity</th><th scope='col'>SI units</th>"
            f"<th scope='col'>Body weights</th></tr></thead><tbody>{rows}</tbody></table>"
            f"{msgs}</div>"
        )

    def _trace(self, name: str) -> Any:
        return self.figure.data[self._idx[name]]

    # to be provided by subclasses
    def _build_figure(self) -> go.Figure:
        raise NotImplementedError

    def _recompute(self) -> None:
        raise NotImplementedError

    def _draw(self) -> None:
        raise NotImplementedError

    def _overlay_values(self, force: np.ndarray, **kw: Any) -> tuple[np.ndarray, str]:
        default = self._values.get("mass", getattr(self, "mass", 70.0))
        mass = float(kw.get("body_mass", default))
        return force / (mass * G), "BW"
