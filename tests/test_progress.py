"""The learner log: real SQLite files in a temporary directory, real concurrent processes."""

from __future__ import annotations

import csv
import multiprocessing as mp
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
import synthetic_pose as sp

from course import progress
from course.progress import SCHEMA_VERSION, ProgressError, ProgressLog
from course.selftests import Result
from course.selftests.posture import PostureStack
from course.selftests.results import Metric, Threshold


def make_result(test: str = "single_leg_balance", *, score: float = 62.5, side: str = "left",
                time_s: float = 21.5) -> Result:  # fmt: skip
    return Result(
        test=test,
        metrics={"time": Metric(time_s, "s", "stance time"), "sway_rms": Metric(float("nan"), "%")},
        score=score,
        passed=False,
        thresholds=(Threshold("time", ">=", 43.0, "s", "Springer 2007"),),
        feedback="keep practising",
        side=side,
        started_at=1.0,
        duration=time_s,
    )


def test_nothing_is_created_until_a_result_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "log.sqlite3"
    log = ProgressLog(path)
    assert log.history() == [] and log.history("pelvic_tilt") == []
    assert not path.exists() and not path.parent.exists()
    # running a protocol does not store anything either
    PostureStack().run(sp.model_series(np.arange(0, 4, 1 / 30)))
    assert not path.exists()


def test_record_and_history_roundtrip(tmp_path: Path) -> None:
    log = ProgressLog(tmp_path / "log.sqlite3")
    t0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
    ids = [
        log.record(make_result(time_s=10.0), when=t0, notes="first"),
        log.record(make_result("pelvic_tilt", score=80.0, side="right"), when=t0 + timedelta(1)),
        log.record(make_result(time_s=30.0), when=t0 + timedelta(2)),
    ]
    assert ids == sorted(set(ids))
    every = log.history()
    assert [e.id for e in every] == ids
    first = every[0]
    assert first.timestamp == t0 and first.notes == "first" and first.side == "left"
    assert first.value("time") == 10.0 and np.isnan(first.value("sway_rms"))
    assert first.metrics["time"]["unit"] == "s" and first.passed is False
    assert first.score == 62.5
    balance = log.history("single_leg_balance")
    assert [e.value("time") for e in balance] == [10.0, 30.0]
    assert [e.id for e in log.history(since=t0 + timedelta(hours=12))] == ids[1:]
    assert [e.id for e in log.history(since="2026-01-07")] == ids[2:]
    assert log.history("plank") == []


def test_schema_version_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    ProgressLog(path).record(make_result())
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        cols = [r[1] for r in con.execute("PRAGMA table_info(results)")]
    finally:
        con.close()
    assert cols == ["id", "timestamp", "test", "side", "score", "passed", "metrics", "notes",
                    "result"]  # fmt: skip


def test_corrupt_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    junk = b"this is not a database, it is a learner's precious file\n" * 100
    path.write_bytes(junk)
    log = ProgressLog(path)
    with pytest.raises(ProgressError, match="not a readable progress log") as info:
        log.history()
    assert "left untouched" in str(info.value) and "set_aside" in str(info.value)
    with pytest.raises(ProgressError):
        log.record(make_result())
    assert path.read_bytes() == junk  # never overwritten
    moved = log.set_aside()  # only on request
    assert moved is not None and moved.read_bytes() == junk and not path.exists()
    assert log.record(make_result()) == 1  # a fresh log starts


def test_foreign_sqlite_and_newer_schema_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(ProgressError, match="other content"):
        ProgressLog(foreign).record(make_result())
    newer = tmp_path / "newer.sqlite3"
    ProgressLog(newer).record(make_result())
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(ProgressError, match="newer Running Form Lab"):
        ProgressLog(newer).history()


def test_record_rejects_other_objects(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="Result"):
        ProgressLog(tmp_path / "x.sqlite3").record({"test": "x"})  # type: ignore[arg-type]


def _writer(path: str, worker: int, n: int) -> None:
    log = ProgressLog(path, timeout=30.0)
    for i in range(n):
        log.record(make_result(time_s=float(worker * 1000 + i)), notes=f"w{worker}")


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 40)) for w in (1, 2)]
    for p in procs:
        p.start()
    reader = ProgressLog(path)
    seen = 0
    while any(p.is_alive() for p in procs):  # a third party reads while they write
        seen = max(seen, len(reader.history()))
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    entries = reader.history()
    assert len(entries) == 80 and len({e.id for e in entries}) == 80
    for w in (1, 2):
        mine = sorted(e.value("time") for e in entries if e.notes == f"w{w}")
        assert mine == [float(w * 1000 + i) for i in range(40)]


def test_csv_export(tmp_path: Path) -> None:
    log = ProgressLog(tmp_path / "log.sqlite3")
    log.record(make_result(time_s=12.0), notes="a, with comma")
    log.record(make_result("pelvic_tilt", score=90.0))
    out = log.to_csv(tmp_path / "out.csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["test"] for r in rows] == ["single_leg_balance", "pelvic_tilt"]
    assert rows[0]["time [s]"] == "12" and rows[0]["notes"] == "a, with comma"
    assert rows[0]["sway_rms [%]"] == ""  # NaN is an empty cell
    assert rows[1]["score"] == "90"


def test_env_var_sets_the_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(progress.ENV_VAR, str(tmp_path / "data"))
    assert progress.default_path() == tmp_path / "data" / "progress.sqlite3"
    ProgressLog().record(make_result())
    assert (tmp_path / "data" / "progress.sqlite3").exists()


def test_cli_lists_exports_and_sets_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.sqlite3"
    assert progress.main(["--path", str(path)]) == 0
    assert "No results recorded yet" in capsys.readouterr().out
    ProgressLog(path).record(make_result(), notes="after a run")
    assert progress.main(["--path", str(path)]) == 0
    out = capsys.readouterr().out
    assert "single_leg_balance" in out and "after a run" in out
    assert progress.main(["--path", str(path), "--csv", str(tmp_path / "h.csv")]) == 0
    assert (tmp_path / "h.csv").read_text(encoding="utf-8").startswith("id,timestamp,test")
    path.write_bytes(b"garbage" * 50)
    assert progress.main(["--path", str(path)]) == 1
    assert "not a readable progress log" in capsys.readouterr().err
    assert progress.main(["--path", str(path), "--set-aside"]) == 0
    assert not path.exists()


# -- today vs last time, judged by the smallest real change ------------------------------------
def _trials_result(times: list[float]) -> Result:
    from course.selftests.reliability import reliability

    rel = reliability(times)
    metric = Metric(rel.mean, "s", "stance time", reliability=rel, summary="mean")
    return Result("single_leg_balance", {"time": metric}, float("nan"), False, (), "", "left",
                  0.0, 1.0)  # fmt: skip


def test_previous_result_and_a_change_beyond_the_mdc(tmp_path: Path) -> None:
    log = ProgressLog(tmp_path / "log.sqlite3")
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    assert log.previous("single_leg_balance") is None
    log.record(_trials_result([10.0, 12.0, 14.0]), when=t0)  # mean 12, SD 2, MDC 5.54
    log.record(_trials_result([15.0, 16.0, 17.0]), when=t0 + timedelta(days=7))  # mean 16, SD 1
    log.record(_trials_result([20.0, 21.0, 22.0]), when=t0 + timedelta(days=14))  # mean 21
    now = log.previous("single_leg_balance")
    assert now is not None and now.value("time") == 21.0
    last = log.previous("single_leg_balance", before=now.timestamp)
    assert last is not None and last.value("time") == 16.0
    first = log.previous("single_leg_balance", before=last.timestamp)
    assert first is not None and first.mdc("time") == pytest.approx(1.96 * np.sqrt(2) * 2.0)
    # week 2 vs week 1: +4 s, MDC = the larger of 5.54 and 2.77 → not a real change
    small = progress.since_last(last, first, "time")
    assert small.difference == pytest.approx(4.0) and small.real is False
    assert small.mdc == pytest.approx(1.96 * np.sqrt(2) * 2.0)
    # week 3 vs week 2: +5 s, MDC = 1.96·√2·1 = 2.77 → real
    big = progress.since_last(now, last, "time")
    assert big.real is True and "a real difference" in big.text
    assert progress.since_last(now, None, "time").real is None


def test_old_entries_without_trials_have_no_mdc(tmp_path: Path) -> None:
    log = ProgressLog(tmp_path / "log.sqlite3")
    log.record(make_result(time_s=10.0))
    log.record(make_result(time_s=30.0))
    a, b = log.history()
    assert np.isnan(a.mdc("time"))
    verdict = progress.since_last(b, a, "time")
    assert verdict.real is None and verdict.difference == pytest.approx(20.0)
