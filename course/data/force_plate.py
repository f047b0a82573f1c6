"""Read vertical ground reaction force from force-plate exports (CSV, TSV, TXT).

Exports differ in delimiter (comma, semicolon, tab, spaces), decimal mark (point or comma), header
lines, whether time is a column or a sampling rate in the header, how many plates are summed and in
which unit force is written. :func:`read_force_plate` detects all of these, converts force to
newtons and says in plain words what it assumed (``ForceTrace.units_note`` and
``ForceTrace.notes``). Files that are not force traces are rejected with a ValueError that
names the line and column that did not fit. The layout detection lives in
:mod:`course.data.force_plate_format`.

Supported force units: ``N``, ``kN``, ``kgf``/``kg`` (kilogram-force), ``lbf``, ``N/kg`` (force per
kilogram of body mass), ``BW`` and ``%BW`` (multiples of body weight). The last three need the body
mass in kg, from ``body_mass=`` or from a header line such as ``Body mass: 72.5 kg``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from course.constants import G
from course.data import force_plate_format as fmt_
from course.validation import positive

FloatArray = NDArray[np.float64]

__all__ = ["ForceTrace", "G", "read_force_plate"]


@dataclass(frozen=True)
class ForceTrace:
    """A vertical ground reaction force trace read from a file.

    Attributes
    ----------
    t
        ``(n,)`` sample times in s.
    force
        ``(n,)`` vertical force in N (converted from the file's unit).
    fs
        Sampling rate in Hz.
    units_note
        How the force unit was found and converted, in words.
    source
        File name (or another label) the trace came from.
    columns_used
        Names of the file columns that were read as force (several when plates were summed).
    notes
        Other assumptions made while reading (delimiter, decimal comma, summed plates...).
    body_mass
        Body mass in kg if the file or the caller gave one, else None.
    header
        The file's lines above the column names (metadata, comments such as "simulated").
    """

    t: FloatArray
    force: FloatArray
    fs: float
    units_note: str
    source: str
    columns_used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    body_mass: float | None = None
    header: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        """Length of the trace in s."""
        return float(self.force.size / self.fs)


def read_force_plate(
    path: str | Path,
    *,
    fs: float | None = None,
    column: str | int | list[str] | list[int] | None = None,
    units: str | None = None,
    body_mass: float | None = None,
) -> ForceTrace:
    r"""Read a vertical force trace from a force-plate export and convert it to newtons.

    Parameters
    ----------
    path
        A ``.csv``, ``.tsv`` or ``.txt`` file: optional header lines (e.g. ``Sampling rate: 1000
        Hz``, ``Body mass: 72 kg``), an optional row of column names (and of units), then one row
        of numbers per sample. Delimiter and decimal comma are detected.
    fs
        Sampling rate in Hz. Needed only if the file has neither a time column nor a rate header.
    column
        Which column(s) hold vertical force: a name, a 0-based index, or a list of them (summed).
        By default a column named ``Fz`` (or ``Force``, ``Vertical force``) is used; several
        ``Fz1``, ``Fz2``... columns (one per plate) are summed.
    units
        Force unit if the file does not say: one of N, kN, kgf (or kg), lbf, N/kg, BW, %BW.
    body_mass
        Body mass in kg, needed to convert N/kg, BW and %BW when the file has no mass header.

    Returns
    -------
    ForceTrace
        Times in s, force in N, the sampling rate in Hz, and notes on what was assumed.

    Raises
    ------
    ValueError
        With the line and column that did not fit when the file is not a force trace (text in
        a number column, a NaN row, a time column that goes backwards, a unit that needs a mass).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "jump.csv"
    >>> _ = p.write_text("time;Fz [kN]\n0,000;0,700\n0,001;0,702\n0,002;0,701\n")
    >>> tr = read_force_plate(p)
    >>> tr.fs, tr.force.round(1).tolist(), tr.units_note
    (1000.0, [700.0, 702.0, 701.0], "kN (column name 'Fz [kN]'), multiplied by 1000")
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"force-plate file not found: {str(p)!r}. Check the path.")
    name = p.name
    lines = fmt_.decode(p.read_bytes(), name)
    fmt = fmt_.detect_format(lines, name)
    start = fmt_.find_data_start(lines, fmt)
    header = lines[:start]
    notes = [fmt.delimiter_name + "-separated" + (", decimal comma" if fmt.decimal == "," else "")]
    cols = fmt_.read_column_names(header, fmt)
    names = cols.names
    meta = header[: len(header) - cols.n_rows] if cols.n_rows else header
    info = fmt_.read_header_meta(meta, name)
    with np.errstate(all="ignore"):  # overflow and NaN are checked cell by cell below
        data = _parse_rows(lines, start, fmt, names, name)
        time_col = next(
            (j for j, n in enumerate(names) if fmt_.TIME_NAME.match(fmt_.bare(n))), None
        )
        if cols.n_rows == 0 and fmt.ncols == 2 and column is None and data.shape[0] > 2:
            d0 = np.diff(data[:, 0])
            if np.all(d0 > 0) and np.ptp(d0) <= 0.05 * float(np.median(d0)):
                time_col = 0
                notes.append(
                    "no column names: the first column (evenly increasing) read as time in s"
                )
        index_col = next(
            (j for j, n in enumerate(names) if fmt_.INDEX_NAME.match(fmt_.bare(n))), None
        )
        force_cols = fmt_.choose_force_columns(
            names, column, time_col if time_col is not None else index_col, name
        )
        used = tuple(names[j] for j in force_cols)
        for j in force_cols + ([time_col] if time_col is not None else []):
            _check_finite(data[:, j], start, j, names, name)
        if len(force_cols) > 1:
            notes.append(
                f"summed {len(force_cols)} force columns ({', '.join(used)}): one per plate"
            )
        n = data.shape[0]
        if n < 2:
            raise ValueError(
                f"{name} has only {n} data row; a force trace needs many samples, one per line."
            )
        if fs is not None:
            fs = positive(fs, "fs", "Hz")
        if time_col is not None:
            t_unit = cols.raw_unit_row[time_col].lower() if cols.raw_unit_row else ""
            t, fs_final, t_note = _time_axis(
                data[:, time_col], fs, start, time_col, names[time_col], t_unit, name
            )
            notes.extend(t_note)
        else:
            rate = fs if fs is not None else info.fs
            if rate is None:
                raise ValueError(
                    f"{name} has no time column (columns {list(names)}) and no sampling-rate "
                    "header line; pass fs=<Hz>, e.g. read_force_plate(path, fs=1000)."
                )
            fs_final = positive(rate, "sampling rate", "Hz")
            if fs is None:
                notes.append(f"sampling rate {fs_final:g} Hz (header line {info.fs_line})")
            t = np.arange(n) / fs_final
        factor, units_note, mass = _force_unit(
            names, force_cols, cols.unit_row, info, units, body_mass, name
        )
        force = data[:, force_cols].sum(axis=1) * factor
        bad = np.flatnonzero(~np.isfinite(force))
        if bad.size:
            k = int(bad[0])
            raise ValueError(
                f"{name} line {start + k + 1}, column {force_cols[0] + 1} ({used[0]!r}): force "
                f"{force[k]:g} N after reading it as {units_note}; expected a finite force. Is "
                "the value or the unit wrong?"
            )
    peak = float(np.max(np.abs(force)))
    if peak < 50.0:
        where = ", ".join(f"column {j + 1} ({names[j]!r})" for j in force_cols)
        raise ValueError(
            f"{name} {where}: the largest force is {peak:.3g} N after reading it as "
            f"{units_note}; a person standing on a plate gives hundreds of newtons. Pass "
            "units='kN' or units='BW' (with body_mass=) if the file is not in newtons, or choose "
            "another column."
        )
    return ForceTrace(
        t=np.ascontiguousarray(t, dtype=np.float64),
        force=np.ascontiguousarray(force, dtype=np.float64),
        fs=float(fs_final),
        units_note=units_note,
        source=name,
        columns_used=used,
        notes=tuple(notes),
        body_mass=None if mass is None else float(mass),
        header=tuple(h.strip() for h in meta if h.strip()),
    )


def _parse_rows(
    lines: list[str], start: int, fmt: fmt_.TableFormat, names: tuple[str, ...], name: str
) -> FloatArray:
    """Every line from ``start`` on as a row of numbers (NaN where empty), strictly."""
    rows = lines[start:]
    data = np.empty((len(rows), fmt.ncols))
    for r, ln in enumerate(rows):
        lineno = start + r + 1
        fields = fmt_.split_fields(ln, fmt.delim)
        if len(fields) != fmt.ncols:
            col = min(len(fields), fmt.ncols) + 1
            what = "is extra" if len(fields) > fmt.ncols else "is missing"
            raise ValueError(
                f"{name} line {lineno}: expected {fmt.ncols} fields separated by "
                f"{fmt.delimiter_name}, got {len(fields)} (column {col} {what}): {ln[:60]!r}. "
                "Remove or repair this line."
            )
        for j, f in enumerate(fields):
            if fmt_.token_kind(f, fmt.decimal) == "text":
                raise ValueError(
                    f"{name} line {lineno}, column {j + 1} ({names[j]!r}): expected a number, "
                    f"got {f[:30]!r}. Remove text rows inside the data block."
                )
            data[r, j] = fmt_.to_float(f, fmt.decimal)
    return data


def _check_finite(
    values: FloatArray, start: int, j: int, names: tuple[str, ...], name: str
) -> None:
    bad = np.flatnonzero(~np.isfinite(values))
    if not bad.size:
        return
    k = int(bad[0])
    what = "empty or NaN value" if np.isnan(values[k]) else "infinite value (too large a number)"
    raise ValueError(
        f"{name} line {start + k + 1}, column {j + 1} ({names[j]!r}): {what} ({bad.size} such "
        "row(s) in this column); expected a number. Remove these rows or interpolate the gap "
        "before reading."
    )


def _time_axis(
    tcol: FloatArray,
    fs: float | None,
    start: int,
    j: int,
    tname: str,
    t_unit: str,
    name: str,
) -> tuple[FloatArray, float, list[str]]:
    """Times in s, the sampling rate in Hz and notes, from a time column (checked uniform)."""
    n = tcol.size
    where = f"column {j + 1} ({tname!r})"
    dt = np.diff(tcol)
    if np.any(dt <= 0):
        k = int(np.flatnonzero(dt <= 0)[0])
        raise ValueError(
            f"{name} line {start + k + 2}, {where}: time {tcol[k + 1]:g} does not increase after "
            f"{tcol[k]:g}; expected strictly increasing times. Sort the rows or remove duplicates."
        )
    ms = "ms" in re.findall(r"[a-z]+", tname.lower()) or t_unit == "ms"
    notes = ["time column in ms, converted to s"] if ms else []
    t = tcol * (1e-3 if ms else 1.0)
    step = float((t[-1] - t[0]) / (n - 1))
    fs_time = 1.0 / step if step > 0 else np.inf
    if not (np.isfinite(step) and 1.0 <= fs_time <= 1e6):
        raise ValueError(
            f"{name} lines {start + 1}-{start + n}, {where}: times from {t[0]:g} to {t[-1]:g} s "
            f"in {n} rows give {fs_time:.3g} samples per second; expected a sampling rate from "
            "1 Hz to 1 MHz. Is this column time in seconds?"
        )
    dev = np.abs(np.diff(t) - step)
    if np.max(dev) > 0.25 * step:
        k = int(np.argmax(dev))
        raise ValueError(
            f"{name} line {start + k + 2}: time step {np.diff(t)[k]:.6g} s differs from the "
            f"usual {np.median(np.diff(t)):.6g} s; expected uniform sampling ({where}). Missing "
            "samples? Resample first."
        )
    if abs(fs_time - round(fs_time)) < 1e-4 * fs_time:
        fs_time = float(round(fs_time))
    if fs is not None and abs(fs_time - fs) > 0.01 * fs:
        raise ValueError(
            f"fs={fs:g} Hz was passed but the time column {tname!r} steps "
            f"{step:.6g} s ({fs_time:.6g} Hz). Drop fs= or check the file."
        )
    return t, (fs if fs is not None else fs_time), notes


def _force_unit(
    names: tuple[str, ...],
    force_cols: list[int],
    unit_row: tuple[str | None, ...],
    info: fmt_.HeaderMeta,
    units: str | None,
    body_mass: float | None,
    name: str,
) -> tuple[float, str, float | None]:
    """Factor to newtons, how the unit was found (in words) and the body mass used, in kg."""
    used = [names[j] for j in force_cols]
    found: list[tuple[str, str]] = []
    col_units = {u for j in force_cols if (u := fmt_.column_unit(names[j])) is not None}
    if len(col_units) > 1:
        raise ValueError(
            f"{name}: force columns {tuple(used)} are in different units {sorted(col_units)}; pass "
            "column= to read one of them, or convert the file to one unit."
        )
    if col_units:
        found.append((col_units.pop(), f"column name {used[0]!r}"))
    row_units = {u for j in force_cols if (u := unit_row[j]) is not None}
    if row_units:
        found.append((row_units.pop(), "the units row"))
    if info.unit:
        found.append((info.unit, f"header line {info.unit_line}"))
    if units is not None:
        u = fmt_.parse_unit(units)
        if u is None:
            raise ValueError(
                f"units={units!r} is not a force unit; expected one of {fmt_.UNIT_NAMES}."
            )
        for fu, where in found:
            if fu != u:
                raise ValueError(
                    f"units={units!r} was passed but {name} says {fu!r} ({where}). Drop units= "
                    "to use the file's unit, or fix the file."
                )
        unit, where = u, "units= argument"
    elif found:
        unit, where = found[0]
    else:
        unit, where = "n", "assumed: the file does not say"
    factor, needs_mass = fmt_.UNITS[unit]
    label = fmt_.UNIT_LABELS[unit]
    if body_mass is not None:
        body_mass = positive(body_mass, "body_mass", "kg")
    mass = body_mass if body_mass is not None else info.mass
    if needs_mass:
        if mass is None:
            raise ValueError(
                f"{name} gives force in {label} ({where}); converting to N needs the body mass. "
                "Pass body_mass=<kg>, or add a header line 'Body mass: 72.5 kg'."
            )
        factor *= mass
    if unit == "n":
        return factor, f"N ({where})", mass
    note = f"{label} ({where}), multiplied by {factor:.6g}"
    if unit == "kg":
        note += " (read as kilogram-force)"
    if needs_mass:
        note += f" using body mass {mass:g} kg"
    return factor, note, mass
