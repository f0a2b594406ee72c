"""Benchmark funnel limits and control charts for a national-sized set of providers.

Run: ``python benchmarks/bench_stats.py`` (not part of the test run; needs the ``stats``
extra). Prints the median and best of several timed repeats for each case, so machine
noise is visible.

The case the statistics promise: 200 providers over 60 months, a funnel of the 200
providers for every month and a Making Data Count control chart of every provider's 60
months, together in well under a second. The data are seeded and synthetic: each
provider has people in care, some of them ready to move on, and a monthly share of them.
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import statistics
import sys
import timeit

import pathway_model as pm
from pathway_model.stats import funnel, xmr_chart

PROVIDERS = 200
MONTHS = 60


def monthly_data(
    seed: int = 18,
) -> tuple[list[str], list[dt.date], list[list[int]], list[list[int]]]:
    """Providers, months, and each month's people in care and people ready, by provider."""
    draw = random.Random(seed)
    names = [f"P{index:03d}" for index in range(PROVIDERS)]
    months = [dt.date(2020 + m // 12, m % 12 + 1, 1) for m in range(MONTHS)]
    sizes = [draw.randint(10, 400) for _ in names]
    shares = [min(0.6, max(0.02, draw.gauss(0.14, 0.04))) for _ in names]
    in_care = []
    ready = []
    for _ in months:
        people = [max(1, round(draw.gauss(size, size * 0.05))) for size in sizes]
        in_care.append(people)
        ready.append(
            [
                sum(draw.random() < share for _ in range(count))
                for count, share in zip(people, shares, strict=True)
            ]
        )
    return names, months, in_care, ready


def measure(label: str, call: object, *, number: int, repeat: int = 5) -> None:
    """Time ``call`` and print the median and best per call in milliseconds."""
    times = timeit.repeat(call, number=number, repeat=repeat)  # type: ignore[arg-type]
    per_call = [t / number * 1000 for t in times]
    print(
        f"{label:<66} median {statistics.median(per_call):8.1f} ms"
        f"   best {min(per_call):8.1f} ms   ({repeat} x {number} calls)"
    )


def main() -> None:
    """Run every case and print the results."""
    print(f"pathway_model {pm.__version__}, Python {sys.version.split()[0]}, {platform.platform()}")
    names, months, in_care, ready = monthly_data()
    shares = [
        [100 * r[p] / c[p] for r, c in zip(ready, in_care, strict=True)] for p in range(PROVIDERS)
    ]

    def funnels(overdispersion: str = "none") -> None:
        for people, cases in zip(in_care, ready, strict=True):
            funnel(names, cases, people, kind="proportion", overdispersion=overdispersion)

    def charts() -> None:
        for series in shares:
            xmr_chart(months, series, improvement="decrease", target=12.0)

    def both() -> None:
        funnels("additive")
        charts()

    # Load numpy and scipy once, as any first call would, so the timings are of the work.
    funnels()
    measure(f"funnels: {MONTHS} months x {PROVIDERS} providers, unadjusted", funnels, number=1)
    measure(
        f"funnels: {MONTHS} months x {PROVIDERS} providers, additive overdispersion",
        lambda: funnels("additive"),
        number=1,
    )
    measure(f"XmR charts: {PROVIDERS} providers x {MONTHS} months", charts, number=1)
    measure(f"funnels and charts: {PROVIDERS} providers x {MONTHS} months", both, number=1)


if __name__ == "__main__":
    main()
