"""Pathway definitions: requirements, incident rules, exit criteria, stages and moves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

from pathway_model import (
    DomainRequirement,
    ExitCriteria,
    IncidentKind,
    IncidentRule,
    IncidentSeverity,
    OutcomeDomain,
    OutcomeFramework,
    PathwayDefinition,
    Period,
    RatingLevel,
    RatingScale,
    Stage,
    Transition,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)

FRAMEWORK = OutcomeFramework(
    id="test-framework",
    version="1.0.0",
    name="Test framework",
    scale=RatingScale(
        code="three",
        name="Three levels",
        levels=(
            RatingLevel(code="low", label="Low", rank=0),
            RatingLevel(code="mid", label="Mid", rank=1),
            RatingLevel(code="high", label="High", rank=2),
        ),
    ),
    domains=(
        OutcomeDomain(code="alpha", name="Alpha", everyday_name="My alpha"),
        OutcomeDomain(code="beta", name="Beta", everyday_name="My beta"),
    ),
)


def _rule(**extra: Any) -> IncidentRule:
    fields: dict[str, Any] = {
        "kinds": (IncidentKind.VIOLENCE, IncidentKind.SELF_HARM),
        "minimum_severity": IncidentSeverity.MODERATE,
        "incident_free_for": Period(months=3),
    }
    return IncidentRule(**(fields | extra))


def _stage(code: str = "ward", rank: int = 1, **extra: Any) -> Stage:
    fields: dict[str, Any] = {
        "code": code,
        "name": code.capitalize(),
        "everyday_name": f"the {code}",
        "security_rank": rank,
    }
    return Stage(**(fields | extra))


def _definition(
    stages: tuple[Stage, ...], moves: tuple[tuple[str, str], ...] = (), **extra: Any
) -> PathwayDefinition:
    fields: dict[str, Any] = {
        "id": "test-pathway",
        "version": "1.0.0",
        "name": "Test pathway",
        "framework": FRAMEWORK,
        "stages": stages,
        "transitions": tuple(Transition(from_stage=a, to_stage=b) for a, b in moves),
    }
    return PathwayDefinition(**(fields | extra))


LADDER = (_stage("top", 3), _stage("middle", 2), _stage("bottom", 1), _stage("out", 0))
LADDER_MOVES = (("top", "middle"), ("middle", "bottom"), ("bottom", "out"), ("bottom", "middle"))


class TestDomainRequirement:
    def test_keeps_domain_and_minimum(self) -> None:
        """A requirement names a domain and the least level."""
        requirement = DomainRequirement(domain="alpha", minimum="mid")

        expected = ("alpha", "mid")
        assert expected == (requirement.domain, requirement.minimum)

    @pytest.mark.parametrize("field", ["domain", "minimum"])
    @pytest.mark.parametrize("value", ["", "has space", "_x"])
    def test_refuses_bad_codes(self, field: str, value: str) -> None:
        """Domain and minimum are codes."""
        fields = {"domain": "alpha", "minimum": "mid", field: value}

        with pytest.raises(ValidationError, match=rf"DomainRequirement\.{field}"):
            DomainRequirement(**fields)


class TestIncidentRule:
    def test_converts_kind_codes_to_kinds(self) -> None:
        """Kinds may be given by their codes."""
        rule = _rule(kinds=["violence", IncidentKind.ABSCONDING])

        expected = (IncidentKind.VIOLENCE, IncidentKind.ABSCONDING)
        assert expected == rule.kinds

    def test_converts_a_severity_code(self) -> None:
        """The minimum severity may be given by its code."""
        expected = IncidentSeverity.SERIOUS
        assert expected == _rule(minimum_severity="serious").minimum_severity

    def test_refuses_an_unknown_kind_code(self) -> None:
        """A kind code that is not a kind is reported at its index."""
        with pytest.raises(ValidationError) as excinfo:
            _rule(kinds=("violence", "shouting"))

        problem = excinfo.value.problems[0]
        expected = ("IncidentRule.kinds[1]", "'shouting'")
        assert expected == (problem.path, problem.found)

    def test_refuses_no_kinds(self) -> None:
        """A rule covers at least one kind."""
        with pytest.raises(ValidationError, match=r"IncidentRule\.kinds: expected at least 1"):
            _rule(kinds=())

    def test_refuses_repeated_kinds(self) -> None:
        """Each kind is listed once, whether by member or by code."""
        with pytest.raises(ValidationError) as excinfo:
            _rule(kinds=(IncidentKind.VIOLENCE, "violence"))

        expected = ["IncidentRule.kinds[1]"]
        assert expected == [p.path for p in excinfo.value.problems]

    @pytest.mark.parametrize("kinds", ["violence", None, IncidentKind.VIOLENCE])
    def test_refuses_kinds_that_are_not_a_sequence(self, kinds: object) -> None:
        """A single kind (or a str) is not a sequence of kinds."""
        with pytest.raises(WrongTypeError, match=r"IncidentRule\.kinds: expected a sequence"):
            _rule(kinds=kinds)

    def test_refuses_an_unknown_severity(self) -> None:
        """A severity code that is not a severity is refused."""
        with pytest.raises(ValidationError, match=r"IncidentRule\.minimum_severity.*'grave'"):
            _rule(minimum_severity="grave")

    def test_refuses_a_period_that_is_not_a_period(self) -> None:
        """``incident_free_for`` is a Period, not its ISO text."""
        with pytest.raises(WrongTypeError, match=r"IncidentRule\.incident_free_for"):
            _rule(incident_free_for="P3M")

    @pytest.mark.parametrize(
        ("kind", "severity", "expected"),
        [
            (IncidentKind.VIOLENCE, IncidentSeverity.MODERATE, True),
            (IncidentKind.VIOLENCE, IncidentSeverity.SERIOUS, True),
            (IncidentKind.SELF_HARM, IncidentSeverity.SERIOUS, True),
            (IncidentKind.VIOLENCE, IncidentSeverity.MINOR, False),
            (IncidentKind.ABSCONDING, IncidentSeverity.SERIOUS, False),
            (IncidentKind.OTHER, IncidentSeverity.MODERATE, False),
        ],
    )
    def test_resets_for_a_covered_kind_at_or_above_the_severity(
        self, kind: IncidentKind, severity: IncidentSeverity, expected: bool
    ) -> None:
        """An incident resets the clock when its kind is covered and it is serious enough."""
        assert expected == _rule().resets(kind, severity)


class TestExitCriteria:
    def test_mapping_form_is_kept_in_order(self) -> None:
        """A ``{domain: level}`` mapping becomes requirements in the mapping's order."""
        criteria = ExitCriteria(requirements={"beta": "high", "alpha": "mid"})

        expected = (
            DomainRequirement(domain="beta", minimum="high"),
            DomainRequirement(domain="alpha", minimum="mid"),
        )
        assert expected == criteria.requirements

    def test_list_form_becomes_a_tuple(self) -> None:
        """Requirements given as a list are kept as a tuple."""
        requirement = DomainRequirement(domain="alpha", minimum="mid")

        assert (requirement,) == ExitCriteria(requirements=[requirement]).requirements

    def test_mapping_and_list_forms_are_equal(self) -> None:
        """Both forms of the same requirements make equal criteria."""
        listed = ExitCriteria(requirements=[DomainRequirement(domain="alpha", minimum="mid")])

        assert listed == ExitCriteria(requirements={"alpha": "mid"})

    def test_defaults(self) -> None:
        """By default: ready at the first qualifying review, no incident rules, no agreement."""
        criteria = ExitCriteria(requirements={"alpha": "mid"})

        assert (Period(), (), False) == (
            criteria.sustained_for,
            criteria.incident_rules,
            criteria.person_must_agree,
        )

    @pytest.mark.parametrize("requirements", [{}, (), []], ids=["mapping", "tuple", "list"])
    def test_refuses_no_requirements(self, requirements: object) -> None:
        """Criteria name at least one domain; a stage without criteria leaves them unset."""
        with pytest.raises(ValidationError, match=r"ExitCriteria\.requirements: expected at least"):
            ExitCriteria(requirements=requirements)

    def test_refuses_a_domain_named_twice(self) -> None:
        """Each domain is required once; the repeat is reported where it is."""
        requirements = [
            DomainRequirement(domain="alpha", minimum="mid"),
            DomainRequirement(domain="beta", minimum="mid"),
            DomainRequirement(domain="alpha", minimum="high"),
        ]

        with pytest.raises(ValidationError) as excinfo:
            ExitCriteria(requirements=requirements)

        expected = ["ExitCriteria.requirements[2]"]
        assert expected == [p.path for p in excinfo.value.problems]

    def test_refuses_items_that_are_not_requirements(self) -> None:
        """Every item must be a DomainRequirement."""
        with pytest.raises(
            WrongTypeError, match=r"requirements\[0\]: expected a DomainRequirement"
        ):
            ExitCriteria(requirements=[("alpha", "mid")])

    def test_mapping_with_a_bad_level_code_is_refused(self) -> None:
        """A mapping value is checked as a level code."""
        with pytest.raises(ValidationError, match=r"DomainRequirement\.minimum"):
            ExitCriteria(requirements={"alpha": "not a code"})

    def test_refuses_a_person_must_agree_that_is_not_a_bool(self) -> None:
        """``person_must_agree`` is a bool, not 0 or 1."""
        with pytest.raises(WrongTypeError, match=r"ExitCriteria\.person_must_agree"):
            ExitCriteria(requirements={"alpha": "mid"}, person_must_agree=1)

    def test_refuses_rules_that_are_not_rules(self) -> None:
        """Every incident rule must be an IncidentRule."""
        with pytest.raises(WrongTypeError, match=r"incident_rules\[0\]: expected an IncidentRule"):
            ExitCriteria(requirements={"alpha": "mid"}, incident_rules=["violence"])

    def test_minimum_for_gives_the_required_level(self) -> None:
        """``minimum_for`` returns the least level code for a domain."""
        expected = "high"
        assert expected == ExitCriteria(requirements={"alpha": "mid", "beta": "high"}).minimum_for(
            "beta"
        )

    def test_minimum_for_an_unnamed_domain_raises(self) -> None:
        """``minimum_for`` a domain the criteria do not name raises UnknownCodeError."""
        criteria = ExitCriteria(requirements={"alpha": "mid"})

        with pytest.raises(UnknownCodeError) as excinfo:
            criteria.minimum_for("beta")

        expected = ("required domain", "beta", ("alpha",))
        assert expected == (
            excinfo.value.kind,
            excinfo.value.code,
            excinfo.value.known,
        )

    def test_domains_lists_the_named_domains_in_order(self) -> None:
        """``domains`` gives the domain codes the criteria name."""
        expected = ("beta", "alpha")
        assert expected == ExitCriteria(requirements={"beta": "low", "alpha": "mid"}).domains


class TestStageMoney:
    @pytest.mark.parametrize(
        "cost", [Decimal("452.50"), "452.50", "452.5"], ids=["decimal", "str", "short-str"]
    )
    def test_accepts_decimal_amounts(self, cost: object) -> None:
        """A Decimal or a decimal string is kept as a Decimal."""
        assert Decimal("452.50") == _stage(bed_day_cost=cost).bed_day_cost

    def test_accepts_whole_pounds_as_an_int(self) -> None:
        """An int becomes a Decimal."""
        stage = _stage(bed_day_cost=452)

        assert (Decimal, Decimal(452)) == (type(stage.bed_day_cost), stage.bed_day_cost)

    def test_accepts_zero(self) -> None:
        """A stage may cost nothing."""
        assert Decimal(0) == _stage(bed_day_cost=0).bed_day_cost

    def test_cost_defaults_to_none_and_estimate(self) -> None:
        """Without a cost the stage has none, and a cost given is an estimate by default."""
        stage = _stage()

        expected = (None, True)
        assert expected == (stage.bed_day_cost, stage.cost_is_estimate)

    @pytest.mark.parametrize("cost", [452.5, 452.0, float("nan")], ids=["float", "whole", "nan"])
    def test_refuses_floats(self, cost: float) -> None:
        """Money is never a float: a float is a wrong type."""
        with pytest.raises(WrongTypeError, match=r"Stage\.bed_day_cost: expected an amount"):
            _stage(bed_day_cost=cost)

    @pytest.mark.parametrize("cost", [True, False], ids=["true", "false"])
    def test_refuses_bools(self, cost: bool) -> None:
        """A bool is not an amount even though it is an int."""
        with pytest.raises(WrongTypeError, match=r"Stage\.bed_day_cost"):
            _stage(bed_day_cost=cost)

    @pytest.mark.parametrize("cost", ["a lot", "£452", "", [452]])
    def test_refuses_what_is_not_an_amount(self, cost: object) -> None:
        """Text that is not a decimal number, or another type, is refused."""
        with pytest.raises(WrongTypeError, match=r"Stage\.bed_day_cost"):
            _stage(bed_day_cost=cost)

    @pytest.mark.parametrize(
        "cost",
        [Decimal("-1"), -1, "-0.01", "NaN", Decimal("NaN"), "Infinity", Decimal("-Infinity")],
    )
    def test_refuses_negative_and_non_finite_amounts(self, cost: object) -> None:
        """An amount must be finite and not below zero."""
        with pytest.raises(ValidationError, match=r"expected an amount >= 0") as excinfo:
            _stage(bed_day_cost=cost)

        assert not isinstance(excinfo.value, WrongTypeError)

    def test_refuses_a_cost_is_estimate_that_is_not_a_bool(self) -> None:
        """``cost_is_estimate`` is a bool."""
        with pytest.raises(WrongTypeError, match=r"Stage\.cost_is_estimate"):
            _stage(cost_is_estimate="yes")


class TestStage:
    @pytest.mark.parametrize("field", ["review_interval", "first_review_within"])
    def test_refuses_a_zero_review_period(self, field: str) -> None:
        """Reviews cannot be due every zero days."""
        with pytest.raises(ValidationError, match=rf"Stage\.{field}: expected a period longer"):
            _stage(**{field: Period()})

    def test_reports_both_zero_review_periods(self) -> None:
        """Both zero periods are reported in one error."""
        with pytest.raises(ValidationError) as excinfo:
            _stage(review_interval=Period(), first_review_within=Period(days=0))

        expected = ["Stage.review_interval", "Stage.first_review_within"]
        assert expected == [p.path for p in excinfo.value.problems]

    @pytest.mark.parametrize(
        "field",
        ["review_interval", "first_review_within", "length_of_stay_benchmark", "long_stay_after"],
    )
    def test_refuses_periods_given_as_text(self, field: str) -> None:
        """Periods are Period objects, not ISO text."""
        with pytest.raises(WrongTypeError, match=rf"Stage\.{field}: expected a Period or None"):
            _stage(**{field: "P3M"})

    def test_first_review_period_is_first_review_within_when_given(self) -> None:
        """The first review is due within ``first_review_within`` when it is set."""
        stage = _stage(review_interval=Period(months=6), first_review_within=Period(weeks=12))

        assert Period(weeks=12) == stage.first_review_period

    def test_first_review_period_falls_back_to_the_interval(self) -> None:
        """Without ``first_review_within`` the first review is due one interval in."""
        assert Period(months=6) == _stage(review_interval=Period(months=6)).first_review_period

    def test_first_review_period_is_none_without_reviews(self) -> None:
        """A stage without scheduled reviews has no first review due."""
        assert None is _stage().first_review_period

    @pytest.mark.parametrize("rank", [-1, True, 1.0, "1"])
    def test_refuses_bad_security_ranks(self, rank: object) -> None:
        """A security rank is an int of at least zero."""
        with pytest.raises(ValidationError, match=r"Stage\.security_rank"):
            _stage(rank=rank)  # type: ignore[arg-type]

    def test_refuses_exit_criteria_of_the_wrong_type(self) -> None:
        """Exit criteria are an ExitCriteria or None, not a mapping."""
        with pytest.raises(WrongTypeError, match=r"Stage\.exit_criteria"):
            _stage(exit_criteria={"alpha": "mid"})

    @pytest.mark.parametrize("field", ["name", "everyday_name"])
    def test_refuses_blank_names(self, field: str) -> None:
        """Both names must say something."""
        with pytest.raises(ValidationError, match=rf"Stage\.{field}: expected non-empty text"):
            _stage(**{field: " "})

    def test_is_frozen(self) -> None:
        """A stage cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _stage().security_rank = 9  # type: ignore[misc]

    def test_equal_stages_hash_alike(self) -> None:
        """Stages are values, whatever form their cost was given in."""
        one = _stage(bed_day_cost="411")
        other = _stage(bed_day_cost=411)

        assert (one, hash(one)) == (other, hash(other))


class TestTransition:
    @pytest.mark.parametrize("field", ["from_stage", "to_stage"])
    @pytest.mark.parametrize("value", ["", "low secure", None])
    def test_refuses_bad_stage_codes(self, field: str, value: object) -> None:
        """Both ends of a move are stage codes."""
        fields = {"from_stage": "a", "to_stage": "b", field: value}

        with pytest.raises(ValidationError, match=rf"Transition\.{field}"):
            Transition(**fields)  # type: ignore[arg-type]


class TestPathwayDefinitionConstruction:
    def test_lists_become_tuples(self) -> None:
        """Stages and transitions given as lists are kept as tuples."""
        definition = PathwayDefinition(
            id="test-pathway",
            version="1.0.0",
            name="Test pathway",
            framework=FRAMEWORK,
            stages=list(LADDER),
            transitions=[Transition(from_stage="top", to_stage="middle")],
        )

        assert (LADDER, (Transition(from_stage="top", to_stage="middle"),)) == (
            definition.stages,
            definition.transitions,
        )

    def test_refuses_no_stages(self) -> None:
        """A definition has at least one stage."""
        with pytest.raises(
            ValidationError, match=r"PathwayDefinition\.stages: expected at least 1"
        ):
            _definition(())

    def test_refuses_repeated_stage_codes(self) -> None:
        """Each stage code appears once; the repeat is reported where it is."""
        with pytest.raises(ValidationError) as excinfo:
            _definition((_stage("a", 2), _stage("b", 1), _stage("a", 0)))

        expected = ["PathwayDefinition.stages[2]"]
        assert expected == [p.path for p in excinfo.value.problems]

    def test_reports_unknown_domain_and_level_together(self) -> None:
        """Criteria naming an unknown domain and an unknown level give both problems at once."""
        criteria = ExitCriteria(requirements={"gamma": "mid", "alpha": "excellent"})

        with pytest.raises(ValidationError) as excinfo:
            _definition((_stage("a", 1, exit_criteria=criteria), _stage("b", 0)))

        prefix = "PathwayDefinition.stages[0].exit_criteria.requirements"
        assert [f"{prefix}[0].domain", f"{prefix}[1].minimum"] == [
            p.path for p in excinfo.value.problems
        ]

    def test_unknown_domain_problem_names_the_framework_domains(self) -> None:
        """The problem lists the framework's domains and shows the code found."""
        criteria = ExitCriteria(requirements={"gamma": "mid"})

        with pytest.raises(ValidationError) as excinfo:
            _definition((_stage("a", 1, exit_criteria=criteria),))

        problem = excinfo.value.problems[0]
        expected = ("a domain of framework 'test-framework' (alpha, beta)", "'gamma'")
        assert expected == (
            problem.expected,
            problem.found,
        )

    def test_reports_transitions_naming_unknown_stages(self) -> None:
        """Both ends of a move must be stages of the definition."""
        with pytest.raises(ValidationError) as excinfo:
            _definition(LADDER, (("top", "middle"), ("nowhere", "limbo")))

        expected = [
            "PathwayDefinition.transitions[1].from_stage",
            "PathwayDefinition.transitions[1].to_stage",
        ]
        assert expected == [p.path for p in excinfo.value.problems]

    def test_refuses_a_move_to_the_same_stage(self) -> None:
        """A move from a stage to itself is not a move."""
        with pytest.raises(ValidationError, match=r"transitions\[0\]: expected a move between two"):
            _definition(LADDER, (("top", "top"),))

    def test_refuses_a_repeated_move(self) -> None:
        """Each move is listed once."""
        with pytest.raises(ValidationError) as excinfo:
            _definition(LADDER, (("top", "middle"), ("middle", "bottom"), ("top", "middle")))

        problem = excinfo.value.problems[0]
        expected = ("PathwayDefinition.transitions[2]", "a repeated move")
        assert expected == (
            problem.path,
            problem.found,
        )

    def test_reports_every_problem_in_one_error(self) -> None:
        """Stage, criteria and transition problems all come in one error."""
        criteria = ExitCriteria(requirements={"gamma": "mid"})
        stages = (_stage("a", 1, exit_criteria=criteria), _stage("a", 0))

        with pytest.raises(ValidationError) as excinfo:
            _definition(stages, (("a", "z"),))

        expected = 3
        assert expected == len(excinfo.value.problems)

    @pytest.mark.parametrize("framework", [None, "my-shared-pathway", FRAMEWORK.scale])
    def test_refuses_a_framework_that_is_not_a_framework(self, framework: object) -> None:
        """The framework must be an OutcomeFramework."""
        with pytest.raises(WrongTypeError, match=r"PathwayDefinition\.framework"):
            _definition(LADDER, framework=framework)

    def test_refuses_items_that_are_not_stages(self) -> None:
        """Every stage must be a Stage."""
        with pytest.raises(WrongTypeError, match=r"stages\[1\]: expected a Stage"):
            _definition((LADDER[0], "middle"))

    def test_refuses_transitions_given_as_pairs(self) -> None:
        """Every transition must be a Transition."""
        with pytest.raises(WrongTypeError, match=r"transitions\[0\]: expected a Transition"):
            _definition(LADDER, transitions=[("top", "middle")])

    def test_is_frozen(self) -> None:
        """A definition cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _definition(LADDER).version = "2.0.0"  # type: ignore[misc]

    def test_equal_definitions_hash_alike(self) -> None:
        """Definitions are values."""
        one, other = _definition(LADDER, LADDER_MOVES), _definition(LADDER, LADDER_MOVES)

        assert (one, hash(one)) == (other, hash(other))


class TestPathwayDefinitionLookUps:
    def test_stage_finds_a_stage_by_code(self) -> None:
        """``stage`` returns the stage with the code."""
        assert LADDER[2] == _definition(LADDER).stage("bottom")

    def test_stage_of_an_unknown_code_lists_the_stages(self) -> None:
        """An unknown stage raises UnknownCodeError naming the stages in order."""
        with pytest.raises(UnknownCodeError) as excinfo:
            _definition(LADDER).stage("limbo")

        expected = ("stage", "limbo", ("top", "middle", "bottom", "out"))
        assert expected == (
            excinfo.value.kind,
            excinfo.value.code,
            excinfo.value.known,
        )

    def test_stage_codes_keep_their_order(self) -> None:
        """``stage_codes`` lists the codes most restrictive first, as given."""
        expected = ("top", "middle", "bottom", "out")
        assert expected == _definition(LADDER).stage_codes

    @pytest.mark.parametrize(
        ("value", "expected"), [("top", True), ("limbo", False), (None, False), (["top"], False)]
    )
    def test_contains_checks_stage_codes(self, value: object, expected: bool) -> None:
        """``in`` tells whether a code is a stage; unhashable values answer False."""
        assert expected == (value in _definition(LADDER))

    def test_moves_from_lists_targets_in_the_order_listed(self) -> None:
        """``moves_from`` gives the stages reachable in one move, in transition order."""
        definition = _definition(
            LADDER, (("bottom", "out"), ("bottom", "top"), ("bottom", "middle"))
        )

        expected = ("out", "top", "middle")
        assert expected == tuple(s.code for s in definition.moves_from("bottom"))

    def test_moves_from_a_stage_without_moves_is_empty(self) -> None:
        """A stage no move leaves from has no moves."""
        expected = ()
        assert expected == _definition(LADDER, LADDER_MOVES).moves_from("out")

    def test_moves_from_an_unknown_stage_raises(self) -> None:
        """``moves_from`` an unknown stage raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="limbo"):
            _definition(LADDER, LADDER_MOVES).moves_from("limbo")

    @pytest.mark.parametrize(
        ("from_stage", "to_stage", "expected"),
        [
            ("top", "middle", True),
            ("bottom", "middle", True),
            ("middle", "top", False),
            ("top", "out", False),
            ("out", "top", False),
            ("middle", "middle", True),
            ("out", "out", True),
        ],
    )
    def test_allows_listed_moves_and_staying(
        self, from_stage: str, to_stage: str, expected: bool
    ) -> None:
        """A move is allowed when listed; staying in the same stage is always allowed."""
        assert expected == _definition(LADDER, LADDER_MOVES).allows(from_stage, to_stage)

    @pytest.mark.parametrize(
        ("from_stage", "to_stage"), [("limbo", "top"), ("top", "limbo"), ("limbo", "limbo")]
    )
    def test_allows_raises_for_unknown_stages(self, from_stage: str, to_stage: str) -> None:
        """``allows`` with a stage the definition lacks raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="limbo"):
            _definition(LADDER, LADDER_MOVES).allows(from_stage, to_stage)


class TestStepDownFrom:
    def test_gives_the_nearest_lower_stage(self) -> None:
        """Of the allowed moves down, the one with the highest rank below is chosen."""
        definition = _definition(LADDER, (("top", "out"), ("top", "bottom"), ("top", "middle")))

        expected = "middle"
        assert expected == definition.step_down_from("top").code  # type: ignore[union-attr]

    def test_ignores_moves_up(self) -> None:
        """A move to a more restrictive stage is not a step down."""
        definition = _definition(LADDER, (("bottom", "middle"), ("bottom", "out")))

        expected = "out"
        assert expected == definition.step_down_from("bottom").code  # type: ignore[union-attr]

    def test_ties_go_to_the_stage_listed_first(self) -> None:
        """Between stages of equal rank, the first in ``stages`` wins, whatever the move order."""
        stages = (_stage("top", 3), _stage("left", 2), _stage("right", 2), _stage("out", 0))
        definition = _definition(stages, (("top", "out"), ("top", "right"), ("top", "left")))

        expected = "left"
        assert expected == definition.step_down_from("top").code  # type: ignore[union-attr]

    def test_is_none_when_only_moves_up_are_allowed(self) -> None:
        """A stage whose only moves go up has no step down."""
        definition = _definition(LADDER, (("middle", "top"),))

        assert None is definition.step_down_from("middle")

    def test_is_none_for_a_stage_without_moves(self) -> None:
        """The last stage has no step down."""
        assert None is _definition(LADDER, LADDER_MOVES).step_down_from("out")

    def test_is_none_for_a_move_to_an_equal_rank(self) -> None:
        """A move to a stage of the same rank is a transfer, not a step down."""
        stages = (_stage("left", 2), _stage("right", 2))

        assert None is _definition(stages, (("left", "right"),)).step_down_from("left")

    def test_raises_for_an_unknown_stage(self) -> None:
        """``step_down_from`` an unknown stage raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="limbo"):
            _definition(LADDER, LADDER_MOVES).step_down_from("limbo")
