"""The classroom benchmark's frame-trace analysis (benchmarks/classroom_trace.py).

SYNTHETIC traces built from a known timeline: a stream that drops frames when the kernel is
slow (one frame in flight, flat waits) and a stream whose frames queue (each waits behind the
ones before it). The analysis must tell them apart, and its stages must add up to the latency.
"""

from __future__ import annotations

import doctest
import json
import random
from pathlib import Path

import pytest

from benchmarks import classroom_trace as tr


def _stream(
    seconds: float, *, kernel_ms: float, queue: bool, seed: int
) -> tuple[list[list[float]], dict[int, tuple[float, float]], float]:
    """Page rows, kernel times (wall s) and the page's time origin (wall ms) of one stream.

    ``queue=False``: the page sends the next frame only after the answer (frames that the
    camera offers meanwhile are dropped). ``queue=True``: the page sends at 15 fps whatever
    the kernel does, so each frame waits for those in front of it.
    """
    rng = random.Random(seed)
    origin = 1.7e12 + rng.uniform(0, 1e6)
    rows, kernel = [], {}
    send, kernel_free, fid = 0.0, 0.0, 0
    while send < seconds * 1000:
        fid += 1
        capture = send
        encoded = capture + rng.uniform(5, 15)  # JPEG encoding
        sent = encoded + rng.uniform(0, 3)
        arrive = sent + rng.uniform(2, 6)
        k_in = max(arrive, kernel_free)
        k_out = k_in + kernel_ms * rng.uniform(0.8, 1.2)
        kernel_free = k_out
        answered = k_out + rng.uniform(2, 6)
        drawn = answered + rng.uniform(0, 16)
        rows.append([fid, capture, encoded, sent, answered, drawn])
        kernel[fid] = ((k_in + origin) / 1000, (k_out + origin) / 1000)
        send = capture + 1000 / 15 if queue else answered
    return rows, kernel, origin


def test_stages_add_up_to_the_latency() -> None:
    rows, kernel, origin = _stream(5, kernel_ms=40, queue=False, seed=1)
    frames = tr.join(rows, kernel, time_origin_ms=origin)
    assert len(frames) == len(rows)
    for f, parts in zip(frames, tr.split(frames), strict=True):
        assert sum(parts) == pytest.approx(f.latency, abs=1e-6)
        assert all(p >= 0 for p in parts)


def test_undrawn_or_unseen_frames_are_left_out() -> None:
    rows, kernel, origin = _stream(2, kernel_ms=40, queue=False, seed=2)
    rows[3][5] = float("nan")  # answered, never drawn
    del kernel[int(rows[5][0])]  # the kernel's trace missed it
    frames = tr.join(rows, kernel, time_origin_ms=origin)
    assert len(frames) == len(rows) - 2


def test_a_dropping_stream_is_flat_and_keeps_one_frame_in_flight() -> None:
    rows, kernel, origin = _stream(30, kernel_ms=120, queue=False, seed=3)
    frames = tr.join(rows, kernel, time_origin_ms=origin)
    f = tr.fifths(frames, 0.0, 30000.0)
    assert tr.max_in_flight(rows) == 1
    assert 0.8 < f.ratio < 1.25
    assert f.p_grow > 0.01
    uplink = tr.STAGES.index("uplink")
    assert f.stages_last[uplink] < 2 * f.stages_first[uplink] + 5


def test_a_queueing_stream_is_caught() -> None:
    # the kernel needs 120 ms a frame but gets one every 67 ms: the backlog grows
    rows, kernel, origin = _stream(30, kernel_ms=120, queue=True, seed=4)
    frames = tr.join(rows, kernel, time_origin_ms=origin)
    f = tr.fifths(frames, 0.0, 30000.0)
    assert tr.max_in_flight(rows) > 10
    assert f.ratio > 3
    assert f.p_grow < 1e-6
    uplink = tr.STAGES.index("uplink")
    assert f.stages_last[uplink] > 5 * f.stages_first[uplink]  # the wait is in the queue


def test_an_empty_fifth_is_a_clear_error() -> None:
    rows, kernel, origin = _stream(5, kernel_ms=40, queue=False, seed=5)
    frames = tr.join(rows, kernel, time_origin_ms=origin)
    with pytest.raises(ValueError, match="a fifth of the stream has no drawn frame"):
        tr.fifths(frames, 0.0, 60000.0)  # the window is far longer than the stream


def test_module_examples_run() -> None:
    result = doctest.testmod(tr)
    assert result.attempted > 0 and result.failed == 0


def test_the_deployment_guide_shows_the_stored_run() -> None:
    """docs/deploy-jupyterhub.md's sizing and stage tables are what --table prints."""
    from benchmarks import bench_classroom

    root = Path(__file__).resolve().parents[1]
    run = root / "benchmarks" / "results" / "classroom.jsonl"
    rows = [json.loads(x) for x in run.read_text().splitlines() if x.startswith("{")]
    assert [r["learners"] for r in rows] == [1, 2, 4]
    doc = (root / "docs" / "deploy-jupyterhub.md").read_text()
    for tag, text in (
        ("classroom-table", bench_classroom.table(rows)),
        ("classroom-stages", bench_classroom.stages_table(rows)),
    ):
        shown = doc.split(f"<!-- {tag}:start -->\n")[1].split(f"\n<!-- {tag}:end -->")[0]
        assert shown == text, f"regenerate with --table {run.relative_to(root)}"
    assert all(r["max_in_flight"] == 1 for r in rows)  # the stored run's claim in the text


def test_tables_show_a_stalled_learner_instead_of_failing() -> None:
    from benchmarks import bench_classroom

    run = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "classroom.jsonl"
    rows = [json.loads(x) for x in run.read_text().splitlines() if x.startswith("{")]
    nan = float("nan")
    stalled = rows[-1]["per_learner"][0]
    stalled["latency_ms_first_last"] = [nan, nan]
    stalled["stages_ms_first"] = stalled["stages_ms_last"] = [nan] * len(tr.STAGES)
    stalled["kernel_cpu_wall_ms_first_last"] = [[None, None], [None, None]]
    lines = bench_classroom.stages_table(rows).splitlines()
    assert lines[-4].startswith("| 4 | 1 | nan → nan |")
    assert lines[-3].startswith("| 4 | 2 |") and "nan" not in lines[-3]
