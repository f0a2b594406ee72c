"""Make the pictures of synthetic cohorts shown in the docs.

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
  since becoming ready to move on.

Every cohort is seeded and every figure has a fixed size, so the pictures come out the
same, byte for byte, every time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

matplotlib.use("Agg")

import pathway_model as pm
from pathway_model import synthetic
from pathway_model.plot import plot_length_of_stay, plot_timeline
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


def synthetic_page() -> str:
    """The pictures of the page "Synthetic cohorts"."""
    cohort = synthetic_cohort(seed=SYNTHETIC_SEED, as_of=AS_OF)
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


def main() -> None:
    """Make the cohorts and write every picture."""
    print(f"Synthetic cohorts: {synthetic_page()}")
    print(f"Benchmark your service: {benchmark_tutorial()}")


if __name__ == "__main__":
    main()
