"""The public :class:`~course.analysis.jumps.JumpResult` from the core's one-call analysis.

Private to :mod:`course.analysis.jumps`. Every number comes from ``course._core.jumps.analyze``
(one call, all of it compiled). The :class:`Measure` and :class:`Event` objects around those
numbers, with their method texts and thresholds, are built the first time their mapping is read,
each mapping on its own: reading one height does not pay for the texts of twenty-five numbers,
and reading them all gives exactly what an eager build gave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from course import _core
from course.analysis._jump_events import G
from course.analysis._jump_settings import Settings
from course.analysis._jump_types import Event, Kinematics, Measure, Thresholds

V = TypeVar("V")

FT_METHOD = (
    "h = g·t²/8 from the flight time between the take-off and landing crossings; assumes the "
    "same body position at take-off and landing (flexed-knee landings inflate it, "
    "Linthorne 2001)"
)


class LazyMapping(Mapping[str, V]):
    """A read-only mapping whose items are built by ``build()`` on first use.

    Examples
    --------
    >>> m = LazyMapping(lambda: {"a": 1})
    >>> m["a"], len(m), list(m)
    (1, 1, ['a'])
    """

    __slots__ = ("_build", "_data")

    def __init__(self, build: Callable[[], dict[str, V]]) -> None:
        self._build = build
        self._data: dict[str, V] | None = None

    def _items(self) -> dict[str, V]:
        if self._data is None:
            self._data = self._build()
        return self._data

    def __getitem__(self, key: str) -> V:
        return self._items()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __repr__(self) -> str:
        return repr(self._items())

    def __reduce__(self) -> tuple[type[dict[str, V]], tuple[dict[str, V]]]:
        """Pickle and copy as the plain dict of its items (built first)."""
        return dict, (self._items(),)


class Assembly:
    """The core's measurements of one trace with the checked options; builds the mappings.

    Private. Nothing here reads the trace: every number is a field of the core's result.
    """

    __slots__ = ("kin", "onset_thr", "opt", "r")

    def __init__(
        self, r: _core.jumps.JumpAnalysis, kin: Kinematics | None, opt: Settings, onset_thr: float
    ) -> None:
        self.r, self.kin, self.opt, self.onset_thr = r, kin, opt, onset_thr

    # --- shared pieces -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """``"contact"`` for a drop jump, else ``"onset"``."""
        return "contact" if self.opt.kind == "dj" else "onset"

    @property
    def onset_set(self) -> dict[str, float | str]:
        """Onset (or contact) thresholds."""
        o = self.opt
        if o.kind == "dj":
            return {"contact_threshold_N": o.thr}
        return {
            "onset_sd": o.onset_sd,
            "onset_threshold_N": self.onset_thr,
            "onset_backtrack": o.onset_backtrack,
        }

    def settings(self) -> dict[str, float | str]:
        """Every setting of the analysis (``JumpResult.thresholds``)."""
        o = self.opt
        out: dict[str, float | str] = {
            **o.plan.thresholds,
            **self.onset_set,
            **o.thr_set,
            **o.land_set,
            "peak_rfd_window_s": o.peak_window / o.fs,
        }
        if o.drop_height is not None:
            out["drop_height_m"] = o.drop_height
        return out

    def _imp_set(self) -> Thresholds:
        o = self.opt
        out: dict[str, float | str] = {**o.plan.thresholds, **self.onset_set, **o.thr_set}
        if o.drop_height is not None:
            out["drop_height_m"] = o.drop_height
        return out

    def _flight_set(self) -> Thresholds:
        return {**self.opt.thr_set, **self.opt.land_set}

    # --- the mappings --------------------------------------------------------------------------
    def events(self) -> dict[str, Event]:
        """Onset (or contact), take-off, landing, peak force, and when integrated the rest."""
        r, o = self.r, self.opt
        out = {
            self.name: Event(r.t_start, r.start, o.onset_method, self.onset_set),
            "takeoff": Event(r.t_takeoff, r.takeoff, o.takeoff_method, dict(o.thr_set)),
            "landing": Event(r.t_landing, r.landing, o.landing_method, dict(o.land_set)),
            "peak_force": Event(
                r.i_peak / o.fs, r.i_peak, f"largest force, {self.name} to take-off", {}
            ),
        }
        if self.kin is not None:
            imp_set = self._imp_set()
            t = self.kin.t
            k = r.i_peak_power
            out["peak_power"] = Event(float(t[k]), r.kin_first + k, "largest F·v", imp_set)
            if o.kind == "cmj":
                k = r.i_lowest
                out["lowest_position"] = Event(
                    float(t[k]),
                    r.kin_first + k,
                    "lowest CoM position (velocity turns upward)",
                    imp_set,
                )
        return out

    def methods(self) -> dict[str, str]:
        """Description of every method, keyed by the names used in the other mappings."""
        o = self.opt
        out = {
            "body weight": o.plan.method,
            "flight-time": FT_METHOD,
            self.name: o.onset_method,
            "takeoff": o.takeoff_method,
            "landing": o.landing_method,
        }
        if self.r.integrated:
            out["impulse-momentum"] = o.imp_method
        return out

    def heights(self) -> dict[str, Measure]:
        """Impulse-momentum (when integrated) and flight-time jump heights in m."""
        r = self.r
        out: dict[str, Measure] = {}
        if r.integrated:
            v = r.takeoff_velocity
            out["impulse-momentum"] = Measure(
                v * v / (2 * G), "m", self.opt.imp_method, self._imp_set()
            )
        flight = r.t_landing - r.t_takeoff
        out["flight-time"] = Measure(G * flight * flight / 8.0, "m", FT_METHOD, self._flight_set())
        return out

    def metrics(self) -> dict[str, Measure]:
        """Body weight and mass, flight time, forces, and the integrated or drop-jump numbers."""
        r, o, name = self.r, self.opt, self.name
        weight_set = dict(o.plan.thresholds)  # each result owns plain dicts (picklable)
        flight_set = self._flight_set()
        flight = r.t_landing - r.t_takeoff
        out = {
            "body weight": Measure(r.weight, "N", o.plan.method, weight_set),
            "body mass": Measure(r.weight / G, "kg", "body weight / g", weight_set),
            "flight time": Measure(flight, "s", "landing − take-off (crossings)", flight_set),
            "peak force": Measure(
                r.peak_force, "N", f"largest force from {name} to take-off", self.onset_set
            ),
            "peak landing force": Measure(
                r.peak_landing_force,
                "N",
                "largest force in the 0.5 s after landing",
                dict(o.land_set),
            ),
        }
        if r.integrated:
            imp_set = self._imp_set()
            out["take-off velocity"] = Measure(r.takeoff_velocity, "m/s", o.imp_method, imp_set)
            out["peak power"] = Measure(
                r.peak_power, "W", "largest F·v, v from the impulse-momentum integration", imp_set
            )
            if o.kind == "cmj":
                out["countermovement depth"] = Measure(
                    r.depth, "m", "largest CoM drop below its onset position", imp_set
                )
        if o.kind == "dj":
            contact = r.t_takeoff - r.t_start
            out["contact time"] = Measure(
                contact, "s", "take-off − contact (threshold crossings)", flight_set
            )
            out["reactive strength index"] = Measure(
                G * flight * flight / 8.0 / contact,
                "m/s",
                "flight-time height / contact time",
                flight_set,
            )
        return out

    def rfd(self) -> dict[str, Measure]:
        """Mean RFD over windows from onset, peak sliding-window RFD, and braking RFD (CMJ)."""
        r, o, name = self.r, self.opt, self.name
        out: dict[str, Measure] = {}
        for (w, k), value in zip(o.windows, r.rfd_mean, strict=True):
            if value == value:  # NaN: the window does not fit before take-off
                ms = f"{w * 1e3:g}"
                out[f"0-{ms}ms"] = Measure(
                    value,
                    "N/s",
                    f"(F({name} + {ms} ms) − F({name})) / {ms} ms",
                    {**self.onset_set, "window_s": k / o.fs},
                )
        if r.peak_rfd_at >= 0:
            kw = o.peak_window
            out["peak"] = Measure(
                r.peak_rfd,
                "N/s",
                f"largest force rise over a sliding {kw / o.fs * 1e3:g} ms window from {name} to "
                "peak force",
                {**self.onset_set, "window_s": kw / o.fs},
            )
        if r.braking_rfd == r.braking_rfd:  # NaN: not a CMJ, or no braking phase
            out["braking"] = Measure(
                r.braking_rfd,
                "N/s",
                "(F at lowest position − F at peak downward velocity) / time between them",
                self._imp_set(),
            )
        return out
