"""JumpAnalyzer — a recorded (or simulated) jump: events, every height method side by side.

Published jump-height methods differ by centimetres on the same trial, so the analyzer shows each
method's height next to the thresholds that produced it, and the spread between them. The onset
and take-off thresholds are sliders: moving one re-runs :func:`course.analysis.jumps.analyze_jump`
and moves the event markers.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from course.analysis.jumps import JumpResult, analyze_jump
from course.data.force_plate import ForceTrace, read_force_plate
from course.data.jump_recording import load_cmj_recording
from course.data.samples import force_plate_sample
from course.data.simulated import SimulatedJump
from course.plots import fill_jump, jump_figure
from widgets.explorer_base import Control, Explorer, Readout

_EVENT_LABELS = {
    "onset": "onset",
    "contact": "contact",
    "takeoff": "take-off",
    "landing": "landing",
    "peak_force": "peak force",
}


class JumpAnalyzer(Explorer):
    """Analyse one jump from a force-plate file, a :class:`~course.data.ForceTrace` or a simulation.

    Parameters
    ----------
    source
        A file path (read with :func:`course.data.read_force_plate`), ``"sample:cmj"`` or
        ``"sample:dj"`` (a simulated export generated on demand), ``"sample:cmj-measured"`` (a
        real two-plate recording of a countermovement jump, downloaded on first use, see
        :mod:`course.data.jump_recording`), a ``ForceTrace``, or a ``SimulatedJump``.
    kind
        ``"cmj"``, ``"sj"`` or ``"dj"``.
    body_mass
        Body mass in kg (optional for CMJ/SJ, where it is checked against quiet standing).
    drop_height
        Drop height in m of a drop jump, for the impulse-momentum height.
    read_options
        Extra keywords for ``read_force_plate`` (``fs``, ``column``, ``units``).
    **values
        Initial thresholds: ``onset_sd`` (multiples of the quiet-standing SD) and
        ``takeoff_threshold`` (N).

    Examples
    --------
    >>> from course.data.simulated import simulate_cmj
    >>> ja = JumpAnalyzer(simulate_cmj(height=0.30, seed=1), kind="cmj")
    >>> sorted(ja.heights)
    ['flight-time', 'impulse-momentum']
    >>> round(ja.heights["impulse-momentum"], 2)
    0.3
    >>> ja.set(takeoff_threshold=50)
    >>> ja.result.thresholds["takeoff_threshold_N"]
    50.0
    """

    TITLE = "Jump analyzer"
    NOTE = (
        "Every height is shown with the method and thresholds that produced it. Move the "
        "thresholds to see how much the numbers depend on them."
    )
    CONTROLS = (
        Control("onset_sd", "Onset threshold (× quiet SD)", 1.0, 10.0, 0.5, 5.0, ".1f"),
        Control("takeoff_threshold", "Take-off threshold (N)", 1.0, 50.0, 1.0, 20.0, ".0f"),
    )

    def __init__(
        self,
        source: str | Path | ForceTrace | SimulatedJump,
        *,
        kind: str = "cmj",
        body_mass: float | None = None,
        drop_height: float | None = None,
        read_options: dict[str, Any] | None = None,
        **values: float,
    ) -> None:
        self.kind = kind
        self.drop_height = drop_height
        self.label, self.t, self.force, self.fs, mass = _load(source, body_mass, read_options)
        self.body_mass = mass
        self._result: JumpResult | None = None
        super().__init__(**values)

    # ------------------------------------------------------------------ public API
    @property
    def result(self) -> JumpResult:
        """The current :class:`~course.analysis.jumps.JumpResult`."""
        assert self._result is not None
        return self._result

    @property
    def heights(self) -> dict[str, float]:
        """Jump height in m keyed by method."""
        return {k: v.value for k, v in self.result.heights.items()}

    @property
    def spread(self) -> float:
        """Largest minus smallest height over the methods, m."""
        h = list(self.heights.values())
        return max(h) - min(h) if h else float("nan")

    @property
    def table(self) -> list[dict[str, object]]:
        """One row per height method: ``method``, ``height_m``, ``how``, ``thresholds``."""
        return [
            {
                "method": k,
                "height_m": m.value,
                "how": m.method,
                "thresholds": dict(m.thresholds),
            }
            for k, m in self.result.heights.items()
        ]

    # ------------------------------------------------------------------ internals
    def _build_figure(self) -> go.Figure:
        return jump_figure(title=f"Jump analyzer: {self.label}")

    def _recompute(self) -> None:
        kw: dict[str, Any] = {
            "kind": self.kind,
            "onset_sd": self._values["onset_sd"],
            "takeoff_threshold": self._values["takeoff_threshold"],
        }
        if self.body_mass is not None:
            kw["body_mass"] = self.body_mass
        if self.drop_height is not None:
            kw["drop_height"] = self.drop_height
        try:
            result = analyze_jump(self.force, self.fs, **kw)
        except ValueError as exc:
            if self._result is None:
                raise
            self._messages.append(f"{exc} The previous analysis is still shown.")
            return
        self._result = result
        self._readouts = {f"height_{k}_m": v for k, v in self.heights.items()}
        self._readouts["spread_m"] = self.spread
        for name in ("flight time", "take-off velocity", "peak force", "body weight"):
            if name in result.metrics:
                m = result.metrics[name]
                unit = m.unit.replace("/", "_per_")
                self._readouts[f"{name.replace(' ', '_').replace('-', '')}_{unit}"] = m.value
        bw = result.metrics["body weight"].value if "body weight" in result.metrics else None
        self._rows = []
        for row in result.as_table():
            if str(row["quantity"]).startswith(("jump height", "RFD")):
                continue
            value = float(row["value"])  # type: ignore[arg-type]
            in_bw = f"{value / bw:.2f} BW" if bw and row["unit"] == "N" else ""
            self._rows.append(Readout(str(row["quantity"]), f"{value:.4g} {row['unit']}", in_bw))

    def _draw(self) -> None:
        res = self.result
        events = {
            label: res.events[k].time for k, label in _EVENT_LABELS.items() if k in res.events
        }
        start = events.get("onset", events.get("contact"))
        shade = (start, events["take-off"]) if start is not None and "take-off" in events else None
        bw = res.metrics["body weight"].value if "body weight" in res.metrics else 1.0
        fill_jump(self.figure, self.t, self.force, body_weight=bw, events=events, shade=shade)

    def _render_readouts(self) -> str:
        if self._result is None:
            return ""
        rows = ""
        for method, m in self.result.heights.items():
            thresholds = ", ".join(
                f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in m.thresholds.items()
            )
            rows += (
                f"<tr><th scope='row' style='text-align:left'>{escape(method)}</th>"
                f"<td style='padding:0 1.5em'>{100 * m.value:.1f} cm</td>"
                f"<td>{escape(m.method)}</td><td>{escape(thresholds)}</td></tr>"
            )
        table = (
            "<table><caption style='text-align:left'><b>Jump height by method</b> "
            f"({escape(self.label)})</caption><thead><tr><th scope='col'>Method</th>"
            "<th scope='col'>Height</th><th scope='col'>How</th><th scope='col'>Thresholds</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
            f"<p>Spread between methods: <b>{100 * self.spread:.1f} cm</b></p>"
        )
        return table + super()._render_readouts()

    def _overlay_values(self, force: Any, **kw: Any) -> tuple[Any, str]:
        return force, "N"


def _load(
    source: str | Path | ForceTrace | SimulatedJump,
    body_mass: float | None,
    read_options: dict[str, Any] | None,
) -> tuple[str, Any, Any, float, float | None]:
    """Return (label, t, force, fs, body_mass) from any supported source."""
    if isinstance(source, SimulatedJump):
        return (
            f"{source.kind.upper()} ({source.label})",
            source.t,
            source.force,
            source.fs,
            (body_mass if body_mass is not None else source.mass),
        )
    if source == "sample:cmj-measured":
        source = load_cmj_recording()
    elif isinstance(source, str) and source.startswith("sample:"):
        source = force_plate_sample(source.split(":", 1)[1])
    if isinstance(source, (str, Path)):
        source = read_force_plate(source, body_mass=body_mass, **(read_options or {}))
    if isinstance(source, ForceTrace):
        simulated = any("simulated" in h.lower() for h in source.header)
        label = source.source + (" (simulated)" if simulated else "")
        mass = body_mass if body_mass is not None else source.body_mass
        return label, source.t, source.force, source.fs, mass
    raise TypeError(
        "JumpAnalyzer needs a file path, 'sample:cmj'/'sample:dj'/'sample:cmj-measured', a "
        "ForceTrace or a "
        f"SimulatedJump; got {type(source).__name__}."
    )
