"""Analysis kernels: thin, validating wrappers over the compiled core ``course._core``.

Each module wraps one kernel family; inputs are time-first arrays in SI units, results are small
frozen dataclasses. A pure NumPy/SciPy reference of every kernel lives in ``tests/reference``.
"""

from __future__ import annotations
