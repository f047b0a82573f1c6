"""HorizontalForceExplorer — "Where is the horizontal force?" in a spring-mass runner.

The steady gait for the chosen speed, cadence and leg stiffness comes from
:func:`course.analysis.springmass.periodic_run`. While a slider moves, the explorer follows that
solution from the previous one with :func:`course.analysis.springmass.continue_periodic` (the
same Newton solver, warm-started: about ten times faster), and calls ``periodic_run`` again only
when the jump is too large. Extra overstride then places the foot further ahead of the hip than
the steady gait does. This module holds only the controls, traces and readouts.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from course.analysis.springmass import (
    G,
    PeriodicRun,
    RunSimulation,
    continue_periodic,
    periodic_run,
)
from course.data.grf import RunningGRF, load_running_grf
from course.plots import fill_horizontal_force, horizontal_force_figure
from course.plots.measured import add_measured_overlay, fill_measured_overlay
from widgets.explorer_base import Control, Explorer, Readout

__all__ = ["HorizontalForceExplorer"]


class HorizontalForceExplorer(Explorer):
    """Vertical and fore-aft ground force of a spring-mass runner, and the cost of overstriding.

    Every stance first brakes (the foot lands ahead of the hip, the force points backwards), then
    propels (the foot is behind the hip). At a steady speed the two impulses cancel; the fore-aft
    force itself is far from zero (about 1 BW peak to peak at 4.5 m/s, as measured by Cavanagh &
    Lafortune 1980). Landing further ahead (overstriding) adds braking that the stance does not
    give back: the runner loses speed every step.

    Parameters
    ----------
    mass
        Body mass in kg.
    leg_length
        Leg (spring) rest length in m.
    n_steps
        Steps drawn.
    fs
        Sampling rate of the drawn traces, Hz.
    **values
        Initial controls: ``speed`` (m/s), ``cadence`` (steps/min), ``leg_stiffness`` (kN/m),
        ``overstride`` (cm of extra overstride beyond the steady gait, applied to the second
        stance; the readouts describe that stance).

    Examples
    --------
    >>> ex = HorizontalForceExplorer(speed=4.5)
    >>> abs(ex.readouts["net_horizontal_impulse_Ns"]) < 1e-3
    True
    >>> ex.readouts["braking_impulse_Ns"] < 0
    True
    """

    TITLE = "Where is the horizontal force?"
    NOTE = (
        "“There is no horizontal force in running” is wrong: every stance brakes, then propels. "
        "Only the net horizontal impulse is about zero at a constant speed (measured: about 1 body "
        "weight peak to peak fore-aft at 4.5 m/s, Cavanagh &amp; Lafortune 1980). Add overstride "
        "to the second stance to see what landing further ahead of the hip costs. (This spring "
        "model loses no energy, so the forward speed lost comes back as a higher bounce; a real "
        "runner's muscles absorb it.)"
    )
    CONTROLS = (
        Control("speed", "Speed (m/s)", 2.5, 6.5, 0.1, 4.5, ".1f"),
        Control("cadence", "Cadence (steps/min)", 150, 200, 1, 170, ".0f"),
        Control("leg_stiffness", "Leg stiffness (kN/m)", 7.0, 20.0, 0.5, 11.0, ".1f"),
        Control("overstride", "Extra overstride, step 2 (cm)", 0.0, 15.0, 0.5, 0.0, ".1f"),
    )
    STEP = 1  # index of the stance that overstrides (the second one)

    def __init__(
        self,
        *,
        mass: float = 70.0,
        leg_length: float = 0.9,
        n_steps: int = 3,
        fs: float = 500.0,
        **values: float,
    ) -> None:
        self.mass = float(mass)
        self.leg_length = float(leg_length)
        self.n_steps = int(n_steps)
        self.fs = float(fs)
        self._gait: PeriodicRun | None = None
        self._sim: RunSimulation | None = None
        self._measured: RunningGRF | None = None
        super().__init__(**values)

    def show_measured(self, grf: RunningGRF | None = None) -> None:
        """Overlay a real runner's vertical and fore-aft force at the nearest data speed.

        The measured stance (Dorn, Schache & Pandy 2012; fetched on first use, see
        :mod:`course.data.grf`) starts at the second stance's touchdown, in that runner's body
        weights; the legend separates it from the model and names the speed and the measured mass
        and contact time. It follows the speed slider from then on.

        Parameters
        ----------
        grf
            The measured set; loaded with :func:`course.data.grf.load_running_grf` if omitted.
        """
        self._measured = grf if grf is not None else load_running_grf()
        with self.figure.batch_update():
            self._draw()

    def _build_figure(self) -> go.Figure:
        fig = horizontal_force_figure()
        add_measured_overlay(fig, fore_aft=True)  # hidden until show_measured
        return fig

    def _solve(self, speed: float, cadence: float, leg_stiffness: float) -> PeriodicRun:
        """The steady gait at these settings (m/s, steps/min, kN/m); ValueError if none."""
        f, k = cadence / 60.0, leg_stiffness * 1000.0
        if self._gait is not None:
            gait = continue_periodic(
                self._gait, speed=speed, step_frequency=f, leg_stiffness=k, n_steps=1, fs=50.0
            )
            if gait is not None:
                return gait
        return periodic_run(
            mass=self.mass,
            leg_length=self.leg_length,
            speed=speed,
            step_frequency=f,
            leg_stiffness=k,
            n_steps=1,
            fs=50.0,
        )

    def _recompute(self) -> None:
        v = self._values
        try:
            gait = self._solve(v["speed"], v["cadence"], v["leg_stiffness"])
        except ValueError as exc:
            self._messages.append(str(exc))
            if self._sim is not None:
                self._messages.append("Showing the last settings that had a steady gait.")
                return
            # nothing solved yet: draw the gait of the default settings, which exists
            self._messages.append("Showing the steady gait of the default settings instead.")
            d = {c.name: c.value for c in self.CONTROLS}
            gait = self._solve(d["speed"], d["cadence"], d["leg_stiffness"])
        self._gait = gait
        th0 = gait.touchdown_angle
        L, m = self.leg_length, self.mass
        over0 = L * math.sin(math.radians(th0))
        extra = self._values["overstride"] / 100.0
        th = math.degrees(math.asin(min(0.95, (over0 + extra) / L)))
        # the middle stance overstrides; the others keep the steady angle
        angles = np.full(self.n_steps, th0)
        angles[self.STEP] = th
        sim = gait.simulate(touchdown_angle=angles, n_steps=self.n_steps, fs=self.fs)
        if not sim.completed:
            self._messages.append(sim.message)
        self._sim = sim
        bw = m * G
        i = self.STEP if sim.n_steps > self.STEP else 0
        brk, prp = float(sim.braking_impulse[i]), float(sim.propulsive_impulse[i])
        brk0 = float(sim.braking_impulse[0])
        dv = float(sim.speed_change[i])
        tc, tf = gait.contact_time, gait.flight_time
        sel = (sim.t >= sim.touchdown_times[i]) & (sim.t <= sim.takeoff_times[i])
        fx, fy = sim.fx[sel], sim.fy[sel]
        self._readouts = {
            "touchdown_angle_deg": th,
            "steady_touchdown_angle_deg": th0,
            "overstride_m": L * math.sin(math.radians(th)),
            "steady_overstride_m": over0,
            "contact_time_s": tc,
            "flight_time_s": tf,
            "cadence_steps_per_min": 60.0 / (tc + tf),
            "braking_impulse_Ns": brk,
            "propulsive_impulse_Ns": prp,
            "net_horizontal_impulse_Ns": brk + prp,
            "steady_braking_impulse_Ns": brk0,
            "speed_lost_braking_m_per_s": -brk / m,
            "speed_change_per_step_m_per_s": dv,
            "peak_vertical_force_N": float(fy.max()),
            "peak_vertical_force_BW": float(fy.max()) / bw,
            "peak_braking_force_N": float(-fx.min()),
            "peak_propulsive_force_N": float(fx.max()),
            "fore_aft_peak_to_peak_N": float(fx.max() - fx.min()),
            "fore_aft_peak_to_peak_BW": float(fx.max() - fx.min()) / bw,
            "body_weight_N": bw,
        }
        r = self._readouts
        which = "overstriding stance (step 2)" if extra > 0 else "stance 2"
        self._rows = [
            Readout(
                "Foot ahead of the hip at touchdown",
                f"{100 * r['overstride_m']:.1f} cm (steady gait {100 * over0:.1f} cm)",
            ),
            Readout("Leg angle at touchdown", f"{th:.1f}° from vertical (steady {th0:.1f}°)"),
            Readout("Contact time / flight time (steady)", f"{tc:.3f} s / {tf:.3f} s"),
            Readout(f"Braking impulse, {which}", f"{brk:.1f} N·s", f"{brk / bw:.4f} BW·s"),
            Readout(f"Propulsive impulse, {which}", f"{prp:.1f} N·s", f"{prp / bw:.4f} BW·s"),
            Readout(
                "Net horizontal impulse", f"{brk + prp:+.2f} N·s", f"{(brk + prp) / bw:+.4f} BW·s"
            ),
            Readout(
                "Braking impulse of a steady stance", f"{brk0:.1f} N·s", f"{brk0 / bw:.4f} BW·s"
            ),
            Readout("Speed lost while braking", f"{-brk / m:.3f} m/s"),
            Readout("Speed change over the stance (take-off − touchdown)", f"{dv:+.3f} m/s"),
            Readout(
                "Peak vertical force",
                f"{r['peak_vertical_force_N']:.0f} N",
                f"{r['peak_vertical_force_BW']:.2f} BW",
            ),
            Readout(
                "Peak braking / propulsive force",
                f"{r['peak_braking_force_N']:.0f} N / {r['peak_propulsive_force_N']:.0f} N",
                f"{r['peak_braking_force_N'] / bw:.2f} / "
                f"{r['peak_propulsive_force_N'] / bw:.2f} BW",
            ),
            Readout(
                "Fore-aft force peak to peak",
                f"{r['fore_aft_peak_to_peak_N']:.0f} N",
                f"{r['fore_aft_peak_to_peak_BW']:.2f} BW",
            ),
        ]

    def _draw(self) -> None:
        sim = self._sim
        if sim is None:
            return
        ok = np.isfinite(sim.foot_x)
        tds = list(
            zip(sim.touchdown_x[ok], np.full(int(ok.sum()), np.nan), sim.foot_x[ok], strict=True)
        )
        # hip height at each touchdown from the samples
        tds = [(float(hx), float(np.interp(hx, sim.x, sim.y)), float(fx)) for hx, _, fx in tds]
        fill_horizontal_force(
            self.figure,
            sim.t,
            sim.x,
            sim.y,
            sim.fx,
            sim.fy,
            body_weight=self._readouts["body_weight_N"],
            touchdowns=tds,
        )
        if self._measured is not None:
            i = self.STEP if sim.n_steps > self.STEP else 0
            stance = self._measured.stance(self._values["speed"])
            fill_measured_overlay(self.figure, stance, touchdown=float(sim.touchdown_times[i]))
