"""The controls of the clinical safety hazard log, shown to work.

One class per hazard of ``docs/safety/hazard-log.md``, named after its id. Each test shows
one control doing its job; the hazard log names the test, and ``tests/test_hazard_log.py``
checks that every test it names exists. Tests marked ``xfail(strict=True)`` pin an open
issue of the log: they fail once the issue is fixed, so that the mark is taken off and the
log updated in the same change.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import cli, fhir, scoring, synthetic
from pathway_model.catalogue import DEFINITIONS, SECURE_PATHWAY
from tests import strategies as s
from tests.scenarios import (
    LOW_ENOUGH,
    MEDIUM_ALL_PARTLY,
    SCENARIOS,
    SIMPLE,
    Scenario,
    incident,
    record,
    review,
)
from tests.test_fhir_golden import worked_pathway

D = dt.date
ONE_DAY = dt.timedelta(days=1)
UTC = dt.timezone.utc
LONDON = ZoneInfo("Europe/London")
READY = pm.AssessmentStatus.READY
NOT_READY = pm.AssessmentStatus.NOT_READY
NO_EVIDENCE = pm.AssessmentStatus.NO_EVIDENCE
ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "pathway_model"
EXAMPLE = ROOT / "examples" / "medium_secure.json"

Case = tuple[pm.PathwayDefinition, pm.Pathway, dt.date]


def medium_secure(*reviews: pm.Review, incidents: tuple[pm.Incident, ...] = ()) -> pm.Pathway:
    """A medium secure stay from 8 January 2024 with the reviews and incidents given."""
    return record(
        SECURE_PATHWAY,
        [("medium_secure", D(2024, 1, 8), None)],
        reviews=reviews,
        incidents=incidents,
    )


#: Qualifies in medium secure on 1 February 2024: ready from 1 May 2024 (1 February + P3M).
READY_FROM_MAY = medium_secure(review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY))


def texts(decision: pm.Assessment, definition: pm.PathwayDefinition) -> tuple[str, str]:
    """The team's and the person's explanation of a decision."""
    return (
        pm.explain(decision, pm.Audience.TEAM, definition=definition),
        pm.explain(decision, pm.Audience.PERSON, definition=definition),
    )


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WRITTEN = re.compile(r"([0-9]{1,2}) ([A-Z][a-z]+) ([0-9]{4})")

#: What a text says: ready, since when, whether the review is late, when it is due, and
#: each disagreement as (domain, team level, person level).
Facts = tuple[bool, dt.date | None, bool, dt.date | None, frozenset[tuple[str, str, str]]]


def facts_of(decision: pm.Assessment) -> Facts:
    """The facts of a decision that both explanations must tell."""
    ready = decision.status is READY
    return (
        ready,
        decision.readiness.readiness_date if ready else None,
        decision.schedule.overdue,
        decision.schedule.due,
        frozenset((d.domain, d.team, d.person) for d in decision.disagreements),
    )


def team_facts(text: str, framework: pm.OutcomeFramework) -> Facts:
    """The facts the team's text tells, read back from its words alone."""
    since = re.search(r"^Status: READY since ([0-9-]{10}) ", text, re.MULTILINE)
    due = re.search(r"^(?:Review OVERDUE: due|Next review due by) ([0-9-]{10})", text, re.M)
    code = {domain.name: domain.code for domain in framework.domains}
    disagreements = re.findall(
        r"^Disagreement at review \S+ \([0-9-]{10}\): (.+) - team (\S+), person (\S+)\.$",
        text,
        re.MULTILINE,
    )
    return (
        since is not None,
        None if since is None else dt.date.fromisoformat(since[1]),
        "Review OVERDUE" in text,
        None if due is None else dt.date.fromisoformat(due[1]),
        frozenset((code[name], team, person) for name, team, person in disagreements),
    )


def _read_written(text: str) -> dt.date:
    match = _WRITTEN.fullmatch(text)
    assert match is not None, text
    return dt.date(int(match[3]), _MONTHS.index(match[2]) + 1, int(match[1]))


def person_facts(text: str, framework: pm.OutcomeFramework) -> Facts:
    """The facts the person's text tells, read back from its everyday words alone."""
    since = re.search(r"^You have been ready since (.+)\.$", text, re.MULTILINE)
    due = re.search(r"(?:It was due on|Your next review is due by) (.+?)\.$", text, re.M)
    code = {domain.everyday_name: domain.code for domain in framework.domains}
    level = {item.everyday_label: item.code for item in framework.scale.levels}
    disagreements = re.findall(
        r"^(.+): you said it is (.+)\. Your team said it is (.+)\.$", text, re.MULTILINE
    )
    return (
        "you are ready" in text,
        None if since is None else _read_written(since[1]),
        "Your review is late." in text,
        None if due is None else _read_written(due[1]),
        frozenset((code[name], level[team], level[mine]) for name, mine, team in disagreements),
    )


def _last_day(pathway: pm.Pathway) -> dt.date:
    end = pathway.end
    return end - ONE_DAY if end is not None else pathway.placements[-1].start + dt.timedelta(900)


@st.composite
def builtin_cases(draw: st.DrawFn) -> Case:
    """A built-in definition, a record on it, and a day inside one of the record's stays.

    Half the time the day is one on which the person is ready (when there is one), so
    that the texts of ready people are tried as often as the others.
    """
    definition = draw(st.sampled_from(DEFINITIONS))
    pathway = draw(s.pathways(definition, prefer_high=True, max_goals=0))
    runs = [
        run
        for result in pm.readiness_history(pathway, _last_day(pathway), definition=definition)
        for run in result.runs
    ]
    in_a_run = draw(st.booleans())
    if runs and in_a_run:
        run = draw(st.sampled_from(runs))
        return definition, pathway, run.start + dt.timedelta(draw(st.integers(0, run.days - 1)))
    placement = draw(st.sampled_from(pathway.placements))
    last = placement.end - ONE_DAY if placement.end else placement.start + dt.timedelta(900)
    day = placement.start + dt.timedelta(draw(st.integers(0, (last - placement.start).days)))
    return definition, pathway, day


@st.composite
def any_cases(draw: st.DrawFn) -> Case:
    """A definition (built in or generated), a record on it, and a day inside a stay."""
    definition, pathway = draw(
        s.definitions_and_pathways(prefer_high=True, max_goals=0, max_reviews=8)
    )
    placement = draw(st.sampled_from(pathway.placements))
    last = placement.end - ONE_DAY if placement.end else placement.start + dt.timedelta(400)
    day = placement.start + dt.timedelta(draw(st.integers(0, (last - placement.start).days)))
    return definition, pathway, day


def _finding(line: str) -> str:
    """The 'expected ...; found ...' part of a criterion's line in the team's text."""
    match = re.search(r"expected .+?; found .+?(?=; met from | \[|$)", line)
    return "" if match is None else match[0]


by_scenario = pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.slug)


class TestH01StaleReview:
    def test_a_review_is_overdue_one_day_after_it_is_due(self) -> None:
        """Three months after a review on 1 February the next is due on 1 May, late on 2 May."""
        schedule = pm.review_schedule(READY_FROM_MAY, D(2024, 5, 2))
        assert (D(2024, 5, 1), True, 1) == (schedule.due, schedule.overdue, schedule.days_overdue)

    def test_a_first_review_is_overdue_one_day_after_its_deadline(self) -> None:
        """With no review yet, the first is due 12 weeks after admission and late a day later."""
        schedule = pm.review_schedule(medium_secure(), D(2024, 4, 2))
        assert (D(2024, 4, 1), True, 1) == (schedule.due, schedule.overdue, schedule.days_overdue)

    def test_a_ready_person_whose_review_is_late_is_told_so(self) -> None:
        """Readiness resting on an old review comes with a late-review warning in both texts."""
        decision = pm.assess(READY_FROM_MAY, D(2024, 6, 1))
        team, person = texts(decision, SECURE_PATHWAY)
        assert (READY, True, True, True) == (
            decision.status,
            decision.review_overdue,
            "Review OVERDUE: due 2024-05-01, 31 days ago." in team,
            "Your review is late. It was due on 1 May 2024." in person,
        )


class TestH02ClockChange:
    def test_late_evening_utc_on_the_last_night_of_summer_time_is_the_next_day(self) -> None:
        """23:30 UTC on Saturday 26 October 2024 was 00:30 BST on Sunday 27 October."""
        assert D(2024, 10, 27) == pm.uk_date(dt.datetime(2024, 10, 26, 23, 30, tzinfo=UTC))

    def test_late_evening_utc_after_the_clocks_go_back_is_the_same_day(self) -> None:
        """England was back on GMT from 01:00 UTC on 27 October 2024: 23:30 UTC is that day."""
        assert D(2024, 10, 27) == pm.uk_date(dt.datetime(2024, 10, 27, 23, 30, tzinfo=UTC))

    @pytest.mark.parametrize("fold", [0, 1])
    def test_half_past_one_on_the_autumn_night_is_that_day_both_times(self, fold: int) -> None:
        """01:30 happened twice in London on 27 October 2024 (BST, then GMT): both that day."""
        moment = dt.datetime(2024, 10, 27, 1, 30, tzinfo=LONDON, fold=fold)
        assert D(2024, 10, 27) == pm.uk_date(moment)

    def test_late_evening_utc_before_the_clocks_go_forward_is_the_same_day(self) -> None:
        """England kept GMT until 01:00 UTC on 31 March 2024: 23:30 UTC on 30 March is 30 March."""
        assert D(2024, 3, 30) == pm.uk_date(dt.datetime(2024, 3, 30, 23, 30, tzinfo=UTC))

    def test_late_evening_utc_on_the_first_day_of_summer_time_is_the_next_day(self) -> None:
        """23:30 UTC on 31 March 2024 was 00:30 BST on 1 April."""
        assert D(2024, 4, 1) == pm.uk_date(dt.datetime(2024, 3, 31, 23, 30, tzinfo=UTC))

    @given(
        st.datetimes(
            min_value=dt.datetime(1972, 1, 1),
            max_value=dt.datetime(2100, 12, 31),
            timezones=st.just(UTC),
        )
    )
    def test_a_uk_date_is_the_utc_date_or_the_day_after(self, moment: dt.datetime) -> None:
        """England is on UTC or an hour ahead: the date moves on by a day only after 23:00 UTC."""
        possible = {moment.date()} if moment.hour < 23 else {moment.date(), moment.date() + ONE_DAY}
        assert pm.uk_date(moment) in possible

    def test_a_document_timed_on_the_autumn_night_loads_as_its_uk_date(self) -> None:
        """A review timed 2024-10-26T23:30:00Z in a JSON document is dated 27 October 2024."""
        document = pm.to_dict(READY_FROM_MAY)
        document["reviews"][0]["date"] = "2024-10-26T23:30:00Z"
        assert D(2024, 10, 27) == pm.from_dict(document, pm.Pathway).reviews[0].date


class TestH03MissingData:
    def test_a_review_without_ratings_never_qualifies(self) -> None:
        """A review that rates nothing leaves the person not ready, every level 'not rated'."""
        decision = pm.assess(medium_secure(pm.Review(id="r1", date=D(2024, 2, 1))), D(2025, 1, 1))
        levels = {c.actual for c in decision.criteria if c.kind is pm.CriterionKind.TEAM_LEVEL}
        assert (NOT_READY, {"not rated"}) == (decision.status, levels)

    def test_a_rating_under_a_misspelt_domain_code_stops_the_decision(self) -> None:
        """A rating of 'substance_misuses' is refused, never read as substance_misuse unrated."""
        levels = {**MEDIUM_ALL_PARTLY, "substance_misuses": "met"}
        del levels["substance_misuse"]
        with pytest.raises(pm.UnknownCodeError) as caught:
            pm.assess(medium_secure(review("r1", D(2024, 2, 1), levels)), D(2025, 1, 1))
        assert ("substance_misuses", "$.reviews[0].ratings[2].domain") == (
            caught.value.code,
            caught.value.path,
        )

    def test_a_declined_person_level_never_counts_when_agreement_is_required(self) -> None:
        """In low secure the person must agree: a level they did not give keeps them not ready."""
        person = {domain: level for domain, level in LOW_ENOUGH.items() if domain != "life_skills"}
        pathway = record(
            SECURE_PATHWAY,
            [("low_secure", D(2024, 1, 8), None)],
            reviews=(review("r1", D(2024, 2, 1), LOW_ENOUGH, person),),
        )
        decision = pm.assess(pathway, D(2025, 2, 1))
        not_given = [c.domain for c in decision.criteria if c.actual == "not given"]
        assert (NOT_READY, ["life_skills"]) == (decision.status, not_given)

    @given(any_cases(), st.data())
    def test_taking_a_rating_away_never_brings_readiness(
        self, case: Case, data: st.DataObject
    ) -> None:
        """Removing any one rating from any review never turns not ready into ready."""
        definition, pathway, day = case
        rated = [(n, review) for n, review in enumerate(pathway.reviews) if review.ratings]
        assume(rated)
        index, target = data.draw(st.sampled_from(rated))
        dropped = data.draw(st.integers(0, len(target.ratings) - 1))
        reviews = list(pathway.reviews)
        reviews[index] = attrs.evolve(
            target, ratings=[r for n, r in enumerate(target.ratings) if n != dropped]
        )
        before = pm.readiness(pathway, day, definition=definition)
        after = pm.readiness(attrs.evolve(pathway, reviews=reviews), day, definition=definition)
        assert (True, True) == (
            before.ready or not after.ready,
            after.ready_days <= before.ready_days,
        )


class TestH04PersonText:
    @given(builtin_cases())
    def test_both_texts_tell_the_same_facts_as_the_decision(self, case: Case) -> None:
        """Read back from their words, both texts give the decision's readiness, review, views."""
        definition, pathway, day = case
        decision = pm.assess(pathway, day, definition=definition)
        team, person = texts(decision, definition)
        framework = definition.framework
        expected = facts_of(decision)
        assert (expected, expected) == (
            team_facts(team, framework),
            person_facts(person, framework),
        )

    @by_scenario
    def test_the_person_is_told_it_is_the_rules_that_say_so(self, scenario: Scenario) -> None:
        """Whenever the person's text says ready or not ready, it says 'The rules say'."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        _, person = texts(decision, scenario.definition)
        judged = decision.has_exit_criteria and decision.status is not NO_EVIDENCE
        assert judged == ("The rules say" in person)

    def test_the_person_is_never_told_an_earlier_date_than_the_rules_give(self) -> None:
        """A qualifying review and a later incident: the person is told the incident's date."""
        # Streak from 1 April: sustained from 1 July. Incident on 1 May: free from 1 August.
        pathway = medium_secure(
            review("r1", D(2024, 4, 1), MEDIUM_ALL_PARTLY),
            incidents=(incident("i1", D(2024, 5, 1), "violence", "moderate"),),
        )
        _, person = texts(pm.assess(pathway, D(2024, 6, 1)), SECURE_PATHWAY)
        told = re.findall(r"you will be ready on ([0-9]+ [A-Za-z]+ [0-9]{4})", person)
        assert ["1 August 2024"] == told


class TestH05LookAhead:
    def test_a_review_after_the_decision_date_does_not_change_it(self) -> None:
        """A review dated the day after as_of, one that would end readiness, changes nothing."""
        later = READY_FROM_MAY.with_reviews(
            review("r2", D(2024, 6, 2), dict.fromkeys(MEDIUM_ALL_PARTLY, "not_met"))
        )
        assert pm.assess(READY_FROM_MAY, D(2024, 6, 1)) == pm.assess(later, D(2024, 6, 1))

    def test_an_incident_after_the_decision_date_does_not_change_it(self) -> None:
        """A serious incident dated the day after as_of changes nothing at as_of."""
        later = READY_FROM_MAY.with_incidents(incident("i1", D(2024, 6, 2), "violence", "serious"))
        assert pm.assess(READY_FROM_MAY, D(2024, 6, 1)) == pm.assess(later, D(2024, 6, 1))


class TestH06OrderDependence:
    @pytest.mark.parametrize("qualifying_id", ["a", "b"])
    def test_same_day_reviews_are_judged_together_whatever_their_ids(
        self, qualifying_id: str
    ) -> None:
        """Of two reviews on one day, the one that does not qualify stops the day, either id."""
        other_id = "b" if qualifying_id == "a" else "a"
        pathway = medium_secure(
            review(qualifying_id, D(2024, 2, 1), MEDIUM_ALL_PARTLY),
            review(other_id, D(2024, 2, 1), {**MEDIUM_ALL_PARTLY, "substance_misuse": "not_met"}),
        )
        decision = pm.assess(pathway, D(2024, 8, 1))
        actual = {c.domain: c.actual for c in decision.criteria if c.domain is not None}
        assert (NOT_READY, "not_met") == (decision.status, actual["substance_misuse"])


class TestH07SaveAndLoad:
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.slug)
    def test_a_stored_decision_explains_the_same_after_loading(self, scenario: Scenario) -> None:
        """A decision written to JSON and read back gives both explanations word for word."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        stored = pm.loads(pm.dumps(decision), pm.Assessment)
        assert texts(decision, scenario.definition) == texts(stored, scenario.definition)


class TestH08DefinitionVersion:
    def test_a_newer_version_of_the_records_definition_is_refused(self) -> None:
        """A record on secure-pathway 1.0.0 is not decided on a version 1.1.0 of it."""
        newer = attrs.evolve(SECURE_PATHWAY, version="1.1.0")
        with pytest.raises(pm.ValidationError, match=re.escape("secure-pathway@1.0.0")):
            pm.assess(READY_FROM_MAY, D(2024, 6, 1), definition=newer)

    def test_a_version_not_built_in_is_never_replaced_by_another(self) -> None:
        """A record on a version the catalogue lacks is refused, not decided on the newest."""
        older = attrs.evolve(READY_FROM_MAY, definition_version="0.9.0")
        with pytest.raises(pm.UnknownCodeError, match=re.escape("secure-pathway@0.9.0")):
            pm.assess(older, D(2024, 6, 1))

    def test_a_decision_names_the_definition_and_library_versions(self) -> None:
        """Every decision records the definition id and version and the library version."""
        decision = pm.assess(READY_FROM_MAY, D(2024, 6, 1))
        assert ("secure-pathway", "1.0.0", pm.__version__) == (
            decision.definition_id,
            decision.definition_version,
            decision.library_version,
        )

    def test_explaining_a_decision_on_another_definition_is_refused(self) -> None:
        """Explaining with a definition other than the one decided on is an error."""
        decision = pm.assess(READY_FROM_MAY, D(2024, 6, 1))
        newer = attrs.evolve(SECURE_PATHWAY, version="1.1.0")
        with pytest.raises(pm.ValidationError):
            pm.explain(decision, pm.Audience.PERSON, definition=newer)


class TestH09UnknownCodes:
    def test_an_unknown_level_stops_the_decision(self) -> None:
        """A level the scale lacks raises UnknownCodeError; it is never ranked by guess."""
        levels = {**MEDIUM_ALL_PARTLY, "substance_misuse": "fully_met"}
        with pytest.raises(pm.UnknownCodeError, match="fully_met"):
            pm.assess(medium_secure(review("r1", D(2024, 2, 1), levels)), D(2024, 6, 1))

    def test_an_unknown_stage_stops_the_decision(self) -> None:
        """A stay in a stage the definition lacks raises UnknownCodeError."""
        pathway = record(SECURE_PATHWAY, [("medium", D(2024, 1, 8), None)])
        with pytest.raises(pm.UnknownCodeError, match="'medium'"):
            pm.assess(pathway, D(2024, 6, 1))

    def test_a_record_on_an_own_definition_is_checked_only_when_it_is_given(self) -> None:
        """Loading a record on a definition not built in checks its codes only with definition=."""
        pathway = record(
            SIMPLE, [("ward", D(2024, 1, 1), None)], reviews=(review("r1", D(2024, 2, 1), {}),)
        )
        document = pm.to_dict(pathway)
        document["reviews"][0]["ratings"] = [{"domain": "a", "team": "great"}]
        loaded = pm.from_dict(document, pm.Pathway)
        with pytest.raises(pm.ValidationError) as caught:
            pm.from_dict(document, pm.Pathway, definition=SIMPLE)
        assert ("great", ["$.reviews[0].ratings[0].team"]) == (
            loaded.reviews[0].ratings[0].team,
            [problem.path for problem in caught.value.problems],
        )


class TestH10FreeText:
    def test_deciding_loading_and_refusing_write_no_log_records(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The library logs nothing, so nothing it handles can reach a log through it."""
        caplog.set_level(logging.DEBUG)
        scenario = SCENARIOS[0]
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        texts(decision, scenario.definition)
        document = pm.to_dict(scenario.pathway)
        pm.from_dict(document, pm.Pathway)
        document["placements"][0]["stage"] = "not a code"
        with pytest.raises(pm.ValidationError):
            pm.loads(json.dumps(document), pm.Pathway)
        scoring.score_honos({f"h{n}": 2 for n in range(1, 13)})
        assert [] == caplog.records

    def test_text_typed_into_a_code_field_is_cut_short_in_the_message(self) -> None:
        """Free text put where a code belongs shows at most its first 37 characters."""
        typed = "Told the night staff he heard the voices again and would not take medication"
        with pytest.raises(pm.ValidationError) as caught:
            pm.Placement(id="p1", stage=typed, provider="Unit A", start=D(2024, 1, 8))
        assert (True, False) == (typed[:37] in str(caught.value), typed[:38] in str(caught.value))

    def test_a_person_id_that_is_not_a_code_is_never_shown(self) -> None:
        """A name typed as the person id is described by its length, never shown."""
        with pytest.raises(pm.ValidationError) as caught:
            attrs.evolve(READY_FROM_MAY, person_id="Jane Example 1970")
        assert "Jane" not in str(caught.value)


class TestH11NhsNumber:
    def test_an_nhs_number_in_a_document_is_refused_without_being_shown(self) -> None:
        """A document whose person id passes the NHS number check is refused; it is not shown."""
        document = pm.to_dict(READY_FROM_MAY)
        document["person_id"] = "9434765919"
        with pytest.raises(pm.ValidationError) as caught:
            pm.loads(json.dumps(document), pm.Pathway)
        assert (["$.person_id"], False) == (
            [problem.path for problem in caught.value.problems],
            "5919" in str(caught.value),
        )


class TestH12CostOfDelay:
    def test_a_readiness_report_says_its_cost_is_an_estimate(self) -> None:
        """31 ready days in medium secure cost an estimated £14,012, and say it is an estimate."""
        result = pm.readiness(READY_FROM_MAY, D(2024, 6, 1))
        assert (31, "14012", True) == (
            result.ready_days,
            str(result.cost_of_delay),
            result.cost_is_estimate,
        )

    @by_scenario
    def test_the_person_text_never_names_money(self, scenario: Scenario) -> None:
        """Costs are for the team and commissioners: the person's text has no pounds in it."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        _, person = texts(decision, scenario.definition)
        assert "£" not in person


class TestH13DisallowedMove:
    def test_a_ready_person_with_no_step_down_allowed_is_proposed_nowhere(self) -> None:
        """Ready on a stage the definition gives no step down from: no next or proposed stage."""
        definition = attrs.evolve(
            SIMPLE, transitions=[pm.Transition(from_stage="step", to_stage="home")]
        )
        pathway = record(
            definition,
            [("ward", D(2024, 1, 1), None)],
            reviews=(review("r1", D(2024, 2, 1), {"a": "ok"}),),
        )
        decision = pm.assess(pathway, D(2024, 3, 1), definition=definition)
        assert (READY, None, None) == (
            decision.status,
            decision.next_stage,
            decision.proposed_stage,
        )


class TestH19Determinism:
    def test_no_module_reads_the_clock(self) -> None:
        """No model, rule, catalogue, serialisation or scoring module asks for today or now."""
        clock = re.compile(r"\.(today|now|utcnow)\(|\btime\.(time|monotonic|perf_counter)\(")
        offenders = [
            f"{path.relative_to(SRC)}:{number}"
            for folder in ("model", "rules", "catalogue", "io", "scoring")
            for path in sorted((SRC / folder).rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if clock.search(line)
        ]
        assert [] == offenders

    def test_decisions_made_on_several_threads_agree(self) -> None:
        """Every scenario decided, explained and written on four threads gives the same bytes."""

        def decide(scenario: Scenario) -> tuple[str, str, str]:
            decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
            return (pm.dumps(decision), *texts(decision, scenario.definition))

        alone = [decide(scenario) for scenario in SCENARIOS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            together = list(pool.map(decide, SCENARIOS * 4))
        assert alone * 4 == together


class TestH20Incidents:
    def test_an_incident_on_the_decision_date_counts_that_day(self) -> None:
        """Ready on 1 June; a moderate violent incident that day means not ready that day."""
        worse = READY_FROM_MAY.with_incidents(incident("i1", D(2024, 6, 1), "violence", "moderate"))
        assert (True, False) == (
            pm.ready_on(READY_FROM_MAY, D(2024, 6, 1)),
            pm.ready_on(worse, D(2024, 6, 1)),
        )

    def test_an_incident_more_serious_than_the_minimum_resets_the_clock(self) -> None:
        """A serious absconding on 15 April moves readiness to 15 July (three months free)."""
        worse = READY_FROM_MAY.with_incidents(
            incident("i1", D(2024, 4, 15), "absconding", "serious")
        )
        assert D(2024, 7, 15) == pm.readiness(worse, D(2024, 8, 1)).readiness_date


class TestH21KeptTooLong:
    @pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.id)
    def test_the_built_in_criteria_say_they_are_illustrative(
        self, definition: pm.PathwayDefinition
    ) -> None:
        """No built-in definition passes its exit criteria off as national policy."""
        assert "illustrative" in definition.description.lower()

    @by_scenario
    def test_every_unmet_criterion_is_named_to_the_team(self, scenario: Scenario) -> None:
        """Each criterion not met has its own 'NOT met' line, with what was expected and found."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        team, _ = texts(decision, scenario.definition)
        lines = [line for line in team.splitlines() if line.startswith("  - [NOT met]")]
        unmet = [f"expected {c.expected}; found {c.actual}" for c in decision.criteria if not c.met]
        assert unmet == [_finding(line) for line in lines]


class TestH23Disagreement:
    def test_the_person_is_told_where_their_view_differs(self) -> None:
        """The person reads their own level and the team's, in everyday words, and can raise it."""
        scenario = next(s for s in SCENARIOS if s.slug == "disagreement")
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        _, person = texts(decision, scenario.definition)
        assert (True, True) == (
            "My mental health: you said it is met. Your team said it is partly met." in person,
            "You can talk about this at your next review." in person,
        )


def _rating_entry(bundle: dict[str, Any], rater: str) -> int:
    """The position in a FHIR Bundle of the first domain rating given by ``rater``."""
    return next(
        n
        for n, entry in enumerate(bundle["entry"])
        if entry["resource"].get("method", {}).get("coding", [{}])[0].get("code") == rater
    )


def _import_problems(bundle: dict[str, Any]) -> list[tuple[str, str]]:
    """The path and the expectation of each problem that importing ``bundle`` raises."""
    with pytest.raises(pm.ValidationError) as caught:
        fhir.from_fhir(bundle)
    return [(problem.path, problem.expected) for problem in caught.value.problems]


class TestH25FhirExchange:
    def test_a_persons_level_relabelled_as_the_teams_is_refused(self) -> None:
        """A second 'team' rating of a domain at one review is refused, not taken as the team's."""
        bundle = fhir.to_fhir(worked_pathway())
        n = _rating_entry(bundle, "person")
        bundle["entry"][n]["resource"]["method"]["coding"][0]["code"] = "team"
        assert [(f"$.entry[{n}].resource", "one team rating of this domain only")] == (
            _import_problems(bundle)
        )

    def test_a_rating_by_an_unknown_rater_is_refused(self) -> None:
        """A rater other than 'team' or 'person' is refused at its code."""
        bundle = fhir.to_fhir(worked_pathway())
        n = _rating_entry(bundle, "person")
        bundle["entry"][n]["resource"]["method"]["coding"][0]["code"] = "patient"
        assert [(f"$.entry[{n}].resource.method.coding[0].code", "one of 'team', 'person'")] == (
            _import_problems(bundle)
        )

    def test_a_rating_that_does_not_say_who_gave_it_is_refused(self) -> None:
        """A domain rating without its method is refused, never read as the team's."""
        bundle = fhir.to_fhir(worked_pathway())
        n = _rating_entry(bundle, "person")
        del bundle["entry"][n]["resource"]["method"]
        assert [f"$.entry[{n}].resource.method"] == [path for path, _ in _import_problems(bundle)]


class TestH27Payments:
    def test_the_outcome_currency_says_its_defaults_are_illustrative(self) -> None:
        """The currency's documentation says every default is illustrative and no tariff."""
        doc = " ".join((scoring.OutcomeCurrency.__doc__ or "").split())
        assert (True, True) == (
            "Every default is illustrative" in doc,
            "never had national tariffs" in doc,
        )

    def test_the_cohort_report_calls_its_payments_illustrative(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command's payments table is headed as illustrative amounts."""
        code = cli.main(["cohort", str(EXAMPLE), "--as-of", "2025-01-15"])
        heading = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Pay")]
        assert (0, True) == (code, "(illustrative amounts)" in heading[0])

    def test_the_cohort_report_says_its_bed_day_costs_are_estimates(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The command's text says that bed-day values and costs of delay are estimates."""
        cli.main(["cohort", str(EXAMPLE), "--as-of", "2025-01-15"])
        assert re.search(r"\bestimate", capsys.readouterr().out, re.IGNORECASE) is not None


class TestH28SyntheticData:
    def test_the_generator_says_nobody_is_real(self) -> None:
        """The synthetic module's documentation says that nobody in a cohort is real."""
        assert "Nobody in a synthetic cohort is real." in (synthetic.__doc__ or "")

    def test_people_and_providers_are_marked_as_invented(self) -> None:
        """Every person id is SYN- and six digits; every provider is 'Provider' and a letter."""
        cohort = synthetic.synthetic_cohort(
            synthetic.CohortParameters(people_in_care=20), seed=7, as_of=D(2025, 3, 31)
        )
        people = {bool(re.fullmatch(r"SYN-[0-9]{6}", p.person_id)) for p in cohort}
        providers = {
            bool(re.fullmatch(r"Provider [A-Z]", stay.provider))
            for p in cohort
            for stay in p.placements
        }
        assert ({True}, {True}) == (people, providers)


class TestH31UnknownCodesReachADecision:
    def test_a_misspelt_domain_stops_every_rule_at_its_path(self) -> None:
        """'mental_health_recover' stops assess, readiness and the schedule alike."""
        levels = {**MEDIUM_ALL_PARTLY, "mental_health_recover": "met"}
        del levels["mental_health_recovery"]
        pathway = medium_secure(review("r1", D(2024, 2, 1), levels))
        paths = set()
        for rule in (pm.assess, pm.readiness, pm.readiness_history, pm.ready_on):
            with pytest.raises(pm.UnknownCodeError) as caught:
                rule(pathway, D(2024, 8, 1))
            paths.add(caught.value.path)
        with pytest.raises(pm.UnknownCodeError) as caught:
            pm.review_schedule(pathway, D(2024, 8, 1))
        paths.add(caught.value.path)
        number = [r.domain for r in pathway.reviews[0].ratings].index("mental_health_recover")
        assert {f"$.reviews[0].ratings[{number}].domain"} == paths

    def test_a_move_to_a_stage_the_definition_lacks_is_refused_when_made(self) -> None:
        """moved_to(stage='step_down') raises at once, not at a later check."""
        with pytest.raises(pm.UnknownCodeError, match="step_down") as caught:
            READY_FROM_MAY.moved_to(
                SECURE_PATHWAY,
                stage="step_down",
                on=D(2024, 6, 1),
                provider="Ashby Low Secure",
                placement_id="stay-2",
            )
        assert "stage" == caught.value.path

    def test_a_move_the_definition_does_not_allow_is_refused_when_made(self) -> None:
        """Medium secure straight to discharged is refused by moved_to itself."""
        with pytest.raises(pm.ValidationError, match="a move the definition allows"):
            READY_FROM_MAY.moved_to(
                SECURE_PATHWAY,
                stage="discharged",
                on=D(2024, 6, 1),
                provider="Home",
                placement_id="stay-2",
            )


#: Two reviews on 1 February 2024 in low secure, where the person must agree: one did
#: not rate life skills, the other rated it without the person's level.
def _low_secure_same_day(unrated_id: str, ungiven_id: str) -> pm.Pathway:
    without = {d: level for d, level in LOW_ENOUGH.items() if d != "life_skills"}
    return record(
        SECURE_PATHWAY,
        [("low_secure", D(2024, 1, 8), None)],
        reviews=(
            review(unrated_id, D(2024, 2, 1), without, without),
            review(ungiven_id, D(2024, 2, 1), LOW_ENOUGH, without),
        ),
    )


class TestH32SameDayReviewsDependOnIds:
    @pytest.mark.parametrize("unrated_id", ["a", "b"])
    def test_a_domain_one_review_did_not_rate_is_not_rated_whatever_the_ids(
        self, unrated_id: str
    ) -> None:
        """Not rated at one review, not given at the other: the day finds 'not rated'."""
        ungiven_id = "b" if unrated_id == "a" else "a"
        decision = pm.assess(_low_secure_same_day(unrated_id, ungiven_id), D(2024, 8, 1))
        found = {(c.kind.value, c.actual) for c in decision.criteria if c.domain == "life_skills"}
        assert {("team_level", "not rated"), ("person_level", "not rated")} == found

    @pytest.mark.parametrize("unrated_id", ["a", "b"])
    def test_the_person_is_told_one_of_the_days_reviews_did_not_look_at_it(
        self, unrated_id: str
    ) -> None:
        """With two reviews that day, the person reads 'one of your reviews', either id."""
        ungiven_id = "b" if unrated_id == "a" else "a"
        decision = pm.assess(_low_secure_same_day(unrated_id, ungiven_id), D(2024, 8, 1))
        _, person = texts(decision, SECURE_PATHWAY)
        assert (
            "My life skills: this was not looked at in one of your reviews on 1 February 2024."
            in person.splitlines()
        )

    @pytest.mark.parametrize("earlier_id", ["a", "b"])
    def test_the_earliest_date_agreed_that_day_is_the_agreed_date(self, earlier_id: str) -> None:
        """Agreed dates of 1 May and 1 June on one day: 1 May, whichever id sorts last."""
        later_id = "b" if earlier_id == "a" else "a"
        pathway = medium_secure(
            pm.Review(id=earlier_id, date=D(2024, 2, 1), next_review_date=D(2024, 5, 1)),
            pm.Review(id=later_id, date=D(2024, 2, 1), next_review_date=D(2024, 6, 1)),
        )
        schedules = (
            pm.review_schedule(pathway, D(2024, 3, 1)),
            pm.assess(pathway, D(2024, 3, 1)).schedule,
        )
        assert [D(2024, 5, 1)] * 2 == [item.agreed_next_review_date for item in schedules]


class TestH33EventsBetweenStaysVanish:
    def test_check_pathway_names_a_review_and_an_incident_between_stays(self) -> None:
        """Each is a problem at its date's path; the found value is the date, never a note."""
        pathway = record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), D(2024, 6, 1)), ("low_secure", D(2024, 7, 1), None)],
            reviews=(review("r1", D(2024, 6, 10), MEDIUM_ALL_PARTLY),),
            incidents=(
                pm.Incident(
                    id="i1",
                    date=D(2024, 6, 12),
                    kind="violence",
                    severity="serious",
                    note="Hit a member of staff.",
                ),
            ),
        )
        found = [(p.path, p.found) for p in pm.check_pathway(pathway, SECURE_PATHWAY)]
        assert [("$.reviews[0].date", "2024-06-10"), ("$.incidents[0].date", "2024-06-12")] == found

    def test_the_team_is_told_how_many_events_fell_outside_every_stay(self) -> None:
        """A serious incident between stays is counted in the decision and its team text."""
        pathway = record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), D(2024, 6, 1)), ("low_secure", D(2024, 7, 1), None)],
            incidents=(incident("i1", D(2024, 6, 12), "violence", "serious"),),
        )
        decision = pm.assess(pathway, D(2024, 9, 1))
        team, _ = texts(decision, SECURE_PATHWAY)
        assert (1, True) == (
            decision.events_outside_stays,
            "Outside every stay: 1 review or incident up to 2024-09-01" in team,
        )
