"""ForceTimeExplorer — "Running is a vertical jump": vertical force over several steps."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from course.analysis.springmass import sine_wave_force, sine_wave_model
from course.data.grf import RunningGRF, load_running_grf
from course.plots import fill_force_time, force_time_figure
from course.plots.measured import add_measured_overlay, fill_measured_overlay
from widgets.explorer_base import Control, Explorer, G, Readout


class ForceTimeExplorer(Explorer):
    """Vertical ground reaction force of running from Morin's sine-wave spring-mass model.

    Each stance is a half sine whose impulse equals body weight × step time (so that, averaged
    over a step, the ground holds the runner up); between stances the force is zero (flight). The
    shaded stance and the rectangle of height 1 BW and width one step time have the same area.
    At the same cadence a shorter contact must therefore reach a higher peak.

    Parameters
    ----------
    leg_length
        Leg length in m, used for the leg stiffness.
    n_steps
        Number of steps drawn.
    fs
        Sampling rate of the drawn force, Hz.
    **values
        Initial control values: ``mass`` (kg), ``speed`` (m/s), ``cadence`` (steps/min),
        ``contact_time`` (s).

    Examples
    --------
    >>> ex = ForceTimeExplorer(mass=70, speed=4.0, cadence=170, contact_time=0.22)
    >>> round(ex.readouts["peak_force_BW"], 2)
    2.52
    >>> ex.set(contact_time=0.18)
    >>> round(ex.readouts["peak_force_BW"], 2)
    3.08
    """

    TITLE = "Running is a vertical jump"
    NOTE = (
        "Each stance pushes you up as much as gravity pulls you down over a whole step: the "
        "shaded area under one stance equals body weight × step time. Shorter contact at the same "
        "cadence means a higher peak."
    )
    CONTROLS = (
        Control("mass", "Body mass (kg)", 40, 120, 1, 70, ".0f"),
        Control("speed", "Speed (m/s)", 2.0, 7.0, 0.1, 4.0, ".1f"),
        Control("cadence", "Cadence (steps/min)", 140, 220, 1, 170, ".0f"),
        Control("contact_time", "Contact time (s)", 0.10, 0.40, 0.005, 0.22, ".3f"),
    )

    def __init__(
        self, *, leg_length: float = 0.9, n_steps: int = 4, fs: float = 500.0, **values: float
    ) -> None:
        self.leg_length = float(leg_length)
        self.n_steps = int(n_steps)
        self.fs = float(fs)
        self._measured: RunningGRF | None = None
        super().__init__(**values)

    def show_measured(self, grf: RunningGRF | None = None) -> None:
        """Overlay a real runner's vertical force at the data speed nearest the speed slider.

        The measured stance (Dorn, Schache & Pandy 2012; fetched on first use, see
        :mod:`course.data.grf`) starts at the shaded stance's touchdown and is drawn in that
        runner's body weights; the legend separates it from the model and names the speed, the
        runner's measured mass and the contact time (measured or assumed). It follows the speed
        slider from then on.

        Parameters
        ----------
        grf
            The measured set; loaded with :func:`course.data.grf.load_running_grf` if omitted.
        """
        self._measured = grf if grf is not None else load_running_grf()
        with self.figure.batch_update():
            self._draw()

    def _build_figure(self) -> go.Figure:
        fig = force_time_figure()
        add_measured_overlay(fig)  # hidden until show_measured
        return fig

    def _recompute(self) -> None:
        v = self._values
        m, speed = v["mass"], v["speed"]
        step = 60.0 / v["cadence"]
        tc = v["contact_time"]
        if tc > step:
            self._messages.append(
                f"A contact of {tc:.3f} s is longer than the step time of {step:.3f} s at "
                f"{v['cadence']:.0f} steps/min: there would be no flight (that is walking). "
                "Contact is capped at the step time."
            )
            tc = step
        tf = step - tc
        too_long = speed * tc / 2.0 >= 0.98 * self.leg_length
        if too_long:
            self._messages.append(
                f"At {speed:.1f} m/s a {tc:.3f} s contact covers {speed * tc:.2f} m, too far for "
                f"a {self.leg_length:.2f} m leg: leg stiffness cannot be estimated. Shorten the "
                "contact or slow down."
            )
        model = sine_wave_model(m, 0.0 if too_long else speed, tc, tf, self.leg_length)
        force = sine_wave_force(
            mass=m, contact_time=tc, flight_time=tf, n_steps=self.n_steps, fs=self.fs
        )
        bw = m * G
        # the drawn stance: the second one, and its impulse integrated from the samples
        t0, t1 = step, step + tc
        sel = (force.t >= t0 - 1e-12) & (force.t <= t1 + 1e-12)
        impulse = float(np.trapezoid(force.fy[sel], force.t[sel]))
        self._t, self._f = force.t, force.fy
        self._stance = (t0, t1)
        self._step = step
        k_leg = float("nan") if too_long else float(model.k_leg)
        dl = float("nan") if too_long else float(model.dl)
        self._readouts = {
            "peak_force_N": float(model.f_max),
            "peak_force_BW": float(model.f_max_bw),
            "contact_time_s": tc,
            "flight_time_s": tf,
            "step_time_s": step,
            "impulse_per_step_Ns": impulse,
            "body_weight_x_step_time_Ns": bw * step,
            "vertical_oscillation_m": float(model.dy_c),
            "leg_compression_m": dl,
            "k_vert_N_per_m": float(model.k_vert),
            "k_leg_N_per_m": k_leg,
            "body_weight_N": bw,
        }
        r = self._readouts
        self._rows = [
            Readout(
                "Peak vertical force", f"{r['peak_force_N']:.0f} N", f"{r['peak_force_BW']:.2f} BW"
            ),
            Readout("Contact time / flight time", f"{tc:.3f} s / {tf:.3f} s"),
            Readout("Step time (60 / cadence)", f"{step:.3f} s"),
            Readout(
                "Impulse of one stance (shaded area)",
                f"{impulse:.1f} N·s",
                f"{impulse / bw:.3f} BW·s",
            ),
            Readout(
                "Body weight × step time (rectangle)",
                f"{bw * step:.1f} N·s",
                f"{step:.3f} BW·s",
            ),
            Readout(
                "Vertical oscillation of the centre of mass (Δy_c)",
                f"{100 * r['vertical_oscillation_m']:.1f} cm",
            ),
            Readout("Vertical stiffness k_vert", f"{r['k_vert_N_per_m'] / 1000:.1f} kN/m"),
            Readout(
                "Leg stiffness k_leg",
                "n/a" if too_long else f"{k_leg / 1000:.1f} kN/m",
            ),
        ]

    def _draw(self) -> None:
        r = self._readouts
        fill_force_time(
            self.figure,
            self._t,
            self._f,
            body_weight=r["body_weight_N"],
            step_time=self._step,
            stance=self._stance,
            peak_label=f"peak {r['peak_force_BW']:.2f} BW ({r['peak_force_N']:.0f} N)",
        )
        if self._measured is not None:
            stance = self._measured.stance(self._values["speed"])
            fill_measured_overlay(
                self.figure, stance, touchdown=self._stance[0], model="half-sine, Morin et al. 2005"
            )
