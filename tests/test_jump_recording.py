"""A measured countermovement jump (JumpMetrics sample trial, sdist on PyPI): pin and analysis.

The file is downloaded from PyPI by ``pip download --no-binary`` on first use (one 9.4 MB source
distribution) and cached; nothing here is prepared by hand. The analysis is checked against what a
real jump must show, not against numbers copied from anywhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid

from course.analysis.jumps import G, analyze_jump
from course.data.force_plate import ForceTrace
from course.data.jump_recording import (
    CMJ_RECORDING,
    SOURCE_LABEL,
    fetch_cmj_recording,
    load_cmj_recording,
)
from course.data.pinned import read_provenance
from course.data.pinned_cache import PinnedDataError
from course.data.pinned_sdist import fetch_sdist_member


@pytest.fixture(scope="module")
def trace() -> ForceTrace:
    return load_cmj_recording()


def test_pinned_file_and_provenance() -> None:
    path = fetch_cmj_recording()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == CMJ_RECORDING.sha256
    assert path.stat().st_size == CMJ_RECORDING.size
    rec = read_provenance(path)
    assert rec["package"] == "jumpmetrics" and rec["version"] == "0.2.0"
    assert "MIT License" in str(rec["licence_text"]) and "JumpMetrics" in str(rec["citation"])


def test_wrong_member_or_hash_is_refused(tmp_path: Path) -> None:
    f = CMJ_RECORDING
    with pytest.raises(PinnedDataError, match="has no member"):
        fetch_sdist_member(
            f.package,
            f.version,
            "jumpmetrics-0.2.0/nope.txt",
            f.sha256,
            filename="x",
            directory=tmp_path,
        )
    with pytest.raises(PinnedDataError):
        fetch_sdist_member(
            f.package, f.version, f.member, "0" * 64, filename="y", directory=tmp_path
        )
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_trace_is_a_person_standing_then_jumping(trace: ForceTrace) -> None:
    assert trace.fs == 2000.0 and trace.source == SOURCE_LABEL
    quiet = trace.force[:2000]  # the first second: quiet standing
    assert 650 < quiet.mean() < 800 and quiet.std() < 0.01 * quiet.mean()
    assert trace.force.min() < 20.0  # a flight phase: the plates unloaded
    assert trace.force.max() > 2 * quiet.mean()  # the push and the landing


def test_analysis_of_the_measured_jump(trace: ForceTrace) -> None:
    r = analyze_jump(trace.force, trace.fs)
    mass = r.metrics["body mass"].value
    assert 70 < mass < 78
    e = r.events
    assert e["onset"].time < e["lowest_position"].time < e["takeoff"].time < e["landing"].time
    h_imp, h_ft = r.heights["impulse-momentum"].value, r.heights["flight-time"].value
    assert 0.15 < h_imp < 0.5
    # Real landings are made with bent knees, so flight time reads higher than the take-off
    # velocity implies (Linthorne 2001) - but by centimetres, not decimetres.
    assert 0 < h_ft - h_imp < 0.05
    # The take-off velocity is the integral of (F - m g) / m from onset: check it with SciPy.
    i0, i_to = e["onset"].index, e["takeoff"].index
    f = trace.force[i0:i_to]
    v = cumulative_trapezoid((f - mass * G) / mass, dx=1 / trace.fs, initial=0.0)
    assert r.metrics["take-off velocity"].value == pytest.approx(v[-1], abs=0.02)
    assert r.metrics["countermovement depth"].value > 0.05


def test_jump_analyzer_offers_the_measured_sample() -> None:
    from widgets import JumpAnalyzer

    ja = JumpAnalyzer("sample:cmj-measured", kind="cmj")
    assert "Measured CMJ" in ja.label and "simulated" not in ja.label
    assert 0.15 < ja.heights["impulse-momentum"] < 0.5
    sim = JumpAnalyzer("sample:cmj", kind="cmj")
    assert "simulated" in sim.label
    # thresholds move events on real data too
    before = ja.result.events["takeoff"].time
    ja.set(takeoff_threshold=50)
    assert ja.result.events["takeoff"].time < before
    np.testing.assert_array_equal(ja.force, load_cmj_recording().force)
