"""Make the pictures shown in the docs, from synthetic cohorts.

Run from the repository root, with the plot extra installed::

    pip install -e ".[plot]"
    python docs/images/make_images.py

It writes, beside this script:

- ``synthetic-timeline.png`` and ``synthetic-length-of-stay.png``, shown on the page
  "Synthetic cohorts": the default cohort (7,500 people in secure care) for seed 2025
  at 31 March 2025;
- ``benchmark-timeline.png`` and ``benchmark-length-of-stay.png``, shown in the tutorial
  "Benchmark your service": the tutorial's cohort (400 people in secure care, four
  providers) for seed 3 at 31 March 2025, and the person in it who has waited longest
  since becoming ready to move on;
- ``funnel-ready-share.png``, shown on the reference page "Pictures": the share of the
  people in secure care at 31 March 2025 who were ready to move on, by provider, in the
  default cohort, on a funnel plot;
- ``spc-wait-after-readiness.png``, shown on the same page: the mean days waited after
  readiness by the people who left secure care each month, April 2021 to March 2025, on
  an XmR chart, for a synthetic service that made long delays rarer from April 2023.

Every cohort is seeded and every figure has a fixed size, so the pictures come out the
same, byte for byte, every time.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

matplotlib.use("Agg")

import pathway_model as pm
from pathway_model import synthetic
from pathway_model.plot import plot_funnel, plot_length_of_stay, plot_spc, plot_timeline
from pathway_model.stats import funnel, xmr_chart
from pathway_model.synthetic import synthetic_cohort

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2025, 3, 31)
HISTORY_START = dt.date(2020, 3, 31)  # the default five years of history
#: PNG metadata left out, so the files do not change with the matplotlib version.
METADATA = {"Software": None}

#: The page "Synthetic cohorts": the default cohort.
SYNTHETIC_SEED = 2025
#: The tutorial "Benchmark your service": the same parameters and seed as its first step.
TUTORIAL_SEED = 3
TUTORIAL_PARAMETERS = synthetic.CohortParameters(
    people_in_care=400,
    providers=("Provider A", "Provider B", "Provider C", "Provider D"),
    high_secure_providers=1,
)
#: The stages of secure hospital care.
SECURE = frozenset({"high_secure", "medium_secure", "low_secure"})
#: The control chart: a service whose long delays became rarer from April 2023, made of
#: two cohorts with the same seed, before and after (every fifth delayed, then one in 20).
CHART_PARAMETERS = synthetic.CohortParameters(people_in_care=2_000)
CHART_CHANGED = synthetic.CohortParameters(people_in_care=2_000, delayed_share=0.05)
CHART_CHANGE = dt.date(2023, 4, 1)
CHART_MONTHS = tuple(dt.date(2021 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(48))
#: The chart's target: a mean wait after readiness of at most 90 days (illustrative).
CHART_TARGET = 90


def shows_a_lot(pathway: pm.Pathway) -> bool:
    """Whether one record shows several stays, ready runs and incidents in a few years."""
    runs = sum(len(stay.runs) for stay in pm.readiness_history(pathway, AS_OF))
    return (
        pathway.first_day >= dt.date(2017, 1, 1)
        and len({placement.stage for placement in pathway.placements}) >= 3
        and runs >= 2
        and len(pathway.incidents) >= 3
        and pathway.current_placement is not None
    )


def longest_wait(cohort: tuple[pm.Pathway, ...]) -> pm.Pathway:
    """The person in hospital who has waited longest since becoming ready, as the tutorial picks.

    The tutorial sorts the ready people by days beyond readiness, longest first, and
    takes the first; Python's sort is stable, so ties keep the cohort's order.
    """
    in_care = [pathway for pathway in cohort if pathway.current_placement is not None]
    results = [pm.readiness(pathway, AS_OF) for pathway in in_care]
    waiting = [
        (result, pathway)
        for result, pathway in zip(results, in_care, strict=True)
        if result.ready and result.stage != "community"
    ]
    waiting.sort(key=lambda pair: pair[0].days_beyond_readiness, reverse=True)
    return waiting[0][1]


def save(axes: Axes, name: str) -> None:
    """Write the figure of ``axes`` beside this script."""
    figure = axes.figure
    if not isinstance(figure, Figure):  # the pictures draw on a whole figure of their own
        msg = f"{name}: expected axes on a whole figure; found {type(figure).__name__}"
        raise TypeError(msg)
    figure.savefig(HERE / name, metadata=METADATA)


def synthetic_page(cohort: tuple[pm.Pathway, ...]) -> str:
    """The pictures of the page "Synthetic cohorts"."""
    person = next(pathway for pathway in cohort if shows_a_lot(pathway))
    save(plot_timeline(person, as_of=AS_OF), "synthetic-timeline.png")
    save(
        plot_length_of_stay(cohort, as_of=AS_OF, since=HISTORY_START),
        "synthetic-length-of-stay.png",
    )
    return f"timeline of {person.person_id}; length of stay of {len(cohort):,} records"


def benchmark_tutorial() -> str:
    """The pictures of the tutorial "Benchmark your service"."""
    cohort = synthetic_cohort(TUTORIAL_PARAMETERS, seed=TUTORIAL_SEED, as_of=AS_OF)
    person = longest_wait(cohort)
    save(plot_timeline(person, as_of=AS_OF), "benchmark-timeline.png")
    save(
        plot_length_of_stay(cohort, as_of=AS_OF, since=HISTORY_START),
        "benchmark-length-of-stay.png",
    )
    return f"timeline of {person.person_id}; length of stay of {len(cohort):,} records"


def funnel_picture(cohort: tuple[pm.Pathway, ...]) -> str:
    """The funnel plot: who in secure care at ``AS_OF`` is ready to move on, by provider."""
    in_care: Counter[str] = Counter()
    ready: Counter[str] = Counter()
    for pathway in cohort:
        stay = pathway.current_placement
        if stay is None or stay.stage not in SECURE:
            continue
        in_care[stay.provider] += 1
        ready[stay.provider] += pm.readiness(pathway, AS_OF).ready
    providers = sorted(in_care)
    result = funnel(
        providers,
        [ready[name] for name in providers],
        [in_care[name] for name in providers],
        kind="proportion",
    )
    axes = plot_funnel(
        result,
        title=(
            "Share of people in secure care ready to move on, by provider, 31 March 2025\n"
            "synthetic cohort; 95% and 99.8% control limits"
        ),
        xlabel="People in secure care",
        ylabel="Share ready to move on",
    )
    save(axes, "funnel-ready-share.png")
    outside = sum(unit.position.outside_95 for unit in result.units)
    return f"{len(providers)} providers, {outside} outside the 95% limits"


def monthly_waits(cohort: tuple[pm.Pathway, ...]) -> dict[dt.date, list[int]]:
    """The days each stay in secure care ending in a chart month waited after readiness."""
    waits: dict[dt.date, list[int]] = {month: [] for month in CHART_MONTHS}
    for pathway in cohort:
        for stay in pm.readiness_history(pathway, AS_OF):
            if stay.stage in SECURE and not stay.placement_open:
                month = stay.counted_until.replace(day=1)
                if month in waits:
                    waits[month].append(stay.days_beyond_readiness)
    return waits


def control_chart_picture() -> str:
    """The control chart: the mean wait after readiness, by month, before and after a change."""
    before = monthly_waits(synthetic_cohort(CHART_PARAMETERS, seed=SYNTHETIC_SEED, as_of=AS_OF))
    after = monthly_waits(synthetic_cohort(CHART_CHANGED, seed=SYNTHETIC_SEED, as_of=AS_OF))
    values = [
        statistics.fmean((before if month < CHART_CHANGE else after)[month])
        for month in CHART_MONTHS
    ]
    chart = xmr_chart(CHART_MONTHS, values, improvement="decrease", target=CHART_TARGET)
    axes = plot_spc(
        chart,
        title=(
            "Mean days waited after readiness by the people leaving secure care each month\n"
            "synthetic service that made long delays rarer from April 2023"
        ),
        ylabel="Mean days waited after readiness",
    )
    save(axes, "spc-wait-after-readiness.png")
    return f"{len(values)} months, {len(chart.special_causes)} points of special cause"


def main() -> None:
    """Make the cohorts and write every picture."""
    cohort = synthetic_cohort(seed=SYNTHETIC_SEED, as_of=AS_OF)
    print(f"Synthetic cohorts: {synthetic_page(cohort)}")
    print(f"Benchmark your service: {benchmark_tutorial()}")
    print(f"Funnel plot: {funnel_picture(cohort)}")
    print(f"Control chart: {control_chart_picture()}")


if __name__ == "__main__":
    main()
