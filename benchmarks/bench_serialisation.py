"""Benchmark JSON loading and dumping against pydantic v2 and msgspec models of the same shape.

Run (one command, from a clone)::

    python -m pip install -e ".[bench]" && python benchmarks/bench_serialisation.py

pathway_model is timed twice: with orjson (the ``fast`` extra, which the ``bench`` extra
installs) and with the standard library alone, as a plain install runs.

The document is a realistic pathway: five years of quarterly reviews over the six My
Shared Pathway domains with both views and notes, goal updates at every review, ten
goals and a few incidents. The rival models (``benchmarks/_rivals.py``) check what a
schema can; pathway_model also checks what needs the whole record (unique ids, sorted
collections, stays that do not overlap, events inside the record) and the record against
its definition, and all of that is inside its timings.

The libraries are timed in turn, round after round, so a slow spell of the machine falls
on each alike; each figure is the median of the rounds (the best is shown too), and the
ratios are of medians.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import msgspec

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.io import _json

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _rivals  # beside this script

DOMAINS = SECURE_PATHWAY.framework.domain_codes


def realistic_pathway() -> pm.Pathway:
    """Five years in medium secure: 20 quarterly reviews, 10 goals, 5 incidents."""
    start = dt.date(2020, 1, 6)
    goals = [
        pm.Goal(
            id=f"goal-{n}",
            domain=DOMAINS[n % len(DOMAINS)],
            description="Cook a meal for my family when they visit.",
            set_by="person",
            set_on=start + dt.timedelta(days=30),
            target_date=start + dt.timedelta(days=400),
        )
        for n in range(10)
    ]
    reviews = []
    for quarter in range(20):
        day = dt.date(2020 + (quarter + 1) // 4, ((quarter + 1) % 4) * 3 + 1, 6)
        reviews.append(
            pm.Review(
                id=f"review-{quarter}",
                date=day,
                ratings=[
                    pm.DomainRating(
                        domain=domain,
                        team="partly_met",
                        person="met",
                        team_note="Engaging well with the ward programme.",
                        person_note="I feel more settled.",
                    )
                    for domain in DOMAINS
                ],
                goal_progress=[
                    pm.GoalProgress(goal=f"goal-{n}", achievement_status="in-progress")
                    for n in range(3)
                ],
                next_review_date=day + dt.timedelta(days=91),
            )
        )
    incidents = [
        pm.Incident(
            id=f"incident-{n}",
            date=start + dt.timedelta(days=300 * n + 45),
            kind="violence",
            severity="minor",
        )
        for n in range(5)
    ]
    return pm.Pathway(
        person_id="P-0001",
        definition_id=SECURE_PATHWAY.id,
        definition_version=SECURE_PATHWAY.version,
        placements=[pm.Placement(id="stay-1", stage="medium_secure", provider="Unit", start=start)],
        goals=goals,
        reviews=reviews,
        incidents=incidents,
    )


def unchecked_builder() -> Callable[[bytes], object]:
    """Parse with orjson and build every instance slot by slot, checking nothing.

    Not a way to load anything: a floor for what any pure-Python loader of these immutable
    classes must spend before it checks a single value.
    """
    import orjson  # noqa: PLC0415 - the bench extra installs it

    new = object.__new__
    dates = ("date", "next_review_date", "set_on", "target_date", "start", "end")
    shared: dict[str, Callable[[Any], Any]] = dict.fromkeys(dates, dt.date.fromisoformat)
    for name, vocabulary in {
        "achievement_status": pm.GoalAchievementStatus,
        "set_by": pm.GoalSetter,
        "lifecycle_status": pm.GoalLifecycleStatus,
        "severity": pm.IncidentSeverity,
    }.items():
        shared[name] = {member.value: member for member in vocabulary}.__getitem__

    def plan(cls: type[Any], kinds: type[Any] | None = None) -> Callable[[dict[str, Any]], Any]:
        converters = dict(shared)
        if kinds is not None:
            converters["kind"] = {member.value: member for member in kinds}.__getitem__
        slots = [
            (f.name, cls.__dict__[f.name].__set__, converters.get(f.name))
            for f in attrs.fields(cls)
        ]

        def build(value: dict[str, Any]) -> Any:
            obj = new(cls)
            for name, setter, convert in slots:
                item = value[name]
                setter(obj, convert(item) if convert is not None and item is not None else item)
            return obj

        return build

    rating = plan(pm.DomainRating)
    progress = plan(pm.GoalProgress)
    review = plan(pm.Review, pm.ReviewKind)
    goal = plan(pm.Goal)
    placement = plan(pm.Placement)
    incident = plan(pm.Incident, pm.IncidentKind)

    def load(data: bytes) -> object:
        tree = orjson.loads(data)
        reviews = []
        for item in tree["reviews"]:
            fields = dict(item)
            fields["ratings"] = tuple(rating(value) for value in item["ratings"])
            fields["goal_progress"] = tuple(progress(value) for value in item["goal_progress"])
            reviews.append(review(fields))
        return (
            tuple(reviews),
            tuple(goal(value) for value in tree["goals"]),
            tuple(incident(value) for value in tree["incidents"]),
            tuple(placement(value) for value in tree["placements"]),
        )

    return load


def interleaved_ms(
    runners: dict[str, Callable[[], object]], number: int = 50, rounds: int = 21
) -> dict[str, list[float]]:
    """Milliseconds per call of each runner, timed in turn round by round.

    Interleaving means a slow spell of the machine falls on every library alike, so
    their ratio is steadier than their times.
    """
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, call in runners.items():
            times[name].append(timeit.timeit(call, number=number) / number * 1000)
    return times


def standard_library_only(call: Callable[[], object]) -> Callable[[], object]:
    """``call`` as it runs without orjson installed."""

    def run() -> object:
        saved, _json._orjson = _json._orjson, None
        try:
            return call()
        finally:
            _json._orjson = saved

    return run


def pin_to_one_core() -> str:
    """Run on one core where the system allows it, so the other core's work disturbs less."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    core = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def main() -> None:
    """Time each library on the same document and print the table and ratios."""
    pinned = pin_to_one_core()
    pathway = realistic_pathway()
    text = pm.dumps(pathway)
    data = text.encode("utf-8")
    pydantic_model = _rivals.PPathway.model_validate_json(data)
    msgspec_model = msgspec.json.decode(data, type=_rivals.MPathway)
    orjson = _json._fast_json()
    if orjson is None:
        sys.exit("orjson is not installed: python -m pip install -e '.[bench]'")
    assert pm.loads(data, pm.Pathway) == pathway
    assert standard_library_only(lambda: pm.loads(data, pm.Pathway))() == pathway
    assert standard_library_only(lambda: pm.dumps(pathway))() == text
    assert json.loads(pydantic_model.model_dump_json()) == json.loads(text)
    assert json.loads(msgspec.json.encode(msgspec_model)) == json.loads(text)
    unchecked = unchecked_builder()
    collections = (pathway.reviews, pathway.goals, pathway.incidents, pathway.placements)
    assert unchecked(data) == collections

    cases = {
        "load": {
            "pathway_model": lambda: pm.loads(data, pm.Pathway),
            "pathway_model, no orjson": standard_library_only(lambda: pm.loads(data, pm.Pathway)),
            "pydantic v2": lambda: _rivals.PPathway.model_validate_json(data),
            "msgspec": lambda: msgspec.json.decode(data, type=_rivals.MPathway),
            "floor: build, no checks": lambda: unchecked(data),
        },
        "dump": {
            "pathway_model": lambda: pm.dumps(pathway),
            "pathway_model, no orjson": standard_library_only(lambda: pm.dumps(pathway)),
            "pydantic v2": pydantic_model.model_dump_json,
            "msgspec": lambda: msgspec.json.encode(msgspec_model),
        },
    }
    import pydantic  # noqa: PLC0415 - versions for the report

    print(
        f"pathway_model {pm.__version__}, pydantic {pydantic.VERSION}, "
        f"msgspec {msgspec.__version__}, orjson {orjson.__version__}, "
        f"Python {sys.version.split()[0]}, {platform.machine()}, {pinned}"
    )
    print(
        f"document: {len(data):,} bytes; {len(pathway.reviews)} reviews, "
        f"{sum(len(r.ratings) for r in pathway.reviews)} ratings, {len(pathway.goals)} goals"
    )
    for operation, runners in cases.items():
        times = interleaved_ms(runners)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, values in times.items():
            print(
                f"{operation:5} {name:24} median {medians[name]:7.3f} ms"
                f"   best {min(values):7.3f} ms"
            )
        for ours in ("pathway_model", "pathway_model, no orjson"):
            print(
                f"{operation:5} {ours} / pydantic v2 = "
                f"{medians[ours] / medians['pydantic v2']:.2f}; "
                f"{ours} / msgspec = {medians[ours] / medians['msgspec']:.2f}"
            )


if __name__ == "__main__":
    main()
