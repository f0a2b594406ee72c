"""Benchmark the rules and the cohort report over a whole synthetic population.

Run (one command, from a clone)::

    python -m pip install -e . && python benchmarks/bench_cohort.py

Figures (each the median of several rounds, best shown too; the machine's other work
falls on every round alike):

- ``assess`` and ``readiness`` for every pathway of an 8,000-person cohort with five years
  of history (goal: under 1 s in total);
- the full cohort report (``cohort_report``, its tidy rows, ``benchmark_table`` and
  ``payments``) for the same cohort (goal: under 2 s), and its CPU time with and
  without the intervals of its measures (goal: the ratio at most 1.5);
- the same two at national scale (the default cohort: 7,500 people in secure care, plus
  the community and those discharged in the window);
- the cohort report in parts: a partial of each chunk of 10,000 records, merged, then
  reported, beside the report in one go (the ratio should be 1 within noise), and the
  same with each partial written to JSON and read back, as Spark executors ship them;
- ``import pathway_model`` in a fresh interpreter (goal: under 0.15 s), and the import
  with serialisation and scoring loaded too;
- memory per loaded pathway (tracemalloc: the bytes the loaded records hold).

``--quick`` runs one round of each, for a check that the script works.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence

import pathway_model as pm
from pathway_model import scoring, synthetic

AS_OF = dt.date(2025, 3, 31)
SEED = 2025
#: People in secure care that give a cohort of about 8,000 records with five years of history
#: (those in care, in the community, and discharged within the window).
PEOPLE_IN_CARE_FOR_8000 = 3_420
#: Records in each part of a report worked out in parts.
CHUNK = 10_000


def timed(
    function: Callable[[], object], rounds: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float]:
    """Median and best time of ``rounds`` calls, in seconds, with the collector paused.

    Wall time by default; ``clock=time.process_time`` for CPU time.
    """
    times = []
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            start = clock()
            function()
            times.append(clock() - start)
        finally:
            gc.enable()
    return statistics.median(times), min(times)


def rules_for_all(cohort: Sequence[pm.Pathway]) -> None:
    """``readiness`` for every pathway, and ``assess`` for everyone still on the pathway.

    A record that ended before ``as_of`` has readiness (of its last stay) but no decision
    to make: ``assess`` refuses a date outside every stay.
    """
    for pathway in cohort:
        pm.readiness(pathway, AS_OF)
        if pathway.current_placement is not None:
            pm.assess(pathway, AS_OF)


def assess_all(cohort: Sequence[pm.Pathway]) -> None:
    """``assess`` alone for everyone still on the pathway (it carries the readiness within)."""
    for pathway in cohort:
        if pathway.current_placement is not None:
            pm.assess(pathway, AS_OF)


def full_report(cohort: Sequence[pm.Pathway]) -> None:
    """The whole cohort report: measures, tidy rows, benchmarking table and payments."""
    report = scoring.cohort_report(cohort, as_of=AS_OF)
    report.rows()
    scoring.benchmark_table(report)
    scoring.payments(report)


@contextlib.contextmanager
def intervals_left_out() -> Iterator[None]:
    """Work the report out as it was before it had intervals, for the ratio only.

    Every measure's interval is left out (each group holds ``None`` for each); nothing
    else changes.
    """
    from pathway_model.scoring import _cohort  # noqa: PLC0415 - the private pass, on purpose

    saved = _cohort._intervals
    _cohort._intervals = lambda group, tally: tuple(
        (measure.name, None, None) for measure in _cohort.COHORT_MEASURES
    )
    try:
        yield
    finally:
        _cohort._intervals = saved


def report_in_one_go(cohort: Sequence[pm.Pathway]) -> scoring.CohortReport:
    """The cohort report of every record at once."""
    return scoring.cohort_report(cohort, as_of=AS_OF)


def report_in_parts(cohort: Sequence[pm.Pathway], *, shipped: bool = False) -> scoring.CohortReport:
    """The cohort report from the partials of chunks of ``CHUNK`` records, merged.

    With ``shipped``, each partial goes through ``to_json`` and ``from_json`` first.
    """
    partials = (
        scoring.CohortPartial.of(cohort[start : start + CHUNK], as_of=AS_OF)
        for start in range(0, len(cohort), CHUNK)
    )
    if shipped:
        partials = (scoring.CohortPartial.from_json(part.to_json()) for part in partials)
    return scoring.merge_partials(partials).report()


def import_time(statement: str, rounds: int) -> tuple[float, float]:
    """Median and best time of ``statement`` in a fresh interpreter, in seconds."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(rounds)
    ]
    return statistics.median(times), min(times)


def memory_per_pathway(parameters: synthetic.CohortParameters) -> tuple[int, int]:
    """Bytes held per pathway by a cohort loaded from JSON, and the records' count."""
    documents = [
        pm.dumps(p) for p in synthetic.synthetic_cohort(parameters, seed=SEED, as_of=AS_OF)
    ]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loaded = [pm.loads(text, pm.Pathway) for text in documents]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held // len(loaded), len(loaded)


def line(label: str, median: float, best: float, unit: str = "s", goal: str = "") -> None:
    """Print one figure."""
    scale = 1000.0 if unit == "ms" else 1.0
    text = f"{label:<52} median {median * scale:8.3f} {unit}   best {best * scale:8.3f} {unit}"
    print(text + (f"   (goal {goal})" if goal else ""))


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of each, for a check")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args(argv)
    rounds = 1 if options.quick else options.rounds
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    print(
        f"pathway_model {pm.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores (pinned to one)"
    )

    line("import pathway_model", *import_time("import pathway_model", rounds * 2), "ms", "< 150 ms")
    line(
        "import pathway_model and pathway_model.scoring",
        *import_time("import pathway_model as pm, pathway_model.scoring; pm.dumps", rounds * 2),
        "ms",
    )

    sizes = [
        ("8,000-person cohort", synthetic.CohortParameters(people_in_care=PEOPLE_IN_CARE_FOR_8000))
    ]
    if not options.quick:
        sizes.append(("national scale (default parameters)", synthetic.CohortParameters()))
    for name, parameters in sizes:
        started = time.perf_counter()
        cohort = synthetic.synthetic_cohort(parameters, seed=SEED, as_of=AS_OF)
        made = time.perf_counter() - started
        reviews = sum(len(p.reviews) for p in cohort)
        print(
            f"\n{name}: {len(cohort):,} pathways, {reviews:,} reviews "
            f"(generated in {made:.1f} s), as of {AS_OF}"
        )
        goal = "< 1 s" if name.startswith("8,000") else ""
        line(
            "readiness and assess, every pathway",
            *timed(lambda c=cohort: rules_for_all(c), rounds),
            goal=goal,
        )
        line("assess alone, every pathway", *timed(lambda c=cohort: assess_all(c), rounds))
        goal = "< 2 s" if name.startswith("8,000") else ""
        line("full cohort report", *timed(lambda c=cohort: full_report(c), rounds), goal=goal)
        cpu = timed(lambda c=cohort: full_report(c), rounds, time.process_time)
        with intervals_left_out():
            bare = timed(lambda c=cohort: full_report(c), rounds, time.process_time)
        line("full cohort report, CPU time", *cpu)
        line("full cohort report without intervals, CPU time", *bare)
        print(
            f"{'ratio with intervals / without (CPU, median)':<52} {cpu[0] / bare[0]:.3f}"
            "   (goal <= 1.5)"
        )
        if report_in_parts(cohort) != report_in_one_go(cohort):
            print("the report in parts differs from the report in one go")
            return 1
        whole = timed(lambda c=cohort: report_in_one_go(c), rounds)
        parts = timed(lambda c=cohort: report_in_parts(c), rounds)
        shipped = timed(lambda c=cohort: report_in_parts(c, shipped=True), rounds)
        chunks = -(-len(cohort) // CHUNK)
        line("cohort report in one go", *whole)
        line(f"cohort report in parts ({chunks} of up to {CHUNK:,})", *parts)
        line("cohort report in parts, each through JSON", *shipped)
        print(
            f"{'ratio in parts / in one go (median)':<52} {parts[0] / whole[0]:.3f}"
            f"   through JSON {shipped[0] / whole[0]:.3f}"
        )

    held, count = memory_per_pathway(synthetic.CohortParameters(people_in_care=300))
    print(
        f"\nmemory per loaded pathway: {held / 1024:.1f} KiB (mean over {count:,} records "
        "loaded from JSON)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
