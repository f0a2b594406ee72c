"""The built-in frameworks and pathway definitions, and the catalogue look-ups."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import attrs
import pytest

from pathway_model import (
    OutcomeFramework,
    Pathway,
    PathwayDefinition,
    Period,
    UnknownCodeError,
    catalogue,
    check_pathway,
)
from pathway_model.catalogue import (
    DEFINITIONS,
    FRAMEWORKS,
    MSP_ATTAINMENT,
    MY_SHARED_PATHWAY,
    OFFENDER_PERSONALITY_DISORDER_PATHWAY,
    OPD_OUTCOMES,
    SECURE_PATHWAY,
)

MSP_DOMAINS = (
    "mental_health_recovery",
    "harm_related_behaviours",
    "substance_misuse",
    "future_plans",
    "physical_health",
    "life_skills",
)
SECURE_STAGES = ("high_secure", "medium_secure", "low_secure", "community", "discharged")
OPD_STAGES = (
    "screening",
    "case_formulation",
    "treatment",
    "progression",
    "community_case_management",
)
DEFINITION_IDS = [d.id for d in DEFINITIONS]
FRAMEWORK_IDS = [f.id for f in FRAMEWORKS]


class TestMySharedPathway:
    def test_has_the_six_domains_in_order(self) -> None:
        """The six outcome areas of the programme brief, in its order."""
        expected = MSP_DOMAINS
        assert expected == MY_SHARED_PATHWAY.domain_codes

    def test_is_identified_and_versioned(self) -> None:
        """The framework has a stable id and a version."""
        expected = ("my-shared-pathway", "1.0.0")
        assert expected == (MY_SHARED_PATHWAY.id, MY_SHARED_PATHWAY.version)

    def test_scale_is_not_met_partly_met_met(self) -> None:
        """Levels go not met < partly met < met."""
        expected = ("not_met", "partly_met", "met")
        assert expected == MY_SHARED_PATHWAY.scale.codes

    def test_scale_ranks_increase(self) -> None:
        """Each level ranks above the one before."""
        scale = MY_SHARED_PATHWAY.scale

        expected = (True, True)
        assert expected == (
            scale.rank("not_met") < scale.rank("partly_met"),
            scale.rank("partly_met") < scale.rank("met"),
        )

    def test_uses_the_msp_attainment_scale(self) -> None:
        """The exported scale is the framework's scale."""
        assert MSP_ATTAINMENT is MY_SHARED_PATHWAY.scale

    @pytest.mark.parametrize("code", MSP_DOMAINS)
    def test_every_domain_has_its_own_everyday_name(self, code: str) -> None:
        """The everyday name differs from the clinical name: it is written for the person."""
        domain = MY_SHARED_PATHWAY.domain(code)

        assert domain.name != domain.everyday_name

    def test_everyday_names(self) -> None:
        """The names written for the person, most of them starting "My"."""
        expected = (
            "My mental health",
            "Keeping myself and others safe",
            "Drugs and alcohol",
            "My plans for the future",
            "My physical health",
            "My life skills",
        )

        assert expected == tuple(d.everyday_name for d in MY_SHARED_PATHWAY.domains)

    @pytest.mark.parametrize("code", MSP_DOMAINS)
    def test_every_domain_is_described(self, code: str) -> None:
        """Each domain says what it covers."""
        assert MY_SHARED_PATHWAY.domain(code).description.strip()

    @pytest.mark.parametrize("code", ["not_met", "partly_met", "met"])
    def test_every_level_has_an_everyday_label(self, code: str) -> None:
        """Each level has words for the person that differ from the team's label."""
        level = MY_SHARED_PATHWAY.scale.level(code)

        assert level.label != level.everyday_label


class TestSecurePathwayStages:
    def test_stages_are_most_restrictive_first(self) -> None:
        """High secure, medium secure, low secure, community, discharged."""
        expected = SECURE_STAGES
        assert expected == SECURE_PATHWAY.stage_codes

    def test_security_ranks_strictly_decrease(self) -> None:
        """Each stage is less restrictive than the one before."""
        ranks = [stage.security_rank for stage in SECURE_PATHWAY.stages]

        expected = [True] * 4
        assert expected == [a > b for a, b in itertools.pairwise(ranks)]

    def test_uses_my_shared_pathway(self) -> None:
        """The secure pathway's exit criteria are on My Shared Pathway."""
        assert MY_SHARED_PATHWAY is SECURE_PATHWAY.framework

    def test_is_identified_and_versioned(self) -> None:
        """The definition has a stable id and a version."""
        expected = ("secure-pathway", "1.0.0")
        assert expected == (SECURE_PATHWAY.id, SECURE_PATHWAY.version)

    @pytest.mark.parametrize(
        ("code", "cost"),
        [("high_secure", "822"), ("medium_secure", "452"), ("low_secure", "411")],
    )
    def test_hospital_stages_have_estimated_bed_day_costs(self, code: str, cost: str) -> None:
        """Bed-day costs are yearly costs / 365, as Decimal, marked as estimates."""
        stage = SECURE_PATHWAY.stage(code)

        assert (Decimal, Decimal(cost), True) == (
            type(stage.bed_day_cost),
            stage.bed_day_cost,
            stage.cost_is_estimate,
        )

    @pytest.mark.parametrize("code", ["community", "discharged"])
    def test_non_hospital_stages_have_no_cost(self, code: str) -> None:
        """No bed-day cost is claimed outside hospital."""
        assert None is SECURE_PATHWAY.stage(code).bed_day_cost

    @pytest.mark.parametrize(
        ("code", "years"), [("high_secure", 10), ("medium_secure", 5)], ids=["high", "medium"]
    )
    def test_long_stay_thresholds(self, code: str, years: int) -> None:
        """Long stay is more than 10 years in high secure and 5 in medium secure."""
        assert Period(years=years) == SECURE_PATHWAY.stage(code).long_stay_after

    def test_medium_secure_benchmark_is_two_years(self) -> None:
        """Original guidance capped medium secure stays at 2 years."""
        assert Period(years=2) == SECURE_PATHWAY.stage("medium_secure").length_of_stay_benchmark

    def test_high_secure_has_no_benchmark(self) -> None:
        """There is no agreed length-of-stay limit for high secure."""
        assert None is SECURE_PATHWAY.stage("high_secure").length_of_stay_benchmark

    def test_discharged_has_no_exit_criteria_and_no_reviews(self) -> None:
        """After discharge nothing is reviewed and there is nowhere to move on to."""
        stage = SECURE_PATHWAY.stage("discharged")

        expected = (None, None, None)
        assert expected == (
            stage.exit_criteria,
            stage.review_interval,
            stage.first_review_period,
        )

    @pytest.mark.parametrize("code", SECURE_STAGES[:-1])
    def test_every_stage_before_discharge_has_exit_criteria_and_reviews(self, code: str) -> None:
        """Each stage that can be left has criteria for leaving and scheduled reviews."""
        stage = SECURE_PATHWAY.stage(code)

        expected = (True, True)
        assert expected == (
            stage.exit_criteria is not None,
            stage.review_interval is not None,
        )

    @pytest.mark.parametrize("code", SECURE_STAGES[:-1])
    def test_first_review_is_within_twelve_weeks(self, code: str) -> None:
        """Providers commonly hold a first review about 12 weeks after admission."""
        assert Period(weeks=12) == SECURE_PATHWAY.stage(code).first_review_period

    @pytest.mark.parametrize("code", SECURE_STAGES[:-1])
    def test_reviews_are_at_least_as_often_as_the_cpa_requires(self, code: str) -> None:
        """The Care Programme Approach requires a review at least every 12 months."""
        interval = SECURE_PATHWAY.stage(code).review_interval

        assert interval is not None
        assert interval.approximate_days() <= Period(months=12).approximate_days()


class TestSecurePathwayMoves:
    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            ("high_secure", "medium_secure"),
            ("medium_secure", "low_secure"),
            ("low_secure", "community"),
            ("community", "discharged"),
        ],
    )
    def test_step_down_goes_one_stage_at_a_time(self, code: str, expected: str) -> None:
        """The step down from each stage is the next one in order."""
        assert expected == SECURE_PATHWAY.step_down_from(code).code  # type: ignore[union-attr]

    def test_discharged_has_no_step_down(self) -> None:
        """Discharge is the end of the pathway."""
        assert None is SECURE_PATHWAY.step_down_from("discharged")

    def test_nothing_leaves_discharged(self) -> None:
        """No move is listed from discharged."""
        expected = ()
        assert expected == SECURE_PATHWAY.moves_from("discharged")

    @pytest.mark.parametrize(
        ("from_stage", "to_stage"),
        [
            ("medium_secure", "high_secure"),
            ("low_secure", "high_secure"),
            ("community", "low_secure"),
        ],
    )
    def test_moves_back_to_more_security_are_allowed(self, from_stage: str, to_stage: str) -> None:
        """A person can be moved back to a more secure stage."""
        assert SECURE_PATHWAY.allows(from_stage, to_stage)

    @pytest.mark.parametrize(
        ("from_stage", "to_stage"),
        [("high_secure", "low_secure"), ("high_secure", "community"), ("discharged", "community")],
    )
    def test_leaps_are_not_allowed(self, from_stage: str, to_stage: str) -> None:
        """High secure does not jump straight to low secure or the community."""
        assert not SECURE_PATHWAY.allows(from_stage, to_stage)


class TestSecurePathwayCriteria:
    @pytest.mark.parametrize("code", SECURE_STAGES[:-1])
    def test_criteria_use_domains_and_levels_of_the_framework(self, code: str) -> None:
        """Every requirement names a domain and a level of My Shared Pathway."""
        criteria = SECURE_PATHWAY.stage(code).exit_criteria
        assert criteria is not None

        assert [(True, True)] * len(criteria.requirements) == [
            (r.domain in MY_SHARED_PATHWAY, r.minimum in MY_SHARED_PATHWAY.scale)
            for r in criteria.requirements
        ]

    def test_each_step_down_asks_for_at_least_as_many_domains(self) -> None:
        """Criteria grow stricter from high secure to the community."""
        counts = [
            len(SECURE_PATHWAY.stage(code).exit_criteria.requirements)  # type: ignore[union-attr]
            for code in SECURE_STAGES[:-1]
        ]

        assert sorted(counts) == counts


class TestOffenderPersonalityDisorderPathway:
    def test_stages(self) -> None:
        """Screening, formulation, treatment, progression, community case management."""
        expected = OPD_STAGES
        assert expected == OFFENDER_PERSONALITY_DISORDER_PATHWAY.stage_codes

    def test_security_ranks_strictly_decrease(self) -> None:
        """Each stage is less restrictive than the one before."""
        ranks = [s.security_rank for s in OFFENDER_PERSONALITY_DISORDER_PATHWAY.stages]

        expected = [True] * 4
        assert expected == [a > b for a, b in itertools.pairwise(ranks)]

    def test_uses_its_own_framework(self) -> None:
        """The OPD pathway is rated on the OPD outcomes."""
        assert OPD_OUTCOMES is OFFENDER_PERSONALITY_DISORDER_PATHWAY.framework

    @pytest.mark.parametrize(("code", "expected"), list(itertools.pairwise(OPD_STAGES)))
    def test_step_down_goes_one_stage_at_a_time(self, code: str, expected: str) -> None:
        """Each stage steps down to the next."""
        step = OFFENDER_PERSONALITY_DISORDER_PATHWAY.step_down_from(code)

        assert expected == step.code  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        "from_stage", ["progression", "community_case_management"], ids=["pipe", "community"]
    )
    def test_can_return_to_treatment(self, from_stage: str) -> None:
        """A person may go back to treatment from progression or the community."""
        assert OFFENDER_PERSONALITY_DISORDER_PATHWAY.allows(from_stage, "treatment")


class TestBuiltIns:
    def test_frameworks_lists_both_built_in_frameworks(self) -> None:
        """FRAMEWORKS holds My Shared Pathway and the OPD outcomes."""
        assert (MY_SHARED_PATHWAY, OPD_OUTCOMES) == FRAMEWORKS

    def test_definitions_lists_both_built_in_definitions(self) -> None:
        """DEFINITIONS holds the secure and OPD pathways."""
        assert (SECURE_PATHWAY, OFFENDER_PERSONALITY_DISORDER_PATHWAY) == DEFINITIONS

    @pytest.mark.parametrize("definition", DEFINITIONS, ids=DEFINITION_IDS)
    def test_every_definition_is_valid_when_built_again(
        self, definition: PathwayDefinition
    ) -> None:
        """Every built-in definition passes the checks again and equals itself rebuilt."""
        assert definition == attrs.evolve(definition)

    @pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORK_IDS)
    def test_every_framework_is_valid_when_built_again(self, framework: OutcomeFramework) -> None:
        """Every built-in framework passes the checks again and equals itself rebuilt."""
        assert framework == attrs.evolve(framework)

    @pytest.mark.parametrize("definition", DEFINITIONS, ids=DEFINITION_IDS)
    def test_every_definition_uses_a_built_in_framework(
        self, definition: PathwayDefinition
    ) -> None:
        """Each built-in definition's framework is in FRAMEWORKS."""
        assert definition.framework in FRAMEWORKS

    @pytest.mark.parametrize(
        ("definition", "stage"),
        [(d, s.code) for d in DEFINITIONS for s in d.stages],
        ids=[f"{d.id}:{s.code}" for d in DEFINITIONS for s in d.stages],
    )
    def test_a_record_can_start_in_every_stage(
        self, definition: PathwayDefinition, stage: str
    ) -> None:
        """A record begun in any stage of a built-in definition is valid on it."""
        pathway = Pathway.start(
            definition, person_id="P-1", stage=stage, provider="Provider", on=dt.date(2024, 1, 1)
        )

        expected = ()
        assert expected == check_pathway(pathway, definition)


class TestFrameworkLookUp:
    @pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORK_IDS)
    def test_finds_the_newest_by_id(self, framework: OutcomeFramework) -> None:
        """Without a version the newest framework with the id is returned."""
        assert framework is catalogue.framework(framework.id)

    def test_finds_a_pinned_version(self) -> None:
        """A version pins the exact framework."""
        assert MY_SHARED_PATHWAY is catalogue.framework("my-shared-pathway", "1.0.0")

    def test_unknown_version_raises(self) -> None:
        """A version not built in raises UnknownCodeError naming id@version and what exists."""
        with pytest.raises(UnknownCodeError) as excinfo:
            catalogue.framework("my-shared-pathway", "2.0.0")

        expected = (
            "framework",
            "my-shared-pathway@2.0.0",
            ("my-shared-pathway@1.0.0", "opd-outcomes@1.0.0"),
        )
        assert expected == (excinfo.value.kind, excinfo.value.code, excinfo.value.known)

    def test_unknown_id_raises(self) -> None:
        """An id not built in raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="no framework with code 'recovery-star'"):
            catalogue.framework("recovery-star")

    def test_a_definition_id_is_not_a_framework(self) -> None:
        """Definitions and frameworks are looked up separately."""
        with pytest.raises(UnknownCodeError):
            catalogue.framework("secure-pathway")


class TestDefinitionLookUp:
    @pytest.mark.parametrize("definition", DEFINITIONS, ids=DEFINITION_IDS)
    def test_finds_the_newest_by_id(self, definition: PathwayDefinition) -> None:
        """Without a version the newest definition with the id is returned."""
        assert definition is catalogue.definition(definition.id)

    def test_finds_a_pinned_version(self) -> None:
        """A version pins the exact definition."""
        assert SECURE_PATHWAY is catalogue.definition("secure-pathway", "1.0.0")

    def test_unknown_version_raises(self) -> None:
        """A version not built in raises UnknownCodeError naming id@version."""
        with pytest.raises(UnknownCodeError) as excinfo:
            catalogue.definition("secure-pathway", "0.1.0")

        expected = ("pathway definition", "secure-pathway@0.1.0")
        assert expected == (
            excinfo.value.kind,
            excinfo.value.code,
        )

    def test_unknown_id_lists_the_built_in_definitions(self) -> None:
        """An id not built in raises UnknownCodeError listing what exists."""
        expected = (
            "no pathway definition with code 'forensic-pathway'; known: "
            "'secure-pathway@1.0.0', 'offender-personality-disorder-pathway@1.0.0'"
        )

        with pytest.raises(UnknownCodeError) as excinfo:
            catalogue.definition("forensic-pathway")

        assert expected == str(excinfo.value)

    def test_the_docstring_example(self) -> None:
        """The secure pathway's stages read as the catalogue docs show."""
        expected = SECURE_STAGES
        assert expected == catalogue.definition("secure-pathway").stage_codes


class TestDefinitionFor:
    @pytest.mark.parametrize("definition", DEFINITIONS, ids=DEFINITION_IDS)
    def test_finds_the_definition_a_record_names(self, definition: PathwayDefinition) -> None:
        """The record's definition id and version find the built-in definition."""
        pathway = Pathway.start(
            definition,
            person_id="P-1",
            stage=definition.stage_codes[0],
            provider="Provider",
            on=dt.date(2024, 1, 1),
        )

        assert definition is catalogue.definition_for(pathway)

    def test_refuses_a_version_not_built_in(self) -> None:
        """A record on a version the catalogue lacks raises UnknownCodeError."""
        pathway = Pathway.start(
            SECURE_PATHWAY,
            person_id="P-1",
            stage="community",
            provider="CFT",
            on=dt.date(2024, 1, 1),
        )

        with pytest.raises(UnknownCodeError, match=r"secure-pathway@9\.9\.9"):
            catalogue.definition_for(attrs.evolve(pathway, definition_version="9.9.9"))

    def test_refuses_a_definition_not_built_in(self) -> None:
        """A record on a service's own definition is not in the catalogue."""
        pathway = Pathway.start(
            SECURE_PATHWAY,
            person_id="P-1",
            stage="community",
            provider="CFT",
            on=dt.date(2024, 1, 1),
        )

        with pytest.raises(UnknownCodeError, match=r"local-pathway@1\.0\.0"):
            catalogue.definition_for(attrs.evolve(pathway, definition_id="local-pathway"))
