"""Cohort reports in parts: partials that merge exactly into the report of all the records.

The worked example is two people at Riverside, counted from their first day to 1 March
2024 (2024 is a leap year: January 31 days, February 29). Low secure costs £411 a day
and medium secure £452 (the secure pathway's costs: the sources page).
"""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import inspect
import itertools
import json
import random
import weakref
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.scoring import (
    SECURE_COMBINED_LONG_STAY,
    CohortPartial,
    CombinedLongStay,
    cohort_report,
    merge_partials,
)
from pathway_model.synthetic import CohortParameters, synthetic_cohort
from tests import strategies as s
from tests.test_cohort import AS_OF, SINCE, hand_cohort

D = dt.date
LEVELS = {
    "mental_health_recovery": "partly_met",
    "harm_related_behaviours": "partly_met",
    "substance_misuse": "met",
}


def record(
    person_id: str,
    stays: list[tuple[str, str, dt.date, dt.date | None]],
    reviews: tuple[pm.Review, ...] = (),
    goals: tuple[pm.Goal, ...] = (),
) -> pm.Pathway:
    """A record on the secure pathway with one placement per ``(stage, provider, start, end)``."""
    return pm.Pathway(
        person_id=person_id,
        definition_id=SECURE_PATHWAY.id,
        definition_version=SECURE_PATHWAY.version,
        placements=[
            pm.Placement(id=f"p{n}", stage=stage, provider=provider, start=start, end=end)
            for n, (stage, provider, start, end) in enumerate(stays, start=1)
        ],
        reviews=reviews,
        goals=goals,
    )


def merged_at_random(partials: list[CohortPartial], rng: random.Random) -> CohortPartial:
    """Merge two partials chosen at random, either way round, until one is left."""
    pool = list(partials)
    while len(pool) > 1:
        first = pool.pop(rng.randrange(len(pool)))
        second = pool.pop(rng.randrange(len(pool)))
        pool.append(first.merge(second) if rng.random() < 0.5 else second.merge(first))
    return pool[0]


# --- strategies -----------------------------------------------------------------------------------


@st.composite
def cohorts(draw: st.DrawFn) -> list[pm.Pathway]:
    """A few records on the secure pathway, often ready, some people with two records.

    The records begin within two years of each other, so that their stays often share
    the window, a provider and a stage.
    """
    starts = st.dates(min_value=D(2020, 1, 1), max_value=D(2021, 12, 31))
    records = draw(
        st.lists(
            starts.flatmap(
                lambda start: s.pathways(
                    SECURE_PATHWAY, start=start, prefer_high=True, max_reviews=8
                )
            ),
            max_size=6,
        )
    )
    ids = st.sampled_from(["P-1", "P-2", "P-3"])
    return [attrs.evolve(item, person_id=draw(ids)) for item in records]


@st.composite
def options(draw: st.DrawFn) -> dict[str, Any]:
    """The options of a report: the date, the window, the long-stay rule, the community."""
    as_of = draw(st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 1, 1)))
    since = draw(st.none() | st.dates(min_value=D(2018, 1, 1), max_value=as_of))
    return {
        "as_of": as_of,
        "since": since,
        "combined_long_stay": draw(st.sampled_from([None, SECURE_COMBINED_LONG_STAY])),
        "community_stages": draw(st.sampled_from([("community",), ("community", "low_secure")])),
    }


@st.composite
def partitions(draw: st.DrawFn, records: list[pm.Pathway]) -> list[list[pm.Pathway]]:
    """The records shuffled and cut into chunks: some empty, some of one record."""
    shuffled = draw(st.permutations(records))
    cuts = sorted(draw(st.lists(st.integers(0, len(records)), max_size=len(records) + 3)))
    bounds = [0, *cuts, len(records)]
    return [list(shuffled[low:high]) for low, high in itertools.pairwise(bounds)]


#: Each example reads several records and merges many partials: two fifths of the profile's.
merge_examples = settings(max_examples=max(1, settings().max_examples * 2 // 5))


# --- the merged report is the report in one go ----------------------------------------------------


class TestMergedEqualsInOneGo:
    @given(data=st.data(), cohort=cohorts(), chosen=options(), seed=st.integers(0, 2**32))
    def test_any_partition_merged_in_any_order_is_the_report_of_all(
        self, data: st.DataObject, cohort: list[pm.Pathway], chosen: dict[str, Any], seed: int
    ) -> None:
        """Chunks' partials merged in a random order report exactly what the whole does."""
        chunks = data.draw(partitions(cohort))
        partials = [CohortPartial.of(chunk, **chosen) for chunk in chunks]
        merged = merged_at_random(partials, random.Random(seed))
        assert cohort_report(cohort, **chosen) == merged.report()

    @merge_examples
    @given(data=st.data(), cohort=cohorts(), chosen=options())
    def test_merged_partials_are_the_partial_of_all_byte_for_byte(
        self, data: st.DataObject, cohort: list[pm.Pathway], chosen: dict[str, Any]
    ) -> None:
        """Merging chunks gives the very partial of the whole: equal, and the same bytes."""
        chunks = data.draw(partitions(cohort))
        merged = merge_partials(CohortPartial.of(chunk, **chosen) for chunk in chunks)
        whole = CohortPartial.of(cohort, **chosen)
        assert (whole, whole.to_json()) == (merged, merged.to_json())

    @merge_examples
    @given(data=st.data(), cohort=cohorts(), chosen=options())
    def test_merging_is_commutative_and_associative(
        self, data: st.DataObject, cohort: list[pm.Pathway], chosen: dict[str, Any]
    ) -> None:
        """``a.merge(b) == b.merge(a)`` and ``(a + b) + c == a + (b + c)``."""
        chunks = data.draw(partitions(cohort))
        a, b, c = (CohortPartial.of(chunk, **chosen) for chunk in [*chunks, [], [], []][:3])
        assert (a.merge(b), a.merge(b).merge(c)) == (b.merge(a), a.merge(b.merge(c)))

    def test_the_hand_built_cohort_in_one_record_chunks(self) -> None:
        """The hand-built cohort of ``test_cohort``, one record a partial, reports as in one go."""
        partials = [CohortPartial.of([item], as_of=AS_OF, since=SINCE) for item in hand_cohort()]
        merged = merge_partials(reversed(partials))
        assert cohort_report(hand_cohort(), as_of=AS_OF, since=SINCE) == merged.report()

    def test_a_synthetic_cohort_in_chunks_shipped_as_json(self) -> None:
        """Chunks of a synthetic cohort, each through JSON as an executor would ship it."""
        as_of = D(2025, 3, 31)
        cohort = synthetic_cohort(CohortParameters(people_in_care=40), seed=3, as_of=as_of)
        sizes = [0, 1, 17, len(cohort)]
        chunks = [cohort[low:high] for low, high in itertools.pairwise(sizes)]
        shipped = [CohortPartial.of(chunk, as_of=as_of).to_json() for chunk in chunks]
        merged = merge_partials(CohortPartial.from_json(data) for data in shipped)
        assert cohort_report(cohort, as_of=as_of) == merged.report()

    @settings(max_examples=20)
    @given(pair=s.definitions_and_pathways(max_reviews=6), data=st.data())
    def test_a_definition_given_or_of_the_record(
        self, pair: tuple[pm.PathwayDefinition, pm.Pathway], data: st.DataObject
    ) -> None:
        """With the definition given (any definition, not only built-in ones), parts add up too."""
        definition, item = pair
        chosen = data.draw(options())
        twice = [item, attrs.evolve(item, person_id="P-other")]
        parts = [CohortPartial.of([one], definition=definition, **chosen) for one in twice]
        expected = cohort_report(twice, definition=definition, **chosen)
        assert expected == parts[1].merge(parts[0]).report()


# --- a worked example -----------------------------------------------------------------------------


def riverside_partials() -> tuple[CohortPartial, CohortPartial]:
    """Two partials of one record each, as of 1 March 2024, the window from their first day.

    First: P-1 in low secure at Riverside from 1 January 2024, open: 31 + 29 = 60 bed days,
    an admission censored at 60 days, 60 x £411 = £24,660.
    Second: P-2 in low secure at Riverside from 11 January to 10 February 2024 (21 + 9 = 30
    days, an admission that ended at 30 days, £12,330), then in the community at
    Riverside: 10 February to 1 March = 20 days, censored at 20, no cost. The move from
    low secure (rank 2) to the community (rank 1) is a step down from a £411 stage.
    """
    first = record("P-1", [("low_secure", "Riverside", D(2024, 1, 1), None)])
    second = record(
        "P-2",
        [
            ("low_secure", "Riverside", D(2024, 1, 11), D(2024, 2, 10)),
            ("community", "Riverside", D(2024, 2, 10), None),
        ],
    )
    as_of = D(2024, 3, 1)
    return CohortPartial.of([first], as_of=as_of), CohortPartial.of([second], as_of=as_of)


class TestWorkedExample:
    def test_each_partial_counts_its_own_record(self) -> None:
        """The first partial: one record from 1 January; its low secure group, 60 bed days."""
        first, second = riverside_partials()
        low = first.report().group("Riverside", "low_secure")
        assert (1, D(2024, 1, 1), 60, Decimal("24660.00")) == (
            first.records,
            first.first_day,
            low.bed_days,
            low.bed_day_value,
        )
        assert (1, D(2024, 1, 11)) == (second.records, second.first_day)

    def test_counts_and_money_add_up(self) -> None:
        """Low secure together: 2 people, 2 stays, 1 open, 60 + 30 = 90 bed days, £36,990."""
        first, second = riverside_partials()
        low = first.merge(second).report().group("Riverside", "low_secure")
        assert (2, 2, 1, 2, 90, Decimal("36990.00")) == (
            low.people,
            low.stays,
            low.stays_open,
            low.admissions,
            low.bed_days,
            low.bed_day_value,
        )

    def test_length_of_stay_is_estimated_from_both_parts(self) -> None:
        """At 30 days 2 at risk, 1 ends: S = 1/2, so the median is 30; 60 is censored."""
        first, second = riverside_partials()
        low = second.merge(first).report().group("Riverside", "low_secure")
        km = low.length_of_stay
        assert ((30, 60), (2, 1), (1, 0), (0, 1), (0.5, 0.5), 30) == (
            km.times,
            km.at_risk,
            km.events,
            km.censored,
            km.survival,
            low.los_median_days,
        )

    def test_the_step_down_and_the_community(self) -> None:
        """One stay ended, a step down from £411 a day; 20 community days; 110 bed days in all."""
        first, second = riverside_partials()
        report = first.merge(second).report()
        low = report.group("Riverside", "low_secure")
        everyone = report.group()
        assert (1, 1, Decimal("411.00"), 20, 110, 3) == (
            low.stays_ended,
            low.step_downs,
            low.step_down_bed_day_costs,
            everyone.community_days,
            everyone.bed_days,
            everyone.stays,
        )

    def test_the_window_and_records_of_the_whole(self) -> None:
        """Two records; the window starts on the earlier first day, 1 January."""
        first, second = riverside_partials()
        report = second.merge(first).report()
        assert (2, D(2024, 1, 1)) == (report.records, report.since)

    def test_a_person_in_two_parts_is_counted_once(self) -> None:
        """The same person's records in two parts: 2 stays, 1 person."""
        item = record("P-1", [("low_secure", "Riverside", D(2024, 1, 1), None)])
        part = CohortPartial.of([item], as_of=D(2024, 3, 1))
        group = part.merge(part).report().group()
        assert (2, 1, 120) == (group.stays, group.people, group.bed_days)

    def test_medians_of_days_beyond_readiness_come_from_both_parts(self) -> None:
        """Ready 30 and 10 days beyond readiness at 1 August: median (30 + 10) / 2 = 20.

        Both in medium secure from 8 January 2024; a qualifying review on 2 April makes the
        first ready three months later, 2 July (30 days before 1 August); one on 22 April
        makes the second ready 22 July (10 days). Ready days 40 at £452: £18,080.
        """

        def ready(person_id: str, reviewed: dt.date) -> pm.Pathway:
            start = record(person_id, [("medium_secure", "North", D(2024, 1, 8), None)])
            return start.with_reviews(pm.Review.from_levels(id="r1", date=reviewed, team=LEVELS))

        as_of = D(2024, 8, 1)
        first = CohortPartial.of([ready("P-1", D(2024, 4, 2))], as_of=as_of)
        second = CohortPartial.of([ready("P-2", D(2024, 4, 22))], as_of=as_of)
        group = first.merge(second).report().group()
        assert (2, 20.0, 30, 40, Decimal("18080.00")) == (
            group.ready_now,
            group.days_beyond_readiness_median,
            group.days_beyond_readiness_max,
            group.ready_days,
            group.cost_of_delay,
        )


# --- refusing to merge ----------------------------------------------------------------------------


OTHER_OPTIONS = {
    "as_of": {"as_of": D(2024, 4, 1)},
    "since": {"since": D(2024, 1, 1)},
    "definition": {"definition": SECURE_PATHWAY},
    "combined_long_stay": {"combined_long_stay": None},
    "community_stages": {"community_stages": ("community", "low_secure")},
}


class TestRefusals:
    @pytest.mark.parametrize("option", sorted(OTHER_OPTIONS))
    def test_partials_of_other_options_do_not_merge(self, option: str) -> None:
        """Each option that differs is named, at the path ``other``."""
        first, _ = riverside_partials()
        other = CohortPartial.of([], **{"as_of": D(2024, 3, 1), **OTHER_OPTIONS[option]})
        with pytest.raises(pm.ValidationError) as caught:
            first.merge(other)
        assert [("other", True)] == [
            (problem.path, problem.expected.startswith(f"a partial with the same {option} ("))
            for problem in caught.value.problems
        ]

    def test_the_message_says_what_each_had(self) -> None:
        """The message gives both values of the option."""
        first, _ = riverside_partials()
        other = CohortPartial.of([], as_of=D(2024, 4, 1))
        with pytest.raises(pm.ValidationError) as caught:
            first.merge(other)
        expected = (
            "other: expected a partial with the same as_of (2024-03-01); found as_of 2024-04-01"
        )
        assert expected == str(caught.value)

    def test_every_option_that_differs_is_listed(self) -> None:
        """Two options differ: two problems."""
        first, _ = riverside_partials()
        other = CohortPartial.of([], as_of=D(2024, 4, 1), combined_long_stay=None)
        with pytest.raises(pm.ValidationError) as caught:
            first.merge(other)
        assert 2 == caught.value.total

    def test_merge_partials_names_the_partial_that_differs(self) -> None:
        """Among many partials, the path is the odd one's place."""
        first, second = riverside_partials()
        other = CohortPartial.of([], as_of=D(2024, 4, 1))
        with pytest.raises(pm.ValidationError, match=r"^partials\[2\]: expected"):
            merge_partials([first, second, other])

    def test_only_a_partial_merges(self) -> None:
        """Anything else is of the wrong type."""
        first, _ = riverside_partials()
        with pytest.raises(pm.WrongTypeError, match="other: expected a CohortPartial; found dict"):
            first.merge({})  # type: ignore[arg-type]
        with pytest.raises(pm.WrongTypeError, match=r"partials\[1\]: expected a CohortPartial"):
            merge_partials([first, None])  # type: ignore[list-item]
        with pytest.raises(pm.WrongTypeError, match="partials: expected an iterable"):
            merge_partials(first)  # type: ignore[arg-type]

    def test_merging_nothing_is_refused(self) -> None:
        """No partial has no options to report with."""
        with pytest.raises(pm.ValidationError, match="partials: expected at least one"):
            merge_partials([])

    def test_of_takes_every_option_of_cohort_report(self) -> None:
        """``CohortPartial.of`` and `cohort_report` take the same arguments, defaults alike."""
        assert (
            inspect.signature(cohort_report).parameters
            == inspect.signature(CohortPartial.of).parameters
        )

    def test_the_arguments_of_of_are_cohort_reports(self) -> None:
        """A bad argument is refused as `cohort_report` refuses it, before any record is read."""
        with pytest.raises(pm.ValidationError, match="since: expected a date on or before"):
            CohortPartial.of(iter([None]), as_of=D(2024, 1, 1), since=D(2024, 2, 1))  # type: ignore[list-item]
        with pytest.raises(pm.WrongTypeError, match=r"\$\[1\]: expected a Pathway"):
            CohortPartial.of([hand_cohort()[0], "record"], as_of=AS_OF)  # type: ignore[list-item]


# --- JSON -----------------------------------------------------------------------------------------


EMPTY = (
    b'{"partial_version":2,"as_of":"2024-03-01","since":null,"definition":null,'
    b'"combined_long_stay":{"stages":["high_secure","medium_secure"],"after":"P15Y"},'
    b'"community_stages":["community"],"records":0,"first_day":null,"stages":{},"groups":[]}'
)


def document(partial: CohortPartial) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(partial.to_json())
    return loaded


def read(value: dict[str, Any]) -> CohortPartial:
    return CohortPartial.from_json(json.dumps(value).encode())


class TestJson:
    @merge_examples
    @given(cohort=cohorts(), chosen=options())
    def test_a_partial_reads_back_equal(
        self, cohort: list[pm.Pathway], chosen: dict[str, Any]
    ) -> None:
        """``from_json(to_json(p)) == p``, its bytes the same and its report equal."""
        partial = CohortPartial.of(cohort, **chosen)
        back = CohortPartial.from_json(partial.to_json())
        assert (partial, partial.to_json(), partial.report()) == (
            back,
            back.to_json(),
            back.report(),
        )

    @merge_examples
    @given(cohort=cohorts(), chosen=options(), seed=st.integers(0, 2**32))
    def test_the_same_records_in_any_order_give_the_same_bytes(
        self, cohort: list[pm.Pathway], chosen: dict[str, Any], seed: int
    ) -> None:
        """The bytes do not depend on the order the records were read in."""
        shuffled = list(cohort)
        random.Random(seed).shuffle(shuffled)
        assert (
            CohortPartial.of(cohort, **chosen).to_json()
            == CohortPartial.of(shuffled, **chosen).to_json()
        )

    def test_the_format_of_an_empty_partial(self) -> None:
        """The format is stable: an empty partial is exactly these bytes, version first."""
        assert EMPTY == CohortPartial.of([], as_of=D(2024, 3, 1)).to_json()

    def test_a_group_holds_its_tally(self) -> None:
        """A group's keys: provider, stage and the tally; lengths as [days, how many] pairs."""
        first, _ = riverside_partials()
        (group,) = document(first)["groups"]
        assert ("Riverside", "low_secure", ["P-1"], [[60, 1]], [], "24660", 60) == (
            group["provider"],
            group["stage"],
            group["people"],
            group["admitted_open"],
            group["admitted_ended"],
            group["bed_day_value"],
            group["bed_days"],
        )

    def test_a_group_holds_its_days_by_month(self) -> None:
        """Riverside's stay from 1 January to 1 March 2024: 31 days, then 29, by month."""
        first, _ = riverside_partials()
        (group,) = document(first)["groups"]
        assert ([["2024-01", 31], ["2024-02", 29]], []) == (
            group["bed_month_days"],
            group["bed_month_spans"],
        )

    def test_the_options_read_back(self) -> None:
        """A window, a definition, no combined rule and two community stages survive the trip."""
        partial = CohortPartial.of(
            hand_cohort(),
            as_of=AS_OF,
            since=SINCE,
            definition=SECURE_PATHWAY,
            combined_long_stay=CombinedLongStay(
                stages=("medium_secure",), after=pm.Period(years=5)
            ),
            community_stages=("low_secure", "community"),
        )
        back = CohortPartial.from_json(partial.to_json())
        assert (partial, "secure-pathway", ("community", "low_secure")) == (
            back,
            back.definition_id,
            back.community_stages,
        )

    def test_a_partial_holds_no_clinical_text(self) -> None:
        """A goal's wording, a note: none of it is in the partial, only the person's id."""
        item = record(
            "P-7",
            [("medium_secure", "North", D(2024, 1, 8), None)],
            reviews=(
                attrs.evolve(
                    pm.Review.from_levels(id="r1", date=D(2024, 4, 2), team=LEVELS),
                    goal_progress=(
                        pm.GoalProgress(
                            goal="g1", achievement_status="in-progress", note="Settled on the ward"
                        ),
                    ),
                ),
            ),
            goals=(
                pm.Goal(
                    id="g1",
                    domain="life_skills",
                    description="Cook a meal for my family",
                    set_by="person",
                    set_on=D(2024, 2, 1),
                ),
            ),
        )
        data = CohortPartial.of([item], as_of=D(2024, 8, 1)).to_json()
        assert (False, False, True) == (
            b"Cook a meal" in data,
            b"Settled" in data,
            b'"P-7"' in data,
        )


def spoilt(change: Any) -> dict[str, Any]:
    """The worked example's first partial as a document, changed by ``change``."""
    first, _ = riverside_partials()
    value = document(first)
    change(value)
    return value


class TestReadingStrictly:
    def test_only_bytes_are_read(self) -> None:
        """Text or anything else is of the wrong type."""
        with pytest.raises(pm.WrongTypeError, match="data: expected JSON text as bytes; found str"):
            CohortPartial.from_json(EMPTY.decode())  # type: ignore[arg-type]

    def test_a_bytearray_is_read(self) -> None:
        """A bytearray (what some Spark columns give) is read as bytes are."""
        assert CohortPartial.of([], as_of=D(2024, 3, 1)) == CohortPartial.from_json(
            bytearray(EMPTY)
        )

    @pytest.mark.parametrize(
        ("data", "found"),
        [
            (b'{"partial_version":', "text that is not JSON (line 1, column 20)"),
            (b"\xff\xfe", "bytes that are not UTF-8"),
            (b'{"records": NaN}', "NaN or Infinity, which JSON does not have"),
            (b"[" * 100_000, "a number too long or arrays nested too deeply"),
        ],
    )
    def test_what_is_not_json_is_refused(self, data: bytes, found: str) -> None:
        """Broken text is refused at ``$``, saying where, without showing it."""
        with pytest.raises(pm.ValidationError) as caught:
            CohortPartial.from_json(data)
        assert [("$", found)] == [(p.path, p.found) for p in caught.value.problems]

    def test_another_version_is_refused_alone(self) -> None:
        """A partial of another version is refused before anything else is judged."""

        def change(value: dict[str, Any]) -> None:
            value["partial_version"] = 1
            value["records"] = "many"

        with pytest.raises(pm.ValidationError) as caught:
            read(spoilt(change))
        assert [("$.partial_version", "another version")] == [
            (p.path, p.found) for p in caught.value.problems
        ]

    @pytest.mark.parametrize(
        ("change", "path", "found"),
        [
            (lambda v: v.pop("records"), "$", "an object without it (1 missing)"),
            (lambda v: v.update(extra=1), "$", "1 other key(s)"),
            (lambda v: v.update(records=-1), "$.records", "a whole number below 0"),
            (lambda v: v.update(records=True), "$.records", "a boolean"),
            (lambda v: v.update(as_of="2024-02-30"), "$.as_of", "a string that is not a date"),
            (lambda v: v.update(since="2024-04-01"), "$.since", "a later date"),
            (lambda v: v.update(first_day=None), "$.first_day", "null"),
            (
                lambda v: v["groups"][0].update(stays=1.5),
                "$.groups[0].stays",
                "a number with a fraction",
            ),
            (
                lambda v: v["groups"][0].update(stage="high_secure"),
                "$.groups[0].stage",
                "a stage not listed",
            ),
            (
                lambda v: v["groups"][0].update(bed_day_value="£1"),
                "$.groups[0].bed_day_value",
                "a string that is not such an amount",
            ),
            (
                lambda v: v["groups"][0].update(admitted_open=[[60, 0]]),
                "$.groups[0].admitted_open[0][1]",
                "a whole number below 1",
            ),
            (
                lambda v: v["groups"][0].update(admitted_open=[[60, 1], [60, 2]]),
                "$.groups[0].admitted_open[1]",
                "a number of days already given",
            ),
            (
                lambda v: v["groups"][0].update(people=["P-1", "P-1"]),
                "$.groups[0].people",
                "an id more than once",
            ),
            (
                lambda v: v["groups"][0].update(delay_days=[["NoSuchList", None, None, 3]]),
                "$.groups[0].delay_days[0][0]",
                "another string",
            ),
            (
                lambda v: v["groups"][0].update(delay_by_person=[["P-1"]]),
                "$.groups[0].delay_by_person[0]",
                "an array",
            ),
            (
                lambda v: v["groups"][0].update(delay_by_person=[["P-1", "1"], ["P-1", "2"]]),
                "$.groups[0].delay_by_person[1]",
                "an id already given",
            ),
            (
                lambda v: v["groups"][0].update(delay_by_person=[["P-9", "452"]]),
                "$.groups[0].delay_by_person",
                "an id that is not listed",
            ),
            (
                lambda v: v["groups"][0].update(bed_month_days=[["2024-13", 3]]),
                "$.groups[0].bed_month_days[0][0]",
                "another string",
            ),
            (
                lambda v: v["groups"][0].update(bed_month_spans=[["2024-02", 0]]),
                "$.groups[0].bed_month_spans[0][1]",
                "0",
            ),
            (
                lambda v: v["groups"][0].update(ready_month_days=[["2024-02", -1]]),
                "$.groups[0].ready_month_days[0][1]",
                "a whole number below 1",
            ),
            (
                lambda v: v["groups"][0].update(bed_month_days=[["2024-01", 1], ["2024-01", 2]]),
                "$.groups[0].bed_month_days[1]",
                "a month already given",
            ),
            (
                lambda v: v["groups"].append(dict(v["groups"][0])),
                "$.groups[1]",
                "a provider and stage already given",
            ),
            (
                lambda v: v.update(combined_long_stay={"stages": [], "after": "P15Y"}),
                "$.combined_long_stay.stages",
                "none",
            ),
            (
                lambda v: v.update(
                    combined_long_stay={"stages": ["high_secure"], "after": "15 years"}
                ),
                "$.combined_long_stay.after",
                "another string",
            ),
        ],
    )
    def test_each_break_of_the_format_is_found_at_its_path(
        self, change: Any, path: str, found: str
    ) -> None:
        """Each problem is reported where it is, saying what kind of value was found."""
        with pytest.raises(pm.ValidationError) as caught:
            read(spoilt(change))
        assert (path, found) in [(p.path, p.found) for p in caught.value.problems]

    def test_a_repeated_key_is_refused(self) -> None:
        """JSON with a key twice is not read as its last value."""
        data = EMPTY.replace(b'"records":0', b'"records":0,"records":0')
        with pytest.raises(pm.ValidationError, match="an object with each key once"):
            CohortPartial.from_json(data)

    def test_every_problem_is_listed_and_wrong_types_are_wrong_type_errors(self) -> None:
        """Two values of the wrong type: both listed, as a WrongTypeError."""

        def change(value: dict[str, Any]) -> None:
            value["records"] = "1"
            value["groups"][0]["stays"] = None

        with pytest.raises(pm.WrongTypeError) as caught:
            read(spoilt(change))
        assert ["$.records", "$.groups[0].stays"] == [p.path for p in caught.value.problems]

    def test_no_message_shows_a_value_read(self) -> None:
        """Ids, names and codes read are never shown, however wrong they are."""

        def change(value: dict[str, Any]) -> None:
            value["groups"][0]["provider"] = ["Riverside Secret"]
            value["groups"][0]["people"] = ["P-1", 7, "P-1"]
            value["groups"][0]["stage"] = "Not A Code!"
            value["as_of"] = "2024-03-01 Secret"
            value["community_stages"] = ["Secret stage"]

        with pytest.raises(pm.ValidationError) as caught:
            read(spoilt(change))
        assert (5, False, False) == (
            caught.value.total,
            "Secret" in str(caught.value),
            "P-1" in str(caught.value),
        )


# --- reading an iterator --------------------------------------------------------------------------


class TestStreaming:
    def test_the_records_of_an_iterator_are_not_kept(self) -> None:
        """Over a generator, a record is let go once the next is asked for: none is held."""
        alive: list[weakref.ref[pm.Pathway]] = []
        most = 0

        def records() -> Iterator[pm.Pathway]:
            nonlocal most
            for item in hand_cohort() * 2:
                made = attrs.evolve(item)  # a fresh record, held by the reader alone
                alive.append(weakref.ref(made))
                del item
                gc.collect()
                most = max(most, sum(ref() is not None for ref in alive))
                yield made
                del made

        report = cohort_report(records(), as_of=AS_OF, since=SINCE)
        assert (10, 2) == (report.records, most)

    def test_the_callers_decimal_context_is_left_alone(self) -> None:
        """The records' generator runs in the caller's decimal context, which moves no amount."""
        seen: list[int] = []

        def records() -> Iterator[pm.Pathway]:
            for item in hand_cohort():
                seen.append(decimal.getcontext().prec)
                yield item

        expected = cohort_report(hand_cohort(), as_of=AS_OF, since=SINCE)
        with decimal.localcontext(decimal.Context(prec=3)):
            report = cohort_report(records(), as_of=AS_OF, since=SINCE)
        assert ([3] * 5, expected) == (seen, report)

    def test_an_iterator_reports_as_a_list_does(self) -> None:
        """An iterator, read once, gives the report of the same records in a list."""
        assert cohort_report(hand_cohort(), as_of=AS_OF) == cohort_report(
            iter(hand_cohort()), as_of=AS_OF
        )
