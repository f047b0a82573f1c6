"""course.plots: fixed trace layout, units on every axis, meaning not carried by colour alone."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import pytest

from course import plots

BUILDERS: list[Callable[[], go.Figure]] = [
    plots.force_time_figure,
    plots.horizontal_force_figure,
    plots.lean_figure,
    plots.jump_figure,
]
UNITS = ("(s)", "(N)", "(m)", "BW)", "(deg)", "(m/s²)")


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_builders_name_every_trace_and_title_every_axis(build: Callable[[], go.Figure]) -> None:
    fig = build()
    names = [tr.name for tr in fig.data]
    assert all(names) and len(set(names)) == len(names)
    assert fig.layout.title.text
    assert fig.layout.showlegend is not False
    axes = [k for k in fig.layout if k.startswith(("xaxis", "yaxis"))]
    assert axes
    for ax in axes:
        title = fig.layout[ax].title.text
        assert title, f"{ax} has no title"
        assert any(u in title for u in UNITS), f"{ax} title {title!r} has no unit"
    assert plots.OVERLAY in names
    # every visible trace can be told apart without colour: a dash, a pattern, or a marker
    looks = set()
    for tr in fig.data:
        dash = tr.line.dash if tr.line else None
        pattern = tr.fillpattern.shape if tr.fillpattern else None
        symbol = tr.marker.symbol if tr.marker else None
        looks.add((tr.mode, dash, pattern, symbol, tr.fill))
    assert len(looks) >= len(fig.data) - 2  # lines of different meaning differ in style


def test_braking_and_propulsion_differ_in_pattern() -> None:
    fig = plots.horizontal_force_figure()
    idx = plots.trace_index(fig)
    brk = fig.data[idx["Braking impulse (fore-aft force < 0)"]]
    prp = fig.data[idx["Propulsive impulse (fore-aft force > 0)"]]
    assert brk.fillpattern.shape != prp.fillpattern.shape


def test_fill_force_time_shades_exactly_one_stance() -> None:
    fig = plots.force_time_figure()
    t = np.linspace(0, 1.0, 1001)
    step, tc = 0.35, 0.2
    phase = np.mod(t, step)
    f = np.where(phase < tc, 1500 * np.sin(np.pi * phase / tc), 0.0)
    plots.fill_force_time(
        fig, t, f, body_weight=700.0, step_time=step, stance=(step, step + tc), peak_label="p"
    )
    idx = plots.trace_index(fig)
    shade = fig.data[idx["Impulse of one stance"]]
    assert min(shade.x) >= step - 1e-9 and max(shade.x) <= step + tc + 1e-9
    area = np.trapezoid(shade.y, shade.x) * 700.0
    assert area == pytest.approx(2 * 1500 * tc / np.pi, rel=1e-3)
    assert fig.layout.annotations[0].text == "p"
    assert fig.layout.annotations[0].y == pytest.approx(1500 / 700, rel=1e-3)


def test_fill_horizontal_force_splits_braking_and_propulsion() -> None:
    fig = plots.horizontal_force_figure()
    t = np.linspace(0, 0.2, 201)
    fx = -300 * np.sin(2 * np.pi * t / 0.2)
    fy = 1500 * np.sin(np.pi * t / 0.2)
    plots.fill_horizontal_force(
        fig, t, 4 * t, 0.9 + 0 * t, fx, fy, body_weight=700.0, touchdowns=[(0.0, 0.9, 0.3)]
    )
    idx = plots.trace_index(fig)
    brk = np.asarray(fig.data[idx["Braking impulse (fore-aft force < 0)"]].y)
    prp = np.asarray(fig.data[idx["Propulsive impulse (fore-aft force > 0)"]].y)
    assert np.all(brk <= 0) and np.all(prp >= 0)
    np.testing.assert_allclose(brk + prp, fx / 700.0)
    legs = fig.data[idx["Leg at touchdown"]]
    assert list(legs.x[:2]) == [0.0, 0.3]
    assert "30 cm ahead" in legs.customdata[0]


def test_fill_jump_polygons_close_on_body_weight() -> None:
    fig = plots.jump_figure()
    t = np.linspace(0, 1, 1001)
    f = 700 + 500 * np.sin(2 * np.pi * t)
    plots.fill_jump(fig, t, f, body_weight=700.0, events={"onset": 0.1, "x": np.nan}, shade=(0, 1))
    idx = plots.trace_index(fig)
    up = fig.data[idx["Net impulse above body weight"]]
    assert min(up.y) == pytest.approx(700.0)
    assert list(fig.data[idx["Events"]].text) == ["onset"]  # NaN events are skipped


def test_set_overlay_shows_the_trace() -> None:
    fig = plots.jump_figure()
    plots.set_overlay(fig, [0, 1, 2], [700, 800, 700], label="plate.csv", hover_unit="N")
    tr = fig.data[plots.trace_index(fig)[plots.OVERLAY]]
    assert tr.visible is True
    assert "plate.csv" in tr.hovertemplate


def test_measured_overlay_grows_the_figure_not_the_legend_into_the_plot() -> None:
    from course.data.grf import StanceForces
    from course.plots.measured import add_measured_overlay, fill_measured_overlay
    from course.plots.running import force_time_figure

    fig = force_time_figure()
    add_measured_overlay(fig)
    m = fig.layout.margin

    def plot_area() -> float:
        return float(fig.layout.height - m.t - m.b)

    before, height = plot_area(), fig.layout.height
    x = np.linspace(0, 1, 11)
    s = StanceForces(5.2, "both feet", 5, x, 0 * x, 1500 * np.sin(np.pi * x), 75.0, 0.19, "")
    fill_measured_overlay(fig, s, touchdown=0.3)
    assert fig.layout.height > height, "the legend's two group titles need room"
    assert plot_area() == before, "the plot area keeps its size"
    grown = fig.layout.height
    fill_measured_overlay(fig, s, touchdown=0.4)  # the slider moves: no further growth
    assert fig.layout.height == grown and plot_area() == before
