"""Read vertical ground reaction force from force-plate exports (CSV, TSV, TXT).

Exports differ in delimiter (comma, semicolon, tab, spaces), decimal mark (point or comma), header
lines, whether time is a column or a sampling rate in the header, how many plates are summed and in
which unit force is written. :func:`read_force_plate` detects all of these, converts force to
newtons and says in plain words what it assumed (``ForceTrace.units_note`` and
``ForceTrace.notes``). Files that are not force traces are rejected with the line and column
that did not fit.

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
from course.validation import positive

FloatArray = NDArray[np.float64]

__all__ = ["ForceTrace", "read_force_plate"]

_MISSING = {"", "nan", "na", "n/a", "null", "none", "-", "--", "#n/a"}
_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# unit -> (factor to N, needs body mass)
_UNITS: dict[str, tuple[float, bool]] = {
    "n": (1.0, False),
    "kn": (1000.0, False),
    "kgf": (G, False),
    "kg": (G, False),
    "lbf": (4.4482216152605, False),
    "n/kg": (1.0, True),
    "bw": (G, True),
    "%bw": (G / 100.0, True),
}
_UNIT_NAMES = "N, kN, kgf (or kg), lbf, N/kg, BW, %BW"
_TIME_NAME = re.compile(r"^(time|t|sec|seconds|zeit|tiempo|temps)\b", re.IGNORECASE)
_INDEX_NAME = re.compile(r"^(sample|samples|frame|index|idx|n)\b", re.IGNORECASE)
_FORCE_NAME = re.compile(
    r"^(f_?z|force_?z|fz_?total|total_?fz|vertical|v_?grf|grf_?v|ground_force_vy|force|fv)",
    re.IGNORECASE,
)
_SUFFIX_UNIT = re.compile(r"\s*[\(\[]\s*([^\)\]]+?)\s*[\)\]]\s*$|[_ ](n|kn|kgf|bw|lbf)$", re.I)
_RATE_LINE = re.compile(
    r"\b(sampl\w*\s*(rate|freq\w*)|frequency|rate|fs)\b[^0-9]*?([0-9]+(?:[.,][0-9]+)?)\s*(khz|hz)?",
    re.IGNORECASE,
)
_MASS_LINE = re.compile(
    r"\b(body\s*mass|mass|body\s*weight|weight)\b[^0-9]*?([0-9]+(?:[.,][0-9]+)?)\s*(kg|n|lbs?)?",
    re.IGNORECASE,
)
_UNITS_LINE = re.compile(r"^\s*(force\s*)?units?\s*[:=,;\t]\s*([%\w/]+)", re.IGNORECASE)


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


def _token_kind(tok: str, decimal: str) -> str:
    s = tok.strip().strip('"').strip("'")
    if s.lower() in _MISSING:
        return "missing"
    if decimal == ",":
        if "." in s:
            return "text"
        s = s.replace(",", ".")
    return "number" if _NUM.match(s) else "text"


def _split(line: str, delim: str | None) -> list[str]:
    return line.split() if delim is None else [f.strip() for f in line.split(delim)]


def _to_float(tok: str, decimal: str) -> float:
    s = tok.strip().strip('"').strip("'")
    if s.lower() in _MISSING:
        return float("nan")
    return float(s.replace(",", ".") if decimal == "," else s)


def _is_data(fields: list[str], decimal: str) -> bool:
    kinds = [_token_kind(f, decimal) for f in fields]
    return "text" not in kinds and "number" in kinds


def _detect_format(lines: list[str]) -> tuple[str | None, str, int]:
    """Return (delimiter, decimal mark, number of columns) that best explains the last lines."""
    tail = [ln for ln in lines if ln.strip()][-25:]
    best: tuple[int, int, str | None, str] = (0, 0, None, ".")
    for delim, decimal in (
        ("\t", "."),
        ("\t", ","),
        (";", "."),
        (";", ","),
        (",", "."),
        (None, "."),
        (None, ","),
    ):
        counts: dict[int, int] = {}
        for ln in tail:
            fields = _split(ln, delim)
            if _is_data(fields, decimal):
                counts[len(fields)] = counts.get(len(fields), 0) + 1
        if counts:
            ncols, n_ok = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (n_ok, ncols) > best[:2]:
                best = (n_ok, ncols, delim, decimal)
    if best[0] == 0:
        raise ValueError(
            "no rows of numbers found at the end of the file: expected a force trace with one "
            "sample per line, numbers separated by tabs, ';', ',' or spaces. Is this a force-plate "
            "export? Its last line reads " + repr(tail[-1][:60] if tail else "") + "."
        )
    return best[2], best[3], best[1]


def _parse_unit(text: str) -> str | None:
    u = text.strip().lower().replace(" ", "").replace("·", "")
    u = {"newton": "n", "newtons": "n", "kilonewton": "kn", "kp": "kgf", "lb": "lbf"}.get(u, u)
    u = {"xbw": "bw", "bodyweight": "bw", "bodyweights": "bw", "%bodyweight": "%bw"}.get(u, u)
    return u if u in _UNITS else None


def _column_unit(name: str) -> str | None:
    m = _SUFFIX_UNIT.search(name)
    if not m:
        return None
    return _parse_unit(m.group(1) or m.group(2))


def _bare(name: str) -> str:
    return _SUFFIX_UNIT.sub("", name).strip().strip('"').strip("'")


def _header_number(text: str) -> float:
    return float(text.replace(",", "."))


def _choose_force_columns(
    names: list[str], column: str | int | list[str] | list[int] | None, time_col: int | None
) -> list[int]:
    ncols = len(names)
    if column is not None:
        wanted = column if isinstance(column, list) else [column]
        idx: list[int] = []
        for c in wanted:
            if isinstance(c, int):
                if not -ncols <= c < ncols:
                    raise ValueError(
                        f"column={c} is out of range: the file has {ncols} columns {names}."
                    )
                idx.append(c % ncols)
            else:
                lower = [_bare(n).lower() for n in names]
                key = _bare(str(c)).lower()
                if key not in lower:
                    raise ValueError(
                        f"column {c!r} not found; the file's columns are {names}. "
                        "Pass one of these names or a 0-based index."
                    )
                idx.append(lower.index(key))
        return idx
    candidates = [i for i, n in enumerate(names) if i != time_col and _FORCE_NAME.match(_bare(n))]
    if not candidates:
        others = [i for i in range(ncols) if i != time_col]
        generic = all(re.fullmatch(r"(col(umn)?\s*)?\d+", n, re.I) for n in names)
        if len(others) == 1 and (generic or not any(n.strip() for n in names)):
            return others
        raise ValueError(
            f"no vertical force column found among {names}: expected a column named like Fz, "
            "Fz1/Fz2 (plates to sum), 'Force' or 'Vertical force'. Pass column='NAME' (or a "
            "0-based index) to say which column is vertical force."
        )
    bare = [_bare(names[i]).lower().replace(" ", "").replace("_", "") for i in candidates]
    totals = [i for i, b in zip(candidates, bare, strict=True) if b in {"fz", "fztotal", "totalfz"}]
    if len(candidates) > 1 and totals:
        return totals[:1]
    return candidates


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
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if "\x00" in text:
        raise ValueError(
            f"{p.name} looks like a binary file (it contains NUL bytes); expected a text export "
            "(CSV/TSV/TXT). Export the trial as text from the force-plate software."
        )
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ValueError(f"{p.name} is empty; expected a force trace, one sample per line.")

    delim, decimal, ncols = _detect_format(lines)
    # the data block starts at the first line where it and the next 2 lines are data rows
    start = None
    for i in range(len(lines)):
        window = lines[i : i + 3]
        if all(
            len(_split(w, delim)) == ncols and _is_data(_split(w, delim), decimal) for w in window
        ):
            start = i
            break
    assert start is not None  # _detect_format found data rows at the end
    header = lines[:start]
    notes: list[str] = []
    delim_name = {"\t": "tab", ";": "semicolon", ",": "comma", None: "whitespace"}[delim]
    notes.append(f"{delim_name}-separated" + (", decimal comma" if decimal == "," else ""))

    # column names and an optional units row directly above the data
    names = [f"column {j}" for j in range(ncols)]
    unit_row: list[str | None] = [None] * ncols
    named = [h for h in header if h.strip()]
    if delim is None and named:
        # whitespace-separated names may contain single spaces ("Time (s)   Fz (N)")
        wide = [f for f in re.split(r"\s{2,}|\t", named[-1].strip()) if f]
        if len(wide) == ncols:
            named[-1] = "\t".join(wide)
            delim_names: str | None = "\t"
        else:
            delim_names = None
    else:
        delim_names = delim
    n_name_rows = 0
    if named and len(_split(named[-1], delim_names)) == ncols:
        last = [f.strip('"').strip("'") for f in _split(named[-1], delim_names)]
        as_units = [_parse_unit(f) for f in last]
        is_unit_row = (
            sum(
                u is not None or f.lower() in {"s", "ms", "hz"}
                for u, f in zip(as_units, last, strict=True)
            )
            == ncols
        )
        if is_unit_row and len(named) >= 2 and len(_split(named[-2], delim)) == ncols:
            unit_row = list(as_units)
            names = [f.strip('"').strip("'") for f in _split(named[-2], delim)]
            time_unit_row = last
            n_name_rows = 2
        else:
            names = last
            time_unit_row = []
            n_name_rows = 1
    else:
        time_unit_row = []

    # metadata in the header: sampling rate, body mass, unit
    header_fs = header_mass = None
    header_unit: tuple[str, int] | None = None
    meta = header[: len(header) - n_name_rows] if n_name_rows else header
    for k, h in enumerate(meta):
        if (m := _UNITS_LINE.match(h)) and (u := _parse_unit(m.group(2))):
            header_unit = (u, k + 1)
            continue
        if (m := _RATE_LINE.search(h)) and header_fs is None:
            header_fs = _header_number(m.group(3)) * (
                1000.0 if (m.group(4) or "").lower() == "khz" else 1.0
            )
        elif (m := _MASS_LINE.search(h)) and header_mass is None:
            val, unit = _header_number(m.group(2)), (m.group(3) or "kg").lower()
            header_mass = (
                val / G if unit == "n" else val * 0.45359237 if unit.startswith("lb") else val
            )

    # parse every data row strictly
    rows = lines[start:]
    data = np.empty((len(rows), ncols))
    for r, ln in enumerate(rows):
        lineno = start + r + 1
        fields = _split(ln, delim)
        if len(fields) != ncols:
            raise ValueError(
                f"{p.name} line {lineno}: expected {ncols} fields separated by {delim_name}, got "
                f"{len(fields)}: {ln[:60]!r}. Remove or repair this line."
            )
        for j, f in enumerate(fields):
            if _token_kind(f, decimal) == "text":
                raise ValueError(
                    f"{p.name} line {lineno}, column {j + 1} ({names[j]!r}): expected a number, "
                    f"got {f[:30]!r}. Remove text rows inside the data block."
                )
            data[r, j] = _to_float(f, decimal)

    # time column
    time_col = next((j for j, n in enumerate(names) if _TIME_NAME.match(_bare(n))), None)
    if n_name_rows == 0 and ncols == 2 and column is None and len(rows) > 2:
        d0 = np.diff(data[:, 0])
        if np.all(d0 > 0) and np.ptp(d0) <= 0.05 * float(np.median(d0)):
            time_col = 0
            notes.append("no column names: the first column (evenly increasing) read as time in s")
    index_col = next((j for j, n in enumerate(names) if _INDEX_NAME.match(_bare(n))), None)
    force_cols = _choose_force_columns(
        names, column, time_col if time_col is not None else index_col
    )
    used = tuple(names[j] for j in force_cols)
    for j in force_cols + ([time_col] if time_col is not None else []):
        bad = np.flatnonzero(~np.isfinite(data[:, j]))
        if bad.size:
            raise ValueError(
                f"{p.name} line {start + int(bad[0]) + 1}, column {j + 1} ({names[j]!r}): empty or "
                f"NaN value ({bad.size} such row(s) in this column); expected a number. Remove "
                "these rows or interpolate the gap before reading."
            )
    if len(force_cols) > 1:
        notes.append(f"summed {len(force_cols)} force columns ({', '.join(used)}): one per plate")
    force = data[:, force_cols].sum(axis=1)
    n = force.size

    if fs is not None:
        fs = positive(fs, "fs", "Hz")
    if time_col is not None:
        tcol = data[:, time_col]
        if n < 2:
            raise ValueError(f"{p.name}: only {n} data row; a force trace needs many samples.")
        dt = np.diff(tcol)
        if np.any(dt <= 0):
            k = int(np.flatnonzero(dt <= 0)[0])
            raise ValueError(
                f"{p.name} line {start + k + 2}, column {time_col + 1} ({names[time_col]!r}): "
                f"time {tcol[k + 1]:g} does not increase after {tcol[k]:g}; expected strictly "
                "increasing times. Sort the rows or remove duplicates."
            )
        tname = names[time_col].lower()
        t_unit = time_unit_row[time_col].lower() if time_unit_row else ""
        scale = 1e-3 if ("ms" in re.findall(r"[a-z]+", tname) or t_unit == "ms") else 1.0
        if scale != 1.0:
            notes.append("time column in ms, converted to s")
        t = tcol * scale
        step = float((t[-1] - t[0]) / (n - 1))
        dev = np.abs(np.diff(t) - step)
        if np.max(dev) > 0.25 * step:
            k = int(np.argmax(dev))
            raise ValueError(
                f"{p.name} line {start + k + 2}: time step {np.diff(t)[k]:.6g} s differs from the "
                f"usual {np.median(np.diff(t)):.6g} s; expected uniform sampling. Missing "
                "samples? Resample first."
            )
        fs_time = 1.0 / step
        if abs(fs_time - round(fs_time)) < 1e-4 * fs_time:
            fs_time = float(round(fs_time))
        if fs is not None and abs(fs_time - fs) > 0.01 * fs:
            raise ValueError(
                f"fs={fs:g} Hz was passed but the time column {names[time_col]!r} steps "
                f"{step:.6g} s ({fs_time:.6g} Hz). Drop fs= or check the file."
            )
        fs_final = fs if fs is not None else fs_time
    else:
        rate = fs if fs is not None else header_fs
        if rate is None:
            raise ValueError(
                f"{p.name} has no time column (columns {names}) and no sampling-rate header line; "
                "pass fs=<Hz>, e.g. read_force_plate(path, fs=1000)."
            )
        fs_final = positive(rate, "sampling rate", "Hz")
        if fs is None:
            notes.append(f"sampling rate {fs_final:g} Hz from the header")
        t = np.arange(n) / fs_final

    # force unit
    found: list[tuple[str, str]] = []
    col_units = {u for j in force_cols if (u := _column_unit(names[j])) is not None}
    if len(col_units) > 1:
        raise ValueError(
            f"force columns {used} are in different units {sorted(col_units)}; pass column= to "
            "read one of them, or convert the file to one unit."
        )
    if col_units:
        found.append((col_units.pop(), f"column name {used[0]!r}"))
    row_units = {u for j in force_cols if (u := unit_row[j]) is not None}
    if row_units:
        found.append((row_units.pop(), "the units row"))
    if header_unit:
        found.append((header_unit[0], f"header line {header_unit[1]}"))
    if units is not None:
        u = _parse_unit(units)
        if u is None:
            raise ValueError(f"units={units!r} is not a force unit; expected one of {_UNIT_NAMES}.")
        for fu, where in found:
            if fu != u:
                raise ValueError(
                    f"units={units!r} was passed but {p.name} says {fu!r} ({where}). Drop units= "
                    "to use the file's unit, or fix the file."
                )
        unit, where = u, "units= argument"
    elif found:
        unit, where = found[0]
    else:
        unit, where = "n", "assumed: the file does not say"
    factor, needs_mass = _UNITS[unit]
    label = {
        "n": "N",
        "kn": "kN",
        "kgf": "kgf",
        "kg": "kg",
        "lbf": "lbf",
        "n/kg": "N/kg",
        "bw": "BW",
        "%bw": "%BW",
    }[unit]
    mass = body_mass if body_mass is not None else header_mass
    if body_mass is not None:
        body_mass = positive(body_mass, "body_mass", "kg")
    if needs_mass:
        if mass is None:
            raise ValueError(
                f"{p.name} gives force in {label} ({where}); converting to N needs the body mass. "
                "Pass body_mass=<kg>, or add a header line 'Body mass: 72.5 kg'."
            )
        factor *= mass
    if unit == "n":
        units_note = f"N ({where})"
    else:
        units_note = f"{label} ({where}), multiplied by {factor:.6g}"
        if unit == "kg":
            units_note += " (read as kilogram-force)"
        if needs_mass:
            units_note += f" using body mass {mass:g} kg"
    force = force * factor

    peak = float(np.max(np.abs(force))) if n else 0.0
    if peak < 50.0:
        raise ValueError(
            f"{p.name}: the largest force is {peak:.3g} N after reading it as {units_note}; a "
            "person standing on a plate gives hundreds of newtons. Pass units='kN' or units='BW' "
            "(with body_mass=) if the file is not in newtons, or choose another column."
        )
    return ForceTrace(
        t=np.ascontiguousarray(t, dtype=np.float64),
        force=np.ascontiguousarray(force, dtype=np.float64),
        fs=float(fs_final),
        units_note=units_note,
        source=p.name,
        columns_used=used,
        notes=tuple(notes),
        body_mass=None if mass is None else float(mass),
        header=tuple(h.strip() for h in meta if h.strip()),
    )
