"""PowerExplorer — "Power is force over time": jump force–time curves and the height they give.

The curves are simulated (:mod:`course.data.simulated`) and analysed exactly as a force-plate
recording would be (:func:`course.analysis.jumps.analyze_jump`): the height shown is the
impulse-momentum height measured from the curve, not the simulator's answer.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np
import plotly.graph_objects as go

from course.analysis.jumps import JumpResult, analyze_jump
from course.constants import G
from course.data.simulated import SimulatedJump, simulate_cmj, simulate_drop_jump
from course.plots import fill_jump, jump_figure
from widgets.explorer_base import Control, Explorer, Readout

_CMJ = ("peak_force", "time_to_peak", "push_duration")
_DJ = ("drop_height", "contact_time", "dj_peak_force")


class PowerExplorer(Explorer):
    """Countermovement or drop jump: change peak force and how fast it is reached, see the height.

    "Strength first, then speed": for the same push time, reaching the same peak force sooner
    (a higher rate of force development) adds impulse and so height; raising the peak adds more.
    For a drop jump the reactive strength index (RSI = jump height / contact time) rewards a high
    rebound from a short contact.

    Parameters
    ----------
    kind
        ``"cmj"`` (countermovement jump) or ``"dj"`` (drop jump); change later with :attr:`kind`.
    fs
        Sampling rate of the simulated force plate, Hz.
    noise_sd
        Standard deviation of the simulated plate noise, N.
    **values
        Initial controls: ``mass`` (kg); CMJ: ``peak_force`` (BW), ``time_to_peak`` (s),
        ``push_duration`` (s); DJ: ``drop_height`` (m), ``contact_time`` (s),
        ``dj_peak_force`` (BW).

    Examples
    --------
    >>> ex = PowerExplorer(peak_force=2.2, time_to_peak=0.15)
    >>> slow = ex.readouts["height_impulse_m"]
    >>> ex.set(time_to_peak=0.06)
    >>> ex.readouts["height_impulse_m"] > slow
    True
    """

    TITLE = "Power is force over time"
    NOTE = (
        "Simulated force-plate traces, analysed like real ones. The shaded area between the "
        "curve and body weight is the net impulse; it sets the take-off velocity "
        "(v = net impulse / mass) and so the jump height. Click “Keep as comparison”, then move "
        "a slider."
    )
    CONTROLS = (
        Control("mass", "Body mass (kg)", 40, 120, 1, 70, ".0f"),
        Control("peak_force", "Peak force (BW)", 1.4, 3.5, 0.05, 2.2, ".2f"),
        Control("time_to_peak", "Time to peak force (s)", 0.03, 0.30, 0.005, 0.15, ".3f"),
        Control("push_duration", "Push duration (s)", 0.30, 0.60, 0.01, 0.40, ".2f"),
        Control("drop_height", "Drop height (m)", 0.10, 0.60, 0.01, 0.30, ".2f"),
        Control("contact_time", "Contact time (s)", 0.15, 0.50, 0.005, 0.25, ".3f"),
        Control("dj_peak_force", "Peak force, drop jump (BW)", 2.5, 8.0, 0.1, 4.0, ".1f"),
    )

    def __init__(
        self, *, kind: str = "cmj", fs: float = 1000.0, noise_sd: float = 2.0, **values: float
    ) -> None:
        self._kind = self._check_kind(kind)
        self.fs = float(fs)
        self.noise_sd = float(noise_sd)
        self._jump: SimulatedJump | None = None
        self._result: JumpResult | None = None
        self._comparison: dict[str, Any] | None = None
        super().__init__(**values)
        self._kind_toggle = ipw.ToggleButtons(
            options=[("Countermovement jump", "cmj"), ("Drop jump", "dj")],
            value=self._kind,
            description="Jump",
            style={"button_width": "16em"},
        )
        self._kind_toggle.observe(lambda ch: setattr(self, "kind", ch["new"]), names="value")
        self._keep = ipw.Button(
            description="Keep as comparison", icon="thumb-tack", layout=ipw.Layout(width="16em")
        )
        self._keep.on_click(lambda _: self.keep_comparison())
        self._show_relevant_sliders()

    # ------------------------------------------------------------------ public API
    @property
    def kind(self) -> str:
        """``"cmj"`` or ``"dj"``; setting it redraws the figure."""
        return self._kind

    @kind.setter
    def kind(self, value: str) -> None:
        self._kind = self._check_kind(value)
        self._comparison = None
        if hasattr(self, "_kind_toggle") and self._kind_toggle.value != value:
            self._kind_toggle.value = value
        self._show_relevant_sliders()
        self._update()

    def keep_comparison(self) -> None:
        """Freeze the current curve as the dotted comparison trace (its height is remembered)."""
        if self._jump is None:
            return
        self._comparison = {
            "t": self._jump.t.copy(),
            "force": self._jump.force.copy(),
            "height": self._readouts.get("height_impulse_m", float("nan")),
        }
        self._update()

    def _build_widget(self) -> ipw.VBox:
        base = super()._build_widget()
        header, controls, *rest = base.children
        return ipw.VBox([self._kind_toggle, header, controls, self._keep, *rest])

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _check_kind(kind: str) -> str:
        if kind not in ("cmj", "dj"):
            raise ValueError(f"kind must be 'cmj' or 'dj'; got {kind!r}.")
        return kind

    def _show_relevant_sliders(self) -> None:
        hide = _DJ if self._kind == "cmj" else _CMJ
        for name, s in self._sliders.items():
            s.layout.display = "none" if name in hide else None

    def _build_figure(self) -> go.Figure:
        return jump_figure(title="Power is force over time: the force–time curve of a jump")

    def _simulate(self) -> SimulatedJump:
        v = self._values
        m = v["mass"]
        bw = m * G
        if self._kind == "cmj":
            return simulate_cmj(
                mass=m,
                peak_force=v["peak_force"] * bw,
                time_to_peak=v["time_to_peak"],
                push_duration=v["push_duration"],
                fs=self.fs,
                noise_sd=self.noise_sd,
                seed=0,
            )
        return simulate_drop_jump(
            mass=m,
            drop_height=v["drop_height"],
            contact_time=v["contact_time"],
            peak_force=v["dj_peak_force"] * bw,
            fs=self.fs,
            noise_sd=self.noise_sd,
            seed=0,
        )

    def _recompute(self) -> None:
        try:
            jump = self._simulate()
            kw: dict[str, Any] = {"kind": self._kind, "body_mass": self._values["mass"]}
            if self._kind == "dj":
                kw["drop_height"] = self._values["drop_height"]
            result = analyze_jump(jump.force, jump.fs, **kw)
        except ValueError as exc:
            hint = (
                " With these sliders: raise the peak force, lengthen the contact or lower the drop."
                if self._kind == "dj"
                else ""
            )
            self._messages.append(f"{exc}{hint} Showing the last curve that worked.")
            if self._jump is not None:
                return
            raise
        self._jump, self._result = jump, result
        v = self._values
        m = v["mass"]
        bw = m * G
        h = result.heights.get("impulse-momentum")
        h_imp = h.value if h is not None else float("nan")
        met = result.metrics
        peak = met["peak force"].value
        if self._kind == "cmj":
            rfd = (v["peak_force"] - 1.0) * bw / v["time_to_peak"]
            rfd_label = "Mean RFD of the rise ((peak − BW) / time to peak)"
        else:
            rfd = result.rfd["peak"].value if "peak" in result.rfd else float("nan")
            rfd_label = "Peak RFD (20 ms window)"
        ev = result.events
        start = ev["onset"].time if "onset" in ev else ev["contact"].time
        net_sel = (jump.t >= start) & (jump.t <= ev["takeoff"].time)
        net = float(np.trapezoid(jump.force[net_sel] - bw, jump.t[net_sel]))
        self._readouts = {
            "height_impulse_m": h_imp,
            "height_flight_time_m": result.heights["flight-time"].value,
            "takeoff_velocity_m_per_s": met["take-off velocity"].value
            if "take-off velocity" in met
            else float("nan"),
            "peak_force_N": peak,
            "peak_force_BW": peak / bw,
            "rfd_N_per_s": rfd,
            "peak_power_W": met["peak power"].value if "peak power" in met else float("nan"),
            "net_impulse_Ns": net,
            "true_height_m": jump.true_height,
            "body_weight_N": bw,
        }
        if self._kind == "dj":
            self._readouts["contact_time_s"] = met["contact time"].value
            self._readouts["rsi_m_per_s"] = met["reactive strength index"].value
        r = self._readouts
        rows = [
            Readout("Jump height (impulse-momentum)", f"{100 * h_imp:.1f} cm"),
            Readout("Jump height (flight time)", f"{100 * r['height_flight_time_m']:.1f} cm"),
            Readout("Take-off velocity", f"{r['takeoff_velocity_m_per_s']:.2f} m/s"),
            Readout("Peak force", f"{peak:.0f} N", f"{peak / bw:.2f} BW"),
            Readout(rfd_label, f"{rfd:.0f} N/s", f"{rfd / bw:.1f} BW/s"),
            Readout(
                "Peak power",
                f"{r['peak_power_W']:.0f} W ({r['peak_power_W'] / m:.1f} W/kg)",
            ),
        ]
        if self._kind == "cmj":
            rows.insert(3, Readout("Net impulse, onset to take-off", f"{net:.1f} N·s"))
        else:
            rows += [
                Readout("Contact time", f"{r['contact_time_s']:.3f} s"),
                Readout(
                    "Reactive strength index (flight-time height / contact time)",
                    f"{r['rsi_m_per_s']:.2f} m/s",
                ),
            ]
        if self._comparison is not None:
            diff = h_imp - self._comparison["height"]
            r["height_vs_comparison_m"] = diff
            rows.append(Readout("Height compared with the kept curve", f"{100 * diff:+.1f} cm"))
        self._rows = rows

    def _draw(self) -> None:
        jump, res = self._jump, self._result
        if jump is None or res is None:
            return
        ev = res.events
        names = {
            "onset": "onset",
            "contact": "contact",
            "takeoff": "take-off",
            "landing": "landing",
            "peak_force": "peak force",
        }
        events = {label: ev[k].time for k, label in names.items() if k in ev}
        start = events.get("onset", events.get("contact", 0.0))
        fill_jump(
            self.figure,
            jump.t,
            jump.force,
            body_weight=self._readouts["body_weight_N"],
            events=events,
            shade=(start, events["take-off"]),
        )
        comp = self._trace("Comparison")
        if self._comparison is None:
            comp.visible = False
        else:
            comp.x, comp.y = self._comparison["t"], self._comparison["force"]
            comp.customdata = self._comparison["force"] / self._readouts["body_weight_N"]
            comp.name = f"Comparison ({100 * self._comparison['height']:.1f} cm)"
            comp.visible = True
        self.figure.layout.title.text = (
            "Power is force over time: "
            + ("countermovement jump" if self._kind == "cmj" else "drop jump")
            + " (simulated)"
        )

    def _overlay_values(self, force: np.ndarray, **kw: Any) -> tuple[np.ndarray, str]:
        return force, "N"
