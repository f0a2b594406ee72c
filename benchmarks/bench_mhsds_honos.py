"""Benchmark HoNOS in MHSDS shape: 1,000,000 long-format coded rows, against a pandas baseline.

Run (not part of the test run; needs the ``pandas`` extra)::

    python -m pip install -e ".[pandas]" && python benchmarks/bench_mhsds_honos.py

The case is the one the MHSDS issue sets: score 1,000,000 long-format HoNOS rows (one row
per scale: person, assessment, date, SNOMED CT code, ``PersScore`` as text) within 2x of
a hand-written pandas pivot-and-sum baseline, timed in the same run. The rows are
seeded: about 55,000 HoNOS-secure assessments of 19 rows each (12 clinical scales and 7
security scales), scores written ``'0'``-``'4'`` with some ``'03'``-style, ``'9'`` and
``'Missi'``, and about 1 % of rows resubmitted.

The baseline does only what a hand-written notebook would: read the score as a number
(``pd.to_numeric``), keep 0-4, pivot to one column per scale and sum the clinical
scales. The library's ``score_honos_long_frame`` also drops resubmitted duplicates, leaves
conflicting scales not known, tells HoNOS from HoNOS-secure, counts valid scales (AMH04,
full) and gives the subscales and the security total. Both are checked to give the same
clinical totals. The figure to read is the ratio, measured in one run (the machine may
be shared and noisy); each time is the median of the repeats.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one thread: set before numpy is imported

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pathway_model.catalogue import HONOS_SECURE  # noqa: E402
from pathway_model.mhsds import score_honos_long_frame  # noqa: E402

ROWS = 1_000_000
REPEATS = 3
GOAL_RATIO = 2.0
SEED = 20_250_115

#: Score text -> probability: mostly single digits, some two-digit, some not known.
TEXT_WEIGHTS = {
    "0": 0.25,
    "1": 0.22,
    "2": 0.18,
    "3": 0.10,
    "4": 0.07,
    "01": 0.04,
    "03": 0.04,
    "9": 0.07,
    "Missi": 0.03,
}


def long_rows(rows: int = ROWS, seed: int = SEED) -> Any:
    """A seeded frame of about ``rows`` long-format HoNOS-secure rows, 1 % resubmitted."""
    rng = np.random.default_rng(seed)
    codes = np.array([scale.snomed_ct for scale in HONOS_SECURE.scales], dtype=object)
    assessments = rows // len(codes)
    people = max(assessments // 6, 1)
    assessment = np.repeat(np.arange(assessments), len(codes))
    person = rng.integers(0, people, assessments)[assessment]
    day = np.datetime64("2021-04-01") + rng.integers(0, 1460, assessments)
    frame = pd.DataFrame(
        {
            "person_id": pd.Series(person).map("P{:06d}".format),
            "assessment_id": pd.Series(assessment).map("A{:07d}".format),
            "date": day[assessment],
            "code": np.tile(codes, assessments),
            "score": rng.choice(
                np.array(list(TEXT_WEIGHTS), dtype=object),
                size=len(assessment),
                p=list(TEXT_WEIGHTS.values()),
            ),
        }
    )
    resent = frame.sample(frac=0.01, random_state=seed)
    return pd.concat([frame, resent], ignore_index=True).iloc[:rows].reset_index(drop=True)


def baseline(frame: Any) -> Any:
    """A hand-written pivot-and-sum: numeric scores 0-4, one column per scale, summed."""
    clinical = [scale.snomed_ct for scale in HONOS_SECURE.scales[:12]]
    score = pd.to_numeric(frame["score"], errors="coerce")
    kept = frame.assign(score=score.where(score.between(0, 4)))
    wide = kept.pivot_table(
        index=["person_id", "assessment_id", "date"],
        columns="code",
        values="score",
        aggfunc="first",
    )
    return wide.reindex(columns=clinical).sum(axis=1, min_count=0)


def timed(call: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    """Run ``call`` ``repeats`` times; return the median seconds and the last result."""
    seconds = []
    result: object = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), result


def main() -> int:
    """Time both, check they agree on the clinical totals, print the ratio."""
    frame = long_rows()
    print(
        f"{len(frame):,} long-format rows; Python {sys.version.split()[0]}, pandas {pd.__version__}"
    )
    library_seconds, scored = timed(lambda: score_honos_long_frame(frame))
    baseline_seconds, summed = timed(lambda: baseline(frame))
    scored = scored.set_index(["person_id", "assessment_id", "date"])  # type: ignore[attr-defined]
    same = bool((scored["total"].astype("int64") == summed.astype("int64")).all())  # type: ignore[attr-defined]
    ratio = library_seconds / baseline_seconds
    print(f"score_honos_long_frame: {library_seconds:.2f} s ({len(scored):,} assessments)")
    print(f"pandas pivot-and-sum baseline: {baseline_seconds:.2f} s")
    print(f"ratio library / baseline: {ratio:.2f} (goal: at most {GOAL_RATIO:.0f})")
    print(f"clinical totals agree: {same}")
    return 0 if same and ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
