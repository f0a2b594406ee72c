"""Benchmark the cohort report on Spark against the same report in one process.

Run (not part of the test run; needs the ``spark`` extra and a Java runtime)::

    python -m pip install -e ".[spark]" && python benchmarks/bench_spark.py

The case is the issue's: 100,000 synthetic pathways as JSON Lines (one document a line,
as ``dumps`` writes them; seeded synthetic cohorts, each seed's person ids prefixed so
that every record is a different person), written once and kept in a folder
(``--folder``). Each step runs in a fresh process, so that its time and peak memory
(``ru_maxrss`` of the process; the JVM and Python workers of a Spark step are not in it)
are its own:

- **one process**: the file read line by line, each line loaded with ``loads``, the
  records streamed into ``CohortPartial.of`` and the report made: what a laptop does;
- **Spark local[1]** and **Spark local[2]**: ``spark.read.text`` of the same file, then
  ``pathway_model.spark.cohort_report`` (a partial a partition, merged on the driver);
  the session's start-up is timed apart, and the report is checked equal to the
  one-process report (a step that differs fails).

The figures to read are the ratios: Spark local[2] to one process, and local[1] to
local[2] (the scaling with cores). The machine may be shared and noisy: compare ratios
measured in the same run, not times across runs. ``--records`` shrinks the case for a
quick check.
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
from collections.abc import Iterator, Sequence
from pathlib import Path

AS_OF = dt.date(2025, 3, 31)
SINCE = dt.date(2024, 4, 1)
FILE = "pathways.jsonl"


def _write(path: Path, records: int) -> int:
    """Write ``records`` synthetic documents, one a line; return how many were written."""
    import attrs  # noqa: PLC0415 - each step imports what it times, in its own process

    import pathway_model as pm  # noqa: PLC0415
    from pathway_model import synthetic  # noqa: PLC0415

    written = 0
    seed = 0
    with path.open("w", encoding="utf-8") as out:
        while written < records:
            seed += 1
            for pathway in synthetic.synthetic_cohort(seed=seed, as_of=AS_OF):
                if written == records:
                    break
                renamed = attrs.evolve(pathway, person_id=f"S{seed}-{pathway.person_id}")
                out.write(pm.dumps(renamed) + "\n")
                written += 1
    return written


def _documents(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        yield from lines


def _one_process(path: Path) -> dict[str, object]:
    import pathway_model as pm  # noqa: PLC0415 - each step imports what it times
    from pathway_model import scoring  # noqa: PLC0415

    start = time.perf_counter()
    records = (pm.loads(line, pm.Pathway) for line in _documents(path))
    report = scoring.CohortPartial.of(records, as_of=AS_OF, since=SINCE).report()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "records": report.records, "report": _fingerprint(report)}


def _spark(path: Path, cores: int) -> dict[str, object]:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    start = time.perf_counter()
    from pyspark.sql import SparkSession  # noqa: PLC0415 - each step imports what it times

    from pathway_model import spark as pms  # noqa: PLC0415

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("pathway_model benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.range(1).collect()
    started = time.perf_counter() - start
    try:
        start = time.perf_counter()
        frame = session.read.text(str(path))
        report = pms.cohort_report(frame, column="value", as_of=AS_OF, since=SINCE)
        seconds = time.perf_counter() - start
    finally:
        session.stop()
    return {
        "seconds": seconds,
        "start_seconds": started,
        "records": report.records,
        "report": _fingerprint(report),
    }


def _fingerprint(report: object) -> str:
    """The report as text, to compare the steps' reports across processes."""
    return repr(report)


def _step(name: str, path: Path) -> dict[str, object]:
    cores = name.removeprefix("spark")
    result = _one_process(path) if name == "one" else _spark(path, int(cores))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Write the documents if need be, run each step in its own process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--folder", type=Path, help="a folder to keep the documents in")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.step:
        print(json.dumps(_step(arguments.step, arguments.folder / FILE)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.folder or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILE
        count = sum(1 for _ in path.open(encoding="utf-8")) if path.exists() else 0
        if count != arguments.records:
            start = time.perf_counter()
            count = _write(path, arguments.records)
            print(f"wrote {count:,} documents in {time.perf_counter() - start:.0f} s")
        size = path.stat().st_size / 2**20
        print(f"{count:,} documents, {size:,.0f} MiB of JSON Lines")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
        steps = {"one": "one process", "spark1": "Spark local[1]", "spark2": "Spark local[2]"}
        results: dict[str, list[dict[str, object]]] = {}
        for _ in range(arguments.rounds):
            for step in steps:
                done = subprocess.run(
                    [sys.executable, __file__, "--step", step, "--folder", str(folder)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results.setdefault(step, []).append(json.loads(done.stdout.splitlines()[-1]))
        reports = {run["report"] for runs in results.values() for run in runs}
        if len(reports) != 1:
            print("the reports differ between the steps", file=sys.stderr)
            return 1
        seconds = {
            step: statistics.median(float(str(run["seconds"])) for run in runs)
            for step, runs in results.items()
        }
        for step, runs in results.items():
            start = runs[0].get("start_seconds")
            started = "" if start is None else f"  (+ {float(str(start)):.0f} s to start Spark)"
            print(
                f"{steps[step]:<16} {seconds[step]:7.1f} s  "
                f"{count / seconds[step]:8,.0f} records/s  "
                f"peak {max(float(str(r['peak_mib'])) for r in runs):,.0f} MiB{started}"
            )
        print(f"one process / Spark local[2]: {seconds['one'] / seconds['spark2']:.2f}x")
        print(f"Spark local[1] / local[2]:    {seconds['spark1'] / seconds['spark2']:.2f}x")
        print("the three reports are equal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
