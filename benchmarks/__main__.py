"""Run every benchmark module and print a table (or JSON lines with ``--json``)."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from typing import Any

import benchmarks


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != 0 and abs(value) < 1e-3:
            return f"{value * 1e6:.2f} µs"
        return f"{value:.4g}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--json", action="store_true", help="one JSON object per case")
    parser.add_argument(
        "--only", default="", help="run only modules/cases whose name contains this"
    )
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    args = parser.parse_args(argv)

    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    # --only picks whole modules when it names one (cheap); otherwise every module runs and rows are
    # filtered by case name.
    by_module = [n for n in names if args.only and args.only in n]
    rows: list[dict[str, Any]] = []
    for modname in by_module or names:
        module = importlib.import_module(f"benchmarks.{modname}")
        for row in module.cases(quick=args.quick):
            if args.only and not by_module and args.only not in row["name"]:
                continue
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
            else:
                extras = "  ".join(f"{k}={_fmt(v)}" for k, v in row.items() if k != "name")
                print(f"{row['name']:<48} {extras}", flush=True)
    if not rows:
        print("no benchmark case matched", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
