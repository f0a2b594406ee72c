"""Benchmark the readiness rules on long records.

Run: ``python benchmarks/bench_rules.py`` (not part of the test run). Prints the median
and best of several timed repeats for each case, so machine noise is visible.

The main case is the one the rules promise: a record with 20 years of monthly reviews
(240 reviews, 6 domains each, person levels, incidents every few months) decided in
milliseconds, because the work grows with the number of events, not of days.
"""

from __future__ import annotations

import datetime as dt
import platform
import statistics
import sys
import timeit

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY

DOMAINS = SECURE_PATHWAY.framework.domain_codes
LEVELS = SECURE_PATHWAY.framework.scale.codes


def long_record(years: int) -> pm.Pathway:
    """One person in medium secure for ``years`` years: monthly reviews, periodic incidents."""
    start = dt.date(2000, 1, 3)
    reviews = []
    for month in range(years * 12):
        day = dt.date(start.year + (month + 1) // 12, (month + 1) % 12 + 1, 3)
        # A pattern that qualifies most months and lapses now and then.
        level = LEVELS[2] if month % 7 else LEVELS[0]
        team = dict.fromkeys(DOMAINS, LEVELS[1])
        team["mental_health_recovery"] = level
        reviews.append(
            pm.Review.from_levels(id=f"r{month}", date=day, team=team, person=dict(team))
        )
    incidents = [
        pm.Incident(
            id=f"i{n}",
            date=start + dt.timedelta(days=97 * n + 40),
            kind=pm.IncidentKind.VIOLENCE if n % 3 else pm.IncidentKind.SELF_HARM,
            severity=pm.IncidentSeverity.MODERATE if n % 2 else pm.IncidentSeverity.MINOR,
        )
        for n in range(years * 365 // 97)
    ]
    return (
        pm.Pathway.start(
            SECURE_PATHWAY, person_id="P-LONG", stage="medium_secure", provider="Unit", on=start
        )
        .with_reviews(*reviews)
        .with_incidents(*incidents)
    )


def measure(label: str, call: object, *, number: int, repeat: int = 7) -> None:
    """Time ``call`` and print the median and best per call in milliseconds."""
    times = timeit.repeat(call, number=number, repeat=repeat)  # type: ignore[arg-type]
    per_call = [t / number * 1000 for t in times]
    print(
        f"{label:<58} median {statistics.median(per_call):8.3f} ms"
        f"   best {min(per_call):8.3f} ms   ({repeat} x {number} calls)"
    )


def main() -> None:
    """Run every case and print the results."""
    print(f"pathway_model {pm.__version__}, Python {sys.version.split()[0]}, {platform.platform()}")
    for years in (5, 20):
        pathway = long_record(years)
        as_of = pathway.reviews[-1].date + dt.timedelta(days=10)
        events = f"{len(pathway.reviews)} reviews, {len(pathway.incidents)} incidents"
        measure(
            f"readiness, {years} years ({events})",
            lambda p=pathway, d=as_of: pm.readiness(p, d),
            number=50,
        )
        measure(f"assess, {years} years", lambda p=pathway, d=as_of: pm.assess(p, d), number=50)
        measure(
            f"assess + explain (team, person), {years} years",
            lambda p=pathway, d=as_of: [pm.explain(pm.assess(p, d), a) for a in pm.Audience],
            number=20,
        )
    pathway = long_record(20)
    as_of = pathway.reviews[-1].date
    result = pm.readiness(pathway, as_of)
    print(
        f"20-year record: {result.ready_days} ready days in {len(result.runs)} runs, "
        f"{result.days_in_placement} days in the stay"
    )


if __name__ == "__main__":
    main()
