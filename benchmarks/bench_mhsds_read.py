"""Benchmark reading a national-scale MHSDS extract into pathways and reporting on it.

Run (not part of the test run; needs the ``mhsds`` and ``pandas`` extras)::

    python -m pip install -e ".[mhsds]" && python benchmarks/bench_mhsds_read.py

The case is the one the MHSDS issue sets: a synthetic extract of about 10,000 people in
secure care, with five years of monthly submissions (60 months, every open spell, ward
stay and readiness period sent again each month, a refresh of the month before the last,
and a seeded HoNOS-secure at each CPA review), written as CSV by ``write_extract``. The
steps, each in a fresh process so that its peak memory (``ru_maxrss``) is its own:

- **pandas read**: the baseline, ``pandas.read_csv`` of every file as text
  (``dtype=str``, ``keep_default_na=False``), and nothing else;
- **read extract**: ``read_extract``: the same files read, every value typed and checked,
  the three layers of de-duplication, every row accounted for;
- **pathways and report**: ``read_pathways`` (the step above, then the records built),
  ``national_measures`` over the five years, and the cohort report of the records.

Each step reports its wall time (median of the rounds), rows per second over every row
of every file, and peak memory; the figures to read are the ratios to the pandas read,
measured in the same run. The machine may be shared and noisy: compare ratios, not times.
``--people`` and ``--months`` shrink the case for a quick check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pathway_model import scoring
from pathway_model.mhsds import (
    build_pathways,
    month_id_of,
    national_measures,
    read_extract,
    write_extract,
)
from pathway_model.synthetic import CohortParameters, synthetic_cohort

AS_OF = dt.date(2025, 3, 31)
SEED = 2025


def _write(folder: Path, people: int, months: int) -> dict[str, int]:
    """Write the synthetic extract; return the rows written per table."""
    cohort = synthetic_cohort(CohortParameters(people_in_care=people), seed=SEED, as_of=AS_OF)
    last = month_id_of(AS_OF)
    written = write_extract(
        cohort, folder, last_month=last, first_month=last - months + 1, honos_seed=SEED
    )
    return {"records": len(cohort), **written.rows}


def _step(name: str, folder: Path) -> dict[str, float | int]:
    """Run one step once, in this process; return its time and peak memory.

    pandas and the library are imported (at the top) before the clock starts, in every
    step alike.
    """
    start = time.perf_counter()
    if name == "pandas":
        rows = 0
        for path in sorted(folder.glob("*.csv")):
            rows += len(pd.read_csv(path, dtype=str, keep_default_na=False))
        result: dict[str, float | int] = {"rows": rows}
    elif name == "extract":
        extract = read_extract(folder)
        result = {"rows": sum(t.read for t in extract.accounting.tables.values())}
    else:
        extract = read_extract(folder)
        built = build_pathways(extract)
        measures = national_measures(extract, period_end=AS_OF)
        report = scoring.cohort_report(built.pathways, as_of=AS_OF)
        result = {
            "rows": sum(t.read for t in built.accounting.tables.values()),
            "pathways": len(built.pathways),
            "measure_rows": len(measures.rows()),
            "report_rows": len(report.rows()),
        }
    result["seconds"] = time.perf_counter() - start
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Write the extract if need be, then time each step in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="people in secure care")
    parser.add_argument("--months", type=int, default=60, help="months of submissions")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="an extract already written (kept)")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.step:
        print(json.dumps(_step(arguments.step, arguments.folder)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.folder or Path(scratch)
        if not any(folder.glob("*.csv")):
            start = time.perf_counter()
            written = _write(folder, arguments.people, arguments.months)
            print(f"wrote {written} in {time.perf_counter() - start:.1f} s")
        size = sum(path.stat().st_size for path in folder.glob("*.csv")) / 2**20
        print(f"extract: {size:.0f} MiB of CSV in {len(list(folder.glob('*.csv')))} files")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
        results: dict[str, list[dict[str, float | int]]] = {}
        for _ in range(arguments.rounds):
            for step in ("pandas", "extract", "report"):
                done = subprocess.run(
                    [sys.executable, __file__, "--step", step, "--folder", str(folder)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results.setdefault(step, []).append(json.loads(done.stdout))
        base = statistics.median(r["seconds"] for r in results["pandas"])
        labels = {
            "pandas": "pandas read (baseline)",
            "extract": "read_extract",
            "report": "read, pathways, measures, report",
        }
        for step, runs in results.items():
            seconds = statistics.median(r["seconds"] for r in runs)
            rows = runs[0]["rows"]
            peak = max(r["peak_mib"] for r in runs)
            extra = {k: v for k, v in runs[0].items() if k not in {"rows", "seconds", "peak_mib"}}
            print(
                f"{labels[step]:<34} {seconds:8.1f} s  {rows / seconds:>10,.0f} rows/s  "
                f"{seconds / base:5.1f}x pandas  peak {peak:,.0f} MiB  {extra or ''}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
