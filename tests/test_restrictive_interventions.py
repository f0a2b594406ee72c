"""Restrictive interventions: incidents of their own kind, done to the person, never against them.

Restraint, seclusion, segregation and rapid tranquillisation are done *to* the person by
staff (MHSDS tables MHS505 and MHS515). They are recorded as incidents of the kind
``restrictive_intervention``, and nothing that judges or counts the person's own incidents
may read them as the person's.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import fhir, io
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.model._seam import RESTRICTIVE_INTERVENTION_TYPES
from pathway_model.rules._stay import resetting
from pathway_model.scoring import cohort_report
from tests.scenarios import MEDIUM_ALL_PARTLY
from tests.test_explanations import assert_readable
from tests.test_rules_properties import Case, cases

RI = pm.IncidentKind.RESTRICTIVE_INTERVENTION
D = dt.date


MARCH_1 = D(2024, 3, 1)


def restrictive(
    id: str = "ri-1",
    day: dt.date = MARCH_1,
    severity: str = "serious",
    intervention_type: str | None = "05",
) -> pm.Incident:
    """A restrictive intervention (seclusion unless told otherwise)."""
    return pm.Incident(
        id=id, date=day, kind=RI, severity=severity, intervention_type=intervention_type
    )


def ready_record() -> pm.Pathway:
    """Medium secure from 8 January 2024, every domain partly met at a review on 2 April."""
    return pm.Pathway.start(
        SECURE_PATHWAY,
        person_id="P-1",
        stage="medium_secure",
        provider="Northfield MSU",
        on=D(2024, 1, 8),
    ).with_reviews(pm.Review.from_levels(id="r1", date=D(2024, 4, 2), team=MEDIUM_ALL_PARTLY))


def with_interventions(pathway: pm.Pathway, days: list[dt.date]) -> pm.Pathway:
    """The record with a serious restrictive intervention added on each day."""
    return pathway.with_incidents(
        *(restrictive(id=f"ri-added-{n}", day=day) for n, day in enumerate(days))
    )


@st.composite
def cases_with_interventions(draw: st.DrawFn) -> tuple[Case, pm.Pathway, int]:
    """A case, its record with 1-6 restrictive interventions added inside its stays, and
    how many of them fall in the stay at the case's date, on or before it."""
    case = draw(cases())
    _, pathway, as_of = case
    days = []
    for _ in range(draw(st.integers(1, 6))):
        stay = draw(st.sampled_from(pathway.placements))
        last = stay.end - dt.timedelta(days=1) if stay.end else max(as_of, stay.start)
        days.append(stay.start + dt.timedelta(days=draw(st.integers(0, (last - stay.start).days))))
    current = pathway.placement_on(as_of)
    in_stay = sum(1 for day in days if current is not None and current.covers(day) and day <= as_of)
    return case, with_interventions(pathway, days), in_stay


class TestTheKind:
    def test_only_a_restrictive_intervention_is_done_to_the_person(self) -> None:
        """done_to_person is true of restrictive interventions and of no other kind."""
        expected = [RI]
        assert expected == [kind for kind in pm.IncidentKind if kind.done_to_person]

    def test_its_code_is_restrictive_intervention(self) -> None:
        """The kind's code in JSON and FHIR is 'restrictive_intervention'."""
        assert "restrictive_intervention" == RI.value

    def test_the_intervention_types_are_the_national_codes(self) -> None:
        """The intervention types are MHSDS RestrictiveIntType's codes, in code order."""
        expected = ["01", "04", "05", "06", *(f"{n:02}" for n in range(7, 18))]
        assert expected == list(RESTRICTIVE_INTERVENTION_TYPES)
        assert "Seclusion" == RESTRICTIVE_INTERVENTION_TYPES["05"].label
        assert {"physical", "mechanical", "seclusion", "segregation", "chemical"} == {
            kind.group for kind in RESTRICTIVE_INTERVENTION_TYPES.values()
        }

    def test_an_intervention_type_is_optional(self) -> None:
        """A restrictive intervention may be recorded without its type."""
        assert restrictive(intervention_type=None).intervention_type is None

    def test_an_intervention_type_off_the_national_list_is_refused(self) -> None:
        """A code the national list lacks is refused at its field, with the list."""
        with pytest.raises(pm.ValidationError) as caught:
            restrictive(intervention_type="02")
        assert ["Incident.intervention_type"] == [p.path for p in caught.value.problems]
        assert "'05'" in caught.value.problems[0].expected

    @pytest.mark.parametrize("kind", [k for k in pm.IncidentKind if not k.done_to_person])
    def test_an_intervention_type_on_another_kind_is_refused(self, kind: pm.IncidentKind) -> None:
        """Only a restrictive intervention says what staff did."""
        with pytest.raises(pm.ValidationError) as caught:
            pm.Incident(
                id="i1", date=D(2024, 3, 1), kind=kind, severity="minor", intervention_type="05"
            )
        assert ["Incident.intervention_type"] == [p.path for p in caught.value.problems]


class TestDefinitions:
    def test_an_incident_rule_naming_it_is_refused(self) -> None:
        """A rule may not count restrictive interventions against readiness."""
        with pytest.raises(pm.ValidationError) as caught:
            pm.IncidentRule(
                kinds=["violence", "restrictive_intervention"],
                minimum_severity="minor",
                incident_free_for=pm.Period(months=3),
            )
        (problem,) = caught.value.problems
        assert "IncidentRule.kinds[1]" == problem.path
        assert "done to the person" in problem.expected

    def test_a_definition_document_naming_it_is_refused(self) -> None:
        """Loading a definition whose incident rule names the kind fails at that kind."""
        document = io.to_dict(SECURE_PATHWAY)
        stage = next(s for s in document["stages"] if s["code"] == "medium_secure")
        stage["exit_criteria"]["incident_rules"][0]["kinds"].append("restrictive_intervention")
        with pytest.raises(pm.ValidationError) as caught:
            io.loads(json.dumps(document), pm.PathwayDefinition)
        assert any(
            "incident_rules[0].kinds[" in p.path and "done to the person" in p.expected
            for p in caught.value.problems
        )

    def test_no_rule_resets_the_clock_on_it_whatever_the_rule_holds(self) -> None:
        """Even a rule forced to name the kind never counts one against the person."""
        rule = pm.IncidentRule(
            kinds=["violence"], minimum_severity="minor", incident_free_for=pm.Period(months=3)
        )
        object.__setattr__(rule, "kinds", (pm.IncidentKind.VIOLENCE, RI))
        assert not rule.resets(RI, pm.IncidentSeverity.SERIOUS)
        assert () == resetting(rule, (restrictive(),))

    def test_the_schema_refuses_it_in_a_rule_and_lists_the_types(self) -> None:
        """The definition schema keeps the kind out of rules; the record schema lists the codes."""
        rules = pm.json_schema(pm.PathwayDefinition)["$defs"]["IncidentRule"]
        assert {"const": "restrictive_intervention"} == rules["properties"]["kinds"]["items"]["not"]
        incident = pm.json_schema(pm.Pathway)["$defs"]["Incident"]
        allowed = incident["properties"]["intervention_type"]["anyOf"][0]["enum"]
        assert list(RESTRICTIVE_INTERVENTION_TYPES) == allowed
        assert "intervention_type" not in incident["required"]


class TestReadiness:
    def test_a_serious_restrictive_intervention_does_not_reset_the_clock(self) -> None:
        """Seclusion a day before readiness leaves the readiness date where it was."""
        plain = ready_record()
        secluded = with_interventions(plain, [D(2024, 7, 1)])
        as_of = D(2024, 8, 1)
        assert pm.readiness(plain, as_of) == pm.readiness(secluded, as_of)
        assert D(2024, 7, 2) == pm.readiness(secluded, as_of).readiness_date

    @given(cases_with_interventions())
    def test_adding_them_never_changes_readiness(self, drawn: tuple[Case, pm.Pathway, int]) -> None:
        """Restrictive interventions leave readiness and its history exactly as they were."""
        (definition, pathway, as_of), added, _ = drawn
        assert pm.readiness(pathway, as_of, definition=definition) == pm.readiness(
            added, as_of, definition=definition
        )
        assert pm.readiness_history(pathway, as_of, definition=definition) == (
            pm.readiness_history(added, as_of, definition=definition)
        )

    @given(cases_with_interventions())
    def test_adding_them_changes_an_assessment_only_by_reporting_them(
        self, drawn: tuple[Case, pm.Pathway, int]
    ) -> None:
        """The decision is the same, and counts the interventions in the stay up to its date."""
        (definition, pathway, as_of), added, in_stay = drawn
        before = pm.assess(pathway, as_of, definition=definition)
        after = pm.assess(added, as_of, definition=definition)
        assert in_stay == after.restrictive_interventions - before.restrictive_interventions
        assert before == attrs.evolve(
            after, restrictive_interventions=before.restrictive_interventions
        )

    def test_an_assessment_counts_only_the_stay_up_to_its_date(self) -> None:
        """Interventions after the date assessed are not counted."""
        pathway = with_interventions(ready_record(), [D(2024, 2, 1), D(2024, 5, 1), D(2024, 9, 1)])
        assert 2 == pm.assess(pathway, D(2024, 8, 1)).restrictive_interventions


class TestExplanations:
    def decision(self) -> pm.Assessment:
        pathway = with_interventions(ready_record(), [D(2024, 2, 1), D(2024, 7, 1)])
        return pm.assess(pathway, D(2024, 8, 1))

    def test_the_team_is_told_they_were_done_to_the_person(self) -> None:
        """The team's text counts them as done by staff and never counted against readiness."""
        text = pm.explain(self.decision(), "team")
        assert (
            "Restrictive interventions in this stay up to 2024-08-01: 2 (done to the person by "
            "staff, so never counted against readiness;"
        ) in text

    def test_the_person_is_told_staff_did_it_and_it_is_not_held_against_them(self) -> None:
        """The person reads that staff did it, not them, and the rules do not count it."""
        text = pm.explain(self.decision(), "person")
        expected = (
            "Staff used restraint, seclusion or a similar step 2 times in this stay.\n"
            "Staff did this. It was not something you did.\n"
            "The rules do not count it against you."
        )
        assert expected in text
        assert "There was an incident" not in text
        assert_readable(text)

    def test_one_is_said_as_once(self) -> None:
        """A single intervention reads 'once'."""
        pathway = with_interventions(ready_record(), [D(2024, 2, 1)])
        text = pm.explain(pm.assess(pathway, D(2024, 8, 1)), "person")
        assert "a similar step once in this stay." in text

    def test_without_any_nothing_is_said(self) -> None:
        """A stay without restrictive interventions reads as it always did."""
        decision = pm.assess(ready_record(), D(2024, 8, 1))
        for audience in ("team", "person"):
            text = pm.explain(decision, audience)
            assert "estrict" not in text
            assert "Staff used" not in text

    @given(cases_with_interventions())
    def test_never_evidence_for_a_criterion(self, drawn: tuple[Case, pm.Pathway, int]) -> None:
        """No criterion is ever judged on a restrictive intervention."""
        (definition, _, as_of), added, _ = drawn
        theirs = {i.id for i in added.incidents if i.kind.done_to_person}
        decision = pm.assess(added, as_of, definition=definition)
        cited = {item.id for c in decision.criteria for item in c.evidence}
        assert set() == theirs & cited


class TestJson:
    def test_a_record_without_a_type_is_written_as_before(self) -> None:
        """No intervention type, no key: documents without one are byte for byte as in v1."""
        text = io.dumps(ready_record().with_incidents(restrictive(intervention_type=None)))
        assert '"kind":"restrictive_intervention","severity":"serious","note":null}' in text
        assert "intervention_type" not in text

    def test_a_record_round_trips_with_its_types(self) -> None:
        """The kind and the type are written and read back unchanged."""
        pathway = ready_record().with_incidents(
            restrictive(), restrictive("ri-2", D(2024, 3, 2), "minor", "14")
        )
        text = io.dumps(pathway)
        assert '"intervention_type":"05"' in text
        assert pathway == io.loads(text, pm.Pathway)

    def test_a_document_with_a_type_off_the_list_is_refused_where_it_is(self) -> None:
        """The loader names the incident and the field."""
        document = io.to_dict(ready_record().with_incidents(restrictive()))
        document["incidents"][0]["intervention_type"] = "99"
        with pytest.raises(pm.ValidationError) as caught:
            io.loads(json.dumps(document), pm.Pathway)
        assert ["$.incidents[0].intervention_type"] == [p.path for p in caught.value.problems]

    def test_an_assessment_round_trips_with_its_count(self) -> None:
        """The count is written only when not 0, and read back."""
        decision = TestExplanations().decision()
        text = io.dumps(decision)
        assert '"restrictive_interventions":2' in text
        assert decision == io.loads(text, pm.Assessment)
        assert "restrictive_interventions" not in io.dumps(pm.assess(ready_record(), D(2024, 8, 1)))


class TestFhir:
    def test_the_kind_and_type_round_trip(self) -> None:
        """Export then import gives back the same record, types and all."""
        pathway = ready_record().with_incidents(
            restrictive(), restrictive("ri-2", D(2024, 3, 2), "minor", None)
        )
        assert pathway == fhir.from_fhir(fhir.to_fhir(pathway))

    def test_the_type_is_a_component_with_its_national_code(self) -> None:
        """The Observation says what staff did in one component, coded from the national list."""
        bundle = fhir.to_fhir(ready_record().with_incidents(restrictive()))
        observation = bundle["entry"][-1]["resource"]
        assert "restrictive_intervention" == observation["code"]["coding"][0]["code"]
        (component,) = observation["component"]
        value = component["valueCodeableConcept"]["coding"][0]
        assert ("05", "Seclusion") == (value["code"], value["display"])
        assert value["system"].endswith("/CodeSystem/restrictive-intervention-type")

    def test_the_code_systems_publish_the_kind_and_the_types(self) -> None:
        """The incident-kind system defines the kind; a system of its own lists the types."""
        systems = {s["url"].rsplit("/", 1)[1]: s for s in fhir.fhir_code_systems(SECURE_PATHWAY)}
        kinds = {c["code"]: c for c in systems["incident-kind"]["concept"]}
        assert "done to the person by staff" in kinds["restrictive_intervention"]["definition"]
        types = [c["code"] for c in systems["restrictive-intervention-type"]["concept"]]
        assert list(RESTRICTIVE_INTERVENTION_TYPES) == types

    def test_a_component_of_another_code_is_refused(self) -> None:
        """An incident's component must be the intervention type."""
        bundle = fhir.to_fhir(ready_record().with_incidents(restrictive()))
        component = bundle["entry"][-1]["resource"]["component"][0]
        component["code"]["coding"][0]["code"] = "incident"
        with pytest.raises(pm.ValidationError) as caught:
            fhir.from_fhir(bundle)
        last = len(bundle["entry"]) - 1
        expected = [(f"$.entry[{last}].resource.component[0].code", "'incident'")]
        assert expected == [(p.path, p.found) for p in caught.value.problems]


class TestCounts:
    def test_the_cohort_report_is_unchanged_by_them(self) -> None:
        """Cohort measures count no restrictive intervention as the person's own."""
        records = [ready_record(), attrs.evolve(ready_record(), person_id="P-2")]
        added = [with_interventions(r, [D(2024, 2, 1), D(2024, 7, 1)]) for r in records]
        as_of = D(2024, 8, 1)
        assert cohort_report(records, as_of=as_of) == cohort_report(added, as_of=as_of)

    def test_the_timeline_draws_them_apart_from_the_persons_incidents(self) -> None:
        """They have their own marker and label; the incident markers stay the person's own."""
        pytest.importorskip("matplotlib")
        from pathway_model.plot import plot_timeline

        pathway = with_interventions(ready_record(), [D(2024, 2, 1), D(2024, 7, 1)])
        pathway = pathway.with_incidents(
            pm.Incident(id="v1", date=D(2024, 3, 1), kind="violence", severity="minor")
        )
        ax = plot_timeline(pathway, as_of=D(2024, 8, 1))
        found = {
            artist.get_gid(): (len(artist.get_offsets()), artist.get_label())
            for artist in ax.collections
        }
        assert (1, "Incident (larger and darker: more serious)") == found["incidents"]
        assert (
            2,
            "Restrictive intervention (done to the person by staff)",
        ) == found["restrictive-interventions"]
