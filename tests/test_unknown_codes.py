"""Codes a record's definition lacks, and events no stay covers, are never silently read.

A rule refuses a record that uses a stage, domain or level code its definition lacks,
naming the code's path, before it decides anything; ``check_pathway`` names each review
and incident dated in a gap between stays, and a decision counts them.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Callable

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import scoring
from pathway_model.catalogue import SECURE_PATHWAY
from tests import strategies as s
from tests.scenarios import MEDIUM_ALL_PARTLY, SIMPLE, incident, record, review

D = dt.date
RULES: list[Callable[..., object]] = [
    pm.assess,
    pm.readiness,
    pm.readiness_history,
    pm.ready_on,
    pm.review_schedule,
]
AS_OF = D(2024, 6, 1)
NOTE = "Said he had a row with his brother on the phone."


def medium_secure(*reviews: pm.Review) -> pm.Pathway:
    """A medium secure stay from 8 January 2024 with the reviews given."""
    return record(SECURE_PATHWAY, [("medium_secure", D(2024, 1, 8), None)], reviews=reviews)


def misspelt() -> pm.Pathway:
    """The team rated every domain, one of them under 'mental_health_recover'."""
    levels = {**MEDIUM_ALL_PARTLY, "mental_health_recover": "met"}
    del levels["mental_health_recovery"]
    return medium_secure(
        review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY), review("r2", D(2024, 4, 2), levels)
    )


def _rating_path(pathway: pm.Pathway, review_id: str, domain: str) -> str:
    index = [r.id for r in pathway.reviews].index(review_id)
    number = [r.domain for r in pathway.reviews[index].ratings].index(domain)
    return f"$.reviews[{index}].ratings[{number}].domain"


class TestRulesRefuseUnknownCodes:
    @pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
    def test_a_misspelt_domain_is_refused_not_read_as_unrated(
        self, rule: Callable[..., object]
    ) -> None:
        """A rating of 'mental_health_recover' stops every rule, naming the rating's path."""
        pathway = misspelt()
        with pytest.raises(pm.UnknownCodeError) as caught:
            rule(pathway, AS_OF)
        assert (
            "domain",
            "mental_health_recover",
            _rating_path(pathway, "r2", "mental_health_recover"),
        ) == (
            caught.value.kind,
            caught.value.code,
            caught.value.path,
        )

    def test_the_person_is_never_told_a_misspelt_domain_was_not_looked_at(self) -> None:
        """No decision, so no 'not looked at in your last review' for a domain the team rated."""
        with pytest.raises(pm.UnknownCodeError, match=re.escape("$.reviews[1].ratings[")):
            pm.explain(pm.assess(misspelt(), AS_OF), pm.Audience.PERSON)

    @pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
    def test_an_unknown_person_level_on_a_domain_not_required_is_refused(
        self, rule: Callable[..., object]
    ) -> None:
        """A person's 'fully_met' on life skills, a domain medium secure does not require."""
        pathway = medium_secure(
            review(
                "r1",
                D(2024, 2, 1),
                {**MEDIUM_ALL_PARTLY, "life_skills": "met"},
                {"life_skills": "fully_met"},
            )
        )
        with pytest.raises(pm.UnknownCodeError) as caught:
            rule(pathway, AS_OF)
        number = [r.domain for r in pathway.reviews[0].ratings].index("life_skills")
        assert ("level", f"$.reviews[0].ratings[{number}].person") == (
            caught.value.kind,
            caught.value.path,
        )

    def test_an_unknown_goal_domain_is_refused(self) -> None:
        """A goal under a domain the framework lacks stops the decision at the goal's path."""
        goal = pm.Goal(
            id="g1", domain="cooking", description=NOTE, set_by="person", set_on=D(2024, 2, 1)
        )
        with pytest.raises(pm.UnknownCodeError) as caught:
            pm.assess(medium_secure().with_goals(goal), AS_OF)
        assert "$.goals[0].domain" == caught.value.path

    def test_an_unknown_stage_is_named_at_its_path(self) -> None:
        """A stay in a stage the definition lacks is refused at $.placements[n].stage."""
        pathway = record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), D(2024, 3, 1)), ("step_down", D(2024, 3, 1), None)],
        )
        with pytest.raises(pm.UnknownCodeError) as caught:
            pm.readiness(pathway, D(2024, 2, 1))
        assert ("stage", "$.placements[1].stage") == (caught.value.kind, caught.value.path)

    @given(s.definitions_and_pathways(max_goals=0), st.data())
    def test_any_rating_of_an_unknown_domain_stops_every_rule(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], data: st.DataObject
    ) -> None:
        """Whichever review and rating is misspelt, and whatever the date, no rule decides."""
        definition, pathway = case
        rated = [(n, r) for n, r in enumerate(pathway.reviews) if r.ratings]
        assume(rated)
        index, target = data.draw(st.sampled_from(rated))
        number = data.draw(st.integers(0, len(target.ratings) - 1))
        ratings = list(target.ratings)
        ratings[number] = attrs.evolve(ratings[number], domain="zz_unknown")
        reviews = list(pathway.reviews)
        reviews[index] = attrs.evolve(target, ratings=ratings)
        pathway = attrs.evolve(pathway, reviews=reviews)
        day = pathway.first_day + dt.timedelta(days=data.draw(st.integers(0, 2000)))
        rule = data.draw(st.sampled_from(RULES))
        with pytest.raises(pm.UnknownCodeError) as caught:
            rule(pathway, day, definition=definition)
        assert f"$.reviews[{index}].ratings[{number}].domain" == caught.value.path

    def test_the_error_shows_codes_only_and_survives_pickling(self) -> None:
        """The message names path, code and known codes, never a note; a pickled copy is equal."""
        levels = {**MEDIUM_ALL_PARTLY, "life_skill": "met"}
        rated = pm.Review(
            id="r1",
            date=D(2024, 2, 1),
            ratings=[pm.DomainRating(domain=d, team=t, team_note=NOTE) for d, t in levels.items()],
        )
        with pytest.raises(pm.UnknownCodeError) as caught:
            pm.assess(medium_secure(rated), AS_OF)
        copy = pickle.loads(pickle.dumps(caught.value))
        assert (False, str(caught.value), caught.value.path) == (
            NOTE in str(caught.value),
            str(copy),
            copy.path,
        )

    def test_a_record_on_a_definition_not_built_in_is_told_to_pass_it(self) -> None:
        """Without definition=, a record on 'simple' gets an error that says to pass it."""
        pathway = record(SIMPLE, [("ward", D(2024, 1, 1), None)])
        with pytest.raises(pm.UnknownCodeError, match=re.escape("definition=")) as caught:
            pm.assess(pathway, D(2024, 3, 1))
        assert ("simple@1.0.0", "$.definition_id") == (caught.value.code, caught.value.path)

    def test_a_decision_on_a_definition_not_built_in_is_told_to_pass_it(self) -> None:
        """Explaining a decision made on 'simple' without definition= says how to pass it."""
        pathway = record(SIMPLE, [("ward", D(2024, 1, 1), None)])
        decision = pm.assess(pathway, D(2024, 3, 1), definition=SIMPLE)
        with pytest.raises(pm.UnknownCodeError, match=re.escape("definition=")):
            pm.explain(decision)

    def test_a_stored_decision_with_an_unknown_domain_is_refused_at_its_path(self) -> None:
        """A decision naming a domain its definition lacks is not explained, at any audience."""
        decision = pm.assess(medium_secure(review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY)), AS_OF)
        criteria = list(decision.criteria)
        criteria[0] = attrs.evolve(criteria[0], domain="mental_health_recover")
        spoilt = attrs.evolve(decision, criteria=criteria)
        paths = []
        for audience in pm.Audience:
            with pytest.raises(pm.UnknownCodeError) as caught:
                pm.explain(spoilt, audience)
            paths.append(caught.value.path)
        assert ["$.criteria[0].domain", "$.criteria[0].domain"] == paths


class TestCohortsRefuseUnknownCodes:
    def test_a_misspelt_domain_stops_the_cohort_report_at_the_records_path(self) -> None:
        """A cohort report never counts ready days for a record rating a misspelt domain."""
        good, bad = medium_secure(), misspelt()
        bad = attrs.evolve(bad, person_id="P-2")
        with pytest.raises(pm.UnknownCodeError) as caught:
            scoring.cohort_report([good, bad], as_of=AS_OF)
        expected = "$[1]" + _rating_path(bad, "r2", "mental_health_recover")[1:]
        assert ("mental_health_recover", expected) == (caught.value.code, caught.value.path)


def with_gap(
    *, reviews: tuple[pm.Review, ...] = (), incidents: tuple[pm.Incident, ...] = ()
) -> pm.Pathway:
    """Medium secure 8 January to 1 June 2024, then low secure from 1 July 2024: a gap in June."""
    return record(
        SECURE_PATHWAY,
        [("medium_secure", D(2024, 1, 8), D(2024, 6, 1)), ("low_secure", D(2024, 7, 1), None)],
        reviews=reviews,
        incidents=incidents,
    )


GAP_REVIEW = review("r2", D(2024, 6, 15), MEDIUM_ALL_PARTLY)
GAP_INCIDENT = incident("i1", D(2024, 6, 20), "violence", "serious")


class TestEventsBetweenStays:
    def test_the_record_accepts_an_event_in_a_gap(self) -> None:
        """A review or incident between two stays is kept: the record is what was recorded."""
        pathway = with_gap(reviews=(GAP_REVIEW,), incidents=(GAP_INCIDENT,))
        assert ((GAP_REVIEW,), (GAP_INCIDENT,)) == (pathway.reviews, pathway.incidents)

    def test_check_pathway_names_each_event_in_a_gap(self) -> None:
        """Each review and incident between stays is a problem at its date's path."""
        pathway = with_gap(
            reviews=(review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY), GAP_REVIEW),
            incidents=(GAP_INCIDENT,),
        )
        expected = [
            pm.Problem(
                path="$.reviews[1].date",
                expected="a date inside a stay (no stay covers 2024-06-01 to 2024-06-30)",
                found="2024-06-15",
            ),
            pm.Problem(
                path="$.incidents[0].date",
                expected="a date inside a stay (no stay covers 2024-06-01 to 2024-06-30)",
                found="2024-06-20",
            ),
        ]
        assert expected == list(pm.check_pathway(pathway, SECURE_PATHWAY))

    def test_an_event_on_the_day_the_next_stay_begins_is_inside_it(self) -> None:
        """1 July is the low secure stay's first day, and 31 May the medium secure stay's last."""
        pathway = with_gap(
            reviews=(
                review("r1", D(2024, 5, 31), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 7, 1), {}),
            ),
        )
        assert () == pm.check_pathway(pathway, SECURE_PATHWAY)

    def test_validate_pathway_refuses_an_event_in_a_gap(self) -> None:
        """validate_pathway raises listing the event, so a checked record never hides one."""
        with pytest.raises(pm.ValidationError, match=re.escape("$.incidents[0].date")):
            pm.validate_pathway(with_gap(incidents=(GAP_INCIDENT,)), SECURE_PATHWAY)

    def test_a_decision_counts_the_events_outside_every_stay(self) -> None:
        """A decision in low secure counts the June review and incident."""
        pathway = with_gap(reviews=(GAP_REVIEW,), incidents=(GAP_INCIDENT,))
        assert 2 == pm.assess(pathway, D(2024, 8, 1)).events_outside_stays

    def test_the_team_is_told_how_many_events_fell_outside_every_stay(self) -> None:
        """The team's explanation gives the count and where to find the events."""
        pathway = with_gap(reviews=(GAP_REVIEW,), incidents=(GAP_INCIDENT,))
        text = pm.explain(pm.assess(pathway, D(2024, 8, 1)), pm.Audience.TEAM)
        line = (
            "Outside every stay: 2 reviews and incidents up to 2024-08-01 fall in a gap "
            "between stays, so no stay's criteria judged them; check_pathway() names each one."
        )
        assert line in text.splitlines()

    def test_one_event_outside_every_stay_is_told_in_the_singular(self) -> None:
        """One incident in the gap: '1 review or incident', 'judged it'."""
        pathway = with_gap(incidents=(GAP_INCIDENT,))
        text = pm.explain(pm.assess(pathway, D(2024, 8, 1)), pm.Audience.TEAM)
        assert re.search(r"^Outside every stay: 1 review or incident .+ judged it;", text, re.M)

    def test_events_after_the_decision_date_are_not_counted(self) -> None:
        """Decided on 31 May, then on 1 July: the June events count only once they are past."""
        pathway = with_gap(reviews=(GAP_REVIEW,), incidents=(GAP_INCIDENT,))
        counts = [
            pm.assess(pathway, day).events_outside_stays for day in (D(2024, 5, 31), D(2024, 7, 1))
        ]
        assert [0, 2] == counts

    def test_a_record_without_gaps_says_nothing_about_them(self) -> None:
        """With no event outside a stay, the count is 0 and the team text has no such line."""
        pathway = with_gap(reviews=(review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY),))
        decision = pm.assess(pathway, D(2024, 8, 1))
        assert (0, False) == (
            decision.events_outside_stays,
            "Outside every stay" in pm.explain(decision, pm.Audience.TEAM),
        )

    def test_the_count_is_kept_in_json(self) -> None:
        """A decision with events outside every stay reads back equal from its JSON."""
        decision = pm.assess(with_gap(incidents=(GAP_INCIDENT,)), D(2024, 8, 1))
        assert decision == pm.loads(pm.dumps(decision), pm.Assessment)

    @given(s.definitions_and_pathways(max_goals=0))
    def test_a_generated_record_has_no_event_outside_its_stays(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Events dated inside stays are never named, whatever the gaps between stays."""
        definition, pathway = case
        assert [] == [p for p in pm.check_pathway(pathway, definition) if p.path.endswith(".date")]
