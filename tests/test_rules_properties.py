"""The readiness rules: the invariants of "How readiness is decided", and a literal oracle.

The oracle (``naive_ready``) is the specification written out day by day, with no
shortcuts; the library works over event dates instead. They must agree on every day.
"""

from __future__ import annotations

import datetime as dt
import re
from random import Random

import attrs
from hypothesis import assume, given
from hypothesis import strategies as st

import pathway_model as pm
from tests import strategies as s

ONE_DAY = dt.timedelta(days=1)
Case = tuple[pm.PathwayDefinition, pm.Pathway, dt.date]


def naive_qualifies(review: pm.Review, criteria: pm.ExitCriteria, scale: pm.RatingScale) -> bool:
    """A qualifying review ("How readiness is decided"), literally."""
    ranks = {level.code: level.rank for level in scale.levels}
    for requirement in criteria.requirements:
        ratings = [r for r in review.ratings if r.domain == requirement.domain]
        if not ratings:
            return False
        rating = ratings[0]
        if ranks[rating.team] < ranks[requirement.minimum]:
            return False
        if criteria.person_must_agree and (
            rating.person is None or ranks[rating.person] < ranks[requirement.minimum]
        ):
            return False
    return True


def naive_ready(pathway: pm.Pathway, definition: pm.PathwayDefinition, t: dt.date) -> bool:
    """Ready ("How readiness is decided"), literally, for one day (same-day reviews together)."""
    placement = next(
        (p for p in pathway.placements if p.start <= t and (p.end is None or t < p.end)), None
    )
    if placement is None:
        return False
    criteria = definition.stage(placement.stage).exit_criteria
    if criteria is None:
        return False
    scale = definition.framework.scale
    reviews = [r for r in pathway.reviews if placement.start <= r.date <= t]
    if not reviews:
        return False
    days = sorted({r.date for r in reviews})

    def day_qualifies(day: dt.date) -> bool:
        return all(naive_qualifies(r, criteria, scale) for r in reviews if r.date == day)

    if not day_qualifies(days[-1]):
        return False
    first = len(days) - 1
    while first > 0 and day_qualifies(days[first - 1]):
        first -= 1
    ready_from = criteria.sustained_for.add_to(days[first])
    for rule in criteria.incident_rules:
        resets = [
            i.date
            for i in pathway.incidents
            if placement.start <= i.date <= t
            and i.kind in rule.kinds
            and i.severity.rank >= rule.minimum_severity.rank
        ]
        if resets:
            ready_from = max(ready_from, rule.incident_free_for.add_to(max(resets)))
    return ready_from <= t


def _last_day(pathway: pm.Pathway) -> dt.date:
    end = pathway.end
    last_event = max(
        [pathway.placements[-1].start]
        + [r.date for r in pathway.reviews]
        + [i.date for i in pathway.incidents]
    )
    return (end if end is not None else last_event) + dt.timedelta(days=60)


@st.composite
def cases(draw: st.DrawFn, *, inside: bool = True, **options: object) -> Case:
    """A definition, a record on it, and a date on or after the record begins.

    With ``inside`` the date falls inside one of the record's stays.
    """
    definition = draw(s.definitions)
    options.setdefault("max_reviews", 16)
    pathway = draw(s.pathways(definition, prefer_high=True, **options))  # type: ignore[arg-type]
    runs = [
        run
        for result in pm.readiness_history(pathway, _last_day(pathway), definition=definition)
        for run in result.runs
    ]
    how = draw(st.sampled_from(["uniform", "after a review", "inside a ready run"]))
    if how == "inside a ready run" and runs:
        # Ready days are rare at random; the library only picks the day, the test judges it.
        run = draw(st.sampled_from(runs))
        day = run.start + dt.timedelta(days=draw(st.integers(0, run.days - 1)))
    elif how == "after a review" and pathway.reviews:
        # A day some months after a review: where readiness tends to begin.
        anchor = draw(st.sampled_from(pathway.reviews)).date
        stay = pathway.placement_on(anchor)
        room = 250
        if inside and stay is not None and stay.end is not None:
            room = min(room, (stay.end - anchor).days - 1)  # drawn inside, not filtered
        day = anchor + dt.timedelta(days=draw(st.integers(0, room)))
    elif inside:
        # A day inside a stay drawn directly; an open stay runs to the last day drawn for.
        stay = draw(st.sampled_from(pathway.placements))
        last = _last_day(pathway) if stay.end is None else stay.end - dt.timedelta(days=1)
        day = stay.start + dt.timedelta(days=draw(st.integers(0, (last - stay.start).days)))
    else:
        offset = draw(st.integers(0, (_last_day(pathway) - pathway.first_day).days))
        day = pathway.first_day + dt.timedelta(days=offset)
    return definition, pathway, day


def up_to(pathway: pm.Pathway, t: dt.date) -> pm.Pathway:
    """The record with every review and incident dated after ``t`` taken out."""
    return attrs.evolve(
        pathway,
        reviews=[r for r in pathway.reviews if r.date <= t],
        incidents=[i for i in pathway.incidents if i.date <= t],
    )


class TestOracle:
    @given(cases())
    def test_ready_on_agrees_with_the_specification(self, case: Case) -> None:
        """ready_on(t) is ready(t) of "How readiness is decided", day by day."""
        definition, pathway, t = case
        assert naive_ready(pathway, definition, t) == pm.ready_on(pathway, t, definition=definition)

    @given(cases(inside=False, max_placements=2))
    def test_not_a_day_more_agrees_with_a_day_by_day_count(self, case: Case) -> None:
        """Ready days, readiness date and days beyond readiness match a count of every day."""
        definition, pathway, as_of = case
        result = pm.readiness(pathway, as_of, definition=definition)
        placement = next(p for p in reversed(pathway.placements) if p.start <= as_of)
        stop = as_of if placement.end is None else min(placement.end, as_of)
        days = [
            placement.start + dt.timedelta(days=n) for n in range((stop - placement.start).days)
        ]
        ready = [day for day in days if naive_ready(pathway, definition, day)]
        assert len(ready) == result.ready_days
        last = as_of if placement.covers(as_of) else stop - ONE_DAY
        if naive_ready(pathway, definition, last):
            start = last
            while start > placement.start and naive_ready(pathway, definition, start - ONE_DAY):
                start -= ONE_DAY
            assert (start, (stop - start).days) == (
                result.readiness_date,
                result.days_beyond_readiness,
            )
        else:
            assert (None, 0) == (result.readiness_date, result.days_beyond_readiness)


class TestInvariants:
    @given(cases())
    def test_no_look_ahead(self, case: Case) -> None:
        """1. Reviews and incidents dated after t never change ready(t), assess or the report."""
        definition, pathway, t = case
        earlier = up_to(pathway, t)
        assert pm.ready_on(earlier, t, definition=definition) == pm.ready_on(
            pathway, t, definition=definition
        )
        assert pm.assess(earlier, t, definition=definition) == pm.assess(
            pathway, t, definition=definition
        )
        assert pm.readiness_history(earlier, t, definition=definition) == pm.readiness_history(
            pathway, t, definition=definition
        )

    @given(cases(), st.randoms(use_true_random=False))
    def test_order_independence(self, case: Case, random: object) -> None:
        """2. The order reviews, incidents, goals and placements are given in changes nothing."""
        definition, pathway, t = case
        shuffled = {}
        for field in ("placements", "goals", "reviews", "incidents"):
            items = list(getattr(pathway, field))
            random.shuffle(items)  # type: ignore[attr-defined]
            shuffled[field] = items[::-1]
        other = attrs.evolve(pathway, **shuffled)
        assert pathway == other
        assert pm.assess(pathway, t, definition=definition) == pm.assess(
            other, t, definition=definition
        )

    @given(s.ready_cases(max_reviews=16), st.data())
    def test_raising_levels_never_ends_readiness(self, case: Case, data: st.DataObject) -> None:
        """3a. Raising any team or person level never turns ready into not ready."""
        definition, pathway, t = case
        codes = definition.framework.scale.codes
        reviews = list(pathway.reviews)
        rated = [n for n, review in enumerate(reviews) if review.ratings]  # a ready case has some
        index = data.draw(st.sampled_from(rated))
        target = reviews[index]
        raised = []
        for rating in target.ratings:
            team = data.draw(st.sampled_from(codes[codes.index(rating.team) :]))
            floor = 0 if rating.person is None else codes.index(rating.person)
            person = data.draw(st.sampled_from(codes[floor:]))
            raised.append(attrs.evolve(rating, team=team, person=person))
        reviews[index] = attrs.evolve(target, ratings=raised)
        better = attrs.evolve(pathway, reviews=reviews)
        before = pm.readiness(pathway, t, definition=definition)
        after = pm.readiness(better, t, definition=definition)
        assert (not before.ready) or after.ready
        assert before.ready_days <= after.ready_days

    @given(cases(), st.data())
    def test_an_incident_never_brings_readiness(self, case: Case, data: st.DataObject) -> None:
        """3b. Adding an incident never turns not ready into ready."""
        definition, pathway, t = case
        placement = pathway.placement_on(t)
        assert placement is not None
        day = placement.start + dt.timedelta(
            days=data.draw(st.integers(0, (t - placement.start).days))
        )
        added = pm.Incident(
            id="incident-added",
            date=day,
            kind=data.draw(st.sampled_from(pm.IncidentKind)),
            severity=data.draw(st.sampled_from(pm.IncidentSeverity)),
        )
        worse = pathway.with_incidents(added)
        before = pm.readiness(pathway, t, definition=definition)
        after = pm.readiness(worse, t, definition=definition)
        assert before.ready or not after.ready
        assert after.ready_days <= before.ready_days

    @given(cases(inside=False))
    def test_days_are_bounded(self, case: Case) -> None:
        """4. 0 <= days beyond readiness <= ready days <= days in the stay up to as_of."""
        definition, pathway, as_of = case
        for result in pm.readiness_history(pathway, as_of, definition=definition):
            assert 0 <= result.days_beyond_readiness <= result.ready_days
            assert result.ready_days <= result.days_in_placement
            assert sum(run.days for run in result.runs) == result.ready_days

    @given(s.ready_cases(max_reviews=16), st.data())
    def test_waiting_while_ready_adds_exactly_the_days_waited(
        self, case: Case, data: st.DataObject
    ) -> None:
        """5. With no new data, k more days while ready add k to both day counts."""
        # The case is built ready on t, with a day of its stay to spare after t.
        definition, pathway, t = case
        placement = pathway.placement_on(t)
        assert placement is not None
        room = 400 if placement.end is None else (placement.end - t).days - 1
        k = data.draw(st.integers(1, room))
        frozen = up_to(pathway, t)
        before = pm.readiness(frozen, t, definition=definition)
        after = pm.readiness(frozen, t + dt.timedelta(days=k), definition=definition)
        assert before.ready
        assert after.ready
        assert before.days_beyond_readiness + k == after.days_beyond_readiness
        assert before.ready_days + k == after.ready_days

    @given(cases())
    def test_a_proposal_is_an_allowed_step_down(self, case: Case) -> None:
        """6. A proposal only names a less restrictive stage the definition allows."""
        definition, pathway, t = case
        decision = pm.assess(pathway, t, definition=definition)
        for proposed in (decision.proposed_stage, decision.next_stage):
            if proposed is None:
                continue
            assert definition.allows(decision.stage, proposed)
            assert (
                definition.stage(proposed).security_rank
                < definition.stage(decision.stage).security_rank
            )
        if decision.proposed_stage is not None:
            assert pm.AssessmentStatus.READY == decision.status


class TestDecisionConsistency:
    @given(cases())
    def test_ready_exactly_when_every_criterion_is_met(self, case: Case) -> None:
        """A stage with criteria is ready exactly when each judged criterion is met."""
        definition, pathway, t = case
        decision = pm.assess(pathway, t, definition=definition)
        if decision.has_exit_criteria and decision.status is not pm.AssessmentStatus.NO_EVIDENCE:
            all_met = all(criterion.met for criterion in decision.criteria)
            assert all_met == (decision.status is pm.AssessmentStatus.READY)
        assert decision.readiness.ready == (decision.status is pm.AssessmentStatus.READY)

    @given(cases())
    def test_assess_agrees_with_ready_on(self, case: Case) -> None:
        """assess(t) says ready exactly when ready_on(t) does."""
        definition, pathway, t = case
        decision = pm.assess(pathway, t, definition=definition)
        ready = pm.ready_on(pathway, t, definition=definition)
        assert ready == (decision.status is pm.AssessmentStatus.READY)

    @given(cases())
    def test_cost_is_ready_days_times_bed_day_cost(self, case: Case) -> None:
        """cost of delay = ready days x the stage's bed-day cost, when it has one."""
        definition, pathway, t = case
        result = pm.readiness(pathway, t, definition=definition)
        cost = definition.stage(result.stage).bed_day_cost
        assert (None if cost is None else cost * result.ready_days) == result.cost_of_delay

    @given(cases())
    def test_same_input_same_output(self, case: Case) -> None:
        """Deciding twice gives equal results (no clock, no hidden state)."""
        definition, pathway, t = case
        assert pm.assess(pathway, t, definition=definition) == pm.assess(
            pathway, t, definition=definition
        )
        first = pm.explain(pm.assess(pathway, t, definition=definition), definition=definition)
        again = pm.explain(pm.assess(pathway, t, definition=definition), definition=definition)
        assert first == again


@st.composite
def same_day_cases(draw: st.DrawFn) -> Case:
    """A case in which some reviews share a day with another review of the same stay."""
    definition, pathway, t = draw(cases(max_goals=0))
    reviews = list(pathway.reviews)
    assume(len(reviews) >= 2)
    for index in draw(st.lists(st.integers(0, len(reviews) - 1), min_size=1, max_size=4)):
        other = reviews[draw(st.integers(0, len(reviews) - 1))]
        if pathway.placement_on(other.date) is pathway.placement_on(reviews[index].date):
            following = draw(st.none() | st.integers(1, 120))
            reviews[index] = attrs.evolve(
                reviews[index],
                date=other.date,
                next_review_date=None
                if following is None
                else other.date + dt.timedelta(days=following),
            )
    return definition, attrs.evolve(pathway, reviews=reviews), t


def _relabelled(pathway: pm.Pathway, order: list[int]) -> pm.Pathway:
    """The record with its review ids handed out again in the order given."""
    ids = [review.id for review in pathway.reviews]
    reviews = [attrs.evolve(review, id=ids[order[n]]) for n, review in enumerate(pathway.reviews)]
    return attrs.evolve(pathway, reviews=reviews)


def _without_review_ids(value: object, ids: frozenset[str]) -> object:
    """A JSON-like tree, or a text, with every review id replaced by '?'."""
    if isinstance(value, dict):
        return {key: _without_review_ids(child, ids) for key, child in value.items()}
    if isinstance(value, list):
        return [_without_review_ids(child, ids) for child in value]
    if isinstance(value, str):
        return "?" if value in ids else re.sub(r"\breview-[0-9]+\b", "?", value)
    return value


class TestIdRelabelling:
    @given(same_day_cases(), st.randoms(use_true_random=False))
    def test_relabelling_review_ids_changes_nothing_but_the_ids(
        self, case: Case, random: Random
    ) -> None:
        """Any permutation of review ids leaves every result and text the same but for ids.

        Same-day reviews are taken together, so what a criterion found, the agreed next
        review date and the order of disagreements never follow which id sorts last.
        """
        definition, pathway, t = case
        order = list(range(len(pathway.reviews)))
        random.shuffle(order)
        relabelled = _relabelled(pathway, order)
        ids = frozenset(review.id for review in pathway.reviews)

        def outputs(record: pm.Pathway) -> object:
            decision = pm.assess(record, t, definition=definition)
            found = {
                "assessment": pm.to_dict(decision),
                "readiness": pm.to_dict(pm.readiness(record, t, definition=definition)),
                "history": [
                    pm.to_dict(item)
                    for item in pm.readiness_history(record, t, definition=definition)
                ],
                "schedule": pm.to_dict(pm.review_schedule(record, t, definition=definition)),
                "texts": [pm.explain(decision, a, definition=definition) for a in pm.Audience],
            }
            return _without_review_ids(found, ids)

        assert outputs(pathway) == outputs(relabelled)
