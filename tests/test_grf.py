"""Measured running forces (Dorn, Schache & Pandy 2012 via spm1d): pin, units, axes, metrics.

The data are downloaded from PyPI by ``pip download`` on first use (one 8.5 MB wheel, cached by
pip and in the user cache); nothing here is prepared by hand. Metrics are checked against
independent NumPy/SciPy computations, and the axis conventions against physics: a stance that
lands, brakes, propels and takes off.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import trapezoid

from course.constants import G
from course.data import grf as grf_mod
from course.data.grf import (
    BODY_MASS_KG,
    CONTACT_TIME_S,
    DORN2012,
    MEASURED_CONTACT_SPEEDS,
    SOURCE_LABEL,
    GRFDataError,
    RunningGRF,
    StanceForces,
    fetch_running_grf,
    load_running_grf,
    nearest_speed,
)
from course.data.pinned import read_provenance
from course.lessons.measured import compare_all, compare_models
from course.plots.measured import (
    MEASURED_FORE_AFT,
    MEASURED_VERTICAL,
    fore_aft_speeds_figure,
    vertical_models_figure,
)


@pytest.fixture(scope="module")
def grf() -> RunningGRF:
    return load_running_grf()


# -- the pinned file -------------------------------------------------------------------------


def test_fetched_file_matches_pin_and_records_provenance() -> None:
    path = fetch_running_grf()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DORN2012.sha256
    assert path.stat().st_size == DORN2012.size
    record = read_provenance(path)
    assert (record["package"], record["version"]) == ("spm1d", "0.4.55")
    assert record["member"] == "spm1d/data/datafiles/Dorn2012.npz"
    assert "Dorn" in record["citation"] and "1944" in record["citation"]
    assert "GNU GENERAL PUBLIC LICENSE" in record["licence_text"]
    assert grf_mod.provenance()["licence_text"] == record["licence_text"]


def test_corrupt_cached_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / DORN2012.name).write_bytes(b"\x00" * DORN2012.size)
    path = fetch_running_grf(directory=tmp_path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == DORN2012.sha256
    assert not list(tmp_path.glob("*.part"))


def test_checksum_mismatch_installs_nothing(tmp_path: Path) -> None:
    bad = grf_mod.PinnedDataFile(**{**DORN2012.__dict__, "sha256": "0" * 64})
    with pytest.raises(GRFDataError, match="expected 0000"):
        grf_mod._download_pinned(bad, tmp_path, timeout=300)
    assert not (tmp_path / DORN2012.name).exists()


def test_pip_failure_is_a_clear_error(tmp_path: Path) -> None:
    bad = grf_mod.PinnedDataFile(**{**DORN2012.__dict__, "version": "0.0.0"})
    with pytest.raises(GRFDataError, match=r"could not download spm1d==0\.0\.0"):
        grf_mod._download_pinned(bad, tmp_path, timeout=120)


# -- what the file holds: units and axes ------------------------------------------------------


def test_shape_speeds_and_feet(grf: RunningGRF) -> None:
    assert grf.force.shape == (18, 100, 3)
    assert grf.speeds == (3.56, 5.2, 7.0, 9.49)
    assert set(np.unique(grf.foot)) == {0, 1}
    for v in grf.speeds:  # both feet measured at every speed
        assert set(grf.foot[grf.speed == v]) == {0, 1}
    assert grf.fraction[0] == 0.0 and grf.fraction[-1] == 1.0


def test_vertical_is_newtons_and_a_whole_stance(grf: RunningGRF) -> None:
    fz = grf.vertical
    peaks = fz.max(axis=1)
    # newtons of an adult runner: about 2-2.5 kN peaks, never a body-weight fraction or kN
    assert peaks.min() > 1800 and peaks.max() < 2600
    # touchdown to take-off: force near zero at both ends, positive (pushing up) throughout
    assert np.all(np.abs(fz[:, [0, -1]]) < 0.05 * peaks[:, None])
    assert fz.min() > -20
    # the vertical component is by far the largest: it is column 1, not 0 or 2
    assert np.all(np.abs(grf.force).max(axis=1).argmax(axis=1) == 1)


def test_fore_aft_brakes_then_propels(grf: RunningGRF) -> None:
    fx = grf.fore_aft
    n = fx.shape[1]
    early, late = fx[:, : n // 3].mean(axis=1), fx[:, 2 * n // 3 :].mean(axis=1)
    assert np.all(early < -50) and np.all(late > 50)  # braking first, then propulsion
    for s in (grf.stance(v) for v in grf.speeds):
        assert 0.3 < s.braking_time_share < 0.6
        assert s.braking_impulse_ns < 0 < s.propulsive_impulse_ns


def test_medio_lateral_sign_follows_the_foot(grf: RunningGRF) -> None:
    ml = grf.medio_lateral
    for v in grf.speeds:  # foot 0 swings further to -z, foot 1 further to +z, at every speed
        f0, f1 = ml[(grf.speed == v) & (grf.foot == 0)], ml[(grf.speed == v) & (grf.foot == 1)]
        assert f0.min(axis=1).mean() < f1.min(axis=1).mean()
        assert f0.max(axis=1).mean() < f1.max(axis=1).mean()
    # smaller than fore-aft, which is smaller than vertical
    assert np.abs(grf.medio_lateral).max() < np.abs(grf.fore_aft).max() < grf.vertical.max()


def test_vertical_impulse_implies_a_flight(grf: RunningGRF) -> None:
    """Vertical impulse of a stance = body weight x step time, so step time > contact time.

    With the measured mass and the (measured or assumed) contact times the implied flight must be a
    running flight (a few hundredths to a few tenths of a second) at every speed.
    """
    for c in compare_all(grf):
        s = c.measured
        step = trapezoid(s.vertical, s.t) / (s.body_mass_kg * G)
        assert c.step_time_s == pytest.approx(step, rel=1e-12)
        assert 0.05 < c.flight_time_s < 0.25, (s.speed, c.flight_time_s)


# -- metrics against independent computations -----------------------------------------------


def test_impulses_match_scipy(grf: RunningGRF) -> None:
    for v in grf.speeds:
        s = grf.stance(v)
        fx = s.fore_aft
        assert s.vertical_impulse_ns == pytest.approx(trapezoid(s.vertical, s.t), rel=1e-12)
        assert s.braking_impulse_ns == pytest.approx(trapezoid(np.clip(fx, None, 0), s.t))
        assert s.propulsive_impulse_ns == pytest.approx(trapezoid(np.clip(fx, 0, None), s.t))
        # the share does not depend on the contact time
        ratio = -np.clip(fx, None, 0).sum() / np.abs(fx).sum()
        assert s.braking_share == pytest.approx(ratio, abs=0.01)


def test_stance_mean_and_units(grf: RunningGRF) -> None:
    s = grf.stance(6.5, foot=1)
    assert s.speed == 7.0 and s.foot == "foot 1"
    sel = (grf.speed == 7.0) & (grf.foot == 1)
    assert s.n_trials == int(sel.sum()) == 2
    np.testing.assert_allclose(s.vertical, grf.vertical[sel].mean(axis=0))
    np.testing.assert_allclose(s.vertical_bw * s.body_mass_kg * G, s.vertical)
    assert s.t[-1] == pytest.approx(CONTACT_TIME_S[7.0])
    with pytest.raises(ValueError, match="foot must be 0, 1 or None"):
        grf.stance(5.0, foot=2)


def test_loading_rate_of_a_ramp() -> None:
    x = np.linspace(0, 1, 201)
    vertical = np.where(x < 0.5, x, 1 - x) * 2 * 2000.0  # a triangle up to 2000 N at mid-stance
    s = StanceForces(4.0, "test", 1, x, 0 * x, vertical, 2000 / G, 0.2, "triangle")
    assert s.impact_peak_bw is None
    assert s.peak_vertical_bw == pytest.approx(1.0)
    assert s.loading_rate_bw_per_s == pytest.approx(1.0 / 0.1)  # 1 BW in 0.1 s


def test_impact_peak_of_measured_sprint(grf: RunningGRF) -> None:
    s = grf.stance(7.0, foot=0)
    assert s.impact_peak_bw is not None and s.impact_peak_bw < s.peak_vertical_bw
    assert s.loading_rate_bw_per_s > 0


def test_nearest_speed() -> None:
    assert [nearest_speed(v) for v in (2.0, 4.5, 6.5, 12.0)] == [3.56, 5.2, 7.0, 9.49]
    with pytest.raises(ValueError, match="finite"):
        nearest_speed(float("nan"))


# -- models and figures ------------------------------------------------------------------------


def test_models_share_contact_and_impulse(grf: RunningGRF) -> None:
    for c in compare_all(grf):
        s = c.measured
        j = trapezoid(c.half_sine.vertical, c.half_sine.t)
        assert j == pytest.approx(s.vertical_impulse_ns, rel=2e-3)
        assert c.half_sine.t[-1] == pytest.approx(s.contact_time_s, abs=1e-3)
        assert c.spring_mass is not None, c.note
        assert c.spring_mass.t[-1] == pytest.approx(s.contact_time_s, abs=1e-3)
        js = trapezoid(c.spring_mass.vertical, c.spring_mass.t)
        assert js == pytest.approx(s.vertical_impulse_ns, rel=0.02)


def test_model_refuses_a_stance_without_flight() -> None:
    x = np.linspace(0, 1, 51)
    s = StanceForces(4.0, "t", 1, x, 0 * x, 500 * np.sin(np.pi * x), 70.0, 0.2, "t")
    with pytest.raises(ValueError, match="no flight"):
        compare_models(s)


def test_figures_name_source_and_assumptions(grf: RunningGRF) -> None:
    fig = vertical_models_figure(compare_all(grf))
    notes = fig.layout.title.subtitle.text
    assert SOURCE_LABEL in notes and "measured mass of 75.9 kg" in notes
    assert "0.244 s (measured)" in notes or "0.19 s (assumed)" in notes
    names = {tr.name for tr in fig.data}
    assert any(n.startswith("Measured") for n in names)
    assert sum(n.startswith("Model:") for n in names) == 2
    fa = fore_aft_speeds_figure([grf.stance(v) for v in grf.speeds])
    assert SOURCE_LABEL in fa.layout.title.subtitle.text
    bars = fa.data[-2]
    assert [t.endswith("%") for t in bars.text] == [True] * 4


# -- explorers ---------------------------------------------------------------------------------


def test_force_explorer_overlays_nearest_speed(grf: RunningGRF) -> None:
    from widgets import ForceTimeExplorer

    ex = ForceTimeExplorer(speed=4.0)
    n = len(ex.figure.data)
    ex.show_measured(grf)
    tr = next(t for t in ex.figure.data if t.meta == MEASURED_VERTICAL)
    assert tr.visible is True and "3.56 m/s" in tr.name and "measured contact 0.244 s" in tr.name
    assert tr.legendgrouptitle.text.startswith("Measured")
    assert ex.figure.data[0].legendgrouptitle.text.startswith("Modelled")
    s = grf.stance(4.0)
    np.testing.assert_allclose(tr.y, s.vertical_bw)
    # starts at the highlighted model stance's touchdown (one step time in)
    assert tr.x[0] == pytest.approx(60.0 / ex.values["cadence"])
    ex.set(speed=6.5)
    assert "7 m/s" in tr.name and "assumed contact 0.15 s" in tr.name
    ex.show_measured(grf)  # a second call adds nothing: the traces exist from the start
    assert len(ex.figure.data) == n


def test_horizontal_explorer_overlays_both_components(grf: RunningGRF) -> None:
    from widgets import HorizontalForceExplorer

    ex = HorizontalForceExplorer(speed=5.0)
    ex.show_measured(grf)
    by_meta = {t.meta: t for t in ex.figure.data if t.meta}
    fa = by_meta[MEASURED_FORE_AFT]
    assert fa.visible is True and "5.2 m/s" in fa.name
    np.testing.assert_allclose(fa.y, grf.stance(5.0).fore_aft_bw)
    assert fa.xaxis == "x" and fa.yaxis == "y"  # the force panel, not the path panel
    assert fa.y.min() < 0 < fa.y.max()


def test_measured_mass_and_contact_times_are_labelled_and_consistent(grf: RunningGRF) -> None:
    """Mass and two contact times come from the study's raw force-plate trials of this runner;
    the other two are assumed, and every legend says which. At 3.56 m/s the vertical impulse
    divided by the measured weight gives the step time, which the raw trial JA1Gait21 measures
    independently: touchdowns on consecutive plates 0.377 s apart on average (0.521, 0.899, 1.269,
    1.652 and 2.027 s)."""
    assert grf.body_mass_kg == BODY_MASS_KG == 75.9
    assert {3.56, 9.49} == MEASURED_CONTACT_SPEEDS and set(CONTACT_TIME_S) == set(grf.speeds)
    for v in grf.speeds:
        s = grf.stance(v)
        assert s.mass_measured and s.contact_measured == (v in MEASURED_CONTACT_SPEEDS)
        assert ("measured contact" in s.label) == s.contact_measured
        assert "measured 75.9 kg" in s.label
    s = grf.stance(3.56)
    assert s.vertical_impulse_ns / s.body_weight_n == pytest.approx(0.377, rel=0.05)
