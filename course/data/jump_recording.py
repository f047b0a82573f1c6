"""A measured countermovement jump on two force plates, fetched on demand from PyPI.

The JumpMetrics package (Hirsch & Howarth; MIT licence; PyPI ``jumpmetrics``) ships, in its
source distribution only, the sample trial ``sample_data/cmj_example.txt`` (the same bytes as its
``docker_example/input/F02_CTRL1.txt``): 20 s of a two-plate recording at 2000 Hz, twelve columns
``FX1, FY1, FZ1, MX1, MY1, MZ1, FX2, ... MZ2`` in N and N·m, no header. The package does not say
who jumped or how it was recorded; the trace itself has every sign of a real recording: about
1.2 N of plate noise while empty, a person stepping on, 5 s of quiet standing at 723 N
(73.7 kg), a countermovement jump, a landing, and stepping off.

:func:`fetch_cmj_recording` downloads the sdist with ``pip download`` (see
:mod:`course.data.pinned_sdist`), checks the file's SHA-256 and caches it with a provenance record;
nothing is copied into the repository. :func:`load_cmj_recording` sums the two vertical channels
and keeps the part from quiet standing to just before stepping off (6.0–9.9 s of the file), so
that :func:`course.analysis.jumps.analyze_jump` finds quiet standing in its first second.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from course.data import pinned
from course.data.force_plate import ForceTrace
from course.data.pinned_sdist import fetch_sdist_member

__all__ = [
    "CITATION",
    "CMJ_RECORDING",
    "FS_HZ",
    "SOURCE_LABEL",
    "WINDOW_S",
    "fetch_cmj_recording",
    "load_cmj_recording",
]

CITATION = (
    "Hirsch S.M., Howarth S. JumpMetrics: a Python package computing countermovement and squat "
    "jump events and metrics (software, MIT licence); sample trial sample_data/cmj_example.txt "
    "(F02_CTRL1) of the jumpmetrics 0.2.0 source distribution on PyPI"
)
#: Short source line for plots and tables.
SOURCE_LABEL = "Measured CMJ: JumpMetrics sample trial F02_CTRL1 (PyPI jumpmetrics 0.2.0, MIT)"

#: The pinned file: package, version, member of the sdist, SHA-256, size in bytes, licence.
CMJ_RECORDING = pinned.PinnedFile(
    name="jumpmetrics-cmj_example.txt",
    package="jumpmetrics",
    version="0.2.0",
    member="jumpmetrics-0.2.0/sample_data/cmj_example.txt",
    sha256="97b32c5bffb8947f39f6eb441f26ee83cb61552e506a925727d55da7c196cd5f",
    size=4865056,
    licence="MIT (the jumpmetrics package)",
)

#: Sampling rate of the recording in Hz (stated in the package's README).
FS_HZ = 2000.0
#: Part of the file kept by :func:`load_cmj_recording`, in s: quiet standing to before stepping off.
WINDOW_S = (6.0, 9.9)


def fetch_cmj_recording(*, directory: Path | str | None = None) -> Path:
    """The pinned recording in the cache, downloaded with pip on first use.

    Parameters
    ----------
    directory
        Cache folder (default: the course's data cache, ``RUNNING_FORM_LAB_DATA`` to override).

    Returns
    -------
    pathlib.Path
        The verified text file (12 comma-separated columns, 40 000 rows).
    """
    f = CMJ_RECORDING
    return fetch_sdist_member(
        f.package,
        f.version,
        f.member,
        f.sha256,
        filename=f.name,
        directory=directory,
        provenance={"citation": CITATION, "licence": f.licence},
    )


def load_cmj_recording(*, directory: Path | str | None = None) -> ForceTrace:
    """The measured countermovement jump as a :class:`~course.data.ForceTrace` in N.

    Parameters
    ----------
    directory
        Cache folder, as for :func:`fetch_cmj_recording`.

    Returns
    -------
    ForceTrace
        ``FZ1 + FZ2`` (vertical force of both plates, N) over :data:`WINDOW_S` of the file at
        2000 Hz, time from the start of that window; ``source`` is :data:`SOURCE_LABEL`.

    Examples
    --------
    >>> tr = load_cmj_recording()
    >>> tr.fs, round(tr.duration, 2), tr.columns_used
    (2000.0, 3.9, ('FZ1', 'FZ2'))
    """
    path = fetch_cmj_recording(directory=directory)
    data = np.loadtxt(path, delimiter=",", dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != 12:
        raise ValueError(
            f"{path} should hold 12 comma-separated columns (two plates: FX, FY, FZ, MX, MY, MZ); "
            f"got shape {data.shape}. Delete the file to download it again."
        )
    i0, i1 = round(WINDOW_S[0] * FS_HZ), round(WINDOW_S[1] * FS_HZ)
    force = np.ascontiguousarray(data[i0:i1, 2] + data[i0:i1, 8])
    return ForceTrace(
        t=np.arange(force.size) / FS_HZ,
        force=force,
        fs=FS_HZ,
        units_note="N (the plates' own unit; quiet standing 723 N = 73.7 kg)",
        source=SOURCE_LABEL,
        columns_used=("FZ1", "FZ2"),
        notes=(
            f"two plates summed; {WINDOW_S[0]:g}–{WINDOW_S[1]:g} s of the 20 s file kept "
            "(quiet standing to before stepping off)",
        ),
        header=(CITATION,),
    )
