"""Benchmark streaming many records from JSON Lines into the cohort report.

Run (not part of the test run; the rivals need the ``bench`` extra)::

    python -m pip install -e ".[bench]" && python benchmarks/bench_stream.py

The records are seeded synthetic pathways (``synthetic_cohort`` at its default, national
parameters, one cohort per seed), written once as JSON Lines and kept in a folder
(``--folder``, by default one in the system's temporary folder) for later runs. A large
file repeats the cohorts of a few seeds, each copy with its people's ids made new, so a
million records take a few minutes to write, not an hour to generate.

Each step runs in a fresh process, so that its peak memory (``VmHWM`` on Linux, else
``ru_maxrss``) is its own:

- **report**: ``cohort_report(read_records(file), as_of=...)``, the whole report from the
  stream, at each size (10,000, 100,000 and 1,000,000 by default): time per record
  (wall and processor) and peak memory;
- **read**: ``read_records`` alone, each record dropped once read: the reader's own
  memory, which must not grow with the file;
- **hold**: every record read and kept in a list, three ways: ``loads`` line by line
  with the collector as it is, ``read_records`` (which freezes what is alive at every
  thousand records), and ``loads`` with the collector off (the floor): time per record
  at each size, which must stay flat;
- **bulk load**: the same records loaded and kept by pathway_model (``read_records``) and
  by the pydantic v2 and msgspec models of ``benchmarks/_rivals.py``
  (``model_validate_json`` of each line), records per second;
- **memory per record**: tracemalloc of records loaded and kept.

The machine may be shared and noisy: processor time is shown beside wall time, and
the figures to read are the ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pathway_model as pm
from pathway_model import scoring, synthetic
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.records import read_records

AS_OF = dt.date(2025, 3, 31)
#: The seeds of the cohorts a file is made of (each cohort about 17,400 records).
SEEDS = range(2025, 2033)
SIZES = (10_000, 100_000, 1_000_000)
#: Sizes at which every record is kept in memory (the hold and bulk steps).
HOLD_SIZES = (10_000, 100_000)


# --- the records ----------------------------------------------------------------------------


def _cohort_lines(seed: int) -> list[bytes]:
    """A cohort's records in a seeded random order.

    A cohort lists its people by admission, the longest records first; shuffled, every
    file (the first 10,000 records as much as a million) holds the same mix.
    """
    cohort = synthetic.synthetic_cohort(synthetic.CohortParameters(), seed=seed, as_of=AS_OF)
    lines = [pm.dumps(record).encode() for record in cohort]
    random.Random(seed).shuffle(lines)
    return lines


def write_records(path: Path, count: int) -> None:
    """Write ``count`` records as JSON Lines: the seeds' cohorts in turn, then again.

    Each pass after the first gives every person a new id (``SYN-000001`` becomes
    ``R01-000001``), so no two lines are the same record.
    """
    cohorts: list[list[bytes]] = []
    written = 0
    partial = path.with_suffix(".partial")
    with partial.open("wb") as file:
        copy = 0
        while written < count:
            for number, seed in enumerate(SEEDS):
                if len(cohorts) <= number:
                    cohorts.append(_cohort_lines(seed))
                prefix = b'"person_id":"SYN-'
                fresh = b'"person_id":"%s%02d%01d-' % (b"R" if copy else b"S", copy, number)
                for line in cohorts[number]:
                    file.write(line.replace(prefix, fresh, 1) + b"\n")
                    written += 1
                    if written == count:
                        break
                if written == count:
                    break
            copy += 1
    partial.replace(path)


def records_file(folder: Path, count: int) -> Path:
    """The JSON Lines file of ``count`` records, written on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pathways-{count}.jsonl"
    larger = sorted(
        (int(other.stem.partition("-")[2]), other)
        for other in folder.glob("pathways-*.jsonl")
        if int(other.stem.partition("-")[2]) > count
    )
    if not path.exists() and larger:  # the first lines of a larger file: the same mix
        with larger[0][1].open("rb") as source, path.open("wb") as target:
            target.writelines(itertools.islice(source, count))
    elif not path.exists():
        started = time.perf_counter()
        write_records(path, count)
        print(
            f"  wrote {path} ({path.stat().st_size / 2**30:.2f} GiB) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return path


# --- the steps, each run in its own process ------------------------------------------------------


def _report(path: Path) -> dict[str, Any]:
    report = scoring.cohort_report(read_records(path), as_of=AS_OF)
    report.rows()
    return {"records": report.records}


def _read(path: Path) -> dict[str, Any]:
    count = 0
    for _ in read_records(path):
        count += 1
    return {"records": count}


def _hold_loads(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        kept = [pm.loads(line, pm.Pathway) for line in file]
    return {"records": len(kept)}


def _hold_reader(path: Path) -> dict[str, Any]:
    kept = list(read_records(path))
    return {"records": len(kept)}


def _hold_floor(path: Path) -> dict[str, Any]:
    gc.disable()
    return _hold_loads(path)


def _pydantic(path: Path) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _rivals  # noqa: PLC0415 - beside this script

    with path.open("rb") as file:
        kept = [_rivals.PPathway.model_validate_json(line) for line in file]
    return {"records": len(kept)}


def _msgspec(path: Path) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _rivals  # noqa: PLC0415 - beside this script
    import msgspec  # noqa: PLC0415 - the bench extra

    decoder = msgspec.json.Decoder(_rivals.MPathway)
    with path.open("rb") as file:
        kept = [decoder.decode(line) for line in file]
    return {"records": len(kept)}


def _memory(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        lines = file.readlines()
    pm.loads(lines[0], pm.Pathway)  # the converter's functions are made before measuring
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = list(read_records(path))
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return {"records": len(kept), "bytes_per_record": held / len(kept)}


STEPS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "report": _report,
    "read": _read,
    "hold-loads": _hold_loads,
    "hold-reader": _hold_reader,
    "hold-floor": _hold_floor,
    "pydantic": _pydantic,
    "msgspec": _msgspec,
    "memory": _memory,
}


def peak_memory_mib() -> float:
    """The process's peak resident memory, in MiB.

    Linux's ``VmHWM`` where there is one: ``ru_maxrss`` would also count the memory of
    the parent process at the moment it forked this one.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(step: str, path: Path) -> None:
    """Run one step and print its figures as JSON."""
    record = pm.Pathway.start(
        SECURE_PATHWAY, person_id="P-1", stage="medium_secure", provider="Unit", on=AS_OF
    )
    pm.loads(pm.dumps(record), pm.Pathway)  # the converter's functions, made before timing
    wall, cpu = time.perf_counter(), time.process_time()
    figures = STEPS[step](path)
    figures["seconds"] = time.perf_counter() - wall
    figures["cpu_seconds"] = time.process_time() - cpu
    figures["max_rss_mib"] = peak_memory_mib()
    print(json.dumps(figures))


def run(step: str, path: Path) -> dict[str, Any]:
    """Run one step in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"{step} on {path} failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return figures


def show(step: str, size: int, figures: dict[str, Any]) -> None:
    """Print one step's figures."""
    assert figures["records"] == size, figures
    per = figures["seconds"] / size * 1e6
    per_cpu = figures["cpu_seconds"] / size * 1e6
    print(
        f"{step:12} {size:>9,} records  {figures['seconds']:8.1f} s  {per:7.0f} µs/record "
        f"(processor {per_cpu:5.0f} µs)  {size / figures['seconds']:8,.0f} records/s  "
        f"peak RSS {figures['max_rss_mib']:8,.0f} MiB",
        flush=True,
    )


def _memory_stage(folder: Path, _: list[int], hold_sizes: list[int]) -> None:
    figures = run("memory", records_file(folder, hold_sizes[0]))
    print(
        f"memory per record kept: {figures['bytes_per_record'] / 1024:.1f} KiB "
        f"(tracemalloc, {figures['records']:,} records)",
        flush=True,
    )


def _bulk_stage(folder: Path, _: list[int], hold_sizes: list[int]) -> None:
    size = hold_sizes[0]
    path = records_file(folder, size)
    rates = {}
    for name, step in (
        ("pathway_model", "hold-reader"),
        ("pydantic v2", "pydantic"),
        ("msgspec", "msgspec"),
    ):
        try:
            figures = run(step, path)
        except SystemExit as failure:  # a rival not installed
            print(f"{name}: not run ({str(failure).splitlines()[-1]})")
            continue
        show(f"bulk {name}", size, figures)
        rates[name] = size / figures["cpu_seconds"]
    if "pydantic v2" in rates:
        print(
            "bulk load, records per processor second: pathway_model / pydantic v2 = "
            f"{rates['pathway_model'] / rates['pydantic v2']:.2f}",
            flush=True,
        )


def _hold_stage(folder: Path, _: list[int], hold_sizes: list[int]) -> None:
    for size in hold_sizes:
        for step in ("hold-loads", "hold-reader", "hold-floor"):
            show(step, size, run(step, records_file(folder, size)))


def _sized_stage(step: str) -> Callable[[Path, list[int], list[int]], None]:
    def stage(folder: Path, sizes: list[int], _: list[int]) -> None:
        for size in sizes:
            show(step, size, run(step, records_file(folder, size)))

    return stage


STAGES: dict[str, Callable[[Path, list[int], list[int]], None]] = {
    "memory": _memory_stage,
    "bulk": _bulk_stage,
    "hold": _hold_stage,
    "report": _sized_stage("report"),
    "read": _sized_stage("read"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the records once, run every step and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "pathway_model_bench_stream"
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="record counts for the report and read steps, comma-separated",
    )
    parser.add_argument("--hold-sizes", default=",".join(str(size) for size in HOLD_SIZES))
    parser.add_argument("--steps", default="report,memory,bulk,hold,read")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a check")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        child(options.child[0], Path(options.child[1]))
        return 0
    sizes = [2_000, 10_000] if options.quick else [int(n) for n in options.sizes.split(",")]
    hold_sizes = (
        [2_000, 10_000] if options.quick else [int(n) for n in options.hold_sizes.split(",")]
    )
    steps = options.steps.split(",")
    print(
        f"pathway_model {pm.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores; records in {options.folder}",
        flush=True,
    )
    records_file(options.folder, max(sizes + hold_sizes))  # the others are its first lines
    for step in steps:
        STAGES[step](options.folder, sizes, hold_sizes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
