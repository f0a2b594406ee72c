"""Benchmark the scoring functions: HoNOS-secure through the data-frame and record paths.

Run (not part of the test run; needs the ``pandas`` extra)::

    python -m pip install -e ".[pandas]" && python benchmarks/bench_scoring.py

The case is the one the scoring issue sets: 1,000,000 HoNOS-secure assessments scored
for totals, subscales, completeness and the security total, in under 2 seconds on one
core through the data-frame path. The records are random but realistic in shape: each
rating 0-4 with lower ratings commoner, and about 5 % of ratings 9 (not known), from a
seeded generator so every run scores the same table.

The process is pinned to one CPU where the platform allows it, and numpy's thread pools
are limited to one thread, before numpy is imported. The data-frame path is timed over
the full million rows; the record path (plain dicts through ``score_records``) over
100,000 and reported per second. Each figure is the median of the repeats, with the best
shown too.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one thread: set before numpy is imported

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import pathway_model as pm  # noqa: E402
from pathway_model import scoring  # noqa: E402
from pathway_model.scoring import frames  # noqa: E402

FRAME_ROWS = 1_000_000
RECORD_ROWS = 100_000
REPEATS = 3
GOAL_SECONDS = 2.0
SEED = 20_240_108

#: Rating → probability: lower ratings are commoner, and 5 % are 9 (not known).
RATING_WEIGHTS = {0: 0.30, 1: 0.25, 2: 0.20, 3: 0.12, 4: 0.08, 9: 0.05}


def pin_to_one_core() -> str:
    """Pin this process to one CPU where the platform allows it; say which."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


def honos_secure_table(rows: int, seed: int = SEED) -> Any:
    """A seeded table of ``rows`` HoNOS-secure assessments: columns h1-h12 and sa-sg."""
    rng = np.random.default_rng(seed)
    codes = scoring.HONOS_SECURE.codes
    values = rng.choice(
        np.array(list(RATING_WEIGHTS), dtype=np.int64),
        size=(rows, len(codes)),
        p=list(RATING_WEIGHTS.values()),
    )
    table = pd.DataFrame(values, columns=list(codes))
    security = list(codes[len(scoring.HONOS.codes) :])
    # The security scales have no "not known" rating: a 9 drawn there is read as a 0.
    table[security] = table[security].replace(9, 0)
    return table


def timed(call: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Run ``call`` ``repeats`` times; return the median and best seconds."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


def main() -> None:
    """Build the table, time both paths and print the results."""
    pinned = pin_to_one_core()
    print(
        f"pathway_model {pm.__version__}, Python {sys.version.split()[0]}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, {platform.platform()}; {pinned}"
    )
    table = honos_secure_table(FRAME_ROWS)
    records = table.iloc[:RECORD_ROWS].to_dict("records")

    # The two paths must agree before their speeds mean anything.
    sample = scoring.score_honos_secure_records(records[:1_000]).rows
    scored = frames.score_honos_secure_frame(table.iloc[:1_000]).astype(object)
    for row, frame_row in zip(sample, scored.itertuples(index=False), strict=True):
        assert tuple(row.values())[1:] == tuple(frame_row), "the two paths disagree"

    frame_median, frame_best = timed(lambda: frames.score_honos_secure_frame(table))
    frame_rate = FRAME_ROWS / frame_median
    print(
        f"data-frame path, {FRAME_ROWS:,} HoNOS-secure records: median {frame_median:.3f} s, "
        f"best {frame_best:.3f} s ({REPEATS} runs) = {frame_rate:,.0f} records/s"
    )
    verdict = "meets" if frame_median < GOAL_SECONDS else "MISSES"
    print(f"  {verdict} the goal of {FRAME_ROWS:,} records in under {GOAL_SECONDS:.0f} s")

    record_median, record_best = timed(lambda: scoring.score_honos_secure_records(records))
    record_rate = RECORD_ROWS / record_median
    print(
        f"record path, {RECORD_ROWS:,} HoNOS-secure records: median {record_median:.3f} s, "
        f"best {record_best:.3f} s ({REPEATS} runs) = {record_rate:,.0f} records/s "
        f"(about {FRAME_ROWS / record_rate:.1f} s for {FRAME_ROWS:,})"
    )
    print(f"  the data-frame path is {frame_rate / record_rate:.0f}x the record path")


if __name__ == "__main__":
    main()
