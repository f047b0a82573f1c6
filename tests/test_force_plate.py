"""course.data.force_plate.read_force_plate on exports written by the tests themselves."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.data.force_plate import ForceTrace, G, read_force_plate


def _trace(n: int = 400, fs: float = 1000.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    force = 700.0 + 300.0 * np.sin(2 * np.pi * 2.0 * t) + rng.normal(0, 2.0, n)
    return t, force


def _write(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _csv(
    t: np.ndarray, cols: list[np.ndarray], sep: str = ",", decimal: str = ".", tdig: int = 4
) -> str:
    out = []
    for i in range(t.size):
        vals = [f"{t[i]:.{tdig}f}"] + [f"{c[i]:.3f}" for c in cols]
        if decimal == ",":
            vals = [v.replace(".", ",") for v in vals]
        out.append(sep.join(vals))
    return "\n".join(out) + "\n"


def test_plain_comma_csv_with_time_column(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "cmj.csv", "time,Fz\n" + _csv(t, [f]))
    tr = read_force_plate(p)
    assert isinstance(tr, ForceTrace)
    assert tr.fs == pytest.approx(1000.0)
    np.testing.assert_allclose(tr.force, f, atol=1e-3)
    np.testing.assert_allclose(tr.t, t, atol=1e-9)
    assert tr.columns_used == ("Fz",)
    assert tr.units_note.startswith("N (assumed")
    assert tr.source == "cmj.csv"


def test_semicolon_decimal_comma_bom_metadata_trailing_blanks(tmp_path: Path) -> None:
    t, f = _trace(fs=500.0)
    text = (
        "Export from PlateSoft 3.2\nSubject: A. Runner\nBody mass: 72,5 kg\n\n"
        "Zeit [s];Fz [N]\n" + _csv(t, [f], sep=";", decimal=",") + "\n\n  \n"
    )
    p = _write(tmp_path / "sj.csv", "\ufeff" + text)
    tr = read_force_plate(p)
    assert tr.fs == pytest.approx(500.0)
    np.testing.assert_allclose(tr.force, f, atol=1e-3)
    assert tr.body_mass == pytest.approx(72.5)
    assert any("decimal comma" in n for n in tr.notes)


def test_two_plates_are_summed_and_said(tmp_path: Path) -> None:
    t, f = _trace()
    left, right = 0.45 * f, 0.55 * f
    fx = np.zeros_like(f)
    p = _write(tmp_path / "two.tsv", "Time\tFx\tFz1\tFz2\n" + _csv(t, [fx, left, right], "\t"))
    tr = read_force_plate(p)
    np.testing.assert_allclose(tr.force, left + right, atol=2e-3)
    assert tr.columns_used == ("Fz1", "Fz2")
    assert any("summed 2 force columns" in n for n in tr.notes)


def test_total_column_preferred_over_plates(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "tot.csv", "time,Fz1,Fz2,Fz\n" + _csv(t, [f / 2, f / 2, f]))
    tr = read_force_plate(p)
    assert tr.columns_used == ("Fz",)
    np.testing.assert_allclose(tr.force, f, atol=1e-3)


def test_sampling_rate_from_header_without_time_column(tmp_path: Path) -> None:
    _, f = _trace(n=300)
    body = "\n".join(f"{v:.2f}" for v in f)
    p = _write(tmp_path / "rate.txt", f"Sampling rate: 2 kHz\nFz\n{body}\n")
    tr = read_force_plate(p)
    assert tr.fs == pytest.approx(2000.0)
    np.testing.assert_allclose(np.diff(tr.t), 1 / 2000.0)
    assert tr.force.size == 300


def test_no_time_no_rate_needs_fs(tmp_path: Path) -> None:
    _, f = _trace(n=50)
    p = _write(tmp_path / "bare.txt", "\n".join(f"{v:.2f}" for v in f) + "\n")
    with pytest.raises(ValueError, match=r"pass fs="):
        read_force_plate(p)
    tr = read_force_plate(p, fs=250)
    assert tr.fs == 250.0
    assert tr.t[-1] == pytest.approx(49 / 250)


def test_fs_argument_contradicting_time_column(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "c.csv", "time,Fz\n" + _csv(t, [f]))
    with pytest.raises(ValueError, match=r"fs=500 Hz was passed but the time column"):
        read_force_plate(p, fs=500)


def test_time_in_ms_and_units_row(tmp_path: Path) -> None:
    t, f = _trace()
    rows = _csv(t * 1000.0, [f / 1000.0])
    p = _write(tmp_path / "ms.csv", "Time,Force\nms,kN\n" + rows)
    tr = read_force_plate(p)
    assert tr.fs == pytest.approx(1000.0)
    np.testing.assert_allclose(tr.force, f, atol=1.0)
    assert "kN (the units row)" in tr.units_note


@pytest.mark.parametrize(
    ("unit", "scale", "mass_header"),
    [
        ("kN", 1e-3, ""),
        ("kgf", 1 / G, ""),
        ("BW", 1 / (80.0 * G), "Body mass: 80 kg\n"),
        ("%BW", 100 / (80.0 * G), "Weight (kg): 80\n"),
        ("N/kg", 1 / 80.0, "Body weight: 784.532 N\n"),
    ],
)
def test_unit_conversion_to_newtons(
    tmp_path: Path, unit: str, scale: float, mass_header: str
) -> None:
    t, f = _trace()
    p = _write(tmp_path / "u.csv", mass_header + f"time,Fz ({unit})\n" + _csv(t, [f * scale]))
    tr = read_force_plate(p)
    np.testing.assert_allclose(tr.force, f, rtol=2e-3, atol=0.5)
    assert unit in tr.units_note


def test_bw_without_mass_is_an_error_then_body_mass_fixes_it(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "bw.csv", "time,Fz [BW]\n" + _csv(t, [f / (70 * G)]))
    with pytest.raises(ValueError, match=r"needs the body mass.*body_mass="):
        read_force_plate(p)
    tr = read_force_plate(p, body_mass=70)
    np.testing.assert_allclose(tr.force, f, rtol=2e-3, atol=0.5)


def test_units_argument_contradicting_file_is_an_error(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "kn.csv", "time,Fz [kN]\n" + _csv(t, [f / 1000]))
    with pytest.raises(ValueError, match=r"units='N' was passed but kn.csv says 'kn'"):
        read_force_plate(p, units="N")


def test_unlabelled_kilonewtons_are_rejected_with_advice(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "small.csv", "time,Fz\n" + _csv(t, [f / 1000]))
    with pytest.raises(ValueError, match=r"largest force is .* N.*units='kN'"):
        read_force_plate(p)
    tr = read_force_plate(p, units="kN")
    np.testing.assert_allclose(tr.force, f, atol=1.0)


def test_unknown_units_argument(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "x.csv", "time,Fz\n" + _csv(t, [f]))
    with pytest.raises(ValueError, match=r"units='furlongs' is not a force unit"):
        read_force_plate(p, units="furlongs")


def test_text_inside_data_names_line_and_column(tmp_path: Path) -> None:
    t, f = _trace(n=100)
    lines = ("time,Fz\n" + _csv(t, [f])).splitlines()
    lines[51] = f"{t[50]:.4f},oops"  # file line 52
    p = _write(tmp_path / "text.csv", "\n".join(lines) + "\n")
    with pytest.raises(
        ValueError, match=r"line 52, column 2 \('Fz'\): expected a number, got 'oops'"
    ):
        read_force_plate(p)


def test_nan_row_names_its_line(tmp_path: Path) -> None:
    t, f = _trace(n=100)
    lines = ("time,Fz\n" + _csv(t, [f])).splitlines()
    lines[31] = f"{t[30]:.4f},NaN"
    p = _write(tmp_path / "nan.csv", "\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 32, column 2 \('Fz'\): empty or NaN value"):
        read_force_plate(p)


def test_wrong_field_count_names_its_line(tmp_path: Path) -> None:
    t, f = _trace(n=100)
    lines = ("time,Fz\n" + _csv(t, [f])).splitlines()
    lines[10] = lines[10] + ",3.0"
    p = _write(tmp_path / "wide.csv", "\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 11: expected 2 fields"):
        read_force_plate(p)


def test_wrong_columns_are_listed(tmp_path: Path) -> None:
    rows = "\n".join(f"{i},{20 + i},{170 + i}" for i in range(20))
    p = _write(tmp_path / "people.csv", "id,age,height\n" + rows + "\n")
    with pytest.raises(ValueError, match=r"no vertical force column found among \['id', 'age'"):
        read_force_plate(p)


def test_prose_file_is_rejected(tmp_path: Path) -> None:
    p = _write(tmp_path / "notes.txt", "Dear coach,\nhere are my notes on the session.\nBye\n")
    with pytest.raises(ValueError, match=r"no rows of numbers found"):
        read_force_plate(p)


def test_time_going_backwards(tmp_path: Path) -> None:
    t, f = _trace(n=60)
    t = t.copy()
    t[40] = t[38]
    p = _write(tmp_path / "back.csv", "time,Fz\n" + _csv(t, [f]))
    with pytest.raises(ValueError, match=r"line 42, column 1 \('time'\).*does not increase"):
        read_force_plate(p)


def test_column_argument_by_name_and_index(tmp_path: Path) -> None:
    t, f = _trace()
    p = _write(tmp_path / "sel.csv", "time,Load A,Load B\n" + _csv(t, [f, 2 * f]))
    with pytest.raises(ValueError, match=r"no vertical force column"):
        read_force_plate(p)
    np.testing.assert_allclose(read_force_plate(p, column="Load B").force, 2 * f, atol=1e-3)
    np.testing.assert_allclose(read_force_plate(p, column=1).force, f, atol=1e-3)
    summed = read_force_plate(p, column=["Load A", "Load B"]).force
    np.testing.assert_allclose(summed, 3 * f, atol=3e-3)
    with pytest.raises(ValueError, match=r"column 'Load C' not found"):
        read_force_plate(p, column="Load C")


def test_binary_and_missing_files(tmp_path: Path) -> None:
    p = tmp_path / "plate.bin"
    p.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(ValueError, match=r"binary"):
        read_force_plate(p)
    with pytest.raises(FileNotFoundError):
        read_force_plate(tmp_path / "nope.csv")


_FORMATS = st.sampled_from([(",", "."), (";", ","), ("\t", "."), ("\t", ","), (" ", ".")])


@given(
    fmt=_FORMATS,
    fs=st.sampled_from([200.0, 500.0, 1000.0, 1200.0]),
    n=st.integers(min_value=5, max_value=80),
    level=st.floats(min_value=100.0, max_value=3000.0),
    seed=st.integers(0, 2**16),
)
def test_round_trip_any_format(
    tmp_path_factory: pytest.TempPathFactory,
    fmt: tuple[str, str],
    fs: float,
    n: int,
    level: float,
    seed: int,
) -> None:
    sep, dec = fmt
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    f = level + rng.normal(0.0, level / 10, n)
    p = tmp_path_factory.mktemp("rt") / "f.txt"
    _write(p, sep.join(["time", "Fz"]) + "\n" + _csv(t, [f], sep=sep, decimal=dec, tdig=7))
    tr = read_force_plate(p)
    assert tr.fs == pytest.approx(fs, rel=1e-3)
    np.testing.assert_allclose(tr.force, f, atol=1e-3)


def test_rounded_time_column_still_gives_the_rate(tmp_path: Path) -> None:
    t, f = _trace(n=2400, fs=1200.0)
    p = _write(tmp_path / "r.csv", "time,Fz\n" + _csv(t, [f], tdig=4))
    assert read_force_plate(p).fs == pytest.approx(1200.0, rel=1e-4)


def test_missing_samples_are_reported(tmp_path: Path) -> None:
    t, f = _trace(n=200)
    keep = np.r_[0:120, 125:200]
    p = _write(tmp_path / "gap.csv", "time,Fz\n" + _csv(t[keep], [f[keep]]))
    with pytest.raises(
        ValueError,
        match=r"line 122: time step 0.006 s differs from the usual 0.001 s; expected uniform",
    ):
        read_force_plate(p)


def test_generated_sample_is_cached_and_labelled(tmp_path: Path) -> None:
    from course.data.samples import force_plate_sample

    p = force_plate_sample("dj", directory=tmp_path)
    stamp = p.stat().st_mtime_ns
    assert force_plate_sample("dj", directory=tmp_path) == p
    assert p.stat().st_mtime_ns == stamp
    tr = read_force_plate(p)
    assert tr.header[0].startswith("SIMULATED drop jump")
    assert tr.body_mass == pytest.approx(72.0)
    assert tr.columns_used == ("Fz1 (N)", "Fz2 (N)")
    with pytest.raises(ValueError, match=r"kind must be one of"):
        force_plate_sample("sprint", directory=tmp_path)


def test_whitespace_names_with_spaces_and_headerless_two_columns(tmp_path: Path) -> None:
    t, f = _trace(n=200)
    rows = "\n".join(f"{a:.4f}   {b:.3f}" for a, b in zip(t, f, strict=True))
    p = _write(tmp_path / "ws.txt", "Time (s)   Fz (N)\n" + rows + "\n")
    tr = read_force_plate(p)
    assert tr.columns_used == ("Fz (N)",)
    assert tr.fs == pytest.approx(1000.0)
    p2 = _write(tmp_path / "bare2.txt", rows + "\n")
    tr2 = read_force_plate(p2)
    np.testing.assert_allclose(tr2.force, f, atol=1e-3)
    assert any("first column" in n for n in tr2.notes)


# -- fuzzing: a bad file is a ValueError that says where, never a crash ---------------------------

_FUZZ_FORMATS = st.sampled_from(
    [(",", "."), (";", ","), (";", "."), ("\t", "."), ("\t", ","), (" ", "."), (" ", ",")]
)
_ODD_CELLS = [
    "",
    " ",
    "NaN",
    "nan",
    "-",
    "--",
    "#N/A",
    "null",
    "1e999",
    "-1e999",
    "1e308",
    "inf",
    "-inf",
    "\ufeff700",
    "7,5",
    "7.5",
    "1.000,5",
    "1,000.5",
    "abc",
    '"800"',
    "'800'",
    "0x1F",
    "1_000",
    "\u0663",
    "++1",
    ".",
    "e5",
    "1e",
    "\x00",
    "\u2028",
    "1e-320",
]
_CELL = st.one_of(
    st.sampled_from(_ODD_CELLS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.text(max_size=5),
)
_HEADERS = st.sampled_from(
    [
        "time;Fz",
        "time,Fz",
        "time\tFz",
        "Time (s)   Fz (N)",
        "t;Fz1;Fz2",
        "Sampling rate: 0 Hz",
        "Sampling rate: 1000 Hz",
        "Body mass: 0 kg",
        "Body mass: 72 kg",
        "Units: BW",
        "Units: kN",
        "s;N",
        "",
    ]
)
_MESSAGE_WITHOUT_LINE = (
    "no vertical force column",
    "has no time column",
    "needs the body mass",
    "is empty",
    "has only",
    "the largest force",
    "in different units",
)


def _valid_rows(n: int, sep: str, dec: str, fs: float = 1000.0) -> list[str]:
    rows = []
    for k in range(n):
        cells = [f"{k / fs:.4f}", f"{700 + 150 * np.sin(k / 7):.2f}"]
        if dec == ",":
            cells = [c.replace(".", ",") for c in cells]
        rows.append(sep.join(cells))
    return rows


def _check_outcome(path: Path) -> None:
    """read_force_plate(path) gives a sane trace or a ValueError that says where; nothing else."""
    try:
        tr = read_force_plate(path)
    except ValueError as exc:
        msg = str(exc)
        assert path.name in msg or "units=" in msg or "fs=" in msg, msg
        located = re.search(r"\blines? \d+", msg)
        assert located or any(s in msg for s in _MESSAGE_WITHOUT_LINE), msg
        if located and re.search(
            r"expected a number|NaN value|infinite value|fields separated", msg
        ):
            assert re.search(r"column \d+", msg), msg
        return
    assert tr.t.shape == tr.force.shape and tr.t.size >= 2
    assert np.all(np.isfinite(tr.t)) and np.all(np.isfinite(tr.force))
    assert np.all(np.diff(tr.t) > 0)
    assert np.isfinite(tr.fs) and tr.fs > 0


@given(
    header=st.lists(_HEADERS, max_size=3),
    fmt=_FUZZ_FORMATS,
    n=st.integers(0, 30),
    junk=st.lists(
        st.tuples(st.integers(0, 40), st.lists(_CELL, min_size=0, max_size=4)), max_size=4
    ),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_fuzzed_files_never_crash(
    tmp_path_factory: pytest.TempPathFactory,
    header: list[str],
    fmt: tuple[str, str],
    n: int,
    junk: list[tuple[int, list[str]]],
    bom: bool,
    newline: str,
) -> None:
    sep, dec = fmt
    lines = header + _valid_rows(n, sep, dec)
    for where, cells in junk:  # malformed rows, odd tokens, mixed delimiters
        lines.insert(min(where, len(lines)), (sep if where % 2 else ";").join(cells))
    text = ("\ufeff" if bom else "") + newline.join(lines) + newline
    p = tmp_path_factory.mktemp("fuzz") / "trial.csv"
    p.write_bytes(text.encode("utf-8", "surrogatepass"))
    _check_outcome(p)


@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    p = tmp_path_factory.mktemp("bytes") / "trial.txt"
    p.write_bytes(data)
    _check_outcome(p)


@given(
    fmt=_FUZZ_FORMATS,
    n=st.integers(8, 60),
    row=st.integers(3, 59),
    col=st.sampled_from([0, 1]),
    bad=st.sampled_from(
        ["", "NaN", "n/a", "abc", "1e999", "-1e999", "#N/A", "7..5", "1.5.0", "1,5"]
    ),
    header_lines=st.lists(st.sampled_from(["Export v2", "Subject: A", ""]), max_size=3),
    quote=st.booleans(),
    bom_cells=st.booleans(),
)
def test_one_bad_cell_is_named_by_line_and_column(
    tmp_path_factory: pytest.TempPathFactory,
    fmt: tuple[str, str],
    n: int,
    row: int,
    col: int,
    bad: str,
    header_lines: list[str],
    quote: bool,
    bom_cells: bool,
) -> None:
    sep, dec = fmt
    row = min(row, n - 1)
    if sep == " " and bad == "":
        bad = "abc"  # an empty cell cannot be written between spaces
    if sep == "," and "," in bad:
        bad = bad.replace(",", ";")  # a decimal comma in a comma-separated file splits the cell
    if dec == "," and bad == "1,5":
        bad = "1.5"  # the wrong decimal mark for this file
    rows = [r.split(sep) for r in _valid_rows(n, sep, dec)]
    if quote:
        rows = [[f'"{c}"' for c in r] for r in rows]
    if bom_cells:  # stray byte-order marks (concatenated exports) are not errors
        rows = [["\ufeff" + r[0], r[1]] for r in rows]
    rows[row][col] = bad
    names = sep.join(["time", "Fz"])
    lines = [*header_lines, names, *(sep.join(r) for r in rows)]
    p = tmp_path_factory.mktemp("cell") / "trial.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = len(header_lines) + 2 + row
    with pytest.raises(ValueError, match=rf"trial\.csv line {line}, column {col + 1} \("):
        read_force_plate(p)


@given(
    fmt=_FUZZ_FORMATS,
    n=st.integers(5, 50),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    quote=st.booleans(),
)
def test_encodings_quotes_and_line_ends_read_the_same(
    tmp_path_factory: pytest.TempPathFactory,
    fmt: tuple[str, str],
    n: int,
    encoding: str,
    newline: str,
    quote: bool,
) -> None:
    sep, dec = fmt
    rows = _valid_rows(n, sep, dec)
    if quote:
        rows = [sep.join(f'"{c}"' for c in r.split(sep)) for r in rows]
    p = tmp_path_factory.mktemp("enc") / "trial.csv"
    p.write_bytes(
        newline.join(["Zeit;Fz" if sep == ";" else sep.join(["time", "Fz"]), *rows]).encode(
            encoding
        )
        + newline.encode(encoding)
    )
    tr = read_force_plate(p)
    k = np.arange(n)
    np.testing.assert_allclose(tr.force, np.round(700 + 150 * np.sin(k / 7), 2), atol=1e-9)
    assert tr.fs == pytest.approx(1000.0)


def test_huge_values_that_overflow_after_conversion_name_their_cell(tmp_path: Path) -> None:
    rows = "\n".join(f"{k / 1000:.3f};{'1e306' if k == 7 else '0.7'}" for k in range(20))
    p = _write(tmp_path / "huge.csv", "time;Fz [kN]\n" + rows + "\n")
    with pytest.raises(ValueError, match=r"line 9, column 2 \('Fz \[kN\]'\): force inf N"):
        read_force_plate(p)


def test_header_rate_and_mass_must_be_sane(tmp_path: Path) -> None:
    rows = "\n".join(f"{700 + k}" for k in range(20))
    p = _write(tmp_path / "rate.txt", "Sampling rate: 0 Hz\nFz\n" + rows + "\n")
    with pytest.raises(ValueError, match=r"rate\.txt line 1, column 1: sampling rate 0 Hz"):
        read_force_plate(p)
    p = _write(tmp_path / "mass.txt", "Sampling rate: 1000 Hz\nBody mass: 0 kg\nFz\n" + rows)
    with pytest.raises(ValueError, match=r"mass\.txt line 2, column 1: body mass 0 kg"):
        read_force_plate(p)


def test_utf16_export_is_read(tmp_path: Path) -> None:
    t, f = _trace(n=50)
    p = _write(tmp_path / "u16.txt", "time\tFz\n" + _csv(t, [f], sep="\t"), encoding="utf-16")
    np.testing.assert_allclose(read_force_plate(p).force, f, atol=1e-3)


def test_rows_that_never_form_a_block_name_the_breaking_line(tmp_path: Path) -> None:
    p = _write(tmp_path / "sparse.csv", "time,Fz\n0.000,700\nnote\n0.001,701\nend\n")
    with pytest.raises(
        ValueError, match=r"sparse\.csv line 3: expected 2 fields.*column 2 is missing"
    ):
        read_force_plate(p)
