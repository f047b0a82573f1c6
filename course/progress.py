"""The learner's log of self-test results: a small SQLite file in the user's data directory.

Nothing is written unless a result is recorded explicitly (:meth:`ProgressLog.record`); reading
an absent log gives an empty history and creates nothing. The file lives in
``platformdirs.user_data_dir("running-form-lab")/progress.sqlite3``, or in the directory named by
the environment variable ``RUNNING_FORM_LAB_DATA``, or at an explicit ``path``.

Two kernels may use the same log at once (a learner with two notebooks open): the database runs
in WAL mode, each operation opens its own short connection, and writes take the lock up front
(``BEGIN IMMEDIATE``) with a busy timeout. A file that is not a readable log is never
overwritten: opening it raises :class:`ProgressError`, and :meth:`ProgressLog.set_aside` renames
it only when asked.

Command line: ``python -m course progress [--test NAME] [--csv OUT] [--path FILE]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sqlite3
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from course.selftests.reliability import Change, change

ENV_VAR = "RUNNING_FORM_LAB_DATA"
FILENAME = "progress.sqlite3"
#: Schema version stored in ``PRAGMA user_version``.
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT    NOT NULL,
    test      TEXT    NOT NULL,
    side      TEXT    NOT NULL DEFAULT '',
    score     REAL,
    passed    INTEGER NOT NULL,
    metrics   TEXT    NOT NULL,
    notes     TEXT    NOT NULL DEFAULT '',
    result    TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS results_test_time ON results (test, timestamp);
"""


class ProgressError(RuntimeError):
    """The progress log cannot be read or written (the message says why and what to do)."""


class _ResultLike(Protocol):
    @property
    def test(self) -> str: ...
    @property
    def side(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def passed(self) -> bool: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Entry:
    """One recorded result.

    Attributes
    ----------
    id
        Row id in the log.
    timestamp
        When it was recorded (timezone-aware, UTC).
    test
        Protocol name (e.g. ``"single_leg_balance"``).
    side
        Side tested (``"left"``, ``"right"``, ``"both"`` or ``""``).
    score
        0–100 (NaN if the protocol gave none).
    passed
        Whether every stated threshold was met.
    metrics
        Metric name → ``{"value": float | None, "unit": str, ...}``.
    notes
        The learner's note.
    """

    id: int
    timestamp: datetime
    test: str
    side: str
    score: float
    passed: bool
    metrics: Mapping[str, Mapping[str, Any]]
    notes: str

    def value(self, name: str) -> float:
        """Value of metric ``name`` (NaN if it was not measured)."""
        v = self.metrics.get(name, {}).get("value")
        return math.nan if v is None else float(v)

    def mdc(self, name: str) -> float:
        """The smallest real change of metric ``name`` measured in this session's trials.

        NaN when the session had a single trial (or was recorded before trials existed).
        """
        rel = self.metrics.get(name, {}).get("reliability") or {}
        v = rel.get("mdc95") if isinstance(rel, Mapping) else None
        return math.nan if v is None else float(v)


def default_path() -> Path:
    """Where the log lives: ``$RUNNING_FORM_LAB_DATA/progress.sqlite3`` or the user data dir.

    Examples
    --------
    >>> default_path().name
    'progress.sqlite3'
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser() / FILENAME
    import platformdirs

    return Path(platformdirs.user_data_dir("running-form-lab")) / FILENAME


def _schema_state(con: sqlite3.Connection) -> tuple[int, int]:
    """``(user_version, number of schema objects)`` of an open database."""
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    objects = int(con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    return version, objects


class ProgressLog:
    """The learner's self-test history in SQLite.

    Parameters
    ----------
    path
        The database file; ``None`` uses :func:`default_path`. Nothing is created until the
        first :meth:`record`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = ProgressLog(pathlib.Path(tempfile.mkdtemp()) / "log.sqlite3")
    >>> log.history()
    []
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 10.0):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout = float(timeout)

    def __repr__(self) -> str:
        return f"ProgressLog({str(self.path)!r})"

    # -- connections ---------------------------------------------------------------------------
    @contextmanager
    def _connect(self, *, create: bool) -> Iterator[sqlite3.Connection]:
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        uri = f"file:{self.path}?mode={'rwc' if create else 'rw'}"
        try:
            con = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise ProgressError(f"cannot open the progress log {self.path}: {exc}.") from exc
        try:
            con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._check(con, create=create)
            yield con
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise ProgressError(
                    f"the progress log {self.path} stayed locked for {self.timeout:.0f} s "
                    "(another notebook is writing). Try again in a moment."
                ) from exc
            raise ProgressError(
                f"{self.path} is not a readable progress log ({exc}). It was left untouched. "
                "Move it away yourself, or call ProgressLog(...).set_aside() (or run "
                "`python -m course progress --set-aside`) to rename it and start a new log."
            ) from exc
        finally:
            con.close()

    def _check(self, con: sqlite3.Connection, *, create: bool) -> None:
        # Both reads in one transaction: another process may be creating the schema right now,
        # and its tables and user_version become visible together only within one snapshot.
        con.execute("BEGIN")
        try:
            version, objects = _schema_state(con)
        finally:
            con.execute("COMMIT")
        self._validate(version, objects)
        if version == SCHEMA_VERSION or not create:
            return
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("BEGIN IMMEDIATE")
        try:
            version, objects = _schema_state(con)  # again, now that we hold the write lock
            self._validate(version, objects)
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        con.execute(statement)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _validate(self, version: int, objects: int) -> None:
        if version > SCHEMA_VERSION:
            raise ProgressError(
                f"{self.path} was written by a newer Running Form Lab (log schema {version}; "
                f"this version reads up to {SCHEMA_VERSION}). Upgrade the course package."
            )
        if version != SCHEMA_VERSION and objects:
            raise sqlite3.DatabaseError("it is an SQLite file with other content, not a log")

    # -- API -----------------------------------------------------------------------------------
    def record(self, result: _ResultLike, *, notes: str = "", when: datetime | None = None) -> int:
        """Store a result; returns its id.

        Parameters
        ----------
        result
            A :class:`course.selftests.Result` (anything with ``test``, ``side``, ``score``,
            ``passed`` and ``to_dict()``).
        notes
            Free text from the learner (e.g. "after a long run").
        when
            Time of the test (default now, UTC).
        """
        if not hasattr(result, "to_dict") or not hasattr(result, "test"):
            raise TypeError(
                f"record() expects a self-test Result (from protocol.result() or .run()); got "
                f"{type(result).__name__}."
            )
        data = result.to_dict()
        stamp = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat()
        score = float(result.score)
        with self._connect(create=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO results (timestamp, test, side, score, passed, metrics, notes, "
                    "result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        stamp,
                        str(result.test),
                        str(result.side),
                        score if math.isfinite(score) else None,
                        int(bool(result.passed)),
                        json.dumps(data.get("metrics", {})),
                        str(notes),
                        json.dumps(data),
                    ),
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return int(cur.lastrowid or 0)

    def history(self, test: str | None = None, since: datetime | str | None = None) -> list[Entry]:
        """Recorded results, oldest first, optionally of one ``test`` and from ``since`` on.

        ``since`` is a datetime (naive means UTC) or an ISO date/time string.
        """
        if not self.path.exists():
            return []
        query = "SELECT id, timestamp, test, side, score, passed, metrics, notes FROM results"
        where, args = [], []
        if test is not None:
            where.append("test = ?")
            args.append(test)
        if since is not None:
            where.append("timestamp >= ?")
            args.append(_iso(since))
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY timestamp, id"
        with self._connect(create=False) as con:
            if not con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='results'"
            ).fetchall():
                return []
            rows = con.execute(query, args).fetchall()
        return [
            Entry(
                id=int(r[0]),
                timestamp=datetime.fromisoformat(r[1]),
                test=r[2],
                side=r[3],
                score=math.nan if r[4] is None else float(r[4]),
                passed=bool(r[5]),
                metrics=json.loads(r[6]),
                notes=r[7],
            )
            for r in rows
        ]

    def previous(self, test: str, *, before: datetime | str | None = None) -> Entry | None:
        """The latest recorded result of ``test`` before ``before`` (default: the latest), or None.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> ProgressLog(pathlib.Path(tempfile.mkdtemp()) / "log.sqlite3").previous("pelvic_tilt")
        """
        entries = self.history(test)
        if before is not None:
            limit = datetime.fromisoformat(_iso(before))
            entries = [e for e in entries if e.timestamp < limit]
        return entries[-1] if entries else None

    def to_csv(self, path: str | os.PathLike[str], *, test: str | None = None) -> Path:
        """Write the history as CSV: one row per result, one ``<metric> [unit]`` column each."""
        entries = self.history(test)
        names: dict[str, str] = {}
        for e in entries:
            for k, m in e.metrics.items():
                names.setdefault(k, str(m.get("unit", "")))
        out = Path(path)
        with out.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(
                ["id", "timestamp", "test", "side", "score", "passed", "notes"]
                + [f"{k} [{u}]" if u else k for k, u in names.items()]
            )
            for e in entries:
                w.writerow(
                    [e.id, e.timestamp.isoformat(), e.test, e.side, _fmt(e.score), e.passed,
                     e.notes] + [_fmt(e.value(k)) for k in names]
                )  # fmt: skip
        return out

    def set_aside(self) -> Path | None:
        """Rename an unreadable (or unwanted) log to ``<name>.set-aside-<UTC time>``; returns it.

        Only ever called on request. Returns None if there was no file.
        """
        if not self.path.exists():
            return None
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.set-aside-{stamp}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        return target


def since_last(now: Entry, last: Entry | None, metric: str) -> Change:
    """Today's result against the previous one of the same test, judged by the MDC95.

    The smallest real change is the larger of the two sessions' MDC95 (the noisier session
    decides); a change is real only beyond it. Without a previous result, or without several
    trials in either session, the change cannot be judged and ``real`` is None.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> def entry(v, mdc):
    ...     m = {"x": {"value": v, "unit": "deg", "reliability": {"mdc95": mdc}}}
    ...     return Entry(1, datetime.now(timezone.utc), "demo", "", 0.0, False, m, "")
    >>> since_last(entry(20.0, 3.0), entry(14.0, 4.0), "x").real
    True
    >>> since_last(entry(16.0, 3.0), entry(14.0, 4.0), "x").real
    False
    """
    unit = str(now.metrics.get(metric, {}).get("unit", ""))
    if last is None:
        return Change("today vs last time", math.nan, math.nan, None, unit,
                      "No earlier result of this test in your log to compare with.")  # fmt: skip
    mdcs = [m for m in (now.mdc(metric), last.mdc(metric)) if math.isfinite(m)]
    mdc = max(mdcs) if len(mdcs) == 2 else math.nan
    label = f"{metric}, today vs {last.timestamp:%Y-%m-%d}"
    return change(now.value(metric), last.value(metric), mdc, label=label, unit=unit)


def _iso(when: datetime | str) -> str:
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat()


def _fmt(x: float) -> str:
    return "" if not math.isfinite(x) else f"{x:.6g}"


def main(argv: list[str] | None = None) -> int:
    """``python -m course progress``: list your results, or export them as CSV."""
    p = argparse.ArgumentParser(
        prog="python -m course progress", description="Show or export your self-test history."
    )
    p.add_argument("--test", help="only this test (e.g. single_leg_balance)")
    p.add_argument("--csv", metavar="OUT", help="write the history to this CSV file")
    p.add_argument("--path", help=f"log file (default {default_path()})")
    p.add_argument(
        "--set-aside",
        action="store_true",
        help="rename an unreadable log out of the way so a new one can start",
    )
    args = p.parse_args(argv)
    log = ProgressLog(args.path)
    try:
        if args.set_aside:
            moved = log.set_aside()
            print(f"moved {log.path} to {moved}" if moved else f"no log at {log.path}")
            return 0
        if args.csv:
            out = log.to_csv(args.csv, test=args.test)
            print(f"wrote {len(log.history(args.test))} result(s) to {out}")
            return 0
        entries = log.history(args.test)
    except ProgressError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not entries:
        print(f"No results recorded yet in {log.path}.")
        return 0
    print(f"{'id':>4}  {'date (UTC)':<16}  {'test':<20} {'side':<6} {'score':>6}  passed  notes")
    for e in entries:
        print(
            f"{e.id:>4}  {e.timestamp:%Y-%m-%d %H:%M}  {e.test:<20} {e.side:<6} "
            f"{_fmt(e.score):>6}  {'yes' if e.passed else 'no':<6}  {e.notes}"
        )
    return 0
