"""How a force-plate export is laid out: text encoding, delimiter, decimal mark, names, units.

The pieces :func:`course.data.force_plate.read_force_plate` puts together. Each function looks at
the lines of the file and either returns what it found or raises a ValueError that names the file,
the line (1-based, as an editor shows it) and, where one cell is at fault, the column.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from course.constants import G

MISSING = {"", "nan", "na", "n/a", "null", "none", "-", "--", "#n/a"}
_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
#: Characters removed around a cell: spaces, quotes, byte-order marks (from concatenated exports).
_STRIP = " \t\r\n\"'\ufeff\u00a0"
#: unit -> (factor to N, needs body mass)
UNITS: dict[str, tuple[float, bool]] = {
    "n": (1.0, False),
    "kn": (1000.0, False),
    "kgf": (G, False),
    "kg": (G, False),
    "lbf": (4.4482216152605, False),
    "n/kg": (1.0, True),
    "bw": (G, True),
    "%bw": (G / 100.0, True),
}
UNIT_LABELS = {
    "n": "N",
    "kn": "kN",
    "kgf": "kgf",
    "kg": "kg",
    "lbf": "lbf",
    "n/kg": "N/kg",
    "bw": "BW",
    "%bw": "%BW",
}
UNIT_NAMES = "N, kN, kgf (or kg), lbf, N/kg, BW, %BW"
TIME_NAME = re.compile(r"^(time|t|sec|seconds|zeit|tiempo|temps)\b", re.IGNORECASE)
INDEX_NAME = re.compile(r"^(sample|samples|frame|index|idx|n)\b", re.IGNORECASE)
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
DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", ",": "comma", None: "whitespace"}


@dataclass(frozen=True)
class TableFormat:
    """Delimiter (None: runs of whitespace), decimal mark and number of columns of the data."""

    delim: str | None
    decimal: str
    ncols: int

    @property
    def delimiter_name(self) -> str:
        """The delimiter in words, e.g. ``"semicolon"``."""
        return DELIMITER_NAMES[self.delim]


@dataclass(frozen=True)
class ColumnNames:
    """Column names above the data, an optional units row, and how many lines they take."""

    names: tuple[str, ...]
    unit_row: tuple[str | None, ...]
    raw_unit_row: tuple[str, ...]
    n_rows: int


@dataclass(frozen=True)
class HeaderMeta:
    """Sampling rate (Hz), body mass (kg) and force unit found in header lines, with line numbers.

    A line number of 0 means not found.
    """

    fs: float | None = None
    fs_line: int = 0
    mass: float | None = None
    mass_line: int = 0
    unit: str | None = None
    unit_line: int = 0


def decode(raw: bytes, name: str) -> list[str]:
    r"""Decode an export (UTF-8, UTF-16 with a BOM, or Latin-1) into lines, trailing blanks dropped.

    Examples
    --------
    >>> decode("\ufefftime;Fz\n0;1\n\n".encode(), "x.csv")
    ['time;Fz', '0;1']
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"{name} starts with a UTF-16 byte-order mark but byte {exc.start} is not UTF-16; "
                "expected a text export. Save it again as UTF-8 text."
            ) from exc
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(
            f"{name} line {line} contains NUL bytes: it looks like a binary file; expected a text "
            "export (CSV/TSV/TXT). Export the trial as text from the force-plate software."
        )
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise ValueError(f"{name} is empty; expected a force trace, one sample per line.")
    return lines


def clean(tok: str) -> str:
    """A cell without surrounding spaces, quotes and stray byte-order marks."""
    return tok.strip(_STRIP)


def token_kind(tok: str, decimal: str) -> str:
    """``"number"``, ``"missing"`` (empty, NaN, n/a...) or ``"text"``.

    Examples
    --------
    >>> token_kind("1,5", ","), token_kind("1.5", ","), token_kind("NaN", ".")
    ('number', 'text', 'missing')
    """
    s = clean(tok)
    if s.lower() in MISSING:
        return "missing"
    if decimal == ",":
        if "." in s:
            return "text"
        s = s.replace(",", ".")
    return "number" if _NUM.match(s) and s.isascii() else "text"


def split_fields(line: str, delim: str | None) -> list[str]:
    """The cells of one line (``delim`` None: split on runs of whitespace)."""
    return line.split() if delim is None else [f.strip() for f in line.split(delim)]


def to_float(tok: str, decimal: str) -> float:
    """The value of a cell :func:`token_kind` calls a number or missing (NaN)."""
    s = clean(tok)
    if s.lower() in MISSING:
        return float("nan")
    return float(s.replace(",", ".") if decimal == "," else s)


def is_data(fields: list[str], decimal: str) -> bool:
    """True if every cell is a number or missing, and at least one is a number."""
    kinds = [token_kind(f, decimal) for f in fields]
    return "text" not in kinds and "number" in kinds


def detect_format(lines: list[str], name: str) -> TableFormat:
    """The delimiter, decimal mark and column count that best explain the last 25 lines."""
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
            fields = split_fields(ln, delim)
            if is_data(fields, decimal):
                counts[len(fields)] = counts.get(len(fields), 0) + 1
        if counts:
            ncols, n_ok = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if (n_ok, ncols) > best[:2]:
                best = (n_ok, ncols, delim, decimal)
    if best[0] == 0:
        raise ValueError(
            f"{name}: no rows of numbers found at the end of the file (line {len(lines)}): "
            "expected a force trace with one sample per line, numbers separated by tabs, ';', ',' "
            "or spaces. Is this a force-plate export? Its last line reads "
            + repr(tail[-1][:60] if tail else "")
            + "."
        )
    return TableFormat(best[2], best[3], best[1])


def find_data_start(lines: list[str], fmt: TableFormat) -> int:
    """Index of the first line of the data block.

    That is the first line where it and the next two lines are rows of ``ncols`` numbers; if no
    three such rows follow each other, the first such row (the strict reading that follows then
    names the line that breaks the block).
    """

    def ok(line: str) -> bool:
        fields = split_fields(line, fmt.delim)
        return len(fields) == fmt.ncols and is_data(fields, fmt.decimal)

    good = [ok(ln) for ln in lines]
    for i in range(len(lines)):
        if all(good[i : i + 3]):
            return i
    return good.index(True)


def parse_unit(text: str) -> str | None:
    """A key of :data:`UNITS` for a unit as written (``"kN"``, ``"newtons"``, ``"%BW"``), or None.

    Examples
    --------
    >>> parse_unit("Newtons"), parse_unit("x BW"), parse_unit("furlongs")
    ('n', 'bw', None)
    """
    u = text.strip().lower().replace(" ", "").replace("·", "")
    u = {"newton": "n", "newtons": "n", "kilonewton": "kn", "kp": "kgf", "lb": "lbf"}.get(u, u)
    u = {"xbw": "bw", "bodyweight": "bw", "bodyweights": "bw", "%bodyweight": "%bw"}.get(u, u)
    return u if u in UNITS else None


def column_unit(name: str) -> str | None:
    """The unit written in a column name, ``"Fz [kN]"`` -> ``"kn"``, or None."""
    m = _SUFFIX_UNIT.search(name)
    if not m:
        return None
    return parse_unit(m.group(1) or m.group(2))


def bare(name: str) -> str:
    """A column name without its unit suffix and quotes."""
    return clean(_SUFFIX_UNIT.sub("", name))


def read_column_names(header: list[str], fmt: TableFormat) -> ColumnNames:
    """Column names (and a units row) directly above the data, if the header ends with them."""
    ncols = fmt.ncols
    named = [h for h in header if h.strip()]
    delim_names = fmt.delim
    if fmt.delim is None and named:
        # whitespace-separated names may contain single spaces ("Time (s)   Fz (N)")
        wide = [f for f in re.split(r"\s{2,}|\t", named[-1].strip()) if f]
        if len(wide) == ncols:
            named[-1] = "\t".join(wide)
            delim_names = "\t"
    if not named or len(split_fields(named[-1], delim_names)) != ncols:
        return ColumnNames(tuple(f"column {j}" for j in range(ncols)), (None,) * ncols, (), 0)
    last = [clean(f) for f in split_fields(named[-1], delim_names)]
    as_units = [parse_unit(f) for f in last]
    is_unit_row = sum(
        u is not None or f.lower() in {"s", "ms", "hz"} for u, f in zip(as_units, last, strict=True)
    )
    if is_unit_row == ncols and len(named) >= 2:
        above = split_fields(named[-2], fmt.delim)
        if len(above) == ncols:
            return ColumnNames(tuple(clean(f) for f in above), tuple(as_units), tuple(last), 2)
    return ColumnNames(tuple(last), (None,) * ncols, (), 1)


def _header_number(text: str) -> float:
    return float(text.replace(",", "."))


def read_header_meta(meta: list[str], name: str) -> HeaderMeta:
    """Sampling rate, body mass and force unit from the header lines (``meta`` starts at line 1).

    Raises
    ------
    ValueError
        Naming the line, if a rate or mass there is zero or absurd.

    Examples
    --------
    >>> read_header_meta(["Sampling rate: 1 kHz", "Body mass: 72,5 kg"], "x").fs
    1000.0
    """
    fs = mass = None
    fs_line = mass_line = 0
    unit: str | None = None
    unit_line = 0
    for k, h in enumerate(meta, start=1):
        if (m := _UNITS_LINE.match(h)) and (u := parse_unit(m.group(2))):
            unit, unit_line = u, k
            continue
        if (m := _RATE_LINE.search(h)) and fs is None:
            fs = _header_number(m.group(3)) * (
                1000.0 if (m.group(4) or "").lower() == "khz" else 1.0
            )
            fs_line = k
            if not 0.0 < fs <= 1e6:
                raise ValueError(
                    f"{name} line {k}, column 1: sampling rate {fs:g} Hz in {h.strip()[:60]!r}; "
                    "expected a positive rate up to 1 MHz. Fix the header line or pass fs=<Hz>."
                )
        elif (m := _MASS_LINE.search(h)) and mass is None:
            val, u = _header_number(m.group(2)), (m.group(3) or "kg").lower()
            mass = val / G if u == "n" else val * 0.45359237 if u.startswith("lb") else val
            mass_line = k
            if not 0.0 < mass < 1000.0:
                raise ValueError(
                    f"{name} line {k}, column 1: body mass {mass:g} kg in {h.strip()[:60]!r}; "
                    "expected a person's mass (more than 0, less than 1000 kg). Fix the header "
                    "line or pass body_mass=<kg>."
                )
    return HeaderMeta(fs, fs_line, mass, mass_line, unit, unit_line)


def choose_force_columns(
    names: tuple[str, ...],
    column: str | int | list[str] | list[int] | None,
    time_col: int | None,
    name: str,
) -> list[int]:
    """0-based indices of the vertical force column(s): as asked, or found by name."""
    ncols = len(names)
    if column is not None:
        wanted = column if isinstance(column, list) else [column]
        idx: list[int] = []
        for c in wanted:
            if isinstance(c, int):
                if not -ncols <= c < ncols:
                    raise ValueError(
                        f"column={c} is out of range: {name} has {ncols} columns {list(names)}."
                    )
                idx.append(c % ncols)
            else:
                lower = [bare(n).lower() for n in names]
                key = bare(str(c)).lower()
                if key not in lower:
                    raise ValueError(
                        f"column {c!r} not found; the columns of {name} are {list(names)}. "
                        "Pass one of these names or a 0-based index."
                    )
                idx.append(lower.index(key))
        return idx
    candidates = [i for i, n in enumerate(names) if i != time_col and _FORCE_NAME.match(bare(n))]
    if not candidates:
        others = [i for i in range(ncols) if i != time_col]
        generic = all(re.fullmatch(r"(col(umn)?\s*)?\d+", n, re.I) for n in names)
        if len(others) == 1 and (generic or not any(n.strip() for n in names)):
            return others
        raise ValueError(
            f"{name}: no vertical force column found among {list(names)}: expected a column "
            "named like Fz, Fz1/Fz2 (plates to sum), 'Force' or 'Vertical force'. Pass "
            "column='NAME' (or a 0-based index) to say which column is vertical force."
        )
    squashed = [bare(names[i]).lower().replace(" ", "").replace("_", "") for i in candidates]
    totals = [
        i for i, b in zip(candidates, squashed, strict=True) if b in {"fz", "fztotal", "totalfz"}
    ]
    if len(candidates) > 1 and totals:
        return totals[:1]
    return candidates
